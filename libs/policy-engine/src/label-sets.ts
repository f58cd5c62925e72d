// Internal helpers for hot loops over label sets (not part of the public surface): a cheap
// equality test that lets callers skip rebuilding a key for a label set they have just seen
// (pods of one workload carry the same labels), and the canonical key itself.

import type { Labels } from './model';

/** Canonical text of a label set: equal for equal sets, whatever the key order. */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

/**
 * True when both sets have the same keys with the same string values, so `labelsKey` agrees on
 * them. False says nothing (a non-string value, say): fall back to the key.
 */
export function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  // Own enumerable keys, as Object.keys lists them, without building the lists.
  let count = 0;
  for (const k in a) {
    if (!hasOwn(a, k)) return false;
    const v = a[k];
    if (typeof v !== 'string' || v !== b[k] || !hasOwn(b, k)) return false;
    count++;
  }
  for (const k in b) {
    if (!hasOwn(b, k)) return false;
    count--;
  }
  return count === 0;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
