// Time series of posture: per cluster, per namespace and fleet roll-ups for rollout progress.
// One point per bucket: the last snapshot taken in it. Plain types only.
import type { ClusterSummary } from './clusters';
import type { FindingSeverity } from './findings';

export type HistoryBucket = 'hour' | 'day' | 'week';
export type FleetGroupBy = 'environment' | 'team' | 'cluster';

export interface HistoryRange {
  from: string;
  to: string;
  bucket: HistoryBucket;
}

export interface ClusterHistoryDirection {
  /** Share of pods isolated, 0..1, over non-excluded namespaces. */
  podCoverage: number | null;
  workloadCoverage: number | null;
  namespacesWithDefaultDeny: number;
  /** namespacesWithDefaultDeny / namespaces; null without namespaces. */
  defaultDenyShare: number | null;
}

export interface ClusterHistoryPoint {
  /** Start of the bucket (UTC; weeks start on Monday). */
  bucket: string;
  snapshotId: string;
  takenAt: string;
  namespaces: number;
  enforced: boolean | null;
  ingress: ClusterHistoryDirection;
  egress: ClusterHistoryDirection;
}

export interface ClusterHistory extends HistoryRange {
  clusterId: string;
  points: ClusterHistoryPoint[];
}

export interface NamespaceHistoryDirection {
  isolatedPods: number;
  isolatedWorkloads: number;
  podCoverage: number | null;
  workloadCoverage: number | null;
  defaultDeny: boolean;
  effectivelyIsolated: boolean;
}

export interface NamespaceHistoryPoint {
  bucket: string;
  snapshotId: string;
  takenAt: string;
  excluded: boolean;
  pods: number;
  workloads: number;
  policies: number;
  ingress: NamespaceHistoryDirection;
  egress: NamespaceHistoryDirection;
}

export interface NamespaceHistory extends HistoryRange {
  clusterId: string;
  namespace: string;
  points: NamespaceHistoryPoint[];
}

export interface FleetRollupPoint {
  bucket: string;
  /** Clusters with a snapshot in force at the end of the bucket. */
  clusters: number;
  /** Non-excluded namespaces. */
  namespaces: number;
  defaultDenyIngress: number;
  defaultDenyEgress: number;
  defaultDenyIngressShare: number | null;
  defaultDenyEgressShare: number | null;
  /** Pods in non-excluded namespaces, and those isolated per direction (sums over the clusters). */
  pods: number;
  ingressIsolatedPods: number;
  egressIsolatedPods: number;
  /** ingressIsolatedPods / pods (egress likewise); null without pods. */
  ingressPodCoverage: number | null;
  egressPodCoverage: number | null;
}

export interface FleetSeries {
  /** The environment, team or cluster id; null for clusters without an environment/team. */
  key: string | null;
  /** Display name: the key, the cluster name, or `(none)`. */
  name: string;
  points: FleetRollupPoint[];
}

export interface FleetHistory extends HistoryRange {
  groupBy: FleetGroupBy;
  series: FleetSeries[];
}

export interface FleetTotals {
  clusters: number;
  /** Clusters whose engine enforces NetworkPolicy. */
  enforcedClusters: number;
  namespaces: number;
  defaultDenyIngress: number;
  defaultDenyEgress: number;
  defaultDenyIngressShare: number | null;
  defaultDenyEgressShare: number | null;
  pods: number;
  ingressIsolatedPods: number;
  egressIsolatedPods: number;
  ingressPodCoverage: number | null;
  egressPodCoverage: number | null;
  findings: Record<FindingSeverity, number>;
}

export interface FleetGroupSummary extends FleetTotals {
  key: string | null;
  name: string;
}

export interface FleetSummary {
  /** The time asked for, or null for the latest snapshots. */
  at: string | null;
  totals: FleetTotals;
  byEnvironment: FleetGroupSummary[];
  byTeam: FleetGroupSummary[];
}

/**
 * `GET /api/fleet/clusters?at=`: every live cluster as it stood at `at` (the cluster list's rows,
 * with the last snapshot started up to `at` and the posture of the last one that succeeded by then;
 * `stale` is judged at `at`). Clusters registered after `at` without an earlier snapshot are left out.
 */
export interface FleetClustersAt {
  /** The time asked for, or null for now (then the rows equal `GET /api/clusters`). */
  at: string | null;
  items: ClusterSummary[];
}

// ---- time in state (interval semantics) ----

/**
 * `protected`: a succeeded snapshot saw default-deny in the direction; `unprotected`: it saw the
 * namespace without it; `absent`: the namespace was not in the snapshot; `unknown`: no snapshot
 * vouches for the time (before the first one, after a failed one, or a gap longer than the
 * cluster's schedule plus grace).
 */
export type TimeInStateState = 'protected' | 'unprotected' | 'unknown' | 'absent';

export interface TimeInStateInterval {
  from: string;
  to: string;
  state: TimeInStateState;
  /** The first snapshot vouching for the interval (null for unknown time no snapshot covers). */
  snapshotId: string | null;
  /** Every snapshot vouching for it, in order (consecutive equal states are merged). */
  snapshotIds: string[];
}

export interface TimeInStateProvingSnapshot {
  id: string;
  startedAt: string;
}

export interface TimeInStateDirection {
  protectedMs: number;
  unprotectedMs: number;
  unknownMs: number;
  absentMs: number;
  /** protectedMs / the measured range; null for an empty range. */
  share: number | null;
  /** True only when the whole measured range is protected (no unknown time). */
  heldThroughout: boolean;
  /** Start of the uninterrupted protected run that reaches the end of the range, or null. */
  protectedSince: string | null;
  /** Omitted by the cluster-wide summary unless `intervals=true`. */
  intervals?: TimeInStateInterval[];
  /** The snapshots that prove the protected time, in order. */
  provingSnapshots?: TimeInStateProvingSnapshot[];
}

export interface TimeInStateRange {
  from: string;
  to: string;
  /** min(to, now): time still to come is not measured. */
  measuredTo: string;
  scheduleMinutes: number;
  /** A snapshot vouches for at most scheduleMinutes + this many minutes. */
  scheduleSlackMinutes: number;
}

export interface NamespaceTimeInState extends TimeInStateRange {
  clusterId: string;
  namespace: string;
  ingress: TimeInStateDirection;
  egress: TimeInStateDirection;
}

export interface TimeInStateNamespaceSummary {
  namespace: string;
  ingress: TimeInStateDirection;
  egress: TimeInStateDirection;
}

export interface ClusterTimeInState extends TimeInStateRange {
  clusterId: string;
  /** Every namespace seen by a snapshot in the range, by name. */
  namespaces: TimeInStateNamespaceSummary[];
}
