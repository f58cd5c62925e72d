// The rows time in state is computed from: a cluster's succeeded and failed snapshots from the
// last one started at or before `from` up to `to` (index on cluster_id, started_at), each with the
// namespace's two default-deny flags (primary-key lookups on namespace_posture, no JSON detail).
// Older rows are read newest first, a page at a time, only while a protected run reaches back.
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma/prisma.service';
import type { TimeInStateRow } from './time-in-state';

interface RawRow {
  id: string;
  started_at: Date;
  status: 'succeeded' | 'failed';
  present: boolean;
  dd_ingress: boolean | null;
  dd_egress: boolean | null;
}

interface RawSnapshot {
  id: string;
  started_at: Date;
  status: 'succeeded' | 'failed';
}

interface RawPosture {
  snapshot_id: string;
  namespace: string;
  default_deny_ingress: boolean;
  default_deny_egress: boolean;
}

export interface ClusterTimeInStateRows {
  snapshots: { id: string; startedAt: Date; status: 'succeeded' | 'failed' }[];
  /** Per namespace, its flags per snapshot id (a snapshot missing from the map: absent). */
  postures: Map<string, Map<string, { defaultDenyIngress: boolean; defaultDenyEgress: boolean }>>;
}

const toRow = (r: RawRow): TimeInStateRow => ({
  id: r.id,
  startedAt: r.started_at,
  status: r.status,
  namespace: r.present ? { defaultDenyIngress: r.dd_ingress === true, defaultDenyEgress: r.dd_egress === true } : null,
});

@Injectable()
export class TimeInStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The snapshots of [carry-in, to] with the namespace's flags, oldest first. */
  async namespaceRows(clusterId: string, namespace: string, from: Date, to: Date): Promise<TimeInStateRow[]> {
    const rows = await this.prisma.$queryRaw<RawRow[]>`
      WITH carry AS (
        SELECT s.started_at FROM snapshot s
        WHERE s.cluster_id = ${clusterId}::uuid AND s.status IN ('succeeded', 'failed') AND s.started_at <= ${from}
        ORDER BY s.started_at DESC, s.id DESC LIMIT 1
      )
      SELECT s.id, s.started_at, s.status::text AS status, p.snapshot_id IS NOT NULL AS present,
             p.default_deny_ingress AS dd_ingress, p.default_deny_egress AS dd_egress
      FROM snapshot s
      LEFT JOIN namespace_posture p ON p.snapshot_id = s.id AND p.namespace = ${namespace}
      WHERE s.cluster_id = ${clusterId}::uuid AND s.status IN ('succeeded', 'failed')
        AND s.started_at >= coalesce((SELECT started_at FROM carry), ${from}) AND s.started_at <= ${to}
      ORDER BY s.started_at, s.id`;
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
             p.default_deny_ingress AS dd_ingress, p.default_deny_egress AS dd_egress
      FROM snapshot s
      LEFT JOIN namespace_posture p ON p.snapshot_id = s.id AND p.namespace = ${namespace}
      WHERE s.cluster_id = ${clusterId}::uuid AND s.status IN ('succeeded', 'failed')
        AND (s.started_at < ${before.startedAt} OR (s.started_at = ${before.startedAt} AND s.id < ${before.id}::uuid))
      ORDER BY s.started_at DESC, s.id DESC
      LIMIT ${limit}`;
    return rows.map(toRow);
  }

  /** Every namespace of the snapshots of [carry-in, to]: snapshots oldest first, flags per namespace. */
  async clusterRows(clusterId: string, from: Date, to: Date): Promise<ClusterTimeInStateRows> {
    const snapshots = await this.prisma.$queryRaw<RawSnapshot[]>`
      WITH carry AS (
        SELECT s.started_at FROM snapshot s
        WHERE s.cluster_id = ${clusterId}::uuid AND s.status IN ('succeeded', 'failed') AND s.started_at <= ${from}
        ORDER BY s.started_at DESC, s.id DESC LIMIT 1
      )
      SELECT s.id, s.started_at, s.status::text AS status
      FROM snapshot s
      WHERE s.cluster_id = ${clusterId}::uuid AND s.status IN ('succeeded', 'failed')
        AND s.started_at >= coalesce((SELECT started_at FROM carry), ${from}) AND s.started_at <= ${to}
      ORDER BY s.started_at, s.id`;
    const postures = new Map<string, Map<string, { defaultDenyIngress: boolean; defaultDenyEgress: boolean }>>();
    const succeeded = snapshots.filter((s) => s.status === 'succeeded');
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
    return { snapshots: snapshots.map((s) => ({ id: s.id, startedAt: s.started_at, status: s.status })), postures };
  }
}
