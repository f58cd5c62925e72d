// Checks on the text of each NetworkPolicy: selecting no pod, selectors naming labels nobody
// carries (drift), rules admitting every peer, and parts that are invalid or ignored.

import type { Labels, LabelSelector, NetworkPolicyPeer } from '../model';
import { DIRECTIONS } from '../policies';
import { NAMESPACE_NAME_LABEL } from '../posture';
import { compileSelector, LabelIndex, matchesSelector, type CompiledSelector, type SelectorRequirement } from '../selectors';
import { sameLabels } from '../label-sets';
import { RULE } from './catalog';
import { formatPort, formatRequirement, formatSelector, listSome, plural, policyObject, type Emit, type FindingContext } from './context';

export function checkPoliciesSelectingNothing(ctx: FindingContext, emit: Emit): void {
  const indexes = new Map<string, LabelIndex>();
  for (const { policy } of ctx.policies) {
    if (policy.selectsAllPods) continue;
    const pods = ctx.podsByNamespace.get(policy.namespace) ?? [];
    if (pods.length === 0) continue;
    let index = indexes.get(policy.namespace);
    if (!index) indexes.set(policy.namespace, (index = new LabelIndex(pods.map((p) => p.labels))));
    if (index.select(policy.podSelector).length > 0) continue;
    const why = policy.podSelector.kind === 'invalid'
      ? `its podSelector is invalid and matches nothing: ${formatSelector(policy.podSelector).replace(/^invalid \(|\)$/g, '')}`
      : `its podSelector (${formatSelector(policy.podSelector)}) matches none of the ${plural(pods.length, 'pod')} in ${policy.namespace}`;
    emit(RULE.policySelectsNoPod, {
      message: `NetworkPolicy ${policy.namespace}/${policy.name} selects no pod: ${why}.`,
      namespace: policy.namespace,
      object: policyObject(policy),
    });
  }
}

// ---------------------------------------------------------------- selector drift

/** key → values present, over a set of label sets. */
type ValueIndex = Map<string, Set<string>>;

function valueIndex(labelSets: Iterable<Labels>): ValueIndex {
  const index: ValueIndex = new Map();
  let last: Labels | null = null;
  for (const labels of labelSets) {
    // Pods of one workload repeat their labels: a repeat adds nothing.
    if (last !== null && sameLabels(last, labels)) continue;
    last = labels;
    for (const [k, v] of Object.entries(labels)) {
      let values = index.get(k);
      if (!values) index.set(k, (values = new Set()));
      values.add(v);
    }
  }
  return index;
}

function satisfiable(req: SelectorRequirement, indexes: readonly ValueIndex[]): boolean {
  return indexes.some((index) => {
    const values = index.get(req.key);
    if (!values) return false;
    return req.operator === 'Exists' || req.values.some((v) => values.has(v));
  });
}

function presentValues(req: SelectorRequirement, indexes: readonly ValueIndex[]): string[] {
  const out = new Set<string>();
  for (const index of indexes) for (const v of index.get(req.key) ?? []) out.add(v);
  return [...out].sort();
}

/** Positive requirements no label set in scope satisfies, described. */
function drifted(selector: CompiledSelector, indexes: readonly ValueIndex[]): string[] {
  if (selector.kind !== 'match') return [];
  const out: string[] = [];
  for (const req of selector.requirements) {
    if (req.operator !== 'In' && req.operator !== 'Exists') continue;
    if (satisfiable(req, indexes)) continue;
    // Every namespace carries its name label: listing the names would be noise.
    const present = req.key === NAMESPACE_NAME_LABEL ? [] : presentValues(req, indexes);
    out.push(present.length > 0 ? `${formatRequirement(req)} (${req.key} values carried: ${listSome(present)})` : formatRequirement(req));
  }
  return out;
}

export function checkSelectorDrift(ctx: FindingContext, emit: Emit): void {
  const podIndexes = new Map<string, ValueIndex>();
  const podIndex = (ns: string): ValueIndex => {
    let index = podIndexes.get(ns);
    if (!index) podIndexes.set(ns, (index = valueIndex((ctx.podsByNamespace.get(ns) ?? []).map((p) => p.labels))));
    return index;
  };
  const namespaceEntries = [...ctx.namespaceLabels.entries()];
  const nsIndex = valueIndex(ctx.namespaceLabels.values());
  const hasPods = (ns: string) => (ctx.podsByNamespace.get(ns)?.length ?? 0) > 0;
  const namespacesWithPods = new Map<string, string[]>();
  const pairDrift = new Map<string, string[]>();

  for (const { raw, policy } of ctx.policies) {
    const ns = policy.namespace;
    const lines: string[] = [];
    const note = (field: string, items: string[], where: string) => {
      if (items.length > 0) lines.push(`${field} ${items.join(', ')}: ${where}`);
    };
    if (hasPods(ns)) note('spec.podSelector', drifted(policy.podSelector, [podIndex(ns)]), `no pod in ${ns} carries it`);
    for (const d of DIRECTIONS) {
      if (!policy.policyTypes.includes(d)) continue;
      const rules = raw.spec?.[d];
      if (!Array.isArray(rules)) continue;
      const key = d === 'ingress' ? 'from' : 'to';
      rules.forEach((rule, i) => {
        const peers = (rule as Record<string, unknown> | null)?.[key];
        if (!Array.isArray(peers)) return;
        (peers as NetworkPolicyPeer[]).forEach((peer, j) => {
          if (!peer || typeof peer !== 'object' || peer.ipBlock) return;
          const field = `spec.${d}[${i}].${key}[${j}]`;
          const pod = peer.podSelector ? compileSelector(peer.podSelector as LabelSelector) : null;
          const nsSel = peer.namespaceSelector ? compileSelector(peer.namespaceSelector as LabelSelector) : null;
          if (nsSel) {
            note(`${field}.namespaceSelector`, drifted(nsSel, [nsIndex]), 'no namespace carries it');
            if (pod) {
              // Policies repeat the same peers across namespaces: resolve each pair once.
              const nsKey = JSON.stringify(peer.namespaceSelector);
              let withPods = namespacesWithPods.get(nsKey);
              if (!withPods) {
                withPods = namespaceEntries.filter(([name, labels]) => hasPods(name) && matchesSelector(nsSel, labels)).map(([name]) => name);
                namespacesWithPods.set(nsKey, withPods);
              }
              if (withPods.length > 0) {
                const pairKey = `${nsKey}\u0000${JSON.stringify(peer.podSelector)}`;
                let items = pairDrift.get(pairKey);
                if (!items) pairDrift.set(pairKey, (items = drifted(pod, withPods.map(podIndex))));
                note(`${field}.podSelector`, items, `no pod in the ${plural(withPods.length, 'namespace')} it selects carries it`);
              }
            }
          } else if (pod && hasPods(ns)) {
            note(`${field}.podSelector`, drifted(pod, [podIndex(ns)]), `no pod in ${ns} carries it`);
          }
        });
      });
    }
    if (lines.length === 0) continue;
    emit(RULE.selectorDrift, {
      message: `NetworkPolicy ${ns}/${policy.name} names labels nothing carries: ${lines.join('; ')}.`,
      namespace: ns,
      object: policyObject(policy),
    });
  }
}

// ---------------------------------------------------------------- allow-all peers

export function checkAllowAllPeers(ctx: FindingContext, emit: Emit): void {
  for (const { policy } of ctx.policies) {
    if (ctx.excluded.has(policy.namespace)) continue;
    const parts: string[] = [];
    let allPorts = false;
    for (const d of DIRECTIONS) {
      policy.rules[d].forEach((rule, i) => {
        const forms: string[] = [];
        const key = d === 'ingress' ? 'from' : 'to';
        if (rule.allPeers) forms.push(rule.peersField === 'absent' ? `no ${key}` : `empty ${key}`);
        for (const peer of rule.peers) {
          if (peer.kind === 'namespaces' && peer.namespaceSelector.kind === 'all') forms.push('namespaceSelector: {}');
          if (peer.kind === 'podsInNamespaces' && peer.namespaceSelector.kind === 'all' && peer.podSelector.kind === 'all') {
            forms.push('namespaceSelector: {} with podSelector: {}');
          }
          if (peer.kind === 'ipBlock' && peer.prefix === 0) {
            forms.push(`ipBlock ${peer.cidr}${peer.except.length > 0 ? ` except ${listSome(peer.except)}` : ''}`);
          }
        }
        if (forms.length === 0) return;
        if (rule.allPorts) allPorts = true;
        const ports = rule.allPorts ? 'all ports' : listSome(rule.ports.map(formatPort));
        parts.push(`${d}[${i}] (${[...new Set(forms)].join(', ')}) on ${ports}`);
      });
    }
    if (parts.length === 0) continue;
    emit(RULE.allowAllPeers, {
      severity: allPorts ? 'medium' : 'low',
      message: `NetworkPolicy ${policy.namespace}/${policy.name} admits every peer in ${parts.join('; ')}.`,
      namespace: policy.namespace,
      object: policyObject(policy),
    });
  }
}

// ---------------------------------------------------------------- invalid or ignored parts

const REPORTED: ReadonlySet<string> = new Set(['ignored-rules']);

export function checkIgnoredParts(ctx: FindingContext, emit: Emit): void {
  for (const { policy, problems } of ctx.policies) {
    const relevant = problems.filter((p) => p.severity === 'error' || REPORTED.has(p.code));
    if (relevant.length === 0) continue;
    const texts = relevant.map((p) => `${p.field ?? 'spec'}: ${p.message}`);
    emit(RULE.policyPartsIgnored, {
      message: `NetworkPolicy ${policy.namespace}/${policy.name} does less than it reads: ${listSome(texts, 4)}.`,
      namespace: policy.namespace,
      object: policyObject(policy),
    });
  }
}

