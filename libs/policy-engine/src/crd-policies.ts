// CRD policies as far as posture needs them: which pods a CiliumNetworkPolicy,
// CiliumClusterwideNetworkPolicy, Calico GlobalNetworkPolicy or Calico NetworkPolicy selects, for
// which directions it switches on default deny (isolation), whether it has the default-deny
// baseline shape, and which of its rules admit everything. Their allow semantics beyond that
// (L7, FQDN, entities, Calico order and Deny/Pass) are for reachability and are not evaluated here.
//
// Engine semantics that differ from Kubernetes and are easy to get wrong:
// - Cilium: a direction is enforced when its `ingress`/`ingressDeny` (`egress`/`egressDeny`) list is
//   non-empty, unless `enableDefaultDeny.<dir>` is false. `ingress: []` enforces nothing, while
//   `ingress: [{}]` enforces and allows nothing (Cilium's default-deny idiom). A rule with only
//   `toPorts` admits every peer on those ports.
// - Calico: `types` defaults to [Ingress] without egress rules, [Egress] with only egress rules,
//   both with both. `k != 'v'` and `k not in {…}` match pods that lack `k`.

import {
  evaluateCalicoSelector,
  parseCalicoSelector,
  UNKNOWN,
  type CalicoSelector,
  type LabelLookup,
  type Tri,
} from './calico-selectors';
import { ciliumKey, CILIUM_NS_KEY, CILIUM_NS_LABEL_PREFIX, readCiliumRules, type CiliumRules } from './cilium-rules';
import { parseCidr } from './ip-ranges';
import type { CrdPolicy, LabelSelector, Labels, Problem } from './model';
import { DIRECTIONS, type AllowAllReason, type Direction } from './policies';
import { compileSelector, requirementMatches, type CompiledSelector, type LabelIndex, type SelectorRequirement } from './selectors';

export type CrdPolicyKind =
  | 'CiliumNetworkPolicy'
  | 'CiliumClusterwideNetworkPolicy'
  | 'GlobalNetworkPolicy'
  | 'CalicoNetworkPolicy';

export type CrdFamily = 'cilium' | 'calico';

/** One selecting unit of a CRD policy (a Cilium policy with `specs` yields several). */
export interface CrdSelection {
  kind: CrdPolicyKind;
  family: CrdFamily;
  /** `Kind/name`, as shown next to pods; namespaced kinds live in the pod's own namespace. */
  ref: string;
  /** Null for cluster-wide kinds. */
  namespace: string | null;
  /** The only namespaces it can select in (its own; a clusterwide one pinning names); null: any. */
  namespaces: string[] | null;
  isolates: Record<Direction, boolean>;
  /** Isolates the direction and has no rule that can allow anything in it. */
  deniesAll: Record<Direction, boolean>;
  allowAll: Record<Direction, AllowAllReason[]>;
  /** true: every pod of the namespace, now and later; false: none; null: depends on pod labels. */
  scope(namespace: string, namespaceLabels: Labels): Tri;
  /** Positions in `index` (the namespace's pods) selected, for a namespace whose scope is null. */
  selectPods(namespace: string, namespaceLabels: Labels, index: LabelIndex): number[];
  /** The policy's name as connections' explanations show it. */
  policy: { kind: CrdPolicyKind; namespace: string | null; name: string };
  /** Cilium only: the L3/L4 allow and deny rules per direction, which reachability evaluates. */
  ciliumRules?: CiliumRules;
}

export interface NotEvaluatedItem {
  /** `Kind/namespace/name` or `Kind/name`, or `networkProfile` for cluster-level gaps. */
  object: string;
  kind: string;
  reason: string;
}

export interface CrdReadResult {
  selections: CrdSelection[];
  notEvaluated: NotEvaluatedItem[];
}

export function crdFamily(policy: CrdPolicy): CrdFamily | null {
  const group = String(policy.apiVersion ?? '').split('/')[0];
  if (group === 'cilium.io') return 'cilium';
  if (group === 'crd.projectcalico.org' || group === 'projectcalico.org') return 'calico';
  return null;
}

export function crdObjectName(policy: CrdPolicy): string {
  const ns = policy.metadata?.namespace;
  const clusterWide = policy.kind === 'CiliumClusterwideNetworkPolicy' || policy.kind === 'GlobalNetworkPolicy';
  return clusterWide || !ns ? `${policy.kind}/${policy.metadata?.name}` : `${policy.kind}/${ns}/${policy.metadata?.name}`;
}

const nonEmptyList = (v: unknown): v is unknown[] => Array.isArray(v) && v.length > 0;

// ---------------------------------------------------------------- Cilium

function isCiliumNamespaceKey(key: string): boolean {
  return key === CILIUM_NS_KEY || key.startsWith(CILIUM_NS_LABEL_PREFIX);
}

// Per namespace labels object (one per namespace in an analysis): every selector of every
// clusterwide policy is tried on every namespace, so the prefixed copy is built once.
const ciliumLabelsCache = new WeakMap<Labels, Labels>();
function ciliumNamespaceLabels(namespace: string, labels: Labels): Labels {
  const cached = ciliumLabelsCache.get(labels);
  if (cached && cached[CILIUM_NS_KEY] === namespace) return cached;
  const out: Labels = { [CILIUM_NS_KEY]: namespace };
  for (const [k, v] of Object.entries(labels)) out[CILIUM_NS_LABEL_PREFIX + k] = v;
  ciliumLabelsCache.set(labels, out);
  return out;
}

/** The namespaces a selector's namespace part pins by name (`io.kubernetes.pod.namespace` In …), or null. */
function pinnedNamespaces(reqs: readonly SelectorRequirement[]): string[] | null {
  let names: string[] | null = null;
  for (const r of reqs) {
    if (r.key !== CILIUM_NS_KEY || r.operator !== 'In') continue;
    names = names === null ? [...r.values] : names.filter((n) => r.values.includes(n));
  }
  return names;
}

interface SplitSelector {
  namespacePart: SelectorRequirement[];
  podPart: CompiledSelector;
}

function splitCiliumSelector(selector: LabelSelector): SplitSelector | string {
  const normalized: LabelSelector = {
    matchLabels: Object.fromEntries(Object.entries(selector.matchLabels ?? {}).map(([k, v]) => [ciliumKey(k), v])),
    matchExpressions: (selector.matchExpressions ?? []).map((e) => ({ ...e, key: ciliumKey(String(e?.key ?? '')) })),
  };
  const compiled = compileSelector(normalized);
  if (compiled.kind === 'invalid') return compiled.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  const reqs = compiled.kind === 'all' ? [] : compiled.requirements;
  const podReqs = reqs.filter((r) => !isCiliumNamespaceKey(r.key));
  return {
    namespacePart: reqs.filter((r) => isCiliumNamespaceKey(r.key)),
    podPart: podReqs.length === 0 ? { kind: 'all' } : { kind: 'match', requirements: podReqs },
  };
}

const CILIUM_PEER_FIELDS: Record<Direction, string[]> = {
  ingress: ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities', 'fromGroups', 'fromNodes'],
  egress: ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities', 'toServices', 'toFQDNs', 'toGroups', 'toNodes'],
};

function ciliumRuleAllowsSomething(rule: Record<string, unknown>, direction: Direction): boolean {
  if (!rule || typeof rule !== 'object') return false;
  return CILIUM_PEER_FIELDS[direction].some((f) => nonEmptyList(rule[f])) || nonEmptyList(rule.toPorts) || nonEmptyList(rule.icmps);
}

function ciliumAllowAll(rule: Record<string, unknown>, direction: Direction, clusterWide: boolean): AllowAllReason[] {
  if (!rule || typeof rule !== 'object' || nonEmptyList(rule.toPorts) || nonEmptyList(rule.icmps)) return [];
  const reasons = new Set<AllowAllReason>();
  const prefix = direction === 'ingress' ? 'from' : 'to';
  const entities = (rule[`${prefix}Entities`] as unknown[]) ?? [];
  if (Array.isArray(entities)) {
    if (entities.includes('all')) reasons.add('any-peer');
    if (entities.includes('cluster')) reasons.add('all-namespaces');
    if (entities.includes('world')) {
      reasons.add('all-ipv4');
      reasons.add('all-ipv6');
    }
    if (entities.includes('world-ipv4')) reasons.add('all-ipv4');
    if (entities.includes('world-ipv6')) reasons.add('all-ipv6');
  }
  const cidrs: string[] = [];
  const plain = rule[`${prefix}CIDR`];
  if (Array.isArray(plain)) cidrs.push(...plain.filter((c): c is string => typeof c === 'string'));
  const sets = rule[`${prefix}CIDRSet`];
  if (Array.isArray(sets)) {
    for (const s of sets as { cidr?: string; except?: string[] }[]) {
      if (s && typeof s.cidr === 'string' && !nonEmptyList(s.except)) cidrs.push(s.cidr);
    }
  }
  for (const c of cidrs) {
    const parsed = parseCidr(c);
    if (parsed.ok && parsed.range.prefix === 0) reasons.add(parsed.range.family === 4 ? 'all-ipv4' : 'all-ipv6');
  }
  // In a cluster-wide policy an empty endpoint selector is every pod of every namespace.
  const endpoints = rule[`${prefix}Endpoints`];
  if (clusterWide && Array.isArray(endpoints) && endpoints.some((e) => compileSelector(e as LabelSelector).kind === 'all')) {
    reasons.add('all-namespaces');
  }
  return [...reasons].sort();
}

function readCiliumRule(
  policy: CrdPolicy,
  rule: Record<string, unknown>,
  field: string,
  out: CrdReadResult,
  problems: Problem[],
): void {
  const object = crdObjectName(policy);
  const kind = policy.kind as CrdPolicyKind;
  const clusterWide = kind === 'CiliumClusterwideNetworkPolicy';
  if (!rule || typeof rule !== 'object') {
    problems.push({ severity: 'error', code: 'invalid-object', message: 'rule must be an object; not evaluated', object, field });
    return;
  }
  if (rule.nodeSelector !== undefined) {
    out.notEvaluated.push({ object, kind, reason: `${field} is a host policy (nodeSelector): nodes are not evaluated` });
    return;
  }
  if (rule.endpointSelector === undefined || rule.endpointSelector === null) {
    problems.push({ severity: 'error', code: 'invalid-object', message: 'endpointSelector is missing; the rule selects nothing', object, field: `${field}.endpointSelector` });
    return;
  }
  const split = splitCiliumSelector(rule.endpointSelector as LabelSelector);
  if (typeof split === 'string') {
    problems.push({ severity: 'error', code: 'invalid-selector', message: `${split}; the rule selects nothing`, object, field: `${field}.endpointSelector` });
    return;
  }
  const defaultDeny = (rule.enableDefaultDeny ?? {}) as Partial<Record<Direction, boolean>>;
  const isolates = { ingress: false, egress: false };
  const deniesAll = { ingress: false, egress: false };
  const allowAll: Record<Direction, AllowAllReason[]> = { ingress: [], egress: [] };
  for (const d of DIRECTIONS) {
    const allow = rule[d];
    const deny = rule[`${d}Deny`];
    isolates[d] = (nonEmptyList(allow) || nonEmptyList(deny)) && defaultDeny[d] !== false;
    const allowRules = (Array.isArray(allow) ? allow : []) as Record<string, unknown>[];
    deniesAll[d] = isolates[d] && !allowRules.some((r) => ciliumRuleAllowsSomething(r, d));
    allowAll[d] = [...new Set(allowRules.flatMap((r) => ciliumAllowAll(r, d, clusterWide)))].sort();
  }
  const ownNamespace = clusterWide ? null : (policy.metadata.namespace ?? 'default');
  // The L3/L4 rules, read here so that what they leave unevaluated (L7, FQDN, …) is listed for
  // posture and reachability alike.
  const rules = readCiliumRules(rule, object, ownNamespace, field, problems);
  for (const reason of rules.notes) out.notEvaluated.push({ object, kind, reason });
  const namespaceMatches = (namespace: string, labels: Labels): boolean => {
    if (ownNamespace !== null && namespace !== ownNamespace) return false;
    const nsLabels = ciliumNamespaceLabels(namespace, labels);
    return split.namespacePart.every((req) => requirementMatches(req, nsLabels));
  };
  out.selections.push({
    kind,
    family: 'cilium',
    ref: `${kind}/${policy.metadata.name}`,
    namespace: ownNamespace,
    namespaces: ownNamespace !== null ? [ownNamespace] : pinnedNamespaces(split.namespacePart),
    isolates,
    deniesAll,
    allowAll,
    scope: (namespace, labels) => {
      if (!namespaceMatches(namespace, labels)) return false;
      return split.podPart.kind === 'all' ? true : null;
    },
    selectPods: (namespace, labels, index) => (namespaceMatches(namespace, labels) ? index.select(split.podPart) : []),
    policy: { kind, namespace: ownNamespace, name: String(policy.metadata.name) },
    ciliumRules: rules,
  });
}

function readCilium(policy: CrdPolicy, out: CrdReadResult, problems: Problem[]): void {
  const spec = policy.spec as Record<string, unknown> | undefined;
  const specs = policy.specs as Record<string, unknown>[] | undefined;
  if (spec) readCiliumRule(policy, spec, 'spec', out, problems);
  if (Array.isArray(specs)) specs.forEach((s, i) => readCiliumRule(policy, s, `specs[${i}]`, out, problems));
  if (!spec && !Array.isArray(specs)) {
    problems.push({ severity: 'error', code: 'invalid-object', message: 'neither spec nor specs is set; not evaluated', object: crdObjectName(policy), field: 'spec' });
  }
}

// ---------------------------------------------------------------- Calico

const CALICO_NS_KEY = 'projectcalico.org/namespace';
const CALICO_ORCHESTRATOR_KEY = 'projectcalico.org/orchestrator';
const CALICO_NS_LABEL_PREFIX = 'pcns.';

function calicoNamespaceLookup(namespace: string, labels: Labels, podLabels: Labels | null): LabelLookup {
  return (key) => {
    if (key === CALICO_NS_KEY) return namespace;
    if (key === CALICO_ORCHESTRATOR_KEY) return 'k8s';
    if (key.startsWith(CALICO_NS_LABEL_PREFIX)) return labels[key.slice(CALICO_NS_LABEL_PREFIX.length)];
    if (podLabels === null) return UNKNOWN;
    return Object.prototype.hasOwnProperty.call(podLabels, key) ? podLabels[key] : undefined;
  };
}

function calicoRuleAllows(rule: Record<string, unknown>): boolean {
  return rule && typeof rule === 'object' && (rule.action === 'Allow' || rule.action === 'Pass');
}

const isEmptyObject = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === 'object' && Object.values(v as object).every((x) => x === undefined || x === null || (Array.isArray(x) && x.length === 0)));

function calicoAllowAll(rule: Record<string, unknown>, direction: Direction): AllowAllReason[] {
  if (!rule || rule.action !== 'Allow') return [];
  const constraints = ['protocol', 'notProtocol', 'icmp', 'notICMP', 'http', 'ipVersion'];
  if (constraints.some((k) => rule[k] !== undefined && rule[k] !== null)) return [];
  const peer = (direction === 'ingress' ? rule.source : rule.destination) as Record<string, unknown> | undefined;
  const local = (direction === 'ingress' ? rule.destination : rule.source) as Record<string, unknown> | undefined;
  // Ports on either side narrow the rule; a local selector narrows which of our pods it covers.
  if (!isEmptyObject(local)) return [];
  if (isEmptyObject(peer)) return ['any-peer'];
  const { nets, ...rest } = peer as Record<string, unknown>;
  if (!isEmptyObject(rest) || !Array.isArray(nets)) return [];
  const reasons = new Set<AllowAllReason>();
  for (const n of nets) {
    const parsed = typeof n === 'string' ? parseCidr(n) : null;
    if (parsed?.ok && parsed.range.prefix === 0) reasons.add(parsed.range.family === 4 ? 'all-ipv4' : 'all-ipv6');
  }
  return [...reasons].sort();
}

function readCalico(policy: CrdPolicy, out: CrdReadResult, problems: Problem[]): void {
  const object = crdObjectName(policy);
  const global = policy.kind === 'GlobalNetworkPolicy';
  const kind: CrdPolicyKind = global ? 'GlobalNetworkPolicy' : 'CalicoNetworkPolicy';
  const spec = (policy.spec ?? {}) as Record<string, unknown>;
  if (spec.doNotTrack || spec.preDNAT || spec.applyOnForward) {
    out.notEvaluated.push({ object, kind: policy.kind, reason: 'doNotTrack/preDNAT/applyOnForward policies apply to host endpoints, which are not evaluated' });
    return;
  }
  if (spec.serviceAccountSelector !== undefined && spec.serviceAccountSelector !== '') {
    out.notEvaluated.push({ object, kind: policy.kind, reason: 'serviceAccountSelector is not evaluated (pods carry no service account in the input)' });
    return;
  }
  const selector = parseCalicoSelector(spec.selector as string | undefined);
  if (!selector.ok) {
    problems.push({ severity: 'warning', code: 'not-evaluated', message: `selector "${String(spec.selector)}" is not evaluated: ${selector.error}`, object, field: 'spec.selector' });
    out.notEvaluated.push({ object, kind: policy.kind, reason: `selector not evaluated: ${selector.error}` });
    return;
  }
  let nsSelector: CalicoSelector | null = null;
  if (global && spec.namespaceSelector !== undefined && spec.namespaceSelector !== '') {
    const parsed = parseCalicoSelector(spec.namespaceSelector as string);
    if (!parsed.ok) {
      problems.push({ severity: 'warning', code: 'not-evaluated', message: `namespaceSelector "${String(spec.namespaceSelector)}" is not evaluated: ${parsed.error}`, object, field: 'spec.namespaceSelector' });
      out.notEvaluated.push({ object, kind: policy.kind, reason: `namespaceSelector not evaluated: ${parsed.error}` });
      return;
    }
    nsSelector = parsed.selector;
  }
  const rules: Record<Direction, Record<string, unknown>[]> = {
    ingress: Array.isArray(spec.ingress) ? (spec.ingress as Record<string, unknown>[]) : [],
    egress: Array.isArray(spec.egress) ? (spec.egress as Record<string, unknown>[]) : [],
  };
  let types: Direction[];
  if (nonEmptyList(spec.types)) {
    types = (spec.types as string[]).map((t) => String(t).toLowerCase()).filter((t): t is Direction => t === 'ingress' || t === 'egress');
  } else if (rules.egress.length === 0) {
    types = ['ingress'];
  } else {
    types = rules.ingress.length > 0 ? ['egress', 'ingress'] : ['egress'];
  }
  const isolates = { ingress: types.includes('ingress'), egress: types.includes('egress') };
  const deniesAll = { ingress: false, egress: false };
  const allowAll: Record<Direction, AllowAllReason[]> = { ingress: [], egress: [] };
  for (const d of DIRECTIONS) {
    if (!isolates[d]) continue;
    deniesAll[d] = !rules[d].some(calicoRuleAllows);
    allowAll[d] = [...new Set(rules[d].flatMap((r) => calicoAllowAll(r, d)))].sort();
  }
  const ownNamespace = global ? null : (policy.metadata.namespace ?? 'default');
  const sel = selector.selector;
  const namespaceAllowed = (namespace: string, labels: Labels): boolean => {
    if (ownNamespace !== null) return namespace === ownNamespace;
    if (!nsSelector) return true;
    const withName: Labels = { ...labels, 'projectcalico.org/name': namespace };
    return evaluateCalicoSelector(nsSelector, (k) => (Object.prototype.hasOwnProperty.call(withName, k) ? withName[k] : undefined)) === true;
  };
  out.selections.push({
    kind,
    family: 'calico',
    ref: `${kind}/${policy.metadata.name}`,
    namespace: ownNamespace,
    namespaces: ownNamespace !== null ? [ownNamespace] : null,
    isolates,
    deniesAll,
    allowAll,
    scope: (namespace, labels) => (namespaceAllowed(namespace, labels) ? evaluateCalicoSelector(sel, calicoNamespaceLookup(namespace, labels, null)) : false),
    selectPods: (namespace, labels, index) => {
      if (!namespaceAllowed(namespace, labels)) return [];
      return index.all().filter((i) => evaluateCalicoSelector(sel, calicoNamespaceLookup(namespace, labels, index.labelsAt(i))) === true);
    },
    policy: { kind, namespace: ownNamespace, name: String(policy.metadata.name) },
  });
  if (rules.ingress.concat(rules.egress).some((r) => r && r.action !== 'Allow')) {
    out.notEvaluated.push({ object, kind: policy.kind, reason: 'Deny/Pass/Log actions and policy order are not evaluated; counted for isolation and default deny only' });
  }
}

// ---------------------------------------------------------------- entry point

const CILIUM_KINDS = new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);
const CALICO_KINDS = new Set(['GlobalNetworkPolicy', 'NetworkPolicy']);

/**
 * Reads the CRD policies the engine enforces. Policies of another engine (or of an engine we
 * cannot confirm) are listed as not evaluated, because the dataplane would ignore them.
 */
export function readCrdPolicies(policies: readonly CrdPolicy[], engine: string, problems: Problem[]): CrdReadResult {
  const out: CrdReadResult = { selections: [], notEvaluated: [] };
  for (const policy of policies) {
    if (!policy || typeof policy !== 'object' || typeof policy.metadata?.name !== 'string') {
      problems.push({ severity: 'error', code: 'invalid-object', message: 'CRD policy without metadata.name; not evaluated', field: 'metadata.name' });
      continue;
    }
    const family = crdFamily(policy);
    const object = crdObjectName(policy);
    const known = (family === 'cilium' && CILIUM_KINDS.has(policy.kind)) || (family === 'calico' && CALICO_KINDS.has(policy.kind));
    if (!known) {
      out.notEvaluated.push({ object, kind: policy.kind, reason: `${policy.apiVersion} ${policy.kind} is not a supported policy kind` });
      continue;
    }
    if (family !== engine) {
      const why = engine === 'unknown'
        ? 'the network policy engine is unknown (no network profile), so it cannot be said whether this policy is enforced'
        : `the cluster's network policy engine is ${engine}, which does not enforce ${family} policies`;
      out.notEvaluated.push({ object, kind: policy.kind, reason: why });
      continue;
    }
    if (family === 'cilium') readCilium(policy, out, problems);
    else readCalico(policy, out, problems);
  }
  return out;
}
