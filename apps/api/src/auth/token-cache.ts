// API tokens by hash, remembered until the token table changes (the `auth` change counter, bumped
// by a trigger at every commit that creates, revokes or alters a token on any replica), so a
// revoked token is refused on its next request everywhere while a busy client does not cost a
// token query per request. Expiry is checked against the clock on every use. Unknown hashes are
// remembered too (bounded), so a flood of bad tokens does not become a flood of queries.
import { Injectable } from '@nestjs/common';
import type { Role } from '@prisma/client';
import { LRUCache } from 'lru-cache';
import { AUTH_SCOPE, ChangeVersions, versionForRequest } from '../read-cache/change-versions.service';
import { ReadCache } from '../read-cache/read-cache.service';
import { TokenLookupRepository } from './token-lookup.repository';

interface TokenRow {
  id: string;
  name: string;
  role: Role;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

@Injectable()
export class TokenCache {
  private readonly entries = new LRUCache<string, { version: string; token: TokenRow | null }>({ max: 10_000 });

  constructor(private readonly lookup: TokenLookupRepository, private readonly versions: ChangeVersions, private readonly readCache: ReadCache) {}

  /** The token with this hash if it is active at `now`, else null. */
  async findActive(req: object, tokenHash: string, now: Date): Promise<{ id: string; name: string; role: Role; expiresAt: Date | null } | null> {
    const token = await this.find(req, tokenHash);
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= now.getTime())) return null;
    return token;
  }

  private async find(req: object, tokenHash: string): Promise<TokenRow | null> {
    // The read cache switched off (KORDON_READ_CACHE_MB=0) means every request reads the database.
    if (!this.readCache.enabled) return this.lookup.findByHash(tokenHash);
    let version: string;
    try {
      version = await versionForRequest(req, this.versions, AUTH_SCOPE);
    } catch {
      return this.lookup.findByHash(tokenHash);
    }
    const cached = this.entries.get(tokenHash);
    if (cached && cached.version === version) return cached.token;
    const token = await this.lookup.findByHash(tokenHash);
    this.entries.set(tokenHash, { version, token });
    return token;
  }
}
