// Reads what the policy page needs beyond the posture read model: the pods (with their labels) of
// one namespace's workloads in the snapshot's workload set.
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';

export interface StoredPod {
  name: string;
  labelSetHash: string;
  nodeName?: string | null;
  phase?: string | null;
  hostNetwork?: boolean;
  synthetic?: boolean;
}

export interface NamespaceWorkloadRow {
  kind: string;
  name: string;
  labels: Record<string, string>;
  podCount: number;
  pods: StoredPod[];
}

@Injectable()
export class PoliciesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The workloads of `namespace` in the workload set of snapshot `snapshotId`, pods inside. */
  async namespaceWorkloads(snapshotId: string, namespace: string): Promise<NamespaceWorkloadRow[]> {
    const rows = await this.prisma.$queryRaw<{ kind: string; name: string; labels: Record<string, string>; pod_count: number; pods: unknown }[]>`
      SELECT w.kind, w.name, l.labels, w.pod_count, w.pods
      FROM snapshot s
      JOIN workload_set_member m ON m.set_hash = s.workload_set_hash
      JOIN workload_object w ON w.hash = m.workload_hash
      JOIN label_set l ON l.hash = w.label_set_hash
      WHERE s.id = ${snapshotId}::uuid AND w.namespace = ${namespace}
      ORDER BY w.kind, w.name`;
    return rows.map((r) => ({ kind: r.kind, name: r.name, labels: r.labels, podCount: r.pod_count, pods: Array.isArray(r.pods) ? (r.pods as StoredPod[]) : [] }));
  }

  /** Label sets by hash. */
  async labelSets(hashes: string[]): Promise<Map<string, Record<string, string>>> {
    if (hashes.length === 0) return new Map();
    const rows = await this.prisma.labelSet.findMany({ where: { hash: { in: [...new Set(hashes)] } } });
    return new Map(rows.map((r) => [r.hash, r.labels as Record<string, string>]));
  }
}
