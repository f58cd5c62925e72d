// `kordon analyze <path> --against <cluster>`: the what-if of a GitOps change against the live
// cluster's latest snapshot, through the API (POST /api/clusters/:id/simulate; nothing stored).
// The folder's policies (NetworkPolicy, Cilium and Calico kinds) are proposed as added or changed;
// other objects in it are ignored by the API. Exit 1 when the change opens connections or breaks
// a default-deny, so a pull request can be gated on the cluster's real posture.
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { ConnectionAllowance } from '@kordon/policy-engine';
import { CliError, EXIT_BAD_INPUT, EXIT_GATE_FAILED, EXIT_OK, EXIT_UNAVAILABLE } from './exit-codes';
import { explain } from './text-report';

const EXTENSIONS = ['.yaml', '.yml', '.json'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMEOUT_MS = 120_000;

/** The subset of the API's ClusterDiff the CLI prints (the CLI does not import the contracts). */
export interface SimulateAnswer {
  from: { id: string | null; takenAt: string | null };
  summary: Record<string, number>;
  policies: { kind: string; namespace: string | null; name: string; change: string; yamlDiff: string; podsBefore: number; podsAfter: number }[];
  drift: { policy: { kind: string; namespace: string | null; name: string }; before: number; after: number }[];
  namespaces: { namespace: string; excluded: boolean; ingressCoverageDelta: number | null; egressCoverageDelta: number | null }[];
  findings: { opened: { ruleId: string; severity: string; message: string }[]; resolved: { ruleId: string; message: string }[] };
  reachability: {
    namespacePairs: Pair[];
    workloadPairs: Pair[] | null;
  } | null;
  verdict: { opens: number; closes: number; breaksDefaultDeny: { namespace: string; direction: string }[]; fails: boolean; basis: string };
}

interface Pair {
  from: string;
  to: string;
  before: string;
  after: string;
  opened: string;
  closed: string;
  causes: { type: string; kind: string; namespace: string | null; name: string; change: string }[];
  /** Workload pairs: which policies allow it, before and after. */
  allowedBy?: { before: ConnectionAllowance | null; after: ConnectionAllowance | null };
}

export interface AgainstOptions {
  json: boolean;
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
}

async function manifestFiles(input: string): Promise<{ name: string; text: string }[]> {
  let info;
  try {
    info = await stat(input);
  } catch {
    throw new CliError(`cannot read ${input}: no such file or directory`);
  }
  const out: { name: string; text: string }[] = [];
  const walk = async (p: string): Promise<void> => {
    const s = await stat(p);
    if (s.isDirectory()) {
      for (const entry of (await readdir(p)).sort()) if (!entry.startsWith('.')) await walk(path.join(p, entry));
    } else if (EXTENSIONS.includes(path.extname(p).toLowerCase())) {
      out.push({ name: path.relative(info.isDirectory() ? input : path.dirname(input), p) || path.basename(p), text: await readFile(p, 'utf8') });
    }
  };
  await walk(input);
  if (!out.length) throw new CliError(`${input} holds no .yaml, .yml or .json file`);
  if (out.length > 200) throw new CliError(`${input} holds ${out.length} manifest files; --against sends at most 200 (point it at the policies folder)`);
  return out;
}

interface Api {
  base: string;
  token: string;
}

async function call<T>(api: Api, method: 'GET' | 'POST', route: string, body?: unknown): Promise<{ status: number; body: T & { message?: string; details?: unknown } }> {
  let res: Response;
  try {
    res = await fetch(`${api.base}/api${route}`, {
      method,
      headers: { Authorization: `Bearer ${api.token}`, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = (err as Error).name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (err as Error).message);
    throw new CliError(`cannot reach the Kordon API at ${api.base} (${why}); check KORDON_URL`, EXIT_UNAVAILABLE);
  }
  const text = await res.text();
  let parsed: unknown = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    throw new CliError(`${api.base} answered ${res.status} with something that is not JSON; is KORDON_URL the Kordon API (or the web app, which serves it under /api)?`, EXIT_UNAVAILABLE);
  }
  if (res.status === 401) throw new CliError('the Kordon API refused KORDON_TOKEN (401): the token is unknown, expired or revoked', EXIT_UNAVAILABLE);
  if (res.status === 403) throw new CliError('KORDON_TOKEN may not run a what-if (403): it needs the security or admin role', EXIT_UNAVAILABLE);
  return { status: res.status, body: parsed as T & { message?: string } };
}

async function clusterId(api: Api, cluster: string): Promise<string> {
  if (UUID.test(cluster)) return cluster;
  let cursor: string | null = null;
  do {
    const q: string = `/clusters?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await call<{ items: { id: string; name: string }[]; nextCursor: string | null }>(api, 'GET', q);
    if (r.status !== 200) throw new CliError(`listing clusters failed (${r.status}): ${r.body.message ?? 'no message'}`, EXIT_UNAVAILABLE);
    const hit = r.body.items.find((c) => c.name === cluster);
    if (hit) return hit.id;
    cursor = r.body.nextCursor;
  } while (cursor);
  throw new CliError(`no cluster named ${JSON.stringify(cluster)} is registered in Kordon at ${api.base}`);
}

const nsName = (r: { kind: string; namespace: string | null; name: string }) => `${r.kind === 'NetworkPolicy' ? '' : `${r.kind} `}${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

export function textReport(cluster: string, a: SimulateAnswer): string {
  const lines: string[] = [];
  lines.push(`What-if against ${cluster} (latest snapshot ${a.from.id ?? '?'} taken ${a.from.takenAt ?? '?'}):`);
  for (const p of a.policies) lines.push(`  ${p.change.padEnd(8)} ${nsName(p)}  (selects ${p.podsBefore} → ${p.podsAfter} pods)`);
  for (const d of a.drift) lines.push(`  drift    ${nsName(d.policy)} would select ${d.before} → ${d.after} pods`);
  for (const n of a.namespaces) {
    const delta = (v: number | null) => (v === null ? 'n/a' : `${v > 0 ? '+' : ''}${v} pt`);
    if (n.ingressCoverageDelta || n.egressCoverageDelta) lines.push(`  coverage ${n.namespace}: ingress ${delta(n.ingressCoverageDelta)}, egress ${delta(n.egressCoverageDelta)}`);
  }
  for (const f of a.findings.opened) lines.push(`  finding  + ${f.ruleId} (${f.severity}) ${f.message}`);
  for (const f of a.findings.resolved) lines.push(`  finding  − ${f.ruleId} ${f.message}`);
  const pairs = a.reachability?.workloadPairs ?? a.reachability?.namespacePairs ?? [];
  for (const p of pairs.filter((x) => x.opened)) {
    const causes = p.causes.filter((c) => c.type !== 'labels').map((c) => `${nsName(c)} ${c.change}`);
    lines.push(`  opens    ${p.from} → ${p.to}: ${p.opened}${causes.length ? `  (by ${causes.join(', ')})` : ''}`);
    if (p.allowedBy?.after) lines.push(`           now ${explain(p.allowedBy.after)}`);
  }
  for (const p of pairs.filter((x) => x.closed)) lines.push(`  closes   ${p.from} → ${p.to}: ${p.closed}`);
  const v = a.verdict;
  for (const b of v.breaksDefaultDeny) lines.push(`  breaks   default-deny ${b.direction} in ${b.namespace}`);
  lines.push(
    v.fails
      ? `FAIL: the change ${[v.opens ? `opens connections between ${v.opens} pair${v.opens === 1 ? '' : 's'}` : '', v.breaksDefaultDeny.length ? `breaks default-deny in ${v.breaksDefaultDeny.map((b) => `${b.namespace} (${b.direction})`).join(', ')}` : ''].filter(Boolean).join(' and ')}`
      : `OK: no new connections${v.closes ? `, closes ${v.closes} pair${v.closes === 1 ? '' : 's'}` : ''}, no namespace loses default-deny`,
  );
  return `${lines.join('\n')}\n`;
}

/** Runs the what-if; returns the exit code (0 passes, 1 fails the gate). */
export async function analyzeAgainst(input: string, cluster: string, opts: AgainstOptions): Promise<number> {
  const base = opts.env.KORDON_URL?.trim().replace(/\/+$/, '').replace(/\/api$/, '');
  const token = opts.env.KORDON_TOKEN?.trim();
  if (!base) throw new CliError('--against needs KORDON_URL (the Kordon API, e.g. https://kordon.example.com) in the environment');
  if (!/^https?:\/\//.test(base)) throw new CliError(`KORDON_URL must start with http:// or https:// (got ${JSON.stringify(base)})`);
  if (!token) throw new CliError('--against needs KORDON_TOKEN (an API token with the security role) in the environment');
  const files = await manifestFiles(input);
  const api = { base, token };
  const id = await clusterId(api, cluster);
  const r = await call<SimulateAnswer>(api, 'POST', `/clusters/${id}/simulate`, { files, workloads: true });
  if (r.status === 400) {
    const details = r.body.details as { errors?: { file?: string; line?: number; column?: number; message: string }[] } | undefined;
    const lines = (details?.errors ?? []).map((e) => `${e.file ?? input}${e.line ? `:${e.line}${e.column ? `:${e.column}` : ''}` : ''}: ${e.message}`);
    if (!lines.length) throw new CliError(r.body.message ?? 'the API refused the manifests', EXIT_BAD_INPUT);
    throw new CliError(`the manifests in ${input} could not be read (${lines.length} ${lines.length === 1 ? 'error' : 'errors'}); nothing was judged`, EXIT_BAD_INPUT, lines);
  }
  if (r.status === 404) throw new CliError(r.body.message ?? `cluster ${cluster} not found`, EXIT_BAD_INPUT);
  if (r.status !== 200) throw new CliError(`the what-if failed (${r.status}): ${r.body.message ?? 'no message'}`, EXIT_UNAVAILABLE);
  if (opts.json) opts.stdout(`${JSON.stringify(r.body, null, 2)}\n`);
  else opts.stdout(textReport(cluster, r.body));
  return r.body.verdict.fails ? EXIT_GATE_FAILED : EXIT_OK;
}
