import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ExceptionsPage, PostureExceptionView } from '@kordon/contracts';
import { Roles } from '../auth/auth.guard';
import { OPERATE, READ_DETAIL } from '../auth/roles';
import { CreateExceptionDto, DecideExceptionDto, ExceptionIdParam, ExceptionsPageDto, ListExceptionsQuery, PostureExceptionDto } from './dto/exceptions.dto';
import { ExceptionsService } from './exceptions.service';

@ApiTags('exceptions')
@Controller('exceptions')
export class ExceptionsController {
  constructor(private readonly exceptions: ExceptionsService) {}

  @Post()
  @Roles(...OPERATE)
  @ApiOperation({
    summary: 'Request an exception: an accepted gap (a finding rule or a default-deny direction) for a cluster, a namespace or one workload',
    description: 'Starts pending; it takes effect once someone other than the requester approves it, and ends at `expiresAt` (at most a year ahead) on its own.',
  })
  @ApiCreatedResponse({ type: PostureExceptionDto })
  @ApiBadRequestResponse({ description: 'Neither or both of ruleId and direction, an unknown rule id, a workload without namespace, an expiry in the past or over a year ahead' })
  @ApiNotFoundResponse({ description: 'Unknown cluster' })
  create(@Body() dto: CreateExceptionDto): Promise<PostureExceptionView> {
    return this.exceptions.request(dto);
  }

  @Get()
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'Exceptions, newest first, filtered by cluster, status and whether in force now' })
  @ApiOkResponse({ type: ExceptionsPageDto })
  list(@Query() q: ListExceptionsQuery): Promise<ExceptionsPage> {
    return this.exceptions.list(q);
  }

  @Get(':id')
  @Roles(...READ_DETAIL)
  @ApiOkResponse({ type: PostureExceptionDto })
  @ApiNotFoundResponse({ description: 'Unknown exception' })
  get(@Param() p: ExceptionIdParam): Promise<PostureExceptionView> {
    return this.exceptions.get(p.id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles(...OPERATE)
  @ApiOperation({ summary: 'Approve a pending exception (not by its requester)' })
  @ApiOkResponse({ type: PostureExceptionDto })
  @ApiForbiddenResponse({ description: 'The caller requested it (details.code EXCEPTION_SELF_APPROVAL), or lacks the role' })
  @ApiConflictResponse({ description: 'Not pending' })
  approve(@Param() p: ExceptionIdParam, @Body() dto: DecideExceptionDto): Promise<PostureExceptionView> {
    return this.exceptions.approve(p.id, dto.note);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles(...OPERATE)
  @ApiOperation({ summary: 'Reject a pending exception (not by its requester)' })
  @ApiOkResponse({ type: PostureExceptionDto })
  @ApiForbiddenResponse({ description: 'The caller requested it, or lacks the role' })
  @ApiConflictResponse({ description: 'Not pending' })
  reject(@Param() p: ExceptionIdParam, @Body() dto: DecideExceptionDto): Promise<PostureExceptionView> {
    return this.exceptions.reject(p.id, dto.note);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles(...OPERATE)
  @ApiOperation({ summary: 'Revoke a pending or approved exception: the gap reopens at once' })
  @ApiOkResponse({ type: PostureExceptionDto })
  @ApiConflictResponse({ description: 'Already rejected or revoked' })
  revoke(@Param() p: ExceptionIdParam, @Body() dto: DecideExceptionDto): Promise<PostureExceptionView> {
    return this.exceptions.revoke(p.id, dto.note);
  }
}
