// The normalized view of a networking.k8s.io/v1 NetworkPolicy: effective policyTypes, rules with
// absent / empty / listed `from`, `to` and `ports` kept apart, peers classified, ports defaulted.
// Every later question (isolation, baselines, findings, reachability) reads this view, never the
// raw object, so the defaulting rules live in exactly one place.
//
// Invalid parts (bad operator, peer with nothing in it, bad CIDR or port) are reported as problems
// and match nothing. The list they sat in stays "a list": dropping its only entry must not turn a
// restricted rule into an allow-all one.

import { parseCidr, type IpFamily } from './ip-ranges';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Problem, Protocol } from './model';
import { compileSelector, type CompiledSelector } from './selectors';

export type Direction = 'ingress' | 'egress';
export const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

/** How a list field was written: missing, `[]`, or with entries. Kubernetes treats the first two alike. */
export type ListField = 'absent' | 'empty' | 'list';

export type NormalizedPeer =
  /** `podSelector` alone: pods of the policy's own namespace. */
  | { kind: 'pods'; namespace: string; podSelector: CompiledSelector }
  /** `namespaceSelector` alone: every pod in the matching namespaces. */
  | { kind: 'namespaces'; namespaceSelector: CompiledSelector }
  /** Both in the same entry: an AND. */
  | { kind: 'podsInNamespaces'; podSelector: CompiledSelector; namespaceSelector: CompiledSelector }
  | { kind: 'ipBlock'; cidr: string; except: string[]; family: IpFamily; prefix: number };

export type NormalizedPort =
  /** `protocol` without `port`: every port of that protocol. */
  | { kind: 'all'; protocol: Protocol }
  | { kind: 'range'; protocol: Protocol; from: number; to: number }
  /** Resolved later against the destination pod's container ports (name and protocol). */
  | { kind: 'named'; protocol: Protocol; name: string };

export interface NormalizedRule {
  /** How `from` (ingress) or `to` (egress) was written. */
  peersField: ListField;
  /** Absent or empty `from`/`to` matches every peer, including external addresses. */
  allPeers: boolean;
  /** Valid peers when `peersField` is `list`; invalid entries are dropped (and reported). */
  peers: NormalizedPeer[];
  portsField: ListField;
  /** Absent or empty `ports` matches every port of every protocol. */
  allPorts: boolean;
  ports: NormalizedPort[];
}

export interface NormalizedPolicy {
  kind: 'NetworkPolicy';
  namespace: string;
  name: string;
  podSelector: CompiledSelector;
  /** `podSelector: {}`: every pod of the namespace, now and later. */
  selectsAllPods: boolean;
  /** Effective policyTypes after defaulting, ingress before egress. */
  policyTypes: Direction[];
  policyTypesDefaulted: boolean;
  /** How `spec.ingress` / `spec.egress` were written, for findings that care about the text. */
  sections: Record<Direction, ListField>;
  /** Rules in force: empty for a direction not in policyTypes (its written rules are ignored). */
  rules: Record<Direction, NormalizedRule[]>;
  ipBlockCount: number;
}

/** Why a rule admits every peer on every port; see `allowAllReasons`. */
export type AllowAllReason = 'any-peer' | 'all-namespaces' | 'all-ipv4' | 'all-ipv6';

const PROTOCOLS: ReadonlySet<string> = new Set(['TCP', 'UDP', 'SCTP']);

function listField(value: unknown): ListField {
  if (value === undefined || value === null) return 'absent';
  return Array.isArray(value) && value.length === 0 ? 'empty' : 'list';
}

export function policyRef(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

interface Reporter {
  object: string;
  problems: Problem[];
}

function report(r: Reporter, severity: Problem['severity'], code: string, field: string, message: string): void {
  r.problems.push({ severity, code, message, object: r.object, field });
}

function compileReported(r: Reporter, selector: LabelSelector, field: string): CompiledSelector {
  const compiled = compileSelector(selector);
  if (compiled.kind === 'invalid') {
    for (const error of compiled.errors) {
      report(r, 'error', 'invalid-selector', `${field}.${error.field}`, `${error.message}; the selector matches nothing`);
    }
  }
  return compiled;
}

function normalizePeer(r: Reporter, namespace: string, peer: NetworkPolicyPeer, field: string): NormalizedPeer | null {
  if (!peer || typeof peer !== 'object') {
    report(r, 'error', 'invalid-peer', field, 'peer must be an object; it matches nothing');
    return null;
  }
  const hasPod = peer.podSelector !== undefined && peer.podSelector !== null;
  const hasNs = peer.namespaceSelector !== undefined && peer.namespaceSelector !== null;
  const hasIp = peer.ipBlock !== undefined && peer.ipBlock !== null;
  if (hasIp) {
    if (hasPod || hasNs) {
      report(r, 'error', 'invalid-peer', field, 'ipBlock cannot be combined with podSelector or namespaceSelector; the peer matches nothing');
      return null;
    }
    const block = peer.ipBlock!;
    const parsed = parseCidr(block.cidr);
    if (!parsed.ok) {
      report(r, 'error', 'invalid-cidr', `${field}.ipBlock.cidr`, `${parsed.error}; the peer matches nothing`);
      return null;
    }
    const except: string[] = [];
    (block.except ?? []).forEach((text, i) => {
      const ex = parseCidr(text);
      const exField = `${field}.ipBlock.except[${i}]`;
      if (!ex.ok) {
        report(r, 'error', 'invalid-cidr', exField, `${ex.error}; the peer matches nothing`);
        except.push('\u0000invalid');
      } else if (ex.range.family !== parsed.range.family || ex.range.start < parsed.range.start || ex.range.end > parsed.range.end) {
        report(r, 'error', 'invalid-cidr', exField, `except "${text}" is not inside cidr "${block.cidr}"; the peer matches nothing`);
        except.push('\u0000invalid');
      } else {
        except.push(text);
      }
    });
    if (except.some((e) => e.startsWith('\u0000'))) return null;
    return { kind: 'ipBlock', cidr: block.cidr, except, family: parsed.range.family, prefix: parsed.range.prefix };
  }
  if (hasPod && hasNs) {
    return {
      kind: 'podsInNamespaces',
      podSelector: compileReported(r, peer.podSelector!, `${field}.podSelector`),
      namespaceSelector: compileReported(r, peer.namespaceSelector!, `${field}.namespaceSelector`),
    };
  }
  if (hasPod) return { kind: 'pods', namespace, podSelector: compileReported(r, peer.podSelector!, `${field}.podSelector`) };
  if (hasNs) return { kind: 'namespaces', namespaceSelector: compileReported(r, peer.namespaceSelector!, `${field}.namespaceSelector`) };
  report(r, 'error', 'invalid-peer', field, 'peer names no podSelector, namespaceSelector or ipBlock; it matches nothing');
  return null;
}

function normalizePort(r: Reporter, port: NetworkPolicyPort, field: string): NormalizedPort | null {
  if (!port || typeof port !== 'object') {
    report(r, 'error', 'invalid-port', field, 'port entry must be an object; it matches nothing');
    return null;
  }
  const protocol = (port.protocol ?? 'TCP') as Protocol;
  if (!PROTOCOLS.has(protocol)) {
    report(r, 'error', 'invalid-port', `${field}.protocol`, `protocol "${String(port.protocol)}" is not TCP, UDP or SCTP; the entry matches nothing`);
    return null;
  }
  let value = port.port;
  if (typeof value === 'string' && /^\d+$/.test(value)) {
    // YAML authors quote numbers; the API server would reject "80" as a port name.
    report(r, 'warning', 'invalid-port', `${field}.port`, `port "${value}" is a quoted number; read as ${Number(value)}`);
    value = Number(value);
  }
  if (value === undefined || value === null) {
    if (port.endPort !== undefined) {
      report(r, 'error', 'invalid-port', `${field}.endPort`, 'endPort requires a numeric port; the entry matches nothing');
      return null;
    }
    return { kind: 'all', protocol };
  }
  if (typeof value === 'string') {
    if (port.endPort !== undefined) {
      report(r, 'error', 'invalid-port', `${field}.endPort`, 'endPort cannot be used with a named port; the entry matches nothing');
      return null;
    }
    if (value === '') {
      report(r, 'error', 'invalid-port', `${field}.port`, 'empty port name; the entry matches nothing');
      return null;
    }
    return { kind: 'named', protocol, name: value };
  }
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    report(r, 'error', 'invalid-port', `${field}.port`, `port ${String(value)} is not 1..65535; the entry matches nothing`);
    return null;
  }
  let to = value;
  if (port.endPort !== undefined && port.endPort !== null) {
    if (!Number.isInteger(port.endPort) || port.endPort < value || port.endPort > 65535) {
      report(r, 'error', 'invalid-port', `${field}.endPort`, `endPort ${String(port.endPort)} is not ${value}..65535; the entry matches nothing`);
      return null;
    }
    to = port.endPort;
  }
  return { kind: 'range', protocol, from: value, to };
}

function normalizeRule(
  r: Reporter,
  namespace: string,
  rule: { from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] },
  direction: Direction,
  field: string,
): NormalizedRule {
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  const rawPeers = (rule ?? {})[peerKey];
  const rawPorts = (rule ?? {}).ports;
  const peersField = listField(rawPeers);
  const portsField = listField(rawPorts);
  const peers: NormalizedPeer[] = [];
  if (peersField === 'list') {
    (rawPeers as NetworkPolicyPeer[]).forEach((peer, i) => {
      const p = normalizePeer(r, namespace, peer, `${field}.${peerKey}[${i}]`);
      if (p) peers.push(p);
    });
  }
  const ports: NormalizedPort[] = [];
  if (portsField === 'list') {
    (rawPorts as NetworkPolicyPort[]).forEach((port, i) => {
      const p = normalizePort(r, port, `${field}.ports[${i}]`);
      if (p) ports.push(p);
    });
  }
  return { peersField, allPeers: peersField !== 'list', peers, portsField, allPorts: portsField !== 'list', ports };
}

/** Normalizes one NetworkPolicy; problems are appended, never thrown. */
export function normalizeNetworkPolicy(policy: NetworkPolicy, problems: Problem[]): NormalizedPolicy {
  const name = policy.metadata?.name ?? '';
  let namespace = policy.metadata?.namespace ?? '';
  const r: Reporter = { object: '', problems };
  if (!namespace) {
    namespace = 'default';
    r.object = policyRef(namespace, name);
    report(r, 'warning', 'missing-namespace', 'metadata.namespace', 'policy has no namespace; read as "default"');
  }
  r.object = policyRef(namespace, name);
  const spec = policy.spec ?? ({} as NetworkPolicy['spec']);
  if (spec.podSelector === undefined || spec.podSelector === null) {
    report(r, 'warning', 'invalid-object', 'spec.podSelector', 'podSelector is missing; read as {} (all pods), as the API server defaults it');
  }
  const podSelector = compileReported(r, spec.podSelector ?? {}, 'spec.podSelector');
  const sections: Record<Direction, ListField> = { ingress: listField(spec.ingress), egress: listField(spec.egress) };

  // An explicit empty list defaults like an absent one: the API server only keeps non-empty lists.
  const explicit = Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0;
  const policyTypes: Direction[] = [];
  if (explicit) {
    spec.policyTypes!.forEach((t, i) => {
      if (t === 'Ingress' || t === 'Egress') {
        const d = t === 'Ingress' ? 'ingress' : 'egress';
        if (!policyTypes.includes(d)) policyTypes.push(d);
      } else {
        report(r, 'error', 'invalid-object', `spec.policyTypes[${i}]`, `policyType "${String(t)}" is not Ingress or Egress; ignored`);
      }
    });
    policyTypes.sort((a, b) => DIRECTIONS.indexOf(a) - DIRECTIONS.indexOf(b));
  } else {
    // The API server adds Egress only for a non-empty egress list (`len(spec.Egress) != 0`):
    // `egress: []` without policyTypes leaves egress open.
    policyTypes.push('ingress');
    if (sections.egress === 'list') policyTypes.push('egress');
  }

  const rules: Record<Direction, NormalizedRule[]> = { ingress: [], egress: [] };
  let ipBlockCount = 0;
  for (const direction of DIRECTIONS) {
    const raw = spec[direction];
    if (raw !== undefined && raw !== null && !Array.isArray(raw)) {
      report(r, 'error', 'invalid-object', `spec.${direction}`, `${direction} must be a list; read as no rules`);
      continue;
    }
    const written = (raw ?? []) as { from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
    if (!policyTypes.includes(direction)) {
      if (written.length > 0) {
        report(r, 'warning', 'ignored-rules', `spec.${direction}`,
          `${direction} rules are ignored: policyTypes does not include ${direction === 'ingress' ? 'Ingress' : 'Egress'}`);
      }
      continue;
    }
    rules[direction] = written.map((rule, i) => normalizeRule(r, namespace, rule, direction, `spec.${direction}[${i}]`));
    for (const rule of rules[direction]) ipBlockCount += rule.peers.filter((p) => p.kind === 'ipBlock').length;
  }

  return {
    kind: 'NetworkPolicy',
    namespace,
    name,
    podSelector,
    selectsAllPods: podSelector.kind === 'all',
    policyTypes,
    policyTypesDefaulted: !explicit,
    sections,
    rules,
    ipBlockCount,
  };
}

export function isolatesDirection(policy: NormalizedPolicy, direction: Direction): boolean {
  return policy.policyTypes.includes(direction);
}

/** The default-deny baseline shape: all pods, the direction in policyTypes, no rule for it. */
export function isDefaultDenyPolicy(policy: NormalizedPolicy, direction: Direction): boolean {
  return policy.selectsAllPods && isolatesDirection(policy, direction) && policy.rules[direction].length === 0;
}

/**
 * Why a rule admits every peer on every port, or [] when it does not. Only rules with absent or
 * empty `ports` qualify. "Every peer" is any of: absent/empty `from`/`to`; a peer with
 * `namespaceSelector: {}` and `podSelector` absent or `{}` (every pod of the cluster); an ipBlock
 * `0.0.0.0/0` or `::/0` without `except` (a whole address family).
 */
export function allowAllReasons(rule: NormalizedRule): AllowAllReason[] {
  if (!rule.allPorts) return [];
  if (rule.allPeers) return ['any-peer'];
  const reasons = new Set<AllowAllReason>();
  for (const peer of rule.peers) {
    if (peer.kind === 'namespaces' && peer.namespaceSelector.kind === 'all') reasons.add('all-namespaces');
    if (peer.kind === 'podsInNamespaces' && peer.namespaceSelector.kind === 'all' && peer.podSelector.kind === 'all') {
      reasons.add('all-namespaces');
    }
    if (peer.kind === 'ipBlock' && peer.prefix === 0 && peer.except.length === 0) {
      reasons.add(peer.family === 4 ? 'all-ipv4' : 'all-ipv6');
    }
  }
  return [...reasons].sort();
}
