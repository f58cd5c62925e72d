// The retention policy (KORDON_RETENTION) and which snapshots it prunes. Pure: no database.
//
// A policy is tiers, youngest first: `all:30d,daily:365d,weekly:forever` keeps every snapshot for
// 30 days, then the first of each UTC day for a year, then the first of each ISO week. After the
// last tier (unless it is `forever`) snapshots are pruned. Whatever the tier, these are kept:
// - a cluster's latest succeeded snapshot;
// - every snapshot whose per-namespace default-deny state differs from the snapshot before it
//   (a transition), so history and time in state stay exact: a pruned snapshot always had the
//   state of the kept one before it;
// - failed snapshots (a row and a reason each; they are what makes time "unknown").

export type RetentionTier = 'all' | 'hourly' | 'daily' | 'weekly' | 'monthly';

export interface RetentionRule {
  tier: RetentionTier;
  /** Applies to snapshots younger than this; null: forever. */
  maxAgeMs: number | null;
}

export const DEFAULT_RETENTION = 'all:30d,daily:365d,weekly:forever';
const TIERS: RetentionTier[] = ['all', 'hourly', 'daily', 'weekly', 'monthly'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export class RetentionPolicyError extends Error {}

/** Parses `tier:age,…` (age `<n>h`, `<n>d` or `forever`); throws with a message naming the problem. */
export function parseRetention(text: string): RetentionRule[] {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (!parts.length) throw new RetentionPolicyError('is empty; e.g. all:30d,daily:365d,weekly:forever');
  const rules: RetentionRule[] = [];
  for (const part of parts) {
    const m = /^([a-z]+):(?:(\d+)([hd])|(forever))$/.exec(part);
    if (!m) throw new RetentionPolicyError(`has ${JSON.stringify(part)}: each entry is tier:age, age as <n>h, <n>d or forever (e.g. daily:365d)`);
    const tier = m[1] as RetentionTier;
    if (!TIERS.includes(tier)) throw new RetentionPolicyError(`has tier ${JSON.stringify(tier)}: one of ${TIERS.join(', ')}`);
    const maxAgeMs = m[4] ? null : Number(m[2]) * (m[3] === 'h' ? HOUR : DAY);
    if (maxAgeMs !== null && maxAgeMs <= 0) throw new RetentionPolicyError(`has ${part}: the age must be positive`);
    const prev = rules[rules.length - 1];
    if (prev && (prev.maxAgeMs === null || (maxAgeMs !== null && maxAgeMs <= prev.maxAgeMs))) {
      throw new RetentionPolicyError(`has ${part} after ${prev.tier}:${prev.maxAgeMs === null ? 'forever' : `${prev.maxAgeMs / DAY}d`}: tiers go from young to old, each older than the one before`);
    }
    if (prev && TIERS.indexOf(tier) <= TIERS.indexOf(prev.tier)) throw new RetentionPolicyError(`has ${tier} after ${prev.tier}: each tier must be coarser than the one before`);
    rules.push({ tier, maxAgeMs });
  }
  return rules;
}

/** ISO 8601 week key (`2026-W49`) of a UTC time. */
function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return `${t.getUTCFullYear()}-W${Math.ceil(((t.getTime() - yearStart) / DAY + 1) / 7)}`;
}

function bucket(tier: RetentionTier, d: Date): string {
  const iso = d.toISOString();
  switch (tier) {
    case 'hourly':
      return iso.slice(0, 13);
    case 'daily':
      return iso.slice(0, 10);
    case 'weekly':
      return isoWeek(d);
    case 'monthly':
      return iso.slice(0, 7);
    case 'all':
      return iso;
  }
}

export interface RetentionCandidate {
  id: string;
  startedAt: Date;
  /** The per-namespace default-deny state, as a comparable text. */
  state: string;
}

/** The succeeded snapshots (oldest first) the policy prunes at `now`. */
export function snapshotsToPrune(snapshots: RetentionCandidate[], rules: RetentionRule[], now: Date): RetentionCandidate[] {
  const prune: RetentionCandidate[] = [];
  const seen = new Set<string>();
  let prevState: string | null = null;
  snapshots.forEach((s, i) => {
    const transition = i === 0 || s.state !== prevState;
    prevState = s.state;
    const latest = i === snapshots.length - 1;
    const age = now.getTime() - s.startedAt.getTime();
    const rule = rules.find((r) => r.maxAgeMs === null || age < r.maxAgeMs);
    if (latest || transition) {
      if (rule) seen.add(`${rule.tier}:${bucket(rule.tier, s.startedAt)}`);
      return;
    }
    if (!rule) return void prune.push(s);
    if (rule.tier === 'all') return;
    const key = `${rule.tier}:${bucket(rule.tier, s.startedAt)}`;
    if (seen.has(key)) prune.push(s);
    else seen.add(key);
  });
  return prune;
}
