// The signed-in user's session: their own API credential (an API token they pasted, or the OIDC
// ID token of their sign-in) sealed into an httpOnly cookie, so pages read the API with it and the
// API's role checks apply. The browser holds only the sealed cookie: it never sees a token in
// script, and never another user's. Sealed with A256GCM (jose) under KORDON_SESSION_SECRET
// (`npm start` generates one into the data folder); without it a random key per process is used,
// so sessions end when the web app restarts.
import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { RoleName, SessionPrincipal } from '@kordon/contracts';
import { apiBaseUrl } from './api-base-url';

export const SESSION_COOKIE = 'kordon_session';
/** Double-submit CSRF token: readable by the page's script, echoed in `x-kordon-csrf` on writes. */
export const CSRF_COOKIE = 'kordon_csrf';
export const CSRF_HEADER = 'x-kordon-csrf';
/** A session lasts at most this long, and never past the credential's own expiry. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export interface Session extends Omit<SessionPrincipal, 'expiresAt'> {
  /** The bearer credential the API is called with. Server-only. */
  credential: string;
  /** The CSRF token bound to this session. */
  csrf: string;
  /** Unix seconds. */
  expiresAt: number;
}

/** Request header the proxy sets to the page being requested, so a 401 can send the user back to it. */
export const PATH_HEADER = 'x-kordon-path';

// The random fallback key lives on globalThis: the proxy and the app's routes are bundled
// separately but run in one process, and must agree on it.
const PROCESS_KEY = Symbol.for('kordon.session.processKey');

function sessionKey(env: NodeJS.ProcessEnv = process.env): Uint8Array {
  const secret = env.KORDON_SESSION_SECRET?.trim();
  // Any length of secret works: it is hashed to the 32 bytes A256GCM needs.
  if (secret) return new Uint8Array(createHash('sha256').update(secret).digest());
  const g = globalThis as { [PROCESS_KEY]?: Uint8Array };
  g[PROCESS_KEY] ??= new Uint8Array(randomBytes(32));
  return g[PROCESS_KEY];
}

/**
 * Seals `payload` for a cookie (encrypted and authenticated, so the browser can neither read nor
 * change it) until `expiresAt` (unix seconds). `purpose` keeps one kind of sealed cookie from
 * being accepted as another (an OIDC flow cookie is never a session).
 */
export async function seal(purpose: string, payload: Record<string, unknown>, expiresAt: number): Promise<string> {
  return new EncryptJWT({ ...payload, pur: purpose })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .encrypt(sessionKey());
}

/** The payload sealed by `seal(purpose, …)`, or null when tampered, expired, foreign or of another purpose. */
export async function unseal(purpose: string, sealed: string | undefined): Promise<Record<string, unknown> | null> {
  if (!sealed) return null;
  try {
    const { payload } = await jwtDecrypt(sealed, sessionKey());
    return payload.pur === purpose ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function sealSession(session: Session): Promise<string> {
  const { credential, csrf, kind, name, role, expiresAt } = session;
  return seal('session', { credential, csrf, kind, name, role }, expiresAt);
}

export async function unsealSession(sealed: string | undefined): Promise<Session | null> {
  if (!sealed) return null;
  try {
    const payload = await unseal('session', sealed);
    if (!payload) return null;
    const { credential, csrf, kind, name, role, exp } = payload;
    if (typeof credential !== 'string' || typeof csrf !== 'string' || typeof name !== 'string' || typeof exp !== 'number') return null;
    if (kind !== 'token' && kind !== 'oidc') return null;
    if (!isRole(role)) return null;
    return { credential, csrf, kind, name, role, expiresAt: exp };
  } catch {
    // Tampered, expired, or sealed under another key: not signed in.
    return null;
  }
}

export function isRole(value: unknown): value is RoleName {
  return value === 'admin' || value === 'security' || value === 'auditor' || value === 'manager';
}

/** The current request's session, or null (server components, route handlers, actions). */
// Unsealed once per server render (the page, the header and every API call share it); outside a
// render (route handlers) React's cache does not memoize and each call reads the cookie again.
export const getSession = cache(async (): Promise<Session | null> => {
  const jar = await cookies();
  return unsealSession(jar.get(SESSION_COOKIE)?.value);
});

export function newCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookie attributes: Secure when the web app is served over https (or KORDON_COOKIE_SECURE=on). */
export function cookieOptions(secure: boolean, maxAge: number) {
  return { httpOnly: true, sameSite: 'lax' as const, secure, path: '/', maxAge };
}

export function isSecureRequest(url: string, headers: Headers, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.KORDON_COOKIE_SECURE === 'on') return true;
  if (env.KORDON_COOKIE_SECURE === 'off') return false;
  return url.startsWith('https:') || headers.get('x-forwarded-proto') === 'https';
}

/**
 * Starts a session for `principal` with `credential`: sets the sealed and the CSRF cookies. It
 * ends after SESSION_MAX_AGE_SECONDS, or when the credential does (the API's `expiresAt`, or
 * `credentialExpiresAt` in unix seconds), whichever comes first.
 */
export async function startSession(
  principal: SessionPrincipal,
  credential: string,
  opts: { secure: boolean; credentialExpiresAt?: number },
): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const fromApi = principal.expiresAt ? Math.floor(Date.parse(principal.expiresAt) / 1000) : Number.NaN;
  const expiresAt = Math.min(
    now + SESSION_MAX_AGE_SECONDS,
    opts.credentialExpiresAt ?? Number.MAX_SAFE_INTEGER,
    Number.isFinite(fromApi) ? fromApi : Number.MAX_SAFE_INTEGER,
  );
  if (expiresAt <= now) throw new Error('the credential has already expired');
  const csrf = newCsrfToken();
  const sealed = await sealSession({ kind: principal.kind, name: principal.name, role: principal.role, credential, csrf, expiresAt });
  const jar = await cookies();
  const maxAge = Math.max(1, expiresAt - now);
  jar.set(SESSION_COOKIE, sealed, cookieOptions(opts.secure, maxAge));
  // Not httpOnly: the page's own script reads it to echo it in the CSRF header.
  jar.set(CSRF_COOKIE, csrf, { ...cookieOptions(opts.secure, maxAge), httpOnly: false, sameSite: 'strict' });
}

export async function endSession(): Promise<void> {
  const jar = await cookies();
  jar.delete(SESSION_COOKIE);
  jar.delete(CSRF_COOKIE);
}

/**
 * For a server component whose API call answered 401 (the token was revoked, or the session was
 * sealed under another key): back to the sign-in page, which says the session ended, and then
 * to the page the user was on (the proxy passes its path in PATH_HEADER).
 */
export async function signInAgain(): Promise<never> {
  const h = await headers();
  const path = h.get(PATH_HEADER);
  const next = path && path.startsWith('/') && !path.startsWith('//') ? `&next=${encodeURIComponent(path)}` : '';
  redirect(`/sign-in?expired=1${next}`);
}

export type ApiSignInResult =
  | { ok: true; principal: SessionPrincipal }
  /** `invalid`: unknown, revoked or expired (401); `no-role`: valid but no Kordon role (403). */
  | { ok: false; code: 'invalid' | 'no-role' | 'rate-limited' | 'unreachable'; message?: string };

/**
 * Checks `credential` with the API and records the sign-in in its audit log
 * (`POST /api/auth/sign-in`): the API decides who this is and with what role.
 */
export async function signInToApi(credential: string): Promise<ApiSignInResult> {
  let res: Response;
  try {
    res = await fetch(`${apiBaseUrl()}/api/auth/sign-in`, {
      method: 'POST',
      headers: { authorization: `Bearer ${credential}`, accept: 'application/json' },
      cache: 'no-store',
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return { ok: false, code: 'unreachable' };
  }
  const body = (await res.json().catch(() => undefined)) as { message?: unknown } | SessionPrincipal | undefined;
  const message = body && 'message' in body && typeof body.message === 'string' ? body.message : undefined;
  if (res.status === 401) return { ok: false, code: 'invalid', message };
  if (res.status === 403) return { ok: false, code: 'no-role', message };
  if (res.status === 429) return { ok: false, code: 'rate-limited', message };
  if (!res.ok || !body) return { ok: false, code: 'unreachable', message };
  const principal = body as SessionPrincipal;
  if (!isRole(principal.role) || typeof principal.name !== 'string' || (principal.kind !== 'token' && principal.kind !== 'oidc')) {
    return { ok: false, code: 'invalid' };
  }
  return { ok: true, principal };
}
