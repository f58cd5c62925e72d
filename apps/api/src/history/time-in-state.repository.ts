// The rows time in state is computed from: a cluster's succeeded and failed snapshots from the
// last one started at or before `from` up to `to` (index on cluster_id, started_at), each with the
// namespace's two default-deny flags (primary-key lookups on namespace_posture, no JSON detail).
// Older rows are read newest first, a page at a time, only while a protected run reaches back.
import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { TimeInStateRow } from './time-in-state';

interface RawRow {
  id: string;
  started_at: Date;
  status: 'succeeded' | 'failed';
  present: boolean;
  dd_ingress: boolean | null;
  dd_egress: boolean | null;
  schedule_minutes: number | null;
}

interface RawSnapshot {
  id: string;
  started_at: Date;
  status: 'succeeded' | 'failed';
  schedule_minutes: number | null;
}

interface RawPosture {
  snapshot_id: string;
  namespace: string;
  default_deny_ingress: boolean;
  default_deny_egress: boolean;
}

export interface ClusterTimeInStateRows {
  snapshots: { id: string; startedAt: Date; status: 'succeeded' | 'failed'; scheduleMinutes: number | null }[];
  /** Per namespace, its flags per snapshot id (a snapshot missing from the map: absent). */
  postures: Map<string, Map<string, { defaultDenyIngress: boolean; defaultDenyEgress: boolean }>>;
}

const toRow = (r: RawRow): TimeInStateRow => ({
  id: r.id,
  startedAt: r.started_at,
  status: r.status,
  namespace: r.present ? { defaultDenyIngress: r.dd_ingress === true, defaultDenyEgress: r.dd_egress === true } : null,
  scheduleMinutes: r.schedule_minutes,
});

@Injectable()
export class TimeInStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The snapshots of [carry-in, to] with the namespace's flags, oldest first. */
  async namespaceRows(clusterId: string, namespace: string, from: Date, to: Date): Promise<TimeInStateRow[]> {
    const rows = await this.prisma.$queryRaw<RawRow[]>`
      WITH carry AS (
        SELECT started_at FROM (
          SELECT s.started_at FROM snapshot s
          WHERE s.cluster_id = ${clusterId}::uuid AND s.status IN ('succeeded', 'failed') AND s.started_at <= ${from}
          UNION ALL
          SELECT ps.started_at FROM pruned_snapshot ps WHERE ps.cluster_id = ${clusterId}::uuid AND ps.started_at <= ${from}
        ) c ORDER BY started_at DESC LIMIT 1
      )
      SELECT s.id, s.started_at, s.status::text AS status, p.snapshot_id IS NOT NULL AS present,
             p.default_deny_ingress AS dd_ingress, p.default_deny_egress AS dd_egress, s.schedule_minutes
      FROM snapshot s
      LEFT JOIN namespace_posture p ON p.snapshot_id = s.id AND p.namespace = ${namespace}
      WHERE s.cluster_id = ${clusterId}::uuid AND s.status IN ('succeeded', 'failed')
        AND s.started_at >= coalesce((SELECT started_at FROM carry), ${from}) AND s.started_at <= ${to}
      UNION ALL
      ${this.prunedRows(clusterId, namespace)}
        AND ps.started_at >= coalesce((SELECT started_at FROM carry), ${from}) AND ps.started_at <= ${to}
      ORDER BY started_at, id`;
    return rows.map(toRow);
  }

  async namespaceEverSeen(clusterId: string, namespace: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<unknown[]>`
      SELECT 1 FROM namespace_posture WHERE cluster_id = ${clusterId}::uuid AND namespace = ${namespace} LIMIT 1`;
    return rows.length > 0;
  }

  /** Up to `limit` snapshots started before `before` (or at it with a smaller id), newest first. */
  async olderRows(clusterId: string, namespace: string, before: { id: string; startedAt: Date }, limit: number): Promise<TimeInStateRow[]> {
    const rows = await this.prisma.$queryRaw<RawRow[]>`
      SELECT s.id, s.started_at, s.status::text AS status, p.snapshot_id IS NOT NULL AS present,
             p.default_deny_ingress AS dd_ingress, p.default_deny_egress AS dd_egress, s.schedule_minutes
      FROM snapshot s
      LEFT JOIN namespace_posture p ON p.snapshot_id = s.id AND p.namespace = ${namespace}
      WHERE s.cluster_id = ${clusterId}::uuid AND s.status IN ('succeeded', 'failed')
        AND (s.started_at < ${before.startedAt} OR (s.started_at = ${before.startedAt} AND s.id < ${before.id}::uuid))
      UNION ALL
      ${this.prunedRows(clusterId, namespace)}
        AND (ps.started_at < ${before.startedAt} OR (ps.started_at = ${before.startedAt} AND ps.id < ${before.id}::uuid))
      ORDER BY started_at DESC, id DESC
      LIMIT ${limit}`;
    return rows.map(toRow);
  }

  /**
   * Snapshots pruned by retention, as succeeded rows with the flags of the kept snapshot before
   * each: retention keeps every snapshot whose default-deny state changed, so a pruned one had
   * exactly that state, and its time stays measured instead of turning into a gap.
   */
  private prunedRows(clusterId: string, namespace: string): Prisma.Sql {
    return Prisma.sql`
      SELECT ps.id, ps.started_at, 'succeeded' AS status, k.present, k.dd_ingress, k.dd_egress, ps.schedule_minutes
      FROM pruned_snapshot ps
      CROSS JOIN LATERAL (
        SELECT p.snapshot_id IS NOT NULL AS present, p.default_deny_ingress AS dd_ingress, p.default_deny_egress AS dd_egress
        FROM snapshot s2 LEFT JOIN namespace_posture p ON p.snapshot_id = s2.id AND p.namespace = ${namespace}
        WHERE s2.cluster_id = ps.cluster_id AND s2.status = 'succeeded' AND s2.started_at < ps.started_at
        ORDER BY s2.started_at DESC, s2.id DESC LIMIT 1
      ) k
      WHERE ps.cluster_id = ${clusterId}::uuid`;
  }

  /** Every namespace of the snapshots of [carry-in, to]: snapshots oldest first, flags per namespace. */
  async clusterRows(clusterId: string, from: Date, to: Date): Promise<ClusterTimeInStateRows> {
    const snapshots = await this.prisma.$queryRaw<(RawSnapshot & { pruned: boolean })[]>`
      WITH carry AS (
        SELECT started_at FROM (
          SELECT s.started_at FROM snapshot s
          WHERE s.cluster_id = ${clusterId}::uuid AND s.status IN ('succeeded', 'failed') AND s.started_at <= ${from}
          UNION ALL
          SELECT ps.started_at FROM pruned_snapshot ps WHERE ps.cluster_id = ${clusterId}::uuid AND ps.started_at <= ${from}
        ) c ORDER BY started_at DESC LIMIT 1
      )
      SELECT s.id, s.started_at, s.status::text AS status, s.schedule_minutes, false AS pruned
      FROM snapshot s
      WHERE s.cluster_id = ${clusterId}::uuid AND s.status IN ('succeeded', 'failed')
        AND s.started_at >= coalesce((SELECT started_at FROM carry), ${from}) AND s.started_at <= ${to}
      UNION ALL
      SELECT ps.id, ps.started_at, 'succeeded' AS status, ps.schedule_minutes, true AS pruned
      FROM pruned_snapshot ps
      WHERE ps.cluster_id = ${clusterId}::uuid
        AND ps.started_at >= coalesce((SELECT started_at FROM carry), ${from}) AND ps.started_at <= ${to}
      ORDER BY started_at, id`;
    const postures = new Map<string, Map<string, { defaultDenyIngress: boolean; defaultDenyEgress: boolean }>>();
    const succeeded = snapshots.filter((s) => s.status === 'succeeded' && !s.pruned);
    if (succeeded.length > 0) {
      // taken_at equals the snapshot's started_at: the covering index answers without the heap.
      const rows = await this.prisma.$queryRaw<RawPosture[]>`
        SELECT p.snapshot_id, p.namespace, p.default_deny_ingress, p.default_deny_egress
        FROM namespace_posture p
        WHERE p.cluster_id = ${clusterId}::uuid AND p.taken_at >= ${succeeded[0].started_at} AND p.taken_at <= ${to}`;
      for (const r of rows) {
        let m = postures.get(r.namespace);
        if (!m) postures.set(r.namespace, (m = new Map()));
        m.set(r.snapshot_id, { defaultDenyIngress: r.default_deny_ingress, defaultDenyEgress: r.default_deny_egress });
      }
    }
    // A pruned snapshot had the state of the kept one before it (retention keeps every transition).
    // One before any kept snapshot of the range (its state is out of reach here) is left out.
    let kept: string | null = null;
    const out: ClusterTimeInStateRows['snapshots'] = [];
    for (const s of snapshots) {
      if (s.status === 'succeeded' && !s.pruned) kept = s.id;
      if (s.pruned) {
        if (!kept) continue;
        for (const m of postures.values()) {
          const flags = m.get(kept);
          if (flags) m.set(s.id, flags);
        }
      }
      out.push({ id: s.id, startedAt: s.started_at, status: s.status, scheduleMinutes: s.schedule_minutes });
    }
    return { snapshots: out, postures };
  }
}
