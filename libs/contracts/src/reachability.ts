// Reachability at a snapshot (latest, or in force at a past time): the namespace matrix and, for
// one workload, who can reach it and where it can go. Plain types only: no decorators.

/** One allowed connection. Peers are `namespace/name` workloads (`namespace/name[Kind]` when two
 * kinds share a name), external `start-end` address ranges, or `FQDN <name>` for a Cilium
 * `toFQDNs` name or pattern (egress only; its addresses depend on DNS); `conn` is the engine's canonical
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

/** A policy by kind (`NetworkPolicy`, `CiliumNetworkPolicy`, `CiliumClusterwideNetworkPolicy`), namespace (null for cluster-wide kinds) and name. */
export interface ReachabilityPolicyRef {
  kind: string;
  namespace: string | null;
  name: string;
}

/** Why one side lets a connection through: the source's egress, or the destination's ingress. */
export interface ReachabilitySideAllowance {
  /** The workload of this side; null for an external address range (not governed by policies). */
  peer: string | null;
  /** Some pod of this side is not isolated in this direction: no policy selects it, allowed by default. */
  defaultAllow: boolean;
  /** Policies selecting this side for the direction whose rules admit the other side on an allowed port. */
  policies: ReachabilityPolicyRef[];
  /** Policies whose deny rules (Cilium ingressDeny/egressDeny) match the other side: they cut those ports, whatever allows them. */
  deniedBy: ReachabilityPolicyRef[];
  /** Allowing policies whose admitting rules carry L7 rules (http, dns, kafka), which Kordon does not evaluate: the connection is allowed "with L7 rules". */
  l7: { policy: ReachabilityPolicyRef; rules: string[] }[];
  /** What was not evaluated on this side (CRD policies as `Kind/name`, `hostNetwork`): shown as open. */
  notEvaluated: string[];
}

export interface ReachabilityAllowance {
  egress: ReachabilitySideAllowance;
  ingress: ReachabilitySideAllowance;
}

/** A connection with the policies that allow it. */
export interface ExplainedConnection extends ReachabilityConnection {
  allowedBy: ReachabilityAllowance;
}

/** The workload connections from the workloads of one namespace to those of another. */
export interface NamespacePairReachability {
  snapshot: ReachabilitySnapshotRef;
  from: string;
  to: string;
  /** The matrix cell's connection set for the pair (`No Connections` when none). */
  conn: string;
  /** Sorted by src then dst; between distinct workloads. */
  connections: ExplainedConnection[];
  notEvaluated: ReachabilityNotEvaluated[];
}

/** Workloads of a snapshot, for picking one. */
export interface ReachabilityWorkloadList {
  snapshot: ReachabilitySnapshotRef;
  items: ReachabilityWorkloadRef[];
  /** Matching workloads in all (items stop at the limit). */
  total: number;
}

export interface WorkloadReachability {
  snapshot: ReachabilitySnapshotRef;
  workload: ReachabilityWorkloadRef;
  /** `ingress`: who can reach the workload (dst is the workload); `egress`: where it can go. */
  direction: ReachabilityDirection;
  /** Sorted by src then dst; from/to other workloads and external address ranges, each with the policies allowing it. */
  connections: ExplainedConnection[];
  notEvaluated: ReachabilityNotEvaluated[];
}
