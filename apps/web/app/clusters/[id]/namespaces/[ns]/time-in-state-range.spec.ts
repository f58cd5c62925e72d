// The time-in-state presets: quarters of the reference year, the last full quarter, custom days.
import { describe, expect, it } from 'vitest';
import { formatShare, tisRange } from './time-in-state-range';

const REF = new Date('2026-12-06T04:30:10Z');
const none = { from: null, to: null };

describe('tisRange', () => {
  it('gives the quarters of the reference year and the last full quarter', () => {
    expect(tisRange('q3', none, REF)).toMatchObject({ from: '2026-07-01T00:00:00.000Z', to: '2026-10-01T00:00:00.000Z', label: 'Q3 2026' });
    expect(tisRange('q4', none, REF)).toMatchObject({ from: '2026-10-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' });
    expect(tisRange('last-quarter', none, REF)).toMatchObject({ from: '2026-07-01T00:00:00.000Z', to: '2026-10-01T00:00:00.000Z', label: 'Q3 2026' });
    expect(tisRange('last-quarter', none, new Date('2026-02-01T00:00:00Z'))).toMatchObject({ from: '2025-10-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z', label: 'Q4 2025' });
  });
  it('ends the last 30 days at the next whole minute', () => {
    expect(tisRange('30d', none, REF)).toMatchObject({ from: '2026-11-06T04:31:00.000Z', to: '2026-12-06T04:31:00.000Z' });
  });
  it('takes custom days inclusively and refuses bad ones', () => {
    expect(tisRange('custom', { from: '2026-07-01', to: '2026-09-30' }, REF)).toMatchObject({ from: '2026-07-01T00:00:00.000Z', to: '2026-10-01T00:00:00.000Z' });
    expect(tisRange('custom', { from: '2026-09-30', to: '2026-07-01' }, REF)).toEqual({ problem: 'the first day must not be after the last day' });
    expect(tisRange('custom', { from: '2026-07-01', to: null }, REF)).toHaveProperty('problem');
  });
  it('formats shares with one decimal, never rounding up to 100%', () => {
    expect(formatShare(1)).toBe('100.0%');
    expect(formatShare(0.99999)).toBe('99.9%');
    expect(formatShare(91 / 92)).toBe('98.9%');
    expect(formatShare(0)).toBe('0.0%');
    expect(formatShare(null)).toBe('—');
  });
});
