// The @nestjs/throttler storage behind the write rate limit: counters in PostgreSQL
// (RateLimitRepository), so KORDON_RATE_LIMIT_PER_MINUTE is one budget per caller for the whole
// fleet, not one per API replica.
//
// When the database cannot count (error or no answer within COUNT_TIMEOUT_MS) the limit FAILS
// OPEN onto this replica's in-memory counter, i.e. the pre-fleet behaviour (the budget per
// replica). Why not fail closed: the limit protects the API against a runaway client, it does
// not decide who may write (the auth guard does). Refusing every write while the counters are
// unreachable would turn a database blip into a write outage for everyone, including the admin
// trying to fix things, and would answer 429 ("you wrote too much") to callers who did not.
// Writes that need the database fail on their own anyway. Why not drop the limit altogether:
// `POST /analyze` needs the database only for its audit entry after the CPU-heavy work, so an
// unlimited fallback would let one client pin every replica's CPU during an outage. The
// in-memory fallback keeps that bounded (by N replicas × the limit) at no cost.
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { RateLimitRepository } from './rate-limit.repository';
import { InFlightWork } from '../prisma/in-flight-work';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** A count slower than this is given up for the in-memory one (the write itself would hang too). */
export const COUNT_TIMEOUT_MS = 3_000;
/** How often one replica deletes rows of finished windows (any replica's sweep serves all). */
export const SWEEP_EVERY_MS = 60_000;
/** At most one warning a minute while the database cannot count. */
const WARN_EVERY_MS = 60_000;

@Injectable()
export class PgThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  /** This replica's own counters, used only while the database cannot count. */
  readonly fallback = new ThrottlerStorageService();
  /** Counts answered by the fallback (tests and metrics). */
  fallbacks = 0;
  private lastSweep = Date.now();
  private lastWarn = 0;
  private longestWindowMs = 0;

  constructor(private readonly repo: RateLimitRepository, private readonly work: InFlightWork) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    let counted: { hits: number; msLeft: number };
    try {
      counted = await withTimeout(this.repo.hit(key, ttl), COUNT_TIMEOUT_MS);
    } catch (err) {
      this.fallbacks++;
      this.warn(err, 'rate limit: the database cannot count writes; counting on this replica only until it can');
      return this.fallback.increment(key, ttl, limit, blockDuration, throttlerName);
    }
    this.sweepSometimes(ttl);
    // Blocked until the caller's window ends: the window is the only state replicas share.
    const isBlocked = counted.hits > limit;
    const timeToExpire = Math.max(1, Math.ceil(counted.msLeft / 1000));
    return { totalHits: counted.hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }

  onApplicationShutdown(): void {
    this.fallback.onApplicationShutdown();
  }

  /** Deletes finished windows now and then, off the request's path; a failure waits for the next time. */
  private sweepSometimes(ttl: number): void {
    this.longestWindowMs = Math.max(this.longestWindowMs, ttl);
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    void this.work.track(this.repo.deleteStarted(this.longestWindowMs)).catch((err: unknown) => this.warn(err, 'rate limit: deleting finished windows failed; the next sweep retries'));
  }

  private warn(err: unknown, what: string): void {
    const now = Date.now();
    if (now - this.lastWarn < WARN_EVERY_MS) return;
    this.lastWarn = now;
    const message = err instanceof Error ? err.message : String(err);
    this.logger.warn({ err: { message } }, what);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
