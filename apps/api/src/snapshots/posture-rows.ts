// Maps the engine's ClusterPosture onto what a snapshot stores: one pre-computed row per
// namespace (flat columns for history queries, the full detail as JSON for posture pages at any
// past time) and a cluster roll-up for fleet lists.
import type { PostureSummary } from '@kordon/contracts';
import { deriveWorkloads } from '@kordon/collectors';
import type { ClusterPosture, ClusterState, WorkloadInfo } from '@kordon/policy-engine';
import type { Prisma } from '@prisma/client';
import type { NamespacePostureRow } from './snapshots.repository';

export function workloadsOf(state: ClusterState): WorkloadInfo[] {
  return state.workloads ?? deriveWorkloads(state.pods);
}

export function toPostureRows(posture: ClusterPosture): NamespacePostureRow[] {
  const workloadsByNs = new Map<string, ClusterPosture['workloads']>();
  for (const w of posture.workloads) {
    const list = workloadsByNs.get(w.namespace);
    if (list) list.push(w);
    else workloadsByNs.set(w.namespace, [w]);
  }
  return posture.namespaces.map((ns) => ({
    namespace: ns.name,
    excluded: ns.excluded,
    pods: ns.pods,
    workloads: ns.workloads,
    ingressIsolatedPods: ns.ingress.isolatedPods,
    egressIsolatedPods: ns.egress.isolatedPods,
    ingressIsolatedWorkloads: ns.ingress.isolatedWorkloads,
    egressIsolatedWorkloads: ns.egress.isolatedWorkloads,
    defaultDenyIngress: ns.ingress.defaultDeny,
    defaultDenyEgress: ns.egress.defaultDeny,
    effectivelyIsolatedIngress: ns.ingress.effectivelyIsolated,
    effectivelyIsolatedEgress: ns.egress.effectivelyIsolated,
    policies: ns.policies + ns.crdPolicies,
    detail: { ...ns, workloads: workloadsByNs.get(ns.name) ?? [] } as unknown as Prisma.InputJsonValue,
  }));
}

/** The cluster roll-up stored on the snapshot (snapshot id and time are added when read). */
export function toPostureSummary(posture: ClusterPosture): Omit<PostureSummary, 'snapshotId' | 'takenAt'> & { engine: string } {
  const c = posture.cluster;
  return {
    engine: posture.enforcement.engine,
    enforced: posture.enforcement.enforced,
    namespaces: c.namespaces,
    excludedNamespaces: c.excludedNamespaces,
    ingress: { pods: c.ingress.podCoverage ?? 0, workloads: c.ingress.workloadCoverage ?? 0, namespacesWithDefaultDeny: c.ingress.namespacesWithDefaultDeny },
    egress: { pods: c.egress.podCoverage ?? 0, workloads: c.egress.workloadCoverage ?? 0, namespacesWithDefaultDeny: c.egress.namespacesWithDefaultDeny },
  };
}
