// Properties of reachability and posture over random small clusters (fast-check), checked
// against a brute-force oracle that evaluates every pod pair straight from the spec, plus the
// monotonicity laws: adding an allow rule never removes a connection, adding a default-deny never
// adds one, adding a policy never un-isolates a pod, and the order of policies is irrelevant.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionSet, ruleConnections } from './connections';
import { parseCidr } from './ip-ranges';
import type { ClusterState, LabelSelector, NamespaceInfo, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PodInfo } from './model';
import { normalizeNetworkPolicy, type Direction, type NormalizedPeer, type NormalizedPolicy } from './policies';
import { analyzePosture, namespaceLabels } from './posture';
import { analyzeReachability, type ReachabilityReport } from './reachability';
import { matchesSelector } from './selectors';

const RUNS = 100;
const NAMESPACES: NamespaceInfo[] = [
  { name: 'n1', labels: { env: 'p' } },
  { name: 'n2', labels: { env: 'q' } },
  { name: 'n3', labels: {} },
];

// ---------------------------------------------------------------- generators

const key = fc.constantFrom('app', 'tier');
const value = fc.constantFrom('a', 'b');
const labels = fc.dictionary(key, value, { maxKeys: 2 });
const nsKey = fc.constantFrom('env', 'kubernetes.io/metadata.name');
const nsValue = fc.constantFrom('p', 'q', 'n1', 'n3');

const podSelector: fc.Arbitrary<LabelSelector> = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: fc.dictionary(key, value, { minKeys: 1, maxKeys: 2 }) }),
  fc.record({
    matchExpressions: fc.tuple(key, fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), value).map(([k, op, v]) => [
      { key: k, operator: op, ...(op === 'In' || op === 'NotIn' ? { values: [v] } : {}) },
    ]),
  }),
);
const namespaceSelector: fc.Arbitrary<LabelSelector> = fc.oneof(
  fc.constant({}),
  fc.tuple(nsKey, nsValue).map(([k, v]) => ({ matchLabels: { [k]: v } })),
  fc.tuple(nsKey, nsValue).map(([k, v]) => ({ matchExpressions: [{ key: k, operator: 'NotIn', values: [v] }] })),
);
const peer: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  podSelector.map((podSelector) => ({ podSelector })),
  namespaceSelector.map((namespaceSelector) => ({ namespaceSelector })),
  fc.tuple(podSelector, namespaceSelector).map(([p, n]) => ({ podSelector: p, namespaceSelector: n })),
  fc.constantFrom<NetworkPolicyPeer>(
    { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
    { ipBlock: { cidr: '10.1.0.0/16' } },
    { ipBlock: { cidr: '0.0.0.0/0' } },
    { ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } },
  ),
);
const port: fc.Arbitrary<NetworkPolicyPort> = fc.constantFrom<NetworkPolicyPort>(
  { port: 80 },
  { port: 'http' },
  { port: 53, protocol: 'UDP' },
  { port: 'dns', protocol: 'UDP' },
  { port: 'dns' },
  { port: 70, endPort: 90 },
  { protocol: 'SCTP' },
);
const peers = fc.option(fc.array(peer, { maxLength: 2 }), { nil: undefined });
const ports = fc.option(fc.array(port, { maxLength: 2 }), { nil: undefined });
const ingressRule = fc.record({ from: peers, ports }, { requiredKeys: [] });
const egressRule = fc.record({ to: peers, ports }, { requiredKeys: [] });
const policyTypes = fc.option(fc.constantFrom<('Ingress' | 'Egress')[]>(['Ingress'], ['Egress'], ['Ingress', 'Egress']), { nil: undefined });

const policy = (name: string): fc.Arbitrary<NetworkPolicy> =>
  fc
    .record({
      ns: fc.constantFrom('n1', 'n2', 'n3'),
      podSelector,
      policyTypes,
      ingress: fc.option(fc.array(ingressRule, { maxLength: 2 }), { nil: undefined }),
      egress: fc.option(fc.array(egressRule, { maxLength: 2 }), { nil: undefined }),
    })
    .map(({ ns, podSelector: sel, policyTypes: types, ingress, egress }) => ({
      metadata: { name, namespace: ns },
      spec: { podSelector: sel, ...(types ? { policyTypes: types } : {}), ...(ingress ? { ingress } : {}), ...(egress ? { egress } : {}) },
    }));

const PORT_CHOICES = [
  [{ name: 'http', containerPort: 8080 }],
  [{ name: 'http', containerPort: 80 }, { name: 'dns', containerPort: 53, protocol: 'UDP' as const }],
  [],
];
const pods: fc.Arbitrary<PodInfo[]> = fc
  .array(fc.record({ ns: fc.constantFrom('n1', 'n2', 'n3'), labels, ports: fc.constantFrom(...PORT_CHOICES) }), { minLength: 2, maxLength: 6 })
  .map((list) => list.map((p, i) => ({ namespace: p.ns, name: `p${i}`, labels: p.labels, ports: p.ports })));

const cluster: fc.Arbitrary<ClusterState> = fc
  .tuple(pods, fc.array(fc.nat(), { maxLength: 4 }))
  .chain(([podList, seeds]) =>
    fc.tuple(...seeds.map((_, i) => policy(`p${i}`))).map((policies) => ({
      namespaces: NAMESPACES,
      pods: podList,
      networkPolicies: policies as NetworkPolicy[],
      networkProfile: { networkPolicy: 'azure' },
    })),
  );

// ---------------------------------------------------------------- oracle

function peerMatchesPod(p: NormalizedPeer, pod: PodInfo): boolean {
  const nsLabels = namespaceLabels(pod.namespace, NAMESPACES.find((n) => n.name === pod.namespace)?.labels);
  switch (p.kind) {
    case 'pods':
      return pod.namespace === p.namespace && matchesSelector(p.podSelector, pod.labels);
    case 'namespaces':
      return matchesSelector(p.namespaceSelector, nsLabels);
    case 'podsInNamespaces':
      return matchesSelector(p.namespaceSelector, nsLabels) && matchesSelector(p.podSelector, pod.labels);
    case 'ipBlock':
      return false;
  }
}

function peerMatchesAddress(p: NormalizedPeer, address: bigint, family: 4 | 6): boolean {
  if (p.kind !== 'ipBlock') return false;
  const cidr = parseCidr(p.cidr);
  if (!cidr.ok || cidr.range.family !== family || address < cidr.range.start || address > cidr.range.end) return false;
  return !p.except.some((e) => {
    const ex = parseCidr(e);
    return ex.ok && address >= ex.range.start && address <= ex.range.end;
  });
}

type Peer = { pod: PodInfo } | { address: bigint; family: 4 | 6 };

/** What `subject` allows in direction d with `other`; `destination` resolves named ports. */
function allowed(policies: NormalizedPolicy[], subject: PodInfo, d: Direction, other: Peer, destinationPorts: PodInfo['ports'] | null): ConnectionSet {
  const selecting = policies.filter((p) => p.namespace === subject.namespace && p.policyTypes.includes(d) && matchesSelector(p.podSelector, subject.labels));
  if (selecting.length === 0) return ConnectionSet.all();
  let acc = ConnectionSet.none();
  for (const p of selecting) {
    for (const rule of p.rules[d]) {
      const match = rule.allPeers || rule.peers.some((x) => ('pod' in other ? peerMatchesPod(x, other.pod) : peerMatchesAddress(x, other.address, other.family)));
      if (match) acc = acc.union(ruleConnections(rule, destinationPorts));
    }
  }
  return acc;
}

function oracleCheck(state: ClusterState, report: ReachabilityReport): void {
  const policies = state.networkPolicies.map((p) => normalizeNetworkPolicy(p, []));
  for (const s of state.pods) {
    for (const t of state.pods) {
      if (s === t) continue;
      const expected = allowed(policies, s, 'egress', { pod: t }, t.ports).intersect(allowed(policies, t, 'ingress', { pod: s }, t.ports));
      expect(report.between(`${s.namespace}/${s.name}`, `${t.namespace}/${t.name}`).toString(), `${s.namespace}/${s.name} -> ${t.namespace}/${t.name}`).toBe(expected.toString());
    }
    for (const r of report.externalRanges) {
      const { start, family } = rangeStart(r.range);
      const out = allowed(policies, s, 'egress', { address: start, family }, null);
      const into = allowed(policies, s, 'ingress', { address: start, family }, s.ports);
      expect(report.between(`${s.namespace}/${s.name}`, r.range).toString()).toBe(out.toString());
      expect(report.between(r.range, `${s.namespace}/${s.name}`).toString()).toBe(into.toString());
    }
  }
}

function rangeStart(range: string): { start: bigint; family: 4 | 6 } {
  const first = range.slice(0, range.indexOf('-'));
  const family = first.includes(':') ? 6 : 4;
  const parsed = parseCidr(`${first}/${family === 4 ? 32 : 128}`);
  if (!parsed.ok) throw new Error(parsed.error);
  return { start: parsed.range.start, family };
}

/** Every connection of `a`, looked up in `b` (external ranges of `a` matched by their start address). */
function pairsOf(report: ReachabilityReport): Map<string, ConnectionSet> {
  const map = new Map<string, ConnectionSet>();
  for (const c of report.connections()) map.set(`${c.src} ${c.dst}`, ConnectionSet.parse(c.conn));
  return map;
}

function lookup(report: ReachabilityReport, src: string, dst: string): ConnectionSet {
  // Ranges may be split differently in the other report: find the one holding the start address.
  const translate = (peer: string): string => {
    if (!/^[0-9a-f:.]+-/.test(peer) || peer.includes('/')) return peer;
    const { start, family } = rangeStart(peer);
    const hit = report.externalRanges.find((r) => {
      const [a, b] = r.range.split('-');
      if ((r.family === 6) !== (family === 6)) return false;
      const bits = family === 4 ? 32 : 128;
      const lo = parseCidr(`${a}/${bits}`);
      const hi = parseCidr(`${b}/${bits}`);
      return lo.ok && hi.ok && start >= lo.range.start && start <= hi.range.start;
    });
    if (!hit) throw new Error(`no range holds ${peer}`);
    return hit.range;
  };
  return report.between(translate(src), translate(dst));
}

// ---------------------------------------------------------------- properties

describe('reachability properties', () => {
  it('matches a brute-force evaluation of every pod pair and address range', () => {
    fc.assert(
      fc.property(cluster, (state) => {
        oracleCheck(state, analyzeReachability(state));
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('the namespace matrix is the union of the connections between their workloads', () => {
    fc.assert(
      fc.property(cluster, (state) => {
        const report = analyzeReachability(state);
        const expected = new Map<string, ConnectionSet>();
        for (const c of report.connections()) {
          if (!c.src.includes('/') || !c.dst.includes('/')) continue;
          const k = `${c.src.split('/')[0]} ${c.dst.split('/')[0]}`;
          expected.set(k, (expected.get(k) ?? ConnectionSet.none()).union(ConnectionSet.parse(c.conn)));
        }
        const cells = new Map(report.namespaceMatrix().cells.map((c) => [`${c.src} ${c.dst}`, c.conn]));
        expect(cells).toEqual(new Map([...expected].map(([k, v]) => [k, v.toString()])));
      }),
      { numRuns: RUNS },
    );
  });

  it('adding an allow rule never removes a connection', () => {
    fc.assert(
      fc.property(cluster, fc.nat(), fc.boolean(), ingressRule, egressRule, (state, which, preferIngress, inRule, egRule) => {
        if (state.networkPolicies.length === 0) return;
        // Make policyTypes explicit first (same meaning), so a new rule cannot switch a direction on.
        const policies = state.networkPolicies.map((p) => {
          const n = normalizeNetworkPolicy(p, []);
          return { ...p, spec: { ...p.spec, policyTypes: n.policyTypes.map((d) => (d === 'ingress' ? 'Ingress' : 'Egress') as 'Ingress' | 'Egress') } };
        });
        const base = { ...state, networkPolicies: policies };
        const i = which % policies.length;
        const types = policies[i].spec.policyTypes!;
        const d: Direction = types.includes('Ingress') && (preferIngress || !types.includes('Egress')) ? 'ingress' : 'egress';
        const target = policies[i];
        const grown: NetworkPolicy =
          d === 'ingress'
            ? { ...target, spec: { ...target.spec, ingress: [...(target.spec.ingress ?? []), inRule] } }
            : { ...target, spec: { ...target.spec, egress: [...(target.spec.egress ?? []), egRule] } };
        const after = analyzeReachability({ ...base, networkPolicies: policies.map((p, j) => (j === i ? grown : p)) });
        for (const [k, v] of pairsOf(analyzeReachability(base))) {
          const [src, dst] = k.split(' ');
          expect(lookup(after, src, dst).contains(v), k).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('adding a default-deny policy never adds a connection', () => {
    fc.assert(
      fc.property(cluster, fc.constantFrom('n1', 'n2', 'n3'), podSelector, fc.constantFrom<('Ingress' | 'Egress')[]>(['Ingress'], ['Egress'], ['Ingress', 'Egress']), (state, ns, sel, types) => {
        const deny: NetworkPolicy = { metadata: { name: 'zz-deny', namespace: ns }, spec: { podSelector: sel, policyTypes: types } };
        const before = analyzeReachability(state);
        const after = analyzeReachability({ ...state, networkPolicies: [...state.networkPolicies, deny] });
        for (const [k, v] of pairsOf(after)) {
          const [src, dst] = k.split(' ');
          expect(lookup(before, src, dst).contains(v), k).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('the order of policies changes nothing', () => {
    fc.assert(
      fc.property(
        cluster.chain((state) => fc.tuple(fc.constant(state), fc.shuffledSubarray(state.networkPolicies, { minLength: state.networkPolicies.length }))),
        ([state, shuffled]) => {
          const a = analyzeReachability(state);
          const b = analyzeReachability({ ...state, networkPolicies: shuffled });
          expect(b.connections()).toEqual(a.connections());
          expect(b.namespaceMatrix()).toEqual(a.namespaceMatrix());
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('posture properties', () => {
  it('adding a policy never un-isolates a pod', () => {
    fc.assert(
      fc.property(cluster, policy('zz-new'), (state, extra) => {
        const before = analyzePosture(state).pods;
        const after = analyzePosture({ ...state, networkPolicies: [...state.networkPolicies, extra] }).pods;
        before.forEach((p, i) => {
          expect(after[i].name).toBe(p.name);
          if (p.ingress.isolated) expect(after[i].ingress.isolated).toBe(true);
          if (p.egress.isolated) expect(after[i].egress.isolated).toBe(true);
        });
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------- connection-set algebra

const connectionSet: fc.Arbitrary<ConnectionSet> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(ConnectionSet.all(), ConnectionSet.none()) },
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(fc.constantFrom('TCP', 'UDP', 'SCTP' as const), fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 3000 })), { maxLength: 5 })
      .map((items) => ConnectionSet.unionOf(items.map(([p, a, len]) => ConnectionSet.ports(p as 'TCP', a, Math.min(65535, a + len))))),
  },
);

describe('connection-set algebra', () => {
  const laws: [string, (a: ConnectionSet, b: ConnectionSet, c: ConnectionSet) => boolean][] = [
    ['union is commutative', (a, b) => a.union(b).equals(b.union(a))],
    ['intersection is commutative', (a, b) => a.intersect(b).equals(b.intersect(a))],
    ['union is associative', (a, b, c) => a.union(b).union(c).equals(a.union(b.union(c)))],
    ['intersection distributes over union', (a, b, c) => a.intersect(b.union(c)).equals(a.intersect(b).union(a.intersect(c)))],
    ['subtract then union restores the union', (a, b) => a.subtract(b).union(b).equals(a.union(b))],
    ['a minus b is disjoint from b', (a, b) => a.subtract(b).intersect(b).isEmpty()],
    ['a = (a ∩ b) ∪ (a − b)', (a, b) => a.intersect(b).union(a.subtract(b)).equals(a)],
    ['identities', (a) => a.union(ConnectionSet.none()).equals(a) && a.intersect(ConnectionSet.all()).equals(a) && a.subtract(a).isEmpty()],
    ['the printed form is canonical: equal sets print alike, and parse back', (a, b) => a.union(b).toString() === b.union(a).toString() && ConnectionSet.parse(a.toString()).equals(a)],
    ['isAll / isEmpty agree with the extremes', (a) => a.isAll() === a.equals(ConnectionSet.all()) && a.isEmpty() === a.equals(ConnectionSet.none())],
    ['containment', (a, b) => a.union(b).contains(a) && a.contains(a.intersect(b))],
  ];
  it.each(laws)('%s', (_name, law) => {
    fc.assert(fc.property(connectionSet, connectionSet, connectionSet, law), { numRuns: 300 });
  });
});
