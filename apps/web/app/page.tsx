// Fleet overview: every cluster's enforcement, coverage and snapshot health on one page.
// Rendered per request from the API; nothing is cached, ages are computed from the request time.
import type { ApiError, ClusterSummary } from '@kordon/contracts';
import { apiClient, isKordonApiError } from '../lib/api-client';
import { AppHeader } from './_components/app-header';
import { ClusterTable } from './_components/cluster-table';
import { ApiErrorState, EmptyState } from './_components/state-message';
import { SummaryStrip } from './_components/summary-strip';

export const dynamic = 'force-dynamic';
export const revalidate = 0;

async function loadClusters(): Promise<{ clusters: ClusterSummary[] } | { error: ApiError }> {
  try {
    return { clusters: await apiClient.listAllClusters() };
  } catch (err) {
    if (isKordonApiError(err)) return { error: err.body };
    throw err;
  }
}

export default async function FleetPage() {
  const now = new Date();
  const result = await loadClusters();
  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page">
        <div className="page-title">
          <h1>Fleet overview</h1>
          {'clusters' in result && result.clusters.length > 0 ? (
            <p className="page-sub">
              Pod coverage is the share of pods isolated in that direction, excluded namespaces not counted. Default-deny
              counts namespaces whose baseline policy denies all traffic in that direction.
            </p>
          ) : null}
        </div>
        {'error' in result ? (
          <ApiErrorState error={result.error} what="the cluster fleet" />
        ) : result.clusters.length === 0 ? (
          <EmptyState />
        ) : (
          <>
            <SummaryStrip clusters={result.clusters} />
            <ClusterTable clusters={result.clusters} now={now} />
          </>
        )}
      </main>
    </>
  );
}
