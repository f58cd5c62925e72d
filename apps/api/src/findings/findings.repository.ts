// Reads stored findings: those of one snapshot's finding set, and across the fleet those of each
// cluster's snapshot in force (latest succeeded, or at a past time), filtered, sorted and
// keyset-paged.
import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
import type { FindingSort } from '@kordon/contracts';
import { PrismaService } from '../prisma/prisma.service';

export interface FindingRecord {
  hash: string;
  rule_id: string;
  severity: string;
  title: string;
  message: string;
  namespace: string | null;
  object_kind: string | null;
  object_namespace: string | null;
  object_name: string | null;
  remediation_yaml: string | null;
}

export interface FleetFindingRecord extends FindingRecord {
  cluster_id: string;
  cluster_name: string;
  snapshot_id: string;
  started_at: Date;
  /** The row's position in the requested sort: what the next page's cursor resumes after. */
  sortKey: (string | number)[];
}

export interface FleetFindingFilter {
  at?: Date;
  clusterId?: string;
  namespace?: string;
  severity?: string;
  ruleId?: string;
  sort: FindingSort;
  /** Keyset: the `sortKey` of the last row of the previous page, in the same sort. */
  after?: (string | number)[];
  take: number;
}

// A set's members, then each object by primary key: a nested loop bounded by the set's size.
// A plain join lets the planner hash the whole object table, which grows with every finding
// ever stored; LATERAL … LIMIT 1 keeps it to one index lookup per member.
const SET_FINDINGS = (setHash: string) => setFindingsOf(Prisma.sql`${setHash}`);
/** SET_FINDINGS of a set hash given as an SQL expression (a column of an enclosing query). */
const setFindingsOf = (setHash: Prisma.Sql) => Prisma.sql`
  finding_set_member m
  JOIN LATERAL (SELECT * FROM finding_object f WHERE f.hash = m.finding_hash LIMIT 1) f ON true
  WHERE m.set_hash = ${setHash}`;

const FINDING_COLUMNS = Prisma.sql`f.hash, f.rule_id, f.severity, f.title, f.message, f.namespace, f.object_kind, f.object_namespace, f.object_name, f.remediation_yaml`;
// Most severe first, as the engine sorts them.
const RANK = Prisma.sql`(CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END)`;

/** `countByNamespace` as a JSON object (namespace → findings), for a set hash given as an SQL expression. */
export function namespaceFindingCountsJsonSql(setHash: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT coalesce(json_object_agg(x.namespace, x.n), '{}'::json) FROM (
      SELECT coalesce(f.namespace, f.object_namespace) AS namespace, count(*)::int AS n
      FROM ${setFindingsOf(setHash)} AND coalesce(f.namespace, f.object_namespace) IS NOT NULL
      GROUP BY 1) x)`;
}

/**
 * `ofNamespace` as a JSON array of FindingRecord in its order, for a set hash given as an SQL
 * expression: a sub-select of a query that reads other parts of a page in the same round trip.
 */
export function namespaceFindingsJsonSql(setHash: Prisma.Sql, namespace: string): Prisma.Sql {
  return Prisma.sql`(SELECT coalesce(json_agg(x ORDER BY x.rank, x.rule_id, x.hash), '[]'::json) FROM (
      SELECT ${FINDING_COLUMNS}, ${RANK} AS rank
      FROM ${setFindingsOf(setHash)} AND (f.namespace = ${namespace} OR f.object_namespace = ${namespace})) x)`;
}

/**
 * One column of a fleet sort. Text compares by code point (COLLATE "C"): the same order on every
 * database whatever its locale, and the one clients get comparing strings themselves. `max`
 * marks a small integer key (0..max), which is how a cursor's values are checked.
 */
interface SortColumn {
  expr: Prisma.Sql;
  desc: boolean;
  max?: number;
}

const col = (expr: Prisma.Sql, desc = false, max?: number): SortColumn => ({ expr, desc, max });
const C_TEXT = (expr: Prisma.Sql) => Prisma.sql`(${expr} COLLATE "C")`;
const SUBJECT_NS = Prisma.sql`coalesce(f.namespace, f.object_namespace)`;
const BY = {
  rank: (desc = false) => col(RANK, desc, 4),
  cluster: (desc = false) => col(C_TEXT(Prisma.sql`c.name`), desc),
  rule: (desc = false) => col(C_TEXT(Prisma.sql`f.rule_id`), desc),
  // Findings about no namespace (cluster-wide) last in both directions; a NULL key would not
  // compare in the keyset predicate.
  noNamespace: () => col(Prisma.sql`(CASE WHEN ${SUBJECT_NS} IS NULL THEN 1 ELSE 0 END)`, false, 1),
  namespace: (desc = false) => col(C_TEXT(Prisma.sql`coalesce(${SUBJECT_NS}, '')`), desc),
  hash: () => col(C_TEXT(Prisma.sql`f.hash`)),
};

/**
 * Each sort's columns. Cluster names are unique and a snapshot's finding set holds a finding
 * (hash) once, so (cluster, hash) ends every order: a total order, pages never overlap or skip.
 */
const FLEET_SORTS: Record<FindingSort, SortColumn[]> = {
  '-severity': [BY.rank(), BY.cluster(), BY.rule(), BY.hash()],
  severity: [BY.rank(true), BY.cluster(), BY.rule(), BY.hash()],
  cluster: [BY.cluster(), BY.rank(), BY.rule(), BY.hash()],
  '-cluster': [BY.cluster(true), BY.rank(), BY.rule(), BY.hash()],
  rule: [BY.rule(), BY.rank(), BY.cluster(), BY.hash()],
  '-rule': [BY.rule(true), BY.rank(), BY.cluster(), BY.hash()],
  namespace: [BY.noNamespace(), BY.namespace(), BY.rank(), BY.cluster(), BY.rule(), BY.hash()],
  '-namespace': [BY.noNamespace(), BY.namespace(true), BY.rank(), BY.cluster(), BY.rule(), BY.hash()],
};

/** What a cursor's key must hold for `sort`: per column, the largest integer, or `text`. */
export function fleetSortKeyShape(sort: FindingSort): (number | 'text')[] {
  return FLEET_SORTS[sort].map((c) => c.max ?? 'text');
}

/**
 * Rows after `key` in the order of `cols`, columns of either direction: (a > x) OR (a = x AND
 * (b < y OR (b = y AND …))). Row-value comparison would need every column in one direction.
 */
function afterKey(cols: SortColumn[], key: (string | number)[]): Prisma.Sql {
  return cols.reduceRight<Prisma.Sql | null>((rest, c, i) => {
    const value = c.max !== undefined ? Prisma.sql`${key[i]}::int` : Prisma.sql`${key[i]}::text`;
    const past = c.desc ? Prisma.sql`${c.expr} < ${value}` : Prisma.sql`${c.expr} > ${value}`;
    return rest ? Prisma.sql`(${past} OR (${c.expr} = ${value} AND ${rest}))` : past;
  }, null)!;
}

@Injectable()
export class FindingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Findings of one set about one namespace (as its namespace or the namespace of its object). */
  ofNamespace(findingSetHash: string, namespace: string) {
    return this.prisma.read<FindingRecord[]>`
      SELECT ${FINDING_COLUMNS}
      FROM ${SET_FINDINGS(findingSetHash)} AND (f.namespace = ${namespace} OR f.object_namespace = ${namespace})
      ORDER BY ${RANK}, f.rule_id, f.hash`;
  }

  /** Findings per namespace of one set, for the posture rows. */
  async countByNamespace(findingSetHash: string): Promise<Map<string, number>> {
    const rows = await this.prisma.read<{ namespace: string; n: number }[]>`
      SELECT coalesce(f.namespace, f.object_namespace) AS namespace, count(*)::int AS n
      FROM ${SET_FINDINGS(findingSetHash)} AND coalesce(f.namespace, f.object_namespace) IS NOT NULL
      GROUP BY 1`;
    return new Map(rows.map((r) => [r.namespace, r.n]));
  }

  /**
   * One page of the fleet's findings: for each live cluster, its snapshot in force (an index
   * lookup per cluster), then that snapshot's finding set.
   */
  async fleet(q: FleetFindingFilter): Promise<FleetFindingRecord[]> {
    const where: Prisma.Sql[] = [Prisma.sql`c.deleted_at IS NULL`];
    if (q.clusterId) where.push(Prisma.sql`c.id = ${q.clusterId}::uuid`);
    if (q.namespace) where.push(Prisma.sql`(f.namespace = ${q.namespace} OR f.object_namespace = ${q.namespace})`);
    if (q.severity) where.push(Prisma.sql`f.severity = ${q.severity}`);
    if (q.ruleId) where.push(Prisma.sql`f.rule_id = ${q.ruleId}`);
    const cols = FLEET_SORTS[q.sort];
    if (q.after) where.push(afterKey(cols, q.after));
    const at = q.at ? Prisma.sql`AND s.started_at <= ${q.at}` : Prisma.empty;
    const keyColumns = Prisma.join(cols.map((c, i) => Prisma.sql`${c.expr}${c.max !== undefined ? Prisma.sql`::int` : Prisma.empty} AS ${Prisma.raw(`sort_key_${i}`)}`));
    const order = Prisma.join(cols.map((c) => Prisma.sql`${c.expr} ${Prisma.raw(c.desc ? 'DESC' : 'ASC')}`));
    const rows = await this.prisma.read<(Omit<FleetFindingRecord, 'sortKey'> & Record<`sort_key_${number}`, string | number>)[]>`
      SELECT ${FINDING_COLUMNS}, c.id AS cluster_id, c.name AS cluster_name, s.id AS snapshot_id, s.started_at, ${keyColumns}
      FROM cluster c
      JOIN LATERAL (
        SELECT s.id, s.started_at, s.finding_set_hash FROM snapshot s
        WHERE s.cluster_id = c.id AND s.status = 'succeeded' ${at}
        ORDER BY s.started_at DESC, s.id DESC LIMIT 1
      ) s ON true
      JOIN finding_set_member m ON m.set_hash = s.finding_set_hash
      JOIN finding_object f ON f.hash = m.finding_hash
      WHERE ${Prisma.join(where, ' AND ')}
      ORDER BY ${order}
      LIMIT ${q.take}`;
    return rows.map((r) => ({ ...r, sortKey: cols.map((_, i) => r[`sort_key_${i}`]) }));
  }
}
