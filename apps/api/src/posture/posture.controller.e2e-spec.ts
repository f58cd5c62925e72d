// Posture through HTTP on the seeded demo fleet: the latest snapshot and the one in force at a
// past time, namespace rows sorted, filtered and paged, one namespace in detail, and errors.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPosture, NamespaceDetail, NamespacePostureItem } from '@kordon/contracts';
import { startTestApp, type TestApp } from '../../test/test-app';
import { issueToken } from '../../test/tokens';
import { AUTH, DAY_MS, get, seedDemo } from './testing/read-api.fixture';

// Seeded relative to the real clock so "latest" and the default ranges mean something.
const NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const UNKNOWN = '6f1c2d3e-0000-4000-8000-000000000000';

describe('posture API', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let weu: string;
  beforeAll(async () => {
    t = await startTestApp();
    ids = await seedDemo(t, NOW);
    weu = ids['aks-prod-weu'];
  });
  afterAll(async () => t?.close());

  it('serves the latest snapshot with the roll-up and one row per namespace', async () => {
    const res = await get(t, `/api/clusters/${weu}/posture`).expect(200);
    const body = res.body as ClusterPosture;
    expect(body.cluster).toEqual({ id: weu, name: 'aks-prod-weu', environment: 'prod', team: 'platform' });
    expect(body.snapshot).toMatchObject({ takenAt: NOW.toISOString(), engine: 'azure', enforced: true });
    // demo/README.md: aks-prod-weu has 5 namespaces with default-deny ingress and 3 egress today.
    expect(body.summary).toMatchObject({ snapshotId: body.snapshot.id, namespaces: 9, excludedNamespaces: 3, enforced: true });
    expect(body.summary.ingress.namespacesWithDefaultDeny).toBe(5);
    expect(body.summary.egress.namespacesWithDefaultDeny).toBe(3);
    expect(body.items).toHaveLength(12);
    expect(body.nextCursor).toBeNull();
    const names = body.items.map((i) => i.name);
    expect(names).toEqual([...names].sort());
    const included = body.items.filter((i) => !i.excluded);
    expect(included.filter((i) => i.ingress.defaultDeny)).toHaveLength(5);
    expect(included.filter((i) => i.egress.defaultDeny)).toHaveLength(3);
    const checkout = body.items.find((i) => i.name === 'checkout')!;
    expect(checkout).toMatchObject({ excluded: false, pods: 10, workloads: 3 });
    expect(checkout.ingress).toMatchObject({ isolatedPods: 10, podCoverage: 1, defaultDeny: true, effectivelyIsolated: true });
    expect(checkout.policies).toBeGreaterThan(0);
    // Findings per namespace agree with the stored finding set.
    const stored = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM snapshot s JOIN finding_set_member m ON m.set_hash = s.finding_set_hash
       JOIN finding_object f ON f.hash = m.finding_hash WHERE s.id = $1 AND coalesce(f.namespace, f.object_namespace) = 'catalog'`, [body.snapshot.id]);
    expect(body.items.find((i) => i.name === 'catalog')!.findings).toBe(stored[0].n);
    expect(stored[0].n).toBeGreaterThan(0);
  });

  it('?at= reads the snapshot in force then, and its values differ from today', async () => {
    const old = (await get(t, `/api/clusters/${weu}/posture?at=${ago(50).toISOString()}`).expect(200)).body as ClusterPosture;
    expect(old.snapshot.takenAt).toBe(ago(56).toISOString());
    expect(old.summary.ingress.namespacesWithDefaultDeny).toBe(0);
    expect(old.items.find((i) => i.name === 'checkout')!.ingress).toMatchObject({ defaultDeny: false, isolatedPods: 0, podCoverage: 0 });

    // At exactly a snapshot's time, that snapshot is in force; a moment before, the previous one.
    const exact = (await get(t, `/api/clusters/${weu}/posture?at=${ago(21).toISOString()}`).expect(200)).body as ClusterPosture;
    expect(exact.snapshot.takenAt).toBe(ago(21).toISOString());
    expect(exact.summary.ingress.namespacesWithDefaultDeny).toBe(3);
    const before = (await get(t, `/api/clusters/${weu}/posture?at=${new Date(ago(21).getTime() - 1000).toISOString()}`).expect(200)).body as ClusterPosture;
    expect(before.snapshot.takenAt).toBe(ago(28).toISOString());
    expect(before.summary.ingress.namespacesWithDefaultDeny).toBe(2);

    // A date without time and a time without offset are UTC.
    const date = ago(40).toISOString().slice(0, 10);
    const byDate = (await get(t, `/api/clusters/${weu}/posture?at=${date}`).expect(200)).body as ClusterPosture;
    expect(new Date(byDate.snapshot.takenAt).getTime()).toBeLessThanOrEqual(new Date(`${date}T00:00:00Z`).getTime());
    const noOffset = ago(21).toISOString().slice(0, 19);
    expect((await get(t, `/api/clusters/${weu}/posture?at=${noOffset}`).expect(200)).body.snapshot.takenAt).toBe(ago(21).toISOString());

    const none = await get(t, `/api/clusters/${weu}/posture?at=${ago(60).toISOString()}`).expect(404);
    expect(none.body).toMatchObject({ statusCode: 404, error: 'Not Found', details: { code: 'NO_SNAPSHOT' } });
    expect(none.body.message).toMatch(/no succeeded snapshot taken at or before/);
  });

  it('sorts by coverage (namespaces without pods last) and filters by excluded and default-deny', async () => {
    const asc = (await get(t, `/api/clusters/${weu}/posture?sort=ingressCoverage`).expect(200)).body.items as NamespacePostureItem[];
    const values = asc.map((i) => i.ingress.podCoverage);
    const firstNull = values.indexOf(null);
    const numbers = (firstNull === -1 ? values : values.slice(0, firstNull)) as number[];
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    if (firstNull !== -1) expect(values.slice(firstNull).every((v) => v === null)).toBe(true);
    const desc = (await get(t, `/api/clusters/${weu}/posture?sort=coverage&order=desc`).expect(200)).body.items as NamespacePostureItem[];
    // `sort=-field` (the form every list takes) is the same order; contradicting `order` is a 400.
    expect((await get(t, `/api/clusters/${weu}/posture?sort=-coverage`).expect(200)).body.items).toEqual(desc);
    expect((await get(t, `/api/clusters/${weu}/posture?sort=-coverage&order=asc`).expect(400)).body.message).toMatch(/descending but order=asc/);
    const mean = desc.filter((i) => i.pods > 0).map((i) => (i.ingress.podCoverage! + i.egress.podCoverage!) / 2);
    expect(mean).toEqual([...mean].sort((a, b) => b - a));
    expect(desc[0].ingress.podCoverage).toBe(1);

    const notExcluded = (await get(t, `/api/clusters/${weu}/posture?excluded=false`).expect(200)).body.items as NamespacePostureItem[];
    expect(notExcluded).toHaveLength(9);
    const excluded = (await get(t, `/api/clusters/${weu}/posture?excluded=true`).expect(200)).body.items as NamespacePostureItem[];
    expect(excluded.map((i) => i.name)).toEqual(expect.arrayContaining(['kube-system']));
    expect(excluded.every((i) => i.excluded)).toBe(true);
    const both = (await get(t, `/api/clusters/${weu}/posture?defaultDeny=both&excluded=false`).expect(200)).body.items as NamespacePostureItem[];
    expect(both).toHaveLength(3);
    expect(both.every((i) => i.ingress.defaultDeny && i.egress.defaultDeny)).toBe(true);
    const ingressOnly = (await get(t, `/api/clusters/${weu}/posture?defaultDeny=ingress&excluded=false`).expect(200)).body.items;
    expect(ingressOnly).toHaveLength(5);
    const incomplete = (await get(t, `/api/clusters/${weu}/posture?defaultDeny=incomplete&excluded=false`).expect(200)).body.items as NamespacePostureItem[];
    expect(incomplete).toHaveLength(6);
    expect(incomplete.map((i) => i.name)).toEqual(expect.arrayContaining(['catalog', 'orders', 'monitoring']));
    const none = (await get(t, `/api/clusters/${weu}/posture?defaultDeny=none`).expect(200)).body.items as NamespacePostureItem[];
    expect(none.every((i) => !i.ingress.defaultDeny && !i.egress.defaultDeny)).toBe(true);
  });

  it('pages with a cursor in the requested order', async () => {
    for (const query of ['sort=name', 'sort=coverage&order=desc', 'sort=-findings&excluded=false', 'sort=-name']) {
      const all = (await get(t, `/api/clusters/${weu}/posture?${query}`).expect(200)).body.items.map((i: NamespacePostureItem) => i.name);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: ClusterPosture = (await get(t, `/api/clusters/${weu}/posture?${query}&limit=4${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
        expect(page.items.length).toBeLessThanOrEqual(4);
        paged.push(...page.items.map((i) => i.name));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged, query).toEqual(all);
    }
  });

  it('shows one namespace: labels, workloads with their policies, raw policies, findings, baseline', async () => {
    const res = await get(t, `/api/clusters/${weu}/namespaces/checkout`).expect(200);
    const d = res.body as NamespaceDetail;
    expect(d.snapshot.takenAt).toBe(NOW.toISOString());
    expect(d.namespace).toMatchObject({ name: 'checkout', excluded: false, pods: 10, workloads: 3 });
    expect(d.namespace.labels).toMatchObject({ 'kubernetes.io/metadata.name': 'checkout', team: 'storefront' });
    expect(d.namespace.ingress.baseline).toEqual({ present: true, policies: ['default-deny-all'], broken: false, brokenBy: [] });
    expect(d.namespace.egress).toMatchObject({ defaultDeny: true, podCoverage: 1 });

    expect(d.workloads.length).toBe(3);
    const cart = d.workloads.find((w) => w.name === 'cart')!;
    expect(cart).toMatchObject({ kind: 'Deployment', pods: 3, ingress: { isolated: true }, egress: { isolated: true } });
    expect(cart.ingress.policies).toContain('default-deny-all');
    expect(cart.labels).toMatchObject({ app: 'cart' });

    expect(d.policies.length).toBe(d.namespace.policies);
    const stored = await t.sql<{ name: string; body: string }>(`SELECT name, body FROM policy_object WHERE namespace = 'checkout'`);
    for (const p of d.policies) {
      expect(p.namespace).toBe('checkout');
      expect(stored.some((s) => s.name === p.name && s.body === p.body), p.name).toBe(true);
      expect(p.object).toMatchObject({ kind: 'NetworkPolicy', metadata: { name: p.name, namespace: 'checkout' } });
    }
    expect(d.policies.find((p) => p.name === 'default-deny-all')!.selects).toEqual(expect.arrayContaining(['Deployment/cart']));

    expect(d.findings.every((f) => f.namespace === 'checkout' || f.object?.namespace === 'checkout')).toBe(true);
    for (const f of d.findings) expect(f.remediation?.remediation.length).toBeGreaterThan(10);

    // The same namespace before its policies existed.
    const old = (await get(t, `/api/clusters/${weu}/namespaces/checkout?at=${ago(56).toISOString()}`).expect(200)).body as NamespaceDetail;
    expect(old.snapshot.takenAt).toBe(ago(56).toISOString());
    expect(old.policies).toEqual([]);
    expect(old.namespace.ingress.baseline.present).toBe(false);
    expect(old.workloads.every((w) => !w.ingress.isolated && w.ingress.policies.length === 0)).toBe(true);
    expect(old.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['KORDON-003']));
  });

  it('lists cluster-scoped policies where they select workloads of the namespace', async () => {
    const d = (await get(t, `/api/clusters/${ids['aks-prod-neu']}/namespaces/payments`).expect(200)).body as NamespaceDetail;
    const ref = (p: { kind: string; name: string }) => (p.kind === 'NetworkPolicy' ? p.name : `${p.kind}/${p.name}`);
    const selecting = new Set(d.workloads.flatMap((w) => [...w.ingress.policies, ...w.egress.policies]));
    for (const p of d.policies) if (p.namespace === null) expect(selecting.has(ref(p)), p.name).toBe(true);
    for (const name of selecting) expect(d.policies.some((p) => ref(p) === name), name).toBe(true);
    expect(d.policies.some((p) => p.kind.startsWith('Cilium'))).toBe(true);
  });

  it('answers 404 for unknown clusters, clusters without snapshots and unknown namespaces', async () => {
    const unknown = await get(t, `/api/clusters/${UNKNOWN}/posture`).expect(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    await get(t, `/api/clusters/${UNKNOWN}/namespaces/default`).expect(404);
    const created = await request(t.app.getHttpServer()).post('/api/clusters').set(AUTH).send({ name: 'never-snapshotted', source: 'manifests', paths: ['demo'] }).expect(201);
    const empty = await get(t, `/api/clusters/${created.body.id}/posture`).expect(404);
    expect(empty.body.details).toEqual({ code: 'NO_SNAPSHOT' });
    expect(empty.body.message).toMatch(/no succeeded snapshot yet/);
    const ns = await get(t, `/api/clusters/${weu}/namespaces/does-not-exist`).expect(404);
    expect(ns.body).toMatchObject({ statusCode: 404, details: { code: 'NAMESPACE_NOT_FOUND' } });
  });

  it('answers 400, never 500, for bad input', async () => {
    const base = `/api/clusters/${weu}/posture`;
    for (const q of ['at=yesterday', 'at=2026-13-01', 'at=2026-02-30T00:00:00Z', 'sort=size', 'order=up', 'excluded=maybe', 'defaultDeny=yes',
      'limit=0', 'limit=1001', 'limit=abc', 'bogus=1', 'cursor=%%%', `cursor=${Buffer.from('[{"a":1},"x"]').toString('base64url')}`]) {
      const res = await get(t, `${base}?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    expect((await get(t, `${base}?bogus=1`)).body.details[0].field).toBe('bogus');
    await get(t, '/api/clusters/not-a-uuid/posture').expect(400);
    await get(t, `/api/clusters/${weu}/namespaces/Not_A_Namespace`).expect(400);
    await get(t, `/api/clusters/${weu}/namespaces/checkout?at=soon`).expect(400);
    await get(t, `/api/clusters/${weu}/namespaces/checkout?sort=name`).expect(400);
  });

  it('requires a token; managers read aggregates, not namespace detail or findings', async () => {
    const http = t.app.getHttpServer();
    await request(http).get(`/api/clusters/${weu}/posture`).expect(401);
    await request(http).get(`/api/clusters/${weu}/namespaces/checkout`).expect(401);
    const manager = await issueToken(t.app, 'manager');
    const auditor = await issueToken(t.app, 'auditor');
    for (const url of [`/api/clusters/${weu}/posture`, `/api/clusters/${weu}/history`, `/api/clusters/${weu}/namespaces/checkout/history`, '/api/fleet/history', '/api/fleet/summary', '/api/findings/rules']) {
      expect((await request(http).get(url).set(manager.auth)).status, url).toBe(200);
    }
    for (const url of [`/api/clusters/${weu}/namespaces/checkout`, '/api/findings']) {
      expect((await request(http).get(url).set(manager.auth)).status, url).toBe(403);
      expect((await request(http).get(url).set(auditor.auth)).status, url).toBe(200);
    }
  });

  it('documents its routes in OpenAPI', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/clusters/{id}/posture', '/api/clusters/{id}/namespaces/{namespace}']));
    expect(doc.paths['/api/clusters/{id}/posture'].get.responses['200'].content['application/json'].schema.$ref).toMatch(/ClusterPostureDto/);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['NamespaceDetailDto', 'NamespacePostureItemDto']));
  });
});
