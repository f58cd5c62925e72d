// Sign-out: a POST (from the header's form) ends the session and returns to the sign-in page.
// GET is refused so a link or an <img> on another page cannot sign a user out.
import { NextResponse, type NextRequest } from 'next/server';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../lib/session';

export const dynamic = 'force-dynamic';

export async function POST(req: NextRequest) {
  const res = NextResponse.redirect(new URL('/sign-in?signedOut=1', req.url), 303);
  res.cookies.delete(SESSION_COOKIE);
  res.cookies.delete(CSRF_COOKIE);
  return res;
}
