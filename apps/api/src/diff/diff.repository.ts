// The stored-row reads behind "what changed since": which snapshots to compare, the fleet's
// counts computed in SQL from identities and flags (no state rebuilt), and the stored diffs.
import { Injectable } from '@nestjs/common';
import type { ClusterChanges, DiffSummary } from '@kordon/contracts';
import { LRUCache } from 'lru-cache';
import { PrismaService } from '../prisma/prisma.service';

interface Pair {
  cluster_id: string;
  name: string;
  from_id: string | null;
  from_at: Date | null;
  from_policy: string | null;
  from_finding: string | null;
  from_posture: string | null;
  to_id: string | null;
  to_at: Date | null;
  to_policy: string | null;
  to_finding: string | null;
  to_posture: string | null;
  compared: number;
}

@Injectable()
export class DiffRepository {
  /**
   * The counts between two snapshots, by their ids: a succeeded snapshot's content never changes,
   * so neither do they. The fleet's "what changed" is recomputed at every commit anywhere in the
   * fleet; with these kept, only the clusters whose latest snapshot moved are counted again.
   */
  private readonly pairCounts = new LRUCache<string, FleetCounts>({ max: 10_000 });

  constructor(private readonly prisma: PrismaService) {}

  /** The succeeded snapshot of the cluster just before `snapshot` (null for its first). */
  previousSucceeded(snapshot: { id: string; clusterId: string; startedAt: Date }) {
    return this.prisma.snapshot.findFirst({
      where: { clusterId: snapshot.clusterId, status: 'succeeded', id: { not: snapshot.id }, startedAt: { lte: snapshot.startedAt } },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    });
  }

  async storedDiff(fromId: string, toId: string, variant: string): Promise<Buffer | null> {
    const row = await this.prisma.diffResult.findUnique({ where: { fromSnapshotId_toSnapshotId_variant: { fromSnapshotId: fromId, toSnapshotId: toId, variant } }, select: { body: true } });
    return row ? Buffer.from(row.body) : null;
  }

  /** Keeps a computed diff; a pair stored meanwhile, or a snapshot pruned meanwhile, is left as it is. */
  async storeDiff(fromId: string, toId: string, variant: string, body: Buffer): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO diff_result (from_snapshot_id, to_snapshot_id, variant, body)
      SELECT ${fromId}::uuid, ${toId}::uuid, ${variant}, ${body}
      WHERE EXISTS (SELECT 1 FROM snapshot WHERE id = ${fromId}::uuid) AND EXISTS (SELECT 1 FROM snapshot WHERE id = ${toId}::uuid)
      ON CONFLICT DO NOTHING`;
  }

  firstSucceededAfter(clusterId: string, since: Date) {
    return this.prisma.snapshot.findFirst({ where: { clusterId, status: 'succeeded', startedAt: { gt: since } }, orderBy: [{ startedAt: 'asc' }, { id: 'asc' }] });
  }

  succeededSince(clusterId: string, since: Date): Promise<number> {
    return this.prisma.snapshot.count({ where: { clusterId, status: 'succeeded', startedAt: { gt: since } } });
  }

  async fleetChanges(since: Date): Promise<ClusterChanges[]> {
    // Per live cluster: the snapshot in force at `since` (else the first after it) and the latest.
    const pairs = await this.prisma.read<Pair[]>`
      SELECT c.id AS cluster_id, c.name,
        f.id AS from_id, f.started_at AS from_at, f.policy_set_hash AS from_policy, f.finding_set_hash AS from_finding, f.posture_set_hash AS from_posture,
        t.id AS to_id, t.started_at AS to_at, t.policy_set_hash AS to_policy, t.finding_set_hash AS to_finding, t.posture_set_hash AS to_posture,
        (SELECT count(*)::int FROM snapshot s WHERE s.cluster_id = c.id AND s.status = 'succeeded' AND s.started_at > ${since}) AS compared
      FROM cluster c
      LEFT JOIN LATERAL (
        SELECT id, started_at, policy_set_hash, finding_set_hash, posture_set_hash FROM snapshot
        WHERE cluster_id = c.id AND status = 'succeeded'
        ORDER BY (started_at <= ${since}) DESC, CASE WHEN started_at <= ${since} THEN started_at END DESC NULLS LAST, started_at ASC, id ASC
        LIMIT 1
      ) f ON true
      LEFT JOIN LATERAL (
        SELECT id, started_at, policy_set_hash, finding_set_hash, posture_set_hash FROM snapshot
        WHERE cluster_id = c.id AND status = 'succeeded' ORDER BY started_at DESC, id DESC LIMIT 1
      ) t ON true
      WHERE c.deleted_at IS NULL
      ORDER BY c.name`;
    // Clusters are counted a few at a time (each count is three queries), in the order listed.
    return mapLimit(pairs, 4, async (p): Promise<ClusterChanges> => {
      const base = { clusterId: p.cluster_id, name: p.name, since: since.toISOString(), snapshotsCompared: p.compared };
      if (!p.from_id || !p.to_id) return { ...base, from: null, to: null, counts: null };
      const from = { id: p.from_id, takenAt: p.from_at!.toISOString(), kind: 'snapshot' as const };
      const to = { id: p.to_id, takenAt: p.to_at!.toISOString(), kind: 'snapshot' as const };
      if (p.from_id === p.to_id) return { ...base, from, to, counts: zero() };
      const key = `${p.from_id}:${p.to_id}`;
      let counts = this.pairCounts.get(key);
      if (!counts) {
        counts = await this.counts(p);
        this.pairCounts.set(key, counts);
      }
      return { ...base, from, to, counts: { ...counts } };
    });
  }

  /** Pairs counted from the database (for tests): a pair asked again is answered from pairCounts. */
  pairsCounted = 0;

  /** The counts between two snapshots; a part whose content set is the same on both sides counts nothing, without a query. */
  private async counts(p: Pair): Promise<FleetCounts> {
    this.pairsCounted++;
    const [policies, ns, findings] = await Promise.all([
      p.from_policy === p.to_policy ? { added: 0, removed: 0, changed: 0 } : this.policyCounts(p),
      p.from_posture !== null && p.from_posture === p.to_posture ? { changed: 0, gained: 0, lost: 0 } : this.namespaceCounts(p),
      p.from_finding === p.to_finding ? { opened: 0, resolved: 0 } : this.findingCounts(p),
    ]);
    return {
      policiesAdded: policies.added,
      policiesRemoved: policies.removed,
      policiesChanged: policies.changed,
      namespacesChanged: ns.changed,
      defaultDenyGained: ns.gained,
      defaultDenyLost: ns.lost,
      findingsOpened: findings.opened,
      findingsResolved: findings.resolved,
    };
  }

  private async policyCounts(p: Pair): Promise<{ added: number; removed: number; changed: number }> {
    const [policies] = await this.prisma.read<{ added: number; removed: number; changed: number }[]>`
      WITH a AS (
        SELECT o.kind, coalesce(o.namespace, '') AS ns, o.name, (o.body::jsonb) -> 'spec' AS spec
        FROM policy_set_member m JOIN policy_object o ON o.hash = m.policy_hash WHERE m.set_hash = ${p.from_policy}
      ), b AS (
        SELECT o.kind, coalesce(o.namespace, '') AS ns, o.name, (o.body::jsonb) -> 'spec' AS spec
        FROM policy_set_member m JOIN policy_object o ON o.hash = m.policy_hash WHERE m.set_hash = ${p.to_policy}
      )
      SELECT
        (SELECT count(*)::int FROM b WHERE NOT EXISTS (SELECT 1 FROM a WHERE a.kind = b.kind AND a.ns = b.ns AND a.name = b.name)) AS added,
        (SELECT count(*)::int FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE a.kind = b.kind AND a.ns = b.ns AND a.name = b.name)) AS removed,
        (SELECT count(*)::int FROM a JOIN b ON a.kind = b.kind AND a.ns = b.ns AND a.name = b.name WHERE a.spec IS DISTINCT FROM b.spec) AS changed`;
    return policies!;
  }

  private async namespaceCounts(p: Pair): Promise<{ changed: number; gained: number; lost: number }> {
    const [ns] = await this.prisma.read<{ changed: number; gained: number; lost: number }[]>`
      WITH a AS (SELECT * FROM namespace_posture WHERE snapshot_id = ${p.from_id}::uuid),
           b AS (SELECT * FROM namespace_posture WHERE snapshot_id = ${p.to_id}::uuid),
           j AS (SELECT a.namespace AS an, b.namespace AS bn, coalesce(b.excluded, a.excluded) AS excluded,
                   a.default_deny_ingress AS ai, b.default_deny_ingress AS bi, a.default_deny_egress AS ae, b.default_deny_egress AS be,
                   (a.pods, a.policies, a.ingress_isolated_pods, a.egress_isolated_pods, a.default_deny_ingress, a.default_deny_egress)
                     IS DISTINCT FROM (b.pods, b.policies, b.ingress_isolated_pods, b.egress_isolated_pods, b.default_deny_ingress, b.default_deny_egress) AS differs
                 FROM a FULL JOIN b ON a.namespace = b.namespace)
      SELECT count(*) FILTER (WHERE an IS NULL OR bn IS NULL OR differs)::int AS changed,
        (count(*) FILTER (WHERE NOT excluded AND coalesce(bi, false) AND NOT coalesce(ai, false))
          + count(*) FILTER (WHERE NOT excluded AND coalesce(be, false) AND NOT coalesce(ae, false)))::int AS gained,
        (count(*) FILTER (WHERE NOT excluded AND bn IS NOT NULL AND coalesce(ai, false) AND NOT bi)
          + count(*) FILTER (WHERE NOT excluded AND bn IS NOT NULL AND coalesce(ae, false) AND NOT be))::int AS lost
      FROM j`;
    return ns!;
  }

  private async findingCounts(p: Pair): Promise<{ opened: number; resolved: number }> {
    const [findings] = await this.prisma.read<{ opened: number; resolved: number }[]>`
      WITH a AS (SELECT DISTINCT o.rule_id, coalesce(o.namespace, '') AS ns, coalesce(o.object_kind, '') AS k, coalesce(o.object_namespace, '') AS ons, coalesce(o.object_name, '') AS n
                 FROM finding_set_member m JOIN finding_object o ON o.hash = m.finding_hash WHERE m.set_hash = ${p.from_finding}),
           b AS (SELECT DISTINCT o.rule_id, coalesce(o.namespace, '') AS ns, coalesce(o.object_kind, '') AS k, coalesce(o.object_namespace, '') AS ons, coalesce(o.object_name, '') AS n
                 FROM finding_set_member m JOIN finding_object o ON o.hash = m.finding_hash WHERE m.set_hash = ${p.to_finding})
      SELECT (SELECT count(*)::int FROM (SELECT * FROM b EXCEPT SELECT * FROM a) x) AS opened,
             (SELECT count(*)::int FROM (SELECT * FROM a EXCEPT SELECT * FROM b) y) AS resolved`;
    return findings!;
  }
}

/** The counts the fleet answer carries (label changes, drift and reachability are per cluster). */
export type FleetCounts = Pick<DiffSummary, 'policiesAdded' | 'policiesRemoved' | 'policiesChanged' | 'namespacesChanged' | 'defaultDenyGained' | 'defaultDenyLost' | 'findingsOpened' | 'findingsResolved'>;

function zero(): FleetCounts {
  return { policiesAdded: 0, policiesRemoved: 0, policiesChanged: 0, namespacesChanged: 0, defaultDenyGained: 0, defaultDenyLost: 0, findingsOpened: 0, findingsResolved: 0 };
}

/** `fn` over `items` with at most `limit` at once; results in the items' order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
