// Registers the demo fleet (manifests kept in demo/) and seeds its history: one snapshot per
// history step, dated in the past, each from that step's subset of policy files, so history
// views show coverage rising. Runs when KORDON_DEMO=on, or by default when no cluster exists.
import { Inject, Injectable, Logger } from '@nestjs/common';
import { relative } from 'node:path';
import { collectFromManifests } from '@kordon/collectors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { ClustersRepository } from '../clusters/clusters.repository';
import { ClustersService } from '../clusters/clusters.service';
import { REPO_ROOT } from '../snapshots/cluster-collector';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { LOCK_KEYS, withAdvisoryLock } from '../prisma/advisory-lock';
import { readDemoFleet } from './demo-fleet';

const DAY_MS = 86_400_000;

@Injectable()
export class DemoService {
  private readonly logger = new Logger(DemoService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clustersRepo: ClustersRepository,
    private readonly clusters: ClustersService,
    private readonly snapshots: SnapshotsService,
  ) {}

  /** Seeds under an advisory lock: replicas starting together seed once. */
  async seedIfWanted(now = new Date()): Promise<number> {
    const mode = this.config.KORDON_DEMO;
    if (mode === 'off') return 0;
    return withAdvisoryLock(this.config.databaseUrl, LOCK_KEYS.demoSeed, async () => {
      if (mode === 'auto' && (await this.clustersRepo.count()) > 0) return 0;
      return this.seed(now);
    });
  }

  /** Registers missing demo clusters and seeds their history; returns the clusters added. */
  async seed(now: Date): Promise<number> {
    const fleet = readDemoFleet();
    let added = 0;
    for (const demo of fleet.clusters) {
      if (await this.clustersRepo.findByName(demo.name)) continue;
      const cluster = await this.clusters.register(
        {
          name: demo.name,
          source: 'manifests',
          environment: demo.environment,
          team: demo.team,
          scheduleMinutes: demo.scheduleMinutes,
          paths: [relative(REPO_ROOT, demo.dir)],
        },
        { demo: true },
      );
      added++;
      const steps = [...demo.history].sort((a, b) => b.daysAgo - a.daysAgo);
      for (const [i, step] of steps.entries()) {
        const at = new Date(now.getTime() - step.daysAgo * DAY_MS);
        // The seeded history was taken step by step (weekly): each snapshot vouches until the next
        // step, the latest one for the cluster's own schedule.
        const next = steps[i + 1];
        const outcome = await this.snapshots.run(cluster.id, {
          trigger: 'seed',
          at,
          scheduleMinutes: next ? Math.max(demo.scheduleMinutes, Math.round(((step.daysAgo - next.daysAgo) * DAY_MS) / 60_000)) : demo.scheduleMinutes,
          collect: (o) => collectFromManifests(step.files, o),
        });
        if (outcome.status !== 'succeeded') this.logger.warn({ cluster: demo.name, step: step.daysAgo, outcome }, 'demo snapshot did not succeed');
      }
    }
    if (added) this.logger.log(`demo fleet: registered ${added} clusters with seeded history`);
    return added;
  }
}
