// The provider sends the browser back here with a code. The flow cookie proves this browser
// started the flow (state), the code is exchanged with its PKCE verifier, the ID token checked
// (nonce), and the access token handed to the API's sign-in, which verifies it, maps its roles
// claim to a Kordon role and audits the sign-in. Then the session starts and the user goes
// where they were headed. Every failure lands on the sign-in page with a reason.
import { NextResponse, type NextRequest } from 'next/server';
import { completeFlow, OIDC_FLOW_COOKIE, OIDC_FLOW_PATH, OidcSignInError, oidcSettings, readFlow, requestOrigin } from '../../../../lib/oidc';
import { safeNext } from '../../../../lib/safe-next';
import { isSecureRequest, signInToApi, startSession } from '../../../../lib/session';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function GET(req: NextRequest) {
  const origin = requestOrigin(req.url, req.headers);
  const flow = await readFlow(req.cookies.get(OIDC_FLOW_COOKIE)?.value);
  const next = safeNext(flow?.next);
  const done = (target: URL) => {
    const res = NextResponse.redirect(target, 303);
    // One use: the flow's secrets are gone whatever the outcome.
    res.cookies.set(OIDC_FLOW_COOKIE, '', { path: OIDC_FLOW_PATH, expires: new Date(0), httpOnly: true, sameSite: 'lax' });
    res.headers.set('cache-control', 'no-store');
    return res;
  };
  const fail = (error: string) => {
    const url = new URL('/sign-in', origin);
    url.searchParams.set('error', error);
    if (next !== '/') url.searchParams.set('next', next);
    return done(url);
  };

  const settings = oidcSettings();
  if (!settings) return fail('oidc-off');
  // No flow cookie: it expired, or this browser never started the flow (a forged callback link).
  if (!flow) return fail('oidc-stale');
  let result;
  try {
    result = await completeFlow(settings, flow, req.nextUrl.searchParams);
  } catch (err) {
    return fail(err instanceof OidcSignInError ? err.code : 'oidc-failed');
  }
  const signedIn = await signInToApi(result.credential);
  if (!signedIn.ok) return fail(signedIn.code === 'invalid' ? 'oidc-refused' : signedIn.code === 'no-role' ? 'oidc-no-role' : signedIn.code);
  try {
    await startSession(signedIn.principal, result.credential, {
      secure: isSecureRequest(req.url, req.headers),
      credentialExpiresAt: result.expiresAt,
    });
  } catch {
    return fail('oidc-refused');
  }
  return done(new URL(next, origin));
}
