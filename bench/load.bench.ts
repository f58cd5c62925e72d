// Load benchmark (issue 10, "Load"): the dashboard's API reads and web pages under autocannon on
// the bench dataset (50 clusters × 365 daily snapshots × 40 namespaces, bench/seed-history.ts)
// plus a few "live" clusters served by fake Kubernetes API servers (real client, real HTTPS).
// Rounds, with the API in its own process as production runs it:
//   1. idle, read cache on (as shipped);
//   2. the same while the live clusters are snapshotted continuously (a manual snapshot is
//      requested through the API for each of them every second; the API's own queue worker runs
//      them, so collection, analysis and writes share the process and the database with the reads);
//   2b. the same with the snapshot workers in their own process: the reads go to a dashboard
//      replica (KORDON_WORKER_CONCURRENCY=0), a worker replica on the same database runs the
//      snapshots (how README's "Running past one machine" says to deploy it);
//   3. cache off (KORDON_READ_CACHE_MB=0), idle: what a cold read costs (a past `?at=`, the first
//      view after a snapshot lands): p95 at 50 concurrent and the API's CPU ms per request.
// Per endpoint: req/s, p50/p95/p99, non-2xx + errors, API CPU ms/request, and p95 loaded ÷ p95
// idle. Targets: 0 errors, ratio ≤ 2; uncached ≤ 2 ms CPU/request and p95 ≤ 150 ms.
//
// Knobs: BENCH_LOAD_SECONDS (per endpoint, default 5), BENCH_LOAD_LIVE (live clusters, default 3),
// BENCH_LOAD_PODS (pods per live cluster, default 5000; namespaces = pods/10, policies = pods/4),
// BENCH_LOAD_PAGES=off (skip the web pages; they need the production build of apps/web),
// BENCH_LOAD_DAYS (history length, default 365).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createApp } from '../apps/api/src/app.factory';
import { ClustersService } from '../apps/api/src/clusters/clusters.service';
import { parseEnv } from '../apps/api/src/config/env.schema';
import { SnapshotsService } from '../apps/api/src/snapshots/snapshots.service';
import { launchBrowser, startWeb } from '../test/browser/browser';
import { signIn } from '../test/browser/product';
import { load, startApi, stopApi, type Endpoint, type Figures } from './api.bench';
import { benchDatabase } from './bench-db';
import { seedHistory, type SeededFleet } from './seed-history';

const DAYS = Number(process.env.BENCH_LOAD_DAYS ?? 365);
const SIZE = { clusters: 50, days: DAYS, namespaces: 40 };
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const WARMUP_S = 1;
const API_CONNECTIONS = 50;
const PAGE_CONNECTIONS = Number(process.env.BENCH_LOAD_PAGE_CONNECTIONS ?? 10);
const LIVE = Number(process.env.BENCH_LOAD_LIVE ?? 3);
const LIVE_PODS = Number(process.env.BENCH_LOAD_PODS ?? 5000);
const PAGES = process.env.BENCH_LOAD_PAGES !== 'off';
const TRIGGER_EVERY_MS = 1000;
const TARGET_RATIO = 2;
const TARGET_COLD_CPU_MS = 2;
const TARGET_COLD_P95_MS = 150;
const DAY_MS = 86_400_000;

interface Case extends Endpoint {
  kind: 'api' | 'page';
}

interface Measured extends Figures {
  cpuPerReq: number | null;
}

/**
 * Waits until the API has drained what the last load left queued: /api/health answers within
 * `quickMs` three times running, or `maxMs` passed (under snapshot load it is never idle).
 */
async function settle(url: string, quickMs: number, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  let quick = 0;
  while (quick < 3 && Date.now() < deadline) {
    const t = performance.now();
    await fetch(`${url}/api/health`).catch(() => undefined);
    quick = performance.now() - t < quickMs ? quick + 1 : 0;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** CPU time (ms) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

function apiCases(fleet: SeededFleet, liveIds: string[]): Case[] {
  const to = new Date();
  const from = new Date(to.getTime() - DAYS * DAY_MS);
  const pairs = fleet.clusterIds.flatMap((id, c) => [0, 1].map((i) => ({ id, ns: fleet.appNamespaces[(c * 3 + i * 7) % fleet.appNamespaces.length]! })));
  // A past date per request: 365 days × 100 cluster/namespace pairs, so nearly every one misses the cache.
  const atPaths: string[] = [];
  for (let d = 1; d < DAYS; d++) {
    const p = pairs[(d * 7) % pairs.length]!;
    atPaths.push(`/api/clusters/${p.id}/namespaces/${p.ns}?at=${new Date(to.getTime() - d * DAY_MS - 3_600_000).toISOString()}`);
  }
  return [
    { kind: 'api', name: 'fleet list      GET /api/clusters', paths: ['/api/clusters'] },
    { kind: 'api', name: 'fleet summary   GET /api/fleet/summary', paths: ['/api/fleet/summary'] },
    { kind: 'api', name: 'cluster posture GET /api/clusters/:id/posture', paths: fleet.clusterIds.map((id) => `/api/clusters/${id}/posture`) },
    { kind: 'api', name: 'live cluster    GET /api/clusters/:id/posture (being snapshotted)', paths: liveIds.map((id) => `/api/clusters/${id}/posture?limit=50`) },
    { kind: 'api', name: 'namespace       GET /api/clusters/:id/namespaces/:ns', paths: pairs.map((p) => `/api/clusters/${p.id}/namespaces/${p.ns}`) },
    { kind: 'api', name: 'namespace ?at=  GET …/namespaces/:ns?at=<a past date>', paths: atPaths },
    {
      kind: 'api',
      name: 'history 1 yr    GET …/namespaces/:ns/history?bucket=day',
      paths: pairs.map((p) => `/api/clusters/${p.id}/namespaces/${p.ns}/history?from=${from.toISOString()}&to=${to.toISOString()}&bucket=day`),
    },
    { kind: 'api', name: 'findings        GET /api/findings?cluster=:id', paths: fleet.clusterIds.map((id) => `/api/findings?cluster=${id}&limit=50`) },
  ];
}

function pageCases(fleet: SeededFleet): Case[] {
  return [
    { kind: 'page', name: 'page fleet      /', paths: ['/'] },
    { kind: 'page', name: 'page cluster    /clusters/:id', paths: fleet.clusterIds.slice(0, 10).map((id) => `/clusters/${id}`) },
    {
      kind: 'page',
      name: 'page namespace  /clusters/:id/namespaces/:ns',
      paths: fleet.clusterIds.slice(0, 10).map((id, i) => `/clusters/${id}/namespaces/${fleet.appNamespaces[i % fleet.appNamespaces.length]}`),
    },
  ];
}

function line(name: string, f: Measured, extra = ''): string {
  const cpu = f.cpuPerReq === null ? '' : `  API CPU ${f.cpuPerReq.toFixed(2)} ms/req`;
  return `${name.padEnd(66)} ${f.rps.toFixed(0).padStart(5)} req/s  p50 ${ms(f.p50).padStart(9)}  p95 ${ms(f.p95).padStart(9)}  p99 ${ms(f.p99).padStart(9)}  non-2xx ${f.non2xx}  errors ${f.errors}${cpu}${extra}`;
}

async function round(
  label: string,
  api: { child: ChildProcess; url: string },
  targets: { url: string; headers: Record<string, string>; cases: Case[]; connections: number }[],
  busy = false,
): Promise<Map<string, Measured>> {
  const drain = () => (busy ? settle(api.url, 100, 5_000) : settle(api.url, 25, 60_000));
  console.log(`\n-- ${label}: ${SECONDS} s per endpoint after ${WARMUP_S} s warm-up`);
  const out = new Map<string, Measured>();
  for (const t of targets) {
    for (const c of t.cases) {
      await drain();
      await load(t.url, t.headers, c, WARMUP_S, t.connections);
      await drain();
      const cpu0 = cpuMs(api.child.pid);
      const f = await load(t.url, t.headers, c, SECONDS, t.connections);
      const cpu1 = cpuMs(api.child.pid);
      const m: Measured = { ...f, cpuPerReq: cpu0 !== null && cpu1 !== null && f.requests ? (cpu1 - cpu0) / f.requests : null };
      out.set(c.name, m);
      console.log(line(`${c.name} [${t.connections}]`, m));
    }
  }
  return out;
}

/** Requests a snapshot of each live cluster every second (the API queues at most one per cluster). */
function snapshotLoop(apiUrl: string, headers: Record<string, string>, liveIds: string[]): { stop(): Promise<void>; failures: string[] } {
  const failures: string[] = [];
  let stopped = false;
  const tick = async () => {
    await Promise.all(
      liveIds.map(async (id) => {
        const res = await fetch(`${apiUrl}/api/clusters/${id}/snapshots`, { method: 'POST', headers }).catch((e: Error) => ({ status: 0, text: async () => e.message }));
        if (res.status !== 202) failures.push(`${res.status} ${(await res.text()).slice(0, 200)}`);
      }),
    );
  };
  let current: Promise<void> = tick();
  const timer = setInterval(() => {
    if (!stopped) current = current.then(tick);
  }, TRIGGER_EVERY_MS);
  return {
    failures,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}

async function snapshotCounts(pg: Client, liveIds: string[]): Promise<{ succeeded: number; failed: number; running: number }> {
  const { rows } = await pg.query<{ status: string; n: string }>(`SELECT status::text, count(*) AS n FROM snapshot WHERE cluster_id = ANY($1::uuid[]) GROUP BY status`, [liveIds]);
  const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  return { succeeded: by.succeeded ?? 0, failed: by.failed ?? 0, running: by.running ?? 0 };
}

async function waitIdle(pg: Client, liveIds: string[]): Promise<void> {
  const deadline = Date.now() + 180_000;
  // Queued jobs start within the worker's polling interval; wait until none has run for 3 s.
  let quiet = 0;
  while (Date.now() < deadline && quiet < 3) {
    quiet = (await snapshotCounts(pg, liveIds)).running === 0 ? quiet + 1 : 0;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function runLoadBench(): Promise<void> {
  console.log(
    `\n== load: ${SIZE.clusters} clusters × ${SIZE.days} daily snapshots × ${SIZE.namespaces} namespaces + ${LIVE} live clusters of ${LIVE_PODS} pods snapshotted continuously; ` +
      `${API_CONNECTIONS} concurrent API clients${PAGES ? `, ${PAGE_CONNECTIONS} for pages` : ''} (targets: 0 errors, p95 loaded/idle ≤ ${TARGET_RATIO}; cache off ≤ ${TARGET_COLD_CPU_MS} ms CPU/req and p95 ≤ ${TARGET_COLD_P95_MS} ms)`,
  );
  const t0 = performance.now();
  const db = await benchDatabase();
  const adminToken = `bench-admin-${randomBytes(16).toString('hex')}`;
  const env = {
    KORDON_DEMO: 'off',
    KORDON_SCHEDULER: 'off',
    LOG_LEVEL: 'silent',
    KORDON_SECRET_KEY: randomBytes(32).toString('base64'),
    KORDON_ADMIN_TOKEN: adminToken,
    KORDON_RATE_LIMIT_PER_MINUTE: '0',
    DATABASE_URL: db.url,
  };
  const headers = { authorization: `Bearer ${adminToken}` };
  let clusters: ChildProcess | undefined;
  const pg = new Client({ connectionString: db.url });
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let worker: Awaited<ReturnType<typeof startApi>> | undefined;
  const sessionSecret = randomBytes(32).toString('base64url');
  let web: Awaited<ReturnType<typeof startWeb>> | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    const seeder = await createApp({ ...parseEnv(env), databaseUrl: db.url });
    await seeder.init();
    let fleet: SeededFleet;
    const liveIds: string[] = [];
    try {
      fleet = await seedHistory(seeder, db.url, SIZE);
      console.log(`seeded the fleet in ${(fleet.seedMs / 1000).toFixed(1)} s`);
      const ts = performance.now();
      // The live clusters stand for remote machines: their own process, at nice 10 (bench/fake-clusters.ts).
      clusters = fork(join(__dirname, 'fake-clusters.ts'), [JSON.stringify({ clusters: LIVE, pods: LIVE_PODS })], { execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const child = clusters;
      const kubeconfigs = await new Promise<string[]>((resolve, reject) => {
        child.once('message', (m: { kubeconfigs: string[] }) => resolve(m.kubeconfigs));
        child.once('exit', (code) => reject(new Error(`the fake clusters exited with ${code} before listening`)));
      });
      try {
        setPriority(child.pid!, 10);
      } catch {
        console.log('note: could not lower the fake clusters\' priority; they share the CPUs with the API at full weight');
      }
      for (let i = 0; i < LIVE; i++) {
        const c = await seeder.get(ClustersService).register({ name: `bench-live-${i}`, source: 'kubeconfig', kubeconfig: kubeconfigs[i]! });
        const r = await seeder.get(SnapshotsService).run(c.id, { trigger: 'manual' });
        if (r.status !== 'succeeded') throw new Error(`first snapshot of live cluster ${i} failed: ${JSON.stringify(r)}`);
        liveIds.push(c.id);
      }
      console.log(`${LIVE} live clusters registered and snapshotted once in ${((performance.now() - ts) / 1000).toFixed(1)} s`);
    } finally {
      await seeder.close();
    }
    await pg.connect();
    const [load1] = loadavg();
    if (load1 > cpus().length) console.log(`note: load average ${load1.toFixed(1)} on ${cpus().length} CPUs before the run: other work shares this machine, latencies will be inflated`);

    api = await startApi(env);
    const apiList = apiCases(fleet, liveIds);
    for (const c of apiList) {
      const res = await fetch(api.url + c.paths[0], { headers });
      if (res.status !== 200) throw new Error(`${c.name}: ${c.paths[0]} answers ${res.status}: ${(await res.text()).slice(0, 300)}`);
    }
    const targets: { url: string; headers: Record<string, string>; cases: Case[]; connections: number }[] = [{ url: api.url, headers, cases: apiList, connections: API_CONNECTIONS }];
    if (PAGES) {
      web = await startWeb({ apiUrl: api.url, env: { KORDON_SESSION_SECRET: sessionSecret }, timeoutMs: 180_000 });
      browser = await launchBrowser();
      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page, web.url, adminToken);
      const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      await browser.close();
      browser = undefined;
      const pages = pageCases(fleet);
      for (const c of pages) {
        const res = await fetch(web.url + c.paths[0], { headers: { cookie }, redirect: 'manual' });
        if (res.status !== 200) throw new Error(`${c.name}: ${c.paths[0]} answers ${res.status}`);
      }
      targets.push({ url: web.url, headers: { cookie }, cases: pages, connections: PAGE_CONNECTIONS });
    }

    const idle = await round('idle, read cache on (as shipped)', api, targets);

    const before = await snapshotCounts(pg, liveIds);
    const loop = snapshotLoop(api.url, headers, liveIds);
    // The first queued snapshots start within the worker's polling interval.
    const startDeadline = Date.now() + 30_000;
    while ((await snapshotCounts(pg, liveIds)).running === 0 && Date.now() < startDeadline) await new Promise((r) => setTimeout(r, 200));
    const tl = performance.now();
    let loaded: Map<string, Measured>;
    try {
      loaded = await round(`while ${LIVE} clusters of ${LIVE_PODS} pods are snapshotted continuously (a request per cluster every ${TRIGGER_EVERY_MS / 1000} s)`, api, targets, true);
    } finally {
      await loop.stop();
    }
    const loadedS = (performance.now() - tl) / 1000;
    await waitIdle(pg, liveIds);
    const after = await snapshotCounts(pg, liveIds);
    const snaps = after.succeeded - before.succeeded;
    console.log(`snapshots during the loaded round: ${snaps} succeeded (${((snaps / loadedS) * 60).toFixed(1)}/min), ${after.failed - before.failed} failed; trigger failures: ${loop.failures.length}${loop.failures.length ? ` (${loop.failures[0]})` : ''}`);

    await web?.stop();
    web = undefined;
    await stopApi(api);

    // 2b: reads on a dashboard replica with no snapshot workers, snapshots on a worker replica.
    api = await startApi({ ...env, KORDON_WORKER_CONCURRENCY: '0' });
    worker = await startApi(env);
    const splitTargets = targets.map((t) => (t.url === targets[0]!.url ? { ...t, url: api!.url } : t));
    if (PAGES) {
      web = await startWeb({ apiUrl: api.url, env: { KORDON_SESSION_SECRET: sessionSecret }, timeoutMs: 180_000 });
      const w = web;
      for (const t of splitTargets) if (t.cases.some((c) => c.kind === 'page')) t.url = w.url;
    }
    const beforeSplit = await snapshotCounts(pg, liveIds);
    const loop2 = snapshotLoop(api.url, headers, liveIds);
    const startDeadline2 = Date.now() + 30_000;
    while ((await snapshotCounts(pg, liveIds)).running === 0 && Date.now() < startDeadline2) await new Promise((r) => setTimeout(r, 200));
    const ts2 = performance.now();
    let split: Map<string, Measured>;
    try {
      split = await round(`while the same snapshots run in a separate worker replica (reads on a replica with KORDON_WORKER_CONCURRENCY=0)`, api, splitTargets, true);
    } finally {
      await loop2.stop();
    }
    const splitS = (performance.now() - ts2) / 1000;
    await waitIdle(pg, liveIds);
    const afterSplit = await snapshotCounts(pg, liveIds);
    const snaps2 = afterSplit.succeeded - beforeSplit.succeeded;
    console.log(`snapshots during the split round: ${snaps2} succeeded (${((snaps2 / splitS) * 60).toFixed(1)}/min), ${afterSplit.failed - beforeSplit.failed} failed; trigger failures: ${loop2.failures.length}`);
    await web?.stop();
    web = undefined;
    await stopApi(worker);
    worker = undefined;
    await stopApi(api);
    api = await startApi({ ...env, KORDON_READ_CACHE_MB: '0' });
    const cold = await round('idle, cache off (KORDON_READ_CACHE_MB=0): every answer computed from the database', api, [{ url: api.url, headers, cases: apiList, connections: API_CONNECTIONS }]);

    console.log(`\nsummary (p95; ratio = loaded ÷ idle, split = loaded with the snapshots in a worker replica, target ≤ ${TARGET_RATIO}; cold = cache off, target ≤ ${TARGET_COLD_CPU_MS} ms CPU/req, p95 ≤ ${TARGET_COLD_P95_MS} ms):`);
    console.log(`  ${'endpoint'.padEnd(66)} ${'idle'.padStart(9)} ${'loaded'.padStart(9)} ${'ratio'.padStart(6)} ${'split'.padStart(9)} ${'ratio'.padStart(6)}  ${'cold p95'.padStart(9)} ${'cold CPU'.padStart(12)}  verdict`);
    let errors = 0;
    for (const t of targets) {
      for (const c of t.cases) {
        const i = idle.get(c.name)!;
        const l = loaded.get(c.name)!;
        const k = cold.get(c.name);
        const sp = split.get(c.name)!;
        const ratio = l.p95 / i.p95;
        const splitRatio = sp.p95 / i.p95;
        // No response within the window (all slower than it) counts as an error too.
        const bad = [i, l, sp, k].filter((f): f is Measured => !!f).reduce((n, f) => n + f.non2xx + f.errors + (f.requests === 0 ? 1 : 0), 0);
        errors += bad;
        const misses = [
          bad ? `${bad} errors${[i, l, sp, k].some((f) => f && f.requests === 0) ? ', or no answer within the window' : ''}` : '',
          !(ratio <= TARGET_RATIO) ? 'ratio' : '',
          !(splitRatio <= TARGET_RATIO) ? 'split ratio' : '',
          k && k.p95 > TARGET_COLD_P95_MS ? 'cold p95' : '',
          k && k.cpuPerReq !== null && k.cpuPerReq > TARGET_COLD_CPU_MS ? 'cold CPU' : '',
        ].filter(Boolean);
        console.log(
          `  ${c.name.padEnd(66)} ${ms(i.p95).padStart(9)} ${ms(l.p95).padStart(9)} ${ratio.toFixed(2).padStart(6)} ${ms(sp.p95).padStart(9)} ${splitRatio.toFixed(2).padStart(6)}  ${(k ? ms(k.p95) : '—').padStart(9)} ${(k?.cpuPerReq != null ? `${k.cpuPerReq.toFixed(2)} ms/req` : '—').padStart(12)}  ${misses.length ? `MISSED (${misses.join(', ')})` : 'ok'}`,
        );
      }
    }
    console.log(`load bench total: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    if (errors) throw new Error(`${errors} responses were errors or not 2xx; see the figures above`);
  } finally {
    await browser?.close().catch(() => undefined);
    await web?.stop();
    if (api) await stopApi(api);
    if (worker) await stopApi(worker);
    await pg.end().catch(() => undefined);
    if (clusters?.connected) {
      const gone = new Promise((r) => clusters!.once('exit', r));
      clusters.disconnect();
      await gone;
    }
    await db.drop();
  }
}
