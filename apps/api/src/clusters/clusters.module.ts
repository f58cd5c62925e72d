import { Module } from '@nestjs/common';
import { SnapshotsModule } from '../snapshots/snapshots.module';
import { ClusterPurgeRepository } from './cluster-purge.repository';
import { ClusterPurgeService } from './cluster-purge.service';
import { ClustersController } from './clusters.controller';
import { RegistrationService } from './registration.service';

@Module({
  imports: [SnapshotsModule],
  controllers: [ClustersController],
  providers: [RegistrationService, ClusterPurgeRepository, ClusterPurgeService],
  exports: [RegistrationService],
})
export class ClustersModule {}
