// API tokens for people and automation: `kdn_` + 32 random bytes (base64url), shown once and
// stored as SHA-256; optional expiry; revocable. The bootstrap tokens from the environment
// appear in the list too (revoking one lasts until the next start re-creates it).
import { BadRequestException, Injectable } from '@nestjs/common';
import type { Role } from '@prisma/client';
import { randomBytes } from 'node:crypto';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { AuditService } from '../auth/audit.service';
import { hashToken } from '../auth/token-hash';
import { TokensRepository } from '../auth/tokens.repository';
import type { CreateTokenDto, ListTokensQuery } from './dto/create-token.dto';
import { TokenNotFoundException } from './tokens.exception';
import { requireInstant } from '../common/instant';
import { UUID } from '../common/uuid';

export const TOKEN_PREFIX = 'kdn_';
const DAY_MS = 86_400_000;

export interface TokenView {
  id: string;
  name: string;
  role: Role;
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type CreatedToken = TokenView & { token: string };

export function newToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

type Row = { id: string; name: string; role: Role; createdAt: Date; expiresAt: Date | null; revokedAt: Date | null; lastUsedAt: Date | null };

function view(r: Row, now: Date): TokenView {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    status: r.revokedAt ? 'revoked' : r.expiresAt && r.expiresAt <= now ? 'expired' : 'active',
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class TokensService {
  constructor(private readonly tokens: TokensRepository, private readonly audit: AuditService) {}

  async create(dto: CreateTokenDto, now = new Date()): Promise<CreatedToken> {
    if (dto.expiresAt && dto.expiresInDays) throw new BadRequestException('give expiresAt or expiresInDays, not both');
    const expiresAt = dto.expiresAt ?? (dto.expiresInDays ? new Date(now.getTime() + dto.expiresInDays * DAY_MS) : null);
    if (expiresAt && expiresAt <= now) throw new BadRequestException('expiresAt must be in the future');
    if (expiresAt && expiresAt.getTime() > now.getTime() + 3650 * DAY_MS) throw new BadRequestException('expiresAt must be within ten years');
    const token = newToken();
    // The token and its audit entry commit together: no token exists that the log does not show.
    const row = await this.audit.transaction(async (tx) => {
      const created = await this.tokens.createIn(tx, { name: dto.name, role: dto.role, tokenHash: hashToken(token), expiresAt });
      await this.audit.record(tx, 'token.create', created.id, { name: created.name, role: created.role, expiresAt: created.expiresAt?.toISOString() ?? null });
      return created;
    });
    return { ...view(row, now), token };
  }

  async list(q: ListTokensQuery, now = new Date()): Promise<{ items: TokenView[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    const c = decodeCursor(q.cursor, 2);
    if (c && (Number.isNaN(new Date(String(c[0])).getTime()) || !UUID.test(String(c[1])))) {
      throw new BadRequestException('cursor is not valid; use nextCursor from a previous page');
    }
    const rows = await this.tokens.list(limit + 1, c ? { createdAt: requireInstant(c[0], 'cursor'), id: String(c[1]) } : undefined);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => view(r, now)),
      nextCursor: rows.length > limit ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }

  /**
   * Revokes at once (204 even when it already was); unknown ids are a 404. The revocation and its
   * audit entry commit together; revoking a revoked token is audited too (the request was made).
   */
  async revoke(id: string, now = new Date()): Promise<void> {
    const row = await this.tokens.findById(id);
    if (!row) throw new TokenNotFoundException(id);
    await this.audit.transaction(async (tx) => {
      const revoked = await this.tokens.revokeIn(tx, id, now);
      await this.audit.record(tx, 'token.revoke', id, { name: row.name, role: row.role, ...(revoked ? {} : { alreadyRevoked: true }) });
    });
  }
}
