// Reads for the digest chain check: a cluster's succeeded snapshots and retention's records of
// pruned ones, oldest first, and the entry just before a range.
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

export interface PrunedRow {
  id: string;
  startedAt: Date;
  digest: string;
  prevDigest: string | null;
}

@Injectable()
export class ChainRepository {
  constructor(private readonly prisma: PrismaService) {}

  clusters(clusterId?: string) {
    return this.prisma.cluster.findMany({ where: clusterId ? { id: clusterId } : {}, select: { id: true, name: true }, orderBy: { name: 'asc' } });
  }

  pruned(clusterId: string, from: Date, to: Date): Promise<PrunedRow[]> {
    return this.prisma.prunedSnapshot.findMany({
      where: { clusterId, startedAt: { gte: from, lte: to } },
      select: { id: true, startedAt: true, digest: true, prevDigest: true },
      orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** The digest of the chain entry (stored or pruned) just before `from`; null when there is none. */
  async before(clusterId: string, from: Date): Promise<{ digest: string | null } | null> {
    const [row] = await this.prisma.$queryRaw<{ digest: string | null }[]>`
      SELECT digest FROM (
        SELECT digest, started_at, id FROM snapshot WHERE cluster_id = ${clusterId}::uuid AND status = 'succeeded' AND started_at < ${from}
        UNION ALL
        SELECT digest, started_at, id FROM pruned_snapshot WHERE cluster_id = ${clusterId}::uuid AND started_at < ${from}
      ) e ORDER BY started_at DESC, id DESC LIMIT 1`;
    return row ? { digest: row.digest } : null;
  }
}
