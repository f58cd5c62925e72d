// Finding severity by word and icon as well as colour. Shared by the fleet and findings pages.
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
