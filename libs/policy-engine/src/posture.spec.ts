// Truth tables for posture: isolation per direction, additivity, namespaces, default-deny baselines
// (present / absent / broken), effective isolation, exclusions, enforcement, CRD policies.
import { describe, expect, it } from 'vitest';
import type { ClusterState, CrdPolicy, NetworkPolicy, NetworkProfile, PodInfo } from './model';
import { analyzePosture, namespaceLabels } from './posture';
import { compileSelector, matchesSelector } from './selectors';

const pod = (namespace: string, name: string, labels: Record<string, string> = {}, extra: Partial<PodInfo> = {}): PodInfo => ({
  namespace,
  name,
  labels,
  ...extra,
});

const np = (namespace: string, name: string, spec: Partial<NetworkPolicy['spec']>): NetworkPolicy => ({
  metadata: { name, namespace },
  spec: { podSelector: {}, ...spec },
});

const WEB = pod('prod', 'web-1', { app: 'web' });
const DB = pod('prod', 'db-1', { app: 'db' });
const OTHER = pod('dev', 'web-1', { app: 'web' });

function cluster(policies: NetworkPolicy[], extra: Partial<ClusterState> = {}): ClusterState {
  return {
    namespaces: [
      { name: 'prod', labels: { team: 'a' } },
      { name: 'dev', labels: {} },
      { name: 'kube-system', labels: {} },
    ],
    pods: [WEB, DB, OTHER, pod('kube-system', 'coredns-1', { 'k8s-app': 'kube-dns' })],
    networkPolicies: policies,
    networkProfile: { networkPolicy: 'azure' },
    ...extra,
  };
}

const podOf = (state: ClusterState, ns: string, name: string) => {
  const p = analyzePosture(state).pods.find((x) => x.namespace === ns && x.name === name);
  if (!p) throw new Error(`no pod ${ns}/${name}`);
  return p;
};

describe('pod isolation', () => {
  const rows: [string, NetworkPolicy[], [ingress: boolean, egress: boolean]][] = [
    ['no policy: open both ways', [], [false, false]],
    ['podSelector {} with ingress rules only: ingress isolated, egress open', [np('prod', 'p', { ingress: [{}] })], [true, false]],
    ['egress section only, no policyTypes: both isolated', [np('prod', 'p', { egress: [{}] })], [true, true]],
    ['explicit policyTypes Egress without rules: egress only', [np('prod', 'p', { policyTypes: ['Egress'] })], [false, true]],
    ['explicit Egress ignores written ingress rules', [np('prod', 'p', { policyTypes: ['Egress'], ingress: [{}] })], [false, true]],
    ['policy in another namespace never isolates', [np('dev', 'p', { policyTypes: ['Ingress', 'Egress'] })], [false, false]],
    ['selector for another app', [np('prod', 'p', { podSelector: { matchLabels: { app: 'db' } } })], [false, false]],
    ['matchLabels on our app', [np('prod', 'p', { podSelector: { matchLabels: { app: 'web' } } })], [true, false]],
    [
      'NotIn matches a pod lacking the key',
      [np('prod', 'p', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] } })],
      [true, false],
    ],
    [
      'DoesNotExist matches a pod lacking the key',
      [np('prod', 'p', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] } })],
      [true, false],
    ],
    [
      'invalid operator isolates nobody (never match-all)',
      [np('prod', 'p', { podSelector: { matchExpressions: [{ key: 'app', operator: 'Equal', values: ['web'] }] } })],
      [false, false],
    ],
    [
      'additive: an ingress policy and an egress policy',
      [np('prod', 'i', { ingress: [{}] }), np('prod', 'e', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] })],
      [true, true],
    ],
  ];
  it.each(rows)('%s', (_name, policies, [ingress, egress]) => {
    const p = podOf(cluster(policies), 'prod', 'web-1');
    expect([p.ingress.isolated, p.egress.isolated]).toEqual([ingress, egress]);
  });

  it('names every selecting policy per direction (additive union)', () => {
    const p = podOf(
      cluster([
        np('prod', 'b-allow', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: {} }] }] }),
        np('prod', 'a-deny', { policyTypes: ['Ingress', 'Egress'] }),
        np('prod', 'c-db', { podSelector: { matchLabels: { app: 'db' } } }),
      ]),
      'prod',
      'web-1',
    );
    expect(p.ingress.policies).toEqual(['a-deny', 'b-allow']);
    expect(p.egress.policies).toEqual(['a-deny']);
  });

  it('surfaces an invalid selector as a problem', () => {
    const posture = analyzePosture(cluster([np('prod', 'p', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Equal' }] } })]));
    expect(posture.problems).toContainEqual(expect.objectContaining({ severity: 'error', code: 'invalid-selector', object: 'prod/p' }));
  });

  it('a hostNetwork pod is selected but not isolated', () => {
    const state = cluster([np('prod', 'deny', { policyTypes: ['Ingress'] })], { pods: [pod('prod', 'agent', {}, { hostNetwork: true })] });
    const posture = analyzePosture(state);
    expect(posture.pods[0]).toMatchObject({ hostNetwork: true, ingress: { isolated: false, policies: ['deny'] } });
    expect(posture.namespaces.find((n) => n.name === 'prod')!.ingress).toMatchObject({ isolatedPods: 0, effectivelyIsolated: false, defaultDeny: true });
    expect(posture.notEvaluated).toContainEqual(expect.objectContaining({ kind: 'Pod', reason: expect.stringMatching(/hostNetwork/) }));
  });

  it('leaves terminated pods out and counts them apart', () => {
    const posture = analyzePosture(cluster([], { pods: [WEB, pod('prod', 'job-1', {}, { phase: 'Succeeded' })] }));
    const prod = posture.namespaces.find((n) => n.name === 'prod')!;
    expect([prod.pods, prod.terminatedPods]).toEqual([1, 1]);
  });
});

describe('default-deny baseline', () => {
  const baseline = np('prod', 'deny', { policyTypes: ['Ingress'] });
  const allowWeb = (rule: object, extra: Partial<NetworkPolicy['spec']> = {}) =>
    np('prod', 'allow', { podSelector: { matchLabels: { app: 'web' } }, ingress: [rule], ...extra });

  type Row = [string, NetworkPolicy[], { present: boolean; broken: boolean; defaultDeny: boolean; effectively: boolean }];
  const rows: Row[] = [
    ['absent: no policy', [], { present: false, broken: false, defaultDeny: false, effectively: false }],
    ['present: {} + policyTypes Ingress', [baseline], { present: true, broken: false, defaultDeny: true, effectively: true }],
    ['present: {} + ingress: []', [np('prod', 'deny', { ingress: [] })], { present: true, broken: false, defaultDeny: true, effectively: true }],
    ['not a baseline: {} with an allow rule', [np('prod', 'x', { ingress: [{ from: [{ podSelector: {} }] }] })], { present: false, broken: false, defaultDeny: false, effectively: true }],
    [
      'effectively isolated without a baseline: every pod selected by restricted selectors',
      [
        np('prod', 'w', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }),
        np('prod', 'd', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] }),
      ],
      { present: false, broken: false, defaultDeny: false, effectively: true },
    ],
    ['partial coverage, no baseline', [np('prod', 'w', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] })], { present: false, broken: false, defaultDeny: false, effectively: false }],
    ['broken: rule with no from and no ports', [baseline, allowWeb({})], { present: true, broken: true, defaultDeny: false, effectively: true }],
    ['broken: from: [] and no ports', [baseline, allowWeb({ from: [] })], { present: true, broken: true, defaultDeny: false, effectively: true }],
    ['broken: namespaceSelector {} alone, no ports', [baseline, allowWeb({ from: [{ namespaceSelector: {} }] })], { present: true, broken: true, defaultDeny: false, effectively: true }],
    ['broken: 0.0.0.0/0, no ports', [baseline, allowWeb({ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] })], { present: true, broken: true, defaultDeny: false, effectively: true }],
    ['intact: namespaceSelector {} on one port', [baseline, allowWeb({ from: [{ namespaceSelector: {} }], ports: [{ port: 80 }] })], { present: true, broken: false, defaultDeny: true, effectively: true }],
    ['intact: namespaceSelector {} AND a podSelector', [baseline, allowWeb({ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'lb' } } }] })], { present: true, broken: false, defaultDeny: true, effectively: true }],
    ['intact: 0.0.0.0/0 with except', [baseline, allowWeb({ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] })], { present: true, broken: false, defaultDeny: true, effectively: true }],
    ['intact: allow-all for a label no current pod has', [baseline, np('prod', 'ghost', { podSelector: { matchLabels: { app: 'ghost' } }, ingress: [{}] })], { present: true, broken: false, defaultDeny: true, effectively: true }],
    ['intact: allow-all egress does not break an ingress baseline', [baseline, np('prod', 'out', { policyTypes: ['Egress'], egress: [{}] })], { present: true, broken: false, defaultDeny: true, effectively: true }],
    ['intact: allow-all ingress rules ignored under policyTypes Egress', [baseline, allowWeb({}, { policyTypes: ['Egress'] })], { present: true, broken: false, defaultDeny: true, effectively: true }],
    ['a baseline in another namespace does not count', [np('dev', 'deny', { policyTypes: ['Ingress'] })], { present: false, broken: false, defaultDeny: false, effectively: false }],
  ];
  it.each(rows)('%s', (_name, policies, expected) => {
    const prod = analyzePosture(cluster(policies)).namespaces.find((n) => n.name === 'prod')!;
    expect({
      present: prod.ingress.baseline.present,
      broken: prod.ingress.baseline.broken,
      defaultDeny: prod.ingress.defaultDeny,
      effectively: prod.ingress.effectivelyIsolated,
    }).toEqual(expected);
  });

  it('names the baseline and the breaker with its reason and reach', () => {
    const prod = analyzePosture(cluster([baseline, allowWeb({ from: [{ namespaceSelector: {} }] })])).namespaces.find((n) => n.name === 'prod')!;
    expect(prod.ingress.baseline).toEqual({
      present: true,
      policies: ['deny'],
      broken: true,
      brokenBy: [{ policy: 'allow', reasons: ['all-namespaces'], openedPods: 1, selectsAllPods: false }],
    });
  });

  it('an egress baseline from explicit policyTypes Egress with no egress rules', () => {
    const prod = analyzePosture(cluster([np('prod', 'deny-egress', { policyTypes: ['Egress'] })])).namespaces.find((n) => n.name === 'prod')!;
    expect([prod.egress.defaultDeny, prod.ingress.defaultDeny]).toEqual([true, false]);
  });

  it('an empty namespace with a baseline has a baseline but is not effectively isolated', () => {
    const posture = analyzePosture(cluster([np('empty', 'deny', { policyTypes: ['Ingress'] })], {
      namespaces: [{ name: 'empty', labels: {} }],
      pods: [],
    }));
    expect(posture.namespaces[0].ingress).toMatchObject({ defaultDeny: true, effectivelyIsolated: false, podCoverage: null });
  });
});

describe('namespaces and roll-up', () => {
  const state = cluster([np('prod', 'deny', { policyTypes: ['Ingress', 'Egress'] }), np('kube-system', 'deny', { policyTypes: ['Ingress'] })]);

  it('reports excluded namespaces, flagged, with their own numbers', () => {
    const ks = analyzePosture(state).namespaces.find((n) => n.name === 'kube-system')!;
    expect(ks).toMatchObject({ excluded: true, pods: 1, policies: 1 });
    expect(ks.ingress.defaultDeny).toBe(true);
  });

  it('leaves excluded namespaces out of the roll-up', () => {
    const { cluster: c } = analyzePosture(state);
    expect(c).toMatchObject({ namespaces: 2, excludedNamespaces: 1, pods: 3, policies: 1 });
    expect(c.ingress).toMatchObject({ pods: 3, isolatedPods: 2, namespacesWithDefaultDeny: 1, namespacesEffectivelyIsolated: 1 });
    expect(c.ingress.podCoverage).toBeCloseTo(2 / 3);
    expect(c.egress).toMatchObject({ isolatedPods: 2, namespacesWithDefaultDeny: 1 });
  });

  it('takes a configured exclusion list instead of the default', () => {
    const posture = analyzePosture(state, { excludedNamespaces: ['dev'] });
    expect(posture.namespaces.filter((n) => n.excluded).map((n) => n.name)).toEqual(['dev']);
    expect(posture.cluster).toMatchObject({ namespaces: 2, pods: 3 });
    expect(posture.cluster.ingress.namespacesWithDefaultDeny).toBe(2);
  });

  it('reports a namespace known only through its pods, with a warning', () => {
    const posture = analyzePosture(cluster([], { pods: [pod('ghost', 'x')] }));
    expect(posture.namespaces.map((n) => n.name)).toContain('ghost');
    expect(posture.problems).toContainEqual(expect.objectContaining({ code: 'unknown-namespace', object: 'ghost' }));
  });
});

describe('namespace labels', () => {
  it('adds the immutable kubernetes.io/metadata.name label that namespaceSelectors use', () => {
    const byName = compileSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } });
    expect(matchesSelector(byName, namespaceLabels('kube-system', {}))).toBe(true);
    expect(matchesSelector(byName, namespaceLabels('prod', { 'kubernetes.io/metadata.name': 'kube-system' }))).toBe(false);
  });
});

describe('workloads', () => {
  const pods = [
    pod('prod', 'web-a', { app: 'web', canary: 'no' }, { workload: { kind: 'Deployment', name: 'web' } }),
    pod('prod', 'web-b', { app: 'web' }, { workload: { kind: 'Deployment', name: 'web' } }),
    pod('prod', 'debug', { run: 'debug' }),
  ];
  const selectCanary = np('prod', 'c', { podSelector: { matchLabels: { canary: 'no' } }, policyTypes: ['Ingress'] });

  it('derived from pods: isolated only when every pod is; bare pods are kind Pod', () => {
    const { workloads } = analyzePosture(cluster([selectCanary], { pods }));
    expect(workloads.map((w) => [w.kind, w.name, w.pods, w.ingress.isolated, w.ingress.policies, w.basis])).toEqual([
      ['Deployment', 'web', 2, false, ['c'], 'pods'],
      ['Pod', 'debug', 1, false, [], 'pods'],
    ]);
  });

  it('given workloads are evaluated on their template labels', () => {
    const { workloads, namespaces } = analyzePosture(
      cluster([selectCanary], {
        pods,
        workloads: [{ namespace: 'prod', kind: 'Deployment', name: 'web', labels: { app: 'web', canary: 'no' }, podCount: 2, ports: [] }],
      }),
    );
    expect(workloads).toEqual([
      expect.objectContaining({ name: 'web', pods: 2, basis: 'template', ingress: { isolated: true, policies: ['c'] } }),
    ]);
    expect(namespaces.find((n) => n.name === 'prod')!.ingress).toMatchObject({ workloads: 1, isolatedWorkloads: 1, workloadCoverage: 1 });
  });
});

describe('enforcement', () => {
  const rows: [string, NetworkProfile | null | undefined, string, boolean, boolean][] = [
    ['no profile: unknown, not confirmed', undefined, 'unknown', false, false],
    ['null profile', null, 'unknown', false, false],
    ['networkPolicy absent: none', { networkPlugin: 'azure' }, 'none', false, true],
    ['none', { networkPolicy: 'none' }, 'none', false, true],
    ['azure', { networkPolicy: 'azure' }, 'azure', true, true],
    ['calico', { networkPolicy: 'calico' }, 'calico', true, true],
    ['cilium', { networkPolicy: 'cilium', networkDataplane: 'cilium' }, 'cilium', true, true],
    ['case-insensitive', { networkPolicy: 'Cilium' }, 'cilium', true, true],
    ['unrecognized value', { networkPolicy: 'weave' }, 'unknown', false, false],
  ];
  it.each(rows)('%s', (_name, profile, engine, enforced, confirmed) => {
    const { enforcement } = analyzePosture(cluster([], { networkProfile: profile }));
    expect([enforcement.engine, enforcement.enforced, enforcement.confirmed]).toEqual([engine, enforced, confirmed]);
  });

  it('still reports declared isolation when nothing enforces it', () => {
    const posture = analyzePosture(cluster([np('prod', 'deny', { policyTypes: ['Ingress'] })], { networkProfile: { networkPolicy: 'none' } }));
    expect(posture.enforcement.enforced).toBe(false);
    expect(posture.namespaces.find((n) => n.name === 'prod')!.ingress.defaultDeny).toBe(true);
  });
});

const cnp = (name: string, spec: Record<string, unknown>, namespace = 'prod'): CrdPolicy => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name, namespace },
  spec,
});
const ccnp = (name: string, spec: Record<string, unknown>): CrdPolicy => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumClusterwideNetworkPolicy',
  metadata: { name },
  spec,
});

describe('Cilium policies', () => {
  const webIngress = cnp('web-in', { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{ fromEndpoints: [{ matchLabels: { app: 'lb' } }] }] });
  const onEngine = (engine: string, crdPolicies: CrdPolicy[]) => cluster([], { networkProfile: { networkPolicy: engine }, crdPolicies });

  const rows: [string, string, CrdPolicy[], [boolean, boolean]][] = [
    ['CNP isolates when the engine is cilium', 'cilium', [webIngress], [true, false]],
    ['CNP does nothing under azure', 'azure', [webIngress], [false, false]],
    ['CNP does nothing under none', 'none', [webIngress], [false, false]],
    ['ingress: [] enforces nothing in Cilium', 'cilium', [cnp('x', { endpointSelector: {}, ingress: [] })], [false, false]],
    ['ingress: [{}] enforces (Cilium default deny)', 'cilium', [cnp('x', { endpointSelector: {}, ingress: [{}] })], [true, false]],
    ['egressDeny alone enforces egress', 'cilium', [cnp('x', { endpointSelector: {}, egressDeny: [{ toEntities: ['world'] }] })], [false, true]],
    ['enableDefaultDeny.ingress false does not isolate', 'cilium', [cnp('x', { endpointSelector: {}, ingress: [{}], enableDefaultDeny: { ingress: false } })], [false, false]],
    ['k8s: prefixed keys match pod labels', 'cilium', [cnp('x', { endpointSelector: { matchLabels: { 'k8s:app': 'web' } }, egress: [{}] })], [false, true]],
    ['CNP in another namespace never selects', 'cilium', [cnp('x', { endpointSelector: {}, ingress: [{}] }, 'dev')], [false, false]],
    ['CCNP by namespace label', 'cilium', [ccnp('g', { endpointSelector: { matchLabels: { 'io.cilium.k8s.namespace.labels.team': 'a' } }, ingress: [{}] })], [true, false]],
    ['CCNP for another namespace', 'cilium', [ccnp('g', { endpointSelector: { matchLabels: { 'io.kubernetes.pod.namespace': 'dev' } }, ingress: [{}] })], [false, false]],
  ];
  it.each(rows)('%s', (_name, engine, crds, [ingress, egress]) => {
    const p = podOf(onEngine(engine, crds), 'prod', 'web-1');
    expect([p.ingress.isolated, p.egress.isolated]).toEqual([ingress, egress]);
  });

  it('names CRD policies as Kind/name and reports them not evaluated under another engine', () => {
    expect(podOf(onEngine('cilium', [webIngress]), 'prod', 'web-1').ingress.policies).toEqual(['CiliumNetworkPolicy/web-in']);
    const posture = analyzePosture(onEngine('azure', [webIngress]));
    expect(posture.notEvaluated).toEqual([expect.objectContaining({ object: 'CiliumNetworkPolicy/prod/web-in', reason: expect.stringMatching(/azure/) })]);
  });

  it('a cluster-wide default deny is a baseline in every namespace it covers', () => {
    const posture = analyzePosture(onEngine('cilium', [ccnp('deny', { endpointSelector: { matchExpressions: [{ key: 'io.kubernetes.pod.namespace', operator: 'NotIn', values: ['kube-system'] }] }, ingress: [{}] })]));
    const dd = Object.fromEntries(posture.namespaces.map((n) => [n.name, n.ingress.defaultDeny]));
    expect(dd).toEqual({ dev: true, 'kube-system': false, prod: true });
  });

  it('a Cilium allow-all entity breaks the baseline', () => {
    const posture = analyzePosture(onEngine('cilium', [
      cnp('deny', { endpointSelector: {}, ingress: [{}] }),
      cnp('open', { endpointSelector: { matchLabels: { app: 'web' } }, ingress: [{ fromEntities: ['all'] }] }),
    ]));
    const prod = posture.namespaces.find((n) => n.name === 'prod')!;
    expect(prod.ingress.baseline).toMatchObject({ present: true, broken: true, brokenBy: [{ policy: 'CiliumNetworkPolicy/open', reasons: ['any-peer'] }] });
  });
});

const gnp = (name: string, spec: Record<string, unknown>): CrdPolicy => ({
  apiVersion: 'crd.projectcalico.org/v1',
  kind: 'GlobalNetworkPolicy',
  metadata: { name },
  spec,
});

describe('Calico GlobalNetworkPolicy', () => {
  const pods = [
    pod('prod', 'web', { app: 'web', tier: 'fe' }),
    pod('prod', 'api', { app: 'api', tier: 'be' }),
    pod('prod', 'bare', {}),
    pod('dev', 'web', { app: 'web', tier: 'fe' }),
  ];
  const selected = (selector: string, engine = 'calico') => {
    const posture = analyzePosture(cluster([], { pods, networkProfile: { networkPolicy: engine }, crdPolicies: [gnp('g', { selector, types: ['Ingress'] })] }));
    return posture.pods.filter((p) => p.ingress.isolated).map((p) => `${p.namespace}/${p.name}`);
  };
  const rows: [string, string[]][] = [
    ['all()', ['dev/web', 'prod/api', 'prod/bare', 'prod/web']],
    ['has(app)', ['dev/web', 'prod/api', 'prod/web']],
    ["app == 'web'", ['dev/web', 'prod/web']],
    ["app != 'web'", ['prod/api', 'prod/bare']],
    ["app == 'web' && projectcalico.org/namespace == 'prod'", ['prod/web']],
    ["tier == 'fe' && has(app)", ['dev/web', 'prod/web']],
    ["app in {'api', 'web'} && !has(tier)", []],
    ["app not in {'web'}", ['prod/api', 'prod/bare']],
    ["app == 'api' || !has(app)", ['prod/api', 'prod/bare']],
    ["pcns.team == 'a'", ['prod/api', 'prod/bare', 'prod/web']],
    ["app =~ 'w.*'", []],
  ];
  it.each(rows)('%s', (selector, expected) => {
    expect(selected(selector)).toEqual(expected);
  });

  it('an unsupported selector is a problem and listed as not evaluated', () => {
    const posture = analyzePosture(cluster([], { networkProfile: { networkPolicy: 'calico' }, crdPolicies: [gnp('g', { selector: "app =~ 'w'" })] }));
    expect(posture.problems).toContainEqual(expect.objectContaining({ code: 'not-evaluated', object: 'GlobalNetworkPolicy/g' }));
    expect(posture.notEvaluated).toContainEqual(expect.objectContaining({ object: 'GlobalNetworkPolicy/g' }));
  });

  it('is not evaluated when the engine is not calico', () => {
    expect(selected('all()', 'cilium')).toEqual([]);
  });

  it('types default from the rules present: egress rules only means Egress only', () => {
    const posture = analyzePosture(cluster([], { networkProfile: { networkPolicy: 'calico' }, crdPolicies: [gnp('g', { selector: 'all()', egress: [{ action: 'Allow' }] })] }));
    const p = posture.pods.find((x) => x.namespace === 'prod' && x.name === 'web-1')!;
    expect([p.ingress.isolated, p.egress.isolated]).toEqual([false, true]);
  });

  it("a global default deny excluding kube-system is a baseline elsewhere", () => {
    const posture = analyzePosture(cluster([], {
      networkProfile: { networkPolicy: 'calico' },
      crdPolicies: [gnp('deny', { selector: "projectcalico.org/namespace != 'kube-system'", types: ['Ingress', 'Egress'] })],
    }));
    const dd = Object.fromEntries(posture.namespaces.map((n) => [n.name, [n.ingress.defaultDeny, n.egress.defaultDeny]]));
    expect(dd).toEqual({ dev: [true, true], 'kube-system': [false, false], prod: [true, true] });
  });
});
