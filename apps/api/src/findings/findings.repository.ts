// Reads stored findings: those of one snapshot's finding set, and across the fleet those of each
// cluster's snapshot in force (latest succeeded, or at a past time), filtered and keyset-paged.
import { Injectable } from '@nestjs/common';
import { Prisma } from '@prisma/client';
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
  rank: number;
}

export interface FleetFindingFilter {
  at?: Date;
  clusterId?: string;
  namespace?: string;
  severity?: string;
  ruleId?: string;
  /** Keyset: the last row of the previous page. */
  after?: { rank: number; clusterName: string; ruleId: string; hash: string };
  take: number;
}

// A set's members, then each object by primary key: a nested loop bounded by the set's size.
// A plain join lets the planner hash the whole object table, which grows with every finding
// ever stored; LATERAL … LIMIT 1 keeps it to one index lookup per member.
const SET_FINDINGS = (setHash: string) => Prisma.sql`
  finding_set_member m
  JOIN LATERAL (SELECT * FROM finding_object f WHERE f.hash = m.finding_hash LIMIT 1) f ON true
  WHERE m.set_hash = ${setHash}`;

const FINDING_COLUMNS = Prisma.sql`f.hash, f.rule_id, f.severity, f.title, f.message, f.namespace, f.object_kind, f.object_namespace, f.object_name, f.remediation_yaml`;
// Most severe first, as the engine sorts them.
const RANK = Prisma.sql`(CASE f.severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END)`;

@Injectable()
export class FindingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Findings of one set about one namespace (as its namespace or the namespace of its object). */
  ofNamespace(findingSetHash: string, namespace: string) {
    return this.prisma.$queryRaw<FindingRecord[]>`
      SELECT ${FINDING_COLUMNS}
      FROM ${SET_FINDINGS(findingSetHash)} AND (f.namespace = ${namespace} OR f.object_namespace = ${namespace})
      ORDER BY ${RANK}, f.rule_id, f.hash`;
  }

  /** Findings per namespace of one set, for the posture rows. */
  async countByNamespace(findingSetHash: string): Promise<Map<string, number>> {
    const rows = await this.prisma.$queryRaw<{ namespace: string; n: number }[]>`
      SELECT coalesce(f.namespace, f.object_namespace) AS namespace, count(*)::int AS n
      FROM ${SET_FINDINGS(findingSetHash)} AND coalesce(f.namespace, f.object_namespace) IS NOT NULL
      GROUP BY 1`;
    return new Map(rows.map((r) => [r.namespace, r.n]));
  }

  /**
   * One page of the fleet's findings: for each live cluster, its snapshot in force (an index
   * lookup per cluster), then that snapshot's finding set.
   */
  fleet(q: FleetFindingFilter) {
    const where: Prisma.Sql[] = [Prisma.sql`c.deleted_at IS NULL`];
    if (q.clusterId) where.push(Prisma.sql`c.id = ${q.clusterId}::uuid`);
    if (q.namespace) where.push(Prisma.sql`(f.namespace = ${q.namespace} OR f.object_namespace = ${q.namespace})`);
    if (q.severity) where.push(Prisma.sql`f.severity = ${q.severity}`);
    if (q.ruleId) where.push(Prisma.sql`f.rule_id = ${q.ruleId}`);
    if (q.after) {
      where.push(Prisma.sql`(${RANK}, c.name, f.rule_id, f.hash) > (${q.after.rank}::int, ${q.after.clusterName}::text, ${q.after.ruleId}::text, ${q.after.hash}::text)`);
    }
    const at = q.at ? Prisma.sql`AND s.started_at <= ${q.at}` : Prisma.empty;
    return this.prisma.$queryRaw<FleetFindingRecord[]>`
      SELECT ${FINDING_COLUMNS}, c.id AS cluster_id, c.name AS cluster_name, s.id AS snapshot_id, s.started_at, ${RANK}::int AS rank
      FROM cluster c
      JOIN LATERAL (
        SELECT s.id, s.started_at, s.finding_set_hash FROM snapshot s
        WHERE s.cluster_id = c.id AND s.status = 'succeeded' ${at}
        ORDER BY s.started_at DESC, s.id DESC LIMIT 1
      ) s ON true
      JOIN finding_set_member m ON m.set_hash = s.finding_set_hash
      JOIN finding_object f ON f.hash = m.finding_hash
      WHERE ${Prisma.join(where, ' AND ')}
      ORDER BY ${RANK}, c.name, f.rule_id, f.hash
      LIMIT ${q.take}`;
  }
}
