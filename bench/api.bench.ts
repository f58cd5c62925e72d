// API read benchmark (issue 4, "Performance"): 50 clusters × 365 daily snapshots × 40
// namespaces seeded into a throwaway database, then the real API (its own process) under 50
// concurrent autocannon clients for each read the dashboard makes most: the cluster list, a
// namespace posture page and a one-year namespace history. Target p95 ≤ 50 ms each.
// Each endpoint is measured three times: with the response cache off (KORDON_READ_CACHE_MB=0),
// first without the read-path indexes the benchmark motivated (their migrations dropped for that
// round; BENCH_API_INDEX_ROUND=off skips it) and then with them, and last as shipped, with the
// cache on; so the figures show what each buys and what a first (uncached) view costs.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { createApp } from '../apps/api/src/app.factory';
import { parseEnv } from '../apps/api/src/config/env.schema';
import { benchDatabase } from './bench-db';
import { seedHistory, type SeededFleet } from './seed-history';

const SIZE = { clusters: 50, days: 365, namespaces: 40 };
const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_API_SECONDS ?? 10);
const WARMUP_S = 2;
const TARGET_P95_MS = 50;
const CHURN_EVERY_MS = 1_000;
/**
 * Migrations whose indexes this benchmark motivated. The "before" round drops the indexes they
 * create and restores the ones they replaced (`replaced`), so both rounds run on one seed.
 */
const READ_INDEX_MIGRATIONS = ['20261122010000_namespace_history_covering_index'];
// The index round compared namespace_posture's covering index with the plain one; that table is a
// view over posture sets now, so there is no index to compare.
const REPLACED_INDEXES: string[] = [];

export interface Endpoint {
  name: string;
  /** Paths cycled through by the clients (different clusters and namespaces, not one cached row). */
  paths: string[];
}

export interface Figures {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
  requests: number;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function load(url: string, headers: Record<string, string>, endpoint: Endpoint, seconds: number, connections = CONNECTIONS): Promise<Figures> {
  let next = 0;
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    connections,
    duration: seconds,
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, path: endpoint.paths[next++ % endpoint.paths.length] }) }],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    rps: result.requests.total / (result.duration || seconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: result.requests.total,
  };
}

/** Starts the API in a child process on the seeded database; resolves with its base URL. */
export async function startApi(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(join(__dirname, 'api-server.ts'), [], { env: { ...process.env, ...env }, execArgv: ['-r', '@swc-node/register'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the API exited with ${code} before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

export async function stopApi(api: { child: ChildProcess }): Promise<void> {
  if (api.child.exitCode !== null) return;
  const exited = new Promise((r) => api.child.once('exit', r));
  api.child.disconnect();
  await exited;
}

/** Which endpoints exist yet: an unrouted path answers 404 "Cannot GET". */
async function landed(url: string, headers: Record<string, string>, e: Endpoint): Promise<{ ok: boolean; note: string }> {
  const res = await fetch(url + e.paths[0], { headers });
  const body = await res.text();
  if (res.status === 404 && /Cannot GET/.test(body)) return { ok: false, note: 'not landed yet (no route)' };
  if (res.status >= 300) return { ok: false, note: `answers ${res.status}: ${body.slice(0, 200)}` };
  return { ok: true, note: `${body.length} bytes` };
}

function endpoints(fleet: SeededFleet): Endpoint[] {
  const to = new Date();
  const from = new Date(to.getTime() - 365 * 86_400_000);
  const pairs = fleet.clusterIds.flatMap((id, c) => [0, 1].map((i) => ({ id, ns: fleet.appNamespaces[(c * 3 + i * 7) % fleet.appNamespaces.length] })));
  return [
    { name: 'cluster list  GET /api/clusters', paths: ['/api/clusters'] },
    { name: 'posture page  GET /api/clusters/:id/namespaces/:ns', paths: pairs.map((p) => `/api/clusters/${p.id}/namespaces/${p.ns}`) },
    {
      name: 'history 1 yr  GET /api/clusters/:id/namespaces/:ns/history?bucket=day',
      paths: pairs.map((p) => `/api/clusters/${p.id}/namespaces/${p.ns}/history?from=${from.toISOString()}&to=${to.toISOString()}&bucket=day`),
    },
  ];
}

function indexStatements(): { name: string; create: string }[] {
  return READ_INDEX_MIGRATIONS.flatMap((m) =>
    readFileSync(join(__dirname, '..', 'prisma', 'migrations', m, 'migration.sql'), 'utf8')
      .split(';')
      .map((s) => s.replace(/--[^\n]*/g, '').trim())
      .filter((s) => /^CREATE (UNIQUE )?INDEX/i.test(s))
      .map((create) => ({ name: /INDEX\s+"([^"]+)"/i.exec(create)![1], create }))
      // namespace_posture is a view over posture sets since the delta_content_sets migration.
      .filter((i) => !/ON "namespace_posture"/i.test(i.create)),
  );
}

/** CPU time (ms) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/**
 * Waits until the API has drained what a load left queued (timed-out requests keep running
 * server-side), so one endpoint's backlog is never measured as the next one's latency.
 */
export async function settle(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let quick = 0;
  while (quick < 3 && Date.now() < deadline) {
    const t = performance.now();
    await fetch(`${url}/api/health`).catch(() => undefined);
    quick = performance.now() - t < 25 ? quick + 1 : 0;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function round(label: string, api: { url: string; child: ChildProcess }, headers: Record<string, string>, list: Endpoint[]): Promise<Map<string, Figures>> {
  console.log(`\n-- ${label}: ${CONNECTIONS} connections, ${DURATION_S} s per endpoint after ${WARMUP_S} s warm-up`);
  const out = new Map<string, Figures>();
  for (const e of list) {
    await settle(api.url);
    await load(api.url, headers, e, WARMUP_S);
    await settle(api.url);
    const cpu0 = cpuMs(api.child.pid);
    const f = await load(api.url, headers, e, DURATION_S);
    const cpu1 = cpuMs(api.child.pid);
    out.set(e.name, f);
    const verdict = f.p95 <= TARGET_P95_MS ? 'ok' : `OVER ${TARGET_P95_MS} ms`;
    const apiCpu = cpu0 !== null && cpu1 !== null && f.requests ? `  API CPU ${((cpu1 - cpu0) / f.requests).toFixed(1)} ms/req` : '';
    console.log(
      `${e.name.padEnd(72)} ${f.rps.toFixed(0).padStart(5)} req/s  p50 ${ms(f.p50).padStart(9)}  p95 ${ms(f.p95).padStart(9)}  p99 ${ms(f.p99).padStart(9)}  non-2xx ${f.non2xx}  errors ${f.errors}${apiCpu}  [${verdict}]`,
    );
  }
  return out;
}

export async function runApiBench(): Promise<void> {
  console.log(`\n== api: ${SIZE.clusters} clusters × ${SIZE.days} daily snapshots × ${SIZE.namespaces} namespaces; ${CONNECTIONS} concurrent clients (target p95 ≤ ${TARGET_P95_MS} ms)`);
  const t0 = performance.now();
  const db = await benchDatabase();
  const adminToken = `bench-admin-${randomBytes(16).toString('hex')}`;
  const env = { KORDON_DEMO: 'off', KORDON_SCHEDULER: 'off', LOG_LEVEL: 'silent', KORDON_SECRET_KEY: randomBytes(32).toString('base64'), KORDON_ADMIN_TOKEN: adminToken, DATABASE_URL: db.url };
  const pg = new Client({ connectionString: db.url });
  let api: { url: string; child: ChildProcess } | undefined;
  try {
    // Seed with an in-process app (the real snapshot pipeline makes the template rows).
    const seeder = await createApp({ ...parseEnv(env), databaseUrl: db.url });
    await seeder.init();
    const fleet = await seedHistory(seeder, db.url, SIZE).finally(() => seeder.close());
    console.log(`seeded in ${(fleet.seedMs / 1000).toFixed(1)} s: ${Object.entries(fleet.rows).map(([k, v]) => `${k} ${v}`).join(', ')}`);

    const [load1] = loadavg();
    if (load1 > cpus().length) console.log(`note: load average ${load1.toFixed(1)} on ${cpus().length} CPUs before the run: other work shares this machine, latencies will be inflated`);
    const headers = { authorization: `Bearer ${adminToken}` };
    const all = endpoints(fleet);

    // Rounds 1–2: every request computed from the database (KORDON_READ_CACHE_MB=0), without and
    // with the read-path indexes; round 3: the product as shipped (response cache on).
    api = await startApi({ ...env, KORDON_READ_CACHE_MB: '0' });
    const ready: Endpoint[] = [];
    for (const e of all) {
      const probe = await landed(api.url, headers, e);
      console.log(`${e.name}: ${probe.ok ? 'ok' : 'SKIPPED'}, ${probe.note}`);
      if (probe.ok) ready.push(e);
    }
    await pg.connect();
    const indexes = indexStatements();
    let noIndex: Map<string, Figures> | undefined;
    if (indexes.length && REPLACED_INDEXES.length && process.env.BENCH_API_INDEX_ROUND !== 'off') {
      for (const i of indexes) await pg.query(`DROP INDEX "${i.name}"`);
      for (const create of REPLACED_INDEXES) await pg.query(create);
      await pg.query('VACUUM ANALYZE');
      noIndex = await round(`cache off, without ${indexes.map((i) => i.name).join(', ')}`, api, headers, ready);
      for (const create of REPLACED_INDEXES) await pg.query(`DROP INDEX "${/INDEX\s+"([^"]+)"/i.exec(create)![1]}"`);
      for (const i of indexes) await pg.query(i.create);
      await pg.query('VACUUM ANALYZE');
    }
    const uncached = await round('cache off (every answer computed from the database), with the read-path indexes', api, headers, ready);
    await stopApi(api);
    api = await startApi(env);
    const cached = await round('as shipped: response cache on (answers served until a commit changes them)', api, headers, ready);
    // The same with commits landing: a real fleet of 50 clusters snapshotted hourly commits about
    // every 72 s; here one of the measured clusters commits every second (70× as often), which
    // turns over the fleet-wide answers (cluster list) and that cluster's own each time.
    const churn = setInterval(() => void pg.query(`UPDATE cluster SET team = team WHERE id = $1`, [fleet.clusterIds[0]]).catch(() => undefined), CHURN_EVERY_MS);
    let churned: Map<string, Figures>;
    try {
      churned = await round(`cache on, one cluster committing every ${CHURN_EVERY_MS / 1000} s`, api, headers, ready);
    } finally {
      clearInterval(churn);
    }

    console.log(`\nsummary (p95; target ≤ ${TARGET_P95_MS} ms; columns: ${noIndex ? 'cache off without indexes → ' : ''}cache off → cache on → cache on, a commit every ${CHURN_EVERY_MS / 1000} s):`);
    for (const e of ready) {
      const a = cached.get(e.name)!;
      const c = churned.get(e.name)!;
      const parts = [noIndex?.get(e.name), uncached.get(e.name), a, c].filter((f): f is Figures => !!f).map((f) => ms(f.p95));
      const ok = [a, c].every((f) => f.p95 <= TARGET_P95_MS && f.non2xx === 0 && f.errors === 0);
      console.log(`  ${e.name.padEnd(72)} ${parts.join(' → ')}  ${ok ? 'ok' : 'MISSED'}`);
    }
    for (const e of all.filter((x) => !ready.includes(x))) console.log(`  ${e.name.padEnd(72)} not measured (endpoint not available)`);
    const bad = [...cached.values(), ...churned.values(), ...uncached.values()].filter((f) => f.non2xx > 0 || f.errors > 0);
    if (bad.length) throw new Error('some responses were not 2xx; see the figures above');
    console.log(`api bench total: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    if (api) await stopApi(api);
    await pg.end().catch(() => undefined);
    await db.drop();
  }
}
