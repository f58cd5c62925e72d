// GET /metrics (outside /api, where Prometheus looks): the Prometheus text format. Open unless
// KORDON_METRICS_TOKEN is set; then a scraper sends it as a bearer token (a constant-time compare).
import { Controller, Get, Inject, Req, Res, UnauthorizedException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Public } from '../auth/auth.decorators';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { MetricsService } from './metrics.service';

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  @Get('metrics')
  @Public()
  async scrape(@Req() req: IncomingMessage, @Res({ passthrough: true }) res: ServerResponse): Promise<string> {
    const token = this.config.KORDON_METRICS_TOKEN;
    if (token) {
      const sent = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!same(sent, token)) throw new UnauthorizedException('metrics need the bearer token set in KORDON_METRICS_TOKEN');
    }
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    return this.metrics.registry.metrics();
  }
}
