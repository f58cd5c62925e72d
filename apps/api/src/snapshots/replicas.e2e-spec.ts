// Several API replicas on one database: start-up work happens once, scheduling queues each due
// cluster once, a long snapshot never blocks other clusters, and stale state is cleaned up.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifests } from '@kordon/collectors';
import { ADMIN_TOKEN, startReplica, startTestApp, type TestApp } from '../../test/test-app';
import { until } from '../../test/until';
import { DemoService } from '../demo/demo.service';
import { SchedulerService } from './scheduler.service';
import { SnapshotQueue } from './snapshot.queue';
import { SnapshotsService } from './snapshots.service';

describe('several replicas on one database', () => {
  let t: TestApp;
  let second: INestApplication;
  const clusterIds = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp({ KORDON_DEMO: 'auto' });
    second = await startReplica(t, { KORDON_DEMO: 'auto' });
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('seeds the demo fleet once when replicas start together', async () => {
    const now = new Date();
    const [a, b] = await Promise.all([t.app.get(DemoService).seedIfWanted(now), second.get(DemoService).seedIfWanted(now)]);
    expect(a + b).toBe(4);
    const rows = await t.sql<{ id: string; name: string }>(`SELECT id, name FROM cluster ORDER BY name`);
    expect(rows).toHaveLength(4);
    for (const r of rows) clusterIds.set(r.name, r.id);
  });

  it('queues each due cluster once however many replicas tick', async () => {
    const before = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM snapshot`);
    const later = new Date(Date.now() + 2 * 86_400_000);
    const [a, b] = await Promise.all([t.app.get(SchedulerService).tick(later), second.get(SchedulerService).tick(later)]);
    expect(a.queued.length + b.queued.length).toBe(4);
    const rows = await until(
      () => t.sql<{ cluster_id: string; status: string }>(`SELECT cluster_id, status::text FROM snapshot WHERE trigger = 'schedule'`),
      (r) => r.length === 4 && r.every((s) => s.status !== 'running'),
    );
    expect(new Set(rows.map((r) => r.cluster_id)).size).toBe(4);
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    expect(Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM snapshot`))[0].n)).toBe(Number(before[0].n) + 4);
  });

  it('a long-running snapshot does not hold up other clusters', async () => {
    const slow = clusterIds.get('aks-prod-weu')!;
    const other = clusterIds.get('aks-dev-sandbox')!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = t.app.get(SnapshotsService).run(slow, {
      trigger: 'manual',
      collect: async (o) => {
        await gate;
        return collectFromManifests(['demo/clusters/aks-prod-weu'], o);
      },
    });
    await until(() => t.sql(`SELECT 1 FROM snapshot WHERE cluster_id = $1 AND status = 'running'`, [slow]), (r) => r.length === 1);
    const queue = t.app.get(SnapshotQueue);
    await queue.enqueue(slow, 'manual'); // finds it running, is re-queued for later
    await queue.enqueue(other, 'manual');
    const done = await until(
      () => t.sql<{ status: string }>(`SELECT status::text FROM snapshot WHERE cluster_id = $1 AND trigger = 'manual'`, [other]),
      (r) => r.length === 1 && r[0].status !== 'running',
    );
    expect(done[0].status).toBe('succeeded');
    expect(await t.sql(`SELECT 1 FROM snapshot WHERE cluster_id = $1 AND status = 'running'`, [slow])).toHaveLength(1);
    release();
    expect((await running).status).toBe('succeeded');
  });

  it('does not snapshot a disabled cluster, even from a queued job', async () => {
    const id = clusterIds.get('aks-stg-calico')!;
    await t.sql(`UPDATE cluster SET enabled = false WHERE id = $1`, [id]);
    expect(await t.app.get(SnapshotsService).run(id, { trigger: 'schedule' })).toEqual({ snapshotId: null, status: 'disabled' });
  });

  it('fails running snapshots whose worker stopped beating, not slow or back-dated ones', async () => {
    const id = clusterIds.get('aks-prod-neu')!;
    const [alive] = await t.sql<{ id: string }>(
      `INSERT INTO snapshot (id, cluster_id, status, trigger, started_at, heartbeat_at, problems)
       VALUES (gen_random_uuid(), $1, 'running', 'seed', now() - interval '30 days', now(), '[]') RETURNING id`, [id]);
    expect((await t.app.get(SchedulerService).tick(new Date())).interrupted).toBe(0);
    await t.sql(`UPDATE snapshot SET heartbeat_at = now() - interval '5 minutes' WHERE id = $1`, [alive.id]);
    expect((await second.get(SchedulerService).tick(new Date())).interrupted).toBe(1);
    const [row] = await t.sql<{ status: string; failure_reason: string }>(`SELECT status::text, failure_reason FROM snapshot WHERE id = $1`, [alive.id]);
    expect(row).toMatchObject({ status: 'failed' });
    expect(row.failure_reason).toMatch(/interrupted/);
  });

  it('revokes the previous bootstrap admin token when KORDON_ADMIN_TOKEN changes', async () => {
    const rotated = 'rotated-admin-token-0123456789abcdef';
    const third = await startReplica(t, { KORDON_ADMIN_TOKEN: rotated });
    try {
      const body = { name: 'after-rotation', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] };
      await request(third.getHttpServer()).post('/api/clusters').set({ Authorization: `Bearer ${ADMIN_TOKEN}` }).send(body).expect(401);
      await request(third.getHttpServer()).post('/api/clusters').set({ Authorization: `Bearer ${rotated}` }).send(body).expect(201);
    } finally {
      await third.close();
    }
  });
});
