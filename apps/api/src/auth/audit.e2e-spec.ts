// THE AUDIT GUARANTEE, through HTTP against the real AppModule and PostgreSQL: every write and its
// audit entry commit in one transaction. With audit_log made to refuse inserts (a trigger that
// raises, as a failing database would), each write route answers 503 in the standard error shape
// and leaves NOTHING changed; with it working, each write is audited once, by its own handler
// (never the interceptor's fallback), with the actor and the target.
//
// Write routes come from GET /api/openapi.json: a write route someone adds FAILS here until it is
// listed in WRITES with the audit action it records, and is given a refusal test below.
import type { AccessToken, TokenCredential } from '@azure/identity';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeArmServer } from '@kordon/collectors/testing';
import { startTestApp, type TestApp } from '../../test/test-app';
import { issueToken, type IssuedToken } from '../../test/tokens';
import { ClustersService } from '../clusters/clusters.service';
import { RegistrationService } from '../clusters/registration.service';
import { runWithRequestContext } from '../common/request-context';
import { SNAPSHOT_QUEUE } from '../snapshots/snapshot.queue';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { AuditUnavailableException } from './audit.exception';

/** Every write route and the audit action its handler records. */
const WRITES: Record<string, string> = {
  'POST /api/tokens': 'token.create',
  'DELETE /api/tokens/{id}': 'token.revoke',
  'POST /api/clusters': 'cluster.register',
  'POST /api/clusters/discover': 'cluster.discover',
  'PATCH /api/clusters/{id}': 'cluster.update',
  'DELETE /api/clusters/{id}': 'cluster.delete',
  'POST /api/clusters/{id}/snapshots': 'snapshot.trigger',
  'POST /api/analyze': 'analyze.run',
  'POST /api/auth/sign-in': 'auth.sign-in',
  'POST /api/exceptions': 'exception.request',
  'POST /api/exceptions/{id}/approve': 'exception.approve',
  'POST /api/exceptions/{id}/reject': 'exception.reject',
  'POST /api/exceptions/{id}/revoke': 'exception.revoke',
  'POST /api/clusters/{id}/simulate': 'diff.simulate',
  'POST /api/rollout/targets': 'target.create',
  'PATCH /api/rollout/targets/{id}': 'target.update',
  'DELETE /api/rollout/targets/{id}': 'target.delete',
  'PUT /api/alert-rules/{kind}': 'alert-rule.update',
  'POST /api/webhooks': 'webhook.create',
  'PATCH /api/webhooks/{id}': 'webhook.update',
  'DELETE /api/webhooks/{id}': 'webhook.delete',
  'POST /api/webhooks/{id}/test': 'webhook.test',
};
/** Writes that need a second actor (four eyes): audited in their own test, not the one-actor walk. */
const TWO_ACTOR_WRITES = new Set(['exception.request', 'exception.approve', 'exception.reject', 'exception.revoke']);
/** Writes of the history features (what-if, targets, alerting): audited in their own test below. */
const HISTORY_WRITES = new Set(['diff.simulate', 'target.create', 'target.update', 'target.delete', 'alert-rule.update', 'webhook.create', 'webhook.update', 'webhook.delete', 'webhook.test']);

const SUB = '5d0c7a3e-2b1f-4c8e-9d6a-0f4e3b2a1c90';
const ARM_TOKEN = 'arm-token-for-audit-tests';
const credential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: ARM_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const MANIFESTS = 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n';

interface AuditRow {
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
}

describe('audit log: every write commits with its audit entry, or not at all', () => {
  let t: TestApp;
  let arm: FakeArmServer;
  let admin: IssuedToken;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    arm = await FakeArmServer.start({
      token: ARM_TOKEN,
      clusters: [{ subscriptionId: SUB, resourceGroup: 'rg-audit', name: 'aks-found', tags: {}, kubeconfig: 'apiVersion: v1\nkind: Config\n', properties: { provisioningState: 'Succeeded' } }],
    });
    t = await startTestApp(
      { KORDON_ARM_ENDPOINT: arm.url },
      { azure: { credential: () => credential, clientOptions: { tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 0 } } } },
    );
    admin = await issueToken(t.app, 'admin', { name: 'audit-admin' });
  });

  afterAll(async () => {
    await t?.close();
    await arm?.close();
  });

  /** Runs `fn` while every insert into audit_log raises, as a failing audit store would. */
  async function withAuditRefused<T>(fn: () => Promise<T>): Promise<T> {
    await t.sql(`CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_log refused by the test'; END $$`);
    await t.sql(`CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()`);
    try {
      return await fn();
    } finally {
      await t.sql(`DROP TRIGGER IF EXISTS test_refuse_audit ON audit_log`);
    }
  }

  function expectRefused(res: Response): void {
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'the change was not made: the audit log could not be written; try again later',
      details: { code: 'AUDIT_UNAVAILABLE', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
  }

  const register = async (name: string) =>
    (await http().post('/api/clusters').set(admin.auth).send({ name, source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] }).expect(201)).body as { id: string };
  const auditOf = (target: string) =>
    t.sql<AuditRow>(`SELECT actor, action, target, details FROM audit_log WHERE target = $1 ORDER BY id`, [target]);
  const auditCount = async () => Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM audit_log`))[0].n);

  it('knows every write route of the API and the action it audits', async () => {
    const doc = (await http().get('/api/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    const writes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).filter((m) => ['post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`));
    expect(writes.sort()).toEqual(Object.keys(WRITES).sort());
  });

  it('refuses a browser sign-in whose audit entry cannot be written', async () => {
    const before = await auditCount();
    expectRefused(await withAuditRefused(() => http().post('/api/auth/sign-in').set(admin.auth)));
    expect(await auditCount()).toBe(before);
    await http().post('/api/auth/sign-in').set(admin.auth).expect(200);
    expect(await auditCount()).toBe(before + 1);
  });

  it('creates no token when its audit entry cannot be written', async () => {
    const before = await auditCount();
    const res = await withAuditRefused(() => http().post('/api/tokens').set(admin.auth).send({ name: 'refused-token', role: 'admin' }));
    expectRefused(res);
    expect(await t.sql(`SELECT id FROM api_token WHERE name = 'refused-token'`)).toEqual([]);
    expect(await auditCount()).toBe(before);
    // Once the audit log works again, the same request goes through.
    await http().post('/api/tokens').set(admin.auth).send({ name: 'refused-token', role: 'admin' }).expect(201);
  });

  it('leaves a token active when its revocation cannot be audited', async () => {
    const tok = await issueToken(t.app, 'manager', { name: 'kept-token' });
    expectRefused(await withAuditRefused(() => http().delete(`/api/tokens/${tok.id}`).set(admin.auth)));
    expect((await t.sql<{ revoked_at: Date | null }>(`SELECT revoked_at FROM api_token WHERE id = $1`, [tok.id]))[0].revoked_at).toBeNull();
    await http().get('/api/clusters').set(tok.auth).expect(200);
  });

  it('registers no cluster when its audit entry cannot be written', async () => {
    const res = await withAuditRefused(() =>
      http().post('/api/clusters').set(admin.auth).send({ name: 'refused-cluster', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] }));
    expectRefused(res);
    expect(await t.sql(`SELECT id FROM cluster WHERE name = 'refused-cluster'`)).toEqual([]);
  });

  it('neither updates, deletes nor purges a cluster when the change cannot be audited', async () => {
    const c = await register('audit-kept');
    expectRefused(await withAuditRefused(() => http().patch(`/api/clusters/${c.id}`).set(admin.auth).send({ scheduleMinutes: 45, team: 'changed' })));
    expectRefused(await withAuditRefused(() => http().delete(`/api/clusters/${c.id}`).set(admin.auth)));
    expectRefused(await withAuditRefused(() => http().delete(`/api/clusters/${c.id}?purge=true`).set(admin.auth)));
    const [row] = await t.sql<{ name: string; schedule_minutes: number; team: string | null; deleted_at: Date | null; enabled: boolean }>(
      `SELECT name, schedule_minutes, team, deleted_at, enabled FROM cluster WHERE id = $1`, [c.id]);
    expect(row).toMatchObject({ name: 'audit-kept', team: null, deleted_at: null, enabled: true });
    expect(row.schedule_minutes).not.toBe(45);
    expect((await auditOf(c.id)).map((a) => a.action)).toEqual(['cluster.register']);
  });

  it('registers none of the discovered clusters when the discovery cannot be audited', async () => {
    const res = await withAuditRefused(() => http().post('/api/clusters/discover').set(admin.auth).send({ subscriptionIds: [SUB], tags: {} }));
    expectRefused(res);
    expect(await t.sql(`SELECT id FROM cluster WHERE name = 'aks-found'`)).toEqual([]);
  });

  it('reports, rather than throws, when discovery on the timer or at start cannot be audited', async () => {
    const report = { registered: [] as string[], skipped: [] as string[], problems: [] as string[] };
    await withAuditRefused(() => t.app.get(RegistrationService).discoverAks([SUB], report, { tags: {} }));
    expect(report.registered).toEqual([]);
    expect(report.problems.join('\n')).toMatch(/nothing was registered/);
    expect(await t.sql(`SELECT id FROM cluster WHERE name = 'aks-found'`)).toEqual([]);
  });

  it('queues no snapshot when the request cannot be audited (the entry is committed before the job)', async () => {
    const c = await register('audit-no-job');
    const clusters = t.app.get(ClustersService);
    const as = { actor: { kind: 'token' as const, id: admin.id, name: 'audit-admin' }, audited: false };
    const err = await withAuditRefused(() => runWithRequestContext(as, () => clusters.requestSnapshot(c.id)).catch((e: unknown) => e));
    expect(err).toBeInstanceOf(AuditUnavailableException);
    const jobs = () => t.sql(`SELECT id FROM pgboss.job WHERE name = $1 AND data->>'clusterId' = $2`, [SNAPSHOT_QUEUE, c.id]);
    expect(await jobs()).toEqual([]);

    const accepted = await runWithRequestContext({ ...as, audited: false }, () => clusters.requestSnapshot(c.id));
    expect(accepted).toMatchObject({ clusterId: c.id, alreadyQueued: false, jobId: expect.any(String) });
    expect(await jobs()).toHaveLength(1);
    expect((await auditOf(c.id)).at(-1)).toMatchObject({ actor: 'audit-admin', action: 'snapshot.trigger', details: { name: 'audit-no-job', by: { kind: 'token', id: admin.id } } });
  });

  it('returns no analysis when it cannot be audited', async () => {
    const res = await withAuditRefused(() => http().post('/api/analyze').set(admin.auth).set('Content-Type', 'application/yaml').send(MANIFESTS));
    expectRefused(res);
  });

  it('audits each write once, in its own transaction, with actor, action, target and request id', async () => {
    const since = Number((await t.sql<{ id: string }>(`SELECT coalesce(max(id), 0) AS id FROM audit_log`))[0].id);
    const tok = (await http().post('/api/tokens').set(admin.auth).send({ name: 'happy-token', role: 'auditor' }).expect(201)).body;
    await http().delete(`/api/tokens/${tok.id}`).set(admin.auth).expect(204);
    const c = await register('audit-happy');
    await http().patch(`/api/clusters/${c.id}`).set(admin.auth).send({ team: 'payments' }).expect(200);
    const snap = await register('audit-snap');
    await http().post(`/api/clusters/${snap.id}/snapshots`).set(admin.auth).expect(202);
    await http().delete(`/api/clusters/${c.id}`).set(admin.auth).expect(204);
    await http().delete(`/api/clusters/${c.id}?purge=true`).set(admin.auth).expect(204);
    const found = await http().post('/api/clusters/discover').set(admin.auth).send({ subscriptionIds: [SUB], tags: {} }).expect(200);
    expect(found.body).toEqual({ registered: ['aks-found'], skipped: [], problems: [] });
    await http().post('/api/analyze').set(admin.auth).set('Content-Type', 'application/yaml').send(MANIFESTS).expect(200);
    await http().post('/api/auth/sign-in').set(admin.auth).expect(200);

    const rows = await t.sql<AuditRow>(`SELECT actor, action, target, details FROM audit_log WHERE id > $1 ORDER BY id`, [since]);
    const [aksFound] = await t.sql<{ id: string }>(`SELECT id FROM cluster WHERE name = 'aks-found'`);
    expect(rows.map(({ action, target }) => [action, target])).toEqual([
      ['token.create', tok.id],
      ['token.revoke', tok.id],
      ['cluster.register', c.id],
      ['cluster.update', c.id],
      ['cluster.register', snap.id],
      ['snapshot.trigger', snap.id],
      ['cluster.delete', c.id],
      ['cluster.purge', c.id],
      ['cluster.register', aksFound.id],
      ['cluster.discover', null],
      ['analyze.run', null],
      ['auth.sign-in', 'audit-admin'],
    ]);
    for (const row of rows) {
      expect(row.actor, row.action).toBe('audit-admin');
      expect(row.details, row.action).toMatchObject({ by: { kind: 'token', id: admin.id }, requestId: expect.any(String) });
      expect(row.details, row.action).not.toHaveProperty('fallback');
    }
    expect(rows.find((r) => r.action === 'token.create')?.details).toMatchObject({ name: 'happy-token', role: 'auditor' });
    expect(rows.find((r) => r.action === 'cluster.update')?.details).toMatchObject({ team: 'payments' });
    expect(rows.find((r) => r.action === 'cluster.purge')?.details).toMatchObject({ name: expect.stringMatching(/^audit-happy~deleted~/), snapshots: 0 });
    expect(rows.find((r) => r.target === aksFound.id)?.details).toMatchObject({ name: 'aks-found', source: 'aks', via: 'discovery' });
    expect(rows.find((r) => r.action === 'cluster.discover')?.details).toMatchObject({ subscriptionIds: [SUB], registered: ['aks-found'] });
    expect(rows.find((r) => r.action === 'analyze.run')?.details).toMatchObject({ contentType: 'application/yaml', namespaces: 1 });
    expect(new Set(rows.map((r) => r.action))).toEqual(new Set(Object.values(WRITES).filter((a) => !TWO_ACTOR_WRITES.has(a) && !HISTORY_WRITES.has(a)).concat('cluster.purge', 'cluster.register')));
  });

  it('changes no exception when its audit entry cannot be written, and audits each decision by its actor', async () => {
    const c = await register('audit-exceptions');
    const approver = await issueToken(t.app, 'security', { name: 'audit-approver' });
    const body = { cluster: c.id, namespace: 'default', direction: 'ingress', justification: 'audit test', owner: 'team', expiresAt: new Date(Date.now() + 86_400_000).toISOString() };
    expectRefused(await withAuditRefused(() => http().post('/api/exceptions').set(admin.auth).send(body)));
    expect(await t.sql(`SELECT id FROM posture_exception WHERE cluster_id = $1`, [c.id])).toEqual([]);
    const first = (await http().post('/api/exceptions').set(admin.auth).send(body).expect(201)).body as { id: string };
    expectRefused(await withAuditRefused(() => http().post(`/api/exceptions/${first.id}/approve`).set(approver.auth).send({})));
    expectRefused(await withAuditRefused(() => http().post(`/api/exceptions/${first.id}/reject`).set(approver.auth).send({})));
    expectRefused(await withAuditRefused(() => http().post(`/api/exceptions/${first.id}/revoke`).set(approver.auth).send({})));
    expect((await t.sql<{ status: string }>(`SELECT status FROM posture_exception WHERE id = $1`, [first.id]))[0].status).toBe('pending');
    await http().post(`/api/exceptions/${first.id}/approve`).set(approver.auth).send({}).expect(200);
    await http().post(`/api/exceptions/${first.id}/revoke`).set(admin.auth).send({}).expect(200);
    const second = (await http().post('/api/exceptions').set(admin.auth).send(body).expect(201)).body as { id: string };
    await http().post(`/api/exceptions/${second.id}/reject`).set(approver.auth).send({}).expect(200);
    const rows = [...(await auditOf(first.id)), ...(await auditOf(second.id))];
    expect(rows.map((r) => [r.actor, r.action])).toEqual([
      ['audit-admin', 'exception.request'],
      ['audit-approver', 'exception.approve'],
      ['audit-admin', 'exception.revoke'],
      ['audit-admin', 'exception.request'],
      ['audit-approver', 'exception.reject'],
    ]);
    for (const row of rows) expect(row.details, row.action).toMatchObject({ by: { kind: 'token' }, requestId: expect.any(String) });
  });

  it('runs no what-if and changes no target, alert rule or webhook when the audit entry cannot be written; audits each otherwise', async () => {
    const since = Number((await t.sql<{ id: string }>(`SELECT coalesce(max(id), 0) AS id FROM audit_log`))[0].id);
    const c = await register('audit-history');
    expect((await t.app.get(SnapshotsService).run(c.id, { trigger: 'manual' })).status).toBe('succeeded');
    const proposed = { files: [{ name: 'deny.yaml', text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: audit-deny, namespace: dev-apps }\nspec: { podSelector: {}, policyTypes: [Ingress] }\n' }] };
    expectRefused(await withAuditRefused(() => http().post(`/api/clusters/${c.id}/simulate`).set(admin.auth).send(proposed)));
    await http().post(`/api/clusters/${c.id}/simulate`).set(admin.auth).send(proposed).expect(200);

    const target = { scopeKind: 'cluster', scopeValue: c.id, direction: 'ingress', share: 0.8, dueDate: '2027-03-31' };
    expectRefused(await withAuditRefused(() => http().post('/api/rollout/targets').set(admin.auth).send(target)));
    expect(await t.sql(`SELECT id FROM rollout_target WHERE scope_value = $1`, [c.id])).toEqual([]);
    const tg = (await http().post('/api/rollout/targets').set(admin.auth).send(target).expect(201)).body as { id: string };
    expectRefused(await withAuditRefused(() => http().patch(`/api/rollout/targets/${tg.id}`).set(admin.auth).send({ share: 0.9 })));
    expectRefused(await withAuditRefused(() => http().delete(`/api/rollout/targets/${tg.id}`).set(admin.auth)));
    expect(await t.sql<{ share: number }>(`SELECT share FROM rollout_target WHERE id = $1`, [tg.id])).toEqual([{ share: 0.8 }]);
    await http().patch(`/api/rollout/targets/${tg.id}`).set(admin.auth).send({ share: 0.9 }).expect(200);
    await http().delete(`/api/rollout/targets/${tg.id}`).set(admin.auth).expect(204);

    expectRefused(await withAuditRefused(() => http().put('/api/alert-rules/coverage_drop').set(admin.auth).send({ threshold: 7 })));
    expect(await t.sql(`SELECT kind FROM alert_rule WHERE threshold = 7`)).toEqual([]);
    await http().put('/api/alert-rules/coverage_drop').set(admin.auth).send({ threshold: 7 }).expect(200);

    const hook = { name: 'audit-hook', url: 'http://127.0.0.1:9/hook', format: 'json' };
    expectRefused(await withAuditRefused(() => http().post('/api/webhooks').set(admin.auth).send(hook)));
    expect(await t.sql(`SELECT id FROM webhook WHERE name = 'audit-hook'`)).toEqual([]);
    const wh = (await http().post('/api/webhooks').set(admin.auth).send(hook).expect(201)).body as { id: string };
    expectRefused(await withAuditRefused(() => http().patch(`/api/webhooks/${wh.id}`).set(admin.auth).send({ enabled: false })));
    expectRefused(await withAuditRefused(() => http().post(`/api/webhooks/${wh.id}/test`).set(admin.auth)));
    expectRefused(await withAuditRefused(() => http().delete(`/api/webhooks/${wh.id}`).set(admin.auth)));
    expect(await t.sql(`SELECT enabled FROM webhook WHERE id = $1`, [wh.id])).toEqual([{ enabled: true }]);
    await http().patch(`/api/webhooks/${wh.id}`).set(admin.auth).send({ enabled: false }).expect(200);
    await http().post(`/api/webhooks/${wh.id}/test`).set(admin.auth).expect(200);
    await http().delete(`/api/webhooks/${wh.id}`).set(admin.auth).expect(204);

    const rows = await t.sql<AuditRow>(`SELECT actor, action, target, details FROM audit_log WHERE id > $1 AND action <> 'cluster.register' ORDER BY id`, [since]);
    expect(rows.map(({ action, target }) => [action, target])).toEqual([
      ['diff.simulate', c.id],
      ['target.create', tg.id],
      ['target.update', tg.id],
      ['target.delete', tg.id],
      ['alert-rule.update', 'coverage_drop'],
      ['webhook.create', wh.id],
      ['webhook.update', wh.id],
      ['webhook.test', wh.id],
      ['webhook.delete', wh.id],
    ]);
    for (const row of rows) expect(row.details, row.action).toMatchObject({ by: { kind: 'token', id: admin.id }, requestId: expect.any(String) });
    expect(rows[0].details).toMatchObject({ fails: false, policies: { added: 1, removed: 0, changed: 0 } });
    expect(new Set(rows.map((r) => r.action))).toEqual(HISTORY_WRITES);
  });

  it('never relied on the fallback of the interceptor in this file', async () => {
    expect(await t.sql(`SELECT action FROM audit_log WHERE details ? 'fallback'`)).toEqual([]);
  });
});
