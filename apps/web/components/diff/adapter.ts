// Maps the API's diff answer (ClusterDiff of GET /clusters/:id/diff and POST /clusters/:id/simulate)
// onto the view model the components draw. The only file that knows the wire shape.
import type { ClusterDiff, DiffPair, DiffSelectionChange, DiffSummary, ReachabilityAllowance, ReachabilityPolicyRef, ReachabilitySideAllowance } from '@kordon/contracts';
import type { DiffLine } from './line-diff';
import type { DiffViewModel, FindingChangeView, LabelChangeView, NamespaceDeltaView, PolicyChangeView, ReachChangeView, SelectionEffectView } from './view-model';

export type ApiDiff = ClusterDiff;

const SUMMARY_LABELS: Record<keyof DiffSummary, string> = {
  policiesAdded: 'Policies added',
  policiesRemoved: 'Policies removed',
  policiesChanged: 'Policies changed',
  labelChanges: 'Label changes',
  driftedPolicies: 'Drifted policies',
  namespacesChanged: 'Namespaces changed',
  defaultDenyGained: 'Default-deny gained',
  defaultDenyLost: 'Default-deny lost',
  findingsOpened: 'Findings opened',
  findingsResolved: 'Findings resolved',
  pairsChanged: 'Namespace pairs changed',
  pairsOpened: 'Pairs opened',
  pairsClosed: 'Pairs closed',
  profileChanges: 'Network profile changes',
};

/** Opened/closed count workload pairs (external ranges too) or namespace pairs: the label says which. */
function pairLabel(key: keyof DiffSummary, basis: ClusterDiff['verdict']['basis']): string | null {
  if (key !== 'pairsOpened' && key !== 'pairsClosed') return null;
  return `${basis === 'workloads' ? 'Workload' : 'Namespace'} pairs ${key === 'pairsOpened' ? 'opened' : 'closed'}`;
}

/** A unified diff's body lines (headers and hunk markers dropped). */
export function unifiedLines(patch: string): DiffLine[] {
  const out: DiffLine[] = [];
  for (const line of patch.split('\n')) {
    if (/^(---|\+\+\+|@@|Index:|=+$|\\ No newline)/.test(line) || line === '') continue;
    const op = line[0] === '+' ? '+' : line[0] === '-' ? '-' : ' ';
    out.push({ op, text: line.slice(1) });
  }
  return out;
}

const effect = (s: DiffSelectionChange): SelectionEffectView => ({ policy: s.policy, before: s.before, after: s.after, drift: s.drift });

function labels(d: ClusterDiff): LabelChangeView[] {
  const out: LabelChangeView[] = d.labels.map((l) => ({
    target: l.scope === 'namespace' ? `namespace ${l.namespace}` : `workload ${l.namespace}/${l.workload}`,
    namespace: l.namespace,
    changes: [
      ...l.added.map((a) => `+ ${a.key}=${a.value}`),
      ...l.removed.map((r) => `− ${r.key}=${r.value}`),
      ...l.changed.map((c) => `~ ${c.key}: ${c.before} → ${c.after}`),
    ],
    effects: l.effects.map(effect),
    peers: (l.peerEffects ?? []).map((p) => ({ policy: p.policy, direction: p.direction, admitted: p.after })),
  }));
  // Drift no label change explains (the policy's own text changed) is shown on its own.
  const shown = new Set(out.flatMap((l) => l.effects.filter((e) => e.drift).map((e) => `${e.policy.kind}/${e.policy.namespace}/${e.policy.name}`)));
  const extra = d.drift.filter((s) => !shown.has(`${s.policy.kind}/${s.policy.namespace}/${s.policy.name}`)).map(effect);
  if (extra.length) out.push({ target: 'selection drift', namespace: null, changes: [], effects: extra, peers: [] });
  return out;
}

function namespaces(d: ClusterDiff): NamespaceDeltaView[] {
  return d.namespaces.map((n) => ({
    namespace: n.namespace,
    ingressBefore: n.before?.ingress.coverage ?? null,
    ingressAfter: n.after?.ingress.coverage ?? null,
    egressBefore: n.before?.egress.coverage ?? null,
    egressAfter: n.after?.egress.coverage ?? null,
    ddIngressBefore: n.before ? n.before.ingress.defaultDeny : null,
    ddIngressAfter: n.after ? n.after.ingress.defaultDeny : null,
    ddEgressBefore: n.before ? n.before.egress.defaultDeny : null,
    ddEgressAfter: n.after ? n.after.egress.defaultDeny : null,
  }));
}

const policyText = (p: ReachabilityPolicyRef) => `${p.kind === 'NetworkPolicy' ? '' : `${p.kind} `}${p.namespace === null ? '' : `${p.namespace}/`}${p.name}`;

/** One side of an explanation in words: `egress: allowed by a/x` or `ingress: allowed by default`. */
function sideWords(d: 'egress' | 'ingress', s: ReachabilitySideAllowance): string | null {
  if (s.peer === null) return null;
  const parts: string[] = [];
  if (s.policies.length) parts.push(`allowed by ${s.policies.map(policyText).join(', ')}`);
  if (s.defaultAllow) parts.push('allowed by default');
  if (s.deniedBy.length) parts.push(`cut by ${s.deniedBy.map(policyText).join(', ')}`);
  if (s.notEvaluated.length) parts.push(`not evaluated (${s.notEvaluated.join(', ')})`);
  return parts.length ? `${d} ${parts.join('; ')}` : null;
}

export function allowanceWords(a: ReachabilityAllowance): string {
  return [sideWords('egress', a.egress), sideWords('ingress', a.ingress)].filter(Boolean).join(' · ');
}

const pair = (p: DiffPair): ReachChangeView => {
  const now = p.allowedBy?.after ? allowanceWords(p.allowedBy.after) : '';
  const was = p.allowedBy?.before ? allowanceWords(p.allowedBy.before) : '';
  return {
    from: p.from,
    to: p.to,
    before: p.before,
    after: p.after,
    causes: p.causes.map((c) => ({ kind: c.kind, namespace: c.namespace, name: c.name, op: c.type === 'policy' ? c.change : c.type === 'drift' ? `drift: ${c.change}` : 'labels changed' })),
    ...(now ? { why: `now ${now}` } : was ? { why: `was ${was}` } : {}),
  };
};

export function toDiffView(d: ClusterDiff): DiffViewModel {
  const policies: PolicyChangeView[] = d.policies.map((p) => ({ kind: p.kind, namespace: p.namespace, name: p.name, op: p.change, lines: unifiedLines(p.yamlDiff) }));
  const finding = (f: ClusterDiff['findings']['opened'][number]): FindingChangeView => ({ rule: f.ruleId, severity: f.severity, namespace: f.namespace, object: f.object, message: f.message });
  const engine = d.profile.engineChanged ? [{ field: 'policy engine', before: d.profile.engineBefore, after: d.profile.engineAfter }] : [];
  return {
    from: { id: d.from.id, takenAt: d.from.takenAt },
    to: { id: d.to.id, takenAt: d.to.takenAt },
    summary: (Object.keys(SUMMARY_LABELS) as (keyof DiffSummary)[]).map((key) => ({ key, label: pairLabel(key, d.verdict.basis) ?? SUMMARY_LABELS[key], value: d.summary[key] })),
    profile: [...engine, ...d.profile.changes.filter((c) => c.field !== 'networkPolicy' || !d.profile.engineChanged).map((c) => ({ field: c.field, before: c.before ?? '—', after: c.after ?? '—' }))],
    policies,
    labels: labels(d),
    namespaces: namespaces(d),
    findingsOpened: d.findings.opened.map(finding),
    findingsResolved: d.findings.resolved.map(finding),
    pairs: (d.reachability?.namespacePairs ?? []).map(pair),
    pairsTotal: d.reachability?.namespacePairsTotal ?? d.reachability?.namespacePairs.length ?? 0,
    workloadPairs: d.reachability?.workloadPairs ? d.reachability.workloadPairs.map(pair) : null,
    workloadPairsTotal: d.reachability?.workloadPairsTotal ?? null,
    verdict: { opens: d.verdict.opens, closes: d.verdict.closes, breaksDefaultDeny: d.verdict.breaksDefaultDeny.map((b) => `${b.namespace} (${b.direction})`) },
  };
}
