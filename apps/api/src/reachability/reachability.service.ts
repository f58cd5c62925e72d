// Owns answering reachability questions at a snapshot: pick the snapshot in force, rebuild its
// state, run the engine once, and keep the analysed report for the next question. Snapshots never
// change, so a report cached by snapshot id is never stale; a small LRU bounds the memory (a
// 20,000-pod report is large). Cold work (a report, a namespace matrix) goes through a
// ComputeLimiter: KORDON_REACHABILITY_CONCURRENCY at once, KORDON_REACHABILITY_QUEUE waiting,
// identical work shared, and a 503 with Retry-After beyond that. Workload questions on a cached
// report are never refused; a namespace matrix not yet computed for it is cold work like any other.
import { Inject, Injectable } from '@nestjs/common';
import { analyzeReachability, type NamespaceMatrix, type ReachabilityReport } from '@kordon/policy-engine';
import type { ReachabilityMatrix, ReachabilitySnapshotRef, WorkloadReachability } from '@kordon/contracts';
import { ClustersService } from '../clusters/clusters.service';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { SnapshotStateLoader } from '../snapshots/snapshot-state';
import { SnapshotsRepository } from '../snapshots/snapshots.repository';
import { ComputeLimiter, ComputeQueueFullError } from './compute-limiter';
import { ReachabilityBusyException, ReachabilityErrorCode, ReachabilityException } from './reachability.exception';
import { parseInstant } from '../common/instant';

export const REPORT_CACHE_SIZE = 4;

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
      connections: direction === 'ingress' ? report.whoCanReach(w.id) : report.whereCanGo(w.id),
      notEvaluated: report.notEvaluated,
    };
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
