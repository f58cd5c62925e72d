// The namespace matrix is computed from baselines per namespace group plus the class pairs some
// specific peer relates, merged row by row (see computeMatrix). This checks it against the
// straightforward definition, on seeded synthetic clusters large enough to have many namespace
// groups, shared and per-namespace classes, non-uniform workloads and named ports: per ordered
// namespace pair, the union of `between` over every pair of distinct workloads.
import { describe, expect, it } from 'vitest';
import { ConnectionSet } from './connections';
import type { ClusterState, ContainerPort, Labels, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PodInfo, WorkloadInfo } from './model';
import { analyzeReachability } from './reachability';

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = ['a', 'b', 'c', 'd'];
const APPS = ['web', 'api', 'db', 'cache', 'worker'];
const PORTS: ContainerPort[][] = [
  [{ name: 'http', containerPort: 8080 }],
  [{ name: 'http', containerPort: 80 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }],
  [{ name: 'metrics', containerPort: 9090 }],
  [],
];

/** A random cluster: `nsCount` namespaces, workloads of 1-4 pods, policies of the usual shapes. */
function syntheticCluster(seed: number, nsCount: number): ClusterState {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  const namespaces = Array.from({ length: nsCount }, (_, i) => ({
    name: `ns-${String(i).padStart(2, '0')}`,
    labels: chance(0.8) ? { team: pick(TEAMS), ...(chance(0.5) ? { env: pick(['prod', 'dev']) } : {}) } : {},
  }));
  const pods: PodInfo[] = [];
  const workloads: WorkloadInfo[] = [];
  for (const ns of namespaces) {
    const count = Math.floor(rand() * 5);
    for (let w = 0; w < count; w++) {
      const app = pick(APPS);
      const name = `${app}-${w}`;
      const labels: Labels = { app, ...(chance(0.3) ? { tier: pick(['fe', 'be']) } : {}) };
      const ports = pick(PORTS);
      if (chance(0.1)) {
        // Manifests only: evaluated on the template.
        workloads.push({ namespace: ns.name, kind: 'Deployment', name, labels, podCount: 0, ports });
        continue;
      }
      const replicas = 1 + Math.floor(rand() * 4);
      const kind = chance(0.2) ? 'StatefulSet' : 'Deployment';
      for (let r = 0; r < replicas; r++) {
        // Some workloads differ per pod (a rollout, a per-pod label), some pods are finished.
        const podLabels = kind === 'StatefulSet' && chance(0.5) ? { ...labels, index: String(r) } : labels;
        pods.push({
          namespace: ns.name,
          name: `${name}-${r}`,
          labels: podLabels,
          ports: chance(0.1) ? pick(PORTS) : ports,
          workload: { kind, name },
          ...(chance(0.05) ? { hostNetwork: true } : {}),
          ...(chance(0.05) ? { phase: 'Succeeded' } : {}),
        });
      }
    }
    if (chance(0.1)) pods.push({ namespace: ns.name, name: 'debug', labels: { app: 'debug' } });
  }
  const selector = (): LabelSelector =>
    pick<LabelSelector>([
      {},
      { matchLabels: { app: pick(APPS) } },
      { matchExpressions: [{ key: 'app', operator: 'In', values: [pick(APPS), pick(APPS)] }] },
      { matchExpressions: [{ key: 'tier', operator: pick(['Exists', 'DoesNotExist']) }] },
    ]);
  const nsSelector = (): LabelSelector =>
    pick<LabelSelector>([
      {},
      { matchLabels: { team: pick(TEAMS) } },
      { matchLabels: { 'kubernetes.io/metadata.name': pick(namespaces).name } },
      { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
    ]);
  const peer = (): NetworkPolicyPeer =>
    pick<() => NetworkPolicyPeer>([
      () => ({ podSelector: selector() }),
      () => ({ namespaceSelector: nsSelector() }),
      () => ({ namespaceSelector: nsSelector(), podSelector: selector() }),
      () => ({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] } }),
    ])();
  const port = (): NetworkPolicyPort =>
    pick<NetworkPolicyPort>([{ port: 80 }, { port: 'http' }, { port: 'dns', protocol: 'UDP' }, { port: 8000, endPort: 8090 }, { protocol: 'UDP' }]);
  const rule = (key: 'from' | 'to') => ({
    ...(chance(0.85) ? { [key]: Array.from({ length: 1 + Math.floor(rand() * 2) }, peer) } : {}),
    ...(chance(0.6) ? { ports: Array.from({ length: 1 + Math.floor(rand() * 2) }, port) } : {}),
  });
  const networkPolicies: NetworkPolicy[] = [];
  for (const ns of namespaces) {
    const np = (spec: NetworkPolicy['spec']) => networkPolicies.push({ metadata: { name: `p${networkPolicies.length}`, namespace: ns.name }, spec });
    const baseline = rand();
    if (baseline < 0.3) np({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    else if (baseline < 0.55) np({ podSelector: {}, policyTypes: ['Ingress'] });
    if (chance(0.3)) np({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'a' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] });
    const extra = Math.floor(rand() * 3);
    for (let i = 0; i < extra; i++) {
      const types = pick<('Ingress' | 'Egress')[]>([['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
      np({
        podSelector: selector(),
        policyTypes: types,
        ...(types.includes('Ingress') ? { ingress: Array.from({ length: Math.floor(rand() * 3) }, () => rule('from')) } : {}),
        ...(types.includes('Egress') ? { egress: Array.from({ length: Math.floor(rand() * 3) }, () => rule('to')) } : {}),
      });
    }
  }
  return { namespaces, pods, workloads, networkPolicies, networkProfile: { networkPolicy: 'azure' } };
}

/** The matrix by its definition: per namespace pair, the union over distinct workload pairs. */
function referenceMatrix(state: ClusterState): Map<string, string> {
  const report = analyzeReachability(state);
  const cells = new Map<string, ConnectionSet>();
  for (const a of report.workloads) {
    for (const b of report.workloads) {
      if (a.id === b.id) continue;
      const v = report.between(a.id, b.id);
      if (v.isEmpty()) continue;
      const key = `${a.namespace} ${b.namespace}`;
      cells.set(key, (cells.get(key) ?? ConnectionSet.none()).union(v));
    }
  }
  return new Map([...cells].map(([k, v]) => [k, v.toString()]));
}

describe('namespace matrix against its definition', () => {
  for (const [seed, nsCount] of [
    [1, 12],
    [2, 30],
    [3, 45],
    [4, 60],
    [5, 25],
    [6, 40],
  ] as const) {
    it(`seed ${seed}, ${nsCount} namespaces`, () => {
      const state = syntheticCluster(seed, nsCount);
      const matrix = analyzeReachability(state).namespaceMatrix();
      const got = new Map(matrix.cells.map((c) => [`${c.src} ${c.dst}`, c.conn]));
      expect(got).toEqual(referenceMatrix(state));
      // Sorted by src, then dst; namespaces sorted.
      const order = matrix.cells.map((c) => [matrix.namespaces.indexOf(c.src), matrix.namespaces.indexOf(c.dst)]);
      for (let i = 1; i < order.length; i++) expect(order[i - 1][0] * 1e6 + order[i - 1][1]).toBeLessThan(order[i][0] * 1e6 + order[i][1]);
      expect(matrix.namespaces).toEqual([...matrix.namespaces].sort());
    });
  }
});
