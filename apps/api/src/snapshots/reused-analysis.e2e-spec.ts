// An unchanged cluster's snapshot reuses its previous snapshot's analysis (same analysis key):
// it stores exactly what a full analysis stores (same sets, posture, counts, problems), its own
// times and digest, and the chain verifies; a change, another UTC day (findings grade deadlines
// by day) or other excluded namespaces analyse again.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeServer, generateSyntheticCluster } from '@kordon/collectors/testing';
import { collectFromKubernetes } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { SnapshotsService } from './snapshots.service';

const ROW = `SELECT analysis_key, policy_set_hash, workload_set_hash, namespace_set_hash, finding_set_hash, posture_set_hash,
                    kubernetes_version, network_profile, policy_engine, node_pools, services, counts, problems, posture
             FROM snapshot WHERE id = $1`;

describe('reused analysis', () => {
  let t: TestApp;
  let kube: FakeKubeServer;
  const dataset = generateSyntheticCluster({ namespaces: 40, pods: 400, policies: 90, crds: true, seed: 11 });

  beforeAll(async () => {
    t = await startTestApp({ KORDON_ANALYSIS_THREADS: '1' });
    kube = await FakeKubeServer.start({ dataset });
  });
  afterAll(async () => {
    await t.close();
    await kube.close();
  });

  it('reuses the analysis of an unchanged cluster, stores the same, and keeps the chain', async () => {
    const service = t.app.get(SnapshotsService);
    const cluster = await t.app.get(ClustersService).register({ name: 'reuse', source: 'kubeconfig', kubeconfig: kube.kubeconfig() });
    const day = Date.UTC(2026, 11, 7, 8);
    const first = await service.run(cluster.id, { trigger: 'manual', at: new Date(day) });
    const before = service.reusedAnalyses;
    const second = await service.run(cluster.id, { trigger: 'manual', at: new Date(day + 3_600_000) });
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
    expect(service.reusedAnalyses).toBe(before + 1);
    const [a] = await t.sql(ROW, [first.snapshotId]);
    const [b] = await t.sql(ROW, [second.snapshotId]);
    expect(a.analysis_key).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toEqual(a);
    if (second.status === 'succeeded') expect(second.rowsWritten).toMatchObject({ snapshots: 1, namespacePostures: 0, policyObjects: 0, postureSets: 0 });

    // The next UTC day analyses again (same content, so the same sets), as does a changed cluster.
    const nextDay = await service.run(cluster.id, { trigger: 'manual', at: new Date(day + 24 * 3_600_000) });
    expect(service.reusedAnalyses).toBe(before + 1);
    const [c] = await t.sql(ROW, [nextDay.snapshotId]);
    expect(c.analysis_key).not.toBe(a.analysis_key);
    expect(c.posture_set_hash).toBe(a.posture_set_hash);
    const changed = { ...dataset, pods: dataset.pods.map((p, i) => (i === 0 ? { ...p, metadata: { ...(p.metadata as Record<string, unknown>), labels: { moved: 'yes' } } } : p)) };
    const kube2 = await FakeKubeServer.start({ dataset: changed });
    try {
      const moved = await service.run(cluster.id, { trigger: 'manual', at: new Date(day + 25 * 3_600_000), collect: (o) => collectFromKubernetes({ kubeconfigYaml: kube2.kubeconfig() }, o) });
      expect(moved.status).toBe('succeeded');
      expect(service.reusedAnalyses).toBe(before + 1);
      const [d] = await t.sql(ROW, [moved.snapshotId]);
      expect(d.workload_set_hash).not.toBe(a.workload_set_hash);
    } finally {
      await kube2.close();
    }

    // Every snapshot has its own digest, chained, and the chain verifies.
    const digests = await t.sql(`SELECT digest, prev_digest FROM snapshot WHERE cluster_id = $1 ORDER BY started_at`, [cluster.id]);
    expect(new Set(digests.map((r) => r.digest)).size).toBe(4);
    for (let i = 1; i < digests.length; i++) expect(digests[i].prev_digest).toBe(digests[i - 1].digest);
    const verify = await request(t.app.getHttpServer()).get('/api/evidence/verify').query({ clusterId: cluster.id }).set({ Authorization: `Bearer ${ADMIN_TOKEN}` }).expect(200);
    expect(verify.body).toMatchObject({ ok: true });
  });
});
