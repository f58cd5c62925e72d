// Query validation and OpenAPI schemas of the posture resource.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import type {
  ClusterPosturePage, ClusterProfile, HeatmapRow, NetworkProfileView, NodePoolView, PostureHeatmap, ProfileCaveat,
  BaselineBreakerView, BaselineView, ClusterRef, DefaultDenyFigures, DefaultDenyFilter, DirectionCoverage, NamespaceDetail,
  NamespaceDirectionDetail, NamespaceDirectionPosture, NamespacePostureItem, PolicyItem, PostureSort, PostureSummary, SnapshotRef,
  WorkloadIsolation, WorkloadPostureItem,
} from '@kordon/contracts';
import { ExceptedRefDto } from '../../exceptions/dto/exceptions.dto';
import { FindingItemDto } from '../../findings/dto/findings.dto';
import { NAMESPACE_NAME } from '../query-input';


export const POSTURE_SORTS: PostureSort[] = ['name', 'coverage', 'ingressCoverage', 'egressCoverage', 'pods', 'findings'];
export const POSTURE_SORT_PARAMS = [...POSTURE_SORTS, ...POSTURE_SORTS.map((s) => `-${s}` as const)];
export const DEFAULT_DENY_FILTERS: DefaultDenyFilter[] = ['ingress', 'egress', 'both', 'none', 'incomplete'];

const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class AtQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Read the snapshot in force at this time (latest when absent). Without an offset, UTC.' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 date or date-time' }) at?: string;
}

export class PostureQuery extends AtQuery {
  @ApiPropertyOptional({
    enum: POSTURE_SORT_PARAMS,
    default: 'name',
    description: 'Like every list: `field` ascending, `-field` descending. `coverage` is the mean of ingress and egress pod coverage; namespaces without pods sort last',
  })
  @IsOptional() @IsIn(POSTURE_SORT_PARAMS) sort?: PostureSort | `-${PostureSort}`;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc', deprecated: true, description: 'Older form of the direction; use `sort=-field`. Contradicting the sign of `sort` is a 400' })
  @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';

  @ApiPropertyOptional({ type: Boolean, description: 'Only excluded (system) namespaces, or only the others' })
  @IsOptional() @Transform(toBoolean) @IsBoolean({ message: 'excluded must be true or false' }) excluded?: boolean;

  @ApiPropertyOptional({ enum: DEFAULT_DENY_FILTERS, description: '`ingress`/`egress`: has that baseline; `both`; `none`: neither; `incomplete`: lacks at least one' })
  @IsOptional() @IsIn(DEFAULT_DENY_FILTERS) defaultDeny?: DefaultDenyFilter;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (same sort and filters)' })
  @IsOptional() @IsString() @MaxLength(1024) cursor?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100000, description: 'Skip this many matching rows (page numbers); not with `cursor`' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(100000) offset?: number;

  @ApiPropertyOptional({ description: 'Only namespaces whose name contains this text (case-insensitive)' })
  @IsOptional() @IsString() @MaxLength(63) q?: string;
}

export class NamespaceParam {
  @IsUUID('all', { message: 'id must be a UUID' }) id!: string;
  @Matches(NAMESPACE_NAME, { message: 'namespace must be a Kubernetes namespace name (lower-case letters, digits, "-", at most 63)' }) namespace!: string;
}

// ---- responses ----

export class ClusterRefDto implements ClusterRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) environment!: string | null;
  @ApiProperty({ type: String, nullable: true }) team!: string | null;
}

export class SnapshotRefDto implements SnapshotRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time', description: 'When the snapshot was taken (its start)' }) takenAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt!: string | null;
}

export class PostureSnapshotRefDto extends SnapshotRefDto {
  @ApiProperty({ enum: ['azure', 'calico', 'cilium', 'none', 'unknown'] }) engine!: string;
  @ApiProperty({ description: 'Whether the engine enforces NetworkPolicy at all' }) enforced!: boolean;
}

class DirectionCoverageDto implements DirectionCoverage {
  @ApiProperty({ description: 'Share of pods isolated, 0..1' }) pods!: number;
  @ApiProperty({ description: 'Share of workloads isolated, 0..1' }) workloads!: number;
  @ApiProperty() namespacesWithDefaultDeny!: number;
}

class SeverityCountsDto {
  @ApiProperty() critical!: number;
  @ApiProperty() high!: number;
  @ApiProperty() medium!: number;
  @ApiProperty() low!: number;
  @ApiProperty() info!: number;
}

export class PostureSummaryDto implements PostureSummary {
  @ApiProperty({ format: 'uuid' }) snapshotId!: string;
  @ApiProperty({ format: 'date-time' }) takenAt!: string;
  @ApiProperty({ description: 'Non-excluded namespaces' }) namespaces!: number;
  @ApiProperty() excludedNamespaces!: number;
  @ApiProperty({ type: DirectionCoverageDto }) ingress!: DirectionCoverageDto;
  @ApiProperty({ type: DirectionCoverageDto }) egress!: DirectionCoverageDto;
  @ApiProperty() enforced!: boolean;
  @ApiPropertyOptional({ type: SeverityCountsDto }) findings?: SeverityCountsDto;
}

export class NamespaceDirectionDto implements NamespaceDirectionPosture {
  @ApiProperty() isolatedPods!: number;
  @ApiProperty() isolatedWorkloads!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'isolatedPods / pods; null without pods' }) podCoverage!: number | null;
  @ApiProperty({ type: Number, nullable: true }) workloadCoverage!: number | null;
  @ApiProperty({ description: 'A default-deny baseline is present and not undone' }) defaultDeny!: boolean;
  @ApiProperty({ description: 'Every current pod is isolated' }) effectivelyIsolated!: boolean;
  @ApiPropertyOptional({ type: ExceptedRefDto, nullable: true, description: 'When default-deny is missing: the exception in force accepting the gap, else null' }) defaultDenyExcepted?: ExceptedRefDto | null;
}

export class NamespacePostureItemDto implements NamespacePostureItem {
  @ApiProperty() name!: string;
  @ApiProperty() excluded!: boolean;
  @ApiProperty() pods!: number;
  @ApiProperty() workloads!: number;
  @ApiProperty({ description: 'NetworkPolicy and CRD policy objects in the namespace' }) policies!: number;
  @ApiProperty({ description: 'Findings about the namespace in this snapshot' }) findings!: number;
  @ApiProperty({ type: NamespaceDirectionDto }) ingress!: NamespaceDirectionDto;
  @ApiProperty({ type: NamespaceDirectionDto }) egress!: NamespaceDirectionDto;
  @ApiProperty({ type: String, nullable: true, description: 'Why it is left out of roll-ups; null when it is not' }) excludedReason!: string | null;
}

export class DefaultDenyFiguresDto implements DefaultDenyFigures {
  @ApiProperty({ description: 'Non-excluded namespaces' }) namespaces!: number;
  @ApiProperty() namespacesWithDefaultDeny!: number;
  @ApiProperty({ description: 'With default-deny, or lacking it under an exception in force' }) namespacesWithDefaultDenyOrExcepted!: number;
  @ApiProperty({ type: Number, nullable: true }) defaultDenyShare!: number | null;
  @ApiProperty({ type: Number, nullable: true }) defaultDenyOrExceptedShare!: number | null;
}

export class DefaultDenyFiguresByDirectionDto {
  @ApiProperty({ type: DefaultDenyFiguresDto }) ingress!: DefaultDenyFiguresDto;
  @ApiProperty({ type: DefaultDenyFiguresDto }) egress!: DefaultDenyFiguresDto;
}

export class ClusterPostureDto implements ClusterPosturePage {
  @ApiProperty({ type: ClusterRefDto }) cluster!: ClusterRefDto;
  @ApiProperty({ type: PostureSnapshotRefDto }) snapshot!: PostureSnapshotRefDto;
  @ApiProperty({ type: PostureSummaryDto }) summary!: PostureSummaryDto;
  @ApiProperty({ type: [NamespacePostureItemDto] }) items!: NamespacePostureItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
  @ApiProperty({ description: 'Rows matching the filters and search, across all pages' }) total!: number;
  @ApiProperty({ description: 'Position of the first row of this page among them' }) offset!: number;
  @ApiPropertyOptional({ type: DefaultDenyFiguresByDirectionDto, description: 'Default-deny over the non-excluded namespaces, without and with exceptions in force' })
  defaultDenyFigures?: DefaultDenyFiguresByDirectionDto;
}

class NetworkProfileViewDto implements NetworkProfileView {
  @ApiProperty({ type: String, nullable: true, example: 'azure' }) networkPlugin!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'overlay' }) networkPluginMode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'cilium' }) networkPolicy!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'cilium' }) networkDataplane!: string | null;
  @ApiProperty({ type: [String] }) podCidrs!: string[];
  @ApiProperty({ type: [String] }) serviceCidrs!: string[];
  @ApiProperty({ type: String, nullable: true }) dnsServiceIp!: string | null;
  @ApiProperty({ type: String, nullable: true }) outboundType!: string | null;
  @ApiProperty({ type: String, nullable: true }) loadBalancerSku!: string | null;
  @ApiProperty({ type: [String] }) ipFamilies!: string[];
}

class NodePoolViewDto implements NodePoolView {
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) osType!: string | null;
  @ApiProperty({ type: String, nullable: true }) osSku!: string | null;
  @ApiProperty({ type: Number, nullable: true }) count!: number | null;
  @ApiProperty({ type: String, nullable: true }) mode!: string | null;
  @ApiProperty({ type: String, nullable: true }) vmSize!: string | null;
}

class ProfileCaveatDto implements ProfileCaveat {
  @ApiProperty({ example: 'KORDON-001' }) ruleId!: string;
  @ApiProperty({ enum: ['platform', 'enforcement'] }) category!: 'platform' | 'enforcement';
  @ApiProperty({ enum: ['critical', 'high', 'medium', 'low', 'info'] }) severity!: ProfileCaveat['severity'];
  @ApiProperty() title!: string;
  @ApiProperty({ description: 'The first finding of the rule' }) message!: string;
  @ApiProperty({ description: 'Further findings of the same rule, not listed' }) more!: number;
}

class ProfileCountsDto {
  @ApiProperty() namespaces!: number;
  @ApiProperty() pods!: number;
  @ApiProperty() nodes!: number;
}

export class ClusterProfileDto implements ClusterProfile {
  @ApiProperty({ type: ClusterRefDto }) cluster!: ClusterRefDto;
  @ApiProperty({ type: PostureSnapshotRefDto }) snapshot!: PostureSnapshotRefDto;
  @ApiProperty({ type: String, nullable: true }) kubernetesVersion!: string | null;
  @ApiProperty({ type: NetworkProfileViewDto, nullable: true }) networkProfile!: NetworkProfileViewDto | null;
  @ApiProperty({ type: [NodePoolViewDto] }) nodePools!: NodePoolViewDto[];
  @ApiProperty({ type: ProfileCountsDto, nullable: true }) counts!: ProfileCountsDto | null;
  @ApiProperty({ type: [ProfileCaveatDto], description: "The snapshot's platform and enforcement findings, one per rule" }) caveats!: ProfileCaveatDto[];
}

export class PostureHeatmapDto implements PostureHeatmap {
  @ApiProperty({ type: SnapshotRefDto }) snapshot!: SnapshotRefDto;
  @ApiProperty({
    type: 'array',
    items: { type: 'array', items: {} },
    description: 'One row per namespace, sorted by name: [name, excluded 0|1, pods, workloads, ingress-isolated workloads, egress-isolated workloads, default-deny ingress 0|1, default-deny egress 0|1]',
  })
  rows!: HeatmapRow[];
}

class BaselineBreakerDto implements BaselineBreakerView {
  @ApiProperty() policy!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty() openedPods!: number;
  @ApiProperty() selectsAllPods!: boolean;
}

class BaselineDto implements BaselineView {
  @ApiProperty() present!: boolean;
  @ApiProperty({ type: [String] }) policies!: string[];
  @ApiProperty() broken!: boolean;
  @ApiProperty({ type: [BaselineBreakerDto] }) brokenBy!: BaselineBreakerDto[];
}

class NamespaceDirectionDetailDto extends NamespaceDirectionDto implements NamespaceDirectionDetail {
  @ApiProperty() pods!: number;
  @ApiProperty() workloads!: number;
  @ApiProperty({ description: 'Policies selecting at least one current pod for this direction' }) policies!: number;
  @ApiProperty({ type: BaselineDto }) baseline!: BaselineDto;
}

class WorkloadIsolationDto implements WorkloadIsolation {
  @ApiProperty() isolated!: boolean;
  @ApiProperty({ type: [String], description: 'NetworkPolicy names, CRD policies as Kind/name' }) policies!: string[];
}

class WorkloadPostureItemDto implements WorkloadPostureItem {
  @ApiProperty() kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty() pods!: number;
  @ApiProperty() excluded!: boolean;
  @ApiProperty({ enum: ['template', 'pods'] }) basis!: 'template' | 'pods';
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, nullable: true }) labels!: Record<string, string> | null;
  @ApiProperty({ type: WorkloadIsolationDto }) ingress!: WorkloadIsolationDto;
  @ApiProperty({ type: WorkloadIsolationDto }) egress!: WorkloadIsolationDto;
}

class PolicyItemDto implements PolicyItem {
  @ApiProperty({ description: 'SHA-256 of body' }) hash!: string;
  @ApiProperty() apiVersion!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null for cluster-scoped CRD policies' }) namespace!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The JSON text exactly as the API server served it' }) body!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'body parsed' }) object!: Record<string, unknown> | null;
  @ApiProperty({ type: [String], description: 'Workloads of the namespace it selects (Kind/name)' }) selects!: string[];
}

class NamespaceHeaderDto {
  @ApiProperty() name!: string;
  @ApiProperty() excluded!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) labels!: Record<string, string>;
  @ApiProperty() pods!: number;
  @ApiProperty() terminatedPods!: number;
  @ApiProperty() workloads!: number;
  @ApiProperty({ description: 'NetworkPolicy objects' }) policies!: number;
  @ApiProperty({ description: 'Namespaced CRD policies evaluated' }) crdPolicies!: number;
  @ApiProperty({ type: NamespaceDirectionDetailDto }) ingress!: NamespaceDirectionDetailDto;
  @ApiProperty({ type: NamespaceDirectionDetailDto }) egress!: NamespaceDirectionDetailDto;
}

export class NamespaceDetailDto implements NamespaceDetail {
  @ApiProperty({ type: ClusterRefDto }) cluster!: ClusterRefDto;
  @ApiProperty({ type: SnapshotRefDto }) snapshot!: SnapshotRefDto;
  @ApiProperty({ type: NamespaceHeaderDto }) namespace!: NamespaceHeaderDto;
  @ApiProperty({ type: [WorkloadPostureItemDto] }) workloads!: WorkloadPostureItemDto[];
  @ApiProperty({ type: [PolicyItemDto] }) policies!: PolicyItemDto[];
  @ApiProperty({ type: [FindingItemDto] }) findings!: FindingItemDto[];
}
