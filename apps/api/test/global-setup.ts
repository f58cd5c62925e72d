// Finds a PostgreSQL server (DATABASE_URL, else the machine's 127.0.0.1:5432, else an embedded
// one), creates a migrated template database for this run, and drops it afterwards.
import { randomBytes } from 'node:crypto';
import { applyMigrations } from '../src/prisma/migrator';
import { resolveDatabaseServer } from '../src/prisma/database-server';
import { Client } from 'pg';
import { adminQuery, runDatabasePrefix, withDatabase } from './database';

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
  process.env.KORDON_TEST_SERVER_URL = server.url;
  return async () => {
    // Copies a test file could not drop (its teardown gave up) go with the template.
    const leftovers = await listDatabases(server.url, runDatabasePrefix(templateUrl)).catch(() => []);
    for (const db of [...leftovers, name]) await adminQuery(server.url, `DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`).catch(() => undefined);
    await server.stop();
  };
}

async function listDatabases(serverUrl: string, prefix: string): Promise<string[]> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix]);
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}
