import { BadRequestException, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Page, SnapshotDetail, SnapshotJobAccepted, SnapshotSort, SnapshotSummary } from '@kordon/contracts';
import { Roles } from '../auth/auth.guard';
import { OPERATE, READ_DETAIL } from '../auth/roles';
import { ClustersService } from '../clusters/clusters.service';
import { IdParam } from '../clusters/dto/register-cluster.dto';
import { decodeSortCursor, encodeSortCursor } from '../common/cursor';
import { requireInstant } from '../common/instant';
import { KordonErrorCode, KordonException } from '../common/kordon.exception';
import { SnapshotsRepository } from './snapshots.repository';
import { UUID } from '../common/uuid';

export const SNAPSHOT_SORTS: readonly SnapshotSort[] = ['-startedAt', 'startedAt'];

class ListSnapshotsQuery {
  @ApiPropertyOptional({ enum: SNAPSHOT_SORTS, default: '-startedAt', description: '`-startedAt`: newest first; `startedAt`: oldest first. Ties break by snapshot id' })
  @IsOptional() @IsIn(SNAPSHOT_SORTS, { message: `sort must be one of ${SNAPSHOT_SORTS.join(', ')}` }) sort?: SnapshotSort;
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page, with the same sort (another sort answers 400)' })
  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
}

@ApiTags('snapshots')
@Controller()
export class SnapshotsController {
  constructor(
    private readonly clusters: ClustersService,
    private readonly snapshots: SnapshotsRepository,
  ) {}

  @Get('clusters/:id/snapshots')
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: "A cluster's snapshots, newest first (`sort=startedAt`: oldest first)" })
  @ApiBadRequestResponse({ description: 'Invalid sort, limit or cursor, or a cursor issued for another sort (details.code CURSOR_SORT_MISMATCH)' })
  async list(@Param() p: IdParam, @Query() q: ListSnapshotsQuery): Promise<Page<SnapshotSummary>> {
    const sort = q.sort ?? '-startedAt';
    const c = decodeSortCursor(q.cursor, sort, SNAPSHOT_SORTS, 2);
    if (c && !(typeof c[1] === 'string' && UUID.test(c[1]))) throw new BadRequestException('cursor is not valid; use nextCursor from a previous page');
    const after = c ? { startedAt: requireInstant(c[0], 'cursor'), id: c[1] as string } : undefined;
    await this.clusters.require(p.id);
    const limit = q.limit ?? 50;
    const order = sort === 'startedAt' ? 'asc' : 'desc';
    const rows = await this.snapshots.listByClusterSorted(p.id, limit + 1, order, after);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((s) => ({
        id: s.id, status: s.status, trigger: s.trigger, startedAt: s.startedAt.toISOString(),
        finishedAt: s.finishedAt?.toISOString() ?? null, failureReason: s.failureReason,
      })),
      nextCursor: rows.length > limit ? encodeSortCursor(sort, [last.startedAt.toISOString(), last.id]) : null,
    };
  }

  @Post('clusters/:id/snapshots')
  @HttpCode(202)
  @Roles(...OPERATE)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Queue a snapshot now (202); at most one per cluster is queued or running' })
  trigger(@Param() p: IdParam): Promise<SnapshotJobAccepted> {
    // Audited (committed) before the job is queued: a failed audit queues nothing.
    return this.clusters.requestSnapshot(p.id);
  }

  @Get('snapshots/:id')
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'One snapshot: status, progress, failure reason, network profile, node pools, counts' })
  async get(@Param() p: IdParam): Promise<SnapshotDetail> {
    const s = await this.snapshots.findById(p.id);
    if (!s) throw new KordonException(KordonErrorCode.SnapshotNotFound, `snapshot ${p.id} not found`);
    return {
      id: s.id,
      clusterId: s.clusterId,
      status: s.status,
      trigger: s.trigger,
      startedAt: s.startedAt.toISOString(),
      finishedAt: s.finishedAt?.toISOString() ?? null,
      failureReason: s.failureReason,
      progress: (s.progress as unknown as SnapshotDetail['progress']) ?? null,
      kubernetesVersion: s.kubernetesVersion,
      networkProfile: (s.networkProfile as Record<string, unknown> | null) ?? null,
      nodePools: (s.nodePools as Record<string, unknown>[] | null) ?? null,
      counts: (s.counts as unknown as SnapshotDetail['counts']) ?? null,
      problems: (s.problems as unknown as SnapshotDetail['problems']) ?? [],
    };
  }
}
