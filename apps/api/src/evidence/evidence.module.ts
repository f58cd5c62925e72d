import { Module } from '@nestjs/common';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { EvidenceController } from './evidence.controller';
import { EvidenceService } from './evidence.service';
import { ChainRepository } from './chain.repository';
import { BundleService } from './bundle.service';
import { EvidenceSigningKey } from './signing-key';
import { ExceptionsModule } from '../exceptions/exceptions.module';
import { HistoryModule } from '../history/history.module';

/** Owns evidence exports for auditors: one snapshot as a verifiable document, and range listings. */
@Module({ imports: [SnapshotsModule, ExceptionsModule, HistoryModule], controllers: [EvidenceController], providers: [EvidenceService, ChainRepository, BundleService, EvidenceSigningKey] })
export class EvidenceModule {}
