// Retention policy: parsing, and which snapshots a policy prunes at a time, case by case.
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../config/env.schema';
import { parseRetention, snapshotsToPrune, type RetentionCandidate } from './retention-policy';

const H = 3_600_000;
const D = 24 * H;
const NOW = new Date('2026-12-06T12:00:00Z');

/** Every `stepH` hours for `days` days back from NOW, oldest first, with a state function. */
function series(days: number, stepH: number, state: (ageMs: number) => string = () => 'a'): RetentionCandidate[] {
  const out: RetentionCandidate[] = [];
  for (let age = days * D; age >= 0; age -= stepH * H) out.push({ id: `s${out.length}`, startedAt: new Date(NOW.getTime() - age), state: state(age) });
  return out;
}

describe('parseRetention', () => {
  it('reads tiers young to old', () => {
    expect(parseRetention('all:30d,daily:365d,weekly:forever')).toEqual([
      { tier: 'all', maxAgeMs: 30 * D },
      { tier: 'daily', maxAgeMs: 365 * D },
      { tier: 'weekly', maxAgeMs: null },
    ]);
    expect(parseRetention('all:48h')).toEqual([{ tier: 'all', maxAgeMs: 48 * H }]);
  });
  it.each([
    ['', /is empty/],
    ['all', /each entry is tier:age/],
    ['yearly:10d', /tier "yearly"/],
    ['daily:30d,all:60d', /coarser/],
    ['all:30d,daily:10d', /older than the one before/],
    ['all:forever,daily:30d', /older than the one before/],
    ['all:0d', /positive/],
  ])('refuses %j', (text, message) => {
    expect(() => parseRetention(text)).toThrow(message);
  });
  it('is validated at start with the variable named', () => {
    expect(() => parseEnv({ KORDON_RETENTION: 'daily:30d,all:60d' })).toThrow(/KORDON_RETENTION: has all after daily/);
    expect(parseEnv({}).KORDON_RETENTION).toBe('all:30d,daily:365d,weekly:forever');
  });
});

describe('snapshotsToPrune', () => {
  const rules = parseRetention('all:30d,daily:365d,weekly:forever');

  it('keeps everything in the all tier, the first of each day, then of each ISO week, and the latest', () => {
    const snaps = series(730, 6);
    const pruned = new Set(snapshotsToPrune(snaps, rules, NOW).map((s) => s.id));
    const kept = snaps.filter((s) => !pruned.has(s.id));
    const age = (s: RetentionCandidate) => NOW.getTime() - s.startedAt.getTime();
    expect(kept.filter((s) => age(s) < 30 * D)).toHaveLength(snaps.filter((s) => age(s) < 30 * D).length);
    const daily = kept.filter((s) => age(s) >= 30 * D && age(s) < 365 * D);
    expect(new Set(daily.map((s) => s.startedAt.toISOString().slice(0, 10))).size).toBe(daily.length);
    expect(daily.length).toBeGreaterThanOrEqual(334);
    expect(daily.length).toBeLessThanOrEqual(336);
    const weekly = kept.filter((s) => age(s) >= 365 * D);
    expect(weekly.length).toBeGreaterThanOrEqual(52);
    expect(weekly.length).toBeLessThanOrEqual(54);
    expect(pruned.has(snaps[snaps.length - 1]!.id)).toBe(false);
  });

  it('always keeps a snapshot whose default-deny state changed, even inside a day already kept', () => {
    // State flips at 100.5 days and back at 100.25 days ago, inside one UTC day of the daily tier.
    const snaps = series(120, 3, (age) => (age <= 100.5 * D && age > 100.25 * D ? 'b' : 'a'));
    const pruned = new Set(snapshotsToPrune(snaps, rules, NOW).map((s) => s.id));
    const flips = snaps.filter((s, i) => i > 0 && s.state !== snaps[i - 1]!.state);
    expect(flips).toHaveLength(2);
    for (const f of flips) expect(pruned.has(f.id)).toBe(false);
    // Every pruned snapshot has the state of the last kept one before it.
    let keptState = snaps[0]!.state;
    for (const s of snaps) {
      if (pruned.has(s.id)) expect(s.state).toBe(keptState);
      else keptState = s.state;
    }
  });

  it('prunes everything past the last tier unless it is forever (but not transitions or the latest)', () => {
    const snaps = series(20, 12);
    const pruned = snapshotsToPrune(snaps, parseRetention('all:5d'), NOW);
    expect(pruned.length).toBe(snaps.filter((s) => NOW.getTime() - s.startedAt.getTime() >= 5 * D).length - 1);
  });
});
