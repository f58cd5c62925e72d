// The snapshot write is one transaction: if any part fails, none of its rows exist and the
// snapshot is still `running` (the service then marks it failed with the reason).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterState } from '@kordon/policy-engine';
import { deriveWorkloads } from '@kordon/collectors';
import { startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { buildSnapshotContent } from './snapshot-content';
import { SnapshotsRepository, type NamespacePostureRow } from './snapshots.repository';

const state: ClusterState = {
  namespaces: [{ name: 'payments', labels: { 'kubernetes.io/metadata.name': 'payments', team: 'payments' } }],
  pods: [{ namespace: 'payments', name: 'api-1', labels: { app: 'api' }, workload: { kind: 'Deployment', name: 'api' } }],
  networkPolicies: [{ metadata: { name: 'deny', namespace: 'payments' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } }],
};

describe('snapshot write transaction', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('writes nothing when a part of the snapshot fails', async () => {
    const cluster = await t.app.get(ClustersService).register({ name: 'tx-test', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    const repo = t.app.get(SnapshotsRepository);
    const at = new Date();
    const id = (await repo.start(cluster.id, 'manual', at))!;
    const content = buildSnapshotContent(state, deriveWorkloads(state.pods));
    const bad = { namespace: null } as unknown as NamespacePostureRow; // violates NOT NULL after the content inserts
    await expect(
      repo.complete(id, cluster.id, at, content, {
        kubernetesVersion: null, networkProfile: null, policyEngine: 'none', nodePools: null, services: null, counts: {}, problems: [], posture: {},
      }, [bad], new Date()),
    ).rejects.toThrow();
    for (const table of ['label_set', 'policy_object', 'workload_object', 'policy_set', 'namespace_set', 'namespace_posture']) {
      expect((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n, table).toBe('0');
    }
    const [row] = await t.sql<{ status: string }>(`SELECT status::text FROM snapshot WHERE id = $1`, [id]);
    expect(row.status).toBe('running');
  });
});
