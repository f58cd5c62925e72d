// History through HTTP: per cluster and per namespace (the last snapshot of each bucket), fleet
// roll-ups by environment, team and cluster, on the seeded demo fleet and on a small cluster
// snapshotted several times within an hour; ranges, limits and errors.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterHistory, ClusterSummary, FleetClustersAt, FleetHistory, FleetSummary, NamespaceHistory, Page } from '@kordon/contracts';
import { startTestApp, type TestApp } from '../../test/test-app';
import { DAY_MS, get, seedDemo, smallCluster } from '../posture/testing/read-api.fixture';

const NOW = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000);
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const iso = (d: Date) => d.toISOString();
const UNKNOWN = '6f1c2d3e-0000-4000-8000-000000000000';
// Namespaces with default-deny (ingress/egress), 56 days ago to today: demo/README.md's table,
// except aks-stg-calico, where the engine's figures differ from the README from 28 days ago on
// (the step applying the Calico GlobalNetworkPolicies gives every namespace an egress baseline).
const README: Record<string, [number, number][]> = {
  'aks-prod-weu': [[0, 0], [1, 0], [1, 1], [2, 2], [2, 2], [3, 2], [4, 2], [4, 2], [5, 3]],
  'aks-prod-neu': [[0, 0], [1, 1], [1, 1], [2, 2], [3, 2], [3, 2], [3, 2], [3, 2], [4, 2]],
  'aks-stg-calico': [[0, 0], [0, 0], [1, 0], [1, 1], [1, 1], [3, 1], [3, 1], [5, 9], [5, 9]],
  'aks-dev-sandbox': [[0, 0], [0, 0], [0, 0], [1, 1], [1, 1], [2, 1], [2, 1], [2, 1], [3, 1]],
};

describe('history API', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  let lab: string;
  // A UTC midnight well before the demo's history, so lab-1 is carried into every fleet bucket.
  const day = new Date(Math.floor((NOW.getTime() - 100 * DAY_MS) / DAY_MS) * DAY_MS);
  const at = (h: number, m: number) => new Date(day.getTime() + (h * 60 + m) * 60_000);
  beforeAll(async () => {
    t = await startTestApp();
    ids = await seedDemo(t, NOW);
    // Three snapshots on one day: two in the 10:00 hour (the later one adds a default-deny to
    // namespace a), one at 13:10 that removes it again.
    lab = await smallCluster(t, 'lab-1', [{ at: at(10, 5), denyA: false }, { at: at(10, 40), denyA: true }, { at: at(13, 10), denyA: false }]);
  });
  afterAll(async () => t?.close());

  it('gives one point per week over the seeded range, rising as demo/README.md says', async () => {
    for (const [name, expected] of Object.entries(README)) {
      const h = (await get(t, `/api/clusters/${ids[name]}/history?from=${iso(ago(60))}&to=${iso(NOW)}&bucket=week`).expect(200)).body as ClusterHistory;
      expect(h).toMatchObject({ clusterId: ids[name], bucket: 'week', from: iso(ago(60)), to: iso(NOW) });
      expect(h.points.map((p) => [p.ingress.namespacesWithDefaultDeny, p.egress.namespacesWithDefaultDeny]), name).toEqual(expected);
      expect(h.points.map((p) => p.takenAt)).toEqual([56, 49, 42, 35, 28, 21, 14, 7, 0].map((d) => iso(ago(d))));
      for (const p of h.points) {
        expect(new Date(p.bucket).getUTCDay()).toBe(1);
        expect(new Date(p.bucket).getTime()).toBeLessThanOrEqual(new Date(p.takenAt).getTime());
        expect(p.ingress.defaultDenyShare).toBeCloseTo(p.ingress.namespacesWithDefaultDeny / p.namespaces);
      }
      // Coverage never falls in the demo's rollout.
      const coverage = h.points.map((p) => p.ingress.podCoverage ?? 0);
      for (let i = 1; i < coverage.length; i++) expect(coverage[i], `${name} ${i}`).toBeGreaterThanOrEqual(coverage[i - 1]);
      expect(coverage[coverage.length - 1]).toBeGreaterThan(coverage[0]);
    }
  });

  it('honours ranges: the default is the last 30 days; day and hour buckets', async () => {
    const weu = ids['aks-prod-weu'];
    const def = (await get(t, `/api/clusters/${weu}/history`).expect(200)).body as ClusterHistory;
    expect(def.bucket).toBe('day');
    expect(def.points.map((p) => p.takenAt)).toEqual([28, 21, 14, 7, 0].map((d) => iso(ago(d))));
    const window = (await get(t, `/api/clusters/${weu}/history?from=${iso(ago(45))}&to=${iso(ago(20))}`).expect(200)).body as ClusterHistory;
    expect(window.points.map((p) => p.takenAt)).toEqual([42, 35, 28, 21].map((d) => iso(ago(d))));
    const hourly = (await get(t, `/api/clusters/${weu}/history?from=${iso(ago(60))}&bucket=hour`).expect(200)).body as ClusterHistory;
    expect(hourly.points).toHaveLength(9);
    expect(hourly.points.every((p) => p.bucket.endsWith(':00:00.000Z'))).toBe(true);
    const decade = (await get(t, `/api/clusters/${weu}/history?from=2020-01-01&bucket=week`).expect(200)).body as ClusterHistory;
    expect(decade.points).toHaveLength(9);
    expect((await get(t, `/api/clusters/${weu}/history?from=2020-01-01&to=2020-12-31`).expect(200)).body.points).toEqual([]);
  });

  it('keeps the last snapshot of each bucket', async () => {
    const range = `from=${iso(at(0, 0))}&to=${iso(at(23, 59))}`;
    const hourly = (await get(t, `/api/clusters/${lab}/history?${range}&bucket=hour`).expect(200)).body as ClusterHistory;
    expect(hourly.points.map((p) => [p.bucket, p.takenAt, p.ingress.namespacesWithDefaultDeny])).toEqual([
      [iso(at(10, 0)), iso(at(10, 40)), 1],
      [iso(at(13, 0)), iso(at(13, 10)), 0],
    ]);
    expect(hourly.points[0].ingress.podCoverage).toBe(0.5);
    const daily = (await get(t, `/api/clusters/${lab}/history?${range}&bucket=day`).expect(200)).body as ClusterHistory;
    expect(daily.points.map((p) => [p.bucket, p.takenAt])).toEqual([[iso(day), iso(at(13, 10))]]);

    const ns = (await get(t, `/api/clusters/${lab}/namespaces/a/history?${range}&bucket=hour`).expect(200)).body as NamespaceHistory;
    expect(ns.points.map((p) => [p.takenAt, p.ingress.defaultDeny, p.egress.defaultDeny, p.ingress.isolatedPods, p.ingress.podCoverage])).toEqual([
      [iso(at(10, 40)), true, true, 1, 1],
      [iso(at(13, 10)), false, false, 0, 0],
    ]);
    const b = (await get(t, `/api/clusters/${lab}/namespaces/b/history?${range}&bucket=day`).expect(200)).body as NamespaceHistory;
    expect(b.points).toHaveLength(1);
    expect(b.points[0]).toMatchObject({ pods: 1, workloads: 1, excluded: false, ingress: { defaultDeny: false, isolatedPods: 0 } });
  });

  it('gives a namespace history that turns default-deny on and keeps it', async () => {
    const weu = ids['aks-prod-weu'];
    const h = (await get(t, `/api/clusters/${weu}/namespaces/checkout/history?from=${iso(ago(60))}&bucket=week`).expect(200)).body as NamespaceHistory;
    expect(h).toMatchObject({ clusterId: weu, namespace: 'checkout', bucket: 'week' });
    expect(h.points).toHaveLength(9);
    const dd = h.points.map((p) => p.ingress.defaultDeny);
    expect(dd[0]).toBe(false);
    expect(dd[dd.length - 1]).toBe(true);
    expect(dd.indexOf(true)).toBeGreaterThan(0);
    expect(dd.slice(dd.indexOf(true)).every(Boolean)).toBe(true);
    const cov = h.points.map((p) => p.ingress.podCoverage!);
    for (let i = 1; i < cov.length; i++) expect(cov[i]).toBeGreaterThanOrEqual(cov[i - 1]);
    expect(h.points.every((p) => p.pods === 10)).toBe(true);
    // A namespace the cluster had, over a range without snapshots: no points, not a 404.
    expect((await get(t, `/api/clusters/${weu}/namespaces/checkout/history?from=2020-01-01&to=2020-02-01`).expect(200)).body.points).toEqual([]);
  });

  it('rolls the fleet up by environment, team and cluster, carrying snapshots forward', async () => {
    const range = `from=${iso(ago(60))}&to=${iso(NOW)}`;
    const env = (await get(t, `/api/fleet/history?${range}&bucket=week&groupBy=environment`).expect(200)).body as FleetHistory;
    expect(env.groupBy).toBe('environment');
    expect(env.series.map((s) => s.name)).toEqual(['dev', 'lab', 'prod', 'staging']);
    const prod = env.series.find((s) => s.key === 'prod')!;
    const last = prod.points[prod.points.length - 1];
    // prod = aks-prod-weu (5/3) + aks-prod-neu (4/2) today.
    expect(last).toMatchObject({ clusters: 2, defaultDenyIngress: 9, defaultDenyEgress: 5 });
    expect(last.defaultDenyIngressShare).toBeCloseTo(9 / last.namespaces);
    const withData = prod.points.filter((p) => p.clusters > 0);
    expect(withData[0]).toMatchObject({ defaultDenyIngress: 0, defaultDenyEgress: 0 });
    for (let i = 1; i < withData.length; i++) expect(withData[i].defaultDenyIngress).toBeGreaterThanOrEqual(withData[i - 1].defaultDenyIngress);
    // lab-1 was snapshotted long before the range: it is carried in, counted in every bucket.
    expect(env.series.find((s) => s.key === 'lab')!.points.every((p) => p.clusters === 1 && p.defaultDenyIngress === 0)).toBe(true);

    const team = (await get(t, `/api/fleet/history?${range}&bucket=week&groupBy=team`).expect(200)).body as FleetHistory;
    const platform = team.series.find((s) => s.key === 'platform')!;
    // platform = aks-prod-weu (5/3) + aks-stg-calico (5/9).
    expect(platform.points[platform.points.length - 1]).toMatchObject({ clusters: 2, defaultDenyIngress: 10, defaultDenyEgress: 12 });

    // Daily buckets: weekly snapshots carry forward, so every day after the first counts all clusters.
    const daily = (await get(t, `/api/fleet/history?from=${iso(ago(55))}&to=${iso(NOW)}&bucket=day&groupBy=cluster&environment=prod`).expect(200)).body as FleetHistory;
    expect(daily.series.map((s) => s.name)).toEqual(['aks-prod-neu', 'aks-prod-weu']);
    expect(daily.series.map((s) => s.key)).toEqual([ids['aks-prod-neu'], ids['aks-prod-weu']]);
    for (const s of daily.series) {
      expect(s.points).toHaveLength(56);
      expect(s.points.every((p) => p.clusters === 1)).toBe(true);
      expect(s.points[s.points.length - 1].defaultDenyIngress).toBe(README[s.name][8][0]);
      expect(s.points[0].defaultDenyIngress).toBe(0);
      expect(s.points[8].defaultDenyIngress).toBe(README[s.name][1][0]);
    }
  });

  it('gives pod coverage per bucket: each cluster equals its own posture, groups sum their clusters', async () => {
    const range = `from=${iso(ago(55))}&to=${iso(NOW)}&bucket=day`;
    const byCluster = (await get(t, `/api/fleet/history?${range}&groupBy=cluster`).expect(200)).body as FleetHistory;
    const list = (await get(t, '/api/clusters?limit=100').expect(200)).body as Page<ClusterSummary>;
    for (const c of list.items) {
      const s = byCluster.series.find((x) => x.key === c.id)!;
      const last = s.points[s.points.length - 1];
      expect(last.pods, c.name).toBeGreaterThan(0);
      expect(last.ingressPodCoverage, c.name).toBeCloseTo(c.posture!.ingress.pods, 6);
      expect(last.egressPodCoverage, c.name).toBeCloseTo(c.posture!.egress.pods, 6);
      expect(last.ingressPodCoverage).toBeCloseTo(last.ingressIsolatedPods / last.pods);
    }
    // The demo's first week: nothing isolated yet in aks-prod-weu; coverage rises after.
    const weu = byCluster.series.find((x) => x.name === 'aks-prod-weu')!;
    expect(weu.points[0].ingressIsolatedPods).toBe(0);
    expect(weu.points[weu.points.length - 1].ingressIsolatedPods).toBeGreaterThan(0);
    const env = (await get(t, `/api/fleet/history?${range}&groupBy=environment`).expect(200)).body as FleetHistory;
    const prod = env.series.find((x) => x.key === 'prod')!;
    const members = byCluster.series.filter((x) => x.name.startsWith('aks-prod-'));
    prod.points.forEach((p, i) => {
      expect(p.pods).toBe(members[0].points[i].pods + members[1].points[i].pods);
      expect(p.ingressIsolatedPods).toBe(members[0].points[i].ingressIsolatedPods + members[1].points[i].ingressIsolatedPods);
      expect(p.egressIsolatedPods).toBe(members[0].points[i].egressIsolatedPods + members[1].points[i].egressIsolatedPods);
    });
  });

  it('lists every cluster as it stood at a past time, and as the cluster list does now', async () => {
    const now = (await get(t, '/api/fleet/clusters').expect(200)).body as FleetClustersAt;
    const list = (await get(t, '/api/clusters?limit=100').expect(200)).body as Page<ClusterSummary>;
    expect(now.at).toBeNull();
    expect(now.items).toEqual(list.items);

    // 35 days ago: the snapshots of the demo's fourth week (README row 3) are in force.
    const when = ago(35);
    const past = (await get(t, `/api/fleet/clusters?at=${iso(when)}`).expect(200)).body as FleetClustersAt;
    expect(past.at).toBe(iso(when));
    expect(past.items.map((c) => c.name)).toEqual(['aks-dev-sandbox', 'aks-prod-neu', 'aks-prod-weu', 'aks-stg-calico', 'lab-1']);
    for (const [name, rows] of Object.entries(README)) {
      const c = past.items.find((x) => x.name === name)!;
      expect(c.posture!.takenAt, name).toBe(iso(ago(35)));
      expect(c.lastSnapshot!.startedAt, name).toBe(iso(ago(35)));
      expect([c.posture!.ingress.namespacesWithDefaultDeny, c.posture!.egress.namespacesWithDefaultDeny], name).toEqual(rows[3]);
      const h = (await get(t, `/api/clusters/${c.id}/history?from=${iso(ago(36))}&to=${iso(when)}`).expect(200)).body as ClusterHistory;
      expect(c.posture!.snapshotId).toBe(h.points[h.points.length - 1].snapshotId);
      expect(c.posture!.ingress.pods).toBeCloseTo(h.points[h.points.length - 1].ingress.podCoverage!);
    }
    // Staleness is judged at `at`: fresh at the snapshot, stale three hours later on an hourly
    // schedule. The totals match the summary's at the same time.
    expect(past.items.find((c) => c.name === 'aks-prod-weu')!.stale).toBe(false);
    const summary = (await get(t, `/api/fleet/summary?at=${iso(when)}`).expect(200)).body as FleetSummary;
    expect(past.items.reduce((n, c) => n + (c.posture?.ingress.namespacesWithDefaultDeny ?? 0), 0)).toBe(summary.totals.defaultDenyIngress);
    expect(past.items.reduce((n, c) => n + (c.posture?.egress.namespacesWithDefaultDeny ?? 0), 0)).toBe(summary.totals.defaultDenyEgress);

    const later = (await get(t, `/api/fleet/clusters?at=${iso(new Date(when.getTime() + 3 * 3_600_000))}`).expect(200)).body as FleetClustersAt;
    expect(later.items.find((c) => c.name === 'aks-prod-weu')!.stale).toBe(true);

    const prod = (await get(t, `/api/fleet/clusters?at=${iso(when)}&environment=prod`).expect(200)).body as FleetClustersAt;
    expect(prod.items.map((c) => c.name)).toEqual(['aks-prod-neu', 'aks-prod-weu']);
    // Before any snapshot, clusters registered later did not exist yet.
    expect(((await get(t, '/api/fleet/clusters?at=2020-01-01T00:00:00Z').expect(200)).body as FleetClustersAt).items).toEqual([]);
    // lab-1 was registered today but has snapshots 100 days back: it is listed 99 days ago.
    const lab1 = ((await get(t, `/api/fleet/clusters?at=${iso(ago(99))}`).expect(200)).body as FleetClustersAt).items;
    expect(lab1.map((c) => c.name)).toEqual(['lab-1']);
    expect(lab1[0].posture!.ingress.namespacesWithDefaultDeny).toBe(0);
    await get(t, '/api/fleet/clusters?at=soon').expect(400);
    await get(t, '/api/fleet/clusters?groupBy=team').expect(400);
  });

  it('summarises the fleet now and at a past time, per environment and team', async () => {
    const now = (await get(t, '/api/fleet/summary').expect(200)).body as FleetSummary;
    expect(now.at).toBeNull();
    expect(now.totals.clusters).toBe(5);
    expect(now.totals.enforcedClusters).toBe(4);
    const prod = now.byEnvironment.find((g) => g.key === 'prod')!;
    expect(prod).toMatchObject({ clusters: 2, defaultDenyIngress: 9, defaultDenyEgress: 5 });
    expect(prod.defaultDenyIngressShare).toBeCloseTo(9 / prod.namespaces);
    expect(prod.ingressPodCoverage).toBeCloseTo(prod.ingressIsolatedPods / prod.pods);
    expect(now.byTeam.find((g) => g.key === 'platform')).toMatchObject({ clusters: 2, defaultDenyIngress: 10, defaultDenyEgress: 12 });
    expect(now.totals.defaultDenyIngress).toBe(5 + 4 + 5 + 3);
    expect(now.totals.findings.critical).toBeGreaterThan(0);
    expect(now.byEnvironment.reduce((n, g) => n + g.namespaces, 0)).toBe(now.totals.namespaces);

    const past = (await get(t, `/api/fleet/summary?at=${iso(ago(50))}`).expect(200)).body as FleetSummary;
    expect(past.at).toBe(iso(ago(50)));
    expect(past.totals).toMatchObject({ clusters: 5, defaultDenyIngress: 0, defaultDenyEgress: 0 });
    const prodOnly = (await get(t, '/api/fleet/summary?environment=prod').expect(200)).body as FleetSummary;
    expect(prodOnly.totals.clusters).toBe(2);
    expect(prodOnly.byEnvironment.map((g) => g.key)).toEqual(['prod']);
  });

  it('answers 400 for bad ranges and parameters, 404 for unknown clusters and namespaces', async () => {
    const weu = ids['aks-prod-weu'];
    const reversed = await get(t, `/api/clusters/${weu}/history?from=2026-02-01&to=2026-01-01`).expect(400);
    expect(reversed.body).toMatchObject({ statusCode: 400, error: 'Bad Request', details: { code: 'INVALID_RANGE' } });
    const tooMany = await get(t, `/api/clusters/${weu}/history?from=2025-01-01&to=2026-01-01&bucket=hour`).expect(400);
    expect(tooMany.body.details).toEqual({ code: 'TOO_MANY_POINTS' });
    expect(tooMany.body.message).toMatch(/at most 2000/);
    for (const url of [
      `/api/clusters/${weu}/history?from=yesterday`, `/api/clusters/${weu}/history?to=2026-13-01`, `/api/clusters/${weu}/history?bucket=month`,
      `/api/clusters/${weu}/history?bogus=1`, `/api/clusters/${weu}/history?at=2026-01-01`, '/api/clusters/nope/history',
      `/api/clusters/${weu}/namespaces/checkout/history?bucket=minute`, `/api/clusters/${weu}/namespaces/BAD/history`,
      `/api/clusters/${weu}/namespaces/checkout/history?from=2026-03-01&to=2026-02-01`,
      '/api/fleet/history?groupBy=region', '/api/fleet/history?bucket=year', '/api/fleet/history?from=2026-02-01&to=2026-01-01',
      '/api/fleet/history?from=2020-01-01&bucket=hour', '/api/fleet/summary?at=later', '/api/fleet/summary?groupBy=team',
    ]) {
      const res = await get(t, url);
      expect(res.status, url).toBe(400);
      expect(res.body.statusCode, url).toBe(400);
    }
    await get(t, `/api/clusters/${UNKNOWN}/history`).expect(404);
    await get(t, `/api/clusters/${UNKNOWN}/namespaces/checkout/history`).expect(404);
    const ns = await get(t, `/api/clusters/${weu}/namespaces/never-there/history`).expect(404);
    expect(ns.body).toMatchObject({ statusCode: 404, details: { code: 'NAMESPACE_NOT_FOUND' } });
    await request(t.app.getHttpServer()).get('/api/fleet/summary').expect(401);
    await request(t.app.getHttpServer()).get(`/api/clusters/${weu}/history`).expect(401);
  });

  it('documents its routes in OpenAPI', async () => {
    const doc = (await request(t.app.getHttpServer()).get('/api/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/api/clusters/{id}/history', '/api/clusters/{id}/namespaces/{namespace}/history', '/api/fleet/history', '/api/fleet/summary', '/api/fleet/clusters', '/api/findings', '/api/findings/rules',
    ]));
    expect(doc.paths['/api/fleet/history'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'bucket', 'groupBy']));
  });
});
