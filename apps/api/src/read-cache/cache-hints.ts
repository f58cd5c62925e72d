// How a cached read's answer depends on the clock. Answers are cached until the data changes
// (the change counters); a handler whose answer also changes with time says when, from inside
// the handler, without knowing about the cache:
// - cacheUntil(t): the answer is exact until t (e.g. a cluster turns stale at t);
// - doNotCache(): the answer depends on "now" continuously (e.g. a range ending now).
import { AsyncLocalStorage } from 'node:async_hooks';

export interface CacheHints {
  until: number | null;
  skip: boolean;
}

const storage = new AsyncLocalStorage<CacheHints>();

export function runWithCacheHints<T>(hints: CacheHints, fn: () => T): T {
  return storage.run(hints, fn);
}

export function cacheUntil(at: Date | number): void {
  const hints = storage.getStore();
  if (!hints) return;
  const t = typeof at === 'number' ? at : at.getTime();
  hints.until = hints.until === null ? t : Math.min(hints.until, t);
}

export function doNotCache(): void {
  const hints = storage.getStore();
  if (hints) hints.skip = true;
}
