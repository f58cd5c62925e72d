// A dashboard replica (KORDON_WORKER_CONCURRENCY=0) answers and queues but runs no snapshot: the
// job waits for a worker replica on the same database, which runs it. Snapshot CPU then never
// shares the event loop that answers the dashboard.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, startReplica, startTestApp, type TestApp } from '../../test/test-app';
import { until } from '../../test/until';
import { DemoService } from '../demo/demo.service';

describe('a dashboard replica with no snapshot workers', () => {
  let t: TestApp;
  let worker: INestApplication | undefined;

  beforeAll(async () => {
    t = await startTestApp({ KORDON_WORKER_CONCURRENCY: '0', KORDON_DEMO: 'auto' });
    await t.app.get(DemoService).seedIfWanted(new Date());
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('queues a snapshot it does not run, and a worker replica runs it', async () => {
    const clusters = await t.sql<{ id: string }>(`SELECT id FROM cluster ORDER BY name LIMIT 1`);
    expect(clusters).toHaveLength(1);
    const id = clusters[0]!.id;
    const res = await request(t.app.getHttpServer()).post(`/api/clusters/${id}/snapshots`).set(ADMIN_AUTH);
    expect(res.status).toBe(202);
    const manual = () => t.sql<{ status: string }>(`SELECT status::text FROM snapshot WHERE cluster_id = $1 AND trigger = 'manual'`, [id]);
    // Workers poll every second: three seconds without a manual snapshot means none ran here.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await manual()).toEqual([]);
    const waiting = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'kordon-snapshots' AND state = 'created'`);
    expect(Number(waiting[0]!.n)).toBe(1);
    // The dashboard still answers, from the last good posture.
    expect((await request(t.app.getHttpServer()).get(`/api/clusters/${id}`).set(ADMIN_AUTH)).status).toBe(200);

    worker = await startReplica(t, { KORDON_WORKER_CONCURRENCY: '1', KORDON_DEMO: 'off' });
    const done = await until(manual, (r) => r.length === 1 && r[0]!.status !== 'running', 60_000, 200);
    expect(done[0]!.status).toBe('succeeded');
  });
});
