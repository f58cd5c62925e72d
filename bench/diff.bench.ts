// Diff benchmark: two snapshots of the 20,000-pod synthetic cluster (2,000 namespaces, 5,000
// policies), the second with 1% of the policies edited and 1% of the workloads relabelled, both
// stored by the real snapshot service. Prints the engine's diff alone (sides analysed), the
// background diff the writer stores when a snapshot lands, the cold API diff (a process that
// analysed nothing), the first ask of a pair never stored (states rebuilt from the database and
// analysed) and the warm one (sides in memory), as times and as ratios to JSON.parse of the
// snapshot. Target: a diff under 1 s.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import request from 'supertest';
import { deriveWorkloads, normalizeNamespace, normalizePod, normalizeService } from '@kordon/collectors';
import { generateSyntheticCluster } from '@kordon/collectors/testing';
import { analyzePosture, analyzeReachability, diffClusterStates, type ClusterState, type NetworkPolicy } from '@kordon/policy-engine';
import { createApp } from '../apps/api/src/app.factory';
import { ClustersService } from '../apps/api/src/clusters/clusters.service';
import { parseEnv } from '../apps/api/src/config/env.schema';
import { DiffService } from '../apps/api/src/diff/diff.service';
import { SnapshotsService } from '../apps/api/src/snapshots/snapshots.service';
import { ADMIN_TOKEN } from '../apps/api/test/test-app';
import { benchDatabase } from './bench-db';

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;

export function buildState(): ClusterState {
  const raw = generateSyntheticCluster({ pods: 20000, namespaces: 2000, policies: 5000, seed: 42 });
  const pods = raw.pods.map(normalizePod);
  return {
    namespaces: raw.namespaces.map(normalizeNamespace),
    pods,
    networkPolicies: raw.networkPolicies as unknown as NetworkPolicy[],
    workloads: deriveWorkloads(pods),
    services: raw.services.map(normalizeService),
    networkProfile: { networkPlugin: 'azure', networkPolicy: 'azure' },
  };
}

/** 1% of the policies get an extra port rule; 1% of the workloads (and their pods) a new label value. */
export function churn(state: ClusterState): ClusterState {
  const copy = JSON.parse(JSON.stringify(state)) as ClusterState;
  copy.networkPolicies.forEach((p, i) => {
    if (i % 100 !== 0) return;
    p.spec.ingress = [...(p.spec.ingress ?? []), { ports: [{ port: 9999, protocol: 'TCP' }] }];
    p.spec.policyTypes = [...new Set([...(p.spec.policyTypes ?? ['Ingress']), 'Ingress'])] as NetworkPolicy['spec']['policyTypes'];
  });
  const moved = new Set<string>();
  (copy.workloads ?? []).forEach((w, i) => {
    if (i % 100 !== 0) return;
    w.labels = { ...w.labels, app: `${w.labels.app ?? w.name}-v2` };
    moved.add(`${w.namespace}/${w.kind}/${w.name}`);
  });
  for (const p of copy.pods) if (p.workload && moved.has(`${p.namespace}/${p.workload.kind}/${p.workload.name}`)) p.labels = { ...p.labels, app: `${p.labels.app ?? p.workload.name}-v2` };
  return copy;
}

export async function runDiffBench(): Promise<void> {
  console.log('\n== diff: two snapshots of a 20,000-pod cluster, 1% of policies and workload labels changed');
  const before = buildState();
  const after = churn(before);
  const text = JSON.stringify(before);
  let t0 = performance.now();
  JSON.parse(text);
  const parseMs = performance.now() - t0;

  // Engine alone, sides analysed (what a warm API answer costs on top of its cache).
  const side = (s: ClusterState) => {
    const posture = analyzePosture(s);
    const reachability = analyzeReachability(s);
    reachability.namespaceMatrix();
    return { state: s, posture, findings: [], reachability };
  };
  t0 = performance.now();
  const a = side(before);
  const analyseMs = performance.now() - t0;
  const b = side(after);
  t0 = performance.now();
  const d = diffClusterStates(a, b);
  const engineMs = performance.now() - t0;
  console.log(`JSON.parse of the snapshot: ${fmt(parseMs)}; analysing one side (posture + reachability + namespace matrix): ${fmt(analyseMs)}`);
  console.log(`engine diff of two analysed sides: ${fmt(engineMs)} (${(engineMs / parseMs).toFixed(2)}× parse): ${d.summary.policiesChanged} policies changed, ` +
    `${d.summary.labelChanges} label changes, ${d.summary.driftedPolicies} drifted, ${d.summary.pairsChanged} namespace pairs changed`);

  const db = await benchDatabase();
  const env = { ...parseEnv({ KORDON_DEMO: 'off', KORDON_SCHEDULER: 'off', LOG_LEVEL: 'silent', KORDON_SECRET_KEY: randomBytes(32).toString('base64'), KORDON_ADMIN_TOKEN: ADMIN_TOKEN }), databaseUrl: db.url };
  const app = await createApp(env);
  await app.init();
  // A second process on the same database, started after the snapshots: nothing analysed in memory.
  const fresh = async () => {
    const other = await createApp(env);
    await other.init();
    return other;
  };
  try {
    const cluster = await app.get(ClustersService).register({ name: 'bench-diff', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    const snaps = app.get(SnapshotsService);
    const now = Date.now();
    const s1 = await snaps.run(cluster.id, { trigger: 'seed', at: new Date(now - 2 * 3_600_000), collect: async () => ({ state: before, problems: [] }) });
    await app.get(DiffService).settled();
    const s2 = await snaps.run(cluster.id, { trigger: 'seed', at: new Date(now - 3_600_000), collect: async () => ({ state: after, problems: [] }) });
    t0 = performance.now();
    await app.get(DiffService).settled();
    const backgroundMs = performance.now() - t0;
    if (s1.status !== 'succeeded' || s2.status !== 'succeeded') throw new Error(`bench snapshots failed: ${JSON.stringify([s1, s2])}`);
    const get = (a: typeof app, query: Record<string, string>) => request(a.getHttpServer()).get(`/api/clusters/${cluster.id}/diff`).query(query).set({ Authorization: `Bearer ${ADMIN_TOKEN}` });
    const timed = async (a: typeof app, query: Record<string, string>) => {
      const t = performance.now();
      const res = await get(a, query);
      if (res.status !== 200) throw new Error(`diff answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
      return { ms: performance.now() - t, bytes: Buffer.byteLength(res.text) };
    };
    const pair = { from: s1.snapshotId!, to: s2.snapshotId! };
    // Cold: a process that analysed neither side; the pair was stored when s2 landed.
    const replica = await fresh();
    const cold = await timed(replica, pair).finally(() => replica.close());
    // First ask of a pair nobody stored (its row deleted): states rebuilt, analysed, diffed, stored.
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    await pg.query('DELETE FROM diff_result');
    await pg.end();
    const replica2 = await fresh();
    const first = await timed(replica2, pair);
    const analysedFirst = replica2.get(DiffService).analysed;
    // Warm: sides in memory, the diff recomputed (a variant not stored: another pair limit).
    const warm = await timed(replica2, { ...pair, pairLimit: '1999' }).finally(() => replica2.close());
    console.log(`diff against the previous snapshot, computed in the background when the snapshot landed: ${fmt(backgroundMs)} after the snapshot committed`);
    console.log(`API diff, cold (a process that analysed neither side; the pair stored when the snapshot landed): ${fmt(cold.ms)} (${(cold.ms / parseMs).toFixed(2)}× parse; ${(cold.bytes / 1e6).toFixed(1)} MB answer)  (target < 1 s)`);
    console.log(`API diff, first ask of a pair never stored (both states rebuilt from the database, ${analysedFirst} sides analysed, diffed, stored): ${fmt(first.ms)} (${(first.ms / parseMs).toFixed(1)}× parse)`);
    console.log(`API diff, warm (sides in memory, the diff recomputed): ${fmt(warm.ms)} (${(warm.ms / parseMs).toFixed(2)}× parse)`);
  } finally {
    await app.close();
    await db.drop();
  }
}
