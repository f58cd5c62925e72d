import { describe, expect, it } from 'vitest';
import type { ClusterDiff } from '@kordon/contracts';
import { toDiffView } from './adapter';
import { lineDiff } from './line-diff';

describe('lineDiff', () => {
  it('marks added and removed lines and keeps the common ones', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nc\nd\n')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
  });
  it('treats an empty side as all added or all removed', () => {
    expect(lineDiff('', 'x\ny')).toEqual([
      { op: '+', text: 'x' },
      { op: '+', text: 'y' },
    ]);
    expect(lineDiff('x', '')).toEqual([{ op: '-', text: 'x' }]);
  });
});

const ZERO = {
  policiesAdded: 0, policiesRemoved: 0, policiesChanged: 0, labelChanges: 0, driftedPolicies: 0, namespacesChanged: 0, defaultDenyGained: 0,
  defaultDenyLost: 0, findingsOpened: 0, findingsResolved: 0, pairsChanged: 0, pairsOpened: 0, pairsClosed: 0, profileChanges: 0,
};
const EMPTY: ClusterDiff = {
  clusterId: 'c',
  from: { id: 's1', takenAt: '2026-12-01T00:00:00.000Z', kind: 'snapshot' },
  to: { id: null, takenAt: null, kind: 'proposed' },
  summary: ZERO,
  profile: { engineBefore: 'azure', engineAfter: 'azure', engineChanged: false, changes: [] },
  policies: [],
  selection: [],
  drift: [],
  labels: [],
  namespaces: [],
  findings: { opened: [], resolved: [] },
  reachability: { namespacePairs: [], namespacePairsTotal: 0, namespacePairsTruncated: false, workloadPairs: null, workloadPairsTotal: null, truncated: false },
  verdict: { opens: 0, closes: 0, breaksDefaultDeny: [], basis: 'workloads', fails: false },
};
const fig = (dd: boolean, coverage: number) => ({ isolatedPods: 1, coverage, defaultDeny: dd });

describe('toDiffView', () => {
  it('reads an empty diff as empty sections', () => {
    const v = toDiffView(EMPTY);
    expect(v.policies).toEqual([]);
    expect(v.pairs).toEqual([]);
    expect(v.workloadPairs).toBeNull();
    expect(v.verdict).toEqual({ opens: 0, closes: 0, breaksDefaultDeny: [] });
    expect(v.summary.find((s) => s.key === 'driftedPolicies')).toEqual({ key: 'driftedPolicies', label: 'Drifted policies', value: 0 });
  });

  it('keeps the count of every pair when the API listed only the first of them', () => {
    const pair = { from: 'a', to: 'b', before: 'All Connections', after: 'No Connections', opened: '', closed: 'All Connections', causes: [] };
    const v = toDiffView({ ...EMPTY, reachability: { namespacePairs: [pair], namespacePairsTotal: 34989, namespacePairsTruncated: true, workloadPairs: null, workloadPairsTotal: null, truncated: false } });
    expect(v.pairs).toHaveLength(1);
    expect(v.pairsTotal).toBe(34989);
  });

  it('maps policies (unified diff lines), label effects with drift, namespaces, pairs with causes and the verdict', () => {
    const drift = { policy: { kind: 'NetworkPolicy', namespace: 'pay', name: 'api-ingress' }, before: 12, after: 0, drift: true, policyChanged: false };
    const v = toDiffView({
      ...EMPTY,
      policies: [{ kind: 'NetworkPolicy', namespace: 'pay', name: 'allow-all', change: 'added', beforeYaml: '', afterYaml: 'a: 1\n', yamlDiff: '--- a/x\n+++ b/x\n@@ -0,0 +1,1 @@\n+a: 1\n', podsBefore: 0, podsAfter: 3 }],
      labels: [{ scope: 'workload', namespace: 'pay', workload: 'Deployment/api', added: [], removed: [], changed: [{ key: 'app', before: 'api', after: 'api2' }], effects: [drift], peerEffects: [] }],
      drift: [drift],
      namespaces: [{ namespace: 'pay', change: 'changed', excluded: false, before: { pods: 3, policies: 1, ingress: fig(true, 1), egress: fig(false, 0) }, after: { pods: 3, policies: 2, ingress: fig(false, 0.5), egress: fig(false, 0) }, ingressCoverageDelta: -50, egressCoverageDelta: 0 }],
      reachability: { namespacePairs: [{ from: 'web', to: 'pay', before: 'No Connections', after: 'TCP 80', opened: 'TCP 80', closed: '', causes: [{ type: 'policy', kind: 'NetworkPolicy', namespace: 'pay', name: 'allow-all', change: 'added' }] }], namespacePairsTotal: 1, namespacePairsTruncated: false, workloadPairs: null, workloadPairsTotal: null, truncated: false },
      verdict: { opens: 1, closes: 0, breaksDefaultDeny: [{ namespace: 'pay', direction: 'ingress' }], basis: 'workloads', fails: true },
    });
    expect(v.policies[0]).toMatchObject({ op: 'added', name: 'allow-all', lines: [{ op: '+', text: 'a: 1' }] });
    expect(v.labels).toHaveLength(1);
    expect(v.labels[0]).toMatchObject({ target: 'workload pay/Deployment/api', changes: ['~ app: api → api2'] });
    expect(v.labels[0]!.effects[0]).toMatchObject({ before: 12, after: 0, drift: true });
    expect(v.namespaces[0]).toMatchObject({ ingressBefore: 1, ingressAfter: 0.5, ddIngressBefore: true, ddIngressAfter: false });
    expect(v.verdict).toEqual({ opens: 1, closes: 0, breaksDefaultDeny: ['pay (ingress)'] });
    expect(v.pairs[0]!.causes[0]).toMatchObject({ name: 'allow-all', op: 'added' });
  });

  it('shows drift without a label change on its own, and the engine switch first', () => {
    const drift = { policy: { kind: 'NetworkPolicy', namespace: 'pay', name: 'x' }, before: 2, after: 0, drift: true, policyChanged: true };
    const v = toDiffView({
      ...EMPTY,
      drift: [drift],
      profile: { engineBefore: 'azure', engineAfter: 'none', engineChanged: true, changes: [{ field: 'networkPolicy', before: 'azure', after: null }, { field: 'networkPluginMode', before: null, after: 'overlay' }] },
    });
    expect(v.labels).toEqual([{ target: 'selection drift', namespace: null, changes: [], effects: [{ policy: drift.policy, before: 2, after: 0, drift: true }], peers: [] }]);
    expect(v.profile).toEqual([{ field: 'policy engine', before: 'azure', after: 'none' }, { field: 'networkPluginMode', before: '—', after: 'overlay' }]);
  });

  it('says in words which policies allow a workload pair now, or allowed a closed one', () => {
    const side = (policies: { kind: string; namespace: string | null; name: string }[], defaultAllow: boolean, peer: string | null) => ({ peer, defaultAllow, policies, deniedBy: [], l7: [], notEvaluated: [] });
    const opened = {
      from: 'front/client', to: 'shop/web', before: 'No Connections', after: 'TCP 80', opened: 'TCP 80', closed: '', causes: [],
      allowedBy: { before: null, after: { egress: side([], true, 'front/client'), ingress: side([{ kind: 'CiliumNetworkPolicy', namespace: 'shop', name: 'web-in' }], false, 'shop/web') } },
    };
    const closed = { ...opened, before: 'TCP 80', after: 'No Connections', opened: '', closed: 'TCP 80', allowedBy: { before: opened.allowedBy.after, after: null } };
    const v = toDiffView({ ...EMPTY, reachability: { namespacePairs: [], namespacePairsTotal: 0, namespacePairsTruncated: false, workloadPairs: [opened, closed], workloadPairsTotal: 2, truncated: false } });
    expect(v.workloadPairs!.map((p) => p.why)).toEqual([
      'now egress allowed by default · ingress allowed by CiliumNetworkPolicy shop/web-in',
      'was egress allowed by default · ingress allowed by CiliumNetworkPolicy shop/web-in',
    ]);
    // Nothing to say (two ungoverned sides): no line at all rather than a bare "now".
    const silent = { ...opened, allowedBy: { before: null, after: { egress: side([], false, null), ingress: side([], false, null) } } };
    expect(toDiffView({ ...EMPTY, reachability: { namespacePairs: [], namespacePairsTotal: 0, namespacePairsTruncated: false, workloadPairs: [silent], workloadPairsTotal: 1, truncated: false } }).workloadPairs![0]!.why).toBeUndefined();
  });
});
