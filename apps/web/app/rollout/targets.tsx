// Rollout targets on the rollout page: per target, a burn-up of the share of namespaces with
// default-deny in its scope and direction against the target by its due date, with the 28-day
// trend projected to that date, and whether it is on track. Server-rendered from the API.
import type { RolloutTargetView, TargetProgress } from '@kordon/contracts';
import { TrendChart, type TrendPoint } from '../../components/charts/trend-chart';
import { apiClient, isKordonApiError } from '../../lib/api-client';
import { formatPercent } from '../../lib/format';
import { Badge } from '../_components/badges';
import { RemoveTarget, TargetForm, type ScopeOptions } from './target-form';
import '../admin/admin.css';

const DAY = 86_400_000;
const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);

/** Actual daily shares, then weekly points to the due date carrying the target and the projection. */
export function burnUp(t: RolloutTargetView, p: TargetProgress): TrendPoint[] {
  const target = pct(t.share);
  const data: TrendPoint[] = p.points.map((x) => ({ t: x.day, actual: pct(x.share), target, projection: null }));
  const [start, end] = p.projection;
  if (!start || !end) return data;
  const last = data[data.length - 1];
  if (last && last.t === start.day) last.projection = pct(start.share);
  const from = Date.parse(start.day);
  const to = Date.parse(end.day);
  for (let d = from + 7 * DAY; d < to; d += 7 * DAY) {
    const f = (d - from) / (to - from);
    data.push({ t: new Date(d).toISOString().slice(0, 10), actual: null, target, projection: pct(start.share + f * (end.share - start.share)) });
  }
  if (to > from) data.push({ t: end.day, actual: null, target, projection: pct(end.share) });
  return data;
}

export async function TargetsPanel({ canSet }: { canSet: boolean }) {
  let targets: RolloutTargetView[];
  try {
    targets = (await apiClient.get<{ items: RolloutTargetView[] }>('/rollout/targets')).items;
  } catch (err) {
    if (isKordonApiError(err)) return <p className="muted">The targets could not be read: {err.body.message}</p>;
    throw err;
  }
  const progress = await Promise.all(targets.map((t) => apiClient.get<TargetProgress>(`/rollout/targets/${t.id}/progress`).catch(() => null)));
  let scopes: ScopeOptions | null = null;
  if (canSet) {
    const clusters = await apiClient.listAllClusters().catch(() => []);
    const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort();
    scopes = { environments: uniq(clusters.map((c) => c.environment)), teams: uniq(clusters.map((c) => c.team)), clusters: clusters.map((c) => ({ id: c.id, name: c.name })).sort((a, b) => a.name.localeCompare(b.name)) };
  }
  return (
    <section className="panel" aria-labelledby="targets-h" data-testid="targets">
      <h2 id="targets-h">Targets</h2>
      {targets.length === 0 ? (
        <p className="muted">
          No rollout target yet.{' '}
          {canSet ? 'Set one below: a scope, a direction, a share and a due date.' : 'The security team sets them.'}
        </p>
      ) : (
        <div className="grid-2">
          {targets.map((t, i) => {
            const p = progress[i];
            const s = t.progress;
            return (
              <article key={t.id} className="target-card" data-target-id={t.id}>
                <h3>
                  {t.scopeName}: {formatPercent(t.share)} default-deny {t.direction} by {t.dueDate.slice(0, 10)}{' '}
                  <Badge tone={s.reached ? 'good' : s.onTrack ? 'info' : 'bad'}>{s.reached ? 'reached' : s.onTrack ? 'on track' : 'at risk'}</Badge>
                </h3>
                <p data-testid="target-current">
                  Now <strong className="num">{s.current === null ? '—' : formatPercent(s.current)}</strong> ({s.withDefaultDeny} of {s.namespaces} namespaces);
                  trend {s.trendPerDay === null ? 'n/a' : `${(s.trendPerDay * 100).toFixed(2)} points a day`}; projected at the due date{' '}
                  <strong>{s.projectedAtDue === null ? '—' : formatPercent(s.projectedAtDue)}</strong>
                  {s.projectedReachDate ? `, reached about ${s.projectedReachDate}` : ''}. {s.daysLeft} days left.
                  {t.note ? <span className="muted"> {t.note}</span> : null}
                </p>
                <p className="muted target-meta">
                  Set by {t.createdBy} on {t.createdAt.slice(0, 10)}. {canSet ? <RemoveTarget target={t} /> : null}
                </p>
                {p ? (
                  <TrendChart
                    data={burnUp(t, p)}
                    series={[
                      { key: 'actual', label: 'Actual', color: '#1d4f7a' },
                      { key: 'target', label: 'Target', color: '#b42318', dash: '6 3' },
                      { key: 'projection', label: 'Projection', color: '#6b7280', dash: '2 3', curve: 'smooth' },
                    ]}
                    title={`Burn-up of ${t.scopeName} default-deny ${t.direction} toward ${formatPercent(t.share)} by ${t.dueDate.slice(0, 10)}`}
                  />
                ) : null}
              </article>
            );
          })}
        </div>
      )}
      {scopes ? <TargetForm scopes={scopes} today={new Date().toISOString().slice(0, 10)} /> : null}
    </section>
  );
}
