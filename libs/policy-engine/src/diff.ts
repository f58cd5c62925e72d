// What changed between two analysed states of one cluster: policies, labels and what they
// changed in selection (drift), per-namespace coverage and default-deny, findings, the network
// profile, and the reachability diff (namespace pairs always, workload pairs on request), each
// changed pair with the changes that can have caused it. Pure: the caller analyses each side
// (or lets this do it) and renders policy objects as it likes.
import type { Finding } from './findings';
import type { ClusterState, CrdPolicy, Labels, NetworkPolicy } from './model';
import type { ClusterPosture, NamespacePosture } from './posture.types';
import { parseIp, type IpFamily } from './ip-ranges';
import { ConnectionSet, formatIpRange, type Connection, type ConnectionAllowance, type NamespaceMatrix, type ReachabilityReport } from './reachability';
import { compileSelector, matchesSelector } from './selectors';

export interface DiffSide {
  state: ClusterState;
  posture: ClusterPosture;
  findings: Finding[];
  /** Needed for the reachability diff; without it on both sides that section is left out. */
  reachability?: ReachabilityReport;
}

export interface DiffOptions {
  /** Also diff workload pairs (every allowed connection); heavier. */
  workloads?: boolean;
  /** At most this many workload pairs listed (the verdict counts them all). Default 2000. */
  workloadPairLimit?: number;
  /** At most this many namespace pairs listed (the summary and verdict count them all). Default 2000. */
  namespacePairLimit?: number;
}

export const DEFAULT_PAIR_LIMIT = 2000;

export interface DiffPolicyRef {
  kind: string;
  /** null for cluster-wide kinds (CCNP, GNP). */
  namespace: string | null;
  name: string;
}

export type PolicyChangeKind = 'added' | 'removed' | 'changed';

export interface PolicyDiff extends DiffPolicyRef {
  change: PolicyChangeKind;
  /** The object without server-managed metadata (resourceVersion, managedFields, uid, ...). */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Pods it selects (either direction), before and after. */
  podsBefore: number;
  podsAfter: number;
}

/** A policy present on both sides whose selection changed; `drift`: it selected pods and now selects none. */
export interface SelectionDiff {
  policy: DiffPolicyRef;
  before: number;
  after: number;
  drift: boolean;
  /** The policy's own text changed too (else only labels moved under it). */
  policyChanged: boolean;
}

export interface LabelEntry {
  key: string;
  value: string;
}

export interface LabelDiff {
  scope: 'namespace' | 'workload';
  namespace: string;
  /** The workload as `Kind/name`; null for a namespace's own labels. */
  workload: string | null;
  added: LabelEntry[];
  removed: LabelEntry[];
  changed: { key: string; before: string; after: string }[];
  /**
   * Policies that gained or lost pods because of the change, with their pod counts: for workload
   * labels, the policies that gained or lost that workload; for a namespace's labels, those that
   * gained or lost any of its workloads (cluster-wide policies selecting by namespace labels).
   */
  effects: SelectionDiff[];
  /**
   * For a namespace's labels: NetworkPolicy rules whose `namespaceSelector` peers admitted the
   * namespace before and not after, or the reverse (the allowed peers moved, not the selected pods).
   */
  peerEffects: PeerEffect[];
}

/** A NetworkPolicy (present on both sides) whose rules admit a namespace as a peer on one side only. */
export interface PeerEffect {
  policy: DiffPolicyRef;
  direction: 'ingress' | 'egress';
  /** Some `from` (ingress) / `to` (egress) peer's namespaceSelector matched the namespace's labels. */
  before: boolean;
  after: boolean;
}

export interface DirectionFigures {
  isolatedPods: number;
  /** isolated pods ÷ pods; null without pods. */
  coverage: number | null;
  defaultDeny: boolean;
}

export interface NamespaceFigures {
  pods: number;
  policies: number;
  ingress: DirectionFigures;
  egress: DirectionFigures;
}

export interface NamespaceDiff {
  namespace: string;
  change: PolicyChangeKind;
  excluded: boolean;
  before: NamespaceFigures | null;
  after: NamespaceFigures | null;
  /** Percentage points, after − before; null when either side has no pods. */
  ingressCoverageDelta: number | null;
  egressCoverageDelta: number | null;
}

export interface FindingDiffEntry {
  key: string;
  ruleId: string;
  severity: string;
  title: string;
  namespace: string | null;
  object: string | null;
  message: string;
}

export interface ProfileDiff {
  field: string;
  before: string | null;
  after: string | null;
}

export interface PairCause {
  /** `policy`: a policy added, removed or changed; `drift`: a policy's selection changed; `labels`: labels moved. */
  type: 'policy' | 'drift' | 'labels';
  kind: string;
  namespace: string | null;
  name: string;
  change: string;
}

export interface PairDiff {
  from: string;
  to: string;
  before: string;
  after: string;
  /** Connections allowed now and not before ('' when none). */
  opened: string;
  /** Connections allowed before and not now ('' when none). */
  closed: string;
  causes: PairCause[];
  /** Workload pairs: which policies allow the connection on each side (null where it had none). */
  allowedBy?: { before: ConnectionAllowance | null; after: ConnectionAllowance | null };
}

export interface ClusterDiffResult {
  summary: {
    policiesAdded: number;
    policiesRemoved: number;
    policiesChanged: number;
    labelChanges: number;
    driftedPolicies: number;
    namespacesChanged: number;
    defaultDenyGained: number;
    defaultDenyLost: number;
    findingsOpened: number;
    findingsResolved: number;
    pairsChanged: number;
    pairsOpened: number;
    pairsClosed: number;
    profileChanges: number;
  };
  profile: { engineBefore: string; engineAfter: string; engineChanged: boolean; changes: ProfileDiff[] };
  policies: PolicyDiff[];
  selection: SelectionDiff[];
  labels: LabelDiff[];
  namespaces: NamespaceDiff[];
  findings: { opened: FindingDiffEntry[]; resolved: FindingDiffEntry[] };
  /** Null when either side has no reachability report. */
  reachability: {
    /** In (from, to) order, the first `namespacePairLimit` of them. */
    namespacePairs: PairDiff[];
    namespacePairsTotal: number;
    namespacePairsTruncated: boolean;
    /** Null unless asked for. */
    workloadPairs: PairDiff[] | null;
    workloadPairsTotal: number | null;
    truncated: boolean;
  } | null;
  verdict: {
    /** Pairs that gained connections: workload pairs (external ranges included) when computed, else namespace pairs. */
    opens: number;
    closes: number;
    /** Non-excluded namespaces whose default-deny held before and not after. */
    breaksDefaultDeny: { namespace: string; direction: 'ingress' | 'egress' }[];
    /** What opens and closes count: `workloads` (every connection, external ranges too) or `namespaces` (the matrix). */
    basis: 'workloads' | 'namespaces';
  };
}

// ------------------------------------------------------------------ policies

const CLUSTER_WIDE = new Set(['CiliumClusterwideNetworkPolicy', 'GlobalNetworkPolicy']);
const SERVER_METADATA = ['resourceVersion', 'managedFields', 'uid', 'generation', 'creationTimestamp', 'selfLink'];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type PolicyObject = NetworkPolicy | CrdPolicy;

function refOf(p: PolicyObject): DiffPolicyRef {
  const kind = String(p.kind ?? 'NetworkPolicy');
  const meta = (p.metadata ?? {}) as { namespace?: string; name?: string };
  return { kind, namespace: CLUSTER_WIDE.has(kind) ? null : (meta.namespace ?? 'default'), name: String(meta.name ?? '') };
}

const refKey = (r: DiffPolicyRef): string => `${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;

/** The object as its author wrote it: server-managed metadata and status dropped. */
export function authoredPolicy(p: PolicyObject): Record<string, unknown> {
  const obj = { ...(p as unknown as Record<string, unknown>) };
  delete obj.status;
  const meta = { ...((obj.metadata ?? {}) as Record<string, unknown>) };
  for (const k of SERVER_METADATA) delete meta[k];
  if (meta.annotations && typeof meta.annotations === 'object') {
    const annotations = { ...(meta.annotations as Record<string, unknown>) };
    delete annotations[LAST_APPLIED];
    if (Object.keys(annotations).length) meta.annotations = annotations;
    else delete meta.annotations;
  }
  obj.metadata = meta;
  return obj;
}

function stableText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableText).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableText(v)}`).join(',')}}`;
}

function policiesOf(state: ClusterState): Map<string, { ref: DiffPolicyRef; authored: Record<string, unknown>; text: string }> {
  const out = new Map<string, { ref: DiffPolicyRef; authored: Record<string, unknown>; text: string }>();
  for (const p of [...state.networkPolicies, ...(state.crdPolicies ?? [])]) {
    const ref = refOf(p);
    const authored = authoredPolicy(p);
    out.set(refKey(ref), { ref, authored, text: stableText(authored) });
  }
  return out;
}

/**
 * Pods each policy selects, either direction, from the posture's per-pod lists (a NetworkPolicy
 * by name, a namespaced CRD policy as `Kind/name` in the pod's namespace, a cluster-wide one as
 * `Kind/name`).
 */
function selectedPods(posture: ClusterPosture): Map<string, number> {
  const counts = new Map<string, number>();
  for (const pod of posture.pods) {
    const names = new Set([...pod.ingress.policies, ...pod.egress.policies]);
    for (const name of names) {
      const slash = name.indexOf('/');
      const ref: DiffPolicyRef =
        slash < 0
          ? { kind: 'NetworkPolicy', namespace: pod.namespace, name }
          : CLUSTER_WIDE.has(name.slice(0, slash))
            ? { kind: name.slice(0, slash), namespace: null, name: name.slice(slash + 1) }
            : { kind: name.slice(0, slash), namespace: pod.namespace, name: name.slice(slash + 1) };
      const key = refKey(ref);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

// ------------------------------------------------------------------ labels

function labelDelta(before: Labels, after: Labels): Pick<LabelDiff, 'added' | 'removed' | 'changed'> {
  const added: LabelEntry[] = [];
  const removed: LabelEntry[] = [];
  const changed: LabelDiff['changed'] = [];
  for (const [key, value] of Object.entries(after)) {
    if (!(key in before)) added.push({ key, value });
    else if (before[key] !== value) changed.push({ key, before: before[key]!, after: value });
  }
  for (const [key, value] of Object.entries(before)) if (!(key in after)) removed.push({ key, value });
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return { added: added.sort(byKey), removed: removed.sort(byKey), changed: changed.sort(byKey) };
}

/** Workload template labels by `ns\0Kind/name`; pods stand in when the state lists no workloads. */
function workloadLabels(state: ClusterState): Map<string, { namespace: string; workload: string; labels: Labels }> {
  const out = new Map<string, { namespace: string; workload: string; labels: Labels }>();
  if (state.workloads?.length) {
    for (const w of state.workloads) out.set(`${w.namespace}\u0000${w.kind}/${w.name}`, { namespace: w.namespace, workload: `${w.kind}/${w.name}`, labels: w.labels ?? {} });
    return out;
  }
  for (const p of state.pods) {
    const ref = p.workload ?? { kind: 'Pod', name: p.name };
    const key = `${p.namespace}\u0000${ref.kind}/${ref.name}`;
    if (!out.has(key)) out.set(key, { namespace: p.namespace, workload: `${ref.kind}/${ref.name}`, labels: p.labels ?? {} });
  }
  return out;
}

function workloadPolicies(posture: ClusterPosture): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const w of posture.workloads) out.set(`${w.namespace}\u0000${w.kind}/${w.name}`, new Set([...w.ingress.policies, ...w.egress.policies]));
  return out;
}

/**
 * NetworkPolicies present on both sides (same text) whose rules admit a namespace with these
 * labels as a peer on one side only. A peer with a namespaceSelector admits pods of a namespace
 * whose labels it matches (any podSelector beside it narrows the pods, not the namespace); a
 * policy whose text changed is reported as a policy change instead.
 */
function peerEffects(before: NetworkPolicy[], after: NetworkPolicy[], labelsBefore: Labels, labelsAfter: Labels): PeerEffect[] {
  const out: PeerEffect[] = [];
  const old = new Map(before.map((p) => [`${p.metadata.namespace ?? ''}/${p.metadata.name}`, p]));
  for (const p of after) {
    const key = `${p.metadata.namespace ?? ''}/${p.metadata.name}`;
    const b = old.get(key);
    if (!b || stableText(b.spec) !== stableText(p.spec)) continue;
    for (const direction of ['ingress', 'egress'] as const) {
      const peers = (direction === 'ingress' ? (p.spec.ingress ?? []).flatMap((r) => r.from ?? []) : (p.spec.egress ?? []).flatMap((r) => r.to ?? []))
        .filter((peer) => peer.namespaceSelector)
        .map((peer) => compileSelector(peer.namespaceSelector));
      if (!peers.length) continue;
      const wasAdmitted = peers.some((s) => matchesSelector(s, labelsBefore));
      const isAdmitted = peers.some((s) => matchesSelector(s, labelsAfter));
      if (wasAdmitted !== isAdmitted) out.push({ policy: { kind: 'NetworkPolicy', namespace: p.metadata.namespace ?? null, name: p.metadata.name }, direction, before: wasAdmitted, after: isAdmitted });
    }
  }
  return out.sort((x, y) => (refKey(x.policy) < refKey(y.policy) ? -1 : refKey(x.policy) > refKey(y.policy) ? 1 : x.direction < y.direction ? -1 : 1));
}

// ------------------------------------------------------------------ namespaces

function figures(n: NamespacePosture): NamespaceFigures {
  const dir = (d: NamespacePosture['ingress']): DirectionFigures => ({ isolatedPods: d.isolatedPods, coverage: d.podCoverage, defaultDeny: d.defaultDeny });
  return { pods: n.pods, policies: n.policies + n.crdPolicies, ingress: dir(n.ingress), egress: dir(n.egress) };
}

const points = (before: number | null | undefined, after: number | null | undefined): number | null =>
  before == null || after == null ? null : Math.round((after - before) * 1000) / 10;

// ------------------------------------------------------------------ findings

function findingEntry(f: Finding): FindingDiffEntry {
  const object = f.object ? `${f.object.kind}/${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name}` : null;
  return {
    key: `${f.ruleId}|${f.namespace ?? ''}|${object ?? ''}`,
    ruleId: f.ruleId,
    severity: f.severity,
    title: f.title,
    namespace: f.namespace ?? null,
    object,
    message: f.message,
  };
}

// ------------------------------------------------------------------ network profile

function flatten(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, typeof value === 'string' ? value : stableText(value));
}

// ------------------------------------------------------------------ reachability

const NONE = 'No Connections';

const cmpPair = (a: Connection, b: Connection): number => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0);

/** The list in (src, dst) order: the engine sorts its lists so; checked in one pass, sorted only if not. */
function sortedPairs(list: Connection[]): Connection[] {
  for (let i = 1; i < list.length; i++) if (cmpPair(list[i - 1]!, list[i]!) > 0) return [...list].sort(cmpPair);
  return list;
}

/**
 * Both sides' connections with external ranges re-expressed on the common refinement of their
 * ranges: each side splits the address space at its own CIDR boundaries, so a new CIDR rule
 * renames ranges without opening anything. `original` maps a refined range back to the side's.
 */
function onCommonRanges(b: ReachabilityReport, a: ReachabilityReport): { before: Connection[]; after: Connection[]; original: [Map<string, string>, Map<string, string>] } {
  const same = b.externalRanges.length === a.externalRanges.length && b.externalRanges.every((r, i) => r.range === a.externalRanges[i]!.range);
  if (same) return { before: b.connections(), after: a.connections(), original: [new Map(), new Map()] };
  const bounds = (r: ReachabilityReport) =>
    r.externalRanges.map((x) => {
      const [s, e] = x.range.split('-');
      return { family: x.family as IpFamily, text: x.range, start: parseIp(s!)!.value, end: parseIp(e!)!.value };
    });
  const sides = [bounds(b), bounds(a)];
  const starts: Record<IpFamily, bigint[]> = { 4: [], 6: [] };
  for (const list of sides) for (const r of list) starts[r.family].push(r.start);
  for (const f of [4, 6] as IpFamily[]) starts[f] = [...new Set(starts[f])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const split = (r: { family: IpFamily; start: bigint; end: bigint }): string[] => {
    const cuts = starts[r.family].filter((s) => s >= r.start && s <= r.end);
    return cuts.map((s, i) => formatIpRange(r.family, s, i + 1 < cuts.length ? cuts[i + 1]! - 1n : r.end));
  };
  const original: [Map<string, string>, Map<string, string>] = [new Map(), new Map()];
  const expand = (report: ReachabilityReport, k: 0 | 1): Connection[] => {
    const parts = new Map<string, string[]>();
    for (const r of sides[k]!) {
      const pieces = split(r);
      parts.set(r.text, pieces);
      for (const p of pieces) original[k].set(p, r.text);
    }
    const out: Connection[] = [];
    for (const c of report.connections()) {
      const s = parts.get(c.src);
      const d = parts.get(c.dst);
      if (s) for (const src of s) out.push({ ...c, src });
      else if (d) for (const dst of d) out.push({ ...c, dst });
      else out.push(c);
    }
    return out;
  };
  return { before: expand(b, 0), after: expand(a, 1), original };
}

/** The namespace of a workload id (`ns/name`, `ns/name[Kind]`); null for an external range or a bare namespace. */
const nsOf = (peer: string): string | null => {
  if (peer.includes(':') || /^[0-9.]+-[0-9.]+$/.test(peer)) return null;
  const slash = peer.indexOf('/');
  return slash > 0 ? peer.slice(0, slash) : null;
};

/**
 * The pairs whose connections differ, by a merge of the two sorted lists (a 2,000-namespace matrix
 * holds millions of cells: no maps, no key strings). Pairs absent from a list have No Connections.
 */
/** The cells of two namespace matrices that differ, merged row by row on their compact form (no cell objects). */
function matrixPairDiffs(before: NamespaceMatrix, after: NamespaceMatrix): PairDiff[] {
  const out: PairDiff[] = [];
  const emit = pairEmitter(out);
  const bn = before.namespaces;
  const an = after.namespaces;
  const onlyRow = (m: NamespaceMatrix, a: number, side: 'before' | 'after') => {
    const src = m.namespaces[a];
    for (let c = m.rowStart[a]; c < m.rowStart[a + 1]; c++) {
      const dst = m.namespaces[m.cellDst[c]];
      const conn = m.conns[m.cellConn[c]];
      if (side === 'before') emit(src, dst, conn, NONE);
      else emit(src, dst, NONE, conn);
    }
  };
  let x = 0;
  let y = 0;
  while (x < bn.length || y < an.length) {
    const c = x >= bn.length ? 1 : y >= an.length ? -1 : bn[x] < an[y] ? -1 : bn[x] > an[y] ? 1 : 0;
    if (c < 0) onlyRow(before, x++, 'before');
    else if (c > 0) onlyRow(after, y++, 'after');
    else {
      const src = bn[x];
      let i = before.rowStart[x];
      const iEnd = before.rowStart[x + 1];
      let j = after.rowStart[y];
      const jEnd = after.rowStart[y + 1];
      while (i < iEnd || j < jEnd) {
        const bd = i < iEnd ? bn[before.cellDst[i]] : null;
        const ad = j < jEnd ? an[after.cellDst[j]] : null;
        const d = bd === null ? 1 : ad === null ? -1 : bd < ad ? -1 : bd > ad ? 1 : 0;
        if (d === 0) {
          const b = before.conns[before.cellConn[i]];
          const a = after.conns[after.cellConn[j]];
          if (b !== a) emit(src, bd!, b, a);
          i++;
          j++;
        } else if (d < 0) {
          emit(src, bd!, before.conns[before.cellConn[i]], NONE);
          i++;
        } else {
          emit(src, ad!, NONE, after.conns[after.cellConn[j]]);
          j++;
        }
      }
      x++;
      y++;
    }
  }
  return out;
}

const pairEmitter =
  (out: PairDiff[]) =>
  (from: string, to: string, b: string, a: string): void => {
    const bs = ConnectionSet.parse(b);
    const as = ConnectionSet.parse(a);
    if (bs.equals(as)) return;
    const opened = as.subtract(bs);
    const closed = bs.subtract(as);
    out.push({ from, to, before: b, after: a, opened: opened.isEmpty() ? '' : opened.toString(), closed: closed.isEmpty() ? '' : closed.toString(), causes: [] });
  };

/** Pairs whose connections differ, in (from, to) order; causes are attached by the caller to the pairs it lists. */
function pairDiffs(beforeList: Connection[], afterList: Connection[]): PairDiff[] {
  const before = sortedPairs(beforeList);
  const after = sortedPairs(afterList);
  const out: PairDiff[] = [];
  const emit = pairEmitter(out);
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const b = before[i];
    const a = after[j];
    const c = !b ? 1 : !a ? -1 : cmpPair(b, a);
    if (c === 0) {
      if (b!.conn !== a!.conn) emit(b!.src, b!.dst, b!.conn, a!.conn);
      i++;
      j++;
    } else if (c < 0) {
      emit(b!.src, b!.dst, b!.conn, NONE);
      i++;
    } else {
      emit(a!.src, a!.dst, NONE, a!.conn);
      j++;
    }
  }
  return out;
}

// ------------------------------------------------------------------ the diff

export function diffClusterStates(before: DiffSide, after: DiffSide, options: DiffOptions = {}): ClusterDiffResult {
  // Policies.
  const pb = policiesOf(before.state);
  const pa = policiesOf(after.state);
  const selB = selectedPods(before.posture);
  const selA = selectedPods(after.posture);
  const policies: PolicyDiff[] = [];
  for (const [key, p] of pa) {
    const old = pb.get(key);
    if (!old) policies.push({ ...p.ref, change: 'added', before: null, after: p.authored, podsBefore: 0, podsAfter: selA.get(key) ?? 0 });
    else if (old.text !== p.text) policies.push({ ...p.ref, change: 'changed', before: old.authored, after: p.authored, podsBefore: selB.get(key) ?? 0, podsAfter: selA.get(key) ?? 0 });
  }
  for (const [key, p] of pb) if (!pa.has(key)) policies.push({ ...p.ref, change: 'removed', before: p.authored, after: null, podsBefore: selB.get(key) ?? 0, podsAfter: 0 });
  policies.sort((x, y) => (refKey(x) < refKey(y) ? -1 : 1));
  const changedPolicies = new Map(policies.map((p) => [refKey(p), p]));

  // Selection of policies present on both sides.
  const selection: SelectionDiff[] = [];
  for (const [key, p] of pa) {
    if (!pb.has(key)) continue;
    const b = selB.get(key) ?? 0;
    const a = selA.get(key) ?? 0;
    if (a !== b) selection.push({ policy: p.ref, before: b, after: a, drift: b > 0 && a === 0, policyChanged: changedPolicies.has(key) });
  }
  selection.sort((x, y) => (refKey(x.policy) < refKey(y.policy) ? -1 : 1));
  const selectionByKey = new Map(selection.map((s) => [refKey(s.policy), s]));

  // Labels: namespaces, then workloads (and what they changed in selection).
  const labels: LabelDiff[] = [];
  const nsB = new Map(before.state.namespaces.map((n) => [n.name, n.labels ?? {}]));
  for (const n of after.state.namespaces) {
    const old = nsB.get(n.name);
    if (!old) continue;
    const d = labelDelta(old, n.labels ?? {});
    if (d.added.length || d.removed.length || d.changed.length) labels.push({ scope: 'namespace', namespace: n.name, workload: null, ...d, effects: [], peerEffects: [] });
  }
  const wlB = workloadLabels(before.state);
  const wlA = workloadLabels(after.state);
  const wpB = workloadPolicies(before.posture);
  const wpA = workloadPolicies(after.posture);
  const effectOf = (name: string, namespace: string): SelectionDiff | null => {
    const slash = name.indexOf('/');
    const ref: DiffPolicyRef =
      slash < 0 ? { kind: 'NetworkPolicy', namespace, name } : { kind: name.slice(0, slash), namespace: CLUSTER_WIDE.has(name.slice(0, slash)) ? null : namespace, name: name.slice(slash + 1) };
    const k = refKey(ref);
    // A policy added or removed is its own change, not an effect of the labels.
    if (!pb.has(k) || !pa.has(k)) return null;
    const b = selB.get(k) ?? 0;
    const a = selA.get(k) ?? 0;
    return selectionByKey.get(k) ?? { policy: ref, before: b, after: a, drift: b > 0 && a === 0, policyChanged: changedPolicies.has(k) };
  };
  if (labels.length) {
    // What a namespace's own labels moved: the policies that gained or lost its workloads, and
    // the NetworkPolicy rules that admit it as a peer on one side only.
    const byNs = new Map(labels.map((l) => [l.namespace, l]));
    const gained = new Map<string, Map<string, SelectionDiff>>();
    for (const key of new Set([...wpB.keys(), ...wpA.keys()])) {
      const ns = key.slice(0, key.indexOf('\u0000'));
      if (!byNs.has(ns)) continue;
      const polB = wpB.get(key) ?? new Set<string>();
      const polA = wpA.get(key) ?? new Set<string>();
      for (const name of new Set([...polB, ...polA])) {
        if (polB.has(name) === polA.has(name)) continue;
        const e = effectOf(name, ns);
        if (!e) continue;
        let m = gained.get(ns);
        if (!m) gained.set(ns, (m = new Map()));
        m.set(refKey(e.policy), e);
      }
    }
    const nsA = new Map(after.state.namespaces.map((n) => [n.name, n.labels ?? {}]));
    for (const l of labels) {
      l.effects = [...(gained.get(l.namespace)?.values() ?? [])].sort((x, y) => (refKey(x.policy) < refKey(y.policy) ? -1 : 1));
      l.peerEffects = peerEffects(before.state.networkPolicies, after.state.networkPolicies, nsB.get(l.namespace) ?? {}, nsA.get(l.namespace) ?? {});
    }
  }
  for (const [key, w] of wlA) {
    const old = wlB.get(key);
    if (!old) continue;
    const d = labelDelta(old.labels, w.labels);
    if (!d.added.length && !d.removed.length && !d.changed.length) continue;
    const polB = wpB.get(key) ?? new Set<string>();
    const polA = wpA.get(key) ?? new Set<string>();
    const effects: SelectionDiff[] = [];
    for (const name of new Set([...polB, ...polA])) {
      if (polB.has(name) === polA.has(name)) continue;
      const e = effectOf(name, w.namespace);
      if (e) effects.push(e);
    }
    labels.push({ scope: 'workload', namespace: w.namespace, workload: w.workload, ...d, effects, peerEffects: [] });
  }

  // Namespaces.
  const postB = new Map(before.posture.namespaces.map((n) => [n.name, n]));
  const postA = new Map(after.posture.namespaces.map((n) => [n.name, n]));
  const namespaces: NamespaceDiff[] = [];
  for (const name of [...new Set([...postB.keys(), ...postA.keys()])].sort()) {
    const b = postB.get(name);
    const a = postA.get(name);
    const fb = b ? figures(b) : null;
    const fa = a ? figures(a) : null;
    if (fb && fa && stableText(fb) === stableText(fa)) continue;
    namespaces.push({
      namespace: name,
      change: !b ? 'added' : !a ? 'removed' : 'changed',
      excluded: (a ?? b)!.excluded,
      before: fb,
      after: fa,
      ingressCoverageDelta: points(fb?.ingress.coverage, fa?.ingress.coverage),
      egressCoverageDelta: points(fb?.egress.coverage, fa?.egress.coverage),
    });
  }
  const breaksDefaultDeny: ClusterDiffResult['verdict']['breaksDefaultDeny'] = [];
  let gained = 0;
  for (const n of namespaces) {
    if (n.excluded) continue;
    for (const dir of ['ingress', 'egress'] as const) {
      const b = n.before?.[dir].defaultDeny ?? false;
      const a = n.after?.[dir].defaultDeny ?? false;
      if (b && !a && n.after) breaksDefaultDeny.push({ namespace: n.namespace, direction: dir });
      if (!b && a) gained++;
    }
  }

  // Findings.
  const fB = new Map(before.findings.map((f) => [findingEntry(f).key, findingEntry(f)]));
  const fA = new Map(after.findings.map((f) => [findingEntry(f).key, findingEntry(f)]));
  const opened = [...fA.values()].filter((f) => !fB.has(f.key));
  const resolved = [...fB.values()].filter((f) => !fA.has(f.key));

  // Network profile.
  const profB = new Map<string, string>();
  const profA = new Map<string, string>();
  flatten(before.state.networkProfile ?? null, '', profB);
  flatten(after.state.networkProfile ?? null, '', profA);
  if (before.state.kubernetesVersion) profB.set('kubernetesVersion', before.state.kubernetesVersion);
  if (after.state.kubernetesVersion) profA.set('kubernetesVersion', after.state.kubernetesVersion);
  const profile: ProfileDiff[] = [];
  for (const field of [...new Set([...profB.keys(), ...profA.keys()])].sort()) {
    const b = profB.get(field) ?? null;
    const a = profA.get(field) ?? null;
    if (a !== b) profile.push({ field, before: b, after: a });
  }
  const engineBefore = before.posture.enforcement.engine;
  const engineAfter = after.posture.enforcement.engine;

  // Reachability, with candidate causes: the changes in the pair's namespaces (and cluster-wide ones).
  let reachability: ClusterDiffResult['reachability'] = null;
  let opens = 0;
  let closes = 0;
  if (before.reachability && after.reachability) {
    const causesByNs = new Map<string, PairCause[]>();
    const global: PairCause[] = [];
    const add = (ns: string | null, c: PairCause) => {
      if (ns === null) global.push(c);
      else causesByNs.set(ns, [...(causesByNs.get(ns) ?? []), c]);
    };
    for (const p of policies) add(p.namespace, { type: 'policy', kind: p.kind, namespace: p.namespace, name: p.name, change: p.change });
    for (const s of selection) if (!s.policyChanged) add(s.policy.namespace, { type: 'drift', kind: s.policy.kind, namespace: s.policy.namespace, name: s.policy.name, change: `selects ${s.before} → ${s.after} pods` });
    for (const l of labels) add(l.namespace, { type: 'labels', kind: l.scope === 'namespace' ? 'Namespace' : l.workload!.split('/')[0]!, namespace: l.namespace, name: l.workload ? l.workload.split('/').slice(1).join('/') : l.namespace, change: 'labels' });
    const causesFor = (src: string, dst: string): PairCause[] => {
      const out = [...global];
      const seen = new Set<string>();
      for (const ns of [src, dst]) {
        if (seen.has(ns)) continue;
        seen.add(ns);
        out.push(...(causesByNs.get(ns) ?? []));
      }
      return out;
    };
    // One analysis on both sides (the same content): nothing can differ, and a large matrix need
    // not be computed, let alone merged.
    const same = before.reachability === after.reachability;
    const allNamespacePairs = same ? [] : matrixPairDiffs(before.reachability.namespaceMatrix(), after.reachability.namespaceMatrix());
    const nsLimit = options.namespacePairLimit ?? DEFAULT_PAIR_LIMIT;
    const namespacePairs = allNamespacePairs.slice(0, nsLimit).map((p) => ({ ...p, causes: causesFor(p.from, p.to) }));
    const wlCause = (src: string, dst: string) => causesFor(nsOf(src) ?? src, nsOf(dst) ?? dst);
    let workloadPairs: PairDiff[] | null = null;
    let total: number | null = null;
    let truncated = false;
    if (options.workloads) {
      const common = same ? null : onCommonRanges(before.reachability, after.reachability);
      const all = common ? pairDiffs(common.before, common.after) : [];
      const back = (k: 0 | 1, peer: string) => common?.original[k].get(peer) ?? peer;
      total = all.length;
      const limit = options.workloadPairLimit ?? DEFAULT_PAIR_LIMIT;
      truncated = all.length > limit;
      const why = (side: DiffSide, k: 0 | 1, conn: string, p: PairDiff) => (conn === NONE || !side.reachability ? null : side.reachability.allowedBy(back(k, p.from), back(k, p.to)));
      workloadPairs = all.slice(0, limit).map((p) => ({ ...p, causes: wlCause(p.from, p.to), allowedBy: { before: why(before, 0, p.before, p), after: why(after, 1, p.after, p) } }));
      opens = all.filter((p) => p.opened).length;
      closes = all.filter((p) => p.closed).length;
    } else {
      opens = allNamespacePairs.filter((p) => p.opened).length;
      closes = allNamespacePairs.filter((p) => p.closed).length;
    }
    reachability = {
      namespacePairs,
      namespacePairsTotal: allNamespacePairs.length,
      namespacePairsTruncated: allNamespacePairs.length > nsLimit,
      workloadPairs,
      workloadPairsTotal: total,
      truncated,
    };
  }

  return {
    summary: {
      policiesAdded: policies.filter((p) => p.change === 'added').length,
      policiesRemoved: policies.filter((p) => p.change === 'removed').length,
      policiesChanged: policies.filter((p) => p.change === 'changed').length,
      labelChanges: labels.length,
      driftedPolicies: selection.filter((s) => s.drift).length,
      namespacesChanged: namespaces.length,
      defaultDenyGained: gained,
      defaultDenyLost: breaksDefaultDeny.length,
      findingsOpened: opened.length,
      findingsResolved: resolved.length,
      pairsChanged: reachability ? reachability.namespacePairsTotal : 0,
      pairsOpened: opens,
      pairsClosed: closes,
      profileChanges: profile.length,
    },
    profile: { engineBefore, engineAfter, engineChanged: engineBefore !== engineAfter, changes: profile },
    policies,
    selection,
    labels,
    namespaces,
    findings: { opened, resolved },
    reachability,
    verdict: { opens, closes, breaksDefaultDeny, basis: options.workloads && reachability ? 'workloads' : 'namespaces' },
  };
}
