// Coverage and default-deny share over 30, 90 or 365 days (`?days=`), from `/clusters/:id/history`.
import type { ClusterHistory } from '@kordon/contracts';
import { TrendChart, type TrendPoint } from '../../../components/charts/trend-chart';
import { RangePicker } from './range-picker';

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

export function HistoryPanel({ history, days }: { history: ClusterHistory; days: number }) {
  const data: TrendPoint[] = history.points.map((p) => ({
    t: p.takenAt,
    ingressPods: pct(p.ingress.podCoverage),
    egressPods: pct(p.egress.podCoverage),
    ddIngress: pct(p.ingress.defaultDenyShare),
    ddEgress: pct(p.egress.defaultDenyShare),
  }));
  const last = history.points[history.points.length - 1];
  return (
    <div className="history-panel" data-testid="history">
      <RangePicker days={days} />
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
    </div>
  );
}
