import { Injectable } from '@nestjs/common';
import type { ClusterSource, Prisma } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../prisma/transaction';

export interface NewCluster {
  name: string;
  source: ClusterSource;
  sourceConfig: Prisma.InputJsonValue;
  secretSealed?: string | null;
  environment?: string | null;
  team?: string | null;
  labels?: Prisma.InputJsonValue;
  scheduleMinutes: number;
  enabled?: boolean;
  demo?: boolean;
}

@Injectable()
export class ClustersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the cluster, or returns null when its name is taken. ON CONFLICT DO NOTHING rather
   * than a caught unique violation: an error would abort the transaction `tx` it runs in (and
   * with it the other registrations and audit entries of a discovery).
   */
  async create(data: NewCluster, tx?: Tx) {
    const [row] = await (tx ?? this.prisma).cluster.createManyAndReturn({ data: [data], skipDuplicates: true });
    return row ?? null;
  }

  findById(id: string, tx?: Tx) {
    return (tx ?? this.prisma).cluster.findFirst({ where: { id, deletedAt: null } });
  }

  findByName(name: string) {
    return this.prisma.cluster.findFirst({ where: { name } });
  }

  count() {
    return this.prisma.cluster.count();
  }

  list(take: number, afterName?: string, filter: { environment?: string; team?: string } = {}) {
    return this.prisma.cluster.findMany({
      where: { deletedAt: null, ...(afterName ? { name: { gt: afterName } } : {}), ...filter },
      orderBy: { name: 'asc' },
      take,
    });
  }

  update(id: string, data: Prisma.ClusterUpdateInput, tx?: Tx) {
    return (tx ?? this.prisma).cluster.update({ where: { id }, data });
  }

  softDelete(id: string, at: Date) {
    return this.prisma.cluster.update({ where: { id }, data: { deletedAt: at, enabled: false, name: undefined } });
  }

  /**
   * Enabled clusters whose last snapshot started at least one interval ago (or never); the
   * interval is the cluster's schedule minutes, or `everySeconds` for all when given.
   */
  async due(now: Date, everySeconds?: number): Promise<{ id: string }[]> {
    const seconds = everySeconds ?? null;
    return this.prisma.$queryRaw<{ id: string }[]>`
      SELECT c.id FROM cluster c
      LEFT JOIN LATERAL (
        SELECT started_at FROM snapshot s WHERE s.cluster_id = c.id ORDER BY started_at DESC LIMIT 1
      ) last ON true
      WHERE c.enabled AND c.deleted_at IS NULL
        AND (last.started_at IS NULL OR last.started_at + COALESCE(make_interval(secs => ${seconds}::int), make_interval(mins => c.schedule_minutes)) <= ${now})
      ORDER BY last.started_at NULLS FIRST`;
  }
}
