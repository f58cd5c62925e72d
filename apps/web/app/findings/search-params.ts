// The findings page's URL: filters, sort, page cursor and the as-of date, so a link reproduces the list.
import type { FindingSeverity, FindingSort } from '@kordon/contracts';

export const SORTS: { value: FindingSort; label: string }[] = [
  { value: '-severity', label: 'most severe first' },
  { value: 'severity', label: 'least severe first' },
  { value: 'cluster', label: 'cluster A→Z' },
  { value: '-cluster', label: 'cluster Z→A' },
  { value: 'rule', label: 'rule id' },
  { value: 'namespace', label: 'namespace A→Z' },
];
const SEVERITY_VALUES: FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface FindingsParams {
  severity: FindingSeverity | null;
  rule: string | null;
  cluster: string | null;
  namespace: string | null;
  /** Only excepted findings ('true') or only the others ('false'). */
  excepted: 'true' | 'false' | null;
  sort: FindingSort;
  cursor: string | null;
  at: string | null;
}

type Raw = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string | null => {
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() ? s.trim() : null;
};

export function parseFindingsParams(raw: Raw): FindingsParams {
  const severity = one(raw.severity);
  const sort = one(raw.sort);
  return {
    severity: severity && (SEVERITY_VALUES as string[]).includes(severity) ? (severity as FindingSeverity) : null,
    rule: one(raw.rule),
    cluster: one(raw.cluster),
    namespace: one(raw.namespace),
    excepted: one(raw.excepted) === 'true' ? 'true' : one(raw.excepted) === 'false' ? 'false' : null,
    sort: sort && SORTS.some((s) => s.value === sort) ? (sort as FindingSort) : '-severity',
    cursor: one(raw.cursor),
    at: one(raw.at),
  };
}

export function findingsHref(p: FindingsParams, change: Partial<FindingsParams> = {}): string {
  const n = { ...p, ...change };
  const q = new URLSearchParams();
  for (const k of ['severity', 'rule', 'cluster', 'namespace', 'excepted', 'at', 'cursor'] as const) if (n[k]) q.set(k, n[k]!);
  if (n.sort !== '-severity') q.set('sort', n.sort);
  const s = q.toString();
  return s ? `/findings?${s}` : '/findings';
}
