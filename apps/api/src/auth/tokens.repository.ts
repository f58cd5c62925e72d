// API tokens: looked up by the SHA-256 of the presented token, never by the token itself.
import { Injectable } from '@nestjs/common';
import type { Role } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../prisma/transaction';
import { AuditService } from './audit.service';

/** How often `lastUsedAt` is written per token: every request would make reads contend on one row. */
const TOUCH_EVERY_MS = 60_000;

export const TOKEN_LIST_SELECT = { id: true, name: true, role: true, createdAt: true, expiresAt: true, revokedAt: true, lastUsedAt: true } as const;

@Injectable()
export class TokensRepository {
  private readonly touched = new Map<string, number>();

  constructor(private readonly prisma: PrismaService, private readonly audits: AuditService) {}

  /**
   * Makes `tokenHash` the one active token called `name`: earlier ones with that name (a
   * rotated KORDON_ADMIN_TOKEN) are revoked. Safe when replicas start together.
   */
  async ensureOnly(name: string, role: Role, tokenHash: string, now: Date): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.apiToken.updateMany({ where: { name, tokenHash: { not: tokenHash }, revokedAt: null }, data: { revokedAt: now } }),
      this.prisma.$executeRaw`
        INSERT INTO api_token (id, name, role, token_hash) VALUES (gen_random_uuid(), ${name}, ${role}::"Role", ${tokenHash})
        ON CONFLICT (token_hash) DO UPDATE SET expires_at = NULL, role = EXCLUDED.role, name = EXCLUDED.name
        WHERE api_token.revoked_at IS NULL`,
    ]);
  }

  /** Records the last use, at most once a minute per token and replica. */
  async touch(id: string, at: Date): Promise<void> {
    const last = this.touched.get(id) ?? 0;
    if (at.getTime() - last < TOUCH_EVERY_MS) return;
    this.touched.set(id, at.getTime());
    if (this.touched.size > 10_000) this.touched.clear();
    await this.prisma.apiToken.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(at.getTime() - TOUCH_EVERY_MS) } }] },
      data: { lastUsedAt: at },
    });
  }

  create(data: { name: string; role: Role; tokenHash: string; expiresAt: Date | null }) {
    return this.prisma.apiToken.create({ data, select: TOKEN_LIST_SELECT });
  }

  /** Newest first; keyset on (createdAt, id). */
  list(take: number, after?: { createdAt: Date; id: string }) {
    return this.prisma.apiToken.findMany({
      where: after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: TOKEN_LIST_SELECT,
    });
  }

  findById(id: string) {
    return this.prisma.apiToken.findUnique({ where: { id }, select: TOKEN_LIST_SELECT });
  }

  /** Revokes the token unless it already is; returns whether this call revoked it. */
  async revoke(id: string, at: Date): Promise<boolean> {
    const r = await this.prisma.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return r.count === 1;
  }

  /** `create` inside `tx`, so the token and its audit entry commit together. */
  createIn(tx: Tx, data: { name: string; role: Role; tokenHash: string; expiresAt: Date | null }) {
    return tx.apiToken.create({ data, select: TOKEN_LIST_SELECT });
  }

  /** `revoke` inside `tx`; returns whether this call revoked it. */
  async revokeIn(tx: Tx, id: string, at: Date): Promise<boolean> {
    const r = await tx.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
    return r.count === 1;
  }

  /**
   * Writes an audit entry. Kept for controllers written before AuditService: prefer
   * `AuditService.record`, which takes the actor from the request.
   */
  async audit(actor: string, action: string, target: string | null, details?: object): Promise<void> {
    await this.audits.recordAs(actor, action, target, details);
  }
}
