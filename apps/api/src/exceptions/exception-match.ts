// Which exceptions in force cover which gap: pure functions over exception rows, no I/O, no clock
// (the caller passes `at`). An exception is in force when approved and not yet expired; expiry
// needs no job because everything here is computed at read time.
import { RULE } from '@kordon/policy-engine';
import type { ExceptedRef, ExceptionDirection } from '@kordon/contracts';

export interface ExceptionRule {
  id: string;
  clusterId: string;
  namespace: string | null;
  workload: string | null;
  ruleId: string | null;
  direction: string | null;
  owner: string;
  status: string;
  expiresAt: Date;
}

export interface FindingSubjectRef {
  clusterId: string;
  ruleId: string;
  namespace: string | null;
  object: { kind: string; namespace: string | null; name: string } | null;
}

/** The finding rule that reports a missing default-deny in each direction. */
export const DEFAULT_DENY_RULES: Record<ExceptionDirection, string> = {
  ingress: RULE.noDefaultDenyIngress,
  egress: RULE.noDefaultDenyEgress,
};

export function isInForce(e: Pick<ExceptionRule, 'status' | 'expiresAt'>, at: Date): boolean {
  return e.status === 'approved' && e.expiresAt.getTime() > at.getTime();
}

export function exceptedRef(e: ExceptionRule): ExceptedRef {
  return { exceptionId: e.id, owner: e.owner, expiresAt: e.expiresAt.toISOString() };
}

/** Several exceptions may cover one gap: the one lasting longest speaks for them (then by id). */
function best(list: ExceptionRule[]): ExceptionRule | null {
  let out: ExceptionRule | null = null;
  for (const e of list) {
    if (!out || e.expiresAt.getTime() > out.expiresAt.getTime() || (e.expiresAt.getTime() === out.expiresAt.getTime() && e.id < out.id)) out = e;
  }
  return out;
}

function ruleCovers(e: ExceptionRule, ruleId: string): boolean {
  if (e.ruleId !== null) return e.ruleId === ruleId;
  // A direction exception also covers the finding that reports that direction's gap.
  return e.direction !== null && DEFAULT_DENY_RULES[e.direction as ExceptionDirection] === ruleId;
}

/** The exception in force at `at` covering this finding, or null. */
export function matchFinding(exceptions: ExceptionRule[], f: FindingSubjectRef, at: Date): ExceptedRef | null {
  const namespace = f.namespace ?? f.object?.namespace ?? null;
  const hit = best(
    exceptions.filter((e) => {
      if (e.clusterId !== f.clusterId || !isInForce(e, at) || !ruleCovers(e, f.ruleId)) return false;
      if (e.namespace !== null && e.namespace !== namespace) return false;
      if (e.workload !== null && (!f.object || `${f.object.kind}/${f.object.name}` !== e.workload)) return false;
      return true;
    }),
  );
  return hit ? exceptedRef(hit) : null;
}

/**
 * The exception in force at `at` accepting that `namespace` lacks default-deny in `direction`:
 * a direction exception for the namespace or the whole cluster (one for a single workload does
 * not cover the namespace's baseline).
 */
export function matchDefaultDeny(exceptions: ExceptionRule[], clusterId: string, namespace: string, direction: ExceptionDirection, at: Date): ExceptedRef | null {
  const hit = best(
    exceptions.filter(
      (e) =>
        e.clusterId === clusterId &&
        isInForce(e, at) &&
        e.direction === direction &&
        e.workload === null &&
        (e.namespace === null || e.namespace === namespace),
    ),
  );
  return hit ? exceptedRef(hit) : null;
}

/** When the earliest of these exceptions in force at `at` expires (answers built on them change then). */
export function nextExpiry(exceptions: ExceptionRule[], at: Date): Date | null {
  let out: number | null = null;
  for (const e of exceptions) {
    if (!isInForce(e, at)) continue;
    const t = e.expiresAt.getTime();
    if (out === null || t < out) out = t;
  }
  return out === null ? null : new Date(out);
}
