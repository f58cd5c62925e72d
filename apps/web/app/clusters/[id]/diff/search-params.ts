// The diff page's URL: `from` and `to` (a date, an ISO timestamp or a snapshot id, passed through
// to the API as they are), `workloads=true` for the workload pairs of the reachability diff, and
// `pairs=N` to list up to N pairs (the API's pairLimit; its default lists the first 2,000).
type Raw = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
const SAFE = /^[A-Za-z0-9:.+_-]{1,64}$/;

export interface DiffParams {
  from: string | null;
  to: string | null;
  workloads: boolean;
  pairs: number | null;
}

/** The most pairs a page asks for (the API's own ceiling). */
export const MAX_PAIRS = 100_000;

export function parseDiffParams(raw: Raw): DiffParams {
  const from = one(raw.from).trim();
  const to = one(raw.to).trim();
  const pairs = Number(one(raw.pairs));
  return {
    from: SAFE.test(from) ? from : null,
    to: SAFE.test(to) ? to : null,
    workloads: one(raw.workloads) === 'true',
    pairs: Number.isInteger(pairs) && pairs >= 1 ? Math.min(pairs, MAX_PAIRS) : null,
  };
}

export function diffHref(clusterId: string, p: Partial<DiffParams>): string {
  const qs = new URLSearchParams();
  if (p.from) qs.set('from', p.from);
  if (p.to) qs.set('to', p.to);
  if (p.workloads) qs.set('workloads', 'true');
  if (p.pairs) qs.set('pairs', String(p.pairs));
  const s = qs.toString();
  return `/clusters/${encodeURIComponent(clusterId)}/diff${s ? `?${s}` : ''}`;
}

const DAY = 86_400_000;

/** "since yesterday / last week / 30 days": `from` a date that many days before `now`, `to` empty (latest). */
export function presets(now: Date): { label: string; from: string }[] {
  const iso = (days: number) => new Date(now.getTime() - days * DAY).toISOString().slice(0, 10);
  return [
    { label: 'Since yesterday', from: iso(1) },
    { label: 'Since last week', from: iso(7) },
    { label: 'Since 30 days', from: iso(30) },
  ];
}
