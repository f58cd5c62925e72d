// Sign-in gate (Next.js proxy, formerly middleware): a page request without a session is sent to
// /sign-in?next=<the page>, so a deep link pasted into a ticket lands where it points after
// signing in. A session cookie that no longer unseals (expired, sealed under a session secret
// that changed, or marked ended by the /api route after a 401) sends the user to sign in with
// word that the session ended. Whether the credential inside is still accepted (a revoked token)
// is the API's to say: a page whose API call answers 401 calls signInAgain(), which uses the path
// this proxy passes in x-kordon-path. /api/* is not gated: that route authenticates every call.
//
// Every answer also carries the page's Content-Security-Policy with a fresh nonce: Next.js reads
// the nonce from the request's CSP header and puts it on the scripts it renders (its runtime and
// the RSC payload), so no other script runs, inline or injected. Styles stay 'unsafe-inline'
// because React style attributes and the charts' inline styles need it; nothing is framed.
import { NextResponse, type NextRequest } from 'next/server';
import { PATH_HEADER, SESSION_COOKIE, unsealSession } from './lib/session';

/** The OIDC provider's origin: the "Sign in with …" form posts to us and is redirected there. */
function oidcOrigin(issuer = process.env.KORDON_OIDC_ISSUER?.trim()): string {
  if (!issuer) return '';
  try {
    return ` ${new URL(issuer).origin}`;
  } catch {
    return '';
  }
}

export function contentSecurityPolicy(nonce: string, dev = process.env.NODE_ENV === 'development'): string {
  return [
    `default-src 'self'`,
    // 'strict-dynamic': scripts the nonced ones load (Next's chunks) are trusted; dev mode's
    // React refresh evaluates code, so only it gets 'unsafe-eval'.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? ` 'unsafe-eval'` : ''}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'${dev ? ' ws:' : ''}`,
    `object-src 'none'`,
    `base-uri 'self'`,
    // Chromium applies form-action to the redirects after a post too.
    `form-action 'self'${oidcOrigin()}`,
    `frame-ancestors 'none'`,
  ].join('; ');
}

export async function proxy(req: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce);
  const res = await gate(req, csp);
  res.headers.set('Content-Security-Policy', csp);
  return res;
}

const OPEN_PREFIXES = ['/sign-in', '/sign-out', '/auth/', '/api/', '/_next/', '/favicon', '/__kordon_ready'];

async function gate(req: NextRequest, csp: string): Promise<NextResponse> {
  const { pathname } = req.nextUrl;
  // Client navigations carry Next's cache-busting _rsc parameter: not part of the page's address.
  const params = new URLSearchParams(req.nextUrl.search);
  params.delete('_rsc');
  const search = params.size ? `?${params.toString()}` : '';
  const headers = new Headers(req.headers);
  headers.set('Content-Security-Policy', csp);
  if (OPEN_PREFIXES.some((p) => pathname === p || pathname.startsWith(p))) return NextResponse.next({ request: { headers } });
  const sealed = req.cookies.get(SESSION_COOKIE)?.value;
  const session = sealed ? await unsealSession(sealed) : null;
  if (session) {
    headers.set(PATH_HEADER, `${pathname}${search}`);
    return NextResponse.next({ request: { headers } });
  }
  const target = req.nextUrl.clone();
  target.pathname = '/sign-in';
  target.search = '';
  if (sealed) target.searchParams.set('expired', '1');
  if (pathname !== '/' || search) target.searchParams.set('next', `${pathname}${search}`);
  // The stale cookie is left in place (signing in replaces it): deleting it here would let the
  // first prefetch swallow it, and the page the user opens next would not say why.
  return NextResponse.redirect(target);
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
