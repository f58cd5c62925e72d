import { Injectable } from '@nestjs/common';
import { Prisma, type ClusterSource } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';

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

  async create(data: NewCluster) {
    try {
      return await this.prisma.cluster.create({ data });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return null;
      throw err;
    }
  }

  findById(id: string) {
    return this.prisma.cluster.findFirst({ where: { id, deletedAt: null } });
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

  update(id: string, data: Prisma.ClusterUpdateInput) {
    return this.prisma.cluster.update({ where: { id }, data });
  }

  softDelete(id: string, at: Date) {
    return this.prisma.cluster.update({ where: { id }, data: { deletedAt: at, enabled: false, name: undefined } });
  }

  /** Enabled clusters whose last snapshot started at least one interval ago (or never). */
  async due(now: Date): Promise<{ id: string }[]> {
    return this.prisma.$queryRaw<{ id: string }[]>`
      SELECT c.id FROM cluster c
      LEFT JOIN LATERAL (
        SELECT started_at FROM snapshot s WHERE s.cluster_id = c.id ORDER BY started_at DESC LIMIT 1
      ) last ON true
      WHERE c.enabled AND c.deleted_at IS NULL
        AND (last.started_at IS NULL OR last.started_at + make_interval(mins => c.schedule_minutes) <= ${now})
      ORDER BY last.started_at NULLS FIRST`;
  }
}
