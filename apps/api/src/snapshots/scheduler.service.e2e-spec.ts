// The scheduler against the real database and the real pg-boss queue: due clusters are queued
// once, run by the worker, and not queued again until their interval has passed.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeServer } from '@kordon/collectors/testing';
import { generateSyntheticCluster } from '@kordon/collectors/testing';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { until } from '../../test/until';
import { SchedulerService } from './scheduler.service';
import { SnapshotQueue } from './snapshot.queue';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

async function snapshotsOf(t: TestApp, clusterId: string) {
  return t.sql<{ status: string; trigger: string; started_at: Date }>(
    `SELECT status::text, trigger::text, started_at FROM snapshot WHERE cluster_id = $1 ORDER BY started_at`, [clusterId]);
}

describe('scheduler', () => {
  let t: TestApp;
  let kube: FakeKubeServer;
  let due: string;
  let disabled: string;

  beforeAll(async () => {
    kube = await FakeKubeServer.start({ dataset: generateSyntheticCluster({ namespaces: 3, pods: 12, policies: 4 }) });
    t = await startTestApp();
    const http = t.app.getHttpServer();
    due = (await request(http).post('/api/clusters').set(auth)
      .send({ name: 'sched-a', source: 'kubeconfig', kubeconfig: kube.kubeconfig(), scheduleMinutes: 15 }).expect(201)).body.id;
    disabled = (await request(http).post('/api/clusters').set(auth)
      .send({ name: 'sched-off', source: 'kubeconfig', kubeconfig: kube.kubeconfig() }).expect(201)).body.id;
    await request(http).patch(`/api/clusters/${disabled}`).set(auth).send({ enabled: false }).expect(200);
  });

  afterAll(async () => {
    await t?.close();
    await kube?.close();
  });

  it('queues due clusters once, runs them, and waits for the interval before the next', async () => {
    const scheduler = t.app.get(SchedulerService);
    const first = await scheduler.tick(new Date());
    expect(first.queued).toEqual([due]);
    const snaps = await until(() => snapshotsOf(t, due), (s) => s.length === 1 && s[0].status !== 'running');
    expect(snaps[0]).toMatchObject({ status: 'succeeded', trigger: 'schedule' });

    expect((await scheduler.tick(new Date())).queued).toEqual([]);
    expect((await scheduler.tick(new Date(Date.now() + 14 * 60_000))).queued).toEqual([]);
    expect((await scheduler.tick(new Date(Date.now() + 16 * 60_000))).queued).toEqual([due]);
    await until(() => snapshotsOf(t, due), (s) => s.length === 2 && s.every((x) => x.status !== 'running'));
    expect(await snapshotsOf(t, disabled)).toHaveLength(0);
  });

  it('keeps one queued job per cluster however often it is asked', async () => {
    const queue = t.app.get(SnapshotQueue);
    const ids = await Promise.all([1, 2, 3, 4].map(() => queue.enqueue(disabled, 'manual')));
    expect(ids.filter(Boolean)).toHaveLength(1);
  });

  it('fails snapshots a crashed worker left running, so the cluster is not blocked', async () => {
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO snapshot (id, cluster_id, status, trigger, started_at, problems) VALUES (gen_random_uuid(), $1, 'running', 'schedule', now() - interval '2 hours', '[]') RETURNING id`,
      [due]);
    const r = await t.app.get(SchedulerService).tick(new Date());
    expect(r.interrupted).toBe(1);
    const [row] = await t.sql<{ status: string; failure_reason: string }>(`SELECT status::text, failure_reason FROM snapshot WHERE id = $1`, [id]);
    expect(row.status).toBe('failed');
    expect(row.failure_reason).toMatch(/interrupted/);
  });
});
