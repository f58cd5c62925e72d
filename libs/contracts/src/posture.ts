// Posture of one cluster at a snapshot (latest, or in force at a past time) and of one namespace
// in detail. Plain types only: no decorators, no runtime dependencies.
import type { PostureSummary } from './clusters';
import type { FindingItem } from './findings';
import type { ExceptedRef } from './exceptions';

export interface ClusterRef {
  id: string;
  name: string;
  environment: string | null;
  team: string | null;
}

/** The snapshot a posture answer was read from: the one in force at the requested time. */
export interface SnapshotRef {
  id: string;
  takenAt: string;
  finishedAt: string | null;
}

export interface NamespaceDirectionPosture {
  isolatedPods: number;
  isolatedWorkloads: number;
  /** isolatedPods / pods, 0..1; null when the namespace has no pods. */
  podCoverage: number | null;
  workloadCoverage: number | null;
  /** A default-deny baseline is present and not undone by an allow-all policy. */
  defaultDeny: boolean;
  /** Every current pod is isolated (weaker than a baseline: pods created later are not). */
  effectivelyIsolated: boolean;
  /** When default-deny is missing: the exception in force accepting that gap, else null. */
  defaultDenyExcepted?: ExceptedRef | null;
}

export interface NamespacePostureItem {
  name: string;
  /** System namespaces left out of roll-ups (kube-system… by default). */
  excluded: boolean;
  pods: number;
  workloads: number;
  /** NetworkPolicy and CRD policy objects in the namespace. */
  policies: number;
  /** Findings of the snapshot about this namespace. */
  findings: number;
  ingress: NamespaceDirectionPosture;
  egress: NamespaceDirectionPosture;
}

export type PostureSort = 'name' | 'coverage' | 'ingressCoverage' | 'egressCoverage' | 'pods' | 'findings';
/** `ingress`/`egress`: has that baseline; `both`; `none`: neither; `incomplete`: lacks at least one. */
export type DefaultDenyFilter = 'ingress' | 'egress' | 'both' | 'none' | 'incomplete';

export interface ClusterPosture {
  cluster: ClusterRef;
  snapshot: SnapshotRef & { engine: string; enforced: boolean };
  /** The cluster roll-up stored with the snapshot (non-excluded namespaces). */
  summary: PostureSummary;
  /** Namespace rows matching the filters, in the requested order, one page. */
  items: NamespacePostureItem[];
  nextCursor: string | null;
}

export interface BaselineBreakerView {
  policy: string;
  reasons: string[];
  openedPods: number;
  selectsAllPods: boolean;
}

export interface BaselineView {
  present: boolean;
  /** The policies forming the baseline. */
  policies: string[];
  /** Present but undone by a policy admitting every peer on every port. */
  broken: boolean;
  brokenBy: BaselineBreakerView[];
}

export interface NamespaceDirectionDetail extends NamespaceDirectionPosture {
  pods: number;
  workloads: number;
  /** Policies selecting at least one current pod for this direction. */
  policies: number;
  baseline: BaselineView;
}

export interface WorkloadIsolation {
  isolated: boolean;
  /** Policies selecting it for this direction: a NetworkPolicy by name, a CRD policy as `Kind/name`. */
  policies: string[];
}

export interface WorkloadPostureItem {
  kind: string;
  name: string;
  pods: number;
  excluded: boolean;
  /** `template`: judged on the pod template labels; `pods`: isolated only when every pod is. */
  basis: 'template' | 'pods';
  labels: Record<string, string> | null;
  ingress: WorkloadIsolation;
  egress: WorkloadIsolation;
}

export interface PolicyItem {
  hash: string;
  apiVersion: string;
  kind: string;
  /** Null for cluster-scoped CRD policies that select workloads of this namespace. */
  namespace: string | null;
  name: string;
  /** The object's JSON text exactly as the API server served it. */
  body: string;
  /** `body` parsed; null if it is not JSON. */
  object: Record<string, unknown> | null;
  /** Workloads of the namespace it selects (`Kind/name`), either direction. */
  selects: string[];
}

export interface NamespaceDetail {
  cluster: ClusterRef;
  snapshot: SnapshotRef;
  namespace: {
    name: string;
    excluded: boolean;
    labels: Record<string, string>;
    pods: number;
    terminatedPods: number;
    workloads: number;
    policies: number;
    crdPolicies: number;
    ingress: NamespaceDirectionDetail;
    egress: NamespaceDirectionDetail;
  };
  workloads: WorkloadPostureItem[];
  policies: PolicyItem[];
  findings: FindingItem[];
}

/** Why a namespace is left out of roll-ups, when it is. */
export interface NamespaceExclusion {
  excludedReason: string | null;
}

/** `GET /clusters/:id/posture`: rows also carry why they are excluded; `total` counts the matching rows. */
export interface ClusterPosturePage extends ClusterPosture {
  items: (NamespacePostureItem & NamespaceExclusion)[];
  /** Rows matching the filters and search, across all pages. */
  total: number;
  /** Position of the first row of this page among them (with `offset` paging). */
  offset: number;
  /** Default-deny per direction over the non-excluded namespaces, without and with exceptions. */
  defaultDenyFigures?: { ingress: DefaultDenyFigures; egress: DefaultDenyFigures };
}

export interface DefaultDenyFigures {
  /** Non-excluded namespaces. */
  namespaces: number;
  namespacesWithDefaultDeny: number;
  /** With default-deny, or lacking it under an exception in force. */
  namespacesWithDefaultDenyOrExcepted: number;
  /** namespacesWithDefaultDeny / namespaces; null without namespaces. */
  defaultDenyShare: number | null;
  defaultDenyOrExceptedShare: number | null;
}

/** The network profile fields a reader needs, from `networkProfile` as ARM returned it. */
export interface NetworkProfileView {
  networkPlugin: string | null;
  networkPluginMode: string | null;
  networkPolicy: string | null;
  networkDataplane: string | null;
  podCidrs: string[];
  serviceCidrs: string[];
  dnsServiceIp: string | null;
  outboundType: string | null;
  loadBalancerSku: string | null;
  ipFamilies: string[];
}

export interface NodePoolView {
  name: string;
  osType: string | null;
  osSku: string | null;
  count: number | null;
  mode: string | null;
  vmSize: string | null;
}

/** A platform or enforcement finding of the snapshot: a caveat about what the engine enforces. */
export interface ProfileCaveat {
  ruleId: string;
  category: 'platform' | 'enforcement';
  severity: 'critical' | 'high' | 'medium' | 'low' | 'info';
  title: string;
  /** The first finding of the rule (most severe first). */
  message: string;
  /** Further findings of the same rule in the snapshot, not listed (see `/findings?rule=`). */
  more: number;
}

/** `GET /clusters/:id/posture/profile`: the cluster's network profile and the engine's caveats at a snapshot. */
export interface ClusterProfile {
  cluster: ClusterRef;
  snapshot: SnapshotRef & { engine: string; enforced: boolean };
  kubernetesVersion: string | null;
  /** Null when the snapshot had no network profile (manifests or kubeconfig without ARM access). */
  networkProfile: NetworkProfileView | null;
  nodePools: NodePoolView[];
  /** Pods and nodes counted by the snapshot, for scale caveats. */
  counts: { namespaces: number; pods: number; nodes: number } | null;
  /** One per rule, most severe first. */
  caveats: ProfileCaveat[];
}

/**
 * `GET /clusters/:id/posture/heatmap`: every namespace in one compact answer. Each row is
 * `[name, excluded, pods, workloads, ingressIsolatedWorkloads, egressIsolatedWorkloads,
 * defaultDenyIngress, defaultDenyEgress]`, flags as 0/1, sorted by name.
 */
export type HeatmapRow = [name: string, excluded: 0 | 1, pods: number, workloads: number, ingressIsolated: number, egressIsolated: number, defaultDenyIngress: 0 | 1, defaultDenyEgress: 0 | 1];

export interface PostureHeatmap {
  snapshot: SnapshotRef;
  rows: HeatmapRow[];
}
