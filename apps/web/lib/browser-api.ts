'use client';
// The browser's client of the API, through the web app's /api proxy: the session cookie carries
// the user's credential, and writes echo the CSRF cookie in x-kordon-csrf. Errors throw
// BrowserApiError with the API's error body, for TanStack Query's error states.
import type { ApiError } from '@kordon/contracts';

export class BrowserApiError extends Error {
  constructor(readonly body: ApiError) {
    super(body.message);
    this.name = 'BrowserApiError';
  }
  get status(): number {
    return this.body.statusCode;
  }
}

function csrfToken(): string {
  const m = document.cookie.match(/(?:^|;\s*)kordon_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]!) : '';
}

export async function browserApi<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const method = (rest.method ?? 'GET').toUpperCase();
  const headers = new Headers(rest.headers);
  headers.set('accept', 'application/json');
  if (json !== undefined) headers.set('content-type', 'application/json');
  if (method !== 'GET' && method !== 'HEAD') headers.set('x-kordon-csrf', csrfToken());
  let res: Response;
  try {
    res = await fetch(`/api${path}`, { ...rest, method, headers, body: json !== undefined ? JSON.stringify(json) : rest.body, cache: 'no-store' });
  } catch {
    throw new BrowserApiError({ statusCode: 502, error: 'Bad Gateway', message: 'the dashboard could not reach its server' });
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const body = parsed as Partial<ApiError> | undefined;
    throw new BrowserApiError({
      statusCode: res.status,
      error: body?.error ?? res.statusText,
      message: body?.message ?? `the API answered ${res.status}`,
      details: body?.details,
    });
  }
  return parsed as T;
}
