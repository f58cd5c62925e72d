// The fleet table: one row per cluster, its enforcement, pod coverage, default-deny baselines and
// the health of its last snapshot.
import type { ClusterSummary } from '@kordon/contracts';
import Link from 'next/link';
import { formatAge, formatSchedule, formatTimestamp } from '../../lib/format';
import { DemoBadge, EnforcedMark, EngineBadge, SnapshotStatusBadge, StaleBadge, isEnforced } from './badges';
import { CoverageBar } from './coverage-bar';

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

export function ClusterTable({ clusters, now }: { clusters: ClusterSummary[]; now: Date }) {
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
            <th scope="col">Plugin</th>
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
                    <Link href={`/clusters/${encodeURIComponent(c.id)}`}>{c.name}</Link>
                    {c.demo ? <DemoBadge /> : null}
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
                </td>
                <td className="mono">{c.networkPlugin ?? <span className="muted">—</span>}</td>
                <td>
                  <EnforcedMark enforced={enforced} />
                </td>
                <td>
                  <CoverageBar ratio={c.posture?.ingress.pods ?? null} enforced={enforced} label="ingress" />
                </td>
                <td>
                  <CoverageBar ratio={c.posture?.egress.pods ?? null} enforced={enforced} label="egress" />
                </td>
                <td>
                  <DefaultDeny cluster={c} />
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
