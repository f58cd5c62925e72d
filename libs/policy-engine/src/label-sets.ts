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
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    const v = a[k];
    if (typeof v !== 'string' || v !== b[k] || !Object.prototype.hasOwnProperty.call(b, k)) return false;
  }
  return true;
}
