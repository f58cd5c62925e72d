// Request validation and OpenAPI schemas of the exceptions resource.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import type { CreateExceptionRequest, DecideExceptionRequest, ExceptedRef, ExceptionDirection, ExceptionStatus, ExceptionsPage, PostureExceptionView } from '@kordon/contracts';
import { NAMESPACE_NAME } from '../../posture/query-input';

export const EXCEPTION_STATUSES: ExceptionStatus[] = ['pending', 'approved', 'rejected', 'revoked'];
export const EXCEPTION_DIRECTIONS: ExceptionDirection[] = ['ingress', 'egress'];
/** `Kind/name`: a workload kind and a Kubernetes object name. */
export const WORKLOAD_REF = /^[A-Z][A-Za-z0-9]{0,62}\/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToNull = ({ value }: { value: unknown }) => (value === '' ? null : value);

export class CreateExceptionDto implements CreateExceptionRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'cluster must be a UUID' })
  cluster!: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null or absent: the whole cluster' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsString()
  @Matches(NAMESPACE_NAME, { message: 'namespace must be a Kubernetes namespace name' })
  namespace?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Deployment/web', description: '`Kind/name` of a workload in `namespace`' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsString()
  @Matches(WORKLOAD_REF, { message: 'workload must be Kind/name, e.g. Deployment/web' })
  workload?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'KORDON-003', description: 'A rule id of GET /api/findings/rules (not with direction)' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsString()
  ruleId?: string | null;

  @ApiPropertyOptional({ enum: EXCEPTION_DIRECTIONS, nullable: true, description: 'The default-deny gap excepted (not with ruleId)' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsIn(EXCEPTION_DIRECTIONS, { message: 'direction must be ingress or egress' })
  direction?: ExceptionDirection | null;

  @ApiProperty({ description: 'Why the gap is accepted' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'justification must not be empty' })
  @MaxLength(4000)
  justification!: string;

  @ApiProperty({ description: 'Who answers for the gap (a person or team)' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty({ message: 'owner must not be empty' })
  @MaxLength(200)
  owner!: string;

  @ApiProperty({ format: 'date-time', description: 'In the future, at most a year ahead' })
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt!: string;
}

export class DecideExceptionDto implements DecideExceptionRequest {
  @ApiPropertyOptional({ description: 'Why (kept with the decision and in the audit log)' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ExceptionIdParam {
  @IsUUID('all', { message: 'id must be a UUID' }) id!: string;
}

export class ListExceptionsQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'cluster must be a UUID' }) cluster?: string;

  @ApiPropertyOptional({ enum: EXCEPTION_STATUSES })
  @IsOptional() @IsIn(EXCEPTION_STATUSES, { message: `status must be one of ${EXCEPTION_STATUSES.join(', ')}` }) status?: ExceptionStatus;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: approved and not expired; false: every other' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'inForce must be true or false' }) inForce?: 'true' | 'false';

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 200 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

class ClusterNameDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class PostureExceptionDto implements PostureExceptionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: ClusterNameDto }) cluster!: ClusterNameDto;
  @ApiProperty({ type: String, nullable: true }) namespace!: string | null;
  @ApiProperty({ type: String, nullable: true }) workload!: string | null;
  @ApiProperty({ type: String, nullable: true }) ruleId!: string | null;
  @ApiProperty({ enum: EXCEPTION_DIRECTIONS, nullable: true }) direction!: ExceptionDirection | null;
  @ApiProperty() justification!: string;
  @ApiProperty() owner!: string;
  @ApiProperty({ description: 'Who requested it, as the audit log names them' }) requestedBy!: string;
  @ApiProperty({ enum: EXCEPTION_STATUSES }) status!: ExceptionStatus;
  @ApiProperty({ type: String, nullable: true, description: 'Who approved, rejected or revoked it last' }) decidedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) decidedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) decisionNote!: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'Approved and not expired, at the time of the answer' }) inForce!: boolean;
}

export class ExceptionsPageDto implements ExceptionsPage {
  @ApiProperty({ type: [PostureExceptionDto] }) items!: PostureExceptionDto[];
}

export class ExceptedRefDto implements ExceptedRef {
  @ApiProperty({ format: 'uuid' }) exceptionId!: string;
  @ApiProperty() owner!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}
