// An analysis thread left idle past the pool's idle timeout ends, and the next snapshot starts
// another. Run from the sources, the ending thread once took the whole process with it (SIGSEGV
// when swc's native binding, loaded by that thread alone, was unloaded): this file's vitest fork
// died at the second task.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeKubeServer, generateSyntheticCluster } from '@kordon/collectors/testing';
import { parseEnv } from '../config/env.schema';
import { AnalysisPool } from './analysis-pool';

describe('analysis threads that go idle', () => {
  const pools: AnalysisPool[] = [];
  let kube: FakeKubeServer | undefined;
  afterAll(async () => {
    for (const p of pools) await p.onApplicationShutdown();
    await kube?.close();
  });

  it('end after the idle timeout, and the next snapshot runs in a new thread, process intact', async () => {
    kube = await FakeKubeServer.start({ dataset: generateSyntheticCluster({ namespaces: 3, pods: 12, policies: 4, seed: 21 }) });
    const config = { ...parseEnv({ KORDON_DEMO: 'off', KORDON_SCHEDULER: 'off', KORDON_ANALYSIS_THREADS: '1', LOG_LEVEL: 'silent', KORDON_SECRET_KEY: randomBytes(32).toString('base64') }), databaseUrl: 'postgres://unused' };
    const pool = new AnalysisPool(config);
    pools.push(pool);
    pool.idleTimeoutMs = 500;
    const namespaces: number[] = [];
    const threadsAfterIdle: number[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await pool.run({ source: { kind: 'kubernetes', kubeconfigYaml: kube.kubeconfig() }, at: new Date().toISOString() }, {});
      namespaces.push(out.analysed?.postureRows.length ?? -1);
      // Idle well past the timeout: the thread ends before the next task.
      await new Promise((r) => setTimeout(r, 2_000));
      threadsAfterIdle.push(pool.liveThreads());
    }
    // Each idle spell really ended the thread, so each task ran in a new one.
    expect(threadsAfterIdle).toEqual([0, 0, 0]);
    expect(pool.counts.threaded).toBe(3);
    // The same cluster analysed each time: one posture row per namespace, every time.
    expect(new Set(namespaces).size).toBe(1);
    expect(namespaces[0]).toBeGreaterThan(0);
  }, 60_000);
});
