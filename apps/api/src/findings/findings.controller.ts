import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FindingRuleView, FleetFindingItem, Page } from '@kordon/contracts';
import { Roles } from '../auth/auth.guard';
import { READ_AGGREGATES, READ_DETAIL } from '../auth/roles';
import { FindingRuleDto, FindingsPageDto, ListFindingsQuery } from './dto/findings.dto';
import { FindingsService } from './findings.service';
import { CachedRead } from '../read-cache/read-cache.interceptor';

@ApiTags('findings')
@Controller('findings')
export class FindingsController {
  constructor(private readonly findings: FindingsService) {}

  @Get()
  // A cluster's findings (`?cluster=`) change only with that cluster's commits.
  @CachedRead({ per: 'cluster-query' })
  @Roles(...READ_DETAIL)
  @ApiOperation({
    summary: "Findings of each cluster's latest succeeded snapshot (or the one in force at `at`), most severe first unless sorted",
    description:
      'Filter by cluster, namespace, severity and rule id; order with `sort` (by severity, cluster, rule or namespace, `-` for descending); page with `limit` and `cursor`. ' +
      'Each finding carries its remediation from the rule catalog and, where the rule has one, a YAML fix filled in for it.',
  })
  @ApiOkResponse({ type: FindingsPageDto })
  @ApiBadRequestResponse({ description: 'Invalid filter, sort, time, limit or cursor, or a cursor issued for another sort (details.code CURSOR_SORT_MISMATCH)' })
  @ApiNotFoundResponse({ description: 'Unknown cluster' })
  list(@Query() q: ListFindingsQuery): Promise<Page<FleetFindingItem>> {
    return this.findings.list(q);
  }

  @Get('rules')
  @CachedRead()
  @Roles(...READ_AGGREGATES)
  @ApiOperation({ summary: 'The findings catalog: every rule with its rationale, remediation and references' })
  @ApiOkResponse({ type: [FindingRuleDto] })
  rules(): FindingRuleView[] {
    return this.findings.rules();
  }
}
