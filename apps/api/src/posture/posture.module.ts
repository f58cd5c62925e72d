import { Module } from '@nestjs/common';
import { ExceptionsModule } from '../exceptions/exceptions.module';
import { FindingsModule } from '../findings/findings.module';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { PostureController } from './posture.controller';
import { PostureRepository } from './posture.repository';
import { PostureService } from './posture.service';

/** Owns reading a cluster's posture at a snapshot (latest or in force at a past time). */
@Module({ imports: [SnapshotsModule, FindingsModule, ExceptionsModule], controllers: [PostureController], providers: [PostureRepository, PostureService], exports: [PostureService] })
export class PostureModule {}
