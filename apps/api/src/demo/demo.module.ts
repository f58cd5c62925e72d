import { Module } from '@nestjs/common';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { DemoService } from './demo.service';

@Module({ imports: [SnapshotsModule], providers: [DemoService], exports: [DemoService] })
export class DemoModule {}
