// Truth tables, one per rule: each row states a case from the spec (domain.md, the seeds) and
// whether the rule fires; every row would fail if the rule were wrong in that corner.
import { describe, expect, it } from 'vitest';
import type { ClusterState, CrdPolicy } from '../model';
import { RULE } from './catalog';
import { byRule, CALICO, CILIUM, denyAll, dnsEgress, findings, np, NPM, ns, pod, state } from './findings.test-helpers';

const web = pod('shop', 'web-1', { app: 'web' }, { workload: { kind: 'Deployment', name: 'web' } });
const db = pod('shop', 'db-0', { app: 'db' }, { workload: { kind: 'StatefulSet', name: 'db' } });
const coredns = pod('kube-system', 'coredns-1', { 'k8s-app': 'kube-dns' }, { workload: { kind: 'Deployment', name: 'coredns' } });
const shop = (extra: Partial<ClusterState> = {}): ClusterState =>
  state({ namespaces: [ns('shop'), ns('kube-system')], pods: [web, db, coredns], ...extra });

describe('KORDON-001 policies exist but nothing enforces them', () => {
  it.each([
    ['engine none with a NetworkPolicy', { networkPlugin: 'azure', networkPolicy: 'none' }, [denyAll('shop')], [], true],
    ['networkPolicy absent with only a CRD policy', { networkPlugin: 'kubenet' }, [], [{ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'x', namespace: 'shop' }, spec: { endpointSelector: {}, ingress: [{}] } }], true],
    ['engine none without any policy', { networkPlugin: 'azure', networkPolicy: 'none' }, [], [], false],
    ['engine cilium with policies', CILIUM, [denyAll('shop')], [], false],
    ['engine unknown (no profile) with policies', null, [denyAll('shop')], [], false],
  ])('%s', (_name, profile, policies, crd, fires) => {
    const f = byRule(shop({ networkProfile: profile, networkPolicies: policies, crdPolicies: crd as CrdPolicy[] }), RULE.policiesNotEnforced);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0].severity).toBe('critical');
  });

  it('counts the objects and the pods that only look isolated', () => {
    const [f] = byRule(shop({ networkProfile: { networkPolicy: 'none' }, networkPolicies: [denyAll('shop')] }), RULE.policiesNotEnforced);
    expect(f.message).toContain('1 NetworkPolicy (in 1 namespace) and 0 CRD policies');
    expect(f.message).toContain('the 2 pods they select are open');
    expect(f.namespace).toBeUndefined();
  });
});

describe('KORDON-002 engine unconfirmed', () => {
  it('says so when there is nothing to enforce yet', () => {
    expect(byRule(state({ networkProfile: null }), RULE.engineUnconfirmed)[0].message).toContain('no policies yet');
  });

  it.each([
    ['no network profile', null, true, 'no network profile'],
    ['an unrecognized networkPolicy', { networkPolicy: 'antrea' }, true, 'antrea'],
    ['cilium', CILIUM, false, ''],
    ['none (confirmed, KORDON-001 instead)', { networkPolicy: 'none' }, false, ''],
  ])('%s', (_name, profile, fires, text) => {
    const f = byRule(shop({ networkProfile: profile, networkPolicies: [denyAll('shop')] }), RULE.engineUnconfirmed);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0].message).toContain(text);
  });
});

describe('KORDON-003 / KORDON-004 namespace without a default-deny baseline', () => {
  const run = (policies = [] as ReturnType<typeof np>[], extra: Partial<ClusterState> = {}) => {
    const all = findings(shop({ networkPolicies: policies, ...extra }));
    return {
      ingress: all.filter((f) => f.ruleId === RULE.noDefaultDenyIngress && f.namespace === 'shop'),
      egress: all.filter((f) => f.ruleId === RULE.noDefaultDenyEgress && f.namespace === 'shop'),
      all,
    };
  };

  it('no policy: both fire, ingress medium and egress low, with the default-deny YAML for the namespace', () => {
    const r = run();
    expect(r.ingress).toHaveLength(1);
    expect(r.egress).toHaveLength(1);
    expect(r.ingress[0].severity).toBe('medium');
    expect(r.egress[0].severity).toBe('low');
    expect(r.ingress[0].message).toContain('0 of 2 pods');
    expect(r.ingress[0].remediationYaml).toContain('namespace: shop');
    expect(r.ingress[0].remediationYaml).toContain('- Ingress');
    expect(r.egress[0].remediationYaml).toContain('k8s-app: kube-dns');
  });

  it('ingress-only baseline: only egress fires', () => {
    const r = run([denyAll('shop', ['Ingress'])]);
    expect(r.ingress).toHaveLength(0);
    expect(r.egress).toHaveLength(1);
  });

  it('every pod selected by specific policies is not a baseline, and the message says so', () => {
    const r = run([np('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [] }), np('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [] })]);
    expect(r.ingress).toHaveLength(1);
    expect(r.ingress[0].message).toContain('2 of 2 pods are isolated');
    expect(r.ingress[0].message).toContain('pods created later will not be');
  });

  it('`egress: []` without policyTypes leaves egress open: still no egress baseline', () => {
    const r = run([np('shop', 'deny', { podSelector: {}, ingress: [], egress: [] })]);
    expect(r.ingress).toHaveLength(0);
    expect(r.egress).toHaveLength(1);
  });

  it('a broken baseline is reported by KORDON-005, not as missing', () => {
    const r = run([denyAll('shop', ['Ingress']), np('shop', 'open', { podSelector: {}, ingress: [{}] })]);
    expect(r.ingress).toHaveLength(0);
    expect(r.all.some((f) => f.ruleId === RULE.defaultDenyBroken)).toBe(true);
  });

  it('an empty namespace is reported for its future pods', () => {
    const [f] = byRule(state({ namespaces: [ns('empty')] }), RULE.noDefaultDenyIngress);
    expect(f.message).toContain('no pods yet');
  });

  it('excluded namespaces are skipped (default list and a configured one)', () => {
    const r = run();
    expect(r.all.some((f) => f.ruleId === RULE.noDefaultDenyIngress && f.namespace === 'kube-system')).toBe(false);
    const s = shop();
    const custom = findings(s, {}, { excludedNamespaces: ['shop'] });
    expect(custom.some((f) => f.ruleId === RULE.noDefaultDenyIngress && f.namespace === 'shop')).toBe(false);
    expect(custom.some((f) => f.ruleId === RULE.noDefaultDenyIngress && f.namespace === 'kube-system')).toBe(true);
  });
});

describe('KORDON-005 default-deny baseline undone by an allow-all policy', () => {
  const base = denyAll('shop', ['Ingress']);
  it.each([
    ['`ingress: [{}]` selecting app=web', np('shop', 'open', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] }), true, 'every peer'],
    ['namespaceSelector: {} on all ports', np('shop', 'open', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }), true, 'every pod of every namespace'],
    ['0.0.0.0/0 on all ports', np('shop', 'open', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }), true, '0.0.0.0/0'],
    ['namespaceSelector: {} restricted to TCP 80', np('shop', 'open', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 80 }] }] }), false, ''],
    ['namespaceSelector: {} AND a podSelector', np('shop', 'open', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prom' } } }] }] }), false, ''],
    ['0.0.0.0/0 with an except', np('shop', 'open', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] }), false, ''],
    ['an allow-all rule selecting no current pod', np('shop', 'open', { podSelector: { matchLabels: { app: 'gone' } }, ingress: [{}] }), false, ''],
  ])('%s', (_name, policy, fires, text) => {
    const f = byRule(shop({ networkPolicies: [base, policy] }), RULE.defaultDenyBroken);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0].severity).toBe('high');
      expect(f[0].message).toContain('open');
      expect(f[0].message).toContain(text);
      expect(f[0].message).toContain('default-deny');
    }
  });

  it('an egress allow-all breaks only the egress baseline', () => {
    const f = byRule(shop({ networkPolicies: [denyAll('shop'), dnsEgress('shop'), np('shop', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] })] }), RULE.defaultDenyBroken);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('default-deny egress');
  });

  it('excluded namespaces are skipped', () => {
    const s = state({ namespaces: [ns('kube-system')], pods: [coredns], networkPolicies: [denyAll('kube-system', ['Ingress']), np('kube-system', 'open', { podSelector: {}, ingress: [{}] })] });
    expect(byRule(s, RULE.defaultDenyBroken)).toHaveLength(0);
  });
});

describe('KORDON-006 workload isolated in neither direction', () => {
  it.each([
    ['no policy', [], ['Deployment shop/web', 'StatefulSet shop/db-0'.replace('db-0', 'db')]],
    ['ingress isolation only (not reported here)', [denyAll('shop', ['Ingress'])], []],
    ['egress isolation only (not reported here)', [denyAll('shop', ['Egress']), dnsEgress('shop')], []],
    ['one workload selected', [np('shop', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [] })], ['StatefulSet shop/db']],
  ])('%s', (_name, policies, expected) => {
    const f = byRule(shop({ networkPolicies: policies }), RULE.workloadNotIsolated);
    expect(f.map((x) => x.message.split(' (')[0]).sort()).toEqual([...expected].sort());
  });

  it('a hostNetwork workload selected by a baseline is still open, and the message says why', () => {
    const s = state({ namespaces: [ns('shop')], pods: [pod('shop', 'agent-x', { app: 'agent' }, { hostNetwork: true, workload: { kind: 'DaemonSet', name: 'agent' } })], networkPolicies: [denyAll('shop')] });
    const [f] = byRule(s, RULE.workloadNotIsolated);
    expect(f.message).toContain('hostNetwork');
    expect(f.object).toEqual({ kind: 'DaemonSet', namespace: 'shop', name: 'agent' });
  });

  it('skips excluded namespaces', () => {
    expect(byRule(shop(), RULE.workloadNotIsolated).some((f) => f.namespace === 'kube-system')).toBe(false);
  });
});

describe('KORDON-007 policy selects no pod', () => {
  it.each([
    ['selector naming a label no pod has', { matchLabels: { app: 'gone' } }, [web, db], true, 'matches none of the 2 pods'],
    ['selector matching a pod', { matchLabels: { app: 'web' } }, [web, db], false, ''],
    ['podSelector {} (a baseline waiting for pods)', {}, [web], false, ''],
    ['namespace without pods', { matchLabels: { app: 'web' } }, [], false, ''],
    ['only a terminated pod matches', { matchLabels: { app: 'job' } }, [web, pod('shop', 'job-1', { app: 'job' }, { phase: 'Succeeded' })], true, 'matches none'],
    ['invalid operator', { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] }, [web], true, 'invalid'],
  ])('%s', (_name, selector, pods, fires, text) => {
    const f = byRule(state({ namespaces: [ns('shop')], pods, networkPolicies: [np('shop', 'p', { podSelector: selector, ingress: [] })] }), RULE.policySelectsNoPod);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0].message).toContain(text);
  });
});

describe('KORDON-008 selector drift', () => {
  const run = (spec: Parameters<typeof np>[2], extraNs = [ns('front', { team: 'web' })], extraPods = [pod('front', 'bff-1', { app: 'bff' })]) =>
    byRule(state({ namespaces: [ns('shop'), ...extraNs], pods: [web, db, ...extraPods], networkPolicies: [np('shop', 'p', spec)] }), RULE.selectorDrift);

  it.each([
    ['podSelector value nobody carries', { podSelector: { matchLabels: { app: 'catalog-search' } }, ingress: [] }, true, 'app values carried: db, web'],
    ['podSelector key nobody carries (Exists)', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, ingress: [] }, true, 'spec.podSelector tier'],
    ['podSelector In with one value present', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'old'] }] }, ingress: [] }, false, ''],
    ['negative requirements never drift', { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }, { key: 'gone', operator: 'DoesNotExist' }] }, ingress: [] }, false, ''],
    ['peer podSelector in own namespace', { ingress: [{ from: [{ podSelector: { matchLabels: { app: 'bff' } } }] }] }, true, 'spec.ingress[0].from[0].podSelector app=bff'],
    ['peer namespaceSelector label nobody carries', { ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ghost' } } }] }] }, true, 'no namespace carries it'],
    ['peer namespaceSelector naming a missing namespace', { ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }] }, true, 'namespaceSelector kubernetes.io/metadata.name=ingress-nginx: no namespace carries it'],
    ['peer namespaceSelector by the implicit name label', { ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'front' } } }] }] }, false, ''],
    ['namespace AND pod peer, pod label present in that namespace', { ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } }, podSelector: { matchLabels: { app: 'bff' } } }] }] }, false, ''],
    ['namespace AND pod peer, pod label only in another namespace', { ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } }, podSelector: { matchLabels: { app: 'web' } } }] }] }, true, 'in the 1 namespace it selects'],
    ['rules of a direction outside policyTypes are not read', { policyTypes: ['Ingress'], ingress: [], egress: [{ to: [{ podSelector: { matchLabels: { app: 'ghost' } } }] }] }, false, ''],
    ['egress peer drift', { policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'ghost' } } }] }] }, true, 'spec.egress[0].to[0].podSelector app=ghost'],
  ])('%s', (_name, spec, fires, text) => {
    const f = run(spec as Parameters<typeof np>[2]);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0].message).toContain(text);
  });
});

describe('KORDON-009 default-deny egress without a working DNS allowance', () => {
  const run = (policies: ReturnType<typeof np>[], extra: Partial<ClusterState> = {}) => byRule(shop({ networkPolicies: policies, ...extra }), RULE.egressDenyBlocksDns);
  const egress53 = (to: object[] | undefined, names?: [string, string]) =>
    np('shop', 'dns', {
      policyTypes: ['Egress'],
      egress: [{ ...(to ? { to } : {}), ports: [{ protocol: 'UDP', port: names ? names[0] : 53 }, { protocol: 'TCP', port: names ? names[1] : 53 }] }],
    } as Parameters<typeof np>[2]);

  it.each([
    ['deny both, no DNS rule', [denyAll('shop')], ['UDP 53 (no egress rule allows it)', 'TCP 53 (no egress rule allows it)']],
    ['DNS on UDP and TCP to kube-system/kube-dns', [denyAll('shop'), dnsEgress('shop')], []],
    ['DNS on UDP only', [denyAll('shop'), dnsEgress('shop', ['UDP'])], ['TCP 53 (no egress rule allows it)']],
    ['53 to namespaceSelector: {}', [denyAll('shop'), egress53([{ namespaceSelector: {} }])], []],
    ['53 to any peer (no `to`)', [denyAll('shop'), egress53(undefined)], []],
    ['53 to the DNS service IP by ipBlock (ipBlocks never match pods)', [denyAll('shop'), egress53([{ ipBlock: { cidr: '10.0.0.10/32' } }])], ['UDP 53', 'TCP 53']],
    ['53 to kube-system but the wrong pods', [denyAll('shop'), egress53([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'metrics' } } }])], ['UDP 53', 'TCP 53']],
    ['named ports dns/dns-tcp resolved on CoreDNS', [denyAll('shop'), egress53([{ namespaceSelector: {} }], ['dns', 'dns-tcp'])], []],
    ['ingress-only baseline', [denyAll('shop', ['Ingress'])], []],
  ])('%s', (_name, policies, expected) => {
    const f = run(policies);
    expect(f.length).toBe(expected.length > 0 ? 1 : 0);
    for (const text of expected) expect(f[0].message).toContain(text);
    if (expected.length > 0) {
      expect(f[0].severity).toBe('high');
      expect(f[0].remediationYaml).toContain('name: allow-dns-egress');
    }
  });

  it('kube-system admitting only UDP 53 at CoreDNS blocks TCP 53 at the destination', () => {
    const dnsIn = np('kube-system', 'dns-in', { podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, ingress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
    const [f] = run([denyAll('shop'), dnsEgress('shop'), dnsIn]);
    expect(f.message).toContain("TCP 53 (kube-system's ingress policies (dns-in) do not admit it)");
    expect(f.message).not.toContain('UDP 53');
    expect(f.remediationYaml).toContain('name: allow-dns-ingress');
    expect(f.remediationYaml).not.toContain('allow-dns-egress');
  });

  it('counts the pods left without DNS when only some are allowed', () => {
    const webOnly = np('shop', 'web-dns', {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
    });
    const [f] = run([denyAll('shop'), webOnly]);
    expect(f.message).toContain('1 of 2 pods');
  });

  it('judges a future pod in a namespace without pods', () => {
    const [f] = byRule(state({ namespaces: [ns('empty')], networkPolicies: [denyAll('empty')] }), RULE.egressDenyBlocksDns);
    expect(f.message).toContain('a pod created there');
  });

  it('works without kube-system in the input (assumes CoreDNS as AKS deploys it)', () => {
    const s = state({ namespaces: [ns('shop')], pods: [web], networkPolicies: [denyAll('shop'), dnsEgress('shop')] });
    expect(byRule(s, RULE.egressDenyBlocksDns)).toHaveLength(0);
    const s2 = state({ namespaces: [ns('shop')], pods: [web], networkPolicies: [denyAll('shop')] });
    expect(byRule(s2, RULE.egressDenyBlocksDns)).toHaveLength(1);
  });

  it('does not judge pods whose egress comes from CRD policies it cannot evaluate', () => {
    const ccnp: CrdPolicy = { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'deny' }, spec: { endpointSelector: {}, egress: [{}] } };
    expect(byRule(shop({ crdPolicies: [ccnp] }), RULE.egressDenyBlocksDns)).toHaveLength(0);
  });

  it('skips excluded namespaces', () => {
    const s = state({ namespaces: [ns('kube-system')], pods: [coredns], networkPolicies: [denyAll('kube-system')] });
    expect(byRule(s, RULE.egressDenyBlocksDns)).toHaveLength(0);
  });
});

describe('KORDON-010 rule admits every peer', () => {
  it.each([
    ['ingress: [{}]', { ingress: [{}] }, 'medium', 'ingress[0] (no from) on all ports'],
    ['from: []', { ingress: [{ from: [] }] }, 'medium', 'empty from'],
    ['namespaceSelector: {} on all ports', { ingress: [{ from: [{ namespaceSelector: {} }] }] }, 'medium', 'namespaceSelector: {}'],
    ['namespaceSelector: {} and podSelector: {} in one peer', { ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }] }] }, 'medium', 'namespaceSelector: {} with podSelector: {}'],
    ['namespaceSelector: {} for DNS on 53', { policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] }] }, 'low', 'egress[0] (namespaceSelector: {}) on UDP 53'],
    ['0.0.0.0/0 except RFC 1918 on 443', { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 443 }] }] }, 'low', 'ipBlock 0.0.0.0/0 except 10.0.0.0/8'],
    ['::/0', { ingress: [{ from: [{ ipBlock: { cidr: '::/0' } }] }] }, 'medium', 'ipBlock ::/0'],
    ['namespaceSelector: {} with a podSelector', { ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prom' } } }] }] }, null, ''],
    ['podSelector: {} (own namespace only)', { ingress: [{ from: [{ podSelector: {} }] }] }, null, ''],
    ['10.0.0.0/8', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] }, null, ''],
    ['allow-all written for a direction outside policyTypes', { policyTypes: ['Ingress'], ingress: [], egress: [{}] }, null, ''],
  ])('%s', (_name, spec, severity, text) => {
    const f = byRule(shop({ networkPolicies: [np('shop', 'p', spec as Parameters<typeof np>[2])] }), RULE.allowAllPeers);
    expect(f.length).toBe(severity ? 1 : 0);
    if (severity) {
      expect(f[0].severity).toBe(severity);
      expect(f[0].message).toContain(text);
    }
  });

  it('skips excluded namespaces', () => {
    const s = state({ namespaces: [ns('kube-system')], pods: [coredns], networkPolicies: [np('kube-system', 'dns', { podSelector: {}, ingress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })] });
    expect(byRule(s, RULE.allowAllPeers)).toHaveLength(0);
  });
});

describe('KORDON-011 Azure NPM on Windows: unsupported features', () => {
  const winPool = [{ name: 'system', osType: 'Linux', count: 3 }, { name: 'win22', osType: 'Windows', count: 2 }];
  const linuxPools = [{ name: 'system', osType: 'Linux', count: 3 }];
  const named = np('shop', 'named', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] });
  it.each([
    ['named port, Windows pool, placement unknown', NPM, winPool, named, true, 'named port "http"'],
    ['SCTP', NPM, winPool, np('shop', 's', { podSelector: {}, ingress: [{ ports: [{ port: 9, protocol: 'SCTP' }] }] }), true, 'SCTP'],
    ['NotIn in a peer namespaceSelector', NPM, winPool, np('shop', 'n', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } }] }] }), true, 'peer namespaceSelector NotIn on env'],
    ['DoesNotExist in the podSelector', NPM, winPool, np('shop', 'd', { podSelector: { matchExpressions: [{ key: 'debug', operator: 'DoesNotExist' }] }, ingress: [] }), true, 'podSelector DoesNotExist on debug'],
    ['ipBlock except', NPM, winPool, np('shop', 'e', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] }), true, 'except in ipBlock 0.0.0.0/0'],
    ['no Windows pool', NPM, linuxPools, named, false, ''],
    ['Windows pool on Calico', CALICO, winPool, named, false, ''],
    ['a policy without those features', NPM, winPool, denyAll('shop'), false, ''],
  ])('%s', (_name, profile, pools, policy, fires, text) => {
    const f = byRule(shop({ networkProfile: profile, nodePools: pools, networkPolicies: [policy] }), RULE.npmWindowsUnsupported);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0].message).toContain(text);
  });

  it('when pods are known to run on Windows nodes, only policies selecting them are reported', () => {
    const winPod = pod('billing', 'invoice-1', { app: 'invoice' }, { nodeName: 'akswin22000000' });
    const linuxPod = pod('billing', 'api-1', { app: 'api' }, { nodeName: 'aks-system-1234-vmss000000' });
    const s = state({
      networkProfile: NPM,
      nodePools: winPool,
      nodes: [{ name: 'akswin22000000', os: 'windows' }, { name: 'aks-system-1234-vmss000000', os: 'linux' }],
      namespaces: [ns('billing')],
      pods: [winPod, linuxPod],
      networkPolicies: [
        np('billing', 'invoice', { podSelector: { matchLabels: { app: 'invoice' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
        np('billing', 'api', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
      ],
    });
    const f = byRule(s, RULE.npmWindowsUnsupported);
    expect(f.map((x) => x.object?.name)).toEqual(['invoice']);
    expect(f[0].message).toContain('1 pod on Windows nodes (invoice-1)');
  });
});

describe('KORDON-012 Azure NPM scale limits', () => {
  const pools = (n: number) => [{ name: 'a', osType: 'Linux', count: n }];
  it.each([
    ['251 nodes from pool counts', NPM, { nodePools: pools(251) }, true, '251 nodes'],
    ['250 nodes', NPM, { nodePools: pools(250) }, false, ''],
    ['the node list wins over pool counts', NPM, { nodePools: pools(300), nodes: [{ name: 'n1', os: 'linux' }] }, false, ''],
    ['300 nodes on Cilium', CILIUM, { nodePools: pools(300) }, false, ''],
  ])('%s', (_name, profile, extra, fires, text) => {
    const f = byRule(state({ networkProfile: profile, ...extra }), RULE.npmScaleLimit);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0].message).toContain(text);
  });

  it.each([[20001, true], [20000, false]])('%i pods', (count, fires) => {
    const pods = Array.from({ length: count }, (_, i) => pod('big', `p-${i}`, { app: `a${i % 50}` }));
    const s = state({ networkProfile: NPM, namespaces: [ns('big')], pods });
    const f = byRule(s, RULE.npmScaleLimit);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0].message).toContain('20001 pods');
  });
});

describe('KORDON-013 Azure NPM policy with more than four ipBlock sections', () => {
  const blocks = (n: number) => Array.from({ length: n }, (_, i) => ({ ipBlock: { cidr: `203.0.${i}.0/24` } }));
  it.each([
    ['five on NPM', NPM, np('shop', 'p', { ingress: [{ from: blocks(3) }, { from: blocks(2) }] }), true],
    ['four on NPM', NPM, np('shop', 'p', { ingress: [{ from: blocks(4) }] }), false],
    ['five on Cilium', CILIUM, np('shop', 'p', { ingress: [{ from: blocks(5) }] }), false],
    ['five written for an ignored direction', NPM, np('shop', 'p', { policyTypes: ['Ingress'], ingress: [], egress: [{ to: blocks(5) }] }), false],
  ])('%s', (_name, profile, policy, fires) => {
    const f = byRule(shop({ networkProfile: profile, networkPolicies: [policy] }), RULE.npmManyIpBlocks);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0].message).toContain('5 ipBlock sections');
  });
});

describe('KORDON-014 kubenet retirement (31 March 2028), graded by now', () => {
  const kubenet = state({ networkProfile: { networkPlugin: 'kubenet', networkPolicy: 'calico' } });
  it.each([
    [undefined, 'medium', '31 March 2028.'],
    ['not a date', 'medium', '31 March 2028.'],
    ['2026-01-01', 'low', 'in 820 days, as of 2026-01-01'],
    ['2027-06-01', 'medium', 'in 304 days'],
    ['2027-12-01T10:00:00Z', 'high', 'in 121 days, as of 2027-12-01'],
    ['2028-03-31', 'critical', 'today'],
    ['2028-04-01', 'critical', '1 day ago'],
  ])('now=%s → %s', (now, severity, text) => {
    const [f] = byRule(kubenet, RULE.kubenetRetirement, { now });
    expect(f.severity).toBe(severity);
    expect(f.message).toContain(text);
  });

  it('does not fire for Azure CNI', () => {
    expect(byRule(state({ networkProfile: CILIUM }), RULE.kubenetRetirement)).toHaveLength(0);
  });
});

describe('KORDON-015 / KORDON-016 Azure NPM retirement', () => {
  it.each([
    ['NPM, Linux pools', NPM, [{ name: 'system', osType: 'Linux' }], true, false],
    ['NPM, Linux and Windows pools', NPM, [{ name: 'system', osType: 'Linux' }, { name: 'win', osType: 'Windows' }], true, true],
    ['NPM, pools unknown (assumed Linux)', NPM, undefined, true, false],
    ['Cilium', CILIUM, [{ name: 'win', osType: 'Windows' }], false, false],
  ])('%s', (_name, profile, nodePools, linux, windows) => {
    const all = findings(state({ networkProfile: profile, nodePools }));
    expect(all.filter((f) => f.ruleId === RULE.npmLinuxRetirement).length).toBe(linux ? 1 : 0);
    expect(all.filter((f) => f.ruleId === RULE.npmWindowsRetirement).length).toBe(windows ? 1 : 0);
  });

  it('grades each deadline separately', () => {
    const all = findings(state({ networkProfile: NPM, nodePools: [{ name: 'system', osType: 'Linux' }, { name: 'win', osType: 'Windows' }] }), { now: '2026-10-01' });
    expect(all.find((f) => f.ruleId === RULE.npmWindowsRetirement)?.severity).toBe('critical');
    expect(all.find((f) => f.ruleId === RULE.npmLinuxRetirement)?.severity).toBe('low');
    expect(all.find((f) => f.ruleId === RULE.npmLinuxRetirement)?.message).toContain('30 September 2028');
  });
});

describe('KORDON-017 Cilium: ipBlock aimed at pod or node IPs', () => {
  const profile = { ...CILIUM, podCidr: '10.244.0.0/16' };
  const egress = (block: { cidr: string; except?: string[] }) => np('shop', 'p', { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: block }] }] });
  it.each([
    ['inside the pod CIDR', profile, egress({ cidr: '10.244.1.0/24' }), true, 'the pod CIDR 10.244.0.0/16'],
    ['around the pod CIDR', profile, egress({ cidr: '10.0.0.0/8' }), true, 'pod CIDR'],
    ['pod CIDR and node range excepted', profile, egress({ cidr: '10.0.0.0/8', except: ['10.244.0.0/16', '10.240.0.0/16'] }), false, ''],
    ['pod CIDR excepted, a node IP still inside', profile, egress({ cidr: '10.0.0.0/8', except: ['10.244.0.0/16'] }), true, 'ipBlock 10.0.0.0/8 covers 1 node IP (10.240.0.4).'],
    ['a node IP', profile, egress({ cidr: '10.240.0.0/16' }), true, '1 node IP (10.240.0.4)'],
    ['external range', profile, egress({ cidr: '20.0.0.0/8' }), false, ''],
    ['0.0.0.0/0 (left to KORDON-010)', profile, egress({ cidr: '0.0.0.0/0' }), false, ''],
    ['same block on Azure NPM', { ...NPM, podCidr: '10.244.0.0/16' }, egress({ cidr: '10.244.1.0/24' }), false, ''],
  ])('%s', (_name, networkProfile, policy, fires, text) => {
    const s = shop({ networkProfile, nodes: [{ name: 'n1', os: 'linux', ips: ['10.240.0.4'] }], networkPolicies: [policy] });
    const f = byRule(s, RULE.ciliumIpBlockClusterIps);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0].message).toContain(text);
  });

  it('uses pod IPs when there is no pod CIDR (Azure CNI with VNet pod IPs)', () => {
    const s = state({
      networkProfile: CILIUM,
      namespaces: [ns('shop')],
      pods: [pod('shop', 'web-1', { app: 'web' }, { ips: ['10.10.3.7'] })],
      networkPolicies: [np('shop', 'p', { ingress: [{ from: [{ ipBlock: { cidr: '10.10.0.0/16' } }] }] })],
    });
    expect(byRule(s, RULE.ciliumIpBlockClusterIps)[0].message).toContain('1 pod IP (10.10.3.7)');
  });
});

describe('KORDON-018 hostNetwork pods selected by policies', () => {
  const agent = (hostNetwork: boolean) => pod('shop', 'agent-1', { app: 'agent' }, { hostNetwork, workload: { kind: 'DaemonSet', name: 'agent' } });
  it.each([
    ['selected by a baseline, Cilium', CILIUM, agent(true), [denyAll('shop')], true, 'Cilium does not enforce'],
    ['selected, Azure NPM', NPM, agent(true), [denyAll('shop')], true, 'Azure NPM does not enforce'],
    ['selected, engine none', { networkPolicy: 'none' }, agent(true), [denyAll('shop')], true, 'no AKS engine enforces'],
    ['not selected', CILIUM, agent(true), [np('shop', 'web', { podSelector: { matchLabels: { app: 'web' } } })], false, ''],
    ['not host-networked', CILIUM, agent(false), [denyAll('shop')], false, ''],
  ])('%s', (_name, profile, p, policies, fires, text) => {
    const f = byRule(state({ networkProfile: profile, namespaces: [ns('shop')], pods: [p], networkPolicies: policies }), RULE.hostNetworkNotEnforced);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) {
      expect(f[0].message).toContain(text);
      expect(f[0].object).toEqual({ kind: 'DaemonSet', namespace: 'shop', name: 'agent' });
    }
  });
});

describe('KORDON-019 LoadBalancer without loadBalancerSourceRanges', () => {
  const svc = (extra: object = {}) => ({ namespace: 'shop', name: 'web', type: 'LoadBalancer', selector: { app: 'web' }, ...extra });
  it.each([
    ['no ranges, namespace with default-deny ingress', svc(), [denyAll('shop', ['Ingress'])], 'high', 'relies on ingress policies (default-deny ingress, 1 of 1 backing pods isolated)'],
    ['no ranges, a pod isolated without a baseline', svc(), [np('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [] })], 'high', '0 of 1 backing pods isolated'],
    ['no ranges, nothing isolates ingress', svc(), [], 'medium', 'nothing isolates ingress'],
    ['ranges 0.0.0.0/0', svc({ loadBalancerSourceRanges: ['0.0.0.0/0'] }), [], 'medium', 'admits 0.0.0.0/0'],
    ['ranges set', svc({ loadBalancerSourceRanges: ['203.0.113.0/24'] }), [denyAll('shop', ['Ingress'])], null, ''],
    ['ClusterIP', svc({ type: 'ClusterIP' }), [denyAll('shop', ['Ingress'])], null, ''],
  ])('%s', (_name, service, policies, severity, text) => {
    const f = byRule(shop({ services: [service], networkPolicies: policies }), RULE.loadBalancerWithoutSourceRanges);
    expect(f.length).toBe(severity ? 1 : 0);
    if (severity) {
      expect(f[0].severity).toBe(severity);
      expect(f[0].message).toContain(text);
      expect(f[0].remediationYaml).toContain('loadBalancerSourceRanges:');
      expect(f[0].remediationYaml).toContain('name: web');
    }
  });
});

describe('KORDON-020 / KORDON-021 CRD policies', () => {
  const cnp = (spec: object): CrdPolicy => ({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'shop' }, spec: { endpointSelector: {}, ...spec } });
  const gnp: CrdPolicy = { apiVersion: 'crd.projectcalico.org/v1', kind: 'GlobalNetworkPolicy', metadata: { name: 'g' }, spec: { selector: 'all()', types: ['Ingress'] } };
  it.each([
    ['Calico GNP on Cilium', CILIUM, gnp, RULE.crdPolicyOtherEngine, 'the cluster\'s engine is cilium'],
    ['Cilium CNP on Calico', CALICO, cnp({ ingress: [{}] }), RULE.crdPolicyOtherEngine, 'is a Cilium policy'],
    ['Cilium CNP on Azure NPM', NPM, cnp({ ingress: [{}] }), RULE.crdPolicyOtherEngine, 'azure'],
    ['Cilium CNP on an unknown engine', null, cnp({ ingress: [{}] }), RULE.notEvaluated, 'engine is unknown'],
    ['FQDN egress on Cilium', CILIUM, cnp({ egress: [{ toFQDNs: [{ matchName: 'api.example.com' }] }] }), RULE.notEvaluated, 'egress to FQDN api.example.com'],
    ['L7 HTTP on Cilium', CILIUM, cnp({ ingress: [{ toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }], rules: { http: [{ method: 'GET' }] } }] }] }), RULE.notEvaluated, 'L7 rules (http)'],
    ['Calico Deny action on Calico', CALICO, { ...gnp, spec: { selector: 'all()', egress: [{ action: 'Deny' }] } }, RULE.notEvaluated, 'Deny/Pass/Log'],
  ])('%s', (_name, profile, policy, rule, text) => {
    const all = findings(shop({ networkProfile: profile, crdPolicies: [policy] }));
    const crdFindings = all.filter((f) => f.ruleId === RULE.crdPolicyOtherEngine || f.ruleId === RULE.notEvaluated);
    expect(crdFindings.map((f) => f.ruleId)).toEqual([rule]);
    expect(crdFindings[0].message).toContain(text);
    expect(crdFindings[0].severity).toBe(rule === RULE.notEvaluated ? 'info' : 'low');
  });

  it('a CRD policy on a cluster with engine none is left to KORDON-001', () => {
    const all = findings(shop({ networkProfile: { networkPolicy: 'none' }, crdPolicies: [cnp({ ingress: [{}] })] }));
    expect(all.filter((f) => f.ruleId === RULE.crdPolicyOtherEngine || f.ruleId === RULE.notEvaluated)).toEqual([]);
    expect(all.some((f) => f.ruleId === RULE.policiesNotEnforced)).toBe(true);
  });

  it('no CRD policies, no CRD findings; hostNetwork gaps go to KORDON-018', () => {
    const s = state({ namespaces: [ns('shop')], pods: [pod('shop', 'a', {}, { hostNetwork: true })], networkPolicies: [denyAll('shop')] });
    expect(byRule(s, RULE.notEvaluated)).toHaveLength(0);
  });
});

describe('KORDON-022 invalid or ignored policy parts', () => {
  it.each([
    ['egress rules under policyTypes [Ingress]', { policyTypes: ['Ingress'], ingress: [], egress: [{ to: [{ podSelector: {} }] }] }, true, 'egress rules are ignored'],
    ['an invalid CIDR', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] }, true, 'spec.ingress[0].from[0].ipBlock.cidr'],
    ['a port out of range', { ingress: [{ ports: [{ port: 70000 }] }] }, true, 'not 1..65535'],
    ['a quoted numeric port (a warning, read as the number)', { ingress: [{ ports: [{ port: '80' }] }] }, false, ''],
    ['a valid policy', { ingress: [{ from: [{ podSelector: {} }] }] }, false, ''],
  ])('%s', (_name, spec, fires, text) => {
    const f = byRule(shop({ networkPolicies: [np('shop', 'p', spec as Parameters<typeof np>[2])] }), RULE.policyPartsIgnored);
    expect(f.length).toBe(fires ? 1 : 0);
    if (fires) expect(f[0].message).toContain(text);
  });
});
