// Requests and responses of the evidence routes, validated and described for OpenAPI.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type {
  EvidenceDocument, EvidenceIntegrity, EvidenceIntegrityItem, EvidenceList, EvidenceListItem, EvidenceNamespace, EvidencePod, EvidencePolicy,
  EvidenceSort, EvidenceWorkload,
} from '@kordon/contracts';

export const EVIDENCE_SORTS: readonly EvidenceSort[] = ['startedAt', '-startedAt'];
export const DEFAULT_EVIDENCE_SORT: EvidenceSort = 'startedAt';

export class EvidenceRangeQuery {
  @ApiPropertyOptional({ description: 'ISO 8601; default: 31 days before `to`', example: '2025-01-01T00:00:00Z' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' }) from?: string;
  @ApiPropertyOptional({ description: 'ISO 8601; default: now. The range spans at most 366 days' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' }) to?: string;
  @ApiPropertyOptional({ enum: EVIDENCE_SORTS, default: DEFAULT_EVIDENCE_SORT, description: '`startedAt`: oldest first; `-startedAt`: newest first. Ties break by snapshot id' })
  @IsOptional() @IsIn(EVIDENCE_SORTS, { message: `sort must be one of ${EVIDENCE_SORTS.join(', ')}` }) sort?: EvidenceSort;
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page, with the same sort (another sort answers 400) and range' })
  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
  @ApiPropertyOptional({ enum: ['documents'], description: 'documents: include each snapshot\'s whole evidence document (a date-range export; at most 20 a page)' })
  @IsOptional() @IsIn(['documents'], { message: 'include must be documents' }) include?: 'documents';
}

const JSON_OBJECT = { type: 'object', additionalProperties: true } as const;
const LABELS = { type: 'object', additionalProperties: { type: 'string' } } as const;

export class EvidenceIntegrityItemDto implements EvidenceIntegrityItem {
  @ApiProperty({ example: 'policy' }) type!: string;
  @ApiProperty({ example: 'NetworkPolicy/shop/deny-all' }) key!: string;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }) sha256!: string;
}

export class EvidenceIntegrityDto implements EvidenceIntegrity {
  @ApiProperty({ enum: ['sha256'] }) algorithm!: 'sha256';
  @ApiProperty() method!: string;
  @ApiProperty({ type: [EvidenceIntegrityItemDto] }) items!: EvidenceIntegrityItemDto[];
  @ApiProperty() manifestDigest!: string;
  @ApiProperty() contentAddressesVerified!: boolean;
  @ApiProperty({ type: [String] }) mismatches!: string[];
}

export class EvidencePolicyDto implements EvidencePolicy {
  @ApiProperty() apiVersion!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ nullable: true, type: String }) namespace!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty() sha256!: string;
  @ApiProperty({ description: 'The JSON text exactly as served' }) body!: string;
}

export class EvidenceNamespaceDto implements EvidenceNamespace {
  @ApiProperty() name!: string;
  @ApiProperty(LABELS) labels!: Record<string, string>;
  @ApiProperty() pods!: number;
  @ApiProperty() workloads!: number;
}

export class EvidencePodDto implements EvidencePod {
  @ApiProperty() name!: string;
  @ApiProperty(LABELS) labels!: Record<string, string>;
  @ApiProperty({ nullable: true, type: String }) nodeName!: string | null;
  @ApiProperty({ nullable: true, type: String }) phase!: string | null;
  @ApiProperty({ type: [String] }) ips!: string[];
  @ApiProperty() hostNetwork!: boolean;
  @ApiProperty() synthetic!: boolean;
  @ApiProperty({ type: 'array', items: JSON_OBJECT }) ports!: unknown[];
}

export class EvidenceWorkloadDto implements EvidenceWorkload {
  @ApiProperty() namespace!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() name!: string;
  @ApiProperty(LABELS) labels!: Record<string, string>;
  @ApiProperty() podCount!: number;
  @ApiProperty({ type: 'array', items: JSON_OBJECT }) ports!: unknown[];
  @ApiProperty({ type: [EvidencePodDto] }) pods!: EvidencePodDto[];
}

export class EvidenceClusterDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['kubeconfig', 'aks', 'manifests'] }) source!: string;
  @ApiProperty({ nullable: true, type: String }) environment!: string | null;
  @ApiProperty({ nullable: true, type: String }) team!: string | null;
}

export class EvidenceSnapshotDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['schedule', 'manual', 'seed'] }) trigger!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) kubernetesVersion!: string | null;
  @ApiProperty({ nullable: true, type: String }) policyEngine!: string | null;
  @ApiProperty({ ...JSON_OBJECT, nullable: true }) counts!: Record<string, number> | null;
  @ApiProperty({ type: 'array', items: JSON_OBJECT }) problems!: unknown[];
}

export class EvidencePostureDto {
  @ApiProperty({ ...JSON_OBJECT, nullable: true, description: 'Cluster roll-up stored with the snapshot' }) summary!: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: JSON_OBJECT, description: 'Namespace posture rows stored with the snapshot' }) namespaces!: Record<string, unknown>[];
}

export class EvidenceDocumentDto implements EvidenceDocument {
  @ApiProperty({ enum: ['kordon-evidence/v1'] }) format!: 'kordon-evidence/v1';
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: EvidenceClusterDto }) cluster!: EvidenceClusterDto;
  @ApiProperty({ type: EvidenceSnapshotDto }) snapshot!: EvidenceSnapshotDto;
  @ApiProperty({ ...JSON_OBJECT, nullable: true, description: 'Exactly as stored' }) networkProfile!: Record<string, unknown> | null;
  @ApiProperty({ type: 'array', items: JSON_OBJECT, nullable: true, description: 'Exactly as stored' }) nodePools!: Record<string, unknown>[] | null;
  @ApiProperty({ type: [EvidencePolicyDto] }) policies!: EvidencePolicyDto[];
  @ApiProperty({ type: [EvidenceNamespaceDto] }) namespaces!: EvidenceNamespaceDto[];
  @ApiProperty({ type: [EvidenceWorkloadDto] }) workloads!: EvidenceWorkloadDto[];
  @ApiProperty({ type: EvidencePostureDto }) posture!: EvidencePostureDto;
  @ApiProperty({ type: 'array', items: JSON_OBJECT }) findings!: Record<string, unknown>[];
  @ApiProperty({ type: EvidenceIntegrityDto }) integrity!: EvidenceIntegrityDto;
}

export class EvidenceLinksDto {
  @ApiProperty({ example: '/api/snapshots/00000000-0000-4000-8000-000000000000/evidence' }) evidence!: string;
}

export class EvidenceListItemDto implements EvidenceListItem {
  @ApiProperty({ format: 'uuid' }) snapshotId!: string;
  @ApiProperty() trigger!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty() manifestDigest!: string;
  @ApiProperty() contentAddressesVerified!: boolean;
  @ApiProperty({ type: EvidenceLinksDto }) links!: EvidenceLinksDto;
  @ApiPropertyOptional({ type: () => EvidenceDocumentDto, description: 'With ?include=documents' }) document?: EvidenceDocumentDto;
}

export class EvidenceListDto implements EvidenceList {
  @ApiProperty({ format: 'uuid' }) clusterId!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [EvidenceListItemDto] }) items!: EvidenceListItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class VerifyChainQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'One cluster; default: every cluster' })
  @IsOptional() @IsUUID('all', { message: 'clusterId must be a UUID' }) clusterId?: string;
  @ApiPropertyOptional({ description: 'ISO 8601; default: the start of each chain' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' }) from?: string;
  @ApiPropertyOptional({ description: 'ISO 8601; default: now' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' }) to?: string;
}

export class BundleQuery {
  @ApiPropertyOptional({ description: 'ISO 8601: the evidence as of then (default: now); not with from/to' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 time' }) at?: string;
  @ApiPropertyOptional({ description: 'ISO 8601: start of a range (default: 31 days before to)' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' }) from?: string;
  @ApiPropertyOptional({ description: 'ISO 8601: end of a range (default: now); the range spans at most 366 days' })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' }) to?: string;
}
