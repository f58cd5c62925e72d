// Owns authentication (API tokens, OIDC), the deny-by-default guard, the write rate limit and
// the audit log. Bootstraps tokens from KORDON_ADMIN_TOKEN (admin) and KORDON_WEB_TOKEN (the
// web app's server-side reads, auditor).
import { Global, Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import { OidcVerifier } from './oidc.verifier';
import { PgThrottlerStorage } from './pg-throttler.storage';
import { SessionController } from './session.controller';
import { RateLimitModule } from './rate-limit.module';
import { TokenCache } from './token-cache';
import { hashToken } from './token-hash';
import { TokenLookupRepository } from './token-lookup.repository';
import { TokensRepository } from './tokens.repository';
import { WRITE_THROTTLER, WriteThrottlerGuard } from './write-throttler.guard';

export const ADMIN_TOKEN_NAME = 'bootstrap admin (KORDON_ADMIN_TOKEN)';
export const WEB_TOKEN_NAME = 'web app (KORDON_WEB_TOKEN)';

@Global()
@Module({
  imports: [
    DiscoveryModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitModule],
      inject: [APP_CONFIG, PgThrottlerStorage],
      useFactory: (config: AppConfig, storage: PgThrottlerStorage) => {
        const limit = config.KORDON_RATE_LIMIT_PER_MINUTE;
        return {
          throttlers: [{ name: WRITE_THROTTLER, ttl: 60_000, limit: Math.max(1, limit) }],
          // Counted in PostgreSQL: one budget per caller across every replica.
          storage,
          skipIf: () => limit === 0,
          // One budget per caller across every write route (the default key is per route).
          generateKey: (_ctx, tracker, name) => `${name}:${tracker}`,
          errorMessage: (_ctx, d) => `too many writes: at most ${limit} a minute per token; retry in ${d.timeToBlockExpire} s`,
        };
      },
    }),
  ],
  controllers: [AuditController, SessionController],
  providers: [
    TokensRepository,
    TokenLookupRepository,
    TokenCache,
    Authenticator,
    AuditRepository,
    AuditService,
    OidcVerifier,
    // Guards run in this order: who is calling first, then the rate limit keyed by them.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: WriteThrottlerGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [TokensRepository, AuditService, OidcVerifier, Authenticator],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, private readonly tokens: TokensRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    const now = new Date();
    if (this.config.KORDON_ADMIN_TOKEN) await this.tokens.ensureOnly(ADMIN_TOKEN_NAME, 'admin', hashToken(this.config.KORDON_ADMIN_TOKEN), now);
    if (this.config.KORDON_WEB_TOKEN) await this.tokens.ensureOnly(WEB_TOKEN_NAME, 'auditor', hashToken(this.config.KORDON_WEB_TOKEN), now);
  }
}
