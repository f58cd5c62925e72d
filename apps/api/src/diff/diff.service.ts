// Owns "what changed": the diff between two stored snapshots of a cluster, the what-if diff
// between the latest snapshot and proposed manifests (nothing stored), and the "since" counts
// of the cluster and fleet pages. A side (state, posture, findings, reachability) is analysed
// once per content (snapshots that changed nothing share it) and kept in a small LRU; snapshots
// never change, so it is never stale. A diff between two snapshots is computed once and stored
// (diff_result): when a snapshot lands, its diff against the previous one is computed in the
// background, so "what changed since the last snapshot" answers from the database even on a
// replica that never analysed either side; any other pair is stored the first time it is asked.
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { collectFromManifestText, isCrdPolicy, type ManifestFile } from '@kordon/collectors';
import {
  analyzePosture, analyzeReachability, authoredPolicy, classifyProblems, computeFindings, diffClusterStates,
  DEFAULT_PAIR_LIMIT, type ClusterDiffResult, type ClusterState, type CrdPolicy, type DiffSide, type Finding, type FindingSeverity, type NetworkPolicy,
} from '@kordon/policy-engine';
import type { ClusterChanges, ClusterDiff, DiffSnapshotRef, FleetChanges, SimulateRequest } from '@kordon/contracts';
import type { Snapshot } from '@prisma/client';
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { ClustersService } from '../clusters/clusters.service';
import { parseInstant } from '../common/instant';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { InFlightWork } from '../prisma/in-flight-work';
import { LruCache } from '../reachability/reachability.service';
import { canonicalJson, sha256 } from '../snapshots/snapshot-content';
import { SnapshotEvents, type SnapshotFinished } from '../snapshots/snapshot-events';
import { SnapshotStateLoader } from '../snapshots/snapshot-state';
import { SnapshotsRepository } from '../snapshots/snapshots.repository';
import { DiffErrorCode, DiffException } from './diff.exception';
import { DiffRepository } from './diff.repository';
import { UUID } from '../common/uuid';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
/**
 * Bumped whenever the engine's diff or its rendering changes what an answer holds, so stored
 * diffs of an older format are recomputed rather than served.
 */
export const DIFF_FORMAT = 2;

export const MAX_SIMULATE_FILES = 200;
export const MAX_DELETES = 500;

interface Side extends DiffSide {
  ref: DiffSnapshotRef;
}

const yamlOf = (obj: Record<string, unknown> | null): string => (obj ? stringify(obj, { lineWidth: 0 }) : '');

/** The engine's diff as the API sends it: policies as YAML with a unified diff. */
export function renderDiff(clusterId: string, from: DiffSnapshotRef, to: DiffSnapshotRef, d: ClusterDiffResult): ClusterDiff {
  return {
    clusterId,
    from,
    to,
    summary: d.summary,
    profile: d.profile,
    policies: d.policies.map((p) => {
      const beforeYaml = yamlOf(p.before);
      const afterYaml = yamlOf(p.after);
      const file = `${p.kind}/${p.namespace ? `${p.namespace}/` : ''}${p.name}.yaml`;
      return {
        kind: p.kind,
        namespace: p.namespace,
        name: p.name,
        change: p.change,
        beforeYaml,
        afterYaml,
        yamlDiff: createTwoFilesPatch(`a/${file}`, `b/${file}`, beforeYaml, afterYaml, '', '', { context: 3 }).replace(/^=+\n/, ''),
        podsBefore: p.podsBefore,
        podsAfter: p.podsAfter,
      };
    }),
    selection: d.selection,
    drift: d.selection.filter((s) => s.drift),
    labels: d.labels,
    namespaces: d.namespaces,
    findings: d.findings,
    reachability: d.reachability,
    verdict: { ...d.verdict, fails: d.verdict.opens > 0 || d.verdict.breaksDefaultDeny.length > 0 },
  };
}

/** A stored finding row back in the engine's shape (the diff keys on rule, namespace and object). */
function storedFinding(f: { ruleId: string; severity: string; title: string; message: string; namespace: string | null; objectKind: string | null; objectNamespace: string | null; objectName: string | null }): Finding {
  return {
    ruleId: f.ruleId,
    severity: f.severity as FindingSeverity,
    title: f.title,
    message: f.message,
    remediation: '',
    ...(f.namespace ? { namespace: f.namespace } : {}),
    ...(f.objectKind && f.objectName ? { object: { kind: f.objectKind, name: f.objectName, ...(f.objectNamespace ? { namespace: f.objectNamespace } : {}) } } : {}),
  };
}

const refOf = (s: Snapshot): DiffSnapshotRef => ({ id: s.id, takenAt: s.startedAt.toISOString(), kind: 'snapshot' });

type PolicyObject = NetworkPolicy | CrdPolicy;
const CLUSTER_WIDE = new Set(['CiliumClusterwideNetworkPolicy', 'GlobalNetworkPolicy']);
function policyKey(p: PolicyObject): string {
  const kind = String(p.kind ?? 'NetworkPolicy');
  const meta = (p.metadata ?? {}) as { namespace?: string; name?: string };
  return CLUSTER_WIDE.has(kind) ? `${kind}//${meta.name}` : `${kind}/${meta.namespace ?? 'default'}/${meta.name}`;
}

/** `[Kind/]namespace/name` or `Kind/name` (cluster-wide kinds) → the key policyKey gives. */
export function deleteKey(ref: string): string | null {
  const parts = ref.split('/');
  if (parts.some((p) => p === '')) return null;
  if (parts.length === 2) return CLUSTER_WIDE.has(parts[0]!) ? `${parts[0]}//${parts[1]}` : `NetworkPolicy/${parts[0]}/${parts[1]}`;
  if (parts.length === 3 && !CLUSTER_WIDE.has(parts[0]!)) return `${parts[0]}/${parts[1]}/${parts[2]}`;
  return null;
}

@Injectable()
export class DiffService {
  private readonly logger = new Logger(DiffService.name);
  private readonly sides = new LruCache<Promise<Omit<Side, 'ref'>>>(4);
  /** Background diffs of landed snapshots, one at a time. */
  private precomputing: Promise<void> = Promise.resolve();
  /** How many sides were analysed, and how many diffs computed (benchmarks and tests read them). */
  analysed = 0;
  computed = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clusters: ClustersService,
    private readonly snapshots: SnapshotsRepository,
    private readonly states: SnapshotStateLoader,
    private readonly repo: DiffRepository,
    private readonly work: InFlightWork,
    events: SnapshotEvents,
  ) {
    events.on(async (e) => {
      if (e.status !== 'succeeded') return;
      const next = this.precomputing.then(() => this.precompute(e));
      this.precomputing = next;
      void this.work.track(next);
    });
  }

  /** Resolves when the background diffs queued so far are stored (tests and benchmarks). */
  settled(): Promise<void> {
    return this.precomputing;
  }

  /** The landed snapshot's diff against the cluster's previous one, stored; failures are logged only. */
  private async precompute(e: SnapshotFinished): Promise<void> {
    try {
      const to = await this.snapshots.findById(e.snapshotId);
      if (!to || to.status !== 'succeeded') return;
      const from = await this.repo.previousSucceeded(to);
      if (!from) return;
      await this.stored(e.clusterId, from, to, {});
    } catch (err) {
      this.logger.warn({ err: { message: (err as Error).message }, clusterId: e.clusterId, snapshotId: e.snapshotId }, 'diff against the previous snapshot not stored');
    }
  }

  /** What besides the two snapshots the answer depends on. */
  private variant(q: { workloads?: boolean; pairLimit?: number }): string {
    const excluded = [...this.config.KORDON_EXCLUDED_NAMESPACES].sort().join(',');
    return `v${DIFF_FORMAT};workloads=${q.workloads ? 1 : 0};pairs=${q.pairLimit ?? DEFAULT_PAIR_LIMIT};excluded=${sha256(excluded).slice(0, 16)}`;
  }

  /** The stored diff of the pair, else computed, stored and returned. */
  private async stored(clusterId: string, from: Snapshot, to: Snapshot, q: { workloads?: boolean; pairLimit?: number }): Promise<ClusterDiff> {
    const variant = this.variant(q);
    const hit = await this.repo.storedDiff(from.id, to.id, variant);
    if (hit) return JSON.parse((await gunzipAsync(hit)).toString('utf8')) as ClusterDiff;
    const [a, b] = await Promise.all([this.side(from, true), this.side(to, true)]);
    const answer = renderDiff(clusterId, a.ref, b.ref, this.compare(a, b, variant, q));
    try {
      await this.repo.storeDiff(from.id, to.id, variant, await gzipAsync(JSON.stringify(answer)));
    } catch (err) {
      // A snapshot pruned between the check and the insert: the answer stands, it is just not kept.
      this.logger.warn({ err: { message: (err as Error).message }, from: from.id, to: to.id }, 'diff not stored');
    }
    return answer;
  }

  /**
   * The engine's diff of two sides. Two snapshots with the same content share one side (the
   * cache is keyed by content), and an unchanged cluster's every snapshot is such a pair: their
   * diff, the same each time, is computed once per side and variant (what changes is the refs).
   */
  private compare(a: Side, b: Side, variant: string, q: { workloads?: boolean; pairLimit?: number }): ClusterDiffResult {
    const same = a.state === b.state && a.posture === b.posture && a.findings === b.findings;
    const memo = same ? (this.unchanged.get(a.state) ?? new Map<string, ClusterDiffResult>()) : null;
    const known = memo?.get(variant);
    if (known) return known;
    this.computed++;
    const result = diffClusterStates(a, b, { workloads: q.workloads, ...pairLimits(q.pairLimit) });
    if (memo) {
      memo.set(variant, result);
      this.unchanged.set(a.state, memo);
    }
    return result;
  }

  /** Per side (its state object, so it goes with the side), the diffs of it against itself. */
  private readonly unchanged = new WeakMap<object, Map<string, ClusterDiffResult>>();

  private get excluded() {
    const e = this.config.KORDON_EXCLUDED_NAMESPACES;
    return e.length ? { excludedNamespaces: e } : {};
  }

  async diff(clusterId: string, q: { from: string; to?: string; workloads?: boolean; pairLimit?: number }): Promise<ClusterDiff> {
    await this.clusters.require(clusterId);
    const from = await this.resolve(clusterId, q.from, 'from');
    const to = q.to === undefined ? await this.latest(clusterId) : await this.resolve(clusterId, q.to, 'to');
    if (from.startedAt > to.startedAt) {
      throw new DiffException(DiffErrorCode.InvalidRange, `from (${from.startedAt.toISOString()}) is later than to (${to.startedAt.toISOString()}); swap them`);
    }
    return this.stored(clusterId, from, to, q);
  }

  async changes(clusterId: string, sinceText: string): Promise<ClusterChanges> {
    const cluster = await this.clusters.require(clusterId);
    const since = parseInstant(sinceText, 'since')!;
    const to = await this.snapshots.inForceAt(clusterId);
    const from = (await this.snapshots.inForceAt(clusterId, since)) ?? (await this.repo.firstSucceededAfter(clusterId, since));
    const base = { clusterId, name: cluster.name, since: since.toISOString(), snapshotsCompared: await this.repo.succeededSince(clusterId, since) };
    if (!to || !from) return { ...base, from: null, to: null, counts: null };
    if (from.id === to.id) return { ...base, from: refOf(from), to: refOf(to), counts: emptySummary() };
    const d = await this.stored(clusterId, from, to, {});
    return { ...base, from: d.from, to: d.to, counts: d.summary };
  }

  /**
   * Fleet-wide counts from the stored rows alone (policy identities and hashes, namespace posture
   * flags, finding identities): no state is rebuilt, so it stays cheap at fleet scale. Label
   * changes, drift and reachability are on each cluster's own diff.
   */
  async fleetChanges(sinceText: string): Promise<FleetChanges> {
    const since = parseInstant(sinceText, 'since')!;
    return { since: since.toISOString(), clusters: await this.repo.fleetChanges(since) };
  }

  async simulate(clusterId: string, body: SimulateRequest): Promise<ClusterDiff> {
    await this.clusters.require(clusterId);
    const files = simulateFiles(body);
    const deletes = body.delete ?? [];
    const latest = await this.latest(clusterId);
    const base = await this.side(latest, false);
    // Both sides computed from state with the snapshot's own time: only the proposal differs.
    const now = latest.startedAt.toISOString();
    const before: Side = { ...base, findings: computeFindings(base.state, base.posture, { now }) };

    const proposed = files.length ? readProposal(files) : [];
    const byKey = new Map<string, PolicyObject>();
    for (const p of [...base.state.networkPolicies, ...(base.state.crdPolicies ?? [])]) byKey.set(policyKey(p), p);
    const unknown: string[] = [];
    for (const ref of deletes) {
      const key = deleteKey(ref);
      if (!key) throw new DiffException(DiffErrorCode.InvalidInput, `delete entry ${JSON.stringify(ref)} is not [Kind/]namespace/name`, { field: 'delete' });
      if (!byKey.delete(key)) unknown.push(ref);
    }
    if (unknown.length) {
      throw new DiffException(DiffErrorCode.InvalidInput, `cannot delete what the latest snapshot does not hold: ${unknown.join(', ')}`, { field: 'delete', unknown });
    }
    for (const p of proposed) byKey.set(policyKey(p), p);
    const values = [...byKey.values()];
    const state: ClusterState = {
      ...base.state,
      networkPolicies: values.filter((p) => !isCrdPolicy(p)) as NetworkPolicy[],
      crdPolicies: values.filter((p) => isCrdPolicy(p)) as CrdPolicy[],
    };
    const posture = analyzePosture(state, this.excluded);
    const engineProblems = classifyProblems(posture.problems);
    if (engineProblems.errors.length) {
      throw new DiffException(DiffErrorCode.InvalidInput, `the proposed policies are invalid: ${engineProblems.errors.map((e) => e.message).slice(0, 3).join('; ')}`, { problems: engineProblems.errors });
    }
    const after: Side = {
      ref: { id: null, takenAt: null, kind: 'proposed' },
      state,
      posture,
      findings: computeFindings(state, posture, { now }),
      reachability: analyzeReachability(state, this.excluded),
    };
    // The gate's verdict counts every connection (external ranges too), so workload pairs are always
    // diffed; they are listed only when asked for.
    const d = diffClusterStates(before, after, { workloads: true, ...pairLimits(body.pairLimit) });
    if (!body.workloads && d.reachability) d.reachability = { ...d.reachability, workloadPairs: null, workloadPairsTotal: d.reachability.workloadPairsTotal, truncated: false };
    return renderDiff(clusterId, before.ref, after.ref, d);
  }

  private async latest(clusterId: string): Promise<Snapshot> {
    const s = await this.snapshots.inForceAt(clusterId);
    if (!s) throw new DiffException(DiffErrorCode.NoSnapshot, `cluster ${clusterId} has no succeeded snapshot yet`);
    return s;
  }

  /** A snapshot id of this cluster, or a time (the snapshot in force then). */
  private async resolve(clusterId: string, value: string, field: 'from' | 'to'): Promise<Snapshot> {
    if (UUID.test(value)) {
      const s = await this.snapshots.findById(value);
      if (!s || s.clusterId !== clusterId) throw new DiffException(DiffErrorCode.NoSnapshot, `${field}: no snapshot ${value} of cluster ${clusterId}`);
      if (s.status !== 'succeeded') throw new DiffException(DiffErrorCode.NotSucceeded, `${field}: snapshot ${value} is ${s.status}; only succeeded snapshots hold content to compare`);
      return s;
    }
    const at = parseInstant(value, field)!;
    const s = await this.snapshots.inForceAt(clusterId, at);
    if (!s) throw new DiffException(DiffErrorCode.NoSnapshot, `${field}: cluster ${clusterId} has no succeeded snapshot taken at or before ${at.toISOString()}`);
    return s;
  }

  /**
   * A snapshot analysed. Keyed by content, not by id: snapshots with the same sets, profile,
   * services and node pools hold the same state, so an unchanged snapshot reuses its
   * predecessor's analysis.
   */
  private async side(snap: Snapshot, withFindings: boolean): Promise<Side> {
    const content = {
      sets: [snap.policySetHash, snap.workloadSetHash, snap.namespaceSetHash, withFindings ? snap.findingSetHash : null],
      networkProfile: snap.networkProfile,
      kubernetesVersion: snap.kubernetesVersion,
      services: snap.services,
      nodePools: snap.nodePools,
    };
    const key = sha256(canonicalJson(content));
    let work = this.sides.get(key);
    if (!work) {
      work = (async () => {
        const state = await this.states.loadSnapshotState(snap.id);
        if (!state) throw new DiffException(DiffErrorCode.NoSnapshot, `snapshot ${snap.id} has no stored content`);
        const findings = withFindings && snap.findingSetHash ? (await this.snapshots.findingsOfSet(snap.findingSetHash)).map(storedFinding) : [];
        this.analysed++;
        const posture = analyzePosture(state, this.excluded);
        return { state, posture, findings, reachability: analyzeReachability(state, this.excluded) };
      })();
      this.sides.set(key, work);
      const failed = work;
      failed.catch(() => this.sides.delete(key));
    }
    return { ref: refOf(snap), ...(await work) };
  }
}

const pairLimits = (n: number | undefined) => (n === undefined ? {} : { namespacePairLimit: n, workloadPairLimit: n });

function emptySummary(): ClusterDiffResult['summary'] {
  return {
    policiesAdded: 0, policiesRemoved: 0, policiesChanged: 0, labelChanges: 0, driftedPolicies: 0, namespacesChanged: 0, defaultDenyGained: 0,
    defaultDenyLost: 0, findingsOpened: 0, findingsResolved: 0, pairsChanged: 0, pairsOpened: 0, pairsClosed: 0, profileChanges: 0,
  };
}

function simulateFiles(body: SimulateRequest): ManifestFile[] {
  const files: ManifestFile[] = [];
  if (body.manifests !== undefined && body.manifests.trim()) files.push({ name: 'manifests.yaml', text: body.manifests });
  for (const f of body.files ?? []) files.push({ name: f.name, text: f.text });
  if (files.length === 0 && !(body.delete?.length)) {
    throw new DiffException(DiffErrorCode.InvalidInput, 'nothing proposed: send manifests (YAML text), files, or delete (policies to remove)', { field: 'manifests' });
  }
  return files;
}

/** The policies of the proposed manifests; any manifest error is a 400 naming file, line and column. */
function readProposal(files: ManifestFile[]): PolicyObject[] {
  const collected = collectFromManifestText(files);
  const { errors } = classifyProblems(collected.problems);
  if (errors.length || !collected.state) {
    const list = errors.length ? errors : [{ severity: 'error' as const, code: 'no-input', message: 'nothing could be read from the manifests' }];
    throw new DiffException(DiffErrorCode.InvalidInput, `the proposed manifests could not be read (${list.length} ${list.length === 1 ? 'error' : 'errors'}): ${list.map((e) => e.message).slice(0, 3).join('; ')}`, {
      errors: list.map((e) => ({ ...e, file: (e as { file?: string }).file ?? (files.length === 1 ? files[0]!.name : undefined) })),
    });
  }
  const policies = [...collected.state.networkPolicies, ...(collected.state.crdPolicies ?? [])];
  if (!policies.length) {
    throw new DiffException(DiffErrorCode.InvalidInput, 'the manifests hold no NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy or Calico policy to propose', { field: 'manifests' });
  }
  // The collector fills in what the server would; keep what the author wrote.
  return policies.map((p) => authoredPolicy(p) as unknown as PolicyObject);
}
