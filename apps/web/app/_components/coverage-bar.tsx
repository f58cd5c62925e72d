// Pod coverage in one direction: a percentage and a thin bar. Dimmed when the cluster does not
// enforce NetworkPolicy, because isolation on paper is not isolation.
import { formatPercent } from '../../lib/format';

export function CoverageBar({ ratio, enforced, label }: { ratio: number | null; enforced: boolean | null; label: string }) {
  if (ratio === null) return <span className="muted">—</span>;
  const pct = Math.max(0, Math.min(1, ratio)) * 100;
  const level = pct >= 80 ? 'high' : pct >= 40 ? 'mid' : 'low';
  const paperOnly = enforced === false;
  return (
    <div
      className={`coverage${paperOnly ? ' coverage-paper' : ''}`}
      title={
        paperOnly
          ? `${formatPercent(ratio)} of pods selected by ${label} policies, but nothing enforces them`
          : `${formatPercent(ratio)} of pods isolated for ${label}`
      }
    >
      <span className="coverage-value">{formatPercent(ratio)}</span>
      <span className="coverage-track" aria-hidden>
        <span className={`coverage-fill coverage-${level}`} style={{ width: `${pct}%` }} />
      </span>
    </div>
  );
}
