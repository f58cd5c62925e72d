import { describe, expect, it } from 'vitest';
import { linearTrend, summarize } from './projection';

const NOW = new Date('2026-12-06T12:00:00Z');
const day = (offset: number) => new Date(Date.UTC(2026, 11, 6 + offset)).toISOString().slice(0, 10);

describe('rollout projection', () => {
  it('fits a least-squares line', () => {
    expect(linearTrend([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }])).toEqual({ slope: 2, intercept: 1 });
    expect(linearTrend([{ x: 0, y: 1 }])).toBeNull();
  });

  it('carries a steady 1 point a day to the due date and finds the day the target is reached', () => {
    // 40 % 20 days ago, +1 point a day: 60 % today; target 80 % in 30 days.
    const points = Array.from({ length: 21 }, (_, i) => ({ day: day(i - 20), share: 0.4 + 0.01 * i, namespaces: 100, withDefaultDeny: 40 + i }));
    const s = summarize(points, { share: 0.8, dueDate: new Date('2027-01-05T00:00:00Z') }, NOW);
    expect(s.current).toBeCloseTo(0.6, 9);
    expect(s.trendPerDay).toBeCloseTo(0.01, 9);
    expect(s.projectedAtDue).toBeCloseTo(0.6 + 0.01 * 30, 9);
    expect(s.projectedReachDate).toBe(day(20));
    expect(s).toMatchObject({ reached: false, onTrack: true, daysLeft: 30, namespaces: 100, withDefaultDeny: 60 });
  });

  it('is at risk when the trend is flat, and reached when the share is there', () => {
    const flat = Array.from({ length: 10 }, (_, i) => ({ day: day(i - 9), share: 0.5, namespaces: 10, withDefaultDeny: 5 }));
    expect(summarize(flat, { share: 0.8, dueDate: new Date('2027-01-05') }, NOW)).toMatchObject({ projectedAtDue: 0.5, projectedReachDate: null, onTrack: false });
    expect(summarize(flat, { share: 0.5, dueDate: new Date('2027-01-05') }, NOW)).toMatchObject({ reached: true, onTrack: true });
    expect(summarize([], { share: 0.5, dueDate: new Date('2027-01-05') }, NOW)).toMatchObject({ current: null, onTrack: false });
  });
});
