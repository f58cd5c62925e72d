// Namespace and workload checks: missing and broken default-deny baselines, open workloads,
// default-deny egress that blocks DNS, hostNetwork pods under policies, and LoadBalancer services
// without source ranges.

import type { Labels, PodInfo } from '../model';
import { DIRECTIONS, type AllowAllReason, type Direction, type NormalizedPolicy } from '../policies';
import type { DirectionPosture, PodPosture } from '../posture.types';
import { RULE } from './catalog';
import { listSome, plural, workloadKey, type Emit, type FindingContext } from './context';
import { COREDNS_PORTS, directionAllows, DNS_PROTOCOLS, selectingPolicies, type Endpoint } from './dns-check';
import { labelsKey, sameLabels } from '../label-sets';
import { LabelIndex } from '../selectors';
import { allowDnsEgressYaml, allowDnsIngressYaml, defaultDenyYaml, joinDocuments, loadBalancerSourceRangesYaml } from './remediation-yaml';

const isCrdRef = (ref: string): boolean => ref.includes('/');

function reasonText(reason: AllowAllReason, direction: Direction): string {
  switch (reason) {
    case 'any-peer':
      return direction === 'ingress' ? 'every peer (no from)' : 'every peer (no to)';
    case 'all-namespaces':
      return 'every pod of every namespace (namespaceSelector: {})';
    case 'all-ipv4':
      return 'every IPv4 address (0.0.0.0/0)';
    case 'all-ipv6':
      return 'every IPv6 address (::/0)';
  }
}

function coverageText(dp: DirectionPosture, direction: Direction): string {
  if (dp.pods === 0) return `it has no pods yet; pods created there will be open for ${direction}`;
  const base = `${dp.isolatedPods} of ${plural(dp.pods, 'pod')} ${dp.pods === 1 ? 'is' : 'are'} isolated for ${direction} by other policies`;
  return dp.effectivelyIsolated ? `${base} (every current pod happens to be selected, but pods created later will not be)` : base;
}

export function checkBaselines(ctx: FindingContext, emit: Emit): void {
  for (const ns of ctx.posture.namespaces) {
    if (ns.excluded) continue;
    for (const d of DIRECTIONS) {
      const dp = ns[d];
      if (!dp.baseline.present) {
        emit(d === 'ingress' ? RULE.noDefaultDenyIngress : RULE.noDefaultDenyEgress, {
          message: `Namespace ${ns.name} has no default-deny ${d} baseline: ${coverageText(dp, d)}.`,
          namespace: ns.name,
          object: { kind: 'Namespace', name: ns.name },
          remediationYaml: d === 'ingress' ? defaultDenyYaml(ns.name, 'ingress') : joinDocuments(defaultDenyYaml(ns.name, 'egress'), allowDnsEgressYaml(ns.name)),
        });
      } else if (dp.baseline.broken) {
        const breakers = dp.baseline.brokenBy.map((b) => {
          const scope = b.selectsAllPods ? 'all pods' : plural(b.openedPods, 'pod');
          return `${b.policy} admits ${b.reasons.map((r) => reasonText(r, d)).join(' and ')} on all ports to ${scope}`;
        });
        emit(RULE.defaultDenyBroken, {
          message: `The default-deny ${d} baseline of namespace ${ns.name} (${dp.baseline.policies.join(', ')}) is undone: ${breakers.join('; ')}.`,
          namespace: ns.name,
          object: { kind: 'Namespace', name: ns.name },
        });
      }
    }
  }
}

export function checkOpenWorkloads(ctx: FindingContext, emit: Emit): void {
  for (const w of ctx.posture.workloads) {
    if (w.excluded || w.ingress.isolated || w.egress.isolated) continue;
    const selecting = [...new Set([...w.ingress.policies, ...w.egress.policies])].sort();
    const hostNetwork = ctx.hostNetworkWorkloads.has(workloadKey(w.namespace, w.kind, w.name));
    let why: string;
    if (selecting.length === 0) why = 'no policy selects it';
    else if (hostNetwork) why = `${listSome(selecting)} ${selecting.length === 1 ? 'selects' : 'select'} it, but its pods use hostNetwork, which no engine isolates`;
    else why = `${listSome(selecting)} ${selecting.length === 1 ? 'selects' : 'select'} only some of its pods`;
    const ns = ctx.namespaces.get(w.namespace);
    const noBaseline = ns !== undefined && !ns.ingress.baseline.present && !ns.egress.baseline.present;
    emit(RULE.workloadNotIsolated, {
      message: `${w.kind} ${w.namespace}/${w.name} (${plural(w.pods, 'pod')}) is isolated neither for ingress nor for egress: ${why}.`,
      namespace: w.namespace,
      object: { kind: w.kind, namespace: w.namespace, name: w.name },
      ...(noBaseline ? { remediationYaml: defaultDenyYaml(w.namespace, 'both') } : {}),
    });
  }
}

// ---------------------------------------------------------------- DNS under default-deny egress

const DNS_NAMESPACE = 'kube-system';
const DNS_LABEL: Labels = { 'k8s-app': 'kube-dns' };

interface DnsTarget {
  endpoint: Endpoint;
  ingress: NormalizedPolicy[];
  /** A CRD policy isolates it for ingress, or it uses hostNetwork: its ingress is not judged. */
  ingressUnknown: boolean;
}

function dnsTargets(ctx: FindingContext): DnsTarget[] {
  const nsLabels = ctx.namespaceLabels.get(DNS_NAMESPACE) ?? { 'kubernetes.io/metadata.name': DNS_NAMESPACE };
  const kubeSystemPolicies = ctx.policiesByNamespace.get(DNS_NAMESPACE) ?? [];
  const pods = (ctx.podsByNamespace.get(DNS_NAMESPACE) ?? []).filter((p) => p.labels['k8s-app'] === DNS_LABEL['k8s-app']);
  const toTarget = (pod: Pick<PodInfo, 'name' | 'labels' | 'ports' | 'hostNetwork'>): DnsTarget => {
    const posture = ctx.podPosture.get(DNS_NAMESPACE)?.get(pod.name);
    const endpoint: Endpoint = {
      namespace: DNS_NAMESPACE,
      name: pod.name,
      labels: pod.labels,
      namespaceLabels: nsLabels,
      ports: pod.ports && pod.ports.length > 0 ? pod.ports : COREDNS_PORTS,
    };
    return {
      endpoint,
      ingress: selectingPolicies(kubeSystemPolicies, 'ingress', pod.labels),
      ingressUnknown: pod.hostNetwork === true || (posture?.ingress.policies.some(isCrdRef) ?? false),
    };
  };
  // Manifests often leave kube-system out: assume CoreDNS as AKS deploys it.
  if (pods.length === 0) return [toTarget({ name: 'coredns', labels: DNS_LABEL, ports: COREDNS_PORTS })];
  return pods.map(toTarget);
}

type Cause = 'egress' | 'ingress';

interface DnsVerdict {
  /** Per protocol: null when reached, else why not. */
  causes: Record<'UDP' | 'TCP', Cause | null>;
  /** Not reached, but a CRD policy isolating the pod might allow it: not judged. */
  undetermined: boolean;
  ingressBlockers: string[];
}

function judgeDns(subject: Endpoint, egress: readonly NormalizedPolicy[], crd: boolean, targets: readonly DnsTarget[]): DnsVerdict {
  const verdict: DnsVerdict = { causes: { UDP: null, TCP: null }, undetermined: false, ingressBlockers: [] };
  for (const protocol of DNS_PROTOCOLS) {
    let egressOk = false;
    let reached = false;
    for (const t of targets) {
      // A CRD isolating the pod may allow what NetworkPolicies do not: only a NetworkPolicy allow counts.
      const allowsOut = crd ? egress.length > 0 && directionAllows(egress, 'egress', subject, t.endpoint, protocol, 53) : directionAllows(egress, 'egress', subject, t.endpoint, protocol, 53);
      if (!allowsOut) continue;
      egressOk = true;
      if (t.ingressUnknown || directionAllows(t.ingress, 'ingress', t.endpoint, subject, protocol, 53)) {
        reached = true;
        break;
      }
      for (const p of t.ingress) verdict.ingressBlockers.push(p.name);
    }
    if (reached) continue;
    if (!egressOk && crd) {
      verdict.undetermined = true;
      continue;
    }
    verdict.causes[protocol as 'UDP' | 'TCP'] = egressOk ? 'ingress' : 'egress';
  }
  return verdict;
}

export function checkDnsUnderEgressDeny(ctx: FindingContext, emit: Emit): void {
  let targets: DnsTarget[] | null = null;
  for (const ns of ctx.posture.namespaces) {
    if (ns.excluded || !ns.egress.baseline.present) continue;
    targets ??= dnsTargets(ctx);
    const egressPolicies = (ctx.policiesByNamespace.get(ns.name) ?? []).filter((p) => p.policyTypes.includes('egress'));
    const nsLabels = ctx.namespaceLabels.get(ns.name)!;
    const baselineHasCrd = ns.egress.baseline.policies.some(isCrdRef);
    const postureByName = ctx.podPosture.get(ns.name) ?? new Map<string, PodPosture>();
    const current = (ctx.podsByNamespace.get(ns.name) ?? []).filter((p) => p.hostNetwork !== true);
    // No pod yet: judge the pod the baseline is for, one that only the all-pods policies select.
    const hypothetical = current.length === 0;
    const subjects = hypothetical ? [{ name: '(new pod)', labels: {} as Labels }] : current;
    // Which egress policies select each subject, through the label index (never pods × policies).
    const selecting: NormalizedPolicy[][] = subjects.map(() => []);
    const index = new LabelIndex(subjects.map((s) => s.labels));
    for (const p of egressPolicies) for (const i of index.select(p.podSelector)) selecting[i].push(p);
    const failing: Record<'UDP' | 'TCP', { pods: number; causes: Set<Cause> }> = { UDP: { pods: 0, causes: new Set() }, TCP: { pods: 0, causes: new Set() } };
    let unknown = 0;
    let failingPods = 0;
    const ingressBlockers = new Set<string>();
    // Pods of one workload share labels and policies: judge each combination once.
    const cache = new Map<string, DnsVerdict>();
    // Consecutive pods (one workload) usually repeat their labels: reuse the previous label key.
    let lastLabels: Labels | null = null;
    let lastLabelKey = '';
    const labelIds = new Map<string, number>();
    subjects.forEach((s, i) => {
      const crd = hypothetical ? baselineHasCrd : (postureByName.get(s.name)?.egress.policies.some(isCrdRef) ?? false);
      if (lastLabels === null || !sameLabels(lastLabels, s.labels)) {
        lastLabels = s.labels;
        const text = labelsKey(s.labels);
        let id = labelIds.get(text);
        if (id === undefined) labelIds.set(text, (id = labelIds.size));
        lastLabelKey = String(id);
      }
      const key = `${crd}\u0000${selecting[i].map((p) => p.name).join('\u0000')}\u0000${lastLabelKey}`;
      let verdict = cache.get(key);
      if (!verdict) {
        const subject: Endpoint = { namespace: ns.name, name: s.name, labels: s.labels, namespaceLabels: nsLabels, ports: [] };
        cache.set(key, (verdict = judgeDns(subject, selecting[i], crd, targets!)));
      }
      verdict.ingressBlockers.forEach((b) => ingressBlockers.add(b));
      let fails = false;
      for (const protocol of ['UDP', 'TCP'] as const) {
        const cause = verdict.causes[protocol];
        if (cause === null) continue;
        fails = true;
        failing[protocol].pods++;
        failing[protocol].causes.add(cause);
      }
      if (fails) failingPods++;
      else if (verdict.undetermined) unknown++;
    });
    if (failingPods === 0) continue;
    const parts = DNS_PROTOCOLS.filter((p) => failing[p].pods > 0).map((p) => {
      const causes = [...failing[p].causes].sort().map((c) =>
        c === 'egress'
          ? 'no egress rule allows it'
          : `${DNS_NAMESPACE}'s ingress ${ingressBlockers.size > 0 ? `policies (${listSome([...ingressBlockers].sort())})` : 'policies'} do not admit it`,
      );
      return `${p} 53 (${causes.join('; ')})`;
    });
    const who = hypothetical
      ? 'a pod created there (selected only by the policies for all pods)'
      : `${failingPods} of ${plural(subjects.length, 'pod')}`;
    const tail = unknown > 0 ? ` ${plural(unknown, 'pod')} under CRD policies ${unknown === 1 ? 'was' : 'were'} not judged.` : '';
    const anyEgress = DNS_PROTOCOLS.some((p) => failing[p].causes.has('egress'));
    const anyIngress = DNS_PROTOCOLS.some((p) => failing[p].causes.has('ingress'));
    emit(RULE.egressDenyBlocksDns, {
      message: `Namespace ${ns.name} denies egress by default (${ns.egress.baseline.policies.join(', ')}), but ${who} cannot reach CoreDNS (${DNS_NAMESPACE}, k8s-app=kube-dns) on ${parts.join(' and ')}.${tail}`,
      namespace: ns.name,
      object: { kind: 'Namespace', name: ns.name },
      remediationYaml: joinDocuments(...(anyEgress ? [allowDnsEgressYaml(ns.name)] : []), ...(anyIngress ? [allowDnsIngressYaml()] : [])),
    });
  }
}

// ---------------------------------------------------------------- hostNetwork, load balancers

function engineLabel(engine: string): string {
  if (engine === 'cilium') return 'Cilium';
  if (engine === 'azure') return 'Azure NPM';
  if (engine === 'calico') return 'Calico';
  return 'no AKS engine';
}

export function checkHostNetwork(ctx: FindingContext, emit: Emit): void {
  const groups = new Map<string, { namespace: string; kind: string; name: string; pods: number; ingress: Set<string>; egress: Set<string> }>();
  for (const p of ctx.posture.pods) {
    if (!p.hostNetwork || (p.ingress.policies.length === 0 && p.egress.policies.length === 0)) continue;
    const key = `${p.namespace}\u0000${p.workload.kind}\u0000${p.workload.name}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { namespace: p.namespace, kind: p.workload.kind, name: p.workload.name, pods: 0, ingress: new Set(), egress: new Set() }));
    g.pods++;
    p.ingress.policies.forEach((x) => g!.ingress.add(x));
    p.egress.policies.forEach((x) => g!.egress.add(x));
  }
  const engine = engineLabel(ctx.posture.enforcement.engine);
  const clause = engine === 'no AKS engine' ? 'no AKS engine enforces pod policies on host-networked pods' : `${engine} does not enforce pod policies on host-networked pods`;
  for (const g of groups.values()) {
    const dirs: string[] = [];
    if (g.ingress.size > 0) dirs.push(`ingress: ${listSome([...g.ingress].sort())}`);
    if (g.egress.size > 0) dirs.push(`egress: ${listSome([...g.egress].sort())}`);
    const one = g.pods === 1;
    emit(RULE.hostNetworkNotEnforced, {
      message: `${plural(g.pods, 'hostNetwork pod')} of ${g.kind} ${g.namespace}/${g.name} ${one ? 'is' : 'are'} selected by policies (${dirs.join('; ')}), but ${clause}: ${one ? 'it stays' : 'they stay'} open in both directions.`,
      namespace: g.namespace,
      object: { kind: g.kind, namespace: g.namespace, name: g.name },
    });
  }
}

function labelsMatch(selector: Labels | undefined, labels: Labels): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

const isWholeFamily = (range: string): boolean => /^(0\.0\.0\.0|::)\/0$/.test(range.trim());

export function checkLoadBalancers(ctx: FindingContext, emit: Emit): void {
  for (const svc of ctx.state.services ?? []) {
    if (svc.type !== 'LoadBalancer') continue;
    const ranges = svc.loadBalancerSourceRanges ?? [];
    const open = ranges.length === 0 || ranges.some(isWholeFamily);
    if (!open) continue;
    const ns = ctx.namespaces.get(svc.namespace);
    const backing = (ctx.podsByNamespace.get(svc.namespace) ?? []).filter((p) => labelsMatch(svc.selector, p.labels));
    const postureByName = ctx.podPosture.get(svc.namespace) ?? new Map<string, PodPosture>();
    const isolatedBacking = backing.filter((p) => postureByName.get(p.name)?.ingress.isolated).length;
    const relies = ns !== undefined && (ns.ingress.baseline.present || ns.ingress.isolatedPods > 0);
    const what = ranges.length === 0 ? 'has no loadBalancerSourceRanges' : `admits ${ranges.filter(isWholeFamily).join(' and ')} in loadBalancerSourceRanges`;
    const base = `Service ${svc.namespace}/${svc.name} (LoadBalancer, ${plural(backing.length, 'backing pod')}) ${what}`;
    const message = relies
      ? `${base}. Namespace ${svc.namespace} relies on ingress policies (${ns!.ingress.baseline.present ? 'default-deny ingress, ' : ''}${isolatedBacking} of ${backing.length} backing pods isolated), but traffic through the load balancer is source-NATed, so those policies cannot restrict its clients.`
      : `${base}, and nothing isolates ingress in namespace ${svc.namespace}: any client the load balancer admits reaches the service.`;
    emit(RULE.loadBalancerWithoutSourceRanges, {
      severity: relies ? 'high' : 'medium',
      message,
      namespace: svc.namespace,
      object: { kind: 'Service', namespace: svc.namespace, name: svc.name },
      remediationYaml: loadBalancerSourceRangesYaml(svc.namespace, svc.name),
    });
  }
}
