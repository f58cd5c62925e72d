// Requests of the diff, changes and what-if routes, validated and described for OpenAPI.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { SimulateRequest } from '@kordon/contracts';

const SNAPSHOT_OR_TIME = 'a snapshot id (UUID) or an ISO 8601 time (the snapshot in force then)';
const PAIR_LIMIT = 'At most this many namespace pairs (and workload pairs) listed, in (from, to) order; the totals and the verdict count them all';
const bool = ({ value }: { value: unknown }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value);

export class DiffQuery {
  @ApiProperty({ description: `The older side: ${SNAPSHOT_OR_TIME}`, example: '2026-11-27' })
  @IsString({ message: `from must be ${SNAPSHOT_OR_TIME}` }) @IsNotEmpty({ message: `from is required: ${SNAPSHOT_OR_TIME}` }) @MaxLength(64)
  from!: string;

  @ApiPropertyOptional({ description: `The newer side: ${SNAPSHOT_OR_TIME} (default: the latest snapshot)` })
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(64)
  to?: string;

  @ApiPropertyOptional({ description: 'Also list the workload pairs whose connectivity changed (heavier)', default: false })
  @IsOptional() @Transform(bool) @IsBoolean({ message: 'workloads must be true or false' })
  workloads?: boolean;

  @ApiPropertyOptional({ description: PAIR_LIMIT, default: 2000, minimum: 1, maximum: 100000 })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'pairLimit must be a whole number' }) @Min(1, { message: 'pairLimit must be at least 1' }) @Max(100_000, { message: 'pairLimit must be at most 100000' })
  pairLimit?: number;
}

export class SinceQuery {
  @ApiProperty({ description: 'ISO 8601 time: compare the snapshot in force then (or the first after it) with the latest', example: '2026-11-27' })
  @IsString() @IsNotEmpty({ message: 'since is required (an ISO 8601 time)' }) @MaxLength(64)
  since!: string;
}

export class SimulateFileDto {
  @ApiProperty({ example: 'policies/web.yaml' })
  @IsString() @IsNotEmpty() @MaxLength(256)
  name!: string;

  @ApiProperty({ description: 'The file text (YAML or JSON, several documents allowed)' })
  @IsString() @MaxLength(5_000_000)
  text!: string;
}

export class SimulateDto implements SimulateRequest {
  @ApiPropertyOptional({ description: 'Proposed manifests as YAML text (documents separated by ---)' })
  @IsOptional() @IsString() @MaxLength(5_000_000)
  manifests?: string;

  @ApiPropertyOptional({ type: [SimulateFileDto], description: 'Proposed manifests as files' })
  @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => SimulateFileDto)
  files?: SimulateFileDto[];

  @ApiPropertyOptional({ type: [String], example: ['shop/allow-all', 'CiliumNetworkPolicy/shop/web'], description: 'Policies of the latest snapshot to delete: `[Kind/]namespace/name`, cluster-wide kinds as `Kind/name`' })
  @IsOptional() @IsArray() @ArrayMaxSize(500) @IsString({ each: true }) @Matches(/^[A-Za-z0-9]+(\/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?){1,2}$|^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, { each: true, message: 'each delete entry must be [Kind/]namespace/name' })
  delete?: string[];

  @ApiPropertyOptional({ description: 'Also list the workload pairs (the verdict always counts them)', default: false })
  @IsOptional() @IsBoolean()
  workloads?: boolean;

  @ApiPropertyOptional({ description: PAIR_LIMIT, default: 2000, minimum: 1, maximum: 100000 })
  @IsOptional() @IsInt({ message: 'pairLimit must be a whole number' }) @Min(1, { message: 'pairLimit must be at least 1' }) @Max(100_000, { message: 'pairLimit must be at most 100000' })
  pairLimit?: number;
}
