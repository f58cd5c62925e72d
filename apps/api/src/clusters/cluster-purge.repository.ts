import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

/**
 * Purging a cluster's history, an explicit admin act: the cluster row goes (deleted or not) and
 * its snapshots and posture rows with it by cascade. Content rows (policies, label sets,
 * workloads, findings) are shared by content hash with other snapshots and stay.
 */
@Injectable()
export class ClusterPurgeRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The cluster even when soft-deleted, with whether a snapshot of it is running. */
  async find(id: string): Promise<{ name: string; running: boolean } | null> {
    const c = await this.prisma.cluster.findUnique({ where: { id }, select: { name: true } });
    if (!c) return null;
    const running = await this.prisma.snapshot.count({ where: { clusterId: id, status: 'running' } });
    return { name: c.name, running: running > 0 };
  }

  /** Deletes the cluster and its snapshots; returns how many snapshots went. */
  async purge(id: string): Promise<number> {
    const [snapshots] = await this.prisma.$transaction([
      this.prisma.snapshot.count({ where: { clusterId: id } }),
      this.prisma.cluster.delete({ where: { id } }),
    ]);
    return snapshots;
  }
}
