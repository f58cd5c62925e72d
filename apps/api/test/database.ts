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
  const client = new Client({ connectionString: serverUrl });
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

/** A new database copied from the migrated template named in KORDON_TEST_TEMPLATE_URL. */
export async function freshDatabase(): Promise<TestDatabase> {
  const template = process.env.KORDON_TEST_TEMPLATE_URL;
  if (!template) throw new Error('KORDON_TEST_TEMPLATE_URL is not set: run tests through vitest (apps/api/test/global-setup.ts)');
  const templateName = new URL(template).pathname.slice(1);
  const name = `kordon_t_${randomBytes(6).toString('hex')}`;
  // CREATE DATABASE … TEMPLATE needs the template to have no other session, including another
  // file's copy being made at the same moment (SQLSTATE 55006): retry briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(template, `CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt >= 50) throw err;
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 150));
    }
  }
  const url = withDatabase(template, name);
  return {
    url,
    drop: () => adminQuery(template, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
