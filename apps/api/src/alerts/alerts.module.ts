import { Module } from '@nestjs/common';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

/** Owns regression alerts: evaluation after snapshots, dedup, webhook delivery with retries. */
@Module({ imports: [SnapshotsModule], controllers: [AlertsController], providers: [AlertsRepository, AlertsService], exports: [AlertsService] })
export class AlertsModule {}
