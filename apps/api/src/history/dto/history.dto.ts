// Query validation and OpenAPI schemas of the history resources.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import type {
  ClusterHistory, ClusterHistoryDirection, ClusterHistoryPoint, ClusterSummary, FleetClustersAt, FleetGroupBy, FleetGroupSummary, FleetHistory, FleetRollupPoint, FleetSeries,
  FleetSummary, FleetTotals, HistoryBucket, NamespaceHistory, NamespaceHistoryDirection, NamespaceHistoryPoint,
} from '@kordon/contracts';
import { HISTORY_BUCKETS, MAX_POINTS } from '../time-range';

export const FLEET_GROUPS: FleetGroupBy[] = ['environment', 'team', 'cluster'];

export class HistoryQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start (inclusive); default: 30 days before `to`. Without an offset, UTC.' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' }) from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End (inclusive); default: now' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' }) to?: string;

  @ApiPropertyOptional({ enum: HISTORY_BUCKETS, default: 'day', description: `One point per bucket (UTC; weeks start on Monday), at most ${MAX_POINTS} buckets` })
  @IsOptional() @IsIn(HISTORY_BUCKETS, { message: `bucket must be one of: ${HISTORY_BUCKETS.join(', ')}` }) bucket?: HistoryBucket;
}

export class FleetFilterQuery {
  @ApiPropertyOptional({ description: 'Only clusters of this environment' })
  @IsOptional() @IsString() @MaxLength(64) environment?: string;

  @ApiPropertyOptional({ description: 'Only clusters of this team' })
  @IsOptional() @IsString() @MaxLength(64) team?: string;
}

export class FleetHistoryQuery extends HistoryQuery {
  @ApiPropertyOptional({ enum: FLEET_GROUPS, default: 'environment' })
  @IsOptional() @IsIn(FLEET_GROUPS, { message: `groupBy must be one of: ${FLEET_GROUPS.join(', ')}` }) groupBy?: FleetGroupBy;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) environment?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) team?: string;
}

export class FleetSummaryQuery extends FleetFilterQuery {
  @ApiPropertyOptional({ format: 'date-time', description: "Each cluster's snapshot in force at this time instead of its latest" })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 date or date-time' }) at?: string;
}

export class FleetClustersQuery extends FleetFilterQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Every cluster as it stood at this time; default: now. A date without a time is its start (UTC).' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 date or date-time' }) at?: string;
}

// ---- responses ----

class ClusterHistoryDirectionDto implements ClusterHistoryDirection {
  @ApiProperty({ type: Number, nullable: true, description: 'Share of pods isolated, 0..1' }) podCoverage!: number | null;
  @ApiProperty({ type: Number, nullable: true }) workloadCoverage!: number | null;
  @ApiProperty() namespacesWithDefaultDeny!: number;
  @ApiProperty({ type: Number, nullable: true }) defaultDenyShare!: number | null;
}

class ClusterHistoryPointDto implements ClusterHistoryPoint {
  @ApiProperty({ format: 'date-time', description: 'Bucket start' }) bucket!: string;
  @ApiProperty({ format: 'uuid', description: 'The last snapshot taken in the bucket' }) snapshotId!: string;
  @ApiProperty({ format: 'date-time' }) takenAt!: string;
  @ApiProperty({ description: 'Non-excluded namespaces' }) namespaces!: number;
  @ApiProperty({ type: Boolean, nullable: true }) enforced!: boolean | null;
  @ApiProperty({ type: ClusterHistoryDirectionDto }) ingress!: ClusterHistoryDirectionDto;
  @ApiProperty({ type: ClusterHistoryDirectionDto }) egress!: ClusterHistoryDirectionDto;
}

export class ClusterHistoryDto implements ClusterHistory {
  @ApiProperty({ format: 'uuid' }) clusterId!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: HISTORY_BUCKETS }) bucket!: HistoryBucket;
  @ApiProperty({ type: [ClusterHistoryPointDto] }) points!: ClusterHistoryPointDto[];
}

class NamespaceHistoryDirectionDto implements NamespaceHistoryDirection {
  @ApiProperty() isolatedPods!: number;
  @ApiProperty() isolatedWorkloads!: number;
  @ApiProperty({ type: Number, nullable: true }) podCoverage!: number | null;
  @ApiProperty({ type: Number, nullable: true }) workloadCoverage!: number | null;
  @ApiProperty() defaultDeny!: boolean;
  @ApiProperty() effectivelyIsolated!: boolean;
}

class NamespaceHistoryPointDto implements NamespaceHistoryPoint {
  @ApiProperty({ format: 'date-time' }) bucket!: string;
  @ApiProperty({ format: 'uuid' }) snapshotId!: string;
  @ApiProperty({ format: 'date-time' }) takenAt!: string;
  @ApiProperty() excluded!: boolean;
  @ApiProperty() pods!: number;
  @ApiProperty() workloads!: number;
  @ApiProperty() policies!: number;
  @ApiProperty({ type: NamespaceHistoryDirectionDto }) ingress!: NamespaceHistoryDirectionDto;
  @ApiProperty({ type: NamespaceHistoryDirectionDto }) egress!: NamespaceHistoryDirectionDto;
}

export class NamespaceHistoryDto implements NamespaceHistory {
  @ApiProperty({ format: 'uuid' }) clusterId!: string;
  @ApiProperty() namespace!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: HISTORY_BUCKETS }) bucket!: HistoryBucket;
  @ApiProperty({ type: [NamespaceHistoryPointDto] }) points!: NamespaceHistoryPointDto[];
}

class FleetRollupPointDto implements FleetRollupPoint {
  @ApiProperty({ format: 'date-time' }) bucket!: string;
  @ApiProperty({ description: 'Clusters with a snapshot in force at the end of the bucket' }) clusters!: number;
  @ApiProperty({ description: 'Non-excluded namespaces' }) namespaces!: number;
  @ApiProperty() defaultDenyIngress!: number;
  @ApiProperty() defaultDenyEgress!: number;
  @ApiProperty({ type: Number, nullable: true }) defaultDenyIngressShare!: number | null;
  @ApiProperty({ type: Number, nullable: true }) defaultDenyEgressShare!: number | null;
  @ApiProperty({ description: 'Pods in non-excluded namespaces' }) pods!: number;
  @ApiProperty() ingressIsolatedPods!: number;
  @ApiProperty() egressIsolatedPods!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'ingressIsolatedPods / pods' }) ingressPodCoverage!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'egressIsolatedPods / pods' }) egressPodCoverage!: number | null;
}

class FleetSeriesDto implements FleetSeries {
  @ApiProperty({ type: String, nullable: true, description: 'Environment, team or cluster id' }) key!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [FleetRollupPointDto] }) points!: FleetRollupPointDto[];
}

export class FleetHistoryDto implements FleetHistory {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: HISTORY_BUCKETS }) bucket!: HistoryBucket;
  @ApiProperty({ enum: FLEET_GROUPS }) groupBy!: FleetGroupBy;
  @ApiProperty({ type: [FleetSeriesDto] }) series!: FleetSeriesDto[];
}

class SeverityCountsDto {
  @ApiProperty() critical!: number;
  @ApiProperty() high!: number;
  @ApiProperty() medium!: number;
  @ApiProperty() low!: number;
  @ApiProperty() info!: number;
}

class FleetTotalsDto implements FleetTotals {
  @ApiProperty() clusters!: number;
  @ApiProperty() enforcedClusters!: number;
  @ApiProperty() namespaces!: number;
  @ApiProperty() defaultDenyIngress!: number;
  @ApiProperty() defaultDenyEgress!: number;
  @ApiProperty({ type: Number, nullable: true }) defaultDenyIngressShare!: number | null;
  @ApiProperty({ type: Number, nullable: true }) defaultDenyEgressShare!: number | null;
  @ApiProperty() pods!: number;
  @ApiProperty() ingressIsolatedPods!: number;
  @ApiProperty() egressIsolatedPods!: number;
  @ApiProperty({ type: Number, nullable: true }) ingressPodCoverage!: number | null;
  @ApiProperty({ type: Number, nullable: true }) egressPodCoverage!: number | null;
  @ApiProperty({ type: SeverityCountsDto }) findings!: SeverityCountsDto;
}

class FleetGroupSummaryDto extends FleetTotalsDto implements FleetGroupSummary {
  @ApiProperty({ type: String, nullable: true }) key!: string | null;
  @ApiProperty() name!: string;
}

export class FleetSummaryDto implements FleetSummary {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) at!: string | null;
  @ApiProperty({ type: FleetTotalsDto }) totals!: FleetTotalsDto;
  @ApiProperty({ type: [FleetGroupSummaryDto] }) byEnvironment!: FleetGroupSummaryDto[];
  @ApiProperty({ type: [FleetGroupSummaryDto] }) byTeam!: FleetGroupSummaryDto[];
}

export class FleetClustersDto implements FleetClustersAt {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The time asked for; null for now' }) at!: string | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'Rows shaped as GET /api/clusters items (ClusterSummary), as they stood at `at`, by name',
  })
  items!: ClusterSummary[];
}
