import { Module } from '@nestjs/common';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { HistoryController } from './history.controller';
import { HistoryRepository } from './history.repository';
import { HistoryService } from './history.service';
import { TimeInStateRepository } from './time-in-state.repository';
import { TimeInStateService } from './time-in-state.service';

/** Owns posture over time: per cluster, per namespace and fleet roll-ups, bucketed in SQL; time in state. */
@Module({ imports: [SnapshotsModule], controllers: [HistoryController], providers: [HistoryRepository, HistoryService, TimeInStateRepository, TimeInStateService], exports: [TimeInStateService, HistoryService] })
export class HistoryModule {}
