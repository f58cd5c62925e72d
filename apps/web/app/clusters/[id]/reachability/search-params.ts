// The reachability page's URL: the as-of date, the selected matrix cell (`from`, `to`), and the
// selected workload (`workload=ns/name`, `ns/name[Kind]` when two kinds share the name) with the
// direction (`dir=ingress|egress`).
type Raw = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export interface WorkloadPick {
  id: string;
  namespace: string;
  name: string;
  kind: string | null;
}

export interface ReachParams {
  at: string | null;
  from: string | null;
  to: string | null;
  workload: WorkloadPick | null;
  dir: 'ingress' | 'egress';
}

export function parseWorkload(v: string): WorkloadPick | null {
  const m = /^([^/]+)\/([^[\]/]+)(?:\[([A-Za-z]+)\])?$/.exec(v);
  if (!m || !DNS_LABEL.test(m[1]!) || !NAME.test(m[2]!)) return null;
  return { id: v, namespace: m[1]!, name: m[2]!, kind: m[3] ?? null };
}

export function parseReachParams(raw: Raw): ReachParams {
  const from = one(raw.from);
  const to = one(raw.to);
  return {
    at: one(raw.at) || null,
    from: DNS_LABEL.test(from) ? from : null,
    to: DNS_LABEL.test(to) ? to : null,
    workload: parseWorkload(one(raw.workload)),
    dir: one(raw.dir) === 'egress' ? 'egress' : 'ingress',
  };
}

/** The page's URL with some parameters changed (null removes one). */
export function reachHref(clusterId: string, p: ReachParams, change: Partial<Record<'at' | 'from' | 'to' | 'workload' | 'dir', string | null>>): string {
  const cur: Record<string, string | null> = { at: p.at, from: p.from, to: p.to, workload: p.workload?.id ?? null, dir: p.dir === 'ingress' ? null : p.dir };
  const next = { ...cur, ...change };
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(next)) if (v) qs.set(k, v);
  const s = qs.toString();
  return `/clusters/${clusterId}/reachability${s ? `?${s}` : ''}`;
}
