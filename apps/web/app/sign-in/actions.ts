'use server';
// Sign-in with an API token: the token is checked (and the sign-in audited) by the API itself,
// then kept only in the sealed httpOnly session cookie, which ends when the token expires if it
// does sooner than the session. Server actions carry Next.js's own Origin check, so a foreign
// page cannot post this form.
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { safeNext } from '../../lib/safe-next';
import { isSecureRequest, signInToApi, startSession } from '../../lib/session';

export async function signInWithToken(formData: FormData): Promise<void> {
  const token = String(formData.get('token') ?? '').trim();
  const next = safeNext(String(formData.get('next') ?? '/'));
  const back = (error: string) => redirect(`/sign-in?error=${error}&next=${encodeURIComponent(next)}`);
  if (!token) back('empty');
  // A pasted token never contains whitespace; refuse before it reaches an Authorization header.
  if (/\s/.test(token) || token.length > 8192) back('invalid');
  const result = await signInToApi(token);
  if (!result.ok) return back(result.code === 'no-role' ? 'invalid' : result.code);
  const h = await headers();
  const proto = h.get('x-forwarded-proto') ?? 'http';
  try {
    await startSession(result.principal, token, { secure: isSecureRequest(`${proto}://`, h) });
  } catch {
    return back('invalid');
  }
  redirect(next);
}
