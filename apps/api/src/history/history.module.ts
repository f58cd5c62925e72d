import { Module } from '@nestjs/common';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { HistoryController } from './history.controller';
import { HistoryRepository } from './history.repository';
import { HistoryService } from './history.service';

/** Owns posture over time: per cluster, per namespace and fleet roll-ups, bucketed in SQL. */
@Module({ imports: [SnapshotsModule], controllers: [HistoryController], providers: [HistoryRepository, HistoryService] })
export class HistoryModule {}
