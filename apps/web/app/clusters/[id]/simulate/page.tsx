// What-if before merge (security and admin): proposed manifests pasted or uploaded, optional
// deletions, applied to a copy of the cluster's latest snapshot by the API (nothing stored); the
// answer is shown with the diff page's components under a verdict banner. Other roles get a
// message saying which role it needs.
import type { ClusterPosturePage, ClusterSummary } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { apiClient, isKordonApiError } from '../../../../lib/api-client';
import { can, leastRoleFor, ROLE_LABEL } from '../../../../lib/permissions';
import { getSession } from '../../../../lib/session';
import { AppHeader } from '../../../_components/app-header';
import { ApiErrorState } from '../../../_components/state-message';
import { SimulateForm } from './simulate-form';
import '../cluster.css';
import '../../../../components/diff/diff.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'What-if' };

type PageProps = { params: Promise<{ id: string }> };

export default async function SimulatePage({ params }: PageProps) {
  const [{ id }, session] = await Promise.all([params, getSession()]);
  const now = new Date();
  const allowed = can(session?.role, 'operate');
  let cluster: ClusterSummary | null = null;
  let error = null;
  try {
    cluster = await apiClient.getCluster(id);
  } catch (err) {
    if (!isKordonApiError(err)) throw err;
    if (err.status === 404 || err.status === 400) notFound();
    error = err.body;
  }
  let namespaces: string[] = [];
  if (cluster && allowed) {
    try {
      const posture = await apiClient.get<ClusterPosturePage>(`/clusters/${encodeURIComponent(id)}/posture`, { limit: 1000, sort: 'name' });
      namespaces = posture.items.map((i) => i.name);
    } catch (err) {
      if (!isKordonApiError(err)) throw err;
    }
  }
  const clusterHref = `/clusters/${encodeURIComponent(id)}`;
  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page sim-page">
        <p className="crumbs">
          <Link href="/">Fleet</Link> / <Link href={clusterHref}>{cluster?.name ?? 'Cluster'}</Link> / What-if
        </p>
        <div className="page-title">
          <h1>What-if{cluster ? ` · ${cluster.name}` : ''}</h1>
          <p className="page-sub">
            What proposed NetworkPolicies would change against the latest snapshot: new or lost connections, default-deny, coverage and findings.
            For a pipeline: <span className="mono">kordon analyze &lt;folder&gt; --against {cluster?.name ?? '<cluster>'}</span>.
          </p>
        </div>
        {error ? <ApiErrorState error={error} what="this cluster" /> : null}
        {!allowed ? (
          <section className="state state-error" role="alert" data-testid="forbidden">
            <h2>The what-if needs the {ROLE_LABEL[leastRoleFor('operate')]} role</h2>
            <p>
              Your role ({session?.role ? ROLE_LABEL[session.role] : 'none'}) cannot run simulations. The <Link href={`${clusterHref}/diff`}>diff page</Link>{' '}
              compares stored snapshots{can(session?.role, 'read:detail') ? '' : ' (it needs the Auditor role)'}.
            </p>
          </section>
        ) : cluster ? (
          <SimulateForm clusterId={cluster.id} namespaces={namespaces} />
        ) : null}
      </main>
    </>
  );
}
