// The cluster page's URL, read by the server page and written by its clients: the as-of date
// (`at`), the namespace table's sort, search, page, page size and filters, and the history range.
import type { DefaultDenyFilter, PostureSort } from '@kordon/contracts';

export const SORTS: PostureSort[] = ['name', 'coverage', 'ingressCoverage', 'egressCoverage', 'pods', 'findings'];
export const DEFAULT_DENY_FILTERS: { value: DefaultDenyFilter; label: string }[] = [
  { value: 'incomplete', label: 'Lacking a baseline (either direction)' },
  { value: 'none', label: 'No baseline at all' },
  { value: 'ingress', label: 'Has default-deny ingress' },
  { value: 'egress', label: 'Has default-deny egress' },
  { value: 'both', label: 'Has both baselines' },
];
export const EXCLUDED_FILTERS = [
  { value: 'false', label: 'Hide excluded (system) namespaces' },
  { value: 'true', label: 'Only excluded namespaces' },
] as const;
export const HISTORY_RANGES = [30, 90, 365] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];
export const PAGE_SIZES = [10, 25, 50, 100, 200] as const;
export const DEFAULT_PAGE_SIZE = 50;

export interface ClusterParams {
  at: string | null;
  sort: string;
  q: string;
  page: number;
  size: number;
  dd: DefaultDenyFilter | null;
  excluded: 'true' | 'false' | null;
  days: HistoryRange;
}

type Raw = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

export function parseClusterParams(raw: Raw): ClusterParams {
  const sort = one(raw.sort);
  const dd = one(raw.dd);
  const ex = one(raw.excluded);
  const page = Math.floor(Number(one(raw.page)));
  const size = Number(one(raw.size));
  const days = Number(one(raw.days));
  return {
    at: one(raw.at) || null,
    sort: SORTS.includes(sort.replace(/^-/, '') as PostureSort) ? sort : 'name',
    q: one(raw.q).trim().toLowerCase().slice(0, 63),
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
    dd: DEFAULT_DENY_FILTERS.some((f) => f.value === dd) ? (dd as DefaultDenyFilter) : null,
    excluded: ex === 'true' || ex === 'false' ? ex : null,
    days: (HISTORY_RANGES as readonly number[]).includes(days) ? (days as HistoryRange) : 90,
  };
}

/** The posture API query for the table's page. */
export function postureQuery(p: ClusterParams, at: string | null) {
  return {
    at: at ?? undefined,
    sort: p.sort,
    q: p.q || undefined,
    defaultDeny: p.dd ?? undefined,
    excluded: p.excluded ?? undefined,
    limit: p.size,
    offset: (p.page - 1) * p.size || undefined,
  };
}
