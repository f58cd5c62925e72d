// The cluster page's reads through HTTP on the seeded demo fleet: the posture list searched and
// paged by offset (with its total and why rows are excluded), the network profile with the
// engine's caveats, and the compact heatmap of every namespace; now and at a past time.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPosturePage, ClusterProfile, PostureHeatmap } from '@kordon/contracts';
import { FINDING_RULES } from '@kordon/policy-engine';
import { startTestApp, type TestApp } from '../../test/test-app';
import { issueToken } from '../../test/tokens';
import { DAY_MS, get, seedDemo } from './testing/read-api.fixture';

const NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

describe('cluster page reads', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp();
    ids = await seedDemo(t, NOW);
  });
  afterAll(async () => t?.close());

  it('searches namespaces by name, counts the matches and pages by offset', async () => {
    const weu = ids['aks-prod-weu'];
    const all = (await get(t, `/api/clusters/${weu}/posture`).expect(200)).body as ClusterPosturePage;
    expect(all.total).toBe(all.items.length);
    expect(all.offset).toBe(0);
    const kube = (await get(t, `/api/clusters/${weu}/posture?q=KUBE`).expect(200)).body as ClusterPosturePage;
    expect(kube.items.map((i) => i.name)).toEqual(all.items.filter((i) => i.name.includes('kube')).map((i) => i.name));
    expect(kube.total).toBe(kube.items.length);
    for (const i of all.items) expect(i.excludedReason === null).toBe(!i.excluded);
    expect(all.items.find((i) => i.name === 'kube-system')!.excludedReason).toMatch(/system namespace/);

    const page2 = (await get(t, `/api/clusters/${weu}/posture?sort=-pods&limit=5&offset=5`).expect(200)).body as ClusterPosturePage;
    const sorted = (await get(t, `/api/clusters/${weu}/posture?sort=-pods`).expect(200)).body as ClusterPosturePage;
    expect(page2.items.map((i) => i.name)).toEqual(sorted.items.slice(5, 10).map((i) => i.name));
    expect(page2).toMatchObject({ total: all.total, offset: 5 });
    const filtered = (await get(t, `/api/clusters/${weu}/posture?defaultDeny=incomplete&excluded=false&limit=2`).expect(200)).body as ClusterPosturePage;
    expect(filtered.total).toBe(all.items.filter((i) => !i.excluded && !(i.ingress.defaultDeny && i.egress.defaultDeny)).length);
    expect(filtered.items).toHaveLength(2);
    // A cursor page says where it starts too.
    const next = (await get(t, `/api/clusters/${weu}/posture?defaultDeny=incomplete&excluded=false&limit=2&cursor=${encodeURIComponent(filtered.nextCursor!)}`).expect(200)).body as ClusterPosturePage;
    expect(next.offset).toBe(2);
    await get(t, `/api/clusters/${weu}/posture?offset=2&cursor=${encodeURIComponent(filtered.nextCursor!)}`).expect(400);
    await get(t, `/api/clusters/${weu}/posture?offset=-1`).expect(400);
    await get(t, `/api/clusters/${weu}/posture?q=${'x'.repeat(64)}`).expect(400);
  });

  it('gives the profile card: engine none says nothing is enforced', async () => {
    const body = (await get(t, `/api/clusters/${ids['aks-dev-sandbox']}/posture/profile`).expect(200)).body as ClusterProfile;
    expect(body.snapshot).toMatchObject({ engine: 'none', enforced: false });
    expect(body.networkProfile).toMatchObject({ networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'none', podCidrs: ['10.244.0.0/16'], serviceCidrs: ['10.0.0.0/16'] });
    expect(body.caveats.some((c) => c.category === 'enforcement' && c.ruleId === 'KORDON-001')).toBe(true);
    expect(body.nodePools.map((p) => p.name)).toEqual(expect.arrayContaining(['system']));
    expect(body.counts?.pods).toBeGreaterThan(0);
  });

  it('gives the profile card: Azure NPM carries its retirement caveat', async () => {
    const body = (await get(t, `/api/clusters/${ids['aks-prod-weu']}/posture/profile`).expect(200)).body as ClusterProfile;
    expect(body.snapshot.engine).toBe('azure');
    expect(body.caveats.map((c) => c.title).join('\n')).toMatch(/NPM/);
    for (const c of body.caveats) expect(['platform', 'enforcement']).toContain(c.category);
    // One per rule; `more` counts the rest, so the sum is every such finding of the snapshot.
    expect(new Set(body.caveats.map((c) => c.ruleId)).size).toBe(body.caveats.length);
    const stored = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM snapshot s JOIN finding_set_member m ON m.set_hash = s.finding_set_hash
       JOIN finding_object f ON f.hash = m.finding_hash WHERE s.id = $1 AND f.rule_id = ANY($2)`,
      [body.snapshot.id, FINDING_RULES.filter((r) => r.category === 'platform' || r.category === 'enforcement').map((r) => r.id)],
    );
    expect(body.caveats.reduce((s, c) => s + 1 + c.more, 0)).toBe(stored[0].n);
    const old = (await get(t, `/api/clusters/${ids['aks-prod-weu']}/posture/profile?at=${ago(50).toISOString()}`).expect(200)).body as ClusterProfile;
    expect(old.snapshot.takenAt).toBe(ago(56).toISOString());
  });

  it('serves every namespace as one compact heatmap row, equal to the posture rows', async () => {
    const weu = ids['aks-prod-weu'];
    const heat = (await get(t, `/api/clusters/${weu}/posture/heatmap`).expect(200)).body as PostureHeatmap;
    const posture = (await get(t, `/api/clusters/${weu}/posture`).expect(200)).body as ClusterPosturePage;
    expect(heat.snapshot.id).toBe(posture.snapshot.id);
    expect(heat.rows).toEqual(
      posture.items.map((i) => [i.name, i.excluded ? 1 : 0, i.pods, i.workloads, i.ingress.isolatedWorkloads, i.egress.isolatedWorkloads, i.ingress.defaultDeny ? 1 : 0, i.egress.defaultDeny ? 1 : 0]),
    );
    const old = (await get(t, `/api/clusters/${weu}/posture/heatmap?at=${ago(50).toISOString()}`).expect(200)).body as PostureHeatmap;
    expect(old.rows.every((r) => r[6] === 0)).toBe(true);
    await get(t, `/api/clusters/${weu}/posture/heatmap?at=nope`).expect(400);
    await get(t, `/api/clusters/00000000-0000-4000-8000-000000000000/posture/heatmap`).expect(404);
  });

  it('managers read the profile and heatmap (aggregates); a token is needed', async () => {
    const manager = await issueToken(t.app, 'manager');
    const http = t.app.getHttpServer();
    for (const path of ['posture/profile', 'posture/heatmap', 'posture?q=a&offset=1']) {
      expect((await request(http).get(`/api/clusters/${ids['aks-prod-weu']}/${path}`).set(manager.auth)).status, path).toBe(200);
      expect((await request(http).get(`/api/clusters/${ids['aks-prod-weu']}/${path}`)).status, path).toBe(401);
    }
  });

  it('documents the new routes in OpenAPI', async () => {
    const doc = (await get(t, '/api/openapi.json').expect(200)).body;
    expect(doc.paths['/api/clusters/{id}/posture/profile'].get.responses['200'].content['application/json'].schema.$ref).toMatch(/ClusterProfileDto/);
    expect(doc.paths['/api/clusters/{id}/posture/heatmap'].get.responses['200'].content['application/json'].schema.$ref).toMatch(/PostureHeatmapDto/);
    expect(doc.paths['/api/clusters/{id}/posture'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['q', 'offset']));
  });
});
