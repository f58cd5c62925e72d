// Page benchmark (issue 8, "Fast"): time to first content of the dashboard's fleet, cluster and
// namespace pages on the bench dataset (50 clusters × 365 daily snapshots × 40 namespaces, plus
// one cluster with 2,000 namespaces and 20,000 pods snapshotted through the real pipeline),
// beside the API calls behind each page and Next.js's own floor (its not-found page).
//
// The web app (the production build, `next start`) reaches the API through a recording proxy, so
// each page request's API calls are known exactly: their span (the union of their intervals,
// since a page makes them in parallel) is "its API calls". Target per page:
//   page ≤ its API calls + 1.5 × floor, and page < 1 s.
// Requests are sequential (one user), after warm-up; the API runs as shipped (read cache on), and
// each round of a page cycles over different clusters and namespaces. Browser figures
// (First Contentful Paint in Chromium) are printed beside the server's.
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { FakeKubeServer, generateSyntheticCluster } from '@kordon/collectors/testing';
import { createApp } from '../apps/api/src/app.factory';
import { ClustersService } from '../apps/api/src/clusters/clusters.service';
import { parseEnv } from '../apps/api/src/config/env.schema';
import { SnapshotsService } from '../apps/api/src/snapshots/snapshots.service';
import { launchBrowser, startWeb } from '../test/browser/browser';
import { signIn } from '../test/browser/product';
import { percentile, startApi, stopApi } from './api.bench';
import { benchDatabase } from './bench-db';
import { seedHistory } from './seed-history';

const SIZE = { clusters: 50, days: 365, namespaces: 40 };
const ROUNDS = Number(process.env.BENCH_PAGE_ROUNDS ?? 20);
const WARMUP = 3;
const BROWSER_ROUNDS = 5;
const TARGET_MS = 1000;

interface ApiCall {
  path: string;
  start: number;
  end: number;
}

/** An HTTP proxy in front of the API that records every call's path and interval. */
function recordingProxy(apiUrl: string): Promise<{ url: string; calls: ApiCall[]; server: Server }> {
  const target = new URL(apiUrl);
  const calls: ApiCall[] = [];
  const server = createServer((req, res) => {
    const call: ApiCall = { path: req.url ?? '', start: performance.now(), end: 0 };
    const up = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
        upRes.on('end', () => {
          call.end = performance.now();
          calls.push(call);
        });
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls, server })),
  );
}

/** Length of the union of intervals: the wall time during which at least one API call ran. */
function span(calls: ApiCall[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = -1;
  let curEnd = -1;
  for (const c of sorted) {
    if (c.start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = c.start;
      curEnd = c.end;
    } else curEnd = Math.max(curEnd, c.end);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const p95 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 95);
const ms = (v: number) => `${v.toFixed(1)} ms`;

interface PageCase {
  name: string;
  paths: string[];
}

interface PageFigures {
  status: number;
  page: number[];
  ttfb: number[];
  api: number[];
  calls: number;
  sample: string[];
}

async function measure(webUrl: string, cookie: string, proxy: { calls: ApiCall[] }, c: PageCase, rounds: number): Promise<PageFigures> {
  const f: PageFigures = { status: 0, page: [], ttfb: [], api: [], calls: 0, sample: [] };
  for (let i = 0; i < rounds; i++) {
    const path = c.paths[i % c.paths.length]!;
    proxy.calls.length = 0;
    const t0 = performance.now();
    const res = await fetch(webUrl + path, { headers: { cookie }, redirect: 'manual' });
    const tHead = performance.now();
    await res.text();
    const t1 = performance.now();
    // Calls still in flight when the page ended belong to it too (none should be).
    await new Promise((r) => setTimeout(r, 5));
    f.status = res.status;
    f.page.push(t1 - t0);
    f.ttfb.push(tHead - t0);
    const mine = proxy.calls.filter((x) => x.start >= t0);
    f.api.push(span(mine));
    f.calls = mine.length;
    if (i === 0) f.sample = mine.map((x) => x.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, ':id'));
  }
  return f;
}

export async function runPagesBench(): Promise<void> {
  console.log(
    `\n== pages: time to first content on ${SIZE.clusters} clusters × ${SIZE.days} daily snapshots × ${SIZE.namespaces} namespaces + one cluster with 2,000 namespaces (target: page ≤ its API calls + 1.5 × Next's floor, and < ${TARGET_MS} ms)`,
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
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  let kube: FakeKubeServer | undefined;
  let proxy: Awaited<ReturnType<typeof recordingProxy>> | undefined;
  let web: Awaited<ReturnType<typeof startWeb>> | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  try {
    const seeder = await createApp({ ...parseEnv(env), databaseUrl: db.url });
    await seeder.init();
    let bigId = '';
    let clusterIds: string[] = [];
    let appNamespaces: string[] = [];
    try {
      const fleet = await seedHistory(seeder, db.url, SIZE);
      console.log(`seeded the fleet in ${(fleet.seedMs / 1000).toFixed(1)} s`);
      kube = await FakeKubeServer.start({ dataset: generateSyntheticCluster({ namespaces: 2000, pods: 20000, policies: 5000, crds: true, seed: 42 }) });
      const big = await seeder.get(ClustersService).register({ name: 'bench-2000-namespaces', source: 'kubeconfig', kubeconfig: kube.kubeconfig() });
      const snap = await seeder.get(SnapshotsService).run(big.id, { trigger: 'manual' });
      if (snap.status !== 'succeeded') throw new Error(`snapshot of the 2,000-namespace cluster failed: ${JSON.stringify(snap)}`);
      bigId = big.id;
      clusterIds = fleet.clusterIds;
      appNamespaces = fleet.appNamespaces;
    } finally {
      await seeder.close();
    }
    await kube.close();
    kube = undefined;

    api = await startApi(env);
    proxy = await recordingProxy(api.url);
    const sessionSecret = randomBytes(32).toString('base64url');
    // BENCH_PAGE_CPU_PROF=<dir>: the web server writes a V8 CPU profile there when it stops.
    const nodeArgs = process.env.BENCH_PAGE_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PAGE_CPU_PROF}`] : [];
    web = await startWeb({ apiUrl: proxy.url, env: { KORDON_SESSION_SECRET: sessionSecret }, nodeArgs, timeoutMs: 180_000 });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await signIn(page, web.url, adminToken);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

    const bigNs = await fetch(`${api.url}/api/clusters/${bigId}/posture?limit=3&sort=-pods`, { headers: { authorization: `Bearer ${adminToken}` } })
      .then((r) => r.json() as Promise<{ items: { name: string }[] }>)
      .then((b) => b.items.map((i) => i.name));
    const cases: PageCase[] = [
      { name: "Next.js floor: its not-found page", paths: ['/bench-no-such-page'] },
      { name: 'fleet  /', paths: ['/'] },
      { name: 'cluster  /clusters/:id (40 namespaces, a year of history)', paths: clusterIds.slice(0, 10).map((id) => `/clusters/${id}`) },
      { name: 'cluster  /clusters/:id (2,000 namespaces)', paths: [`/clusters/${bigId}`] },
      {
        name: 'namespace  /clusters/:id/namespaces/:ns',
        paths: clusterIds.slice(0, 10).map((id, i) => `/clusters/${id}/namespaces/${appNamespaces[i % appNamespaces.length]}`),
      },
      { name: 'namespace  /clusters/:id/namespaces/:ns (2,000-namespace cluster)', paths: bigNs.map((ns) => `/clusters/${bigId}/namespaces/${ns}`) },
    ];

    const results = new Map<string, PageFigures>();
    for (const c of cases) {
      await measure(web.url, cookie, proxy, c, WARMUP);
      results.set(c.name, await measure(web.url, cookie, proxy, c, ROUNDS));
    }
    const floor = median(results.get(cases[0]!.name)!.page);
    console.log(`\nserver: ${ROUNDS} sequential requests per page after ${WARMUP} warm-up (HTML complete; API span = union of the page's API calls)`);
    console.log(`${'page'.padEnd(66)} ${'status'.padStart(6)} ${'p50'.padStart(9)} ${'p95'.padStart(9)} ${'TTFB p50'.padStart(9)} ${'API p50'.padStart(9)} calls  verdict`);
    for (const c of cases) {
      const f = results.get(c.name)!;
      const pageMed = median(f.page);
      const apiMed = median(f.api);
      const budget = apiMed + 1.5 * floor;
      const isFloor = c === cases[0];
      const ok = f.status === 200 && pageMed <= budget && p95(f.page) < TARGET_MS;
      const verdict = isFloor ? '' : f.status !== 200 ? `answers ${f.status}` : `${ok ? 'ok' : 'MISSED'} (budget ${ms(budget)}; page − API = ${(pageMed - apiMed) / floor >= 0 ? ((pageMed - apiMed) / floor).toFixed(2) : '0'} × floor)`;
      console.log(
        `${c.name.padEnd(66)} ${String(f.status).padStart(6)} ${ms(pageMed).padStart(9)} ${ms(p95(f.page)).padStart(9)} ${ms(median(f.ttfb)).padStart(9)} ${ms(apiMed).padStart(9)} ${String(f.calls).padStart(5)}  ${verdict}`,
      );
      if (!isFloor && f.sample.length) console.log(`    API calls: ${f.sample.join('  ')}`);
    }

    console.log(`\nbrowser: First Contentful Paint in Chromium, median of ${BROWSER_ROUNDS} loads`);
    for (const c of cases) {
      const fcps: number[] = [];
      for (let i = 0; i < BROWSER_ROUNDS; i++) {
        await page.goto(web.url + c.paths[i % c.paths.length]!, { waitUntil: 'load' });
        // A string, so the bundler's import of node:perf_hooks' `performance` is not pulled in.
        const fcp = (await page.evaluate(`new Promise((resolve) => {
          const e = window.performance.getEntriesByName('first-contentful-paint')[0];
          if (e) return resolve(e.startTime);
          new PerformanceObserver((l) => resolve(l.getEntries()[0].startTime)).observe({ type: 'paint', buffered: true });
          setTimeout(() => resolve(NaN), 3000);
        })`)) as number;
        fcps.push(fcp);
      }
      console.log(`${c.name.padEnd(66)} FCP ${ms(median(fcps)).padStart(9)}`);
    }
    console.log(`pages bench total: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } finally {
    await browser?.close().catch(() => undefined);
    await web?.stop();
    proxy?.server.close();
    if (api) await stopApi(api);
    await kube?.close();
    await db.drop();
  }
}
