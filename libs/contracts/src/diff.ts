// What changed between two snapshots of a cluster (GET /clusters/:id/diff), or between its
// latest snapshot and proposed manifests (POST /clusters/:id/simulate, nothing stored), and the
// "what changed since" counts of the cluster and fleet pages. Plain types only.
import type { ReachabilityAllowance } from './reachability';

export interface DiffSnapshotRef {
  /** null for the proposed side of a what-if. */
  id: string | null;
  takenAt: string | null;
  /** `snapshot` or `proposed`. */
  kind: 'snapshot' | 'proposed';
}

export interface DiffPolicyRef {
  kind: string;
  /** null for cluster-wide kinds (CiliumClusterwideNetworkPolicy, GlobalNetworkPolicy). */
  namespace: string | null;
  name: string;
}

export interface DiffPolicyChange extends DiffPolicyRef {
  change: 'added' | 'removed' | 'changed';
  /** The object as authored (server-managed metadata left out), as YAML; '' on the missing side. */
  beforeYaml: string;
  afterYaml: string;
  /** Unified diff of beforeYaml → afterYaml (`---`/`+++` header, `@@` hunks). */
  yamlDiff: string;
  podsBefore: number;
  podsAfter: number;
}

/** A policy on both sides whose selected pods changed; `drift`: it selected pods and now selects none. */
export interface DiffSelectionChange {
  policy: DiffPolicyRef;
  before: number;
  after: number;
  drift: boolean;
  policyChanged: boolean;
}

export interface DiffLabelChange {
  scope: 'namespace' | 'workload';
  namespace: string;
  /** `Kind/name` of the workload; null for the namespace's own labels. */
  workload: string | null;
  added: { key: string; value: string }[];
  removed: { key: string; value: string }[];
  changed: { key: string; before: string; after: string }[];
  /** Policies that gained or lost pods because of the change (the workload's, or any of the namespace's). */
  effects: DiffSelectionChange[];
  /** Namespace labels only: NetworkPolicy rules whose namespaceSelector admits the namespace as a peer on one side only. */
  peerEffects: DiffPeerChange[];
}

export interface DiffPeerChange {
  policy: DiffPolicyRef;
  direction: 'ingress' | 'egress';
  /** A `from` (ingress) or `to` (egress) peer's namespaceSelector matched the namespace. */
  before: boolean;
  after: boolean;
}

export interface DiffDirectionFigures {
  isolatedPods: number;
  coverage: number | null;
  defaultDeny: boolean;
}

export interface DiffNamespaceFigures {
  pods: number;
  policies: number;
  ingress: DiffDirectionFigures;
  egress: DiffDirectionFigures;
}

export interface DiffNamespaceChange {
  namespace: string;
  change: 'added' | 'removed' | 'changed';
  excluded: boolean;
  before: DiffNamespaceFigures | null;
  after: DiffNamespaceFigures | null;
  /** Percentage points (after − before); null when a side has no pods. */
  ingressCoverageDelta: number | null;
  egressCoverageDelta: number | null;
}

export interface DiffFinding {
  key: string;
  ruleId: string;
  severity: string;
  title: string;
  namespace: string | null;
  object: string | null;
  message: string;
}

export interface DiffPairCause {
  type: 'policy' | 'drift' | 'labels';
  kind: string;
  namespace: string | null;
  name: string;
  change: string;
}

export interface DiffPair {
  /** Namespace (namespace pairs) or workload id / external range (workload pairs). */
  from: string;
  to: string;
  before: string;
  after: string;
  opened: string;
  closed: string;
  causes: DiffPairCause[];
  /** Workload pairs only: which policies allow the connection on each side, before and after (null where there was none). */
  allowedBy?: { before: ReachabilityAllowance | null; after: ReachabilityAllowance | null };
}

export interface DiffSummary {
  policiesAdded: number;
  policiesRemoved: number;
  policiesChanged: number;
  labelChanges: number;
  driftedPolicies: number;
  namespacesChanged: number;
  defaultDenyGained: number;
  defaultDenyLost: number;
  findingsOpened: number;
  findingsResolved: number;
  pairsChanged: number;
  pairsOpened: number;
  pairsClosed: number;
  profileChanges: number;
}

export interface ClusterDiff {
  clusterId: string;
  from: DiffSnapshotRef;
  to: DiffSnapshotRef;
  summary: DiffSummary;
  profile: { engineBefore: string; engineAfter: string; engineChanged: boolean; changes: { field: string; before: string | null; after: string | null }[] };
  policies: DiffPolicyChange[];
  selection: DiffSelectionChange[];
  /** Selection changes flagged as drift (also in `selection`). */
  drift: DiffSelectionChange[];
  labels: DiffLabelChange[];
  namespaces: DiffNamespaceChange[];
  findings: { opened: DiffFinding[]; resolved: DiffFinding[] };
  reachability: {
    /** In (from, to) order, at most `pairLimit` of them (default 2000). */
    namespacePairs: DiffPair[];
    /** Every namespace pair whose connections changed (the summary's pairsChanged). */
    namespacePairsTotal: number;
    namespacePairsTruncated: boolean;
    workloadPairs: DiffPair[] | null;
    workloadPairsTotal: number | null;
    truncated: boolean;
  } | null;
  verdict: {
    opens: number;
    closes: number;
    breaksDefaultDeny: { namespace: string; direction: 'ingress' | 'egress' }[];
    /** What opens/closes count: `workloads` (every connection, external ranges included) or `namespaces` (matrix cells). */
    basis: 'workloads' | 'namespaces';
    /** What a gate fails on: the change opens connections or breaks a default-deny. */
    fails: boolean;
  };
}

/** POST /clusters/:id/simulate: proposed manifests (YAML text or files) and policies to delete. */
export interface SimulateRequest {
  manifests?: string;
  files?: { name: string; text: string }[];
  /** `[Kind/]namespace/name` of policies of the latest snapshot to delete. */
  delete?: string[];
  /** Also diff workload pairs. */
  workloads?: boolean;
  /** At most this many namespace (and workload) pairs listed; default 2000. */
  pairLimit?: number;
}

export interface ClusterChanges {
  clusterId: string;
  name: string;
  since: string;
  /** Null when the cluster has no succeeded snapshot to compare. */
  from: DiffSnapshotRef | null;
  to: DiffSnapshotRef | null;
  /** Succeeded snapshots taken since `since`. */
  snapshotsCompared: number;
  /** Null when there is nothing to compare. The fleet answer carries the counts read from stored rows
   * (policies, namespaces, default-deny, findings); a cluster's own answer carries them all. */
  counts: Partial<DiffSummary> | null;
}

export interface FleetChanges {
  since: string;
  clusters: ClusterChanges[];
}
