// Authentication and its neighbours through HTTP: deny by default, the web app's token, the
// write rate limit, purging a cluster's history, and the audit of writes.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, startTestApp, type TestApp } from '../../test/test-app';
import { issueToken } from '../../test/tokens';
import { SnapshotsService } from '../snapshots/snapshots.service';

const WEB_TOKEN = 'test-web-token-0123456789abcdef';

describe('auth', () => {
  let t: TestApp;
  let clusterId: string;
  beforeAll(async () => {
    t = await startTestApp({ KORDON_WEB_TOKEN: WEB_TOKEN });
    const res = await request(t.app.getHttpServer()).post('/api/clusters').set(ADMIN_AUTH)
      .send({ name: 'auth-1', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] }).expect(201);
    clusterId = res.body.id;
  });
  afterAll(async () => t?.close());

  it('refuses reads without a token; health and the API docs stay open', async () => {
    const http = t.app.getHttpServer();
    const res = await request(http).get('/api/clusters').expect(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/Bearer/) });
    await request(http).get(`/api/clusters/${clusterId}`).set({ Authorization: 'Bearer' }).expect(401);
    await request(http).get(`/api/clusters/${clusterId}`).set({ Authorization: 'Token abc' }).expect(401);
    await request(http).get('/api/health').expect(200);
    await request(http).get('/api/openapi.json').expect(200);
    await request(http).get('/api/docs').expect((r) => expect([200, 301]).toContain(r.status));
  });

  it('bootstraps the web app token as an auditor', async () => {
    const http = t.app.getHttpServer();
    const web = { Authorization: `Bearer ${WEB_TOKEN}` };
    await request(http).get(`/api/clusters/${clusterId}/snapshots`).set(web).expect(200);
    await request(http).post('/api/clusters').set(web).send({ name: 'x', source: 'manifests', paths: ['demo'] }).expect(403);
    await request(http).post(`/api/clusters/${clusterId}/snapshots`).set(web).expect(403);
    const [row] = await t.sql<{ role: string; name: string }>(`SELECT role, name FROM api_token WHERE name LIKE 'web app%'`);
    expect(row).toEqual({ role: 'auditor', name: 'web app (KORDON_WEB_TOKEN)' });
  });

  it('purges a cluster with its snapshot history only when asked, and audits it', async () => {
    const http = t.app.getHttpServer();
    const admin = await issueToken(t.app, 'admin', { name: 'purger' });
    const created = await request(http).post('/api/clusters').set(admin.auth)
      .send({ name: 'to-purge', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] }).expect(201);
    const id = created.body.id as string;
    const run = await t.app.get(SnapshotsService).run(id, { trigger: 'manual' });
    expect(run.status).toBe('succeeded');
    const policies = (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM policy_object`))[0].n;
    expect(policies).toBeGreaterThan(0);

    await request(http).delete(`/api/clusters/${id}?purge=maybe`).set(admin.auth).expect(400);
    await request(http).delete(`/api/clusters/${id}?purge=true`).set(await issueToken(t.app, 'security').then((s) => s.auth)).expect(403);
    await request(http).delete(`/api/clusters/${id}`).set(admin.auth).expect(204);
    expect(await t.sql(`SELECT 1 FROM snapshot WHERE cluster_id = $1`, [id])).toHaveLength(1);
    // A deleted cluster's history can still be purged.
    await request(http).delete(`/api/clusters/${id}?purge=true`).set(admin.auth).expect(204);
    expect(await t.sql(`SELECT 1 FROM cluster WHERE id = $1`, [id])).toHaveLength(0);
    expect(await t.sql(`SELECT 1 FROM snapshot WHERE cluster_id = $1`, [id])).toHaveLength(0);
    expect(await t.sql(`SELECT 1 FROM namespace_posture WHERE cluster_id = $1`, [id])).toHaveLength(0);
    // Content rows are shared by hash with other snapshots and stay.
    expect((await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM policy_object`))[0].n).toBe(policies);
    await request(http).delete(`/api/clusters/${id}?purge=true`).set(admin.auth).expect(404);

    const audit = await t.sql<{ actor: string; action: string; target: string; details: { snapshots: number; name: string } }>(
      `SELECT actor, action, target, details FROM audit_log WHERE target = $1 ORDER BY id`, [id]);
    expect(audit.map((a) => a.action)).toEqual(['cluster.register', 'cluster.delete', 'cluster.purge']);
    expect(audit[2]).toMatchObject({ actor: 'purger', details: { snapshots: 1 } });
  });

  it('answers 409 when purging a cluster whose snapshot is running', async () => {
    const http = t.app.getHttpServer();
    const created = await request(http).post('/api/clusters').set(ADMIN_AUTH)
      .send({ name: 'busy', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] }).expect(201);
    await t.sql(`INSERT INTO snapshot (id, cluster_id, status, trigger, started_at) VALUES (gen_random_uuid(), $1, 'running', 'manual', now())`, [created.body.id]);
    const res = await request(http).delete(`/api/clusters/${created.body.id}?purge=true`).set(ADMIN_AUTH).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
  });
});

describe('write rate limit', () => {
  let t: TestApp;
  let clusterId: string;
  beforeAll(async () => {
    t = await startTestApp({ KORDON_RATE_LIMIT_PER_MINUTE: '3' });
    const res = await request(t.app.getHttpServer()).post('/api/clusters').set(ADMIN_AUTH)
      .send({ name: 'limited', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] }).expect(201);
    clusterId = res.body.id;
  });
  afterAll(async () => t?.close());

  it('limits writes per token with a 429 in the standard shape, and never limits reads', async () => {
    const http = t.app.getHttpServer();
    const sec = await issueToken(t.app, 'security');
    for (let i = 0; i < 3; i++) {
      const r = await request(http).patch(`/api/clusters/${clusterId}`).set(sec.auth).send({ scheduleMinutes: 60 });
      expect(r.status).toBe(403); // security may not update clusters, and refused calls are not counted
    }
    // One budget across write routes: two snapshots and an analysis, then nothing.
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await request(http).post(`/api/clusters/${clusterId}/snapshots`).set(sec.auth)).status);
    statuses.push((await request(http).post('/api/analyze').set(sec.auth).send({})).status);
    statuses.push((await request(http).post(`/api/clusters/${clusterId}/snapshots`).set(sec.auth)).status);
    expect(statuses.slice(0, 2)).toEqual([202, 202]);
    expect(statuses[2]).not.toBe(429);
    expect(statuses[3]).toBe(429);
    const limited = await request(http).post(`/api/clusters/${clusterId}/snapshots`).set(sec.auth).expect(429);
    expect(limited.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/at most 3 a minute/) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await request(http).post('/api/analyze').set(sec.auth).send({})).status).toBe(429);
    for (let i = 0; i < 20; i++) await request(http).get(`/api/clusters/${clusterId}`).set(sec.auth).expect(200);
    // Another caller has its own budget; a caller without a token is refused before counting.
    const other = await issueToken(t.app, 'security'); // the admin's second write of the minute
    await request(http).post(`/api/clusters/${clusterId}/snapshots`).set(other.auth).expect(202);
    for (let i = 0; i < 5; i++) await request(http).post(`/api/clusters/${clusterId}/snapshots`).expect(401);
  });
});
