// Snapshots collected and analysed in analysis threads (AnalysisPool): the thread's answer is
// the one the API thread computes, byte for byte in what is stored; a snapshot stopped while its
// thread works (shutdown) is failed as interrupted with nothing written; small collected states
// stay on the API thread. Real fake Kubernetes servers, real PostgreSQL, real worker threads.
import { getPriority } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeKubeServer, generateSyntheticCluster } from '@kordon/collectors/testing';
import { collectFromKubernetes } from '@kordon/collectors';
import { startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { AnalysisPool, analysisThreads, IN_THREAD_PODS } from './analysis-pool';
import { SnapshotsService } from './snapshots.service';

const STORED = `SELECT policy_set_hash, workload_set_hash, namespace_set_hash, finding_set_hash, posture_set_hash, posture, counts, problems, policy_engine
               FROM snapshot WHERE id = $1`;

describe('analysis threads', () => {
  const kube: FakeKubeServer[] = [];
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const a of apps) await a.close();
    for (const k of kube) await k.close();
  });

  async function snapshotWith(threads: string, dataset: ReturnType<typeof generateSyntheticCluster>) {
    const t = await startTestApp({ KORDON_ANALYSIS_THREADS: threads });
    apps.push(t);
    const server = await FakeKubeServer.start({ dataset });
    kube.push(server);
    const cluster = await t.app.get(ClustersService).register({ name: `threads-${threads}`, source: 'kubeconfig', kubeconfig: server.kubeconfig() });
    const outcome = await t.app.get(SnapshotsService).run(cluster.id, { trigger: 'manual' });
    expect(outcome.status).toBe('succeeded');
    const [row] = await t.sql(STORED, [outcome.snapshotId]);
    return { t, row, pool: t.app.get(AnalysisPool) };
  }

  it('stores from a thread exactly what the API thread stores', async () => {
    const dataset = generateSyntheticCluster({ namespaces: 300, pods: 3000, policies: 700, crds: true, seed: 7 });
    const threaded = await snapshotWith('1', dataset);
    const inPlace = await snapshotWith('0', dataset);
    expect(threaded.pool.threads).toBe(1);
    expect(threaded.pool.counts).toEqual({ threaded: 1, inPlace: 0 });
    expect(inPlace.pool.threads).toBe(0);
    expect(inPlace.pool.counts).toEqual({ threaded: 0, inPlace: 1 });
    expect(threaded.row.policy_set_hash).toBeTruthy();
    expect(threaded.row).toEqual(inPlace.row);
  });

  it('analyses a large state collected on the API thread in a thread, a small one in place', async () => {
    const t = apps[0]!;
    const pool = t.app.get(AnalysisPool);
    const server = kube[0]!;
    const cluster = await t.app.get(ClustersService).register({ name: 'collected-here', source: 'kubeconfig', kubeconfig: server.kubeconfig() });
    const before = { ...pool.counts };
    const big = await t.app.get(SnapshotsService).run(cluster.id, { trigger: 'manual', collect: (o) => collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() }, o) });
    expect(big.status).toBe('succeeded');
    expect(pool.counts.threaded).toBe(before.threaded + 1);
    const small = generateSyntheticCluster({ namespaces: 5, pods: IN_THREAD_PODS / 10, policies: 10, seed: 3 });
    const smallServer = await FakeKubeServer.start({ dataset: small });
    kube.push(smallServer);
    const tiny = await t.app.get(SnapshotsService).run(cluster.id, { trigger: 'manual', collect: (o) => collectFromKubernetes({ kubeconfigYaml: smallServer.kubeconfig() }, o) });
    expect(tiny.status).toBe('succeeded');
    expect(pool.counts).toEqual({ threaded: before.threaded + 1, inPlace: before.inPlace + 1 });
  });

  it('fails a snapshot whose thread is still collecting at shutdown as interrupted, writing nothing', async () => {
    const t = await startTestApp({ KORDON_ANALYSIS_THREADS: '1' });
    const slow = await FakeKubeServer.start({ dataset: generateSyntheticCluster({ namespaces: 20, pods: 200, policies: 20, seed: 5 }), hang: ['pods'] });
    kube.push(slow);
    const cluster = await t.app.get(ClustersService).register({ name: 'hangs', source: 'kubeconfig', kubeconfig: slow.kubeconfig() });
    const running = t.app.get(SnapshotsService).run(cluster.id, { trigger: 'manual' });
    // Wait until the thread is reading pods, then stop the API.
    for (let i = 0; i < 100 && !slow.requests.some((r) => r.path.startsWith('/api/v1/pods')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(slow.requests.some((r) => r.path.startsWith('/api/v1/pods'))).toBe(true);
    const closing = t.app.close();
    const outcome = await running;
    await closing;
    expect(outcome).toMatchObject({ status: 'failed', reason: 'interrupted: the API stopped while the snapshot was running' });
    const rows = await t.sql(`SELECT status, policy_set_hash FROM snapshot WHERE cluster_id = $1`, [cluster.id]);
    await t.close();
    expect(rows).toEqual([{ status: 'failed', policy_set_hash: null }]);
  });

  it.runIf(process.platform === 'linux')('runs its threads at KORDON_ANALYSIS_NICE (default 10), the API thread unchanged', async () => {
    const before = getPriority();
    const pool = apps[0]!.app.get(AnalysisPool);
    expect(await pool.priorities()).toEqual([10]);
    expect(getPriority()).toBe(before);
  });

  it('sizes the pool from the configuration', () => {
    expect(analysisThreads({ KORDON_ANALYSIS_THREADS: 0, KORDON_WORKER_CONCURRENCY: 4 })).toBe(0);
    expect(analysisThreads({ KORDON_ANALYSIS_THREADS: 3, KORDON_WORKER_CONCURRENCY: 1 })).toBe(3);
    expect(analysisThreads({ KORDON_ANALYSIS_THREADS: 'auto', KORDON_WORKER_CONCURRENCY: 0 })).toBe(0);
    expect(analysisThreads({ KORDON_ANALYSIS_THREADS: 'auto', KORDON_WORKER_CONCURRENCY: 1 })).toBe(1);
  });
});
