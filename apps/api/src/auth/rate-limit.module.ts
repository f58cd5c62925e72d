import { Module } from '@nestjs/common';
import { PgThrottlerStorage } from './pg-throttler.storage';
import { RateLimitRepository } from './rate-limit.repository';

/** Owns the write rate limit's fleet-wide counters; imported by ThrottlerModule.forRootAsync in AuthModule. */
@Module({ providers: [RateLimitRepository, PgThrottlerStorage], exports: [PgThrottlerStorage] })
export class RateLimitModule {}
