// The digest of a snapshot and the chain of a cluster's snapshots. Pure: no database.
//
// Scheme `kordon-snapshot-v1`: digest = SHA-256 (hex) of the RFC 8785 (JCS) serialization of
//   { scheme, clusterId, id, startedAt, finishedAt, kubernetesVersion, networkProfile, policyEngine,
//     nodePools, services, counts, problems, posture, policySetHash, workloadSetHash,
//     namespaceSetHash, findingSetHash, namespacePostures: [rows sorted by namespace], prevDigest,
//     scheduleMinutes (only when recorded: how long the snapshot vouches for its state) }
// where times are ISO 8601 UTC with milliseconds and prevDigest is the digest of the cluster's
// previous succeeded snapshot (by startedAt, then id), null for the first. The four set hashes
// cover the collected content: each is SHA-256 over its members' hashes (see snapshot-content.ts),
// and each member's hash is SHA-256 over its own text, so a changed policy body, label set,
// workload or finding changes a set hash, which changes the digest.
//
// JCS: canonicalJson sorts object keys by UTF-16 code units and writes strings and numbers as
// ECMAScript's JSON.stringify does, which is RFC 8785 for the JSON values stored here (no
// undefined, no NaN/Infinity: PostgreSQL's jsonb cannot hold them either). No library needed.
import { CanonicalText, canonicalJson, sha256 } from './snapshot-content';

export const DIGEST_SCHEME = 'kordon-snapshot-v1';

export interface DigestPostureRow {
  namespace: string;
  excluded: boolean;
  pods: number;
  workloads: number;
  ingressIsolatedPods: number;
  egressIsolatedPods: number;
  ingressIsolatedWorkloads: number;
  egressIsolatedWorkloads: number;
  defaultDenyIngress: boolean;
  defaultDenyEgress: boolean;
  effectivelyIsolatedIngress: boolean;
  effectivelyIsolatedEgress: boolean;
  policies: number;
  detail?: unknown;
}

export interface DigestInput {
  clusterId: string;
  id: string;
  startedAt: Date;
  finishedAt: Date;
  kubernetesVersion: string | null;
  networkProfile: unknown;
  policyEngine: string | null;
  nodePools: unknown;
  services: unknown;
  counts: unknown;
  problems: unknown;
  posture: unknown;
  policySetHash: string | null;
  workloadSetHash: string | null;
  namespaceSetHash: string | null;
  findingSetHash: string | null;
  /** The rows, or their canonical text from canonicalPostureRows (the same rows digested before). */
  namespacePostures: DigestPostureRow[] | CanonicalText;
  prevDigest: string | null;
  /** The schedule the snapshot was taken under; absent/null for rows older than the column. */
  scheduleMinutes?: number | null;
}

const row = (p: DigestPostureRow) => ({
  namespace: p.namespace,
  excluded: p.excluded,
  pods: p.pods,
  workloads: p.workloads,
  ingressIsolatedPods: p.ingressIsolatedPods,
  egressIsolatedPods: p.egressIsolatedPods,
  ingressIsolatedWorkloads: p.ingressIsolatedWorkloads,
  egressIsolatedWorkloads: p.egressIsolatedWorkloads,
  defaultDenyIngress: p.defaultDenyIngress,
  defaultDenyEgress: p.defaultDenyEgress,
  effectivelyIsolatedIngress: p.effectivelyIsolatedIngress,
  effectivelyIsolatedEgress: p.effectivelyIsolatedEgress,
  policies: p.policies,
  detail: p.detail ?? null,
});

const sortedRows = (rows: DigestPostureRow[]) => [...rows].sort((a, b) => (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0)).map(row);

/**
 * The canonical text of a snapshot's namespace posture rows as the digest covers them. Snapshots
 * that share a posture set share these rows, so a writer may keep the text by set hash.
 */
export function canonicalPostureRows(rows: DigestPostureRow[]): CanonicalText {
  return new CanonicalText(canonicalJson(sortedRows(rows)));
}

/** The canonical document a digest is computed over (what an auditor re-serializes to check it). */
export function digestDocument(s: DigestInput): Record<string, unknown> {
  return {
    scheme: DIGEST_SCHEME,
    clusterId: s.clusterId,
    id: s.id,
    startedAt: s.startedAt.toISOString(),
    finishedAt: s.finishedAt.toISOString(),
    kubernetesVersion: s.kubernetesVersion ?? null,
    networkProfile: s.networkProfile ?? null,
    policyEngine: s.policyEngine ?? null,
    nodePools: s.nodePools ?? null,
    services: s.services ?? null,
    counts: s.counts ?? null,
    problems: s.problems ?? [],
    posture: s.posture ?? null,
    policySetHash: s.policySetHash,
    workloadSetHash: s.workloadSetHash,
    namespaceSetHash: s.namespaceSetHash,
    findingSetHash: s.findingSetHash,
    namespacePostures: s.namespacePostures instanceof CanonicalText ? s.namespacePostures : sortedRows(s.namespacePostures),
    prevDigest: s.prevDigest,
    // Time in state reads it (a snapshot vouches for its schedule): covered, so it cannot be
    // stretched afterwards to turn unknown time into protected time.
    ...(s.scheduleMinutes != null ? { scheduleMinutes: s.scheduleMinutes } : {}),
  };
}

export function snapshotDigest(s: DigestInput): string {
  return sha256(canonicalJson(digestDocument(s)));
}

/** How a set's hash is formed from its members' hashes (policy, workload and finding sets). */
export const memberSetHash = (hashes: string[]): string => sha256([...hashes].sort().join('\n'));

export type ChainBreak =
  | { kind: 'digest'; snapshotId: string; startedAt: string; message: string }
  | { kind: 'link'; snapshotId: string; startedAt: string; message: string }
  | { kind: 'content'; snapshotId: string; startedAt: string; message: string }
  | { kind: 'unchained'; snapshotId: string; startedAt: string; message: string };

/** One entry of a chain as the verifier walks it: a stored snapshot or a pruned one's record. */
export interface ChainEntry {
  id: string;
  startedAt: string;
  digest: string | null;
  prevDigest: string | null;
  /** Pruned by retention: its digest is trusted as recorded, only its links are checked. */
  pruned: boolean;
  /** The digest recomputed from the stored rows (null for pruned entries and pre-digest snapshots). */
  recomputed: string | null;
  /** A content set whose hash does not match its members, if any. */
  contentProblem?: string;
}

/**
 * Walks entries oldest first. Snapshots written before digests existed (digest null) may only
 * precede the first digested one, which chains to nothing. `before` is the entry just before the
 * range (null when the range starts at the cluster's first snapshot).
 */
export function verifyChain(entries: ChainEntry[], before: { digest: string | null } | null): { ok: boolean; checked: number; unchained: number; firstBreak: ChainBreak | null } {
  let prev: string | null = before?.digest ?? null;
  let started = prev !== null;
  let checked = 0;
  let unchained = 0;
  const fail = (firstBreak: ChainBreak) => ({ ok: false, checked, unchained, firstBreak });
  for (const e of entries) {
    const at = { snapshotId: e.id, startedAt: e.startedAt };
    if (e.digest === null) {
      if (started) return fail({ kind: 'unchained', ...at, message: `snapshot ${e.id} has no digest although the chain started before it` });
      unchained++;
      continue;
    }
    if (e.contentProblem) return fail({ kind: 'content', ...at, message: e.contentProblem });
    if (!e.pruned && e.recomputed !== e.digest) {
      return fail({ kind: 'digest', ...at, message: `snapshot ${e.id}: the stored digest is ${e.digest} but its rows hash to ${e.recomputed}` });
    }
    if (e.prevDigest !== prev) {
      return fail({ kind: 'link', ...at, message: `snapshot ${e.id} chains to ${e.prevDigest ?? 'nothing'} but the snapshot before it has digest ${prev ?? 'none'}` });
    }
    started = true;
    prev = e.digest;
    checked++;
  }
  return { ok: true, checked, unchained, firstBreak: null };
}
