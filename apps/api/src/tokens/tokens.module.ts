import { Module } from '@nestjs/common';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

/** Owns the token management endpoints; lookups and storage live in the auth module. */
@Module({ controllers: [TokensController], providers: [TokensService] })
export class TokensModule {}
