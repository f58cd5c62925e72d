import { Module } from '@nestjs/common';
import { HistoryModule } from '../history/history.module';
import { TargetsController } from './targets.controller';
import { TargetsService } from './targets.service';

/** Owns rollout targets and their burn-up and projection. */
@Module({ imports: [HistoryModule], controllers: [TargetsController], providers: [TargetsService] })
export class TargetsModule {}
