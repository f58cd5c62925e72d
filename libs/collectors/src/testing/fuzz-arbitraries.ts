// Generators of hostile Kubernetes/ARM input for the property-based fuzz tests: objects that are
// almost right (valid shapes with wrong types, out-of-range ports, bad CIDRs, odd selectors,
// unicode, unknown fields and kinds), wrapped in Lists, and as YAML/JSON text, some of it broken.
import fc from 'fast-check';
import { stringify } from 'yaml';

type Obj = Record<string, unknown>;

/** Anything JSON can carry, small. */
export const junk = fc.oneof(
  { depthSize: 'small' },
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 3 }),
);

/** Mostly `good`, sometimes anything at all: each field of an object may be of the wrong type. */
export function orJunk<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: junk });
}

export const text = fc.oneof(
  fc.constantFrom('app', 'web', 'db', 'kube-system', 'default', 'a-b', '', ' ', '-', 'A', 'x'.repeat(300)),
  fc.string({ unit: 'grapheme', maxLength: 16 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
);

export const labelKey = fc.oneof(fc.constantFrom('app', 'team', 'tier', 'kubernetes.io/metadata.name', 'app.kubernetes.io/name'), text);
export const labels = fc.dictionary(labelKey, orJunk(text), { maxKeys: 4 });

export const selector = orJunk(
  fc.record(
    {
      matchLabels: orJunk(labels),
      matchExpressions: orJunk(
        fc.array(
          orJunk(
            fc.record(
              {
                key: orJunk(labelKey),
                operator: orJunk(fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'in', 'Gt')),
                values: orJunk(fc.array(orJunk(text), { maxLength: 3 })),
              },
              { requiredKeys: [] },
            ),
          ),
          { maxLength: 3 },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
);

export const cidr = fc.oneof(
  fc.tuple(fc.ipV4(), fc.integer({ min: -1, max: 40 })).map(([ip, n]) => `${ip}/${n}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: -1, max: 140 })).map(([ip, n]) => `${ip}/${n}`),
  fc.ipV4(),
  fc.constantFrom('0.0.0.0/0', '::/0', '10.0.0.0/8', '10.0.0.0/08', '256.0.0.0/8', '10.0.0.0/', '/8', '10.0.0.0/8/8', 'fe80::1%eth0/64', '::ffff:10.0.0.1/120', '1.2.3.4/ 8', '١٠.0.0.0/8'),
  text,
);

export const port = orJunk(
  fc.record(
    {
      protocol: orJunk(fc.constantFrom('TCP', 'UDP', 'SCTP', 'tcp', 'ICMP')),
      port: fc.oneof(fc.integer({ min: -5, max: 70_000 }), fc.constantFrom('http', 'https', 'metrics', 'a--b', '80', 'HTTP', 'x'.repeat(16)), text, junk),
      endPort: orJunk(fc.integer({ min: -5, max: 70_000 })),
    },
    { requiredKeys: [] },
  ),
);

export const peer = orJunk(
  fc.record(
    { podSelector: selector, namespaceSelector: selector, ipBlock: orJunk(fc.record({ cidr, except: orJunk(fc.array(cidr, { maxLength: 3 })) }, { requiredKeys: [] })) },
    { requiredKeys: [] },
  ),
);

const rule = (key: 'from' | 'to') =>
  orJunk(fc.record({ [key]: orJunk(fc.array(peer, { maxLength: 3 })), ports: orJunk(fc.array(port, { maxLength: 3 })) }, { requiredKeys: [] }));

export const metadata = orJunk(
  fc.record(
    {
      name: orJunk(text),
      namespace: orJunk(text),
      labels: orJunk(labels),
      annotations: orJunk(labels),
      uid: fc.uuid(),
      ownerReferences: orJunk(fc.array(orJunk(fc.record({ kind: orJunk(fc.constantFrom('ReplicaSet', 'Job', 'StatefulSet', 'Foo')), name: orJunk(text), controller: junk }, { requiredKeys: [] })), { maxLength: 2 })),
      unknownField: junk,
    },
    { requiredKeys: ['name'] },
  ),
);

export const networkPolicy = fc.record(
  {
    apiVersion: fc.constantFrom('networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'v1'),
    kind: fc.constant('NetworkPolicy'),
    metadata,
    spec: orJunk(
      fc.record(
        {
          podSelector: selector,
          policyTypes: orJunk(fc.array(orJunk(fc.constantFrom('Ingress', 'Egress', 'ingress', 'Both')), { maxLength: 3 })),
          ingress: orJunk(fc.array(rule('from'), { maxLength: 3 })),
          egress: orJunk(fc.array(rule('to'), { maxLength: 3 })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ['kind'] },
);

const containerPort = orJunk(fc.record({ name: orJunk(text), containerPort: orJunk(fc.integer({ min: -5, max: 70_000 })), protocol: orJunk(fc.constantFrom('TCP', 'UDP', 'SCTP', 'tcp')) }, { requiredKeys: [] }));
const podSpec = orJunk(
  fc.record(
    {
      containers: orJunk(fc.array(orJunk(fc.record({ name: orJunk(text), ports: orJunk(fc.array(containerPort, { maxLength: 3 })) }, { requiredKeys: [] })), { maxLength: 2 })),
      nodeName: orJunk(text),
      hostNetwork: junk,
      nodeSelector: orJunk(labels),
    },
    { requiredKeys: [] },
  ),
);
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), text);

export const pod = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Pod'),
    metadata,
    spec: podSpec,
    status: orJunk(fc.record({ phase: orJunk(fc.constantFrom('Running', 'Pending', 'Succeeded', 'Failed', 'Weird')), podIP: orJunk(ip), podIPs: orJunk(fc.array(orJunk(fc.record({ ip: orJunk(ip) })), { maxLength: 2 })), hostIP: orJunk(ip) }, { requiredKeys: [] })),
  },
  { requiredKeys: ['kind'] },
);

export const workload = fc.record(
  {
    apiVersion: fc.constantFrom('apps/v1', 'batch/v1', 'v1'),
    kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'),
    metadata,
    spec: orJunk(
      fc.record(
        {
          replicas: orJunk(fc.oneof(fc.integer({ min: -3, max: 5 }), fc.constantFrom(1e9, 2 ** 53, -1, 0.5, Infinity))),
          parallelism: orJunk(fc.integer({ min: -3, max: 1e6 })),
          selector,
          template: orJunk(fc.record({ metadata, spec: podSpec }, { requiredKeys: [] })),
          jobTemplate: orJunk(fc.record({ spec: orJunk(fc.record({ template: orJunk(fc.record({ metadata, spec: podSpec }, { requiredKeys: [] })) }, { requiredKeys: [] })) }, { requiredKeys: [] })),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ['kind'] },
);

export const service = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Service'),
    metadata,
    spec: orJunk(fc.record({ selector: orJunk(labels), type: orJunk(fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName')), clusterIP: orJunk(ip), ports: orJunk(fc.array(orJunk(fc.record({ port: orJunk(fc.integer({ min: -5, max: 70_000 })), targetPort: orJunk(fc.oneof(fc.integer(), text)), protocol: orJunk(text) }, { requiredKeys: [] })), { maxLength: 3 })) }, { requiredKeys: [] })),
  },
  { requiredKeys: ['kind'] },
);

export const node = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Node'),
    metadata,
    status: orJunk(fc.record({ nodeInfo: orJunk(fc.record({ osImage: orJunk(text), kubeletVersion: orJunk(text), operatingSystem: orJunk(fc.constantFrom('linux', 'windows')) }, { requiredKeys: [] })), addresses: orJunk(fc.array(orJunk(fc.record({ type: orJunk(text), address: orJunk(ip) })), { maxLength: 2 })) }, { requiredKeys: [] })),
    spec: orJunk(fc.record({ podCIDR: orJunk(cidr), podCIDRs: orJunk(fc.array(cidr, { maxLength: 2 })) }, { requiredKeys: [] })),
  },
  { requiredKeys: ['kind'] },
);

export const namespace = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Namespace'), metadata }, { requiredKeys: ['kind'] });

export const crdPolicy = fc.record(
  {
    apiVersion: fc.constantFrom('cilium.io/v2', 'crd.projectcalico.org/v1', 'projectcalico.org/v3', 'policy.networking.k8s.io/v1alpha1'),
    kind: fc.constantFrom('CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy', 'NetworkPolicy', 'GlobalNetworkPolicy', 'AdminNetworkPolicy'),
    metadata,
    spec: junk,
    specs: orJunk(fc.array(junk, { maxLength: 2 })),
  },
  { requiredKeys: ['kind', 'apiVersion'] },
);

export const networkProfile = orJunk(
  fc.record(
    {
      networkPlugin: orJunk(fc.constantFrom('azure', 'kubenet', 'none', 'AZURE')),
      networkPluginMode: orJunk(fc.constantFrom('overlay', 'Overlay')),
      networkPolicy: orJunk(fc.constantFrom('none', 'calico', 'azure', 'cilium', 'Calico')),
      networkDataplane: orJunk(fc.constantFrom('azure', 'cilium')),
      podCidr: orJunk(cidr),
      podCidrs: orJunk(fc.array(cidr, { maxLength: 2 })),
      serviceCidr: orJunk(cidr),
      serviceCidrs: orJunk(fc.array(cidr, { maxLength: 2 })),
      outboundType: orJunk(text),
      ipFamilies: orJunk(fc.array(orJunk(fc.constantFrom('IPv4', 'IPv6')), { maxLength: 2 })),
    },
    { requiredKeys: [] },
  ),
);

export const agentPool = orJunk(
  fc.record(
    { name: orJunk(text), count: orJunk(fc.integer({ min: -1, max: 1000 })), osType: orJunk(fc.constantFrom('Linux', 'Windows')), osSKU: orJunk(fc.constantFrom('Ubuntu', 'AzureLinux', 'Windows2022')), mode: orJunk(text), vmSize: orJunk(text), nodeLabels: orJunk(labels) },
    { requiredKeys: [] },
  ),
);

/** `az aks show` output (properties flattened, as the CLI prints it). */
export const aksShow = fc.record(
  { name: orJunk(text), id: orJunk(text), kubernetesVersion: orJunk(text), currentKubernetesVersion: orJunk(text), networkProfile, agentPoolProfiles: orJunk(fc.array(agentPool, { maxLength: 3 })), powerState: orJunk(fc.record({ code: orJunk(text) })) },
  { requiredKeys: ['networkProfile'] },
);

/** A ClusterState export, damaged. */
export const clusterState = fc.record(
  {
    name: orJunk(text),
    kubernetesVersion: orJunk(text),
    namespaces: orJunk(fc.array(orJunk(fc.record({ name: orJunk(text), labels: orJunk(labels) })), { maxLength: 3 })),
    pods: orJunk(fc.array(orJunk(fc.record({ namespace: orJunk(text), name: orJunk(text), labels: orJunk(labels), ip: orJunk(ip) }, { requiredKeys: [] })), { maxLength: 3 })),
    networkPolicies: orJunk(fc.array(networkPolicy, { maxLength: 2 })),
    networkProfile,
  },
  { requiredKeys: ['namespaces', 'pods'] },
);

export const unknownKind = fc.record({ apiVersion: orJunk(text), kind: orJunk(text), metadata, spec: junk }, { requiredKeys: [] });

export const kubeObject: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: networkPolicy },
  { weight: 2, arbitrary: pod },
  { weight: 2, arbitrary: workload },
  { weight: 1, arbitrary: service },
  { weight: 1, arbitrary: node },
  { weight: 1, arbitrary: namespace },
  { weight: 1, arbitrary: crdPolicy },
  { weight: 1, arbitrary: unknownKind },
  { weight: 1, arbitrary: junk },
);

/** A document of a manifest file: one object, a kubectl List, a typed List, an aks show or a ClusterState. */
export const manifestDocument: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: kubeObject },
  { weight: 2, arbitrary: fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('List'), items: fc.array(kubeObject, { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ apiVersion: fc.constant('v1'), kind: fc.constantFrom('PodList', 'NamespaceList', 'FooList'), items: fc.array(orJunk(fc.record({ metadata })), { maxLength: 3 }) }) },
  { weight: 1, arbitrary: aksShow },
  { weight: 1, arbitrary: clusterState },
);

/** Text damage: cut, insert or replace a few characters (a malformed edit of valid YAML/JSON). */
export function damage(textArb: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(textArb, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 5 }), fc.constantFrom('', ':', '-', '{', '}', '[', ']', '"', "'", '\t', '\n', '  ', '&a', '*a', '!!binary', '? ', '%', '#', '\u0000', '\ud800', 'é')), { minLength: 1, maxLength: 3 }))
    .map(([s, edits]) => edits.reduce((acc, [at, cut, ins]) => { const i = acc.length ? at % acc.length : 0; return acc.slice(0, i) + ins + acc.slice(i + cut); }, s));
}

export function yamlOf(docs: unknown[]): string {
  return docs.map((d) => stringify(d ?? null, { aliasDuplicateObjects: false })).join('---\n');
}

/** The text of a manifest file: YAML or JSON, sometimes damaged, sometimes pure noise. */
export const manifestText: fc.Arbitrary<{ text: string; kind: 'yaml' | 'json' | 'damaged-yaml' | 'damaged-json' | 'noise' }> = fc.oneof(
  { weight: 3, arbitrary: fc.array(manifestDocument, { minLength: 1, maxLength: 4 }).map((d) => ({ text: yamlOf(d), kind: 'yaml' as const })) },
  { weight: 2, arbitrary: manifestDocument.map((d) => ({ text: JSON.stringify(d ?? null), kind: 'json' as const })) },
  { weight: 2, arbitrary: damage(fc.array(manifestDocument, { minLength: 1, maxLength: 3 }).map(yamlOf)).map((text) => ({ text, kind: 'damaged-yaml' as const })) },
  { weight: 1, arbitrary: damage(manifestDocument.map((d) => JSON.stringify(d ?? null))).map((text) => ({ text: `{${text}`, kind: 'damaged-json' as const })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ text, kind: 'noise' as const })) },
);

export function asObjects(xs: unknown[]): Obj[] {
  return xs.filter((x): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x));
}
