'use client';
// The fleet table: one row per cluster, its enforcement, pod coverage (with 90 days of it as a
// sparkline), default-deny baselines, findings by severity and the health of its last snapshot.
//
// A client component fed with slim rows (fleet-rows.ts) on purpose: the server sends each row's
// data (~300 bytes) instead of the serialized element tree of every cell (~5 KB), and the markup
// is kept lean (bars and severity icons are drawn by CSS, explanations sit in the column
// headers), because on a 50-cluster fleet the page's server time grows with its bytes.
import type { FindingSeverity } from '@kordon/contracts';
import { withAt } from '../../lib/as-of';
import { DemoBadge, ENGINE_LABELS } from '../_components/badges';
import type { FleetRow, RowCoverage } from './fleet-rows';
import { LazySparkline } from './lazy-sparkline';

/** Per cluster id, pod coverage over a range in percent per direction (null: no snapshot yet). */
export type CoverageSparks = Record<string, { ingress: (number | null)[]; egress: (number | null)[] }>;

function Coverage({ c, paper, direction }: { c: RowCoverage | null; paper: boolean; direction: string }) {
  if (!c) return <span className="muted">—</span>;
  return (
    <div
      className={paper ? 'cov cov-paper' : `cov cov-${c.level}`}
      style={{ ['--w' as string]: `${c.width}%` }}
      title={paper ? `${c.text} of pods selected by ${direction} policies, but nothing enforces them` : undefined}
    >
      {c.text}
    </div>
  );
}

function Trend({ values, direction, name, days }: { values: (number | null)[] | undefined; direction: string; name: string; days: number }) {
  const known = (values ?? []).filter((v): v is number => v !== null);
  if (known.length < 2) return null;
  const label = `${name}: ${direction} pod coverage over ${days} days, from ${known[0]}% to ${known[known.length - 1]}%`;
  return <LazySparkline values={values!} label={label} width={96} height={22} />;
}

function Engine({ row }: { row: FleetRow }) {
  const e = ENGINE_LABELS[row.engine] ?? ENGINE_LABELS.unknown;
  // Engines that enforce are explained in the column header; "none" and "unknown" on the badge.
  return (
    <span className={`badge badge-${e.tone}`} title={e.tone === 'info' ? undefined : e.title}>
      {e.label}
    </span>
  );
}

const STATUS_TONE = { succeeded: 'good', failed: 'bad', running: 'info' } as const;

function LastSnapshot({ row }: { row: FleetRow }) {
  const s = row.snapshot;
  const stale = row.stale ? (
    <span className="badge badge-warn" title={row.stale}>
      stale
    </span>
  ) : null;
  if (!s) {
    return (
      <div className="snap">
        <span className="muted">never run</span>
        {stale}
      </div>
    );
  }
  return (
    <div className="snap">
      <span
        className={`badge badge-${STATUS_TONE[s.status] ?? 'neutral'}`}
        title={s.status === 'failed' ? `Failed: ${s.failureReason ?? 'no reason recorded'}` : s.status === 'running' ? 'Snapshot in progress' : undefined}
      >
        {s.status === 'running' ? <span className="pulse" aria-hidden /> : null}
        {s.status}
      </span>
      <time dateTime={s.at} title={s.when} className="snap-age">
        {s.age}
      </time>
      {stale}
      {s.postureAge ? (
        <div className="snap-posture" title={`Coverage shown is from the last successful snapshot, ${s.postureWhen}`}>
          {`posture from ${s.postureAge}`}
        </div>
      ) : null}
      {s.failureReason ? (
        <div className="snap-reason" title={s.failureReason}>
          {s.failureReason}
        </div>
      ) : null}
    </div>
  );
}

function Findings({ row, at, link }: { row: FleetRow; at: string | null; link: boolean }) {
  if (!row.findings) return <span className="muted">—</span>;
  if (row.findings.length === 0) return <span className="sev-none">no findings</span>;
  const href = (s: FindingSeverity) => withAt(`/findings?cluster=${encodeURIComponent(row.id)}&severity=${s}`, at);
  return (
    <ul className="sev-counts">
      {row.findings.map(([s, n]) => (
        <li key={s} className={`sev sev-${s}`}>
          {link ? <a href={href(s)}>{`${n} ${s}`}</a> : `${n} ${s}`}
        </li>
      ))}
    </ul>
  );
}

export function FleetTable({
  rows,
  sparks,
  sparkDays = 90,
  at = null,
  linkFindings = false,
}: {
  rows: FleetRow[];
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
            <th scope="col" title="The network policy engine (Azure NPM, Calico or Cilium enforce NetworkPolicy; none enforces nothing) and networkProfile.networkPlugin">
              Policy
              <span className="th-sub">engine · plugin</span>
            </th>
            <th scope="col" title="Whether anything enforces this cluster's NetworkPolicies">
              Enforced
            </th>
            <th scope="col" className="col-coverage" title="Share of pods isolated for ingress (selected by a policy with policyType Ingress), excluded namespaces not counted">
              Ingress
              <span className="th-sub">pod coverage</span>
            </th>
            <th scope="col" className="col-coverage" title="Share of pods isolated for egress (selected by a policy with policyType Egress), excluded namespaces not counted">
              Egress
              <span className="th-sub">pod coverage</span>
            </th>
            <th scope="col" title="Namespaces with a default-deny baseline (ingress / egress) out of the namespaces counted; excluded system namespaces are not counted">
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
          {rows.map((r) => (
            <tr key={r.id} data-cluster-id={r.id} className={r.enforced === false ? 'row-unenforced' : undefined}>
              <td>
                <div className="cluster-name">
                  {/* Plain links: fifty rows of next/link would each be a client component and prefetch a cluster page. */}
                  <a href={r.href}>{r.name}</a>
                  {r.demo ? <DemoBadge /> : null}
                  {r.enforced === false ? (
                    <span className="badge badge-bad" title="The network policy engine is none: nothing enforces this cluster's NetworkPolicies">
                      ⊘ policies not enforced
                    </span>
                  ) : null}
                  {r.paused ? (
                    <span className="badge badge-neutral" title="Scheduled snapshots are disabled">
                      paused
                    </span>
                  ) : null}
                </div>
                <div className="cell-sub">{r.meta}</div>
              </td>
              <td>
                {r.environment ?? <span className="muted">—</span>}
                <div className="cell-sub">{r.team ?? '—'}</div>
              </td>
              <td>
                <Engine row={r} />
                <div className="cell-sub mono">{r.plugin ?? '—'}</div>
              </td>
              <td>
                {r.enforced === null ? <span className="muted">—</span> : r.enforced ? <span className="mark mark-yes">Yes</span> : <span className="mark mark-no">No</span>}
              </td>
              <td>
                <Coverage c={r.ingress} paper={r.enforced === false} direction="ingress" />
                <Trend values={sparks?.[r.id]?.ingress} direction="ingress" name={r.name} days={sparkDays} />
              </td>
              <td>
                <Coverage c={r.egress} paper={r.enforced === false} direction="egress" />
                <Trend values={sparks?.[r.id]?.egress} direction="egress" name={r.name} days={sparkDays} />
              </td>
              <td className="deny">
                {r.deny ? (
                  <>
                    <div>
                      in <b>{r.deny.ingress}</b>
                      {` / ${r.deny.of}`}
                    </div>
                    <div>
                      out <b>{r.deny.egress}</b>
                      {` / ${r.deny.of}`}
                    </div>
                  </>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <Findings row={r} at={at} link={linkFindings} />
              </td>
              <td>
                <LastSnapshot row={r} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
