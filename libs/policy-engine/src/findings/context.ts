// What every check reads: the state and posture, the policies normalized once, current pods by
// namespace, namespace labels, and an `emit` that fills a finding from its catalog entry.

import type { ClusterState, Labels, NetworkPolicy, PodInfo, Problem } from '../model';
import { normalizeNetworkPolicy, type NormalizedPolicy, type NormalizedPort } from '../policies';
import { normalizedFor } from '../normalized-policies';
import { namespaceLabels } from '../posture';
import type { ClusterPosture, NamespacePosture, PodPosture } from '../posture.types';
import type { CompiledSelector, SelectorRequirement } from '../selectors';
import { findingRule } from './catalog';
import type { Finding, FindingObject, FindingSeverity } from './finding.types';

export interface PolicyEntry {
  raw: NetworkPolicy;
  policy: NormalizedPolicy;
  /** Problems of this policy alone (normalized again here, with its own list). */
  problems: Problem[];
}

export interface FindingContext {
  state: ClusterState;
  posture: ClusterPosture;
  /** Days since 1970-01-01 of options.now; null when not given or unreadable. */
  today: number | null;
  nowText: string | null;
  excluded: ReadonlySet<string>;
  namespaces: Map<string, NamespacePosture>;
  /** Namespace labels as selectors see them (with kubernetes.io/metadata.name). */
  namespaceLabels: Map<string, Labels>;
  policies: PolicyEntry[];
  policiesByNamespace: Map<string, NormalizedPolicy[]>;
  /** Running or pending pods (terminated ones are no traffic endpoint), labels defaulted. */
  pods: PodInfo[];
  podsByNamespace: Map<string, PodInfo[]>;
  /** Posture of the current pods: namespace → pod name → posture. */
  podPosture: Map<string, Map<string, PodPosture>>;
  /** `namespace\u0000kind\u0000name` of workloads with a hostNetwork pod. */
  hostNetworkWorkloads: Set<string>;
}

export const workloadKey = (namespace: string, kind: string, name: string): string => `${namespace}\u0000${kind}\u0000${name}`;

export interface Emit {
  (ruleId: string, finding: Omit<Finding, 'ruleId' | 'title' | 'remediation' | 'severity'> & { severity?: FindingSeverity; remediation?: string }): void;
}

const TERMINATED: ReadonlySet<string> = new Set(['Succeeded', 'Failed']);

/** Days from civil date (proleptic Gregorian), without Date: the engine reads no clock. */
export function dayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function parseIsoDay(text: string | undefined): number | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/.exec(text.trim());
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return dayNumber(year, month, day);
}

export function buildContext(state: ClusterState, posture: ClusterPosture, now: string | undefined): FindingContext {
  const today = parseIsoDay(now);
  const stateLabels = new Map((state.namespaces ?? []).map((n) => [n.name, n.labels ?? {}]));
  const nsLabels = new Map<string, Labels>();
  const namespaces = new Map<string, NamespacePosture>();
  for (const n of posture.namespaces) {
    namespaces.set(n.name, n);
    nsLabels.set(n.name, namespaceLabels(n.name, stateLabels.get(n.name)));
  }
  const policies: PolicyEntry[] = [];
  const policiesByNamespace = new Map<string, NormalizedPolicy[]>();
  // Normalized once by analyzePosture when it was given the same policy objects.
  const source = state.networkPolicies ?? [];
  const remembered = normalizedFor(posture, source);
  for (let i = 0; i < source.length; i++) {
    const raw = source[i];
    let entry: PolicyEntry;
    if (remembered) entry = remembered[i];
    else {
      const problems: Problem[] = [];
      entry = { raw, policy: normalizeNetworkPolicy(raw, problems), problems };
    }
    const policy = entry.policy;
    policies.push(entry);
    let list = policiesByNamespace.get(policy.namespace);
    if (!list) policiesByNamespace.set(policy.namespace, (list = []));
    list.push(policy);
    if (!nsLabels.has(policy.namespace)) nsLabels.set(policy.namespace, namespaceLabels(policy.namespace, {}));
  }
  const pods: PodInfo[] = [];
  const podsByNamespace = new Map<string, PodInfo[]>();
  // Pods come in runs of one namespace (a workload's, or posture's sorted list): the previous
  // pod's namespace entry is reused without a lookup.
  let lastNs: string | null = null;
  let list: PodInfo[] = [];
  for (const pod of state.pods ?? []) {
    if (pod.phase && TERMINATED.has(pod.phase)) continue;
    const p = pod.labels ? pod : { ...pod, labels: {} };
    pods.push(p);
    if (p.namespace !== lastNs) {
      lastNs = p.namespace;
      let found = podsByNamespace.get(p.namespace);
      if (!found) podsByNamespace.set(p.namespace, (found = []));
      list = found;
    }
    list.push(p);
  }
  const podPosture = new Map<string, Map<string, PodPosture>>();
  const hostNetworkWorkloads = new Set<string>();
  lastNs = null;
  let byName = new Map<string, PodPosture>();
  for (const p of posture.pods) {
    if (p.namespace !== lastNs) {
      lastNs = p.namespace;
      let found = podPosture.get(p.namespace);
      if (!found) podPosture.set(p.namespace, (found = new Map()));
      byName = found;
    }
    byName.set(p.name, p);
    if (p.hostNetwork) hostNetworkWorkloads.add(workloadKey(p.namespace, p.workload.kind, p.workload.name));
  }
  return {
    state,
    posture,
    podPosture,
    hostNetworkWorkloads,
    today,
    nowText: today === null ? null : now!.trim().slice(0, 10),
    excluded: new Set(posture.namespaces.filter((n) => n.excluded).map((n) => n.name)),
    namespaces,
    namespaceLabels: nsLabels,
    policies,
    policiesByNamespace,
    pods,
    podsByNamespace,
  };
}

export function makeEmit(out: Finding[]): Emit {
  return (ruleId, f) => {
    const rule = findingRule(ruleId);
    const finding: Finding = {
      ruleId,
      severity: f.severity ?? rule.severity,
      title: rule.title,
      message: f.message,
      remediation: f.remediation ?? rule.remediation,
    };
    if (f.namespace !== undefined) finding.namespace = f.namespace;
    if (f.object !== undefined) finding.object = f.object;
    if (f.remediationYaml !== undefined) finding.remediationYaml = f.remediationYaml;
    out.push(finding);
  };
}

// ---------------------------------------------------------------- formatting

export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

export function policyObject(p: { namespace: string; name: string }): FindingObject {
  return { kind: 'NetworkPolicy', namespace: p.namespace, name: p.name };
}

export function formatRequirement(req: SelectorRequirement): string {
  switch (req.operator) {
    case 'In':
      return req.values.length === 1 ? `${req.key}=${req.values[0]}` : `${req.key} in (${req.values.join(', ')})`;
    case 'NotIn':
      return `${req.key} notin (${req.values.join(', ')})`;
    case 'Exists':
      return req.key;
    case 'DoesNotExist':
      return `!${req.key}`;
  }
}

export function formatSelector(selector: CompiledSelector): string {
  if (selector.kind === 'all') return '{}';
  if (selector.kind === 'invalid') return `invalid (${selector.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})`;
  return selector.requirements.map(formatRequirement).join(', ');
}

export function formatPort(port: NormalizedPort): string {
  switch (port.kind) {
    case 'all':
      return `all ${port.protocol}`;
    case 'range':
      return port.from === port.to ? `${port.protocol} ${port.from}` : `${port.protocol} ${port.from}-${port.to}`;
    case 'named':
      return `${port.protocol} ${port.name}`;
  }
}

/** `a, b, c and 2 more`. */
export function listSome(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
