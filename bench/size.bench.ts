// Size benchmark: bytes the database grows by (tables, indexes and TOAST) for the first snapshot
// of the 20,000-pod synthetic cluster, for a second unchanged one, and for one with 1% of the
// policies and workload labels changed, each as a share of the first (targets < 1% and < 3%).
// From those, the size of a 200-cluster fleet snapshotted hourly for two years under the default
// retention.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createApp } from '../apps/api/src/app.factory';
import { ClustersService } from '../apps/api/src/clusters/clusters.service';
import { parseEnv } from '../apps/api/src/config/env.schema';
import { DiffService } from '../apps/api/src/diff/diff.service';
import { SnapshotsService } from '../apps/api/src/snapshots/snapshots.service';
import { benchDatabase } from './bench-db';
import { buildState, churn } from './diff.bench';

const MB = 1024 * 1024;

async function dbBytes(c: Client): Promise<number> {
  await c.query('CHECKPOINT');
  const r = await c.query<{ n: string }>(`SELECT sum(pg_total_relation_size(c.oid))::bigint AS n FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace`);
  return Number(r.rows[0]!.n);
}

/** Bytes per table (heap, indexes and TOAST). */
async function tableBytes(c: Client): Promise<Map<string, number>> {
  await c.query('CHECKPOINT');
  const r = await c.query<{ t: string; n: string }>(`SELECT c.relname AS t, pg_total_relation_size(c.oid)::bigint AS n FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace`);
  return new Map(r.rows.map((x) => [x.t, Number(x.n)]));
}

/** The tables that grew most from `a` to `b`, as "table +N KB". */
function growth(a: Map<string, number>, b: Map<string, number>): string {
  return [...b.entries()]
    .map(([t, n]) => [t, n - (a.get(t) ?? 0)] as const)
    .filter(([, d]) => d > 0)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6)
    .map(([t, d]) => `${t} +${(d / 1024).toFixed(0)} KB`)
    .join(', ');
}

export interface SizeFigures {
  first: number;
  unchanged: number;
  churned: number;
}

export async function runSizeBench(): Promise<SizeFigures> {
  console.log('\n== size: database bytes per snapshot of a 20,000-pod cluster (2,000 namespaces, 5,000 policies)');
  const before = buildState();
  const after = churn(before);
  const db = await benchDatabase();
  const app = await createApp({
    ...parseEnv({ KORDON_DEMO: 'off', KORDON_SCHEDULER: 'off', LOG_LEVEL: 'silent', KORDON_SECRET_KEY: randomBytes(32).toString('base64') }),
    databaseUrl: db.url,
  });
  await app.init();
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    const cluster = await app.get(ClustersService).register({ name: 'bench-size', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    const snaps = app.get(SnapshotsService);
    const now = Date.now();
    const take = async (state: typeof before, hoursAgo: number) => {
      const o = await snaps.run(cluster.id, { trigger: 'seed', at: new Date(now - hoursAgo * 3_600_000), collect: async () => ({ state, problems: [] }) });
      if (o.status !== 'succeeded') throw new Error(`bench snapshot failed: ${JSON.stringify(o)}`);
      // The diff against the previous snapshot is stored in the background: counted with the snapshot.
      await app.get(DiffService).settled();
    };
    const s0 = await dbBytes(c);
    const t0 = await tableBytes(c);
    await take(before, 3);
    const s1 = await dbBytes(c);
    const t1 = await tableBytes(c);
    await take(before, 2);
    const s2 = await dbBytes(c);
    const t2 = await tableBytes(c);
    await take(after, 1);
    const s3 = await dbBytes(c);
    const t3 = await tableBytes(c);
    const f: SizeFigures = { first: s1 - s0, unchanged: s2 - s1, churned: s3 - s2 };
    const share = (n: number) => `${((100 * n) / f.first).toFixed(2)} %`;
    console.log(`first snapshot: ${(f.first / MB).toFixed(1)} MB (${growth(t0, t1)})`);
    console.log(`additional unchanged snapshot: ${(f.unchanged / 1024).toFixed(0)} KB = ${share(f.unchanged)} of the first (target < 1 %): ${growth(t1, t2)}`);
    console.log(`additional snapshot, 1% of policies and labels changed: ${(f.churned / 1024).toFixed(0)} KB = ${share(f.churned)} of the first (target < 3 %): ${growth(t2, t3)}`);
    return f;
  } finally {
    await c.end();
    await app.close();
    await db.drop();
  }
}
