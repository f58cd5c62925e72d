// Owns `POST /api/analyze`: uploaded manifests → posture, findings and (on request) connections,
// computed in memory and returned. Nothing is stored: no repository is injected here on purpose.
// The input verdict (what makes a 400) is the engine's classifyProblems, the same as the CLI's.
import { Inject, Injectable } from '@nestjs/common';
import { collectFromManifestText, type ManifestFile } from '@kordon/collectors';
import {
  analyzePosture, analyzeReachability, classifyProblems, computeFindings, type ReportedProblem,
} from '@kordon/policy-engine';
import type { AnalyzeProblem, AnalyzeResponse } from '@kordon/contracts';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { AnalyzeErrorCode, AnalyzeException } from './analyze.exception';
import { YAML_MEDIA_TYPES } from './yaml-body.middleware';

/** Past this many connections the answer is refused rather than truncated. */
export const MAX_CONNECTIONS = 100_000;
/** Listing connections is quadratic in workloads: refuse before computing beyond this. */
export const MAX_WORKLOADS_FOR_CONNECTIONS = 1_000;
export const MAX_FILES = 500;

export interface AnalyzeInput {
  contentType: string;
  body: unknown;
  connections: boolean;
  /** Grades retirement deadlines (kubenet, Azure NPM); the engine reads no clock. */
  now: Date;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function invalid(message: string, problems: AnalyzeProblem[]): AnalyzeException {
  return new AnalyzeException(AnalyzeErrorCode.InvalidInput, message, { problems });
}

/** The uploaded files, from a YAML body, `{ files: [...] }`, or any other JSON (one file). */
export function filesOf(contentType: string, body: unknown): ManifestFile[] {
  if (YAML_MEDIA_TYPES.includes(contentType)) {
    const text = typeof body === 'string' ? body : '';
    if (!text.trim()) throw invalid('the request body is empty; send YAML manifests', [{ severity: 'error', code: 'empty-input', message: 'the request body is empty', field: 'body' }]);
    return [{ name: 'request.yaml', text }];
  }
  if (contentType !== 'application/json') {
    throw new AnalyzeException(
      AnalyzeErrorCode.UnsupportedMediaType,
      `content-type ${contentType || '(none)'} is not accepted; send application/json or ${YAML_MEDIA_TYPES.join(', ')}`,
    );
  }
  if (isObj(body) && 'files' in body) return filesFromRequest(body);
  if (body === undefined || (isObj(body) && Object.keys(body).length === 0)) {
    throw invalid('the request body is empty; send a kubectl List or object, a ClusterState, or { files: [{ name, text }] }', [
      { severity: 'error', code: 'empty-input', message: 'the request body is empty', field: 'body' },
    ]);
  }
  return [{ name: 'request.json', text: JSON.stringify(body) }];
}

function filesFromRequest(body: Obj): ManifestFile[] {
  const problems: AnalyzeProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ severity: 'error', code: 'invalid-request', message: `${field} ${message}`, field });
  for (const key of Object.keys(body)) if (key !== 'files') bad(key, 'is not accepted next to files');
  const files = body.files;
  if (!Array.isArray(files) || files.length === 0) bad('files', 'must be a non-empty array of { name, text }');
  else if (files.length > MAX_FILES) bad('files', `must hold at most ${MAX_FILES} files`);
  else {
    const seen = new Set<string>();
    files.forEach((f, i) => {
      if (!isObj(f)) return bad(`files[${i}]`, 'must be an object { name, text }');
      for (const key of Object.keys(f)) if (key !== 'name' && key !== 'text') bad(`files[${i}].${key}`, 'is not accepted');
      if (typeof f.name !== 'string' || f.name.length === 0 || f.name.length > 256) bad(`files[${i}].name`, 'must be a string of 1 to 256 characters');
      else if (seen.has(f.name)) bad(`files[${i}].name`, `repeats the file name ${JSON.stringify(f.name)}`);
      else seen.add(f.name);
      if (typeof f.text !== 'string') bad(`files[${i}].text`, 'must be the file text as a string');
    });
  }
  if (problems.length) throw invalid(problems.map((p) => p.message).join('; '), problems);
  return (files as { name: string; text: string }[]).map((f) => ({ name: f.name, text: f.text }));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The collector names files as `name:` (`name:line`), at the start or after a space or `(`. */
const mentions = (message: string, file: string) => new RegExp(`(^|[\\s(])${escape(file)}:`).test(message);

/** Names the uploaded file a problem is about, when the collector's object or message says it. */
function withFile(p: ReportedProblem, files: ManifestFile[]): AnalyzeProblem {
  const out: AnalyzeProblem = { ...p };
  if (!out.file) {
    const file = files.length === 1
      ? files[0].name
      : files.find((f) => p.object === f.name || p.object?.startsWith(`${f.name}:`) || mentions(p.message, f.name))?.name;
    if (file) out.file = file;
  }
  // The collector's "; policy skipped" tails would mislead: nothing is analysed after a 400.
  if (p.severity === 'error') out.message = p.message.replace(/; (policy|entry) skipped$/, '');
  return out;
}

@Injectable()
export class AnalyzeService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  analyze(input: AnalyzeInput): AnalyzeResponse {
    const files = filesOf(input.contentType, input.body);
    const collected = collectFromManifestText(files);
    const { errors, warnings } = classifyProblems(collected.problems);
    const count = (n: number) => (n === 1 ? '1 error' : `${n} errors`);
    if (errors.length || !collected.state) {
      const list = errors.length ? errors : [{ severity: 'error' as const, code: 'no-input', message: 'nothing could be read from the upload' }];
      throw invalid(`invalid input (${count(list.length)}); nothing analysed: ${list.map((e) => e.message).slice(0, 3).join('; ')}`, list.map((e) => withFile(e, files)));
    }
    const state = collected.state;
    const read = Object.values((collected.meta?.counts ?? {}) as Record<string, number>).reduce((a, b) => a + b, 0);
    if (read === 0) {
      throw invalid('the upload holds no Kubernetes object the analysis uses (namespaces, workloads, pods, policies, a network profile)', [
        { severity: 'error', code: 'empty-input', message: 'no namespaces, workloads, pods, policies or network profile in the upload' },
        ...warnings.map((w) => withFile(w, files)),
      ]);
    }
    const excluded = this.config.KORDON_EXCLUDED_NAMESPACES;
    const posture = analyzePosture(state, excluded.length ? { excludedNamespaces: excluded } : {});
    const engine = classifyProblems(posture.problems);
    if (engine.errors.length) {
      throw invalid(`invalid input (${count(engine.errors.length)}); nothing analysed: ${engine.errors.map((e) => e.message).slice(0, 3).join('; ')}`, engine.errors.map((e) => withFile(e, files)));
    }
    warnings.push(...engine.warnings);
    const findings = computeFindings(state, posture, { now: input.now.toISOString() });

    const notEvaluated = [...posture.notEvaluated];
    let connections: AnalyzeResponse['connections'];
    if (input.connections) {
      const reach = analyzeReachability(state, { excludedNamespaces: posture.excludedNamespaces });
      if (reach.workloads.length > MAX_WORKLOADS_FOR_CONNECTIONS) {
        throw new AnalyzeException(
          AnalyzeErrorCode.TooManyConnections,
          `connections are listed for at most ${MAX_WORKLOADS_FOR_CONNECTIONS} workloads (the upload has ${reach.workloads.length}); ` +
            'ask without ?connections=true, use the reachability endpoints of a registered cluster, or `kordon analyze --connections`',
          { workloads: reach.workloads.length, maxWorkloads: MAX_WORKLOADS_FOR_CONNECTIONS },
        );
      }
      const all = reach.connections();
      if (all.length > MAX_CONNECTIONS) {
        throw new AnalyzeException(
          AnalyzeErrorCode.TooManyConnections,
          `the policies allow ${all.length} connections, more than the ${MAX_CONNECTIONS} one answer may list; ` +
            'ask without ?connections=true, use the reachability endpoints of a registered cluster, or `kordon analyze --connections`',
          { connections: all.length, maxConnections: MAX_CONNECTIONS },
        );
      }
      connections = all.map((c) => ({ src: c.src, dst: c.dst, conn: c.conn }));
      const seen = new Set(notEvaluated.map((n) => `${n.object}\u0000${n.reason}`));
      for (const n of reach.notEvaluated) if (!seen.has(`${n.object}\u0000${n.reason}`)) notEvaluated.push(n);
    }

    const aks = collected.meta?.aks as { name?: unknown } | undefined;
    return {
      cluster: { name: typeof aks?.name === 'string' ? aks.name : null, kubernetesVersion: state.kubernetesVersion ?? null, ...posture.cluster },
      enforcement: posture.enforcement,
      excludedNamespaces: posture.excludedNamespaces,
      namespaces: posture.namespaces as unknown as Record<string, unknown>[],
      workloads: posture.workloads.map((w) => ({
        namespace: w.namespace,
        name: w.name,
        kind: w.kind,
        isolated: { ingress: w.ingress.isolated, egress: w.egress.isolated },
      })),
      findings: findings as unknown as Record<string, unknown>[],
      notEvaluated,
      problems: warnings.map((w) => withFile(w, files)),
      ...(connections ? { connections } : {}),
    };
  }
}
