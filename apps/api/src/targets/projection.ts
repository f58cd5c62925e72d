// The projection of a rollout target from its daily shares: a least-squares line over the last
// 28 days, carried to the due date. Pure.
import type { TargetProgressPoint, TargetProgressSummary } from '@kordon/contracts';

const DAY = 86_400_000;
export const TREND_DAYS = 28;

/** Least-squares slope (share per day) and intercept of (day index, share) over the known points. */
export function linearTrend(points: { x: number; y: number }[]): { slope: number; intercept: number } | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  if (den === 0) return null;
  const slope = num / den;
  return { slope, intercept: my - slope * mx };
}

const clamp = (v: number) => Math.min(1, Math.max(0, v));

export function summarize(points: TargetProgressPoint[], target: { share: number; dueDate: Date }, now: Date): TargetProgressSummary {
  const last = [...points].reverse().find((p) => p.share !== null) ?? null;
  const current = last?.share ?? null;
  const nowDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const daysLeft = Math.max(0, Math.ceil((target.dueDate.getTime() - now.getTime()) / DAY));
  const recent = points
    .filter((p) => p.share !== null && Date.parse(p.day) > nowDay - TREND_DAYS * DAY)
    .map((p) => ({ x: (Date.parse(p.day) - nowDay) / DAY, y: p.share as number }));
  const trend = linearTrend(recent);
  const reached = current !== null && current >= target.share;
  let projectedAtDue: number | null = null;
  let projectedReachDate: string | null = null;
  if (current !== null) {
    const slope = trend?.slope ?? 0;
    const dueX = (target.dueDate.getTime() - nowDay) / DAY;
    // Carried from the current share (the fitted line's level can differ from today's value).
    projectedAtDue = clamp(current + slope * Math.max(0, dueX));
    if (!reached && slope > 1e-9) projectedReachDate = new Date(nowDay + Math.ceil((target.share - current) / slope - 1e-9) * DAY).toISOString().slice(0, 10);
  }
  return {
    current,
    namespaces: last?.namespaces ?? 0,
    withDefaultDeny: last?.withDefaultDeny ?? 0,
    trendPerDay: trend ? trend.slope : null,
    projectedAtDue,
    projectedReachDate,
    reached,
    onTrack: reached || (projectedAtDue !== null && projectedAtDue >= target.share - 1e-9),
    daysLeft,
  };
}
