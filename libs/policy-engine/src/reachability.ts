// Reachability: the connections NetworkPolicies allow between workloads, and between workloads
// and external address ranges; a namespace-level matrix; "who can reach X" / "where can X go".
//
// How it stays fast at 20,000 pods: pods are deduplicated into endpoints (one per distinct label
// set, port list and hostNetwork flag within a workload), and endpoints with the same answers are
// grouped into classes: same ingress and egress "entries" (a rule's peer × its ports, after
// deduplicating identical peers across policies), same set of peers matching them, same
// container ports. Connections are computed class × class, and only for the pairs some specific
// peer relates; every other pair gets the "baseline" of its source's catch-all egress and its
// destination's catch-all ingress, which the namespace matrix evaluates per group of namespaces.
//
// Decisions (see also the report's `notEvaluated`):
// - A workload is evaluated on its pods. Pods of one workload normally share their template
//   labels; when they differ (a rollout, a per-pod label a selector uses), each distinct pod is
//   evaluated and the workload's connections are the union: what some pod of it may do. A workload
//   without running pods (state.workloads from manifests) is evaluated on its template.
// - Workloads are named `namespace/name`; two workloads of different kinds with the same name in
//   one namespace are named `namespace/name[Kind]` to keep them apart.
// - A workload to itself is not listed (a pod may always reach itself; replicas of one workload
//   are not pairs either).
// - Cilium policies (CNP, CCNP) are evaluated at L3/L4 with NetworkPolicies as policy units
//   (cilium-rules.ts): allows add up across all of them, ingressDeny/egressDeny win over every
//   allow, enableDefaultDeny false adds allows without isolating. L7 rules, toFQDNs and
//   service-account selectors are listed in `notEvaluated` (the L4 connection is shown).
// - A direction that a Calico policy isolates is not evaluated yet: shown as allowing everything
//   (an upper bound: "may reach"), and listed in `notEvaluated`. hostNetwork pods are never
//   isolated (no AKS engine enforces policies on them), as in posture.
// - ipBlocks never match pods and selectors never match addresses. A named port never matches an
//   external address (it has no container ports).

import { ConnectionSet, ruleConnections } from './connections';

// The connection-set value type travels with reachability's answers.
export { ConnectionSet, hasNamedPorts, portConnections, ruleConnections } from './connections';
import { readCrdPolicies, type NotEvaluatedItem } from './crd-policies';
import { parseCidr, type IpFamily } from './ip-ranges';
import { labelsKey, sameLabels } from './label-sets';
import type { ClusterState, ContainerPort, Labels, PodInfo, Problem, WorkloadKind } from './model';
import { DIRECTIONS, normalizeNetworkPolicy, type Direction, type NormalizedPeer, type NormalizedPolicy, type NormalizedRule } from './policies';
import { DEFAULT_EXCLUDED_NAMESPACES, namespaceLabels, readEnforcement } from './posture';
import { LabelIndex, type CompiledSelector } from './selectors';

export interface ReachabilityOptions {
  /** Flags these namespaces as excluded (they stay in every answer). Default DEFAULT_EXCLUDED_NAMESPACES. */
  excludedNamespaces?: string[];
}

/** One allowed connection; peers are `namespace/name` workloads or external `start-end` ranges. */
export interface Connection {
  src: string;
  dst: string;
  conn: string;
}

/** A NetworkPolicy named by namespace and name. */
/** A policy by kind, namespace (null for cluster-wide kinds) and name. */
export interface PolicyName {
  kind: string;
  namespace: string | null;
  name: string;
}

/**
 * Why one side of a connection lets it through, for one direction: the source's egress or the
 * destination's ingress. With several distinct pods on a side (a non-uniform workload) the
 * answer is the union over them, so `defaultAllow` and `policies` can both be set.
 */
export interface SideAllowance {
  /** The workload this side is about; null for an external address range (not governed). */
  peer: string | null;
  /** Some pod on this side is not isolated in this direction: allowed by default. */
  defaultAllow: boolean;
  /** Policies selecting this side for the direction whose rules admit the other side on some allowed port. */
  policies: PolicyName[];
  /** Policies whose deny rules (Cilium ingressDeny/egressDeny) cut ports off this connection. */
  deniedBy: PolicyName[];
  /** Allowing policies whose admitting rules carry L7 rules (not evaluated): allowed "with L7 rules". */
  l7: { policy: PolicyName; rules: string[] }[];
  /** Not evaluated on this side: CRD policies (`Kind/name`) or hostNetwork; shown as open. */
  notEvaluated: string[];
}

/** Which policies allow a connection: egress at the source and ingress at the destination. */
export interface ConnectionAllowance {
  egress: SideAllowance;
  ingress: SideAllowance;
}

export interface NamespaceMatrix {
  /** Every namespace, sorted; excluded ones included (and listed in `excluded`). */
  namespaces: string[];
  excluded: string[];
  /**
   * Per ordered namespace pair (the diagonal too: between distinct workloads of one namespace),
   * the union of the connections between their workloads. Pairs with No Connections are omitted.
   * Held compactly, row by row: the cells of source `namespaces[a]` are positions
   * `rowStart[a]` … `rowStart[a + 1] - 1` of `cellDst` (destination position, ascending) and
   * `cellConn` (index into `conns`, the distinct connection texts).
   */
  conns: readonly string[];
  rowStart: Int32Array;
  cellDst: Int32Array;
  cellConn: Int32Array;
  /** Number of cells. */
  size: number;
  /** The connection text from namespace `src` to `dst`, or null for No Connections. */
  connAt(src: string, dst: string): string | null;
  /** The cells as objects, sorted by src, dst: built on first read (a million at 2,000 namespaces). */
  readonly cells: Connection[];
}

class CompactNamespaceMatrix implements NamespaceMatrix {
  private materialized: Connection[] | null = null;
  private positions: Map<string, number> | null = null;
  constructor(
    readonly namespaces: string[],
    readonly excluded: string[],
    readonly conns: readonly string[],
    readonly rowStart: Int32Array,
    readonly cellDst: Int32Array,
    readonly cellConn: Int32Array,
  ) {}

  get size(): number {
    return this.rowStart[this.namespaces.length];
  }

  connAt(src: string, dst: string): string | null {
    this.positions ??= new Map(this.namespaces.map((n, i) => [n, i]));
    const a = this.positions.get(src);
    const b = this.positions.get(dst);
    if (a === undefined || b === undefined) return null;
    // Binary search of the row's ascending destinations.
    let lo = this.rowStart[a];
    let hi = this.rowStart[a + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = this.cellDst[mid];
      if (d === b) return this.conns[this.cellConn[mid]];
      if (d < b) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }

  get cells(): Connection[] {
    if (this.materialized) return this.materialized;
    const { namespaces, rowStart, cellDst, cellConn, conns } = this;
    const out = new Array<Connection>(this.size);
    for (let a = 0; a < namespaces.length; a++) {
      const src = namespaces[a];
      for (let c = rowStart[a]; c < rowStart[a + 1]; c++) out[c] = { src, dst: namespaces[cellDst[c]], conn: conns[cellConn[c]] };
    }
    this.materialized = out;
    return out;
  }

  /** What JSON sees: the cells as objects, as before the compact form. */
  toJSON(): { namespaces: string[]; excluded: string[]; cells: Connection[] } {
    return { namespaces: this.namespaces, excluded: this.excluded, cells: this.cells };
  }
}

export interface ReachabilityWorkload {
  /** The name used in connections: `namespace/name` (or `namespace/name[Kind]` on a clash). */
  id: string;
  namespace: string;
  kind: WorkloadKind;
  name: string;
  /** Running or pending pods (0 when evaluated on the template). */
  pods: number;
  excluded: boolean;
  /** `pods`: evaluated on its pods; `template`: no pods, evaluated on state.workloads' template. */
  basis: 'pods' | 'template';
  /** False when its pods differ in labels or ports; its connections are then the union over them. */
  uniform: boolean;
}

export interface ExternalRange {
  family: IpFamily;
  /** `start-end`, IPv4 dotted or IPv6 in canonical compressed form. */
  range: string;
}

export interface ReachabilityReport {
  workloads: ReachabilityWorkload[];
  /** Disjoint ranges covering 0.0.0.0/0 and ::/0, split at every ipBlock boundary in force. */
  externalRanges: ExternalRange[];
  notEvaluated: NotEvaluatedItem[];
  problems: Problem[];
  /** Every allowed connection, sorted by src then dst; computed on first call. */
  connections(): Connection[];
  /** Connections into the workload (by id), from workloads and external ranges. */
  whoCanReach(workload: string): Connection[];
  /** Connections out of the workload (by id), to workloads and external ranges. */
  whereCanGo(workload: string): Connection[];
  /** The connection set between two peers (workload ids or external ranges). */
  between(src: string, dst: string): ConnectionSet;
  /**
   * The policies behind a connection between two peers (workload ids or external ranges): for
   * the source, the egress policies selecting it whose rules admit the destination; for the
   * destination, the ingress policies selecting it whose rules admit the source. A rule counts
   * only when its ports meet the connection actually allowed.
   */
  allowedBy(src: string, dst: string): ConnectionAllowance;
  namespaceMatrix(): NamespaceMatrix;
}

// ------------------------------------------------------------------ address ranges

function formatIpv4(v: bigint): string {
  const n = Number(v);
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** RFC 5952: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
function formatIpv6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatIpRange(family: IpFamily, start: bigint, end: bigint): string {
  const f = family === 4 ? formatIpv4 : formatIpv6;
  return `${f(start)}-${f(end)}`;
}

const FAMILY_END: Record<IpFamily, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

interface IpBlockShape {
  family: IpFamily;
  start: bigint;
  end: bigint;
  except: { start: bigint; end: bigint }[];
}

function ipBlockShape(peer: Extract<NormalizedPeer, { kind: 'ipBlock' }>): IpBlockShape | null {
  const cidr = parseCidr(peer.cidr);
  if (!cidr.ok) return null;
  const except: { start: bigint; end: bigint }[] = [];
  for (const e of peer.except) {
    const ex = parseCidr(e);
    if (ex.ok) except.push({ start: ex.range.start, end: ex.range.end });
  }
  return { family: cidr.range.family, start: cidr.range.start, end: cidr.range.end, except };
}

function blockContains(b: IpBlockShape, family: IpFamily, start: bigint, end: bigint): boolean {
  if (b.family !== family || start < b.start || end > b.end) return false;
  return !b.except.some((e) => start >= e.start && end <= e.end);
}

// ------------------------------------------------------------------ the model

/** Where an entry's peer points: every peer (addresses too), every pod, one pod peer, one ipBlock. */
type Target = { kind: 'any' } | { kind: 'allPods' } | { kind: 'peer'; id: number } | { kind: 'ipBlock'; id: number };

interface Entry {
  target: Target;
  spec: number;
}

interface PortSpec {
  rule: Pick<NormalizedRule, 'allPorts' | 'ports'>;
  named: boolean;
  /** The answer when it does not depend on the destination's ports. */
  fixed: ConnectionSet | null;
}

interface WorkloadData {
  info: ReachabilityWorkload;
  key: string;
  endpoints: number[];
  /** How many of `endpoints` (the first ones) have their key in the endpoint key map. */
  keyed: number;
  classes: number[];
}

interface Endpoint {
  namespace: string;
  labels: Labels;
  ports: readonly ContainerPort[];
  hostNetwork: boolean;
  workload: number;
  /** Policy units (NetworkPolicies, then Cilium rules) selecting this endpoint per direction. */
  selecting: Record<Direction, number[]>;
  /** Calico policies isolating it: not evaluated (an upper bound). */
  crd: Record<Direction, string[]>;
  members: number[];
  cls: number;
}

interface Cls {
  id: number;
  open: Record<Direction, boolean>;
  entries: Record<Direction, number[]>;
  /** Deny entries (Cilium ingressDeny/egressDeny), in force whether or not the direction is isolated. */
  denies: Record<Direction, number[]>;
  members: Set<number>;
  portsSig: number;
  ports: readonly ContainerPort[];
  /** Id of the catch-all allow and deny specs (entries to any / allPods) per direction. */
  catchAll: Record<Direction, number>;
  /** Namespace → workloads of this class there. */
  byNamespace: Map<string, number[]>;
}

/** A NetworkPolicy or one Cilium rule, as reachability evaluates it. */
interface PolicyUnit {
  name: PolicyName;
  /** Selecting an endpoint isolates it in this direction (Cilium: unless enableDefaultDeny is false). */
  isolates: Record<Direction, boolean>;
  allow: Record<Direction, readonly (NormalizedRule & { l7?: string[] })[]>;
  /** Cilium ingressDeny/egressDeny: win over every allow. */
  deny: Record<Direction, readonly NormalizedRule[]>;
  /** Cilium egress `toFQDNs` rules: peers `FQDN <name>`. */
  fqdn: readonly { patterns: string[]; rule: NormalizedRule & { l7?: string[] } }[];
}

interface UnitEntries {
  allow: Record<Direction, number[]>;
  deny: Record<Direction, number[]>;
  /** Allow entries of this unit whose rule carries L7 rules, with their kinds. */
  l7: Record<Direction, Map<number, string[]>>;
}

const NO_RULES: Record<Direction, readonly NormalizedRule[]> = { ingress: [], egress: [] };
/** Peers named by Cilium `toFQDNs` rules: `FQDN api.example.com`, `FQDN *.example.com`. */
export const FQDN_PREFIX = 'FQDN ';

/**
 * Whether a `toFQDNs` name or pattern covers the peer `name` (itself a name or a pattern). From
 * Cilium's DNS-based policy: `*` alone matches every name, `*.` one label's characters, `**.` any
 * depth of subdomains; a pattern covers only itself among patterns.
 */
export function fqdnCovers(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  if (p === n || p === '*') return true;
  if (n.includes('*')) return false;
  const re = new RegExp(`^${p.split('.').map((l) => (l === '**' ? '(?:[^.]+\\.)*[^.]+' : l.split('*').map((x) => x.replace(/[\\^$+?()[\]{}|]/g, '\\$&')).join('[^.]*'))).join('\\.')}$`);
  return re.test(n);
}

const TERMINATED: ReadonlySet<string> = new Set(['Succeeded', 'Failed']);
const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function portsKey(ports: readonly ContainerPort[]): string {
  return ports.map((p) => `${p.name ?? ''}|${p.containerPort}|${p.protocol ?? 'TCP'}`).sort().join(';');
}

/** The same ports in the same order: then `portsKey` agrees (the converse is left to it). */
function samePorts(a: readonly ContainerPort[], b: readonly ContainerPort[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if ((x.name ?? '') !== (y.name ?? '') || x.containerPort !== y.containerPort || (x.protocol ?? 'TCP') !== (y.protocol ?? 'TCP')) return false;
  }
  return true;
}

function selectorKey(s: CompiledSelector): string {
  return s.kind === 'match' ? JSON.stringify(s.requirements) : s.kind;
}

class Interner {
  private readonly ids = new Map<string, number>();
  get size(): number {
    return this.ids.size;
  }
  id(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) this.ids.set(key, (id = this.ids.size));
    return id;
  }
}

export function analyzeReachability(state: ClusterState, options: ReachabilityOptions = {}): ReachabilityReport {
  const problems: Problem[] = [];
  const notEvaluated: NotEvaluatedItem[] = [];
  const enforcement = readEnforcement(state.networkProfile, problems);
  if (!enforcement.enforced) {
    notEvaluated.push({
      object: 'networkProfile',
      kind: 'NetworkProfile',
      reason: `${enforcement.reason}; connections are shown as the policies declare them, which is not what the cluster enforces`,
    });
  }
  const excluded = new Set(options.excludedNamespaces ?? DEFAULT_EXCLUDED_NAMESPACES);

  // Namespaces, with the implicit name label.
  const nsLabels = new Map<string, Labels>();
  for (const ns of state.namespaces ?? []) if (!nsLabels.has(ns.name)) nsLabels.set(ns.name, namespaceLabels(ns.name, ns.labels));
  const ensureNs = (name: string) => {
    if (!nsLabels.has(name)) nsLabels.set(name, namespaceLabels(name, {}));
  };

  const policies: NormalizedPolicy[] = [];
  for (const raw of state.networkPolicies ?? []) {
    const p = normalizeNetworkPolicy(raw, problems);
    ensureNs(p.namespace);
    policies.push(p);
  }
  // Policy units: every NetworkPolicy (index = its position), then every Cilium rule. A unit that
  // selects an endpoint in a direction isolates it there (unless it is a Cilium rule with
  // enableDefaultDeny false), adds its allow rules, and its deny rules win over every allow.
  const units: PolicyUnit[] = policies.map((policy) => ({
    name: { kind: 'NetworkPolicy', namespace: policy.namespace, name: policy.name },
    isolates: { ingress: policy.policyTypes.includes('ingress'), egress: policy.policyTypes.includes('egress') },
    allow: policy.rules,
    deny: NO_RULES,
    fqdn: [],
  }));

  // ---- workloads and endpoints
  const workloads: WorkloadData[] = [];
  const workloadByKey = new Map<string, number>();
  const wkey = (ns: string, kind: string, name: string) => `${ns}\u0000${kind}\u0000${name}`;
  const addWorkload = (namespace: string, kind: WorkloadKind, name: string, basis: 'pods' | 'template'): number => {
    ensureNs(namespace);
    const key = wkey(namespace, kind, name);
    const existing = workloadByKey.get(key);
    if (existing !== undefined) return existing;
    const index = workloads.length;
    workloads.push({
      info: { id: '', namespace, kind, name, pods: 0, excluded: excluded.has(namespace), basis, uniform: true },
      key,
      endpoints: [],
      keyed: 0,
      classes: [],
    });
    workloadByKey.set(key, index);
    return index;
  };
  for (const w of state.workloads ?? []) addWorkload(w.namespace, w.kind, w.name, 'template');

  const endpoints: Endpoint[] = [];
  const endpointKeys = new Map<string, number>();
  const endpointKey = (workload: number, labels: Labels, ports: readonly ContainerPort[], hostNetwork: boolean): string =>
    `${workload}\u0000${labelsKey(labels)}\u0000${portsKey(ports)}\u0000${hostNetwork}`;
  const addEndpoint = (workload: number, namespace: string, labels: Labels, ports: readonly ContainerPort[], hostNetwork: boolean) => {
    // Pods of a workload mostly repeat one of its last endpoints: compare those before building the key.
    const data = workloads[workload];
    const own = data.endpoints;
    for (let i = own.length - 1; i >= 0 && i >= own.length - 4; i--) {
      const e = endpoints[own[i]];
      if (e.hostNetwork === hostNetwork && sameLabels(e.labels, labels) && samePorts(e.ports, ports)) return;
    }
    // Keys are built only once a workload has a second distinct-looking pod.
    if (own.length > 0) {
      for (; data.keyed < own.length; data.keyed++) {
        const e = endpoints[own[data.keyed]];
        endpointKeys.set(endpointKey(workload, e.labels, e.ports, e.hostNetwork), own[data.keyed]);
      }
      const key = endpointKey(workload, labels, ports, hostNetwork);
      if (endpointKeys.has(key)) return;
      endpointKeys.set(key, endpoints.length);
      data.keyed++;
    }
    own.push(endpoints.length);
    endpoints.push({
      namespace,
      labels,
      ports,
      hostNetwork,
      workload,
      selecting: { ingress: [], egress: [] },
      crd: { ingress: [], egress: [] },
      members: [],
      cls: -1,
    });
  };
  const live: PodInfo[] = (state.pods ?? []).filter((p) => !(p.phase && TERMINATED.has(p.phase)));
  // Pods come grouped by workload: the previous pod's workload is tried first.
  let last = { namespace: '', kind: '', name: '', index: -1 };
  for (const pod of live) {
    const kind: WorkloadKind = pod.workload?.kind ?? 'Pod';
    const name = pod.workload?.name ?? pod.name;
    let w: number;
    if (last.index >= 0 && last.namespace === pod.namespace && last.kind === kind && last.name === name) w = last.index;
    else last = { namespace: pod.namespace, kind, name, index: (w = addWorkload(pod.namespace, kind, name, 'pods')) };
    const data = workloads[w];
    data.info.pods++;
    data.info.basis = 'pods';
    addEndpoint(w, pod.namespace, pod.labels ?? {}, pod.ports ?? [], pod.hostNetwork === true);
  }
  for (const w of state.workloads ?? []) {
    const index = workloadByKey.get(wkey(w.namespace, w.kind, w.name))!;
    if (workloads[index].endpoints.length === 0) addEndpoint(index, w.namespace, w.labels ?? {}, w.ports ?? [], false);
  }
  // Names: `namespace/name`, with the kind only where two kinds share a name in one namespace.
  const nameCount = new Map<string, number>();
  for (const w of workloads) nameCount.set(`${w.info.namespace}/${w.info.name}`, (nameCount.get(`${w.info.namespace}/${w.info.name}`) ?? 0) + 1);
  for (const w of workloads) {
    const base = `${w.info.namespace}/${w.info.name}`;
    w.info.id = nameCount.get(base)! > 1 ? `${base}[${w.info.kind}]` : base;
    w.info.uniform = w.endpoints.length <= 1;
  }
  const workloadById = new Map(workloads.map((w, i) => [w.info.id, i]));

  // ---- per-namespace label indexes over endpoints
  const endpointsByNs = new Map<string, number[]>();
  endpoints.forEach((e, i) => {
    let list = endpointsByNs.get(e.namespace);
    if (!list) endpointsByNs.set(e.namespace, (list = []));
    list.push(i);
  });
  const indexes = new Map<string, LabelIndex>();
  const selectIn = (ns: string, selector: CompiledSelector): number[] => {
    const global = endpointsByNs.get(ns);
    if (!global) return [];
    let index = indexes.get(ns);
    if (!index) indexes.set(ns, (index = new LabelIndex(global.map((i) => endpoints[i].labels))));
    const local = index.select(selector);
    if (local.length === global.length) return global;
    return local.map((i) => global[i]);
  };
  const nsNames = [...nsLabels.keys()];
  const nsIndex = new LabelIndex(nsNames.map((n) => nsLabels.get(n)!));

  // ---- selection by NetworkPolicies, then by CRD policies: Cilium rules are evaluated; Calico
  // policies isolate without being evaluated (an upper bound, listed in notEvaluated).
  policies.forEach((policy, pi) => {
    if (policy.policyTypes.length === 0) return;
    for (const e of selectIn(policy.namespace, policy.podSelector)) {
      for (const d of policy.policyTypes) endpoints[e].selecting[d].push(pi);
    }
  });
  const crd = readCrdPolicies(state.crdPolicies ?? [], enforcement.engine, problems);
  notEvaluated.push(...crd.notEvaluated);
  const fqdnNames = new Set<string>();
  for (const sel of crd.selections) {
    let unit = -1;
    let directions: Direction[];
    if (sel.ciliumRules) {
      const read = sel.ciliumRules;
      directions = DIRECTIONS.filter((d) => sel.isolates[d] || read.rules[d].allow.length > 0 || read.rules[d].deny.length > 0 || read.rules[d].fqdn.length > 0);
      unit = units.length;
      units.push({
        name: sel.policy,
        isolates: sel.isolates,
        allow: { ingress: read.rules.ingress.allow, egress: read.rules.egress.allow },
        deny: { ingress: read.rules.ingress.deny, egress: read.rules.egress.deny },
        fqdn: read.rules.egress.fqdn,
      });
      for (const f of read.rules.egress.fqdn) for (const p of f.patterns) fqdnNames.add(p);
    } else directions = DIRECTIONS.filter((d) => sel.isolates[d]);
    if (directions.length === 0) continue;
    const candidates = sel.namespaces !== null ? sel.namespaces.filter((n) => nsLabels.has(n)) : nsNames;
    for (const ns of candidates) {
      const global = endpointsByNs.get(ns);
      if (!global) continue;
      const labels = nsLabels.get(ns)!;
      const scope = sel.scope(ns, labels);
      if (scope === false) continue;
      let chosen: number[];
      if (scope === true) chosen = global;
      else {
        let index = indexes.get(ns);
        if (!index) indexes.set(ns, (index = new LabelIndex(global.map((i) => endpoints[i].labels))));
        chosen = sel.selectPods(ns, labels, index).map((i) => global[i]);
      }
      if (unit >= 0) for (const e of chosen) for (const d of directions) endpoints[e].selecting[d].push(unit);
      else for (const e of chosen) for (const d of directions) endpoints[e].crd[d].push(sel.ref);
    }
  }

  // ---- entries: rule peers × ports, deduplicated across policies
  const specInterner = new Interner();
  const specs: PortSpec[] = [];
  const specOf = (rule: NormalizedRule): number => {
    const key = rule.allPorts ? '*' : JSON.stringify(rule.ports);
    const id = specInterner.id(key);
    if (id === specs.length) {
      const named = !rule.allPorts && rule.ports.some((p) => p.kind === 'named');
      specs.push({ rule: { allPorts: rule.allPorts, ports: rule.ports }, named, fixed: named ? null : ruleConnections(rule, null) });
    }
    return id;
  };
  const ALL_SPEC = specOf({ peersField: 'absent', allPeers: true, peers: [], portsField: 'absent', allPorts: true, ports: [] });

  const peerInterner = new Interner();
  const peerMembers: number[][] = [];
  const ipInterner = new Interner();
  const ipBlocks: IpBlockShape[] = [];
  const entryInterner = new Interner();
  const entries: Entry[] = [];
  const entryOf = (target: Target, spec: number): number => {
    const tkey = target.kind === 'peer' || target.kind === 'ipBlock' ? `${target.kind}:${target.id}` : target.kind;
    const id = entryInterner.id(`${tkey}#${spec}`);
    if (id === entries.length) entries.push({ target, spec });
    return id;
  };
  const peerTarget = (peer: NormalizedPeer): Target | null => {
    if (peer.kind === 'ipBlock') {
      const shape = ipBlockShape(peer);
      if (!shape) return null;
      const id = ipInterner.id(`${peer.cidr}|${[...peer.except].sort().join(',')}`);
      if (id === ipBlocks.length) ipBlocks.push(shape);
      return { kind: 'ipBlock', id };
    }
    if (peer.kind === 'namespaces' && peer.namespaceSelector.kind === 'all') return { kind: 'allPods' };
    if (peer.kind === 'podsInNamespaces' && peer.namespaceSelector.kind === 'all' && peer.podSelector.kind === 'all') return { kind: 'allPods' };
    const key =
      peer.kind === 'pods'
        ? `pods|${peer.namespace}|${selectorKey(peer.podSelector)}`
        : peer.kind === 'namespaces'
          ? `ns|${selectorKey(peer.namespaceSelector)}`
          : `both|${selectorKey(peer.namespaceSelector)}|${selectorKey(peer.podSelector)}`;
    const id = peerInterner.id(key);
    if (id === peerMembers.length) {
      let members: number[];
      if (peer.kind === 'pods') members = selectIn(peer.namespace, peer.podSelector);
      else {
        members = [];
        for (const n of nsIndex.select(peer.namespaceSelector)) {
          const ns = nsNames[n];
          const found = peer.kind === 'namespaces' ? (endpointsByNs.get(ns) ?? []) : selectIn(ns, peer.podSelector);
          for (const e of found) members.push(e);
        }
      }
      peerMembers.push(members);
      for (const e of members) endpoints[e].members.push(id);
    }
    return { kind: 'peer', id };
  };
  // Allow and deny entries per unit and direction, computed once for the units that select something.
  const unitEntries = new Map<number, UnitEntries>();
  const entriesOfRules = (rules: readonly (NormalizedRule & { l7?: string[] })[], l7?: Map<number, string[]>): number[] => {
    const out: number[] = [];
    const add = (id: number, rule: NormalizedRule & { l7?: string[] }) => {
      out.push(id);
      if (l7 && rule.l7) l7.set(id, [...new Set([...(l7.get(id) ?? []), ...rule.l7])].sort());
    };
    for (const rule of rules) {
      const spec = specOf(rule);
      if (rule.allPeers) {
        add(entryOf({ kind: 'any' }, spec), rule);
        continue;
      }
      for (const peer of rule.peers) {
        const target = peerTarget(peer);
        if (target) add(entryOf(target, spec), rule);
      }
    }
    return out;
  };
  const entriesOfUnit = (u: number): UnitEntries => {
    let out = unitEntries.get(u);
    if (out) return out;
    const unit = units[u];
    const l7 = { ingress: new Map<number, string[]>(), egress: new Map<number, string[]>() };
    out = {
      allow: { ingress: entriesOfRules(unit.allow.ingress, l7.ingress), egress: entriesOfRules(unit.allow.egress, l7.egress) },
      deny: { ingress: entriesOfRules(unit.deny.ingress), egress: entriesOfRules(unit.deny.egress) },
      l7,
    };
    unitEntries.set(u, out);
    return out;
  };
  for (const e of endpoints) for (const d of DIRECTIONS) for (const u of e.selecting[d]) entriesOfUnit(u);

  // ---- classes
  const portsInterner = new Interner();
  const catchAllInterner = new Interner();
  const catchAllSpecs: { allow: number[]; deny: number[] }[] = [];
  const catchAllOf = (allowSpecs: number[], denySpecs: number[]): number => {
    const allow = [...new Set(allowSpecs)].sort((a, b) => a - b);
    const deny = [...new Set(denySpecs)].sort((a, b) => a - b);
    const id = catchAllInterner.id(deny.length === 0 ? allow.join(',') : `${allow.join(',')}-${deny.join(',')}`);
    if (id === catchAllSpecs.length) catchAllSpecs.push({ allow, deny });
    return id;
  };
  const isCatchAll = (x: number) => entries[x].target.kind === 'any' || entries[x].target.kind === 'allPods';
  const classInterner = new Interner();
  const classes: Cls[] = [];
  const crdNotes = new Map<string, Set<string>>();
  const hostNetworkWorkloads = new Set<number>();
  // Endpoints in a row mostly repeat their ports: the previous signature is tried first.
  let lastPorts: readonly ContainerPort[] | null = null;
  let lastPortsSig = -1;
  for (const e of endpoints) {
    const open = { ingress: false, egress: false };
    const entryIds: Record<Direction, number[]> = { ingress: [], egress: [] };
    const denyIds: Record<Direction, number[]> = { ingress: [], egress: [] };
    for (const d of DIRECTIONS) {
      if (e.crd[d].length > 0) {
        const key = `${e.workload}\u0000${d}`;
        let refs = crdNotes.get(key);
        if (!refs) crdNotes.set(key, (refs = new Set()));
        for (const r of e.crd[d]) refs.add(r);
      }
      if (e.hostNetwork && (e.selecting[d].length > 0 || e.crd[d].length > 0)) hostNetworkWorkloads.add(e.workload);
      const selecting = e.selecting[d];
      if (selecting.length === 0 || e.hostNetwork || e.crd[d].length > 0) {
        open[d] = true;
        continue;
      }
      let isolated = false;
      let denies: Set<number> | null = null;
      for (const u of selecting) {
        if (units[u].isolates[d]) isolated = true;
        const deny = unitEntries.get(u)!.deny[d];
        if (deny.length > 0) {
          denies ??= new Set();
          for (const id of deny) denies.add(id);
        }
      }
      if (denies) denyIds[d] = [...denies].sort((a, b) => a - b);
      if (!isolated) {
        open[d] = true;
        continue;
      }
      const ids = new Set<number>();
      for (const u of selecting) for (const id of unitEntries.get(u)!.allow[d]) ids.add(id);
      entryIds[d] = [...ids].sort((a, b) => a - b);
    }
    const members = [...new Set(e.members)].sort((a, b) => a - b);
    if (lastPorts === null || !samePorts(lastPorts, e.ports)) {
      lastPorts = e.ports;
      lastPortsSig = portsInterner.id(portsKey(e.ports));
    }
    const portsSig = lastPortsSig;
    const sig = (d: Direction) => (open[d] ? 'open' : entryIds[d].join(',')) + (denyIds[d].length > 0 ? `-${denyIds[d].join(',')}` : '');
    const id = classInterner.id(`${sig('ingress')}/${sig('egress')}/${members.join(',')}/${portsSig}`);
    if (id === classes.length) {
      const catchAll = {} as Record<Direction, number>;
      for (const d of DIRECTIONS) {
        const denySpecs = denyIds[d].filter(isCatchAll).map((x) => entries[x].spec);
        catchAll[d] = open[d] ? catchAllOf([ALL_SPEC], denySpecs) : catchAllOf(entryIds[d].filter(isCatchAll).map((x) => entries[x].spec), denySpecs);
      }
      classes.push({ id, open, entries: entryIds, denies: denyIds, members: new Set(members), portsSig, ports: e.ports, catchAll, byNamespace: new Map() });
    }
    e.cls = id;
    const cls = classes[id];
    let list = cls.byNamespace.get(e.namespace);
    if (!list) cls.byNamespace.set(e.namespace, (list = []));
    if (!list.includes(e.workload)) list.push(e.workload);
    const w = workloads[e.workload];
    if (!w.classes.includes(id)) w.classes.push(id);
  }
  for (const [key, refs] of crdNotes) {
    const [w, d] = key.split('\u0000');
    notEvaluated.push({
      object: workloads[Number(w)].info.id,
      kind: 'Workload',
      reason: `${d} is isolated by ${[...refs].sort().join(', ')}, whose rules are not evaluated for reachability; ${d} is shown as allowing every connection (an upper bound)`,
    });
  }
  for (const w of [...hostNetworkWorkloads].sort((a, b) => a - b)) {
    notEvaluated.push({
      object: workloads[w].info.id,
      kind: 'Workload',
      reason: 'hostNetwork pods are selected by policies that no AKS engine enforces on host-networked pods; shown as open both ways, and matched by pod selectors as peers although the dataplane sees the node address',
    });
  }

  // ---- connection computation
  // Memo keys: (spec or catch-all set) × port signature, as one number.
  const P = portsInterner.size;
  const resolveMemo = new Map<number, ConnectionSet>();
  const resolve = (spec: number, cls: Cls | null): ConnectionSet => {
    const s = specs[spec];
    if (s.fixed) return s.fixed;
    if (cls === null) return ruleConnections(s.rule, null);
    const key = spec * P + cls.portsSig;
    let v = resolveMemo.get(key);
    if (!v) resolveMemo.set(key, (v = ruleConnections(s.rule, cls.ports)));
    return v;
  };
  const unionOf = (specIds: readonly number[], dst: Cls): ConnectionSet => {
    let v = ConnectionSet.none();
    for (const spec of specIds) v = v.union(resolve(spec, dst));
    return v;
  };
  const catchAllMemo = new Map<number, ConnectionSet>();
  /** What a catch-all set lets through to `dst`: its allows less its denies. */
  const catchAllAt = (catchAll: number, dst: Cls): ConnectionSet => {
    const key = catchAll * P + dst.portsSig;
    let v = catchAllMemo.get(key);
    if (!v) {
      const c = catchAllSpecs[catchAll];
      v = unionOf(c.allow, dst);
      if (c.deny.length > 0) v = v.subtract(unionOf(c.deny, dst));
      catchAllMemo.set(key, v);
    }
    return v;
  };
  const allowMemo = new Map<number, ConnectionSet>();
  const denyMemo = new Map<number, ConnectionSet>();
  const memoized = (memo: Map<number, ConnectionSet>, catchAll: number, dst: Cls, list: readonly number[]): ConnectionSet => {
    const key = catchAll * P + dst.portsSig;
    let v = memo.get(key);
    if (!v) memo.set(key, (v = unionOf(list, dst)));
    return v;
  };
  /** One side of a class pair: allows (catch-all, then entries naming the peer) less denies. */
  const sideConn = (self: Cls, d: Direction, peer: Cls, dst: Cls): ConnectionSet => {
    const id = self.catchAll[d];
    const c = catchAllSpecs[id];
    const denies = self.denies[d];
    // Without denies the catch-all set is the allow part alone.
    let v = c.deny.length === 0 ? catchAllAt(id, dst) : memoized(allowMemo, id, dst, c.allow);
    if (!self.open[d] && !v.isAll()) {
      for (const e of self.entries[d]) {
        const t = entries[e].target;
        if (t.kind === 'peer' && peer.members.has(t.id)) v = v.union(resolve(entries[e].spec, dst));
      }
    }
    if (denies.length === 0 || v.isEmpty()) return v;
    let cut = c.deny.length === 0 ? ConnectionSet.none() : memoized(denyMemo, id, dst, c.deny);
    for (const e of denies) {
      const t = entries[e].target;
      if (t.kind === 'peer' && peer.members.has(t.id)) cut = cut.union(resolve(entries[e].spec, dst));
    }
    return cut.isEmpty() ? v : v.subtract(cut);
  };
  const K = classes.length;
  const pairMemo = new Map<number, ConnectionSet>();
  const classConn = (src: Cls, dst: Cls): ConnectionSet => {
    const key = src.id * K + dst.id;
    let v = pairMemo.get(key);
    if (v) return v;
    const egress = sideConn(src, 'egress', dst, dst);
    v = egress.isEmpty() ? egress : egress.intersect(sideConn(dst, 'ingress', src, dst));
    pairMemo.set(key, v);
    return v;
  };

  // ---- external ranges
  const externalRanges: ExternalRange[] = [];
  const rangeBounds: { family: IpFamily; start: bigint; end: bigint; blocks: number[] }[] = [];
  for (const family of [4, 6] as IpFamily[]) {
    const cuts = new Set<bigint>([0n]);
    const familyBlocks = ipBlocks.map((b, i) => ({ b, i })).filter((x) => x.b.family === family);
    for (const { b } of familyBlocks) {
      for (const r of [{ start: b.start, end: b.end }, ...b.except]) {
        cuts.add(r.start);
        if (r.end < FAMILY_END[family]) cuts.add(r.end + 1n);
      }
    }
    const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let prev: { family: IpFamily; start: bigint; end: bigint; blocks: number[] } | null = null;
    for (let i = 0; i < sorted.length; i++) {
      const start = sorted[i];
      const end = i + 1 < sorted.length ? sorted[i + 1] - 1n : FAMILY_END[family];
      const blocks = familyBlocks.filter(({ b }) => blockContains(b, family, start, end)).map((x) => x.i);
      // Adjacent ranges inside exactly the same blocks have the same connectivity to everything.
      if (prev && prev.blocks.join(',') === blocks.join(',')) {
        prev.end = end;
      } else {
        prev = { family, start, end, blocks };
        rangeBounds.push(prev);
      }
    }
  }
  for (const r of rangeBounds) externalRanges.push({ family: r.family, range: formatIpRange(r.family, r.start, r.end) });
  const rangeIndex = new Map(externalRanges.map((r, i) => [r.range, i]));
  const externalMemo = new Map<string, ConnectionSet>();
  /** egress: class → range; ingress: range → class. */
  const externalConn = (cls: Cls, range: number, d: Direction): ConnectionSet => {
    const key = `${cls.id}|${range}|${d}`;
    let v = externalMemo.get(key);
    if (v) return v;
    const blocks = rangeBounds[range].blocks;
    // Egress to an address: no container ports there. Ingress from it: ours.
    const matching = (ids: readonly number[]): ConnectionSet => {
      let acc = ConnectionSet.none();
      for (const id of ids) {
        const t = entries[id].target;
        if (t.kind === 'any' || (t.kind === 'ipBlock' && blocks.includes(t.id))) acc = acc.union(resolve(entries[id].spec, d === 'egress' ? null : cls));
      }
      return acc;
    };
    v = cls.open[d] ? ConnectionSet.all() : matching(cls.entries[d]);
    if (cls.denies[d].length > 0 && !v.isEmpty()) v = v.subtract(matching(cls.denies[d]));
    externalMemo.set(key, v);
    return v;
  };

  // ---- FQDN peers: egress `toFQDNs` rules admit names, not address ranges
  const fqdnPeers = [...fqdnNames].sort(byString).map((name) => `${FQDN_PREFIX}${name}`);
  const fqdnPeerSet = new Set(fqdnPeers);
  /** Whether deny entry `id` is every address of `family` (world-ipv4, 0.0.0.0/0, …). */
  const wholeFamily = (id: number, family: IpFamily): boolean => {
    const t = entries[id].target;
    if (t.kind !== 'ipBlock') return false;
    const b = ipBlocks[t.id];
    return b.family === family && b.start === 0n && b.end === FAMILY_END[family] && b.except.length === 0;
  };
  /** What endpoint `e` may send to the FQDN `name`; with `why`, the units behind it. */
  const endpointFqdn = (e: number, name: string, why?: { allow: Set<number>; cut: Set<number>; l7: Map<number, Set<string>> }): ConnectionSet => {
    const ep = endpoints[e];
    if (ep.hostNetwork || ep.crd.egress.length > 0) return ConnectionSet.none();
    let v = ConnectionSet.none();
    let isolated = false;
    for (const u of ep.selecting.egress) {
      if (units[u].isolates.egress) isolated = true;
      for (const f of units[u].fqdn) {
        if (!f.patterns.some((p) => fqdnCovers(p, name))) continue;
        const got = ruleConnections(f.rule, null);
        v = v.union(got);
        if (why && !got.isEmpty()) {
          why.allow.add(u);
          if (f.rule.l7) {
            let set = why.l7.get(u);
            if (!set) why.l7.set(u, (set = new Set()));
            for (const k of f.rule.l7) set.add(k);
          }
        }
      }
    }
    if (v.isEmpty()) return v;
    if (!isolated) v = ConnectionSet.all();
    // Allows with no L3 part admit every peer, the name's addresses included.
    else {
      for (const u of ep.selecting.egress) {
        for (const id of unitEntries.get(u)!.allow.egress) {
          if (entries[id].target.kind !== 'any') continue;
          const got = resolve(entries[id].spec, null);
          if (got.subtract(v).isEmpty()) continue;
          v = v.union(got);
          why?.allow.add(u);
        }
      }
    }
    // Deny rules with no L3 part cut every peer, names included; so do denies of every address of
    // both families (world, 0.0.0.0/0 with ::/0), whatever the name resolves to. Narrower CIDR
    // denies are addresses the name may or may not resolve to (named by fqdnAllowance).
    for (const u of ep.selecting.egress) {
      const deny = unitEntries.get(u)!.deny.egress;
      let cut = ConnectionSet.none();
      let v4 = ConnectionSet.none();
      let v6 = ConnectionSet.none();
      for (const id of deny) {
        if (entries[id].target.kind === 'any') cut = cut.union(resolve(entries[id].spec, null));
        else if (wholeFamily(id, 4)) v4 = v4.union(resolve(entries[id].spec, null));
        else if (wholeFamily(id, 6)) v6 = v6.union(resolve(entries[id].spec, null));
      }
      cut = cut.union(v4.intersect(v6));
      if (cut.isEmpty()) continue;
      if (why && !cut.intersect(v).isEmpty()) why.cut.add(u);
      v = v.subtract(cut);
    }
    return v;
  };
  const workloadFqdn = (w: number, name: string): ConnectionSet => {
    let acc = ConnectionSet.none();
    for (const e of workloads[w].endpoints) acc = acc.union(endpointFqdn(e, name));
    return acc;
  };

  // ---- workload-level answers
  const workloadConn = (a: number, b: number): ConnectionSet => {
    let acc = ConnectionSet.none();
    for (const c1 of workloads[a].classes) {
      for (const c2 of workloads[b].classes) {
        acc = acc.union(classConn(classes[c1], classes[c2]));
        if (acc.isAll()) return acc;
      }
    }
    return acc;
  };
  const workloadExternal = (w: number, range: number, d: Direction): ConnectionSet => {
    let acc = ConnectionSet.none();
    for (const c of workloads[w].classes) acc = acc.union(externalConn(classes[c], range, d));
    return acc;
  };
  const byPeers = (x: Connection, y: Connection) => byString(x.src, y.src) || byString(x.dst, y.dst);

  let allConnections: Connection[] | null = null;
  const connections = (): Connection[] => {
    if (allConnections) return allConnections;
    const out: Connection[] = [];
    // Workloads with the same classes have the same answers: compute each class-set pair once.
    const groupInterner = new Interner();
    const group = workloads.map((w) => groupInterner.id([...w.classes].sort((a, b) => a - b).join(',')));
    const groups = Math.max(1, ...group) + 1;
    const groupMemo = new Map<number, ConnectionSet>();
    for (let a = 0; a < workloads.length; a++) {
      for (let b = 0; b < workloads.length; b++) {
        if (a === b) continue;
        const key = group[a] * groups + group[b];
        let v = groupMemo.get(key);
        if (!v) groupMemo.set(key, (v = workloadConn(a, b)));
        if (!v.isEmpty()) out.push({ src: workloads[a].info.id, dst: workloads[b].info.id, conn: v.toString() });
      }
      for (let r = 0; r < externalRanges.length; r++) {
        const eg = workloadExternal(a, r, 'egress');
        if (!eg.isEmpty()) out.push({ src: workloads[a].info.id, dst: externalRanges[r].range, conn: eg.toString() });
        const ing = workloadExternal(a, r, 'ingress');
        if (!ing.isEmpty()) out.push({ src: externalRanges[r].range, dst: workloads[a].info.id, conn: ing.toString() });
      }
      for (const peer of fqdnPeers) {
        const v = workloadFqdn(a, peer.slice(FQDN_PREFIX.length));
        if (!v.isEmpty()) out.push({ src: workloads[a].info.id, dst: peer, conn: v.toString() });
      }
    }
    allConnections = out.sort(byPeers);
    return allConnections;
  };

  const lookupWorkload = (id: string): number => {
    const w = workloadById.get(id);
    if (w === undefined) throw new RangeError(`unknown workload "${id}"; workloads are named namespace/name`);
    return w;
  };
  const whoCanReach = (id: string): Connection[] => {
    const w = lookupWorkload(id);
    const out: Connection[] = [];
    for (let a = 0; a < workloads.length; a++) {
      if (a === w) continue;
      const v = workloadConn(a, w);
      if (!v.isEmpty()) out.push({ src: workloads[a].info.id, dst: id, conn: v.toString() });
    }
    externalRanges.forEach((r, i) => {
      const v = workloadExternal(w, i, 'ingress');
      if (!v.isEmpty()) out.push({ src: r.range, dst: id, conn: v.toString() });
    });
    return out.sort(byPeers);
  };
  const whereCanGo = (id: string): Connection[] => {
    const w = lookupWorkload(id);
    const out: Connection[] = [];
    for (let b = 0; b < workloads.length; b++) {
      if (b === w) continue;
      const v = workloadConn(w, b);
      if (!v.isEmpty()) out.push({ src: id, dst: workloads[b].info.id, conn: v.toString() });
    }
    externalRanges.forEach((r, i) => {
      const v = workloadExternal(w, i, 'egress');
      if (!v.isEmpty()) out.push({ src: id, dst: r.range, conn: v.toString() });
    });
    for (const peer of fqdnPeers) {
      const v = workloadFqdn(w, peer.slice(FQDN_PREFIX.length));
      if (!v.isEmpty()) out.push({ src: id, dst: peer, conn: v.toString() });
    }
    return out.sort(byPeers);
  };
  const between = (src: string, dst: string): ConnectionSet => {
    const s = workloadById.get(src);
    const t = workloadById.get(dst);
    if (s !== undefined && t !== undefined) return s === t ? ConnectionSet.all() : workloadConn(s, t);
    if (s !== undefined && rangeIndex.has(dst)) return workloadExternal(s, rangeIndex.get(dst)!, 'egress');
    if (s !== undefined && fqdnPeerSet.has(dst)) return workloadFqdn(s, dst.slice(FQDN_PREFIX.length));
    if (t !== undefined && rangeIndex.has(src)) return workloadExternal(t, rangeIndex.get(src)!, 'ingress');
    if (rangeIndex.has(src) && rangeIndex.has(dst)) throw new RangeError('traffic between two external ranges is not governed by NetworkPolicies');
    throw new RangeError(`unknown peer "${s === undefined ? src : dst}"`);
  };

  // A policy with several `specs` is several units under one name: named once.
  const nameKey = (n: PolicyName) => `${n.kind}\u0000${n.namespace ?? ''}\u0000${n.name}`;
  const byName = (x: PolicyName, y: PolicyName) => byString(x.kind, y.kind) || byString(x.namespace ?? '', y.namespace ?? '') || byString(x.name, y.name);
  const namesOf = (set: Iterable<number>): PolicyName[] => {
    const out = new Map<string, PolicyName>();
    for (const u of set) out.set(nameKey(units[u].name), units[u].name);
    return [...out.values()].sort(byName);
  };
  const l7Of = (byUnit: Map<number, Set<string>>): { policy: PolicyName; rules: string[] }[] => {
    const out = new Map<string, { policy: PolicyName; rules: Set<string> }>();
    for (const [u, kinds] of byUnit) {
      const k = nameKey(units[u].name);
      let e = out.get(k);
      if (!e) out.set(k, (e = { policy: units[u].name, rules: new Set() }));
      for (const r of kinds) e.rules.add(r);
    }
    return [...out.values()].sort((x, y) => byName(x.policy, y.policy)).map((e) => ({ policy: e.policy, rules: [...e.rules].sort() }));
  };

  /** Whether entry `id` admits endpoint `peer` (or, with `range`, that external range). */
  const entryAdmits = (id: number, peer: { endpoint: number } | { range: number }): boolean => {
    const t = entries[id].target;
    if (t.kind === 'any') return true;
    if ('endpoint' in peer) {
      if (t.kind === 'allPods') return true;
      return t.kind === 'peer' && endpoints[peer.endpoint].members.includes(t.id);
    }
    return t.kind === 'ipBlock' && rangeBounds[peer.range].blocks.includes(t.id);
  };
  /**
   * One side's allowance: `self` endpoints in direction `d`, against the other side (endpoints
   * or a range). `portsOf` gives the destination's ports for resolving named ports.
   */
  const sideAllowance = (
    peerId: string,
    self: number[],
    d: Direction,
    others: { endpoint: number }[] | { range: number }[],
    allowed: ConnectionSet,
    /** What the other side's allows let through, before its denies: a deny is named only where both sides would allow. */
    /** Asked only when a deny selects this side (most connections have none). */
    otherBefore: () => ConnectionSet = () => ConnectionSet.all(),
    onlyBefore = false,
  ): SideAllowance & { before: ConnectionSet } => {
    const out: SideAllowance & { before: ConnectionSet } = { peer: peerId, defaultAllow: false, policies: [], deniedBy: [], l7: [], notEvaluated: [], before: ConnectionSet.none() };
    const l7 = new Map<number, Set<string>>();
    let otherSide: ConnectionSet | undefined;
    const seen = new Set<number>();
    const cutBy = new Set<number>();
    const notes = new Set<string>();
    const list = others as ({ endpoint: number } | { range: number })[];
    /** What entry `id` admits from (to) the other side's peers: the union over them. */
    const admitted = (ep: Endpoint, id: number): ConnectionSet => {
      let acc = ConnectionSet.none();
      for (const o of list) {
        if (!entryAdmits(id, o)) continue;
        // Ports are the destination's: ours for ingress, the other side's for egress.
        const dstPorts: readonly ContainerPort[] | null = d === 'ingress' ? ep.ports : 'endpoint' in o ? endpoints[o.endpoint].ports : null;
        const s = specs[entries[id].spec];
        acc = acc.union(s.fixed ?? ruleConnections(s.rule, dstPorts));
      }
      return acc;
    };
    for (const e of self) {
      const ep = endpoints[e];
      if (ep.crd[d].length > 0) ep.crd[d].forEach((r) => notes.add(r));
      if (ep.hostNetwork && (ep.selecting[d].length > 0 || ep.crd[d].length > 0)) notes.add('hostNetwork');
      if (ep.hostNetwork || ep.crd[d].length > 0) {
        out.before = ConnectionSet.all();
        continue;
      }
      const isolated = ep.selecting[d].some((u) => units[u].isolates[d]);
      if (!isolated) out.defaultAllow = true;
      // What the allows let through before any deny: a deny is named when it cuts some of it.
      let before = isolated ? ConnectionSet.none() : ConnectionSet.all();
      for (const u of ep.selecting[d]) {
        if (!isolated) break;
        const ue = unitEntries.get(u)!;
        for (const id of ue.allow[d]) {
          const got = admitted(ep, id);
          before = before.union(got);
          if (got.intersect(allowed).isEmpty()) continue;
          seen.add(u);
          const kinds = ue.l7[d].get(id);
          if (kinds) {
            let set = l7.get(u);
            if (!set) l7.set(u, (set = new Set()));
            for (const k of kinds) set.add(k);
          }
        }
      }
      out.before = out.before.union(before);
      if (onlyBefore || !ep.selecting[d].some((u) => unitEntries.get(u)!.deny[d].length > 0)) continue;
      otherSide ??= otherBefore();
      const both = before.intersect(otherSide);
      for (const u of ep.selecting[d]) {
        if (cutBy.has(u) || both.isEmpty()) continue;
        if (unitEntries.get(u)!.deny[d].some((id) => !admitted(ep, id).intersect(both).isEmpty())) cutBy.add(u);
      }
    }
    out.policies = namesOf(seen);
    out.deniedBy = namesOf(cutBy);
    out.l7 = l7Of(l7);
    out.notEvaluated = [...notes].sort(byString);
    return out;
  };
  const fqdnAllowance = (peerId: string, self: number[], name: string): SideAllowance => {
    const why = { allow: new Set<number>(), cut: new Set<number>(), l7: new Map<number, Set<string>>() };
    let open = false;
    // A CIDR deny may cut the addresses the name resolves to: that depends on DNS, so it is named.
    const maybe = new Set<string>();
    for (const e of self) {
      endpointFqdn(e, name, why);
      if (!endpoints[e].selecting.egress.some((u) => units[u].isolates.egress)) open = true;
      for (const u of endpoints[e].selecting.egress) {
        // Both whole families are a certain cut (endpointFqdn); anything narrower may or may not be.
        const deny = unitEntries.get(u)!.deny.egress.filter((id) => entries[id].target.kind === 'ipBlock');
        const v4 = deny.some((id) => wholeFamily(id, 4));
        const v6 = deny.some((id) => wholeFamily(id, 6));
        if (deny.some((id) => !wholeFamily(id, 4) && !wholeFamily(id, 6)) || v4 !== v6) {
          const n = units[u].name;
          maybe.add(`${n.kind} ${n.namespace === null ? '' : `${n.namespace}/`}${n.name}: its CIDR deny may cut the addresses ${name} resolves to`);
        }
      }
    }
    return {
      peer: peerId,
      defaultAllow: open,
      policies: namesOf(why.allow),
      deniedBy: namesOf(why.cut),
      l7: l7Of(why.l7),
      notEvaluated: [...maybe].sort(byString),
    };
  };
  const external = (): SideAllowance => ({ peer: null, defaultAllow: false, policies: [], deniedBy: [], l7: [], notEvaluated: [] });
  const allowedBy = (src: string, dst: string): ConnectionAllowance => {
    const allowed = between(src, dst);
    const s = workloadById.get(src);
    const t = workloadById.get(dst);
    const eps = (w: number) => workloads[w].endpoints;
    const strip = ({ before: _before, ...side }: SideAllowance & { before: ConnectionSet }): SideAllowance => side;
    if (s !== undefined && t !== undefined) {
      const toT = eps(t).map((endpoint) => ({ endpoint }));
      const toS = eps(s).map((endpoint) => ({ endpoint }));
      // Each side's allows before denies, so that a deny is named only where the other side would allow.
      const egressBefore = () => sideAllowance(src, eps(s), 'egress', toT, allowed, undefined, true).before;
      const ingressBefore = () => sideAllowance(dst, eps(t), 'ingress', toS, allowed, undefined, true).before;
      return {
        egress: strip(sideAllowance(src, eps(s), 'egress', toT, allowed, ingressBefore)),
        ingress: strip(sideAllowance(dst, eps(t), 'ingress', toS, allowed, egressBefore)),
      };
    }
    if (s !== undefined && fqdnPeerSet.has(dst)) return { egress: fqdnAllowance(src, eps(s), dst.slice(FQDN_PREFIX.length)), ingress: external() };
    if (s !== undefined) return { egress: strip(sideAllowance(src, eps(s), 'egress', [{ range: rangeIndex.get(dst)! }], allowed)), ingress: external() };
    return { egress: external(), ingress: strip(sideAllowance(dst, eps(t!), 'ingress', [{ range: rangeIndex.get(src)! }], allowed)) };
  };

  let matrix: NamespaceMatrix | null = null;
  const namespaceMatrix = (): NamespaceMatrix => {
    if (matrix) return matrix;
    matrix = computeMatrix();
    return matrix;
  };

  const computeMatrix = (): NamespaceMatrix => {
    const names = [...nsLabels.keys()].sort(byString);
    const N = names.length;
    const nsPos = new Map(names.map((n, i) => [n, i]));
    // Classes present per namespace.
    const nsClasses: number[][] = names.map(() => []);
    for (const cls of classes) for (const ns of cls.byNamespace.keys()) nsClasses[nsPos.get(ns)!].push(cls.id);

    // Baseline: source catch-all egress ∩ destination catch-all ingress, exact for every class
    // pair no specific peer relates. Evaluated per group of namespaces with the same ingredients.
    const srcGroupInterner = new Interner();
    const srcGroups: number[][] = [];
    const dstGroupInterner = new Interner();
    const dstGroups: { catchAll: number; cls: Cls }[][] = [];
    const srcGroup = new Int32Array(N);
    const dstGroup = new Int32Array(N);
    for (let n = 0; n < N; n++) {
      const eg = [...new Set(nsClasses[n].map((c) => classes[c].catchAll.egress))].sort((a, b) => a - b);
      const gs = srcGroupInterner.id(eg.join(','));
      if (gs === srcGroups.length) srcGroups.push(eg);
      srcGroup[n] = gs;
      const seen = new Map<string, { catchAll: number; cls: Cls }>();
      for (const c of nsClasses[n]) {
        const cls = classes[c];
        const key = `${cls.catchAll.ingress}|${cls.portsSig}`;
        if (!seen.has(key)) seen.set(key, { catchAll: cls.catchAll.ingress, cls });
      }
      const keys = [...seen.keys()].sort();
      const gd = dstGroupInterner.id(keys.join(','));
      if (gd === dstGroups.length) dstGroups.push(keys.map((k) => seen.get(k)!));
      dstGroup[n] = gd;
    }
    const groupMemo = new Map<number, ConnectionSet>();
    const G = dstGroups.length;
    const baseline = (gs: number, gd: number): ConnectionSet => {
      const key = gs * G + gd;
      let v = groupMemo.get(key);
      if (v) return v;
      v = ConnectionSet.none();
      outer: for (const eg of srcGroups[gs]) {
        for (const { catchAll, cls } of dstGroups[gd]) {
          v = v.union(catchAllAt(eg, cls).intersect(catchAllAt(catchAll, cls)));
          if (v.isAll()) break outer;
        }
      }
      groupMemo.set(key, v);
      return v;
    };

    // Specific pairs: a source's egress entry naming a peer the destination is in, or a
    // destination's ingress entry naming a peer the source is in.
    const classesOfPeer = new Map<number, number[]>();
    const peerClasses = (peer: number): number[] => {
      let list = classesOfPeer.get(peer);
      if (!list) classesOfPeer.set(peer, (list = [...new Set(peerMembers[peer].map((e) => endpoints[e].cls))]));
      return list;
    };
    const special = new Set<number>();
    const denied = new Set<number>();
    for (const cls of classes) {
      if (!cls.open.egress) {
        for (const id of cls.entries.egress) {
          const t = entries[id].target;
          if (t.kind === 'peer') for (const c2 of peerClasses(t.id)) special.add(cls.id * K + c2);
        }
      }
      if (!cls.open.ingress) {
        for (const id of cls.entries.ingress) {
          const t = entries[id].target;
          if (t.kind === 'peer') for (const c1 of peerClasses(t.id)) special.add(c1 * K + cls.id);
        }
      }
      // Deny entries naming a peer cut those pairs below the baseline, isolated or not: their
      // namespace cells are evaluated exactly (the baseline ∪ extras merge only adds).
      for (const id of cls.denies.egress) {
        const t = entries[id].target;
        if (t.kind === 'peer') for (const c2 of peerClasses(t.id)) denied.add(cls.id * K + c2);
      }
      for (const id of cls.denies.ingress) {
        const t = entries[id].target;
        if (t.kind === 'peer') for (const c1 of peerClasses(t.id)) denied.add(c1 * K + cls.id);
      }
    }
    // Connection sets numbered by value (equal sets share a number), so that unions are
    // memoized by number pairs and each distinct set is printed once.
    const setNumber = new Map<ConnectionSet, number>();
    const numberByText = new Map<string, number>();
    const sets: ConnectionSet[] = [];
    const texts: string[] = [];
    const numberOf = (v: ConnectionSet): number => {
      let n = setNumber.get(v);
      if (n !== undefined) return n;
      const text = v.toString();
      n = numberByText.get(text);
      if (n === undefined) {
        n = sets.length;
        sets.push(v);
        texts.push(text);
        numberByText.set(text, n);
      }
      setNumber.set(v, n);
      return n;
    };
    const NONE_N = numberOf(ConnectionSet.none());
    const ALL_N = numberOf(ConnectionSet.all());
    const unionMemo = new Map<number, number>();
    // The first 256 set numbers' unions in a dense table (value + 1; 0: not computed): with a
    // deny on every pod no cell is All Connections, and the merge unions nearly every cell.
    const DENSE = 256;
    const unionTable = new Int32Array(DENSE * DENSE);
    const unionN = (x: number, y: number): number => {
      if (x === y || x === ALL_N || y === NONE_N) return x;
      if (y === ALL_N || x === NONE_N) return y;
      if (x < DENSE && y < DENSE) {
        const slot = x * DENSE + y;
        const known = unionTable[slot];
        if (known !== 0) return known - 1;
        const n = numberOf(sets[x].union(sets[y]));
        unionTable[slot] = n + 1;
        unionTable[y * DENSE + x] = n + 1;
        return n;
      }
      const key = x < y ? x * 67108864 + y : y * 67108864 + x;
      let n = unionMemo.get(key);
      if (n === undefined) unionMemo.set(key, (n = numberOf(sets[x].union(sets[y]))));
      return n;
    };

    // Per class: the namespace positions it occurs in, with its workloads there.
    const classNs: { pos: number[]; workloads: number[][] }[] = classes.map((cls) => {
      const pos: number[] = [];
      const ws: number[][] = [];
      for (const [ns, list] of cls.byNamespace) {
        pos.push(nsPos.get(ns)!);
        ws.push(list);
      }
      return { pos, workloads: ws };
    });
    const extra: Map<number, number>[] = names.map(() => new Map());
    for (const key of special) {
      const i1 = Math.floor(key / K);
      const i2 = key % K;
      const v = classConn(classes[i1], classes[i2]);
      if (v.isEmpty()) continue;
      const vn = numberOf(v);
      const n1 = classNs[i1];
      const n2 = classNs[i2];
      for (let x = 0; x < n1.pos.length; x++) {
        const ai = n1.pos[x];
        const row = extra[ai];
        for (let y = 0; y < n2.pos.length; y++) {
          const bi = n2.pos[y];
          if (ai === bi && !distinctWorkloads(n1.workloads[x], n2.workloads[y])) continue;
          const prev = row.get(bi);
          if (prev === undefined) row.set(bi, vn);
          else if (prev !== vn && prev !== ALL_N) row.set(bi, unionN(prev, vn));
        }
      }
    }

    // Cells holding a denied class pair: the union over their class pairs, computed exactly.
    const exact: Map<number, number>[] = names.map(() => new Map());
    for (const key of denied) {
      const n1 = classNs[Math.floor(key / K)];
      const n2 = classNs[key % K];
      for (const ai of n1.pos) for (const bi of n2.pos) exact[ai].set(bi, -1);
    }
    for (let ai = 0; ai < N; ai++) {
      for (const bi of exact[ai].keys()) {
        let acc = ConnectionSet.none();
        outer: for (const c1 of nsClasses[ai]) {
          const w1 = classes[c1].byNamespace.get(names[ai])!;
          for (const c2 of nsClasses[bi]) {
            if (ai === bi && !distinctWorkloads(w1, classes[c2].byNamespace.get(names[bi])!)) continue;
            acc = acc.union(classConn(classes[c1], classes[c2]));
            if (acc.isAll()) break outer;
          }
        }
        exact[ai].set(bi, numberOf(acc));
      }
    }

    // Per source group: the destinations whose baseline is not empty, ascending.
    const SG = srcGroups.length;
    const baselineN = new Int32Array(SG * G);
    for (let gs = 0; gs < SG; gs++) for (let gd = 0; gd < G; gd++) baselineN[gs * G + gd] = numberOf(baseline(gs, gd));
    const withClasses: number[] = [];
    for (let b = 0; b < N; b++) if (nsClasses[b].length > 0) withClasses.push(b);
    const openTo: Int32Array[] = [];
    for (let gs = 0; gs < SG; gs++) {
      const list = withClasses.filter((b) => baselineN[gs * G + dstGroup[b]] !== NONE_N);
      openTo.push(Int32Array.from(list));
    }

    // Each row merges its group's open destinations, its extra cells and the diagonal, in
    // destination order, into growing typed arrays.
    const rowExtras: number[][] = names.map((_, a) =>
      extra[a].size > 0 || exact[a].size > 0 ? [...new Set([...extra[a].keys(), ...exact[a].keys()])].sort((x, y) => x - y) : [],
    );
    const rowDiagonal = new Int32Array(N);
    for (const a of withClasses) rowDiagonal[a] = numberOf(diagonalBaseline(names[a], nsClasses[a]));
    const rowStart = new Int32Array(N + 1);
    let cellDst = new Int32Array(1024);
    let cellConn = new Int32Array(1024);
    let c = 0;
    let nextRow = 0;
    for (const a of withClasses) {
      while (nextRow <= a) rowStart[nextRow++] = c;
      const gs = srcGroup[a];
      const base = openTo[gs];
      const row = extra[a];
      const exactRow = exact[a];
      const more = rowExtras[a];
      // The diagonal is evaluated on its own: between distinct workloads of the namespace.
      const diag = rowDiagonal[a];
      const rowBase = gs * G;
      if (c + base.length + more.length + 1 > cellDst.length) {
        const grown = Math.max(cellDst.length * 2, c + base.length + more.length + 1);
        const d2 = new Int32Array(grown);
        d2.set(cellDst);
        cellDst = d2;
        const c2 = new Int32Array(grown);
        c2.set(cellConn);
        cellConn = c2;
      }
      let i = 0;
      let j = 0;
      let diagDone = false;
      while (i < base.length || j < more.length || !diagDone) {
        const bi = i < base.length ? base[i] : N;
        const bj = j < more.length ? more[j] : N;
        let b = bi < bj ? bi : bj;
        if (!diagDone && a <= b) b = a;
        let n = b === a ? diag : b === bi ? baselineN[rowBase + dstGroup[b]] : NONE_N;
        if (b === bi) i++;
        if (b === bj) {
          const x = exactRow.get(b);
          if (x !== undefined) n = x;
          else n = unionN(n, row.get(b)!);
          j++;
        }
        if (b === a) diagDone = true;
        if (n !== NONE_N) {
          cellDst[c] = b;
          cellConn[c] = n;
          c++;
        }
      }
    }
    while (nextRow <= N) rowStart[nextRow++] = c;
    return new CompactNamespaceMatrix(names, names.filter((n) => excluded.has(n)), texts, rowStart, cellDst.slice(0, c), cellConn.slice(0, c));
  };

  /** True when some workload of `a` differs from some workload of `b`. */
  const distinctWorkloads = (a: readonly number[], b: readonly number[]): boolean =>
    !(a.length === 1 && b.length === 1 && a[0] === b[0]);

  /**
   * The baseline between distinct workloads of one namespace, grouped by catch-all ingredients;
   * workload sets are capped at two members, which is all the distinctness test needs.
   */
  const diagonalBaseline = (ns: string, nsCls: number[]): ConnectionSet => {
    const capAdd = (list: number[], ws: readonly number[]) => {
      for (const w of ws) {
        if (list.length >= 2) return;
        if (!list.includes(w)) list.push(w);
      }
    };
    const egress = new Map<number, number[]>();
    const ingress = new Map<string, { catchAll: number; cls: Cls; workloads: number[] }>();
    for (const c of nsCls) {
      const cls = classes[c];
      const ws = cls.byNamespace.get(ns)!;
      let e = egress.get(cls.catchAll.egress);
      if (!e) egress.set(cls.catchAll.egress, (e = []));
      capAdd(e, ws);
      const key = `${cls.catchAll.ingress}|${cls.portsSig}`;
      let i = ingress.get(key);
      if (!i) ingress.set(key, (i = { catchAll: cls.catchAll.ingress, cls, workloads: [] }));
      capAdd(i.workloads, ws);
    }
    let acc = ConnectionSet.none();
    for (const [eg, srcWorkloads] of egress) {
      for (const { catchAll, cls, workloads: dstWorkloads } of ingress.values()) {
        if (!distinctWorkloads(srcWorkloads, dstWorkloads)) continue;
        acc = acc.union(catchAllAt(eg, cls).intersect(catchAllAt(catchAll, cls)));
        if (acc.isAll()) return acc;
      }
    }
    return acc;
  };

  const infos = workloads.map((w) => w.info).sort((x, y) => byString(x.id, y.id));
  return {
    workloads: infos,
    externalRanges,
    notEvaluated,
    problems,
    connections,
    whoCanReach,
    whereCanGo,
    between,
    allowedBy,
    namespaceMatrix,
  };
}
