// Ingest benchmark: a paged fake Kubernetes API serving 20,000 pods, 2,000 namespaces and
// 5,000 policies, read by the real client and written into PostgreSQL by the real snapshot
// service. Prints the first snapshot's time (target ≤ 10 s), its phases, and the rows a second,
// unchanged snapshot writes.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { collectFromKubernetes } from '@kordon/collectors';
import { analyzePosture } from '@kordon/policy-engine';
import { FakeKubeServer } from '@kordon/collectors/testing';
import { generateSyntheticCluster } from '@kordon/collectors/testing';
import { createApp } from '../apps/api/src/app.factory';
import { ClustersService } from '../apps/api/src/clusters/clusters.service';
import { parseEnv } from '../apps/api/src/config/env.schema';
import { DiffService } from '../apps/api/src/diff/diff.service';
import { SnapshotsService } from '../apps/api/src/snapshots/snapshots.service';
import { benchDatabase } from './bench-db';

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function runIngestBench(): Promise<void> {
  const size = { namespaces: 2000, pods: 20000, policies: 5000 };
  console.log(`\n== ingest: fake cluster with ${size.pods} pods, ${size.namespaces} namespaces, ${size.policies} policies (paged, limit 500)`);
  const dataset = generateSyntheticCluster({ ...size, crds: true, seed: 42 });
  const kube = await FakeKubeServer.start({ dataset });
  const db = await benchDatabase();
  const app = await createApp({
    ...parseEnv({ KORDON_DEMO: 'off', KORDON_SCHEDULER: 'off', LOG_LEVEL: 'silent', KORDON_SECRET_KEY: randomBytes(32).toString('base64') }),
    databaseUrl: db.url,
  });
  await app.init();
  try {
    // Phase figures: collection alone and analysis alone, to see where the time goes.
    let t0 = performance.now();
    const collected = await collectFromKubernetes({ kubeconfigYaml: kube.kubeconfig() });
    const collectMs = performance.now() - t0;
    if (!collected.state) throw new Error(`collect failed: ${JSON.stringify(collected.problems)}`);
    t0 = performance.now();
    analyzePosture(collected.state);
    const analyzeMs = performance.now() - t0;
    const listRequests = kube.requests.filter((r) => r.path.startsWith('/api/v1/pods')).length;

    const cluster = await app.get(ClustersService).register({ name: 'bench-20k', source: 'kubeconfig', kubeconfig: kube.kubeconfig() });
    const snapshots = app.get(SnapshotsService);
    t0 = performance.now();
    const first = await snapshots.run(cluster.id, { trigger: 'manual' });
    const firstMs = performance.now() - t0;
    // Each snapshot is timed alone: the diff the writer stores in the background when a snapshot
    // lands (against the previous one) is awaited between them and reported on its own.
    const diffs = app.get(DiffService);
    await diffs.settled();
    t0 = performance.now();
    const second = await snapshots.run(cluster.id, { trigger: 'manual' });
    const secondMs = performance.now() - t0;
    t0 = performance.now();
    await diffs.settled();
    const secondDiffMs = performance.now() - t0;
    if (first.status !== 'succeeded' || second.status !== 'succeeded') throw new Error(`snapshot failed: ${JSON.stringify([first, second])}`);
    // A 1%-changed cluster: every 100th pod relabelled (its workload, label set and posture
    // change), served by a second fake server the snapshot collects from.
    const changed = { ...dataset, pods: dataset.pods.map((p, i) => (i % 100 === 0 ? { ...p, metadata: { ...(p.metadata as Record<string, unknown>), labels: { ...(p.metadata as { labels?: Record<string, string> }).labels, 'bench-changed': 'yes' } } } : p)) };
    const kube2 = await FakeKubeServer.start({ dataset: changed });
    t0 = performance.now();
    const third = await snapshots.run(cluster.id, { trigger: 'manual', collect: (o) => collectFromKubernetes({ kubeconfigYaml: kube2.kubeconfig() }, o) });
    const thirdMs = performance.now() - t0;
    t0 = performance.now();
    await diffs.settled();
    const thirdDiffMs = performance.now() - t0;
    await kube2.close();
    if (third.status !== 'succeeded') throw new Error(`1%-changed snapshot failed: ${JSON.stringify(third)}`);

    const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
    const content = (r: Record<string, number>) => total(r) - (r.namespacePostures ?? 0) - (r.snapshots ?? 0);
    console.log(`collect only (${listRequests} paged pod requests): ${fmt(collectMs)}`);
    console.log(`engine posture only: ${fmt(analyzeMs)}`);
    console.log(`first snapshot end to end (collect + analyse + write): ${fmt(firstMs)}  (target ≤ 10 s)`);
    console.log(`  rows written: ${total(first.rowsWritten)} ${JSON.stringify(first.rowsWritten)}`);
    console.log(`second, unchanged snapshot: ${fmt(secondMs)}`);
    console.log(`  rows written: ${total(second.rowsWritten)} ${JSON.stringify(second.rowsWritten)}`);
    console.log(`  content rows written by the unchanged snapshot: ${content(second.rowsWritten)} (policies, label sets, workloads, sets)`);
    console.log(`third, 1%-changed snapshot (every 100th pod relabelled): ${fmt(thirdMs)}`);
    console.log(`  rows written: ${total(third.rowsWritten)} ${JSON.stringify(third.rowsWritten)}`);
    console.log(`background diff against the previous snapshot, after it landed: unchanged ${fmt(secondDiffMs)}, 1%-changed ${fmt(thirdDiffMs)} (not in the times above)`);
    console.log(`second/first snapshot time ratio: ${(secondMs / firstMs).toFixed(2)}  (target ≤ 0.3)`);
    console.log(`1%-changed/first snapshot time ratio: ${(thirdMs / firstMs).toFixed(2)}  (target ≤ 0.5)`);
  } finally {
    await app.close();
    await kube.close();
    await db.drop();
  }
}
