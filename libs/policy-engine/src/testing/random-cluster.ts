// Seeded random clusters for specs that compare an optimized computation with a straightforward
// reference: many namespaces (with and without team/env labels), workloads of 1-4 pods (some
// with per-pod labels or ports, some hostNetwork or finished, some only as manifests), default
// deny baselines and policies with pod, namespace and ipBlock peers and named ports.
import type { ClusterState, ContainerPort, Labels, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PodInfo, WorkloadInfo } from '../model';

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
export function randomCluster(seed: number, nsCount: number): ClusterState {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  const namespaces = Array.from({ length: nsCount }, (_, i) => ({
    name: `ns-${String(i).padStart(2, '0')}`,
    labels: chance(0.8) ? { team: pick(TEAMS), ...(chance(0.5) ? { env: pick(['prod', 'dev']) } : {}) } : {},
  }));
  const pods: PodInfo[] = [];
  const workloads: WorkloadInfo[] = [];
  // CoreDNS (the DNS findings look for it) and a mixed node list (the Windows findings).
  namespaces.push({ name: 'kube-system', labels: {} });
  const nodes = [{ name: 'aks-user-000000', os: 'linux' }, { name: 'akswin000001', os: 'windows' }];
  for (let r = 0; r < 2; r++) {
    pods.push({
      namespace: 'kube-system',
      name: `coredns-${r}`,
      labels: { 'k8s-app': 'kube-dns' },
      ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }],
      workload: { kind: 'Deployment', name: 'coredns' },
    });
  }
  for (const ns of namespaces) {
    if (ns.name === 'kube-system') continue;
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
          nodeName: pick(nodes).name,
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
    pick<NetworkPolicyPort>([{ port: 80 }, { port: 'http' }, { port: 'dns', protocol: 'UDP' }, { port: 8000, endPort: 8090 }, { protocol: 'UDP' }, { port: '80' }]);
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
        // Egress rules under policyTypes [Ingress] now and then: ignored, and reported.
        ...(types.includes('Egress') || chance(0.1) ? { egress: Array.from({ length: Math.floor(rand() * 3) }, () => rule('to')) } : {}),
      });
    }
  }
  return { namespaces, pods, workloads, nodes, networkPolicies, networkProfile: { networkPolicy: 'azure' } };
}
