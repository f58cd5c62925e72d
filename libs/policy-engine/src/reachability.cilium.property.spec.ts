// Properties of reachability on Cilium clusters over random small clusters and random
// CiliumNetworkPolicies / CiliumClusterwideNetworkPolicies (fast-check, seeded):
// - the engine equals a brute-force oracle that reads the raw policies pod pair by pod pair, straight
//   from the Cilium documentation's rules (namespace defaulting of endpoint selectors, entities,
//   CIDRs matching addresses only, toPorts, deny precedence, enableDefaultDeny);
// - adding a deny never adds a connection; adding an allow (a policy that does not switch on
//   default deny) never removes one;
// - the namespace matrix is the union of the workload connections.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionSet, ruleConnections } from './connections';
import type { ClusterState, CrdPolicy, NamespaceInfo, PodInfo } from './model';
import type { NormalizedPort } from './policies';
import { analyzeReachability } from './reachability';

const RUNS = 150;
const SEED = 20261207;
const NAMESPACES: NamespaceInfo[] = [
  { name: 'n1', labels: { env: 'p' } },
  { name: 'n2', labels: { env: 'q' } },
  { name: 'n3', labels: {} },
];
const NS_KEY = 'k8s:io.kubernetes.pod.namespace';

// ---------------------------------------------------------------- generators

type Sel = Record<string, string>;
type RawRule = Record<string, unknown>;
const key = fc.constantFrom('app', 'tier');
const value = fc.constantFrom('a', 'b');
const podLabels = fc.dictionary(key, value, { maxKeys: 2 });
const selector: fc.Arbitrary<Sel> = fc.oneof(
  fc.constant({}),
  fc.dictionary(key, value, { minKeys: 1, maxKeys: 2 }),
  fc.constantFrom('n1', 'n2', 'n3').map((ns) => ({ [NS_KEY]: ns })),
  fc.tuple(fc.constantFrom('n1', 'n2'), value).map(([ns, v]) => ({ 'io.kubernetes.pod.namespace': ns, app: v })),
);
const l3 = (dir: 'from' | 'to'): fc.Arbitrary<RawRule> =>
  fc.oneof(
    fc.constant({}),
    fc.array(selector, { minLength: 1, maxLength: 2 }).map((s) => ({ [`${dir}Endpoints`]: s.map((matchLabels) => ({ matchLabels })) })),
    fc.constantFrom('world', 'cluster', 'all').map((e) => ({ [`${dir}Entities`]: [e] })),
    fc.constant({ [`${dir}CIDR`]: ['10.0.0.0/8'] }),
    fc.constant({ [`${dir}CIDRSet`]: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }] }),
  );
const toPorts = fc.option(
  fc.constantFrom(
    [{ ports: [{ port: '80', protocol: 'TCP' }] }],
    [{ ports: [{ port: '53', protocol: 'UDP' }, { port: 'http', protocol: 'TCP' }] }],
    [{ ports: [{ port: '8000', endPort: 8100 }] }],
  ),
  { nil: undefined },
);
const rule = (dir: 'from' | 'to'): fc.Arbitrary<RawRule> => fc.tuple(l3(dir), toPorts).map(([r, p]) => (p ? { ...r, toPorts: p } : r));
const rules = (dir: 'from' | 'to') => fc.option(fc.array(rule(dir), { maxLength: 2 }), { nil: undefined });

interface GenPolicy {
  clusterWide: boolean;
  ns: string;
  endpointSelector: Sel;
  defaultDeny: { ingress?: boolean; egress?: boolean };
  ingress?: RawRule[];
  egress?: RawRule[];
  ingressDeny?: RawRule[];
  egressDeny?: RawRule[];
}

const genPolicy: fc.Arbitrary<GenPolicy> = fc.record({
  clusterWide: fc.boolean(),
  ns: fc.constantFrom('n1', 'n2', 'n3'),
  endpointSelector: fc.oneof(fc.constant({}), fc.dictionary(key, value, { minKeys: 1, maxKeys: 1 })),
  defaultDeny: fc.record({ ingress: fc.option(fc.constant(false), { nil: undefined }), egress: fc.option(fc.constant(false), { nil: undefined }) }, { requiredKeys: [] }),
  ingress: rules('from'),
  egress: rules('to'),
  ingressDeny: fc.option(fc.array(rule('from'), { maxLength: 1 }), { nil: undefined }),
  egressDeny: fc.option(fc.array(rule('to'), { maxLength: 1 }), { nil: undefined }),
});

function toCrd(p: GenPolicy, name: string): CrdPolicy {
  const spec: Record<string, unknown> = { endpointSelector: { matchLabels: p.endpointSelector } };
  if (p.defaultDeny.ingress !== undefined || p.defaultDeny.egress !== undefined) spec.enableDefaultDeny = p.defaultDeny;
  for (const f of ['ingress', 'egress', 'ingressDeny', 'egressDeny'] as const) if (p[f] !== undefined) spec[f] = p[f];
  return p.clusterWide
    ? { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec }
    : { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace: p.ns }, spec };
}

const PORT_CHOICES = [[{ name: 'http', containerPort: 8080 }], [{ name: 'http', containerPort: 80 }, { name: 'dns', containerPort: 53, protocol: 'UDP' as const }], []];
const pods: fc.Arbitrary<PodInfo[]> = fc
  .array(fc.record({ ns: fc.constantFrom('n1', 'n2', 'n3'), labels: podLabels, ports: fc.constantFrom(...PORT_CHOICES) }), { minLength: 2, maxLength: 6 })
  .map((list) => list.map((p, i) => ({ namespace: p.ns, name: `p${i}`, labels: p.labels, ports: p.ports })));

const state = (podList: PodInfo[], policies: GenPolicy[]): ClusterState => ({
  namespaces: NAMESPACES,
  pods: podList,
  networkPolicies: [],
  crdPolicies: policies.map((p, i) => toCrd(p, `c${i}`)),
  networkProfile: { networkPolicy: 'cilium' },
});

// ---------------------------------------------------------------- oracle

type Peer = { pod: PodInfo } | { address: number };
const bare = (k: string) => (k.startsWith('k8s:') ? k.slice(4) : k);
const inTen = (a: number, except: boolean) => a >>> 24 === 10 && !(except && (a >>> 16) === ((10 << 8) | 1));

function selectorMatches(sel: Sel, pod: PodInfo, ownNs: string | null): boolean {
  let namesNs = false;
  for (const [k, v] of Object.entries(sel)) {
    if (bare(k) === 'io.kubernetes.pod.namespace') {
      namesNs = true;
      if (pod.namespace !== v) return false;
    } else if (pod.labels[bare(k)] !== v) return false;
  }
  // "If omitted, we limit the scope to the namespace the policy lives in" (CNP only).
  return namesNs || ownNs === null || pod.namespace === ownNs;
}

function l3Matches(r: RawRule, dir: 'from' | 'to', peer: Peer, ownNs: string | null): boolean | 'no-l3' {
  const endpoints = r[`${dir}Endpoints`] as { matchLabels: Sel }[] | undefined;
  const entities = r[`${dir}Entities`] as string[] | undefined;
  const cidr = r[`${dir}CIDR`] as string[] | undefined;
  const cidrSet = r[`${dir}CIDRSet`] as unknown[] | undefined;
  if (endpoints) return 'pod' in peer && endpoints.some((e) => selectorMatches(e.matchLabels, peer.pod, ownNs));
  if (entities) return entities.includes('all') || (entities.includes('cluster') ? 'pod' in peer : 'address' in peer);
  // CIDR rules never match pods managed by Cilium.
  if (cidr) return 'address' in peer && inTen(peer.address, false);
  if (cidrSet) return 'address' in peer && inTen(peer.address, true);
  return 'no-l3';
}

function portSet(r: RawRule, dstPorts: PodInfo['ports'] | null): ConnectionSet {
  const list = r.toPorts as { ports: { port: string; protocol?: string; endPort?: number }[] }[] | undefined;
  if (!list) return ConnectionSet.all();
  const ports: NormalizedPort[] = [];
  for (const p of list.flatMap((x) => x.ports)) {
    const protocols = (p.protocol ? [p.protocol] : ['TCP', 'UDP', 'SCTP']) as ('TCP' | 'UDP' | 'SCTP')[];
    for (const protocol of protocols) {
      if (/^\d+$/.test(p.port)) ports.push({ kind: 'range', protocol, from: Number(p.port), to: p.endPort ?? Number(p.port) });
      else ports.push({ kind: 'named', protocol, name: p.port });
    }
  }
  return ruleConnections({ allPorts: false, ports }, dstPorts);
}

/** What one rule admits from/to `peer`, at the destination's ports. */
function ruleAdmits(r: RawRule, dir: 'from' | 'to', peer: Peer, ownNs: string | null, dstPorts: PodInfo['ports'] | null): ConnectionSet {
  const m = l3Matches(r, dir, peer, ownNs);
  // No L3 part: every peer, but only with toPorts (an empty rule allows nothing).
  if (m === 'no-l3') return r.toPorts ? portSet(r, dstPorts) : ConnectionSet.none();
  return m ? portSet(r, dstPorts) : ConnectionSet.none();
}

function side(policies: GenPolicy[], self: PodInfo, d: 'ingress' | 'egress', peer: Peer, dstPorts: PodInfo['ports'] | null): ConnectionSet {
  const dir = d === 'ingress' ? 'from' : 'to';
  let isolated = false;
  let allow = ConnectionSet.none();
  let deny = ConnectionSet.none();
  for (const p of policies) {
    const ownNs = p.clusterWide ? null : p.ns;
    if (ownNs !== null && self.namespace !== ownNs) continue;
    if (!Object.entries(p.endpointSelector).every(([k, v]) => self.labels[k] === v)) continue;
    const allows = p[d] ?? [];
    const denies = p[`${d}Deny`] ?? [];
    // "the default is true for each traffic direction that has rules"
    if ((allows.length > 0 || denies.length > 0) && p.defaultDeny[d] !== false) isolated = true;
    for (const r of allows) allow = allow.union(ruleAdmits(r, dir, peer, ownNs, dstPorts));
    for (const r of denies) deny = deny.union(ruleAdmits(r, dir, peer, ownNs, dstPorts));
  }
  return (isolated ? allow : ConnectionSet.all()).subtract(deny);
}

function oracle(podList: PodInfo[], policies: GenPolicy[], src: PodInfo, dst: PodInfo): ConnectionSet {
  return side(policies, src, 'egress', { pod: dst }, dst.ports ?? []).intersect(side(policies, dst, 'ingress', { pod: src }, dst.ports ?? []));
}

const ADDRESSES: [string, number][] = [
  ['10.2.3.4', (10 << 24) | (2 << 16) | (3 << 8) | 4],
  ['10.1.0.9', (10 << 24) | (1 << 16) | 9],
  ['8.8.8.8', ((8 << 24) | (8 << 16) | (8 << 8) | 8) >>> 0],
];
const ipv4 = (text: string) => text.split('.').reduce((a, o) => a * 256 + Number(o), 0);
/** The engine's external range holding `address`. */
function rangeOf(report: ReturnType<typeof analyzeReachability>, address: number): string {
  const r = report.externalRanges.find((x) => x.family === 4 && ipv4(x.range.split('-')[0]!) <= address && address <= ipv4(x.range.split('-')[1]!));
  if (!r) throw new Error(`no range holds ${address}`);
  return r.range;
}

const id = (p: PodInfo) => `${p.namespace}/${p.name}`;
const subset = (a: ConnectionSet, b: ConnectionSet) => a.subtract(b).isEmpty();

// ---------------------------------------------------------------- properties

describe('Cilium reachability properties', () => {
  it('equals the brute-force oracle for every pod pair and every sampled address', () => {
    fc.assert(
      fc.property(pods, fc.array(genPolicy, { maxLength: 4 }), (podList, policies) => {
        const r = analyzeReachability(state(podList, policies));
        for (const a of podList) {
          for (const b of podList) {
            if (a === b) continue;
            expect(r.between(id(a), id(b)).toString(), `${id(a)} → ${id(b)}`).toBe(oracle(podList, policies, a, b).toString());
          }
          for (const [text, address] of ADDRESSES) {
            const range = rangeOf(r, address);
            const egress = side(policies, a, 'egress', { address }, null);
            const ingress = side(policies, a, 'ingress', { address }, a.ports ?? []);
            expect(r.between(id(a), range).toString(), `${id(a)} → ${text}`).toBe(egress.toString());
            expect(r.between(range, id(a)).toString(), `${text} → ${id(a)}`).toBe(ingress.toString());
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('adding a deny never adds a connection', () => {
    const deny = fc.record({ base: genPolicy, dir: fc.constantFrom('ingressDeny' as const, 'egressDeny' as const), r: fc.tuple(rule('from'), rule('to')) });
    fc.assert(
      fc.property(pods, fc.array(genPolicy, { maxLength: 3 }), deny, (podList, policies, { base, dir, r }) => {
        const extra: GenPolicy = { ...base, ingress: undefined, egress: undefined, ingressDeny: undefined, egressDeny: undefined, [dir]: [dir === 'ingressDeny' ? r[0] : r[1]] };
        const before = analyzeReachability(state(podList, policies));
        const after = analyzeReachability(state(podList, [...policies, extra]));
        for (const a of podList) for (const b of podList) if (a !== b) expect(subset(after.between(id(a), id(b)), before.between(id(a), id(b)))).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  });

  it('adding an allow that does not switch on default deny never removes a connection', () => {
    fc.assert(
      fc.property(pods, fc.array(genPolicy, { maxLength: 3 }), genPolicy, (podList, policies, base) => {
        const extra: GenPolicy = { ...base, defaultDeny: { ingress: false, egress: false }, ingressDeny: undefined, egressDeny: undefined };
        const before = analyzeReachability(state(podList, policies));
        const after = analyzeReachability(state(podList, [...policies, extra]));
        for (const a of podList) for (const b of podList) if (a !== b) expect(subset(before.between(id(a), id(b)), after.between(id(a), id(b)))).toBe(true);
      }),
      { numRuns: RUNS, seed: SEED + 2 },
    );
  });

  it('the namespace matrix is the union of the workload connections (denies on specific peers included)', () => {
    fc.assert(
      fc.property(pods, fc.array(genPolicy, { maxLength: 4 }), (podList, policies) => {
        const r = analyzeReachability(state(podList, policies));
        const want = new Map<string, ConnectionSet>();
        for (const a of podList) {
          for (const b of podList) {
            if (a === b) continue;
            const k = `${a.namespace} ${b.namespace}`;
            want.set(k, (want.get(k) ?? ConnectionSet.none()).union(r.between(id(a), id(b))));
          }
        }
        const m = r.namespaceMatrix();
        for (const x of m.namespaces) for (const y of m.namespaces) {
          const w = want.get(`${x} ${y}`);
          expect(m.connAt(x, y), `${x} → ${y}`).toBe(w && !w.isEmpty() ? w.toString() : null);
        }
      }),
      { numRuns: RUNS, seed: SEED + 3 },
    );
  });
});
