// What the evidence page and its downloads read: the snapshot in force for a cluster at a date
// (the posture answer names it), its evidence document, the cluster's snapshots of the 30 days
// before with their manifest digests, the digest chain's verification, and the signed bundle,
// posture CSV and printable report passed through. Server only: the session's credential is used.
import 'server-only';
import type { ChainVerification, ClusterPosture, EvidenceDocument, EvidenceList } from '@kordon/contracts';
import { apiBaseUrl } from '../../lib/api-base-url';
import { apiClient } from '../../lib/api-client';
import { parseAt } from '../../lib/as-of';
import { getSession } from '../../lib/session';

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

/** Whether the cluster's digest chain verifies over the RANGE_DAYS before `at` (or now). */
export function chainVerification(clusterId: string, at: string | null, now: Date): Promise<ChainVerification> {
  const to = at ? new Date(at) : now;
  const from = new Date(to.getTime() - RANGE_DAYS * DAY_MS);
  return apiClient.get<ChainVerification>('/evidence/verify', { clusterId, from: from.toISOString(), to: to.toISOString() });
}

/**
 * The API query of a bundle, CSV or report download from the page's `at` (a date or instant) or
 * `from`/`to` (dates: the start of `from`, the end of `to`, UTC). A message when it is malformed.
 */
export function downloadScope(q: URLSearchParams): { query: Record<string, string> } | { error: string } {
  const at = q.get('at');
  const from = q.get('from');
  const to = q.get('to');
  if (from || to) {
    if (at) return { error: 'give at, or from and to, not both' };
    // A date as `from` means the start of that day; parseAt reads a date as the end of its day.
    const f = from ? (/^\d{4}-\d{2}-\d{2}$/.test(from) ? parseAt(`${from}T00:00:00.000Z`) : parseAt(from)) : null;
    const t = to ? parseAt(to) : null;
    if ((from && !f) || (to && !t)) return { error: 'from and to must be dates (YYYY-MM-DD) or ISO 8601 times' };
    return { query: { ...(f ? { from: f.at } : {}), ...(t ? { to: t.at } : {}) } };
  }
  if (!at) return { query: {} };
  const a = parseAt(at);
  return a ? { query: { at: a.at } } : { error: 'at must be a date (YYYY-MM-DD) or an ISO 8601 time' };
}

/**
 * A non-JSON download from the API (zip, CSV, HTML) with the signed-in user's own credential,
 * passed through byte for byte with the API's type and file name. Errors come back as the API's
 * JSON error body and status (a manager gets 403).
 */
export async function passThroughDownload(path: string, query: Record<string, string>): Promise<Response> {
  const session = await getSession();
  const url = new URL(`${apiBaseUrl()}/api${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  let res: Response;
  try {
    res = await fetch(url, {
      cache: 'no-store',
      headers: session?.credential ? { authorization: `Bearer ${session.credential}` } : {},
      signal: AbortSignal.timeout(120_000),
    });
  } catch {
    return Response.json({ statusCode: 502, error: 'Bad Gateway', message: 'Kordon API is unreachable' }, { status: 502 });
  }
  const headers = new Headers({ 'cache-control': 'no-store' });
  for (const name of ['content-type', 'content-disposition', 'content-security-policy']) {
    const v = res.headers.get(name);
    if (v) headers.set(name, v);
  }
  return new Response(await res.arrayBuffer(), { status: res.status, headers });
}
