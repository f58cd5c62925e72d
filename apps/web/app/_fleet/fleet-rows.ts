// The fleet table's rows, built on the server from the API's cluster summaries: only what a row
// shows, already in words. The table is a client component, so its props travel in the page's
// flight data as well as its HTML; a ClusterSummary is ~1 KB of JSON, a row ~300 bytes, and on a
// 50-cluster fleet the difference is a measurable share of the page's server time.
import type { ClusterSummary, FindingSeverity, PolicyEngineName, SnapshotStatus } from '@kordon/contracts';
import { withAt } from '../../lib/as-of';
import { formatAge, formatPercent, formatSchedule, formatTimestamp } from '../../lib/format';
import { isEnforced } from '../_components/badges';
import { SEVERITIES } from './severity';

/** Pod coverage in one direction: the words shown, the bar's width (whole percent) and its level. */
export interface RowCoverage {
  text: string;
  width: number;
  level: 'high' | 'mid' | 'low';
}

export interface FleetRow {
  id: string;
  name: string;
  /** The cluster page, at the date of a past view. */
  href: string;
  /** "manifests · daily" */
  meta: string;
  demo: boolean;
  paused: boolean;
  environment: string | null;
  team: string | null;
  engine: PolicyEngineName;
  plugin: string | null;
  /** From the latest posture, else inferred from the engine; null when unknown. */
  enforced: boolean | null;
  ingress: RowCoverage | null;
  egress: RowCoverage | null;
  /** Namespaces with a default-deny baseline per direction, of all namespaces; null before any snapshot. */
  deny: { ingress: number; egress: number; of: number; excluded: number } | null;
  /** Non-zero finding counts, most severe first; null before any snapshot. */
  findings: [FindingSeverity, number][] | null;
  snapshot: {
    status: SnapshotStatus;
    /** ISO time it finished (or started, while running). */
    at: string;
    age: string;
    when: string;
    failureReason: string | null;
    /** Age of the posture shown when it is older than this snapshot (the last one failed). */
    postureAge: string | null;
    postureWhen: string | null;
  } | null;
  /** The stale badge's explanation, or null when not stale. */
  stale: string | null;
}

function coverage(ratio: number | null | undefined): RowCoverage | null {
  if (ratio === null || ratio === undefined) return null;
  const pct = Math.max(0, Math.min(1, ratio)) * 100;
  return { text: formatPercent(ratio), width: Math.round(pct), level: pct >= 80 ? 'high' : pct >= 40 ? 'mid' : 'low' };
}

/** One row per cluster; ages are counted from `now` (the request time, or the as-of time). */
export function fleetRows(clusters: ClusterSummary[], now: Date, at: string | null): FleetRow[] {
  return clusters.map((c) => {
    const p = c.posture;
    const s = c.lastSnapshot;
    const snapAt = s ? (s.finishedAt ?? s.startedAt) : null;
    const behind = p && s && p.snapshotId !== s.id;
    return {
      id: c.id,
      name: c.name,
      href: withAt(`/clusters/${encodeURIComponent(c.id)}`, at),
      meta: `${c.source} · ${formatSchedule(c.scheduleMinutes)}`,
      demo: c.demo,
      paused: !c.enabled,
      environment: c.environment,
      team: c.team,
      engine: c.engine,
      plugin: c.networkPlugin,
      enforced: isEnforced(c),
      ingress: coverage(p?.ingress.pods),
      egress: coverage(p?.egress.pods),
      deny: p ? { ingress: p.ingress.namespacesWithDefaultDeny, egress: p.egress.namespacesWithDefaultDeny, of: p.namespaces, excluded: p.excludedNamespaces } : null,
      findings: p ? SEVERITIES.filter((sev) => (p.findings?.[sev] ?? 0) > 0).map((sev) => [sev, p.findings![sev]!] as [FindingSeverity, number]) : null,
      snapshot:
        s && snapAt
          ? {
              status: s.status,
              at: snapAt,
              age: formatAge(snapAt, now),
              when: formatTimestamp(snapAt),
              failureReason: s.status === 'failed' ? (s.failureReason ?? null) : null,
              postureAge: behind ? formatAge(p.takenAt, now) : null,
              postureWhen: behind ? formatTimestamp(p.takenAt) : null,
            }
          : null,
      stale: c.stale
        ? `No successful snapshot within twice the schedule interval (${formatSchedule(c.scheduleMinutes)}): the posture shown may be out of date`
        : null,
    };
  });
}
