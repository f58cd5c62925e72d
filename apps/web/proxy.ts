// Sign-in gate (Next.js proxy, formerly middleware): a page request without a session is sent to
// /sign-in?next=<the page>, so a deep link pasted into a ticket lands where it points after
// signing in. A session cookie that no longer unseals (expired, sealed under a session secret
// that changed, or marked ended by the /api route after a 401) sends the user to sign in with
// word that the session ended. Whether the credential inside is still accepted (a revoked token)
// is the API's to say: a page whose API call answers 401 calls signInAgain(), which uses the path
// this proxy passes in x-kordon-path. /api/* is not gated: that route authenticates every call.
import { NextResponse, type NextRequest } from 'next/server';
import { PATH_HEADER, SESSION_COOKIE, unsealSession } from './lib/session';

const OPEN_PREFIXES = ['/sign-in', '/sign-out', '/auth/', '/api/', '/_next/', '/favicon', '/__kordon_ready'];

export async function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  // Client navigations carry Next's cache-busting _rsc parameter: not part of the page's address.
  const params = new URLSearchParams(req.nextUrl.search);
  params.delete('_rsc');
  const search = params.size ? `?${params.toString()}` : '';
  if (OPEN_PREFIXES.some((p) => pathname === p || pathname.startsWith(p))) return NextResponse.next();
  const sealed = req.cookies.get(SESSION_COOKIE)?.value;
  const session = sealed ? await unsealSession(sealed) : null;
  if (session) {
    const headers = new Headers(req.headers);
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
