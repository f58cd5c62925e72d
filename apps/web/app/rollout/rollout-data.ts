// One call: `/fleet/history` grouped as asked, one point per day over the range, ending today.
import 'server-only';
import type { FleetHistory, FleetRollupPoint, FleetSeries } from '@kordon/contracts';
import type { TrendPoint } from '../../components/charts/trend-chart';
import { apiClient } from '../../lib/api-client';
import type { RolloutParams } from './search-params';

const DAY = 86_400_000;

export function rolloutQuery(p: RolloutParams, now: Date) {
  // The end of today (UTC): the answer is the same all day until a snapshot lands, so the API caches it.
  const to = new Date(Math.floor(now.getTime() / DAY) * DAY + DAY - 1);
  const from = new Date(Math.floor(to.getTime() / DAY) * DAY - (p.days - 1) * DAY);
  return { groupBy: p.groupBy, bucket: 'day', from: from.toISOString(), to: to.toISOString() };
}

export function loadRollout(p: RolloutParams, now: Date): Promise<FleetHistory> {
  return apiClient.get<FleetHistory>('/fleet/history', rolloutQuery(p, now));
}

export type Direction = 'ingress' | 'egress';

export const shareOf = (p: FleetRollupPoint, d: Direction) => (d === 'ingress' ? p.defaultDenyIngressShare : p.defaultDenyEgressShare);
export const countOf = (p: FleetRollupPoint, d: Direction) => (d === 'ingress' ? p.defaultDenyIngress : p.defaultDenyEgress);

/** Chart rows: one per day, one column per series (`s0`, `s1`…), percent 0..100, null before a group has data. */
export function chartData(series: FleetSeries[], d: Direction): TrendPoint[] {
  if (series.length === 0) return [];
  return series[0].points.map((_, i) => {
    const row: TrendPoint = { t: series[0].points[i].bucket.slice(0, 10) };
    series.forEach((s, j) => {
      const p = s.points[i];
      const v = p && p.clusters > 0 ? shareOf(p, d) : null;
      row[`s${j}`] = v === null ? null : Math.round(v * 1000) / 10;
    });
    return row;
  });
}

export interface GroupRow {
  series: FleetSeries;
  latest: FleetRollupPoint | null;
  first: FleetRollupPoint | null;
}

/** The latest point of a group and its first point with data in the range (for the change). */
export function groupRow(s: FleetSeries): GroupRow {
  const withData = s.points.filter((p) => p.clusters > 0);
  return { series: s, latest: withData[withData.length - 1] ?? null, first: withData[0] ?? null };
}

/** Change in percentage points between two shares, e.g. "+12 pts". */
export function changePts(first: number | null, latest: number | null): string | null {
  if (first === null || latest === null) return null;
  const pts = Math.round((latest - first) * 1000) / 10;
  if (pts === 0) return '±0 pts';
  return `${pts > 0 ? '+' : '−'}${Math.abs(pts)} pts`;
}
