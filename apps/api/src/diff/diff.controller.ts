// What changed, over HTTP: between two snapshots of a cluster, since a time (cluster and fleet),
// and what a proposed change would change (what-if, nothing stored).
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClusterChanges, ClusterDiff, FleetChanges } from '@kordon/contracts';
import { AuditService } from '../auth/audit.service';
import { Roles } from '../auth/auth.guard';
import { OPERATE, READ_AGGREGATES, READ_DETAIL } from '../auth/roles';
import { IdParam } from '../clusters/dto/register-cluster.dto';
import { CachedRead } from '../read-cache/read-cache.interceptor';
import { DiffQuery, SimulateDto, SinceQuery } from './dto/diff.dto';
import { DiffService } from './diff.service';

const DIFF_SECTIONS =
  'Policies added, removed and changed (YAML and a unified diff), namespace and workload label changes with the policies whose selection they changed, ' +
  'selection drift (a policy that selected pods and now selects none), coverage and default-deny per namespace, findings opened and resolved, ' +
  'network profile changes, and the reachability diff: namespace pairs (workload pairs with workloads=true) whose connections changed, with the changes that can have caused each.';

@ApiTags('diff')
@Controller()
export class DiffController {
  constructor(
    private readonly diffs: DiffService,
    private readonly audit: AuditService,
  ) {}

  @Get('clusters/:id/diff')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'What changed between two snapshots of a cluster (`from`, `to`: snapshot ids or times)', description: DIFF_SECTIONS })
  @ApiOkResponse({ description: 'ClusterDiff (libs/contracts/src/diff.ts)' })
  @ApiBadRequestResponse({ description: 'Malformed from/to, or from later than to' })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot for from/to' })
  @ApiConflictResponse({ description: 'from/to names a running or failed snapshot' })
  diff(@Param() p: IdParam, @Query() q: DiffQuery): Promise<ClusterDiff> {
    return this.diffs.diff(p.id, q);
  }

  @Get('clusters/:id/changes')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_AGGREGATES)
  @ApiOperation({ summary: 'What changed in a cluster since a time: the diff counts between the snapshot in force then and the latest' })
  @ApiOkResponse({ description: 'ClusterChanges' })
  changes(@Param() p: IdParam, @Query() q: SinceQuery): Promise<ClusterChanges> {
    return this.diffs.changes(p.id, q.since);
  }

  @Get('fleet/changes')
  @CachedRead()
  @Roles(...READ_AGGREGATES)
  @ApiOperation({ summary: 'What changed in every cluster since a time: policies, namespaces, default-deny and findings counts read from the stored rows' })
  @ApiOkResponse({ description: 'FleetChanges' })
  fleet(@Query() q: SinceQuery): Promise<FleetChanges> {
    return this.diffs.fleetChanges(q.since);
  }

  @Post('clusters/:id/simulate')
  @HttpCode(200)
  @Roles(...OPERATE)
  @ApiOperation({
    summary: "What-if: the diff between the cluster's latest snapshot and that snapshot with proposed policies applied (added, changed, deleted); nothing is stored",
    description: `${DIFF_SECTIONS} \`verdict.fails\` is what a CI gate fails on: the change opens connections or breaks a default-deny.`,
  })
  @ApiOkResponse({ description: 'ClusterDiff with to.kind = proposed' })
  @ApiBadRequestResponse({ description: 'Unreadable manifests (details.errors with file, line, column), no policy in them, or a delete entry the snapshot does not hold' })
  @ApiNotFoundResponse({ description: 'Unknown cluster, or no succeeded snapshot yet' })
  async simulate(@Param() p: IdParam, @Body() body: SimulateDto): Promise<ClusterDiff> {
    const diff = await this.diffs.simulate(p.id, body);
    // Nothing is stored, but who ran a what-if against which snapshot is audited (as analyses are);
    // no answer leaves without its entry.
    await this.audit.recordAlone('diff.simulate', p.id, {
      snapshot: diff.from.id,
      fails: diff.verdict.fails,
      policies: { added: diff.summary.policiesAdded, removed: diff.summary.policiesRemoved, changed: diff.summary.policiesChanged },
    });
    return diff;
  }
}
