// `POST /api/analyze`: the posture of uploaded manifests, computed and returned, never stored.
// The keys mirror `kordon analyze --json` so CI gates can switch between CLI and API.
// Plain types only; engine objects (namespaces, findings, enforcement) are typed loosely here
// because contracts import nothing.

export interface AnalyzeFile {
  /** Shown in problems (e.g. `policies/deny.yaml`). */
  name: string;
  /** YAML or JSON text: multi-document, a kubectl List, an `az aks show` JSON or a ClusterState. */
  text: string;
}

/** The JSON request forms besides a raw kubectl object / List / ClusterState. */
export interface AnalyzeFilesRequest {
  files: AnalyzeFile[];
}

export interface AnalyzeProblem {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  /** `namespace/name`, a file, or `file:line:col`. */
  object?: string;
  field?: string;
  file?: string;
  kind?: string;
}

export interface AnalyzeWorkload {
  namespace: string;
  name: string;
  kind: string;
  isolated: { ingress: boolean; egress: boolean };
}

export interface AnalyzeConnection {
  src: string;
  dst: string;
  conn: string;
}

export interface AnalyzeResponse {
  /** The cluster roll-up over non-excluded namespaces, with the name and version when given. */
  cluster: Record<string, unknown> & { name: string | null; kubernetesVersion: string | null };
  /** Which engine enforces policies (from an uploaded networkProfile / az aks show), if known. */
  enforcement: { engine: string; networkPolicy: string | null; enforced: boolean; confirmed: boolean; reason: string };
  excludedNamespaces: string[];
  /** The engine's per-namespace posture. */
  namespaces: Record<string, unknown>[];
  workloads: AnalyzeWorkload[];
  /** The findings catalog's results (rule id, severity, message, remediation). */
  findings: Record<string, unknown>[];
  notEvaluated: { object: string; kind: string; reason: string }[];
  /** Warnings about the input (skipped kinds, undeclared namespaces…); errors make a 400. */
  problems: AnalyzeProblem[];
  /** With `?connections=true` only. */
  connections?: AnalyzeConnection[];
}
