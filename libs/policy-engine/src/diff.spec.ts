// The diff between two states of one cluster, case by case: each test changes one thing and
// asserts exactly what the diff reports, including drift and the reachability diff's causes.
import { describe, expect, it } from 'vitest';
import { diffClusterStates, type DiffSide } from './diff';
import { computeFindings } from './findings';
import type { ClusterState, NetworkPolicy, PodInfo } from './model';
import { analyzePosture } from './posture';
import { analyzeReachability } from './reachability';
import { randomCluster } from './testing/random-cluster';

const pod = (namespace: string, name: string, labels: Record<string, string>, workload?: string): PodInfo => ({
  namespace,
  name,
  labels,
  ports: [{ containerPort: 80, protocol: 'TCP' }],
  ...(workload ? { workload: { kind: 'Deployment', name: workload } } : {}),
});

const np = (namespace: string, name: string, spec: Partial<NetworkPolicy['spec']>, meta: Record<string, unknown> = {}): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace, ...meta },
  spec: { podSelector: {}, ...spec },
});

const DENY_INGRESS = (ns: string) => np(ns, 'default-deny-ingress', { policyTypes: ['Ingress'] });
const ALLOW_WEB_FROM_CLIENT = np('shop', 'web-from-client', {
  podSelector: { matchLabels: { app: 'web' } },
  policyTypes: ['Ingress'],
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'front' } } }], ports: [{ port: 80, protocol: 'TCP' }] }],
});

function state(over: Partial<ClusterState> = {}): ClusterState {
  return {
    namespaces: [
      { name: 'shop', labels: { team: 'shop' } },
      { name: 'front', labels: { team: 'front' } },
    ],
    pods: [pod('shop', 'web-1', { app: 'web' }, 'web'), pod('shop', 'web-2', { app: 'web' }, 'web'), pod('front', 'client-1', { app: 'client' }, 'client')],
    networkPolicies: [DENY_INGRESS('shop'), ALLOW_WEB_FROM_CLIENT],
    networkProfile: { networkPlugin: 'azure', networkPolicy: 'azure' },
    ...over,
  };
}

function side(s: ClusterState): DiffSide {
  const posture = analyzePosture(s);
  return { state: s, posture, findings: computeFindings(s, posture, { now: '2026-12-01' }), reachability: analyzeReachability(s) };
}

describe('diffClusterStates', () => {
  it('reports nothing between a state and itself', () => {
    const d = diffClusterStates(side(state()), side(state()), { workloads: true });
    expect(Object.values(d.summary).every((v) => v === 0)).toBe(true);
    expect(d.policies).toEqual([]);
    expect(d.reachability?.namespacePairs).toEqual([]);
    expect(d.reachability?.workloadPairs).toEqual([]);
    // One analysed side on both ends (unchanged snapshots share it) answers the same without merging pairs.
    const one = side(state());
    expect(diffClusterStates(one, one, { workloads: true })).toEqual(d);
  });

  it('ignores server-managed metadata (resourceVersion, managedFields, last-applied)', () => {
    const after = state({
      networkPolicies: [
        DENY_INGRESS('shop'),
        { ...ALLOW_WEB_FROM_CLIENT, metadata: { ...ALLOW_WEB_FROM_CLIENT.metadata, resourceVersion: '99', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } as NetworkPolicy['metadata'] },
      ],
    });
    expect(diffClusterStates(side(state()), side(after)).policies).toEqual([]);
  });

  it('lists a removed default-deny, the namespace that lost it, the pairs it opened and the policy as their cause', () => {
    const after = state({ networkPolicies: [ALLOW_WEB_FROM_CLIENT] });
    const d = diffClusterStates(side(state()), side(after));
    expect(d.policies.map((p) => [p.change, p.namespace, p.name, p.podsBefore, p.podsAfter])).toEqual([['removed', 'shop', 'default-deny-ingress', 2, 0]]);
    expect(d.verdict.breaksDefaultDeny).toEqual([{ namespace: 'shop', direction: 'ingress' }]);
    const shop = d.namespaces.find((n) => n.namespace === 'shop')!;
    expect([shop.before?.ingress.defaultDeny, shop.after?.ingress.defaultDeny]).toEqual([true, false]);
    // web still isolated by web-from-client: coverage unchanged, only the baseline went.
    expect(shop.ingressCoverageDelta).toBe(0);
    expect(d.reachability?.namespacePairs).toEqual([]);
  });

  it('a label change that makes a policy select no pods is drift, with the selection before and after', () => {
    const after = state({ pods: [pod('shop', 'web-1', { app: 'web2' }, 'web'), pod('shop', 'web-2', { app: 'web2' }, 'web'), pod('front', 'client-1', { app: 'client' }, 'client')] });
    // The workload's template labels are what the label diff compares.
    const before = state({ workloads: [{ namespace: 'shop', kind: 'Deployment', name: 'web', labels: { app: 'web' }, podCount: 2, ports: [] }] });
    const after2 = { ...after, workloads: [{ namespace: 'shop', kind: 'Deployment' as const, name: 'web', labels: { app: 'web2' }, podCount: 2, ports: [] }] };
    const d = diffClusterStates(side(before), side(after2));
    expect(d.selection).toEqual([
      { policy: { kind: 'NetworkPolicy', namespace: 'shop', name: 'web-from-client' }, before: 2, after: 0, drift: true, policyChanged: false },
    ]);
    expect(d.summary.driftedPolicies).toBe(1);
    const label = d.labels.find((l) => l.scope === 'workload')!;
    expect(label).toMatchObject({ namespace: 'shop', workload: 'Deployment/web', changed: [{ key: 'app', before: 'web', after: 'web2' }] });
    expect(label.effects.map((e) => [e.policy.name, e.before, e.after, e.drift])).toEqual([['web-from-client', 2, 0, true]]);
    // front → shop lost port 80 (web no longer admitted by web-from-client; default-deny holds).
    const pair = d.reachability!.namespacePairs.find((p) => p.from === 'front' && p.to === 'shop')!;
    expect(pair).toMatchObject({ before: 'TCP 80', after: 'No Connections', opened: '', closed: 'TCP 80' });
    expect(pair.causes).toContainEqual({ type: 'drift', kind: 'NetworkPolicy', namespace: 'shop', name: 'web-from-client', change: 'selects 2 → 0 pods' });
    expect(d.verdict).toMatchObject({ opens: 0, closes: 1 });
  });

  it('a namespace label change opens a pair, caused by those labels; workload pairs on request', () => {
    const pods = [...state().pods, pod('shop', 'cli-1', { app: 'cli' }, 'cli')];
    const after = state({ pods, namespaces: [{ name: 'shop', labels: { team: 'front' } }, { name: 'front', labels: { team: 'front' } }] });
    const d = diffClusterStates(side(state({ pods })), side(after), { workloads: true });
    // shop now matches web-from-client's `namespaceSelector: {team: front}`: the policy admits it as a peer.
    expect(d.labels).toEqual([
      {
        scope: 'namespace', namespace: 'shop', workload: null, added: [], removed: [], changed: [{ key: 'team', before: 'shop', after: 'front' }], effects: [],
        peerEffects: [{ policy: { kind: 'NetworkPolicy', namespace: 'shop', name: 'web-from-client' }, direction: 'ingress', before: false, after: true }],
      },
    ]);
    const pair = d.reachability!.namespacePairs.find((p) => p.from === 'shop' && p.to === 'shop')!;
    expect(pair).toMatchObject({ before: 'No Connections', after: 'TCP 80', opened: 'TCP 80' });
    expect(pair.causes).toContainEqual({ type: 'labels', kind: 'Namespace', namespace: 'shop', name: 'shop', change: 'labels' });
    expect(d.reachability!.workloadPairs!.map((p) => `${p.from}→${p.to}:${p.opened}`)).toEqual(['shop/cli→shop/web:TCP 80']);
    expect(d.verdict.opens).toBeGreaterThan(0);
  });

  it('a namespace label change names the rules that stop admitting it, and the cluster-wide policies that stop selecting its pods', () => {
    const gnp = {
      apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name: 'front-deny' },
      spec: { namespaceSelector: "team == 'front'", types: ['Ingress'] },
    };
    const calico = { networkPlugin: 'azure', networkPolicy: 'calico' };
    const before = state({ crdPolicies: [gnp], networkProfile: calico });
    // front loses team=front: web-from-client no longer admits it (ingress), and the GNP no longer selects client-1.
    const after = state({ crdPolicies: [gnp], networkProfile: calico, namespaces: [{ name: 'shop', labels: { team: 'shop' } }, { name: 'front', labels: { team: 'gone' } }] });
    const d = diffClusterStates(side(before), side(after));
    expect(d.labels).toHaveLength(1);
    const l = d.labels[0]!;
    expect(l).toMatchObject({ scope: 'namespace', namespace: 'front', changed: [{ key: 'team', before: 'front', after: 'gone' }] });
    expect(l.peerEffects).toEqual([{ policy: { kind: 'NetworkPolicy', namespace: 'shop', name: 'web-from-client' }, direction: 'ingress', before: true, after: false }]);
    expect(l.effects).toEqual([{ policy: { kind: 'GlobalNetworkPolicy', namespace: null, name: 'front-deny' }, before: 1, after: 0, drift: true, policyChanged: false }]);
    // A label no selector reads moves nothing.
    const quiet = diffClusterStates(side(before), side(state({ crdPolicies: [gnp], networkProfile: calico, namespaces: [{ name: 'shop', labels: { team: 'shop' } }, { name: 'front', labels: { team: 'front', cost: 'x' } }] })));
    expect(quiet.labels[0]).toMatchObject({ namespace: 'front', added: [{ key: 'cost', value: 'x' }], effects: [], peerEffects: [] });
  });

  it('workload pairs say which policies allow the connection after (and before) the change', () => {
    const open = np('shop', 'web-from-anyone', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{}] });
    const d = diffClusterStates(side(state()), side(state({ networkPolicies: [DENY_INGRESS('shop'), ALLOW_WEB_FROM_CLIENT, open] })), { workloads: true });
    const changed = d.reachability!.workloadPairs!.find((p) => p.from === 'front/client' && p.to === 'shop/web')!;
    expect(changed).toMatchObject({ before: 'TCP 80', after: 'All Connections' });
    expect(changed.allowedBy!.before!.ingress.policies).toEqual([{ kind: 'NetworkPolicy', namespace: 'shop', name: 'web-from-client' }]);
    expect(changed.allowedBy!.after!.ingress.policies).toEqual([
      { kind: 'NetworkPolicy', namespace: 'shop', name: 'web-from-anyone' },
      { kind: 'NetworkPolicy', namespace: 'shop', name: 'web-from-client' },
    ]);
    expect(changed.allowedBy!.after!.egress.defaultAllow).toBe(true);
    // A pair with no connection before has no explanation there.
    const fromWorld = d.reachability!.workloadPairs!.find((p) => p.to === 'shop/web' && p.before === 'No Connections')!;
    expect(fromWorld.allowedBy!.before).toBeNull();
    // Namespace pairs carry no per-connection explanation (a cell is many workload pairs).
    expect(d.reachability!.namespacePairs.every((p) => p.allowedBy === undefined)).toBe(true);
  });

  it('a new CIDR rule splits the address ranges without opening anything: pairs compare on the common ranges', () => {
    const cilium = { networkPlugin: 'azure', networkDataplane: 'cilium', networkPolicy: 'cilium' };
    const imds = {
      apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'deny-imds' },
      spec: { endpointSelector: {}, enableDefaultDeny: { egress: false }, egressDeny: [{ toCIDR: ['169.254.169.254/32'] }] },
    };
    const before = state({ networkProfile: cilium });
    const after = state({ networkProfile: cilium, crdPolicies: [imds] });
    const d = diffClusterStates(side(before), side(after), { workloads: true });
    const pairs = d.reachability!.workloadPairs!;
    expect(pairs.filter((p) => p.opened)).toEqual([]);
    expect(d.verdict.opens).toBe(0);
    // Only the metadata address is closed, for each workload's egress.
    expect(new Set(pairs.map((p) => p.to))).toEqual(new Set(['169.254.169.254-169.254.169.254']));
    expect(pairs.every((p) => p.after === 'No Connections' && p.before === 'All Connections')).toBe(true);
    // The explanation of the side before names that side's own (unsplit) range.
    expect(pairs[0]!.allowedBy!.before!.egress.defaultAllow).toBe(true);
  });

  it('an edited policy shows before and after, and the findings it opens and resolves', () => {
    const open = np('shop', 'web-from-client', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{}] });
    const d = diffClusterStates(side(state()), side(state({ networkPolicies: [DENY_INGRESS('shop'), open] })));
    expect(d.policies.map((p) => [p.change, p.name])).toEqual([['changed', 'web-from-client']]);
    expect((d.policies[0]!.after as { spec: { ingress: unknown[] } }).spec.ingress).toEqual([{}]);
    expect(d.findings.opened.length).toBeGreaterThan(0);
    expect(d.verdict.breaksDefaultDeny).toEqual([{ namespace: 'shop', direction: 'ingress' }]);
    const pair = d.reachability!.namespacePairs.find((p) => p.from === 'front' && p.to === 'shop')!;
    expect(pair.opened).not.toBe('');
    expect(pair.causes).toContainEqual({ type: 'policy', kind: 'NetworkPolicy', namespace: 'shop', name: 'web-from-client', change: 'changed' });
  });

  it('lists the first namespacePairLimit pairs in (from, to) order, with causes, and counts them all', () => {
    // Deny-all ingress in each of four one-pod namespaces closes every pair between them (4 × 3; a
    // pod's traffic to itself is not a pair) at once.
    const names = ['a', 'b', 'c', 'd'];
    const base = state({
      namespaces: names.map((n) => ({ name: n, labels: { team: n } })),
      pods: names.map((n) => pod(n, `${n}-1`, { app: n }, n)),
      networkPolicies: [],
    });
    const closed = { ...base, networkPolicies: names.map(DENY_INGRESS) };
    const all = diffClusterStates(side(base), side(closed));
    expect(all.reachability!.namespacePairsTotal).toBe(12);
    expect(all.reachability!.namespacePairsTruncated).toBe(false);
    const d = diffClusterStates(side(base), side(closed), { namespacePairLimit: 5 });
    expect(d.reachability!.namespacePairs.map((p) => `${p.from}→${p.to}`)).toEqual(all.reachability!.namespacePairs.slice(0, 5).map((p) => `${p.from}→${p.to}`));
    expect(d.reachability!.namespacePairs.map((p) => `${p.from}→${p.to}`)).toEqual(['a→b', 'a→c', 'a→d', 'b→a', 'b→c']);
    expect(d.reachability).toMatchObject({ namespacePairsTotal: 12, namespacePairsTruncated: true });
    expect(d.reachability!.namespacePairs[3]!.causes).toContainEqual({ type: 'policy', kind: 'NetworkPolicy', namespace: 'b', name: 'default-deny-ingress', change: 'added' });
    // The summary and the verdict count every pair, not the listed ones.
    expect(d.summary.pairsChanged).toBe(12);
    expect(d.verdict).toMatchObject({ opens: 0, closes: 12 });
  });

  it('reports the engine switch and every changed profile field', () => {
    const after = state({ networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'none' } });
    const d = diffClusterStates(side(state()), side(after));
    expect(d.profile).toMatchObject({ engineBefore: 'azure', engineAfter: 'none', engineChanged: true });
    expect(d.profile.changes).toEqual([
      { field: 'networkPluginMode', before: null, after: 'overlay' },
      { field: 'networkPolicy', before: 'azure', after: 'none' },
    ]);
  });

  it('a new namespace and a removed one are listed as such', () => {
    const after = state({
      namespaces: [{ name: 'shop', labels: { team: 'shop' } }, { name: 'new', labels: {} }],
      pods: [pod('shop', 'web-1', { app: 'web' }, 'web'), pod('shop', 'web-2', { app: 'web' }, 'web'), pod('new', 'x', { app: 'x' }, 'x')],
    });
    const d = diffClusterStates(side(state()), side(after));
    expect(d.namespaces.map((n) => [n.namespace, n.change])).toEqual([['front', 'removed'], ['new', 'added']]);
  });

  it('namespace pairs: the compact matrices merged row by row equal a cell-by-cell comparison', () => {
    // Random clusters of different sizes: namespaces only before, only after, and in both.
    for (const [a, b, na, nb] of [
      [11, 12, 20, 26],
      [13, 14, 30, 18],
      [15, 15, 25, 25],
    ] as const) {
      const before = randomCluster(a, na);
      const after = randomCluster(b, nb);
      const d = diffClusterStates(side(before), side(after), { namespacePairLimit: 1_000_000 });
      const cells = (st: ClusterState) => new Map(analyzeReachability(st).namespaceMatrix().cells.map((c) => [`${c.src}→${c.dst}`, c.conn]));
      const bc = cells(before);
      const ac = cells(after);
      const expected = [...new Set([...bc.keys(), ...ac.keys()])]
        .filter((k) => (bc.get(k) ?? 'No Connections') !== (ac.get(k) ?? 'No Connections'))
        .map((k) => ({ pair: k, before: bc.get(k) ?? 'No Connections', after: ac.get(k) ?? 'No Connections' }))
        .sort((x, y) => {
          const [xf, xt] = x.pair.split('→');
          const [yf, yt] = y.pair.split('→');
          return xf < yf ? -1 : xf > yf ? 1 : xt < yt ? -1 : xt > yt ? 1 : 0;
        });
      if (a !== b) expect(expected.length).toBeGreaterThan(0);
      expect(d.reachability!.namespacePairs.map((p) => ({ pair: `${p.from}→${p.to}`, before: p.before, after: p.after }))).toEqual(expected);
    }
  });
});
