// The one token read the guard makes per credential: by the SHA-256 of the presented token,
// whatever its state (the caller decides whether it is revoked or expired, so the answer can be
// cached until the token table changes).
import { Injectable } from '@nestjs/common';
import type { ApiToken } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';

@Injectable()
export class TokenLookupRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Raw SQL on the pool (PrismaService.read): this runs on every API request whose token is not
   * cached, and Prisma's model queries, even its $queryRaw, cost more CPU than the index probe.
   */
  async findByHash(tokenHash: string): Promise<Pick<ApiToken, 'id' | 'name' | 'role' | 'expiresAt' | 'revokedAt'> | null> {
    const rows = await this.prisma.read<Pick<ApiToken, 'id' | 'name' | 'role' | 'expiresAt' | 'revokedAt'>[]>`
      SELECT id::text AS id, name, role::text AS role, expires_at AS "expiresAt", revoked_at AS "revokedAt"
      FROM api_token WHERE token_hash = ${tokenHash}::bpchar`;
    return rows[0] ?? null;
  }
}
