// The one contract every collector honours: read a cluster (or files) into a ClusterState and
// report what went wrong as data. A cluster-level failure (unreachable, 401/403, timeout) gives
// `state: null` plus an error problem; an invalid single object is skipped with a problem.
import type { ClusterState, Problem } from '@kordon/policy-engine';

export interface CollectProgress {
  /** e.g. `namespaces`, `pods`, `nodes`, `services`, `networkpolicies`, `crds`, `aks`. */
  phase: string;
  /** Running counts of objects read so far, by kind. */
  counts: Record<string, number>;
}

export interface CollectOptions {
  /** Called as pages arrive so long snapshots can show progress. */
  onProgress?: (progress: CollectProgress) => void;
  /** Page size for list calls (`limit`); default 500. */
  pageSize?: number;
  /** Per-request timeout in milliseconds; default 30 000. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface CollectResult {
  state: ClusterState | null;
  problems: Problem[];
  /**
   * Policy objects (NetworkPolicy and CRD policies) as JSON text exactly as the source served
   * them, in the same order as state.networkPolicies followed by state.crdPolicies. Stored
   * byte-for-byte as evidence.
   */
  policyTexts?: string[];
  /** Source facts worth keeping with the snapshot (API server version, ARM resource id…). */
  meta?: Record<string, unknown>;
}
