// Query of GET /api/audit: keyset paging plus the filters the administration page offers.
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export class ListAuditQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page, with the same filters' })
  @IsOptional() @IsString() @Matches(/^\d{1,18}$/, { message: 'cursor is not valid; use nextCursor from a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'Part of the actor (token name, oidc:<subject>, system), case-insensitive' })
  @IsOptional() @IsString() @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ description: 'Exact action (`cluster.register`), or a prefix ending with a dot (`cluster.`)', example: 'token.create' })
  @IsOptional() @IsString() @Matches(/^[a-z][-a-z0-9]*(\.[-a-z0-9]*)*$/, { message: 'action must look like cluster.register, or a prefix such as cluster.' }) @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ description: 'Exact target (a cluster or token id)' })
  @IsOptional() @IsString() @MaxLength(200)
  target?: string;

  @ApiPropertyOptional({ description: 'Entries at or after this ISO 8601 time (UTC when no offset is given)', format: 'date-time' })
  @IsOptional() @IsString() @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({ description: 'Entries before this ISO 8601 time (exclusive); a date alone means its start', format: 'date-time' })
  @IsOptional() @IsString() @MaxLength(40)
  to?: string;
}
