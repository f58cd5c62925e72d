// Reads the posture a snapshot stored: the cluster and its snapshot in force in one round trip,
// the flat namespace rows (never their JSON detail) for the cluster page, and one namespace's
// detail, labels, policies and workload labels from the content-addressed sets.
import { NAMESPACE_POSTURE_COLUMNS, NAMESPACE_POSTURE_FLAT_COLUMNS } from './namespace-posture-columns';
import { Injectable } from '@nestjs/common';
import { Prisma, type NamespacePosture } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { namespaceFindingCountsJsonSql, namespaceFindingsJsonSql, type FindingRecord } from '../findings/findings.repository';

export interface ClusterAtRow {
  cluster_id: string;
  name: string;
  environment: string | null;
  team: string | null;
  snapshot_id: string | null;
  started_at: Date | null;
  finished_at: Date | null;
  policy_engine: string | null;
  posture: Record<string, unknown> | null;
  policy_set_hash: string | null;
  workload_set_hash: string | null;
  namespace_set_hash: string | null;
  finding_set_hash: string | null;
}

export interface PolicyRecord {
  hash: string;
  api_version: string;
  kind: string;
  namespace: string | null;
  name: string;
  body: string;
}

/** The live cluster and its snapshot in force at `at` (see PostureRepository.clusterAt). */
function clusterAtSql(clusterId: string, at?: Date): Prisma.Sql {
  return Prisma.sql`
      SELECT c.id AS cluster_id, c.name, c.environment, c.team,
             s.id AS snapshot_id, s.started_at, s.finished_at, s.policy_engine, s.posture,
             s.policy_set_hash, s.workload_set_hash, s.namespace_set_hash, s.finding_set_hash
      FROM cluster c
      LEFT JOIN LATERAL (
        SELECT s.id, s.started_at, s.finished_at, s.policy_engine, s.posture,
               s.policy_set_hash, s.workload_set_hash, s.namespace_set_hash, s.finding_set_hash
        FROM snapshot s
        WHERE s.cluster_id = c.id AND s.status = 'succeeded' AND s.started_at <= ${at ?? new Date('9999-12-31T00:00:00Z')}
        ORDER BY s.started_at DESC, s.id DESC LIMIT 1
      ) s ON true
      WHERE c.id = ${clusterId}::uuid AND c.deleted_at IS NULL`;
}

/** PostureRepository.clusterPage: clusterAt's row, the snapshot's namespace rows and findings per namespace. */
export interface ClusterPageRow extends ClusterAtRow {
  ns_rows: Omit<NamespacePosture, 'snapshotId' | 'clusterId' | 'takenAt' | 'detail'>[];
  finding_counts: Record<string, number>;
}

/** PostureRepository.namespacePage: clusterAt's row and the namespace's reads (null without a snapshot or a namespace). */
export interface NamespacePageRow extends ClusterAtRow {
  ns: Omit<NamespacePosture, 'snapshotId' | 'clusterId' | 'takenAt'> | null;
  ns_labels: Record<string, string> | null;
  ns_policies: PolicyRecord[];
  ns_workload_labels: { kind: string; name: string; labels: Record<string, string> }[];
  ns_findings: FindingRecord[];
}

@Injectable()
export class PostureRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * A live cluster and its snapshot in force at `at` (the latest succeeded one started at or
   * before it; the latest when `at` is absent). No row: unknown cluster; null snapshot: none yet.
   */
  async clusterAt(clusterId: string, at?: Date): Promise<ClusterAtRow | null> {
    const rows = await this.prisma.read<ClusterAtRow[]>(clusterAtSql(clusterId, at));
    return rows[0] ?? null;
  }

  /**
   * What the cluster page reads, in one round trip: the cluster and its snapshot in force (as
   * clusterAt), its namespace rows (as namespaceRows, a JSON array) and the findings per
   * namespace (a JSON object). No row: unknown cluster.
   */
  async clusterPage(clusterId: string, at?: Date): Promise<ClusterPageRow | null> {
    const rows = await this.prisma.read<ClusterPageRow[]>`
      WITH c AS (${clusterAtSql(clusterId, at)})
      SELECT c.*,
        (SELECT coalesce(json_agg(n ORDER BY n.namespace ASC), '[]'::json) FROM (
           SELECT ${NAMESPACE_POSTURE_FLAT_COLUMNS} FROM namespace_posture WHERE snapshot_id = c.snapshot_id) n) AS ns_rows,
        ${namespaceFindingCountsJsonSql(Prisma.sql`c.finding_set_hash`)} AS finding_counts
      FROM c`;
    return rows[0] ?? null;
  }

  /**
   * Everything the namespace page reads, in one round trip: the cluster and its snapshot in
   * force (as clusterAt), the namespace's row, its labels, its policies and the cluster-scoped
   * ones, its workloads' labels and its findings (each as its own read below answers them, the
   * lists as JSON arrays). No row: unknown cluster.
   */
  async namespacePage(clusterId: string, namespace: string, at?: Date): Promise<NamespacePageRow | null> {
    const rows = await this.prisma.read<NamespacePageRow[]>`
      WITH c AS (${clusterAtSql(clusterId, at)})
      SELECT c.*,
        (SELECT row_to_json(n) FROM (
           SELECT ${NAMESPACE_POSTURE_COLUMNS} FROM namespace_posture WHERE snapshot_id = c.snapshot_id AND namespace = ${namespace}) n) AS ns,
        (SELECT l.labels FROM namespace_set_member m JOIN label_set l ON l.hash = m.label_set_hash
         WHERE m.set_hash = c.namespace_set_hash AND m.name = ${namespace}) AS ns_labels,
        (SELECT coalesce(json_agg(x ORDER BY x.namespace NULLS LAST, x.kind, x.name, x.hash), '[]'::json) FROM (
           SELECT p.hash, p.api_version, p.kind, p.namespace, p.name, p.body
           FROM policy_set_member m
           JOIN LATERAL (SELECT * FROM policy_object p WHERE p.hash = m.policy_hash LIMIT 1) p ON true
           WHERE m.set_hash = c.policy_set_hash AND (p.namespace = ${namespace} OR p.namespace IS NULL)) x) AS ns_policies,
        (SELECT coalesce(json_agg(x), '[]'::json) FROM (
           SELECT w.kind, w.name, l.labels
           FROM workload_set_member m
           JOIN workload_object w ON w.hash = m.workload_hash
           JOIN label_set l ON l.hash = w.label_set_hash
           WHERE m.set_hash = c.workload_set_hash AND w.namespace = ${namespace}) x) AS ns_workload_labels,
        ${namespaceFindingsJsonSql(Prisma.sql`c.finding_set_hash`, namespace)} AS ns_findings
      FROM c`;
    return rows[0] ?? null;
  }

  /** Every namespace row of a snapshot without the JSON detail: bounded by the namespaces. Raw SQL (see namespaceRow). */
  namespaceRows(snapshotId: string) {
    return this.prisma.read<Omit<NamespacePosture, 'snapshotId' | 'clusterId' | 'takenAt' | 'detail'>[]>`
      SELECT ${NAMESPACE_POSTURE_FLAT_COLUMNS}
      FROM namespace_posture WHERE snapshot_id = ${snapshotId}::uuid ORDER BY namespace ASC`;
  }

  /** What the profile card needs of a snapshot: its network profile, node pools and counts. */
  async snapshotProfile(snapshotId: string) {
    return this.prisma.snapshot.findUnique({
      where: { id: snapshotId },
      select: { networkProfile: true, nodePools: true, kubernetesVersion: true, counts: true },
    });
  }

  /** The findings of a set from the given rules (platform and enforcement caveats). */
  caveats(findingSetHash: string, ruleIds: string[]) {
    if (ruleIds.length === 0) return Promise.resolve([]);
    return this.prisma.read<{ rule_id: string; severity: string; title: string; message: string }[]>`
      SELECT f.rule_id, f.severity, f.title, f.message
      FROM finding_set_member m
      JOIN LATERAL (SELECT * FROM finding_object f WHERE f.hash = m.finding_hash LIMIT 1) f ON true
      WHERE m.set_hash = ${findingSetHash} AND f.rule_id IN (${Prisma.join(ruleIds)})
      ORDER BY (CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END), f.rule_id, f.hash`;
  }

  /**
   * One namespace's posture row. Raw SQL: on a cold read (a past `?at=`, the first view after a
   * snapshot) Prisma's per-call query compilation cost more CPU than the query itself.
   */
  async namespaceRow(snapshotId: string, namespace: string): Promise<Omit<NamespacePosture, 'snapshotId' | 'clusterId' | 'takenAt'> | null> {
    const rows = await this.prisma.read<Omit<NamespacePosture, 'snapshotId' | 'clusterId' | 'takenAt'>[]>`
      SELECT ${NAMESPACE_POSTURE_COLUMNS}
      FROM namespace_posture WHERE snapshot_id = ${snapshotId}::uuid AND namespace = ${namespace}`;
    return rows[0] ?? null;
  }

  async namespaceLabels(namespaceSetHash: string, namespace: string): Promise<Record<string, string> | null> {
    const rows = await this.prisma.read<{ labels: Record<string, string> }[]>`
      SELECT l.labels FROM namespace_set_member m JOIN label_set l ON l.hash = m.label_set_hash
      WHERE m.set_hash = ${namespaceSetHash}::bpchar AND m.name = ${namespace}`;
    return rows[0]?.labels ?? null;
  }

  /** The namespace's policies, and the cluster-scoped ones (the caller keeps those that apply). */
  policies(policySetHash: string, namespace: string) {
    return this.prisma.read<PolicyRecord[]>`
      SELECT p.hash, p.api_version, p.kind, p.namespace, p.name, p.body
      FROM policy_set_member m
      -- One primary-key lookup per member (see SET_FINDINGS in findings.repository.ts).
      JOIN LATERAL (SELECT * FROM policy_object p WHERE p.hash = m.policy_hash LIMIT 1) p ON true
      WHERE m.set_hash = ${policySetHash} AND (p.namespace = ${namespace} OR p.namespace IS NULL)
      ORDER BY p.namespace NULLS LAST, p.kind, p.name, p.hash`;
  }

  /** Labels of the namespace's workloads (pod template or first pod), by `kind/name`. */
  async workloadLabels(workloadSetHash: string, namespace: string): Promise<Map<string, Record<string, string>>> {
    const rows = await this.prisma.read<{ kind: string; name: string; labels: Record<string, string> }[]>`
      SELECT w.kind, w.name, l.labels
      FROM workload_set_member m
      JOIN workload_object w ON w.hash = m.workload_hash
      JOIN label_set l ON l.hash = w.label_set_hash
      WHERE m.set_hash = ${workloadSetHash} AND w.namespace = ${namespace}`;
    return new Map(rows.map((r) => [`${r.kind}/${r.name}`, r.labels]));
  }
}
