// The L3/L4 rules of one Cilium rule (a CiliumNetworkPolicy's `spec` or one of its `specs`, or a
// CiliumClusterwideNetworkPolicy's), read into the engine's rule shape so that reachability
// evaluates them exactly as it does NetworkPolicy rules: a rule admits a peer when its L3 part
// (one of fromEndpoints, fromCIDR/fromCIDRSet, fromEntities; none at all = every peer) and its
// L4 part (toPorts; none = every port) both match. Allow rules add up; deny rules
// (ingressDeny/egressDeny) take precedence over every allow, from any policy.
//
// From the Cilium documentation (docs.cilium.io, security/policy):
// - "Layer 3 Examples" / "Using Kubernetes Constructs in Policy": in a CiliumNetworkPolicy,
//   fromEndpoints/toEndpoints select pods of the policy's own namespace unless the selector names
//   `k8s:io.kubernetes.pod.namespace` (with or without the prefix); in a clusterwide policy an empty
//   selector is every Cilium-managed pod of every namespace (not world, host or nodes).
//   `io.cilium.k8s.namespace.labels.*` is "supported only for a CiliumClusterwideNetworkPolicy … will
//   be ignored in CiliumNetworkPolicy resources".
// - "IP/CIDR based": CIDR rules "do not apply to traffic where both sides of the connection are …
//   managed by Cilium": they match external addresses only (as Kordon's ipBlocks do).
// - "Entities based": `world` is "identical to allowing to CIDR 0.0.0.0/0" (outside the cluster),
//   `cluster` is every endpoint of the cluster, `all` everything.
// - "Layer 4 Examples": `protocol` omitted or ANY is TCP, UDP and SCTP; a named `port` ignores
//   `endPort`; a rule with only toPorts admits every layer 3 peer on those ports.
// - "Deny Policies": "Deny policies take precedence over allow policies, regardless of whether they
//   are a Cilium Network Policy, a Clusterwide Cilium Network Policy or even a Kubernetes Network
//   Policy"; they take toPorts but no L7 rules and no toFQDNs.
// - An empty list (`fromEndpoints: []`) selects nothing; an empty rule `{}` allows nothing.
//
// Not statically knowable, left to `notes` (the report's notEvaluated): L7 rules (they restrict an
// allowed L4 connection: the connection is shown, "with L7 rules"), toFQDNs (a name, not an
// address), service-account selectors (pods carry no service account here), entities that are no
// Kordon peer (host, remote-node, kube-apiserver, …), toServices/toGroups/fromNodes/toNodes, ICMP.

import { parseCidr } from './ip-ranges';
import type { LabelSelector, Problem, Protocol } from './model';
import { DIRECTIONS, type Direction, type NormalizedPeer, type NormalizedPort, type NormalizedRule } from './policies';
import { compileSelector, type CompiledSelector, type SelectorRequirement } from './selectors';

export const CILIUM_NS_KEY = 'io.kubernetes.pod.namespace';
export const CILIUM_NS_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';
const CILIUM_SA_KEY = 'io.cilium.k8s.policy.serviceaccount';
const NAME_LABEL = 'kubernetes.io/metadata.name';

/** A rule in the engine's shape; `l7` names the L7 rule kinds (http, dns, kafka…) that restrict it. */
export type CiliumRule = NormalizedRule & { l7?: string[] };

export interface CiliumRuleSet {
  allow: CiliumRule[];
  deny: CiliumRule[];
  /** Egress `toFQDNs` rules: the names or patterns, and the rule's ports (no address range). */
  fqdn: { patterns: string[]; rule: CiliumRule }[];
}

export interface CiliumRules {
  rules: Record<Direction, CiliumRuleSet>;
  /** What is not evaluated in this rule, one line each (L7, FQDN, service accounts, host entities). */
  notes: string[];
}

export function ciliumKey(key: string): string {
  // `k8s:` and `any:` are source prefixes; pods only carry k8s labels, so both mean the bare key.
  if (key.startsWith('k8s:')) return key.slice(4);
  if (key.startsWith('any:')) return key.slice(4);
  return key;
}

const isList = (v: unknown): v is unknown[] => Array.isArray(v);
const ALL_PROTOCOLS: Protocol[] = ['TCP', 'UDP', 'SCTP'];
const PEER_ENTITIES = new Set(['all', 'world', 'world-ipv4', 'world-ipv6', 'cluster']);
const KNOWN_ENTITIES = new Set([...PEER_ENTITIES, 'host', 'remote-node', 'kube-apiserver', 'health', 'init', 'ingress', 'unmanaged', 'none']);

interface Ctx {
  object: string;
  /** The policy's namespace for a CiliumNetworkPolicy; null for a clusterwide one. */
  ownNamespace: string | null;
  problems: Problem[];
  notes: Set<string>;
}

/** A Cilium endpoint selector as a peer: pods, in the namespaces it reaches. Null: selects nothing Kordon sees. */
function endpointsPeer(raw: unknown, field: string, ctx: Ctx): NormalizedPeer | null {
  if (!raw || typeof raw !== 'object') {
    ctx.problems.push({ severity: 'error', code: 'invalid-selector', message: 'an endpoint selector must be an object; it selects nothing', object: ctx.object, field });
    return null;
  }
  const sel = raw as LabelSelector;
  const keys = [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e) => String(e?.key ?? ''))];
  if (keys.some((k) => k.startsWith('reserved:'))) {
    ctx.notes.add(`${field} selects reserved identities (${keys.filter((k) => k.startsWith('reserved:')).join(', ')}): not a pod Kordon sees, not evaluated`);
    return null;
  }
  const compiled = compileSelector({
    matchLabels: Object.fromEntries(Object.entries(sel.matchLabels ?? {}).map(([k, v]) => [ciliumKey(k), v])),
    matchExpressions: (sel.matchExpressions ?? []).map((e) => ({ ...e, key: ciliumKey(String(e?.key ?? '')) })),
  });
  if (compiled.kind === 'invalid') {
    ctx.problems.push({ severity: 'error', code: 'invalid-selector', message: `${compiled.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}; it selects nothing`, object: ctx.object, field });
    return null;
  }
  const reqs = compiled.kind === 'all' ? [] : compiled.requirements;
  if (reqs.some((r) => r.key === CILIUM_SA_KEY)) {
    ctx.notes.add(`${field} selects pods by service account (${CILIUM_SA_KEY}): service accounts are not collected, so it is taken to match no pod`);
    return null;
  }
  const namesNamespace = reqs.some((r) => r.key === CILIUM_NS_KEY);
  const nsReqs: SelectorRequirement[] = [];
  const podReqs: SelectorRequirement[] = [];
  for (const r of reqs) {
    if (r.key === CILIUM_NS_KEY) nsReqs.push({ ...r, key: NAME_LABEL });
    else if (r.key.startsWith(CILIUM_NS_LABEL_PREFIX)) {
      if (ctx.ownNamespace !== null) {
        ctx.problems.push({
          severity: 'warning',
          code: 'ignored-field',
          message: `${r.key} is supported only in a CiliumClusterwideNetworkPolicy; Cilium ignores it here`,
          object: ctx.object,
          field,
        });
      } else nsReqs.push({ ...r, key: r.key.slice(CILIUM_NS_LABEL_PREFIX.length) });
    } else podReqs.push(r);
  }
  const podSelector: CompiledSelector = podReqs.length === 0 ? { kind: 'all' } : { kind: 'match', requirements: podReqs };
  if (ctx.ownNamespace !== null && !namesNamespace) return { kind: 'pods', namespace: ctx.ownNamespace, podSelector };
  const namespaceSelector: CompiledSelector = nsReqs.length === 0 ? { kind: 'all' } : { kind: 'match', requirements: nsReqs };
  return { kind: 'podsInNamespaces', namespaceSelector, podSelector };
}

function cidrPeer(cidr: unknown, except: unknown, field: string, ctx: Ctx): NormalizedPeer | null {
  if (typeof cidr !== 'string') {
    ctx.problems.push({ severity: 'error', code: 'invalid-cidr', message: 'a CIDR must be a string; the entry matches nothing', object: ctx.object, field });
    return null;
  }
  // fromCIDR accepts a bare address (a /32 or /128).
  const text = cidr.includes('/') ? cidr : cidr.includes(':') ? `${cidr}/128` : `${cidr}/32`;
  const parsed = parseCidr(text);
  if (!parsed.ok) {
    ctx.problems.push({ severity: 'error', code: 'invalid-cidr', message: `"${cidr}" is not a valid CIDR (${parsed.error}); the entry matches nothing`, object: ctx.object, field });
    return null;
  }
  const ex: string[] = [];
  if (except !== undefined) {
    if (!isList(except)) {
      ctx.problems.push({ severity: 'error', code: 'invalid-cidr', message: 'except must be a list of CIDRs; the entry matches nothing', object: ctx.object, field: `${field}.except` });
      return null;
    }
    for (const [i, e] of except.entries()) {
      const p = typeof e === 'string' ? parseCidr(e) : null;
      if (!p || !p.ok) {
        ctx.problems.push({ severity: 'error', code: 'invalid-cidr', message: `"${String(e)}" is not a valid CIDR; the entry matches nothing`, object: ctx.object, field: `${field}.except[${i}]` });
        return null;
      }
      if (p.range.family !== parsed.range.family || p.range.start < parsed.range.start || p.range.end > parsed.range.end) {
        ctx.problems.push({ severity: 'error', code: 'invalid-cidr', message: `except ${e} is not inside ${cidr}; the entry matches nothing`, object: ctx.object, field: `${field}.except[${i}]` });
        return null;
      }
      ex.push(e as string);
    }
  }
  return { kind: 'ipBlock', cidr: text, except: ex, family: parsed.range.family, prefix: parsed.range.prefix };
}

function entityPeers(entity: unknown, field: string, ctx: Ctx): NormalizedPeer[] | 'all' {
  if (typeof entity !== 'string' || !KNOWN_ENTITIES.has(entity)) {
    ctx.problems.push({ severity: 'error', code: 'invalid-object', message: `unknown entity ${JSON.stringify(entity)}; it matches nothing`, object: ctx.object, field });
    return [];
  }
  const block = (cidr: string): NormalizedPeer => {
    const p = parseCidr(cidr);
    if (!p.ok) throw new Error(`internal: ${cidr}`);
    return { kind: 'ipBlock', cidr, except: [], family: p.range.family, prefix: 0 };
  };
  switch (entity) {
    case 'all':
      return 'all';
    case 'world':
      return [block('0.0.0.0/0'), block('::/0')];
    case 'world-ipv4':
      return [block('0.0.0.0/0')];
    case 'world-ipv6':
      return [block('::/0')];
    case 'cluster':
      // Every pod of every namespace (and nodes, which are no Kordon peer).
      ctx.notes.add(`${field}: the cluster entity also covers nodes and host-networked pods, which are not evaluated as peers`);
      return [{ kind: 'namespaces', namespaceSelector: { kind: 'all' } }];
    case 'none':
      return [];
    default:
      ctx.notes.add(`${field}: entity "${entity}" (nodes, the API server or Cilium's own endpoints) is not a peer Kordon evaluates`);
      return [];
  }
}

function readPorts(toPorts: unknown, field: string, ctx: Ctx, deny: boolean): { allPorts: boolean; ports: NormalizedPort[]; l7: string[] } {
  const l7 = new Set<string>();
  if (toPorts === undefined || toPorts === null) return { allPorts: true, ports: [], l7: [] };
  if (!isList(toPorts)) {
    ctx.problems.push({ severity: 'error', code: 'invalid-object', message: 'toPorts must be a list; the rule matches nothing', object: ctx.object, field });
    return { allPorts: false, ports: [], l7: [] };
  }
  if (toPorts.length === 0) return { allPorts: true, ports: [], l7: [] };
  const ports: NormalizedPort[] = [];
  for (const [i, pr] of toPorts.entries()) {
    const f = `${field}[${i}]`;
    const rule = (pr ?? {}) as { ports?: unknown; rules?: Record<string, unknown> };
    if (!deny && rule.rules && typeof rule.rules === 'object') {
      const kinds = Object.keys(rule.rules).filter((k) => isList(rule.rules![k]) || (rule.rules![k] && typeof rule.rules![k] === 'object'));
      for (const k of kinds) l7.add(k);
      if (kinds.length > 0) ctx.notes.add(`${f}.rules: L7 rules (${kinds.sort().join(', ')}) restrict the allowed L4 connection; not evaluated, the connection is shown as allowed`);
    }
    if (rule.ports === undefined || rule.ports === null || (isList(rule.ports) && rule.ports.length === 0)) {
      // No ports listed: every port (the rule's L7 part, if any, is noted above).
      for (const protocol of ALL_PROTOCOLS) ports.push({ kind: 'all', protocol });
      continue;
    }
    if (!isList(rule.ports)) {
      ctx.problems.push({ severity: 'error', code: 'invalid-object', message: 'ports must be a list; the entry matches nothing', object: ctx.object, field: `${f}.ports` });
      continue;
    }
    for (const [j, p] of rule.ports.entries()) {
      const pf = `${f}.ports[${j}]`;
      const pp = (p ?? {}) as { port?: unknown; endPort?: unknown; protocol?: unknown };
      const proto = pp.protocol === undefined || pp.protocol === null || pp.protocol === '' ? 'ANY' : String(pp.protocol).toUpperCase();
      if (!['TCP', 'UDP', 'SCTP', 'ANY'].includes(proto)) {
        ctx.problems.push({ severity: 'error', code: 'invalid-port', message: `protocol ${JSON.stringify(pp.protocol)} is not TCP, UDP, SCTP or ANY; the port matches nothing`, object: ctx.object, field: `${pf}.protocol` });
        continue;
      }
      const protocols: Protocol[] = proto === 'ANY' ? ALL_PROTOCOLS : [proto as Protocol];
      const portText = pp.port === undefined || pp.port === null ? '0' : String(pp.port);
      if (/^\d+$/.test(portText)) {
        const from = Number(portText);
        if (from > 65535) {
          ctx.problems.push({ severity: 'error', code: 'invalid-port', message: `port ${portText} is out of range; the port matches nothing`, object: ctx.object, field: `${pf}.port` });
          continue;
        }
        let to = from;
        if (pp.endPort !== undefined && pp.endPort !== null && from !== 0) {
          const end = Number(pp.endPort);
          if (!Number.isInteger(end) || end < from || end > 65535) {
            ctx.problems.push({ severity: 'error', code: 'invalid-port', message: `endPort ${String(pp.endPort)} must be a port number ≥ port ${from}; the port matches nothing`, object: ctx.object, field: `${pf}.endPort` });
            continue;
          }
          to = end;
        }
        for (const protocol of protocols) ports.push(from === 0 ? { kind: 'all', protocol } : { kind: 'range', protocol, from, to });
      } else {
        // A named port (endPort is ignored), matched against the destination's container ports.
        for (const protocol of protocols) ports.push({ kind: 'named', protocol, name: portText.toLowerCase() });
      }
    }
  }
  return { allPorts: false, ports, l7: [...l7].sort() };
}

const L3_FIELDS: Record<Direction, string[]> = {
  ingress: ['fromEndpoints', 'fromCIDR', 'fromCIDRSet', 'fromEntities'],
  egress: ['toEndpoints', 'toCIDR', 'toCIDRSet', 'toEntities'],
};
const UNEVALUATED_L3: Record<Direction, string[]> = {
  ingress: ['fromNodes', 'fromGroups', 'fromRequires'],
  egress: ['toServices', 'toGroups', 'toNodes', 'toRequires'],
};

function readRule(raw: unknown, d: Direction, field: string, ctx: Ctx, deny: boolean, fqdnOut?: CiliumRuleSet['fqdn']): CiliumRule | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    ctx.problems.push({ severity: 'error', code: 'invalid-object', message: 'a rule must be an object; it allows nothing', object: ctx.object, field });
    return null;
  }
  const rule = raw as Record<string, unknown>;
  const prefix = d === 'ingress' ? 'from' : 'to';
  for (const f of UNEVALUATED_L3[d]) {
    if (rule[f] !== undefined) ctx.notes.add(`${field}.${f} is not evaluated: the rule is taken to match no peer`);
  }
  if (rule.icmps !== undefined) ctx.notes.add(`${field}.icmps: ICMP is not evaluated`);
  const fqdnNames: string[] = [];
  if (!deny && rule.toFQDNs !== undefined) {
    if (isList(rule.toFQDNs)) {
      for (const x of rule.toFQDNs) {
        const name = (x as { matchName?: unknown })?.matchName ?? (x as { matchPattern?: unknown })?.matchPattern;
        if (typeof name === 'string' && name !== '') fqdnNames.push(name);
      }
    }
    ctx.notes.add(`${field}.toFQDNs: egress to FQDN ${fqdnNames.join(', ') || '(none)'} is shown as the peer "FQDN <name>"; which addresses that reaches depends on DNS answers, not evaluated`);
  }
  const l3 = L3_FIELDS[d].filter((f) => rule[f] !== undefined);
  const peers: NormalizedPeer[] = [];
  let allPeers = false;
  let anyL3 = l3.length > 0 || rule.toFQDNs !== undefined || UNEVALUATED_L3[d].some((f) => rule[f] !== undefined) || rule.icmps !== undefined;
  for (const f of l3) {
    const list = rule[f];
    if (!isList(list)) {
      ctx.problems.push({ severity: 'error', code: 'invalid-object', message: `${f} must be a list; it matches nothing`, object: ctx.object, field: `${field}.${f}` });
      continue;
    }
    list.forEach((item, i) => {
      const itemField = `${field}.${f}[${i}]`;
      if (f === `${prefix}Endpoints`) {
        const p = endpointsPeer(item, itemField, ctx);
        if (p) peers.push(p);
      } else if (f === `${prefix}CIDR`) {
        const p = cidrPeer(item, undefined, itemField, ctx);
        if (p) peers.push(p);
      } else if (f === `${prefix}CIDRSet`) {
        const s = (item ?? {}) as { cidr?: unknown; except?: unknown; cidrGroupRef?: unknown };
        if (s.cidr === undefined && s.cidrGroupRef !== undefined) ctx.notes.add(`${itemField}.cidrGroupRef: CiliumCIDRGroups are not collected; taken to match nothing`);
        else {
          const p = cidrPeer(s.cidr, s.except, itemField, ctx);
          if (p) peers.push(p);
        }
      } else {
        const p = entityPeers(item, itemField, ctx);
        if (p === 'all') allPeers = true;
        else peers.push(...p);
      }
    });
  }
  const { allPorts, ports, l7 } = readPorts(rule.toPorts, `${field}.toPorts`, ctx, deny);
  if (fqdnNames.length > 0 && fqdnOut) {
    fqdnOut.push({ patterns: [...new Set(fqdnNames)], rule: { peersField: 'list', allPeers: false, peers: [], portsField: allPorts ? 'absent' : 'list', allPorts, ports, ...(l7.length > 0 ? { l7 } : {}) } });
  }
  // ICMP only (`icmps` may not stand with toPorts): nothing Kordon's connections model.
  if (isList(rule.icmps) && rule.icmps.length > 0 && !(isList(rule.toPorts) && rule.toPorts.length > 0)) return null;
  // No L3 part at all: every peer on the listed ports, but only when some port is listed (an
  // empty rule `{}`, like `{toPorts: []}`, allows nothing).
  if (!anyL3) {
    if (!isList(rule.toPorts) || rule.toPorts.length === 0) return null;
    allPeers = true;
    anyL3 = true;
  }
  if (!allPeers && peers.length === 0) return null;
  return { peersField: 'list', allPeers, peers: allPeers ? [] : peers, portsField: allPorts ? 'absent' : 'list', allPorts, ports, ...(l7.length > 0 ? { l7 } : {}) };
}

/** The allow and deny rules of one Cilium rule per direction, with what is not evaluated. */
export function readCiliumRules(spec: Record<string, unknown>, object: string, ownNamespace: string | null, field: string, problems: Problem[]): CiliumRules {
  const ctx: Ctx = { object, ownNamespace, problems, notes: new Set() };
  const rules: Record<Direction, CiliumRuleSet> = { ingress: { allow: [], deny: [], fqdn: [] }, egress: { allow: [], deny: [], fqdn: [] } };
  for (const d of DIRECTIONS) {
    for (const [key, deny] of [
      [d, false],
      [`${d}Deny`, true],
    ] as const) {
      const list = spec[key];
      if (list === undefined || list === null) continue;
      if (!isList(list)) {
        problems.push({ severity: 'error', code: 'invalid-object', message: `${key} must be a list; not evaluated`, object, field: `${field}.${key}` });
        continue;
      }
      list.forEach((r, i) => {
        const rule = readRule(r, d, `${field}.${key}[${i}]`, ctx, deny, d === 'egress' && !deny ? rules.egress.fqdn : undefined);
        if (rule) (deny ? rules[d].deny : rules[d].allow).push(rule);
      });
    }
  }
  return { rules, notes: [...ctx.notes] };
}
