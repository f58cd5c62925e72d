import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../prisma/transaction';

/**
 * Purging a cluster's history, an explicit admin act: the cluster row goes (deleted or not) and
 * its snapshots and posture rows with it by cascade. Content rows (policies, label sets,
 * workloads, findings) are shared by content hash with other snapshots and stay.
 */
@Injectable()
export class ClusterPurgeRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The cluster even when soft-deleted, with whether a snapshot of it is running. */
  async find(id: string, tx?: Tx): Promise<{ name: string; running: boolean } | null> {
    const db = tx ?? this.prisma;
    const c = await db.cluster.findUnique({ where: { id }, select: { name: true } });
    if (!c) return null;
    const running = await db.snapshot.count({ where: { clusterId: id, status: 'running' } });
    return { name: c.name, running: running > 0 };
  }

  /** Deletes the cluster and its snapshots inside `tx` (with the purge's audit entry); returns how many snapshots went. */
  async purge(id: string, tx: Tx): Promise<number> {
    const snapshots = await tx.snapshot.count({ where: { clusterId: id } });
    await tx.cluster.delete({ where: { id } });
    // Rows keyed by the cluster without a foreign key: retention's records of pruned snapshots.
    await tx.prunedSnapshot.deleteMany({ where: { clusterId: id } });
    return snapshots;
  }
}
