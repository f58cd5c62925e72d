import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { ClusterPosturePage, ClusterProfile, NamespaceDetail, PostureHeatmap } from '@kordon/contracts';
import { Roles } from '../auth/auth.guard';
import { READ_AGGREGATES, READ_DETAIL } from '../auth/roles';
import { IdParam } from '../clusters/dto/register-cluster.dto';
import { AtQuery, ClusterPostureDto, ClusterProfileDto, NamespaceDetailDto, NamespaceParam, PostureHeatmapDto, PostureQuery } from './dto/posture.dto';
import { PostureService } from './posture.service';
import { CachedRead } from '../read-cache/read-cache.interceptor';

@ApiTags('posture')
@Controller('clusters/:id')
export class PostureController {
  constructor(private readonly posture: PostureService) {}

  @Get('posture')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_AGGREGATES)
  @ApiOperation({
    summary: 'Posture of a cluster at its latest snapshot, or at the snapshot in force at `at`',
    description: 'The cluster roll-up stored with the snapshot and one row per namespace (pods, workloads, isolation and coverage per direction, default-deny, policies, findings), filtered, sorted and cursor-paged.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ClusterPostureDto })
  @ApiBadRequestResponse({ description: 'Malformed id, time, sort, filter, limit or cursor' })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot at or before `at`' })
  cluster(@Param() p: IdParam, @Query() q: PostureQuery): Promise<ClusterPosturePage> {
    return this.posture.cluster(p.id, q);
  }

  @Get('posture/profile')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_AGGREGATES)
  @ApiOperation({
    summary: "The cluster's network profile at a snapshot and the engine's caveats",
    description: 'Plugin, mode, policy engine, dataplane, CIDRs and node pools as the snapshot recorded them, and its platform and enforcement findings (what the engine does not enforce, scale ceilings, retirements).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ClusterProfileDto })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot at or before `at`' })
  profile(@Param() p: IdParam, @Query() q: AtQuery): Promise<ClusterProfile> {
    return this.posture.profile(p.id, q.at);
  }

  @Get('posture/heatmap')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_AGGREGATES)
  @ApiOperation({
    summary: 'Every namespace of a snapshot in one compact answer, for a heatmap',
    description: 'One tuple per namespace, sorted by name: [name, excluded, pods, workloads, ingress-isolated workloads, egress-isolated workloads, default-deny ingress, default-deny egress] (flags 0/1).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: PostureHeatmapDto })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot at or before `at`' })
  heatmap(@Param() p: IdParam, @Query() q: AtQuery): Promise<PostureHeatmap> {
    return this.posture.heatmap(p.id, q.at);
  }

  @Get('namespaces/:namespace')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_DETAIL)
  @ApiOperation({
    summary: 'One namespace at the latest snapshot or at `at`: labels, workloads, policies (raw), findings, baseline',
    description: 'Workloads with their isolation per direction and the policies selecting them; the namespace\'s policies as served (and parsed), plus cluster-scoped ones selecting its workloads; its findings with remediation.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'namespace', example: 'payments' })
  @ApiOkResponse({ type: NamespaceDetailDto })
  @ApiBadRequestResponse({ description: 'Malformed id, namespace name or time' })
  @ApiNotFoundResponse({ description: 'Unknown cluster, no snapshot in force, or the namespace was not in it' })
  namespace(@Param() p: NamespaceParam, @Query() q: AtQuery): Promise<NamespaceDetail> {
    return this.posture.namespace(p.id, p.namespace, q.at);
  }
}
