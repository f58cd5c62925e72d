// Cluster registration through HTTP: validation, auth, errors in one shape, soft delete.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startReplica, startTestApp, type TestApp } from '../../test/test-app';
import { SnapshotsService } from '../snapshots/snapshots.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('clusters API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('serves health with the database status and a request id', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/health').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up' });
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('requires an admin token to register', async () => {
    const body = { name: 'x1', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] };
    const none = await request(t.app.getHttpServer()).post('/api/clusters').send(body).expect(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    await request(t.app.getHttpServer()).post('/api/clusters').set({ Authorization: 'Bearer nope-nope-nope' }).send(body).expect(401);
  });

  it('rejects bad input with one error shape listing every problem', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/clusters').set(auth)
      .send({ name: 'Bad Name!', source: 'aks', subscriptionId: 'not-a-guid', bogus: 1 })
      .expect(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.error).toBe('Bad Request');
    const fields = res.body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'subscriptionId', 'resourceGroup', 'clusterName', 'bogus']));
    await request(t.app.getHttpServer()).post('/api/clusters').set(auth).set('content-type', 'application/json').send('{"name":').expect(400);
  });

  it('registers, lists, updates and soft-deletes a cluster', async () => {
    const http = t.app.getHttpServer();
    const created = await request(http).post('/api/clusters').set(auth)
      .send({ name: 'aks-test-1', source: 'aks', subscriptionId: '11111111-2222-3333-4444-555555555555', resourceGroup: 'rg-kordon', clusterName: 'aks-test-1', environment: 'prod', team: 'payments' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'aks-test-1', source: 'aks', environment: 'prod', team: 'payments', engine: 'unknown', lastSnapshot: null, posture: null, stale: true });
    await request(http).post('/api/clusters').set(auth)
      .send({ name: 'aks-test-1', source: 'manifests', paths: ['x'] }).expect(409);
    const list = await request(http).get('/api/clusters?limit=1').set(auth).expect(200);
    expect(list.body.items).toHaveLength(1);
    const updated = await request(http).patch(`/api/clusters/${created.body.id}`).set(auth).send({ scheduleMinutes: 30 }).expect(200);
    expect(updated.body.scheduleMinutes).toBe(30);
    await request(http).patch(`/api/clusters/${created.body.id}`).set(auth).send({ scheduleMinutes: 1 }).expect(400);
    await request(http).delete(`/api/clusters/${created.body.id}`).set(auth).expect(204);
    await request(http).get(`/api/clusters/${created.body.id}`).set(auth).expect(404);
    expect((await t.sql(`SELECT 1 FROM cluster WHERE id = $1`, [created.body.id]))).toHaveLength(1);
    const audit = await t.sql<{ action: string }>(`SELECT action FROM audit_log ORDER BY id`);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['cluster.register', 'cluster.update', 'cluster.delete']));
  });

  it('answers 404 for unknown ids and 400 for malformed ones', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/clusters/6f1c2d3e-0000-4000-8000-000000000000').set(auth).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    await request(t.app.getHttpServer()).get('/api/clusters/not-a-uuid').set(auth).expect(400);
    await request(t.app.getHttpServer()).get('/api/snapshots/6f1c2d3e-0000-4000-8000-000000000000').set(auth).expect(404);
  });

  it('refuses uploaded kubeconfigs that would run programs or read files on the API host', async () => {
    const kubeconfig = [
      'apiVersion: v1', 'kind: Config', 'current-context: x',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", certificate-authority: /etc/ssl/ca.pem}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: ["-c", "id"]}}}]',
    ].join('\n');
    const res = await request(t.app.getHttpServer()).post('/api/clusters').set(auth)
      .send({ name: 'exec-attempt', source: 'kubeconfig', kubeconfig }).expect(400);
    expect(res.body.message).toMatch(/user\.exec is not accepted/);
    expect(res.body.message).toMatch(/certificate-authority is not accepted/);
    await request(t.app.getHttpServer()).post('/api/clusters').set(auth)
      .send({ name: 'bad-yaml', source: 'kubeconfig', kubeconfig: 'clusters: [' }).expect(400);
    await request(t.app.getHttpServer()).post('/api/clusters').set(auth)
      .send({ name: 'both', source: 'kubeconfig', kubeconfig: 'a: 1', kubeconfigPath: '/x' }).expect(400);
    await request(t.app.getHttpServer()).post('/api/clusters').set(auth)
      .send({ name: 'obj', source: 'kubeconfig', kubeconfig: { a: 1 } }).expect(400);
    expect(await t.sql(`SELECT 1 FROM cluster WHERE name IN ('exec-attempt', 'bad-yaml', 'both', 'obj')`)).toHaveLength(0);
  });

  it('answers 400, never 500, for NUL characters, forged cursors and loose types', async () => {
    const http = t.app.getHttpServer();
    await request(http).get('/api/clusters?environment=a%00b').set(auth).expect(400);
    await request(http).post('/api/clusters').set(auth).send({ name: 'nul-1', source: 'manifests', paths: ['x\u0000'] }).expect(400);
    const forged = Buffer.from(JSON.stringify(['garbage', 'x'])).toString('base64url');
    const created = await request(http).post('/api/clusters').set(auth).send({ name: 'cursor-1', source: 'manifests', paths: ['demo'] }).expect(201);
    await request(http).get(`/api/clusters/${created.body.id}/snapshots?cursor=${forged}`).set(auth).expect(400);
    await request(http).get('/api/clusters?cursor=%%%').set(auth).expect(400);
    await request(http).get('/api/clusters?limit=abc').set(auth).expect(400);
    const res = await request(http).patch(`/api/clusters/${created.body.id}`).set(auth).send({ enabled: 'false' }).expect(400);
    expect(res.body.details[0].field).toBe('enabled');
    await request(http).patch(`/api/clusters/${created.body.id}`).set(auth).send({ labels: { team: { nested: true } } }).expect(400);
    await request(http).patch(`/api/clusters/${created.body.id}`).set(auth).send({ labels: { team: 'payments' } }).expect(200);
  });

  it('registers a cluster from uploaded manifests and snapshots them', async () => {
    const http = t.app.getHttpServer();
    const text = [
      'apiVersion: v1', 'kind: Namespace', 'metadata: {name: shop}', '---',
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, namespace: shop}',
      'spec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: nginx}]}}}', '---',
      'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: default-deny, namespace: shop}', 'spec: {podSelector: {}, policyTypes: [Ingress]}',
    ].join('\n');
    const created = await request(http).post('/api/clusters').set(auth)
      .send({ name: 'uploaded-1', source: 'manifests', files: [{ name: 'shop.yaml', text }] }).expect(201);
    const outcome = await t.app.get(SnapshotsService).run(created.body.id, { trigger: 'manual' });
    expect(outcome.status).toBe('succeeded');
    const summary = await request(http).get(`/api/clusters/${created.body.id}`).set(auth).expect(200);
    expect(summary.body.posture.ingress).toMatchObject({ pods: 1, namespacesWithDefaultDeny: 1 });
    expect(JSON.stringify(summary.body)).not.toContain('default-deny, namespace');

    const bad = text.replace('policyTypes: [Ingress]', 'ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]');
    const res = await request(http).post('/api/clusters').set(auth)
      .send({ name: 'uploaded-2', source: 'manifests', files: [{ name: 'shop.yaml', text: bad }] }).expect(400);
    expect(res.body.message).toMatch(/cidr/i);
    await request(http).post('/api/clusters').set(auth)
      .send({ name: 'uploaded-3', source: 'manifests', paths: ['demo'], files: [{ name: 'a.yaml', text }] }).expect(400);
    await request(http).post('/api/clusters').set(auth)
      .send({ name: 'uploaded-4', source: 'manifests', files: [{ name: '../x', text }] }).expect(400);
  });

  it('answers 400, never 500, for odd times, forged cursors and deep nesting on every module', async () => {
    const http = t.app.getHttpServer();
    const created = await request(http).post('/api/clusters').set(auth).send({ name: 'odd-input', source: 'manifests', paths: ['demo'] }).expect(201);
    const id = created.body.id;
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const url of [
      `/api/clusters/${id}/reachability/matrix?at=2025-W02`,
      `/api/clusters/${id}/reachability/matrix?at=2025-01-05T10`,
      `/api/clusters/${id}/evidence?from=2025-W01`,
      `/api/clusters/${id}/evidence?cursor=${b64(['+275760-09-13T00:00:00Z', '6f1c2d3e-0000-4000-8000-000000000000'])}`,
      `/api/tokens?cursor=${b64(['-001000-01-01T00:00:00Z', '6f1c2d3e-0000-4000-8000-000000000000'])}`,
      `/api/findings?cursor=${b64([1e300, 'a', 'b', 'c'])}`,
      `/api/findings?cursor=${b64([1, 'a\u0000', 'b', 'c'])}`,
    ]) {
      const res = await request(http).get(url).set(auth);
      expect([400, 404], `${url} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
    }
    let deep: unknown = 1;
    for (let i = 0; i < 2000; i++) deep = [deep];
    const res = await request(http).post('/api/tokens').set(auth).send({ name: 'x', role: 'admin', extra: deep });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/nested deeper/);
  });

  it('keeps a revoked bootstrap admin token revoked across restarts', async () => {
    const http = t.app.getHttpServer();
    const tokens = await request(http).get('/api/tokens').set(auth).expect(200);
    const bootstrap = tokens.body.items.find((x: { name: string }) => x.name.includes('KORDON_ADMIN_TOKEN'));
    const other = await request(http).post('/api/tokens').set(auth).send({ name: 'break-glass', role: 'admin' }).expect(201);
    await request(http).delete(`/api/tokens/${bootstrap.id}`).set({ Authorization: `Bearer ${other.body.token}` }).expect((r) => expect(r.status).toBeLessThan(300));
    const restarted = await startReplica(t);
    try {
      await request(restarted.getHttpServer()).get('/api/clusters').set(auth).expect(401);
    } finally {
      await restarted.close();
    }
  });

  it('serves the OpenAPI document', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/openapi.json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/clusters', '/api/clusters/{id}/snapshots', '/api/snapshots/{id}', '/api/health']));
  });
});
