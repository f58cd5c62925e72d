import { Module } from '@nestjs/common';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { EvidenceController } from './evidence.controller';
import { EvidenceService } from './evidence.service';
import { ChainRepository } from './chain.repository';

/** Owns evidence exports for auditors: one snapshot as a verifiable document, and range listings. */
@Module({ imports: [SnapshotsModule], controllers: [EvidenceController], providers: [EvidenceService, ChainRepository] })
export class EvidenceModule {}
