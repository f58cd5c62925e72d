// Reads and writes of alerts, their rules, webhooks and deliveries. Opening is an insert that
// loses to an existing open alert with the same dedup key (unique), and resolving renames the key,
// so on several replicas each transition is claimed by exactly one, which then delivers it.
import { Injectable } from '@nestjs/common';
import type { Prisma } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { ClusterFacts, Condition, NsRow, OpenAlert, SnapshotRows, Thresholds } from './alert-conditions';
import type { AlertKind } from '@kordon/contracts';

@Injectable()
export class AlertsRepository {
  constructor(private readonly prisma: PrismaService) {}

  liveClusters() {
    return this.prisma.cluster.findMany({ where: { deletedAt: null }, select: { id: true, name: true } });
  }

  async rules(): Promise<Thresholds> {
    const rows = await this.prisma.alertRule.findMany();
    return Object.fromEntries(rows.map((r) => [r.kind, { enabled: r.enabled, threshold: r.threshold }])) as Thresholds;
  }

  /**
   * What the alert conditions read about a cluster after each snapshot: its two latest succeeded
   * snapshots with their namespace rows, when each namespace was first seen, the first snapshot
   * and whether it is failing since. Raw SQL in three round trips (this runs after every snapshot
   * on the writer; through Prisma's row mapping it was eight queries and 1,000 mapped rows).
   */
  async facts(clusterId: string, clusterName: string): Promise<ClusterFacts> {
    const [[summary], two] = await Promise.all([
      this.prisma.$queryRaw<{ first: Date | null; last_status: string | null; failing_since: Date | null }[]>`
        WITH latest_ok AS (
          SELECT started_at FROM snapshot WHERE cluster_id = ${clusterId}::uuid AND status = 'succeeded' ORDER BY started_at DESC, id DESC LIMIT 1
        )
        SELECT
          (SELECT min(started_at) FROM snapshot WHERE cluster_id = ${clusterId}::uuid AND status = 'succeeded') AS first,
          (SELECT status::text FROM snapshot WHERE cluster_id = ${clusterId}::uuid AND status IN ('succeeded', 'failed') ORDER BY started_at DESC, id DESC LIMIT 1) AS last_status,
          (SELECT min(started_at) FROM snapshot WHERE cluster_id = ${clusterId}::uuid AND status = 'failed'
             AND (NOT EXISTS (SELECT 1 FROM latest_ok) OR started_at > (SELECT started_at FROM latest_ok))) AS failing_since`,
      this.prisma.$queryRaw<{ id: string; started_at: Date; policy_engine: string | null; rows: NsRow[] }[]>`
        SELECT s.id::text AS id, s.started_at, s.policy_engine,
               COALESCE((SELECT json_agg(json_build_object(
                 'namespace', n.namespace, 'excluded', n.excluded, 'pods', n.pods,
                 'ingressIsolatedPods', n.ingress_isolated_pods, 'egressIsolatedPods', n.egress_isolated_pods,
                 'defaultDenyIngress', n.default_deny_ingress, 'defaultDenyEgress', n.default_deny_egress))
                 FROM namespace_posture n WHERE n.snapshot_id = s.id), '[]'::json) AS rows
        FROM (SELECT id, started_at, policy_engine FROM snapshot WHERE cluster_id = ${clusterId}::uuid AND status = 'succeeded'
              ORDER BY started_at DESC, id DESC LIMIT 2) s
        ORDER BY s.started_at DESC, s.id DESC`,
    ]);
    const side = (r: (typeof two)[number] | undefined): SnapshotRows | null => (r ? { id: r.id, startedAt: r.started_at, policyEngine: r.policy_engine, namespaces: r.rows } : null);
    const latest = side(two[0]);
    const previous = side(two[1]);
    const firstSeen = new Map<string, Date>();
    if (latest?.namespaces.length) {
      const rows = await this.prisma.$queryRaw<{ namespace: string; first: Date }[]>`
        SELECT namespace, min(taken_at) AS first FROM namespace_posture
        WHERE cluster_id = ${clusterId}::uuid AND namespace = ANY(${latest.namespaces.map((n) => n.namespace)}::text[]) GROUP BY namespace`;
      for (const r of rows) firstSeen.set(r.namespace, r.first);
    }
    const failingSince = summary?.last_status === 'failed' ? (summary.failing_since ?? null) : null;
    return { clusterId, clusterName, latest, previous, firstSeen, firstSnapshotAt: summary?.first ?? null, failingSince };
  }

  async openAlerts(clusterId: string): Promise<OpenAlert[]> {
    const rows = await this.prisma.alert.findMany({ where: { clusterId, resolvedAt: null }, select: { id: true, kind: true, dedupKey: true, namespace: true, details: true } });
    return rows.map((r) => ({ ...r, kind: r.kind as AlertKind, details: (r.details ?? {}) as Record<string, unknown> }));
  }

  /** Inserts unless an open alert holds the key; returns the new alert's id, or null. */
  async open(clusterId: string, c: Condition, at: Date): Promise<string | null> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO alert (id, kind, cluster_id, namespace, dedup_key, summary, details, snapshot_id, opened_at)
      VALUES (gen_random_uuid(), ${c.kind}, ${clusterId}::uuid, ${c.namespace}, ${c.dedupKey}, ${c.summary}, ${JSON.stringify(c.details)}::jsonb, ${c.snapshotId}::uuid, ${at})
      ON CONFLICT (dedup_key) DO NOTHING RETURNING id`;
    return rows[0]?.id ?? null;
  }

  /** Resolves an open alert (its key freed for the next time); true for the one caller that did it. */
  async resolve(id: string, at: Date): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE alert SET resolved_at = ${at}, dedup_key = dedup_key || '#resolved:' || id::text WHERE id = ${id}::uuid AND resolved_at IS NULL`;
    return n === 1;
  }

  webhooksFor(kind: string) {
    return this.prisma.webhook.findMany({ where: { enabled: true, OR: [{ kinds: { isEmpty: true } }, { kinds: { has: kind } }] } });
  }

  webhook(id: string) {
    return this.prisma.webhook.findUnique({ where: { id } });
  }

  alertWithCluster(id: string) {
    return this.prisma.alert.findUnique({ where: { id }, include: { deliveries: false } });
  }

  async attempts(alertId: string, webhookId: string): Promise<number> {
    return this.prisma.alertDelivery.count({ where: { alertId, webhookId } });
  }

  recordDelivery(d: Prisma.AlertDeliveryUncheckedCreateInput) {
    return this.prisma.alertDelivery.create({ data: d });
  }
}
