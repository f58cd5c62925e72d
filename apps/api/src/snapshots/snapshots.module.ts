import { Module } from '@nestjs/common';
import { ClustersRepository } from '../clusters/clusters.repository';
import { ClustersService } from '../clusters/clusters.service';
import { AnalysisPool } from './analysis-pool';
import { ClusterCollector } from './cluster-collector';
import { SchedulerService } from './scheduler.service';
import { SnapshotQueue } from './snapshot.queue';
import { SnapshotEvents } from './snapshot-events';
import { SnapshotsController } from './snapshots.controller';
import { SnapshotsRepository } from './snapshots.repository';
import { SnapshotsService } from './snapshots.service';

/** Owns snapshots: the collector bridge, the pg-boss queue, the scheduler and the writer. */
@Module({
  controllers: [SnapshotsController],
  providers: [ClustersRepository, ClustersService, SnapshotsRepository, SnapshotsService, ClusterCollector, AnalysisPool, SnapshotQueue, SchedulerService, SnapshotEvents],
  exports: [ClustersRepository, ClustersService, SnapshotsRepository, SnapshotsService, SnapshotQueue, SchedulerService, SnapshotEvents],
})
export class SnapshotsModule {}
