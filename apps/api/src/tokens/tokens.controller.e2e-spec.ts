// API tokens through HTTP: shown once, stored as SHA-256, listed without secrets, expiring and
// revocable, every change audited.
import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, startTestApp, type TestApp } from '../../test/test-app';
import { issueToken } from '../../test/tokens';
import { until } from '../../test/until';

describe('tokens API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('creates a token shown once, stored only as its SHA-256, that works with its role', async () => {
    const http = t.app.getHttpServer();
    const res = await request(http).post('/api/tokens').set(ADMIN_AUTH).send({ name: 'ci-gate', role: 'security', expiresInDays: 30 }).expect(201);
    expect(res.body).toMatchObject({ name: 'ci-gate', role: 'security', status: 'active', revokedAt: null, lastUsedAt: null });
    expect(res.body.token).toMatch(/^kdn_[A-Za-z0-9_-]{43}$/);
    const days = (new Date(res.body.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);

    const [row] = await t.sql<Record<string, unknown>>(`SELECT * FROM api_token WHERE id = $1`, [res.body.id]);
    expect(row.token_hash).toBe(createHash('sha256').update(res.body.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(res.body.token);

    const auth = { Authorization: `Bearer ${res.body.token}` };
    await request(http).get('/api/clusters').set(auth).expect(200);
    await until(async () => (await t.sql<{ last_used_at: Date | null }>(`SELECT last_used_at FROM api_token WHERE id = $1`, [res.body.id]))[0].last_used_at, (v) => v !== null, 5_000);
    await request(http).post('/api/clusters').set(auth).send({ name: 'nope', source: 'manifests', paths: ['demo'] }).expect(403);
    await request(http).get('/api/tokens').set(auth).expect(403);
  });

  it('lists tokens without the token or its hash, newest first, paged', async () => {
    const http = t.app.getHttpServer();
    const a = await issueToken(t.app, 'manager', { name: 'page-a' });
    const b = await issueToken(t.app, 'auditor', { name: 'page-b' });
    const first = await request(http).get('/api/tokens?limit=1').set(ADMIN_AUTH).expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({ id: b.id, name: 'page-b', role: 'auditor', status: 'active' });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const all = await request(http).get('/api/tokens?limit=200').set(ADMIN_AUTH).expect(200);
    const text = JSON.stringify(all.body);
    const hashes = await t.sql<{ token_hash: string }>(`SELECT token_hash FROM api_token`);
    for (const h of hashes) expect(text).not.toContain(h.token_hash);
    expect(text).not.toContain(a.token);
    for (const item of all.body.items) expect(Object.keys(item).sort()).toEqual(['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name', 'revokedAt', 'role', 'status']);
    expect(all.body.items.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['page-a', 'page-b', 'bootstrap admin (KORDON_ADMIN_TOKEN)']));
    const second = await request(http).get(`/api/tokens?limit=1&cursor=${first.body.nextCursor}`).set(ADMIN_AUTH).expect(200);
    expect(second.body.items[0].id).toBe(a.id);
    await request(http).get('/api/tokens?cursor=garbage').set(ADMIN_AUTH).expect(400);
  });

  it('revokes a token at once; expired and revoked tokens answer 401', async () => {
    const http = t.app.getHttpServer();
    const tok = await issueToken(t.app, 'admin', { name: 'to-revoke' });
    await request(http).get('/api/tokens').set(tok.auth).expect(200);
    await request(http).delete(`/api/tokens/${tok.id}`).set(ADMIN_AUTH).expect(204);
    const res = await request(http).get('/api/clusters').set(tok.auth).expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/revoked/) });
    await request(http).delete(`/api/tokens/${tok.id}`).set(ADMIN_AUTH).expect(204);
    const listed = (await request(http).get('/api/tokens?limit=200').set(ADMIN_AUTH).expect(200)).body.items.find((i: { id: string }) => i.id === tok.id);
    expect(listed).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });

    const soon = await issueToken(t.app, 'admin', { name: 'to-expire', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await request(http).get('/api/clusters').set(soon.auth).expect(200);
    await t.sql(`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1`, [soon.id]);
    await request(http).get('/api/clusters').set(soon.auth).expect(401);
    const expired = (await request(http).get('/api/tokens?limit=200').set(ADMIN_AUTH).expect(200)).body.items.find((i: { id: string }) => i.id === soon.id);
    expect(expired.status).toBe('expired');

    await request(http).delete('/api/tokens/6f1c2d3e-0000-4000-8000-000000000000').set(ADMIN_AUTH).expect(404);
    await request(http).delete('/api/tokens/not-a-uuid').set(ADMIN_AUTH).expect(400);
  });

  it('rejects bad token requests with one error shape', async () => {
    const http = t.app.getHttpServer();
    const bad = async (body: object) => (await request(http).post('/api/tokens').set(ADMIN_AUTH).send(body).expect(400)).body;
    expect((await bad({ name: 'x', role: 'root' })).details.map((d: { field: string }) => d.field)).toContain('role');
    await bad({ name: 'x', role: 'admin', expiresInDays: 5, expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await bad({ name: 'x', role: 'admin', expiresAt: '2001-01-01T00:00:00Z' });
    await bad({ name: 'x', role: 'admin', expiresAt: 'tomorrow' });
    await bad({ name: 'x', role: 'admin', expiresInDays: 0 });
    await bad({ name: 'x', role: 'admin', expiresInDays: 99999 });
    await bad({ name: 'x', role: 'admin', token: 'kdn_chosen-by-caller' });
    await bad({ name: 'bootstrap admin (KORDON_ADMIN_TOKEN)', role: 'admin' });
    await bad({ name: '', role: 'admin' });
    await bad({ role: 'admin' });
    const shape = await bad({ name: 'x'.repeat(101), role: 'admin' });
    expect(shape).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
  });

  it('audits token creation and revocation with who did it, readable by admins only', async () => {
    const http = t.app.getHttpServer();
    const tok = await issueToken(t.app, 'manager', { name: 'audited' });
    await request(http).delete(`/api/tokens/${tok.id}`).set(ADMIN_AUTH).expect(204);
    const page = await request(http).get('/api/audit?limit=2').set(ADMIN_AUTH).expect(200);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items[0]).toMatchObject({ actor: 'bootstrap admin (KORDON_ADMIN_TOKEN)', action: 'token.revoke', target: tok.id, details: { name: 'audited', role: 'manager', by: { kind: 'token' } } });
    expect(page.body.items[1]).toMatchObject({ action: 'token.create', target: tok.id, details: { name: 'audited', role: 'manager' } });
    expect(Date.now() - new Date(page.body.items[0].at).getTime()).toBeLessThan(60_000);
    expect(page.body.items[0].details.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(page.body)).not.toContain(tok.token);
    const next = await request(http).get(`/api/audit?limit=2&cursor=${page.body.nextCursor}`).set(ADMIN_AUTH).expect(200);
    expect(Number(next.body.items[0].id)).toBeLessThan(Number(page.body.items[1].id));
    await request(http).get('/api/audit?cursor=abc').set(ADMIN_AUTH).expect(400);
    await request(http).get('/api/audit?limit=0').set(ADMIN_AUTH).expect(400);
    const security = await issueToken(t.app, 'security');
    await request(http).get('/api/audit').set(security.auth).expect(403);
  });
});
