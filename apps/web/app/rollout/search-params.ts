// The rollout page's URL: how to group (`?groupBy=`) and how far back (`?days=`).
import type { FleetGroupBy } from '@kordon/contracts';

export const GROUPS: { value: FleetGroupBy; label: string }[] = [
  { value: 'environment', label: 'Environment' },
  { value: 'team', label: 'Team' },
  { value: 'cluster', label: 'Cluster' },
];
export const RANGES = [30, 90, 365] as const;
export type RangeDays = (typeof RANGES)[number];

export interface RolloutParams {
  groupBy: FleetGroupBy;
  days: RangeDays;
}

type Raw = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

export function parseRolloutParams(raw: Raw): RolloutParams {
  const g = one(raw.groupBy);
  const d = Number(one(raw.days));
  return {
    groupBy: GROUPS.some((x) => x.value === g) ? (g as FleetGroupBy) : 'environment',
    days: (RANGES as readonly number[]).includes(d) ? (d as RangeDays) : 90,
  };
}

export function rolloutHref(p: RolloutParams, change: Partial<RolloutParams> = {}): string {
  const n = { ...p, ...change };
  return `/rollout?groupBy=${n.groupBy}&days=${n.days}`;
}
