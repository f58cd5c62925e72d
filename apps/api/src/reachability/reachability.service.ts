// Owns answering reachability questions at a snapshot: pick the snapshot in force, rebuild its
// state, run the engine once, and keep the analysed report for the next question. Snapshots never
// change, so a report cached by snapshot id is never stale; a small LRU bounds the memory (a
// 20,000-pod report is large). Cold work (a report, a namespace matrix) goes through a
// ComputeLimiter: KORDON_REACHABILITY_CONCURRENCY at once, KORDON_REACHABILITY_QUEUE waiting,
// identical work shared, and a 503 with Retry-After beyond that. Workload questions on a cached
// report are never refused; a namespace matrix not yet computed for it is cold work like any other.
import { Inject, Injectable } from '@nestjs/common';
import { analyzeReachability, type NamespaceMatrix, type ReachabilityReport } from '@kordon/policy-engine';
import type {
  ExplainedConnection, NamespacePairReachability, ReachabilityConnection, ReachabilityMatrix, ReachabilitySnapshotRef, ReachabilityWorkloadList,
  WorkloadReachability,
} from '@kordon/contracts';
import { ClustersService } from '../clusters/clusters.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { SnapshotStateLoader } from '../snapshots/snapshot-state';
import { SnapshotsRepository } from '../snapshots/snapshots.repository';
import { ComputeLimiter, ComputeQueueFullError } from './compute-limiter';
import { ReachabilityBusyException, ReachabilityErrorCode, ReachabilityException } from './reachability.exception';
import { parseInstant } from '../common/instant';

export const REPORT_CACHE_SIZE = 4;

/** Each connection with the policies behind it (egress at the source, ingress at the destination). */
function explain(report: ReachabilityReport, connections: ReachabilityConnection[]): ExplainedConnection[] {
  return connections.map((c) => ({ ...c, allowedBy: report.allowedBy(c.src, c.dst) }));
}

/** The pair's connection set when the matrix is not at hand: the union over its workload pairs. */
function unionText(report: ReachabilityReport, src: { id: string }[], dst: { id: string }[]): string {
  let acc: ReturnType<ReachabilityReport['between']> | null = null;
  for (const a of src) for (const b of dst) if (a.id !== b.id) acc = acc ? acc.union(report.between(a.id, b.id)) : report.between(a.id, b.id);
  return acc ? acc.toString() : 'No Connections';
}

/** Insertion-ordered Map as an LRU: a hit moves the key to the end, the first key is the oldest. */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  keys(): string[] {
    return [...this.map.keys()];
  }
}

interface Analysed {
  snapshot: ReachabilitySnapshotRef;
  report: ReachabilityReport;
  /** The namespace matrix once computed (the engine memoizes it too; this says whether it has). */
  matrix?: NamespaceMatrix;
}

@Injectable()
export class ReachabilityService {
  /** Finished reports only; work in progress is shared through the limiter. */
  readonly cache = new LruCache<Analysed>(REPORT_CACHE_SIZE);
  /** Caps and merges the cold computations of this process. */
  readonly limiter: ComputeLimiter;
  /** How many times a report was computed (tests assert the cache works). */
  analyses = 0;
  /** How many times a namespace matrix was computed. */
  matrices = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clusters: ClustersService,
    private readonly snapshots: SnapshotsRepository,
    private readonly states: SnapshotStateLoader,
  ) {
    this.limiter = new ComputeLimiter(config.KORDON_REACHABILITY_CONCURRENCY, config.KORDON_REACHABILITY_QUEUE);
  }

  async matrix(clusterId: string, at?: string): Promise<ReachabilityMatrix> {
    const analysed = await this.at(clusterId, at, { matrix: true });
    // Computed with the report when this request started it; else (the report came from a
    // workload question) it is cold work of its own.
    const m = analysed.matrix ?? (await this.limited(`matrix:${analysed.snapshot.id}`, async () => this.matrixOf(analysed)));
    const { snapshot, report } = analysed;
    return { snapshot, namespaces: m.namespaces, excluded: m.excluded, cells: m.cells, notEvaluated: report.notEvaluated };
  }

  async workload(
    clusterId: string,
    namespace: string,
    name: string,
    direction: 'ingress' | 'egress',
    opts: { at?: string; kind?: string },
  ): Promise<WorkloadReachability> {
    const { snapshot, report } = await this.at(clusterId, opts.at);
    const matches = report.workloads.filter((w) => w.namespace === namespace && w.name === name && (!opts.kind || w.kind === opts.kind));
    if (matches.length === 0) {
      throw new ReachabilityException(
        ReachabilityErrorCode.WorkloadNotFound,
        `no workload ${opts.kind ? `${opts.kind} ` : ''}${namespace}/${name} in snapshot ${snapshot.id} (taken ${snapshot.takenAt})`,
      );
    }
    if (matches.length > 1) {
      throw new ReachabilityException(
        ReachabilityErrorCode.AmbiguousWorkload,
        `several workloads are named ${namespace}/${name}; pass ?kind= (one of ${matches.map((w) => w.kind).join(', ')})`,
        { kinds: matches.map((w) => w.kind) },
      );
    }
    const w = matches[0];
    return {
      snapshot,
      workload: { ...w },
      direction,
      connections: explain(report, direction === 'ingress' ? report.whoCanReach(w.id) : report.whereCanGo(w.id)),
      notEvaluated: report.notEvaluated,
    };
  }

  /** The workload connections from namespace `from` to namespace `to`, each with its policies. */
  async pair(clusterId: string, from: string, to: string, at?: string): Promise<NamespacePairReachability> {
    const { snapshot, report } = await this.at(clusterId, at);
    const src = report.workloads.filter((w) => w.namespace === from);
    const dst = report.workloads.filter((w) => w.namespace === to);
    const connections: ReachabilityConnection[] = [];
    for (const a of src) {
      for (const b of dst) {
        if (a.id === b.id) continue;
        const set = report.between(a.id, b.id);
        if (!set.isEmpty()) connections.push({ src: a.id, dst: b.id, conn: set.toString() });
      }
    }
    connections.sort((x, y) => (x.src < y.src ? -1 : x.src > y.src ? 1 : x.dst < y.dst ? -1 : x.dst > y.dst ? 1 : 0));
    const cell = this.matrixCached(snapshot.id)?.connAt(from, to);
    return {
      snapshot,
      from,
      to,
      conn: cell ?? unionText(report, src, dst),
      connections: explain(report, connections),
      notEvaluated: report.notEvaluated,
    };
  }

  /** The snapshot's workloads, filtered by a substring of `namespace/name`, at most `limit`. */
  async workloads(clusterId: string, opts: { at?: string; q?: string; limit?: number }): Promise<ReachabilityWorkloadList> {
    const { snapshot, report } = await this.at(clusterId, opts.at);
    const q = opts.q?.toLowerCase();
    const all = q ? report.workloads.filter((w) => w.id.toLowerCase().includes(q)) : report.workloads;
    return { snapshot, items: all.slice(0, opts.limit ?? 200).map((w) => ({ ...w })), total: all.length };
  }

  private matrixCached(snapshotId: string) {
    return this.cache.get(snapshotId)?.matrix;
  }

  /** The analysed report of the snapshot in force at `at` (the latest without it). */
  private async at(clusterId: string, at: string | undefined, opts: { matrix?: boolean } = {}): Promise<Analysed> {
    await this.clusters.require(clusterId);
    const when = parseInstant(at, 'at');
    const snap = await this.snapshots.inForceAt(clusterId, when);
    if (!snap) {
      throw new ReachabilityException(
        ReachabilityErrorCode.NoSnapshot,
        when ? `cluster ${clusterId} has no succeeded snapshot taken at or before ${when.toISOString()}` : `cluster ${clusterId} has no succeeded snapshot yet`,
      );
    }
    const cached = this.cache.get(snap.id);
    if (cached) return cached;
    const ref: ReachabilitySnapshotRef = { id: snap.id, clusterId: snap.clusterId, takenAt: snap.startedAt.toISOString() };
    return this.limited(`report:${snap.id}`, async () => {
      const analysed = await this.analyse(ref);
      // The request that starts the work says what it needs; a matrix request joining a report
      // started by a workload question computes the matrix as a second step.
      if (opts.matrix) this.matrixOf(analysed);
      this.cache.set(snap.id, analysed);
      return analysed;
    });
  }

  private matrixOf(analysed: Analysed): NamespaceMatrix {
    if (!analysed.matrix) {
      this.matrices++;
      analysed.matrix = analysed.report.namespaceMatrix();
    }
    return analysed.matrix;
  }

  /** Runs cold work under the cap; a full queue is a 503 the caller may retry. */
  private async limited<T>(key: string, work: () => Promise<T>): Promise<T> {
    try {
      return await this.limiter.run(key, work);
    } catch (err) {
      if (err instanceof ComputeQueueFullError) throw new ReachabilityBusyException(err.retryAfterSeconds, err.message);
      throw err;
    }
  }

  private async analyse(snapshot: ReachabilitySnapshotRef): Promise<Analysed> {
    const state = await this.states.loadSnapshotState(snapshot.id);
    if (!state) throw new ReachabilityException(ReachabilityErrorCode.NoSnapshot, `snapshot ${snapshot.id} has no stored content`);
    this.analyses++;
    const excluded = this.config.KORDON_EXCLUDED_NAMESPACES;
    const report = analyzeReachability(state, excluded.length ? { excludedNamespaces: excluded } : {});
    return { snapshot, report };
  }
}
