// Purging a cluster with its history (DELETE /api/clusters/:id?purge=true): the deletion and its
// audit entry commit together.
import { ConflictException, Injectable } from '@nestjs/common';
import { AuditService } from '../auth/audit.service';
import { KordonErrorCode, KordonException } from '../common/kordon.exception';
import { ClusterPurgeRepository } from './cluster-purge.repository';

/** A cascade over years of snapshots and posture rows takes longer than an ordinary write. */
const PURGE_TIMEOUT_MS = 300_000;

@Injectable()
export class ClusterPurgeService {
  constructor(private readonly purges: ClusterPurgeRepository, private readonly audit: AuditService) {}

  async purge(id: string): Promise<void> {
    await this.audit.transaction(async (tx) => {
      const found = await this.purges.find(id, tx);
      if (!found) throw new KordonException(KordonErrorCode.ClusterNotFound, `cluster ${id} not found`);
      if (found.running) throw new ConflictException(`a snapshot of cluster ${found.name} is running; purge it once the snapshot has finished`);
      const snapshots = await this.purges.purge(id, tx);
      await this.audit.record(tx, 'cluster.purge', id, { name: found.name, snapshots });
    }, { timeoutMs: PURGE_TIMEOUT_MS });
  }
}
