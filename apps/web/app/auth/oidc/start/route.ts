// Starts an OIDC sign-in: a POST from the sign-in page's "Sign in with …" button (same origin
// only, so another site cannot start flows in the user's browser) seals a new state, nonce and
// PKCE verifier into a short-lived httpOnly cookie and sends the browser to the provider.
import { NextResponse, type NextRequest } from 'next/server';
import { beginFlow, OIDC_FLOW_COOKIE, OIDC_FLOW_MAX_AGE_SECONDS, OIDC_FLOW_PATH, oidcSettings, redirectUriFor, requestOrigin } from '../../../../lib/oidc';
import { isSameOriginRequest, safeNext } from '../../../../lib/safe-next';
import { isSecureRequest } from '../../../../lib/session';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

function back(origin: string, error: string, next: string): NextResponse {
  const url = new URL('/sign-in', origin);
  url.searchParams.set('error', error);
  if (next !== '/') url.searchParams.set('next', next);
  return NextResponse.redirect(url, 303);
}

export async function POST(req: NextRequest) {
  const origin = requestOrigin(req.url, req.headers);
  const form = await req.formData().catch(() => null);
  const next = safeNext(String(form?.get('next') ?? '/'));
  if (!isSameOriginRequest(req.headers)) {
    return NextResponse.json({ statusCode: 403, error: 'Forbidden', message: 'cross-site sign-in refused' }, { status: 403 });
  }
  const settings = oidcSettings();
  if (!settings) return back(origin, 'oidc-off', next);
  let flow: Awaited<ReturnType<typeof beginFlow>>;
  try {
    flow = await beginFlow(settings, redirectUriFor(settings, origin), next);
  } catch {
    return back(origin, 'oidc-unavailable', next);
  }
  const res = NextResponse.redirect(flow.url, 303);
  res.cookies.set(OIDC_FLOW_COOKIE, flow.cookie, {
    httpOnly: true,
    // Lax: the provider's redirect back is a top-level GET from its site, which must carry it.
    sameSite: 'lax',
    secure: isSecureRequest(req.url, req.headers),
    path: OIDC_FLOW_PATH,
    maxAge: OIDC_FLOW_MAX_AGE_SECONDS,
  });
  res.headers.set('cache-control', 'no-store');
  return res;
}
