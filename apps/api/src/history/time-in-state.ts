// Time in state with interval semantics, pure (no I/O, no clock: the caller passes `now`).
// A succeeded snapshot vouches for the namespace's state from its start until the next snapshot
// starts, but never longer than its schedule (the cluster's when it was taken) plus SCHEDULE_SLACK_MINUTES; time
// beyond that, time after a failed snapshot until the next succeeded one, and time before the
// first snapshot are "unknown", never "protected". Used by the time-in-state API and by anything
// else (the evidence bundle) that has the rows at hand.
import type { TimeInStateDirection, TimeInStateInterval, TimeInStateProvingSnapshot, TimeInStateState } from '@kordon/contracts';

/**
 * A snapshot vouches for at most `scheduleMinutes + SCHEDULE_SLACK_MINUTES`: the next one is due a
 * schedule after it started, and the slack covers the scheduler's 30 s tick and a short queue. A
 * snapshot later than that leaves the time between "unknown".
 */
export const SCHEDULE_SLACK_MINUTES = 5;

export type TimeInStateDirectionName = 'ingress' | 'egress';

export interface TimeInStateRow {
  id: string;
  startedAt: Date;
  /** Running snapshots say nothing and are ignored; pass succeeded and failed ones. */
  status: 'succeeded' | 'failed' | 'running';
  /** The namespace as this (succeeded) snapshot saw it; null: absent from it. */
  namespace: { defaultDenyIngress: boolean; defaultDenyEgress: boolean } | null;
  /** The schedule in force when it was taken (how long it vouches); absent: the input's. */
  scheduleMinutes?: number | null;
}

export interface TimeInStateInput {
  /**
   * The cluster's snapshots from the last one started at or before `from` up to `to`, any order.
   * Rows before that carry-in snapshot are harmless.
   */
  rows: readonly TimeInStateRow[];
  from: Date;
  to: Date;
  /** The cluster's schedule, for rows that do not carry their own. */
  scheduleMinutes: number;
  /** Time after `now` has not happened: the measured range ends at min(to, now). */
  now: Date;
}

export interface TimeInStateResult {
  /** End of the measured range: min(to, now), never before `from`. */
  measuredTo: Date;
  ingress: TimeInStateDirection;
  egress: TimeInStateDirection;
  /**
   * Per direction: the current protected run starts at the first row given, so it may have
   * started earlier (look further back: see `protectedRunStart`).
   */
  openRun: Record<TimeInStateDirectionName, boolean>;
}

interface Piece {
  from: number;
  to: number;
  state: TimeInStateState;
  snapshotId: string | null;
}

export function capMs(scheduleMinutes: number): number {
  return (Math.max(1, scheduleMinutes) + SCHEDULE_SLACK_MINUTES) * 60_000;
}

/** How long `row` vouches for its state: its own schedule when it has one, else `cap`. */
function capOf(row: TimeInStateRow, cap: number): number {
  return row.scheduleMinutes ? capMs(row.scheduleMinutes) : cap;
}

function stateOf(row: TimeInStateRow, d: TimeInStateDirectionName): TimeInStateState {
  if (row.status === 'failed') return 'unknown';
  if (!row.namespace) return 'absent';
  return (d === 'ingress' ? row.namespace.defaultDenyIngress : row.namespace.defaultDenyEgress) ? 'protected' : 'unprotected';
}

/** Sorted snapshots that say something (succeeded or failed), by start then id. */
export function orderedRows(rows: readonly TimeInStateRow[]): TimeInStateRow[] {
  return rows
    .filter((r) => r.status !== 'running')
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The states over [from, end), unmerged, each with the snapshot vouching for it (null: none). */
function pieces(rows: TimeInStateRow[], from: number, end: number, cap: number, d: TimeInStateDirectionName): Piece[] {
  const out: Piece[] = [];
  const push = (a: number, b: number, state: TimeInStateState, snapshotId: string | null) => {
    const lo = Math.max(a, from);
    const hi = Math.min(b, end);
    if (hi > lo) out.push({ from: lo, to: hi, state, snapshotId });
  };
  if (rows.length === 0) {
    push(from, end, 'unknown', null);
    return out;
  }
  push(from, rows[0].startedAt.getTime(), 'unknown', null);
  rows.forEach((r, i) => {
    const start = r.startedAt.getTime();
    const next = i + 1 < rows.length ? rows[i + 1].startedAt.getTime() : Infinity;
    const state = stateOf(r, d);
    if (state === 'unknown') {
      push(start, next, 'unknown', r.id);
      return;
    }
    const vouched = Math.min(next, start + capOf(r, cap));
    push(start, vouched, state, r.id);
    push(vouched, next, 'unknown', null);
  });
  return out;
}

function merge(ps: Piece[]): { interval: TimeInStateInterval; ids: string[] }[] {
  const out: { from: number; to: number; state: TimeInStateState; ids: string[] }[] = [];
  for (const p of ps) {
    const last = out[out.length - 1];
    if (last && last.state === p.state && last.to === p.from) {
      last.to = p.to;
      if (p.snapshotId && last.ids[last.ids.length - 1] !== p.snapshotId) last.ids.push(p.snapshotId);
    } else {
      out.push({ from: p.from, to: p.to, state: p.state, ids: p.snapshotId ? [p.snapshotId] : [] });
    }
  }
  return out.map((m) => ({
    interval: {
      from: new Date(m.from).toISOString(),
      to: new Date(m.to).toISOString(),
      state: m.state,
      snapshotId: m.ids[0] ?? null,
      snapshotIds: m.ids,
    },
    ids: m.ids,
  }));
}

function direction(rows: TimeInStateRow[], from: number, end: number, cap: number, d: TimeInStateDirectionName): { dir: TimeInStateDirection; open: boolean } {
  const ps = pieces(rows, from, end, cap, d);
  const totals: Record<TimeInStateState, number> = { protected: 0, unprotected: 0, unknown: 0, absent: 0 };
  for (const p of ps) totals[p.state] += p.to - p.from;
  const range = end - from;
  const merged = merge(ps);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const proving: TimeInStateProvingSnapshot[] = [];
  for (const p of ps) {
    if (p.state !== 'protected' || !p.snapshotId) continue;
    if (proving[proving.length - 1]?.id === p.snapshotId) continue;
    proving.push({ id: p.snapshotId, startedAt: byId.get(p.snapshotId)!.startedAt.toISOString() });
  }
  // The current run: the last merged interval, when it is protected and reaches the range's end.
  // Its start is where the run began, unless it reaches back to the first row's start (before
  // which we know nothing here): then the caller may look further back.
  let protectedSince: string | null = null;
  let open = false;
  const last = merged[merged.length - 1];
  if (last && last.interval.state === 'protected' && new Date(last.interval.to).getTime() === end) {
    const lastPiece = ps.filter((p) => p.state === 'protected').find((p) => new Date(last.interval.from).getTime() <= p.from)!;
    const firstRow = byId.get(lastPiece.snapshotId!)!;
    protectedSince = firstRow.startedAt.toISOString();
    open = firstRow.id === rows[0].id;
  }
  return {
    dir: {
      protectedMs: totals.protected,
      unprotectedMs: totals.unprotected,
      unknownMs: totals.unknown,
      absentMs: totals.absent,
      share: range > 0 ? totals.protected / range : null,
      heldThroughout: range > 0 && totals.protected === range,
      protectedSince,
      intervals: merged.map((m) => m.interval),
      provingSnapshots: proving,
    },
    open,
  };
}

/** Protected / unprotected / unknown / absent time per direction over [from, min(to, now)]. */
export function timeInState(input: TimeInStateInput): TimeInStateResult {
  const from = input.from.getTime();
  const end = Math.max(from, Math.min(input.to.getTime(), input.now.getTime()));
  const cap = capMs(input.scheduleMinutes);
  const rows = orderedRows(input.rows);
  // Only the last row at or before `from` matters among the earlier ones.
  let first = 0;
  for (let i = 0; i < rows.length; i++) if (rows[i].startedAt.getTime() <= from) first = i;
  const used = rows.slice(first).filter((r) => r.startedAt.getTime() <= end || r === rows[first]);
  const ingress = direction(used, from, end, cap, 'ingress');
  const egress = direction(used, from, end, cap, 'egress');
  return { measuredTo: new Date(end), ingress: ingress.dir, egress: egress.dir, openRun: { ingress: ingress.open, egress: egress.open } };
}

/**
 * Where a protected run reaching back to `first` began, from the rows before it (newest first,
 * `first` excluded, as many as the caller read): the start of the row after the newest one
 * that breaks the run (not protected, failed, or followed by a gap longer than the cap).
 * `complete`: the rows reach back to the cluster's first snapshot. Returns null when the rows
 * do not reach a break and are not complete (read further back).
 */
export function protectedRunStart(
  first: { id: string; startedAt: Date },
  olderNewestFirst: readonly TimeInStateRow[],
  scheduleMinutes: number,
  d: TimeInStateDirectionName,
  complete: boolean,
): Date | null {
  const cap = capMs(scheduleMinutes);
  let next = first.startedAt;
  for (const r of olderNewestFirst) {
    if (r.status === 'running') continue;
    if (stateOf(r, d) !== 'protected' || next.getTime() - r.startedAt.getTime() > capOf(r, cap)) return next;
    next = r.startedAt;
  }
  return complete ? next : null;
}
