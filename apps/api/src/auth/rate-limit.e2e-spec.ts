// The write rate limit across API replicas: two replicas on one database spend one budget per
// caller, counted in PostgreSQL, with the 429 shape and Retry-After of a single replica.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplica, startTestApp, type TestApp } from '../../test/test-app';
import { issueToken, type IssuedToken } from '../../test/tokens';
import { PgThrottlerStorage } from './pg-throttler.storage';

const LIMIT = 4;
const MANIFEST = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n';

describe('write rate limit shared by replicas', () => {
  let t: TestApp;
  let b: INestApplication;
  beforeAll(async () => {
    t = await startTestApp({ KORDON_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    b = await startReplica(t, { KORDON_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  const analyze = (app: INestApplication, tok: IssuedToken) =>
    request(app.getHttpServer()).post('/api/analyze').set(tok.auth).set('Content-Type', 'application/yaml').send(MANIFEST);
  const rowOf = async (tok: IssuedToken) => (await t.sql<{ hits: number }>(`SELECT hits FROM rate_limit WHERE key = $1`, [`default:token:${tok.id}`]))[0];

  it('lets LIMIT writes through over both replicas, then refuses the next on either with 429', async () => {
    const sec = await issueToken(t.app, 'security');
    const replicas = [t.app, b];
    for (let i = 0; i < LIMIT; i++) {
      const res = await analyze(replicas[i % 2], sec);
      expect(res.status, `write ${i + 1} on replica ${(i % 2) + 1}`).toBe(200);
      expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - i - 1));
    }
    for (const app of replicas) {
      const res = await analyze(app, sec).expect(429);
      expect(res.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(new RegExp(`at most ${LIMIT} a minute`)) });
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
    }
    // Reads are never limited, on either replica.
    for (const app of replicas) await request(app.getHttpServer()).get('/api/clusters').set(sec.auth).expect(200);
    // Counted once per write in the database, refused ones included; no replica fell back to memory.
    expect((await rowOf(sec)).hits).toBe(LIMIT + 2);
    for (const app of replicas) expect(app.get(PgThrottlerStorage).fallbacks).toBe(0);
  });

  it('concurrent writes on both replicas never overspend the budget', async () => {
    const sec = await issueToken(t.app, 'security');
    const statuses = (await Promise.all(Array.from({ length: 3 * LIMIT }, (_, i) => analyze(i % 2 ? b : t.app, sec)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * LIMIT);
  });

  it('opens a new window once the caller\'s has ended (by the database clock)', async () => {
    const sec = await issueToken(t.app, 'security');
    for (let i = 0; i < LIMIT; i++) await analyze(t.app, sec).expect(200);
    await analyze(b, sec).expect(429);
    // As if the minute had passed.
    await t.sql(`UPDATE rate_limit SET window_start = window_start - interval '61 seconds' WHERE key = $1`, [`default:token:${sec.id}`]);
    const res = await analyze(b, sec).expect(200);
    expect(res.headers['x-ratelimit-remaining']).toBe(String(LIMIT - 1));
    expect((await rowOf(sec)).hits).toBe(1);
  });
});
