// The CPU-heavy half of a snapshot, pure of Nest and the database: collect a cluster (or take a
// state collected elsewhere), analyse it with the policy engine and build every row the writer
// stores. Runs in an analysis thread (analysis.worker.ts, see AnalysisPool) so that parsing tens of
// megabytes of Kubernetes JSON and analysing 20,000 pods never holds up the API's event loop; the
// API thread then only writes. Everything in and out is plain data (structured-cloned).
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
}

export interface AnalysedSnapshot {
  content: SnapshotContent;
  completed: CompletedSnapshot;
  postureRows: NamespacePostureRow[];
}

export interface WorkOutput {
  /** The collector's problems; with `analysed` null they say why there is no state. */
  problems: Problem[];
  analysed: AnalysedSnapshot | null;
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
  const result = await collectSource(input.source, opts);
  if (!result.state) return { problems: result.problems, analysed: null };
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
  return { problems: result.problems, analysed: { content, completed, postureRows: toPostureRows(posture) } };
}
