// Exceptions through HTTP against the real database: request, four-eyes approval, the effect on
// findings and posture (figures with and without), expiry reopening the gap by itself (also past
// the read cache), revocation, the audit trail, roles and validation.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPosturePage, FleetFindingItem, NamespaceDetail, Page, PostureExceptionView } from '@kordon/contracts';
import { ADMIN_AUTH, startTestApp, type TestApp } from '../../test/test-app';
import { issueToken, type IssuedToken } from '../../test/tokens';
import { smallCluster } from '../posture/testing/read-api.fixture';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('exceptions API', () => {
  let t: TestApp;
  let cluster: string;
  let alice: IssuedToken;
  let bob: IssuedToken;
  let manager: IssuedToken;
  let auditor: IssuedToken;
  const http = () => request(t.app.getHttpServer());
  const post = (auth: { Authorization: string }, url: string, body: object = {}) => http().post(url).set(auth).send(body);
  const get = (url: string, auth = ADMIN_AUTH) => http().get(url).set(auth);
  const findings = async (q = '') => ((await get(`/api/findings?cluster=${cluster}&limit=500${q}`).expect(200)).body as Page<FleetFindingItem>).items;
  const finding = async (rule: string, ns: string) => (await findings()).find((f) => f.ruleId === rule && f.namespace === ns)!;
  const posture = async () => (await get(`/api/clusters/${cluster}/posture`).expect(200)).body as ClusterPosturePage;

  beforeAll(async () => {
    t = await startTestApp();
    // Namespace a has default-deny both ways, b has none (KORDON-003 and KORDON-004 about b).
    cluster = await smallCluster(t, 'exc-1', [{ at: new Date(Date.now() - HOUR), denyA: true }]);
    alice = await issueToken(t.app, 'security', { name: 'alice' });
    bob = await issueToken(t.app, 'security', { name: 'bob' });
    manager = await issueToken(t.app, 'manager', { name: 'mona' });
    auditor = await issueToken(t.app, 'auditor', { name: 'audrey' });
  });
  afterAll(async () => t?.close());

  const body = (over: object = {}) => ({
    cluster, namespace: 'b', direction: 'ingress', justification: 'legacy ingress controller, replaced in Q1', owner: 'team-b',
    expiresAt: new Date(Date.now() + 30 * DAY).toISOString(), ...over,
  });

  it('requests, refuses self-approval, approves by another principal, and marks the gap excepted', async () => {
    const before = await posture();
    expect(before.defaultDenyFigures!.ingress).toEqual({ namespaces: 2, namespacesWithDefaultDeny: 1, namespacesWithDefaultDenyOrExcepted: 1, defaultDenyShare: 0.5, defaultDenyOrExceptedShare: 0.5 });
    expect((await finding('KORDON-003', 'b')).excepted).toBeNull();

    const created = (await post(alice.auth, '/api/exceptions', body()).expect(201)).body as PostureExceptionView;
    expect(created).toMatchObject({ status: 'pending', requestedBy: 'alice', inForce: false, namespace: 'b', direction: 'ingress', ruleId: null, cluster: { id: cluster, name: 'exc-1' } });
    // Pending changes nothing.
    expect((await finding('KORDON-003', 'b')).excepted).toBeNull();

    const self = await post(alice.auth, `/api/exceptions/${created.id}/approve`).expect(403);
    expect(self.body.message).toBe('an exception cannot be approved by the person who requested it');
    await post(alice.auth, `/api/exceptions/${created.id}/reject`).expect(403);

    const approved = (await post(bob.auth, `/api/exceptions/${created.id}/approve`, { note: 'ok until Q1' }).expect(200)).body as PostureExceptionView;
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'bob', decisionNote: 'ok until Q1', inForce: true });
    await post(bob.auth, `/api/exceptions/${created.id}/approve`).expect(409);

    const f = await finding('KORDON-003', 'b');
    expect(f.excepted).toEqual({ exceptionId: created.id, owner: 'team-b', expiresAt: created.expiresAt });
    expect((await finding('KORDON-004', 'b')).excepted).toBeNull();
    // Listed, not hidden; filterable.
    const all = await findings();
    const excepted = await findings('&excepted=true');
    const open = await findings('&excepted=false');
    expect(excepted.map((i) => i.id)).toEqual([f.id]);
    expect(open.length + excepted.length).toBe(all.length);
    expect(open.every((i) => i.excepted === null)).toBe(true);
    // Paging with the filter still visits every row once.
    const paged: FleetFindingItem[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<FleetFindingItem> = (await get(`/api/findings?cluster=${cluster}&excepted=false&limit=1${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged.map((i) => i.id)).toEqual(open.map((i) => i.id));

    const p = await posture();
    expect(p.defaultDenyFigures!.ingress).toEqual({ namespaces: 2, namespacesWithDefaultDeny: 1, namespacesWithDefaultDenyOrExcepted: 2, defaultDenyShare: 0.5, defaultDenyOrExceptedShare: 1 });
    expect(p.defaultDenyFigures!.egress.namespacesWithDefaultDenyOrExcepted).toBe(1);
    expect(p.summary.ingress.namespacesWithDefaultDeny).toBe(1);
    const b = p.items.find((i) => i.name === 'b')!;
    expect(b.ingress.defaultDeny).toBe(false);
    expect(b.ingress.defaultDenyExcepted?.exceptionId).toBe(created.id);
    expect(b.egress.defaultDenyExcepted).toBeNull();
    expect(p.items.find((i) => i.name === 'a')!.ingress.defaultDenyExcepted).toBeNull();
    const ns = (await get(`/api/clusters/${cluster}/namespaces/b`).expect(200)).body as NamespaceDetail;
    expect(ns.namespace.ingress.defaultDenyExcepted?.exceptionId).toBe(created.id);
    expect(ns.findings.find((x) => x.ruleId === 'KORDON-003')!.excepted?.exceptionId).toBe(created.id);

    // A past time before the approval sees no exception.
    const past = (await get(`/api/findings?cluster=${cluster}&at=${new Date(Date.now() - HOUR / 2).toISOString()}`).expect(200)).body as Page<FleetFindingItem>;
    expect(past.items.every((i) => i.excepted === null)).toBe(true);

    // Revocation reopens at once (the cached answer is not served).
    await post(bob.auth, `/api/exceptions/${created.id}/revoke`, { note: 'controller replaced' }).expect(200);
    expect((await finding('KORDON-003', 'b')).excepted).toBeNull();
    expect((await posture()).defaultDenyFigures!.ingress.namespacesWithDefaultDenyOrExcepted).toBe(1);
    await post(bob.auth, `/api/exceptions/${created.id}/revoke`).expect(409);

    const audit = await t.sql<{ actor: string; action: string }>(`SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY id`, [created.id]);
    expect(audit).toEqual([
      { actor: 'alice', action: 'exception.request' },
      { actor: 'bob', action: 'exception.approve' },
      { actor: 'bob', action: 'exception.revoke' },
    ]);
  });

  it('reopens an expired exception by itself, past the read cache', async () => {
    const expiresAt = new Date(Date.now() + 4000);
    const created = (await post(alice.auth, '/api/exceptions', body({ direction: null, ruleId: 'KORDON-004', expiresAt: expiresAt.toISOString() })).expect(201)).body as PostureExceptionView;
    await post(bob.auth, `/api/exceptions/${created.id}/approve`).expect(200);
    const url = `/api/findings?cluster=${cluster}&rule=KORDON-004`;
    const first = await get(url).expect(200);
    expect(first.body.items[0].excepted?.exceptionId).toBe(created.id);
    const second = await get(url).expect(200);
    expect(second.headers['cache-status']).toBe('kordon; hit');
    expect(second.body.items[0].excepted?.exceptionId).toBe(created.id);
    const postureUrl = `/api/clusters/${cluster}/posture`;
    await get(postureUrl).expect(200);
    await sleep(Math.max(0, expiresAt.getTime() - Date.now()) + 50);
    const after = await get(url).expect(200);
    expect(after.body.items[0].excepted).toBeNull();
    const p = (await get(postureUrl).expect(200)).body as ClusterPosturePage;
    expect(p.items.find((i) => i.name === 'b')!.egress.defaultDenyExcepted).toBeNull();
    const got = (await get(`/api/exceptions/${created.id}`).expect(200)).body as PostureExceptionView;
    expect(got).toMatchObject({ status: 'approved', inForce: false });
    const inForce = (await get(`/api/exceptions?cluster=${cluster}&inForce=true`).expect(200)).body.items as PostureExceptionView[];
    expect(inForce.map((e) => e.id)).not.toContain(created.id);
    const notInForce = (await get(`/api/exceptions?cluster=${cluster}&inForce=false`).expect(200)).body.items as PostureExceptionView[];
    expect(notInForce.map((e) => e.id)).toContain(created.id);
  });

  it('expiry set through SQL reopens too', async () => {
    const created = (await post(alice.auth, '/api/exceptions', body({ direction: 'egress' })).expect(201)).body as PostureExceptionView;
    await post(bob.auth, `/api/exceptions/${created.id}/approve`).expect(200);
    expect((await posture()).defaultDenyFigures!.egress.namespacesWithDefaultDenyOrExcepted).toBe(2);
    await t.sql(`UPDATE posture_exception SET expires_at = now() - interval '1 second' WHERE id = $1`, [created.id]);
    expect((await posture()).defaultDenyFigures!.egress.namespacesWithDefaultDenyOrExcepted).toBe(1);
  });

  it('lets a second principal reject; lists by status', async () => {
    const created = (await post(alice.auth, '/api/exceptions', body({ namespace: 'b', workload: 'Pod/api-1', direction: null, ruleId: 'KORDON-003' })).expect(201)).body as PostureExceptionView;
    const rejected = (await post(bob.auth, `/api/exceptions/${created.id}/reject`, { note: 'fix it instead' }).expect(200)).body as PostureExceptionView;
    expect(rejected).toMatchObject({ status: 'rejected', decidedBy: 'bob', inForce: false });
    await post(bob.auth, `/api/exceptions/${created.id}/approve`).expect(409);
    const list = (await get(`/api/exceptions?status=rejected`, auditor.auth).expect(200)).body.items as PostureExceptionView[];
    expect(list.map((e) => e.id)).toEqual([created.id]);
    const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_log WHERE target = $1 ORDER BY id`, [created.id]);
    expect(audit.map((a) => a.action)).toEqual(['exception.request', 'exception.reject']);
  });

  it('refuses managers and auditors writes; managers cannot read', async () => {
    await post(manager.auth, '/api/exceptions', body()).expect(403);
    await post(auditor.auth, '/api/exceptions', body()).expect(403);
    const created = (await post(alice.auth, '/api/exceptions', body()).expect(201)).body as PostureExceptionView;
    await post(auditor.auth, `/api/exceptions/${created.id}/approve`).expect(403);
    await get('/api/exceptions', manager.auth).expect(403);
    await get(`/api/exceptions/${created.id}`, auditor.auth).expect(200);
  });

  it('validates requests', async () => {
    const cases: [object, number, RegExp][] = [
      [body({ cluster: '6f1c2d3e-0000-4000-8000-000000000000' }), 404, /not found/],
      [body({ ruleId: 'KORDON-999', direction: null }), 400, /not a rule/],
      [body({ ruleId: 'KORDON-003' }), 400, /exactly one/],
      [body({ direction: null }), 400, /exactly one/],
      [body({ direction: 'sideways' }), 400, /ingress or egress/],
      [body({ expiresAt: new Date(Date.now() - 1000).toISOString() }), 400, /in the future/],
      [body({ expiresAt: new Date(Date.now() + 400 * DAY).toISOString() }), 400, /within/],
      [body({ namespace: null, workload: 'Deployment/web' }), 400, /namespace/],
      [body({ workload: 'web' }), 400, /Kind\/name/],
      [body({ justification: '   ' }), 400, /justification/],
      [body({ owner: undefined }), 400, /owner/],
    ];
    for (const [b, status, message] of cases) {
      const res = await post(alice.auth, '/api/exceptions', b);
      expect(res.status, JSON.stringify(b)).toBe(status);
      expect(JSON.stringify(res.body.message), JSON.stringify(b)).toMatch(message);
    }
    await get('/api/exceptions/6f1c2d3e-0000-4000-8000-000000000000').expect(404);
    await get('/api/exceptions/nope').expect(400);
    await get('/api/exceptions?status=maybe').expect(400);
    await post(bob.auth, '/api/exceptions/6f1c2d3e-0000-4000-8000-000000000000/approve').expect(404);
  });
});
