// Cluster and engine checks: enforcement, Azure NPM limits and retirement, kubenet retirement,
// Cilium's ipBlock semantics, and CRD policies the engine ignores or Kordon does not evaluate.

import { crdFamily, crdObjectName } from '../crd-policies';
import { cidrContains, parseCidr, type CidrRange } from '../ip-ranges';
import type { CrdPolicy, PodInfo } from '../model';
import { DIRECTIONS } from '../policies';
import { matchesSelector, type CompiledSelector } from '../selectors';
import { RULE } from './catalog';
import { dayNumber, listSome, plural, policyObject, type Emit, type FindingContext } from './context';
import type { FindingSeverity } from './finding.types';

export function checkEnforcement(ctx: FindingContext, emit: Emit): void {
  const { enforcement } = ctx.posture;
  const networkPolicies = ctx.policies.length;
  const crd = (ctx.state.crdPolicies ?? []).length;
  const namespaces = new Set(ctx.policies.map((p) => p.policy.namespace)).size;
  const objects = `${plural(networkPolicies, 'NetworkPolicy', 'NetworkPolicies')}${networkPolicies > 0 ? ` (in ${plural(namespaces, 'namespace')})` : ''} and ${plural(crd, 'CRD policy', 'CRD policies')}`;
  if (enforcement.engine === 'none' && networkPolicies + crd > 0) {
    const looksIsolated = ctx.posture.pods.filter((p) => p.ingress.isolated || p.egress.isolated).length;
    emit(RULE.policiesNotEnforced, {
      message:
        `networkProfile.networkPolicy is ${enforcement.networkPolicy === null ? 'absent' : `"${enforcement.networkPolicy}"`}: ${objects} ` +
        `exist but nothing enforces them; the ${plural(looksIsolated, 'pod')} they select ${looksIsolated === 1 ? 'is' : 'are'} open in both directions.`,
    });
  }
  if (enforcement.engine === 'unknown') {
    emit(RULE.engineUnconfirmed, {
      message: `Enforcement cannot be confirmed: ${enforcement.reason}. ${networkPolicies + crd === 0 ? 'The cluster has no policies yet.' : `${objects} ${networkPolicies + crd === 1 ? 'is' : 'are'} evaluated as written.`}`,
    });
  }
}

// ---------------------------------------------------------------- Azure NPM

const isWindows = (os: unknown): boolean => typeof os === 'string' && os.toLowerCase() === 'windows';

interface WindowsPlacement {
  pools: string[];
  nodes: Set<string>;
  /** Pods known to run on a Windows node: `namespace/name`. */
  pods: Set<string>;
}

function windowsPlacement(ctx: FindingContext): WindowsPlacement {
  const pools = (ctx.state.nodePools ?? []).filter((p) => isWindows(p.osType)).map((p) => p.name).sort();
  const nodes = new Set((ctx.state.nodes ?? []).filter((n) => isWindows(n.os)).map((n) => n.name));
  // AKS names Windows nodes `aks<pool><index>` (VMSS computer name prefix), so a pool name places pods even without the node list.
  const prefixes = pools.map((p) => `aks${p}`.toLowerCase());
  const pods = new Set<string>();
  for (const pod of ctx.pods) {
    if (!pod.nodeName) continue;
    const node = pod.nodeName.toLowerCase();
    if (nodes.has(pod.nodeName) || prefixes.some((p) => node.startsWith(p))) pods.add(`${pod.namespace}/${pod.name}`);
  }
  return { pools, nodes, pods };
}

function negativeKeys(selector: CompiledSelector): string[] {
  return selector.kind === 'match' ? selector.requirements.filter((r) => r.operator === 'NotIn' || r.operator === 'DoesNotExist').map((r) => `${r.operator} on ${r.key}`) : [];
}

export function checkAzureNpm(ctx: FindingContext, emit: Emit): void {
  if (ctx.posture.enforcement.engine !== 'azure') return;
  const windows = windowsPlacement(ctx);
  const hasWindows = windows.pools.length > 0 || windows.nodes.size > 0;
  // Per namespace, its pods on Windows nodes (in pod order), listed once for every policy there.
  const windowsPodsByNamespace = new Map<string, PodInfo[]>();

  for (const { policy } of ctx.policies) {
    // KORDON-013: the race on edit/delete grows with ipBlock sections.
    if (policy.ipBlockCount > 4) {
      emit(RULE.npmManyIpBlocks, {
        message: `NetworkPolicy ${policy.namespace}/${policy.name} has ${policy.ipBlockCount} ipBlock sections (Microsoft advises four or fewer on Azure NPM).`,
        namespace: policy.namespace,
        object: policyObject(policy),
      });
    }
    if (!hasWindows) continue;
    const features = new Set<string>();
    negativeKeys(policy.podSelector).forEach((f) => features.add(`podSelector ${f}`));
    for (const d of DIRECTIONS) {
      for (const rule of policy.rules[d]) {
        for (const port of rule.ports) {
          if (port.kind === 'named') features.add(`named port "${port.name}"`);
          if (port.protocol === 'SCTP') features.add('SCTP');
        }
        for (const peer of rule.peers) {
          if (peer.kind === 'ipBlock' && peer.except.length > 0) features.add(`except in ipBlock ${peer.cidr}`);
          if (peer.kind === 'pods' || peer.kind === 'podsInNamespaces') negativeKeys(peer.podSelector).forEach((f) => features.add(`peer podSelector ${f}`));
          if (peer.kind === 'namespaces' || peer.kind === 'podsInNamespaces') negativeKeys(peer.namespaceSelector).forEach((f) => features.add(`peer namespaceSelector ${f}`));
        }
      }
    }
    if (features.size === 0) continue;
    let where: string;
    if (windows.pods.size > 0) {
      let onWindows = windowsPodsByNamespace.get(policy.namespace);
      if (!onWindows) {
        onWindows = (ctx.podsByNamespace.get(policy.namespace) ?? []).filter((p) => windows.pods.has(`${p.namespace}/${p.name}`));
        windowsPodsByNamespace.set(policy.namespace, onWindows);
      }
      const selected = onWindows.filter((p) => matchesSelector(policy.podSelector, p.labels));
      if (selected.length === 0) continue;
      where = `it selects ${plural(selected.length, 'pod')} on Windows nodes (${listSome(selected.map((p) => p.name))})`;
    } else {
      where = `the cluster has Windows node ${windows.pools.length > 0 ? `pools ${windows.pools.join(', ')}` : 'nodes'} and where the selected pods run is unknown`;
    }
    emit(RULE.npmWindowsUnsupported, {
      message: `NetworkPolicy ${policy.namespace}/${policy.name} uses ${[...features].join(', ')}, which Azure NPM does not support on Windows; ${where}.`,
      namespace: policy.namespace,
      object: policyObject(policy),
    });
  }

  // KORDON-012: scale limits.
  const nodeCount = (ctx.state.nodes ?? []).length > 0
    ? (ctx.state.nodes ?? []).length
    : (ctx.state.nodePools ?? []).reduce((acc, p) => acc + (typeof p.count === 'number' ? p.count : 0), 0);
  const podCount = ctx.pods.length;
  const over: string[] = [];
  if (nodeCount > 250) over.push(`${nodeCount} nodes (limit 250)`);
  if (podCount > 20000) over.push(`${podCount} pods (limit 20,000)`);
  if (over.length > 0) {
    emit(RULE.npmScaleLimit, { message: `The cluster runs Azure NPM with ${over.join(' and ')}; NPM may run out of memory beyond these limits.` });
  }

  // KORDON-015/016: retirement.
  const linuxPools = (ctx.state.nodePools ?? []).filter((p) => !isWindows(p.osType)).map((p) => p.name).sort();
  const poolsKnown = (ctx.state.nodePools ?? []).length > 0;
  if (!poolsKnown || linuxPools.length > 0) {
    const d = deadline(ctx, 2028, 9, 30, '30 September 2028');
    emit(RULE.npmLinuxRetirement, {
      severity: d.severity,
      message: `The cluster enforces policies with Azure NPM${linuxPools.length > 0 ? ` on Linux node pools ${linuxPools.join(', ')}` : ''}; support for NPM on Linux nodes ends on ${d.text}.`,
    });
  }
  if (hasWindows) {
    const d = deadline(ctx, 2026, 9, 30, '30 September 2026');
    emit(RULE.npmWindowsRetirement, {
      severity: d.severity,
      message: `Azure NPM enforces policies on Windows ${windows.pools.length > 0 ? `node pools ${windows.pools.join(', ')}` : 'nodes'}; support for NPM on Windows nodes ends on ${d.text}.`,
    });
  }
}

/** Severity and wording of a retirement deadline as of options.now. */
function deadline(ctx: FindingContext, year: number, month: number, day: number, label: string): { severity: FindingSeverity | undefined; text: string } {
  if (ctx.today === null) return { severity: undefined, text: label };
  const left = dayNumber(year, month, day) - ctx.today;
  if (left <= 0) return { severity: 'critical', text: `${label} (${left === 0 ? 'today' : `${plural(-left, 'day')} ago`}, as of ${ctx.nowText})` };
  const severity: FindingSeverity = left <= 180 ? 'high' : left <= 365 ? 'medium' : 'low';
  return { severity, text: `${label} (in ${plural(left, 'day')}, as of ${ctx.nowText})` };
}

export function checkKubenet(ctx: FindingContext, emit: Emit): void {
  const plugin = ctx.state.networkProfile?.networkPlugin;
  if (typeof plugin !== 'string' || plugin.toLowerCase() !== 'kubenet') return;
  const d = deadline(ctx, 2028, 3, 31, '31 March 2028');
  const engine = ctx.posture.enforcement.engine;
  const policyNote = engine === 'calico' ? ' Its policies are enforced by Calico, which must be kept or replaced during the upgrade.' : '';
  emit(RULE.kubenetRetirement, {
    severity: d.severity,
    message: `networkProfile.networkPlugin is kubenet, which AKS retires on ${d.text}.${policyNote}`,
  });
}

// ---------------------------------------------------------------- Cilium

function rangeOf(text: string): CidrRange | null {
  const parsed = parseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
  return parsed.ok ? parsed.range : null;
}

interface Address {
  ip: string;
  range: CidrRange;
}

/** Addresses sorted by family then value, for range lookups by binary search. */
function sortedAddresses(ips: readonly string[]): Address[] {
  const out: Address[] = [];
  for (const ip of new Set(ips)) {
    const range = rangeOf(ip);
    if (range) out.push({ ip, range });
  }
  return out.sort((a, b) => a.range.family - b.range.family || (a.range.start < b.range.start ? -1 : a.range.start > b.range.start ? 1 : 0));
}

/** The addresses inside `block` that `admits` accepts (the except list), without scanning them all. */
function addressesIn(sorted: readonly Address[], block: CidrRange, admits: (r: CidrRange) => boolean): string[] {
  const before = (a: Address): boolean => a.range.family < block.family || (a.range.family === block.family && a.range.start < block.start);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(sorted[mid])) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < sorted.length && sorted[i].range.family === block.family && sorted[i].range.start <= block.end; i++) {
    if (admits(sorted[i].range)) out.push(sorted[i].ip);
  }
  return out;
}

const overlaps = (a: CidrRange, b: CidrRange): boolean => a.family === b.family && a.start <= b.end && b.start <= a.end;

export function checkCiliumIpBlocks(ctx: FindingContext, emit: Emit): void {
  if (ctx.posture.enforcement.engine !== 'cilium') return;
  const profile = ctx.state.networkProfile ?? {};
  const podCidrs = [...new Set([profile.podCidr, ...(Array.isArray(profile.podCidrs) ? profile.podCidrs : [])].filter((c): c is string => typeof c === 'string' && c !== ''))];
  const podRanges = podCidrs.map((c) => ({ text: c, range: rangeOf(c) })).filter((r): r is { text: string; range: CidrRange } => r.range !== null);
  const nodeIps = sortedAddresses((ctx.state.nodes ?? []).flatMap((n) => n.ips ?? []));
  const podIps = sortedAddresses(ctx.pods.filter((p) => p.hostNetwork !== true).flatMap((p) => p.ips ?? []));
  if (podRanges.length === 0 && nodeIps.length === 0 && podIps.length === 0) return;

  for (const { policy } of ctx.policies) {
    const hits: string[] = [];
    for (const d of DIRECTIONS) {
      for (const rule of policy.rules[d]) {
        for (const peer of rule.peers) {
          if (peer.kind !== 'ipBlock' || peer.prefix === 0) continue;
          const block = rangeOf(peer.cidr);
          if (!block) continue;
          const excepts = peer.except.map(rangeOf).filter((r): r is CidrRange => r !== null);
          const admits = (target: CidrRange): boolean => {
            if (!overlaps(block, target)) return false;
            const inter: CidrRange = { ...target, start: target.start > block.start ? target.start : block.start, end: target.end < block.end ? target.end : block.end };
            return !excepts.some((e) => cidrContains(e, inter));
          };
          const covered: string[] = [];
          const pods = podRanges.filter((r) => admits(r.range)).map((r) => r.text);
          if (pods.length > 0) covered.push(`the pod CIDR ${pods.join(', ')}`);
          const nodes = addressesIn(nodeIps, block, admits);
          if (nodes.length > 0) covered.push(`${plural(nodes.length, 'node IP')} (${listSome(nodes)})`);
          if (pods.length === 0) {
            const ips = addressesIn(podIps, block, admits);
            if (ips.length > 0) covered.push(`${plural(ips.length, 'pod IP')} (${listSome(ips)})`);
          }
          if (covered.length > 0) hits.push(`${d} ipBlock ${peer.cidr} covers ${covered.join(' and ')}`);
        }
      }
    }
    if (hits.length === 0) continue;
    emit(RULE.ciliumIpBlockClusterIps, {
      message: `NetworkPolicy ${policy.namespace}/${policy.name}: ${[...new Set(hits)].join('; ')}. Cilium does not match pods or nodes by ipBlock, so the rule admits none of them.`,
      namespace: policy.namespace,
      object: policyObject(policy),
    });
  }
}

// ---------------------------------------------------------------- CRD policies

const KNOWN_KINDS: Record<string, ReadonlySet<string>> = {
  cilium: new Set(['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']),
  calico: new Set(['GlobalNetworkPolicy', 'NetworkPolicy']),
};
const CLUSTER_WIDE = new Set(['CiliumClusterwideNetworkPolicy', 'GlobalNetworkPolicy']);

function crdObject(policy: CrdPolicy): { kind: string; namespace?: string; name: string } {
  const ns = policy.metadata?.namespace;
  return CLUSTER_WIDE.has(policy.kind) || !ns ? { kind: policy.kind, name: policy.metadata.name } : { kind: policy.kind, namespace: ns, name: policy.metadata.name };
}

export function checkCrdPolicies(ctx: FindingContext, emit: Emit): void {
  const engine = ctx.posture.enforcement.engine;
  const otherEngine = new Set<string>();
  const byObject = new Map<string, CrdPolicy>();
  for (const policy of ctx.state.crdPolicies ?? []) {
    if (!policy || typeof policy !== 'object' || typeof policy.metadata?.name !== 'string') continue;
    const object = crdObjectName(policy);
    byObject.set(object, policy);
    const family = crdFamily(policy);
    if (!family || !KNOWN_KINDS[family].has(policy.kind)) continue;
    if (family === engine || (engine !== 'azure' && engine !== 'calico' && engine !== 'cilium')) continue;
    otherEngine.add(object);
    const target = crdObject(policy);
    emit(RULE.crdPolicyOtherEngine, {
      message: `${policy.kind} ${target.namespace ? `${target.namespace}/` : ''}${target.name} is a ${family === 'cilium' ? 'Cilium' : 'Calico'} policy, but the cluster's engine is ${engine}: it is not enforced and not counted toward isolation.`,
      ...(target.namespace ? { namespace: target.namespace } : {}),
      object: target,
    });
  }

  // KORDON-021: everything else the posture says it did not evaluate, one finding per object.
  const grouped = new Map<string, { kind: string; reasons: string[] }>();
  for (const item of ctx.posture.notEvaluated) {
    if (item.object === 'pods' && item.kind === 'Pod') continue; // hostNetwork: KORDON-018
    if (otherEngine.has(item.object)) continue;
    if (engine === 'none' && byObject.has(item.object)) continue; // KORDON-001 covers them
    let g = grouped.get(item.object);
    if (!g) grouped.set(item.object, (g = { kind: item.kind, reasons: [] }));
    if (!g.reasons.includes(item.reason)) g.reasons.push(item.reason);
  }
  for (const [object, g] of grouped) {
    const raw = byObject.get(object);
    const target = raw ? crdObject(raw) : { kind: g.kind, name: object };
    emit(RULE.notEvaluated, {
      message: `${object}: ${g.reasons.join('; ')}.`,
      ...(target.namespace ? { namespace: target.namespace } : {}),
      object: target,
    });
  }
}
