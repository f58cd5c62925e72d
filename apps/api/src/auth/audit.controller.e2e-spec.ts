// GET /api/audit through HTTP: filters by actor, action (exact or prefix), target and time range,
// kept across pages; bad filters are 400s in the standard shape; admins only.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@kordon/contracts';
import { ADMIN_AUTH, startTestApp, type TestApp } from '../../test/test-app';
import { issueToken, type IssuedToken } from '../../test/tokens';

describe('audit log API filters', () => {
  let t: TestApp;
  let alice: IssuedToken;
  let bob: IssuedToken;
  const http = () => request(t.app.getHttpServer());
  const list = async (query: string) => (await http().get(`/api/audit?${query}`).set(ADMIN_AUTH).expect(200)).body as { items: AuditEntry[]; nextCursor: string | null };

  beforeAll(async () => {
    t = await startTestApp();
    alice = await issueToken(t.app, 'admin', { name: 'alice-admin' });
    bob = await issueToken(t.app, 'admin', { name: 'bob-admin' });
    for (const name of ['flt-a1', 'flt-a2', 'flt-a3']) {
      await http().post('/api/tokens').set(alice.auth).send({ name, role: 'auditor' }).expect(201);
    }
    const c = await http().post('/api/clusters').set(bob.auth).send({ name: 'flt-cluster', source: 'manifests', files: [{ name: 'ns.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n' }] }).expect(201);
    await http().patch(`/api/clusters/${c.body.id}`).set(bob.auth).send({ team: 'payments' }).expect(200);
    await http().post('/api/auth/sign-in').set(bob.auth).expect((r) => expect(r.status).toBeLessThan(300));
  });
  afterAll(async () => t?.close());

  it('filters by part of the actor, case-insensitively', async () => {
    const page = await list('actor=ALICE');
    expect(page.items.length).toBe(3);
    expect(new Set(page.items.map((i) => i.actor))).toEqual(new Set(['alice-admin']));
    expect(page.items.map((i) => i.action)).toEqual(['token.create', 'token.create', 'token.create']);
  });

  it('filters by exact action, or by a prefix ending with a dot', async () => {
    const exact = await list('action=cluster.update');
    expect(exact.items.map((i) => [i.actor, i.action])).toEqual([['bob-admin', 'cluster.update']]);
    const prefix = await list('action=cluster.&actor=bob');
    expect(prefix.items.map((i) => i.action)).toEqual(['cluster.update', 'cluster.register']);
    const signIns = await list('action=auth.sign-in');
    expect(signIns.items[0]).toMatchObject({ actor: 'bob-admin', action: 'auth.sign-in' });
    expect((await list('action=cluster')).items).toEqual([]);
  });

  it('filters by target', async () => {
    const [reg] = (await list('action=cluster.register&actor=bob')).items;
    const page = await list(`target=${reg.target}`);
    expect(page.items.map((i) => i.action)).toEqual(['cluster.update', 'cluster.register']);
  });

  it('filters by time range, from inclusive and to exclusive, and pages within the filter', async () => {
    const all = await list('actor=alice');
    const oldest = all.items[all.items.length - 1];
    const newest = all.items[0];
    expect((await list(`actor=alice&from=${encodeURIComponent(newest.at)}`)).items.map((i) => i.id)).toContain(newest.id);
    expect((await list(`actor=alice&to=${encodeURIComponent(oldest.at)}`)).items).toEqual([]);
    expect((await list('from=2001-01-01&to=2001-01-02')).items).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await list(`actor=alice&from=${today}&to=${tomorrow}`)).items.length).toBeGreaterThanOrEqual(1);

    const first = await list('actor=alice&limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(`actor=alice&limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((i) => i.actor)).toEqual(['alice-admin']);
    expect(second.nextCursor).toBeNull();
  });

  it('answers 400 in the standard shape for bad filters, 403 for other roles', async () => {
    const bad = async (query: string) => (await http().get(`/api/audit?${query}`).set(ADMIN_AUTH).expect(400)).body;
    expect(await bad('from=yesterday')).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/from/) });
    expect(await bad('to=2026-13-45')).toMatchObject({ statusCode: 400 });
    expect(await bad('from=2026-12-02&to=2026-12-01')).toMatchObject({ message: 'from must be before to' });
    expect((await bad('action=DROP%20TABLE')).details).toEqual([expect.objectContaining({ field: 'action' })]);
    await bad(`actor=${'x'.repeat(201)}`);
    const security = await issueToken(t.app, 'security');
    await http().get('/api/audit?action=token.create').set(security.auth).expect(403);
  });
});
