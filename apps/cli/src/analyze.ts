// Owns `kordon analyze`: read the input through the manifests collector (files, folders,
// ClusterState JSON, az aks show), refuse unusable input, run the engine, and judge the
// `--fail-under` gate. Rendering lives in report.ts and text-report.ts.
import * as path from 'node:path';
import { collectFromManifests } from '@kordon/collectors';
import { analyzePosture, analyzeReachability, computeFindings, DEFAULT_EXCLUDED_NAMESPACES } from '@kordon/policy-engine';
import type { ClusterPosture, ClusterState, Connection, ConnectionAllowance, Direction, Finding, NotEvaluatedItem } from '@kordon/policy-engine';
import { CliError } from './exit-codes';
import { classifyProblems, formatProblem, type ReportedProblem } from './input-problems';

export type ExplainedConnection = Connection & { allowedBy?: ConnectionAllowance };
/** Connections explained (allowedBy) at most: beyond, a 20k-pod cluster's millions would take minutes. */
export const EXPLAINED_CONNECTIONS = 20_000;

export type DirectionChoice = Direction | 'both';

export interface AnalyzeOptions {
  json: boolean;
  connections: boolean;
  /** Percent, 0-100. */
  failUnder?: number;
  direction: DirectionChoice;
  /** Replaces the engine's default exclusion list when given. */
  excludeNamespaces?: string[];
}

export interface GateCheck {
  direction: Direction;
  /** Percent of non-excluded pods isolated, as judged (0 when nothing enforces policies); null without pods. */
  coverage: number | null;
  /** Percent the policies declare, whatever the engine; null without pods. */
  declaredCoverage: number | null;
  isolatedPods: number;
  pods: number;
  passed: boolean;
  /** Why the judged coverage differs from the declared one, or why there was nothing to judge. */
  note?: string;
}

export interface GateResult {
  threshold: number;
  direction: DirectionChoice;
  passed: boolean;
  checks: GateCheck[];
}

export interface Analysis {
  source: string;
  state: ClusterState;
  meta: Record<string, unknown>;
  posture: ClusterPosture;
  findings: Finding[];
  /** Only when asked for. */
  /** With `allowedBy` (which policies allow it, which deny rules cut it) for the first EXPLAINED_CONNECTIONS. */
  connections?: ExplainedConnection[];
  /** The posture's, plus what reachability left out when connections were asked for. */
  notEvaluated: NotEvaluatedItem[];
  warnings: ReportedProblem[];
  gate?: GateResult;
}

export function directionsOf(choice: DirectionChoice): Direction[] {
  return choice === 'both' ? ['ingress', 'egress'] : [choice];
}

export async function analyze(input: string, options: AnalyzeOptions): Promise<Analysis> {
  const source = path.resolve(input);
  // The path as typed, so messages name files the way the user does.
  const collected = await collectFromManifests(input);
  const { errors, warnings } = classifyProblems(collected.problems);
  if (errors.length || !collected.state) {
    throw invalidInput(input, errors.length ? errors : [{ severity: 'error', code: 'no-input', message: `nothing could be read from ${input}` }]);
  }
  const state = collected.state;
  const excluded = options.excludeNamespaces;
  const posture = analyzePosture(state, excluded ? { excludedNamespaces: excluded } : {});
  // The engine re-reads policies (CRD policies in particular) and reports what it could not use.
  const engineProblems = classifyProblems(posture.problems);
  if (engineProblems.errors.length) throw invalidInput(input, engineProblems.errors);
  warnings.push(...engineProblems.warnings);
  if (excluded) {
    const present = new Set(state.namespaces.map((n) => n.name));
    for (const ns of excluded.filter((n) => !present.has(n))) {
      warnings.push({ severity: 'warning', code: 'unknown-excluded-namespace', message: `--exclude-namespaces names ${ns}, which is not in the input`, object: ns });
    }
  }

  // Retirement deadlines (kubenet, Azure NPM) are graded against today; the engine reads no clock.
  const findings = computeFindings(state, posture, { now: new Date().toISOString() });

  let connections: ExplainedConnection[] | undefined;
  const notEvaluated = [...posture.notEvaluated];
  if (options.connections) {
    const reach = analyzeReachability(state, { excludedNamespaces: posture.excludedNamespaces });
    connections = reach.connections().map((c, i) => (i < EXPLAINED_CONNECTIONS ? { ...c, allowedBy: reach.allowedBy(c.src, c.dst) } : c));
    const seen = new Set(notEvaluated.map((n) => `${n.object}\u0000${n.reason}`));
    for (const n of reach.notEvaluated) if (!seen.has(`${n.object}\u0000${n.reason}`)) notEvaluated.push(n);
  }

  return {
    source,
    state,
    meta: collected.meta ?? {},
    posture,
    findings,
    ...(connections ? { connections } : {}),
    notEvaluated,
    warnings,
    ...(options.failUnder !== undefined ? { gate: evaluateGate(posture, options.failUnder, options.direction) } : {}),
  };
}

function invalidInput(input: string, errors: ReportedProblem[]): CliError {
  // A path that does not exist also yields "no manifest files could be read": say it once.
  const shown = errors.some((e) => e.code === 'not-found') ? errors.filter((e) => e.code !== 'no-manifests') : errors;
  // Nothing is analysed, so the collector's "policy skipped" / "entry skipped" tails would mislead.
  const lines = shown.map((e) => formatProblem({ ...e, message: e.message.replace(/; (policy|entry) skipped$/, '') }));
  const count = shown.length === 1 ? '1 error' : `${shown.length} errors`;
  return new CliError(`invalid input in ${input} (${count}); nothing analysed`, undefined, lines);
}

/**
 * Coverage is judged over the non-excluded namespaces' pods. When the cluster's profile says no
 * engine enforces NetworkPolicy (`none`), nothing is isolated in fact, so the judged coverage is
 * 0 whatever the policies declare; an unknown engine (no profile in the input, the usual case for
 * a GitOps repository) is judged on what the policies declare.
 */
export function evaluateGate(posture: ClusterPosture, threshold: number, choice: DirectionChoice): GateResult {
  const notEnforced = posture.enforcement.confirmed && !posture.enforcement.enforced;
  const checks = directionsOf(choice).map((direction): GateCheck => {
    const d = posture.cluster[direction];
    if (!d.pods) {
      return { direction, coverage: null, declaredCoverage: null, isolatedPods: 0, pods: 0, passed: true, note: 'no pods in the analysed namespaces' };
    }
    const declared = (d.isolatedPods / d.pods) * 100;
    const coverage = notEnforced ? 0 : declared;
    return {
      direction,
      coverage,
      declaredCoverage: declared,
      isolatedPods: d.isolatedPods,
      pods: d.pods,
      passed: coverage >= threshold,
      ...(notEnforced
        ? { note: `policies are not enforced (network policy engine: ${posture.enforcement.networkPolicy ?? posture.enforcement.engine})` }
        : {}),
    };
  });
  return { threshold, direction: choice, passed: checks.every((c) => c.passed), checks };
}

export function formatPercent(pct: number): string {
  const rounded = Math.round(pct * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

/** One line per checked direction, for stderr. */
export function gateLines(gate: GateResult): string[] {
  return gate.checks.map((c) => {
    const what = `${c.direction} pod coverage`;
    const at = `--fail-under ${formatPercent(gate.threshold)}`;
    if (c.coverage === null) return `PASS ${what}: ${c.note}`;
    // Never print a failing 79.96% as the 80% it was measured against.
    const shown = !c.passed && formatPercent(c.coverage) === formatPercent(gate.threshold) ? `${c.coverage.toFixed(2)}%` : formatPercent(c.coverage);
    const measured = c.note
      ? `${shown} (${c.note}; declared ${formatPercent(c.declaredCoverage ?? 0)}: ${c.isolatedPods} of ${c.pods} pods)`
      : `${shown} (${c.isolatedPods} of ${c.pods} pods isolated)`;
    return c.passed ? `PASS ${what} ${measured} meets ${at}` : `FAIL ${what} ${measured} is below ${at}`;
  });
}

export { DEFAULT_EXCLUDED_NAMESPACES };
