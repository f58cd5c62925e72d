// Truth tables for reachability on Cilium clusters, written from the Cilium documentation
// (docs.cilium.io, "Network Policy" → security/policy/*): each test names the section it encodes
// and the connection the rule must produce. Kordon's peers are workloads and external address
// ranges; Cilium's host, remote-node and kube-apiserver entities are not peers here.
import { describe, expect, it } from 'vitest';
import type { ClusterState, CrdPolicy, NetworkPolicy, PodInfo } from './model';
import { analyzeReachability, fqdnCovers } from './reachability';

const pod = (namespace: string, name: string, labels: Record<string, string>, extra: Partial<PodInfo> = {}): PodInfo => ({ namespace, name, labels, ...extra });

// a: team x; b: team y. web serves TCP 80 (named http) and 8080, db TCP 5432, dns UDP/TCP 53.
const PODS: PodInfo[] = [
  pod('a', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 80 }, { name: 'alt', containerPort: 8080 }] }),
  pod('a', 'client', { app: 'client' }),
  pod('a', 'db', { app: 'db', tier: 'data' }, { ports: [{ name: 'pg', containerPort: 5432 }] }),
  pod('b', 'client', { app: 'client' }),
  pod('b', 'other', { app: 'other' }),
  pod('kube-system', 'dns', { 'k8s-app': 'kube-dns' }, { ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }] }),
];

const WORLD4 = '0.0.0.0-255.255.255.255';

function cluster(crdPolicies: CrdPolicy[], networkPolicies: NetworkPolicy[] = []): ClusterState {
  return {
    namespaces: [
      { name: 'a', labels: { team: 'x' } },
      { name: 'b', labels: { team: 'y' } },
      { name: 'kube-system', labels: {} },
    ],
    pods: PODS,
    networkPolicies,
    crdPolicies,
    networkProfile: { networkPlugin: 'azure', networkDataplane: 'cilium', networkPolicy: 'cilium' },
  };
}

const cnp = (namespace: string, name: string, spec: Record<string, unknown>): CrdPolicy => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name, namespace },
  spec,
});
const ccnp = (name: string, spec: Record<string, unknown>): CrdPolicy => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec });

const web = { matchLabels: { app: 'web' } };
const report = (policies: CrdPolicy[], nps: NetworkPolicy[] = []) => analyzeReachability(cluster(policies, nps));
const between = (policies: CrdPolicy[], src: string, dst: string, nps: NetworkPolicy[] = []) => report(policies, nps).between(src, dst).toString();

describe('Cilium: the issue\'s case', () => {
  it('web-from-client: web accepts only app=client of its namespace on TCP 80, and nothing else', () => {
    const p = [cnp('a', 'web-from-client', { endpointSelector: web, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] })];
    const r = report(p);
    expect(r.between('a/client', 'a/web').toString()).toBe('TCP 80');
    expect(r.between('b/other', 'a/web').toString()).toBe('No Connections');
    expect(r.between('b/client', 'a/web').toString()).toBe('No Connections');
    expect(r.between(WORLD4, 'a/web').toString()).toBe('No Connections');
    // Egress is not isolated by this policy.
    expect(r.between('a/web', 'b/other').toString()).toBe('All Connections');
    expect(r.notEvaluated).toEqual([]);
    const why = r.allowedBy('a/client', 'a/web');
    expect(why.ingress.policies).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'a', name: 'web-from-client' }]);
    expect(why.egress.defaultAllow).toBe(true);
  });
});

describe('Cilium L3: endpoints (Layer 3 Examples → Endpoints based; Using Kubernetes Constructs in Policy → Namespaces)', () => {
  const from = (selector: Record<string, unknown>) => [cnp('a', 'p', { endpointSelector: web, ingress: [{ fromEndpoints: [selector] }] })];
  it.each([
    ['fromEndpoints is limited to the policy\'s namespace', { matchLabels: { app: 'client' } }, 'a/client', 'All Connections'],
    ['… so the same labels in another namespace do not match', { matchLabels: { app: 'client' } }, 'b/client', 'No Connections'],
    ['k8s:io.kubernetes.pod.namespace names another namespace', { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'b', app: 'client' } }, 'b/client', 'All Connections'],
    ['… and then the policy\'s own namespace is not implied', { matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'b', app: 'client' } }, 'a/client', 'No Connections'],
    ['io.kubernetes.pod.namespace without the k8s: prefix works the same', { matchLabels: { 'io.kubernetes.pod.namespace': 'b' } }, 'b/other', 'All Connections'],
    ['the k8s: prefix on a pod label is the bare key', { matchLabels: { 'k8s:app': 'client' } }, 'a/client', 'All Connections'],
    ['matchExpressions NotIn', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['client'] }] }, 'a/db', 'All Connections'],
    ['matchExpressions NotIn excludes', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['client'] }] }, 'a/client', 'No Connections'],
    ['a namespace set by matchExpressions In', { matchExpressions: [{ key: 'k8s:io.kubernetes.pod.namespace', operator: 'In', values: ['a', 'b'] }] }, 'b/other', 'All Connections'],
    ['{} in a CiliumNetworkPolicy: every pod of the namespace', {}, 'a/db', 'All Connections'],
    ['{} in a CiliumNetworkPolicy: not pods of other namespaces', {}, 'b/other', 'No Connections'],
  ])('%s', (_name, selector, src, expected) => {
    expect(between(from(selector), src, 'a/web')).toBe(expected);
  });

  it('{} in a clusterwide policy: every pod of every namespace, not the world', () => {
    const p = [ccnp('web-from-pods', { endpointSelector: web, ingress: [{ fromEndpoints: [{}] }] })];
    expect(between(p, 'b/other', 'a/web')).toBe('All Connections');
    expect(between(p, 'kube-system/dns', 'a/web')).toBe('All Connections');
    expect(between(p, WORLD4, 'a/web')).toBe('No Connections');
  });

  it('a clusterwide policy selects endpoints in every namespace (no namespace implied)', () => {
    const p = [ccnp('clients-no-egress', { endpointSelector: { matchLabels: { app: 'client' } }, egress: [{}] })];
    expect(between(p, 'a/client', 'a/web')).toBe('No Connections');
    expect(between(p, 'b/client', 'a/web')).toBe('No Connections');
    expect(between(p, 'b/other', 'a/web')).toBe('All Connections');
  });

  it('namespace labels (io.cilium.k8s.namespace.labels.*) select namespaces in a clusterwide policy', () => {
    const p = [ccnp('from-team-y', { endpointSelector: web, ingress: [{ fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'y' } }] }] })];
    expect(between(p, 'b/other', 'a/web')).toBe('All Connections');
    expect(between(p, 'a/client', 'a/web')).toBe('No Connections');
  });

  it('namespace labels are ignored in a CiliumNetworkPolicy (the docs: supported only clusterwide), with a warning', () => {
    const p = [cnp('a', 'p', { endpointSelector: web, ingress: [{ fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'y' } }] }] })];
    const r = report(p);
    expect(r.between('b/other', 'a/web').toString()).toBe('No Connections');
    expect(r.between('a/client', 'a/web').toString()).toBe('All Connections');
    expect(r.problems).toContainEqual(expect.objectContaining({ severity: 'warning', code: 'ignored-field' }));
  });

  it('an empty list (fromEndpoints: []) selects nothing; an empty rule {} allows nothing but isolates (Policy Enforcement Modes)', () => {
    expect(between([cnp('a', 'p', { endpointSelector: web, ingress: [{ fromEndpoints: [] }] })], 'a/client', 'a/web')).toBe('No Connections');
    expect(between([cnp('a', 'p', { endpointSelector: web, ingress: [{}] })], 'a/client', 'a/web')).toBe('No Connections');
    // `ingress: []` does not apply at ingress: nothing is isolated.
    expect(between([cnp('a', 'p', { endpointSelector: web, ingress: [] })], 'a/client', 'a/web')).toBe('All Connections');
  });

  it('several entries of one list are ORed; L3 and L4 of one rule are ANDed (Layer 4 Examples → Labels-dependent Layer 4 rule)', () => {
    const p = [
      cnp('a', 'p', {
        endpointSelector: web,
        ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }, { matchLabels: { app: 'db' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }],
      }),
    ];
    expect(between(p, 'a/client', 'a/web')).toBe('TCP 8080');
    expect(between(p, 'a/db', 'a/web')).toBe('TCP 8080');
  });
});

describe('Cilium L3: entities (Layer 3 Examples → Entities based)', () => {
  const from = (entity: string) => [cnp('a', 'p', { endpointSelector: web, ingress: [{ fromEntities: [entity] }] })];
  it.each([
    ['world: every address outside the cluster', 'world', WORLD4, 'All Connections'],
    ['world: no pod', 'world', 'b/other', 'No Connections'],
    ['world-ipv4: IPv4 only', 'world-ipv4', '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'No Connections'],
    ['cluster: every pod of every namespace', 'cluster', 'b/other', 'All Connections'],
    ['cluster: not the world', 'cluster', WORLD4, 'No Connections'],
    ['all: pods', 'all', 'b/other', 'All Connections'],
    ['all: and the world', 'all', WORLD4, 'All Connections'],
    ['host: not a Kordon peer (no pod, no external range)', 'host', 'b/other', 'No Connections'],
  ])('%s', (_name, entity, src, expected) => {
    expect(between(from(entity), src, 'a/web')).toBe(expected);
  });

  it('entities that are no Kordon peer are listed in notEvaluated', () => {
    const r = report(from('kube-apiserver'));
    expect(r.notEvaluated).toContainEqual(expect.objectContaining({ object: 'CiliumNetworkPolicy/a/p', reason: expect.stringContaining('kube-apiserver') }));
  });
});

describe('Cilium L3: CIDR (Layer 3 Examples → IP/CIDR based)', () => {
  it('toCIDRSet with except: the range less its exceptions', () => {
    const p = [cnp('a', 'p', { endpointSelector: web, egress: [{ toCIDRSet: [{ cidr: '10.0.0.0/8', except: ['10.96.0.0/12'] }] }] })];
    const r = report(p);
    expect(r.between('a/web', '10.0.0.0-10.95.255.255').toString()).toBe('All Connections');
    expect(r.between('a/web', '10.96.0.0-10.111.255.255').toString()).toBe('No Connections');
    expect(r.between('a/web', '10.112.0.0-10.255.255.255').toString()).toBe('All Connections');
    expect(r.between('a/web', '11.0.0.0-255.255.255.255').toString()).toBe('No Connections');
  });

  it('fromCIDR 0.0.0.0/0 matches addresses, never pods managed by Cilium', () => {
    const r = report([cnp('a', 'p', { endpointSelector: web, ingress: [{ fromCIDR: ['0.0.0.0/0'] }] })]);
    expect(r.between(WORLD4, 'a/web').toString()).toBe('All Connections');
    expect(r.between('a/client', 'a/web').toString()).toBe('No Connections');
  });

  it('a bare address in toCIDR is one host; an invalid CIDR is a problem and matches nothing', () => {
    const r = report([cnp('a', 'p', { endpointSelector: web, egress: [{ toCIDR: ['192.0.2.10', 'not-a-cidr'] }] })]);
    expect(r.between('a/web', '192.0.2.10-192.0.2.10').toString()).toBe('All Connections');
    expect(r.between('a/web', '0.0.0.0-192.0.2.9').toString()).toBe('No Connections');
    expect(r.problems).toContainEqual(expect.objectContaining({ code: 'invalid-cidr', object: 'CiliumNetworkPolicy/a/p' }));
  });
});

describe('Cilium L4: toPorts (Layer 4 Examples)', () => {
  const ports = (p: Record<string, unknown>[]) => [cnp('a', 'p', { endpointSelector: web, ingress: [{ fromEndpoints: [{}], toPorts: [{ ports: p }] }] })];
  it.each([
    ['a port and protocol', [{ port: '80', protocol: 'TCP' }], 'TCP 80'],
    ['protocol omitted is ANY: TCP, UDP and SCTP', [{ port: '80' }], 'SCTP 80,TCP 80,UDP 80'],
    ['ANY explicitly', [{ port: '80', protocol: 'ANY' }], 'SCTP 80,TCP 80,UDP 80'],
    ['endPort: a range', [{ port: '8000', endPort: 8080, protocol: 'TCP' }], 'TCP 8000-8080'],
    ['a named port resolves against the destination\'s container ports', [{ port: 'http', protocol: 'TCP' }], 'TCP 80'],
    ['a named port ignores endPort', [{ port: 'alt', endPort: 9000, protocol: 'TCP' }], 'TCP 8080'],
    ['port 0: every port of the protocol', [{ port: '0', protocol: 'UDP' }], 'UDP'],
    ['an unknown protocol matches nothing', [{ port: '80', protocol: 'ICMP' }], 'No Connections'],
  ])('%s', (_name, list, expected) => {
    expect(between(ports(list), 'a/client', 'a/web')).toBe(expected);
  });

  it('a rule with only toPorts admits every peer (other namespaces, the world) on those ports', () => {
    const p = [cnp('a', 'p', { endpointSelector: web, ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] })];
    expect(between(p, 'b/other', 'a/web')).toBe('TCP 80');
    expect(between(p, WORLD4, 'a/web')).toBe('TCP 80');
  });

  it('several toPorts entries and ports add up', () => {
    const p = [cnp('a', 'p', { endpointSelector: web, ingress: [{ fromEndpoints: [{}], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }, { ports: [{ port: '53', protocol: 'UDP' }, { port: '8080', protocol: 'TCP' }] }] }] })];
    expect(between(p, 'a/client', 'a/web')).toBe('TCP 80,8080,UDP 53');
  });
});

describe('Cilium deny policies (Deny Policies)', () => {
  const allowAll = cnp('a', 'allow-all', { endpointSelector: web, ingress: [{ fromEntities: ['all'] }] });
  it('ingressDeny wins over an allow of the same policy kind', () => {
    const deny = cnp('a', 'deny-b', { endpointSelector: web, ingressDeny: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'b' } }] }] });
    const r = report([allowAll, deny]);
    expect(r.between('b/other', 'a/web').toString()).toBe('No Connections');
    expect(r.between('a/client', 'a/web').toString()).toBe('All Connections');
    expect(r.allowedBy('b/other', 'a/web').ingress.deniedBy).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'a', name: 'deny-b' }]);
    expect(r.allowedBy('a/client', 'a/web').ingress.deniedBy).toEqual([]);
  });

  it('a deny wins over a Kubernetes NetworkPolicy\'s allow too ("regardless of whether they are … a Kubernetes Network Policy")', () => {
    const allowNp: NetworkPolicy = { metadata: { name: 'allow-all', namespace: 'a' }, spec: { podSelector: web, ingress: [{}] } };
    const deny = ccnp('deny-80', { endpointSelector: web, ingressDeny: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] });
    const r = report([deny], [allowNp]);
    // The deny cuts TCP 80 from every peer; the rest of the NetworkPolicy's allow stands.
    expect(r.between('b/other', 'a/web').toString()).toBe('SCTP,TCP 1-79,81-65535,UDP');
    expect(r.between(WORLD4, 'a/web').toString()).toBe('SCTP,TCP 1-79,81-65535,UDP');
    const why = r.allowedBy('b/other', 'a/web').ingress;
    expect(why.policies).toEqual([{ kind: 'NetworkPolicy', namespace: 'a', name: 'allow-all' }]);
    expect(why.deniedBy).toEqual([{ kind: 'CiliumClusterwideNetworkPolicy', namespace: null, name: 'deny-80' }]);
  });

  it('a deny is named only where both sides would otherwise allow what it cuts', () => {
    const denySsh = ccnp('deny-ssh', { endpointSelector: web, enableDefaultDeny: { ingress: false }, ingressDeny: [{ toPorts: [{ ports: [{ port: '22', protocol: 'TCP' }] }] }] });
    const clientOut = cnp('a', 'client-out', { endpointSelector: { matchLabels: { app: 'client' } }, egress: [{ toEndpoints: [web], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] });
    const r = report([denySsh, clientOut]);
    // a/client may only send TCP 80: SSH was never on the table, so the deny cuts nothing here.
    expect(r.between('a/client', 'a/web').toString()).toBe('TCP 80');
    expect(r.allowedBy('a/client', 'a/web').ingress.deniedBy).toEqual([]);
    // b/other's egress is open: the deny is what stops SSH.
    expect(r.between('b/other', 'a/web').toString()).toBe('SCTP,TCP 1-21,23-65535,UDP');
    expect(r.allowedBy('b/other', 'a/web').ingress.deniedBy).toEqual([{ kind: 'CiliumClusterwideNetworkPolicy', namespace: null, name: 'deny-ssh' }]);
  });

  it('a deny-only policy puts the direction into default deny (Endpoint default policy): nothing is allowed', () => {
    const deny = cnp('a', 'deny-b', { endpointSelector: web, ingressDeny: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'b' } }] }] });
    expect(between([deny], 'a/client', 'a/web')).toBe('No Connections');
  });

  it('with enableDefaultDeny.ingress false a deny cuts only what it names; the rest stays allowed by default', () => {
    const deny = cnp('a', 'deny-b', {
      endpointSelector: web,
      enableDefaultDeny: { ingress: false },
      ingressDeny: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'b' } }] }],
    });
    const r = report([deny]);
    expect(r.between('a/client', 'a/web').toString()).toBe('All Connections');
    expect(r.between('b/other', 'a/web').toString()).toBe('No Connections');
    expect(r.between(WORLD4, 'a/web').toString()).toBe('All Connections');
  });

  it('egressDeny to a CIDR cuts those addresses from an egress allowed by default', () => {
    const deny = cnp('a', 'no-metadata', { endpointSelector: {}, enableDefaultDeny: { egress: false }, egressDeny: [{ toCIDR: ['169.254.169.254/32'] }] });
    const r = report([deny]);
    expect(r.between('a/web', '169.254.169.254-169.254.169.254').toString()).toBe('No Connections');
    expect(r.between('a/web', '0.0.0.0-169.254.169.253').toString()).toBe('All Connections');
    expect(r.between('a/web', 'b/other').toString()).toBe('All Connections');
  });

  it('the namespace matrix takes denies on specific peers into account', () => {
    const deny = cnp('a', 'deny-b', { endpointSelector: {}, enableDefaultDeny: { ingress: false }, ingressDeny: [{ fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'b' } }] }] });
    const m = report([deny]).namespaceMatrix();
    expect(m.connAt('b', 'a')).toBeNull();
    expect(m.connAt('a', 'a')).toBe('All Connections');
    expect(m.connAt('kube-system', 'a')).toBe('All Connections');
    expect(m.connAt('a', 'b')).toBe('All Connections');
  });
});

describe('Cilium default deny and combination (Policy Enforcement Modes → Endpoint default policy)', () => {
  it('enableDefaultDeny.ingress false: the policy adds allows without isolating', () => {
    const p = [cnp('a', 'p', { endpointSelector: web, enableDefaultDeny: { ingress: false }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }] }] })];
    expect(between(p, 'b/other', 'a/web')).toBe('All Connections');
  });

  it('… and its allows add up with those of an isolating policy', () => {
    const p = [
      cnp('a', 'lock', { endpointSelector: web, ingress: [{}] }),
      cnp('a', 'extra', { endpointSelector: web, enableDefaultDeny: { ingress: false }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }] }] }),
    ];
    expect(between(p, 'a/client', 'a/web')).toBe('All Connections');
    expect(between(p, 'b/other', 'a/web')).toBe('No Connections');
  });

  it('a NetworkPolicy and a CiliumNetworkPolicy on one pod: allows add up', () => {
    const npAllow: NetworkPolicy = { metadata: { name: 'from-db', namespace: 'a' }, spec: { podSelector: web, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'db' } } }] }] } };
    const p = [cnp('a', 'from-client', { endpointSelector: web, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }] }] })];
    const r = report(p, [npAllow]);
    expect(r.between('a/client', 'a/web').toString()).toBe('All Connections');
    expect(r.between('a/db', 'a/web').toString()).toBe('All Connections');
    expect(r.between('b/other', 'a/web').toString()).toBe('No Connections');
  });

  it('both ends must allow: an egress-isolated client reaches web only where its egress allows', () => {
    const p = [
      cnp('a', 'client-out', { endpointSelector: { matchLabels: { app: 'client' } }, egress: [{ toEndpoints: [web], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] }),
      cnp('a', 'web-in', { endpointSelector: web, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }, { port: '8080', protocol: 'TCP' }] }] }] }),
    ];
    expect(between(p, 'a/client', 'a/web')).toBe('TCP 80');
    expect(between(p, 'a/client', 'a/db')).toBe('No Connections');
  });

  it('specs: each rule of the list selects and allows on its own', () => {
    const p: CrdPolicy = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'two', namespace: 'a' },
      specs: [
        { endpointSelector: web, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }] }] },
        { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{ fromEndpoints: [web], toPorts: [{ ports: [{ port: '5432', protocol: 'TCP' }] }] }] },
      ],
    };
    expect(between([p], 'a/client', 'a/web')).toBe('All Connections');
    expect(between([p], 'a/client', 'a/db')).toBe('No Connections');
    expect(between([p], 'a/web', 'a/db')).toBe('TCP 5432');
  });
});

describe('Cilium: what stays not evaluated (Layer 7 Examples; DNS based)', () => {
  it('L7 rules: the L4 connection is shown as allowed, and the L7 rules are named', () => {
    const p = [cnp('a', 'http-get', { endpointSelector: web, ingress: [{ fromEndpoints: [{}], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ method: 'GET', path: '/' }] } }] }] })];
    const r = report(p);
    expect(r.between('a/client', 'a/web').toString()).toBe('TCP 80');
    expect(r.notEvaluated).toEqual([expect.objectContaining({ object: 'CiliumNetworkPolicy/a/http-get', reason: expect.stringContaining('L7 rules (http)') })]);
    // The explanation says the connection is allowed with L7 rules, and names them.
    expect(r.allowedBy('a/client', 'a/web').ingress.l7).toEqual([{ policy: { kind: 'CiliumNetworkPolicy', namespace: 'a', name: 'http-get' }, rules: ['http'] }]);
    expect(r.allowedBy('a/client', 'a/web').egress.l7).toEqual([]);
  });

  it('toFQDNs: noted; the policy still isolates egress, and the rest of it is exact', () => {
    const p = [
      cnp('a', 'fqdn', {
        endpointSelector: web,
        egress: [
          { toFQDNs: [{ matchPattern: '*.example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
          { toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }], toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } }] },
        ],
      }),
    ];
    const r = report(p);
    expect(r.between('a/web', 'kube-system/dns').toString()).toBe('SCTP 53,TCP 53,UDP 53');
    expect(r.between('a/web', 'b/other').toString()).toBe('No Connections');
    expect(r.between('a/web', WORLD4).toString()).toBe('No Connections');
    const reasons = r.notEvaluated.map((n) => n.reason).join('\n');
    expect(reasons).toContain('FQDN *.example.com');
    expect(reasons).toContain('L7 rules (dns)');
    // The name is a peer of its own, on the rule's ports.
    expect(r.between('a/web', 'FQDN *.example.com').toString()).toBe('TCP 443');
    expect(r.whereCanGo('a/web')).toContainEqual({ src: 'a/web', dst: 'FQDN *.example.com', conn: 'TCP 443' });
    expect(r.connections()).toContainEqual({ src: 'a/web', dst: 'FQDN *.example.com', conn: 'TCP 443' });
    expect(r.whereCanGo('a/client').some((c) => c.dst.startsWith('FQDN '))).toBe(false);
    const why = r.allowedBy('a/web', 'FQDN *.example.com');
    expect(why.egress.policies).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'a', name: 'fqdn' }]);
    expect(why.ingress.peer).toBeNull();
  });

  it('toFQDNs: a deny with no L3 part cuts the name too; a CIDR deny is named as one that may cut its addresses', () => {
    const allow = cnp('a', 'fqdn', { endpointSelector: web, egress: [{ toFQDNs: [{ matchName: 'api.example.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '80', protocol: 'TCP' }] }] }] });
    const denyPort = ccnp('no-80', { endpointSelector: {}, enableDefaultDeny: { egress: false }, egressDeny: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] }] });
    const denyCidr = ccnp('no-world', { endpointSelector: {}, enableDefaultDeny: { egress: false }, egressDeny: [{ toCIDR: ['0.0.0.0/0'] }] });
    const r = report([allow, denyPort, denyCidr]);
    expect(r.between('a/web', 'FQDN api.example.com').toString()).toBe('TCP 443');
    const why = r.allowedBy('a/web', 'FQDN api.example.com').egress;
    expect(why.deniedBy).toEqual([{ kind: 'CiliumClusterwideNetworkPolicy', namespace: null, name: 'no-80' }]);
    expect(why.notEvaluated).toEqual(['CiliumClusterwideNetworkPolicy no-world: its CIDR deny may cut the addresses api.example.com resolves to']);
  });

  it('service-account selectors are noted and taken to match no pod', () => {
    const p = [cnp('a', 'sa', { endpointSelector: web, ingress: [{ fromEndpoints: [{ matchLabels: { 'io.cilium.k8s.policy.serviceaccount': 'luke' } }] }] })];
    const r = report(p);
    expect(r.between('a/client', 'a/web').toString()).toBe('No Connections');
    expect(r.notEvaluated).toContainEqual(expect.objectContaining({ reason: expect.stringContaining('service account') }));
  });

  it('icmps without toPorts admits no TCP/UDP/SCTP (allow) and cuts none (deny); toPorts: [] without L3 allows nothing', () => {
    const icmp = [{ fields: [{ type: 8, family: 'IPv4' }] }];
    expect(between([cnp('a', 'ping', { endpointSelector: web, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }], icmps: icmp }] })], 'a/client', 'a/web')).toBe('No Connections');
    const denyPing = cnp('a', 'no-ping', { endpointSelector: web, enableDefaultDeny: { ingress: false }, ingressDeny: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }], icmps: icmp }] });
    expect(between([denyPing], 'a/client', 'a/web')).toBe('All Connections');
    const r = report([cnp('a', 'empty-ports', { endpointSelector: web, ingress: [{ toPorts: [] }] })]);
    expect(r.between('b/other', 'a/web').toString()).toBe('No Connections');
    expect(r.between(WORLD4, 'a/web').toString()).toBe('No Connections');
  });

  it('a deny of the whole world (both families) cuts FQDN peers too', () => {
    const fqdn = cnp('a', 'fqdn', { endpointSelector: web, egress: [{ toFQDNs: [{ matchName: 'api.x.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] });
    const noWorld = ccnp('no-world', { endpointSelector: {}, enableDefaultDeny: { egress: false }, egressDeny: [{ toEntities: ['world'] }] });
    const noV4 = ccnp('no-v4', { endpointSelector: {}, enableDefaultDeny: { egress: false }, egressDeny: [{ toCIDR: ['0.0.0.0/0'] }] });
    expect(between([fqdn, noWorld], 'a/web', 'FQDN api.x.com')).toBe('No Connections');
    // A certain cut is not also listed as one that "may" cut; an IPv4-only one is.
    const rw = report([fqdn, noWorld]).allowedBy('a/web', 'FQDN api.x.com').egress;
    expect(rw.notEvaluated).toEqual([]);
    expect(report([fqdn, noV4]).allowedBy('a/web', 'FQDN api.x.com').egress.notEvaluated).toEqual(['CiliumClusterwideNetworkPolicy no-v4: its CIDR deny may cut the addresses api.x.com resolves to']);
    // IPv4 alone: the name may still resolve to IPv6 addresses.
    expect(between([fqdn, noV4], 'a/web', 'FQDN api.x.com')).toBe('TCP 443');
  });

  it('a policy with several specs selecting one pod is named once', () => {
    const p: CrdPolicy = {
      apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'multi', namespace: 'a' },
      specs: [
        { endpointSelector: web, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] }] },
        { endpointSelector: web, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'client' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] }] },
      ],
    };
    const why = report([p]).allowedBy('a/client', 'a/web').ingress;
    expect(why.policies).toEqual([{ kind: 'CiliumNetworkPolicy', namespace: 'a', name: 'multi' }]);
    expect(why.l7).toEqual([{ policy: { kind: 'CiliumNetworkPolicy', namespace: 'a', name: 'multi' }, rules: ['http'] }]);
  });

  it.each([
    ['*', 'api.x.com', true],
    ['*.x.com', 'api.x.com', true],
    ['*.x.com', 'a.b.x.com', false],
    ['*.x.com', 'x.com', false],
    ['**.x.com', 'a.b.x.com', true],
    ['**.x.com', 'x.com', false],
    ['api*.x.com', 'api-eu.x.com', true],
    ['api.x.com', 'API.X.COM.', true],
    ['*.x.com', '*.x.com', true],
    ['*.x.com', '*.y.x.com', false],
  ])('toFQDNs pattern %s covers %s: %s (DNS based: matchPattern)', (pattern, name, expected) => {
    expect(fqdnCovers(pattern, name)).toBe(expected);
  });

  it('an FQDN peer also gets the allows with no L3 part and the patterns that cover its name', () => {
    const p = cnp('a', 'fqdn', {
      endpointSelector: web,
      egress: [
        { toFQDNs: [{ matchName: 'api.x.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
        { toFQDNs: [{ matchPattern: '*.x.com' }], toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }] },
        { toPorts: [{ ports: [{ port: '8443', protocol: 'TCP' }] }] },
      ],
    });
    const r = report([p]);
    expect(r.between('a/web', 'FQDN api.x.com').toString()).toBe('TCP 80,443,8443');
    expect(r.between('a/web', 'FQDN *.x.com').toString()).toBe('TCP 80,8443');
  });
});
