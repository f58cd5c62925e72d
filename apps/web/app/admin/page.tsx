// Administration overview: what is registered, which tokens work, what changed last; each number
// links to the list behind it.
import type { AuditEntry, ClusterSummary, Page, TokenView } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { apiClient } from '../../lib/api-client';
import { formatTimestamp } from '../../lib/format';
import { ApiErrorState } from '../_components/state-message';
import { load } from './_components/load';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Administration' };

export default async function AdminPage() {
  const [clusters, tokens, audit] = await Promise.all([
    load(() => apiClient.listAllClusters()),
    load(() => apiClient.getAll<TokenView>('/tokens', { limit: 200 })),
    load(() => apiClient.get<Page<AuditEntry>>('/audit', { limit: 8 })),
  ]);
  const cs: ClusterSummary[] = clusters.ok ? clusters.data : [];
  const ts: TokenView[] = tokens.ok ? tokens.data : [];
  return (
    <>
      <div className="page-title">
        <h1>Administration</h1>
        <p className="page-sub">Register and configure clusters, issue and revoke API tokens, read who changed what.</p>
      </div>
      <div className="summary">
        <Link className="stat" href="/admin/clusters">
          <span className="stat-label">Clusters registered</span>
          <span className="stat-value">{clusters.ok ? cs.length : '—'}</span>
          <span className="stat-note">
            {cs.filter((c) => !c.enabled).length} paused · {cs.filter((c) => c.lastSnapshot?.status === 'failed').length} last snapshot failed
          </span>
        </Link>
        <Link className="stat" href="/admin/tokens">
          <span className="stat-label">Active API tokens</span>
          <span className="stat-value">{tokens.ok ? ts.filter((t) => t.status === 'active').length : '—'}</span>
          <span className="stat-note">
            {ts.filter((t) => t.status === 'revoked').length} revoked · {ts.filter((t) => t.status === 'expired').length} expired
          </span>
        </Link>
        <Link className="stat" href="/admin/clusters/new">
          <span className="stat-label">Register a cluster</span>
          <span className="stat-value">+</span>
          <span className="stat-note">kubeconfig, manifests, AKS or AKS discovery</span>
        </Link>
      </div>
      {!clusters.ok ? <ApiErrorState error={clusters.error} what="the clusters" /> : null}
      <section className="panel" aria-labelledby="recent-title">
        <h2 id="recent-title">Latest changes</h2>
        {!audit.ok ? (
          <ApiErrorState error={audit.error} what="the audit log" />
        ) : audit.data.items.length === 0 ? (
          <p className="muted">Nothing recorded yet.</p>
        ) : (
          <ul className="recent">
            {audit.data.items.map((e) => (
              <li key={e.id}>
                <time dateTime={e.at}>{formatTimestamp(e.at)}</time> <strong>{e.actor}</strong> <span className="mono">{e.action}</span>
                {typeof (e.details as { name?: unknown } | null)?.name === 'string' ? ` ${(e.details as { name: string }).name}` : ''}
              </li>
            ))}
          </ul>
        )}
        <Link href="/admin/audit">The whole audit log →</Link>
      </section>
    </>
  );
}
