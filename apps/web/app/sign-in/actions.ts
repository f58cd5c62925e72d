'use server';
// Sign-in with an API token: the token is checked (and the sign-in audited) by the API itself,
// then kept only in the sealed httpOnly session cookie. Server actions carry Next.js's own
// Origin check, so a foreign page cannot post this form.
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { SessionPrincipal } from '@kordon/contracts';
import { apiBaseUrl } from '../../lib/api-base-url';
import { safeNext } from '../../lib/safe-next';
import { isRole, isSecureRequest, startSession } from '../../lib/session';

export async function signInWithToken(formData: FormData): Promise<void> {
  const token = String(formData.get('token') ?? '').trim();
  const next = safeNext(String(formData.get('next') ?? '/'));
  const back = (error: string) => redirect(`/sign-in?error=${error}&next=${encodeURIComponent(next)}`);
  if (!token) back('empty');
  let res: Response;
  try {
    res = await fetch(`${apiBaseUrl()}/api/auth/sign-in`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      cache: 'no-store',
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return back('unreachable');
  }
  if (res.status === 401 || res.status === 403) return back('invalid');
  if (res.status === 429) return back('rate-limited');
  if (!res.ok) return back('unreachable');
  const principal = (await res.json()) as SessionPrincipal;
  if (!isRole(principal.role)) return back('invalid');
  const h = await headers();
  const proto = h.get('x-forwarded-proto') ?? 'http';
  await startSession(principal, token, { secure: isSecureRequest(`${proto}://`, h) });
  redirect(next);
}
