// The one PrismaClient of the process, over the pg driver adapter (no Rust engine). Only
// `*.repository.ts` files inject it. It disconnects last on shutdown (onApplicationShutdown, after
// the HTTP server has drained and the queue has stopped), once untracked work has settled.
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@prisma/client';
import { Pool } from 'pg';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { InFlightWork } from './in-flight-work';

const DRAIN_MS = 10_000;

@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  private readonly logger = new Logger(PrismaService.name);

  /** The connection pool under the adapter (its counts are exported at /metrics). */
  readonly pool: Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig, private readonly work: InFlightWork) {
    const pool = new Pool({ connectionString: config.databaseUrl, max: 10 });
    super({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
    this.pool = pool;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!(await this.work.drain(DRAIN_MS))) {
      this.logger.warn({ pending: this.work.size }, `database work still running after ${DRAIN_MS / 1000} s; disconnecting anyway`);
    }
    await this.$disconnect();
  }
}
