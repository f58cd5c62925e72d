// Finding severity by word and icon as well as colour. Shared by the fleet and findings pages.
import type { FindingSeverity } from '@kordon/contracts';

export const SEVERITIES: FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

// The icon before the word is drawn by fleet.css (.sev-<severity>::before), which both pages load.
export function SeverityLabel({ severity }: { severity: FindingSeverity }) {
  return <span className={`sev sev-${severity}`}>{severity}</span>;
}
