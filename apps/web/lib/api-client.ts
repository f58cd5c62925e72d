// Server-side typed client of the Kordon API. Server components call this; the browser goes
// through the /api proxy route instead. Every call authenticates with the signed-in user's own
// credential from their session cookie, so the API's role checks apply to what a page shows.
// Every failure surfaces as a KordonApiError carrying the API's standard error body, so pages can
// tell "not found" from "forbidden" from "API down" without parsing text.
import type {
  ApiError,
  ClusterSummary,
  Page,
  SnapshotDetail,
  SnapshotSummary,
} from '@kordon/contracts';
import 'server-only';
import { redirect } from 'next/navigation';
import { apiBaseUrl } from './api-base-url';
import { getSession, signInAgain } from './session';

const REQUEST_TIMEOUT_MS = 10_000;
/** Guards against an API that keeps handing out cursors. */
const MAX_PAGES = 50;

export class KordonApiError extends Error {
  readonly status: number;
  readonly body: ApiError;

  constructor(body: ApiError, options?: { cause?: unknown }) {
    super(body.message, options);
    this.name = 'KordonApiError';
    this.status = body.statusCode;
    this.body = body;
  }

  /** The API could not be reached at all (as opposed to answering with an error). */
  get unreachable(): boolean {
    return this.status === 502 || this.status === 504;
  }
}

export function isKordonApiError(err: unknown): err is KordonApiError {
  return err instanceof KordonApiError;
}

function isApiErrorBody(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.statusCode === 'number' && typeof v.message === 'string';
}

/** Query parameters; undefined, null and '' are left out. */
export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const url = `${apiBaseUrl()}/api${path}`;
  const session = await getSession();
  const token = session?.credential;
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      cache: 'no-store',
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
      signal: init.signal ?? AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (cause) {
    const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
    throw new KordonApiError(
      timedOut
        ? { statusCode: 504, error: 'Gateway Timeout', message: 'Kordon API did not answer in time' }
        : { statusCode: 502, error: 'Bad Gateway', message: 'Kordon API is unreachable' },
      { cause },
    );
  }

  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }

  // Not signed in, or the credential was revoked or expired: back to the sign-in page (pages
  // without a cookie never get here, proxy.ts sends them there with ?next=).
  if (res.status === 401) {
    if (token) await signInAgain();
    redirect('/sign-in');
  }
  if (!res.ok) {
    throw new KordonApiError(
      isApiErrorBody(parsed)
        ? { ...parsed, error: parsed.error ?? res.statusText }
        : { statusCode: res.status, error: res.statusText || 'Error', message: `Kordon API answered ${res.status}` },
    );
  }
  if (parsed === undefined) {
    throw new KordonApiError({
      statusCode: 502,
      error: 'Bad Gateway',
      message: 'Kordon API answered with a body that is not JSON',
    });
  }
  return parsed as T;
}

function withCursor(path: string, cursor?: string | null): string {
  return cursor ? withQuery(path, { cursor }) : path;
}

async function collectAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: Page<T> = await request<Page<T>>(withCursor(path, cursor));
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor || seen.has(cursor)) break;
    seen.add(cursor);
  }
  return items;
}

const id = (value: string) => encodeURIComponent(value);

export const apiClient = {
  /** Any GET of the API, e.g. `get<ClusterPosture>(`/clusters/${id}/posture`, { at })`. */
  get: <T>(path: string, query?: Query) => request<T>(withQuery(path, query)),
  /** Every item of a paged list, following nextCursor (at most 50 pages). */
  getAll: <T>(path: string, query?: Query) => collectAll<T>(withQuery(path, query)),
  listClusters: (cursor?: string | null) => request<Page<ClusterSummary>>(withCursor('/clusters', cursor)),
  /** Every cluster, following nextCursor. */
  listAllClusters: () => collectAll<ClusterSummary>('/clusters'),
  getCluster: (clusterId: string) => request<ClusterSummary>(`/clusters/${id(clusterId)}`),
  listSnapshots: (clusterId: string, cursor?: string | null) =>
    request<Page<SnapshotSummary>>(withCursor(`/clusters/${id(clusterId)}/snapshots`, cursor)),
  getSnapshot: (snapshotId: string) => request<SnapshotDetail>(`/snapshots/${id(snapshotId)}`),
};
