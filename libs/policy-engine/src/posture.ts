// Posture: which pods and workloads each direction isolates and by which policies, per-namespace
// coverage and default-deny baselines, the cluster roll-up, and whether anything is enforced.
//
// Isolation is computed as the policies declare it, whatever the engine; `enforcement` says
// separately whether the dataplane honours it, so a cluster without an engine still shows what
// its policies would do. Selection goes through per-namespace label indexes: a NetworkPolicy only
// ever looks at its own namespace's pods, seeded from the narrowest label posting list.

import { readCrdPolicies, type CrdSelection, type NotEvaluatedItem } from './crd-policies';
import type { ClusterState, Labels, NetworkProfile, PodInfo, Problem, WorkloadKind, WorkloadRef } from './model';
import {
  allowAllReasons,
  DIRECTIONS,
  isDefaultDenyPolicy,
  normalizeNetworkPolicy,
  type AllowAllReason,
  type Direction,
  type NormalizedPolicy,
} from './policies';
import type {
  BaselineBreaker,
  ClusterDirectionPosture,
  ClusterPosture,
  DirectionIsolation,
  DirectionPosture,
  EnforcementPosture,
  NamespacePosture,
  PodPosture,
  PostureOptions,
  WorkloadPosture,
} from './posture.types';
import { rememberNormalized, type NormalizedEntry } from './normalized-policies';
import { LabelIndex } from './selectors';

export const DEFAULT_EXCLUDED_NAMESPACES: readonly string[] = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'gatekeeper-system',
  'calico-system',
  'tigera-operator',
];

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The labels namespaceSelectors see: the collected ones plus the immutable name label. */
export function namespaceLabels(name: string, labels: Labels | undefined): Labels {
  return { ...(labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
}

const TERMINATED_PHASES: ReadonlySet<string> = new Set(['Succeeded', 'Failed']);

export function readEnforcement(profile: NetworkProfile | null | undefined, problems: Problem[]): EnforcementPosture {
  if (!profile) {
    return {
      engine: 'unknown',
      networkPolicy: null,
      enforced: false,
      confirmed: false,
      reason: 'no network profile was collected, so enforcement cannot be confirmed; treated as not enforced',
    };
  }
  const raw = typeof profile.networkPolicy === 'string' ? profile.networkPolicy : null;
  const value = (raw ?? 'none').trim().toLowerCase();
  if (value === 'azure' || value === 'calico' || value === 'cilium') {
    return { engine: value, networkPolicy: raw, enforced: true, confirmed: true, reason: `network policy engine ${value} enforces NetworkPolicy` };
  }
  if (value === 'none' || value === '') {
    return {
      engine: 'none',
      networkPolicy: raw,
      enforced: false,
      confirmed: true,
      reason: 'networkProfile.networkPolicy is none or absent: policies exist as objects but nothing enforces them',
    };
  }
  problems.push({
    severity: 'warning',
    code: 'unknown-engine',
    message: `networkProfile.networkPolicy "${raw}" is not azure, calico, cilium or none; enforcement cannot be confirmed`,
    object: 'networkProfile',
    field: 'networkPolicy',
  });
  return { engine: 'unknown', networkPolicy: raw, enforced: false, confirmed: false, reason: `unrecognized network policy engine "${raw}"` };
}

/** Things that policies select: pods, or workload templates. */
interface Subject {
  namespace: string;
  labels: Labels;
}

interface NamespaceContext {
  name: string;
  labels: Labels;
  excluded: boolean;
  policies: NormalizedPolicy[];
}

interface IsolationResult {
  /** Per subject, per direction: the refs selecting it (unsorted, may be null). */
  refs: Record<Direction, (string[] | null)[]>;
  /** Per namespace, per direction: policy ref → count of subjects it selects. */
  selectedCount: Map<string, Record<Direction, Map<string, number>>>;
  /** Per namespace: CRD selections covering every pod of the namespace. */
  crdCovering: Map<string, CrdSelection[]>;
}

function computeIsolation(
  subjects: readonly Subject[],
  namespaces: Map<string, NamespaceContext>,
  crd: readonly CrdSelection[],
): IsolationResult {
  const byNamespace = new Map<string, number[]>();
  subjects.forEach((s, i) => {
    let list = byNamespace.get(s.namespace);
    if (!list) byNamespace.set(s.namespace, (list = []));
    list.push(i);
  });
  const indexes = new Map<string, LabelIndex>();
  const indexOf = (ns: string): LabelIndex => {
    let index = indexes.get(ns);
    if (!index) {
      index = new LabelIndex((byNamespace.get(ns) ?? []).map((i) => subjects[i].labels));
      indexes.set(ns, index);
    }
    return index;
  };
  const refs: Record<Direction, (string[] | null)[]> = {
    ingress: new Array<string[] | null>(subjects.length).fill(null),
    egress: new Array<string[] | null>(subjects.length).fill(null),
  };
  const selectedCount = new Map<string, Record<Direction, Map<string, number>>>();
  const counts = (ns: string) => {
    let c = selectedCount.get(ns);
    if (!c) selectedCount.set(ns, (c = { ingress: new Map(), egress: new Map() }));
    return c;
  };
  const apply = (ns: string, local: readonly number[], ref: string, directions: Direction[]) => {
    if (local.length === 0 || directions.length === 0) return;
    const global = byNamespace.get(ns)!;
    const c = counts(ns);
    for (const d of directions) {
      c[d].set(ref, (c[d].get(ref) ?? 0) + local.length);
      const target = refs[d];
      for (const i of local) {
        const g = global[i];
        (target[g] ??= []).push(ref);
      }
    }
  };

  for (const ctx of namespaces.values()) {
    if (ctx.policies.length === 0 || !byNamespace.has(ctx.name)) continue;
    const index = indexOf(ctx.name);
    for (const policy of ctx.policies) {
      apply(ctx.name, index.select(policy.podSelector), policy.name, policy.policyTypes);
    }
  }

  const crdCovering = new Map<string, CrdSelection[]>();
  for (const sel of crd) {
    const directions = DIRECTIONS.filter((d) => sel.isolates[d]);
    const candidates = sel.namespaces !== null ? sel.namespaces.map((n) => namespaces.get(n)).filter((c) => c !== undefined) : [...namespaces.values()];
    for (const ctx of candidates) {
      const scope = sel.scope(ctx.name, ctx.labels);
      if (scope === false) continue;
      if (scope === true) {
        let list = crdCovering.get(ctx.name);
        if (!list) crdCovering.set(ctx.name, (list = []));
        list.push(sel);
      }
      if (!byNamespace.has(ctx.name)) continue;
      const index = indexOf(ctx.name);
      apply(ctx.name, scope === true ? index.all() : sel.selectPods(ctx.name, ctx.labels, index), sel.ref, directions);
    }
  }
  return { refs, selectedCount, crdCovering };
}

function isolationOf(refs: string[] | null): DirectionIsolation {
  if (!refs) return { isolated: false, policies: [] };
  // Most subjects have one or two policies: skip the Set for them.
  if (refs.length === 1) return { isolated: true, policies: refs };
  if (refs.length === 2) {
    const [a, b] = refs;
    return { isolated: true, policies: a === b ? [a] : a < b ? refs : [b, a] };
  }
  return { isolated: true, policies: [...new Set(refs)].sort() };
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

function emptyDirection(): DirectionPosture {
  return {
    pods: 0,
    isolatedPods: 0,
    workloads: 0,
    isolatedWorkloads: 0,
    podCoverage: null,
    workloadCoverage: null,
    defaultDeny: false,
    baseline: { present: false, policies: [], broken: false, brokenBy: [] },
    effectivelyIsolated: false,
    policies: 0,
  };
}

function workloadKey(namespace: string, kind: string, name: string): string {
  return `${namespace}\u0000${kind}\u0000${name}`;
}

function podWorkload(pod: PodInfo): WorkloadRef {
  return pod.workload ? { kind: pod.workload.kind, name: pod.workload.name } : { kind: 'Pod', name: pod.name };
}

/**
 * Host-networked pods share the node's network namespace: Azure NPM, Calico and Cilium do not
 * enforce pod policies on them. The selecting policies stay listed; the pod is not isolated.
 */
function hostNetworkAware(pod: PodInfo, isolation: DirectionIsolation): DirectionIsolation {
  return pod.hostNetwork === true && isolation.isolated ? { isolated: false, policies: isolation.policies } : isolation;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Pods by namespace, then name: what a stable sort on (namespace, name) gives, sorting the
 * namespaces once and each namespace's pods among themselves.
 */
function sortByNamespaceThenName(pods: readonly PodPosture[]): PodPosture[] {
  const groups = new Map<string, PodPosture[]>();
  for (const p of pods) {
    let list = groups.get(p.namespace);
    if (!list) groups.set(p.namespace, (list = []));
    list.push(p);
  }
  const out: PodPosture[] = [];
  for (const ns of [...groups.keys()].sort(byString)) {
    const list = groups.get(ns)!;
    if (list.length > 1) list.sort((a, b) => byString(a.name, b.name));
    for (const p of list) out.push(p);
  }
  return out;
}

export function analyzePosture(state: ClusterState, options: PostureOptions = {}): ClusterPosture {
  const problems: Problem[] = [];
  const notEvaluated: NotEvaluatedItem[] = [];
  const enforcement = readEnforcement(state.networkProfile, problems);
  const excludedList = [...(options.excludedNamespaces ?? DEFAULT_EXCLUDED_NAMESPACES)];
  const excludedSet = new Set(excludedList);

  // Namespaces, with the immutable name label the API server always sets.
  const namespaces = new Map<string, NamespaceContext>();
  const addNamespace = (name: string, labels: Labels) => {
    namespaces.set(name, { name, labels: namespaceLabels(name, labels), excluded: excludedSet.has(name), policies: [] });
  };
  for (const ns of state.namespaces ?? []) {
    if (namespaces.has(ns.name)) {
      problems.push({ severity: 'warning', code: 'duplicate-object', message: `namespace ${ns.name} is listed twice; the first is used`, object: ns.name });
      continue;
    }
    addNamespace(ns.name, ns.labels ?? {});
  }
  const ensureNamespace = (name: string, what: () => string) => {
    if (namespaces.has(name)) return;
    problems.push({
      severity: 'warning',
      code: 'unknown-namespace',
      message: `${what()} is in namespace ${name}, which is not in the namespace list; assumed to exist with no labels but its name`,
      object: name,
    });
    addNamespace(name, {});
  };

  // Pods: terminated ones hold no IP and are no traffic endpoint, so they are left out of coverage.
  const terminated = new Map<string, number>();
  const pods: PodInfo[] = [];
  let ensured: string | null = null; // the previous pod's namespace, known to exist
  for (const pod of state.pods ?? []) {
    if (pod.namespace !== ensured) {
      ensureNamespace(pod.namespace, () => `pod ${pod.namespace}/${pod.name}`);
      ensured = pod.namespace;
    }
    if (pod.phase && TERMINATED_PHASES.has(pod.phase)) {
      terminated.set(pod.namespace, (terminated.get(pod.namespace) ?? 0) + 1);
      continue;
    }
    pods.push(pod.labels ? pod : { ...pod, labels: {} });
  }

  const normalized: NormalizedEntry[] = [];
  for (const raw of state.networkPolicies ?? []) {
    const own: Problem[] = [];
    const policy = normalizeNetworkPolicy(raw, own);
    for (const p of own) problems.push(p);
    // computeFindings reads them again: its copies of the problems are its own.
    normalized.push({ raw, policy, problems: own.map((p) => ({ ...p })) });
    ensureNamespace(policy.namespace, () => `NetworkPolicy ${policy.namespace}/${policy.name}`);
    namespaces.get(policy.namespace)!.policies.push(policy);
  }

  const crd = readCrdPolicies(state.crdPolicies ?? [], enforcement.engine, problems);
  notEvaluated.push(...crd.notEvaluated);
  const crdPerNamespace = new Map<string, number>();
  for (const ref of new Set(crd.selections.filter((s) => s.namespace !== null).map((s) => `${s.namespace}\u0000${s.ref}`))) {
    const ns = ref.split('\u0000')[0];
    ensureNamespace(ns, () => `CRD policy ${ref.split('\u0000')[1]}`);
    crdPerNamespace.set(ns, (crdPerNamespace.get(ns) ?? 0) + 1);
  }

  // Pods.
  const podIsolation = computeIsolation(pods, namespaces, crd.selections);
  // CRD selections with an allow-all rule in an isolated direction: the few that can break a baseline.
  const crdBreakers: Record<Direction, CrdSelection[]> = {
    ingress: crd.selections.filter((s) => s.isolates.ingress && s.allowAll.ingress.length > 0),
    egress: crd.selections.filter((s) => s.isolates.egress && s.allowAll.egress.length > 0),
  };
  const podPostures: PodPosture[] = pods.map((pod, i) => ({
    namespace: pod.namespace,
    name: pod.name,
    workload: podWorkload(pod),
    hostNetwork: pod.hostNetwork === true,
    excluded: namespaces.get(pod.namespace)!.excluded,
    ingress: hostNetworkAware(pod, isolationOf(podIsolation.refs.ingress[i])),
    egress: hostNetworkAware(pod, isolationOf(podIsolation.refs.egress[i])),
  }));
  const hostNetworkSelected = podPostures.filter((p) => p.hostNetwork && (p.ingress.policies.length > 0 || p.egress.policies.length > 0));
  if (hostNetworkSelected.length > 0) {
    notEvaluated.push({
      object: 'pods',
      kind: 'Pod',
      reason: `${hostNetworkSelected.length} hostNetwork pod(s) are selected by policies that no AKS engine enforces on host-networked pods; counted as not isolated`,
    });
  }

  // Workloads: from the collector's list (template labels) or grouped from pods.
  let workloadPostures: WorkloadPosture[];
  if (state.workloads) {
    for (const w of state.workloads) ensureNamespace(w.namespace, () => `workload ${w.namespace}/${w.kind}/${w.name}`);
    const subjects = state.workloads.map((w) => ({ namespace: w.namespace, labels: w.labels ?? {} }));
    const result = computeIsolation(subjects, namespaces, crd.selections);
    workloadPostures = state.workloads.map((w, i) => ({
      namespace: w.namespace,
      kind: w.kind,
      name: w.name,
      pods: w.podCount ?? 0,
      excluded: namespaces.get(w.namespace)!.excluded,
      basis: 'template' as const,
      ingress: isolationOf(result.refs.ingress[i]),
      egress: isolationOf(result.refs.egress[i]),
    }));
  } else {
    const groups = new Map<string, { ns: string; kind: WorkloadKind; name: string; members: PodPosture[] }>();
    for (const p of podPostures) {
      const key = workloadKey(p.namespace, p.workload.kind, p.workload.name);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { ns: p.namespace, kind: p.workload.kind, name: p.workload.name, members: [] }));
      g.members.push(p);
    }
    const combine = (members: PodPosture[], d: Direction): DirectionIsolation => {
      if (members.length === 1) return { isolated: members[0][d].isolated, policies: [...members[0][d].policies] };
      return {
        // A workload is isolated only when none of its pods is left open.
        isolated: members.every((m) => m[d].isolated),
        policies: [...new Set(members.flatMap((m) => m[d].policies))].sort(),
      };
    };
    workloadPostures = [...groups.values()].map((g) => ({
      namespace: g.ns,
      kind: g.kind,
      name: g.name,
      pods: g.members.length,
      excluded: namespaces.get(g.ns)!.excluded,
      basis: 'pods' as const,
      ingress: combine(g.members, 'ingress'),
      egress: combine(g.members, 'egress'),
    }));
  }

  // Namespaces.
  const namespacePostures = new Map<string, NamespacePosture>();
  for (const ctx of namespaces.values()) {
    namespacePostures.set(ctx.name, {
      name: ctx.name,
      excluded: ctx.excluded,
      pods: 0,
      terminatedPods: terminated.get(ctx.name) ?? 0,
      workloads: 0,
      policies: ctx.policies.length,
      crdPolicies: crdPerNamespace.get(ctx.name) ?? 0,
      ingress: emptyDirection(),
      egress: emptyDirection(),
    });
  }
  for (const p of podPostures) {
    const n = namespacePostures.get(p.namespace)!;
    n.pods++;
    for (const d of DIRECTIONS) {
      n[d].pods++;
      if (p[d].isolated) n[d].isolatedPods++;
    }
  }
  for (const w of workloadPostures) {
    const n = namespacePostures.get(w.namespace)!;
    n.workloads++;
    for (const d of DIRECTIONS) {
      n[d].workloads++;
      if (w[d].isolated) n[d].isolatedWorkloads++;
    }
  }
  for (const ctx of namespaces.values()) {
    const n = namespacePostures.get(ctx.name)!;
    const covering = podIsolation.crdCovering.get(ctx.name) ?? [];
    const selected = podIsolation.selectedCount.get(ctx.name);
    for (const d of DIRECTIONS) {
      const dp = n[d];
      dp.podCoverage = ratio(dp.isolatedPods, dp.pods);
      dp.workloadCoverage = ratio(dp.isolatedWorkloads, dp.workloads);
      dp.effectivelyIsolated = dp.pods > 0 && dp.isolatedPods === dp.pods;
      dp.policies = selected?.[d].size ?? 0;

      const baselines = [
        ...ctx.policies.filter((p) => isDefaultDenyPolicy(p, d)).map((p) => p.name),
        ...covering.filter((s) => s.deniesAll[d]).map((s) => s.ref),
      ];
      const breakers: BaselineBreaker[] = [];
      const addBreaker = (policy: string, reasons: AllowAllReason[], selectsAllPods: boolean) => {
        const openedPods = selected?.[d].get(policy) ?? 0;
        // "Selecting those pods": a current pod, or every pod (future ones included).
        if (reasons.length > 0 && (selectsAllPods || openedPods > 0)) breakers.push({ policy, reasons, openedPods, selectsAllPods });
      };
      for (const p of ctx.policies) {
        if (!p.policyTypes.includes(d)) continue;
        addBreaker(p.name, [...new Set(p.rules[d].flatMap(allowAllReasons))].sort(), p.selectsAllPods);
      }
      for (const s of crdBreakers[d]) {
        if (s.namespace !== null && s.namespace !== ctx.name) continue;
        addBreaker(s.ref, s.allowAll[d], covering.includes(s));
      }
      breakers.sort((a, b) => byString(a.policy, b.policy));
      const present = baselines.length > 0;
      dp.baseline = {
        present,
        policies: [...new Set(baselines)].sort(),
        broken: present && breakers.length > 0,
        brokenBy: present ? breakers : [],
      };
      dp.defaultDeny = present && breakers.length === 0;
    }
  }

  // Cluster roll-up over non-excluded namespaces.
  const included = [...namespacePostures.values()].filter((n) => !n.excluded);
  const rollDirection = (d: Direction): ClusterDirectionPosture => {
    const sum = (f: (p: DirectionPosture) => number) => included.reduce((acc, n) => acc + f(n[d]), 0);
    const count = (f: (p: DirectionPosture) => boolean) => included.filter((n) => f(n[d])).length;
    const podsTotal = sum((p) => p.pods);
    const workloadsTotal = sum((p) => p.workloads);
    const isolatedPods = sum((p) => p.isolatedPods);
    const isolatedWorkloads = sum((p) => p.isolatedWorkloads);
    return {
      pods: podsTotal,
      isolatedPods,
      workloads: workloadsTotal,
      isolatedWorkloads,
      podCoverage: ratio(isolatedPods, podsTotal),
      workloadCoverage: ratio(isolatedWorkloads, workloadsTotal),
      namespacesWithDefaultDeny: count((p) => p.defaultDeny),
      namespacesWithBrokenDefaultDeny: count((p) => p.baseline.broken),
      namespacesEffectivelyIsolated: count((p) => p.effectivelyIsolated),
    };
  };

  const sortedNamespaces = [...namespacePostures.values()].sort((a, b) => byString(a.name, b.name));
  const sortedPods = sortByNamespaceThenName(podPostures);
  workloadPostures.sort((a, b) => byString(a.namespace, b.namespace) || byString(a.kind, b.kind) || byString(a.name, b.name));

  const result: ClusterPosture = {
    enforcement,
    excludedNamespaces: excludedList,
    cluster: {
      namespaces: included.length,
      excludedNamespaces: sortedNamespaces.length - included.length,
      pods: included.reduce((acc, n) => acc + n.pods, 0),
      workloads: included.reduce((acc, n) => acc + n.workloads, 0),
      policies: included.reduce((acc, n) => acc + n.policies, 0),
      crdPolicies: included.reduce((acc, n) => acc + n.crdPolicies, 0),
      ingress: rollDirection('ingress'),
      egress: rollDirection('egress'),
    },
    namespaces: sortedNamespaces,
    workloads: workloadPostures,
    pods: sortedPods,
    notEvaluated,
    problems,
  };
  rememberNormalized(result, normalized);
  return result;
}

