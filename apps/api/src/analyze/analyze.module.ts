import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AnalyzeController } from './analyze.controller';
import { AnalyzeService } from './analyze.service';
import { YamlBodyMiddleware } from './yaml-body.middleware';

/**
 * Owns `POST /api/analyze`. Stores no analysis, so it imports no database module; its audit
 * entry goes through the global AuditService. YAML bodies are read by its own middleware on
 * this route only; the global JSON parser is left as it is.
 */
@Module({ controllers: [AnalyzeController], providers: [AnalyzeService] })
export class AnalyzeModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(YamlBodyMiddleware).forRoutes({ path: 'analyze', method: RequestMethod.POST });
  }
}
