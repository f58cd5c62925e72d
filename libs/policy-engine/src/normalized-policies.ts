// The NetworkPolicies of a state as analyzePosture normalized them, remembered per posture (in a
// WeakMap, nothing is added to the posture object) so that computeFindings, which must be given
// the posture of the same state, does not normalize every policy again. Used only when the state
// still holds exactly the same policy objects, in the same order.

import type { NetworkPolicy, Problem } from './model';
import type { NormalizedPolicy } from './policies';

export interface NormalizedEntry {
  raw: NetworkPolicy;
  policy: NormalizedPolicy;
  /** Problems of this policy alone. */
  problems: Problem[];
}

const byPosture = new WeakMap<object, NormalizedEntry[]>();

export function rememberNormalized(posture: object, entries: NormalizedEntry[]): void {
  byPosture.set(posture, entries);
}

/** The entries remembered for `posture`, when `policies` are the very objects they were made from. */
export function normalizedFor(posture: object, policies: readonly NetworkPolicy[]): NormalizedEntry[] | null {
  const entries = byPosture.get(posture);
  if (!entries || entries.length !== policies.length) return null;
  for (let i = 0; i < entries.length; i++) if (entries[i].raw !== policies[i]) return null;
  return entries;
}
