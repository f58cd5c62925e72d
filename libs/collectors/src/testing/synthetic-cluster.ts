// Owns synthetic cluster contents for tests and benchmarks: raw Kubernetes objects shaped like a
// real multi-team AKS cluster (Deployments through ReplicaSets, StatefulSets, a DaemonSet, bare
// pods, default-deny baselines in some namespaces, allow rules with selectors and ipBlocks).
// Deterministic for a given seed and cheap enough for 20,000 pods.

export type CrdPlural = 'ciliumnetworkpolicies' | 'ciliumclusterwidenetworkpolicies' | 'globalnetworkpolicies';

type Obj = Record<string, unknown>;

/** Raw objects a fake API server serves; `crds` keys present = CRD installed (even when empty). */
export interface KubeDataset {
  namespaces: Obj[];
  pods: Obj[];
  nodes: Obj[];
  services: Obj[];
  networkPolicies: Obj[];
  crds?: Partial<Record<CrdPlural, Obj[]>>;
}

export interface SyntheticClusterOptions {
  namespaces?: number;
  pods?: number;
  policies?: number;
  seed?: number;
  /** Install Cilium and Calico CRDs with a few policies each. */
  crds?: boolean;
}

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

const TEAMS = ['payments', 'checkout', 'catalog', 'search', 'identity', 'billing', 'shipping', 'data', 'ml', 'platform'];
const ENVS = ['prod', 'staging', 'dev'];
const APPS = ['web', 'api', 'worker', 'cache', 'db', 'gateway', 'scheduler', 'indexer'];
const HASH_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const CREATED = '2025-01-15T09:30:00Z';

export function generateSyntheticCluster(options: SyntheticClusterOptions = {}): KubeDataset {
  const nsCount = Math.max(1, options.namespaces ?? 10);
  const podCount = Math.max(0, options.pods ?? 100);
  const policyCount = Math.max(0, options.policies ?? 20);
  const rand = mulberry32(options.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const hash = (n: number) => Array.from({ length: n }, () => pick(HASH_CHARS.split(''))).join('');
  let uidCounter = 0;
  const uid = () => {
    const n = (++uidCounter).toString(16).padStart(12, '0');
    return `5f0c9a1e-0000-4000-8000-${n}`;
  };
  let rv = 1000;
  const meta = (name: string, namespace: string | undefined, labels: Record<string, string>, extra: Obj = {}) => ({
    name,
    ...(namespace ? { namespace } : {}),
    uid: uid(),
    resourceVersion: String(++rv),
    creationTimestamp: CREATED,
    labels,
    ...extra,
  });

  // Nodes: one Windows pool beside the Linux system and user pools, as mixed AKS clusters have.
  const nodeCount = Math.max(3, Math.ceil(podCount / 60));
  const nodes: Obj[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const windows = i % 10 === 9;
    const pool = windows ? 'win' : i < 3 ? 'system' : 'user';
    const name = windows ? `akswin${String(i).padStart(6, '0')}` : `aks-${pool}-31415926-vmss${String(i).padStart(6, '0')}`;
    const os = windows ? 'windows' : 'linux';
    nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: meta(name, undefined, {
        'kubernetes.io/os': os,
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.azure.com/agentpool': pool,
        'kubernetes.azure.com/mode': pool === 'system' ? 'system' : 'user',
        'topology.kubernetes.io/zone': `westeurope-${(i % 3) + 1}`,
      }),
      spec: { podCIDR: `10.244.${i % 256}.0/24` },
      status: {
        addresses: [
          { type: 'InternalIP', address: `10.224.${Math.floor(i / 250)}.${(i % 250) + 4}` },
          { type: 'Hostname', address: name },
        ],
        nodeInfo: { operatingSystem: os, architecture: 'amd64', kubeletVersion: 'v1.30.6', osImage: windows ? 'Windows Server 2022 Datacenter' : 'Ubuntu 22.04.5 LTS' },
      },
    });
  }

  // Namespaces: kube-system first (CoreDNS lives there), then team namespaces.
  const namespaces: Obj[] = [];
  const nsInfo: { name: string; team: string; env: string }[] = [];
  const addNs = (name: string, team: string, env: string, labels: Record<string, string>) => {
    namespaces.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: meta(name, undefined, { 'kubernetes.io/metadata.name': name, ...labels }),
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    nsInfo.push({ name, team, env });
  };
  addNs('kube-system', 'platform', 'prod', {});
  for (let i = 1; i < nsCount; i++) {
    const team = TEAMS[i % TEAMS.length];
    const env = ENVS[Math.floor(i / TEAMS.length) % ENVS.length];
    addNs(`${team}-${env}-${i}`, team, env, { team, env, 'kordon.io/tier': pick(['frontend', 'backend', 'data']) });
  }

  // Pods, grouped into workloads of 1-5 replicas.
  const pods: Obj[] = [];
  const services: Obj[] = [];
  const workloadsByNs = new Map<string, { app: string; kind: string; name: string }[]>();
  let podIndex = 0;
  let w = 0;
  while (podIndex < podCount) {
    const ns = nsInfo[w % nsInfo.length];
    const app = APPS[Math.floor(w / nsInfo.length) % APPS.length];
    const roll = rand();
    const kind = ns.name === 'kube-system' && w === 0 ? 'DaemonSet' : roll < 0.8 ? 'Deployment' : roll < 0.93 ? 'StatefulSet' : 'Pod';
    const name = `${app}${w >= nsInfo.length * APPS.length ? `-${w}` : ''}`;
    const replicas = kind === 'Pod' ? 1 : kind === 'DaemonSet' ? Math.min(nodeCount, podCount - podIndex) : 1 + Math.floor(rand() * 5);
    const templateHash = hash(10);
    const rsName = `${name}-${templateHash}`;
    const list = workloadsByNs.get(ns.name) ?? [];
    list.push({ app, kind, name });
    workloadsByNs.set(ns.name, list);
    const port = app === 'db' ? 5432 : app === 'cache' ? 6379 : 8080;
    const portName = app === 'db' ? 'postgres' : app === 'cache' ? 'redis' : 'http';
    for (let r = 0; r < replicas && podIndex < podCount; r++, podIndex++) {
      const labels: Record<string, string> = {
        app,
        'app.kubernetes.io/name': app,
        'app.kubernetes.io/part-of': ns.team,
        version: `v${1 + (w % 3)}`,
      };
      let podName: string;
      let owner: Obj | undefined;
      if (kind === 'Deployment') {
        labels['pod-template-hash'] = templateHash;
        podName = `${rsName}-${hash(5)}`;
        owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: uid(), controller: true, blockOwnerDeletion: true };
      } else if (kind === 'StatefulSet') {
        labels['controller-revision-hash'] = `${name}-${templateHash}`;
        labels['statefulset.kubernetes.io/pod-name'] = `${name}-${r}`;
        labels['apps.kubernetes.io/pod-index'] = String(r);
        podName = `${name}-${r}`;
        owner = { apiVersion: 'apps/v1', kind: 'StatefulSet', name, uid: uid(), controller: true, blockOwnerDeletion: true };
      } else if (kind === 'DaemonSet') {
        labels['controller-revision-hash'] = templateHash;
        labels['pod-template-generation'] = '1';
        podName = `${name}-${hash(5)}`;
        owner = { apiVersion: 'apps/v1', kind: 'DaemonSet', name, uid: uid(), controller: true, blockOwnerDeletion: true };
      } else {
        podName = `${name}-debug`;
      }
      const node = nodes[podIndex % nodes.length] as { metadata: { name: string } };
      const ip = `10.244.${Math.floor(podIndex / 250) % 256}.${(podIndex % 250) + 2}`;
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: meta(podName, ns.name, labels, owner ? { ownerReferences: [owner] } : {}),
        spec: {
          nodeName: node.metadata.name,
          containers: [
            {
              name: app,
              image: `contoso.azurecr.io/${ns.team}/${app}:1.${w % 7}.0`,
              ports: [
                { name: portName, containerPort: port, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
              ],
            },
          ],
          serviceAccountName: 'default',
        },
        status: { phase: 'Running', hostIP: '10.224.0.4', podIP: ip, podIPs: [{ ip }], startTime: CREATED },
      });
    }
    if (kind !== 'Pod' && w % 5 === 0) {
      const lb = app === 'gateway' || app === 'web';
      services.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(name, ns.name, { app }),
        spec: {
          type: lb ? 'LoadBalancer' : 'ClusterIP',
          selector: { app },
          ports: [{ name: portName, port: lb ? 443 : port, targetPort: portName, protocol: 'TCP' }],
          ...(lb && w % 2 === 0 ? { loadBalancerSourceRanges: ['203.0.113.0/24'] } : {}),
        },
      });
    }
    w++;
  }

  // Policies: default-deny baselines first (about two namespaces in three), then allow rules.
  const networkPolicies: Obj[] = [];
  const np = (name: string, namespace: string, spec: Obj) =>
    networkPolicies.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name, namespace, {}), spec });
  const teamNs = nsInfo.slice(1);
  for (let i = 0; i < teamNs.length && networkPolicies.length < policyCount; i++) {
    if (i % 3 === 2) continue;
    const withEgress = i % 2 === 0;
    np('default-deny', teamNs[i].name, { podSelector: {}, policyTypes: withEgress ? ['Ingress', 'Egress'] : ['Ingress'] });
    if (withEgress && networkPolicies.length < policyCount) {
      np('allow-dns', teamNs[i].name, {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
          },
        ],
      });
    }
  }
  const templates: ((ns: (typeof nsInfo)[number], app: string) => Obj)[] = [
    (ns, app) => ({
      podSelector: { matchLabels: { app } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }],
    }),
    (ns, app) => ({
      podSelector: { matchLabels: { app } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: ns.team } } }] }],
    }),
    (_ns, app) => ({
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [app, 'gateway'] }] },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] } }], ports: [{ protocol: 'TCP', port: 8000, endPort: 8090 }] }],
    }),
    (ns, app) => ({
      podSelector: { matchLabels: { app } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { app: 'prometheus' } } }],
          ports: [{ port: 'metrics' }],
        },
      ],
    }),
    (_ns, app) => ({
      podSelector: { matchLabels: { app } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    }),
  ];
  let k = 0;
  while (networkPolicies.length < policyCount) {
    const ns = teamNs.length ? teamNs[k % teamNs.length] : nsInfo[0];
    const apps = workloadsByNs.get(ns.name) ?? [{ app: 'web', kind: 'Deployment', name: 'web' }];
    const target = apps[Math.floor(k / Math.max(1, teamNs.length)) % apps.length];
    const t = k % templates.length;
    np(`allow-${target.app}-${t}-${k}`, ns.name, templates[t](ns, target.app));
    k++;
  }

  const dataset: KubeDataset = { namespaces, pods, nodes, services, networkPolicies };
  if (options.crds) {
    const firstTeam = teamNs[0]?.name ?? 'default';
    dataset.crds = {
      ciliumnetworkpolicies: [
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: meta('allow-fqdn-egress', firstTeam, {}),
          spec: {
            endpointSelector: { matchLabels: { app: 'api' } },
            egress: [{ toFQDNs: [{ matchName: 'api.contoso.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }],
          },
        },
      ],
      ciliumclusterwidenetworkpolicies: [
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumClusterwideNetworkPolicy',
          metadata: meta('deny-imds', undefined, {}),
          spec: { endpointSelector: {}, egressDeny: [{ toCIDR: ['169.254.169.254/32'] }] },
        },
      ],
      globalnetworkpolicies: [
        {
          apiVersion: 'crd.projectcalico.org/v1',
          kind: 'GlobalNetworkPolicy',
          metadata: meta('default.deny-egress-internet', undefined, {}),
          spec: { order: 1000, selector: "projectcalico.org/namespace != 'kube-system'", types: ['Egress'], egress: [{ action: 'Deny', destination: { nets: ['0.0.0.0/0'] } }] },
        },
      ],
    };
  }
  return dataset;
}
