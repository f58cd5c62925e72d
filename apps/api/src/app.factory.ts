// Builds the Nest application exactly as production runs it; tests use this too, so supertest
// exercises the real pipes, guard, filter and routes.
import 'reflect-metadata';
import { type INestApplication, BadRequestException, RequestMethod, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { ValidationError } from 'class-validator';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppModule, type AppOverrides } from './app.module';
import type { AppConfig } from './config/env.schema';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { jsonBodyErrorMiddleware } from './common/json-body-error';
import { RejectNulPipe } from './common/reject-nul.pipe';
import { MetricsService } from './metrics/metrics.service';
import { ReadCacheMiddleware } from './read-cache/read-cache.middleware';

function flatten(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

export async function createApp(config: AppConfig, overrides: AppOverrides = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, overrides), { bufferLogs: true, bodyParser: true });
  app.useLogger(app.get(Logger));
  // Request durations for /metrics, recorded when each response finishes (cached answers too).
  const metrics = app.get(MetricsService);
  app.use((req: IncomingMessage & { route?: { path: string }; baseUrl?: string }, res: ServerResponse, next: () => void) => {
    const t0 = process.hrtime.bigint();
    res.once('finish', () => {
      const route = req.route ? `${req.baseUrl ?? ''}${req.route.path}` : String(res.getHeader('Cache-Status') ?? '').includes('hit') ? 'read-cache' : 'unmatched';
      metrics.request(req.method ?? 'GET', route, res.statusCode, Number(process.hrtime.bigint() - t0) / 1e9);
    });
    next();
  });
  // Security headers on every answer, cached ones included. The API answers JSON: nothing in it
  // may load or frame anything. Its docs page (Swagger UI) needs its own inline script and styles.
  const docsHeaders = helmet({
    contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'] } },
  });
  const apiHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } } });
  app.use((req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => (req.url?.startsWith('/api/docs') ? docsHeaders : apiHeaders)(req, res, next));
  // Browsers reach the API through the web app's same-origin proxy; a cross-origin page may call
  // it only from KORDON_WEB_ORIGIN when that is set (no origin is allowed otherwise).
  app.enableCors({ origin: config.KORDON_WEB_ORIGIN ? [config.KORDON_WEB_ORIGIN] : false, credentials: false, maxAge: 600 });
  // First of all middleware: cached reads are answered here (see read-cache.middleware.ts).
  app.use(app.get(ReadCacheMiddleware).handle);
  // Prometheus scrapes /metrics at the root; everything else is under /api.
  app.setGlobalPrefix('api', { exclude: [{ path: 'metrics', method: RequestMethod.GET }] });
  app.useBodyParser('json', { limit: '1mb' });
  app.use(jsonBodyErrorMiddleware);
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(
    new RejectNulPipe(),
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const details = flatten(errors);
        return new BadRequestException({ message: details.map((d) => d.message).join('; '), details });
      },
    }),
  );
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Kordon API')
      .setDescription('NetworkPolicy segmentation posture for AKS fleets')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, doc, { jsonDocumentUrl: 'api/openapi.json' });
  return app;
}
