// Sign-out: a POST (from the header's form) ends the session and returns to the sign-in page.
// GET is refused so a link or an <img> on another page cannot sign a user out, and a POST from
// another site is refused too (its Origin is not ours).
import { NextResponse, type NextRequest } from 'next/server';
import { requestOrigin } from '../../lib/oidc';
import { isSameOriginRequest } from '../../lib/safe-next';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../lib/session';

export const dynamic = 'force-dynamic';

export async function POST(req: NextRequest) {
  if (!isSameOriginRequest(req.headers)) {
    return NextResponse.json({ statusCode: 403, error: 'Forbidden', message: 'cross-site sign-out refused' }, { status: 403 });
  }
  const res = NextResponse.redirect(new URL('/sign-in?signedOut=1', requestOrigin(req.url, req.headers)), 303);
  res.cookies.delete(SESSION_COOKIE);
  res.cookies.delete(CSRF_COOKIE);
  res.headers.set('cache-control', 'no-store');
  return res;
}
