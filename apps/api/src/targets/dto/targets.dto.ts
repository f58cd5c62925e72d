// Requests of the rollout targets routes, validated and described for OpenAPI.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsNumber, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { CreateTargetRequest, TargetScopeKind } from '@kordon/contracts';

export const SCOPE_KINDS: TargetScopeKind[] = ['fleet', 'environment', 'team', 'cluster'];
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateTargetDto implements CreateTargetRequest {
  @ApiProperty({ enum: SCOPE_KINDS })
  @IsIn(SCOPE_KINDS, { message: `scopeKind must be one of ${SCOPE_KINDS.join(', ')}` }) scopeKind!: TargetScopeKind;

  @ApiPropertyOptional({ description: 'The environment or team name, or the cluster id; empty for the fleet' })
  @IsOptional() @Transform(trim) @IsString() @MaxLength(64) scopeValue?: string;

  @ApiProperty({ enum: ['ingress', 'egress'] })
  @IsIn(['ingress', 'egress'], { message: 'direction must be ingress or egress' }) direction!: 'ingress' | 'egress';

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.8, description: 'Share of (non-excluded) namespaces with default-deny in the direction' })
  @IsNumber({}, { message: 'share must be a number from 0 to 1' }) @Min(0, { message: 'share must be a number from 0 to 1' }) @Max(1, { message: 'share must be a number from 0 to 1 (80 % is 0.8)' }) share!: number;

  @ApiProperty({ example: '2027-03-31', description: 'ISO 8601 date the share is due' })
  @IsISO8601({ strict: true }, { message: 'dueDate must be an ISO 8601 date' }) dueDate!: string;

  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(500) note?: string | null;
}

export class UpdateTargetDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber({}, { message: 'share must be a number from 0 to 1' }) @Min(0, { message: 'share must be a number from 0 to 1' }) @Max(1, { message: 'share must be a number from 0 to 1 (80 % is 0.8)' }) share?: number;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }, { message: 'dueDate must be an ISO 8601 date' }) dueDate?: string;
  @ApiPropertyOptional({ nullable: true }) @IsOptional() @IsString() @MaxLength(500) note?: string | null;
}

export class TargetIdParam {
  @IsUUID('all', { message: 'id must be a UUID' }) id!: string;
}
