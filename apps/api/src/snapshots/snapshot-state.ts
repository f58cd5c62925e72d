// Rebuilds the ClusterState a stored snapshot was analysed from, out of its content-addressed
// sets, so reachability (and any later question) can be asked of the past without re-collecting.
// What the engine reads round-trips exactly: namespaces and labels, pods (labels, ports, phase,
// hostNetwork, workload), workloads, policies parsed from their served text, services, node
// pools, network profile and version. Not stored, so not rebuilt: `nodes` (only counted); the
// findings that use them are stored with the snapshot instead.
import { Injectable } from '@nestjs/common';
import { isCrdPolicy } from '@kordon/collectors';
import type {
  ClusterState, ContainerPort, CrdPolicy, Labels, NamespaceInfo, NetworkPolicy, NetworkProfile, NodePoolInfo, PodInfo, ServiceInfo,
  WorkloadInfo, WorkloadKind,
} from '@kordon/policy-engine';
import { SnapshotsRepository } from './snapshots.repository';

/** One pod as the writer stores it under its workload (see buildSnapshotContent). */
export interface StoredPod {
  name: string;
  labelSetHash: string;
  nodeName?: string | null;
  phase?: string | null;
  ips?: string[];
  hostNetwork?: boolean;
  synthetic?: boolean;
  /** Absent in snapshots written before pods kept their own ports: the workload's are used. */
  ports?: ContainerPort[];
}

export interface StoredPolicy {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string;
  body: string;
}

export interface StoredWorkload {
  namespace: string;
  kind: string;
  name: string;
  labelSetHash: string;
  podCount: number;
  ports: unknown;
  pods: unknown;
}

export interface StoredSnapshotParts {
  kubernetesVersion: string | null;
  networkProfile: unknown;
  nodePools: unknown;
  services: unknown;
  namespaces: { name: string; labelSetHash: string }[];
  workloads: StoredWorkload[];
  policies: StoredPolicy[];
  labels: Map<string, Labels>;
}

export class SnapshotStateError extends Error {}

/**
 * Pure: stored rows → ClusterState. A policy body is the object's JSON exactly as served; the
 * writer recorded the namespace the engine used (manifests without one land in `default`), so
 * that namespace is put back where the text lacks it.
 */
export function stateFromStored(parts: StoredSnapshotParts): ClusterState {
  const labelsOf = (hash: string): Labels => {
    const labels = parts.labels.get(hash);
    if (!labels) throw new SnapshotStateError(`label set ${hash} is referenced but missing`);
    return { ...labels };
  };
  const namespaces: NamespaceInfo[] = parts.namespaces.map((n) => ({ name: n.name, labels: labelsOf(n.labelSetHash) }));

  const workloads: WorkloadInfo[] = [];
  const pods: PodInfo[] = [];
  for (const w of parts.workloads) {
    const ports = Array.isArray(w.ports) ? (w.ports as ContainerPort[]) : [];
    workloads.push({ namespace: w.namespace, kind: w.kind as WorkloadKind, name: w.name, labels: labelsOf(w.labelSetHash), podCount: w.podCount, ports });
    for (const p of (Array.isArray(w.pods) ? w.pods : []) as StoredPod[]) {
      const pod: PodInfo = { namespace: w.namespace, name: p.name, labels: labelsOf(p.labelSetHash) };
      const podPorts = p.ports ?? ports;
      if (podPorts.length) pod.ports = podPorts;
      if (p.ips?.length) pod.ips = p.ips;
      if (p.nodeName) pod.nodeName = p.nodeName;
      if (p.phase) pod.phase = p.phase;
      if (p.hostNetwork) pod.hostNetwork = true;
      // Bare pods are stored as their own `Pod` workload; collectors leave `workload` unset for them.
      if (!(w.kind === 'Pod' && w.name === p.name)) pod.workload = { kind: w.kind as WorkloadKind, name: w.name };
      if (p.synthetic) pod.synthetic = true;
      pods.push(pod);
    }
  }

  const networkPolicies: NetworkPolicy[] = [];
  const crdPolicies: CrdPolicy[] = [];
  for (const row of parts.policies) {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(row.body) as Record<string, unknown>;
    } catch {
      throw new SnapshotStateError(`policy ${row.kind} ${row.namespace ?? ''}/${row.name} is not valid JSON`);
    }
    const meta = (obj.metadata ?? {}) as Record<string, unknown>;
    if (row.namespace !== null && meta.namespace !== row.namespace) obj = { ...obj, metadata: { ...meta, namespace: row.namespace } };
    if (isCrdPolicy(obj)) crdPolicies.push(obj);
    else networkPolicies.push(obj as unknown as NetworkPolicy);
  }

  return {
    namespaces,
    pods,
    networkPolicies,
    workloads,
    services: Array.isArray(parts.services) ? (parts.services as ServiceInfo[]) : [],
    crdPolicies,
    networkProfile: (parts.networkProfile as NetworkProfile | null) ?? null,
    ...(Array.isArray(parts.nodePools) ? { nodePools: parts.nodePools as NodePoolInfo[] } : {}),
    ...(parts.kubernetesVersion ? { kubernetesVersion: parts.kubernetesVersion } : {}),
  };
}

@Injectable()
export class SnapshotStateLoader {
  constructor(private readonly snapshots: SnapshotsRepository) {}

  /**
   * The ClusterState of a succeeded snapshot, or null when there is no such snapshot (unknown
   * id, still running, failed).
   */
  async loadSnapshotState(snapshotId: string): Promise<ClusterState | null> {
    const snap = await this.snapshots.findById(snapshotId);
    if (!snap || snap.status !== 'succeeded' || !snap.policySetHash || !snap.workloadSetHash || !snap.namespaceSetHash) return null;
    const [policies, workloads, namespaces] = await Promise.all([
      this.snapshots.policiesOfSet(snap.policySetHash),
      this.snapshots.workloadsOfSet(snap.workloadSetHash),
      this.snapshots.namespacesOfSet(snap.namespaceSetHash),
    ]);
    const hashes = [
      ...namespaces.map((n) => n.labelSetHash),
      ...workloads.flatMap((w) => [w.labelSetHash, ...((Array.isArray(w.pods) ? w.pods : []) as unknown as StoredPod[]).map((p) => p.labelSetHash)]),
    ];
    const labelRows = await this.snapshots.labelSets(hashes);
    return stateFromStored({
      kubernetesVersion: snap.kubernetesVersion,
      networkProfile: snap.networkProfile,
      nodePools: snap.nodePools,
      services: snap.services,
      namespaces,
      workloads,
      policies,
      labels: new Map(labelRows.map((l) => [l.hash, l.labels as Labels])),
    });
  }
}
