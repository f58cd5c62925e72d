// Reachability over HTTP: the namespace matrix, who can reach a workload, where it can go, at the
// latest snapshot or the one in force at `?at=`.
import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.guard';
import { READ_DETAIL } from '../auth/roles';
import { IdParam } from '../clusters/dto/register-cluster.dto';
import {
  AtQuery, NamespacePairReachabilityDto, PairParams, ReachabilityMatrixDto, ReachabilityWorkloadListDto, WorkloadListQuery, WorkloadParams, WorkloadQuery,
  WorkloadReachabilityDto,
} from './dto/reachability.dto';
import { ReachabilityService } from './reachability.service';
import { RetryAfterInterceptor } from './retry-after.interceptor';

const BUSY = {
  description: 'Too many reachability reports are being computed or waiting on this API process; retry after `Retry-After` seconds',
  headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
};

@ApiTags('reachability')
@ApiBearerAuth()
@ApiServiceUnavailableResponse(BUSY)
@UseInterceptors(RetryAfterInterceptor)
@Controller('clusters/:id/reachability')
export class ReachabilityController {
  constructor(private readonly reachability: ReachabilityService) {}

  @Get('matrix')
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'Namespace matrix: the connections allowed between the workloads of each ordered pair of namespaces' })
  @ApiOkResponse({ type: ReachabilityMatrixDto })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot (at that time)' })
  matrix(@Param() p: IdParam, @Query() q: AtQuery): Promise<ReachabilityMatrixDto> {
    return this.reachability.matrix(p.id, q.at);
  }

  @Get('pairs/:from/:to')
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'One matrix cell in detail: the workload connections from namespace `from` to namespace `to`, each with the policies allowing it' })
  @ApiParam({ name: 'from', description: 'Source namespace' })
  @ApiParam({ name: 'to', description: 'Destination namespace' })
  @ApiOkResponse({ type: NamespacePairReachabilityDto })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot (at that time)' })
  pair(@Param() p: PairParams, @Query() q: AtQuery): Promise<NamespacePairReachabilityDto> {
    return this.reachability.pair(p.id, p.from, p.to, q.at);
  }

  @Get('workloads')
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'The workloads of the snapshot, searchable by `namespace/name`, to pick one' })
  @ApiOkResponse({ type: ReachabilityWorkloadListDto })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot (at that time)' })
  workloads(@Param() p: IdParam, @Query() q: WorkloadListQuery): Promise<ReachabilityWorkloadListDto> {
    return this.reachability.workloads(p.id, q);
  }

  @Get('workloads/:namespace/:name/ingress')
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'Who can reach a workload: connections into it from workloads and external address ranges' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'name', description: 'Workload name (Deployment, StatefulSet… or a bare pod)' })
  @ApiOkResponse({ type: WorkloadReachabilityDto })
  @ApiNotFoundResponse({ description: 'Unknown cluster or workload, or no succeeded snapshot (at that time)' })
  ingress(@Param() p: WorkloadParams, @Query() q: WorkloadQuery): Promise<WorkloadReachabilityDto> {
    return this.reachability.workload(p.id, p.namespace, p.name, 'ingress', q);
  }

  @Get('workloads/:namespace/:name/egress')
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'Where a workload can go: connections out of it to workloads and external address ranges' })
  @ApiParam({ name: 'namespace' })
  @ApiParam({ name: 'name' })
  @ApiOkResponse({ type: WorkloadReachabilityDto })
  @ApiNotFoundResponse({ description: 'Unknown cluster or workload, or no succeeded snapshot (at that time)' })
  egress(@Param() p: WorkloadParams, @Query() q: WorkloadQuery): Promise<WorkloadReachabilityDto> {
    return this.reachability.workload(p.id, p.namespace, p.name, 'egress', q);
  }
}
