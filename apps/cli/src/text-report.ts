// Owns the human-readable report: a header (engine, enforcement, totals), one row per
// namespace, then findings grouped by severity with their remediation.
import { SEVERITIES } from '@kordon/policy-engine';
import type { ConnectionAllowance, Direction, DirectionPosture, Finding, NamespacePosture, PolicyName, SideAllowance } from '@kordon/policy-engine';
import { type Analysis, directionsOf, type DirectionChoice, EXPLAINED_CONNECTIONS, formatPercent } from './analyze';
import { clusterName } from './report';


function coverage(isolated: number, total: number): string {
  return total ? `${isolated}/${total} ${formatPercent((isolated / total) * 100)}` : '-';
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function defaultDeny(d: DirectionPosture): string {
  if (d.defaultDeny) return 'yes';
  if (d.baseline.broken) return `broken (${d.baseline.brokenBy.map((b) => b.policy).join(', ')})`;
  return 'no';
}

/** Left-aligned columns, numbers right-aligned; two spaces between columns. */
export function table(header: string[], rows: string[][], numeric: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

const LABEL: Record<Direction, { name: string; short: string }> = {
  ingress: { name: 'INGRESS ISOLATED', short: 'IN' },
  egress: { name: 'EGRESS ISOLATED', short: 'OUT' },
};

export function namespaceTable(namespaces: NamespacePosture[], choice: DirectionChoice): string[] {
  const dirs = directionsOf(choice);
  const header = ['NAMESPACE', 'PODS', 'WORKLOADS'];
  const numeric = [false, true, true];
  for (const d of dirs) {
    header.push(LABEL[d].name, `DEFAULT-DENY ${LABEL[d].short}`, `EFFECTIVE ${LABEL[d].short}`);
    numeric.push(true, false, false);
  }
  header.push('EXCLUDED');
  numeric.push(false);
  const rows = namespaces.map((ns) => {
    const row = [ns.name, String(ns.pods), String(ns.workloads)];
    for (const d of dirs) {
      const p = ns[d];
      row.push(coverage(p.isolatedPods, p.pods), defaultDeny(p), ns.pods ? (p.effectivelyIsolated ? 'yes' : 'no') : '-');
    }
    row.push(ns.excluded ? 'excluded' : '');
    return row;
  });
  return table(header, rows, numeric);
}

function severityRank(s: string): number {
  const i = (SEVERITIES as readonly string[]).indexOf(s);
  return i === -1 ? SEVERITIES.length : i;
}

function indent(text: string, prefix: string): string[] {
  return text.replace(/\s+$/, '').split('\n').map((l) => (l ? prefix + l : ''));
}

function findingWhere(f: Finding): string | undefined {
  const o = f.object;
  return o ? `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}` : f.namespace;
}

/**
 * Grouped by severity, then by rule: each finding's message on one line, the remediation once per
 * rule when the findings share it, and one YAML example per rule (`--json` carries every one), so
 * a cluster with hundreds of namespaces without a baseline stays readable.
 */
export function findingLines(findings: Finding[]): string[] {
  if (!findings.length) return ['Findings: none'];
  const bySeverity = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    const key = f.severity.toLowerCase();
    const rules = bySeverity.get(key) ?? new Map<string, Finding[]>();
    rules.set(f.ruleId, [...(rules.get(f.ruleId) ?? []), f]);
    bySeverity.set(key, rules);
  }
  const severities = [...bySeverity.keys()].sort((a, b) => severityRank(a) - severityRank(b) || a.localeCompare(b));
  const out = [`Findings (${findings.length})`];
  for (const s of severities) {
    const rules = bySeverity.get(s) as Map<string, Finding[]>;
    const count = [...rules.values()].reduce((n, g) => n + g.length, 0);
    out.push('', `${s.toUpperCase()} (${count})`);
    for (const [ruleId, group] of rules) {
      const shared = group.every((f) => f.remediation === group[0].remediation);
      out.push(`  [${ruleId}] ${group[0].title}${group.length > 1 ? ` (${group.length})` : ''}`);
      for (const f of group) {
        const where = findingWhere(f);
        out.push(...indent(`- ${where && !f.message.includes(where) ? `${where}: ` : ''}${f.message}`, '    '));
        if (!shared) out.push(...indent(`Remediation: ${f.remediation}`, '      '));
      }
      if (shared) out.push(...indent(`Remediation: ${group[0].remediation}`, '    '));
      const example = group.find((f) => f.remediationYaml);
      if (example?.remediationYaml) {
        const where = findingWhere(example);
        out.push(`    ${group.length > 1 && where ? `Example (${where}):` : 'YAML:'}`, ...indent(example.remediationYaml, '      '));
      }
    }
  }
  return out;
}

/** Writes the report in pieces: the connection list alone can outgrow a JS string. */
export function writeTextReport(a: Analysis, choice: DirectionChoice, write: (chunk: string) => void): void {
  const { posture } = a;
  const c = posture.cluster;
  const e = posture.enforcement;
  const name = clusterName(a.meta);
  const version = a.state.kubernetesVersion ? ` (Kubernetes ${a.state.kubernetesVersion})` : '';
  const out: string[] = [`kordon analyze ${a.source}`];
  if (name || version) out.push(`Cluster:     ${name ?? 'unnamed'}${version}`);
  out.push(
    `Engine:      ${e.engine}${e.networkPolicy && e.networkPolicy !== e.engine ? ` (networkPolicy: ${e.networkPolicy})` : ''}; ` +
      `policies ${e.enforced ? 'ENFORCED' : 'NOT ENFORCED'}${e.enforced ? '' : `: ${e.reason}`}`,
  );
  const excludedNames = posture.namespaces.filter((n) => n.excluded).map((n) => n.name);
  out.push(
    `Namespaces:  ${c.namespaces} analysed, ${c.excludedNamespaces} excluded${excludedNames.length ? ` (${excludedNames.join(', ')})` : ''}`,
    `Totals:      ${plural(c.pods, 'pod')}, ${plural(c.workloads, 'workload')}, ${plural(c.policies, 'NetworkPolicy', 'NetworkPolicies')}` +
      `${c.crdPolicies ? `, ${plural(c.crdPolicies, 'CRD policy', 'CRD policies')}` : ''} (excluded namespaces not counted)`,
  );
  for (const d of directionsOf(choice)) {
    const r = c[d];
    const label = `${d[0].toUpperCase()}${d.slice(1)}:`.padEnd(13);
    const broken = r.namespacesWithBrokenDefaultDeny ? `, ${r.namespacesWithBrokenDefaultDeny} broken` : '';
    out.push(
      `${label}${coverage(r.isolatedPods, r.pods)} pods isolated, ${coverage(r.isolatedWorkloads, r.workloads)} workloads; ` +
        `default-deny in ${r.namespacesWithDefaultDeny} of ${c.namespaces} namespaces${broken}`,
    );
  }
  out.push(
    '',
    ...namespaceTable(posture.namespaces, choice),
    'DEFAULT-DENY: a policy selects all pods and allows nothing, so pods created later are covered too.',
    'EFFECTIVE: every current pod is isolated, by whatever policies (weaker than a default-deny).',
    '',
  );
  if (a.connections) {
    out.push(`Allowed connections (${a.connections.length})`);
    write(`${out.join('\n')}\n`);
    out.length = 0;
    for (let i = 0; i < a.connections.length; i += 5000) {
      write(a.connections.slice(i, i + 5000).map((k) => `  ${k.src} => ${k.dst}: ${k.conn}${k.allowedBy ? `  [${explain(k.allowedBy)}]` : ''}\n`).join(''));
    }
    if (a.connections.length > EXPLAINED_CONNECTIONS) out.push(`  (which policies allow each connection is shown for the first ${EXPLAINED_CONNECTIONS})`);
    out.push('');
  }
  out.push(...findingLines(a.findings));
  if (a.notEvaluated.length) {
    out.push('', `Not evaluated (${a.notEvaluated.length})`);
    for (const n of a.notEvaluated) out.push(`  ${n.object}: ${n.reason}`);
  }
  write(`${out.join('\n')}\n`);
}

const policyText = (p: PolicyName): string => `${p.kind === 'NetworkPolicy' ? '' : `${p.kind} `}${p.namespace === null ? '' : `${p.namespace}/`}${p.name}`;

/** One side of a connection in words: which policies allow it, or allowed by default; deny rules that cut it. */
function sideText(d: 'egress' | 'ingress', s: SideAllowance): string {
  if (s.peer === null) return `${d}: external`;
  const parts: string[] = [];
  const l7 = (p: PolicyName) => s.l7.find((x) => x.policy.kind === p.kind && x.policy.namespace === p.namespace && x.policy.name === p.name);
  const allowing = (p: PolicyName) => {
    const rules = l7(p)?.rules;
    return rules ? `${policyText(p)} (with L7 rules: ${rules.join(', ')}, not evaluated)` : policyText(p);
  };
  if (s.policies.length > 0) parts.push(`allowed by ${s.policies.map(allowing).join(', ')}`);
  if (s.defaultAllow) parts.push('allowed by default');
  if (s.notEvaluated.length > 0) parts.push(`not evaluated (${s.notEvaluated.join(', ')})`);
  if (s.deniedBy.length > 0) parts.push(`ports cut by ${s.deniedBy.map(policyText).join(', ')}`);
  return `${d}: ${parts.join('; ') || 'no policy'}`;
}

export function explain(a: ConnectionAllowance): string {
  return `${sideText('egress', a.egress)} | ${sideText('ingress', a.ingress)}`;
}
