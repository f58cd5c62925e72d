import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateBy, ValidateIf, ValidateNested,
} from 'class-validator';
import type { ClusterSort, ClusterSortField } from '@kordon/contracts';

/** A flat map of string keys to string values (Kubernetes-style labels), at most 64 entries. */
export function IsStringMap(): PropertyDecorator {
  return ValidateBy({
    name: 'isStringMap',
    validator: {
      validate: (v: unknown) =>
        typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length <= 64 &&
        Object.entries(v).every(([k, x]) => k.length <= 317 && typeof x === 'string' && x.length <= 256),
      defaultMessage: () => '$property must map string keys to string values (at most 64 entries)',
    },
  });
}

/** Azure subscription ids are GUIDs, not necessarily RFC 4122 UUIDs. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;

export class ManifestFileDto {
  @ApiProperty({ example: 'payments.yaml' }) @IsString() @Matches(/^[^/\\]{1,256}$/, { message: 'file name must be 1-256 characters without slashes' }) name!: string;
  @ApiProperty({ description: 'The file text: kubectl get … -o yaml|json output, or az aks show JSON' }) @IsString() @MaxLength(1_000_000) text!: string;
}

export class RegisterClusterDto {
  @ApiProperty({ example: 'aks-prod-weu', description: 'Unique name: lower-case letters, digits, - and .' })
  @IsString() @Matches(CLUSTER_NAME, { message: 'name must be lower-case letters, digits, "-" or "." (at most 63)' })
  name!: string;

  @ApiProperty({ enum: ['kubeconfig', 'aks', 'manifests'] })
  @IsIn(['kubeconfig', 'aks', 'manifests'])
  source!: 'kubeconfig' | 'aks' | 'manifests';

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) environment?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) team?: string;
  @ApiPropertyOptional({ minimum: 5, maximum: 10080, default: 60 }) @IsOptional() @IsInt() @Min(5) @Max(10080) scheduleMinutes?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) @IsOptional() @IsStringMap() labels?: Record<string, string>;

  @ApiPropertyOptional({ description: 'kubeconfig YAML with inline credentials (stored encrypted, never returned)', writeOnly: true })
  @IsOptional() @IsString({ message: 'kubeconfig must be the kubeconfig YAML as a string' }) @MaxLength(262_144)
  kubeconfig?: string;

  @ApiPropertyOptional({ description: 'Path of a kubeconfig file on the API host' })
  @IsOptional() @IsString() @MaxLength(1024) kubeconfigPath?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(253) context?: string;

  @ApiPropertyOptional() @ValidateIf((o: RegisterClusterDto) => o.source === 'aks') @Matches(GUID, { message: 'subscriptionId must be a GUID' }) subscriptionId?: string;
  @ApiPropertyOptional() @ValidateIf((o: RegisterClusterDto) => o.source === 'aks') @IsString() @Matches(/^[-\w._()]{1,90}$/, { message: 'resourceGroup is not a valid resource group name' }) resourceGroup?: string;
  @ApiPropertyOptional() @ValidateIf((o: RegisterClusterDto) => o.source === 'aks') @IsString() @Matches(/^[a-zA-Z0-9][-_a-zA-Z0-9]{0,62}$/, { message: 'clusterName is not a valid AKS cluster name' }) clusterName?: string;

  @ApiPropertyOptional({ type: [String], description: 'Files or folders of kubectl output on the API host' })
  @ValidateIf((o: RegisterClusterDto) => o.source === 'manifests' && o.files === undefined)
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(1024, { each: true })
  paths?: string[];

  @ApiPropertyOptional({ type: () => [ManifestFileDto], description: 'Uploaded kubectl output (YAML or JSON), instead of paths; at most 1 MB in all' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => ManifestFileDto)
  files?: ManifestFileDto[];
}

export class UpdateClusterDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) environment?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) team?: string;
  @ApiPropertyOptional({ minimum: 5, maximum: 10080 }) @IsOptional() @IsInt() @Min(5) @Max(10080) scheduleMinutes?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) @IsOptional() @IsStringMap() labels?: Record<string, string>;
}

const CLUSTER_SORT_FIELDS: ClusterSortField[] = ['name', 'environment', 'team', 'coverage', 'ingressCoverage', 'egressCoverage', 'findings', 'lastSnapshot'];
export const CLUSTER_SORTS: ClusterSort[] = [...CLUSTER_SORT_FIELDS, ...CLUSTER_SORT_FIELDS.map((f) => `-${f}` as const)];

export class ListClustersQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page, with the same sort and filters (another sort answers 400)' })
  @IsOptional() @IsString() @MaxLength(512) cursor?: string;
  @ApiPropertyOptional({
    enum: CLUSTER_SORTS,
    default: 'name',
    description:
      '`field` ascending, `-field` descending, then by name in the same direction. `coverage`: mean of ingress and egress pod coverage at the latest good snapshot; `findings`: its open findings; `lastSnapshot`: when the latest snapshot started. Clusters without a value sort last either way.',
  })
  @IsOptional() @IsIn(CLUSTER_SORTS) sort?: ClusterSort;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) environment?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) team?: string;
}

export class IdParam {
  @IsUUID('all', { message: 'id must be a UUID' }) id!: string;
}

export class DiscoverAksDto {
  @ApiProperty({ type: [String], description: 'Azure subscription ids to list managed clusters in' })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @Matches(GUID, { each: true, message: 'each subscription id must be a GUID' })
  subscriptionIds!: string[];

  @ApiPropertyOptional({ description: 'Only clusters in this resource group' })
  @IsOptional() @IsString() @Matches(/^[-\w._()]{1,90}$/, { message: 'resourceGroup is not a valid resource group name' })
  resourceGroup?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Only clusters carrying all these tags' })
  @IsOptional() @IsStringMap()
  tags?: Record<string, string>;
}

export class DiscoveryReportDto {
  @ApiProperty({ type: [String], description: 'Clusters registered by this discovery' }) registered!: string[];
  @ApiProperty({ type: [String], description: 'Clusters found but already registered' }) skipped!: string[];
  @ApiProperty({ type: [String], description: 'What went wrong (a subscription Kordon may not read, …)' }) problems!: string[];
}
