// Time in state through the API: the range (default the last 90 days, at most 2 years), the
// rows from the repository, the interval math from time-in-state.ts, and "protected since" read
// further back than the range, a page of older snapshots at a time, only while the run reaches back.
import { Injectable } from '@nestjs/common';
import type { ClusterTimeInState, NamespaceTimeInState, TimeInStateDirection } from '@kordon/contracts';
import { ClustersService } from '../clusters/clusters.service';
import { parseInstant } from '../posture/query-input';
import { doNotCache } from '../read-cache/cache-hints';
import { HistoryErrorCode, HistoryException } from './history.exception';
import { orderedRows, protectedRunStart, SCHEDULE_SLACK_MINUTES, timeInState, type TimeInStateDirectionName, type TimeInStateRow } from './time-in-state';
import { TimeInStateRepository } from './time-in-state.repository';

const DAY = 86_400_000;
export const TIME_IN_STATE_DEFAULT_DAYS = 90;
export const TIME_IN_STATE_MAX_DAYS = 731;
const LOOKBACK_PAGE = 2000;

export interface TimeInStateQueryInput {
  from?: string;
  to?: string;
}

export function resolveTimeInStateRange(q: TimeInStateQueryInput, now: Date): { from: Date; to: Date } {
  const to = parseInstant(q.to, 'to') ?? now;
  const from = parseInstant(q.from, 'from') ?? new Date(to.getTime() - TIME_IN_STATE_DEFAULT_DAYS * DAY);
  if (from.getTime() > to.getTime()) {
    throw new HistoryException(HistoryErrorCode.InvalidRange, `from (${from.toISOString()}) is after to (${to.toISOString()})`);
  }
  if (to.getTime() - from.getTime() > TIME_IN_STATE_MAX_DAYS * DAY) {
    throw new HistoryException(HistoryErrorCode.InvalidRange, `the range spans more than 2 years (${TIME_IN_STATE_MAX_DAYS} days): narrow it`);
  }
  return { from, to };
}

@Injectable()
export class TimeInStateService {
  constructor(private readonly repo: TimeInStateRepository, private readonly clusters: ClustersService) {}

  async namespace(clusterId: string, namespace: string, q: TimeInStateQueryInput): Promise<NamespaceTimeInState> {
    const now = new Date();
    const { from, to } = resolveTimeInStateRange(q, now);
    // A range not yet over moves with the clock (its measured end is now); a past one changes
    // only with new rows, which the cache's change counter already sees.
    if (to.getTime() >= now.getTime()) doNotCache();
    const cluster = await this.clusters.require(clusterId);
    const rows = await this.repo.namespaceRows(clusterId, namespace, from, to);
    // A range without the namespace is an answer (absent, unknown); a namespace never seen is a 404.
    if (!rows.some((x) => x.namespace) && !(await this.repo.namespaceEverSeen(clusterId, namespace))) {
      throw new HistoryException(HistoryErrorCode.NamespaceNotFound, `namespace ${namespace} was never seen in cluster ${clusterId}`);
    }
    const r = timeInState({ rows, from, to, scheduleMinutes: cluster.scheduleMinutes, now });
    const ordered = orderedRows(rows);
    for (const d of ['ingress', 'egress'] as const) {
      if (r.openRun[d] && ordered.length > 0) r[d].protectedSince = (await this.lookBack(clusterId, namespace, ordered[0], cluster.scheduleMinutes, d)).toISOString();
    }
    return {
      clusterId,
      namespace,
      from: from.toISOString(),
      to: to.toISOString(),
      measuredTo: r.measuredTo.toISOString(),
      scheduleMinutes: cluster.scheduleMinutes,
      scheduleSlackMinutes: SCHEDULE_SLACK_MINUTES,
      ingress: r.ingress,
      egress: r.egress,
    };
  }

  async cluster(clusterId: string, q: TimeInStateQueryInput & { intervals?: boolean }): Promise<ClusterTimeInState> {
    const now = new Date();
    const { from, to } = resolveTimeInStateRange(q, now);
    if (to.getTime() >= now.getTime()) doNotCache();
    const cluster = await this.clusters.require(clusterId);
    const { snapshots, postures } = await this.repo.clusterRows(clusterId, from, to);
    const strip = (d: TimeInStateDirection): TimeInStateDirection => {
      if (q.intervals) return d;
      const { intervals: _i, provingSnapshots: _p, ...rest } = d;
      return rest;
    };
    const names = [...postures.keys()].sort();
    const namespaces = [];
    let measuredTo = new Date(Math.max(from.getTime(), Math.min(to.getTime(), now.getTime())));
    for (const name of names) {
      const flags = postures.get(name)!;
      const rows: TimeInStateRow[] = snapshots.map((s) => ({ ...s, namespace: s.status === 'succeeded' ? flags.get(s.id) ?? null : null }));
      const r = timeInState({ rows, from, to, scheduleMinutes: cluster.scheduleMinutes, now });
      measuredTo = r.measuredTo;
      for (const d of ['ingress', 'egress'] as const) {
        if (r.openRun[d] && rows.length > 0) r[d].protectedSince = (await this.lookBack(clusterId, name, rows[0], cluster.scheduleMinutes, d)).toISOString();
      }
      namespaces.push({ namespace: name, ingress: strip(r.ingress), egress: strip(r.egress) });
    }
    return {
      clusterId,
      from: from.toISOString(),
      to: to.toISOString(),
      measuredTo: measuredTo.toISOString(),
      scheduleMinutes: cluster.scheduleMinutes,
      scheduleSlackMinutes: SCHEDULE_SLACK_MINUTES,
      namespaces,
    };
  }

  /** Start of the protected run that reaches back to `first`, reading older snapshots page by page. */
  private async lookBack(clusterId: string, namespace: string, first: TimeInStateRow, scheduleMinutes: number, d: TimeInStateDirectionName): Promise<Date> {
    let anchor = first;
    for (;;) {
      const older = await this.repo.olderRows(clusterId, namespace, anchor, LOOKBACK_PAGE);
      const complete = older.length < LOOKBACK_PAGE;
      const start = protectedRunStart(anchor, older, scheduleMinutes, d, complete);
      if (start) return start;
      anchor = older[older.length - 1];
    }
  }
}
