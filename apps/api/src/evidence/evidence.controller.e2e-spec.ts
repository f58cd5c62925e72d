// Evidence through HTTP against the real database: policy bodies byte-equal to what was stored
// (and served), digests an auditor recomputes with nothing but SHA-256 and sorted JSON, range
// listings, tamper detection and errors.
import request from 'supertest';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText, type CollectResult } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsRepository } from '../snapshots/snapshots.repository';
import { SnapshotsService } from '../snapshots/snapshots.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const DAY = 86_400_000;

const BASE = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: web, tier: front } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec: { replicas: 2, template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: c, ports: [{ name: http, containerPort: 8080 }] }] } } }
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop, labels: { app: debug } }
spec: { nodeName: node-1, containers: [{ name: c }] }
status: { phase: Running, podIP: 10.0.0.9 }
`;
const POLICY = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all, namespace: shop, annotations: { note: 'allow <frontend> & "api"' } }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`;
const AKS = JSON.stringify({
  name: 'evi', kubernetesVersion: '1.31.2',
  networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium', networkDataplane: 'cilium', podCidr: '10.244.0.0/16' },
  agentPoolProfiles: [{ name: 'sys', osType: 'Linux', count: 3, mode: 'System', vmSize: 'Standard_D4s_v5' }],
});

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/** The canonical JSON the document's integrity.method describes, written independently here. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v as object).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

describe('evidence endpoints', () => {
  let t: TestApp;
  let clusterId: string;
  const snaps: { id: string; at: Date }[] = [];
  const now = Date.now();
  const http = () => request(t.app.getHttpServer());
  /** What the "API server" served: the Go encoder's escapes and its own key order, kept byte for byte. */
  let servedPolicy: string;

  beforeAll(async () => {
    t = await startTestApp();
    const cluster = await t.app.get(ClustersService).register({ name: 'evi', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'], environment: 'prod', team: 'payments' });
    clusterId = cluster.id;
    const withPolicy = collectFromManifestText([{ name: 'base.yaml', text: BASE + POLICY }, { name: 'aks.json', text: AKS }]);
    servedPolicy = JSON.stringify(withPolicy.state!.networkPolicies[0]).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
    const served: CollectResult = { ...withPolicy, policyTexts: [servedPolicy] };
    const without = collectFromManifestText([{ name: 'base.yaml', text: BASE }, { name: 'aks.json', text: AKS }]);
    for (const [days, collected] of [[3, without], [2, served], [1, served]] as const) {
      const at = new Date(now - days * DAY);
      const outcome = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'seed', at, collect: async () => collected });
      expect(outcome.status).toBe('succeeded');
      snaps.push({ id: outcome.snapshotId!, at });
    }
  });
  afterAll(async () => t?.close());

  it('exports a snapshot as an attachment with policies byte-equal to what was stored and served', async () => {
    const res = await http().get(`/api/snapshots/${snaps[1].id}/evidence`).set(auth).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const iso = snaps[1].at.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="kordon-evidence-evi-${iso}.json"`);
    const doc = res.body;
    expect(doc.format).toBe('kordon-evidence/v1');
    expect(doc.cluster).toEqual({ id: clusterId, name: 'evi', source: 'manifests', environment: 'prod', team: 'payments' });
    expect(doc.snapshot).toMatchObject({ id: snaps[1].id, trigger: 'seed', startedAt: snaps[1].at.toISOString(), kubernetesVersion: '1.31.2', policyEngine: 'cilium' });

    const stored = await t.sql<{ body: string; hash: string }>(
      `SELECT p.body, p.hash FROM snapshot s JOIN policy_set_member m ON m.set_hash = s.policy_set_hash JOIN policy_object p ON p.hash = m.policy_hash WHERE s.id = $1`,
      [snaps[1].id],
    );
    expect(doc.policies).toHaveLength(1);
    expect(doc.policies[0]).toMatchObject({ kind: 'NetworkPolicy', namespace: 'shop', name: 'deny-all', body: stored[0].body, sha256: stored[0].hash });
    expect(doc.policies[0].body).toBe(servedPolicy);
    expect(doc.policies[0].body).toContain('\\u003cfrontend\\u003e \\u0026');
    expect(sha(doc.policies[0].body)).toBe(doc.policies[0].sha256);

    const [row] = await t.sql<{ network_profile: unknown; node_pools: unknown }>(`SELECT network_profile, node_pools FROM snapshot WHERE id = $1`, [snaps[1].id]);
    expect(doc.networkProfile).toEqual(row.network_profile);
    expect(doc.nodePools).toEqual(row.node_pools);
    expect(doc.networkProfile.networkPolicy).toBe('cilium');

    expect(doc.namespaces.find((n: { name: string }) => n.name === 'shop')).toEqual({
      name: 'shop', labels: { team: 'web', tier: 'front', 'kubernetes.io/metadata.name': 'shop' }, pods: 3, workloads: 2,
    });
    const api = doc.workloads.find((w: { name: string }) => w.name === 'api');
    expect(api).toMatchObject({ namespace: 'shop', kind: 'Deployment', labels: { app: 'api' }, podCount: 2 });
    expect(api.pods.map((p: { labels: unknown }) => p.labels)).toEqual([{ app: 'api' }, { app: 'api' }]);
    const debug = doc.workloads.find((w: { name: string }) => w.name === 'debug');
    expect(debug.pods[0]).toMatchObject({ name: 'debug', nodeName: 'node-1', phase: 'Running', ips: ['10.0.0.9'], synthetic: false });

    const postures = await t.sql(`SELECT namespace FROM namespace_posture WHERE snapshot_id = $1`, [snaps[1].id]);
    expect(doc.posture.namespaces.map((n: { namespace: string }) => n.namespace).sort()).toEqual(postures.map((p) => p.namespace).sort());
    expect(doc.posture.namespaces.find((n: { namespace: string }) => n.namespace === 'shop')).toMatchObject({ defaultDenyIngress: true, defaultDenyEgress: true });
    expect(doc.posture.summary).toMatchObject({ engine: 'cilium', enforced: true });
    const findingCount = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM snapshot s JOIN finding_set_member m ON m.set_hash = s.finding_set_hash WHERE s.id = $1`, [snaps[1].id]);
    expect(doc.findings).toHaveLength(Number(findingCount[0].n));
    expect(doc.findings[0]).toHaveProperty('ruleId');
  });

  it('digests recompute from the document alone', async () => {
    const doc = (await http().get(`/api/snapshots/${snaps[1].id}/evidence`).set(auth).expect(200)).body;
    const { integrity } = doc;
    expect(integrity).toMatchObject({ algorithm: 'sha256', contentAddressesVerified: true, mismatches: [] });
    const expected = [
      { type: 'snapshot', key: '-', sha256: sha(canonical(doc.snapshot)) },
      { type: 'networkProfile', key: '-', sha256: sha(canonical(doc.networkProfile)) },
      { type: 'nodePools', key: '-', sha256: sha(canonical(doc.nodePools)) },
      { type: 'postureSummary', key: '-', sha256: sha(canonical(doc.posture.summary)) },
      ...doc.policies.map((p: { kind: string; namespace: string; name: string; body: string }) => ({ type: 'policy', key: `${p.kind}/${p.namespace}/${p.name}`, sha256: sha(p.body) })),
      ...doc.namespaces.map((n: { name: string }) => ({ type: 'namespace', key: n.name, sha256: sha(canonical(n)) })),
      ...doc.workloads.map((w: { namespace: string; kind: string; name: string }) => ({ type: 'workload', key: `${w.namespace}/${w.kind}/${w.name}`, sha256: sha(canonical(w)) })),
      ...doc.posture.namespaces.map((r: { namespace: string }) => ({ type: 'posture', key: r.namespace, sha256: sha(canonical(r)) })),
      ...doc.findings.map((f: unknown) => ({ type: 'finding', key: sha(canonical(f)), sha256: sha(canonical(f)) })),
    ];
    const sorted = (items: { type: string; key: string }[]) => [...items].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    expect(integrity.items).toEqual(sorted(expected));
    const lines = integrity.items.map((i: { type: string; key: string; sha256: string }) => `${i.type} ${i.key} ${i.sha256}`).join('\n');
    expect(integrity.manifestDigest).toBe(sha(lines));

    // The same snapshot exported again digests the same; a snapshot with other content does not.
    const again = (await http().get(`/api/snapshots/${snaps[1].id}/evidence`).set(auth).expect(200)).body;
    expect(again.integrity.manifestDigest).toBe(integrity.manifestDigest);
    const other = (await http().get(`/api/snapshots/${snaps[0].id}/evidence`).set(auth).expect(200)).body;
    expect(other.policies).toEqual([]);
    expect(other.integrity.manifestDigest).not.toBe(integrity.manifestDigest);
  });

  it('lists the snapshots of a range with their digests and links, paged', async () => {
    const from = new Date(now - 4 * DAY).toISOString();
    const to = new Date(now).toISOString();
    const first = await http().get(`/api/clusters/${clusterId}/evidence`).query({ from, to, limit: 2 }).set(auth).expect(200);
    expect(first.body).toMatchObject({ clusterId, from, to });
    expect(first.body.items.map((i: { snapshotId: string }) => i.snapshotId)).toEqual([snaps[0].id, snaps[1].id]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await http().get(`/api/clusters/${clusterId}/evidence`).query({ from, to, limit: 2, cursor: first.body.nextCursor }).set(auth).expect(200);
    expect(second.body.items.map((i: { snapshotId: string }) => i.snapshotId)).toEqual([snaps[2].id]);
    expect(second.body.nextCursor).toBeNull();
    for (const item of [...first.body.items, ...second.body.items]) {
      expect(item.links.evidence).toBe(`/api/snapshots/${item.snapshotId}/evidence`);
      const doc = (await http().get(item.links.evidence).set(auth).expect(200)).body;
      expect(item.manifestDigest).toBe(doc.integrity.manifestDigest);
      expect(item.contentAddressesVerified).toBe(true);
    }
    // Two snapshots with the same content still differ (their own id, time and posture rows).
    expect(first.body.items[1].manifestDigest).not.toBe(second.body.items[0].manifestDigest);

    const narrow = await http()
      .get(`/api/clusters/${clusterId}/evidence`)
      .query({ from: new Date(now - 2.5 * DAY).toISOString(), to: new Date(now - 1.5 * DAY).toISOString() })
      .set(auth)
      .expect(200);
    expect(narrow.body.items.map((i: { snapshotId: string }) => i.snapshotId)).toEqual([snaps[1].id]);
    // Default range: the last 31 days.
    const recent = await http().get(`/api/clusters/${clusterId}/evidence`).set(auth).expect(200);
    expect(recent.body.items).toHaveLength(3);
  });

  it('exports a whole date range with include=documents', async () => {
    const from = new Date(now - 4 * DAY).toISOString();
    const to = new Date(now).toISOString();
    const res = await http().get(`/api/clusters/${clusterId}/evidence`).query({ from, to, include: 'documents' }).set(auth).expect(200);
    expect(res.body.items).toHaveLength(3);
    for (const item of res.body.items) {
      expect(item.document.snapshot.id).toBe(item.snapshotId);
      expect(item.document.integrity.manifestDigest).toBe(item.manifestDigest);
      expect(Array.isArray(item.document.policies)).toBe(true);
      expect(item.document.networkProfile).toBeDefined();
    }
    expect(res.body.items.some((i: { document: { policies: unknown[] } }) => i.document.policies.length > 0)).toBe(true);
    const plain = await http().get(`/api/clusters/${clusterId}/evidence`).query({ from, to }).set(auth).expect(200);
    expect(plain.body.items[0].document).toBeUndefined();
    await http().get(`/api/clusters/${clusterId}/evidence`).query({ include: 'documents', limit: 50 }).set(auth).expect(400);
    await http().get(`/api/clusters/${clusterId}/evidence`).query({ include: 'everything' }).set(auth).expect(400);
  });

  it('pages a range oldest or newest first, ties broken by id, and refuses a cursor of the other sort', async () => {
    const cluster = await t.app.get(ClustersService).register({ name: 'evi-sorted', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    const collected = collectFromManifestText([{ name: 'base.yaml', text: BASE }, { name: 'aks.json', text: AKS }]);
    const seeded: { id: string; at: Date }[] = [];
    // Two snapshots start at the same instant; one before the range and a failed one inside it are left out.
    for (const days of [9, 6, 5, 5, 4.5, 3, 2]) {
      const at = new Date(now - days * DAY);
      const outcome = await t.app.get(SnapshotsService).run(cluster.id, { trigger: 'seed', at, collect: async () => collected });
      expect(outcome.status).toBe('succeeded');
      if (days < 8) seeded.push({ id: outcome.snapshotId!, at });
    }
    const repo = t.app.get(SnapshotsRepository);
    const failed = (await repo.start(cluster.id, 'manual', new Date(now - 4 * DAY)))!;
    await repo.fail(failed, 'test', [], new Date(now - 4 * DAY));
    const asc = [...seeded].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((s) => s.id);
    expect(new Set(seeded.map((s) => s.at.getTime())).size).toBe(seeded.length - 1);

    const range = { from: new Date(now - 8 * DAY).toISOString(), to: new Date(now).toISOString() };
    const pages = async (sort?: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const body: { items: { snapshotId: string }[]; nextCursor: string | null } = (await http().get(`/api/clusters/${cluster.id}/evidence`).query({ ...range, limit: 2, ...(sort ? { sort } : {}), ...(cursor ? { cursor } : {}) }).set(auth).expect(200)).body;
        ids.push(...body.items.map((i) => i.snapshotId));
        cursor = body.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await pages()).toEqual(asc);
    expect(await pages('startedAt')).toEqual(asc);
    expect(await pages('-startedAt')).toEqual([...asc].reverse());
    const newest = await http().get(`/api/clusters/${cluster.id}/evidence`).query({ ...range, sort: '-startedAt', limit: 1, include: 'documents' }).set(auth).expect(200);
    expect(newest.body.items[0].document.snapshot.id).toBe(asc[asc.length - 1]);

    const first = await http().get(`/api/clusters/${cluster.id}/evidence`).query({ ...range, sort: '-startedAt', limit: 2 }).set(auth).expect(200);
    for (const sort of [undefined, 'startedAt']) {
      const res = await http().get(`/api/clusters/${cluster.id}/evidence`).query({ ...range, limit: 2, cursor: first.body.nextCursor, ...(sort ? { sort } : {}) }).set(auth).expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400, error: 'Bad Request', message: expect.stringContaining('sort=-startedAt'),
        details: { code: 'CURSOR_SORT_MISMATCH', cursorSort: '-startedAt', sort: 'startedAt' },
      });
    }
    for (const sort of ['startedat', 'finishedAt', '-startedAt,id', 'startedAt:desc', '']) {
      const res = await http().get(`/api/clusters/${cluster.id}/evidence`).query({ sort }).set(auth).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('sort must be one of') });
    }
    // A cursor of the former shape (no sort) is invalid.
    const old = Buffer.from(JSON.stringify([seeded[0].at.toISOString(), seeded[0].id])).toString('base64url');
    await http().get(`/api/clusters/${cluster.id}/evidence`).query({ cursor: old }).set(auth).expect(400);
  });

  it('is described in OpenAPI with its response schema and roles', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/openapi.json').expect(200)).body;
    for (const [route, method, schema] of [
      ['/api/snapshots/{id}/evidence', 'get', 'EvidenceDocumentDto'],
      ['/api/clusters/{id}/evidence', 'get', 'EvidenceListDto'],
    ] as const) {
      const op = doc.paths[route]?.[method];
      expect(op, route).toBeDefined();
      expect(op.responses['200'].content['application/json'].schema.$ref).toBe(`#/components/schemas/${schema}`);
      expect(op.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
    }
    const sort = doc.paths['/api/clusters/{id}/evidence'].get.parameters.find((p: { name: string }) => p.name === 'sort');
    expect(sort).toMatchObject({ in: 'query', required: false, schema: { enum: ['startedAt', '-startedAt'], default: 'startedAt' } });
  });

  it('404 for unknown snapshots and clusters, 409 for a snapshot without content, 400 for bad input', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const s = await http().get(`/api/snapshots/${unknown}/evidence`).set(auth).expect(404);
    expect(s.body).toMatchObject({ statusCode: 404, error: 'Not Found', details: { code: 'SNAPSHOT_NOT_FOUND' } });
    const c = await http().get(`/api/clusters/${unknown}/evidence`).set(auth).expect(404);
    expect(c.body.details.code).toBe('CLUSTER_NOT_FOUND');
    const running = (await t.app.get(SnapshotsRepository).start(clusterId, 'manual', new Date()))!;
    const r = await http().get(`/api/snapshots/${running}/evidence`).set(auth).expect(409);
    expect(r.body.details.code).toBe('SNAPSHOT_NOT_SUCCEEDED');
    await t.app.get(SnapshotsRepository).fail(running, 'test', [], new Date());
    await http().get(`/api/snapshots/${running}/evidence`).set(auth).expect(409);

    for (const query of [
      { from: '2024-01-01T00:00:00Z', to: '2025-06-01T00:00:00Z' },
      { from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
      { from: 'last week' },
      { limit: '0' },
      { limit: 'many' },
      { cursor: 'not-a-cursor' },
      { other: 'x' },
    ]) {
      const res = await http().get(`/api/clusters/${clusterId}/evidence`).query(query).set(auth);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    await http().get('/api/snapshots/not-a-uuid/evidence').set(auth).expect(400);
    await http().get(`/api/snapshots/${snaps[0].id}/evidence`).expect(401);
    await http().get(`/api/clusters/${clusterId}/evidence`).expect(401);
  });

  it('reports stored content edited after the snapshot was written', async () => {
    // Last: content rows are shared by every snapshot that holds them.
    await t.sql(`UPDATE policy_object SET body = replace(body, 'deny-all', 'deny-all ') WHERE name = 'deny-all'`);
    const doc = (await http().get(`/api/snapshots/${snaps[2].id}/evidence`).set(auth).expect(200)).body;
    expect(doc.integrity.contentAddressesVerified).toBe(false);
    expect(doc.integrity.mismatches).toEqual(['policy NetworkPolicy/shop/deny-all does not match its content address']);
    const list = await http().get(`/api/clusters/${clusterId}/evidence`).set(auth).expect(200);
    expect(list.body.items.map((i: { contentAddressesVerified: boolean }) => i.contentAddressesVerified)).toEqual([true, false, false]);
  });
});
