import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

@Injectable()
export class MetricsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Until pg-boss has made its schema (no queue started yet) there is nothing to count. */
  private async orEmpty<T>(q: Promise<T[]>): Promise<T[]> {
    try {
      return await q;
    } catch {
      return [];
    }
  }

  queueDepth() {
    return this.orEmpty(this.prisma.$queryRaw<{ queue: string; state: string; jobs: number }[]>`
      SELECT name AS queue, state::text AS state, count(*)::int AS jobs FROM pgboss.job
      WHERE state IN ('created', 'retry', 'active') GROUP BY 1, 2`);
  }

  oldestWaiting() {
    return this.orEmpty(this.prisma.$queryRaw<{ queue: string; ageSeconds: number }[]>`
      SELECT name AS queue, extract(epoch FROM now() - min(created_on))::float8 AS "ageSeconds" FROM pgboss.job
      WHERE state IN ('created', 'retry') AND start_after <= now() GROUP BY 1`);
  }

  async snapshotCounts(id: string): Promise<Record<string, unknown> | null> {
    const s = await this.prisma.snapshot.findUnique({ where: { id }, select: { counts: true } });
    return (s?.counts as Record<string, unknown> | null) ?? null;
  }
}
