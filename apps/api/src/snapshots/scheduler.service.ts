// Puts due clusters on the snapshot queue. Every replica ticks; duplicates are harmless because
// the queue keeps one job per cluster. Also fails snapshots a crashed worker left running.
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ClustersRepository } from '../clusters/clusters.repository';
import { SnapshotQueue } from './snapshot.queue';
import { SnapshotsRepository } from './snapshots.repository';
import { InFlightWork } from '../prisma/in-flight-work';

const TICK_MS = 30_000;
/** A running snapshot silent this long (workers beat every 10 s) was interrupted. */
export const HEARTBEAT_SILENCE_MS = 120_000;

@Injectable()
export class SchedulerService implements OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clusters: ClustersRepository,
    private readonly snapshots: SnapshotsRepository,
    private readonly queue: SnapshotQueue,
    private readonly work: InFlightWork,
  ) {}

  /** Starts ticking; called by main once demo seeding and registration are done. */
  start(tickMs = TICK_MS): void {
    if (this.timer) return;
    const run = () => void this.work.track(this.tick(new Date())).catch((err) => this.logger.error({ err }, 'scheduler tick failed'));
    run();
    this.timer = setInterval(run, tickMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One scheduling pass at `now`: returns the clusters queued. */
  async tick(now: Date): Promise<{ queued: string[]; interrupted: number }> {
    const interrupted = await this.snapshots.failInterrupted(new Date(now.getTime() - HEARTBEAT_SILENCE_MS), now);
    const queued: string[] = [];
    for (const { id } of await this.clusters.due(now)) {
      if (await this.queue.enqueue(id, 'schedule')) queued.push(id);
    }
    if (queued.length || interrupted) this.logger.log({ queued: queued.length, interrupted }, 'scheduler tick');
    return { queued, interrupted };
  }
}
