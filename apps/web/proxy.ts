// Sign-in gate (Next.js proxy, formerly middleware): a page request without a session cookie is
// sent to /sign-in?next=<the page>, so a deep link pasted into a ticket lands where it points
// after signing in. Whether the cookie is still valid is checked where it is used (the API
// answers 401 and the page sends the user back here). /api/* is not gated: the proxy route
// authenticates every call itself.
import { NextResponse, type NextRequest } from 'next/server';

const SESSION_COOKIE = 'kordon_session';
const OPEN_PREFIXES = ['/sign-in', '/auth/', '/api/', '/_next/', '/favicon', '/__kordon_ready'];

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  if (OPEN_PREFIXES.some((p) => pathname === p || pathname.startsWith(p))) return NextResponse.next();
  if (req.cookies.get(SESSION_COOKIE)?.value) return NextResponse.next();
  const target = req.nextUrl.clone();
  target.pathname = '/sign-in';
  target.search = '';
  if (pathname !== '/' || search) target.searchParams.set('next', `${pathname}${search}`);
  return NextResponse.redirect(target);
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
