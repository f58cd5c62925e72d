import { Module, RequestMethod, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { MetricsModule } from './metrics/metrics.module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthedRequest } from './auth/principal';
import { AuthModule } from './auth/auth.module';
import { ClustersModule } from './clusters/clusters.module';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/env.schema';
import { AnalyzeModule } from './analyze/analyze.module';
import { DemoModule } from './demo/demo.module';
import { DiffModule } from './diff/diff.module';
import { RetentionModule } from './retention/retention.module';
import { TargetsModule } from './targets/targets.module';
import { AlertsModule } from './alerts/alerts.module';
import { EvidenceModule } from './evidence/evidence.module';
import { ExceptionsModule } from './exceptions/exceptions.module';
import { FindingsModule } from './findings/findings.module';
import { HistoryModule } from './history/history.module';
import { PostureModule } from './posture/posture.module';
import { PoliciesModule } from './policies/policies.module';
import { ReachabilityModule } from './reachability/reachability.module';
import { HealthModule } from './health/health.module';
import { PrismaModule } from './prisma/prisma.module';
import { SecretsModule } from './secrets/secrets.module';
import { AZURE_ACCESS, defaultAzureAccess, type AzureAccess } from './snapshots/azure-credential';
import { SnapshotsModule } from './snapshots/snapshots.module';
import { TokensModule } from './tokens/tokens.module';
import { ReadCacheModule } from './read-cache/read-cache.module';
import { assignRequestId } from './common/request-id';

/** Paths that may carry secrets anywhere in a logged object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.kubeconfig',
  '*.token',
  '*.bearerToken',
  '*.clientSecret',
  '*.password',
  '*.secretSealed',
  'body.kubeconfig',
];

/** Seams for what the process reaches outside itself; production uses the defaults. */
export interface AppOverrides {
  azure?: AzureAccess;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: AppOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      global: true,
      providers: [{ provide: AZURE_ACCESS, useValue: overrides.azure ?? defaultAzureAccess() }],
      exports: [AZURE_ACCESS],
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          // Every route, in the path syntax of Nest 11 (its default '*' logs a conversion warning).
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.LOG_LEVEL,
            redact: { paths: REDACT_PATHS, censor: '[redacted]' },
            genReqId: assignRequestId,
            autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/api/health') === true || req.url === '/metrics' },
            // Called when the request starts (headers not sent yet): the request id, bound to every
            // line logged while handling it. Called again on completion: who made the request
            // (set by the AuthGuard), on the completion line, which already carries the id.
            customProps: (req: IncomingMessage, res: ServerResponse) => {
              if (!res.headersSent) return { requestId: String((req as IncomingMessage & { id?: unknown }).id) };
              const p = (req as AuthedRequest).principal;
              return p ? { actor: { kind: p.kind, id: p.id, name: p.name } } : {};
            },
          },
        }),
        PrismaModule,
        ReadCacheModule,
        SecretsModule,
        AuthModule,
        TokensModule,
        HealthModule,
        SnapshotsModule,
        ClustersModule,
        DemoModule,
        PostureModule,
        HistoryModule,
        FindingsModule,
        ExceptionsModule,
        DiffModule,
        RetentionModule,
        TargetsModule,
        AlertsModule,
        ReachabilityModule,
        AnalyzeModule,
        EvidenceModule,
        PoliciesModule,
        MetricsModule,
      ],
    };
  }
}
