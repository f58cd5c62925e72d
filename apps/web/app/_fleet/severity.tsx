// Finding severity by word and icon as well as colour, and the per-cluster counts that link to
// the findings list behind them. Shared by the fleet and findings pages.
import type { FindingSeverity } from '@kordon/contracts';

export const SEVERITIES: FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

const ICON: Record<FindingSeverity, string> = { critical: '⊗', high: '▲', medium: '◆', low: '●', info: 'ℹ' };

export function SeverityLabel({ severity }: { severity: FindingSeverity }) {
  return (
    <span className={`sev sev-${severity}`}>
      <span className="sev-icon" aria-hidden>
        {ICON[severity]}
      </span>
      {severity}
    </span>
  );
}

/**
 * Non-zero severities of one cluster's findings, most severe first; each count links to those
 * findings (when the role may read them) at the same date.
 */
export function SeverityCounts({
  counts,
  hrefFor,
}: {
  counts: Partial<Record<FindingSeverity, number>> | undefined;
  /** Link for one severity, or null when the viewer may not open the findings list. */
  hrefFor: (severity: FindingSeverity) => string | null;
}) {
  if (!counts) return <span className="muted">—</span>;
  const present = SEVERITIES.filter((s) => (counts[s] ?? 0) > 0);
  if (present.length === 0) return <span className="sev-none">no findings</span>;
  return (
    <ul className="sev-counts">
      {present.map((s) => {
        const href = hrefFor(s);
        const body = (
          <>
            <span className="sev-icon" aria-hidden>
              {ICON[s]}
            </span>
            <span className="num">{counts[s]}</span> {s}
          </>
        );
        return (
          <li key={s} className={`sev sev-${s}`}>
            {href ? (
              <a href={href} title={`List the ${counts[s]} ${s} findings`}>
                {body}
              </a>
            ) : (
              body
            )}
          </li>
        );
      })}
    </ul>
  );
}
