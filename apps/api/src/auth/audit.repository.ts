// The audit_log table, append-only: entries are inserted, inside the transaction of the write
// they describe whenever there is one, and listed; never updated or deleted.
import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { TRANSACTION_MAX_WAIT_MS, TRANSACTION_TIMEOUT_MS, type TransactionOptions, type Tx } from '../prisma/transaction';

export interface AuditFilter {
  /** Part of the actor, case-insensitive. */
  actor?: string;
  /** Exact, or a prefix when it ends with a dot. */
  action?: string;
  target?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
}

export interface NewAuditEntry {
  actor: string;
  action: string;
  target: string | null;
  details?: Prisma.InputJsonValue;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Inserts through `tx` when given, so the entry commits (or rolls back) with the write. */
  async create(entry: NewAuditEntry, tx?: Tx): Promise<void> {
    await (tx ?? this.prisma).auditLog.create({ data: { ...entry, details: entry.details ?? undefined } });
  }

  /** One interactive transaction: everything done through `tx` commits together or not at all. */
  transaction<T>(work: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    return this.prisma.$transaction(work, { maxWait: TRANSACTION_MAX_WAIT_MS, timeout: opts.timeoutMs ?? TRANSACTION_TIMEOUT_MS });
  }

  /** Newest first; keyset on the id (ids only grow), filtered. */
  list(take: number, beforeId?: bigint, filter: AuditFilter = {}) {
    const where: Prisma.AuditLogWhereInput = {
      ...(beforeId !== undefined ? { id: { lt: beforeId } } : {}),
      ...(filter.actor ? { actor: { contains: filter.actor, mode: 'insensitive' } } : {}),
      ...(filter.action ? { action: filter.action.endsWith('.') ? { startsWith: filter.action } : filter.action } : {}),
      ...(filter.target ? { target: filter.target } : {}),
      ...(filter.from || filter.to ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
    };
    return this.prisma.auditLog.findMany({ where, orderBy: { id: 'desc' }, take });
  }
}
