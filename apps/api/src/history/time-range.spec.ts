import { describe, expect, it } from 'vitest';
import { bucketStart, bucketStarts, MAX_POINTS, resolveRange } from './time-range';

const t = (iso: string) => new Date(iso).getTime();

describe('history buckets', () => {
  it('truncates in UTC like date_trunc (weeks start on Monday)', () => {
    expect(new Date(bucketStart(t('2026-11-21T12:34:56Z'), 'hour')).toISOString()).toBe('2026-11-21T12:00:00.000Z');
    expect(new Date(bucketStart(t('2026-11-21T23:59:59Z'), 'day')).toISOString()).toBe('2026-11-21T00:00:00.000Z');
    // 2026-11-21 is a Saturday; 2026-11-16 the Monday before; a Monday stays.
    expect(new Date(bucketStart(t('2026-11-21T12:00:00Z'), 'week')).toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(new Date(bucketStart(t('2026-11-16T00:00:00Z'), 'week')).toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(new Date(bucketStart(t('2026-11-22T23:00:00Z'), 'week')).toISOString()).toBe('2026-11-16T00:00:00.000Z');
  });

  it('lists every bucket the range touches', () => {
    expect(bucketStarts(new Date('2026-11-01T10:30:00Z'), new Date('2026-11-01T12:00:00Z'), 'hour').map((b) => new Date(b).toISOString()))
      .toEqual(['2026-11-01T10:00:00.000Z', '2026-11-01T11:00:00.000Z', '2026-11-01T12:00:00.000Z']);
    expect(bucketStarts(new Date('2026-11-01T00:00:00Z'), new Date('2026-11-01T00:00:00Z'), 'day')).toHaveLength(1);
  });

  it('defaults to the last 30 days by day, and refuses reversed or oversized ranges', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    expect(resolveRange({}, now)).toEqual({ from: new Date('2026-10-22T12:00:00Z'), to: now, bucket: 'day' });
    expect(resolveRange({ to: '2026-01-31' }, now).from.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(() => resolveRange({ from: '2026-02-01', to: '2026-01-01' }, now)).toThrow(/after/);
    expect(() => resolveRange({ from: '2026-01-01', to: '2026-12-31', bucket: 'hour' }, now)).toThrow(new RegExp(`at most ${MAX_POINTS}`));
    expect(resolveRange({ from: '2016-01-01', to: '2026-12-31', bucket: 'week' }, now).bucket).toBe('week');
  });
});
