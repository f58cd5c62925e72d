// Test databases: one migrated template per run (made in global setup), and a fresh copy of it
// per test file, so files run in parallel without seeing one another's rows.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  // Bounded, so a database server that cannot drop or copy a database says so instead of
  // hanging a test file's teardown.
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 15_000, statement_timeout: 60_000, lock_timeout: 30_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Prefix of the databases one test run creates, so its global teardown can sweep leftovers. */
export function runDatabasePrefix(templateUrl: string): string {
  return `${new URL(templateUrl).pathname.slice(1).replace('kordon_tpl_', 'kordon_t_')}_`;
}

/** A new database copied from the migrated template named in KORDON_TEST_TEMPLATE_URL. */
export async function freshDatabase(): Promise<TestDatabase> {
  const template = process.env.KORDON_TEST_TEMPLATE_URL;
  if (!template) throw new Error('KORDON_TEST_TEMPLATE_URL is not set: run tests through vitest (apps/api/test/global-setup.ts)');
  // Administrative statements run from the server's own database, never from the template: a
  // session on the template makes every concurrent copy of it fail (SQLSTATE 55006).
  const server = process.env.KORDON_TEST_SERVER_URL ?? template;
  const templateName = new URL(template).pathname.slice(1);
  const name = `${runDatabasePrefix(template)}${randomBytes(5).toString('hex')}`;
  // CREATE DATABASE … TEMPLATE needs the template to have no other session, including another
  // file's copy being made at the same moment (SQLSTATE 55006): retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(server, `CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
    }
  }
  const url = withDatabase(template, name);
  return {
    url,
    drop: () => adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
