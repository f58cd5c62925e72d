import { Module } from '@nestjs/common';
import { SnapshotStateLoader } from '../snapshots/snapshot-state';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { ReachabilityController } from './reachability.controller';
import { ReachabilityService } from './reachability.service';

/** Owns reachability answers at a snapshot: rebuilds the stored state and caches the analysed report. */
@Module({ imports: [SnapshotsModule], controllers: [ReachabilityController], providers: [SnapshotStateLoader, ReachabilityService] })
export class ReachabilityModule {}
