// The audit log: who (token name or OIDC subject), what, when, which target, for every write.
// Handlers record their own entry with a precise action; the AuditInterceptor records the
// writes that did not, so no write goes unaudited.
import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { currentRequestContext } from '../common/request-context';
import { AuditRepository } from './audit.repository';

@Injectable()
export class AuditService {
  constructor(private readonly audits: AuditRepository) {}

  /** Records `action` on `target` by the caller of the current request. */
  async record(action: string, target: string | null, details?: object): Promise<void> {
    await this.recordAs(currentRequestContext()?.actor?.name ?? 'system', action, target, details);
  }

  async recordAs(actor: string, action: string, target: string | null, details?: object): Promise<void> {
    const ctx = currentRequestContext();
    const by = ctx?.actor ? { kind: ctx.actor.kind, id: ctx.actor.id } : undefined;
    const extra = { ...(by ? { by } : {}), ...(ctx?.requestId ? { requestId: ctx.requestId } : {}) };
    const merged = details || Object.keys(extra).length ? { ...(details ?? {}), ...extra } : undefined;
    await this.audits.create({ actor, action, target, details: merged as Prisma.InputJsonValue | undefined });
    if (ctx) ctx.audited = true;
  }
}
