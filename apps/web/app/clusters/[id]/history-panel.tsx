'use client';
// Coverage and default-deny share over 30, 90 or 365 days (`?days=`, in the URL), read from
// `/clusters/:id/history` after first content: the chart is drawn in the browser anyway, and
// changing the range needs no server round trip.
import type { ClusterHistory } from '@kordon/contracts';
import { useQuery } from '@tanstack/react-query';
import { parseAsInteger, useQueryState } from 'nuqs';
import { TrendChart, type TrendPoint } from '../../../components/charts/trend-chart';
import { browserApi } from '../../../lib/browser-api';
import { HISTORY_RANGES } from './search-params';

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

function range(days: number, at: string | null) {
  // Whole minutes, so repeated views share the API's cached answer.
  const to = at ? new Date(at) : new Date(Math.ceil(Date.now() / 60_000) * 60_000);
  const from = new Date(to.getTime() - days * 86_400_000);
  return new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), bucket: days > 120 ? 'week' : 'day' }).toString();
}

export function HistoryPanel({ clusterId, at }: { clusterId: string; at: string | null }) {
  const [raw, setDays] = useQueryState('days', parseAsInteger.withOptions({ history: 'replace', scroll: false }));
  const days = (HISTORY_RANGES as readonly number[]).includes(raw ?? 0) ? raw! : 90;
  const q = useQuery({
    queryKey: ['cluster-history', clusterId, at, days],
    queryFn: () => browserApi<ClusterHistory>(`/clusters/${clusterId}/history?${range(days, at)}`),
    staleTime: 60_000,
    placeholderData: (prev) => prev,
  });
  const history = q.data;
  const data: TrendPoint[] = (history?.points ?? []).map((p) => ({
    t: p.takenAt,
    ingressPods: pct(p.ingress.podCoverage),
    egressPods: pct(p.egress.podCoverage),
    ddIngress: pct(p.ingress.defaultDenyShare),
    ddEgress: pct(p.egress.defaultDenyShare),
  }));
  const last = history?.points[history.points.length - 1];
  return (
    <div className="history-panel" data-testid="history">
      <div className="range-picker" role="group" aria-label="History range">
        {HISTORY_RANGES.map((d) => (
          <button key={d} type="button" className={`button ${d === days ? 'button-primary' : ''}`} aria-pressed={d === days} onClick={() => void setDays(d === 90 ? null : d)}>
            {d} days
          </button>
        ))}
        {q.isFetching ? (
          <span className="muted" role="status">
            loading…
          </span>
        ) : null}
      </div>
      {q.isError ? (
        <p className="notice notice-bad" role="alert">
          Could not load the history: {q.error.message}
        </p>
      ) : !history ? (
        <p className="muted" role="status">
          Loading the history…
        </p>
      ) : (
        <>
          <TrendChart
            title={`Coverage and default-deny, last ${days} days`}
            data={data}
            series={[
              { key: 'ingressPods', label: 'Pods isolated, ingress' },
              { key: 'egressPods', label: 'Pods isolated, egress' },
              { key: 'ddIngress', label: 'Namespaces with default-deny ingress' },
              { key: 'ddEgress', label: 'Namespaces with default-deny egress' },
            ]}
          />
          {last ? (
            <p className="muted">
              Last point {last.takenAt.slice(0, 10)}: default-deny ingress in {last.ingress.namespacesWithDefaultDeny} of {last.namespaces} namespaces, egress in{' '}
              {last.egress.namespacesWithDefaultDeny}; one point per {history.bucket} (the last snapshot taken in it).
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
