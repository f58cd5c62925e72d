// Requests of the alerts, webhooks and alert-rules routes, validated and described for OpenAPI.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { AlertKind, WebhookFormat } from '@kordon/contracts';

export const KINDS: AlertKind[] = ['default_deny_lost', 'coverage_drop', 'engine_none', 'unprotected_namespace', 'snapshots_failing'];
export const FORMATS: WebhookFormat[] = ['json', 'slack', 'teams'];
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const URL_OPTS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true };

export class AlertListQuery {
  @ApiPropertyOptional({ enum: ['open', 'resolved', 'all'], default: 'all' }) @IsOptional() @IsIn(['open', 'resolved', 'all'], { message: 'state must be open, resolved or all' }) state?: 'open' | 'resolved' | 'all';
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all', { message: 'clusterId must be a UUID' }) clusterId?: string;
}

export class CreateWebhookDto {
  @ApiProperty({ example: 'secops-slack' }) @Transform(trim) @IsString() @IsNotEmpty({ message: 'name must not be empty' }) @MaxLength(100) name!: string;
  @ApiProperty({ example: 'https://hooks.slack.com/services/…', description: 'http(s) URL; stored sealed (Slack and Teams URLs are credentials)' })
  @IsUrl(URL_OPTS, { message: 'url must be an http:// or https:// URL' }) @MaxLength(2000) url!: string;
  @ApiProperty({ enum: FORMATS }) @IsIn(FORMATS, { message: 'format must be json, slack or teams' }) format!: WebhookFormat;
  @ApiPropertyOptional({ description: 'HMAC-SHA256 secret for X-Kordon-Signature (json format); stored sealed, never returned' })
  @IsOptional() @IsString() @MinLength(16, { message: 'secret must have at least 16 characters' }) @MaxLength(256) secret?: string;
  @ApiPropertyOptional({ enum: KINDS, isArray: true, description: 'Alert kinds delivered; empty or absent: all' })
  @IsOptional() @IsArray() @ArrayMaxSize(5) @IsIn(KINDS, { each: true, message: `each kind must be one of ${KINDS.join(', ')}` }) kinds?: AlertKind[];
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional() @IsOptional() @IsUrl(URL_OPTS, { message: 'url must be an http:// or https:// URL' }) @MaxLength(2000) url?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(16, { message: 'secret must have at least 16 characters' }) @MaxLength(256) secret?: string;
  @ApiPropertyOptional({ enum: KINDS, isArray: true }) @IsOptional() @IsArray() @ArrayMaxSize(5) @IsIn(KINDS, { each: true, message: `each kind must be one of ${KINDS.join(', ')}` }) kinds?: AlertKind[];
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateRuleDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ description: 'Points for coverage_drop, hours for unprotected_namespace and snapshots_failing' })
  @IsOptional() @IsNumber({}, { message: 'threshold must be a number' }) @Min(0.1, { message: 'threshold must be at least 0.1' }) @Max(10000) threshold?: number;
}

export class KindParam {
  @IsIn(KINDS, { message: `kind must be one of ${KINDS.join(', ')}` }) kind!: AlertKind;
}

export class UuidParam {
  @IsUUID('all', { message: 'id must be a UUID' }) id!: string;
}
