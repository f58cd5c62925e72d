// The database transaction as services see it: a handle they pass from repository to
// repository so several writes (a change and its audit entry) commit together. Services never
// query through it themselves; only `*.repository.ts` files do, as with PrismaService.
import type { Prisma } from '@prisma/client';

export type Tx = Prisma.TransactionClient;

export interface TransactionOptions {
  /** Longest the transaction may run before it is rolled back (default 30 s). */
  timeoutMs?: number;
}

/** Waiting for a pooled connection longer than this fails the request rather than queueing it. */
export const TRANSACTION_MAX_WAIT_MS = 10_000;
export const TRANSACTION_TIMEOUT_MS = 30_000;
