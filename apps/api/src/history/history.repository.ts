// History straight from the pre-computed rows: one point per bucket, the LAST snapshot taken in
// it, chosen in SQL (date_trunc + DISTINCT ON) so a year of hourly snapshots never leaves the
// database. Per-cluster points read the roll-up stored on `snapshot` (index on cluster, status,
// started_at); per-namespace points resolve the namespace once per distinct posture set in the
// range (snapshots that changed nothing share their set), never the JSON detail.
import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';

export interface ClusterPointRow {
  bucket: Date;
  id: string;
  started_at: Date;
  posture: Record<string, unknown> | null;
}

export interface NamespacePointRow {
  bucket: Date;
  snapshot_id: string;
  taken_at: Date;
  excluded: boolean;
  pods: number;
  workloads: number;
  policies: number;
  ingress_isolated_pods: number;
  egress_isolated_pods: number;
  ingress_isolated_workloads: number;
  egress_isolated_workloads: number;
  default_deny_ingress: boolean;
  default_deny_egress: boolean;
  effectively_isolated_ingress: boolean;
  effectively_isolated_egress: boolean;
}

export interface FleetPointRow {
  cluster_id: string;
  /** Null for the snapshot in force before the range (carried into its first buckets). */
  bucket: Date | null;
  namespaces: number | null;
  dd_ingress: number | null;
  dd_egress: number | null;
  pods: number;
  ingress_isolated_pods: number;
  egress_isolated_pods: number;
}

export interface FleetClusterAtRow {
  id: string;
  name: string;
  source: string;
  environment: string | null;
  team: string | null;
  demo: boolean;
  enabled: boolean;
  schedule_minutes: number;
  last_id: string | null;
  last_status: string | null;
  last_trigger: string | null;
  last_started_at: Date | null;
  last_finished_at: Date | null;
  last_failure_reason: string | null;
  good_id: string | null;
  good_started_at: Date | null;
  policy_engine: string | null;
  network_plugin: string | null;
  posture: Record<string, unknown> | null;
}

export interface FleetClusterRow {
  id: string;
  name: string;
  environment: string | null;
  team: string | null;
}

export interface FleetSummaryRow extends FleetClusterRow {
  snapshot_id: string;
  posture: Record<string, unknown> | null;
  namespaces: number;
  pods: number;
  ingress_isolated_pods: number;
  egress_isolated_pods: number;
  dd_ingress: number;
  dd_egress: number;
}

export interface FleetFilter {
  environment?: string;
  team?: string;
}

function clusterFilter(f: FleetFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`c.deleted_at IS NULL`];
  if (f.environment) parts.push(Prisma.sql`c.environment = ${f.environment}`);
  if (f.team) parts.push(Prisma.sql`c.team = ${f.team}`);
  return Prisma.join(parts, ' AND ');
}

/**
 * What `namespace_posture` answers for a namespace (the last snapshot of each bucket that holds
 * it), with the namespace looked up once per distinct posture set rather than once per snapshot:
 * a year of hourly snapshots that changed nothing costs one lookup, not 8,760. Both CTEs are
 * MATERIALIZED so the planner cannot fold the lookup back into a per-snapshot loop. (Exported for
 * the history benchmark's EXPLAIN.)
 */
export function namespacePointsSql(clusterId: string, namespace: string, from: Date, to: Date, bucket: string): Prisma.Sql {
  return Prisma.sql`
      WITH s AS MATERIALIZED (
        SELECT id, started_at, posture_set_hash FROM snapshot
        WHERE cluster_id = ${clusterId}::uuid AND started_at >= ${from} AND started_at <= ${to} AND posture_set_hash IS NOT NULL),
      m AS MATERIALIZED (
        SELECT h.hash, e.* FROM (SELECT DISTINCT posture_set_hash AS hash FROM s) h
        CROSS JOIN LATERAL posture_set_members(h.hash) e WHERE e.namespace = ${namespace})
      SELECT DISTINCT ON (1) date_trunc(${bucket}::text, s.started_at, 'UTC') AS bucket, s.id AS snapshot_id, s.started_at AS taken_at,
             m.excluded, m.pods, m.workloads, m.policies, m.ingress_isolated_pods, m.egress_isolated_pods,
             m.ingress_isolated_workloads, m.egress_isolated_workloads, m.default_deny_ingress, m.default_deny_egress,
             m.effectively_isolated_ingress, m.effectively_isolated_egress
      FROM s JOIN m ON m.hash = s.posture_set_hash
      ORDER BY 1, s.started_at DESC, s.id DESC`;
}

@Injectable()
export class HistoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  clusterPoints(clusterId: string, from: Date, to: Date, bucket: string) {
    return this.prisma.$queryRaw<ClusterPointRow[]>`
      SELECT DISTINCT ON (1) date_trunc(${bucket}::text, s.started_at, 'UTC') AS bucket, s.id, s.started_at, s.posture
      FROM snapshot s
      WHERE s.cluster_id = ${clusterId}::uuid AND s.status = 'succeeded' AND s.started_at >= ${from} AND s.started_at <= ${to}
      ORDER BY 1, s.started_at DESC, s.id DESC`;
  }

  namespacePoints(clusterId: string, namespace: string, from: Date, to: Date, bucket: string) {
    return this.prisma.$queryRaw<NamespacePointRow[]>(namespacePointsSql(clusterId, namespace, from, to, bucket));
  }


  async namespaceEverSeen(clusterId: string, namespace: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<unknown[]>`
      SELECT 1 FROM namespace_posture WHERE cluster_id = ${clusterId}::uuid AND namespace = ${namespace} LIMIT 1`;
    return rows.length > 0;
  }

  fleetClusters(f: FleetFilter) {
    return this.prisma.$queryRaw<FleetClusterRow[]>`
      SELECT c.id, c.name, c.environment, c.team FROM cluster c WHERE ${clusterFilter(f)} ORDER BY c.name`;
  }

  /**
   * Per live cluster: the last snapshot of each bucket in the range, plus the snapshot in force
   * when the range starts (bucket null), so a cluster snapshotted less often than the bucket
   * still counts in every bucket with the posture it had then. Pod totals come from the chosen
   * snapshots' namespace rows (primary-key lookups), never from the whole history.
   */
  fleetPoints(from: Date, to: Date, bucket: string, f: FleetFilter) {
    return this.prisma.$queryRaw<FleetPointRow[]>`
      WITH live AS (SELECT c.id FROM cluster c WHERE ${clusterFilter(f)}),
      chosen AS (
        SELECT l.id AS cluster_id, NULL::timestamptz AS bucket, s.id AS snapshot_id, s.posture
        FROM live l
        JOIN LATERAL (
          SELECT s.id, s.posture FROM snapshot s
          WHERE s.cluster_id = l.id AND s.status = 'succeeded' AND s.started_at < ${from}
          ORDER BY s.started_at DESC, s.id DESC LIMIT 1
        ) s ON true
        UNION ALL
        SELECT * FROM (
          SELECT DISTINCT ON (s.cluster_id, 2) s.cluster_id, date_trunc(${bucket}::text, s.started_at, 'UTC') AS bucket, s.id AS snapshot_id, s.posture
          FROM snapshot s JOIN live l ON l.id = s.cluster_id
          WHERE s.status = 'succeeded' AND s.started_at >= ${from} AND s.started_at <= ${to}
          ORDER BY s.cluster_id, 2, s.started_at DESC, s.id DESC
        ) inside
      )
      SELECT ch.cluster_id, ch.bucket,
             (ch.posture->>'namespaces')::int AS namespaces,
             (ch.posture->'ingress'->>'namespacesWithDefaultDeny')::int AS dd_ingress,
             (ch.posture->'egress'->>'namespacesWithDefaultDeny')::int AS dd_egress,
             a.pods, a.ingress_isolated_pods, a.egress_isolated_pods
      FROM chosen ch
      CROSS JOIN LATERAL (
        SELECT coalesce(sum(p.pods), 0)::int AS pods,
               coalesce(sum(p.ingress_isolated_pods), 0)::int AS ingress_isolated_pods,
               coalesce(sum(p.egress_isolated_pods), 0)::int AS egress_isolated_pods
        FROM namespace_posture p WHERE p.snapshot_id = ch.snapshot_id AND NOT p.excluded
      ) a`;
  }

  /**
   * Every live cluster at `at` (or now): the last snapshot started by then (any status) and the
   * last succeeded one, as the cluster list reads them today. A cluster registered after `at`
   * with no snapshot before it did not exist yet and is left out.
   */
  fleetClustersAt(at: Date | undefined, f: FleetFilter) {
    const upTo = at ? Prisma.sql`AND s.started_at <= ${at}` : Prisma.empty;
    const existed = at ? Prisma.sql`AND (c.created_at <= ${at} OR l.id IS NOT NULL)` : Prisma.empty;
    return this.prisma.$queryRaw<FleetClusterAtRow[]>`
      SELECT c.id, c.name, c.source::text AS source, c.environment, c.team, c.demo, c.enabled, c.schedule_minutes,
             l.id AS last_id, l.status::text AS last_status, l.trigger::text AS last_trigger, l.started_at AS last_started_at,
             l.finished_at AS last_finished_at, l.failure_reason AS last_failure_reason,
             g.id AS good_id, g.started_at AS good_started_at, g.policy_engine, g.network_profile->>'networkPlugin' AS network_plugin, g.posture
      FROM cluster c
      LEFT JOIN LATERAL (
        SELECT s.id, s.status, s.trigger, s.started_at, s.finished_at, s.failure_reason FROM snapshot s
        WHERE s.cluster_id = c.id ${upTo} ORDER BY s.started_at DESC, s.id DESC LIMIT 1
      ) l ON true
      LEFT JOIN LATERAL (
        SELECT s.id, s.started_at, s.policy_engine, s.network_profile, s.posture FROM snapshot s
        WHERE s.cluster_id = c.id AND s.status = 'succeeded' ${upTo} ORDER BY s.started_at DESC, s.id DESC LIMIT 1
      ) g ON true
      WHERE ${clusterFilter(f)} ${existed}
      ORDER BY c.name`;
  }

  /** Each live cluster's snapshot in force (latest, or at `at`) with its namespace totals. */
  fleetSummary(at: Date | undefined, f: FleetFilter) {
    const atFilter = at ? Prisma.sql`AND s.started_at <= ${at}` : Prisma.empty;
    return this.prisma.$queryRaw<FleetSummaryRow[]>`
      SELECT c.id, c.name, c.environment, c.team, s.id AS snapshot_id, s.posture,
             a.namespaces, a.pods, a.ingress_isolated_pods, a.egress_isolated_pods, a.dd_ingress, a.dd_egress
      FROM cluster c
      JOIN LATERAL (
        SELECT s.id, s.posture FROM snapshot s
        WHERE s.cluster_id = c.id AND s.status = 'succeeded' ${atFilter}
        ORDER BY s.started_at DESC, s.id DESC LIMIT 1
      ) s ON true
      JOIN LATERAL (
        SELECT count(*)::int AS namespaces,
               coalesce(sum(p.pods), 0)::int AS pods,
               coalesce(sum(p.ingress_isolated_pods), 0)::int AS ingress_isolated_pods,
               coalesce(sum(p.egress_isolated_pods), 0)::int AS egress_isolated_pods,
               count(*) FILTER (WHERE p.default_deny_ingress)::int AS dd_ingress,
               count(*) FILTER (WHERE p.default_deny_egress)::int AS dd_egress
        FROM namespace_posture p WHERE p.snapshot_id = s.id AND NOT p.excluded
      ) a ON true
      WHERE ${clusterFilter(f)}
      ORDER BY c.name`;
  }
}
