// Applies KORDON_RETENTION: once an hour (and at start), on one replica at a time, prunes the
// snapshots the policy no longer keeps (recording each in pruned_snapshot so the digest chain
// stays verifiable), then collects content no snapshot points at.
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { LOCK_KEYS, withTryAdvisoryLock } from '../prisma/advisory-lock';
import { InFlightWork } from '../prisma/in-flight-work';
import { parseRetention, snapshotsToPrune, type RetentionRule } from './retention-policy';
import { RetentionRepository } from './retention.repository';

const RUN_MS = 3_600_000;

export interface RetentionRun {
  /** Snapshots pruned, per cluster id (clusters with none left out). */
  pruned: Record<string, number>;
  content: Record<string, number>;
}

@Injectable()
export class RetentionService implements OnApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private readonly rules: RetentionRule[];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: RetentionRepository,
    private readonly work: InFlightWork,
  ) {
    this.rules = parseRetention(config.KORDON_RETENTION);
  }

  start(everyMs = RUN_MS): void {
    if (this.timer) return;
    const run = () =>
      void this.work
        .track(withTryAdvisoryLock(this.config.databaseUrl, LOCK_KEYS.retention, () => this.run(new Date())))
        .catch((err) => this.logger.error({ err }, 'retention run failed'));
    run();
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass at `now` over every cluster. */
  async run(now: Date): Promise<RetentionRun> {
    const pruned: Record<string, number> = {};
    for (const { id } of await this.repo.clusterIds()) {
      const ids = snapshotsToPrune(await this.repo.candidates(id), this.rules, now).map((s) => s.id);
      // Bounded transactions: a first run over years of hourly snapshots prunes in slices.
      for (let i = 0; i < ids.length; i += 500) {
        const n = await this.repo.prune(id, ids.slice(i, i + 500));
        if (n) pruned[id] = (pruned[id] ?? 0) + n;
      }
    }
    const content = Object.values(pruned).some((n) => n > 0) ? await this.repo.collectContent() : {};
    if (Object.keys(pruned).length) this.logger.log({ pruned, content }, 'retention applied');
    return { pruned, content };
  }
}
