// What other modules hear about finished snapshots (succeeded or failed), without the snapshot
// module knowing them: alerts register a listener. A listener's failure is logged and never
// changes the snapshot's outcome.
import { Injectable, Logger } from '@nestjs/common';

export interface SnapshotFinished {
  clusterId: string;
  clusterName: string;
  snapshotId: string;
  /** From start to commit or failure (wall clock, also for seeded history dated in the past). */
  durationMs: number;
  status: 'succeeded' | 'failed';
  startedAt: Date;
}

export type SnapshotListener = (e: SnapshotFinished) => Promise<void>;

@Injectable()
export class SnapshotEvents {
  private readonly logger = new Logger(SnapshotEvents.name);
  private readonly listeners: SnapshotListener[] = [];

  on(listener: SnapshotListener): void {
    this.listeners.push(listener);
  }

  async emit(e: SnapshotFinished): Promise<void> {
    for (const l of this.listeners) {
      try {
        await l(e);
      } catch (err) {
        this.logger.error({ err: { message: (err as Error).message }, clusterId: e.clusterId, snapshotId: e.snapshotId }, 'snapshot listener failed');
      }
    }
  }
}
