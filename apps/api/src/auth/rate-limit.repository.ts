// The write rate limit's counters in PostgreSQL, so every API replica spends one budget per
// caller. Times come from the database clock, never a replica's, so replicas whose clocks drift
// still agree on when a window began and ends.
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

export interface RateLimitHit {
  /** Writes counted in the caller's current window, this one included. */
  hits: number;
  /** Milliseconds until that window ends. */
  msLeft: number;
}

@Injectable()
export class RateLimitRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Counts one write for `key` in one atomic statement. The window starts at the caller's first
   * counted write and lasts `windowMs`; the first write after it ends opens a new window at 1.
   * Concurrent writes of one caller on several replicas serialize on the row's lock, so no hit is
   * lost and no two of them see the same count.
   */
  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const rows = await this.prisma.$queryRaw<{ hits: number; ms_left: number }[]>`
      INSERT INTO rate_limit AS r (key, window_start, hits)
      VALUES (${key}, now(), 1)
      ON CONFLICT (key) DO UPDATE SET
        window_start = CASE WHEN r.window_start + ${windowMs}::float8 * interval '1 millisecond' <= now() THEN now() ELSE r.window_start END,
        hits         = CASE WHEN r.window_start + ${windowMs}::float8 * interval '1 millisecond' <= now() THEN 1 ELSE r.hits + 1 END
      RETURNING r.hits,
        GREATEST(0, ${windowMs}::float8 - extract(epoch FROM now() - r.window_start)::float8 * 1000) AS ms_left`;
    const row = rows[0];
    return { hits: Number(row.hits), msLeft: Number(row.ms_left) };
  }

  /** Deletes the rows whose window began more than `olderThanMs` ago (so has ended); returns how many. */
  async deleteStarted(olderThanMs: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM rate_limit WHERE window_start < now() - ${olderThanMs}::float8 * interval '1 millisecond'`;
  }
}
