// The audit log: who (token name or OIDC subject), what, when, which target, for every write.
// A write and its audit entry commit in ONE transaction: services run
// `audit.transaction(async (tx) => { …write through tx…; await audit.record(tx, …) })`, so the
// log never misses a change that happened (nor lists one that was rolled back). When the entry
// cannot be written the whole write is refused (AuditUnavailableException, 503).
// The AuditInterceptor still audits, after the fact and loudly, a write route that forgot to.
import { Injectable, Logger } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { randomUUID } from 'node:crypto';
import { currentRequestContext } from '../common/request-context';
import type { TransactionOptions, Tx } from '../prisma/transaction';
import { AuditUnavailableException } from './audit.exception';
import { AuditRepository, type NewAuditEntry } from './audit.repository';

/** The actor of writes made outside any request (demo seeding, configured and periodic discovery). */
export const SYSTEM_ACTOR = 'system';

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(private readonly audits: AuditRepository) {}

  /** Runs `work` in one database transaction; what it writes through `tx` commits together or not at all. */
  transaction<T>(work: (tx: Tx) => Promise<T>, opts?: TransactionOptions): Promise<T> {
    return this.audits.transaction(work, opts);
  }

  /** Records `action` on `target` by the current caller inside `tx`, the transaction of the write itself. */
  async record(tx: Tx, action: string, target: string | null, details?: object): Promise<void> {
    await this.insert(this.entry(currentActorName(), action, target, details), tx);
  }

  /**
   * Records an entry in a transaction of its own, for a request with nothing else to commit:
   * an analysis (stores nothing) or a snapshot request (audited before its job is queued).
   * Failing refuses the request (503) like `record`.
   */
  async recordAlone(action: string, target: string | null, details?: object): Promise<void> {
    await this.insert(this.entry(currentActorName(), action, target, details));
  }

  /**
   * Records an entry after the write it describes committed: NOT atomic with it. Only for the
   * AuditInterceptor's fallback and TokensRepository.audit (kept for older callers); its errors
   * are not turned into "nothing was changed" because something was.
   */
  async recordAs(actor: string, action: string, target: string | null, details?: object): Promise<void> {
    await this.audits.create(this.entry(actor, action, target, details));
    markAudited();
  }

  private entry(actor: string, action: string, target: string | null, details?: object): NewAuditEntry {
    const ctx = currentRequestContext();
    const by = ctx?.actor ? { kind: ctx.actor.kind, id: ctx.actor.id } : undefined;
    const extra = { ...(by ? { by } : {}), ...(ctx?.requestId ? { requestId: ctx.requestId } : {}) };
    const merged = details || Object.keys(extra).length ? { ...(details ?? {}), ...extra } : undefined;
    return { actor, action, target, details: merged as Prisma.InputJsonValue | undefined };
  }

  private async insert(entry: NewAuditEntry, tx?: Tx): Promise<void> {
    try {
      await this.audits.create(entry, tx);
    } catch (err) {
      // The transaction itself is gone (timed out, P2028) or already failed (25P02): that is the
      // write's error, not the audit log's; let it through as it is.
      const code = (err as { code?: string }).code;
      if (code === 'P2028' || code === '25P02' || /Transaction already closed/i.test((err as Error).message ?? '')) throw err;
      const errorId = randomUUID();
      // Only message and stack: a driver error can carry connection details.
      this.logger.error(
        { errorId, err: { message: (err as Error).message, stack: (err as Error).stack }, actor: entry.actor, action: entry.action, target: entry.target },
        'audit entry could not be written: the write is refused and rolled back',
      );
      throw new AuditUnavailableException(errorId);
    }
    markAudited();
  }
}

function currentActorName(): string {
  return currentRequestContext()?.actor?.name ?? SYSTEM_ACTOR;
}

function markAudited(): void {
  const ctx = currentRequestContext();
  if (ctx) ctx.audited = true;
}
