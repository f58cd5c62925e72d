import { Module } from '@nestjs/common';
import { SnapshotStateLoader } from '../snapshots/snapshot-state';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { DiffController } from './diff.controller';
import { DiffRepository } from './diff.repository';
import { DiffService } from './diff.service';

/** Owns "what changed": snapshot diffs, since-counts and the what-if simulation. */
@Module({ imports: [SnapshotsModule], controllers: [DiffController], providers: [SnapshotStateLoader, DiffService, DiffRepository], exports: [DiffService] })
export class DiffModule {}
