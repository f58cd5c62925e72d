// Puts due clusters on the snapshot queue. Every replica ticks; duplicates are harmless because
// the queue keeps one job per cluster. Also fails snapshots a crashed worker left running.
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { ClustersRepository } from '../clusters/clusters.repository';
import { SnapshotQueue } from './snapshot.queue';
import { SnapshotsRepository } from './snapshots.repository';
import { InFlightWork } from '../prisma/in-flight-work';

const TICK_MS = 30_000;

/** How often the scheduler ticks: every 30 s, or every quarter of a seconds-level schedule. */
export function tickMs(config: Pick<AppConfig, 'KORDON_SCHEDULE_SECONDS'>): number {
  return config.KORDON_SCHEDULE_SECONDS ? Math.max(1000, Math.min(TICK_MS, Math.floor(config.KORDON_SCHEDULE_SECONDS / 4) * 1000)) : TICK_MS;
}

@Injectable()
export class SchedulerService implements OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clusters: ClustersRepository,
    private readonly snapshots: SnapshotsRepository,
    private readonly queue: SnapshotQueue,
    private readonly work: InFlightWork,
  ) {}

  /** Starts ticking; called by main once demo seeding and registration are done. */
  start(everyMs = tickMs(this.config)): void {
    if (this.timer) return;
    const run = () => void this.work.track(this.tick(new Date())).catch((err) => this.logger.error({ err }, 'scheduler tick failed'));
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One scheduling pass at `now`: returns the clusters queued. */
  async tick(now: Date): Promise<{ queued: string[]; interrupted: number }> {
    // A running snapshot silent this long (its worker beats several times within it) was interrupted.
    const silentSince = new Date(now.getTime() - this.config.KORDON_HEARTBEAT_SILENCE_SECONDS * 1000);
    const interrupted = await this.snapshots.failInterrupted(silentSince, now);
    const queued: string[] = [];
    for (const { id } of await this.clusters.due(now, this.config.KORDON_SCHEDULE_SECONDS)) {
      if (await this.queue.enqueue(id, 'schedule')) queued.push(id);
    }
    if (queued.length || interrupted) this.logger.log({ queued: queued.length, interrupted }, 'scheduler tick');
    return { queued, interrupted };
  }
}
