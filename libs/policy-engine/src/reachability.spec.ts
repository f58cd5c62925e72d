// Truth tables for reachability, written from the NetworkPolicy spec: each row names a corner and
// the connection it must produce between two workloads (or a workload and an address range).
import { describe, expect, it } from 'vitest';
import type { ClusterState, CrdPolicy, NetworkPolicy, PodInfo } from './model';
import { analyzeReachability } from './reachability';

const pod = (namespace: string, name: string, labels: Record<string, string>, extra: Partial<PodInfo> = {}): PodInfo => ({
  namespace,
  name,
  labels,
  ...extra,
});

const np = (namespace: string, name: string, spec: Partial<NetworkPolicy['spec']>): NetworkPolicy => ({
  metadata: { name, namespace },
  spec: { podSelector: {}, ...spec },
});

// a: team x; b: team y; c: no labels at all (only the implicit name label).
const PODS: PodInfo[] = [
  pod('a', 'web', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }),
  pod('a', 'db', { app: 'db' }, { ports: [{ name: 'http', containerPort: 9090, protocol: 'TCP' }] }),
  pod('a', 'client', { app: 'client' }),
  pod('b', 'web', { app: 'web' }),
  pod('b', 'client', { app: 'client' }),
  pod('c', 'client', { app: 'client' }),
];

function cluster(policies: NetworkPolicy[], extra: Partial<ClusterState> = {}): ClusterState {
  return {
    namespaces: [
      { name: 'a', labels: { team: 'x' } },
      { name: 'b', labels: { team: 'y' } },
      { name: 'c', labels: {} },
    ],
    pods: PODS,
    networkPolicies: policies,
    networkProfile: { networkPolicy: 'azure' },
    ...extra,
  };
}

const conn = (policies: NetworkPolicy[], src: string, dst: string): string => analyzeReachability(cluster(policies)).between(src, dst).toString();

const ingressTo = (podSelector: NetworkPolicy['spec']['podSelector'], rules: NetworkPolicy['spec']['ingress']) =>
  np('a', 'in', { podSelector, policyTypes: ['Ingress'], ingress: rules });
const DB = { matchLabels: { app: 'db' } };

type Row = [name: string, policies: NetworkPolicy[], src: string, dst: string, expected: string];

describe('isolation and defaulting', () => {
  const rows: Row[] = [
    ['no policy: everything', [], 'a/web', 'a/db', 'All Connections'],
    ['default-deny ingress blocks other pods', [np('a', 'deny', { policyTypes: ['Ingress'] })], 'b/client', 'a/db', 'No Connections'],
    ['default-deny ingress leaves egress open', [np('a', 'deny', { policyTypes: ['Ingress'] })], 'a/db', 'b/client', 'All Connections'],
    ['default-deny egress blocks the source', [np('a', 'deny', { policyTypes: ['Egress'] })], 'a/web', 'b/client', 'No Connections'],
    ['default-deny egress leaves ingress open', [np('a', 'deny', { policyTypes: ['Egress'] })], 'b/client', 'a/web', 'All Connections'],
    ['`ingress: []` without policyTypes denies ingress', [np('a', 'deny', { ingress: [] })], 'b/client', 'a/web', 'No Connections'],
    ['`egress: []` without policyTypes leaves egress open (Ingress only)', [np('a', 'p', { egress: [] })], 'a/web', 'c/client', 'All Connections'],
    ['egress rules without policyTypes isolate ingress too', [np('a', 'p', { egress: [{}] })], 'b/client', 'a/web', 'No Connections'],
    ['… and allow their egress', [np('a', 'p', { egress: [{ ports: [{ port: 443 }] }] })], 'a/web', 'c/client', 'TCP 443'],
    ['explicit policyTypes Egress ignores written ingress rules', [np('a', 'p', { policyTypes: ['Egress'], ingress: [{}] })], 'b/client', 'a/web', 'All Connections'],
    ['explicit policyTypes Ingress ignores written egress rules', [np('a', 'p', { policyTypes: ['Ingress'], egress: [{}], ingress: [{}] })], 'a/web', 'c/client', 'All Connections'],
    ['a policy isolates only the pods it selects', [np('a', 'deny', { podSelector: DB, policyTypes: ['Ingress'] })], 'b/client', 'a/web', 'All Connections'],
    ['a policy never isolates pods of another namespace', [np('b', 'deny', { policyTypes: ['Ingress', 'Egress'] })], 'c/client', 'a/web', 'All Connections'],
    ['ingress isolated by one policy, egress by another', [np('a', 'i', { podSelector: DB, policyTypes: ['Ingress'] }), np('b', 'e', { policyTypes: ['Egress'] })], 'b/client', 'a/db', 'No Connections'],
    ['invalid pod selector isolates nothing', [np('a', 'typo', { podSelector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['db'] }] }, policyTypes: ['Ingress'] })], 'b/client', 'a/db', 'All Connections'],
  ];
  it.each(rows)('%s', (_n, policies, src, dst, expected) => expect(conn(policies, src, dst)).toBe(expected));
});

describe('peers', () => {
  const rows: Row[] = [
    ['podSelector alone: pods of the policy namespace', [ingressTo(DB, [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }])], 'a/client', 'a/db', 'All Connections'],
    ['podSelector alone never reaches into other namespaces', [ingressTo(DB, [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }] }])], 'b/client', 'a/db', 'No Connections'],
    ['empty podSelector: every pod of the policy namespace', [ingressTo(DB, [{ from: [{ podSelector: {} }] }])], 'a/web', 'a/db', 'All Connections'],
    ['empty podSelector: not other namespaces', [ingressTo(DB, [{ from: [{ podSelector: {} }] }])], 'b/client', 'a/db', 'No Connections'],
    ['namespaceSelector alone: every pod of matching namespaces', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }] }])], 'b/web', 'a/db', 'All Connections'],
    ['namespaceSelector alone: not the policy namespace unless it matches', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }] }])], 'a/client', 'a/db', 'No Connections'],
    ['empty namespaceSelector: every pod of every namespace', [ingressTo(DB, [{ from: [{ namespaceSelector: {} }] }])], 'c/client', 'a/db', 'All Connections'],
    ['both in one peer is an AND: both match', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } }, podSelector: { matchLabels: { app: 'client' } } }] }])], 'b/client', 'a/db', 'All Connections'],
    ['AND: right namespace, wrong pod', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } }, podSelector: { matchLabels: { app: 'client' } } }] }])], 'b/web', 'a/db', 'No Connections'],
    ['AND: right pod, wrong namespace', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } }, podSelector: { matchLabels: { app: 'client' } } }] }])], 'c/client', 'a/db', 'No Connections'],
    ['two entries are an OR: the namespace one', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }, { podSelector: { matchLabels: { app: 'client' } } }] }])], 'b/web', 'a/db', 'All Connections'],
    ['OR: the pod one (own namespace)', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }, { podSelector: { matchLabels: { app: 'client' } } }] }])], 'a/client', 'a/db', 'All Connections'],
    ['OR: neither', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }, { podSelector: { matchLabels: { app: 'client' } } }] }])], 'c/client', 'a/db', 'No Connections'],
    ['implicit kubernetes.io/metadata.name label', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'c' } } }] }])], 'c/client', 'a/db', 'All Connections'],
    ['implicit name label does not match another namespace', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'c' } } }] }])], 'b/client', 'a/db', 'No Connections'],
    ['NotIn matches namespaces lacking the key', [ingressTo(DB, [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['y'] }] } }] }])], 'c/client', 'a/db', 'All Connections'],
    ['absent from: every peer', [ingressTo(DB, [{ ports: [{ port: 5432 }] }])], 'c/client', 'a/db', 'TCP 5432'],
    ['empty from: every peer, like absent', [ingressTo(DB, [{ from: [], ports: [{ port: 5432 }] }])], 'c/client', 'a/db', 'TCP 5432'],
    ['ipBlock 0.0.0.0/0 never matches pods', [ingressTo(DB, [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }])], 'b/client', 'a/db', 'No Connections'],
    ['ipBlock ::/0 never matches pods', [ingressTo(DB, [{ from: [{ ipBlock: { cidr: '::/0' } }] }])], 'b/client', 'a/db', 'No Connections'],
    ['egress ipBlock never matches pods', [np('b', 'e', { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })], 'b/client', 'a/db', 'No Connections'],
    ['a peer with an invalid selector matches nothing', [ingressTo(DB, [{ from: [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } }] }])], 'a/client', 'a/db', 'No Connections'],
    ['egress to a podSelector peer', [np('a', 'e', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: DB }] }] })], 'a/client', 'a/db', 'All Connections'],
    ['egress to a podSelector peer: not others', [np('a', 'e', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: DB }] }] })], 'a/client', 'a/web', 'No Connections'],
  ];
  it.each(rows)('%s', (_n, policies, src, dst, expected) => expect(conn(policies, src, dst)).toBe(expected));
});

describe('ports', () => {
  const toAll = (ports: unknown) => [np('a', 'in', { policyTypes: ['Ingress'], ingress: [{ ports: ports as never }] })];
  const rows: Row[] = [
    ['absent ports: all ports', toAll(undefined), 'c/client', 'a/db', 'All Connections'],
    ['empty ports: all ports', toAll([]), 'c/client', 'a/db', 'All Connections'],
    ['protocol defaults to TCP', toAll([{ port: 80 }]), 'c/client', 'a/db', 'TCP 80'],
    ['UDP', toAll([{ port: 53, protocol: 'UDP' }]), 'c/client', 'a/db', 'UDP 53'],
    ['SCTP, all ports', toAll([{ protocol: 'SCTP' }]), 'c/client', 'a/db', 'SCTP'],
    ['endPort range', toAll([{ port: 8000, endPort: 8090 }]), 'c/client', 'a/db', 'TCP 8000-8090'],
    ['named port at web', toAll([{ port: 'http' }]), 'c/client', 'a/web', 'TCP 8080'],
    ['the same named port at db resolves to db’s own number', toAll([{ port: 'http' }]), 'c/client', 'a/db', 'TCP 9090'],
    ['named port needs the same protocol (dns is UDP)', toAll([{ port: 'dns' }]), 'c/client', 'a/web', 'No Connections'],
    ['named port with the matching protocol', toAll([{ port: 'dns', protocol: 'UDP' }]), 'c/client', 'a/web', 'UDP 53'],
    ['named port the destination lacks', toAll([{ port: 'dns', protocol: 'UDP' }]), 'c/client', 'a/db', 'No Connections'],
    ['numeric and named together', toAll([{ port: 'http' }, { port: 443 }]), 'c/client', 'a/web', 'TCP 443,8080'],
    [
      'egress named port resolves at the destination pod',
      [np('c', 'e', { policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })],
      'c/client',
      'a/db',
      'TCP 9090',
    ],
  ];
  it.each(rows)('%s', (_n, policies, src, dst, expected) => expect(conn(policies, src, dst)).toBe(expected));
});

describe('combining rules and directions', () => {
  const rows: Row[] = [
    [
      'additive union across policies',
      [
        ingressTo(DB, [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] }]),
        np('a', 'in2', { podSelector: DB, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] }),
      ],
      'a/client',
      'a/db',
      'TCP 80,UDP 53',
    ],
    [
      'additive union across rules of one policy',
      [ingressTo(DB, [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] }, { from: [{ podSelector: {} }], ports: [{ port: 81 }] }])],
      'a/client',
      'a/db',
      'TCP 80-81',
    ],
    [
      'a rule applies its ports to its own peers only',
      [ingressTo(DB, [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ port: 80 }] }, { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 81 }] }])],
      'a/client',
      'a/db',
      'TCP 80',
    ],
    [
      'a default-deny beside an allow takes nothing away',
      [np('a', 'deny', { policyTypes: ['Ingress'] }), ingressTo(DB, [{ ports: [{ port: 5432 }] }])],
      'b/client',
      'a/db',
      'TCP 5432',
    ],
    [
      'egress at the source ∩ ingress at the destination',
      [
        np('a', 'e', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80, endPort: 90 }] }] }),
        ingressTo(DB, [{ ports: [{ port: 85, endPort: 100 }] }]),
      ],
      'a/client',
      'a/db',
      'TCP 85-90',
    ],
    [
      'egress allows but ingress denies',
      [np('a', 'e', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{}] }), np('a', 'deny', { podSelector: DB, policyTypes: ['Ingress'] })],
      'a/client',
      'a/db',
      'No Connections',
    ],
    [
      'ingress allows but egress denies',
      [np('a', 'deny', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'] }), ingressTo(DB, [{}])],
      'a/client',
      'a/db',
      'No Connections',
    ],
    [
      'cross-namespace: egress in b to a namespace, ingress in a from b',
      [
        np('b', 'e', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'x' } }, podSelector: DB }], ports: [{ port: 5432 }, { port: 6432 }] }] }),
        ingressTo(DB, [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }], ports: [{ port: 5432 }] }]),
      ],
      'b/client',
      'a/db',
      'TCP 5432',
    ],
  ];
  it.each(rows)('%s', (_n, policies, src, dst, expected) => expect(conn(policies, src, dst)).toBe(expected));
});

describe('external address ranges', () => {
  it('without ipBlocks: the two whole address families', () => {
    const r = analyzeReachability(cluster([]));
    expect(r.externalRanges.map((x) => x.range)).toEqual(['0.0.0.0-255.255.255.255', '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff']);
    expect(r.between('a/web', '0.0.0.0-255.255.255.255').toString()).toBe('All Connections');
    expect(r.between('::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'a/web').toString()).toBe('All Connections');
  });

  it('IPv4 ipBlock with except: split at every boundary, per-range answers', () => {
    const r = analyzeReachability(cluster([ingressTo(DB, [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 5432 }] }])]));
    expect(r.externalRanges.filter((x) => x.family === 4).map((x) => x.range)).toEqual([
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.0.255.255',
      '10.1.0.0-10.1.255.255',
      '10.2.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.255',
    ]);
    const into = (range: string) => r.between(range, 'a/db').toString();
    expect(into('0.0.0.0-9.255.255.255')).toBe('No Connections');
    expect(into('10.0.0.0-10.0.255.255')).toBe('TCP 5432');
    expect(into('10.1.0.0-10.1.255.255')).toBe('No Connections');
    expect(into('10.2.0.0-10.255.255.255')).toBe('TCP 5432');
    expect(into('11.0.0.0-255.255.255.255')).toBe('No Connections');
    expect(into('::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe('No Connections');
    // Ingress isolation says nothing about egress: db may send anywhere.
    expect(r.between('a/db', '10.1.0.0-10.1.255.255').toString()).toBe('All Connections');
    // Other workloads are not selected: open both ways.
    expect(r.between('10.1.0.0-10.1.255.255', 'a/web').toString()).toBe('All Connections');
    expect(r.whoCanReach('a/db')).toEqual([
      { src: '10.0.0.0-10.0.255.255', dst: 'a/db', conn: 'TCP 5432' },
      { src: '10.2.0.0-10.255.255.255', dst: 'a/db', conn: 'TCP 5432' },
    ]);
  });

  it('IPv6 ipBlock with except, printed in canonical compressed form', () => {
    const r = analyzeReachability(
      cluster([np('a', 'e', { podSelector: DB, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '2001:DB8::/32', except: ['2001:db8:1::/48'] } }], ports: [{ port: 443 }] }] })]),
    );
    expect(r.externalRanges.filter((x) => x.family === 6).map((x) => x.range)).toEqual([
      '::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff',
      '2001:db8::-2001:db8:0:ffff:ffff:ffff:ffff:ffff',
      '2001:db8:1::-2001:db8:1:ffff:ffff:ffff:ffff:ffff',
      '2001:db8:2::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
      '2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    ]);
    expect(r.whereCanGo('a/db')).toEqual([
      { src: 'a/db', dst: '2001:db8:2::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', conn: 'TCP 443' },
      { src: 'a/db', dst: '2001:db8::-2001:db8:0:ffff:ffff:ffff:ffff:ffff', conn: 'TCP 443' },
    ]);
    expect(r.between('a/db', '0.0.0.0-255.255.255.255').toString()).toBe('No Connections');
  });

  it('absent `to` reaches every address; a namespaceSelector {} reaches none', () => {
    const r = analyzeReachability(
      cluster([
        np('a', 'e', { podSelector: DB, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }),
        np('a', 'e2', { podSelector: DB, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 443 }] }] }),
      ]),
    );
    expect(r.between('a/db', '0.0.0.0-255.255.255.255').toString()).toBe('UDP 53');
    expect(r.between('a/db', 'c/client').toString()).toBe('TCP 443,UDP 53');
  });

  it('a named port never matches an address; from an address it resolves at our pod', () => {
    const r = analyzeReachability(
      cluster([
        np('a', 'e', { podSelector: DB, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 'http' }, { port: 443 }] }] }),
        ingressTo(DB, [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 'http' }] }]),
      ]),
    );
    expect(r.between('a/db', '0.0.0.0-255.255.255.255').toString()).toBe('TCP 443');
    expect(r.between('0.0.0.0-255.255.255.255', 'a/db').toString()).toBe('TCP 9090');
  });

  it('adjacent ranges with the same connectivity are merged', () => {
    // 10.0.0.0/9 and 10.128.0.0/9 together are 10.0.0.0/8 for every workload.
    const r = analyzeReachability(cluster([ingressTo(DB, [{ from: [{ ipBlock: { cidr: '10.0.0.0/9' } }, { ipBlock: { cidr: '10.128.0.0/9' } }] }])]));
    // Different blocks, so they stay apart even with the same answers: the split is by block membership.
    expect(r.externalRanges.filter((x) => x.family === 4).length).toBe(4);
    const merged = analyzeReachability(cluster([ingressTo(DB, [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }] }])]));
    expect(merged.externalRanges.filter((x) => x.family === 4).map((x) => x.range)).toEqual(['0.0.0.0-255.255.255.255']);
  });
});

describe('workloads, listing and queries', () => {
  const replicas: PodInfo[] = [
    pod('shop', 'web-1', { app: 'web' }, { workload: { kind: 'Deployment', name: 'web' } }),
    pod('shop', 'web-2', { app: 'web' }, { workload: { kind: 'Deployment', name: 'web' } }),
    pod('shop', 'web-0', { app: 'web-sts' }, { workload: { kind: 'StatefulSet', name: 'web' } }),
    pod('shop', 'old', { app: 'old' }, { phase: 'Succeeded' }),
  ];
  const state = (policies: NetworkPolicy[], pods = replicas): ClusterState => ({
    namespaces: [{ name: 'shop', labels: {} }],
    pods,
    networkPolicies: policies,
    networkProfile: { networkPolicy: 'cilium' },
  });

  it('a workload to itself is not listed; replicas are not pairs; name clashes carry the kind', () => {
    const r = analyzeReachability(state([]));
    expect(r.workloads.map((w) => w.id)).toEqual(['shop/web[Deployment]', 'shop/web[StatefulSet]']);
    const pairs = r.connections().filter((c) => !c.src.includes('.') && !c.src.includes(':') && !c.dst.includes('.') && !c.dst.includes(':'));
    expect(pairs).toEqual([
      { src: 'shop/web[Deployment]', dst: 'shop/web[StatefulSet]', conn: 'All Connections' },
      { src: 'shop/web[StatefulSet]', dst: 'shop/web[Deployment]', conn: 'All Connections' },
    ]);
    expect(r.connections().every((c) => c.src !== c.dst)).toBe(true);
  });

  it('terminated pods are no endpoints', () => {
    expect(analyzeReachability(state([])).workloads.some((w) => w.name === 'old')).toBe(false);
  });

  it('connections are sorted by src then dst and omit No Connections', () => {
    const r = analyzeReachability(cluster([np('a', 'deny', { policyTypes: ['Ingress', 'Egress'] })]));
    const list = r.connections();
    const sorted = [...list].sort((x, y) => (x.src < y.src ? -1 : x.src > y.src ? 1 : x.dst < y.dst ? -1 : x.dst > y.dst ? 1 : 0));
    expect(list).toEqual(sorted);
    expect(list.some((c) => c.conn === 'No Connections')).toBe(false);
    expect(list.some((c) => c.src.startsWith('a/') || c.dst.startsWith('a/'))).toBe(false);
    expect(r.whoCanReach('a/web')).toEqual([]);
    expect(r.whereCanGo('b/web').map((c) => c.dst)).toEqual([
      '0.0.0.0-255.255.255.255',
      '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      'b/client',
      'c/client',
    ]);
    expect(() => r.whoCanReach('nope/x')).toThrow(/unknown workload/);
  });

  it('a workload whose pods differ is the union over its pods', () => {
    const mixed = [
      pod('shop', 'api-1', { app: 'api', track: 'stable' }, { workload: { kind: 'Deployment', name: 'api' } }),
      pod('shop', 'api-2', { app: 'api', track: 'canary' }, { workload: { kind: 'Deployment', name: 'api' } }),
      pod('shop', 'db-0', { app: 'db' }, { workload: { kind: 'StatefulSet', name: 'db' } }),
    ];
    const r = analyzeReachability(
      state([np('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { track: 'canary' } } }], ports: [{ port: 5432 }] }] })], mixed),
    );
    expect(r.workloads.find((w) => w.id === 'shop/api')).toMatchObject({ uniform: false, pods: 2, basis: 'pods' });
    expect(r.between('shop/api', 'shop/db').toString()).toBe('TCP 5432');
  });

  it('state.workloads without pods are evaluated on their template', () => {
    const r = analyzeReachability({
      namespaces: [{ name: 'shop', labels: {} }],
      pods: [],
      workloads: [
        { namespace: 'shop', kind: 'Deployment', name: 'web', labels: { app: 'web' }, podCount: 0, ports: [{ name: 'http', containerPort: 8080 }] },
        { namespace: 'shop', kind: 'Deployment', name: 'api', labels: { app: 'api' }, podCount: 0, ports: [] },
      ],
      networkPolicies: [np('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }] })],
      networkProfile: { networkPolicy: 'azure' },
    });
    expect(r.workloads.map((w) => [w.id, w.basis])).toEqual([['shop/api', 'template'], ['shop/web', 'template']]);
    expect(r.between('shop/api', 'shop/web').toString()).toBe('TCP 8080');
  });

  it('a Calico-isolated direction is not evaluated: shown as allowing everything, and said so', () => {
    const crd: CrdPolicy = { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'lock', namespace: 'a' }, spec: { selector: "app == 'db'", types: ['Ingress'] } };
    const r = analyzeReachability(cluster([], { crdPolicies: [crd], networkProfile: { networkPolicy: 'calico' } }));
    expect(r.between('c/client', 'a/db').toString()).toBe('All Connections');
    expect(r.notEvaluated).toContainEqual(expect.objectContaining({ object: 'a/db', kind: 'Workload', reason: expect.stringMatching(/^ingress is isolated by CalicoNetworkPolicy\/lock.*upper bound/) }));
  });

  it('a Cilium-isolated direction is evaluated: `ingress: [{}]` isolates and allows nothing', () => {
    const crd: CrdPolicy = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'lock', namespace: 'a' }, spec: { endpointSelector: { matchLabels: { app: 'db' } }, ingress: [{}] } };
    const r = analyzeReachability(cluster([], { crdPolicies: [crd], networkProfile: { networkPolicy: 'cilium' } }));
    expect(r.between('c/client', 'a/db').toString()).toBe('No Connections');
    expect(r.notEvaluated).toEqual([]);
  });

  it('hostNetwork pods are never isolated, and said so', () => {
    const host = [pod('a', 'agent', { app: 'agent' }, { hostNetwork: true }), pod('b', 'client', { app: 'client' })];
    const r = analyzeReachability(cluster([np('a', 'deny', { policyTypes: ['Ingress'] })], { pods: host }));
    expect(r.between('b/client', 'a/agent').toString()).toBe('All Connections');
    expect(r.notEvaluated.map((n) => n.object)).toContain('a/agent');
  });

  it('a cluster without an engine: connections as declared, flagged', () => {
    const r = analyzeReachability(cluster([np('a', 'deny', { policyTypes: ['Ingress'] })], { networkProfile: { networkPolicy: 'none' } }));
    expect(r.between('b/client', 'a/db').toString()).toBe('No Connections');
    expect(r.notEvaluated[0]).toMatchObject({ object: 'networkProfile' });
  });
});

describe('namespace matrix', () => {
  it('is the union of workload connections, with the diagonal between distinct workloads only', () => {
    const state: ClusterState = {
      namespaces: [
        { name: 'solo', labels: {} },
        { name: 'duo', labels: {} },
        { name: 'kube-system', labels: {} },
        { name: 'empty', labels: {} },
      ],
      pods: [
        pod('solo', 'api-1', { app: 'api' }, { workload: { kind: 'Deployment', name: 'api' } }),
        pod('solo', 'api-2', { app: 'api' }, { workload: { kind: 'Deployment', name: 'api' } }),
        pod('duo', 'web', { app: 'web' }),
        pod('duo', 'db', { app: 'db' }),
        pod('kube-system', 'dns', { app: 'dns' }),
      ],
      networkPolicies: [
        np('duo', 'deny', { policyTypes: ['Ingress', 'Egress'] }),
        np('duo', 'web-to-db', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }], ports: [{ port: 5432 }] }] }),
        np('duo', 'db-from-web', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }, { port: 5433 }] }] }),
        np('duo', 'dns', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] }),
        np('solo', 'from-duo', { ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'duo' } } }], ports: [{ port: 8080 }] }] }),
      ],
      networkProfile: { networkPolicy: 'azure' },
    };
    const r = analyzeReachability(state);
    const m = r.namespaceMatrix();
    expect(m.namespaces).toEqual(['duo', 'empty', 'kube-system', 'solo']);
    expect(m.excluded).toEqual(['kube-system']);
    // solo admits duo on 8080 only, and duo may not send there; kube-system is open both ways.
    expect(m.cells).toEqual([
      { src: 'duo', dst: 'duo', conn: 'TCP 5432' },
      { src: 'duo', dst: 'kube-system', conn: 'UDP 53' },
      { src: 'solo', dst: 'kube-system', conn: 'All Connections' },
    ]);
    // One workload with two replicas: no diagonal cell for solo.
    expect(m.cells.some((c) => c.src === 'solo' && c.dst === 'solo')).toBe(false);
    // Consistent with the workload list.
    for (const cell of m.cells) {
      const between = r.connections().filter((c) => c.src.startsWith(`${cell.src}/`) && c.dst.startsWith(`${cell.dst}/`));
      expect(between.length).toBeGreaterThan(0);
    }
  });
});

describe('larger clusters', () => {
  // Answers at a size where mistakes in the class grouping show; speed is measured by
  // `npm run bench engine`, not here.
  it('namespace matrix for 10k pods / 1k namespaces / 2.5k policies', () => {
    const namespaces = Array.from({ length: 1000 }, (_, n) => ({ name: `ns-${n}`, labels: { team: `t${n % 20}` } }));
    const pods: PodInfo[] = [];
    const networkPolicies: NetworkPolicy[] = [];
    namespaces.forEach((ns, n) => {
      for (let p = 0; p < 10; p++) {
        const app = `app-${p % 4}`;
        pods.push(pod(ns.name, `${app}-${p}`, { app, 'pod-template-hash': `h${p % 3}` }, { workload: { kind: 'Deployment', name: app }, ports: [{ name: 'http', containerPort: 8080 + (p % 4) }] }));
      }
      const local = [
        np(ns.name, 'deny', { policyTypes: n % 3 === 0 ? ['Ingress', 'Egress'] : ['Ingress'] }),
        np(ns.name, 'web', { podSelector: { matchLabels: { app: 'app-0' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: `t${(n + 1) % 20}` } } }], ports: [{ port: 'http' }] }] }),
        np(ns.name, 'dns', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 't0' } }, podSelector: { matchLabels: { app: 'app-1' } } }], ports: [{ port: 53, protocol: 'UDP' }] }, { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: [`10.${n % 200}.0.0/16`] } }], ports: [{ port: 443 }] }] }),
      ];
      networkPolicies.push(...local.slice(0, n % 2 === 0 ? 2 : 3));
    });
    expect(networkPolicies.length).toBe(2500);
    const state: ClusterState = { namespaces, pods, networkPolicies, networkProfile: { networkPolicy: 'azure' } };
    const matrix = analyzeReachability(state).namespaceMatrix();
    expect(matrix.namespaces.length).toBe(1000);
  });

  it('one namespace with 10k pods and 2.5k per-app policies', () => {
    const pods: PodInfo[] = Array.from({ length: 10000 }, (_, p) => pod('big', `pod-${p}`, { app: `app-${p % 2500}` }, { workload: { kind: 'Deployment', name: `app-${p % 2500}` } }));
    const networkPolicies: NetworkPolicy[] = Array.from({ length: 2500 }, (_, k) =>
      np('big', `p-${k}`, { podSelector: { matchLabels: { app: `app-${k}` } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: `app-${(k + 1) % 2500}` } } }], ports: [{ port: 80 + (k % 7) }] }] }),
    );
    const report = analyzeReachability({ namespaces: [{ name: 'big', labels: {} }], pods, networkPolicies, networkProfile: { networkPolicy: 'azure' } });
    expect(report.namespaceMatrix().cells).toEqual([{ src: 'big', dst: 'big', conn: 'TCP 80-86' }]);
    // p-7 admits app-8 on 80 + (7 % 7); nothing external.
    expect(report.whoCanReach('big/app-7')).toEqual([{ src: 'big/app-8', dst: 'big/app-7', conn: 'TCP 80' }]);
  });
});
