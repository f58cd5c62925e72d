// The response cache through HTTP on a real database: repeated reads are served from memory, and
// any commit that changes what they show (from this replica, another one or plain SQL) is seen by
// the very next request; answers that move with the clock are not cached; tokens revoked
// anywhere are refused at once.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPosture } from '@kordon/contracts';
import { ADMIN_AUTH, startReplica, startTestApp, type TestApp } from '../../test/test-app';
import { issueToken } from '../../test/tokens';
import { until } from '../../test/until';
import { collectFromManifestText } from '@kordon/collectors';
import { smallCluster, smallClusterFiles } from '../posture/testing/read-api.fixture';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { ChangeVersions } from './change-versions.service';
import { ReadCache } from './read-cache.service';

const DAY = 86_400_000;
const NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

describe('read cache', () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await startTestApp();
    id = await smallCluster(t, 'cached', [
      { at: ago(2), denyA: false },
      { at: ago(1), denyA: true },
    ]);
  });
  afterAll(async () => t?.close());

  const get = (url: string, auth = ADMIN_AUTH, app = t.app) => request(app.getHttpServer()).get(url).set(auth);

  it('serves a repeated read from memory with the same body, and says so (RFC 9211)', async () => {
    const first = await get(`/api/clusters/${id}/posture`).expect(200);
    expect(first.headers['cache-status']).toBe('kordon; fwd=miss; stored');
    const second = await get(`/api/clusters/${id}/posture`).expect(200);
    expect(second.headers['cache-status']).toBe('kordon; hit');
    expect(second.headers['content-type']).toMatch(/^application\/json/);
    expect(second.text).toBe(first.text);
    expect((second.body as ClusterPosture).summary.ingress.namespacesWithDefaultDeny).toBe(1);
    // The hit was sent before Nest's router (ReadCacheMiddleware), still with its request id.
    const cache = t.app.get(ReadCache);
    const fast = cache.fastHits;
    const third = await get(`/api/clusters/${id}/posture`).set('x-request-id', 'cached-read-1').expect(200);
    expect(cache.fastHits).toBe(fast + 1);
    expect(third.headers['x-request-id']).toBe('cached-read-1');
    expect(third.text).toBe(first.text);
    // Same entity tag as the first answer; a conditional GET for it is a 304 without a body.
    expect(third.headers.etag).toBe(first.headers.etag);
    const notModified = await get(`/api/clusters/${id}/posture`).set('If-None-Match', first.headers.etag).expect(304);
    expect(notModified.text).toBe('');
    // A different URL is a different answer.
    const other = await get(`/api/clusters/${id}/posture?at=${ago(2).toISOString()}`).expect(200);
    expect(other.headers['cache-status']).toBe('kordon; fwd=miss; stored');
    expect((other.body as ClusterPosture).summary.ingress.namespacesWithDefaultDeny).toBe(0);
  });

  it('shows a change committed by plain SQL on the very next request', async () => {
    await get(`/api/clusters/${id}/posture`).expect(200);
    expect((await get(`/api/clusters/${id}/posture`).expect(200)).headers['cache-status']).toBe('kordon; hit');
    const [latest] = await t.sql<{ id: string }>(`SELECT id FROM snapshot WHERE cluster_id = $1 ORDER BY started_at DESC LIMIT 1`, [id]);
    await t.sql(`UPDATE snapshot SET status = 'failed', failure_reason = 'test' WHERE id = $1`, [latest.id]);
    try {
      const after = await get(`/api/clusters/${id}/posture`).expect(200);
      expect(after.headers['cache-status']).toBe('kordon; fwd=miss; stored');
      // The snapshot in force is now the older one, without the default-deny.
      expect((after.body as ClusterPosture).snapshot.takenAt).toBe(ago(2).toISOString());
      expect((after.body as ClusterPosture).summary.ingress.namespacesWithDefaultDeny).toBe(0);
    } finally {
      await t.sql(`UPDATE snapshot SET status = 'succeeded', failure_reason = NULL WHERE id = $1`, [latest.id]);
    }
    expect((await get(`/api/clusters/${id}/posture`).expect(200)).body.summary.ingress.namespacesWithDefaultDeny).toBe(1);
  });

  it('shows a snapshot written by another replica on the next request here', async () => {
    const replica = await startReplica(t);
    try {
      const url = `/api/clusters/${id}/posture`;
      expect((await get(url).expect(200)).body.summary.ingress.namespacesWithDefaultDeny).toBe(1);
      expect((await get(url).expect(200)).headers['cache-status']).toBe('kordon; hit');
      // The replica snapshots the cluster through its own pipeline: namespace a lost its default-deny.
      const outcome = await replica.get(SnapshotsService).run(id, { trigger: 'seed', at: ago(0.5), collect: async () => collectFromManifestText(smallClusterFiles(false)) });
      expect(outcome.status).toBe('succeeded');
      const after = await get(url).expect(200);
      expect(after.headers['cache-status']).toBe('kordon; fwd=miss; stored');
      expect((after.body as ClusterPosture).snapshot.takenAt).toBe(ago(0.5).toISOString());
      expect((after.body as ClusterPosture).summary.ingress.namespacesWithDefaultDeny).toBe(0);
      await t.sql(`DELETE FROM snapshot WHERE cluster_id = $1 AND started_at = $2`, [id, ago(0.5)]);
      expect((await get(url).expect(200)).body.summary.ingress.namespacesWithDefaultDeny).toBe(1);
    } finally {
      await replica.close();
    }
  });

  it('watches the same counter whatever the letter case of the cluster id, so a purge is seen', async () => {
    const doomed = await smallCluster(t, 'doomed', [{ at: ago(1), denyA: true }]);
    const urls = [`/api/clusters/${doomed.toUpperCase()}/posture`, `/api/clusters/${doomed.toUpperCase()}`, `/api/clusters/${doomed}/posture`];
    for (const url of urls) {
      await get(url).expect(200);
      expect((await get(url).expect(200)).headers['cache-status']).toBe('kordon; hit');
    }
    await request(t.app.getHttpServer()).delete(`/api/clusters/${doomed}?purge=true`).set(ADMIN_AUTH).expect(204);
    for (const url of urls) {
      const res = await get(url).expect(404);
      expect(res.headers['cache-status']).toBeUndefined();
    }
  });

  it('does not cache an answer that moves with the clock (a history range ending now)', async () => {
    const url = `/api/clusters/${id}/namespaces/a/history?bucket=day`;
    for (let i = 0; i < 2; i++) {
      const res = await get(url).expect(200);
      expect(res.headers['cache-status']).toBeUndefined();
    }
    // With an explicit end the same series is cached.
    const fixed = `/api/clusters/${id}/namespaces/a/history?bucket=day&to=${NOW.toISOString()}`;
    await get(fixed).expect(200);
    expect((await get(fixed).expect(200)).headers['cache-status']).toBe('kordon; hit');
  });

  it('holds a cluster list only until a cluster in it turns stale', async () => {
    // Stale = no good snapshot for twice the schedule (60 min): this one turns stale in ~2 s.
    const soon = new Date(Date.now() - 120 * 60_000 + 2_000);
    const staleSoon = await smallCluster(t, 'stale-soon', [{ at: soon, denyA: false }]);
    const url = `/api/clusters/${staleSoon}`;
    expect((await get(url).expect(200)).body.stale).toBe(false);
    expect((await get(url).expect(200)).headers['cache-status']).toBe('kordon; hit');
    // No data changes; the answer still turns over when the clock passes the stale point.
    const later = await until(async () => (await get(url).expect(200)).body, (b) => b.stale === true, 20_000, 200);
    expect(later.stale).toBe(true);
    await t.sql(`DELETE FROM cluster WHERE id = $1`, [staleSoon]);
  });

  it('never serves a cached answer to a caller the route refuses, nor caches errors', async () => {
    const manager = await issueToken(t.app, 'manager');
    await get(`/api/clusters/${id}/namespaces/a`).expect(200);
    await get(`/api/clusters/${id}/namespaces/a`, manager.auth).expect(403);
    await get(`/api/clusters/${id}/namespaces/a`, { Authorization: 'Bearer nope-nope-nope-nope-nope-nope' }).expect(401);
    const missing = `/api/clusters/${id}/namespaces/nosuch`;
    for (let i = 0; i < 2; i++) {
      const res = await get(missing).expect(404);
      expect(res.headers['cache-status']).toBeUndefined();
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
  });

  it('refuses a token revoked by plain SQL on its next request, though its lookups are cached', async () => {
    const token = await issueToken(t.app, 'security');
    for (let i = 0; i < 3; i++) await get(`/api/clusters/${id}/posture`, token.auth).expect(200);
    await t.sql(`UPDATE api_token SET revoked_at = now() WHERE id = $1`, [token.id]);
    await get(`/api/clusters/${id}/posture`, token.auth).expect(401);
  });

  it('counts commits, not heartbeats: progress and last-use updates leave cached answers in place', async () => {
    const version = async () => {
      const rows = await t.sql<{ scope: string; version: string }>(`SELECT scope, version::text FROM change_version WHERE scope IN ('fleet', 'auth', $1)`, [`cluster:${id}`]);
      const by = Object.fromEntries(rows.map((r) => [r.scope, Number(r.version)]));
      return { fleet: by.fleet ?? 0, auth: by.auth ?? 0, cluster: by[`cluster:${id}`] ?? 0 };
    };
    const [snap] = await t.sql<{ id: string }>(`SELECT id FROM snapshot WHERE cluster_id = $1 ORDER BY started_at DESC LIMIT 1`, [id]);
    const v0 = await version();
    await t.sql(`UPDATE snapshot SET heartbeat_at = now(), progress = '{"phase":"x"}' WHERE id = $1`, [snap.id]);
    await t.sql(`UPDATE api_token SET last_used_at = now()`);
    expect(await version()).toEqual(v0);
    // Several rows in one transaction: one bump of each scope they touch.
    await t.sql(`UPDATE snapshot SET failure_reason = 'x' WHERE cluster_id = $1`, [id]);
    await t.sql(`UPDATE snapshot SET failure_reason = NULL WHERE cluster_id = $1`, [id]);
    expect(await version()).toEqual({ fleet: v0.fleet + 2, auth: v0.auth, cluster: v0.cluster + 2 });
    await t.sql(`UPDATE cluster SET team = team WHERE id = $1`, [id]);
    expect(await version()).toMatchObject({ fleet: v0.fleet + 3, cluster: v0.cluster + 3 });
  });

  it("keeps a cluster's answers when only another cluster changes, but not the fleet's", async () => {
    const other = await smallCluster(t, 'neighbour', [{ at: ago(1), denyA: true }]);
    const mine = `/api/clusters/${id}/posture`;
    // A fleet-wide list narrowed to this cluster by its query watches this cluster only.
    const myFindings = `/api/findings?cluster=${id.toUpperCase()}&limit=5`;
    const fleet = `/api/clusters`;
    const allFindings = `/api/findings?limit=5`;
    for (const url of [mine, myFindings, fleet, allFindings]) await get(url).expect(200);
    for (const url of [mine, myFindings, fleet, allFindings]) expect((await get(url).expect(200)).headers['cache-status'], url).toBe('kordon; hit');
    // A new snapshot of the neighbour commits.
    const outcome = await t.app.get(SnapshotsService).run(other, { trigger: 'seed', at: ago(0.25), collect: async () => collectFromManifestText(smallClusterFiles(false)) });
    expect(outcome.status).toBe('succeeded');
    expect((await get(mine).expect(200)).headers['cache-status']).toBe('kordon; hit');
    expect((await get(myFindings).expect(200)).headers['cache-status']).toBe('kordon; hit');
    expect((await get(allFindings).expect(200)).headers['cache-status']).toBe('kordon; fwd=miss; stored');
    // A change to this cluster is seen by its narrowed list at once.
    await t.sql(`UPDATE cluster SET name = 'cached-renamed' WHERE id = $1`, [id]);
    const renamed = await get(myFindings).expect(200);
    expect(renamed.headers['cache-status']).toBe('kordon; fwd=miss; stored');
    expect(renamed.body.items.length).toBeGreaterThan(0);
    for (const f of renamed.body.items) expect(f.cluster.name).toBe('cached-renamed');
    await t.sql(`UPDATE cluster SET name = 'cached' WHERE id = $1`, [id]);
    const list = await get(fleet).expect(200);
    expect(list.headers['cache-status']).toBe('kordon; fwd=miss; stored');
    expect(list.body.items.find((c: { id: string }) => c.id === other).lastSnapshot.startedAt).toBe(ago(0.25).toISOString());
    await t.sql(`DELETE FROM cluster WHERE id = $1`, [other]);
  });

  it('answers concurrent misses of one URL with one computation', async () => {
    const url = `/api/clusters/${id}/posture?at=${ago(1).toISOString()}`;
    const http = t.app.getHttpServer();
    const answers = await Promise.all(Array.from({ length: 20 }, () => request(http).get(url).set(ADMIN_AUTH).expect(200)));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    const statuses = answers.map((a) => a.headers['cache-status']);
    expect(statuses.filter((s) => s === 'kordon; fwd=miss; stored')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'kordon; hit')).toHaveLength(19);
  });
});

describe('read cache switched off', () => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await startTestApp({ KORDON_READ_CACHE_MB: '0' });
    id = await smallCluster(t, 'uncached', [{ at: ago(1), denyA: true }]);
  });
  afterAll(async () => t?.close());

  it('answers every read from the database (KORDON_READ_CACHE_MB=0)', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await request(t.app.getHttpServer()).get(`/api/clusters/${id}/posture`).set(ADMIN_AUTH).expect(200);
      expect(res.headers['cache-status']).toBeUndefined();
    }
    expect(t.app.get(ChangeVersions).reads).toBe(0);
  });
});
