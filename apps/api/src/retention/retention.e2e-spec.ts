// Retention against the real database: a cluster snapshotted every 12 hours for 40 days under
// `all:10d,daily:20d,weekly:forever` keeps what the policy says (and the day its default-deny
// changed), records every pruned snapshot in pruned_snapshot, collects content nothing points at,
// keeps the digest chain verifiable and time in state unchanged.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { RetentionService } from './retention.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const H = 3_600_000;
const D = 24 * H;

const manifests = (replicas: number, denied: boolean) => `
apiVersion: v1
kind: Namespace
metadata: { name: keep }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: keep }
spec: { replicas: ${replicas}, template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: c }] } } }
${denied ? `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: keep }
spec: { podSelector: {}, policyTypes: [Ingress] }` : ''}
`;

describe('retention', () => {
  let t: TestApp;
  let clusterId: string;
  const now = new Date();
  now.setUTCHours(12, 0, 0, 0);
  // Always in the past: a noon later than the wall clock made ranges end in the future (flaky before 12:00 UTC).
  if (now.getTime() > Date.now()) now.setUTCDate(now.getUTCDate() - 1);
  const http = () => request(t.app.getHttpServer());
  const transitionAge = 25 * D;
  let transitionId = '';

  beforeAll(async () => {
    t = await startTestApp({ KORDON_RETENTION: 'all:10d,daily:20d,weekly:forever' });
    const c = await t.app.get(ClustersService).register({ name: 'retained', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'], scheduleMinutes: 720 });
    clusterId = c.id;
    let i = 0;
    for (let age = 40 * D; age >= 0; age -= 12 * H) {
      // The replicas change every snapshot (new content each time, unreferenced once pruned);
      // default-deny arrives 25 days ago.
      const replicas = 1 + i++;
      const o = await t.app.get(SnapshotsService).run(clusterId, {
        trigger: 'seed', at: new Date(now.getTime() - age), collect: async () => collectFromManifestText([{ name: 'm.yaml', text: manifests(replicas, age <= transitionAge) }]),
      });
      expect(o.status).toBe('succeeded');
      if (age === transitionAge) transitionId = o.snapshotId!;
    }
  }, 120_000);
  afterAll(async () => t?.close());

  it('prunes by the policy, keeps the transition, records the chain, collects content, and time in state does not move', async () => {
    const range = { from: new Date(now.getTime() - 39 * D).toISOString(), to: now.toISOString() };
    const tisBefore = (await http().get(`/api/clusters/${clusterId}/namespaces/keep/time-in-state`).query(range).set(auth).expect(200)).body;
    const total = 81;
    const run = await t.app.get(RetentionService).run(now);
    const kept = await t.sql<{ id: string; started_at: Date }>(`SELECT id, started_at FROM snapshot WHERE cluster_id = $1 AND status = 'succeeded' ORDER BY started_at`, [clusterId]);
    const pruned = await t.sql<{ id: string }>('SELECT id FROM pruned_snapshot WHERE cluster_id = $1', [clusterId]);
    expect(run.pruned[clusterId]).toBe(pruned.length);
    expect(kept.length + pruned.length).toBe(total);
    const age = (d: Date) => now.getTime() - d.getTime();
    // < 10 days: all 20 (10 days × 2) + the one at exactly 10 days falls in the daily tier.
    expect(kept.filter((s) => age(s.started_at) < 10 * D)).toHaveLength(20);
    const daily = kept.filter((s) => age(s.started_at) >= 10 * D && age(s.started_at) < 20 * D);
    expect(daily).toHaveLength(10);
    expect(new Set(daily.map((s) => s.started_at.toISOString().slice(0, 10))).size).toBe(10);
    const weekly = kept.filter((s) => age(s.started_at) >= 20 * D);
    expect(weekly.map((s) => s.id)).toContain(transitionId);
    expect(weekly.length).toBeLessThanOrEqual(5);
    expect(run.content.workloadObjects).toBeGreaterThan(0);
    // Content of kept snapshots is intact, the chain verifies across the pruned ones.
    // `to`: the test's noon may be later than the wall clock (verify defaults to now).
    const v = (await http().get('/api/evidence/verify').query({ clusterId, to: now.toISOString() }).set(auth).expect(200)).body;
    expect(v.clusters[0]).toMatchObject({ ok: true, pruned: pruned.length, checked: total });
    // Interval semantics are unchanged by pruning: pruned snapshots vouch with the state of the kept one before.
    const tisAfter = (await http().get(`/api/clusters/${clusterId}/namespaces/keep/time-in-state`).query(range).set(auth).expect(200)).body;
    for (const d of ['ingress', 'egress'] as const) {
      expect([d, tisAfter[d].protectedMs, tisAfter[d].unknownMs, tisAfter[d].protectedSince]).toEqual([d, tisBefore[d].protectedMs, tisBefore[d].unknownMs, tisBefore[d].protectedSince]);
    }
    expect(tisAfter.ingress.unknownMs).toBe(0);
    // A second run prunes nothing more.
    expect((await t.app.get(RetentionService).run(now)).pruned).toEqual({});
  });
});
