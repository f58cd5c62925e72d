// What must not be missed on the fleet page: clusters whose NetworkPolicy nothing enforces,
// snapshots that failed or went stale, the date a past view shows, and what to do when the
// fleet is empty.
import type { ClusterSummary } from '@kordon/contracts';
import Link from 'next/link';
import { withAt } from '../../lib/as-of';
import { formatTimestamp } from '../../lib/format';
import { isEnforced } from '../_components/badges';

const clusterHref = (c: ClusterSummary, at: string | null) => withAt(`/clusters/${encodeURIComponent(c.id)}`, at);

function NameList({ clusters, at }: { clusters: ClusterSummary[]; at: string | null }) {
  return (
    <>
      {clusters.map((c, i) => (
        <span key={c.id}>
          {i > 0 ? (i === clusters.length - 1 ? ' and ' : ', ') : null}
          <Link href={clusterHref(c, at)}>
            <strong>{c.name}</strong>
          </Link>
        </span>
      ))}
    </>
  );
}

/** Every cluster of the fleet (not only the filtered ones) whose policies are not enforced. */
export function NotEnforcedBanner({ clusters, at }: { clusters: ClusterSummary[]; at: string | null }) {
  const off = clusters.filter((c) => isEnforced(c) === false);
  if (off.length === 0) return null;
  return (
    <section className="notice notice-bad fleet-alert" role="alert" data-testid="not-enforced-banner">
      <span className="fleet-alert-icon" aria-hidden>
        ⊘
      </span>{' '}
      <strong>
        NetworkPolicy is not enforced on {off.length === 1 ? 'cluster' : `${off.length} clusters`}{' '}
      </strong>
      <NameList clusters={off} at={at} />
      {`: ${off.length === 1 ? 'its' : 'their'} network policy engine is "none", so ${off.length === 1 ? 'its' : 'their'} policies exist only on paper and every pod accepts and sends any traffic, whatever the coverage figures say. `}
      Enable an engine (Azure CNI Powered by Cilium is the recommended one) before counting these clusters as segmented.
    </section>
  );
}

/** Clusters whose last snapshot failed or whose posture is older than twice their schedule. */
export function AttentionNotice({ clusters, at }: { clusters: ClusterSummary[]; at: string | null }) {
  const failed = clusters.filter((c) => c.lastSnapshot?.status === 'failed');
  const stale = clusters.filter((c) => c.stale && c.lastSnapshot?.status !== 'failed');
  if (failed.length === 0 && stale.length === 0) return null;
  return (
    <section className="notice notice-warn" role="status" data-testid="attention-notice">
      <span aria-hidden>⚠</span>{' '}
      {failed.length > 0 ? (
        <>
          <strong>Last snapshot failed</strong> on <NameList clusters={failed} at={at} />: the figures shown are from the last snapshot that succeeded.{' '}
        </>
      ) : null}
      {stale.length > 0 ? (
        <>
          <strong>Stale</strong> (no successful snapshot within twice the schedule{at ? ' at that date' : ''}): <NameList clusters={stale} at={at} />.
        </>
      ) : null}
    </section>
  );
}

/** "As of <date>": the fleet as each cluster's snapshot in force then showed it. */
export function FleetAsOfBanner({ label, clusters, nowHref }: { label: string; clusters: ClusterSummary[]; nowHref: string }) {
  const taken = clusters.map((c) => c.posture?.takenAt).filter((t): t is string => !!t).sort();
  const without = clusters.filter((c) => !c.posture).length;
  return (
    <div className="as-of-banner" role="status" data-testid="as-of-banner">
      <span aria-hidden>◷</span> <strong>As of {label}</strong>: each cluster as its last successful snapshot up to then showed it
      {taken.length > 0 ? (
        <>
          {' '}
          ({taken.length} snapshot{taken.length === 1 ? '' : 's'}, taken {formatTimestamp(taken[0])}
          {taken.length > 1 && taken[0] !== taken[taken.length - 1] ? ` to ${formatTimestamp(taken[taken.length - 1])}` : ''})
        </>
      ) : null}
      {without > 0 ? `; ${without} cluster${without === 1 ? '' : 's'} had no snapshot yet` : ''}. <Link href={nowHref}>Back to now</Link>
    </div>
  );
}

export function FleetEmpty({ isAdmin, label }: { isAdmin: boolean; label: string | null }) {
  if (label) {
    return (
      <section className="state state-empty" role="status">
        <h2>No cluster had been registered or snapshotted by {label}.</h2>
        <p>
          Pick a later date, or <Link href="/">go back to now</Link>.
        </p>
      </section>
    );
  }
  return (
    <section className="state state-empty" role="status">
      <h2>No clusters yet</h2>
      <p>
        {isAdmin ? (
          <>
            Register one on the <Link href="/admin">Administration</Link> page (upload a kubeconfig or discover AKS clusters in a subscription),
          </>
        ) : (
          <>Ask an administrator to register one on the Administration page,</>
        )}{' '}
        or through the API: <code>POST /api/clusters</code> (see <a href="/api/docs">the API docs</a>). Running with <code>KORDON_DEMO=on</code> seeds a demo fleet.
      </p>
      <p>Once a cluster is registered, Kordon snapshots it on its schedule and its posture appears here.</p>
    </section>
  );
}
