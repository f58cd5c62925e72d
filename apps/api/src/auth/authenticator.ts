// Who is calling: an API token (looked up by SHA-256, never stored or logged) or, when
// KORDON_OIDC_ISSUER is set, a JWT from the identity provider. Decided once per request and
// remembered on it, so the read cache's fast path and the guard never authenticate twice.
import { Injectable, UnauthorizedException } from '@nestjs/common';
import { looksLikeJwt, OidcVerifier } from './oidc.verifier';
import type { AuthedRequest, Principal } from './principal';
import { highestRole } from './roles';
import { TokenCache } from './token-cache';
import { hashToken } from './token-hash';
import { TokensRepository } from './tokens.repository';
import { InFlightWork } from '../prisma/in-flight-work';

const PRINCIPAL = Symbol('kordon.principal');

@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly tokenCache: TokenCache,
    private readonly oidc: OidcVerifier,
    private readonly work: InFlightWork,
  ) {}

  /** The caller, or an UnauthorizedException (the same one however often asked for a request). */
  authenticate(req: AuthedRequest): Promise<Principal> {
    const holder = req as AuthedRequest & { [PRINCIPAL]?: Promise<Principal> };
    holder[PRINCIPAL] ??= this.establish(req);
    return holder[PRINCIPAL];
  }

  private async establish(req: AuthedRequest): Promise<Principal> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match) throw new UnauthorizedException('an API token is required: Authorization: Bearer <token>');
    const credential = match[1];
    if (this.oidc.enabled && looksLikeJwt(credential)) return this.oidc.verify(credential);
    const now = new Date();
    const token = await this.tokenCache.findActive(req, hashToken(credential), now);
    if (!token) throw new UnauthorizedException('the API token is unknown, revoked or expired');
    void this.work.track(this.tokens.touch(token.id, now)).catch(() => undefined);
    const principal: Principal = { kind: 'token', id: token.id, name: token.name, role: highestRole([token.role])!, roles: [token.role] };
    if (token.expiresAt) principal.expiresAt = token.expiresAt;
    return principal;
  }
}
