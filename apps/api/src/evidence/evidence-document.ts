// Builds the evidence document of one snapshot from its stored rows, and its integrity section.
// Pure: no database. Two checks, for two questions an auditor asks:
// - "was this document edited after export?": every item has a SHA-256 (a policy: of its body
//   text; anything else: of its canonical JSON, keys sorted, no spaces) and the manifest digest
//   is the SHA-256 of the sorted `<type> <key> <sha256>` lines. The digest covers the snapshot
//   only (not `generatedAt` nor the cluster's current name/team), so it is the same every time
//   the snapshot is exported and can be recorded and compared later (the range listing shows it).
// - "was the stored content edited after the snapshot was written?": content-addressed rows
//   (policies, workloads, label sets, findings, and the sets the snapshot points at) are
//   recomputed from their content and compared with the address they were stored under.
import type { EvidenceDocument, EvidenceIntegrityItem, EvidencePod, EvidenceWorkload } from '@kordon/contracts';
import { canonicalJson, sha256 } from '../snapshots/snapshot-content';

export const EVIDENCE_FORMAT = 'kordon-evidence/v1';

export const INTEGRITY_METHOD =
  'Each item: SHA-256 (hex) of a policy\'s `body` as UTF-8 text, else of the item\'s canonical JSON (object keys sorted by ' +
  'code unit, no whitespace, null kept) as found in this document: `snapshot`, `networkProfile`, `nodePools`, ' +
  '`posture.summary` (postureSummary), each of `namespaces`, `workloads`, `posture.namespaces` (posture) and `findings`. ' +
  'manifestDigest: SHA-256 of the lines "<type> <key> <sha256>" of `items` (sorted by type, then key) joined by "\\n". ' +
  'cluster and generatedAt are not covered.';

type Labels = Record<string, string>;

export interface StoredPolicyRow { hash: string; apiVersion: string; kind: string; namespace: string | null; name: string; body: string }
export interface StoredNamespaceRow { name: string; labelSetHash: string; podCount: number; workloadCount: number }
export interface StoredWorkloadRow {
  hash: string; namespace: string; kind: string; name: string; labelSetHash: string; podCount: number; ports: unknown; pods: unknown;
}
export interface StoredFindingRow {
  hash: string; ruleId: string; severity: string; title: string; message: string; namespace: string | null;
  objectKind: string | null; objectNamespace: string | null; objectName: string | null; remediationYaml: string | null;
}
export interface StoredPostureRow {
  namespace: string; takenAt: Date; excluded: boolean; pods: number; workloads: number;
  ingressIsolatedPods: number; egressIsolatedPods: number; ingressIsolatedWorkloads: number; egressIsolatedWorkloads: number;
  defaultDenyIngress: boolean; defaultDenyEgress: boolean; effectivelyIsolatedIngress: boolean; effectivelyIsolatedEgress: boolean;
  policies: number; detail: unknown;
}

export interface EvidenceParts {
  cluster: EvidenceDocument['cluster'];
  snapshot: {
    id: string; trigger: string; startedAt: Date; finishedAt: Date | null; kubernetesVersion: string | null; policyEngine: string | null;
    counts: unknown; problems: unknown; networkProfile: unknown; nodePools: unknown; posture: unknown;
    policySetHash: string | null; workloadSetHash: string | null; namespaceSetHash: string | null; findingSetHash: string | null;
  };
  policies: StoredPolicyRow[];
  namespaces: StoredNamespaceRow[];
  workloads: StoredWorkloadRow[];
  findings: StoredFindingRow[];
  postures: StoredPostureRow[];
  labels: Map<string, Labels>;
}

interface StoredPod { name: string; labelSetHash: string; nodeName?: string | null; phase?: string | null; ips?: string[]; hostNetwork?: boolean; synthetic?: boolean; ports?: unknown[] }

const setHash = (hashes: string[]) => sha256([...hashes].sort().join('\n'));
const itemHash = (value: unknown) => sha256(canonicalJson(value));
const byTypeKey = (a: EvidenceIntegrityItem, b: EvidenceIntegrityItem) =>
  a.type < b.type ? -1 : a.type > b.type ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

export function manifestDigest(items: EvidenceIntegrityItem[]): string {
  return sha256([...items].sort(byTypeKey).map((i) => `${i.type} ${i.key} ${i.sha256}`).join('\n'));
}

export function policyKey(p: { kind: string; namespace: string | null; name: string }): string {
  return p.namespace ? `${p.kind}/${p.namespace}/${p.name}` : `${p.kind}/${p.name}`;
}

export function buildEvidence(parts: EvidenceParts, generatedAt: Date): EvidenceDocument {
  const mismatches: string[] = [];
  const labelsOf = (hash: string): Labels => {
    const labels = parts.labels.get(hash);
    if (!labels) {
      mismatches.push(`label set ${hash} is referenced but missing`);
      return {};
    }
    return labels;
  };
  // Content addresses, recomputed.
  for (const [hash, labels] of parts.labels) if (itemHash(labels) !== hash) mismatches.push(`label set ${hash} does not match its content`);
  for (const p of parts.policies) if (sha256(p.body) !== p.hash) mismatches.push(`policy ${policyKey(p)} does not match its content address`);
  for (const w of parts.workloads) {
    const { hash, ...row } = w;
    if (itemHash(row) !== hash) mismatches.push(`workload ${w.namespace}/${w.kind}/${w.name} does not match its content address`);
  }
  for (const f of parts.findings) {
    const { hash, ...row } = f;
    if (itemHash(row) !== hash) mismatches.push(`finding ${f.ruleId} ${hash} does not match its content address`);
  }
  const s = parts.snapshot;
  if (s.policySetHash !== setHash(parts.policies.map((p) => p.hash))) mismatches.push('the policy set does not match its members');
  if (s.workloadSetHash !== setHash(parts.workloads.map((w) => w.hash))) mismatches.push('the workload set does not match its members');
  if (s.findingSetHash !== null && s.findingSetHash !== setHash(parts.findings.map((f) => f.hash))) mismatches.push('the finding set does not match its members');
  // Code-unit order, as the writer sorted them (the database's collation may order otherwise).
  const sortedNamespaces = [...parts.namespaces].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const nsRows = sortedNamespaces.map((n) => ({ name: n.name, labelSetHash: n.labelSetHash, podCount: n.podCount, workloadCount: n.workloadCount }));
  if (s.namespaceSetHash !== itemHash(nsRows)) mismatches.push('the namespace set does not match its members');

  const snapshot: EvidenceDocument['snapshot'] = {
    id: s.id,
    trigger: s.trigger,
    startedAt: s.startedAt.toISOString(),
    finishedAt: s.finishedAt?.toISOString() ?? null,
    kubernetesVersion: s.kubernetesVersion,
    policyEngine: s.policyEngine,
    counts: (s.counts as Record<string, number> | null) ?? null,
    problems: Array.isArray(s.problems) ? s.problems : [],
  };
  const networkProfile = (s.networkProfile as Record<string, unknown> | null) ?? null;
  const nodePools = (s.nodePools as Record<string, unknown>[] | null) ?? null;
  const policies = parts.policies.map((p) => ({ apiVersion: p.apiVersion, kind: p.kind, namespace: p.namespace, name: p.name, sha256: sha256(p.body), body: p.body }));
  const namespaces = sortedNamespaces.map((n) => ({ name: n.name, labels: labelsOf(n.labelSetHash), pods: n.podCount, workloads: n.workloadCount }));
  const workloads: EvidenceWorkload[] = parts.workloads.map((w) => ({
    namespace: w.namespace,
    kind: w.kind,
    name: w.name,
    labels: labelsOf(w.labelSetHash),
    podCount: w.podCount,
    ports: Array.isArray(w.ports) ? w.ports : [],
    pods: ((Array.isArray(w.pods) ? w.pods : []) as StoredPod[]).map(
      (p): EvidencePod => ({
        name: p.name,
        labels: labelsOf(p.labelSetHash),
        nodeName: p.nodeName ?? null,
        phase: p.phase ?? null,
        ips: p.ips ?? [],
        hostNetwork: p.hostNetwork ?? false,
        synthetic: p.synthetic ?? false,
        ports: p.ports ?? [],
      }),
    ),
  }));
  const postureRows = parts.postures.map((r) => ({
    namespace: r.namespace, takenAt: r.takenAt.toISOString(), excluded: r.excluded, pods: r.pods, workloads: r.workloads,
    ingressIsolatedPods: r.ingressIsolatedPods, egressIsolatedPods: r.egressIsolatedPods,
    ingressIsolatedWorkloads: r.ingressIsolatedWorkloads, egressIsolatedWorkloads: r.egressIsolatedWorkloads,
    defaultDenyIngress: r.defaultDenyIngress, defaultDenyEgress: r.defaultDenyEgress,
    effectivelyIsolatedIngress: r.effectivelyIsolatedIngress, effectivelyIsolatedEgress: r.effectivelyIsolatedEgress,
    policies: r.policies, detail: r.detail ?? null,
  }));
  const summary = (s.posture as Record<string, unknown> | null) ?? null;
  const findings = parts.findings.map(({ hash: _hash, ...f }) => f);

  const items: EvidenceIntegrityItem[] = [
    { type: 'snapshot', key: '-', sha256: itemHash(snapshot) },
    { type: 'networkProfile', key: '-', sha256: itemHash(networkProfile) },
    { type: 'nodePools', key: '-', sha256: itemHash(nodePools) },
    { type: 'postureSummary', key: '-', sha256: itemHash(summary) },
    ...policies.map((p) => ({ type: 'policy', key: policyKey(p), sha256: p.sha256 })),
    ...namespaces.map((n) => ({ type: 'namespace', key: n.name, sha256: itemHash(n) })),
    ...workloads.map((w) => ({ type: 'workload', key: `${w.namespace}/${w.kind}/${w.name}`, sha256: itemHash(w) })),
    ...postureRows.map((r) => ({ type: 'posture', key: r.namespace, sha256: itemHash(r) })),
    ...findings.map((f) => {
      const h = itemHash(f);
      return { type: 'finding', key: h, sha256: h };
    }),
  ].sort(byTypeKey);

  return {
    format: EVIDENCE_FORMAT,
    generatedAt: generatedAt.toISOString(),
    cluster: parts.cluster,
    snapshot,
    networkProfile,
    nodePools,
    policies,
    namespaces,
    workloads,
    posture: { summary, namespaces: postureRows },
    findings,
    integrity: {
      algorithm: 'sha256',
      method: INTEGRITY_METHOD,
      items,
      manifestDigest: manifestDigest(items),
      contentAddressesVerified: mismatches.length === 0,
      mismatches,
    },
  };
}
