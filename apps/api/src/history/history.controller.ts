import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { ClusterHistory, ClusterTimeInState, FleetClustersAt, FleetHistory, FleetSummary, NamespaceHistory, NamespaceTimeInState } from '@kordon/contracts';
import { Roles } from '../auth/auth.guard';
import { READ_AGGREGATES } from '../auth/roles';
import { IdParam } from '../clusters/dto/register-cluster.dto';
import { NamespaceParam } from '../posture/dto/posture.dto';
import {
  ClusterHistoryDto, FleetClustersDto, FleetClustersQuery, FleetHistoryDto, FleetHistoryQuery, FleetSummaryDto, FleetSummaryQuery, HistoryQuery, NamespaceHistoryDto,
} from './dto/history.dto';
import { HistoryService } from './history.service';
import type { JsonText } from '../common/json-text';
import { CachedRead } from '../read-cache/read-cache.interceptor';
import { ClusterTimeInStateDto, ClusterTimeInStateQuery, NamespaceTimeInStateDto, TimeInStateQuery } from './time-in-state.dto';
import { TimeInStateService } from './time-in-state.service';

const RANGE_ERRORS = 'Malformed id or time, from after to, unknown bucket, or more than 2,000 buckets';

@ApiTags('history')
@Controller()
export class HistoryController {
  constructor(private readonly history: HistoryService, private readonly timeInState: TimeInStateService) {}

  @Get('clusters/:id/namespaces/:namespace/time-in-state')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_AGGREGATES)
  @ApiOperation({
    summary: 'Time in state of one namespace: since when, and for what share of a range, default-deny held per direction',
    description:
      'Each succeeded snapshot vouches for its state from its start until the next snapshot, at most the cluster schedule + scheduleSlackMinutes; ' +
      'time beyond that, after a failed snapshot until the next succeeded one, and before the first snapshot is unknown, never protected. ' +
      'Default range: the last 90 days; at most 2 years. Intervals merge equal states and keep the snapshots vouching for them.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'namespace', example: 'payments' })
  @ApiOkResponse({ type: NamespaceTimeInStateDto })
  @ApiBadRequestResponse({ description: 'Malformed id, namespace or time, from after to, or a range over 2 years' })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or a namespace the cluster never had' })
  namespaceTimeInState(@Param() p: NamespaceParam, @Query() q: TimeInStateQuery): Promise<NamespaceTimeInState> {
    return this.timeInState.namespace(p.id, p.namespace, q);
  }

  @Get('clusters/:id/time-in-state')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_AGGREGATES)
  @ApiOperation({
    summary: 'Time in state of every namespace of a cluster over a range (summary per namespace and direction)',
    description: 'As the namespace resource, for every namespace seen in the range; interval lists and proving snapshots only with `intervals=true`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ClusterTimeInStateDto })
  @ApiBadRequestResponse({ description: 'Malformed id or time, from after to, or a range over 2 years' })
  @ApiNotFoundResponse({ description: 'Unknown cluster' })
  clusterTimeInState(@Param() p: IdParam, @Query() q: ClusterTimeInStateQuery): Promise<ClusterTimeInState> {
    return this.timeInState.cluster(p.id, q);
  }

  @Get('clusters/:id/history')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_AGGREGATES)
  @ApiOperation({
    summary: 'Coverage and default-deny of a cluster over time',
    description: 'One point per bucket: the last succeeded snapshot taken in it (buckets without a snapshot have no point). Default range: the last 30 days, by day.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ClusterHistoryDto })
  @ApiBadRequestResponse({ description: RANGE_ERRORS })
  @ApiNotFoundResponse({ description: 'Unknown cluster' })
  cluster(@Param() p: IdParam, @Query() q: HistoryQuery): Promise<ClusterHistory> {
    return this.history.cluster(p.id, q);
  }

  @Get('clusters/:id/namespaces/:namespace/history')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_AGGREGATES)
  @ApiOperation({
    summary: 'Coverage and default-deny of one namespace over time',
    description: 'One point per bucket: the namespace as the last snapshot taken in the bucket saw it.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'namespace', example: 'payments' })
  @ApiOkResponse({ type: NamespaceHistoryDto })
  @ApiBadRequestResponse({ description: RANGE_ERRORS })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or a namespace the cluster never had' })
  namespace(@Param() p: NamespaceParam, @Query() q: HistoryQuery): Promise<NamespaceHistory | JsonText> {
    return this.history.namespaceJson(p.id, p.namespace, q);
  }

  @Get('fleet/history')
  @CachedRead()
  @Roles(...READ_AGGREGATES)
  @ApiOperation({
    summary: 'Rollout progress: namespaces with default-deny per environment, team or cluster over time',
    description: 'Every bucket counts each live cluster with its last snapshot taken up to the end of the bucket (earlier snapshots carry forward), so clusters snapshotted less often than the bucket never drop out.',
  })
  @ApiOkResponse({ type: FleetHistoryDto })
  @ApiBadRequestResponse({ description: RANGE_ERRORS })
  fleet(@Query() q: FleetHistoryQuery): Promise<FleetHistory> {
    return this.history.fleet(q);
  }

  @Get('fleet/clusters')
  @CachedRead()
  @Roles(...READ_AGGREGATES)
  @ApiOperation({
    summary: 'Time travel for the fleet list: every cluster as it stood at `at`',
    description:
      "The cluster list's rows with, per cluster, the last snapshot started up to `at` (any status) and the posture of the last one that succeeded by then; " +
      '`stale` is judged at `at`. Clusters registered after `at` with no earlier snapshot are left out. Without `at`, the rows equal `GET /api/clusters`.',
  })
  @ApiOkResponse({ type: FleetClustersDto })
  @ApiBadRequestResponse({ description: 'Malformed time or filter' })
  clusters(@Query() q: FleetClustersQuery): Promise<FleetClustersAt> {
    return this.history.clustersAt(q);
  }

  @Get('fleet/summary')
  @CachedRead()
  @Roles(...READ_AGGREGATES)
  @ApiOperation({ summary: "Current totals (or at `at`) per environment and team: namespaces with default-deny, pod coverage, findings" })
  @ApiOkResponse({ type: FleetSummaryDto })
  @ApiBadRequestResponse({ description: 'Malformed time or filter' })
  summary(@Query() q: FleetSummaryQuery): Promise<FleetSummary> {
    return this.history.summary(q);
  }
}
