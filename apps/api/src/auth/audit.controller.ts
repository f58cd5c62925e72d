import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { Roles } from './auth.decorators';
import { AuditRepository } from './audit.repository';
import { ADMIN_ONLY } from './roles';

class ListAuditQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' }) @IsOptional() @IsString() @Matches(/^\d{1,18}$/, { message: 'cursor is not valid; use nextCursor from a previous page' }) cursor?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: unknown;
}

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audits: AuditRepository) {}

  @Get()
  @Roles(...ADMIN_ONLY)
  @ApiOperation({ summary: 'The audit log of writes, newest first: who, what, when, target' })
  async list(@Query() q: ListAuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const limit = q.limit ?? 100;
    const rows = await this.audits.list(limit + 1, q.cursor ? BigInt(q.cursor) : undefined);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({ id: r.id.toString(), at: r.at.toISOString(), actor: r.actor, action: r.action, target: r.target, details: r.details ?? null })),
      nextCursor: rows.length > limit ? page[page.length - 1].id.toString() : null,
    };
  }
}
