// Rollout targets over HTTP: everyone reads them with their progress; security and admin set them.
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RolloutTargetView, TargetProgress } from '@kordon/contracts';
import { Roles } from '../auth/auth.guard';
import { OPERATE, READ_AGGREGATES } from '../auth/roles';
import { CreateTargetDto, TargetIdParam, UpdateTargetDto } from './dto/targets.dto';
import { TargetsService } from './targets.service';

@ApiTags('rollout')
@Controller('rollout/targets')
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  @Get()
  @Roles(...READ_AGGREGATES)
  @ApiOperation({ summary: 'Rollout targets with their progress: current share, 28-day trend, projected share at the due date, on track or at risk' })
  @ApiOkResponse({ description: '{ items: RolloutTargetView[] }' })
  list(): Promise<{ items: RolloutTargetView[] }> {
    return this.targets.list();
  }

  @Get(':id/progress')
  @Roles(...READ_AGGREGATES)
  @ApiOperation({ summary: "A target's burn-up: the daily share of namespaces with default-deny in its scope and direction, and the projection to the due date" })
  @ApiOkResponse({ description: 'TargetProgress' })
  @ApiNotFoundResponse({ description: 'Unknown target' })
  progress(@Param() p: TargetIdParam): Promise<TargetProgress> {
    return this.targets.progress(p.id);
  }

  @Post()
  @Roles(...OPERATE)
  @ApiOperation({ summary: 'Set a target: a share of namespaces with default-deny in a direction by a date, for the fleet, an environment, a team or a cluster (audited)' })
  @ApiCreatedResponse({ description: 'RolloutTargetView' })
  @ApiBadRequestResponse({ description: 'Unknown scope, share outside 0..1, a due date not in the future' })
  create(@Body() dto: CreateTargetDto): Promise<RolloutTargetView> {
    return this.targets.create(dto);
  }

  @Patch(':id')
  @Roles(...OPERATE)
  @ApiOperation({ summary: "Change a target's share, due date or note (audited)" })
  @ApiOkResponse({ description: 'RolloutTargetView' })
  update(@Param() p: TargetIdParam, @Body() dto: UpdateTargetDto): Promise<RolloutTargetView> {
    return this.targets.update(p.id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(...OPERATE)
  @ApiOperation({ summary: 'Remove a target (audited)' })
  async remove(@Param() p: TargetIdParam): Promise<void> {
    await this.targets.remove(p.id);
  }
}
