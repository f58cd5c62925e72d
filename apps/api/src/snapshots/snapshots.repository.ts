// Every read and write of snapshots and their content. A snapshot's content and posture are
// written in ONE transaction that also flips it to `succeeded`, so readers (who only read
// succeeded snapshots) never see half of one; a failure leaves just the failed row and reason.
import { NAMESPACE_POSTURE_COLUMNS } from '../posture/namespace-posture-columns';
import { Injectable } from '@nestjs/common';
import { Prisma, type LabelSet, type SnapshotTrigger, type WorkloadObject } from '@prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import { LRUCache } from 'lru-cache';
import { canonicalJson, sha256, type CanonicalText, type SnapshotContent } from './snapshot-content';
import { canonicalPostureRows, snapshotDigest, type DigestPostureRow } from './snapshot-digest';
import { LOCK_KEYS } from '../prisma/advisory-lock';

export interface NamespacePostureRow {
  namespace: string;
  excluded: boolean;
  pods: number;
  workloads: number;
  ingressIsolatedPods: number;
  egressIsolatedPods: number;
  ingressIsolatedWorkloads: number;
  egressIsolatedWorkloads: number;
  defaultDenyIngress: boolean;
  defaultDenyEgress: boolean;
  effectivelyIsolatedIngress: boolean;
  effectivelyIsolatedEgress: boolean;
  policies: number;
  detail?: Prisma.InputJsonValue;
}

export interface CompletedSnapshot {
  kubernetesVersion: string | null;
  networkProfile: Prisma.InputJsonValue | null;
  policyEngine: string;
  nodePools: Prisma.InputJsonValue | null;
  services: Prisma.InputJsonValue | null;
  counts: Prisma.InputJsonValue;
  problems: Prisma.InputJsonValue;
  posture: Prisma.InputJsonValue;
}

/** A previous snapshot's analysis, to point at again (see SnapshotsRepository.completeReusing). */
export interface ReusableAnalysis {
  snapshotId: string;
  analysisKey: string;
  sets: { policySetHash: string; workloadSetHash: string; namespaceSetHash: string; findingSetHash: string; postureSetHash: string };
  done: CompletedSnapshot;
}

interface ReusableRow {
  id: string; analysis_key: string | null; policy_set_hash: string | null; workload_set_hash: string | null; namespace_set_hash: string | null;
  finding_set_hash: string | null; posture_set_hash: string | null; kubernetes_version: string | null; network_profile: Prisma.JsonValue;
  policy_engine: string | null; node_pools: Prisma.JsonValue; services: Prisma.JsonValue; counts: Prisma.JsonValue; problems: Prisma.JsonValue; posture: Prisma.JsonValue;
}

/** Rows a snapshot added, by table: what a second unchanged snapshot must keep near zero. */
export type RowsWritten = Record<string, number>;

const json = (v: Prisma.InputJsonValue | null) => (v === null ? Prisma.DbNull : v);

type Column = [name: string, type: 'text' | 'int' | 'boolean' | 'jsonb' | 'uuid' | 'timestamptz'];
type Tx = Prisma.TransactionClient;

const CHUNK = 5000;

/**
 * Bulk insert through `unnest` of one array parameter per column, `ON CONFLICT DO NOTHING`:
 * content-addressed rows that exist already are skipped. Prisma's createMany was the bottleneck
 * at 20,000 pods (it plans every row in JS); this sends each column as one array instead.
 * Returns the rows actually inserted.
 */
/**
 * The items whose hash is not yet a row of `table` (content-addressed objects). Retention's
 * collection cannot remove a row between this read and the insert: the writer holds the content
 * lock (shared) for its whole transaction.
 */
async function newObjects<T extends { hash: string }>(tx: Tx, table: string, items: T[]): Promise<T[]> {
  if (!items.length) return items;
  const stored = new Set<string>();
  for (let start = 0; start < items.length; start += CHUNK) {
    const hashes = items.slice(start, start + CHUNK).map((i) => i.hash);
    const rows = await tx.$queryRawUnsafe<{ hash: string }[]>(`SELECT hash FROM "${table}" WHERE hash = ANY($1::bpchar[])`, hashes);
    for (const r of rows) stored.add(r.hash);
  }
  return stored.size ? items.filter((i) => !stored.has(i.hash)) : items;
}

async function bulkInsert(tx: Tx, table: string, columns: Column[], rows: unknown[][]): Promise<number> {
  let inserted = 0;
  const names = columns.map(([n]) => `"${n}"`).join(', ');
  // jsonb travels as text and is cast per row (an array of jsonb literals is awkward to bind).
  const params = columns.map(([, t], i) => `$${i + 1}::${t === 'jsonb' ? 'text' : t}[]`).join(', ');
  const select = columns.map(([n, t]) => (t === 'jsonb' ? `"${n}"::jsonb` : `"${n}"`)).join(', ');
  const sql = `INSERT INTO "${table}" (${names}) SELECT ${select} FROM unnest(${params}) AS t(${names}) ON CONFLICT DO NOTHING`;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const arrays = columns.map((_, i) => chunk.map((r) => r[i]));
    inserted += await tx.$executeRawUnsafe(sql, ...arrays);
  }
  return inserted;
}

/**
 * How a content set is stored. A set is written whole, or — when the cluster's previous snapshot
 * points at a set close to it — as a DELTA over that set's full base: entries for the members
 * added or changed, tombstones (`removed`) for those gone. Readers see whole sets through the
 * `*_set_member` / `namespace_posture` views (see the delta_content_sets migration).
 */
interface SetKind {
  set: string;
  entry: string;
  key: string;
  /** Payload columns of an entry besides set_hash, the key and `removed`. */
  payload: Column[];
}

const SET_KINDS = {
  policy: { set: 'policy_set', entry: 'policy_set_entry', key: 'policy_hash', payload: [] },
  workload: { set: 'workload_set', entry: 'workload_set_entry', key: 'workload_hash', payload: [] },
  finding: { set: 'finding_set', entry: 'finding_set_entry', key: 'finding_hash', payload: [] },
  namespace: { set: 'namespace_set', entry: 'namespace_set_entry', key: 'name', payload: [['label_set_hash', 'text'], ['pod_count', 'int'], ['workload_count', 'int']] },
  posture: {
    set: 'posture_set', entry: 'posture_set_entry', key: 'namespace',
    payload: [
      ['excluded', 'boolean'], ['pods', 'int'], ['workloads', 'int'], ['ingress_isolated_pods', 'int'], ['egress_isolated_pods', 'int'],
      ['ingress_isolated_workloads', 'int'], ['egress_isolated_workloads', 'int'], ['default_deny_ingress', 'boolean'],
      ['default_deny_egress', 'boolean'], ['effectively_isolated_ingress', 'boolean'], ['effectively_isolated_egress', 'boolean'],
      ['policies', 'int'], ['detail', 'jsonb'],
    ],
  },
} satisfies Record<string, SetKind>;

/** A delta is kept only while it is small next to the set: past this share, a full set is cheaper to read. */
const DELTA_MAX_SHARE = 0.25;
/** Below this many members a set is always written whole (a delta would save nothing). */
const DELTA_MIN_MEMBERS = 8;

/** Identifies the posture rows of a snapshot by content, like the other sets. */
export function postureSetHash(rows: NamespacePostureRow[]): string {
  const sorted = [...rows].sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0));
  return sha256('kordon.posture-set.v1\n' + canonicalJson(sorted.map((r) => ({ ...r, detail: r.detail ?? null }))));
}

/**
 * Writes set `hash` unless it exists. `members` maps each member's key to its payload values (JSON
 * columns as values, not text). Returns [sets written, entries written].
 */
async function writeSet(
  tx: Tx, kind: SetKind, hash: string, members: Map<string, unknown[]>, prevHash: string | null | undefined,
  setColumns: Column[] = [], setValues: unknown[] = [],
): Promise<[number, number]> {
  const [exists] = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "${kind.set}" WHERE hash = $1`, hash);
  if (exists) return [0, 0];
  let base: string | null = null;
  let entries: unknown[][] = [];
  if (prevHash && members.size >= DELTA_MIN_MEMBERS) {
    const [prev] = await tx.$queryRawUnsafe<{ base: string }[]>(`SELECT coalesce(base_hash, hash) AS base FROM "${kind.set}" WHERE hash = $1`, prevHash);
    if (prev) {
      const cols = [kind.key, ...kind.payload.map(([n]) => n)].map((n) => `"${n}"`).join(', ');
      const baseRows = await tx.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT ${cols} FROM "${kind.entry}" WHERE set_hash = $1`, prev.base);
      const limit = Math.floor(members.size * DELTA_MAX_SHARE);
      const seen = new Set<string>();
      const delta: unknown[][] = [];
      for (const r of baseRows) {
        const key = r[kind.key] as string;
        const values = kind.payload.map(([n]) => r[n]);
        const next = members.get(key);
        seen.add(key);
        if (!next) delta.push([hash, key, true, ...values]);
        else if (kind.payload.length && canonicalJson(next) !== canonicalJson(values)) delta.push([hash, key, false, ...next]);
        if (delta.length > limit) break;
      }
      if (delta.length <= limit) {
        for (const [k, v] of members) {
          if (!seen.has(k)) delta.push([hash, k, false, ...v]);
          if (delta.length > limit) break;
        }
      }
      if (delta.length <= limit) {
        base = prev.base;
        entries = delta;
      }
    }
  }
  if (!base) entries = [...members].map(([k, v]) => [hash, k, false, ...v]);
  const written = await bulkInsert(tx, kind.set, [['hash', 'text'], ['size', 'int'], ['base_hash', 'text'], ...setColumns], [[hash, members.size, base, ...setValues]]);
  if (!written) return [0, 0];
  const jsonb = kind.payload.map(([, t]) => t === 'jsonb');
  const rows = entries.map((e) => e.map((v, i) => (i >= 3 && jsonb[i - 3] ? (v === undefined || v === null ? null : JSON.stringify(v)) : v)));
  const n = await bulkInsert(tx, kind.entry, [['set_hash', 'text'], [kind.key, 'text'], ['removed', 'boolean'], ...kind.payload], rows);
  return [written, n];
}

@Injectable()
export class SnapshotsRepository {
  /** Canonical text of the last few posture sets' rows, by set hash (see complete). */
  private readonly postureTexts = new LRUCache<string, CanonicalText>({ max: 8 });

  constructor(private readonly prisma: PrismaService) {}

  /** Creates the running row, or returns null when this cluster already has a running snapshot. */
  async start(clusterId: string, trigger: SnapshotTrigger, startedAt: Date, scheduleMinutes?: number): Promise<string | null> {
    try {
      const row = await this.prisma.snapshot.create({
        data: { clusterId, trigger, startedAt, scheduleMinutes, heartbeatAt: new Date(), status: 'running', progress: { phase: 'queued', counts: {}, updatedAt: new Date().toISOString() } },
        select: { id: true },
      });
      return row.id;
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') return null;
      throw err;
    }
  }

  async progress(id: string, progress: Prisma.InputJsonValue): Promise<void> {
    await this.prisma.snapshot.updateMany({ where: { id, status: 'running' }, data: { progress, heartbeatAt: new Date() } });
  }

  async heartbeat(id: string): Promise<void> {
    await this.prisma.snapshot.updateMany({ where: { id, status: 'running' }, data: { heartbeatAt: new Date() } });
  }

  async fail(id: string, reason: string, problems: Prisma.InputJsonValue, finishedAt: Date): Promise<void> {
    await this.prisma.snapshot.updateMany({
      where: { id, status: 'running' },
      data: { status: 'failed', failureReason: reason, problems, finishedAt },
    });
  }

  /**
   * Fails running snapshots whose worker stopped beating (crash, kill), so they stop blocking the
   * cluster. Judged by heartbeat, not start time: seeded history starts in the past, and a long
   * healthy snapshot keeps beating.
   */
  async failInterrupted(silentSince: Date, finishedAt: Date): Promise<number> {
    const r = await this.prisma.snapshot.updateMany({
      where: { status: 'running', OR: [{ heartbeatAt: { lt: silentSince } }, { heartbeatAt: null, startedAt: { lt: silentSince } }] },
      data: { status: 'failed', failureReason: 'interrupted: the worker stopped before the snapshot finished', finishedAt },
    });
    return r.count;
  }

  /** The analysis the cluster's latest succeeded snapshot stored, to reuse when nothing changed. */
  async reusable(clusterId: string): Promise<ReusableAnalysis | null> {
    const [r] = await this.prisma.$queryRaw<ReusableRow[]>`
      SELECT id, analysis_key, policy_set_hash, workload_set_hash, namespace_set_hash, finding_set_hash, posture_set_hash,
             kubernetes_version, network_profile, policy_engine, node_pools, services, counts, problems, posture
      FROM snapshot WHERE cluster_id = ${clusterId}::uuid AND status = 'succeeded'
      ORDER BY started_at DESC, id DESC LIMIT 1`;
    if (!r?.analysis_key || !r.policy_set_hash || !r.workload_set_hash || !r.namespace_set_hash || !r.finding_set_hash || !r.posture_set_hash || !r.policy_engine) return null;
    return {
      snapshotId: r.id,
      analysisKey: r.analysis_key,
      sets: { policySetHash: r.policy_set_hash, workloadSetHash: r.workload_set_hash, namespaceSetHash: r.namespace_set_hash, findingSetHash: r.finding_set_hash, postureSetHash: r.posture_set_hash },
      done: {
        kubernetesVersion: r.kubernetes_version,
        networkProfile: r.network_profile,
        policyEngine: r.policy_engine,
        nodePools: r.node_pools,
        services: r.services,
        counts: r.counts ?? {},
        problems: r.problems ?? [],
        posture: r.posture ?? {},
      },
    };
  }

  /**
   * Completes a snapshot whose analysis key equals the previous snapshot's: it points at the same
   * content sets and carries the same analysed fields; only its own times and digest differ. The
   * sets exist (the previous snapshot references them); the write fails rather than point at a
   * missing one.
   */
  async completeReusing(id: string, clusterId: string, takenAt: Date, prev: ReusableAnalysis, finishedAt: Date): Promise<RowsWritten> {
    const content: SnapshotContent = {
      labelSets: [], policies: [], workloads: [], namespaces: [], findings: [], findingCounts: {},
      policySetHash: prev.sets.policySetHash, workloadSetHash: prev.sets.workloadSetHash, namespaceSetHash: prev.sets.namespaceSetHash, findingSetHash: prev.sets.findingSetHash,
    };
    return this.complete(id, clusterId, takenAt, content, prev.done, { setHash: prev.sets.postureSetHash, reused: true }, finishedAt, prev.analysisKey);
  }

  async complete(
    id: string,
    clusterId: string,
    takenAt: Date,
    content: SnapshotContent,
    done: CompletedSnapshot,
    postures: NamespacePostureRow[] | { setHash: string; reused: true },
    finishedAt: Date,
    analysisKey: string | null = null,
  ): Promise<RowsWritten> {
    return this.prisma.$transaction(
      async (tx) => {
        const written: RowsWritten = {};
        // Retention's content collection waits for this write (and this write for it).
        await tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(${LOCK_KEYS.content}::bigint)`;
        const insert = (table: string, columns: Column[], rows: unknown[][]) => bulkInsert(tx, table, columns, rows);
        // A set row is written with its entries and its members' objects (retention's collection
        // waits on the lock above), so an existing set means its objects exist: an unchanged
        // cluster skips sending them again (20k pods: ~30 MB of rows, all conflicts).
        const [have] = await tx.$queryRaw<{ policy: boolean; workload: boolean; namespace: boolean; finding: boolean }[]>`
          SELECT EXISTS (SELECT 1 FROM policy_set WHERE hash = ${content.policySetHash}::bpchar) AS policy,
                 EXISTS (SELECT 1 FROM workload_set WHERE hash = ${content.workloadSetHash}::bpchar) AS workload,
                 EXISTS (SELECT 1 FROM namespace_set WHERE hash = ${content.namespaceSetHash}::bpchar) AS namespace,
                 EXISTS (SELECT 1 FROM finding_set WHERE hash = ${content.findingSetHash}::bpchar) AS finding`;
        if (!Array.isArray(postures) && !(have?.policy && have.workload && have.namespace && have.finding)) {
          throw new Error('the sets of the analysis to reuse are gone; the snapshot is not written');
        }
        // Only objects not stored yet are sent: a 1 %-changed cluster's new workload set holds
        // ~99 % stored workloads (with their pods, tens of MB), which the insert would only skip.
        const fresh = <T extends { hash: string }>(table: string, items: T[]) => newObjects(tx, table, items);
        // Label sets are referenced by workloads (and their pods) and by namespaces.
        written.labelSets = have?.workload && have.namespace ? 0
          : await insert('label_set', [['hash', 'text'], ['labels', 'jsonb']], (await fresh('label_set', content.labelSets)).map((l) => [l.hash, JSON.stringify(l.labels)]));
        written.policyObjects = have?.policy ? 0 : await insert(
          'policy_object',
          [['hash', 'text'], ['api_version', 'text'], ['kind', 'text'], ['namespace', 'text'], ['name', 'text'], ['body', 'text']],
          (await fresh('policy_object', content.policies)).map((p) => [p.hash, p.apiVersion, p.kind, p.namespace, p.name, p.body]),
        );
        written.workloadObjects = have?.workload ? 0 : await insert(
          'workload_object',
          [['hash', 'text'], ['namespace', 'text'], ['kind', 'text'], ['name', 'text'], ['label_set_hash', 'text'], ['pod_count', 'int'], ['ports', 'jsonb'], ['pods', 'jsonb']],
          (await fresh('workload_object', content.workloads)).map((w) => [w.hash, w.namespace, w.kind, w.name, w.labelSetHash, w.podCount, JSON.stringify(w.ports), JSON.stringify(w.pods)]),
        );
        // A set row and its entries are written together, so an existing set is complete. Sets
        // close to the previous snapshot's are written as deltas over its base (see writeSet).
        const [prevSets] = await tx.$queryRaw<{ policy_set_hash: string | null; workload_set_hash: string | null; namespace_set_hash: string | null; finding_set_hash: string | null; posture_set_hash: string | null }[]>`
          SELECT policy_set_hash, workload_set_hash, namespace_set_hash, finding_set_hash, posture_set_hash FROM snapshot
          WHERE cluster_id = ${clusterId}::uuid AND status = 'succeeded' AND id <> ${id}::uuid
          ORDER BY started_at DESC, id DESC LIMIT 1`;
        [written.policySets, written.policySetMembers] = await writeSet(tx, SET_KINDS.policy, content.policySetHash,
          new Map(content.policies.map((p) => [p.hash, []])), prevSets?.policy_set_hash);
        [written.workloadSets, written.workloadSetMembers] = await writeSet(tx, SET_KINDS.workload, content.workloadSetHash,
          new Map(content.workloads.map((w) => [w.hash, []])), prevSets?.workload_set_hash);
        [written.namespaceSets, written.namespaceSetMembers] = await writeSet(tx, SET_KINDS.namespace, content.namespaceSetHash,
          new Map(content.namespaces.map((n) => [n.name, [n.labelSetHash, n.podCount, n.workloadCount]])), prevSets?.namespace_set_hash);

        written.findingObjects = have?.finding ? 0 : await insert(
          'finding_object',
          [['hash', 'text'], ['rule_id', 'text'], ['severity', 'text'], ['title', 'text'], ['message', 'text'], ['namespace', 'text'],
            ['object_kind', 'text'], ['object_namespace', 'text'], ['object_name', 'text'], ['remediation_yaml', 'text']],
          (await fresh('finding_object', content.findings)).map((f) => [f.hash, f.ruleId, f.severity, f.title, f.message, f.namespace, f.objectKind, f.objectNamespace, f.objectName, f.remediationYaml]),
        );
        [written.findingSets, written.findingSetMembers] = await writeSet(tx, SET_KINDS.finding, content.findingSetHash,
          new Map(content.findings.map((f) => [f.hash, []])), prevSets?.finding_set_hash, [['counts', 'jsonb']], [JSON.stringify(content.findingCounts)]);

        const postureHash = Array.isArray(postures) ? postureSetHash(postures) : postures.setHash;
        [written.postureSets, written.namespacePostures] = await writeSet(tx, SET_KINDS.posture, postureHash,
          new Map((Array.isArray(postures) ? postures : []).map((p) => [p.namespace, [
            p.excluded, p.pods, p.workloads, p.ingressIsolatedPods, p.egressIsolatedPods, p.ingressIsolatedWorkloads, p.egressIsolatedWorkloads,
            p.defaultDenyIngress, p.defaultDenyEgress, p.effectivelyIsolatedIngress, p.effectivelyIsolatedEgress, p.policies, p.detail ?? null,
          ]])), prevSets?.posture_set_hash);

        // The chain: lock the cluster row so two writers never chain to the same previous digest,
        // then digest everything collected and computed with the previous succeeded snapshot's digest.
        await tx.$queryRaw`SELECT id FROM cluster WHERE id = ${clusterId}::uuid FOR UPDATE`;
        const [self] = await tx.$queryRaw<{ started_at: Date }[]>`SELECT started_at FROM snapshot WHERE id = ${id}::uuid`;
        const startedAt = self?.started_at ?? takenAt;
        const [prev] = await tx.$queryRaw<{ digest: string | null }[]>`
          SELECT digest FROM snapshot WHERE cluster_id = ${clusterId}::uuid AND status = 'succeeded' AND id <> ${id}::uuid
            AND (started_at, id) < (${startedAt}::timestamptz, ${id}::uuid)
          ORDER BY started_at DESC, id DESC LIMIT 1`;
        const prevDigest = prev?.digest ?? null;
        const updated = await tx.snapshot.updateMany({
          where: { id, status: 'running' },
          data: {
            prevDigest,
            status: 'succeeded',
            finishedAt,
            failureReason: null,
            kubernetesVersion: done.kubernetesVersion,
            networkProfile: json(done.networkProfile),
            policyEngine: done.policyEngine,
            nodePools: json(done.nodePools),
            services: json(done.services),
            counts: done.counts,
            problems: done.problems,
            posture: done.posture,
            progress: { phase: 'done', counts: done.counts, updatedAt: finishedAt.toISOString() },
            policySetHash: content.policySetHash,
            workloadSetHash: content.workloadSetHash,
            namespaceSetHash: content.namespaceSetHash,
            findingSetHash: content.findingSetHash,
            postureSetHash: postureHash,
            analysisKey,
          },
        });
        // Someone marked it failed (e.g. interrupted) meanwhile: roll the whole write back.
        if (updated.count !== 1) throw new Error('snapshot is no longer running; its content was not written');
        // The digest is computed over what was STORED, read back in this transaction: JSON numbers
        // round-trip through Prisma with 16 significant digits, so in-memory values could differ.
        const stored = await tx.snapshot.findUniqueOrThrow({ where: { id } });
        // Raw SQL (jsonb parsed from PostgreSQL's text either way): Prisma's row mapping of 2,000
        // detail documents was a good part of an unchanged re-snapshot.
        // A posture set's rows are the same in every snapshot that shares it (an unchanged
        // cluster's): their canonical text is read and built once per set, then kept.
        let postureText = this.postureTexts.get(postureHash);
        if (!postureText) {
          const rows = await tx.$queryRaw<DigestPostureRow[]>`
            SELECT ${NAMESPACE_POSTURE_COLUMNS}
            FROM namespace_posture WHERE snapshot_id = ${id}::uuid`;
          postureText = canonicalPostureRows(rows);
          this.postureTexts.set(postureHash, postureText);
        }
        const digest = snapshotDigest({
          clusterId, id, startedAt: stored.startedAt, finishedAt: stored.finishedAt ?? stored.startedAt,
          kubernetesVersion: stored.kubernetesVersion, networkProfile: stored.networkProfile, policyEngine: stored.policyEngine, nodePools: stored.nodePools,
          services: stored.services, counts: stored.counts, problems: stored.problems, posture: stored.posture,
          policySetHash: stored.policySetHash, workloadSetHash: stored.workloadSetHash, namespaceSetHash: stored.namespaceSetHash, findingSetHash: stored.findingSetHash,
          namespacePostures: postureText, prevDigest, scheduleMinutes: stored.scheduleMinutes,
        });
        await tx.snapshot.update({ where: { id }, data: { digest } });
        written.snapshots = 1;
        return written;
      },
      { timeout: 300_000, maxWait: 30_000 },
    );
  }

  /**
   * The snapshot in force at `at`: the latest succeeded one started at or before it (the latest
   * overall when `at` is omitted). What an auditor sees "as it was on a date".
   */
  inForceAt(clusterId: string, at?: Date) {
    return this.prisma.snapshot.findFirst({
      where: { clusterId, status: 'succeeded', ...(at ? { startedAt: { lte: at } } : {}) },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    });
  }

  findById(id: string) {
    return this.prisma.snapshot.findUnique({ where: { id } });
  }

  /**
   * The latest snapshot of each cluster (any status), for "last snapshot status". One index probe
   * per cluster (LATERAL … LIMIT 1): DISTINCT ON read and sorted every snapshot of every cluster.
   */
  async latestByCluster(clusterIds: string[]) {
    if (clusterIds.length === 0) return [];
    return this.prisma.$queryRaw<{ cluster_id: string; id: string; status: string; trigger: string; started_at: Date; finished_at: Date | null; failure_reason: string | null }[]>`
      SELECT c.id AS cluster_id, s.id, s.status::text, s.trigger::text, s.started_at, s.finished_at, s.failure_reason
      FROM unnest(${clusterIds}::uuid[]) AS c(id)
      CROSS JOIN LATERAL (
        SELECT id, status, trigger, started_at, finished_at, failure_reason FROM snapshot
        WHERE cluster_id = c.id ORDER BY started_at DESC, id DESC LIMIT 1
      ) s`;
  }

  /** The latest succeeded snapshot of each cluster: a failure never hides it. */
  async latestSucceededByCluster(clusterIds: string[]) {
    if (clusterIds.length === 0) return [];
    return this.prisma.$queryRaw<{ cluster_id: string; id: string; finished_at: Date; started_at: Date; policy_engine: string | null; network_profile: Record<string, unknown> | null; posture: Record<string, unknown> | null }[]>`
      SELECT c.id AS cluster_id, s.id, s.started_at, s.finished_at, s.policy_engine, s.network_profile, s.posture
      FROM unnest(${clusterIds}::uuid[]) AS c(id)
      CROSS JOIN LATERAL (
        SELECT id, started_at, finished_at, policy_engine, network_profile, posture FROM snapshot
        WHERE cluster_id = c.id AND status = 'succeeded' ORDER BY started_at DESC, id DESC LIMIT 1
      ) s`;
  }

  /** Content of a succeeded snapshot, for tests, evidence and the posture pages to come. */
  async content(snapshotId: string) {
    const snap = await this.prisma.snapshot.findUnique({ where: { id: snapshotId }, select: { policySetHash: true, workloadSetHash: true, namespaceSetHash: true } });
    if (!snap?.policySetHash || !snap.workloadSetHash || !snap.namespaceSetHash) return null;
    const [policies, workloads, namespaces] = await Promise.all([
      this.prisma.policySetMember.findMany({ where: { setHash: snap.policySetHash }, select: { policy: true } }),
      this.prisma.workloadSetMember.findMany({ where: { setHash: snap.workloadSetHash }, select: { workload: { include: { labelSet: true } } } }),
      this.prisma.namespaceSetMember.findMany({ where: { setHash: snap.namespaceSetHash }, include: { labelSet: true }, orderBy: { name: 'asc' } }),
    ]);
    return {
      policies: policies.map((p) => p.policy),
      workloads: workloads.map((w) => w.workload),
      namespaces,
    };
  }

  namespacePostures(snapshotId: string) {
    return this.prisma.namespacePosture.findMany({ where: { snapshotId }, orderBy: { namespace: 'asc' } });
  }

  // ---- Set-level reads: sets repeat across unchanged snapshots, so callers may cache by set hash.

  /** A snapshot with its cluster, even when the cluster was soft-deleted since (history stays). */
  findWithCluster(id: string) {
    return this.prisma.snapshot.findUnique({ where: { id }, include: { cluster: true } });
  }

  /** The policy objects of a policy set, ordered by kind, namespace, name. */
  async policiesOfSet(setHash: string) {
    const rows = await this.prisma.policySetMember.findMany({ where: { setHash }, select: { policy: true } });
    return rows.map((r) => r.policy).sort((a, b) => cmp(a.kind, b.kind) || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name, b.name) || cmp(a.hash, b.hash));
  }

  /** The workload objects of a workload set (pods JSON inside), ordered by namespace, kind, name. */
  async workloadsOfSet(setHash: string): Promise<WorkloadObject[]> {
    // One join, JSON as text parsed here: a 20,000-pod set is 3× faster than Prisma's relation
    // read (two queries and its per-field result mapping).
    const rows = await this.prisma.$queryRaw<{ hash: string; namespace: string; kind: string; name: string; label_set_hash: string; pod_count: number; ports: string; pods: string }[]>`
      SELECT w.hash, w.namespace, w.kind, w.name, w.label_set_hash, w.pod_count, w.ports::text AS ports, w.pods::text AS pods
      FROM workload_set_member m JOIN workload_object w ON w.hash = m.workload_hash
      WHERE m.set_hash = ${setHash}::bpchar`;
    return rows
      .map((r) => ({ hash: r.hash, namespace: r.namespace, kind: r.kind, name: r.name, labelSetHash: r.label_set_hash, podCount: r.pod_count, ports: JSON.parse(r.ports) as Prisma.JsonValue, pods: JSON.parse(r.pods) as Prisma.JsonValue }))
      .sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.kind, b.kind) || cmp(a.name, b.name) || cmp(a.hash, b.hash));
  }

  /** The namespaces of a namespace set, ordered by name. */
  namespacesOfSet(setHash: string) {
    return this.prisma.namespaceSetMember.findMany({ where: { setHash }, orderBy: { name: 'asc' } });
  }

  /** The findings of a finding set, ordered by rule, then content hash (stable). */
  async findingsOfSet(setHash: string) {
    const rows = await this.prisma.findingSetMember.findMany({ where: { setHash }, select: { finding: true } });
    return rows.map((r) => r.finding).sort((a, b) => cmp(a.ruleId, b.ruleId) || cmp(a.hash, b.hash));
  }

  /** Label sets by hash (pods reference theirs from the workload JSON). */
  async labelSets(hashes: string[]): Promise<LabelSet[]> {
    if (hashes.length === 0) return [];
    const rows = await this.prisma.$queryRaw<{ hash: string; labels: string }[]>`
      SELECT hash, labels::text AS labels FROM label_set WHERE hash = ANY(${[...new Set(hashes)]}::bpchar[])`;
    return rows.map((r) => ({ hash: r.hash, labels: JSON.parse(r.labels) as Prisma.JsonValue }));
  }

  /**
   * A cluster's snapshots (any status) in (startedAt, id) order, either way, keyset-paged: the
   * list API's sorts. Either direction can read the (cluster_id, started_at) index.
   */
  listByClusterSorted(clusterId: string, take: number, order: 'asc' | 'desc', after?: { startedAt: Date; id: string }) {
    return this.prisma.snapshot.findMany({
      where: { clusterId, ...(after ? { OR: afterStart(order, after) } : {}) },
      orderBy: [{ startedAt: order }, { id: order }],
      take,
      select: { id: true, status: true, trigger: true, startedAt: true, finishedAt: true, failureReason: true },
    });
  }

  /** Succeeded snapshots of a cluster started within [from, to] in (startedAt, id) order, either way, keyset-paged. */
  listSucceededBetweenSorted(clusterId: string, from: Date, to: Date, take: number, order: 'asc' | 'desc', after?: { startedAt: Date; id: string }) {
    return this.prisma.snapshot.findMany({
      where: {
        clusterId,
        status: 'succeeded',
        AND: [{ startedAt: { gte: from, lte: to } }, ...(after ? [{ OR: afterStart(order, after) }] : [])],
      },
      orderBy: [{ startedAt: order }, { id: order }],
      take,
    });
  }
}

/** Rows past `after` in (startedAt, id) `order`. */
function afterStart(order: 'asc' | 'desc', after: { startedAt: Date; id: string }): Prisma.SnapshotWhereInput[] {
  return order === 'asc'
    ? [{ startedAt: { gt: after.startedAt } }, { startedAt: after.startedAt, id: { gt: after.id } }]
    : [{ startedAt: { lt: after.startedAt } }, { startedAt: after.startedAt, id: { lt: after.id } }];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
