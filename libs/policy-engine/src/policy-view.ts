// What one NetworkPolicy allows, in words: per direction whether it isolates, per rule its peers
// (pod / namespace selectors, ipBlocks with except) and ports, and the Kubernetes rules a reader
// trips over (AND inside one peer entry, OR across entries, absent vs empty lists, "no rules" =
// deny). Pure: reads the normalized view only, so the wording follows the engine's defaulting.
import type { Labels } from './model';
import { allowAllReasons, isDefaultDenyPolicy, type AllowAllReason, type Direction, type ListField, type NormalizedPeer, type NormalizedPolicy, type NormalizedPort, type NormalizedRule } from './policies';
import { matchesSelector, type CompiledSelector } from './selectors';

export const NAMESPACE_NAME_KEY = 'kubernetes.io/metadata.name';

export interface PeerDescription {
  kind: NormalizedPeer['kind'];
  /** The peer in words, e.g. `pods with app=web in namespace shop`. */
  text: string;
  podSelector: string | null;
  namespaceSelector: string | null;
  cidr: string | null;
  except: string[];
}

export interface PortDescription {
  kind: NormalizedPort['kind'];
  protocol: string;
  /** `TCP 8080`, `TCP 8000-8100`, `TCP port named "http"`, `every UDP port`. */
  text: string;
}

export interface RuleDescription {
  /** Position in `spec.ingress` / `spec.egress`. */
  index: number;
  peersField: ListField;
  portsField: ListField;
  allPeers: boolean;
  allPorts: boolean;
  peers: PeerDescription[];
  ports: PortDescription[];
  /** Non-empty when the rule admits every peer on every port (it undoes a default-deny). */
  allowAll: AllowAllReason[];
  /** The rule in one sentence. */
  text: string;
  /** Why it reads that way (absent vs empty, AND vs OR), when it matters. */
  notes: string[];
}

export interface DirectionDescription {
  direction: Direction;
  /** The direction is in the effective policyTypes: selected pods become isolated for it. */
  isolates: boolean;
  /** How `spec.ingress` / `spec.egress` was written. */
  section: ListField;
  /** Isolates and has no rule: the default-deny shape when it also selects every pod. */
  allowsNothing: boolean;
  /** `podSelector: {}`, the direction isolated and no rule: a default-deny baseline policy. */
  defaultDenyShape: boolean;
  /** Some rule admits every peer on every port. */
  allowAll: boolean;
  rules: RuleDescription[];
  /** Rules written for a direction not in policyTypes (the API server ignores them). */
  ignoredRules: number;
  text: string;
}

export interface PolicyDescription {
  podSelector: string;
  selectsAllPods: boolean;
  policyTypes: Direction[];
  policyTypesDefaulted: boolean;
  /** `policyTypes` in words, with the defaulting rule when it was not written. */
  policyTypesText: string;
  ingress: DirectionDescription;
  egress: DirectionDescription;
  /** One sentence for the whole policy. */
  summary: string;
}

const OP_TEXT: Record<string, (key: string, values: string[]) => string> = {
  In: (k, v) => (v.length === 1 ? `${k}=${v[0]}` : `${k} in (${v.join(', ')})`),
  NotIn: (k, v) => (v.length === 1 ? `${k}!=${v[0]} (or no ${k} label)` : `${k} not in (${v.join(', ')}) (or no ${k} label)`),
  Exists: (k) => `has label ${k}`,
  DoesNotExist: (k) => `no label ${k}`,
};

/** A compiled selector in words; `{}` is `null` here, the caller words "everything". */
export function selectorText(selector: CompiledSelector): string | null {
  if (selector.kind === 'all') return null;
  if (selector.kind === 'invalid') return 'an invalid selector (matches nothing)';
  return selector.requirements.map((r) => OP_TEXT[r.operator](r.key, r.values)).join(' and ');
}

/** `kubernetes.io/metadata.name=x` (alone) names one namespace: say so. */
function namespaceSelectorText(selector: CompiledSelector): string {
  if (selector.kind === 'match' && selector.requirements.length === 1) {
    const [r] = selector.requirements;
    if (r.key === NAMESPACE_NAME_KEY && r.operator === 'In') {
      return r.values.length === 1 ? `namespace ${r.values[0]}` : `namespaces ${r.values.join(', ')}`;
    }
  }
  const text = selectorText(selector);
  return text === null ? 'every namespace' : `namespaces with ${text}`;
}

function podsText(selector: CompiledSelector): string {
  const text = selectorText(selector);
  return text === null ? 'every pod' : `pods with ${text}`;
}

export function describePeer(peer: NormalizedPeer): PeerDescription {
  switch (peer.kind) {
    case 'pods':
      return {
        kind: peer.kind,
        text: `${podsText(peer.podSelector)} in this namespace (${peer.namespace})`,
        podSelector: selectorText(peer.podSelector) ?? '{}',
        namespaceSelector: null,
        cidr: null,
        except: [],
      };
    case 'namespaces':
      return {
        kind: peer.kind,
        text: peer.namespaceSelector.kind === 'all' ? 'every pod in every namespace of the cluster' : `every pod in ${namespaceSelectorText(peer.namespaceSelector)}`,
        podSelector: null,
        namespaceSelector: selectorText(peer.namespaceSelector) ?? '{}',
        cidr: null,
        except: [],
      };
    case 'podsInNamespaces':
      return {
        kind: peer.kind,
        text: `${podsText(peer.podSelector)} in ${namespaceSelectorText(peer.namespaceSelector)} (both selectors must match)`,
        podSelector: selectorText(peer.podSelector) ?? '{}',
        namespaceSelector: selectorText(peer.namespaceSelector) ?? '{}',
        cidr: null,
        except: [],
      };
    case 'ipBlock': {
      const whole = peer.prefix === 0 ? (peer.family === 4 ? 'every IPv4 address' : 'every IPv6 address') : `addresses in ${peer.cidr}`;
      return {
        kind: peer.kind,
        text: peer.except.length > 0 ? `${whole} (${peer.cidr}) except ${peer.except.join(', ')}` : peer.prefix === 0 ? `${whole} (${peer.cidr})` : whole,
        podSelector: null,
        namespaceSelector: null,
        cidr: peer.cidr,
        except: [...peer.except],
      };
    }
  }
}

export function describePort(port: NormalizedPort): PortDescription {
  switch (port.kind) {
    case 'all':
      return { kind: port.kind, protocol: port.protocol, text: `every ${port.protocol} port` };
    case 'range':
      return { kind: port.kind, protocol: port.protocol, text: port.from === port.to ? `${port.protocol} ${port.from}` : `${port.protocol} ${port.from}-${port.to}` };
    case 'named':
      return { kind: port.kind, protocol: port.protocol, text: `${port.protocol} port named "${port.name}"` };
  }
}

const ALLOW_ALL_TEXT: Record<AllowAllReason, string> = {
  'any-peer': 'every peer',
  'all-namespaces': 'every pod of every namespace',
  'all-ipv4': 'every IPv4 address',
  'all-ipv6': 'every IPv6 address',
};

export function allowAllText(reasons: readonly AllowAllReason[]): string {
  return reasons.map((r) => ALLOW_ALL_TEXT[r]).join(', ');
}

function describeRule(rule: NormalizedRule, index: number, direction: Direction): RuleDescription {
  const field = direction === 'ingress' ? 'from' : 'to';
  const preposition = direction === 'ingress' ? 'from' : 'to';
  const peers = rule.peers.map(describePeer);
  const ports = rule.ports.map(describePort);
  const notes: string[] = [];
  let peersText: string;
  if (rule.peersField === 'absent') {
    peersText = direction === 'ingress' ? 'from any source' : 'to any destination';
    notes.push(`No \`${field}\`: the rule matches every peer, inside the cluster and outside it.`);
  } else if (rule.peersField === 'empty') {
    peersText = direction === 'ingress' ? 'from any source' : 'to any destination';
    notes.push(`\`${field}: []\` is read like an absent \`${field}\`: the rule matches every peer.`);
  } else if (peers.length === 0) {
    peersText = `${preposition} no peer (every listed peer is invalid)`;
    notes.push('Every peer entry is invalid, so the rule matches nothing; the list is not read as "every peer".');
  } else {
    peersText = `${preposition} ${peers.map((p) => p.text).join(', or ')}`;
    if (peers.length > 1) notes.push(`${peers.length} separate \`${field}\` entries: a peer matching any one of them is allowed (OR).`);
    if (peers.some((p) => p.kind === 'podsInNamespaces')) {
      notes.push('podSelector and namespaceSelector in the same entry: a peer must match both (AND). Written as two entries, they would be an OR.');
    }
    if (peers.some((p) => p.kind === 'ipBlock')) notes.push('ipBlock is meant for addresses outside the cluster; pod IPs are matched by selectors.');
  }
  let portsText: string;
  if (rule.portsField === 'absent') {
    portsText = 'on every port';
  } else if (rule.portsField === 'empty') {
    portsText = 'on every port';
    notes.push('`ports: []` is read like absent `ports`: every port of every protocol.');
  } else if (ports.length === 0) {
    portsText = 'on no port (every port entry is invalid)';
  } else {
    portsText = `on ${ports.map((p) => p.text).join(', ')}`;
    if (rule.ports.some((p) => p.kind === 'named')) notes.push('A named port is resolved against the destination pod\'s container ports.');
  }
  const allowAll = allowAllReasons(rule);
  return {
    index,
    peersField: rule.peersField,
    portsField: rule.portsField,
    allPeers: rule.allPeers,
    allPorts: rule.allPorts,
    peers,
    ports,
    allowAll,
    text: `Allows traffic ${peersText} ${portsText}.`,
    notes,
  };
}

function describeDirection(policy: NormalizedPolicy, direction: Direction, ignoredRules: number): DirectionDescription {
  const Dir = direction === 'ingress' ? 'Ingress' : 'Egress';
  const isolates = policy.policyTypes.includes(direction);
  const rules = isolates ? policy.rules[direction].map((r, i) => describeRule(r, i, direction)) : [];
  const section = policy.sections[direction];
  const defaultDenyShape = isDefaultDenyPolicy(policy, direction);
  const allowAll = rules.some((r) => r.allowAll.length > 0);
  let text: string;
  if (!isolates) {
    text = `Leaves ${direction} alone: ${Dir} is not in policyTypes, so this policy neither isolates nor allows ${direction} traffic.`;
    if (ignoredRules > 0) text += ` Its ${ignoredRules} written ${direction} rule(s) are ignored.`;
  } else if (rules.length === 0) {
    const how = section === 'absent' ? `no \`${direction}\` section` : `\`${direction}: []\``;
    text = `Isolates ${direction} of the selected pods and allows nothing (${how} with ${Dir} in policyTypes means no rule): ${direction} traffic is denied unless another policy selecting the same pods allows it.`;
  } else {
    text = `Isolates ${direction} of the selected pods and allows only what its ${rules.length} rule(s) match (rules are ORed, and policies selecting the same pods add up).`;
  }
  return { direction, isolates, section, allowsNothing: isolates && rules.length === 0, defaultDenyShape, allowAll, rules, ignoredRules, text };
}

/** Describes a normalized policy; `written` counts the rules as written, for sections policyTypes ignores. */
export function describeNetworkPolicy(policy: NormalizedPolicy, written: { ingress: number; egress: number }): PolicyDescription {
  const podSelector = policy.selectsAllPods ? `every pod in namespace ${policy.namespace} (podSelector: {}), now and later` : `${podsText(policy.podSelector)} in namespace ${policy.namespace}`;
  const typeNames = policy.policyTypes.map((d) => (d === 'ingress' ? 'Ingress' : 'Egress'));
  const policyTypesText = policy.policyTypesDefaulted
    ? `policyTypes not written: read as ${typeNames.join(' and ')} (Ingress always, Egress only when the policy has egress rules).`
    : `policyTypes: ${typeNames.join(', ') || 'none'}.`;
  const ingress = describeDirection(policy, 'ingress', policy.policyTypes.includes('ingress') ? 0 : written.ingress);
  const egress = describeDirection(policy, 'egress', policy.policyTypes.includes('egress') ? 0 : written.egress);
  const parts: string[] = [];
  for (const d of [ingress, egress]) {
    if (!d.isolates) continue;
    if (d.allowsNothing) parts.push(`denies all ${d.direction}`);
    else if (d.allowAll) parts.push(`allows all ${d.direction} (a rule admits every peer on every port)`);
    else parts.push(`allows ${d.direction} through ${d.rules.length} rule(s)`);
  }
  const summary = `Selects ${podSelector}; ${parts.length > 0 ? parts.join('; ') : 'isolates no direction'}.`;
  return { podSelector, selectsAllPods: policy.selectsAllPods, policyTypes: [...policy.policyTypes], policyTypesDefaulted: policy.policyTypesDefaulted, policyTypesText, ingress, egress, summary };
}

/** Whether the policy's podSelector selects a pod with these labels (same namespace assumed). */
export function policySelects(policy: NormalizedPolicy, labels: Labels): boolean {
  return matchesSelector(policy.podSelector, labels);
}
