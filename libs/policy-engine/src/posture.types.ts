// The posture the engine returns: per pod, per workload, per namespace and per cluster. Plain
// JSON data only, so the snapshot writer can store it as is and the API can serve it unchanged.

import type { CrdPolicyKind, NotEvaluatedItem } from './crd-policies';
import type { Problem, WorkloadKind, WorkloadRef } from './model';
import type { AllowAllReason } from './policies';

export type { AllowAllReason, CrdPolicyKind, NotEvaluatedItem };

/** `networkProfile.networkPolicy`, or `unknown` when the cluster's profile was not read. */
export type EngineName = 'azure' | 'calico' | 'cilium' | 'none' | 'unknown';

export interface EnforcementPosture {
  engine: EngineName;
  /** `networkProfile.networkPolicy` as received; null when absent. */
  networkPolicy: string | null;
  /** True only when a known engine enforces NetworkPolicy; false for `none` and for `unknown`. */
  enforced: boolean;
  /** False when there was no network profile to tell (`unknown`). */
  confirmed: boolean;
  reason: string;
}

/**
 * Isolation of one pod or workload in one direction. A hostNetwork pod is never isolated, even
 * when policies select it (they are listed): no AKS engine enforces policies on host-networked pods. `policies` names the policies selecting it
 * for that direction: a NetworkPolicy by its name, a CRD policy as `Kind/name` (namespaced kinds
 * are always in the subject's own namespace). Sorted.
 */
export interface DirectionIsolation {
  isolated: boolean;
  policies: string[];
}

export interface PodPosture {
  namespace: string;
  name: string;
  workload: WorkloadRef;
  hostNetwork: boolean;
  excluded: boolean;
  ingress: DirectionIsolation;
  egress: DirectionIsolation;
}

export interface WorkloadPosture {
  namespace: string;
  kind: WorkloadKind;
  name: string;
  pods: number;
  excluded: boolean;
  /**
   * `template`: evaluated on the workload's pod template labels (state.workloads given);
   * `pods`: derived from its pods, isolated only when every pod is.
   */
  basis: 'template' | 'pods';
  ingress: DirectionIsolation;
  egress: DirectionIsolation;
}

/** A policy selecting pods of a namespace with a rule admitting every peer on every port. */
export interface BaselineBreaker {
  policy: string;
  reasons: AllowAllReason[];
  /** Current pods of the namespace it opens. */
  openedPods: number;
  selectsAllPods: boolean;
}

export interface DefaultDenyBaseline {
  /** Some policy selects all pods, isolates this direction and allows nothing in it. */
  present: boolean;
  /** The baseline policies, sorted. */
  policies: string[];
  /** Present, but some policy selecting pods of the namespace admits all peers on all ports. */
  broken: boolean;
  brokenBy: BaselineBreaker[];
}

export interface DirectionPosture {
  pods: number;
  isolatedPods: number;
  workloads: number;
  isolatedWorkloads: number;
  /** isolatedPods / pods; null when there are no pods. */
  podCoverage: number | null;
  workloadCoverage: number | null;
  /** A baseline is present and not broken: the fact the roll-ups count. */
  defaultDeny: boolean;
  baseline: DefaultDenyBaseline;
  /** Every current pod is isolated (false when the namespace has no pods). Weaker than defaultDeny. */
  effectivelyIsolated: boolean;
  /** Policies selecting at least one current pod of the namespace for this direction. */
  policies: number;
}

export interface NamespacePosture {
  name: string;
  excluded: boolean;
  /** Running or pending pods; terminated ones (Succeeded/Failed) are counted apart. */
  pods: number;
  terminatedPods: number;
  workloads: number;
  /** NetworkPolicy objects in the namespace. */
  policies: number;
  /** Evaluated namespaced CRD policies (Cilium / Calico) in the namespace. */
  crdPolicies: number;
  ingress: DirectionPosture;
  egress: DirectionPosture;
}

export interface ClusterDirectionPosture {
  pods: number;
  isolatedPods: number;
  workloads: number;
  isolatedWorkloads: number;
  podCoverage: number | null;
  workloadCoverage: number | null;
  namespacesWithDefaultDeny: number;
  namespacesWithBrokenDefaultDeny: number;
  namespacesEffectivelyIsolated: number;
}

/** Roll-up over the non-excluded namespaces. */
export interface ClusterRollup {
  namespaces: number;
  excludedNamespaces: number;
  pods: number;
  workloads: number;
  policies: number;
  crdPolicies: number;
  ingress: ClusterDirectionPosture;
  egress: ClusterDirectionPosture;
}

export interface ClusterPosture {
  enforcement: EnforcementPosture;
  /** The exclusion list applied (configured or default). */
  excludedNamespaces: string[];
  cluster: ClusterRollup;
  /** Sorted by name; excluded namespaces included, flagged. */
  namespaces: NamespacePosture[];
  /** Sorted by namespace, kind, name. */
  workloads: WorkloadPosture[];
  /** Sorted by namespace, name; terminated pods left out. */
  pods: PodPosture[];
  /** What the engine did not evaluate, in plain words. */
  notEvaluated: NotEvaluatedItem[];
  problems: Problem[];
}

export interface PostureOptions {
  /** Replaces DEFAULT_EXCLUDED_NAMESPACES; spread that constant to extend it. */
  excludedNamespaces?: string[];
}
