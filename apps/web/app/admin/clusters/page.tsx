// Registered clusters with their settings, and the clusters deleted lately whose history is kept.
import type { Metadata } from 'next';
import Link from 'next/link';
import { apiClient } from '../../../lib/api-client';
import { formatTimestamp } from '../../../lib/format';
import { ApiErrorState } from '../../_components/state-message';
import { recentlyDeleted } from '../_components/deleted';
import { load } from '../_components/load';
import { AdminClusterTable } from './columns';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Clusters · Administration' };

export default async function AdminClustersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const [clusters, deleted] = await Promise.all([load(() => apiClient.listAllClusters()), load(() => recentlyDeleted())]);
  const kept = deleted.ok ? deleted.data.filter((d) => !d.purgedAt) : [];
  const purgedName = typeof sp.purged === 'string' ? sp.purged : null;
  return (
    <>
      <div className="page-title page-title-row">
        <div>
          <h1>Clusters</h1>
          <p className="page-sub">Click a name to change its schedule, environment, team or state, or to delete it.</p>
        </div>
        <Link className="button button-primary" href="/admin/clusters/new">
          + Register a cluster
        </Link>
      </div>
      {purgedName ? (
        <p className="notice notice-good" role="status">
          ✓ {purgedName} and its whole history were purged.
        </p>
      ) : null}
      {!clusters.ok ? (
        <ApiErrorState error={clusters.error} what="the clusters" />
      ) : clusters.data.length === 0 ? (
        <section className="state state-empty" role="status">
          <h2>No cluster registered yet</h2>
          <p>
            <Link href="/admin/clusters/new">Register one</Link> from a kubeconfig, a folder of kubectl output, or by discovering the AKS
            clusters of an Azure subscription.
          </p>
        </section>
      ) : (
        <>
          <p className="muted">
            {clusters.data.length} registered · {clusters.data.filter((c) => c.enabled).length} active ·{' '}
            {clusters.data.filter((c) => !c.enabled).length} paused (not snapshotted)
          </p>
          <AdminClusterTable clusters={clusters.data} />
        </>
      )}
      <section className="panel" aria-labelledby="deleted-title">
        <h2 id="deleted-title">Deleted clusters, history kept</h2>
        {!deleted.ok ? (
          <p className="notice notice-warn">Could not read the deletions from the audit log: {deleted.error.message}</p>
        ) : kept.length === 0 ? (
          <p className="muted">None: every deleted cluster was purged, or none was deleted lately.</p>
        ) : (
          <div className="table-wrap">
            <table aria-label="Deleted clusters whose history is kept">
              <thead>
                <tr>
                  <th scope="col">Cluster</th>
                  <th scope="col">Deleted</th>
                  <th scope="col">By</th>
                  <th scope="col">
                    <span className="sr-only">Purge</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {kept.map((d) => (
                  <tr key={d.id}>
                    <td>{d.name}</td>
                    <td>{formatTimestamp(d.deletedAt)}</td>
                    <td>{d.deletedBy}</td>
                    <td>
                      <Link href={`/admin/clusters/${d.id}`}>Purge its history…</Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
