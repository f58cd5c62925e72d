// The CPU-heavy half of a snapshot, pure of Nest and the database: collect a cluster (or take a
// state collected elsewhere), analyse it with the policy engine and build every row the writer
// stores. Runs in an analysis thread (analysis.worker.ts, see AnalysisPool) so that parsing tens of
// megabytes of Kubernetes JSON and analysing 20,000 pods never holds up the API's event loop; the
// API thread then only writes. Everything in and out is plain data (structured-cloned).
import { createHash } from 'node:crypto';
import { collectFromKubernetes, collectFromManifests, collectFromManifestText, type CollectOptions, type CollectResult } from '@kordon/collectors';
import { analyzePosture, computeFindings, type Problem } from '@kordon/policy-engine';
import type { Prisma } from '@prisma/client';
import { toPostureRows, toPostureSummary, workloadsOf } from './posture-rows';
import { buildSnapshotContent, type SnapshotContent } from './snapshot-content';
import type { CompletedSnapshot, NamespacePostureRow } from './snapshots.repository';

/** Where the state comes from: a source the thread reads itself, or a state already collected. */
export type WorkSource =
  | { kind: 'kubernetes'; kubeconfigYaml?: string; kubeconfigPath?: string; context?: string; bearerToken?: string }
  | { kind: 'manifest-paths'; paths: string[] }
  | { kind: 'manifest-files'; files: { name: string; text: string }[] }
  | { kind: 'collected'; result: CollectResult };

export interface WorkInput {
  source: WorkSource;
  excludedNamespaces?: string[];
  /** The snapshot's time (ISO): retirement deadlines in findings are judged as of it. */
  at: string;
  /** The cluster's previous succeeded snapshot's analysis key: the same key means the same analysis. */
  reuseKey?: string | null;
}

/**
 * Bumped when the analysis (engine, findings, stored rows) changes its output for the same input, so
 * that a stored analysis of an older version is not reused. Findings read only the day of `at`.
 */
export const ANALYSIS_VERSION = 1;

export interface AnalysedSnapshot {
  content: SnapshotContent;
  completed: CompletedSnapshot;
  postureRows: NamespacePostureRow[];
}

export interface WorkOutput {
  /** The collector's problems; with `analysed` null (and no reuse) they say why there is no state. */
  problems: Problem[];
  analysed: AnalysedSnapshot | null;
  /** Key of what was analysed (see analysisKey); set whenever a state was collected. */
  analysisKey?: string;
  /** The key equals `reuseKey`: nothing was analysed, the previous snapshot's analysis stands. */
  reuse?: boolean;
}

/**
 * SHA-256 over everything the analysis reads: the collected state and policy texts as collected
 * (the API server's order and key order are stable), the collection's problems, the excluded
 * namespaces, the UTC day of the snapshot and ANALYSIS_VERSION. Equal keys give equal analyses.
 */
export function analysisKey(result: CollectResult, input: Pick<WorkInput, 'excludedNamespaces' | 'at'>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([ANALYSIS_VERSION, input.at.slice(0, 10), input.excludedNamespaces ?? [], result.problems]));
  h.update('\u0000');
  h.update(JSON.stringify(result.state));
  for (const t of result.policyTexts ?? []) h.update('\u0000' + t);
  return h.digest('hex');
}

/** Reads the source (in whichever thread calls it). */
export async function collectSource(source: WorkSource, opts: CollectOptions): Promise<CollectResult> {
  switch (source.kind) {
    case 'kubernetes':
      return collectFromKubernetes({ kubeconfigYaml: source.kubeconfigYaml, kubeconfigPath: source.kubeconfigPath, context: source.context, bearerToken: source.bearerToken }, opts);
    case 'manifest-paths':
      return collectFromManifests(source.paths, opts);
    case 'manifest-files':
      return collectFromManifestText(source.files);
    case 'collected':
      return source.result;
  }
}

const asJson = (problems: Problem[]): Prisma.InputJsonValue => problems.map((p) => ({ ...p })) as unknown as Prisma.InputJsonValue;

export async function collectAndAnalyse(input: WorkInput, opts: CollectOptions): Promise<WorkOutput> {
  return analyseCollected(await collectSource(input.source, opts), input, opts);
}

/** The analysis of a collected result, or the verdict that the previous one stands. */
export function analyseCollected(result: CollectResult, input: Omit<WorkInput, 'source'>, opts: Pick<CollectOptions, 'onProgress'>): WorkOutput {
  if (!result.state) return { problems: result.problems, analysed: null };
  const key = analysisKey(result, input);
  if (input.reuseKey && key === input.reuseKey) return { problems: result.problems, analysed: null, analysisKey: key, reuse: true };
  opts.onProgress?.({ phase: 'analysing', counts: {} });
  const state = result.state;
  const posture = analyzePosture(state, { excludedNamespaces: input.excludedNamespaces?.length ? input.excludedNamespaces : undefined });
  const workloads = workloadsOf(state);
  const findings = computeFindings(state, posture, { now: input.at });
  const content = buildSnapshotContent(state, workloads, result.policyTexts, findings);
  const counts = {
    namespaces: state.namespaces.length,
    pods: state.pods.length,
    workloads: workloads.length,
    networkPolicies: state.networkPolicies.length,
    crdPolicies: state.crdPolicies?.length ?? 0,
    services: state.services?.length ?? 0,
    nodes: state.nodes?.length ?? 0,
  };
  const completed: CompletedSnapshot = {
    kubernetesVersion: state.kubernetesVersion ?? null,
    networkProfile: (state.networkProfile as Prisma.InputJsonValue | undefined) ?? null,
    policyEngine: posture.enforcement.engine,
    nodePools: (state.nodePools as Prisma.InputJsonValue | undefined) ?? null,
    services: (state.services as Prisma.InputJsonValue | undefined) ?? null,
    counts,
    problems: asJson([...result.problems, ...posture.problems]),
    posture: { ...toPostureSummary(posture), findings: content.findingCounts } as unknown as Prisma.InputJsonValue,
  };
  return { problems: result.problems, analysed: { content, completed, postureRows: toPostureRows(posture) }, analysisKey: key };
}
