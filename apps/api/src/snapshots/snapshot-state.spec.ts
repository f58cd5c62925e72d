// A stored snapshot rebuilds to the state it was analysed from: the engine gives the same posture
// (and the same stored posture rows) and the same connections on the rebuilt state as on the
// collected one. Against the real database: the demo clusters plus a small edge-case input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { collectFromManifestText, collectFromManifests, type CollectResult } from '@kordon/collectors';
import { analyzePosture, analyzeReachability, type ClusterPosture, type ClusterState } from '@kordon/policy-engine';
import { startTestApp, type TestApp } from '../../test/test-app';
import { ClustersService } from '../clusters/clusters.service';
import { REPO_ROOT } from '../common/paths';
import { toPostureRows } from './posture-rows';
import { SnapshotStateLoader } from './snapshot-state';
import { SnapshotsRepository } from './snapshots.repository';
import { SnapshotsService } from './snapshots.service';

const EDGE_CASES = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: web } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  replicas: 2
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: c, ports: [{ name: http, containerPort: 8080 }, { containerPort: 53, protocol: UDP }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: debug, namespace: shop, labels: { app: debug } }
spec: { hostNetwork: true, nodeName: node-1, containers: [{ name: c }] }
status: { phase: Running, podIP: 10.0.0.9 }
---
apiVersion: v1
kind: Pod
metadata: { name: migrate, namespace: shop, labels: { app: migrate } }
spec: { containers: [{ name: c }] }
status: { phase: Succeeded }
---
# No namespace: applied into default, and stored byte-for-byte without one.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny-all }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api-in, namespace: shop }
spec:
  podSelector: { matchLabels: { app: api } }
  ingress: [{ from: [{ podSelector: { matchLabels: { app: debug } } }, { ipBlock: { cidr: 10.1.0.0/16, except: [10.1.2.0/24] } }], ports: [{ port: http }] }]
  egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: UDP }] }]
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: { name: fqdn }
spec: { endpointSelector: { matchLabels: { app: api } }, egress: [{ toFQDNs: [{ matchName: example.com }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { type: LoadBalancer, selector: { app: api }, loadBalancerSourceRanges: [203.0.113.0/24] }
`;

const AKS = JSON.stringify({
  name: 'edge',
  kubernetesVersion: '1.30.4',
  networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium', networkDataplane: 'cilium', podCidr: '10.244.0.0/16' },
  agentPoolProfiles: [{ name: 'sys', osType: 'Linux', count: 3, mode: 'System' }, { name: 'win', osType: 'Windows', count: 1, mode: 'User' }],
});

function unordered(p: ClusterPosture) {
  const key = (x: object) => JSON.stringify(x);
  return { ...p, notEvaluated: [...p.notEvaluated].sort((a, b) => key(a).localeCompare(key(b))), problems: [...p.problems].sort((a, b) => key(a).localeCompare(key(b))) };
}

describe('loadSnapshotState', () => {
  let t: TestApp;
  let n = 0;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function snapshotOf(collected: CollectResult): Promise<{ id: string; state: ClusterState }> {
    const cluster = await t.app.get(ClustersService).register({ name: `state-${++n}`, source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    const outcome = await t.app.get(SnapshotsService).run(cluster.id, { trigger: 'manual', collect: async () => collected });
    expect(outcome.status).toBe('succeeded');
    return { id: outcome.snapshotId!, state: collected.state! };
  }

  async function expectRoundTrip(collected: CollectResult) {
    const { id, state } = await snapshotOf(collected);
    const loaded = await t.app.get(SnapshotStateLoader).loadSnapshotState(id);
    expect(loaded).not.toBeNull();
    const excluded = t.config.KORDON_EXCLUDED_NAMESPACES.length ? { excludedNamespaces: t.config.KORDON_EXCLUDED_NAMESPACES } : {};
    const before = analyzePosture(state, excluded);
    const after = analyzePosture(loaded!, excluded);
    // Sets are unordered, so policies come back in a canonical order: the engine's lists that
    // follow input order (what it did not evaluate, problems) are compared as sets.
    expect(unordered(after)).toEqual(unordered(before));

    // The rows stored with the snapshot are what the rebuilt state yields.
    const stored = await t.app.get(SnapshotsRepository).namespacePostures(id);
    const rows = toPostureRows(after);
    expect(stored.map((r) => ({ ...r, snapshotId: undefined, clusterId: undefined, takenAt: undefined }))).toEqual(
      rows.map((r) => expect.objectContaining({ ...r, detail: JSON.parse(JSON.stringify(r.detail)) })),
    );

    expect(analyzeReachability(loaded!).connections()).toEqual(analyzeReachability(state).connections());
    return { loaded: loaded!, state };
  }

  it.each(['aks-prod-weu', 'aks-prod-neu', 'aks-stg-calico', 'aks-dev-sandbox'])('round-trips the demo cluster %s', async (name) => {
    const collected = await collectFromManifests(resolve(REPO_ROOT, 'demo/clusters', name));
    const { loaded, state } = await expectRoundTrip(collected);
    expect(loaded.crdPolicies?.length).toBe(state.crdPolicies?.length ?? 0);
    expect(loaded.nodePools).toEqual(state.nodePools);
    expect(loaded.networkProfile).toEqual(state.networkProfile);
  });

  it('round-trips defaulted namespaces, bare, host-network and terminated pods, named ports, CRDs and the profile', async () => {
    const collected = collectFromManifestText([{ name: 'edge.yaml', text: EDGE_CASES }, { name: 'aks.json', text: AKS }]);
    expect(collected.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const { loaded } = await expectRoundTrip(collected);
    const deny = loaded.networkPolicies.find((p) => p.metadata.name === 'deny-all')!;
    expect(deny.metadata.namespace).toBe('default');
    expect(loaded.crdPolicies?.map((c) => `${c.kind}/${c.metadata.namespace}/${c.metadata.name}`)).toEqual(['CiliumNetworkPolicy/default/fqdn']);
    const debug = loaded.pods.find((p) => p.name === 'debug')!;
    expect(debug).toMatchObject({ hostNetwork: true, nodeName: 'node-1', ips: ['10.0.0.9'], phase: 'Running' });
    expect(debug.workload).toBeUndefined();
    expect(loaded.pods.filter((p) => p.workload?.name === 'api')).toHaveLength(2);
    expect(loaded.kubernetesVersion).toBe('1.30.4');
    expect(loaded.services).toEqual(collected.state!.services);
  });

  it('is null for an unknown or unfinished snapshot', async () => {
    const loader = t.app.get(SnapshotStateLoader);
    expect(await loader.loadSnapshotState('00000000-0000-4000-8000-000000000000')).toBeNull();
    const cluster = await t.app.get(ClustersService).register({ name: 'state-running', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    const id = (await t.app.get(SnapshotsRepository).start(cluster.id, 'manual', new Date()))!;
    expect(await loader.loadSnapshotState(id)).toBeNull();
  });
});
