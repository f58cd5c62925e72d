// Finds a PostgreSQL server (DATABASE_URL, else the machine's 127.0.0.1:5432, else an embedded
// one), creates a migrated template database for this run, and drops it afterwards.
import { randomBytes } from 'node:crypto';
import { applyMigrations } from '../src/prisma/migrator';
import { resolveDatabaseServer } from '../src/prisma/database-server';
import { adminQuery, withDatabase } from './database';

export default async function setup(): Promise<() => Promise<void>> {
  const server = await resolveDatabaseServer({
    databaseUrl: process.env.DATABASE_URL,
    dataDir: '.kordon/test-pg',
    tryLocal: true,
    log: () => undefined,
  });
  const name = `kordon_tpl_${randomBytes(5).toString('hex')}`;
  await adminQuery(server.url, `CREATE DATABASE "${name}"`);
  const templateUrl = withDatabase(server.url, name);
  await applyMigrations(templateUrl);
  process.env.KORDON_TEST_TEMPLATE_URL = templateUrl;
  return async () => {
    await adminQuery(server.url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await server.stop();
  };
}
