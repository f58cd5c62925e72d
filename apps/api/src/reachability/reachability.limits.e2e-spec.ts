// The cap on cold reachability work, through HTTP against the real database: a burst of distinct
// snapshots beyond the queue is answered 503 with Retry-After, identical requests compute once,
// and answers from a cached report are never refused. State loads are held at a gate (then read
// from the database as usual) so the burst really is concurrent.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { until } from '../../test/until';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotStateLoader } from '../snapshots/snapshot-state';
import { SnapshotsService } from '../snapshots/snapshots.service';
import { ReachabilityModule } from './reachability.module';
import { ReachabilityService } from './reachability.service';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const CONCURRENCY = 1;
const QUEUE = 2;
const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec: { template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: c, ports: [{ containerPort: 8080 }] }] } } }
`;
const DAY = 86_400_000;

describe('reachability under load', () => {
  let t: TestApp;
  let clusterId: string;
  let svc: ReachabilityService;
  /** Snapshot times and ids, oldest first; `?at=` one second after a time picks that snapshot. */
  const taken: Date[] = [];
  const ids: string[] = [];
  const now = Date.now();
  let gate: Promise<void> = Promise.resolve();
  let load: MockInstance<SnapshotStateLoader['loadSnapshotState']>;

  beforeAll(async () => {
    t = await startTestApp({ KORDON_REACHABILITY_CONCURRENCY: String(CONCURRENCY), KORDON_REACHABILITY_QUEUE: String(QUEUE) });
    clusterId = (await t.app.get(ClustersService).register({ name: 'busy', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] })).id;
    for (let i = 0; i < 8; i++) {
      const at = new Date(now - (10 - i) * DAY);
      const outcome = await t.app.get(SnapshotsService).run(clusterId, { trigger: 'seed', at, collect: async () => collectFromManifestText([{ name: 'm.yaml', text: MANIFESTS }]) });
      expect(outcome.status).toBe('succeeded');
      taken.push(at);
      ids.push(outcome.snapshotId!);
    }
    svc = t.app.get(ReachabilityService);
    // The loader the service uses (its module's own); it still reads the database.
    const loader = t.app.select(ReachabilityModule).get(SnapshotStateLoader, { strict: true });
    const real = loader.loadSnapshotState.bind(loader);
    load = vi.spyOn(loader, 'loadSnapshotState').mockImplementation(async (id: string) => {
      await gate;
      return real(id);
    });
  });
  afterAll(async () => t?.close());

  const atOf = (i: number) => new Date(taken[i].getTime() + 1000).toISOString();
  /** Starts the request now (supertest only sends on then()). */
  const matrix = (i: number) => request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}/reachability/matrix`).query({ at: atOf(i) }).set(auth).then((r) => r);
  const ingress = (i: number) =>
    request(t.app.getHttpServer()).get(`/api/clusters/${clusterId}/reachability/workloads/shop/api/ingress`).query({ at: atOf(i) }).set(auth).then((r) => r);
  const closeGate = () => {
    let open!: () => void;
    gate = new Promise<void>((r) => (open = r));
    return open;
  };

  it('answers 503 with Retry-After to a burst beyond the queue; cached and joining requests still get through', async () => {
    await matrix(7).then((r) => expect(r.status).toBe(200)); // warm: snapshot 7's report is cached
    const before = svc.limiter.stats();
    const open = closeGate();
    // Five cold snapshots at once: one computes, QUEUE wait, the rest are refused at once.
    const burst = [0, 1, 2, 3, 4].map((i) => matrix(i));
    const stats = await until(async () => svc.limiter.stats(), (s) => s.rejected - before.rejected === 5 - CONCURRENCY - QUEUE);
    expect(stats).toMatchObject({ running: CONCURRENCY, queued: QUEUE });

    // While full: a cached report answers, and a question about a snapshot already waiting joins
    // its work instead of being refused.
    await ingress(7).then((r) => expect(r.status).toBe(200));
    const loaded = new Set(load.mock.calls.map(([id]) => id));
    const waiting = [0, 1, 2, 3, 4].filter((i) => svc.limiter.has(`report:${ids[i]}`) && !loaded.has(ids[i]));
    expect(waiting).toHaveLength(QUEUE);
    const joining = ingress(waiting[0]);
    await until(async () => svc.limiter.stats(), (s) => s.joined === before.joined + 1);
    expect(svc.limiter.stats()).toMatchObject({ running: CONCURRENCY, queued: QUEUE, rejected: before.rejected + 5 - CONCURRENCY - QUEUE });

    open();
    const results = await Promise.all(burst);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 503, 503]);
    for (const busy of results.filter((r) => r.status === 503)) {
      expect(busy.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringMatching(/retry in \d+ s/),
        details: { code: 'REACHABILITY_BUSY' },
      });
      const retryAfter = Number(busy.headers['retry-after']);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    }
    for (const ok of results.filter((r) => r.status === 200)) expect(ok.headers['retry-after']).toBeUndefined();
    expect((await joining).status).toBe(200);
    expect(svc.limiter.stats()).toMatchObject({ running: 0, queued: 0 });
    // Refused requests were refused cheaply: no state was loaded for them.
    expect(load.mock.calls.length).toBe(CONCURRENCY + QUEUE + 1 /* the warm-up */);
    // And they succeed once retried.
    for (const r of results.map((res, i) => ({ res, i })).filter(({ res }) => res.status === 503)) expect((await matrix(r.i)).status).toBe(200);
  });

  it('computes once for identical concurrent requests (matrix and workload questions alike)', async () => {
    const i = 5; // never asked before
    const analyses = svc.analyses;
    const matrices = svc.matrices;
    const loads = load.mock.calls.length;
    const before = svc.limiter.stats();
    const open = closeGate();
    const first = matrix(i);
    await until(async () => svc.limiter.stats(), (s) => s.running === 1);
    const same = [matrix(i), matrix(i), matrix(i), ingress(i), ingress(i)];
    await until(async () => svc.limiter.stats(), (s) => s.joined === before.joined + same.length);
    expect(load.mock.calls.length - loads).toBe(1);
    expect(svc.limiter.stats()).toMatchObject({ running: 1, queued: 0, started: before.started + 1 });
    open();
    const results = await Promise.all([first, ...same]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(results.slice(0, 4).map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(results[0].body.snapshot.takenAt).toBe(taken[i].toISOString());
    expect(svc.analyses - analyses).toBe(1);
    expect(svc.matrices - matrices).toBe(1);
    expect(load.mock.calls.length - loads).toBe(1);
  });

  it('a matrix question joining a report started for a workload computes the matrix once, as a second step', async () => {
    const i = 6; // never asked before
    const analyses = svc.analyses;
    const matrices = svc.matrices;
    const before = svc.limiter.stats();
    const open = closeGate();
    const first = ingress(i);
    await until(async () => svc.limiter.stats(), (s) => s.running === 1);
    const joining = [matrix(i), matrix(i)];
    await until(async () => svc.limiter.stats(), (s) => s.joined >= before.joined + joining.length);
    open();
    const results = await Promise.all([first, ...joining]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results[1].body).toEqual(results[2].body);
    expect(svc.analyses - analyses).toBe(1);
    expect(svc.matrices - matrices).toBe(1);
    // The report, then the matrix (one work shared by both matrix questions).
    expect(svc.limiter.stats().started - before.started).toBe(2);
  });
});
