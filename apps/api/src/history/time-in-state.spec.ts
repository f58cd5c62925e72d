// The interval rules of time in state, corner by corner, on hand-written snapshot rows.
import { describe, expect, it } from 'vitest';
import { protectedRunStart, timeInState, type TimeInStateRow } from './time-in-state';

const H = 3_600_000;
const T0 = Date.UTC(2025, 6, 1); // 2025-07-01T00:00Z
const t = (hours: number) => new Date(T0 + hours * H);
const iso = (hours: number) => t(hours).toISOString();
const NOW = t(10_000);
/** SCHEDULE_SLACK_MINUTES: a snapshot vouches for its schedule plus this. */
const SLACK = 5 * 60_000;
const isoMs = (ms: number) => new Date(T0 + ms).toISOString();

function row(id: string, hours: number, state: 'dd' | 'open' | 'ingress-only' | 'absent' | 'failed'): TimeInStateRow {
  if (state === 'failed') return { id, startedAt: t(hours), status: 'failed', namespace: null };
  if (state === 'absent') return { id, startedAt: t(hours), status: 'succeeded', namespace: null };
  return {
    id,
    startedAt: t(hours),
    status: 'succeeded',
    namespace: { defaultDenyIngress: state !== 'open', defaultDenyEgress: state === 'dd' },
  };
}

/** Hourly snapshots s0..s{n-1} from hour `start`, all with the same state. */
const hourly = (start: number, n: number, state: Parameters<typeof row>[2] = 'dd') => Array.from({ length: n }, (_, i) => row(`s${start + i}`, start + i, state));

const run = (rows: TimeInStateRow[], from: number, to: number, scheduleMinutes = 60, now = NOW) =>
  timeInState({ rows, from: t(from), to: t(to), scheduleMinutes, now });

describe('timeInState', () => {
  it('holds throughout when every hourly snapshot has default-deny, and lists the proving snapshots', () => {
    const r = run(hourly(-1, 26), 0.5, 24);
    expect(r.ingress).toMatchObject({ protectedMs: 23.5 * H, unknownMs: 0, share: 1, heldThroughout: true, protectedSince: iso(0) });
    expect(r.ingress.intervals).toEqual([{ from: iso(0.5), to: iso(24), state: 'protected', snapshotId: 's0', snapshotIds: hourly(0, 24).map((x) => x.id) }]);
    // The carry-in snapshot (the last before `from`) proves the first half hour; the one at `to` proves nothing.
    expect(r.ingress.provingSnapshots!.map((p) => p.id)).toEqual(hourly(0, 24).map((x) => x.id));
    expect(r.ingress.provingSnapshots![0]).toEqual({ id: 's0', startedAt: iso(0) });
    // The run starts at the first row read: the caller may look further back.
    expect(r.openRun.ingress).toBe(true);
    expect(r.egress.heldThroughout).toBe(true);
  });

  it('makes a gap longer than the schedule (plus the scheduler slack) unknown, never protected', () => {
    // Snapshots at 0..5, then none until 12: 5 + 1 h 5 min vouched, 6:05 → 12 unknown.
    const rows = [...hourly(0, 6), ...hourly(12, 13)];
    const r = run(rows, 0, 24);
    expect(r.ingress.unknownMs).toBe(6 * H - SLACK);
    expect(r.ingress.protectedMs).toBe(18 * H + SLACK);
    expect(r.ingress.heldThroughout).toBe(false);
    expect(r.ingress.intervals!.map((i) => [i.from, i.to, i.state])).toEqual([
      [iso(0), isoMs(6 * H + SLACK), 'protected'],
      [isoMs(6 * H + SLACK), iso(12), 'unknown'],
      [iso(12), iso(24), 'protected'],
    ]);
    expect(r.ingress.intervals![1].snapshotId).toBeNull();
    // The current run began after the gap.
    expect(r.ingress.protectedSince).toBe(iso(12));
    expect(r.openRun.ingress).toBe(false);
    // A snapshot within the slack (64 minutes after the last on an hourly schedule) keeps the run; 66 minutes breaks it.
    const late = run([row('a', 0, 'dd'), row('b', 64 / 60, 'dd'), row('c', 2, 'dd')], 0, 2.5);
    expect(late.ingress.heldThroughout).toBe(true);
    const later = run([row('a', 0, 'dd'), row('b', 66 / 60, 'dd'), row('c', 2, 'dd')], 0, 2.5);
    expect(later.ingress).toMatchObject({ heldThroughout: false, unknownMs: 60_000 });
  });

  it('makes time after a failed snapshot unknown until the next succeeded one', () => {
    const rows = [...hourly(0, 10), row('f10', 10, 'failed'), row('f11', 11, 'failed'), ...hourly(12, 13)];
    const r = run(rows, 0, 24);
    expect(r.ingress.unknownMs).toBe(2 * H);
    expect(r.ingress.heldThroughout).toBe(false);
    expect(r.ingress.share).toBeCloseTo(22 / 24);
    expect(r.ingress.intervals!.map((i) => [i.from, i.to, i.state, i.snapshotIds])).toEqual([
      [iso(0), iso(10), 'protected', hourly(0, 10).map((x) => x.id)],
      [iso(10), iso(12), 'unknown', ['f10', 'f11']],
      [iso(12), iso(24), 'protected', hourly(12, 12).map((x) => x.id)],
    ]);
    expect(r.ingress.protectedSince).toBe(iso(12));
    expect(r.ingress.provingSnapshots!.some((p) => p.id.startsWith('f'))).toBe(false);
  });

  it('counts a namespace that appears mid-range as absent before, then per its state', () => {
    const rows = [...hourly(0, 6, 'absent'), ...hourly(6, 4, 'open'), ...hourly(10, 15, 'ingress-only')];
    const r = run(rows, 0, 24);
    expect(r.ingress).toMatchObject({ absentMs: 6 * H, unprotectedMs: 4 * H, protectedMs: 14 * H, unknownMs: 0, heldThroughout: false, protectedSince: iso(10) });
    expect(r.egress).toMatchObject({ absentMs: 6 * H, unprotectedMs: 18 * H, protectedMs: 0, share: 0, protectedSince: null });
    expect(r.ingress.intervals!.map((i) => i.state)).toEqual(['absent', 'unprotected', 'protected']);
    expect(r.egress.provingSnapshots).toEqual([]);
  });

  it('makes the range before the first snapshot unknown', () => {
    const r = run(hourly(5, 20), 0, 24);
    expect(r.ingress.unknownMs).toBe(5 * H);
    expect(r.ingress.intervals![0]).toEqual({ from: iso(0), to: iso(5), state: 'unknown', snapshotId: null, snapshotIds: [] });
    expect(r.ingress.heldThroughout).toBe(false);
    expect(r.ingress.protectedSince).toBe(iso(5));
    // Without any snapshot, everything is unknown.
    const none = run([], 0, 24);
    expect(none.ingress).toMatchObject({ unknownMs: 24 * H, share: 0, heldThroughout: false, protectedSince: null });
  });

  it('makes the time after the last snapshot unknown once its cap passes, and a lost default-deny ends the run', () => {
    const stale = run(hourly(0, 10), 0, 24);
    expect(stale.ingress.unknownMs).toBe(14 * H - SLACK);
    expect(stale.ingress.protectedSince).toBeNull();
    const lost = run([...hourly(0, 20), row('x', 20, 'open'), ...hourly(21, 4)], 0, 24);
    expect(lost.ingress.protectedSince).toBe(iso(21));
    expect(lost.ingress.unprotectedMs).toBe(H);
  });

  it('measures up to now, not the future, and ignores running snapshots and rows before the carry-in', () => {
    const rows = [row('old', -50, 'open'), ...hourly(-2, 14), { id: 'run', startedAt: t(12), status: 'running' as const, namespace: null }];
    const r = run(rows, 0, 48, 60, t(12));
    expect(r.measuredTo.toISOString()).toBe(iso(12));
    expect(r.ingress).toMatchObject({ protectedMs: 12 * H, heldThroughout: true, share: 1, protectedSince: iso(0) });
    expect(r.ingress.intervals![0].snapshotId).toBe('s0');
    // A range wholly in the future is empty.
    const future = run(rows, 20, 30, 60, t(12));
    expect(future.ingress).toMatchObject({ protectedMs: 0, share: null, heldThroughout: false, intervals: [] });
  });

  it('applies the cluster schedule: a daily schedule vouches for a day and 5 minutes', () => {
    const rows = [row('d0', 0, 'dd'), row('d1', 24, 'dd'), row('d3', 72, 'dd')];
    const r = run(rows, 0, 96, 1440);
    expect(r.ingress.unknownMs).toBe(24 * H - SLACK);
    expect(r.ingress.intervals!.map((i) => i.state)).toEqual(['protected', 'unknown', 'protected']);
  });

  it('lets each snapshot vouch for the schedule in force when it was taken, not the cluster\'s current one', () => {
    // Taken daily while the schedule was daily, then hourly: the daily ones still cover their days.
    const daily = [row('d0', 0, 'dd'), row('d1', 24, 'dd'), row('d2', 48, 'dd')].map((r) => ({ ...r, scheduleMinutes: 1440 }));
    const rows = [...daily, ...hourly(72, 24)];
    const r = run(rows, 0, 96, 60, t(96));
    expect(r.ingress.heldThroughout).toBe(true);
    expect(r.ingress.protectedSince).toBe(iso(0));
    // Without their own schedule, the same rows leave 22 h 55 min unknown after each daily snapshot.
    const r2 = run([...daily.map(({ scheduleMinutes: _s, ...x }) => x), ...hourly(72, 24)], 0, 96, 60, t(96));
    expect(r2.ingress.unknownMs).toBe(3 * (23 * H - SLACK));
    expect(r2.ingress.protectedSince).toBe(iso(72));
  });
});

describe('protectedRunStart', () => {
  const first = { id: 's10', startedAt: t(10) };
  it('walks back to the row after the newest break', () => {
    const older = [...hourly(5, 5)].reverse().concat([row('x', 4, 'open'), row('y', 3, 'dd')]);
    expect(protectedRunStart(first, older, 60, 'ingress', false)?.toISOString()).toBe(iso(5));
    // A failed snapshot and a long gap break it too.
    expect(protectedRunStart(first, [row('f', 9, 'failed')], 60, 'ingress', false)?.toISOString()).toBe(iso(10));
    expect(protectedRunStart(first, [row('g', 7, 'dd')], 60, 'ingress', false)?.toISOString()).toBe(iso(10));
    // Egress is judged on its own.
    expect(protectedRunStart(first, [row('i', 9, 'ingress-only')], 60, 'egress', true)?.toISOString()).toBe(iso(10));
  });
  it('answers the oldest row when the history is complete, null when it must read further', () => {
    const older = [...hourly(0, 10)].reverse();
    expect(protectedRunStart(first, older, 60, 'ingress', true)?.toISOString()).toBe(iso(0));
    expect(protectedRunStart(first, older, 60, 'ingress', false)).toBeNull();
  });
  it('judges the gap after a row by the schedule it was taken under', () => {
    const weekly = { ...row('w', 10 - 7 * 24, 'dd'), scheduleMinutes: 7 * 1440 };
    expect(protectedRunStart(first, [weekly], 60, 'ingress', true)?.toISOString()).toBe(iso(10 - 7 * 24));
    expect(protectedRunStart(first, [{ ...weekly, scheduleMinutes: null }], 60, 'ingress', true)?.toISOString()).toBe(iso(10));
  });
});
