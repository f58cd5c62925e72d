// Shutdown waits for database work nobody awaits (here a token's last-use stamp) before it closes
// the pool: closing Prisma under such a statement once left a transaction open after its BEGIN and
// `app.close()` hung for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/test-app';
import { issueToken } from '../../test/tokens';
import { TokensRepository } from '../auth/tokens.repository';
import { InFlightWork } from './in-flight-work';

describe('shutdown', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('finishes untracked database work before closing the pool, and leaves no transaction open', async () => {
    const tokens = await Promise.all(Array.from({ length: 5 }, (_, i) => issueToken(t.app, 'auditor', { name: `shutdown-${i}` })));
    const work = t.app.get(InFlightWork);
    const repo = t.app.get(TokensRepository);
    const at = new Date();
    for (const tok of tokens) void work.track(repo.touch(tok.id, at));
    expect(work.size).toBe(5);
    await t.app.close();
    expect(work.size).toBe(0);
    const stamped = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM api_token WHERE name LIKE 'shutdown-%' AND last_used_at IS NOT NULL`);
    expect(stamped[0].n).toBe(5);
    const open = await t.sql(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`);
    expect(open).toEqual([]);
  });
});
