// Rollout (managers and up): the share of namespaces with a default-deny baseline per direction
// over 30, 90 or 365 days, grouped by environment, team or cluster; then a table of the latest
// share per group with its change over the range. Aggregates only, from one `/fleet/history` call.
import type { FleetGroupBy, FleetSeries } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { TrendChart, type TrendSeries } from '../../components/charts/trend-chart';
import { isKordonApiError } from '../../lib/api-client';
import { formatPercent } from '../../lib/format';
import { AppHeader } from '../_components/app-header';
import { ApiErrorState } from '../_components/state-message';
import { changePts, chartData, countOf, groupRow, loadRollout, shareOf, type Direction, type GroupRow } from './rollout-data';
import { GROUPS, RANGES, parseRolloutParams, rolloutHref, type RolloutParams } from './search-params';
import { TargetsPanel } from './targets';
import { getSession } from '../../lib/session';
import { can } from '../../lib/permissions';
import './rollout.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Rollout' };

const GROUP_NOUN: Record<FleetGroupBy, string> = { environment: 'environment', team: 'team', cluster: 'cluster' };

/** Where a group's numbers lead: the cluster page, or the fleet list filtered to the group. */
function groupHref(groupBy: FleetGroupBy, s: FleetSeries): string | null {
  if (s.key === null) return null;
  if (groupBy === 'cluster') return `/clusters/${encodeURIComponent(s.key)}`;
  return `/?${groupBy}=${encodeURIComponent(s.key)}`;
}

function Share({ row, d, groupBy }: { row: GroupRow; d: Direction; groupBy: FleetGroupBy }) {
  const p = row.latest;
  if (!p) return <span className="muted">no snapshot</span>;
  const share = shareOf(p, d);
  const text = (
    <>
      <span className="num">{share === null ? '—' : formatPercent(share)}</span>{' '}
      <span className="muted">
        ({countOf(p, d)} of {p.namespaces})
      </span>
    </>
  );
  const href = groupHref(groupBy, row.series);
  const title = `${countOf(p, d)} of ${p.namespaces} namespaces (excluded ones not counted) have a default-deny ${d} baseline in ${p.clusters} cluster${p.clusters === 1 ? '' : 's'}`;
  return href ? (
    <Link href={href} title={title} data-testid={`share-${d}`}>
      {text}
    </Link>
  ) : (
    <span title={title} data-testid={`share-${d}`}>
      {text}
    </span>
  );
}

function Change({ row, d, days }: { row: GroupRow; d: Direction; days: number }) {
  const c = row.first && row.latest ? changePts(shareOf(row.first, d), shareOf(row.latest, d)) : null;
  if (!c) return <span className="muted">—</span>;
  const since = row.first!.bucket.slice(0, 10);
  const tone = c.startsWith('+') ? 'up' : c.startsWith('−') ? 'down' : 'flat';
  return (
    <span className={`change change-${tone}`} title={`From ${formatPercent(shareOf(row.first!, d) ?? 0)} on ${since}`}>
      <span aria-hidden>{tone === 'up' ? '▲' : tone === 'down' ? '▼' : '■'}</span> {c} in {days} days
    </span>
  );
}

function Controls({ p }: { p: RolloutParams }) {
  return (
    <div className="toolbar rollout-controls">
      <nav aria-label="Group by" className="seg">
        <span className="seg-label">Group by</span>
        {GROUPS.map((g) => (
          <Link key={g.value} href={rolloutHref(p, { groupBy: g.value })} className="button" aria-current={g.value === p.groupBy ? 'true' : undefined}>
            {g.label}
          </Link>
        ))}
      </nav>
      <nav aria-label="Range" className="seg">
        <span className="seg-label">Range</span>
        {RANGES.map((d) => (
          <Link key={d} href={rolloutHref(p, { days: d })} className="button" aria-current={d === p.days ? 'true' : undefined}>
            {d} days
          </Link>
        ))}
      </nav>
    </div>
  );
}

export default async function RolloutPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const now = new Date();
  const p = parseRolloutParams(await searchParams);
  let history;
  try {
    history = await loadRollout(p, now);
  } catch (err) {
    if (!isKordonApiError(err)) throw err;
    return (
      <>
        <AppHeader now={now} />
        <main id="main" className="page">
          <h1>Default-deny rollout</h1>
          <ApiErrorState error={err.body} what="the rollout history" />
        </main>
      </>
    );
  }
  const series = history.series;
  const rows = series.map(groupRow);
  const chartSeries: TrendSeries[] = series.map((s, i) => ({ key: `s${i}`, label: s.name }));
  const noun = GROUP_NOUN[p.groupBy];
  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page">
        <div className="page-title">
          <h1>Default-deny rollout</h1>
          <p className="page-sub">
            Share of namespaces with a default-deny baseline (a policy selecting every pod that allows nothing in that direction), per {noun}, one
            point a day from {history.from.slice(0, 10)} to {history.to.slice(0, 10)}. Each day counts every cluster with its last snapshot up to
            that day; excluded namespaces are not counted.
          </p>
        </div>
        <Controls p={p} />
        <TargetsPanel canSet={can((await getSession())?.role, 'operate')} />
        {series.length === 0 ? (
          <section className="state state-empty" role="status">
            <h2>No clusters yet.</h2>
            <p>Once clusters are registered and snapshotted, their default-deny rollout appears here.</p>
          </section>
        ) : (
          <>
            <div className="grid-2">
              {(['ingress', 'egress'] as const).map((d) => (
                <section key={d} className="panel" aria-labelledby={`chart-${d}`}>
                  <h2 id={`chart-${d}`}>Default-deny {d}, by {noun}</h2>
                  <TrendChart data={chartData(series, d)} series={chartSeries} title={`Share of namespaces with default-deny ${d} by ${noun}`} />
                </section>
              ))}
            </div>
            <section className="panel" aria-labelledby="rollout-table">
              <h2 id="rollout-table">Latest share per {noun}</h2>
              <div className="table-wrap">
                <table className="rollout-table" data-testid="rollout-table">
                  <thead>
                    <tr>
                      <th scope="col">{noun[0]!.toUpperCase() + noun.slice(1)}</th>
                      <th scope="col">Clusters</th>
                      <th scope="col">Namespaces</th>
                      <th scope="col">Default-deny ingress</th>
                      <th scope="col">Change</th>
                      <th scope="col">Default-deny egress</th>
                      <th scope="col">Change</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => {
                      const href = groupHref(p.groupBy, r.series);
                      return (
                        <tr key={r.series.key ?? '(none)'} data-group={r.series.key ?? ''}>
                          <th scope="row">{href ? <Link href={href}>{r.series.name}</Link> : r.series.name}</th>
                          <td className="num">{r.latest?.clusters ?? 0}</td>
                          <td className="num">{r.latest?.namespaces ?? 0}</td>
                          <td>
                            <Share row={r} d="ingress" groupBy={p.groupBy} />
                          </td>
                          <td>
                            <Change row={r} d="ingress" days={p.days} />
                          </td>
                          <td>
                            <Share row={r} d="egress" groupBy={p.groupBy} />
                          </td>
                          <td>
                            <Change row={r} d="egress" days={p.days} />
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <p className="muted rollout-note">
                The change compares the latest share with the first day in the range on which the {noun} had a snapshot.{' '}
                {p.groupBy === 'cluster' ? 'Each number opens the cluster.' : `Each number opens the fleet list filtered to that ${noun}.`}
              </p>
            </section>
          </>
        )}
      </main>
    </>
  );
}
