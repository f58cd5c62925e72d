// Snapshot jobs live in PostgreSQL (pg-boss), so every api replica shares the work. The queue
// policy `short` with the cluster id as singletonKey keeps at most one *queued* job per cluster;
// the snapshot table's partial unique index is what makes "never twice at once" true. A job that
// finds its cluster already running is re-queued for later rather than held, so one slow
// cluster never blocks a worker (a `stately` queue did: its held job stalled every fetch).
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type PgBoss from 'pg-boss';
import type { SnapshotTrigger } from '@prisma/client';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { SnapshotsService } from './snapshots.service';
import { runWithLogFields } from '../common/log-context';
import { currentRequestContext } from '../common/request-context';
import { startBoss } from '../prisma/boss';

export const SNAPSHOT_QUEUE = 'kordon-snapshots';
const RETRY_WHEN_BUSY_SECONDS = 30;
/** Longest a write transaction may take (SnapshotsRepository.complete). */
const WRITE_TIMEOUT_SECONDS = 300;

export interface SnapshotJobData {
  clusterId: string;
  trigger: SnapshotTrigger;
  /** The request that queued the job (manual snapshots), so its worker's log lines name it. */
  requestId?: string;
}

@Injectable()
export class SnapshotQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotQueue.name);
  private boss: PgBoss | null = null;
  private starting: Promise<PgBoss> | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly snapshots: SnapshotsService) {}

  async onApplicationBootstrap(): Promise<void> {
    const boss = await this.ensureStarted();
    // 0 workers: this replica only queues (API requests, scheduler ticks); other replicas run the
    // jobs, so snapshot CPU never shares the event loop that answers the dashboard.
    if (this.config.KORDON_WORKER_CONCURRENCY === 0) this.logger.log('no snapshot workers in this process (KORDON_WORKER_CONCURRENCY=0)');
    for (let i = 0; i < this.config.KORDON_WORKER_CONCURRENCY; i++) {
      await boss.work<SnapshotJobData>(SNAPSHOT_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) =>
        // Every line of this job (collector, writer, failures) carries the job, the cluster and
        // the request that queued it; SnapshotsService adds the snapshot id once it has one.
        runWithLogFields({ jobId: job.id, requestId: job.data.requestId, clusterId: job.data.clusterId }, async () => {
          this.logger.log({ trigger: job.data.trigger }, 'snapshot job started');
          const outcome = await this.snapshots.run(job.data.clusterId, { trigger: job.data.trigger });
          if (outcome.status === 'already-running') {
            await this.boss?.send(SNAPSHOT_QUEUE, job.data, { singletonKey: job.data.clusterId, startAfter: Math.min(RETRY_WHEN_BUSY_SECONDS, this.config.KORDON_SCHEDULE_SECONDS ?? RETRY_WHEN_BUSY_SECONDS) });
          }
          const { snapshotId: _bound, ...rest } = outcome;
          this.logger.log(rest, 'snapshot job done');
        }),
      );
    }
  }

  private ensureStarted(): Promise<PgBoss> {
    this.starting ??= (async () => {
      const boss = await startBoss({
        databaseUrl: this.config.databaseUrl,
        max: 4,
        applicationName: 'kordon-queue',
        logger: this.logger,
        queues: [{ name: SNAPSHOT_QUEUE, policy: 'short', retryLimit: 0, expireInSeconds: this.config.KORDON_SNAPSHOT_TIMEOUT_SECONDS + WRITE_TIMEOUT_SECONDS + 120 }],
      });
      this.boss = boss;
      return boss;
    })();
    return this.starting;
  }

  /** Queues a snapshot; returns the job id, or null when one is already queued for the cluster. */
  async enqueue(clusterId: string, trigger: SnapshotTrigger): Promise<string | null> {
    const boss = await this.ensureStarted();
    const requestId = currentRequestContext()?.requestId;
    return boss.send(SNAPSHOT_QUEUE, { clusterId, trigger, ...(requestId ? { requestId } : {}) } satisfies SnapshotJobData, { singletonKey: clusterId });
  }

  async onApplicationShutdown(): Promise<void> {
    // Fail our running snapshots first so the workers return at once instead of being awaited.
    await this.snapshots.onApplicationShutdown();
    await this.boss?.stop({ graceful: true, timeout: 10_000, wait: true }).catch(() => undefined);
  }
}
