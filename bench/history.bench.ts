// One-year namespace history at the fleet size the README estimates (issue 9, "Retention and
// size"): clusters of 2,000 namespaces, each holding what the default retention keeps after two
// years of hourly snapshots (every one of the last 30 days, one a day back to a year, one a week
// before: 720 + 335 + 52 = 1,107), its posture stored as the writer stores it: content-addressed
// sets, a delta over a full base while at most a quarter of the namespaces differ from it (1 %
// of the namespaces change every day, so a full set every 25 days). Seeded in SQL, then the real
// API (its own process) answers GET …/namespaces/:ns/history over the last year:
//   - one client, response cache off: a lone first view (what every request costs the database);
//   - 50 clients, cache off, then as shipped (cache on, every history viewed once first).
// Target p95 ≤ 50 ms for the lone first view and as shipped.
// Every cluster's history is read through its own rows (snapshot index, then one or two primary-key
// probes per snapshot), so a request's cost grows with the cluster's kept snapshots, not with the
// number of clusters; BENCH_HISTORY_CLUSTERS (default 10) sets how many fill the tables.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { namespacePointsSql } from '../apps/api/src/history/history.repository';
import { load, settle, startApi, stopApi, type Endpoint, type Figures } from './api.bench';
import { benchDatabase } from './bench-db';

const CLUSTERS = Number(process.env.BENCH_HISTORY_CLUSTERS ?? 10);
const NAMESPACES = 2000;
const CHANGED_PER_DAY = 20; // 1 % of the namespaces
const DAYS_PER_BASE = 25; // 25 days × 1 % = the writer's 25 % delta limit
const SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const TARGET_P95_MS = 50;

const ms = (v: number) => `${v.toFixed(1)} ms`;

export async function seed(pg: Client): Promise<{ clusterIds: string[]; seedMs: number }> {
  const t0 = performance.now();
  const q = (text: string, params: unknown[] = []) => pg.query(text, params);
  await q('SET synchronous_commit = off');
  const clusters = await q(
    `INSERT INTO cluster (id, name, source, source_config, environment, team, labels, schedule_minutes, updated_at)
     SELECT gen_random_uuid(), 'hist-' || lpad(c::text, 3, '0'), 'manifests', '{"paths":[]}', 'prod', 'platform', '{}', 60, now()
     FROM generate_series(0, $1 - 1) c RETURNING id`,
    [CLUSTERS],
  );
  // Snapshot times, newest first: hourly for 30 days, then daily for the rest of the year, then weekly.
  // `day` counts days from two years ago (0) to today (729): the posture set in force that day.
  await q(`CREATE TEMP TABLE hs AS
    WITH t AS (
      SELECT date_trunc('hour', now()) - make_interval(hours => h) AS at FROM generate_series(0, 719) h
      UNION ALL SELECT date_trunc('day', now()) - make_interval(days => d) FROM generate_series(30, 364) d
      UNION ALL SELECT date_trunc('day', now()) - make_interval(days => 365 + 7 * w) FROM generate_series(0, 51) w)
    SELECT c.id AS cluster_id, t.at, 729 - floor(extract(epoch FROM date_trunc('day', now()) - date_trunc('day', t.at)) / 86400)::int AS day
    FROM cluster c, t WHERE c.name LIKE 'hist-%'`);
  // A namespace's default-deny flips every 100 days, 20 namespaces a day: v(n, day).
  const v = (n: string, day: string) => `(((${day}) + 100 - ((${n}) / ${CHANGED_PER_DAY}) % 100) / 100) % 2 = 1`;
  await q(`CREATE TEMP TABLE hset AS
    SELECT DISTINCT cluster_id, day, (day / ${DAYS_PER_BASE}) * ${DAYS_PER_BASE} AS base_day FROM hs`);
  await q(`INSERT INTO hset SELECT DISTINCT cluster_id, base_day, base_day FROM hset h
    WHERE NOT EXISTS (SELECT 1 FROM hset x WHERE x.cluster_id = h.cluster_id AND x.day = h.base_day)`);
  await q(`ALTER TABLE hset ADD COLUMN hash char(64), ADD COLUMN base_hash char(64)`);
  await q(`UPDATE hset SET hash = encode(sha256(convert_to(cluster_id::text || ':' || day, 'UTF8')), 'hex'),
    base_hash = CASE WHEN day = base_day THEN NULL ELSE encode(sha256(convert_to(cluster_id::text || ':' || base_day, 'UTF8')), 'hex') END`);
  await q(`INSERT INTO posture_set (hash, size) SELECT hash, ${NAMESPACES} FROM hset WHERE base_hash IS NULL`);
  await q(`INSERT INTO posture_set (hash, size, base_hash) SELECT hash, ${NAMESPACES}, base_hash FROM hset WHERE base_hash IS NOT NULL`);
  // A namespace's detail as the engine writes it for ~10 pods in 5 workloads (about 1 KB).
  const detail = (on: boolean) =>
    JSON.stringify({
      pods: 10,
      ingress: { pods: 10, workloads: 5, isolatedPods: on ? 10 : 0, isolatedWorkloads: on ? 5 : 0, defaultDeny: on },
      egress: { pods: 10, workloads: 5, isolatedPods: on ? 10 : 0, isolatedWorkloads: on ? 5 : 0, defaultDeny: on },
      workloads: Array.from({ length: 5 }, (_, i) => ({ kind: 'Deployment', name: `app-${i}`, pods: 2, labels: { app: `app-${i}`, team: 'payments', tier: 'backend' }, ingressIsolated: on, egressIsolated: on, policies: on ? ['default-deny'] : [] })),
    });
  const entry = (on: string) => `'ns-' || lpad(n::text, 4, '0'), 10, 5, CASE WHEN ${on} THEN 10 ELSE 0 END, CASE WHEN ${on} THEN 10 ELSE 0 END,
      CASE WHEN ${on} THEN 5 ELSE 0 END, CASE WHEN ${on} THEN 5 ELSE 0 END, ${on}, ${on}, ${on}, ${on}, CASE WHEN ${on} THEN 1 ELSE 0 END,
      CASE WHEN ${on} THEN $1::jsonb ELSE $2::jsonb END`;
  const cols = `set_hash, namespace, pods, workloads, ingress_isolated_pods, egress_isolated_pods, ingress_isolated_workloads, egress_isolated_workloads,
      default_deny_ingress, default_deny_egress, effectively_isolated_ingress, effectively_isolated_egress, policies, detail`;
  // Full bases, then deltas: the namespaces whose state differs from the base's.
  await q(`INSERT INTO posture_set_entry (${cols}) SELECT h.hash, ${entry(v('n', 'h.day'))}
    FROM hset h, generate_series(0, ${NAMESPACES - 1}) n WHERE h.base_hash IS NULL`, [detail(true), detail(false)]);
  await q(`INSERT INTO posture_set_entry (${cols}) SELECT h.hash, ${entry(v('n', 'h.day'))}
    FROM hset h, generate_series(0, ${NAMESPACES - 1}) n WHERE h.base_hash IS NOT NULL AND (${v('n', 'h.day')}) <> (${v('n', 'h.base_day')})`, [detail(true), detail(false)]);
  await q(`INSERT INTO snapshot (id, cluster_id, status, trigger, started_at, schedule_minutes, finished_at, heartbeat_at, problems, policy_engine, counts, posture, posture_set_hash)
    SELECT gen_random_uuid(), s.cluster_id, 'succeeded', 'schedule', s.at, 60, s.at + interval '40 seconds', s.at + interval '40 seconds', '[]', 'azure',
      jsonb_build_object('namespaces', ${NAMESPACES}), '{}'::jsonb, h.hash
    FROM hs s JOIN hset h ON h.cluster_id = s.cluster_id AND h.day = s.day ORDER BY s.at`);
  await q('VACUUM (ANALYZE)');
  return { clusterIds: clusters.rows.map((r) => r.id as string), seedMs: performance.now() - t0 };
}

export async function runHistoryBench(): Promise<void> {
  console.log(
    `\n== history at fleet size: ${CLUSTERS} clusters × ${NAMESPACES} namespaces × 1,107 kept snapshots (2 years hourly under the default retention), ` +
      `posture as delta sets (1 % of namespaces change a day); one-year namespace history (target p95 ≤ ${TARGET_P95_MS} ms)`,
  );
  const t0 = performance.now();
  const db = await benchDatabase();
  const adminToken = `bench-admin-${randomBytes(16).toString('hex')}`;
  const env = { KORDON_DEMO: 'off', KORDON_SCHEDULER: 'off', LOG_LEVEL: 'silent', KORDON_SECRET_KEY: randomBytes(32).toString('base64'), KORDON_ADMIN_TOKEN: adminToken, DATABASE_URL: db.url };
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  try {
    const { clusterIds, seedMs } = await seed(pg);
    const sizes = await pg.query(`SELECT (SELECT count(*) FROM snapshot) AS snapshots, (SELECT count(*) FROM posture_set) AS sets,
      (SELECT count(*) FROM posture_set_entry) AS entries, pg_size_pretty(pg_database_size(current_database())) AS size`);
    const z = sizes.rows[0];
    console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s: ${z.snapshots} snapshots, ${z.sets} posture sets, ${z.entries} posture entries; database ${z.size}`);

    const to = new Date();
    const from = new Date(to.getTime() - 365 * 86_400_000);
    // Different clusters and namespaces, so no answer is served from a warm row set.
    const paths = Array.from({ length: 400 }, (_, i) => {
      const ns = `ns-${String((i * 37) % NAMESPACES).padStart(4, '0')}`;
      return `/api/clusters/${clusterIds[i % clusterIds.length]}/namespaces/${ns}/history?from=${from.toISOString()}&to=${to.toISOString()}&bucket=day`;
    });
    const endpoint: Endpoint = { name: 'history 1 yr', paths };
    const headers = { authorization: `Bearer ${adminToken}` };

    // The SQL alone, for one namespace (what the API's query costs the database).
    const sql = namespacePointsSql(clusterIds[0]!, 'ns-0123', from, to, 'day');
    const plan = await pg.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql.text}`, sql.values);
    const root = plan.rows[0]['QUERY PLAN'][0];
    console.log(`the history query alone (EXPLAIN ANALYZE): ${ms(root['Execution Time'])}, ${root.Plan['Actual Rows']} daily points, ${root.Plan['Shared Hit Blocks'] + root.Plan['Shared Read Blocks']} buffers`);

    api = await startApi({ ...env, KORDON_READ_CACHE_MB: '0' });
    const probe = await fetch(api.url + paths[0], { headers });
    const body = (await probe.json()) as { points?: unknown[] };
    if (probe.status !== 200 || !body.points?.length) throw new Error(`history answered ${probe.status}: ${JSON.stringify(body).slice(0, 300)}`);
    console.log(`probe: ${body.points.length} points in a one-year daily history`);
    const rounds: [string, Figures][] = [];
    const measure = async (label: string, connections: number, prime = false) => {
      await settle(api!.url);
      // As shipped, a history is computed once and served until a commit changes it: every path
      // is viewed once (its first view) before the clients start.
      if (prime) for (const path of paths) await fetch(api!.url + path, { headers }).then((r) => r.arrayBuffer());
      await load(api!.url, headers, endpoint, 2, connections);
      await settle(api!.url);
      const f = await load(api!.url, headers, endpoint, SECONDS, connections);
      rounds.push([label, f]);
      console.log(`${label.padEnd(52)} ${f.rps.toFixed(0).padStart(5)} req/s  p50 ${ms(f.p50).padStart(9)}  p95 ${ms(f.p95).padStart(9)}  p99 ${ms(f.p99).padStart(9)}  non-2xx ${f.non2xx}  errors ${f.errors}`);
      return f;
    };
    const lone = await measure('cache off, 1 client (a lone first view)', 1);
    await measure('cache off, 50 clients', 50);
    await stopApi(api);
    api = await startApi(env);
    const shipped = await measure('as shipped (cache on, each viewed once), 50 clients', 50, true);
    const ok = shipped.p95 <= TARGET_P95_MS && lone.p95 <= TARGET_P95_MS;
    console.log(`history at fleet size: lone first view p95 ${ms(lone.p95)}, as shipped p95 ${ms(shipped.p95)} (target ≤ ${TARGET_P95_MS} ms): ${ok ? 'ok' : 'MISSED'}`);
    if (rounds.some(([, f]) => f.non2xx > 0 || f.errors > 0)) throw new Error('some responses were not 2xx; see the figures above');
    console.log(`history bench total: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    if (api) await stopApi(api);
    await pg.end().catch(() => undefined);
    await db.drop();
  }
}
