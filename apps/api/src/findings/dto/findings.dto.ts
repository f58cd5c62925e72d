// Query validation and OpenAPI schemas of the findings resource.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import type { FindingItem, FindingRemediation, FindingRuleView, FindingSort, FindingSubject, FleetFindingItem, Page } from '@kordon/contracts';
import { FINDING_RULES } from '@kordon/policy-engine';
import { NAMESPACE_NAME } from '../../posture/query-input';
import { ExceptedRefDto } from '../../exceptions/dto/exceptions.dto';

export const SEVERITY_VALUES = ['critical', 'high', 'medium', 'low', 'info'] as const;
const CATEGORY_VALUES = ['enforcement', 'baseline', 'coverage', 'policy-quality', 'platform', 'exposure', 'evaluation'];
export const FINDING_SORTS: readonly FindingSort[] = ['-severity', 'severity', 'cluster', '-cluster', 'rule', '-rule', 'namespace', '-namespace'];
export const DEFAULT_FINDING_SORT: FindingSort = '-severity';

export class ListFindingsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only this cluster' })
  @IsOptional() @IsUUID('all', { message: 'cluster must be a UUID' }) cluster?: string;

  @ApiPropertyOptional({ description: 'Only findings about this namespace' })
  @IsOptional() @IsString() @Matches(NAMESPACE_NAME, { message: 'namespace must be a Kubernetes namespace name' }) namespace?: string;

  @ApiPropertyOptional({ enum: SEVERITY_VALUES })
  @IsOptional() @IsIn(SEVERITY_VALUES) severity?: (typeof SEVERITY_VALUES)[number];

  @ApiPropertyOptional({ description: 'Rule id from GET /findings/rules', example: 'KORDON-003' })
  @IsOptional() @IsIn(FINDING_RULES.map((r) => r.id), { message: 'rule must be a rule id of GET /api/findings/rules (KORDON-NNN)' }) rule?: string;

  @ApiPropertyOptional({ format: 'date-time', description: "Each cluster's snapshot in force at this time instead of its latest" })
  @IsOptional() @IsISO8601({ strict: true }, { message: 'at must be an ISO 8601 date or date-time' }) at?: string;

  @ApiPropertyOptional({
    enum: FINDING_SORTS,
    default: DEFAULT_FINDING_SORT,
    description:
      'A field ascending, or descending with a leading `-`. Severity ranks info < low < medium < high < critical, so `-severity` lists the most severe first. ' +
      '`cluster`: by cluster name; `rule`: by rule id; `namespace`: by the namespace of the finding or of its object, findings about no namespace last. ' +
      'Ties break by severity (most severe first), cluster name, rule id and finding id. Text compares by code point.',
  })
  @IsOptional() @IsIn(FINDING_SORTS, { message: `sort must be one of ${FINDING_SORTS.join(', ')}` }) sort?: FindingSort;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only findings an exception in force covers; false: only the others' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'excepted must be true or false' }) excepted?: 'true' | 'false';

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page, with the same sort (another sort answers 400) and filters' })
  @IsOptional() @IsString() @MaxLength(1024) cursor?: string;
}

export class FindingSubjectDto implements FindingSubject {
  @ApiProperty() kind!: string;
  @ApiProperty({ type: String, nullable: true }) namespace!: string | null;
  @ApiProperty() name!: string;
}

export class FindingRemediationDto implements FindingRemediation {
  @ApiProperty() title!: string;
  @ApiProperty() rationale!: string;
  @ApiProperty({ description: 'What to do, in words' }) remediation!: string;
  @ApiProperty({ type: [String] }) references!: string[];
}

export class FindingItemDto implements FindingItem {
  @ApiProperty({ description: 'Content hash: the same finding in two snapshots has the same id' }) id!: string;
  @ApiProperty({ example: 'KORDON-003' }) ruleId!: string;
  @ApiProperty({ type: String, nullable: true }) slug!: string | null;
  @ApiProperty({ enum: CATEGORY_VALUES, nullable: true }) category!: FindingItem['category'];
  @ApiProperty({ enum: SEVERITY_VALUES }) severity!: FindingItem['severity'];
  @ApiProperty() title!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ type: String, nullable: true }) namespace!: string | null;
  @ApiProperty({ type: FindingSubjectDto, nullable: true }) object!: FindingSubjectDto | null;
  @ApiProperty({ type: FindingRemediationDto, nullable: true }) remediation!: FindingRemediationDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'YAML filled in for this finding' }) remediationYaml!: string | null;
  @ApiPropertyOptional({ type: ExceptedRefDto, nullable: true, description: 'The exception in force covering this finding (listed all the same), or null' }) excepted?: ExceptedRefDto | null;
}

class ClusterNameRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

class SnapshotTimeRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) takenAt!: string;
}

export class FleetFindingItemDto extends FindingItemDto implements FleetFindingItem {
  @ApiProperty({ type: ClusterNameRefDto }) cluster!: ClusterNameRefDto;
  @ApiProperty({ type: SnapshotTimeRefDto }) snapshot!: SnapshotTimeRefDto;
}

export class FindingsPageDto implements Page<FleetFindingItem> {
  @ApiProperty({ type: [FleetFindingItemDto] }) items!: FleetFindingItemDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class FindingRuleDto implements FindingRuleView {
  @ApiProperty({ example: 'KORDON-003' }) id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: SEVERITY_VALUES }) severity!: FindingRuleView['severity'];
  @ApiProperty({ type: String, nullable: true }) severityNote!: string | null;
  @ApiProperty({ enum: CATEGORY_VALUES }) category!: FindingRuleView['category'];
  @ApiProperty() rationale!: string;
  @ApiProperty() remediation!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Template with placeholders' }) remediationYaml!: string | null;
  @ApiProperty() skipsExcludedNamespaces!: boolean;
  @ApiProperty({ type: [String] }) references!: string[];
}
