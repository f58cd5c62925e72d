// Time in state through HTTP on the real database: a daily-scheduled cluster whose `payments`
// namespace has a default-deny both ways through Q3 2025, with one failed snapshot in August.
// "Was payments protected for all of Q3?" answers no, naming the unknown day; July answers yes
// with its proving snapshots; the cluster-wide summary; ranges, roles and errors.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterTimeInState, NamespaceTimeInState } from '@kordon/contracts';
import { collectFromManifestText } from '@kordon/collectors';
import { startTestApp, type TestApp } from '../../test/test-app';
import { issueToken } from '../../test/tokens';
import { ClustersService } from '../clusters/clusters.service';
import { get } from '../posture/testing/read-api.fixture';
import { SnapshotsService } from '../snapshots/snapshots.service';

const DAY = 86_400_000;
/** SCHEDULE_SLACK_MINUTES of the time-in-state rules. */
const SLACK = 5 * 60_000;
const day = (s: string) => new Date(`${s}T00:00:00.000Z`);
const iso = (s: string) => day(s).toISOString();
const UNKNOWN = '6f1c2d3e-0000-4000-8000-000000000000';

const FILES = [
  {
    name: 'cluster.yaml',
    text: `
apiVersion: v1
kind: Namespace
metadata: { name: payments }
---
apiVersion: v1
kind: Namespace
metadata: { name: web }
---
apiVersion: v1
kind: Pod
metadata: { name: pay-1, namespace: payments, labels: { app: pay } }
spec: { containers: [{ name: pay, image: nginx }] }
status: { phase: Running, podIP: 10.0.0.1 }
---
apiVersion: v1
kind: Pod
metadata: { name: web-1, namespace: web, labels: { app: web } }
spec: { containers: [{ name: web, image: nginx }] }
status: { phase: Running, podIP: 10.0.0.2 }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: payments }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`,
  },
  { name: 'aks.json', text: JSON.stringify({ networkPlugin: 'azure', networkPolicy: 'cilium', networkDataplane: 'cilium' }) },
];

describe('time in state API', () => {
  let t: TestApp;
  let cluster: string;
  let failedId: string;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp();
    const c = await t.app.get(ClustersService).register({ name: 'pay-prod', source: 'manifests', paths: ['demo'], scheduleMinutes: 1440 });
    cluster = c.id;
    const snapshots = t.app.get(SnapshotsService);
    // Daily at midnight from 2025-06-28 to 2025-10-03; the one of 2025-08-15 fails.
    for (let at = day('2025-06-28').getTime(); at <= day('2025-10-03').getTime(); at += DAY) {
      const when = new Date(at);
      const failing = when.toISOString().startsWith('2025-08-15');
      const outcome = await snapshots.run(cluster, {
        trigger: 'seed',
        at: when,
        collect: async () =>
          failing ? { state: null, problems: [{ severity: 'error', code: 'unreachable', message: 'API server unreachable' }] } : collectFromManifestText(FILES),
      });
      expect(outcome.status).toBe(failing ? 'failed' : 'succeeded');
      ids.set(when.toISOString().slice(0, 10), outcome.snapshotId!);
      if (failing) failedId = outcome.snapshotId!;
    }
  }, 180_000);
  afterAll(async () => t?.close());

  const url = (ns: string, from: string, to: string) => `/api/clusters/${cluster}/namespaces/${ns}/time-in-state?from=${from}&to=${to}`;

  it('answers "was payments protected for all of Q3?" with no: the failed snapshot makes its day unknown', async () => {
    const q3 = (await get(t, url('payments', iso('2025-07-01'), iso('2025-10-01'))).expect(200)).body as NamespaceTimeInState;
    expect(q3).toMatchObject({ clusterId: cluster, namespace: 'payments', from: iso('2025-07-01'), to: iso('2025-10-01'), measuredTo: iso('2025-10-01'), scheduleMinutes: 1440 });
    for (const d of ['ingress', 'egress'] as const) {
      const r = q3[d];
      expect(r).toMatchObject({ heldThroughout: false, unknownMs: DAY, protectedMs: 91 * DAY, unprotectedMs: 0, absentMs: 0, protectedSince: iso('2025-08-16') });
      expect(r.share).toBeCloseTo(91 / 92);
      expect(r.intervals!.map((i) => [i.from, i.to, i.state])).toEqual([
        [iso('2025-07-01'), iso('2025-08-15'), 'protected'],
        [iso('2025-08-15'), iso('2025-08-16'), 'unknown'],
        [iso('2025-08-16'), iso('2025-10-01'), 'protected'],
      ]);
      expect(r.intervals![1]).toMatchObject({ snapshotId: failedId, snapshotIds: [failedId] });
      expect(r.intervals![0].snapshotIds).toHaveLength(45);
      expect(r.provingSnapshots).toHaveLength(91);
      expect(r.provingSnapshots!.map((p) => p.id)).not.toContain(failedId);
    }
  });

  it('answers yes for a clean range, with the snapshots that prove it and how long it has held', async () => {
    const july = (await get(t, url('payments', iso('2025-07-01'), iso('2025-08-01'))).expect(200)).body as NamespaceTimeInState;
    expect(july.ingress).toMatchObject({ heldThroughout: true, share: 1, protectedMs: 31 * DAY, unknownMs: 0 });
    // Held since the cluster's first snapshot: read back past the range.
    expect(july.ingress.protectedSince).toBe(iso('2025-06-28'));
    const proving = july.ingress.provingSnapshots!;
    expect(proving).toHaveLength(31);
    expect(proving[0]).toEqual({ id: ids.get('2025-07-01'), startedAt: iso('2025-07-01') });
    expect(proving[30]).toEqual({ id: ids.get('2025-07-31'), startedAt: iso('2025-07-31') });
    expect(july.ingress.intervals).toEqual([{ from: iso('2025-07-01'), to: iso('2025-08-01'), state: 'protected', snapshotId: ids.get('2025-07-01'), snapshotIds: proving.map((p) => p.id) }]);
    // A range starting mid-day carries the snapshot of that midnight in.
    const noon = (await get(t, url('payments', '2025-07-10T12:00:00Z', '2025-07-11T12:00:00Z')).expect(200)).body as NamespaceTimeInState;
    expect(noon.egress.provingSnapshots!.map((p) => p.id)).toEqual([ids.get('2025-07-10'), ids.get('2025-07-11')]);
    expect(noon.egress.heldThroughout).toBe(true);
    // After the last snapshot (2025-10-03) and its cap (a day and 5 minutes), the time is unknown.
    const october = (await get(t, url('payments', iso('2025-10-01'), iso('2025-10-10'))).expect(200)).body as NamespaceTimeInState;
    expect(october.ingress).toMatchObject({ heldThroughout: false, protectedSince: null, protectedMs: 3 * DAY + SLACK, unknownMs: 6 * DAY - SLACK });
  });

  it('gives every namespace of the cluster, without intervals unless asked', async () => {
    const all = (await get(t, `/api/clusters/${cluster}/time-in-state?from=${iso('2025-07-01')}&to=${iso('2025-10-01')}`).expect(200)).body as ClusterTimeInState;
    expect(all.namespaces.map((n) => n.namespace)).toEqual(['payments', 'web']);
    const [payments, web] = all.namespaces;
    const one = (await get(t, url('payments', iso('2025-07-01'), iso('2025-10-01'))).expect(200)).body as NamespaceTimeInState;
    const { intervals: _i, provingSnapshots: _p, ...summary } = one.ingress;
    expect(payments.ingress).toEqual(summary);
    expect(payments.ingress.intervals).toBeUndefined();
    expect(web.ingress).toMatchObject({ share: 0, heldThroughout: false, protectedSince: null, unprotectedMs: 91 * DAY, unknownMs: DAY });
    const withIntervals = (await get(t, `/api/clusters/${cluster}/time-in-state?from=${iso('2025-07-01')}&to=${iso('2025-10-01')}&intervals=true`).expect(200)).body as ClusterTimeInState;
    expect(withIntervals.namespaces[0].ingress).toEqual(one.ingress);
    expect(withIntervals.namespaces[1].egress.intervals!.map((i) => i.state)).toEqual(['unprotected', 'unknown', 'unprotected']);
  });

  it('defaults to the last 90 days, lets managers and auditors read it, and refuses bad ranges', async () => {
    const def = (await get(t, `/api/clusters/${cluster}/namespaces/payments/time-in-state`).expect(200)).body as NamespaceTimeInState;
    expect(new Date(def.to).getTime() - new Date(def.from).getTime()).toBe(90 * DAY);
    expect(def.ingress.share).toBe(0); // the history ended in 2025: nothing vouches for the last 90 days
    for (const role of ['manager', 'auditor'] as const) {
      const { token } = await issueToken(t.app, role, { name: `tis-${role}` });
      await request(t.app.getHttpServer()).get(url('payments', iso('2025-07-01'), iso('2025-08-01'))).set({ Authorization: `Bearer ${token}` }).expect(200);
    }
    const reversed = await get(t, url('payments', iso('2025-08-01'), iso('2025-07-01'))).expect(400);
    expect(reversed.body).toMatchObject({ statusCode: 400, details: { code: 'INVALID_RANGE' } });
    expect(reversed.body.message).toMatch(/after/);
    const long = await get(t, url('payments', iso('2023-01-01'), iso('2025-07-01'))).expect(400);
    expect(long.body.message).toMatch(/2 years/);
    for (const bad of [
      url('payments', 'yesterday', iso('2025-07-01')),
      `/api/clusters/${cluster}/time-in-state?intervals=maybe`,
      `/api/clusters/${cluster}/time-in-state?from=2025-08-01&to=2025-07-01`,
      `/api/clusters/${cluster}/namespaces/BAD/time-in-state`,
      '/api/clusters/nope/time-in-state',
    ]) {
      expect((await get(t, bad)).status, bad).toBe(400);
    }
    await get(t, `/api/clusters/${UNKNOWN}/time-in-state`).expect(404);
    const never = await get(t, `/api/clusters/${cluster}/namespaces/never-there/time-in-state`).expect(404);
    expect(never.body.details).toEqual({ code: 'NAMESPACE_NOT_FOUND' });
    await request(t.app.getHttpServer()).get(`/api/clusters/${cluster}/time-in-state`).expect(401);
  });

  it('makes a gap longer than the schedule unknown (snapshots missing for two days)', async () => {
    await t.sql(`DELETE FROM snapshot WHERE id = ANY($1::uuid[])`, [[ids.get('2025-09-10'), ids.get('2025-09-11')]]);
    const sept = (await get(t, url('payments', iso('2025-09-01'), iso('2025-10-01'))).expect(200)).body as NamespaceTimeInState;
    // 2025-09-09 vouches for a day and 5 minutes (daily schedule plus the slack), then nothing until 2025-09-12.
    expect(sept.ingress.intervals!.map((i) => [i.from, i.to, i.state])).toEqual([
      [iso('2025-09-01'), '2025-09-10T00:05:00.000Z', 'protected'],
      ['2025-09-10T00:05:00.000Z', iso('2025-09-12'), 'unknown'],
      [iso('2025-09-12'), iso('2025-10-01'), 'protected'],
    ]);
    expect(sept.ingress).toMatchObject({ unknownMs: 2 * DAY - SLACK, heldThroughout: false, protectedSince: iso('2025-09-12') });
  });
});
