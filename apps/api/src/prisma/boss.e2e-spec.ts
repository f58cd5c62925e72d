// Replicas starting together on a new database create the same pg-boss queues at once. Without
// the advisory lock in startBoss, PostgreSQL killed one of them with "deadlock detected" (the
// scale-out test's second process failed to start in CI; three bare createQueue calls racing
// like this deadlocked in 12 of 18 tries here).
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/database';
import { startBoss } from './boss';

describe('startBoss', () => {
  it('lets processes starting together create the same queues without a deadlock', async () => {
    for (let round = 0; round < 4; round++) {
      const db = await freshDatabase();
      try {
        const started = await Promise.allSettled(
          Array.from({ length: 3 }, (_, i) =>
            startBoss({
              databaseUrl: db.url,
              max: 2,
              applicationName: `boss-test-${i}`,
              logger: new Logger('boss-test'),
              queues: [
                { name: 'kordon-snapshots', policy: 'short', retryLimit: 0 },
                { name: 'alert-delivery', policy: 'standard', retryLimit: 5 },
              ],
            }),
          ),
        );
        const failures = started.filter((s) => s.status === 'rejected').map((s) => ((s as PromiseRejectedResult).reason as Error).message);
        expect(failures, `round ${round}`).toEqual([]);
        for (const s of started) if (s.status === 'fulfilled') await s.value.stop({ graceful: false, wait: true });
        const sql = new Client({ connectionString: db.url });
        await sql.connect();
        const queues = (await sql.query<{ name: string; policy: string }>(`SELECT name, policy FROM pgboss.queue ORDER BY name`)).rows;
        await sql.end();
        expect(queues).toEqual([
          { name: 'alert-delivery', policy: 'standard' },
          { name: 'kordon-snapshots', policy: 'short' },
        ]);
      } finally {
        await db.drop();
      }
    }
  }, 120_000);
});
