import { Injectable } from '@nestjs/common';
import { Prisma, type Cluster, type ClusterSource } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { Tx } from '../prisma/transaction';
import { UUID } from '../common/uuid';

export interface NewCluster {
  name: string;
  source: ClusterSource;
  sourceConfig: Prisma.InputJsonValue;
  secretSealed?: string | null;
  environment?: string | null;
  team?: string | null;
  labels?: Prisma.InputJsonValue;
  scheduleMinutes: number;
  enabled?: boolean;
  demo?: boolean;
}

/**
 * Every column of `cluster`, named and typed as Prisma's `Cluster` model (raw reads). Raw SQL for
 * the reads on the dashboard's path: Prisma's per-call query compilation and result mapping cost
 * more CPU than the primary-key or name-index probe itself.
 */
const CLUSTER_COLUMNS = Prisma.sql`id::text AS id, name, source::text AS source, source_config AS "sourceConfig", secret_sealed AS "secretSealed",
  environment, team, labels, schedule_minutes AS "scheduleMinutes", enabled, demo,
  created_at AS "createdAt", updated_at AS "updatedAt", deleted_at AS "deletedAt"`;

/** The same for lists: the sealed credential (kilobytes a cluster) is never needed there, so never read. */
const LISTED_CLUSTER_COLUMNS = Prisma.sql`id::text AS id, name, source::text AS source, source_config AS "sourceConfig", NULL::text AS "secretSealed",
  environment, team, labels, schedule_minutes AS "scheduleMinutes", enabled, demo,
  created_at AS "createdAt", updated_at AS "updatedAt", deleted_at AS "deletedAt"`;

/** A cluster with its latest snapshot (`l_`, any status) and latest succeeded one (`g_`). */
export interface ClusterWithSnapshotsRow extends Cluster {
  l_id: string | null;
  l_status: string | null;
  l_trigger: string | null;
  l_started_at: Date | null;
  l_finished_at: Date | null;
  l_failure_reason: string | null;
  g_id: string | null;
  g_started_at: Date | null;
  g_policy_engine: string | null;
  /** `network_profile.networkPlugin` as stored (any JSON value). */
  g_network_plugin: unknown;
  g_posture: Record<string, unknown> | null;
}

@Injectable()
export class ClustersRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the cluster, or returns null when its name is taken. ON CONFLICT DO NOTHING rather
   * than a caught unique violation: an error would abort the transaction `tx` it runs in (and
   * with it the other registrations and audit entries of a discovery).
   */
  async create(data: NewCluster, tx?: Tx) {
    const [row] = await (tx ?? this.prisma).cluster.createManyAndReturn({ data: [data], skipDuplicates: true });
    return row ?? null;
  }

  async findById(id: string, tx?: Tx): Promise<Cluster | null> {
    const db = tx ?? this.prisma;
    if (!UUID.test(id)) return db.cluster.findFirst({ where: { id, deletedAt: null } });
    const rows = await db.$queryRaw<Cluster[]>`SELECT ${CLUSTER_COLUMNS} FROM cluster WHERE id = ${id}::uuid AND deleted_at IS NULL`;
    return rows[0] ?? null;
  }

  findByName(name: string) {
    return this.prisma.cluster.findFirst({ where: { name } });
  }

  count() {
    return this.prisma.cluster.count();
  }

  /**
   * The live clusters by name (keyset after `afterName`), each with its latest snapshot (any status) and latest succeeded one, in one
   * round trip: what the fleet list shows (ClustersService.summarize reads the same two).
   */
  listWithSnapshots(take: number, afterName?: string, filter: { environment?: string; team?: string } = {}): Promise<ClusterWithSnapshotsRow[]> {
    const where: Prisma.Sql[] = [Prisma.sql`deleted_at IS NULL`];
    if (afterName) where.push(Prisma.sql`name > ${afterName}`);
    if (filter.environment !== undefined) where.push(Prisma.sql`environment = ${filter.environment}`);
    if (filter.team !== undefined) where.push(Prisma.sql`team = ${filter.team}`);
    return this.prisma.read<ClusterWithSnapshotsRow[]>`
      SELECT c.*,
             l.id AS l_id, l.status::text AS l_status, l.trigger::text AS l_trigger, l.started_at AS l_started_at,
             l.finished_at AS l_finished_at, l.failure_reason AS l_failure_reason,
             g.id AS g_id, g.started_at AS g_started_at, g.policy_engine AS g_policy_engine,
             g.network_profile->'networkPlugin' AS g_network_plugin, g.posture AS g_posture
      FROM (SELECT ${LISTED_CLUSTER_COLUMNS} FROM cluster WHERE ${Prisma.join(where, ' AND ')} ORDER BY name ASC LIMIT ${take}) c
      LEFT JOIN LATERAL (
        SELECT id, status, trigger, started_at, finished_at, failure_reason FROM snapshot
        WHERE cluster_id = c.id::uuid ORDER BY started_at DESC, id DESC LIMIT 1
      ) l ON true
      LEFT JOIN LATERAL (
        SELECT id, started_at, policy_engine, network_profile, posture FROM snapshot
        WHERE cluster_id = c.id::uuid AND status = 'succeeded' ORDER BY started_at DESC, id DESC LIMIT 1
      ) g ON true
      ORDER BY c.name ASC`;
  }

  update(id: string, data: Prisma.ClusterUpdateInput, tx?: Tx) {
    return (tx ?? this.prisma).cluster.update({ where: { id }, data });
  }

  softDelete(id: string, at: Date) {
    return this.prisma.cluster.update({ where: { id }, data: { deletedAt: at, enabled: false, name: undefined } });
  }

  /**
   * Enabled clusters whose last snapshot started at least one interval ago (or never); the
   * interval is the cluster's schedule minutes, or `everySeconds` for all when given.
   */
  async due(now: Date, everySeconds?: number): Promise<{ id: string }[]> {
    const seconds = everySeconds ?? null;
    return this.prisma.read<{ id: string }[]>`
      SELECT c.id FROM cluster c
      LEFT JOIN LATERAL (
        SELECT started_at FROM snapshot s WHERE s.cluster_id = c.id ORDER BY started_at DESC LIMIT 1
      ) last ON true
      WHERE c.enabled AND c.deleted_at IS NULL
        AND (last.started_at IS NULL OR last.started_at + COALESCE(make_interval(secs => ${seconds}::int), make_interval(mins => c.schedule_minutes)) <= ${now})
      ORDER BY last.started_at NULLS FIRST`;
  }
}
