// The signed-in user's session: their own API credential (an API token they pasted, or the OIDC
// ID token of their sign-in) sealed into an httpOnly cookie, so pages read the API with it and the
// API's role checks apply. The browser holds only the sealed cookie: it never sees a token in
// script, and never another user's. Sealed with A256GCM (jose) under KORDON_SESSION_SECRET
// (`npm start` generates one into the data folder); without it a random key per process is used,
// so sessions end when the web app restarts.
import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { cookies } from 'next/headers';
import type { RoleName, SessionPrincipal } from '@kordon/contracts';

export const SESSION_COOKIE = 'kordon_session';
/** Double-submit CSRF token: readable by the page's script, echoed in `x-kordon-csrf` on writes. */
export const CSRF_COOKIE = 'kordon_csrf';
export const CSRF_HEADER = 'x-kordon-csrf';
/** A session lasts at most this long, and never past the credential's own expiry. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export interface Session extends SessionPrincipal {
  /** The bearer credential the API is called with. Server-only. */
  credential: string;
  /** The CSRF token bound to this session. */
  csrf: string;
  /** Unix seconds. */
  expiresAt: number;
}

let processKey: Uint8Array | undefined;

function sessionKey(env: NodeJS.ProcessEnv = process.env): Uint8Array {
  const secret = env.KORDON_SESSION_SECRET?.trim();
  // Any length of secret works: it is hashed to the 32 bytes A256GCM needs.
  if (secret) return new Uint8Array(createHash('sha256').update(secret).digest());
  processKey ??= new Uint8Array(randomBytes(32));
  return processKey;
}

export async function sealSession(session: Session): Promise<string> {
  const { credential, csrf, kind, name, role, expiresAt } = session;
  return new EncryptJWT({ credential, csrf, kind, name, role })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .encrypt(sessionKey());
}

export async function unsealSession(sealed: string | undefined): Promise<Session | null> {
  if (!sealed) return null;
  try {
    const { payload } = await jwtDecrypt(sealed, sessionKey());
    const { credential, csrf, kind, name, role, exp } = payload as Record<string, unknown>;
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
export async function getSession(): Promise<Session | null> {
  const jar = await cookies();
  return unsealSession(jar.get(SESSION_COOKIE)?.value);
}

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

/** Starts a session for `principal` with `credential`: sets the sealed and the CSRF cookies. */
export async function startSession(
  principal: SessionPrincipal,
  credential: string,
  opts: { secure: boolean; credentialExpiresAt?: number },
): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = Math.min(now + SESSION_MAX_AGE_SECONDS, opts.credentialExpiresAt ?? Number.MAX_SAFE_INTEGER);
  const csrf = newCsrfToken();
  const sealed = await sealSession({ ...principal, credential, csrf, expiresAt });
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
