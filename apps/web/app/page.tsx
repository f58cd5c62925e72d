// Fleet overview: every cluster's enforcement, coverage (now and over 90 days), findings and
// snapshot health on one page, filtered by environment, team and engine, now or as of a date
// (`?at=`). Rendered per request from two API calls made together (see _fleet/fleet-data.ts).
import type { Metadata } from 'next';
import { TrendChart } from '../components/charts/trend-chart';
import { AsOfPicker } from '../components/as-of';
import { parseAt } from '../lib/as-of';
import { can } from '../lib/permissions';
import { getSession } from '../lib/session';
import { AppHeader } from './_components/app-header';
import { FleetChangesPanel } from './_components/changes-panel';
import { ApiErrorState } from './_components/state-message';
import { SummaryStrip } from './_components/summary-strip';
import { applyFilters, coverageSparks, fleetTrend, latestCoverage, loadFleet, SPARK_DAYS } from './_fleet/fleet-data';
import { FleetFilters } from './_fleet/fleet-filters';
import { fleetRows } from './_fleet/fleet-rows';
import { FleetTable } from './_fleet/fleet-table';
import { AttentionNotice, FleetAsOfBanner, FleetEmpty, NotEnforcedBanner } from './_fleet/fleet-notices';
import { fleetHref, parseFleetParams } from './_fleet/search-params';
import './_fleet/fleet.css';

export const dynamic = 'force-dynamic';
export const revalidate = 0;
export const metadata: Metadata = { title: 'Fleet' };

const TREND_SERIES = [
  { key: 'ingressPods', label: 'Ingress pod coverage', color: '#1d4f7a' },
  { key: 'egressPods', label: 'Egress pod coverage', color: '#1f7a4d', dash: '6 3' },
  { key: 'denyIngress', label: 'Default-deny ingress (namespaces)', color: '#9a5b00', dash: '2 3' },
  { key: 'denyEgress', label: 'Default-deny egress (namespaces)', color: '#5b3fa0', dash: '10 4 2 4' },
];

export default async function FleetPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const now = new Date();
  const params = parseFleetParams(await searchParams);
  const asOf = parseAt(params.at);
  const [session, data] = await Promise.all([getSession(), loadFleet({ ...params, atIso: asOf?.at ?? null }, now)]);
  const at = asOf ? params.at : null;
  const canReadFindings = can(session?.role, 'read:detail');
  const nowHref = fleetHref(params, { at: null });

  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page">
        <div className="page-title fleet-title">
          <div>
            <h1>Fleet overview</h1>
            <p className="page-sub">
              Pod coverage is the share of pods isolated in that direction (selected by a policy with that policy type), excluded namespaces not
              counted. Default-deny counts namespaces whose baseline policy selects every pod and allows nothing in that direction.
            </p>
          </div>
          <AsOfPicker />
        </div>
        {asOf && !('error' in data) ? <FleetAsOfBanner label={asOf.label} clusters={data.all} nowHref={nowHref} /> : null}
        {'error' in data ? (
          <ApiErrorState error={data.error} what="the cluster fleet" />
        ) : data.all.length === 0 ? (
          <FleetEmpty isAdmin={can(session?.role, 'admin')} label={asOf?.label ?? null} />
        ) : (
          (() => {
            const shown = applyFilters(data.all, params);
            const trend = data.history ? fleetTrend(shown, data.history) : [];
            return (
              <>
                <NotEnforcedBanner clusters={data.all} at={at} />
                <AttentionNotice clusters={data.all} at={at} />
                <FleetFilters all={data.all} params={params} shown={shown.length} />
                {shown.length === 0 ? (
                  <section className="state state-empty" role="status">
                    <h2>No cluster matches these filters.</h2>
                    <p>
                      <a href={fleetHref(params, { environment: null, team: null, engine: null })}>Clear the filters</a> to see all {data.all.length}{' '}
                      clusters.
                    </p>
                  </section>
                ) : (
                  <>
                    <SummaryStrip clusters={shown} coverage={data.history ? latestCoverage(shown, data.history) : null} />
                    <section className="panel fleet-trend" aria-labelledby="fleet-trend-title">
                      <h2 id="fleet-trend-title">
                        {shown.length === data.all.length ? 'The fleet' : `These ${shown.length} clusters`} over the last {SPARK_DAYS} days
                        {asOf ? ` up to ${asOf.label}` : ''}
                      </h2>
                      <p className="muted">
                        Pod coverage is weighted by pods (isolated pods ÷ pods, all clusters together); default-deny is the share of namespaces with a
                        baseline. One point a week: each counts every cluster with its last snapshot up to the end of that week (or the date shown). The <a href="/rollout">Rollout</a> page splits
                        default-deny by cluster, environment and team.
                      </p>
                      {data.historyError ? (
                        <p className="notice notice-warn">History could not be read: {data.historyError.message}</p>
                      ) : (
                        <TrendChart data={trend} series={TREND_SERIES} title="Fleet pod coverage and default-deny share" height={240} />
                      )}
                    </section>
                    <FleetTable
                      rows={fleetRows(shown, asOf ? new Date(asOf.at) : now, at)}
                      at={at}
                      sparks={data.history ? coverageSparks(data.history) : null}
                      sparkDays={SPARK_DAYS}
                      linkFindings={canReadFindings}
                    />
                    {!canReadFindings ? (
                      <p className="muted fleet-foot">Finding counts are shown; the findings themselves need the auditor role.</p>
                    ) : null}
                    {asOf ? null : <FleetChangesPanel now={now} links={canReadFindings} />}
                  </>
                )}
              </>
            );
          })()
        )}
      </main>
    </>
  );
}
