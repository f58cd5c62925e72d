// One snapshot, end to end: claim the cluster (one running snapshot per cluster, enforced by
// the database), collect with progress, analyse with the policy engine, then write content and
// posture in one transaction. Every failure ends as a `failed` row with its reason.
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Cluster, Prisma, SnapshotTrigger } from '@prisma/client';
import type { CollectOptions, CollectProgress, CollectResult } from '@kordon/collectors';
import type { Problem } from '@kordon/policy-engine';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { ClustersRepository } from '../clusters/clusters.repository';
import { KordonErrorCode, KordonException } from '../common/kordon.exception';
import { AnalysisPool } from './analysis-pool';
import { ClusterCollector, type CollectPlan } from './cluster-collector';
import type { WorkOutput } from './snapshot-work';
import { SnapshotsRepository, type RowsWritten } from './snapshots.repository';
import { InFlightWork } from '../prisma/in-flight-work';
import { SnapshotEvents } from './snapshot-events';
import { addLogFields } from '../common/log-context';

export type Collect = (opts: CollectOptions) => Promise<CollectResult>;

export interface RunOptions {
  trigger: SnapshotTrigger;
  /** When the snapshot is taken (seeded history passes past dates). Default: now. */
  at?: Date;
  /** Overrides the cluster's own source (seeding history from a subset of manifests). */
  collect?: Collect;
  /** The schedule this snapshot vouches for (seeded history taken less often). Default: the cluster's. */
  scheduleMinutes?: number;
}

export type RunOutcome =
  | { snapshotId: string; status: 'succeeded'; rowsWritten: RowsWritten }
  | { snapshotId: string; status: 'failed'; reason: string }
  | { snapshotId: null; status: 'already-running' }
  | { snapshotId: null; status: 'disabled' };

const PROGRESS_EVERY_MS = 500;
/** Workers beat every 10 s, and at least four times within the heartbeat silence that fails them. */
const HEARTBEAT_EVERY_MS = 10_000;

@Injectable()
export class SnapshotsService implements OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotsService.name);
  /** Snapshots this process is running, so shutdown can stop and fail them at once. */
  private readonly active = new Map<string, AbortController>();
  /** Snapshots completed with their previous snapshot's analysis (nothing changed): tests and benchmarks read it. */
  reusedAnalyses = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly snapshots: SnapshotsRepository,
    private readonly clusters: ClustersRepository,
    private readonly collector: ClusterCollector,
    private readonly pool: AnalysisPool,
    private readonly work: InFlightWork,
    private readonly events: SnapshotEvents,
  ) {}

  async run(clusterId: string, opts: RunOptions): Promise<RunOutcome> {
    const cluster = await this.clusters.findById(clusterId);
    if (!cluster) throw new KordonException(KordonErrorCode.ClusterNotFound, `cluster ${clusterId} not found`);
    if (!cluster.enabled && opts.trigger !== 'seed') return { snapshotId: null, status: 'disabled' };
    const startedAt = opts.at ?? new Date();
    // Seeded history is dated in the past; its duration is still the real one.
    const began = Date.now();
    const finishedAt = () => new Date(startedAt.getTime() + (Date.now() - began));
    const id = await this.snapshots.start(cluster.id, opts.trigger, startedAt, opts.scheduleMinutes ?? cluster.scheduleMinutes);
    if (!id) return { snapshotId: null, status: 'already-running' };
    addLogFields({ snapshotId: id });
    const abort = new AbortController();
    this.active.set(id, abort);
    this.logger.log({ clusterId: cluster.id, snapshotId: id, trigger: opts.trigger }, 'snapshot started');
    const beatMs = Math.min(HEARTBEAT_EVERY_MS, (this.config.KORDON_HEARTBEAT_SILENCE_SECONDS * 1000) / 4);
    const beat = setInterval(() => void this.work.track(this.snapshots.heartbeat(id)).catch(() => undefined), beatMs);
    beat.unref();
    let outcome: RunOutcome;
    try {
      outcome = await this.collectAndWrite(cluster, id, startedAt, finishedAt, abort, opts);
    } catch (err) {
      const reason = abort.signal.aborted && abort.signal.reason === 'shutdown'
        ? 'interrupted: the API stopped while the snapshot was running'
        : `internal error while writing the snapshot: ${(err as Error).message}`;
      this.logger.error({ err: { message: (err as Error).message, stack: (err as Error).stack }, clusterId, snapshotId: id }, 'snapshot failed');
      await this.snapshots.fail(id, reason, [], finishedAt()).catch(() => undefined);
      outcome = { snapshotId: id, status: 'failed', reason };
    } finally {
      clearInterval(beat);
      this.active.delete(id);
    }
    if (outcome.status === 'succeeded' || outcome.status === 'failed') {
      await this.events.emit({ clusterId: cluster.id, clusterName: cluster.name, snapshotId: id, durationMs: Date.now() - began, status: outcome.status, startedAt });
    }
    return outcome;
  }

  /** Stops this process's running snapshots and records them as interrupted, not left running. */
  async onApplicationShutdown(): Promise<void> {
    const ids = [...this.active.keys()];
    for (const c of this.active.values()) c.abort('shutdown');
    await Promise.all(
      ids.map((id) => this.snapshots.fail(id, 'interrupted: the API stopped while the snapshot was running', [], new Date()).catch(() => undefined)),
    );
  }

  private async collectAndWrite(
    cluster: Cluster,
    id: string,
    startedAt: Date,
    finishedAt: () => Date,
    abort: AbortController,
    opts: RunOptions,
  ): Promise<RunOutcome> {
    const timer = setTimeout(() => abort.abort('timeout'), this.config.KORDON_SNAPSHOT_TIMEOUT_SECONDS * 1000);
    // Progress is written at most every PROGRESS_EVERY_MS (each write is a query and a commit):
    // the first at once, a later one held back until its turn and replaced by any newer one, so
    // a fast snapshot writes one or two and a long one shows its phase within that time.
    let lastProgress = 0;
    let held: CollectProgress | null = null;
    let holdTimer: NodeJS.Timeout | null = null;
    let finished = false;
    let pending: Promise<void> = Promise.resolve();
    const write = (p: CollectProgress) => {
      const now = Date.now();
      lastProgress = now;
      pending = pending.then(() =>
        this.snapshots.progress(id, { phase: p.phase, counts: p.counts, updatedAt: new Date(now).toISOString() }).catch(() => undefined),
      );
    };
    const onProgress = (p: CollectProgress) => {
      if (finished) return;
      const wait = lastProgress + PROGRESS_EVERY_MS - Date.now();
      if (wait <= 0 && !holdTimer) return write(p);
      held = p;
      holdTimer ??= setTimeout(() => {
        holdTimer = null;
        if (held && !finished) write(held);
        held = null;
      }, Math.max(0, wait));
    };
    const excluded = this.config.KORDON_EXCLUDED_NAMESPACES;
    // An unchanged cluster (same analysis key as its previous snapshot) reuses that analysis.
    const prev = await this.snapshots.reusable(cluster.id);
    // Retirement deadlines are judged as of the snapshot's own time (seeded history included).
    const input = { excludedNamespaces: excluded.length ? excluded : undefined, at: startedAt.toISOString(), reuseKey: prev?.analysisKey ?? null };
    const collectOpts = { onProgress, signal: abort.signal };
    let out: WorkOutput;
    try {
      // Collection and analysis run in an analysis thread (AnalysisPool); this thread only writes.
      const plan: CollectPlan = opts.collect ? { collect: opts.collect } : this.collector.plan(cluster);
      out = 'source' in plan
        ? await this.pool.run({ ...input, source: plan.source }, collectOpts)
        : await this.pool.analyse(await plan.collect(collectOpts), input, collectOpts);
    } finally {
      clearTimeout(timer);
      finished = true;
      if (holdTimer) clearTimeout(holdTimer);
      await pending;
    }
    // The writing phase is shown when the snapshot has run long enough for anyone to look.
    const writing = () =>
      Date.now() - lastProgress >= PROGRESS_EVERY_MS ? this.snapshots.progress(id, { phase: 'writing', counts: {}, updatedAt: new Date().toISOString() }) : Promise.resolve();
    if (out.reuse && prev && !abort.signal.aborted) {
      await writing();
      const rowsWritten = await this.snapshots.completeReusing(id, cluster.id, startedAt, prev, finishedAt());
      this.reusedAnalyses++;
      return { snapshotId: id, status: 'succeeded', rowsWritten };
    }
    // Stopped (timeout, shutdown) while the thread analysed: nothing of it is written.
    if (!out.analysed || abort.signal.aborted) {
      const reason = failureReason(out.problems, abort.signal.reason, this.config.KORDON_SNAPSHOT_TIMEOUT_SECONDS);
      await this.snapshots.fail(id, reason, asJson(out.problems), finishedAt());
      return { snapshotId: id, status: 'failed', reason };
    }
    await writing();
    const { content, completed, postureRows } = out.analysed;
    const rowsWritten = await this.snapshots.complete(id, cluster.id, startedAt, content, completed, postureRows, finishedAt(), out.analysisKey ?? null);
    return { snapshotId: id, status: 'succeeded', rowsWritten };
  }
}

function asJson(problems: Problem[]): Prisma.InputJsonValue {
  return problems.map((p) => ({ ...p })) as unknown as Prisma.InputJsonValue;
}

function failureReason(problems: Problem[], abortReason: unknown, timeoutSeconds: number): string {
  if (abortReason === 'timeout') return `timeout: the snapshot took longer than ${timeoutSeconds} s`;
  if (abortReason === 'shutdown') return 'interrupted: the API stopped while the snapshot was running';
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return 'the collector returned no cluster state';
  return errors.map((p) => `${p.code}: ${p.message}`).join('; ');
}
