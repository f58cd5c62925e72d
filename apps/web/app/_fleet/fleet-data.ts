// What the fleet page reads, in two API calls made together: every cluster as it stood at the
// date (`/fleet/clusters?at=`) and 90 days of per-cluster history ending then (`/fleet/history
// ?groupBy=cluster`), which gives every sparkline and, summed, the fleet-wide chart. The history
// is read by week: 13 points a cluster draw a sparkline as well as 90 do, and on a 50-cluster
// fleet the daily answer is ~1.5 MB of JSON to fetch and parse before the first byte.
import 'server-only';
import type { ApiError, ClusterSummary, FleetClustersAt, FleetHistory, FleetRollupPoint } from '@kordon/contracts';
import type { TrendPoint } from '../../components/charts/trend-chart';
import { apiClient, isKordonApiError } from '../../lib/api-client';
import type { CoverageSparks } from './fleet-table';
import type { FleetParams } from './search-params';

const DAY = 86_400_000;
export const SPARK_DAYS = 90;

export interface FleetData {
  /** Every cluster at the date (unfiltered: the filter options come from it). */
  all: ClusterSummary[];
  /** History per cluster id, one point per day; null when history could not be read. */
  history: Map<string, FleetRollupPoint[]> | null;
  historyError: ApiError | null;
  range: { from: string; to: string };
}

/** End of the range: the date asked for, else the end of today (UTC), so the answer can be cached all day. */
function rangeEnd(at: string | null, now: Date): Date {
  if (at) return new Date(at);
  return new Date(Math.floor(now.getTime() / DAY) * DAY + DAY - 1);
}

export async function loadFleet(params: FleetParams & { atIso: string | null }, now: Date): Promise<FleetData | { error: ApiError }> {
  const to = rangeEnd(params.atIso, now);
  const from = new Date(Math.floor(to.getTime() / DAY) * DAY - (SPARK_DAYS - 1) * DAY);
  const [clusters, history] = await Promise.allSettled([
    apiClient.get<FleetClustersAt>('/fleet/clusters', { at: params.atIso }),
    apiClient.get<FleetHistory>('/fleet/history', { groupBy: 'cluster', bucket: 'week', from: from.toISOString(), to: to.toISOString() }),
  ]);
  if (clusters.status === 'rejected') {
    if (isKordonApiError(clusters.reason)) return { error: clusters.reason.body };
    throw clusters.reason;
  }
  let map: Map<string, FleetRollupPoint[]> | null = null;
  let historyError: ApiError | null = null;
  if (history.status === 'fulfilled') {
    map = new Map(history.value.series.map((s) => [s.key ?? '', s.points]));
  } else if (isKordonApiError(history.reason)) {
    historyError = history.reason.body;
  } else {
    throw history.reason;
  }
  return { all: clusters.value.items, history: map, historyError, range: { from: from.toISOString(), to: to.toISOString() } };
}

export function applyFilters(clusters: ClusterSummary[], p: FleetParams): ClusterSummary[] {
  return clusters.filter(
    (c) => (!p.environment || c.environment === p.environment) && (!p.team || c.team === p.team) && (!p.engine || c.engine === p.engine),
  );
}

const pct = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);

/** The fleet-wide chart: the listed clusters' points summed per week (pod-weighted coverage). */
export function fleetTrend(clusters: ClusterSummary[], history: Map<string, FleetRollupPoint[]>): TrendPoint[] {
  const lists = clusters.map((c) => history.get(c.id)).filter((l): l is FleetRollupPoint[] => !!l);
  if (lists.length === 0) return [];
  const out: TrendPoint[] = [];
  for (let i = 0; i < lists[0].length; i++) {
    let pods = 0, inPods = 0, outPods = 0, ns = 0, ddIn = 0, ddOut = 0, counted = 0;
    for (const l of lists) {
      const p = l[i];
      if (!p || p.clusters === 0) continue;
      counted++;
      pods += p.pods;
      inPods += p.ingressIsolatedPods;
      outPods += p.egressIsolatedPods;
      ns += p.namespaces;
      ddIn += p.defaultDenyIngress;
      ddOut += p.defaultDenyEgress;
    }
    if (counted === 0) continue;
    out.push({
      t: lists[0][i].bucket.slice(0, 10),
      ingressPods: pct(inPods, pods),
      egressPods: pct(outPods, pods),
      denyIngress: pct(ddIn, ns),
      denyEgress: pct(ddOut, ns),
    });
  }
  return out;
}

const asPct = (v: number | null, counted: boolean) => (counted && v !== null ? Math.round(v * 1000) / 10 : null);

/** Each cluster's pod coverage per week and direction, in percent (null before its first snapshot). */
export function coverageSparks(history: Map<string, FleetRollupPoint[]>): CoverageSparks {
  const out: CoverageSparks = {};
  for (const [id, points] of history) {
    out[id] = {
      ingress: points.map((p) => asPct(p.ingressPodCoverage, p.clusters > 0)),
      egress: points.map((p) => asPct(p.egressPodCoverage, p.clusters > 0)),
    };
  }
  return out;
}

/** Pod coverage of the listed clusters at the end of the range (their last points), 0..1. */
export function latestCoverage(clusters: ClusterSummary[], history: Map<string, FleetRollupPoint[]>): { ingress: number | null; egress: number | null; pods: number } {
  let pods = 0, inPods = 0, outPods = 0;
  for (const c of clusters) {
    const l = history.get(c.id);
    const p = l?.[l.length - 1];
    if (!p || p.clusters === 0) continue;
    pods += p.pods;
    inPods += p.ingressIsolatedPods;
    outPods += p.egressIsolatedPods;
  }
  return { ingress: pods > 0 ? inPods / pods : null, egress: pods > 0 ? outPods / pods : null, pods };
}
