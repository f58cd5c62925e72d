// The stored-row reads behind "what changed since": which snapshots to compare, the fleet's
// counts computed in SQL from identities and flags (no state rebuilt), and the stored diffs.
import { Injectable } from '@nestjs/common';
import type { ClusterChanges, DiffSummary } from '@kordon/contracts';
import { PrismaService } from '../prisma/prisma.service';

interface Pair {
  cluster_id: string;
  name: string;
  from_id: string | null;
  from_at: Date | null;
  from_policy: string | null;
  from_finding: string | null;
  to_id: string | null;
  to_at: Date | null;
  to_policy: string | null;
  to_finding: string | null;
  compared: number;
}

@Injectable()
export class DiffRepository {
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
    const pairs = await this.prisma.$queryRaw<Pair[]>`
      SELECT c.id AS cluster_id, c.name,
        f.id AS from_id, f.started_at AS from_at, f.policy_set_hash AS from_policy, f.finding_set_hash AS from_finding,
        t.id AS to_id, t.started_at AS to_at, t.policy_set_hash AS to_policy, t.finding_set_hash AS to_finding,
        (SELECT count(*)::int FROM snapshot s WHERE s.cluster_id = c.id AND s.status = 'succeeded' AND s.started_at > ${since}) AS compared
      FROM cluster c
      LEFT JOIN LATERAL (
        SELECT id, started_at, policy_set_hash, finding_set_hash FROM snapshot
        WHERE cluster_id = c.id AND status = 'succeeded'
        ORDER BY (started_at <= ${since}) DESC, CASE WHEN started_at <= ${since} THEN started_at END DESC NULLS LAST, started_at ASC, id ASC
        LIMIT 1
      ) f ON true
      LEFT JOIN LATERAL (
        SELECT id, started_at, policy_set_hash, finding_set_hash FROM snapshot
        WHERE cluster_id = c.id AND status = 'succeeded' ORDER BY started_at DESC, id DESC LIMIT 1
      ) t ON true
      WHERE c.deleted_at IS NULL
      ORDER BY c.name`;
    const out: ClusterChanges[] = [];
    for (const p of pairs) {
      const base = { clusterId: p.cluster_id, name: p.name, since: since.toISOString(), snapshotsCompared: p.compared };
      if (!p.from_id || !p.to_id) {
        out.push({ ...base, from: null, to: null, counts: null });
        continue;
      }
      const from = { id: p.from_id, takenAt: p.from_at!.toISOString(), kind: 'snapshot' as const };
      const to = { id: p.to_id, takenAt: p.to_at!.toISOString(), kind: 'snapshot' as const };
      out.push({ ...base, from, to, counts: p.from_id === p.to_id ? zero() : await this.counts(p) });
    }
    return out;
  }

  private async counts(p: Pair): Promise<FleetCounts> {
    const [policies] = await this.prisma.$queryRaw<{ added: number; removed: number; changed: number }[]>`
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
    const [ns] = await this.prisma.$queryRaw<{ changed: number; gained: number; lost: number }[]>`
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
    const [findings] = await this.prisma.$queryRaw<{ opened: number; resolved: number }[]>`
      WITH a AS (SELECT DISTINCT o.rule_id, coalesce(o.namespace, '') AS ns, coalesce(o.object_kind, '') AS k, coalesce(o.object_namespace, '') AS ons, coalesce(o.object_name, '') AS n
                 FROM finding_set_member m JOIN finding_object o ON o.hash = m.finding_hash WHERE m.set_hash = ${p.from_finding}),
           b AS (SELECT DISTINCT o.rule_id, coalesce(o.namespace, '') AS ns, coalesce(o.object_kind, '') AS k, coalesce(o.object_namespace, '') AS ons, coalesce(o.object_name, '') AS n
                 FROM finding_set_member m JOIN finding_object o ON o.hash = m.finding_hash WHERE m.set_hash = ${p.to_finding})
      SELECT (SELECT count(*)::int FROM (SELECT * FROM b EXCEPT SELECT * FROM a) x) AS opened,
             (SELECT count(*)::int FROM (SELECT * FROM a EXCEPT SELECT * FROM b) y) AS resolved`;
    return {
      policiesAdded: policies!.added,
      policiesRemoved: policies!.removed,
      policiesChanged: policies!.changed,
      namespacesChanged: ns!.changed,
      defaultDenyGained: ns!.gained,
      defaultDenyLost: ns!.lost,
      findingsOpened: findings!.opened,
      findingsResolved: findings!.resolved,
    };
  }
}

/** The counts the fleet answer carries (label changes, drift and reachability are per cluster). */
export type FleetCounts = Pick<DiffSummary, 'policiesAdded' | 'policiesRemoved' | 'policiesChanged' | 'namespacesChanged' | 'defaultDenyGained' | 'defaultDenyLost' | 'findingsOpened' | 'findingsResolved'>;

function zero(): FleetCounts {
  return { policiesAdded: 0, policiesRemoved: 0, policiesChanged: 0, namespacesChanged: 0, defaultDenyGained: 0, defaultDenyLost: 0, findingsOpened: 0, findingsResolved: 0 };
}
