// Findings through HTTP on the seeded demo fleet: each cluster's latest snapshot (or the one in
// force at `at`), filters, cursor pages, remediation from the catalog, and errors.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingRuleView, FindingSort, FleetFindingItem, Page } from '@kordon/contracts';
import { startTestApp, type TestApp } from '../../test/test-app';
import { AUTH, DAY_MS, get, seedDemo } from '../posture/testing/read-api.fixture';

const NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

async function all(t: TestApp, query: string, limit = 7): Promise<FleetFindingItem[]> {
  const out: FleetFindingItem[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<FleetFindingItem> = (await get(t, `/api/findings?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

// The documented orders, written independently of the SQL: text by code point, findings about no
// namespace last, ties by severity (most severe first), cluster name, rule id, finding id.
const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
const subjectNs = (i: FleetFindingItem) => i.namespace ?? i.object?.namespace ?? null;
const tail = (a: FleetFindingItem, b: FleetFindingItem) => cmp(RANK[a.severity], RANK[b.severity]) || cmp(a.cluster.name, b.cluster.name) || cmp(a.ruleId, b.ruleId) || cmp(a.id, b.id);
const ORDERS: Record<FindingSort, (a: FleetFindingItem, b: FleetFindingItem) => number> = {
  '-severity': tail,
  severity: (a, b) => cmp(RANK[b.severity], RANK[a.severity]) || cmp(a.cluster.name, b.cluster.name) || cmp(a.ruleId, b.ruleId) || cmp(a.id, b.id),
  cluster: (a, b) => cmp(a.cluster.name, b.cluster.name) || tail(a, b),
  '-cluster': (a, b) => cmp(b.cluster.name, a.cluster.name) || tail(a, b),
  rule: (a, b) => cmp(a.ruleId, b.ruleId) || tail(a, b),
  '-rule': (a, b) => cmp(b.ruleId, a.ruleId) || tail(a, b),
  namespace: (a, b) => cmp(subjectNs(a) === null ? 1 : 0, subjectNs(b) === null ? 1 : 0) || cmp(subjectNs(a) ?? '', subjectNs(b) ?? '') || tail(a, b),
  '-namespace': (a, b) => cmp(subjectNs(a) === null ? 1 : 0, subjectNs(b) === null ? 1 : 0) || cmp(subjectNs(b) ?? '', subjectNs(a) ?? '') || tail(a, b),
};

describe('findings API', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    ids = await seedDemo(t, NOW);
  });
  afterAll(async () => t?.close());

  it("lists the latest snapshot's findings of every cluster, most severe first, with remediation", async () => {
    const res = await get(t, '/api/findings?limit=500').expect(200);
    const items = res.body.items as FleetFindingItem[];
    expect(res.body.nextCursor).toBeNull();
    const stored = await t.sql<{ n: number }>(`
      SELECT sum(fs.size)::int AS n FROM cluster c
      JOIN LATERAL (SELECT finding_set_hash FROM snapshot s WHERE s.cluster_id = c.id AND s.status = 'succeeded' ORDER BY started_at DESC LIMIT 1) s ON true
      JOIN finding_set fs ON fs.hash = s.finding_set_hash`);
    expect(items).toHaveLength(stored[0].n);
    expect(new Set(items.map((i) => i.cluster.name))).toEqual(new Set(Object.keys(ids)));
    expect(items.every((i) => i.snapshot.takenAt === NOW.toISOString())).toBe(true);
    const ranks = items.map((i) => RANK[i.severity]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    // The policy engine is `none` on the dev sandbox: its critical finding leads.
    expect(items[0]).toMatchObject({ ruleId: 'KORDON-001', severity: 'critical', slug: 'policies-not-enforced', category: 'enforcement' });
    for (const i of items) {
      expect(i.remediation, i.ruleId).not.toBeNull();
      expect(i.remediation!.references.length).toBeGreaterThan(0);
      expect(i.remediation!.rationale.length).toBeGreaterThan(50);
    }
    const egress = items.find((i) => i.ruleId === 'KORDON-004' && i.remediationYaml);
    expect(egress?.remediationYaml).toMatch(/kind: NetworkPolicy/);
    expect(egress?.remediationYaml).toContain(`namespace: ${egress!.namespace}`);
  });

  it('filters by cluster, namespace, severity and rule', async () => {
    const weu = ids['aks-prod-weu'];
    const byCluster = await all(t, `cluster=${weu}`);
    expect(byCluster.length).toBeGreaterThan(0);
    expect(byCluster.every((i) => i.cluster.id === weu)).toBe(true);
    const byNamespace = await all(t, `cluster=${weu}&namespace=catalog`);
    expect(byNamespace.length).toBeGreaterThan(0);
    expect(byNamespace.every((i) => i.namespace === 'catalog' || i.object?.namespace === 'catalog')).toBe(true);
    // catalog/allow-api-to-search selects a label no pod carries any more (demo/README.md).
    expect(byNamespace.map((i) => i.ruleId)).toContain('KORDON-007');
    const medium = await all(t, 'severity=medium');
    expect(medium.length).toBeGreaterThan(0);
    expect(medium.every((i) => i.severity === 'medium')).toBe(true);
    const rule = await all(t, 'rule=KORDON-004');
    expect(rule.every((i) => i.ruleId === 'KORDON-004')).toBe(true);
    expect(new Set(rule.map((i) => i.cluster.name)).size).toBeGreaterThan(1);
    const combined = await all(t, `cluster=${weu}&rule=KORDON-004&severity=medium`);
    expect(combined.every((i) => i.cluster.id === weu && i.ruleId === 'KORDON-004' && i.severity === 'medium')).toBe(true);
    expect((await get(t, `/api/findings?namespace=no-such-namespace`).expect(200)).body.items).toEqual([]);
  });

  it('?at= reads the snapshot in force then', async () => {
    const weu = ids['aks-prod-weu'];
    const old = await all(t, `cluster=${weu}&at=${ago(50).toISOString()}`);
    expect(old.every((i) => i.snapshot.takenAt === ago(56).toISOString())).toBe(true);
    const oldMissing = old.filter((i) => i.ruleId === 'KORDON-003').length;
    const nowMissing = (await all(t, `cluster=${weu}`)).filter((i) => i.ruleId === 'KORDON-003').length;
    // 9 application namespaces without default-deny ingress then, 4 today.
    expect(oldMissing).toBe(9);
    expect(nowMissing).toBe(4);
    expect((await get(t, `/api/findings?at=${ago(100).toISOString()}`).expect(200)).body.items).toEqual([]);
  });

  it('pages through the same findings whatever the page size', async () => {
    const whole = (await get(t, '/api/findings?limit=500').expect(200)).body.items as FleetFindingItem[];
    const key = (i: FleetFindingItem) => `${i.cluster.id}/${i.id}`;
    for (const limit of [1, 7, 50]) {
      const paged = await all(t, '', limit);
      expect(paged.map(key)).toEqual(whole.map(key));
    }
    expect(new Set(whole.map(key)).size).toBe(whole.length);
  });

  it('pages through every sort in its documented order, without duplicates or gaps', async () => {
    const whole = (await get(t, '/api/findings?limit=500').expect(200)).body.items as FleetFindingItem[];
    const key = (i: FleetFindingItem) => `${i.cluster.id}/${i.id}`;
    expect(new Set(whole.map(key)).size).toBe(whole.length);
    // The seeded fleet exercises every tiebreak: cluster-wide findings, shared namespaces and rules.
    expect(whole.some((i) => subjectNs(i) === null)).toBe(true);
    expect(new Set(whole.map((i) => i.cluster.name)).size).toBeGreaterThan(1);
    for (const sort of Object.keys(ORDERS) as FindingSort[]) {
      const paged = await all(t, `sort=${encodeURIComponent(sort)}`, 9);
      expect(paged.map(key), sort).toEqual([...whole].sort(ORDERS[sort]).map(key));
    }
    // The default is -severity, and sorting composes with filters.
    expect((await all(t, 'sort=-severity', 50)).map(key)).toEqual(whole.map(key));
    const weu = ids['aks-prod-weu'];
    const filtered = await all(t, `cluster=${weu}&severity=medium&sort=-namespace`, 3);
    expect(filtered.length).toBeGreaterThan(3);
    expect(filtered.map(key)).toEqual(whole.filter((i) => i.cluster.id === weu && i.severity === 'medium').sort(ORDERS['-namespace']).map(key));
  });

  it('answers 400 for an unknown sort and for a cursor used with another sort', async () => {
    for (const sort of ['name', 'Severity', '+severity', '--severity', 'severity,rule', 'cluster:asc', '']) {
      const res = await get(t, `/api/findings?sort=${encodeURIComponent(sort)}`);
      expect(res.status, sort).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('sort must be one of') });
    }
    const first = (await get(t, '/api/findings?sort=cluster&limit=3').expect(200)).body as Page<FleetFindingItem>;
    expect(first.nextCursor).toEqual(expect.any(String));
    for (const other of ['rule', '-cluster', undefined]) {
      const res = await get(t, `/api/findings?limit=3&cursor=${first.nextCursor}${other ? `&sort=${other}` : ''}`);
      expect(res.status, String(other)).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: 400, error: 'Bad Request', message: expect.stringContaining('sort=cluster'),
        details: { code: 'CURSOR_SORT_MISMATCH', cursorSort: 'cluster', sort: other ?? '-severity' },
      });
    }
    await get(t, `/api/findings?sort=cluster&limit=3&cursor=${first.nextCursor}`).expect(200);
    // Cursors of the former, sortless shape and keys of the wrong shape are invalid, not mismatched.
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    for (const cursor of [b64([0, 'aks-prod-weu', 'KORDON-001', 'a']), b64(['cluster', 'aks-prod-weu', 9, 'KORDON-001', 'a']), b64(['cluster', 'x', 0, 'y']), b64(['nope', 1])]) {
      const res = await get(t, `/api/findings?sort=cluster&cursor=${cursor}`).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/^cursor is not valid/) });
    }
  });

  it('documents sort in OpenAPI with its values and default', async () => {
    const doc = (await get(t, '/api/openapi.json').expect(200)).body;
    const param = doc.paths['/api/findings'].get.parameters.find((p: { name: string }) => p.name === 'sort');
    expect(param).toMatchObject({ in: 'query', required: false, schema: { enum: Object.keys(ORDERS), default: '-severity' } });
  });

  it('serves the rule catalog', async () => {
    const rules = (await get(t, '/api/findings/rules').expect(200)).body as FindingRuleView[];
    expect(rules.length).toBeGreaterThanOrEqual(22);
    rules.forEach((r, i) => expect(r.id).toBe(`KORDON-${String(i + 1).padStart(3, '0')}`));
    const baseline = rules.find((r) => r.id === 'KORDON-003')!;
    expect(baseline).toMatchObject({ category: 'baseline', skipsExcludedNamespaces: true });
    expect(baseline.remediationYaml).toMatch(/NetworkPolicy/);
  });

  it('answers 400 for bad filters and 404 for an unknown cluster', async () => {
    for (const q of ['severity=urgent', 'rule=KORDON-999', 'rule=nope', 'limit=0', 'limit=501', 'limit=1.5', 'cluster=abc', 'at=today',
      'namespace=Bad_Name', 'foo=bar', 'cursor=%%%', `cursor=${Buffer.from('[1,2,3,4]').toString('base64url')}`]) {
      const res = await get(t, `/api/findings?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    const res = await get(t, '/api/findings?cluster=6f1c2d3e-0000-4000-8000-000000000000').expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    await request(t.app.getHttpServer()).get('/api/findings').expect(401);
    await request(t.app.getHttpServer()).get('/api/findings/rules').set(AUTH).expect(200);
  });
});
