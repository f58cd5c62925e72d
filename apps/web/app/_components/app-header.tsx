// The product header: name, what it is for, and when this view was rendered (auditors quote it).
import Link from 'next/link';
import { formatTimestamp } from '../../lib/format';

export function AppHeader({ now }: { now?: Date }) {
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link href="/" className="brand" aria-label="Kordon fleet overview">
          <span className="brand-mark" aria-hidden>
            <svg viewBox="0 0 24 24" width="22" height="22">
              <rect x="2" y="2" width="8" height="8" rx="1.5" fill="currentColor" opacity="0.95" />
              <rect x="14" y="2" width="8" height="8" rx="1.5" fill="currentColor" opacity="0.55" />
              <rect x="2" y="14" width="8" height="8" rx="1.5" fill="currentColor" opacity="0.55" />
              <rect x="14" y="14" width="8" height="8" rx="1.5" fill="currentColor" opacity="0.95" />
            </svg>
          </span>
          <span className="brand-name">Kordon</span>
        </Link>
        <span className="tagline">NetworkPolicy segmentation posture across your AKS fleet</span>
        {now ? (
          <span className="as-of">
            as of <time dateTime={now.toISOString()}>{formatTimestamp(now.toISOString())}</time>
          </span>
        ) : null}
      </div>
    </header>
  );
}
