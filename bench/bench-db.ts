// A throwaway migrated database for a benchmark run.
import { randomBytes } from 'node:crypto';
import { resolveDatabaseServer } from '../apps/api/src/prisma/database-server';
import { applyMigrations } from '../apps/api/src/prisma/migrator';
import { adminQuery, withDatabase } from '../apps/api/test/database';

export async function benchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = await resolveDatabaseServer({ databaseUrl: process.env.DATABASE_URL, dataDir: '.kordon/bench-pg', tryLocal: true, log: () => undefined });
  const name = `kordon_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(server.url, `CREATE DATABASE "${name}"`);
  const url = withDatabase(server.url, name);
  await applyMigrations(url);
  return {
    url,
    drop: async () => {
      await adminQuery(server.url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await server.stop();
    },
  };
}
