// One cluster's settings and its deletion. A cluster the API no longer lists may have been
// deleted with its history kept: the audit log says so, and it can still be purged from here.
import type { ClusterSummary, Page, SnapshotSummary } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { apiClient } from '../../../../lib/api-client';
import { formatSchedule, formatTimestamp } from '../../../../lib/format';
import { ApiErrorState } from '../../../_components/state-message';
import { deletedCluster } from '../../_components/deleted';
import { load } from '../../_components/load';
import { DeleteCluster, PurgeCluster } from './danger-zone';
import { EditClusterForm } from './edit-form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Cluster settings · Administration' };

type Props = { params: Promise<{ id: string }> };

export default async function AdminClusterPage({ params }: Props) {
  const { id } = await params;
  const enc = encodeURIComponent(id);
  const [cluster, recent, oldest] = await Promise.all([
    load(() => apiClient.get<ClusterSummary>(`/clusters/${enc}`)),
    load(() => apiClient.get<Page<SnapshotSummary>>(`/clusters/${enc}/snapshots`, { limit: 200 })),
    load(() => apiClient.get<Page<SnapshotSummary>>(`/clusters/${enc}/snapshots`, { limit: 1, sort: 'startedAt' })),
  ]);
  if (!cluster.ok && (cluster.error.statusCode === 404 || cluster.error.statusCode === 400)) {
    const gone = cluster.error.statusCode === 404 ? await load(() => deletedCluster(id)) : null;
    if (!gone?.ok || !gone.data) notFound();
    const d = gone.data;
    return (
      <>
        <div className="page-title">
          <p className="crumbs">
            <Link href="/admin/clusters">Clusters</Link> / {d.name}
          </p>
          <h1>{d.name}</h1>
        </div>
        {d.purgedAt ? (
          <section className="state" role="status" data-testid="cluster-purged">
            <h2>{d.name} was purged</h2>
            <p>It and its whole history were deleted for good on {formatTimestamp(d.purgedAt)}.</p>
          </section>
        ) : (
          <section className="panel danger" data-testid="cluster-deleted">
            <h2>Deleted, history kept</h2>
            <p>
              {d.name} was deleted on {formatTimestamp(d.deletedAt)} by {d.deletedBy}. It is no longer snapshotted and no longer in the
              fleet; its past snapshots are kept for evidence and past dates.
            </p>
            <PurgeCluster id={d.id} name={d.name} />
          </section>
        )}
        <p>
          <Link href={`/admin/audit?target=${encodeURIComponent(d.id)}`}>Its audit trail →</Link>
        </p>
      </>
    );
  }
  if (!cluster.ok) return <ApiErrorState error={cluster.error} what="the cluster" />;
  const c = cluster.data;
  const count = recent.ok ? `${recent.data.items.length}${recent.data.nextCursor ? '+' : ''} snapshot${recent.data.items.length === 1 ? '' : 's'}` : 'its snapshots';
  const since = oldest.ok && oldest.data.items[0] ? oldest.data.items[0].startedAt : null;
  return (
    <>
      <div className="page-title">
        <p className="crumbs">
          <Link href="/admin/clusters">Clusters</Link> / {c.name}
        </p>
        <h1>{c.name}</h1>
        <p className="page-sub">
          {c.source} · snapshots {formatSchedule(c.scheduleMinutes)} · {c.enabled ? 'active' : 'paused'} · {count}
          {since ? ` since ${formatTimestamp(since)}` : ''} · <Link href={`/clusters/${c.id}`}>cluster page →</Link> ·{' '}
          <Link href={`/admin/audit?target=${encodeURIComponent(c.id)}`}>audit trail →</Link>
        </p>
      </div>
      {c.demo ? (
        <p className="notice notice-info">This is a demo cluster: it is re-created when the API starts with the demo fleet enabled.</p>
      ) : null}
      <section className="panel">
        <EditClusterForm cluster={c} />
      </section>
      <section className="panel danger" aria-labelledby="danger-title">
        <h2 id="danger-title">Delete or purge</h2>
        <p className="muted">
          <strong>Delete</strong> removes {c.name} from the fleet and stops its snapshots; its history stays (dates in the past and
          evidence still show it). <strong>Purge</strong> deletes it with its whole history, for good.
        </p>
        <div className="danger-actions">
          <DeleteCluster id={c.id} name={c.name} snapshots={count} />
          <PurgeCluster id={c.id} name={c.name} />
        </div>
      </section>
    </>
  );
}
