import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { ADMIN_ONLY } from '../auth/roles';
import { CreateTokenDto, ListTokensQuery, TokenIdParam } from './dto/create-token.dto';
import { TokensService, type CreatedToken, type TokenView } from './tokens.service';

@ApiTags('tokens')
@Controller('tokens')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Post()
  @Roles(...ADMIN_ONLY)
  @ApiOperation({ summary: 'Create an API token; the token is in this answer only (stored as SHA-256)' })
  @ApiCreatedResponse({ description: '`token` is shown once: store it now' })
  create(@Body() dto: CreateTokenDto): Promise<CreatedToken> {
    return this.tokens.create(dto);
  }

  @Get()
  @Roles(...ADMIN_ONLY)
  @ApiOperation({ summary: 'API tokens, newest first (never the token or its hash)' })
  list(@Query() q: ListTokensQuery): Promise<{ items: TokenView[]; nextCursor: string | null }> {
    return this.tokens.list(q);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(...ADMIN_ONLY)
  @ApiOperation({ summary: 'Revoke a token: it answers 401 from now on' })
  async revoke(@Param() p: TokenIdParam): Promise<void> {
    await this.tokens.revoke(p.id);
  }
}
