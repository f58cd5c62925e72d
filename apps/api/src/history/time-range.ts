// History ranges: `from`/`to` (default: the last 30 days), a bucket size, and the number of
// buckets they span, capped so one answer stays small whatever the range.
import type { HistoryBucket } from '@kordon/contracts';
import { parseInstant } from '../posture/query-input';
import { HistoryErrorCode, HistoryException } from './history.exception';

export const HISTORY_BUCKETS: HistoryBucket[] = ['hour', 'day', 'week'];
export const MAX_POINTS = 2000;
export const DEFAULT_RANGE_DAYS = 30;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEP: Record<HistoryBucket, number> = { hour: HOUR, day: DAY, week: 7 * DAY };

/** Start of the bucket holding `t`, in UTC (weeks start on Monday, as PostgreSQL's date_trunc). */
export function bucketStart(t: number, bucket: HistoryBucket): number {
  if (bucket === 'hour') return Math.floor(t / HOUR) * HOUR;
  const day = Math.floor(t / DAY) * DAY;
  if (bucket === 'day') return day;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return day - weekday * DAY;
}

/** Every bucket start from the one holding `from` to the one holding `to`. */
export function bucketStarts(from: Date, to: Date, bucket: HistoryBucket): number[] {
  const out: number[] = [];
  for (let b = bucketStart(from.getTime(), bucket); b <= to.getTime(); b += STEP[bucket]) out.push(b);
  return out;
}

export interface TimeRange {
  from: Date;
  to: Date;
  bucket: HistoryBucket;
}

export function resolveRange(q: { from?: string; to?: string; bucket?: HistoryBucket }, now = new Date()): TimeRange {
  const bucket = q.bucket ?? 'day';
  const to = parseInstant(q.to, 'to') ?? now;
  const from = parseInstant(q.from, 'from') ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY);
  if (from.getTime() > to.getTime()) {
    throw new HistoryException(HistoryErrorCode.InvalidRange, `from (${from.toISOString()}) is after to (${to.toISOString()})`);
  }
  const points = Math.floor((to.getTime() - bucketStart(from.getTime(), bucket)) / STEP[bucket]) + 1;
  if (points > MAX_POINTS) {
    throw new HistoryException(
      HistoryErrorCode.TooManyPoints,
      `the range spans ${points} ${bucket} buckets; at most ${MAX_POINTS} per request: narrow the range or use a larger bucket`,
    );
  }
  return { from, to, bucket };
}
