// The audit log for admins: newest first, keyset-paged, filtered by actor, action, target and
// time range (the administration page keeps those filters in its URL).
import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuditEntry, Page } from '@kordon/contracts';
import { parseInstant } from '../common/instant';
import { Roles } from './auth.decorators';
import { AuditRepository } from './audit.repository';
import { ListAuditQuery } from './dto/list-audit.dto';
import { ADMIN_ONLY } from './roles';

export type { AuditEntry };

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audits: AuditRepository) {}

  @Get()
  @Roles(...ADMIN_ONLY)
  @ApiOperation({ summary: 'The audit log of writes and sign-ins, newest first: who, what, when, target; filterable' })
  async list(@Query() q: ListAuditQuery): Promise<Page<AuditEntry>> {
    const limit = q.limit ?? 100;
    const from = parseInstant(q.from, 'from');
    const to = parseInstant(q.to, 'to');
    if (from && to && from >= to) {
      throw new BadRequestException({ message: 'from must be before to', details: [{ field: 'to', message: 'to must be after from' }] });
    }
    const rows = await this.audits.list(limit + 1, q.cursor ? BigInt(q.cursor) : undefined, {
      actor: q.actor || undefined,
      action: q.action || undefined,
      target: q.target || undefined,
      from,
      to,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({ id: r.id.toString(), at: r.at.toISOString(), actor: r.actor, action: r.action, target: r.target, details: r.details ?? null })),
      nextCursor: rows.length > limit ? page[page.length - 1].id.toString() : null,
    };
  }
}
