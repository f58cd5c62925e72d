// Bearer JWTs from an OIDC issuer (Entra ID): signature checked against the issuer's JWKS
// (fetched and cached by jose, refreshed when an unknown key id shows up), then issuer,
// audience, expiry and algorithm; roles come from one claim mapped through KORDON_OIDC_ROLE_MAP.
import { ForbiddenException, Inject, Injectable, Logger, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Role } from '@prisma/client';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import type { Principal } from './principal';
import { highestRole } from './roles';

const ALGORITHMS = ['RS256', 'ES256'];
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const FETCH_TIMEOUT_MS = 5_000;

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** True for a compact JWS whose header decodes: API tokens (`kdn_…`) never look like that. */
export function looksLikeJwt(token: string): boolean {
  if (!JWT_SHAPE.test(token)) return false;
  try {
    decodeProtectedHeader(token);
    return true;
  } catch {
    return false;
  }
}

/** Reads `a.b.c` from the payload; a string or a list of strings, else nothing. */
export function claimValues(payload: JWTPayload, path: string): string[] {
  let v: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null) return [];
    v = (v as Record<string, unknown>)[part];
  }
  if (typeof v === 'string') return v.split(' ').filter(Boolean);
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

@Injectable()
export class OidcVerifier {
  private readonly logger = new Logger('OidcVerifier');
  private keys?: Promise<KeySet>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return Boolean(this.config.KORDON_OIDC_ISSUER);
  }

  async verify(token: string): Promise<Principal> {
    const issuer = this.config.KORDON_OIDC_ISSUER!;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), {
        issuer,
        audience: this.config.KORDON_OIDC_AUDIENCE,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30,
      }));
    } catch (err) {
      throw this.translate(err);
    }
    // An ID token (it carries the sign-in `nonce`, or says so in `typ`) proves who signed in to
    // some client, not that the caller may use this API: only access tokens are accepted.
    if (payload.nonce !== undefined || String(payload.typ ?? '').toLowerCase() === 'id') {
      throw new UnauthorizedException('an ID token is not accepted as a bearer token; send an access token for the Kordon API');
    }
    const claim = this.config.KORDON_OIDC_ROLE_CLAIM;
    const values = claimValues(payload, claim);
    const roles = [...new Set(values.map((v) => (Object.hasOwn(this.config.KORDON_OIDC_ROLE_MAP, v) ? this.config.KORDON_OIDC_ROLE_MAP[v] : undefined)).filter((r): r is Role => Boolean(r)))];
    const role = highestRole(roles);
    if (!role) {
      throw new ForbiddenException(
        `the token carries no Kordon role: claim "${claim}" has ${values.length ? values.map((v) => `"${v}"`).join(', ') : 'no value'}, mapped are ${Object.keys(this.config.KORDON_OIDC_ROLE_MAP).join(', ')}`,
      );
    }
    return { kind: 'oidc', id: payload.sub!, name: `oidc:${payload.sub}`, role, roles, expiresAt: new Date(payload.exp! * 1000) };
  }

  /** The issuer's key set: KORDON_OIDC_JWKS_URI, else `jwks_uri` from its discovery document. */
  private keySet(): Promise<KeySet> {
    if (!this.keys) {
      this.keys = this.jwksUri().then((uri) => createRemoteJWKSet(new URL(uri), { timeoutDuration: FETCH_TIMEOUT_MS, cooldownDuration: 30_000 }));
      // A failed discovery is retried on the next request instead of being cached forever.
      this.keys.catch(() => (this.keys = undefined));
    }
    return this.keys;
  }

  private async jwksUri(): Promise<string> {
    if (this.config.KORDON_OIDC_JWKS_URI) return this.config.KORDON_OIDC_JWKS_URI;
    const issuer = this.config.KORDON_OIDC_ISSUER!;
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new DiscoveryError(`${url} answered ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (doc.issuer !== issuer) throw new DiscoveryError(`${url} names issuer ${String(doc.issuer)}, not ${issuer}`);
    if (typeof doc.jwks_uri !== 'string') throw new DiscoveryError(`${url} has no jwks_uri`);
    return doc.jwks_uri;
  }

  private translate(err: unknown): Error {
    // The identity provider's keys could not be fetched: the caller's token may be fine.
    if (err instanceof DiscoveryError || err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || isFetchFailure(err) || isKeySetResponseError(err)) {
      this.logger.warn({ err: { message: (err as Error).message } }, 'OIDC keys unavailable');
      return new ServiceUnavailableException('the identity provider keys could not be fetched; try again later');
    }
    if (err instanceof errors.JWTExpired) return new UnauthorizedException('the bearer token has expired');
    if (err instanceof errors.JWTClaimValidationFailed) return new UnauthorizedException(`the bearer token is not valid here: ${err.claim} ${err.reason}`);
    if (err instanceof errors.JOSEError) return new UnauthorizedException(`the bearer token is not valid (${err.code})`);
    return err instanceof Error ? err : new Error(String(err));
  }
}

class DiscoveryError extends Error {
  override name = 'DiscoveryError';
}

function isKeySetResponseError(err: unknown): boolean {
  return err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(err.message);
}

function isFetchFailure(err: unknown): boolean {
  return err instanceof TypeError || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'));
}
