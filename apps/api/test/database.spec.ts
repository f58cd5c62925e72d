import { describe, expect, it } from 'vitest';
import { Client } from 'pg';
import { freshDatabase } from './database';

describe('test database', () => {
  it('is a migrated copy of the template', async () => {
    const db = await freshDatabase();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const r = await client.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    await client.end();
    await db.drop();
    expect(r.rows[0].n).toBeGreaterThanOrEqual(1);
  });
});
