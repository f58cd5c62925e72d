// Reachability at a snapshot (latest, or in force at a past time): the namespace matrix and, for
// one workload, who can reach it and where it can go. Plain types only: no decorators.

/** One allowed connection. Peers are `namespace/name` workloads (`namespace/name[Kind]` when two
 * kinds share a name) or external `start-end` address ranges; `conn` is the engine's canonical
 * connection-set text (`All Connections`, `TCP 80,443`, `TCP 8080,UDP 53`…). */
export interface ReachabilityConnection {
  src: string;
  dst: string;
  conn: string;
}

/** What the engine did not evaluate (CRD policy rules, an engine that enforces nothing). */
export interface ReachabilityNotEvaluated {
  object: string;
  kind: string;
  reason: string;
}

/** The snapshot an answer was computed from: the one in force at `?at=` (latest by default). */
export interface ReachabilitySnapshotRef {
  id: string;
  clusterId: string;
  takenAt: string;
}

export interface ReachabilityMatrix {
  snapshot: ReachabilitySnapshotRef;
  /** Every namespace, sorted; excluded (system) ones too, listed in `excluded`. */
  namespaces: string[];
  excluded: string[];
  /** Per ordered namespace pair (the diagonal: between distinct workloads of one namespace), the
   * union of connections between their workloads. Pairs without connections are omitted. */
  cells: ReachabilityConnection[];
  notEvaluated: ReachabilityNotEvaluated[];
}

export interface ReachabilityWorkloadRef {
  /** The name used in connections. */
  id: string;
  namespace: string;
  kind: string;
  name: string;
  pods: number;
  excluded: boolean;
  /** `pods`: evaluated on its pods; `template`: no pods, evaluated on its pod template. */
  basis: 'pods' | 'template';
  /** False when its pods differ in labels or ports: connections are the union over them. */
  uniform: boolean;
}

export type ReachabilityDirection = 'ingress' | 'egress';

export interface WorkloadReachability {
  snapshot: ReachabilitySnapshotRef;
  workload: ReachabilityWorkloadRef;
  /** `ingress`: who can reach the workload (dst is the workload); `egress`: where it can go. */
  direction: ReachabilityDirection;
  /** Sorted by src then dst; from/to other workloads and external address ranges. */
  connections: ReachabilityConnection[];
  notEvaluated: ReachabilityNotEvaluated[];
}
