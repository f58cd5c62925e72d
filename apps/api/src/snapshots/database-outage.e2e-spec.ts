// The fault matrix's PostgreSQL rows (docs/reliability.md): the API runs on its own embedded
// PostgreSQL so the test can stop and start it. While the database is gone the API answers 503
// (never 500) and readiness fails; a snapshot caught by the outage leaves no half snapshot and
// is failed and re-run; once the database is back everything recovers without restarting the
// API. The first case is a short outage checked closely; the last is the matrix's full minute
// with the scheduler ticking every second all through it.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeServer, generateSyntheticCluster } from '@kordon/collectors/testing';
import { ADMIN_AUTH, ADMIN_TOKEN } from '../../test/test-app';
import { until } from '../../test/until';
import { createApp } from '../app.factory';
import { parseEnv } from '../config/env.schema';
import { portIsFree, resolveDatabaseServer, type DatabaseServer } from '../prisma/database-server';
import { applyMigrations } from '../prisma/migrator';
import { SchedulerService } from './scheduler.service';
import { SnapshotsService } from './snapshots.service';

// KORDON_HEARTBEAT_SILENCE_SECONDS's default: a running snapshot silent this long is interrupted.
const HEARTBEAT_SILENCE_MS = 120_000;
const SCHEDULE_SECONDS = 4;
const OUTAGE_MS = 60_000;

async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (await portIsFree(port)) return port;
  }
}

describe('PostgreSQL restarted or unreachable', () => {
  const root = mkdtempSync(join(tmpdir(), 'kordon-outage-'));
  // As root, the embedded server runs as a `postgres` user, which must reach the folder.
  chmodSync(root, 0o755);
  const dataDir = join(root, 'pg');
  let port: number;
  let db: DatabaseServer | null = null;
  let app: INestApplication;
  let kube: FakeKubeServer;
  let clusterId: string;
  let goodId: string;
  const http = () => request(app.getHttpServer());
  const startDb = async () => {
    db = await resolveDatabaseServer({ dataDir, port, portChosen: true, log: () => undefined });
  };
  const stopDb = async () => {
    await db?.stop();
    db = null;
  };
  const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> => {
    const c = new Client({ connectionString: db!.url });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    port = await freePort();
    await startDb();
    await applyMigrations(db!.url);
    kube = await FakeKubeServer.start({ dataset: generateSyntheticCluster({ namespaces: 3, pods: 12, policies: 4, seed: 21 }) });
    const config = {
      ...parseEnv({
        KORDON_ADMIN_TOKEN: ADMIN_TOKEN, KORDON_DEMO: 'off', KORDON_SCHEDULER: 'off', LOG_LEVEL: 'silent',
        KORDON_RATE_LIMIT_PER_MINUTE: '10000', KORDON_SECRET_KEY: randomBytes(32).toString('base64'),
        // Only the last case starts the scheduler; the others tick it by hand.
        KORDON_SCHEDULE_SECONDS: String(SCHEDULE_SECONDS),
      }),
      databaseUrl: db!.url,
    };
    app = await createApp(config);
    await app.init();
    clusterId = (await http().post('/api/clusters').set(ADMIN_AUTH).send({ name: 'outage', source: 'kubeconfig', kubeconfig: kube.kubeconfig() }).expect(201)).body.id;
    const good = await app.get(SnapshotsService).run(clusterId, { trigger: 'manual' });
    expect(good.status).toBe('succeeded');
    goodId = good.snapshotId!;
  }, 120_000);

  afterAll(async () => {
    if (!db) await startDb().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await kube?.close().catch(() => undefined);
    await stopDb().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('answers 503, not 500, and fails readiness while the database is unreachable; recovers by itself', async () => {
    await stopDb();
    const down = Date.now();
    // A few seconds stand in for the minute of the matrix.
    while (Date.now() - down < 4_000) {
      const ready = await http().get('/api/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body.message).toMatch(/database/);
      const live = await http().get('/api/health/live');
      expect(live.status).toBe(200);
      for (const path of ['/api/clusters', `/api/clusters/${clusterId}`, `/api/clusters/${clusterId}/snapshots`]) {
        const res = await http().get(path).set(ADMIN_AUTH);
        expect({ path, status: res.status, body: res.status === 503 ? null : res.body }).toEqual({ path, status: 503, body: null });
        expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/database/i) });
      }
      const post = await http().post(`/api/clusters/${clusterId}/snapshots`).set(ADMIN_AUTH);
      expect(post.status).toBe(503);
      await new Promise((r) => setTimeout(r, 500));
    }
    await startDb();
    await until(async () => (await http().get('/api/health/ready')).status, (s) => s === 200, 30_000, 200);
    const summary = await until(async () => http().get(`/api/clusters/${clusterId}`).set(ADMIN_AUTH), (r) => r.status === 200, 30_000, 200);
    expect(summary.body.posture.snapshotId).toBe(goodId);
    // The queue works again too: a snapshot through the API succeeds.
    await http().post(`/api/clusters/${clusterId}/snapshots`).set(ADMIN_AUTH).expect(202);
    await until(
      async () => (await http().get(`/api/clusters/${clusterId}`).set(ADMIN_AUTH).expect(200)).body,
      (c) => c.lastSnapshot?.status === 'succeeded' && c.lastSnapshot.id !== goodId,
      45_000, 200,
    );
  }, 90_000);

  it('a snapshot running when PostgreSQL restarts leaves no half snapshot, is failed, and re-runs on the next tick', async () => {
    const before = (await sql<{ id: string }>(`SELECT id FROM snapshot WHERE cluster_id = $1 AND status = 'succeeded' ORDER BY started_at DESC LIMIT 1`, [clusterId]))[0].id;
    kube.delayMs = 300;
    const running = app.get(SnapshotsService).run(clusterId, { trigger: 'manual' });
    const [{ id }] = await until(
      () => sql<{ id: string }>(`SELECT id FROM snapshot WHERE cluster_id = $1 AND status = 'running'`, [clusterId]),
      (rows) => rows.length === 1, 15_000, 50,
    );
    // The database goes away mid-collection and stays away until the snapshot has tried to write.
    await stopDb();
    const outcome = await running;
    expect(outcome.status).toBe('failed');
    if (outcome.status === 'failed') expect(outcome.reason).toMatch(/internal error while writing the snapshot/);
    await startDb();
    kube.delayMs = 0;
    // Not even the failure could be written: the row still reads running, with nothing of it stored.
    const [row] = await sql<{ status: string; posture_set_hash: string | null; digest: string | null }>(
      `SELECT status, posture_set_hash, digest FROM snapshot WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'running', posture_set_hash: null, digest: null });
    expect(await sql(`SELECT 1 FROM namespace_posture WHERE snapshot_id = $1`, [id])).toHaveLength(0);
    await until(async () => (await http().get('/api/health/ready')).status, (s) => s === 200, 30_000, 200);
    const during = (await http().get(`/api/clusters/${clusterId}`).set(ADMIN_AUTH).expect(200)).body;
    expect(during.posture.snapshotId).toBe(before);

    // The next tick after the heartbeat silence fails it as interrupted and queues the cluster again.
    const { queued, interrupted } = await app.get(SchedulerService).tick(new Date(Date.now() + HEARTBEAT_SILENCE_MS + 61 * 60_000));
    expect(interrupted).toBe(1);
    expect(queued).toContain(clusterId);
    const [failed] = await sql<{ status: string; failure_reason: string }>(`SELECT status, failure_reason FROM snapshot WHERE id = $1`, [id]);
    expect(failed.status).toBe('failed');
    expect(failed.failure_reason).toMatch(/interrupted/);
    const rerun = await until(
      async () => (await http().get(`/api/clusters/${clusterId}`).set(ADMIN_AUTH).expect(200)).body,
      (c) => c.lastSnapshot?.status === 'succeeded' && c.lastSnapshot.id !== before && c.lastSnapshot.id !== id,
      45_000, 200,
    );
    expect(rerun.posture.snapshotId).toBe(rerun.lastSnapshot.id);
  }, 90_000);

  it('stays unavailable, not broken, through a whole minute with the scheduler on, then schedules snapshots again by itself', async () => {
    const scheduler = app.get(SchedulerService);
    const scheduled = (after: number) =>
      sql<{ id: string; status: string; started_at: Date }>(
        `SELECT id, status::text AS status, started_at FROM snapshot WHERE cluster_id = $1 AND trigger = 'schedule' AND started_at > $2 ORDER BY started_at`,
        [clusterId, new Date(after)],
      );
    const t0 = Date.now();
    scheduler.start(1000);
    try {
      await until(() => scheduled(t0), (r) => r.some((s) => s.status === 'succeeded'), 45_000, 250);
      const rssBefore = process.memoryUsage().rss;
      await stopDb();
      const down = Date.now();
      const seen = new Set<string>();
      while (Date.now() - down < OUTAGE_MS) {
        seen.add(`ready ${(await http().get('/api/health/ready')).status}`);
        seen.add(`live ${(await http().get('/api/health/live')).status}`);
        for (const path of ['/api/clusters', `/api/clusters/${clusterId}`]) seen.add(`${path.split('/').length} ${(await http().get(path).set(ADMIN_AUTH)).status}`);
        await new Promise((r) => setTimeout(r, 2_000));
      }
      // Every answer all minute long: readiness and reads 503, liveness 200; nothing else.
      expect([...seen].sort()).toEqual(['3 503', '4 503', 'live 200', 'ready 503']);
      // Sixty ticks that could not reach the database leaked nothing that shows.
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);
      await startDb();
      const up = Date.now();
      await until(async () => (await http().get('/api/health/ready')).status, (s) => s === 200, 30_000, 200);
      // Not one snapshot but the schedule itself: two scheduled snapshots succeed after the restart.
      await until(() => scheduled(up), (r) => r.filter((s) => s.status === 'succeeded').length >= 2, 60_000, 250);
      // The posture served is one of them (or a later one), not the one from before the minute.
      const served = (await http().get(`/api/clusters/${clusterId}`).set(ADMIN_AUTH).expect(200)).body;
      expect(served.stale).toBe(false);
      const [source] = await sql<{ status: string; started_at: Date }>(`SELECT status::text AS status, started_at FROM snapshot WHERE id = $1`, [served.posture.snapshotId]);
      expect(source.status).toBe('succeeded');
      expect(source.started_at.getTime()).toBeGreaterThan(up);
    } finally {
      scheduler.onApplicationShutdown();
    }
    // No succeeded snapshot anywhere lacks its content: nothing half-written survived the minute.
    const half = await sql(
      `SELECT s.id FROM snapshot s WHERE s.status = 'succeeded' AND (s.digest IS NULL OR NOT EXISTS (SELECT 1 FROM namespace_posture p WHERE p.snapshot_id = s.id))`,
    );
    expect(half).toEqual([]);
  }, 180_000);
});
