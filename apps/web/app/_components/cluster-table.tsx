'use client';
// The fleet table: one row per cluster, its enforcement, pod coverage (with 90 days of it as a
// sparkline), default-deny baselines, findings by severity and the health of its last snapshot.
import type { ClusterSummary, FindingSeverity } from '@kordon/contracts';
import { withAt } from '../../lib/as-of';
import { formatAge, formatSchedule, formatTimestamp } from '../../lib/format';
import { LazySparkline } from '../_fleet/lazy-sparkline';
import { SeverityCounts } from '../_fleet/severity';
import { DemoBadge, EnforcedMark, EngineBadge, SnapshotStatusBadge, StaleBadge, isEnforced } from './badges';
import { CoverageBar } from './coverage-bar';

// A client component on purpose: the server sends the rows' data (about 1 KB a cluster) instead of
// the serialized element tree of every cell (about 5 KB a cluster), which on a 50-cluster fleet
// was most of the page's server time; the HTML is still rendered on the server.

/** Per cluster id, pod coverage over a range in percent per direction (null: no snapshot yet). */
export type CoverageSparks = Record<string, { ingress: (number | null)[]; egress: (number | null)[] }>;

function Trend({ values, direction, name, days }: { values: (number | null)[] | undefined; direction: string; name: string; days: number }) {
  const known = (values ?? []).filter((v): v is number => v !== null);
  if (known.length < 2) return null;
  const label = `${name}: ${direction} pod coverage over ${days} days, from ${known[0]}% to ${known[known.length - 1]}%`;
  return (
    <div className="cell-spark" title={label}>
      <LazySparkline values={values!} label={label} width={96} height={22} />
    </div>
  );
}

function DefaultDeny({ cluster }: { cluster: ClusterSummary }) {
  const p = cluster.posture;
  if (!p) return <span className="muted">—</span>;
  const excluded = p.excludedNamespaces > 0 ? ` (${p.excludedNamespaces} excluded from coverage)` : '';
  return (
    <div className="deny" title={`Namespaces with a default-deny policy, out of ${p.namespaces}${excluded}`}>
      <span className="deny-row">
        <span className="deny-dir">in</span>
        <span className="num">{p.ingress.namespacesWithDefaultDeny}</span>
        <span className="muted">/ {p.namespaces}</span>
      </span>
      <span className="deny-row">
        <span className="deny-dir">out</span>
        <span className="num">{p.egress.namespacesWithDefaultDeny}</span>
        <span className="muted">/ {p.namespaces}</span>
      </span>
    </div>
  );
}

function LastSnapshot({ cluster, now }: { cluster: ClusterSummary; now: Date }) {
  const s = cluster.lastSnapshot;
  if (!s) {
    return (
      <div className="snap">
        <span className="muted">never run</span>
        {cluster.stale ? <StaleBadge cluster={cluster} /> : null}
      </div>
    );
  }
  const at = s.finishedAt ?? s.startedAt;
  return (
    <div className="snap">
      <SnapshotStatusBadge snapshot={s} />
      <time dateTime={at} title={formatTimestamp(at)} className="snap-age">
        {formatAge(at, now)}
      </time>
      {cluster.stale ? <StaleBadge cluster={cluster} /> : null}
      {cluster.posture && cluster.posture.snapshotId !== s.id ? (
        <div className="snap-posture" title={`Coverage shown is from the last successful snapshot, ${formatTimestamp(cluster.posture.takenAt)}`}>
          posture from {formatAge(cluster.posture.takenAt, now)}
        </div>
      ) : null}
      {s.status === 'failed' && s.failureReason ? (
        <div className="snap-reason" title={s.failureReason}>
          {s.failureReason}
        </div>
      ) : null}
    </div>
  );
}

function findingsHref(c: ClusterSummary, severity: FindingSeverity, at: string | null): string {
  return withAt(`/findings?cluster=${encodeURIComponent(c.id)}&severity=${severity}`, at);
}

export function ClusterTable({
  clusters,
  now,
  sparks,
  sparkDays = 90,
  at = null,
  linkFindings = false,
}: {
  clusters: ClusterSummary[];
  /** The request time, or the as-of time for a past view (ages are counted from it). */
  now: Date;
  sparks?: CoverageSparks | null;
  /** The days the sparklines span. */
  sparkDays?: number;
  /** `?at=` of a past view, kept on every link. */
  at?: string | null;
  /** Whether severity counts link to the findings list (the viewer may read findings). */
  linkFindings?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="clusters">
        <thead>
          <tr>
            <th scope="col">Cluster</th>
            <th scope="col">
              Environment
              <span className="th-sub">Team</span>
            </th>
            <th scope="col">
              Policy
              <span className="th-sub">engine</span>
            </th>
            <th scope="col">Enforced</th>
            <th scope="col" className="col-coverage">
              Ingress
              <span className="th-sub">pod coverage</span>
            </th>
            <th scope="col" className="col-coverage">
              Egress
              <span className="th-sub">pod coverage</span>
            </th>
            <th scope="col" title="Namespaces with a default-deny baseline (ingress / egress) out of all namespaces">
              Default-deny
              <span className="th-sub">namespaces</span>
            </th>
            <th scope="col" title="Open findings of the snapshot shown, by severity">
              Findings
              <span className="th-sub">by severity</span>
            </th>
            <th scope="col" className="col-snapshot">
              Last snapshot
            </th>
          </tr>
        </thead>
        <tbody>
          {clusters.map((c) => {
            const enforced = isEnforced(c);
            return (
              <tr key={c.id} data-cluster-id={c.id} className={enforced === false ? 'row-unenforced' : undefined}>
                <td>
                  <div className="cluster-name">
                    {/* Plain links: fifty rows of next/link would each be a client component and prefetch a cluster page. */}
                    <a href={withAt(`/clusters/${encodeURIComponent(c.id)}`, at)}>{c.name}</a>
                    {c.demo ? <DemoBadge /> : null}
                    {enforced === false ? (
                      <span className="badge badge-bad" title="The network policy engine is none: nothing enforces this cluster's NetworkPolicies">
                        ⊘ policies not enforced
                      </span>
                    ) : null}
                    {!c.enabled ? (
                      <span className="badge badge-neutral" title="Scheduled snapshots are disabled">
                        paused
                      </span>
                    ) : null}
                  </div>
                  <div className="cluster-meta">
                    {c.source} · {formatSchedule(c.scheduleMinutes)}
                  </div>
                </td>
                <td>
                  <div>{c.environment ?? <span className="muted">—</span>}</div>
                  <div className="cell-sub">{c.team ?? '—'}</div>
                </td>
                <td>
                  <EngineBadge engine={c.engine} />
                  <div className="cell-sub mono" title="networkProfile.networkPlugin">
                    {c.networkPlugin ?? '—'}
                  </div>
                </td>
                <td>
                  <EnforcedMark enforced={enforced} />
                </td>
                <td>
                  <CoverageBar ratio={c.posture?.ingress.pods ?? null} enforced={enforced} label="ingress" />
                  <Trend values={sparks?.[c.id]?.ingress} direction="ingress" name={c.name} days={sparkDays} />
                </td>
                <td>
                  <CoverageBar ratio={c.posture?.egress.pods ?? null} enforced={enforced} label="egress" />
                  <Trend values={sparks?.[c.id]?.egress} direction="egress" name={c.name} days={sparkDays} />
                </td>
                <td>
                  <DefaultDeny cluster={c} />
                </td>
                <td>
                  <SeverityCounts counts={c.posture?.findings} hrefFor={(s) => (linkFindings ? findingsHref(c, s, at) : null)} />
                </td>
                <td>
                  <LastSnapshot cluster={c} now={now} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
