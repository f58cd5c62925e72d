// The database side of retention: a cluster's succeeded snapshots with their per-namespace
// default-deny state, pruning (a pruned_snapshot record, then the delete, in one transaction),
// and collecting content no snapshot points at any more.
import { Injectable } from '@nestjs/common';
import { LOCK_KEYS } from '../prisma/advisory-lock';
import { PrismaService } from '../prisma/prisma.service';
import type { RetentionCandidate } from './retention-policy';

@Injectable()
export class RetentionRepository {
  constructor(private readonly prisma: PrismaService) {}

  clusterIds(): Promise<{ id: string }[]> {
    return this.prisma.cluster.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
  }

  /** Oldest first; `state` lists every namespace with its two default-deny flags (covering index, no detail). */
  async candidates(clusterId: string): Promise<RetentionCandidate[]> {
    const rows = await this.prisma.$queryRaw<{ id: string; started_at: Date; state: string | null }[]>`
      SELECT s.id, s.started_at,
        (SELECT string_agg(p.namespace || ':' || p.default_deny_ingress::int || p.default_deny_egress::int, ',' ORDER BY p.namespace COLLATE "C")
           FROM namespace_posture p WHERE p.snapshot_id = s.id) AS state
      FROM snapshot s WHERE s.cluster_id = ${clusterId}::uuid AND s.status = 'succeeded'
      ORDER BY s.started_at, s.id`;
    return rows.map((r) => ({ id: r.id, startedAt: r.started_at, state: r.state ?? '' }));
  }

  /** Records each snapshot in pruned_snapshot (digest and link kept for the chain) and deletes it, in one transaction. */
  async prune(clusterId: string, ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO pruned_snapshot (id, cluster_id, started_at, digest, prev_digest, schedule_minutes)
        SELECT id, cluster_id, started_at, digest, prev_digest, schedule_minutes FROM snapshot
        WHERE id = ANY(${ids}::uuid[]) AND cluster_id = ${clusterId}::uuid AND status = 'succeeded' AND digest IS NOT NULL
        ON CONFLICT (id) DO NOTHING`;
      return tx.$executeRaw`DELETE FROM snapshot WHERE id = ANY(${ids}::uuid[]) AND cluster_id = ${clusterId}::uuid AND status = 'succeeded'`;
    }, { timeout: 120_000 });
  }

  /**
   * Deletes sets no snapshot points at, then objects no set holds. Label sets are referenced from
   * workload rows, their pods (JSON) and namespace members. Returns rows deleted per table.
   */
  async collectContent(): Promise<Record<string, number>> {
    return this.prisma.$transaction(async (tx) => {
      const out: Record<string, number> = {};
      // Waits for snapshot writers in flight (they hold it shared), so none links a set deleted here.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${LOCK_KEYS.content}::bigint)`;
      // Deltas first (nothing builds on a delta), then full sets no snapshot and no delta needs.
      for (const [key, set, column] of [
        ['policySets', 'policy_set', 'policy_set_hash'], ['workloadSets', 'workload_set', 'workload_set_hash'],
        ['namespaceSets', 'namespace_set', 'namespace_set_hash'], ['findingSets', 'finding_set', 'finding_set_hash'],
        ['postureSets', 'posture_set', 'posture_set_hash'],
      ] as const) {
        const unused = `NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.${column} = x.hash)`;
        out[key] = await tx.$executeRawUnsafe(`DELETE FROM ${set} x WHERE x.base_hash IS NOT NULL AND ${unused}`);
        out[key] += await tx.$executeRawUnsafe(`DELETE FROM ${set} x WHERE x.base_hash IS NULL AND ${unused}
          AND NOT EXISTS (SELECT 1 FROM ${set} d WHERE d.base_hash = x.hash)`);
      }
      // Objects no set entry names (a tombstone names an object its base holds anyway).
      out.policyObjects = await tx.$executeRaw`DELETE FROM policy_object o WHERE NOT EXISTS (SELECT 1 FROM policy_set_entry m WHERE m.policy_hash = o.hash)`;
      out.workloadObjects = await tx.$executeRaw`DELETE FROM workload_object o WHERE NOT EXISTS (SELECT 1 FROM workload_set_entry m WHERE m.workload_hash = o.hash)`;
      out.findingObjects = await tx.$executeRaw`DELETE FROM finding_object o WHERE NOT EXISTS (SELECT 1 FROM finding_set_entry m WHERE m.finding_hash = o.hash)`;
      out.labelSets = await tx.$executeRaw`
        DELETE FROM label_set l WHERE NOT EXISTS (SELECT 1 FROM workload_object w WHERE w.label_set_hash = l.hash)
          AND NOT EXISTS (SELECT 1 FROM namespace_set_entry n WHERE n.label_set_hash = l.hash)
          AND NOT EXISTS (SELECT 1 FROM workload_object w, jsonb_array_elements(CASE WHEN jsonb_typeof(w.pods) = 'array' THEN w.pods ELSE '[]'::jsonb END) p
                          WHERE p->>'labelSetHash' = l.hash)`;
      return out;
    }, { timeout: 300_000 });
  }
}
