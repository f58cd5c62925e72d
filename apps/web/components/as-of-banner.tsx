// Shown on every view that is not "now": which date was asked, which snapshot answers it.
import Link from 'next/link';

export function AsOfBanner({
  label,
  snapshot,
  nowHref,
}: {
  /** The date or instant asked for, as the user picked it. */
  label: string;
  snapshot?: { id: string; takenAt: string } | null;
  /** The same page without `at`. */
  nowHref: string;
}) {
  return (
    <div className="as-of-banner" role="status" data-testid="as-of-banner">
      <span aria-hidden>◷</span>{' '}
      <strong>As of {label}</strong>
      {snapshot ? (
        <>
          , snapshot <code>{snapshot.id}</code> taken {snapshot.takenAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}
        </>
      ) : (
        <>: no snapshot had been taken yet</>
      )}
      . <Link href={nowHref}>Back to now</Link>
    </div>
  );
}
