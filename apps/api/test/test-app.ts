// Boots the real AppModule on a fresh copy of the migrated test database, for supertest.
import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freshDatabase, type TestDatabase } from './database';
import { createApp } from '../src/app.factory';
import type { AppOverrides } from '../src/app.module';
import { parseEnv, type AppConfig } from '../src/config/env.schema';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
/** Headers of the bootstrap admin: reads need a token too. */
export const ADMIN_AUTH = { Authorization: `Bearer ${ADMIN_TOKEN}` };

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  db: TestDatabase;
  /** Runs SQL against the test database (assertions on what was stored). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Another API replica on the same database as `t` (several replicas share the work). */
export async function startReplica(t: TestApp, env: Record<string, string> = {}): Promise<INestApplication> {
  const config: AppConfig = { ...parseEnv({ ...baseEnv(), KORDON_SECRET_KEY: t.config.KORDON_SECRET_KEY!, ...env }), databaseUrl: t.db.url };
  const app = await createApp(config);
  await app.init();
  return app;
}

function baseEnv(): Record<string, string> {
  // The write rate limit is raised so busy test files never meet it; its own test lowers it.
  return { KORDON_ADMIN_TOKEN: ADMIN_TOKEN, KORDON_DEMO: 'off', KORDON_SCHEDULER: 'off', LOG_LEVEL: 'silent', KORDON_RATE_LIMIT_PER_MINUTE: '10000' };
}

export async function startTestApp(env: Record<string, string> = {}, overrides: AppOverrides = {}): Promise<TestApp> {
  const db = await freshDatabase();
  const config: AppConfig = {
    ...parseEnv({ ...baseEnv(), KORDON_SECRET_KEY: randomBytes(32).toString('base64'), ...env }),
    databaseUrl: db.url,
  };
  const app = await createApp(config, overrides);
  await app.init();
  // A test may close the app itself (shutdown tests); close() then only ends the rest.
  const closeApp = app.close.bind(app);
  let appClosing: Promise<void> | null = null;
  app.close = () => (appClosing ??= closeApp());
  const client = new Client({ connectionString: db.url });
  await client.connect();
  return {
    app,
    config,
    db,
    sql: async (text, params) => (await client.query(text, params as unknown[])).rows,
    close: async () => {
      await timed('app.close', () => app.close());
      await timed('sql client end', () => client.end());
      await timed('drop database', () => db.drop());
    },
  };
}

/**
 * Runs one teardown step, saying on stderr which one is slow; gives up on it after a while (and
 * says so) rather than hanging the file: a database left behind is swept by the global teardown.
 */
async function timed(step: string, fn: () => Promise<unknown>, giveUpMs = 35_000): Promise<void> {
  const started = Date.now();
  const warn = setInterval(() => process.stderr.write(`[test-app] ${step} still running after ${Math.round((Date.now() - started) / 1000)} s\n`), 10_000);
  warn.unref();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'gave-up'>((resolve) => {
    timer = setTimeout(() => resolve('gave-up'), giveUpMs);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([fn().then(() => 'done' as const), gaveUp]);
    if (outcome === 'gave-up') process.stderr.write(`[test-app] gave up on ${step} after ${giveUpMs / 1000} s; carrying on with the teardown\n`);
  } catch (err) {
    process.stderr.write(`[test-app] ${step} failed: ${(err as Error).message}\n`);
  } finally {
    clearInterval(warn);
    clearTimeout(timer);
  }
}
