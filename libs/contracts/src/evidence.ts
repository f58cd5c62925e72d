// Evidence for auditors: one snapshot as it was (manifests byte for byte, labels, network profile,
// node pools, posture, findings) with SHA-256 digests an auditor can recompute, and the list of
// snapshots of a date range with their manifest digests. Plain types only.

export interface EvidenceIntegrityItem {
  /** `snapshot`, `networkProfile`, `nodePools`, `postureSummary`, `policy`, `namespace`, `workload`, `posture`, `finding`. */
  type: string;
  /** Stable key within the type: `NetworkPolicy/shop/deny-all`, a namespace name,
   * `shop/Deployment/api`, a finding's own SHA-256, `-` for single items. */
  key: string;
  /** SHA-256 (hex): of a policy's `body` text (UTF-8), else of the item's canonical JSON. */
  sha256: string;
}

export interface EvidenceIntegrity {
  algorithm: 'sha256';
  /** How to recompute everything below, in words. */
  method: string;
  /** Sorted by type, then key. */
  items: EvidenceIntegrityItem[];
  /** SHA-256 of the lines `<type> <key> <sha256>` of `items`, joined by `\n`. */
  manifestDigest: string;
  /**
   * The stored content was checked against its content addresses (policy, workload, label-set
   * and finding hashes, and the snapshot's set hashes) when this document was produced.
   */
  contentAddressesVerified: boolean;
  /** What did not verify, if anything. */
  mismatches: string[];
}

export interface EvidencePolicy {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string;
  /** SHA-256 of `body`; also the content address it was stored under. */
  sha256: string;
  /** The object's JSON text exactly as the API server (or file) served it. */
  body: string;
}

export interface EvidencePod {
  name: string;
  labels: Record<string, string>;
  nodeName: string | null;
  phase: string | null;
  ips: string[];
  hostNetwork: boolean;
  /** Assumed from a workload's pod template (manifests without pods), not observed. */
  synthetic: boolean;
  ports: unknown[];
}

export interface EvidenceWorkload {
  namespace: string;
  kind: string;
  name: string;
  labels: Record<string, string>;
  podCount: number;
  ports: unknown[];
  pods: EvidencePod[];
}

export interface EvidenceNamespace {
  name: string;
  labels: Record<string, string>;
  pods: number;
  workloads: number;
}

export interface EvidenceDocument {
  format: 'kordon-evidence/v1';
  /** When this document was produced (not covered by the digest). */
  generatedAt: string;
  /** The cluster as registered now (not covered by the digest: names and teams may change). */
  cluster: { id: string; name: string; source: string; environment: string | null; team: string | null };
  snapshot: {
    id: string;
    trigger: string;
    startedAt: string;
    finishedAt: string | null;
    kubernetesVersion: string | null;
    policyEngine: string | null;
    counts: Record<string, number> | null;
    problems: unknown[];
  };
  /** Exactly as stored (`az aks show --query networkProfile`), null when not read. */
  networkProfile: Record<string, unknown> | null;
  nodePools: Record<string, unknown>[] | null;
  policies: EvidencePolicy[];
  namespaces: EvidenceNamespace[];
  workloads: EvidenceWorkload[];
  posture: {
    /** The cluster roll-up stored with the snapshot. */
    summary: Record<string, unknown> | null;
    /** The namespace rows stored with the snapshot. */
    namespaces: Record<string, unknown>[];
  };
  findings: Record<string, unknown>[];
  integrity: EvidenceIntegrity;
}

export interface EvidenceListItem {
  snapshotId: string;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  manifestDigest: string;
  contentAddressesVerified: boolean;
  links: { evidence: string };
  /** The whole evidence document, with `?include=documents` (a date-range export). */
  document?: EvidenceDocument;
}

export interface EvidenceList {
  clusterId: string;
  from: string;
  to: string;
  items: EvidenceListItem[];
  nextCursor: string | null;
}

/** Orders of `GET /api/clusters/{id}/evidence?sort=`: `startedAt` oldest first (the default), `-startedAt` newest first. */
export type EvidenceSort = 'startedAt' | '-startedAt';

/** Where a cluster's digest chain first fails to verify. */
export interface ChainBreakView {
  /** `digest`: a snapshot's rows no longer hash to its digest; `link`: it does not chain to the one
   * before; `content`: a content row or set no longer matches its address; `unchained`: a snapshot
   * without a digest after the chain started. */
  kind: 'digest' | 'link' | 'content' | 'unchained';
  snapshotId: string;
  startedAt: string;
  message: string;
}

export interface ClusterChainVerification {
  clusterId: string;
  name: string;
  ok: boolean;
  /** Snapshots whose digest and link were checked (pruned ones: their link only). */
  checked: number;
  /** Of those, pruned by retention (their record in pruned_snapshot keeps the chain). */
  pruned: number;
  /** Snapshots written before digests existed, before the chain starts. */
  unchained: number;
  firstBreak: ChainBreakView | null;
}

/** GET /api/evidence/verify */
export interface ChainVerification {
  ok: boolean;
  scheme: string;
  /** How a digest is computed, in words. */
  method: string;
  from: string | null;
  to: string;
  verifiedAt: string;
  clusters: ClusterChainVerification[];
}
