import { Body, ConflictException, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { ClusterSummary, Page } from '@kordon/contracts';
import { Roles, type AuthedRequest } from '../auth/auth.guard';
import { ADMIN_ONLY, READ_AGGREGATES } from '../auth/roles';
import { TokensRepository } from '../auth/tokens.repository';
import { KordonErrorCode, KordonException } from '../common/kordon.exception';
import { ClusterPurgeRepository } from './cluster-purge.repository';
import { ClustersService } from './clusters.service';
import { DiscoverAksDto, DiscoveryReportDto, IdParam, ListClustersQuery, RegisterClusterDto, UpdateClusterDto } from './dto/register-cluster.dto';
import { RegistrationService, type RegistrationReport } from './registration.service';

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
    @Inject(TokensRepository) private readonly audit: TokensRepository,
    private readonly purges: ClusterPurgeRepository,
    private readonly registration: RegistrationService,
  ) {}

  @Get()
  @Roles(...READ_AGGREGATES)
  @ApiOperation({ summary: 'List clusters with engine, last snapshot status and latest posture' })
  list(@Query() q: ListClustersQuery): Promise<Page<ClusterSummary>> {
    return this.clusters.list(q);
  }

  @Get(':id')
  @Roles(...READ_AGGREGATES)
  get(@Param() p: IdParam): Promise<ClusterSummary> {
    return this.clusters.get(p.id);
  }

  @Post()
  @Roles(...ADMIN_ONLY)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Register a cluster (kubeconfig, AKS cluster or manifests)' })
  async register(@Body() dto: RegisterClusterDto, @Req() req: AuthedRequest): Promise<ClusterSummary> {
    const created = await this.clusters.register(dto);
    await this.audit.audit(req.principal!.name, 'cluster.register', created.id, { name: dto.name, source: dto.source });
    return created;
  }

  @Post('discover')
  @HttpCode(200)
  @Roles(...ADMIN_ONLY)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Discover AKS clusters in Azure subscriptions (optionally by resource group and tags) and register the new ones' })
  @ApiOkResponse({ type: DiscoveryReportDto })
  async discover(@Body() dto: DiscoverAksDto, @Req() req: AuthedRequest): Promise<RegistrationReport> {
    const report: RegistrationReport = { registered: [], skipped: [], problems: [] };
    await this.registration.discoverAks(dto.subscriptionIds, report, { resourceGroup: dto.resourceGroup, tags: dto.tags });
    await this.audit.audit(req.principal!.name, 'cluster.discover', null, { subscriptionIds: dto.subscriptionIds, registered: report.registered });
    return report;
  }

  @Patch(':id')
  @Roles(...ADMIN_ONLY)
  @ApiBearerAuth()
  async update(@Param() p: IdParam, @Body() dto: UpdateClusterDto, @Req() req: AuthedRequest): Promise<ClusterSummary> {
    const updated = await this.clusters.update(p.id, dto);
    await this.audit.audit(req.principal!.name, 'cluster.update', p.id, { ...dto });
    return updated;
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(...ADMIN_ONLY)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Delete a cluster; its snapshot history is kept unless ?purge=true (also works on a deleted cluster)' })
  async remove(@Param() p: IdParam, @Query() q: DeleteClusterQuery, @Req() req: AuthedRequest): Promise<void> {
    if (q.purge === 'true') {
      const found = await this.purges.find(p.id);
      if (!found) throw new KordonException(KordonErrorCode.ClusterNotFound, `cluster ${p.id} not found`);
      if (found.running) throw new ConflictException(`a snapshot of cluster ${found.name} is running; purge it once the snapshot has finished`);
      const snapshots = await this.purges.purge(p.id);
      await this.audit.audit(req.principal!.name, 'cluster.purge', p.id, { name: found.name, snapshots });
      return;
    }
    await this.clusters.remove(p.id);
    await this.audit.audit(req.principal!.name, 'cluster.delete', p.id);
  }
}
