// Runs the CPU-heavy half of snapshots (snapshot-work.ts) in a small pool of threads (Piscina),
// so a 20,000-pod collection and analysis costs the API thread only the structured clone of the
// result while dashboard reads go on. KORDON_ANALYSIS_THREADS=0 runs it on the API thread, as
// before. Small states collected on the API thread (demo manifests, seeded history) are analysed
// in place: the hop would cost more than the analysis.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { CollectOptions, CollectProgress, CollectResult } from '@kordon/collectors';
import { Piscina } from 'piscina';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import type { AnalysisTask, AnalysisThreadData } from './analysis.worker';
import { collectAndAnalyse, collectSource, type WorkInput, type WorkOutput, type WorkSource } from './snapshot-work';

/** Below this many pods a state collected on the API thread is analysed there. */
export const IN_THREAD_PODS = 2000;

/** From the sources (swc-node) the thread needs its own compiler hook; from dist/ it loads the .js. */
const WORKER_FILE = __filename.endsWith('.ts') ? join(__dirname, 'analysis.worker.dev.cjs') : join(__dirname, 'analysis.worker.js');
// From the sources each thread loads swc's native binding. Loaded by a thread alone, the binding
// is unloaded when that thread exits (the pool ends idle threads), and that killed the process
// with SIGSEGV (a vitest fork, after a minute's outage left the thread idle). Loaded here as
// well, it stays mapped. The compiled build's threads load no native code.
if (WORKER_FILE.endsWith('.cjs')) require('@swc/core');

export function analysisThreads(config: Pick<AppConfig, 'KORDON_ANALYSIS_THREADS' | 'KORDON_WORKER_CONCURRENCY'>): number {
  const t = config.KORDON_ANALYSIS_THREADS;
  if (t !== 'auto') return t;
  return Math.min(config.KORDON_WORKER_CONCURRENCY, Math.max(1, availableParallelism() - 1));
}

@Injectable()
export class AnalysisPool implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AnalysisPool.name);
  private pool: Piscina | null = null;
  readonly threads: number;
  /** Tasks one thread interleaves: collection waits on the network, and one slow cluster must not hold up the rest. */
  private readonly tasksPerThread: number;
  /** Tasks run in a thread, and analyses done on the API thread (tests and benchmarks read them). */
  readonly counts = { threaded: 0, inPlace: 0 };

  /** A process that snapshots on a schedule keeps its threads started, so no snapshot waits for one to boot. */
  private readonly warm: boolean;
  private readonly nice: number;
  /** An idle thread past this ends (a warm pool keeps its minimum); tests shorten it. */
  idleTimeoutMs = 60_000;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.nice = config.KORDON_ANALYSIS_NICE;
    this.warm = config.KORDON_SCHEDULER === 'on' && config.KORDON_WORKER_CONCURRENCY > 0;
    this.threads = analysisThreads(config);
    this.tasksPerThread = Math.max(1, Math.ceil(config.KORDON_WORKER_CONCURRENCY / Math.max(1, this.threads)));
  }

  /** Collects (or takes) the state and analyses it, in a thread when there are threads. */
  async run(input: WorkInput, opts: CollectOptions): Promise<WorkOutput> {
    if (this.threads === 0) return this.inPlace(input, opts);
    if (input.source.kind === 'kubernetes') return this.task<WorkOutput>('default', input, opts);
    // Manifests (the demo fleet, offline exports) are read here, and only a large state moves.
    const { source, ...rest } = input;
    return this.analyse(await collectSource(source, opts), rest, opts);
  }

  /** Collects a Kubernetes source in a thread and returns the state (the AKS collector's Kubernetes half). */
  async collect(source: Extract<WorkSource, { kind: 'kubernetes' }>, opts: CollectOptions, fallback: () => Promise<CollectResult>): Promise<CollectResult> {
    if (this.threads === 0) return fallback();
    return this.task<CollectResult>('collectOnly', { source, at: new Date().toISOString() }, opts);
  }

  /** Analyses a state collected on the API thread: in place when it is small. */
  async analyse(result: CollectResult, input: Omit<WorkInput, 'source'>, opts: CollectOptions): Promise<WorkOutput> {
    const source: WorkSource = { kind: 'collected', result };
    if (this.threads === 0 || !result.state || result.state.pods.length < IN_THREAD_PODS) return this.inPlace({ ...input, source }, opts);
    return this.task<WorkOutput>('default', { ...input, source }, opts);
  }

  private warming: Promise<void> | null = null;

  onApplicationBootstrap(): void {
    if (!this.warm || this.threads === 0) return;
    this.pool ??= this.create();
    // Each thread loads the collectors and the engine once; a no-op task waits for one to have.
    const pool = this.pool;
    this.warming = Promise.all(Array.from({ length: this.threads }, () => pool.run(null, { name: 'warmup' })))
      .then(() => undefined)
      .catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'analysis threads did not start; snapshots will retry them'));
  }

  /** Resolves once the warm threads are up (at once when there are none to warm). */
  ready(): Promise<void> {
    return this.warming ?? Promise.resolve();
  }

  private create(): Piscina {
    const minThreads = this.warm ? this.threads : 0;
    return new Piscina({ filename: WORKER_FILE, minThreads, maxThreads: this.threads, concurrentTasksPerWorker: this.tasksPerThread, idleTimeout: this.idleTimeoutMs, execArgv: [], workerData: { nice: this.nice } satisfies AnalysisThreadData });
  }

  /** Threads running now (idle ones included); for tests. */
  liveThreads(): number {
    return this.pool?.threads.length ?? 0;
  }

  /** The scheduling priority (nice) each running thread has; for tests. */
  async priorities(): Promise<number[]> {
    this.pool ??= this.create();
    const pool = this.pool;
    return Promise.all(Array.from({ length: this.threads }, () => pool.run(null, { name: 'priority' }) as Promise<number>));
  }

  private inPlace(input: WorkInput, opts: CollectOptions): Promise<WorkOutput> {
    this.counts.inPlace++;
    return collectAndAnalyse(input, opts);
  }

  private async task<T>(name: 'default' | 'collectOnly', input: WorkInput, opts: CollectOptions): Promise<T> {
    this.pool ??= this.create();
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (p: CollectProgress) => opts.onProgress?.(p));
    const onAbort = () => port1.postMessage('abort');
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const task: AnalysisTask = { input, port: port2 };
      this.counts.threaded++;
      return (await this.pool.run(task, { name, transferList: [port2] })) as T;
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      port1.close();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy().catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'analysis threads did not stop cleanly'));
  }
}
