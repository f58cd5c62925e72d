// Reachability of one cluster (auditor and up): the namespace × namespace matrix on canvas, the
// workload connections of a selected cell (`?from=&to=`), and for a workload (`?workload=ns/name`)
// who can reach it or where it can go (`?dir=`), each connection with the policies that allow it.
// What the engine does not evaluate (CRD L7/FQDN rules, an engine enforcing nothing) is listed.
import type { ApiError, ClusterSummary, NamespacePairReachability, ReachabilityNotEvaluated, WorkloadReachability } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AsOfPicker } from '../../../../components/as-of';
import { AsOfBanner } from '../../../../components/as-of-banner';
import { apiClient, isKordonApiError } from '../../../../lib/api-client';
import { parseAt, withAt } from '../../../../lib/as-of';
import { can, leastRoleFor, ROLE_LABEL } from '../../../../lib/permissions';
import { getSession } from '../../../../lib/session';
import { AppHeader } from '../../../_components/app-header';
import { EngineBadge } from '../../../_components/badges';
import { ApiErrorState } from '../../../_components/state-message';
import { ConnectionTable } from './connection-table';
import { MatrixPanel } from './matrix';
import { parseReachParams, reachHref } from './search-params';
import { WorkloadPicker } from './workload-picker';
import '../cluster.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Reachability' };

type PageProps = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };
type Settled<T> = { ok: T } | { error: ApiError } | null;

async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: await p };
  } catch (err) {
    if (isKordonApiError(err)) return { error: err.body };
    throw err;
  }
}

function NotEvaluated({ items }: { items: ReachabilityNotEvaluated[] }) {
  if (items.length === 0) return <p className="muted">Every policy of this snapshot was evaluated.</p>;
  return (
    <ul className="not-evaluated" data-testid="not-evaluated">
      {items.map((n, i) => (
        <li key={`${n.object}-${i}`}>
          <span aria-hidden>?</span> <span className="mono">{n.object}</span> <span className="muted">({n.kind})</span>: {n.reason}
        </li>
      ))}
    </ul>
  );
}

export default async function ReachabilityPage({ params, searchParams }: PageProps) {
  const [{ id }, raw, session] = await Promise.all([params, searchParams, getSession()]);
  const now = new Date();
  const p = parseReachParams(raw);
  const asOf = parseAt(p.at);
  const at = asOf?.at ?? null;
  const base = `/clusters/${encodeURIComponent(id)}/reachability`;
  const allowed = can(session?.role, 'read:detail');

  const [clusterR, pairR, workloadR] = await Promise.all([
    settle(apiClient.getCluster(id)),
    allowed && p.from && p.to ? settle(apiClient.get<NamespacePairReachability>(`${base}/pairs/${p.from}/${p.to}`, { at: at ?? undefined })) : null,
    allowed && p.workload
      ? settle(
          apiClient.get<WorkloadReachability>(`${base}/workloads/${encodeURIComponent(p.workload.namespace)}/${encodeURIComponent(p.workload.name)}/${p.dir}`, {
            at: at ?? undefined,
            kind: p.workload.kind ?? undefined,
          }),
        )
      : null,
  ]);

  if (clusterR && 'error' in clusterR && (clusterR.error.statusCode === 404 || clusterR.error.statusCode === 400)) notFound();
  const cluster: ClusterSummary | null = clusterR && 'ok' in clusterR ? clusterR.ok : null;
  const clusterHref = withAt(`/clusters/${id}`, p.at);
  const pair = pairR && 'ok' in pairR ? pairR.ok : null;
  const wl = workloadR && 'ok' in workloadR ? workloadR.ok : null;
  const snapshot = pair?.snapshot ?? wl?.snapshot ?? null;
  const notEvaluated = pair?.notEvaluated ?? wl?.notEvaluated ?? null;

  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page reach-page">
        <p className="crumbs">
          <Link href="/">Fleet</Link> / <Link href={clusterHref}>{cluster?.name ?? 'Cluster'}</Link> / Reachability
        </p>
        <div className="page-title">
          <h1>Reachability{cluster ? ` · ${cluster.name}` : ''}</h1>
          {cluster ? (
            <p className="page-sub">
              Which workloads may connect, as the NetworkPolicies and Cilium policies declare it · engine <EngineBadge engine={cluster.engine} />
            </p>
          ) : null}
        </div>
        {clusterR && 'error' in clusterR ? <ApiErrorState error={clusterR.error} what="this cluster" /> : null}
        {!allowed ? (
          <section className="state state-error" role="alert" data-testid="forbidden">
            <h2>Reachability needs the {ROLE_LABEL[leastRoleFor('read:detail')]} role</h2>
            <p>Your role reads aggregates only. The cluster page shows its posture roll-up and history.</p>
          </section>
        ) : cluster ? (
          <>
            <div className="toolbar">
              <AsOfPicker label="View as of" />
            </div>
            {asOf ? <AsOfBanner label={asOf.label} snapshot={snapshot} nowHref={reachHref(id, p, { at: null })} /> : null}
            {cluster.engine === 'none' ? (
              <p className="notice notice-bad" role="status">
                <strong>✗ Nothing is enforced on this cluster.</strong> The matrix shows what the policies declare; the network lets everything through.
              </p>
            ) : null}

            <section className="panel" aria-labelledby="matrix-h">
              <h2 id="matrix-h">Namespace matrix</h2>
              <MatrixPanel clusterId={id} at={at} selected={p.from && p.to ? { from: p.from, to: p.to } : null} hrefFor={reachHref(id, p, {})} />
            </section>

            <section className="panel" aria-labelledby="pair-h" id="pair">
              <h2 id="pair-h">{p.from && p.to ? `Connections from ${p.from} to ${p.to}` : 'Connections of a pair'}</h2>
              {!p.from || !p.to ? (
                <p className="muted">Click a cell of the matrix to list the workload connections of that pair and the policies allowing each.</p>
              ) : pairR && 'error' in pairR ? (
                <ApiErrorState error={pairR.error} what="the connections of this pair" />
              ) : pair ? (
                <>
                  <p data-testid="pair-conn">
                    Namespace-level: <span className="mono">{pair.conn}</span> · {pair.connections.length} workload connection{pair.connections.length === 1 ? '' : 's'}.{' '}
                    <Link href={reachHref(id, p, { from: null, to: null })} scroll={false}>
                      Clear
                    </Link>
                  </p>
                  <ConnectionTable
                    connections={pair.connections}
                    clusterId={id}
                    at={p.at}
                    label={`Connections from ${pair.from} to ${pair.to}`}
                    empty={`No workload of ${pair.from} may connect to a workload of ${pair.to}.`}
                  />
                </>
              ) : null}
            </section>

            <section className="panel" aria-labelledby="workload-h" id="workload">
              <h2 id="workload-h">{p.workload ? `Workload ${p.workload.id}` : 'A workload: who can reach it, where can it go'}</h2>
              <WorkloadPicker clusterId={id} at={at} current={p.workload?.id ?? null} hrefBase={reachHref(id, p, { workload: null })} />
              {p.workload ? (
                <>
                  <div className="dir-tabs" role="group" aria-label="Direction">
                    <Link className={`button ${p.dir === 'ingress' ? 'button-primary' : ''}`} aria-current={p.dir === 'ingress' ? 'page' : undefined} href={reachHref(id, p, { dir: null }) + '#workload'} scroll={false}>
                      Who can reach it (ingress)
                    </Link>
                    <Link className={`button ${p.dir === 'egress' ? 'button-primary' : ''}`} aria-current={p.dir === 'egress' ? 'page' : undefined} href={reachHref(id, p, { dir: 'egress' }) + '#workload'} scroll={false}>
                      Where can it go (egress)
                    </Link>
                  </div>
                  {workloadR && 'error' in workloadR ? (
                    <ApiErrorState error={workloadR.error} what={`the connections of ${p.workload.id}`} />
                  ) : wl ? (
                    <>
                      <p className="muted" data-testid="workload-summary">
                        {wl.workload.kind} {wl.workload.id} · {wl.workload.pods} pods ({wl.workload.basis === 'pods' ? 'evaluated on its pods' : 'no pods: evaluated on its template'}
                        {wl.workload.uniform ? '' : '; its pods differ, connections are the union'}) · {wl.connections.length} connection{wl.connections.length === 1 ? '' : 's'}{' '}
                        {p.dir === 'ingress' ? 'into it' : 'out of it'}.
                      </p>
                      <ConnectionTable
                        connections={wl.connections}
                        clusterId={id}
                        at={p.at}
                        label={p.dir === 'ingress' ? `Who can reach ${wl.workload.id}` : `Where ${wl.workload.id} can go`}
                        empty={p.dir === 'ingress' ? 'Nothing may reach this workload.' : 'This workload may not connect anywhere.'}
                      />
                    </>
                  ) : null}
                </>
              ) : null}
            </section>

            {notEvaluated ? (
              <section className="panel" aria-labelledby="ne-h">
                <h2 id="ne-h">Not evaluated</h2>
                <p className="muted">
                  What Kordon cannot know from the objects alone. L7 rules (HTTP, DNS, Kafka) filter requests on a connection shown as allowed; egress to an FQDN depends on DNS answers and is not shown as an address range; Calico policies and hostNetwork pods are shown as open (an upper bound); an engine enforcing nothing enforces none of it.
                </p>
                <NotEvaluated items={notEvaluated} />
              </section>
            ) : null}
          </>
        ) : null}
      </main>
    </>
  );
}
