import { Module } from '@nestjs/common';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { ExceptionsController } from './exceptions.controller';
import { ExceptionsRepository } from './exceptions.repository';
import { ExceptionsService } from './exceptions.service';

/** Owns posture exceptions (accepted gaps): their requests, decisions and which are in force. */
@Module({ imports: [SnapshotsModule], controllers: [ExceptionsController], providers: [ExceptionsRepository, ExceptionsService], exports: [ExceptionsService] })
export class ExceptionsModule {}
