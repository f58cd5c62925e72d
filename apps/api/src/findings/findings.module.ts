import { Module } from '@nestjs/common';
import { ExceptionsModule } from '../exceptions/exceptions.module';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { FindingsController } from './findings.controller';
import { FindingsRepository } from './findings.repository';
import { FindingsService } from './findings.service';

/** Owns reading stored findings (per snapshot and across the fleet) and serving the rule catalog. */
@Module({ imports: [SnapshotsModule, ExceptionsModule], controllers: [FindingsController], providers: [FindingsRepository, FindingsService], exports: [FindingsService] })
export class FindingsModule {}
