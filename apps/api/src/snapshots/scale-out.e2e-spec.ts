// Scale-out with real processes: two, then three API processes (node, as `npm start` runs them)
// on one database share the scheduled snapshots of three clusters behind slow fake Kubernetes
// API servers, on a seconds-level schedule (KORDON_SCHEDULE_SECONDS). One process is SIGKILLed
// while it runs a snapshot and started again. Everything is judged from the database and over
// HTTP: no cluster ever had two snapshots at once, no schedule window went without an attempt,
// the killed snapshot was failed with its reason by the survivors (heartbeat silence) and wrote
// nothing, and the last good posture was served all along.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeServer, generateSyntheticCluster } from '@kordon/collectors/testing';
import { freshDatabase, type TestDatabase } from '../../test/database';
import { ADMIN_TOKEN } from '../../test/test-app';
import { until } from '../../test/until';

const root = resolve(__dirname, '../../../..');
const SCHEDULE_SECONDS = 4;
const SILENCE_SECONDS = 5;
const CLUSTERS = ['scale-a', 'scale-b', 'scale-c'];
/** Slack for a loaded 2-core machine: tick (1 s) + worker poll (1 s) + scheduling delays. */
const SLACK_MS = 6_000;

interface Proc {
  name: string;
  port: number;
  child: ChildProcess;
  lines: string[];
  exited: Promise<void>;
}

interface Row {
  id: string;
  cluster: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
  failure_reason: string | null;
}

const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });

describe('scale-out: real API processes share scheduled snapshots, one is SIGKILLed and restarted', () => {
  let db: TestDatabase;
  let sql: Client;
  let dir: string;
  const kubes: FakeKubeServer[] = [];
  const procs = new Map<string, Proc>();
  const all: ChildProcess[] = [];
  let env: Record<string, string>;

  const query = async <T,>(text: string, values: unknown[] = []) => (await sql.query(text, values)).rows as T[];
  const snapshots = () =>
    query<Row>(`SELECT s.id, c.name AS cluster, s.status::text AS status, s.started_at, s.finished_at, s.failure_reason
                FROM snapshot s JOIN cluster c ON c.id = s.cluster_id ORDER BY c.name, s.started_at, s.id`);

  function start(name: string, port: number): Proc {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps/api/src/main.ts')], {
      cwd: root,
      env: { ...process.env, ...env, API_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    all.push(child);
    const lines: string[] = [];
    let rest = '';
    child.stdout!.on('data', (b: Buffer) => {
      const parts = (rest + b.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
    });
    child.stderr!.on('data', (b: Buffer) => lines.push(...b.toString('utf8').split('\n')));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const p = { name, port, child, lines, exited };
    procs.set(name, p);
    return p;
  }

  const listening = (p: Proc) =>
    until(
      async () => {
        if (p.child.exitCode !== null) throw new Error(`${p.name} exited ${p.child.exitCode}:\n${p.lines.slice(-30).join('\n')}`);
        return p.lines.some((l) => l.includes('Kordon API listening'));
      },
      (ok) => ok,
      60_000,
      100,
    );

  /** Snapshot ids this process logged as started and not yet as done. */
  function runningIn(p: Proc): string[] {
    const started = new Set<string>();
    for (const l of p.lines) {
      if (!l.startsWith('{')) continue;
      let j: { msg?: string; snapshotId?: string };
      try {
        j = JSON.parse(l) as typeof j;
      } catch {
        continue;
      }
      if (!j.snapshotId) continue;
      if (j.msg === 'snapshot started') started.add(j.snapshotId);
      else if (j.msg === 'snapshot job done' || j.msg === 'snapshot failed') started.delete(j.snapshotId);
    }
    return [...started];
  }

  const api = async (p: Proc, path: string) => {
    const res = await fetch(`http://127.0.0.1:${p.port}/api${path}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await freshDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    dir = mkdtempSync(join(tmpdir(), 'kordon-scale-'));
    // Each answer waits, so a snapshot takes a couple of seconds and spans scheduler ticks.
    for (let i = 0; i < CLUSTERS.length; i++) {
      kubes.push(await FakeKubeServer.start({ dataset: generateSyntheticCluster({ namespaces: 4, pods: 30, policies: 8, seed: 11 + i }), delayMs: 300 }));
    }
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: kubes.map((k, i) => ({ name: CLUSTERS[i], cluster: { server: k.url, 'certificate-authority-data': Buffer.from(k.ca).toString('base64') } })),
      users: kubes.map((k, i) => ({ name: CLUSTERS[i], user: { token: k.token } })),
      contexts: CLUSTERS.map((c) => ({ name: c, context: { cluster: c, user: c } })),
      'current-context': CLUSTERS[0],
    };
    writeFileSync(join(dir, 'kubeconfig'), stringify(kubeconfig));
    env = {
      DATABASE_URL: db.url,
      API_HOST: '127.0.0.1',
      KORDON_ADMIN_TOKEN: ADMIN_TOKEN,
      KORDON_SECRET_KEY: randomBytes(32).toString('base64'),
      KORDON_DEMO: 'off',
      KORDON_DATA_DIR: join(dir, 'data'),
      KORDON_KUBECONFIG: join(dir, 'kubeconfig'),
      KORDON_SCHEDULE_SECONDS: String(SCHEDULE_SECONDS),
      KORDON_HEARTBEAT_SILENCE_SECONDS: String(SILENCE_SECONDS),
      KORDON_WORKER_CONCURRENCY: '2',
      KORDON_RATE_LIMIT_PER_MINUTE: '10000',
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
    };
  }, 60_000);

  afterAll(async () => {
    // Whatever happened, no process outlives the file.
    for (const c of all) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await Promise.all(all.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    await sql?.end().catch(() => undefined);
    for (const k of kubes) await k.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('shares the schedule, survives a SIGKILL mid-snapshot, and never runs a cluster twice at once', async () => {
    const t0 = Date.now();
    const [pa, pb, pc] = await Promise.all([freePort(), freePort(), freePort()]);
    // Two processes first.
    const a = start('a', pa);
    const b = start('b', pb);
    await Promise.all([listening(a), listening(b)]);
    const clusters = await until(
      () => query<{ id: string; name: string }>(`SELECT id, name FROM cluster ORDER BY name`),
      (r) => r.length === CLUSTERS.length,
    );
    expect(clusters.map((c) => c.name)).toEqual(CLUSTERS);
    await until(snapshots, (r) => CLUSTERS.every((c) => r.filter((s) => s.cluster === c && s.status === 'succeeded').length >= 2), 60_000, 200);
    // Then a third.
    const c = start('c', pc);
    await listening(c);

    // Kill a process while it runs a snapshot that is still `running` in the database.
    let victim: Proc | undefined;
    let killed: Row | undefined;
    // Every snapshot the victim was running when it died (it runs KORDON_WORKER_CONCURRENCY).
    const killedIds = new Set<string>();
    await until(
      async () => {
        for (const p of [c, b, a]) {
          const ids = runningIn(p);
          if (!ids.length) continue;
          const rows = await query<Row>(`SELECT s.id, c.name AS cluster, s.status::text AS status, s.started_at, s.finished_at, s.failure_reason
                                         FROM snapshot s JOIN cluster c ON c.id = s.cluster_id WHERE s.id = ANY($1::uuid[]) AND s.status = 'running'`, [ids]);
          if (!rows.length) continue;
          p.child.kill('SIGKILL');
          await p.exited;
          // Still running after the kill: it really died mid-snapshot.
          const after = await query<Row>(`SELECT s.id, c.name AS cluster, s.status::text AS status, s.started_at, s.finished_at, s.failure_reason
                                          FROM snapshot s JOIN cluster c ON c.id = s.cluster_id WHERE s.id = ANY($1::uuid[]) AND s.status = 'running'`, [rows.map((r) => r.id)]);
          if (after.length) {
            victim = p;
            killed = after[0];
            for (const r of after) killedIds.add(r.id);
            return true;
          }
          // It finished just before the kill: start it again and try once more.
          await listening(start(p.name, p.port));
          return false;
        }
        return false;
      },
      (ok) => ok,
      60_000,
      100,
    );
    const killedAt = Date.now();
    const survivor = [a, b, c].find((p) => p !== victim)!;
    const victimCluster = clusters.find((x) => x.name === killed!.cluster)!;

    // Meanwhile the last good posture is served by the others, from a succeeded snapshot.
    const during = await api(survivor, `/clusters/${victimCluster.id}`);
    expect(during.status).toBe(200);
    const posture = during.body.posture as { snapshotId: string } | null;
    expect(posture).not.toBeNull();
    expect((await query<{ status: string }>(`SELECT status::text FROM snapshot WHERE id = $1`, [posture!.snapshotId]))[0].status).toBe('succeeded');

    // Start it again on its port.
    const restarted = start(victim!.name, victim!.port);
    await listening(restarted);

    // The survivors fail the orphan (heartbeat silence) with its reason, and the cluster is
    // snapshotted again.
    await until(
      snapshots,
      (r) => {
        const k = r.find((s) => s.id === killed!.id);
        return k?.status === 'failed' && r.some((s) => s.cluster === killed!.cluster && s.status === 'succeeded' && s.started_at.getTime() > killedAt);
      },
      60_000,
      200,
    );
    // Run on until every cluster has had many ticks (at least 10 attempts each).
    await until(snapshots, (r) => CLUSTERS.every((cl) => r.filter((s) => s.cluster === cl).length >= 10), 60_000, 200);
    const windowEnd = Date.now();

    // Stop everything gracefully (SIGTERM): a snapshot running then is failed as interrupted.
    const live = [...procs.values()].filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    for (const p of live) p.child.kill('SIGTERM');
    await Promise.all(live.map((p) => p.exited));

    const rows = await snapshots();
    const byCluster = new Map(CLUSTERS.map((cl) => [cl, rows.filter((r) => r.cluster === cl)]));
    const figures: Record<string, unknown> = { seconds: Math.round((Date.now() - t0) / 1000) };
    for (const [cl, list] of byCluster) {
      // Nothing left running.
      expect(list.filter((s) => s.status === 'running'), cl).toEqual([]);
      // Never two at once: each attempt starts after the one before it finished.
      for (let i = 1; i < list.length; i++) {
        expect(list[i].started_at.getTime(), `${cl} #${i} overlaps #${i - 1}`).toBeGreaterThanOrEqual(list[i - 1].finished_at!.getTime());
      }
      // No tick skipped: consecutive attempts at most two intervals plus slack apart; after the
      // killed one, the heartbeat silence too.
      const gaps: number[] = [];
      for (let i = 1; i < list.length; i++) {
        const gap = list[i].started_at.getTime() - list[i - 1].started_at.getTime();
        gaps.push(gap);
        const allowed = (killedIds.has(list[i - 1].id) ? SILENCE_SECONDS * 1000 : 0) + 2 * SCHEDULE_SECONDS * 1000 + SLACK_MS;
        expect(gap, `${cl}: ${gap} ms between attempts #${i - 1} and #${i}`).toBeLessThanOrEqual(allowed);
      }
      expect(windowEnd - list.at(-1)!.started_at.getTime()).toBeLessThanOrEqual(2 * SCHEDULE_SECONDS * 1000 + SLACK_MS);
      // Failures are only the killed snapshot and those the graceful stop interrupted.
      for (const s of list.filter((x) => x.status === 'failed')) {
        if (killedIds.has(s.id)) expect(s.failure_reason).toBe('interrupted: the worker stopped before the snapshot finished');
        else expect(s.failure_reason, `${cl} ${s.id}`).toBe('interrupted: the API stopped while the snapshot was running');
      }
      const durations = list.filter((s) => s.status === 'succeeded').map((s) => s.finished_at!.getTime() - s.started_at.getTime()).sort((x, y) => x - y);
      figures[cl] = {
        attempts: list.length,
        succeeded: durations.length,
        maxGapMs: Math.max(...gaps),
        medianSnapshotMs: durations[Math.floor(durations.length / 2)],
      };
    }
    // The killed snapshot wrote nothing: no posture, no namespace rows.
    const [k] = await query<{ posture: unknown; posture_set_hash: string | null; rows: string }>(
      `SELECT s.posture, s.posture_set_hash, (SELECT count(*) FROM namespace_posture n WHERE n.snapshot_id = s.id) AS rows FROM snapshot s WHERE s.id = $1`,
      [killed!.id],
    );
    expect(k.posture).toBeNull();
    expect(k.posture_set_hash).toBeNull();
    expect(Number(k.rows)).toBe(0);
    // Every cluster (the killed one's included) ends with a good posture.
    for (const cl of clusters) {
      const [last] = await query<{ id: string }>(`SELECT id FROM snapshot WHERE cluster_id = $1 AND status = 'succeeded' ORDER BY started_at DESC LIMIT 1`, [cl.id]);
      expect(last, cl.name).toBeDefined();
    }
    // The work is shared: nearly every process lifetime (a, b, c, the restarted one) ran snapshots.
    const lifetimes = [a, b, c, ...[...procs.values()].filter((p) => ![a, b, c].includes(p))];
    const ran = lifetimes.map((p) => p.lines.filter((l) => l.includes('"snapshot started"')).length);
    figures.snapshotsStartedPerProcess = ran;
    expect(ran.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    console.log(JSON.stringify({ killed: killed!.cluster, victim: victim!.name, ...figures }));
  }, 240_000);
});
