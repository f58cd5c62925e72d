// Reachability through HTTP against the real database: answers match the engine on the same
// state, `?at=` picks the snapshot in force then, and the analysed report is cached per snapshot.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { analyzeReachability } from '@kordon/policy-engine';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { ReachabilityService } from './reachability.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

const WORKLOADS = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Namespace
metadata: { name: data }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: frontend, namespace: shop }
spec: { template: { metadata: { labels: { app: frontend } }, spec: { containers: [{ name: c, ports: [{ containerPort: 80 }] }] } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec: { template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: c, ports: [{ name: http, containerPort: 8080 }] }] } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: db, namespace: data }
spec: { template: { metadata: { labels: { app: db } }, spec: { containers: [{ name: c }] } } }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db, namespace: data }
spec: { template: { metadata: { labels: { app: db-sts } }, spec: { containers: [{ name: c }] } } }
`;

// Added between the two snapshots: only the frontend may reach the api, on its named port, and
// nothing may reach the data namespace.
const API_POLICY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-ingress, namespace: data }
spec: { podSelector: {}, policyTypes: [Ingress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-frontend, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: frontend } } }], ports: [{ port: http }] }]
`;

const DAY = 86_400_000;

/** Connections without their explanation, to compare with the engine's plain list. */
const plain = (cs: { src: string; dst: string; conn: string }[]) => cs.map(({ src, dst, conn }) => ({ src, dst, conn }));

describe('reachability endpoints', () => {
  let t: TestApp;
  let clusterId: string;
  let before: { id: string; at: Date };
  let after: { id: string; at: Date };
  const now = Date.now();
  const http = () => request(t.app.getHttpServer());
  const openFiles = [{ name: 'workloads.yaml', text: WORKLOADS }];
  const closedFiles = [...openFiles, { name: 'api-policy.yaml', text: API_POLICY }];

  beforeAll(async () => {
    t = await startTestApp();
    const cluster = await t.app.get(ClustersService).register({ name: 'reach', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    clusterId = cluster.id;
    const run = async (files: typeof openFiles, at: Date) => {
      const outcome = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'seed', at, collect: async () => collectFromManifestText(files) });
      expect(outcome.status).toBe('succeeded');
      return { id: outcome.snapshotId!, at };
    };
    before = await run(openFiles, new Date(now - 2 * DAY));
    after = await run(closedFiles, new Date(now - DAY));
  });
  afterAll(async () => t?.close());

  const engineOn = (files: typeof openFiles) => analyzeReachability(collectFromManifestText(files).state!);

  it('who can reach a workload: the engine answer on the latest snapshot', async () => {
    const res = await http().get(`/api/clusters/${clusterId}/reachability/workloads/shop/api/ingress`).set(auth).expect(200);
    expect(res.body.snapshot).toEqual({ id: after.id, clusterId, takenAt: after.at.toISOString() });
    expect(res.body.workload).toMatchObject({ id: 'shop/api', namespace: 'shop', kind: 'Deployment', name: 'api', basis: 'pods', uniform: true });
    expect(res.body.direction).toBe('ingress');
    expect(plain(res.body.connections)).toEqual([{ src: 'shop/frontend', dst: 'shop/api', conn: 'TCP 8080' }]);
    expect(plain(res.body.connections)).toEqual(engineOn(closedFiles).whoCanReach('shop/api'));
    expect(Array.isArray(res.body.notEvaluated)).toBe(true);
    // No network profile was uploaded: the engine is unknown, which the answer says.
    expect(res.body.notEvaluated.map((n: { object: string }) => n.object)).toContain('networkProfile');
  });

  it('?at= before the policy was added answers from the older snapshot: everything reaches the api', async () => {
    const at = new Date(before.at.getTime() + 3_600_000).toISOString();
    const res = await http().get(`/api/clusters/${clusterId}/reachability/workloads/shop/api/ingress`).query({ at }).set(auth).expect(200);
    expect(res.body.snapshot.id).toBe(before.id);
    expect(plain(res.body.connections)).toEqual(engineOn(openFiles).whoCanReach('shop/api'));
    expect(plain(res.body.connections)).toContainEqual({ src: 'shop/frontend', dst: 'shop/api', conn: 'All Connections' });
    expect(res.body.connections.some((c: { src: string }) => /^\d+\.\d+\.\d+\.\d+-/.test(c.src))).toBe(true);
  });

  it('where a workload can go (egress), at the latest and in the past', async () => {
    const res = await http().get(`/api/clusters/${clusterId}/reachability/workloads/shop/frontend/egress`).set(auth).expect(200);
    expect(res.body.direction).toBe('egress');
    expect(plain(res.body.connections)).toEqual(engineOn(closedFiles).whereCanGo('shop/frontend'));
    expect(plain(res.body.connections)).toContainEqual({ src: 'shop/frontend', dst: 'shop/api', conn: 'TCP 8080' });
    const past = await http()
      .get(`/api/clusters/${clusterId}/reachability/workloads/shop/frontend/egress`)
      .query({ at: new Date(before.at.getTime() + 1000).toISOString() })
      .set(auth)
      .expect(200);
    expect(plain(past.body.connections)).toContainEqual({ src: 'shop/frontend', dst: 'shop/api', conn: 'All Connections' });
  });

  it('the namespace matrix is the engine matrix', async () => {
    const res = await http().get(`/api/clusters/${clusterId}/reachability/matrix`).set(auth).expect(200);
    const m = engineOn(closedFiles).namespaceMatrix();
    expect(res.body).toMatchObject({ snapshot: { id: after.id }, namespaces: m.namespaces, excluded: m.excluded, cells: m.cells });
    expect(res.body.namespaces).toEqual(expect.arrayContaining(['shop', 'data']));
    const old = await http().get(`/api/clusters/${clusterId}/reachability/matrix`).query({ at: new Date(before.at.getTime() + 1).toISOString() }).set(auth).expect(200);
    expect(old.body.cells).toEqual(engineOn(openFiles).namespaceMatrix().cells);
    const intoData = (cells: { src: string; dst: string }[]) => cells.filter((c) => c.dst === 'data').map((c) => c.src);
    expect(intoData(old.body.cells)).toEqual(['data', 'shop']);
    expect(intoData(res.body.cells)).toEqual([]);
  });

  it('says which policies allow each connection, and when none selects a side', async () => {
    const res = await http().get(`/api/clusters/${clusterId}/reachability/workloads/shop/api/ingress`).set(auth).expect(200);
    expect(res.body.connections[0].allowedBy).toEqual({
      egress: { peer: 'shop/frontend', defaultAllow: true, policies: [], deniedBy: [], l7: [], notEvaluated: [] },
      ingress: { peer: 'shop/api', defaultAllow: false, policies: [{ kind: 'NetworkPolicy', namespace: 'shop', name: 'api-from-frontend' }], deniedBy: [], l7: [], notEvaluated: [] },
    });
    const out = await http().get(`/api/clusters/${clusterId}/reachability/workloads/shop/frontend/egress`).set(auth).expect(200);
    const external = out.body.connections.find((c: { dst: string }) => /^\d/.test(c.dst));
    expect(external.allowedBy.ingress).toEqual({ peer: null, defaultAllow: false, policies: [], deniedBy: [], l7: [], notEvaluated: [] });
    expect(external.allowedBy.egress.defaultAllow).toBe(true);
  });

  it('lists the workload connections of one matrix cell, with their policies', async () => {
    const res = await http().get(`/api/clusters/${clusterId}/reachability/pairs/shop/shop`).set(auth).expect(200);
    const engine = engineOn(closedFiles);
    const expected = engine.connections().filter((c) => c.src.startsWith('shop/') && c.dst.startsWith('shop/'));
    expect(plain(res.body.connections)).toEqual(expected);
    expect(res.body).toMatchObject({ from: 'shop', to: 'shop', snapshot: { id: after.id } });
    expect(res.body.conn).toBe(engine.namespaceMatrix().cells.find((c) => c.src === 'shop' && c.dst === 'shop')!.conn);
    const api = res.body.connections.find((c: { dst: string }) => c.dst === 'shop/api');
    expect(api.allowedBy.ingress.policies).toEqual([{ kind: 'NetworkPolicy', namespace: 'shop', name: 'api-from-frontend' }]);
    const none = await http().get(`/api/clusters/${clusterId}/reachability/pairs/shop/data`).set(auth).expect(200);
    expect(none.body).toMatchObject({ conn: 'No Connections', connections: [] });
    const old = await http().get(`/api/clusters/${clusterId}/reachability/pairs/shop/data`).query({ at: new Date(before.at.getTime() + 1).toISOString() }).set(auth).expect(200);
    expect(old.body.snapshot.id).toBe(before.id);
    expect(old.body.connections.length).toBeGreaterThan(0);
    expect(old.body.connections[0].allowedBy.ingress.defaultAllow).toBe(true);
    await http().get(`/api/clusters/${clusterId}/reachability/pairs/Shop_X/data`).set(auth).expect(400);
  });

  it('lists the workloads to pick one, searchable', async () => {
    const res = await http().get(`/api/clusters/${clusterId}/reachability/workloads`).query({ q: 'SHOP/' }).set(auth).expect(200);
    expect(res.body.items.map((w: { id: string }) => w.id)).toEqual(['shop/api', 'shop/frontend']);
    expect(res.body.total).toBe(2);
    const all = await http().get(`/api/clusters/${clusterId}/reachability/workloads`).query({ limit: 1 }).set(auth).expect(200);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.total).toBe(engineOn(closedFiles).workloads.length);
    await http().get(`/api/clusters/${clusterId}/reachability/workloads`).query({ limit: 0 }).set(auth).expect(400);
  });

  it('caches the analysed report per snapshot', async () => {
    const svc = t.app.get(ReachabilityService);
    await http().get(`/api/clusters/${clusterId}/reachability/matrix`).set(auth).expect(200);
    const count = svc.analyses;
    await Promise.all([
      http().get(`/api/clusters/${clusterId}/reachability/matrix`).set(auth).expect(200),
      http().get(`/api/clusters/${clusterId}/reachability/workloads/shop/api/egress`).set(auth).expect(200),
    ]);
    expect(svc.analyses).toBe(count);
    expect(svc.cache.keys()).toContain(after.id);
  });

  it('two kinds sharing a name need ?kind=', async () => {
    const amb = await http().get(`/api/clusters/${clusterId}/reachability/workloads/data/db/ingress`).set(auth).expect(400);
    expect(amb.body).toMatchObject({ statusCode: 400, error: 'Bad Request', details: { code: 'AMBIGUOUS_WORKLOAD', info: { kinds: ['Deployment', 'StatefulSet'] } } });
    const res = await http().get(`/api/clusters/${clusterId}/reachability/workloads/data/db/ingress`).query({ kind: 'StatefulSet' }).set(auth).expect(200);
    expect(res.body.workload.id).toBe('data/db[StatefulSet]');
    expect(plain(res.body.connections)).toEqual(engineOn(closedFiles).whoCanReach('data/db[StatefulSet]'));
  });

  it('404 for unknown workloads, clusters, and times before the first snapshot', async () => {
    const wl = await http().get(`/api/clusters/${clusterId}/reachability/workloads/shop/nope/ingress`).set(auth).expect(404);
    expect(wl.body).toMatchObject({ statusCode: 404, error: 'Not Found', details: { code: 'WORKLOAD_NOT_FOUND' } });
    // The api workload exists, the kind does not.
    await http().get(`/api/clusters/${clusterId}/reachability/workloads/shop/api/ingress`).query({ kind: 'DaemonSet' }).set(auth).expect(404);
    const cl = await http().get('/api/clusters/00000000-0000-4000-8000-000000000000/reachability/matrix').set(auth).expect(404);
    expect(cl.body.details.code).toBe('CLUSTER_NOT_FOUND');
    const early = await http()
      .get(`/api/clusters/${clusterId}/reachability/matrix`)
      .query({ at: new Date(before.at.getTime() - DAY).toISOString() })
      .set(auth)
      .expect(404);
    expect(early.body.details.code).toBe('NO_SNAPSHOT');
  });

  it('400 for bad input, never a 500', async () => {
    for (const [path, query] of [
      [`/api/clusters/not-a-uuid/reachability/matrix`, {}],
      [`/api/clusters/${clusterId}/reachability/matrix`, { at: 'yesterday' }],
      [`/api/clusters/${clusterId}/reachability/matrix`, { at: '2025-13-45T00:00:00Z' }],
      [`/api/clusters/${clusterId}/reachability/matrix`, { unknown: '1' }],
      [`/api/clusters/${clusterId}/reachability/workloads/Shop_X/api/ingress`, {}],
      [`/api/clusters/${clusterId}/reachability/workloads/shop/api/ingress`, { kind: 'Banana' }],
      [`/api/clusters/${clusterId}/reachability/workloads/shop/${'a'.repeat(300)}/egress`, {}],
    ] as const) {
      const res = await http().get(path).query(query).set(auth);
      expect(res.status, `${path} ${JSON.stringify(query)}`).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(typeof res.body.message).toBe('string');
    }
  });

  it('is described in OpenAPI with its response schema and roles', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/openapi.json').expect(200)).body;
    for (const [route, method, schema] of [
      ['/api/clusters/{id}/reachability/matrix', 'get', 'ReachabilityMatrixDto'],
      ['/api/clusters/{id}/reachability/workloads/{namespace}/{name}/ingress', 'get', 'WorkloadReachabilityDto'],
      ['/api/clusters/{id}/reachability/workloads/{namespace}/{name}/egress', 'get', 'WorkloadReachabilityDto'],
      ['/api/clusters/{id}/reachability/pairs/{from}/{to}', 'get', 'NamespacePairReachabilityDto'],
      ['/api/clusters/{id}/reachability/workloads', 'get', 'ReachabilityWorkloadListDto'],
    ] as const) {
      const op = doc.paths[route]?.[method];
      expect(op, route).toBeDefined();
      expect(op.responses['200'].content['application/json'].schema.$ref).toBe(`#/components/schemas/${schema}`);
      expect(op.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
    }
  });

  it('needs a token', async () => {
    await http().get(`/api/clusters/${clusterId}/reachability/matrix`).expect(401);
  });
});
