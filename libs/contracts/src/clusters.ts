// Request/response shapes of the cluster and snapshot resources, shared by api and web.
// Plain types only: no decorators, no runtime dependencies.

export type ClusterSource = 'kubeconfig' | 'aks' | 'manifests';
export type SnapshotStatus = 'running' | 'succeeded' | 'failed';
export type PolicyEngineName = 'azure' | 'calico' | 'cilium' | 'none' | 'unknown';

export interface DirectionCoverage {
  /** Share of pods isolated in this direction, 0..1, over non-excluded namespaces. */
  pods: number;
  /** Share of workloads isolated in this direction, 0..1. */
  workloads: number;
  /** Namespaces with a default-deny baseline in this direction. */
  namespacesWithDefaultDeny: number;
}

export interface PostureSummary {
  snapshotId: string;
  takenAt: string;
  namespaces: number;
  excludedNamespaces: number;
  ingress: DirectionCoverage;
  egress: DirectionCoverage;
  /** Whether the cluster's network policy engine enforces NetworkPolicy at all. */
  enforced: boolean;
  /** Open findings of that snapshot by severity. */
  findings?: Record<'critical' | 'high' | 'medium' | 'low' | 'info', number>;
}

export interface SnapshotSummary {
  id: string;
  status: SnapshotStatus;
  trigger: 'schedule' | 'manual' | 'seed';
  startedAt: string;
  finishedAt: string | null;
  failureReason: string | null;
}

export interface ClusterSummary {
  id: string;
  name: string;
  source: ClusterSource;
  environment: string | null;
  team: string | null;
  demo: boolean;
  enabled: boolean;
  scheduleMinutes: number;
  /** `networkProfile.networkPolicy` of the latest successful snapshot. */
  engine: PolicyEngineName;
  networkPlugin: string | null;
  lastSnapshot: SnapshotSummary | null;
  /** The latest successful snapshot's posture (a failed one never hides it). */
  posture: PostureSummary | null;
  /** True when no snapshot succeeded within twice the schedule interval. */
  stale: boolean;
}

export interface SnapshotProgress {
  phase: string;
  counts: Record<string, number>;
  updatedAt: string;
}

export interface SnapshotCounts {
  namespaces: number;
  pods: number;
  workloads: number;
  networkPolicies: number;
  crdPolicies: number;
  services: number;
  nodes: number;
}

export interface SnapshotProblem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  object?: string;
  field?: string;
}

export interface SnapshotDetail extends SnapshotSummary {
  clusterId: string;
  progress: SnapshotProgress | null;
  kubernetesVersion: string | null;
  networkProfile: Record<string, unknown> | null;
  nodePools: Record<string, unknown>[] | null;
  counts: SnapshotCounts | null;
  problems: SnapshotProblem[];
}

export interface SnapshotJobAccepted {
  jobId: string | null;
  clusterId: string;
  /** True when a snapshot for this cluster was already queued or running. */
  alreadyQueued: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

/** Orders of `GET /api/clusters/{id}/snapshots?sort=`: `-startedAt` newest first (the default), `startedAt` oldest first. */
export type SnapshotSort = '-startedAt' | 'startedAt';

/** Orders of `GET /api/clusters`: `field` ascending, `-field` descending; clusters without a value last. */
export type ClusterSortField = 'name' | 'environment' | 'team' | 'coverage' | 'ingressCoverage' | 'egressCoverage' | 'findings' | 'lastSnapshot';
export type ClusterSort = ClusterSortField | `-${ClusterSortField}`;
