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

/** A timestamp as Date.toISOString() writes it (UTC, milliseconds). */
const ISO = (e: Prisma.Sql) => Prisma.sql`to_char(${e} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
/** JSON of a number or boolean column, as JSON.stringify writes it (null for NULL). */
const J = (e: Prisma.Sql) => Prisma.sql`coalesce((${e})::text, 'null')`;
/**
 * `part / whole` as the API's share() computes it (null without a whole). float8 division of two
 * integers is the same IEEE operation as in JS, and float8's text is the shortest exact digits,
 * as JS writes numbers, except below 1e-4 where PostgreSQL switches to an exponent (1e-05, JS
 * 0.00001) sooner: such a share marks the answer inexact (see namespacePointsJson).
 */
const SHARE = (part: Prisma.Sql, whole: Prisma.Sql) => Prisma.sql`(CASE WHEN ${whole} > 0 THEN (${part}::float8 / ${whole}::float8)::text ELSE 'null' END)`;
const TINY = (part: Prisma.Sql, whole: Prisma.Sql) => Prisma.sql`(${whole} > 0 AND ${part} > 0 AND ${part}::float8 / ${whole}::float8 < 0.0001)`;

/** The points of namespacePointsSql as the JSON text of the API's NamespaceHistoryPoint list. */
export interface NamespacePointsJsonRow {
  /** Points in the answer. */
  n: number;
  /** Whether a value could not be written exactly as JS would (the caller builds the answer in JS then). */
  inexact: boolean;
  /** `[...]`: the points, in bucket order. */
  points: string;
}

@Injectable()
export class HistoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  clusterPoints(clusterId: string, from: Date, to: Date, bucket: string) {
    return this.prisma.read<ClusterPointRow[]>`
      SELECT DISTINCT ON (1) date_trunc(${bucket}::text, s.started_at, 'UTC') AS bucket, s.id, s.started_at, s.posture
      FROM snapshot s
      WHERE s.cluster_id = ${clusterId}::uuid AND s.status = 'succeeded' AND s.started_at >= ${from} AND s.started_at <= ${to}
      ORDER BY 1, s.started_at DESC, s.id DESC`;
  }

  namespacePoints(clusterId: string, namespace: string, from: Date, to: Date, bucket: string) {
    return this.prisma.read<NamespacePointRow[]>(namespacePointsSql(clusterId, namespace, from, to, bucket));
  }

  /**
   * namespacePoints serialized by PostgreSQL, byte for byte as the API writes them
   * (HistoryService's namespacePoint then JSON.stringify): a year of daily points is one text
   * value rather than thousands of cells to map, objects to build and stringify again.
   */
  async namespacePointsJson(clusterId: string, namespace: string, from: Date, to: Date, bucket: string): Promise<NamespacePointsJsonRow> {
    const dir = (d: 'ingress' | 'egress') => {
      const pods = Prisma.raw('p.pods');
      const workloads = Prisma.raw('p.workloads');
      const ip = Prisma.raw(`p.${d}_isolated_pods`);
      const iw = Prisma.raw(`p.${d}_isolated_workloads`);
      return Prisma.sql`'{"isolatedPods":', ${J(ip)}, ',"isolatedWorkloads":', ${J(iw)},
        ',"podCoverage":', ${SHARE(ip, pods)}, ',"workloadCoverage":', ${SHARE(iw, workloads)},
        ',"defaultDeny":', ${J(Prisma.raw(`p.default_deny_${d}`))}, ',"effectivelyIsolated":', ${J(Prisma.raw(`p.effectively_isolated_${d}`))}, '}'`;
    };
    const rows = await this.prisma.read<NamespacePointsJsonRow[]>`
      WITH p AS (${namespacePointsSql(clusterId, namespace, from, to, bucket)})
      SELECT count(*)::int AS n,
             coalesce(bool_or(
               ${TINY(Prisma.raw('p.ingress_isolated_pods'), Prisma.raw('p.pods'))} OR ${TINY(Prisma.raw('p.egress_isolated_pods'), Prisma.raw('p.pods'))}
               OR ${TINY(Prisma.raw('p.ingress_isolated_workloads'), Prisma.raw('p.workloads'))} OR ${TINY(Prisma.raw('p.egress_isolated_workloads'), Prisma.raw('p.workloads'))}
               OR p.pods IS NULL OR p.workloads IS NULL OR p.ingress_isolated_pods IS NULL OR p.egress_isolated_pods IS NULL
               OR p.ingress_isolated_workloads IS NULL OR p.egress_isolated_workloads IS NULL
               OR extract(year FROM p.bucket AT TIME ZONE 'UTC') NOT BETWEEN 1000 AND 9999
               OR extract(year FROM p.taken_at AT TIME ZONE 'UTC') NOT BETWEEN 1000 AND 9999), false) AS inexact,
             '[' || coalesce(string_agg(concat(
               '{"bucket":"', ${ISO(Prisma.raw('p.bucket'))}, '","snapshotId":"', p.snapshot_id::text, '","takenAt":"', ${ISO(Prisma.raw('p.taken_at'))},
               '","excluded":', ${J(Prisma.raw('p.excluded'))}, ',"pods":', ${J(Prisma.raw('p.pods'))}, ',"workloads":', ${J(Prisma.raw('p.workloads'))},
               ',"policies":', ${J(Prisma.raw('p.policies'))},
               ',"ingress":', ${dir('ingress')}, ',"egress":', ${dir('egress')}, '}'), ',' ORDER BY p.bucket), '') || ']' AS points
      FROM p`;
    return rows[0]!;
  }


  async namespaceEverSeen(clusterId: string, namespace: string): Promise<boolean> {
    const rows = await this.prisma.read<unknown[]>`
      SELECT 1 FROM namespace_posture WHERE cluster_id = ${clusterId}::uuid AND namespace = ${namespace} LIMIT 1`;
    return rows.length > 0;
  }

  fleetClusters(f: FleetFilter) {
    return this.prisma.read<FleetClusterRow[]>`
      SELECT c.id, c.name, c.environment, c.team FROM cluster c WHERE ${clusterFilter(f)} ORDER BY c.name`;
  }

  /**
   * Per live cluster: the last snapshot of each bucket in the range, plus the snapshot in force
   * when the range starts (bucket null), so a cluster snapshotted less often than the bucket
   * still counts in every bucket with the posture it had then. Pod totals come from the chosen
   * snapshots' namespace rows (primary-key lookups), never from the whole history.
   */
  fleetPoints(from: Date, to: Date, bucket: string, f: FleetFilter) {
    return this.prisma.read<FleetPointRow[]>`
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
    return this.prisma.read<FleetClusterAtRow[]>`
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
    return this.prisma.read<FleetSummaryRow[]>`
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
