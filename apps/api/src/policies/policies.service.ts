// One policy at the snapshot in force (latest, or at a past time): its text, which workloads and
// pods it selects, what it allows in words, and its part in the namespace's default-deny
// baselines. The namespace detail (posture read model) gives the stored isolation and baselines;
// the engine re-reads the stored object for the wording and matches its podSelector against the
// stored pod labels, so "selects" is checkable against the labels shown.
import { Injectable } from '@nestjs/common';
import type {
  BaselineView, NamespaceDetail, PolicyBaselineRole, PolicyDetail, PolicyDirection, PolicyDirectionView, PolicyItem, PolicySelectedPod,
  PolicySelectedWorkload,
} from '@kordon/contracts';
import {
  allowAllText, crdFamily, describeNetworkPolicy, normalizeNetworkPolicy, policySelects, readCrdPolicies,
  type AllowAllReason, type CrdPolicy, type DirectionDescription, type NetworkPolicy, type Problem,
} from '@kordon/policy-engine';
import { PostureService } from '../posture/posture.service';
import { PoliciesErrorCode, PoliciesException } from './policies.exception';
import { PoliciesRepository, type NamespaceWorkloadRow } from './policies.repository';

const DIRECTIONS: PolicyDirection[] = ['ingress', 'egress'];
const TERMINATED = new Set(['Succeeded', 'Failed']);
const K8S_GROUP = 'networking.k8s.io/';
/** Pods listed in one answer; the counts always cover all of them. */
export const MAX_PODS = 1000;

/** General rules the descriptions rely on (domain.md), shown once beside every policy. */
export const SEMANTICS: string[] = [
  'A policy applies only to pods of its own namespace matched by spec.podSelector; podSelector: {} matches every pod there, including pods created later.',
  'policyTypes absent means Ingress, plus Egress when the policy has an egress section with rules.',
  'A pod is isolated for a direction when at least one policy selecting it has that direction in policyTypes; a direction no policy isolates allows everything.',
  'Policies are additive: an isolated pod may receive (or send) what any rule of any policy selecting it allows. There is no deny rule and no order.',
  'A rule without from/to (or with an empty list) matches every peer; a rule without ports (or with an empty list) matches every port.',
  'A direction in policyTypes with no rule (absent or ingress: []) allows nothing: that is a default-deny for the selected pods.',
  'Inside one peer entry, podSelector and namespaceSelector are ANDed; separate entries of the list are ORed.',
  'Traffic between two pods needs egress allowed at the source and ingress allowed at the destination.',
];

function policyRef(p: { kind: string; name: string }): string {
  return p.kind === 'NetworkPolicy' ? p.name : `${p.kind}/${p.name}`;
}

function isK8sNetworkPolicy(p: PolicyItem): boolean {
  return p.kind === 'NetworkPolicy' && p.apiVersion.startsWith(K8S_GROUP);
}

function baselineRole(baseline: BaselineView, ref: string, direction: PolicyDirection, selfAllowAll: AllowAllReason[]): PolicyBaselineRole {
  const partOf = baseline.policies.includes(ref);
  const breaker = baseline.brokenBy.find((b) => b.policy === ref);
  const breakReasons = breaker ? breaker.reasons.map((r) => allowAllText([r as AllowAllReason])) : [];
  let text: string;
  if (partOf && baseline.broken) {
    text = `Part of the namespace's default-deny ${direction} baseline, but the baseline is undone by ${baseline.brokenBy.map((b) => b.policy).join(', ')}.`;
  } else if (partOf) {
    text = `Part of the namespace's default-deny ${direction} baseline${baseline.policies.length > 1 ? ` (with ${baseline.policies.filter((p) => p !== ref).join(', ')})` : ''}: pods created later are isolated too.`;
  } else if (breaker) {
    text = `Breaks the namespace's default-deny ${direction} baseline (${baseline.policies.join(', ')}): it admits ${breakReasons.join(', ')} on every port to ${breaker.openedPods} current pod(s)${breaker.selectsAllPods ? ', every pod of the namespace' : ''}.`;
  } else if (selfAllowAll.length > 0) {
    text = `Not part of a ${direction} baseline; it admits ${allowAllText(selfAllowAll)} on every port to the pods it selects, so it would undo one.`;
  } else if (baseline.present) {
    text = `Not part of the namespace's default-deny ${direction} baseline (${baseline.policies.join(', ')}); it adds allowances on top of it.`;
  } else {
    text = `The namespace has no default-deny ${direction} baseline; this policy is not one.`;
  }
  return {
    namespaceHasBaseline: baseline.present,
    namespaceBaselineBroken: baseline.broken,
    baselinePolicies: [...baseline.policies],
    partOfBaseline: partOf,
    breaksBaseline: Boolean(breaker),
    breakReasons,
    openedPods: breaker?.openedPods ?? 0,
    text,
  };
}

function directionView(d: DirectionDescription, baseline: BaselineView, ref: string): PolicyDirectionView {
  const reasons = [...new Set(d.rules.flatMap((r) => r.allowAll))];
  return {
    direction: d.direction,
    isolates: d.isolates,
    section: d.section,
    allowsNothing: d.allowsNothing,
    defaultDenyShape: d.defaultDenyShape,
    allowAll: d.allowAll,
    rules: d.rules.map((r) => ({ ...r, peers: r.peers.map((p) => ({ ...p })), ports: r.ports.map((p) => ({ ...p })), allowAll: [...r.allowAll], notes: [...r.notes] })),
    ignoredRules: d.ignoredRules,
    text: d.text,
    baseline: baselineRole(baseline, ref, d.direction, reasons),
  };
}

interface PodRow { pod: PolicySelectedPod; running: boolean }

function podsOf(w: NamespaceWorkloadRow, labels: Map<string, Record<string, string>>): PodRow[] {
  return w.pods.map((p) => ({
    running: !TERMINATED.has(p.phase ?? ''),
    pod: {
      name: p.name,
      workload: `${w.kind}/${w.name}`,
      labels: labels.get(p.labelSetHash) ?? {},
      phase: p.phase ?? null,
      hostNetwork: p.hostNetwork ?? false,
      synthetic: p.synthetic ?? false,
    },
  }));
}

@Injectable()
export class PoliciesService {
  constructor(private readonly posture: PostureService, private readonly repo: PoliciesRepository) {}

  async policy(clusterId: string, namespace: string, name: string, kind = 'NetworkPolicy', at?: string): Promise<PolicyDetail> {
    const detail = await this.posture.namespace(clusterId, namespace, at);
    const candidates = detail.policies.filter((p) => p.kind === kind && p.name === name);
    // A Calico `NetworkPolicy` shares the kind; `?kind=NetworkPolicy` means the Kubernetes one first.
    const item = candidates.find(isK8sNetworkPolicy) ?? candidates[0];
    if (!item) {
      throw new PoliciesException(
        PoliciesErrorCode.PolicyNotFound,
        `${kind} ${name} is not in namespace ${namespace} of cluster ${detail.cluster.name} at snapshot ${detail.snapshot.id} (${detail.snapshot.takenAt})`,
      );
    }
    const workloads = await this.repo.namespaceWorkloads(detail.snapshot.id, namespace);
    const labels = await this.repo.labelSets(workloads.flatMap((w) => w.pods.map((p) => p.labelSetHash)));
    const ref = item.kind === 'NetworkPolicy' && !isK8sNetworkPolicy(item) ? `CalicoNetworkPolicy/${item.name}` : policyRef(item);
    return isK8sNetworkPolicy(item)
      ? this.networkPolicy(detail, item, ref, workloads, labels)
      : this.crdPolicy(clusterId, at, detail, item, ref, workloads, labels);
  }

  private base(detail: NamespaceDetail, item: PolicyItem, ref: string): Pick<PolicyDetail, 'cluster' | 'snapshot' | 'policy' | 'semantics'> {
    return {
      cluster: detail.cluster,
      snapshot: detail.snapshot,
      policy: { hash: item.hash, apiVersion: item.apiVersion, kind: item.kind, namespace: item.namespace, name: item.name, ref, body: item.body, object: item.object },
      semantics: SEMANTICS,
    };
  }

  /** Directions the stored posture records the policy as isolating each workload for. */
  private postureDirections(detail: NamespaceDetail, ref: string): Map<string, PolicyDirection[]> {
    const out = new Map<string, PolicyDirection[]>();
    for (const w of detail.workloads) {
      const dirs = DIRECTIONS.filter((d) => w[d].policies.includes(ref));
      if (dirs.length > 0) out.set(`${w.kind}/${w.name}`, dirs);
    }
    return out;
  }

  private networkPolicy(
    detail: NamespaceDetail, item: PolicyItem, ref: string, workloads: NamespaceWorkloadRow[], labels: Map<string, Record<string, string>>,
  ): PolicyDetail {
    const problems: Problem[] = [];
    const raw = (item.object ?? { metadata: { name: item.name, namespace: item.namespace ?? undefined }, spec: { podSelector: {} } }) as unknown as NetworkPolicy;
    const normalized = normalizeNetworkPolicy(raw, problems);
    const spec = (raw.spec ?? {}) as NetworkPolicy['spec'];
    const description = describeNetworkPolicy(normalized, {
      ingress: Array.isArray(spec.ingress) ? spec.ingress.length : 0,
      egress: Array.isArray(spec.egress) ? spec.egress.length : 0,
    });
    const directions = this.postureDirections(detail, ref);
    const selectedWorkloads: PolicySelectedWorkload[] = [];
    const selectedPods: PolicySelectedPod[] = [];
    let namespacePods = 0;
    for (const w of workloads) {
      const pods = podsOf(w, labels);
      const running = pods.filter((p) => p.running);
      namespacePods += running.length;
      const matched = pods.filter((p) => policySelects(normalized, p.pod.labels));
      // A workload without pods is judged on its template labels, as the posture does.
      const selected = matched.length > 0 || (pods.length === 0 && policySelects(normalized, w.labels));
      if (!selected) continue;
      selectedPods.push(...matched.map((p) => p.pod));
      selectedWorkloads.push({
        kind: w.kind,
        name: w.name,
        pods: running.length,
        selectedPods: matched.filter((p) => p.running).length,
        directions: directions.get(`${w.kind}/${w.name}`) ?? [...normalized.policyTypes],
        labels: w.labels,
      });
    }
    const selectedRunning = selectedPods.filter((p) => !TERMINATED.has(p.phase ?? '')).length;
    return {
      ...this.base(detail, item, ref),
      described: true,
      podSelector: description.podSelector,
      selectsAllPods: description.selectsAllPods,
      policyTypes: description.policyTypes,
      policyTypesDefaulted: description.policyTypesDefaulted,
      policyTypesText: description.policyTypesText,
      summary: description.summary,
      ingress: directionView(description.ingress, detail.namespace.ingress.baseline, ref),
      egress: directionView(description.egress, detail.namespace.egress.baseline, ref),
      selection: {
        basis: 'labels',
        workloads: selectedWorkloads,
        pods: selectedPods.slice(0, MAX_PODS),
        podsTruncated: selectedPods.length > MAX_PODS,
        selectedPods: selectedRunning,
        namespacePods,
        text: selectionText(selectedWorkloads.length, selectedRunning, namespacePods, description.podSelector),
      },
      problems: problems.map((p) => ({ severity: p.severity, field: p.field ?? null, message: p.message })),
    };
  }

  private async crdPolicy(
    clusterId: string, at: string | undefined, detail: NamespaceDetail, item: PolicyItem, ref: string, workloads: NamespaceWorkloadRow[],
    labels: Map<string, Record<string, string>>,
  ): Promise<PolicyDetail> {
    const { row } = await this.posture.snapshotAt(clusterId, at);
    const engine = row.policy_engine ?? 'unknown';
    const object = (item.object ?? { apiVersion: item.apiVersion, kind: item.kind, metadata: { name: item.name } }) as CrdPolicy;
    const family = crdFamily(object);
    const problems: Problem[] = [];
    // Read as its own family would: whether this cluster's engine enforces it is said apart.
    const read = readCrdPolicies([object], family ?? engine, problems);
    const sel = read.selections[0];
    const enforcedNote = family === engine ? '' : ` The cluster's engine is ${engine}: ${read.notEvaluated[0]?.reason ?? `it does not enforce ${family ?? item.apiVersion} policies`}.`;
    const directions = this.postureDirections(detail, ref);
    const selectedWorkloads: PolicySelectedWorkload[] = [];
    const selectedPods: PolicySelectedPod[] = [];
    let namespacePods = 0;
    for (const w of workloads) {
      const pods = podsOf(w, labels);
      const running = pods.filter((p) => p.running);
      namespacePods += running.length;
      const dirs = directions.get(`${w.kind}/${w.name}`);
      if (!dirs) continue;
      selectedPods.push(...pods.map((p) => p.pod));
      selectedWorkloads.push({ kind: w.kind, name: w.name, pods: running.length, selectedPods: running.length, directions: dirs, labels: w.labels });
    }
    const selectedRunning = selectedWorkloads.reduce((n, w) => n + w.selectedPods, 0);
    const view = (d: PolicyDirection): PolicyDirectionView => {
      const isolates = sel?.isolates[d] ?? false;
      const denies = sel?.deniesAll[d] ?? false;
      const allowAll = sel?.allowAll[d] ?? [];
      const text = !sel
        ? `Not evaluated: ${read.notEvaluated[0]?.reason ?? 'unsupported policy'}.`
        : !isolates
          ? `Does not switch on default deny for ${d}.`
          : denies
            ? `Isolates ${d} of the selected pods and has no rule that can allow anything: ${d} is denied unless another policy allows it.`
            : allowAll.length > 0
              ? `Isolates ${d}; a rule admits ${allowAllText(allowAll)} on every port.`
              : `Isolates ${d}; its rules (${family === 'cilium' ? 'Cilium: L3/L4, L7, FQDN, entities' : 'Calico: ordered Allow/Deny/Pass'}) are shown in the YAML, not described here.`;
      return {
        direction: d,
        isolates,
        section: 'absent',
        allowsNothing: denies,
        defaultDenyShape: detail.namespace[d].baseline.policies.includes(ref),
        allowAll: allowAll.length > 0,
        rules: [],
        ignoredRules: 0,
        text,
        baseline: baselineRole(detail.namespace[d].baseline, ref, d, allowAll),
      };
    };
    const summary = `${item.kind} ${item.name}: selects ${selectedWorkloads.length} workload(s) of namespace ${detail.namespace.name} as the snapshot's posture recorded.${enforcedNote}`;
    return {
      ...this.base(detail, item, ref),
      described: false,
      podSelector: 'as the CRD selects (endpointSelector / selector), evaluated by the posture',
      selectsAllPods: selectedRunning > 0 && selectedRunning === namespacePods,
      policyTypes: DIRECTIONS.filter((d) => sel?.isolates[d]),
      policyTypesDefaulted: false,
      policyTypesText: `Directions it isolates: ${DIRECTIONS.filter((d) => sel?.isolates[d]).join(', ') || 'none'}.`,
      summary,
      ingress: view('ingress'),
      egress: view('egress'),
      selection: {
        basis: 'posture',
        workloads: selectedWorkloads,
        pods: selectedPods.slice(0, MAX_PODS),
        podsTruncated: selectedPods.length > MAX_PODS,
        selectedPods: selectedRunning,
        namespacePods,
        text: selectionText(selectedWorkloads.length, selectedRunning, namespacePods, null),
      },
      problems: problems.map((p) => ({ severity: p.severity, field: p.field ?? null, message: p.message })),
    };
  }
}

function selectionText(workloads: number, pods: number, namespacePods: number, selector: string | null): string {
  const what = `${workloads} workload(s), ${pods} of the namespace's ${namespacePods} current pod(s)`;
  return selector ? `Selects ${what}: ${selector}.` : `Selects ${what}.`;
}
