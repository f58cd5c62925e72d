import { Global, Module } from '@nestjs/common';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';
import { MetricsService } from './metrics.service';

/** Prometheus series of the process, served at /metrics; MetricsService is injectable anywhere. */
@Global()
@Module({ imports: [SnapshotsModule], controllers: [MetricsController], providers: [MetricsService, MetricsRepository], exports: [MetricsService] })
export class MetricsModule {}
