// Maps the API's diff answer (GET /clusters/:id/diff, POST /clusters/:id/simulate) onto the view
// model the components draw. The only file that knows the wire shape; it reads it tolerantly
// (missing sections are empty) so a section the API leaves out never breaks the page.
import { lineDiff, type DiffLine } from './line-diff';
import type { DiffViewModel, FindingChangeView, LabelChangeView, NamespaceDeltaView, PolicyChangeView, PolicyRefView, ReachChangeView } from './view-model';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire shape read defensively, see the top comment
type Any = any;
export type ApiDiff = Record<string, Any>;

const arr = (v: Any): Any[] => (Array.isArray(v) ? v : []);
const num = (v: Any): number => (typeof v === 'number' && Number.isFinite(v) ? v : Array.isArray(v) ? v.length : 0);
const str = (v: Any): string => (v == null ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
const ratio = (v: Any): number | null => (typeof v === 'number' ? v : v && typeof v === 'object' && typeof v.pods === 'number' ? v.pods : null);
const bool = (v: Any): boolean | null => (typeof v === 'boolean' ? v : null);

function policyRef(p: Any): PolicyRefView {
  if (typeof p === 'string') {
    const parts = p.split('/');
    if (parts.length >= 3) return { kind: parts[0]!, namespace: parts[1]!, name: parts.slice(2).join('/') };
    if (parts.length === 2) return { kind: 'NetworkPolicy', namespace: parts[0]!, name: parts[1]! };
    return { kind: 'NetworkPolicy', namespace: null, name: p };
  }
  const ref = p?.policy && typeof p.policy === 'object' ? p.policy : p;
  return { kind: ref?.kind ?? 'NetworkPolicy', namespace: ref?.namespace ?? null, name: str(ref?.name) };
}

function diffLines(c: Any, op: PolicyChangeView['op']): DiffLine[] {
  const given = arr(c?.yamlDiff ?? c?.diff ?? c?.lines);
  if (given.length && typeof given[0] === 'object') return given.map((l: Any) => ({ op: l.op === '+' || l.op === 'add' ? '+' : l.op === '-' || l.op === 'remove' || l.op === 'del' ? '-' : ' ', text: str(l.text ?? l.line) }));
  if (given.length && typeof given[0] === 'string')
    return given.map((l: string) => (l.startsWith('+') ? { op: '+', text: l.slice(1) } : l.startsWith('-') ? { op: '-', text: l.slice(1) } : { op: ' ', text: l.replace(/^ /, '') }));
  if (typeof c?.yamlDiff === 'string' || typeof c?.diff === 'string')
    return diffLines({ yamlDiff: String(c.yamlDiff ?? c.diff).split('\n').filter((l: string) => !/^(\+\+\+|---|@@)/.test(l)) }, op);
  const before = str(c?.beforeYaml ?? c?.before?.yaml ?? (typeof c?.before === 'string' ? c.before : ''));
  const after = str(c?.afterYaml ?? c?.after?.yaml ?? (typeof c?.after === 'string' ? c.after : ''));
  const yaml = str(c?.yaml);
  if (!before && !after && yaml) return lineDiff(op === 'removed' ? yaml : '', op === 'removed' ? '' : yaml);
  return lineDiff(before, after);
}

function policies(d: Any): PolicyChangeView[] {
  const p = d?.policies ?? {};
  const out: PolicyChangeView[] = [];
  const push = (items: Any, op: PolicyChangeView['op']) => {
    for (const c of arr(items)) out.push({ ...policyRef(c), op, lines: diffLines(c, op) });
  };
  if (Array.isArray(p)) {
    for (const c of p) {
      const op: PolicyChangeView['op'] = c.change === 'added' || c.op === 'added' ? 'added' : c.change === 'removed' || c.op === 'removed' ? 'removed' : 'changed';
      out.push({ ...policyRef(c), op, lines: diffLines(c, op) });
    }
    return out;
  }
  push(p.added, 'added');
  push(p.removed, 'removed');
  push(p.changed, 'changed');
  return out;
}

function labelChanges(d: Any): LabelChangeView[] {
  const l = d?.labels ?? d?.labelChanges ?? [];
  const items = Array.isArray(l) ? l : [...arr(l.namespaces).map((x: Any) => ({ ...x, scope: 'namespace' })), ...arr(l.pods ?? l.workloads).map((x: Any) => ({ ...x, scope: x.scope ?? 'pod' }))];
  return items.map((x: Any) => {
    const scope = x.scope ?? x.kind ?? (x.pod || x.workload ? 'pod' : 'namespace');
    const name = x.target ?? (x.pod ?? x.workload ? `${x.namespace}/${x.pod ?? x.workload}` : (x.namespace ?? x.name));
    const changes: string[] = [];
    for (const a of arr(x.added)) changes.push(`+ ${typeof a === 'string' ? a : `${a.key}=${a.value}`}`);
    for (const r of arr(x.removed)) changes.push(`− ${typeof r === 'string' ? r : `${r.key}=${r.value}`}`);
    for (const c of arr(x.changed)) changes.push(typeof c === 'string' ? `~ ${c}` : `~ ${c.key}: ${c.before ?? c.from} → ${c.after ?? c.to}`);
    if (!changes.length && x.before && x.after && typeof x.before === 'object') {
      const keys = new Set([...Object.keys(x.before), ...Object.keys(x.after)]);
      for (const k of keys) {
        const b = x.before[k];
        const a = x.after[k];
        if (b === a) continue;
        changes.push(b === undefined ? `+ ${k}=${a}` : a === undefined ? `− ${k}=${b}` : `~ ${k}: ${b} → ${a}`);
      }
    }
    const effects = arr(x.effects ?? x.selection ?? x.selectionChanges).map((e: Any) => {
      const before = num(e.before ?? e.podsBefore ?? e.selectedBefore);
      const after = num(e.after ?? e.podsAfter ?? e.selectedAfter);
      return { policy: policyRef(e.policy ?? e), before, after, drift: e.drift === true || (e.drift === undefined && before > 0 && after === 0) };
    });
    return { target: `${scope} ${str(name)}`, namespace: x.namespace ?? null, changes, effects };
  });
}

/** Drift reported outside the label list (a top-level `drift` array) is merged into it. */
function mergeDrift(d: Any, labels: LabelChangeView[]): LabelChangeView[] {
  const drift = arr(d?.drift);
  if (!drift.length) return labels;
  const known = new Set(labels.flatMap((l) => l.effects.filter((e) => e.drift).map((e) => `${e.policy.namespace}/${e.policy.name}`)));
  const extra = drift
    .map((e: Any) => ({ policy: policyRef(e.policy ?? e), before: num(e.before ?? e.podsBefore ?? e.selectedBefore), after: num(e.after ?? e.podsAfter ?? e.selectedAfter), drift: true }))
    .filter((e) => !known.has(`${e.policy.namespace}/${e.policy.name}`));
  if (!extra.length) return labels;
  return [...labels, { target: 'selection drift', namespace: null, changes: arr(drift[0]?.labels).map(str), effects: extra }];
}

function namespaces(d: Any): NamespaceDeltaView[] {
  return arr(d?.namespaces ?? d?.coverage).map((n: Any) => {
    const b = n.before ?? {};
    const a = n.after ?? {};
    return {
      namespace: str(n.namespace ?? n.name),
      ingressBefore: ratio(n.ingressCoverageBefore ?? b.ingressCoverage ?? b.ingress?.coverage ?? b.ingress),
      ingressAfter: ratio(n.ingressCoverageAfter ?? a.ingressCoverage ?? a.ingress?.coverage ?? a.ingress),
      egressBefore: ratio(n.egressCoverageBefore ?? b.egressCoverage ?? b.egress?.coverage ?? b.egress),
      egressAfter: ratio(n.egressCoverageAfter ?? a.egressCoverage ?? a.egress?.coverage ?? a.egress),
      ddIngressBefore: bool(n.defaultDenyIngressBefore ?? b.defaultDenyIngress ?? b.ingress?.defaultDeny),
      ddIngressAfter: bool(n.defaultDenyIngressAfter ?? a.defaultDenyIngress ?? a.ingress?.defaultDeny),
      ddEgressBefore: bool(n.defaultDenyEgressBefore ?? b.defaultDenyEgress ?? b.egress?.defaultDeny),
      ddEgressAfter: bool(n.defaultDenyEgressAfter ?? a.defaultDenyEgress ?? a.egress?.defaultDeny),
    };
  });
}

const finding = (f: Any): FindingChangeView => ({
  rule: str(f.ruleId ?? f.rule ?? f.id),
  severity: f.severity ?? null,
  namespace: f.namespace ?? null,
  object: f.object ?? f.workload ?? f.policy ?? null,
  message: str(f.message ?? f.title ?? ''),
});

function reach(items: Any): ReachChangeView[] {
  return arr(items).map((r: Any) => ({
    from: str(r.from ?? r.src ?? r.source),
    to: str(r.to ?? r.dst ?? r.destination),
    before: str(r.before ?? r.connBefore ?? ''),
    after: str(r.after ?? r.connAfter ?? ''),
    causes: arr(r.causes ?? r.causedBy ?? r.policies).map((c: Any) => ({ ...policyRef(c), op: c?.change ?? c?.op })),
  }));
}

const SUMMARY_LABELS: Record<string, string> = {
  policiesAdded: 'Policies added',
  policiesRemoved: 'Policies removed',
  policiesChanged: 'Policies changed',
  labelChanges: 'Label changes',
  namespaceLabelChanges: 'Namespace label changes',
  podLabelChanges: 'Pod label changes',
  drift: 'Drifted policies',
  driftedPolicies: 'Drifted policies',
  namespacesChanged: 'Namespaces changed',
  defaultDenyGained: 'Default-deny gained',
  defaultDenyLost: 'Default-deny lost',
  findingsOpened: 'Findings opened',
  findingsResolved: 'Findings resolved',
  pairsOpened: 'Pairs opened',
  pairsClosed: 'Pairs closed',
  pairsChanged: 'Pairs changed',
  reachabilityChanged: 'Pairs with changed connectivity',
  connectionsOpened: 'Connections opened',
  connectionsClosed: 'Connections closed',
  profileChanges: 'Network profile changes',
};

const words = (k: string) => k.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase()).toLowerCase().replace(/^./, (c) => c.toUpperCase());

export function toDiffView(d: ApiDiff): DiffViewModel {
  const pol = policies(d);
  const labels = mergeDrift(d, labelChanges(d));
  const ns = namespaces(d);
  const fo = arr(d?.findings?.opened ?? d?.findingsOpened).map(finding);
  const fr = arr(d?.findings?.resolved ?? d?.findingsResolved).map(finding);
  const reachD = d?.reachability ?? {};
  const pairs = reach(Array.isArray(reachD) ? reachD : (reachD.namespacePairs ?? reachD.pairs ?? reachD.namespaces));
  const wl = Array.isArray(reachD) ? null : (reachD.workloadPairs ?? reachD.workloads ?? null);
  const prof = d?.profile ?? d?.networkProfile;
  const profile = (Array.isArray(prof) ? prof : arr(prof?.changes)).map((c: Any) => ({ field: str(c.field ?? c.name ?? c.key), before: str(c.before ?? c.from), after: str(c.after ?? c.to) }));
  const summaryIn = d?.summary && typeof d.summary === 'object' ? d.summary : null;
  const summary = summaryIn
    ? Object.entries(summaryIn)
        .filter(([, v]) => typeof v === 'number')
        .map(([k, v]) => ({ key: k, label: SUMMARY_LABELS[k] ?? words(k), value: v as number }))
    : [
        { key: 'policiesAdded', label: 'Policies added', value: pol.filter((p) => p.op === 'added').length },
        { key: 'policiesRemoved', label: 'Policies removed', value: pol.filter((p) => p.op === 'removed').length },
        { key: 'policiesChanged', label: 'Policies changed', value: pol.filter((p) => p.op === 'changed').length },
        { key: 'labelChanges', label: 'Label changes', value: labels.length },
        { key: 'findingsOpened', label: 'Findings opened', value: fo.length },
        { key: 'findingsResolved', label: 'Findings resolved', value: fr.length },
        { key: 'pairs', label: 'Pairs with changed connectivity', value: pairs.length },
      ];
  const snap = (s: Any) => ({ id: s?.id ?? s?.snapshotId ?? null, takenAt: s?.takenAt ?? s?.finishedAt ?? null });
  const v = d?.verdict;
  const opened = pairs.filter((p) => !p.before || /^no connections?$/i.test(p.before)).length;
  const lostDd = ns.filter((n) => (n.ddIngressBefore && !n.ddIngressAfter) || (n.ddEgressBefore && !n.ddEgressAfter)).map((n) => n.namespace);
  return {
    from: snap(d?.from),
    to: snap(d?.to),
    summary,
    profile,
    policies: pol,
    labels,
    namespaces: ns,
    findingsOpened: fo,
    findingsResolved: fr,
    pairs,
    workloadPairs: wl ? reach(wl) : null,
    verdict: v
      ? {
          opens: num(v.opens ?? v.opensConnections ?? v.connectionsOpened ?? v.newConnections),
          closes: num(v.closes ?? v.closesConnections ?? v.connectionsClosed),
          breaksDefaultDeny: arr(v.breaksDefaultDeny ?? v.defaultDenyBroken ?? v.breaksDefaultDenyIn).map((x: Any) => (typeof x === 'string' ? x : str(x.namespace) + (x.direction ? ` (${x.direction})` : ''))),
        }
      : { opens: opened, closes: pairs.length - opened, breaksDefaultDeny: lostDd },
  };
}
