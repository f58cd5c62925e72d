// The migration runner against a real empty database: applies every folder once, records it
// like `prisma migrate deploy` (name + SHA-256 checksum), and is idempotent.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { adminQuery, runDatabasePrefix, withDatabase } from '../../test/database';
import { applyMigrations, MIGRATIONS_DIR } from './migrator';

describe('applyMigrations', () => {
  it('applies each migration once and records a Prisma-compatible row', async () => {
    const template = process.env.KORDON_TEST_TEMPLATE_URL!;
    const server = process.env.KORDON_TEST_SERVER_URL ?? template;
    const name = `${runDatabasePrefix(template)}mig_${Date.now()}`;
    await adminQuery(server, `CREATE DATABASE "${name}"`);
    const url = withDatabase(template, name);
    try {
      const first = await applyMigrations(url);
      const folders = readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
      expect(first.applied).toEqual(folders);
      const again = await applyMigrations(url);
      expect(again).toEqual({ applied: [], alreadyApplied: folders.length });
      const c = new Client({ connectionString: url });
      await c.connect();
      const rows = (await c.query(`SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`)).rows;
      await c.end();
      expect(rows.map((r) => r.migration_name)).toEqual(folders);
      const sql = readFileSync(join(MIGRATIONS_DIR, folders[0], 'migration.sql'), 'utf8');
      expect(rows[0].checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(rows[0].finished_at).not.toBeNull();
    } finally {
      await adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });
});
