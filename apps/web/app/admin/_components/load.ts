// Server-side loads that turn an API error into data, so a page shows it in place.
import type { ApiError } from '@kordon/contracts';
import { isKordonApiError } from '../../../lib/api-client';

export type Loaded<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export async function load<T>(fn: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (err) {
    if (isKordonApiError(err)) return { ok: false, error: err.body };
    throw err;
  }
}
