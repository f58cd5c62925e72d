// The demo fleet through the real snapshot pipeline: four clusters, one per engine, marked demo,
// with a seeded history whose default-deny coverage rises to today's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/test-app';
import { DemoService } from './demo.service';

describe('demo fleet seeding', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ KORDON_DEMO: 'auto' });
  });
  afterAll(async () => t?.close());

  it('registers four demo clusters, one per engine, with rising default-deny history', async () => {
    const added = await t.app.get(DemoService).seedIfWanted(new Date('2026-11-21T12:00:00Z'));
    expect(added).toBe(4);
    const clusters = await t.sql<{ name: string; demo: boolean; engine: string; snapshots: string }>(`
      SELECT c.name, c.demo, (SELECT policy_engine FROM snapshot s WHERE s.cluster_id = c.id ORDER BY started_at DESC LIMIT 1) AS engine,
             (SELECT count(*) FROM snapshot s WHERE s.cluster_id = c.id AND s.status = 'succeeded') AS snapshots
      FROM cluster c ORDER BY c.name`);
    expect(clusters.every((c) => c.demo)).toBe(true);
    expect(clusters.map((c) => c.engine).sort()).toEqual(['azure', 'calico', 'cilium', 'none']);
    for (const c of clusters) expect(Number(c.snapshots)).toBeGreaterThanOrEqual(5);

    const series = await t.sql<{ name: string; taken_at: Date; dd: string }>(`
      SELECT c.name, p.taken_at, sum(CASE WHEN p.default_deny_ingress AND NOT p.excluded THEN 1 ELSE 0 END) AS dd
      FROM namespace_posture p JOIN cluster c ON c.id = p.cluster_id
      GROUP BY c.name, p.taken_at ORDER BY c.name, p.taken_at`);
    const byCluster = new Map<string, number[]>();
    for (const r of series) byCluster.set(r.name, [...(byCluster.get(r.name) ?? []), Number(r.dd)]);
    for (const [name, values] of byCluster) {
      for (let i = 1; i < values.length; i++) expect(values[i], `${name} step ${i}`).toBeGreaterThanOrEqual(values[i - 1]);
      expect(values[values.length - 1], name).toBeGreaterThan(values[0]);
    }
    const oldest = await t.sql<{ started_at: Date }>(`SELECT min(started_at) AS started_at FROM snapshot`);
    expect(new Date(oldest[0].started_at).getTime()).toBeLessThan(new Date('2026-10-01T00:00:00Z').getTime());
  });

  it('does not seed again once the database has clusters (KORDON_DEMO=auto)', async () => {
    expect(await t.app.get(DemoService).seedIfWanted()).toBe(0);
  });
});
