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

  private async snapshotRows(id: string, startedAt: Date, policyEngine: string | null): Promise<SnapshotRows> {
    const ns = await this.prisma.namespacePosture.findMany({
      where: { snapshotId: id },
      select: { namespace: true, excluded: true, pods: true, ingressIsolatedPods: true, egressIsolatedPods: true, defaultDenyIngress: true, defaultDenyEgress: true },
    });
    return { id, startedAt, policyEngine, namespaces: ns as NsRow[] };
  }

  async facts(clusterId: string, clusterName: string): Promise<ClusterFacts> {
    const two = await this.prisma.snapshot.findMany({
      where: { clusterId, status: 'succeeded' }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], take: 2, select: { id: true, startedAt: true, policyEngine: true },
    });
    const [l, p] = two;
    const latest = l ? await this.snapshotRows(l.id, l.startedAt, l.policyEngine) : null;
    const previous = p ? await this.snapshotRows(p.id, p.startedAt, p.policyEngine) : null;
    const firstSeen = new Map<string, Date>();
    if (latest?.namespaces.length) {
      const rows = await this.prisma.$queryRaw<{ namespace: string; first: Date }[]>`
        SELECT namespace, min(taken_at) AS first FROM namespace_posture
        WHERE cluster_id = ${clusterId}::uuid AND namespace = ANY(${latest.namespaces.map((n) => n.namespace)}::text[]) GROUP BY namespace`;
      for (const r of rows) firstSeen.set(r.namespace, r.first);
    }
    const first = await this.prisma.snapshot.findFirst({ where: { clusterId, status: 'succeeded' }, orderBy: { startedAt: 'asc' }, select: { startedAt: true } });
    const lastAny = await this.prisma.snapshot.findFirst({ where: { clusterId, status: { in: ['succeeded', 'failed'] } }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }], select: { status: true } });
    let failingSince: Date | null = null;
    if (lastAny?.status === 'failed') {
      const firstFailed = await this.prisma.snapshot.findFirst({
        where: { clusterId, status: 'failed', ...(l ? { startedAt: { gt: l.startedAt } } : {}) }, orderBy: { startedAt: 'asc' }, select: { startedAt: true },
      });
      failingSince = firstFailed?.startedAt ?? null;
    }
    return { clusterId, clusterName, latest, previous, firstSeen, firstSnapshotAt: first?.startedAt ?? null, failingSince };
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
