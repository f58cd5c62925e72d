// What the evidence page and its download read: the snapshot in force for a cluster at a date
// (the posture answer names it), its evidence document, and the cluster's snapshots of the 30
// days before, with their manifest digests. Server only: the session's credential is used.
import 'server-only';
import type { ClusterPosture, EvidenceDocument, EvidenceList } from '@kordon/contracts';
import { apiClient } from '../../lib/api-client';

const DAY_MS = 86_400_000;
export const RANGE_DAYS = 30;

const enc = encodeURIComponent;

/** The snapshot in force at `at` (latest when null): id and time, from the posture read. */
export async function snapshotInForce(clusterId: string, at: string | null): Promise<ClusterPosture> {
  return apiClient.get<ClusterPosture>(`/clusters/${enc(clusterId)}/posture`, { at, limit: 1 });
}

export function evidenceDocument(snapshotId: string): Promise<EvidenceDocument> {
  return apiClient.get<EvidenceDocument>(`/snapshots/${enc(snapshotId)}/evidence`);
}

/** The cluster's succeeded snapshots in the RANGE_DAYS before `at` (or now), newest first. */
export function evidenceRange(clusterId: string, at: string | null, now: Date): Promise<EvidenceList> {
  const to = at ? new Date(at) : now;
  const from = new Date(to.getTime() - RANGE_DAYS * DAY_MS);
  return apiClient.get<EvidenceList>(`/clusters/${enc(clusterId)}/evidence`, { from: from.toISOString(), to: to.toISOString(), sort: '-startedAt', limit: 20 });
}

/** `kordon-evidence-<cluster>-<date>.json`, safe in file names on every OS. */
export function evidenceFileName(cluster: string, date: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');
  return `kordon-evidence-${safe(cluster)}-${safe(date)}.json`;
}
