// POST /api/analyze through HTTP: YAML and JSON uploads, the answer matches the engine, bad input
// is a 400 naming file/object/field, size limits, and nothing is written to the database.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { analyzeReachability } from '@kordon/policy-engine';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: web } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: frontend, namespace: shop }
spec: { replicas: 2, template: { metadata: { labels: { app: frontend } }, spec: { containers: [{ name: c, ports: [{ containerPort: 80 }] }] } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec: { template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: c, ports: [{ name: http, containerPort: 8080 }] }] } } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-from-frontend, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: frontend } } }], ports: [{ port: http }] }]
`;

const AKS_SHOW = { name: 'aks-ci', kubernetesVersion: '1.31.1', networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium', networkDataplane: 'cilium' }, agentPoolProfiles: [{ name: 'sys', osType: 'Linux', count: 3 }] };

describe('POST /api/analyze', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const post = (query: Record<string, string> = {}) => http().post('/api/analyze').query(query).set(auth);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function rowCounts(): Promise<Record<string, number>> {
    const tables = await t.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const out: Record<string, number> = {};
    // The audit log records who ran an analysis (analyze.run), the rate limit counts it and the
    // change counters move with tokens: none of them is analysis data.
    const bookkeeping = new Set(['audit_log', 'rate_limit', 'change_version']);
    for (const { table_name } of tables.filter((r) => !bookkeeping.has(r.table_name))) {
      out[table_name] = Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM "${table_name}"`))[0].n);
    }
    return out;
  }

  it('analyses YAML (multi-document) and answers like the CLI report', async () => {
    const res = await post().set('Content-Type', 'application/yaml').send(MANIFESTS).expect(200);
    expect(Object.keys(res.body).sort()).toEqual(['cluster', 'enforcement', 'excludedNamespaces', 'findings', 'namespaces', 'notEvaluated', 'problems', 'workloads']);
    expect(res.body.workloads).toEqual([
      { namespace: 'shop', name: 'api', kind: 'Deployment', isolated: { ingress: true, egress: false } },
      { namespace: 'shop', name: 'frontend', kind: 'Deployment', isolated: { ingress: false, egress: false } },
    ]);
    const shop = res.body.namespaces.find((n: { name: string }) => n.name === 'shop');
    expect(shop).toMatchObject({ pods: 3, workloads: 2, policies: 1, ingress: { isolatedPods: 1, defaultDeny: false } });
    expect(res.body.cluster).toMatchObject({ name: null, kubernetesVersion: null, namespaces: 1, pods: 3 });
    expect(res.body.enforcement).toMatchObject({ engine: 'unknown', enforced: false, confirmed: false });
    expect(res.body.findings.length).toBeGreaterThan(0);
    expect(res.body.findings[0]).toHaveProperty('ruleId');
    expect(res.body.problems.map((p: { code: string }) => p.code)).toContain('no-network-profile');
    for (const type of ['text/yaml', 'application/x-yaml', 'application/yaml; charset=utf-8']) {
      const again = await post().set('Content-Type', type).send(MANIFESTS).expect(200);
      expect(again.body.workloads).toEqual(res.body.workloads);
    }
  });

  it('analyses JSON: a kubectl List, { files }, and a ClusterState; connections on request match the engine', async () => {
    const objects = collectFromManifestText([{ name: 'm.yaml', text: MANIFESTS }]);
    expect(objects.state).not.toBeNull();
    const yamlParse = (await import('yaml')).parseAllDocuments(MANIFESTS).map((d) => d.toJSON());
    const list = { apiVersion: 'v1', kind: 'List', items: yamlParse };
    const fromList = await post({ connections: 'true' }).send(list).expect(200);
    expect(fromList.body.workloads).toHaveLength(2);
    expect(fromList.body.connections).toEqual(analyzeReachability(objects.state!).connections());
    expect(fromList.body.connections).toContainEqual({ src: 'shop/frontend', dst: 'shop/api', conn: 'TCP 8080' });

    const files = await post().send({ files: [{ name: 'app.yaml', text: MANIFESTS }, { name: 'aks.json', text: JSON.stringify(AKS_SHOW) }] }).expect(200);
    expect(files.body.enforcement).toMatchObject({ engine: 'cilium', enforced: true });
    expect(files.body.cluster).toMatchObject({ name: 'aks-ci', kubernetesVersion: '1.31.1' });
    expect(files.body).not.toHaveProperty('connections');

    const state = await post().send({ ...objects.state, networkProfile: { networkPolicy: 'azure' } }).expect(200);
    expect(state.body.workloads).toEqual(fromList.body.workloads);
    expect(state.body.enforcement.engine).toBe('azure');
  });

  it('stores nothing', async () => {
    const before = await rowCounts();
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['cluster', 'snapshot', 'policy_object', 'posture_set_entry']));
    await post().set('Content-Type', 'application/yaml').send(MANIFESTS).expect(200);
    await post({ connections: 'true' }).send({ files: [{ name: 'a.yaml', text: MANIFESTS }] }).expect(200);
    await post().set('Content-Type', 'application/yaml').send('kind: [').expect(400);
    expect(await rowCounts()).toEqual(before);
  });

  it('400 for invalid YAML, with the file and line', async () => {
    const res = await post().set('Content-Type', 'application/yaml').send('apiVersion: v1\nkind: Namespace\nmetadata: {name: a\n').expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', details: { code: 'INVALID_INPUT' } });
    expect(res.body.message).toMatch(/invalid input \(1 error\); nothing analysed: Malformed YAML in request\.yaml at line 4/);
    expect(res.body.details.info.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'parse-error', object: 'request.yaml:4:1', file: 'request.yaml' })]);
  });

  it('400 for an invalid CIDR and an unknown kind, each with file, object and field', async () => {
    const text = MANIFESTS.replace('podSelector: { matchLabels: { app: frontend } }', 'ipBlock: { cidr: 10.0.0.300/8 }');
    const res = await post()
      .send({ files: [{ name: 'ok.yaml', text: 'apiVersion: v1\nkind: Namespace\nmetadata: { name: other }\n' }, { name: 'app.yaml', text }, { name: 'typo.yaml', text: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolcy\nmetadata: { name: p }\nspec: {}\n' }] })
      .expect(400);
    const problems = res.body.details.info.problems as { code: string; file?: string; object?: string; field?: string; message: string; kind?: string }[];
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual(expect.objectContaining({ code: 'invalid-object', file: 'app.yaml', object: 'shop/api-from-frontend', field: 'spec.ingress[0].from[0].ipBlock.cidr' }));
    expect(problems.find((p) => p.code === 'invalid-object')!.message).not.toMatch(/skipped$/);
    expect(problems).toContainEqual(expect.objectContaining({ code: 'unknown-kind', file: 'typo.yaml', field: 'kind', kind: 'NetworkPolcy' }));
  });

  it('400 for malformed requests: bad { files }, empty bodies, nothing usable, a bad query', async () => {
    const bad = await post().send({ files: [{ name: '', text: 1, extra: true }, 'x'], more: 1 }).expect(400);
    expect(bad.body.details.info.problems.map((p: { field: string }) => p.field)).toEqual(['more', 'files[0].extra', 'files[0].name', 'files[0].text', 'files[1]']);
    await post().send({ files: [] }).expect(400);
    await post().send({}).expect(400);
    await post().set('Content-Type', 'application/yaml').send('').expect(400);
    const nothing = await post().set('Content-Type', 'application/yaml').send('# only a comment\n').expect(400);
    expect(nothing.body.details.info.problems[0].code).toBe('empty-input');
    const configMap = await post().set('Content-Type', 'application/yaml').send('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n').expect(400);
    expect(configMap.body.details.info.problems.map((p: { code: string }) => p.code)).toContain('unknown-kind');
    await post().set('Content-Type', 'application/json').send('{"broken":').expect(400);
    await post({ connections: 'maybe' }).set('Content-Type', 'application/yaml').send(MANIFESTS).expect(400);
    await post({ verbose: 'true' }).set('Content-Type', 'application/yaml').send(MANIFESTS).expect(400);
  });

  it('413 past 1 MB (YAML and JSON), 415 for other content types', async () => {
    const big = `${MANIFESTS}\n# ${'x'.repeat(1024 * 1024)}\n`;
    const yaml = await post().set('Content-Type', 'application/yaml').send(big).expect(413);
    expect(yaml.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large', details: { code: 'PAYLOAD_TOO_LARGE' } });
    const json = await post().send({ files: [{ name: 'a.yaml', text: big }] }).expect(413);
    expect(json.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    const plain = await post().set('Content-Type', 'text/plain').send(MANIFESTS).expect(415);
    expect(plain.body).toMatchObject({ statusCode: 415, details: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    await post().set('Content-Type', 'application/yaml; charset=latin1').send(MANIFESTS).expect(415);
  });

  it('refuses to list connections past the cap, with a clear error', async () => {
    const pods = Array.from({ length: 1001 }, (_, i) => `apiVersion: v1\nkind: Pod\nmetadata: { name: p${i}, namespace: bulk }\nspec: { containers: [{ name: c }] }`).join('\n---\n');
    const res = await post({ connections: 'true' }).set('Content-Type', 'application/yaml').send(pods).expect(422);
    expect(res.body).toMatchObject({ statusCode: 422, details: { code: 'TOO_MANY_CONNECTIONS', info: { workloads: 1001 } } });
    expect(res.body.message).toMatch(/without \?connections=true/);
    // Without connections the same upload is fine.
    await post().set('Content-Type', 'application/yaml').send(pods).expect(200);
  });

  it('is described in OpenAPI with its response schema and roles', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/openapi.json').expect(200)).body;
    for (const [route, method, schema] of [
      ['/api/analyze', 'post', 'AnalyzeResponseDto'],
    ] as const) {
      const op = doc.paths[route]?.[method];
      expect(op, route).toBeDefined();
      expect(op.responses['200'].content['application/json'].schema.$ref).toBe(`#/components/schemas/${schema}`);
      expect(op.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
    }
  });

  it('needs a token', async () => {
    await http().post('/api/analyze').set('Content-Type', 'application/yaml').send(MANIFESTS).expect(401);
  });

  it('leaves JSON parsing of other routes alone', async () => {
    const res = await http().post('/api/clusters').set(auth).set('Content-Type', 'application/yaml').send('name: x\nsource: manifests\n');
    expect(res.status).toBe(400);
  });
});
