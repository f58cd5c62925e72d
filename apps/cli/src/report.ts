// Owns the `--json` document. The keys `namespaces`, `workloads`, `findings` and (with
// `--connections`) `connections` are the documented contract; the others add context and may
// grow, never change meaning.
import type { Analysis, GateResult } from './analyze';
import type { ReportedProblem } from './input-problems';
import type { ClusterRollup, EnforcementPosture, Finding, NamespacePosture, NotEvaluatedItem } from '@kordon/policy-engine';
import type { ExplainedConnection } from './analyze';

export interface JsonWorkload {
  namespace: string;
  name: string;
  kind: string;
  isolated: { ingress: boolean; egress: boolean };
}

export interface JsonReport {
  source: string;
  cluster: ClusterRollup & { name: string | null; kubernetesVersion: string | null };
  enforcement: EnforcementPosture;
  excludedNamespaces: string[];
  namespaces: NamespacePosture[];
  workloads: JsonWorkload[];
  findings: Finding[];
  connections?: ExplainedConnection[];
  notEvaluated: NotEvaluatedItem[];
  problems: ReportedProblem[];
  gate?: GateResult;
}

export function clusterName(meta: Record<string, unknown>): string | null {
  const aks = meta.aks as { name?: unknown } | undefined;
  return typeof aks?.name === 'string' ? aks.name : null;
}

export function buildJsonReport(a: Analysis): JsonReport {
  const { posture } = a;
  return {
    source: a.source,
    cluster: { name: clusterName(a.meta), kubernetesVersion: a.state.kubernetesVersion ?? null, ...posture.cluster },
    enforcement: posture.enforcement,
    excludedNamespaces: posture.excludedNamespaces,
    namespaces: posture.namespaces,
    workloads: posture.workloads.map((w) => ({
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      isolated: { ingress: w.ingress.isolated, egress: w.egress.isolated },
    })),
    findings: a.findings,
    ...(a.connections ? { connections: a.connections } : {}),
    notEvaluated: a.notEvaluated,
    problems: a.warnings,
    ...(a.gate ? { gate: a.gate } : {}),
  };
}

// A 20k-pod cluster has millions of connections: more text than one JS string may hold. The
// report is written in pieces, one compact connection per line, so stdout stays valid JSON and
// line-oriented tools (grep, jq --stream) work on it.
const CONNECTIONS_PLACEHOLDER = '@@kordon:connections@@';
const BATCH = 5000;

export function writeJsonReport(report: JsonReport, write: (chunk: string) => void): void {
  const { connections } = report;
  if (!connections) {
    write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const text = JSON.stringify({ ...report, connections: CONNECTIONS_PLACEHOLDER }, null, 2);
  // Top-level keys sit at two spaces of indentation; nothing inside a value can produce this line.
  const marker = `\n  "connections": "${CONNECTIONS_PLACEHOLDER}"`;
  const at = text.indexOf(marker);
  write(`${text.slice(0, at)}\n  "connections": [`);
  for (let i = 0; i < connections.length; i += BATCH) {
    const lines = connections.slice(i, i + BATCH).map((c, j) => `${i + j ? ',' : ''}\n    ${JSON.stringify({ src: c.src, dst: c.dst, conn: c.conn, ...(c.allowedBy ? { allowedBy: c.allowedBy } : {}) })}`);
    write(lines.join(''));
  }
  write(`${connections.length ? '\n  ' : ''}]${text.slice(at + marker.length)}\n`);
}
