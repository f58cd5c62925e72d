// OIDC sign-in (Entra ID or any OpenID provider): the authorization-code flow with PKCE, state
// and nonce through openid-client. Configured by KORDON_OIDC_ISSUER + KORDON_OIDC_CLIENT_ID;
// off when either is missing. The flow's secrets (state, nonce, PKCE verifier, where to return)
// live in a short-lived sealed httpOnly cookie scoped to /auth/oidc, so they survive the round
// trip through the provider without server-side storage and no other site can complete it.
//
// The user's credential is the access token the provider issues for the Kordon API (a JWT whose
// audience is KORDON_OIDC_AUDIENCE at the API, with the `roles` claim): the API verifies it on
// every call, and refuses ID tokens as bearer credentials on purpose.
import 'server-only';
import * as client from 'openid-client';
import { seal, unseal } from './session';

export const OIDC_FLOW_COOKIE = 'kordon_oidc_flow';
export const OIDC_FLOW_PATH = '/auth/oidc';
/** Time the user has to get through the provider's pages. */
export const OIDC_FLOW_MAX_AGE_SECONDS = 10 * 60;
export const DEFAULT_OIDC_SCOPES = 'openid profile email';
export const DEFAULT_OIDC_NAME = 'Microsoft Entra ID';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Absent: `<this web app's origin>/auth/oidc/callback`. */
  redirectUri?: string;
  scopes: string;
  /** What the sign-in button says: "Sign in with <name>". */
  name: string;
  /** Plain-http issuer allowed (tests, a local provider): KORDON_OIDC_ALLOW_HTTP=on. */
  allowHttp: boolean;
}

/** The OIDC settings, or null when OIDC sign-in is not configured. */
export function oidcSettings(env: NodeJS.ProcessEnv = process.env): OidcSettings | null {
  const issuer = env.KORDON_OIDC_ISSUER?.trim();
  const clientId = env.KORDON_OIDC_CLIENT_ID?.trim();
  if (!issuer || !clientId) return null;
  return {
    issuer,
    clientId,
    clientSecret: env.KORDON_OIDC_CLIENT_SECRET?.trim() || undefined,
    redirectUri: env.KORDON_OIDC_REDIRECT_URI?.trim() || undefined,
    scopes: env.KORDON_OIDC_SCOPES?.trim() || DEFAULT_OIDC_SCOPES,
    name: env.KORDON_OIDC_NAME?.trim() || DEFAULT_OIDC_NAME,
    allowHttp: ['on', 'true', '1'].includes(env.KORDON_OIDC_ALLOW_HTTP?.trim().toLowerCase() ?? ''),
  };
}

let discovered: { key: string; config: Promise<client.Configuration> } | undefined;

/** The provider's metadata (discovery), fetched once per process; a failure is retried next time. */
export function oidcConfiguration(s: OidcSettings): Promise<client.Configuration> {
  const key = JSON.stringify([s.issuer, s.clientId, s.clientSecret ?? '', s.allowHttp]);
  if (discovered?.key !== key) {
    const config = client.discovery(
      new URL(s.issuer),
      s.clientId,
      s.clientSecret,
      s.clientSecret ? undefined : client.None(),
      { execute: s.allowHttp ? [client.allowInsecureRequests] : [], timeout: 10 },
    );
    discovered = { key, config };
    config.catch(() => {
      if (discovered?.config === config) discovered = undefined;
    });
  }
  return discovered.config;
}

/** This web app's origin as the browser sees it (Next sets x-forwarded-* on every request). */
export function requestOrigin(url: string, headers: Headers): string {
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  const proto = headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  if (host) return `${proto || new URL(url).protocol.replace(':', '')}://${host}`;
  return new URL(url).origin;
}

export function redirectUriFor(s: OidcSettings, origin: string): string {
  return s.redirectUri ?? `${origin}${OIDC_FLOW_PATH}/callback`;
}

export interface OidcFlow {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  next: string;
}

/** A new flow: its sealed cookie value and the provider URL to send the browser to. */
export async function beginFlow(s: OidcSettings, redirectUri: string, next: string): Promise<{ url: URL; cookie: string }> {
  const config = await oidcConfiguration(s);
  const flow: OidcFlow = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier: client.randomPKCECodeVerifier(),
    redirectUri,
    next,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: s.scopes,
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
    state: flow.state,
    nonce: flow.nonce,
  });
  const cookie = await seal('oidc-flow', { ...flow }, Math.floor(Date.now() / 1000) + OIDC_FLOW_MAX_AGE_SECONDS);
  return { url, cookie };
}

export async function readFlow(sealed: string | undefined): Promise<OidcFlow | null> {
  const p = await unseal('oidc-flow', sealed);
  if (!p) return null;
  const { state, nonce, verifier, redirectUri, next } = p;
  if ([state, nonce, verifier, redirectUri, next].some((v) => typeof v !== 'string')) return null;
  return { state, nonce, verifier, redirectUri, next } as OidcFlow;
}

export interface OidcResult {
  /** The bearer credential for the API: the access token. */
  credential: string;
  /** Unix seconds when the credential expires, if the provider said. */
  expiresAt?: number;
  subject: string;
}

export class OidcSignInError extends Error {
  constructor(
    /** The sign-in page's error code. */
    readonly code: 'oidc-denied' | 'oidc-failed' | 'oidc-unavailable' | 'oidc-no-access-token',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OidcSignInError';
  }
}

/**
 * Completes the flow: the authorization response in `callbackSearch` is checked against the
 * flow (state), the code exchanged with the PKCE verifier, and the ID token validated (issuer,
 * audience, expiry, nonce) by openid-client.
 */
export async function completeFlow(s: OidcSettings, flow: OidcFlow, callbackSearch: URLSearchParams): Promise<OidcResult> {
  const providerError = callbackSearch.get('error');
  if (providerError) {
    throw new OidcSignInError(providerError === 'access_denied' ? 'oidc-denied' : 'oidc-failed', `the provider answered ${providerError}`);
  }
  let config: client.Configuration;
  try {
    config = await oidcConfiguration(s);
  } catch (cause) {
    throw new OidcSignInError('oidc-unavailable', 'the identity provider could not be reached', { cause });
  }
  // The URL the provider sent the browser to, whatever host name the request came in under.
  const current = new URL(flow.redirectUri);
  current.search = callbackSearch.toString();
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (cause) {
    const unreachable = cause instanceof TypeError || (cause instanceof Error && /timeout|fetch failed|ECONNREFUSED/i.test(cause.message));
    throw new OidcSignInError(unreachable ? 'oidc-unavailable' : 'oidc-failed', `the code exchange failed: ${(cause as Error).message}`, { cause });
  }
  const claims = tokens.claims();
  const credential = tokens.access_token;
  if (!credential || credential.split('.').length !== 3) {
    throw new OidcSignInError('oidc-no-access-token', 'the provider issued no JWT access token for the Kordon API');
  }
  const expiresIn = tokens.expiresIn();
  return {
    credential,
    expiresAt: expiresIn ? Math.floor(Date.now() / 1000) + expiresIn : undefined,
    subject: String(claims?.sub ?? ''),
  };
}
