// One policy over HTTP: its text, what it selects and allows, and its baseline role, at the
// latest snapshot or the one in force at `at`.
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { PolicyDetail } from '@kordon/contracts';
import { Roles } from '../auth/auth.guard';
import { READ_DETAIL } from '../auth/roles';
import { CachedRead } from '../read-cache/read-cache.interceptor';
import { PolicyDetailDto, PolicyParam, PolicyQuery } from './dto/policies.dto';
import { PoliciesService } from './policies.service';

@ApiTags('policies')
@Controller('clusters/:id/policies')
export class PoliciesController {
  constructor(private readonly policies: PoliciesService) {}

  @Get(':namespace/:name')
  @CachedRead({ per: 'cluster' })
  @Roles(...READ_DETAIL)
  @ApiOperation({
    summary: 'One policy at the latest snapshot or at `at`: YAML source, selected workloads and pods, what it allows in words, baseline role',
    description: 'A NetworkPolicy (default) or, with `kind=`, a CRD policy of the namespace (or a cluster-scoped one selecting its workloads).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'namespace', example: 'frontend' })
  @ApiParam({ name: 'name', example: 'default-deny-ingress' })
  @ApiOkResponse({ type: PolicyDetailDto })
  @ApiBadRequestResponse({ description: 'Malformed id, namespace, name, kind or time' })
  @ApiNotFoundResponse({ description: 'Unknown cluster, no snapshot in force, namespace or policy not in it' })
  policy(@Param() p: PolicyParam, @Query() q: PolicyQuery): Promise<PolicyDetail> {
    return this.policies.policy(p.id, p.namespace, p.name, q.kind ?? 'NetworkPolicy', q.at);
  }
}
