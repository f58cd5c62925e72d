// Cluster management. Each write is done, with its audit entry in the same transaction, by
// ClustersService, ClusterPurgeService or RegistrationService: nothing here writes or audits.
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { ClusterSummary, Page } from '@kordon/contracts';
import { Roles } from '../auth/auth.guard';
import { ADMIN_ONLY, READ_AGGREGATES } from '../auth/roles';
import { ClusterPurgeService } from './cluster-purge.service';
import { ClustersService } from './clusters.service';
import { DiscoverAksDto, DiscoveryReportDto, IdParam, ListClustersQuery, RegisterClusterDto, UpdateClusterDto } from './dto/register-cluster.dto';
import { RegistrationService, type RegistrationReport } from './registration.service';
import { CachedRead } from '../read-cache/read-cache.interceptor';

class DeleteClusterQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: also delete its snapshot history (admin, cannot be undone)' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'purge must be true or false' })
  purge?: 'true' | 'false';
}

@ApiTags('clusters')
@Controller('clusters')
export class ClustersController {
  constructor(
    private readonly clusters: ClustersService,
    private readonly purges: ClusterPurgeService,
    private readonly registration: RegistrationService,
  ) {}

  @Get()
  @CachedRead()
  @Roles(...READ_AGGREGATES)
  @ApiOperation({ summary: 'List clusters with engine, last snapshot status and latest posture' })
  list(@Query() q: ListClustersQuery): Promise<Page<ClusterSummary>> {
    return this.clusters.list(q);
  }

  @Get(':id')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_AGGREGATES)
  get(@Param() p: IdParam): Promise<ClusterSummary> {
    return this.clusters.get(p.id);
  }

  @Post()
  @Roles(...ADMIN_ONLY)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Register a cluster (kubeconfig, AKS cluster or manifests)' })
  register(@Body() dto: RegisterClusterDto): Promise<ClusterSummary> {
    return this.clusters.register(dto);
  }

  @Post('discover')
  @HttpCode(200)
  @Roles(...ADMIN_ONLY)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Discover AKS clusters in Azure subscriptions (optionally by resource group and tags) and register the new ones' })
  @ApiOkResponse({ type: DiscoveryReportDto })
  async discover(@Body() dto: DiscoverAksDto): Promise<RegistrationReport> {
    const report: RegistrationReport = { registered: [], skipped: [], problems: [] };
    await this.registration.discoverAks(dto.subscriptionIds, report, { resourceGroup: dto.resourceGroup, tags: dto.tags }, true);
    return report;
  }

  @Patch(':id')
  @Roles(...ADMIN_ONLY)
  @ApiBearerAuth()
  update(@Param() p: IdParam, @Body() dto: UpdateClusterDto): Promise<ClusterSummary> {
    return this.clusters.update(p.id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(...ADMIN_ONLY)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete a cluster; its snapshot history is kept unless ?purge=true (also works on a deleted cluster)' })
  async remove(@Param() p: IdParam, @Query() q: DeleteClusterQuery): Promise<void> {
    if (q.purge === 'true') await this.purges.purge(p.id);
    else await this.clusters.remove(p.id);
  }
}
