import { describe, expect, it } from 'vitest';
import {
  CRD_POLICY_KINDS,
  deriveWorkloads,
  isCrdPolicy,
  isIanaSvcName,
  normalizeNamespace,
  normalizeNode,
  normalizePod,
  normalizeService,
  parseCidr,
  validateNetworkPolicy,
} from './normalize';

const pod = (over: Record<string, unknown> = {}, labels: Record<string, string> = {}, owner?: { kind: string; name: string }) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: (over.name as string) ?? 'p',
    namespace: (over.namespace as string) ?? 'shop',
    labels,
    ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner.kind, name: owner.name, uid: 'u', controller: true }] } : {}),
  },
  spec: (over.spec as object) ?? { containers: [] },
  status: (over.status as object) ?? {},
});

describe('normalizeNamespace', () => {
  it('adds the implicit kubernetes.io/metadata.name label', () => {
    expect(normalizeNamespace({ metadata: { name: 'shop', labels: { team: 'a' } } })).toEqual({
      name: 'shop',
      labels: { team: 'a', 'kubernetes.io/metadata.name': 'shop' },
    });
  });
  it('keeps the label when already present and tolerates missing labels', () => {
    expect(normalizeNamespace({ metadata: { name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } } }).labels).toEqual({
      'kubernetes.io/metadata.name': 'x',
    });
    expect(normalizeNamespace({ metadata: { name: 'y' } }).labels).toEqual({ 'kubernetes.io/metadata.name': 'y' });
  });
});

describe('normalizePod', () => {
  it('reads labels, ports (default TCP), ips, node, phase and hostNetwork', () => {
    const p = normalizePod(
      pod({
        name: 'web-1',
        spec: {
          nodeName: 'aks-1',
          hostNetwork: true,
          containers: [
            { name: 'app', ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] },
            { name: 'side' },
          ],
        },
        status: { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }, { ip: 'fd00::5' }] },
      }, { app: 'web' }),
    );
    expect(p).toEqual({
      namespace: 'shop',
      name: 'web-1',
      labels: { app: 'web' },
      ports: [
        { name: 'http', containerPort: 8080, protocol: 'TCP' },
        { containerPort: 53, protocol: 'UDP' },
      ],
      ips: ['10.0.0.5', 'fd00::5'],
      nodeName: 'aks-1',
      phase: 'Running',
      hostNetwork: true,
    });
  });
  it('falls back to status.podIP', () => {
    expect(normalizePod(pod({ status: { podIP: '10.1.1.1' } })).ips).toEqual(['10.1.1.1']);
  });
  it('resolves a ReplicaSet named <deploy>-<pod-template-hash> to its Deployment', () => {
    expect(normalizePod(pod({}, { 'pod-template-hash': '7d4b9c' }, { kind: 'ReplicaSet', name: 'web-api-7d4b9c' })).workload).toEqual({
      kind: 'Deployment',
      name: 'web-api',
    });
    expect(normalizePod(pod({}, { 'pod-template-hash': 'zzz' }, { kind: 'ReplicaSet', name: 'standalone' })).workload).toEqual({
      kind: 'ReplicaSet',
      name: 'standalone',
    });
  });
  it('resolves CronJob jobs, keeps other controllers, and leaves bare pods without workload', () => {
    expect(normalizePod(pod({}, {}, { kind: 'Job', name: 'nightly-backup-28930140' })).workload).toEqual({ kind: 'CronJob', name: 'nightly-backup' });
    expect(normalizePod(pod({}, {}, { kind: 'Job', name: 'migrate-1234' })).workload).toEqual({ kind: 'Job', name: 'migrate-1234' });
    for (const kind of ['StatefulSet', 'DaemonSet', 'ReplicationController']) {
      expect(normalizePod(pod({}, {}, { kind, name: 'x' })).workload).toEqual({ kind, name: 'x' });
    }
    expect(normalizePod(pod()).workload).toBeUndefined();
    expect(normalizePod(pod({}, {}, { kind: 'Node', name: 'aks-1' })).workload).toBeUndefined();
  });
  it('uses the controller owner when there are several owners', () => {
    const raw = pod();
    (raw.metadata as Record<string, unknown>).ownerReferences = [
      { kind: 'ConfigMap', name: 'c' },
      { kind: 'StatefulSet', name: 'db', controller: true },
    ];
    expect(normalizePod(raw).workload).toEqual({ kind: 'StatefulSet', name: 'db' });
  });
});

describe('deriveWorkloads', () => {
  it('groups pods, intersects labels, drops per-instance labels and unions ports', () => {
    const pods = [
      normalizePod(pod({ name: 'web-a', spec: { containers: [{ ports: [{ name: 'http', containerPort: 80 }] }] } }, { app: 'web', 'pod-template-hash': 'h1', zone: 'a' }, { kind: 'ReplicaSet', name: 'web-h1' })),
      normalizePod(pod({ name: 'web-b', spec: { containers: [{ ports: [{ name: 'http', containerPort: 80 }, { containerPort: 9090 }] }] } }, { app: 'web', 'pod-template-hash': 'h1', zone: 'b' }, { kind: 'ReplicaSet', name: 'web-h1' })),
      normalizePod(pod({ name: 'db-0' }, { app: 'db', 'controller-revision-hash': 'db-5', 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' }, { kind: 'StatefulSet', name: 'db' })),
      normalizePod(pod({ name: 'debug' }, { run: 'debug' })),
      normalizePod(pod({ name: 'web-x', namespace: 'other' }, { app: 'web', 'pod-template-hash': 'h1' }, { kind: 'ReplicaSet', name: 'web-h1' })),
    ];
    expect(deriveWorkloads(pods)).toEqual([
      { namespace: 'other', kind: 'Deployment', name: 'web', labels: { app: 'web' }, podCount: 1, ports: [] },
      { namespace: 'shop', kind: 'Deployment', name: 'web', labels: { app: 'web' }, podCount: 2, ports: [
        { name: 'http', containerPort: 80, protocol: 'TCP' },
        { containerPort: 9090, protocol: 'TCP' },
      ] },
      { namespace: 'shop', kind: 'Pod', name: 'debug', labels: { run: 'debug' }, podCount: 1, ports: [] },
      { namespace: 'shop', kind: 'StatefulSet', name: 'db', labels: { app: 'db' }, podCount: 1, ports: [] },
    ]);
  });
});

describe('normalizeService / normalizeNode', () => {
  it('reads service type, selector and source ranges', () => {
    expect(normalizeService({ metadata: { name: 'lb', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, loadBalancerSourceRanges: ['1.2.3.0/24'] } })).toEqual({
      namespace: 'shop', name: 'lb', type: 'LoadBalancer', selector: { app: 'web' }, loadBalancerSourceRanges: ['1.2.3.0/24'],
    });
    expect(normalizeService({ metadata: { name: 's', namespace: 'n' }, spec: {} }).type).toBe('ClusterIP');
  });
  it('takes the node os from the label, else from nodeInfo', () => {
    expect(normalizeNode({ metadata: { name: 'n1', labels: { 'kubernetes.io/os': 'windows' } }, status: { nodeInfo: { operatingSystem: 'linux' }, addresses: [{ type: 'InternalIP', address: '10.224.0.4' }, { type: 'Hostname', address: 'n1' }] } })).toEqual({
      name: 'n1', os: 'windows', labels: { 'kubernetes.io/os': 'windows' }, ips: ['10.224.0.4'],
    });
    expect(normalizeNode({ metadata: { name: 'n2' }, status: { nodeInfo: { operatingSystem: 'linux' } } }).os).toBe('linux');
  });
});

describe('CRD policies', () => {
  it('lists the three kinds with group/version/plural', () => {
    expect(CRD_POLICY_KINDS.map((k) => `${k.group}/${k.version}/${k.plural}`)).toEqual([
      'cilium.io/v2/ciliumnetworkpolicies',
      'cilium.io/v2/ciliumclusterwidenetworkpolicies',
      'crd.projectcalico.org/v1/globalnetworkpolicies',
    ]);
  });
  it('recognizes CRD policies by kind and group', () => {
    expect(isCrdPolicy({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'a' } })).toBe(true);
    expect(isCrdPolicy({ apiVersion: 'crd.projectcalico.org/v1', kind: 'GlobalNetworkPolicy', metadata: { name: 'a' } })).toBe(true);
    expect(isCrdPolicy({ apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy' })).toBe(false);
    expect(isCrdPolicy({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' })).toBe(false);
    expect(isCrdPolicy(null)).toBe(false);
  });
});

describe('validateNetworkPolicy', () => {
  const np = (spec: unknown, name: unknown = 'p') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'shop' }, spec });
  const fields = (obj: unknown) => validateNetworkPolicy(obj, 'file.yaml').map((p) => p.field);

  it('accepts a complete valid policy', () => {
    expect(validateNetworkPolicy(np({
      podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a'] }, { key: 'x', operator: 'Exists' }] },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {}, namespaceSelector: { matchLabels: { team: 'a' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 'http' }, { protocol: 'UDP', port: 53 }, { port: 8000, endPort: 8080 }] }],
      egress: [{ to: [{ ipBlock: { cidr: 'fd00::/8', except: ['fd00:1::/32'] } }] }, {}],
    }), 'x')).toEqual([]);
    expect(fields(np({ podSelector: {}, ingress: [] }))).toEqual([]);
  });

  it('reports object, field and where', () => {
    const [p] = validateNetworkPolicy(np({ podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] }), 'dir/np.yaml');
    expect(p).toMatchObject({ severity: 'error', code: 'invalid-object', object: 'shop/p', field: 'spec.ingress[0].ports[0].protocol' });
    expect(p.message).toContain('dir/np.yaml');
  });

  it('flags missing name, spec and podSelector', () => {
    expect(fields(np({ podSelector: {} }, ''))).toEqual(['metadata.name']);
    expect(fields({ metadata: { name: 'x' } })).toEqual(['spec']);
    expect(fields(np({ ingress: [] }))).toEqual(['spec.podSelector']);
    expect(fields(np({ podSelector: 'all' }))).toEqual(['spec.podSelector']);
  });

  it('flags bad policyTypes and peers', () => {
    expect(fields(np({ podSelector: {}, policyTypes: ['Ingress', 'ingress'] }))).toEqual(['spec.policyTypes[1]']);
    expect(fields(np({ podSelector: {}, ingress: [{ from: [{}] }] }))).toEqual(['spec.ingress[0].from[0]']);
    expect(fields(np({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '1.2.3.0/24' }, podSelector: {} }] }] }))).toEqual(['spec.egress[0].to[0]']);
    expect(fields(np({ podSelector: {}, ingress: [{ from: 'everyone' }] }))).toEqual(['spec.ingress[0].from']);
  });

  it('checks CIDRs and except blocks', () => {
    const ip = (ipBlock: unknown) => fields(np({ podSelector: {}, ingress: [{ from: [{ ipBlock }] }] }));
    expect(ip({ cidr: '10.0.0.0' })).toEqual(['spec.ingress[0].from[0].ipBlock.cidr']);
    expect(ip({ cidr: '10.0.0.0/33' })).toEqual(['spec.ingress[0].from[0].ipBlock.cidr']);
    expect(ip({ cidr: '300.0.0.0/8' })).toEqual(['spec.ingress[0].from[0].ipBlock.cidr']);
    expect(ip({ cidr: '0.0.0.0/0' })).toEqual([]);
    expect(ip({ cidr: '::/0', except: ['::ffff:10.0.0.0/104'] })).toEqual([]);
    expect(ip({ cidr: '10.0.0.0/8', except: ['11.0.0.0/16', '10.0.0.0/8', 'fd00::/8', 'bad', '10.2.0.0/16'] })).toEqual([
      'spec.ingress[0].from[0].ipBlock.except[0]',
      'spec.ingress[0].from[0].ipBlock.except[1]',
      'spec.ingress[0].from[0].ipBlock.except[2]',
      'spec.ingress[0].from[0].ipBlock.except[3]',
    ]);
  });

  it('checks ports, names and endPort', () => {
    const port = (p: unknown) => fields(np({ podSelector: {}, ingress: [{ ports: [p] }] }));
    expect(port({ port: 0 })).toEqual(['spec.ingress[0].ports[0].port']);
    expect(port({ port: 65536 })).toEqual(['spec.ingress[0].ports[0].port']);
    expect(port({ port: '80' })).toEqual(['spec.ingress[0].ports[0].port']);
    expect(port({ port: 'Http' })).toEqual(['spec.ingress[0].ports[0].port']);
    expect(port({ port: 'metrics-port' })).toEqual([]);
    expect(port({ port: 'http', endPort: 90 })).toEqual(['spec.ingress[0].ports[0].endPort']);
    expect(port({ endPort: 90 })).toEqual(['spec.ingress[0].ports[0].endPort']);
    expect(port({ port: 100, endPort: 90 })).toEqual(['spec.ingress[0].ports[0].endPort']);
    expect(port({ protocol: 'SCTP', port: 100, endPort: 100 })).toEqual([]);
  });

  it('checks matchExpressions operators and values', () => {
    const sel = (e: unknown) => fields(np({ podSelector: { matchExpressions: [e] } }));
    expect(sel({ key: 'a', operator: 'Equals', values: ['x'] })).toEqual(['spec.podSelector.matchExpressions[0].operator']);
    expect(sel({ key: 'a', operator: 'In' })).toEqual(['spec.podSelector.matchExpressions[0].values']);
    expect(sel({ key: 'a', operator: 'NotIn', values: [] })).toEqual(['spec.podSelector.matchExpressions[0].values']);
    expect(sel({ key: 'a', operator: 'Exists', values: ['x'] })).toEqual(['spec.podSelector.matchExpressions[0].values']);
    expect(sel({ key: 'a', operator: 'DoesNotExist' })).toEqual([]);
    expect(sel({ operator: 'Exists' })).toEqual(['spec.podSelector.matchExpressions[0].key']);
  });
});

describe('helpers', () => {
  it('parses CIDRs and IANA service names', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ family: 4, prefix: 8 });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ family: 6, prefix: 32 });
    expect(parseCidr('2001:db8::/129')).toBeUndefined();
    expect(isIanaSvcName('a--b')).toBe(false);
    expect(isIanaSvcName('-ab')).toBe(false);
    expect(isIanaSvcName('abcdefghijklmnop')).toBe(false);
  });
});
