// One cluster: its latest posture and its recent snapshots (status, object counts, problems).
// Room for the history charts of the dashboard issue goes below the snapshot table.
import type { ApiError, ClusterSummary, SnapshotDetail, SnapshotSummary } from '@kordon/contracts';
import type { Metadata } from 'next';
import { cache, type ReactNode } from 'react';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { apiClient, isKordonApiError } from '../../../lib/api-client';
import { formatAge, formatDuration, formatPercent, formatSchedule, formatTimestamp } from '../../../lib/format';
import { AppHeader } from '../../_components/app-header';
import {
  DemoBadge,
  EnforcedMark,
  EngineBadge,
  SnapshotStatusBadge,
  StaleBadge,
  isEnforced,
} from '../../_components/badges';
import { CoverageBar } from '../../_components/coverage-bar';
import { ApiErrorState } from '../../_components/state-message';

export const dynamic = 'force-dynamic';
export const revalidate = 0;

/** Snapshots whose details (counts, problems) are fetched for the table. */
const DETAILED_SNAPSHOTS = 10;

type PageProps = { params: Promise<{ id: string }> };

/** One API call per request, shared by generateMetadata and the page. */
const getCluster = cache((id: string) => apiClient.getCluster(id));

type Loaded =
  | { error: ApiError }
  | { cluster: ClusterSummary; snapshots: SnapshotSummary[]; details: Map<string, SnapshotDetail>; snapshotsError?: ApiError };

async function load(id: string): Promise<Loaded> {
  let cluster: ClusterSummary;
  try {
    cluster = await getCluster(id);
  } catch (err) {
    if (isKordonApiError(err)) {
      if (err.status === 404) notFound();
      return { error: err.body };
    }
    throw err;
  }
  try {
    const page = await apiClient.listSnapshots(id);
    const details = new Map<string, SnapshotDetail>();
    const settled = await Promise.allSettled(
      page.items.slice(0, DETAILED_SNAPSHOTS).map((s) => apiClient.getSnapshot(s.id)),
    );
    for (const r of settled) if (r.status === 'fulfilled') details.set(r.value.id, r.value);
    return { cluster, snapshots: page.items, details };
  } catch (err) {
    if (isKordonApiError(err)) return { cluster, snapshots: [], details: new Map(), snapshotsError: err.body };
    throw err;
  }
}

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const { id } = await params;
  try {
    return { title: (await getCluster(id)).name };
  } catch {
    return { title: 'Cluster' };
  }
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Counts({ detail }: { detail: SnapshotDetail | undefined }) {
  const c = detail?.counts;
  if (!c) return <span className="muted">—</span>;
  return (
    <span className="counts">
      {c.namespaces} ns · {c.pods} pods · {c.workloads} workloads · {c.networkPolicies} netpol
      {c.crdPolicies > 0 ? ` · ${c.crdPolicies} CRD policies` : ''} · {c.nodes} nodes
    </span>
  );
}

function Problems({ snapshot, detail }: { snapshot: SnapshotSummary; detail: SnapshotDetail | undefined }) {
  const problems = detail?.problems ?? [];
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  return (
    <div className="problems">
      {snapshot.failureReason ? <div className="text-bad">{snapshot.failureReason}</div> : null}
      {problems.length > 0 ? (
        <div className="muted" title={problems.slice(0, 20).map((p) => `${p.severity}: ${p.code} ${p.message}`).join('\n')}>
          {errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : ''}
          {errors > 0 && warnings > 0 ? ', ' : ''}
          {warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''}
        </div>
      ) : null}
      {!snapshot.failureReason && problems.length === 0 ? <span className="muted">—</span> : null}
    </div>
  );
}

export default async function ClusterPage({ params }: PageProps) {
  const { id } = await params;
  const now = new Date();
  const result = await load(id);

  if ('error' in result) {
    return (
      <>
        <AppHeader now={now} />
        <main id="main" className="page">
          <p className="crumbs">
            <Link href="/">← Fleet overview</Link>
          </p>
          <ApiErrorState error={result.error} what="this cluster" />
        </main>
      </>
    );
  }

  const { cluster: c, snapshots, details, snapshotsError } = result;
  const enforced = isEnforced(c);
  const p = c.posture;
  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page">
        <p className="crumbs">
          <Link href="/">← Fleet overview</Link>
        </p>
        <div className="page-title">
          <h1>
            {c.name} {c.demo ? <DemoBadge /> : null} {c.stale ? <StaleBadge cluster={c} /> : null}
          </h1>
          <p className="page-sub">
            {[c.environment, c.team].filter(Boolean).join(' · ') || 'No environment or team set'} · source {c.source} ·
            snapshots {formatSchedule(c.scheduleMinutes)}
            {c.enabled ? '' : ' (paused)'}
          </p>
        </div>

        <section className="panel">
          <h2>Posture from the last successful snapshot</h2>
          {p ? (
            <dl className="facts">
              <Fact label="Policy engine">
                <EngineBadge engine={c.engine} />
              </Fact>
              <Fact label="Network plugin">
                <span className="mono">{c.networkPlugin ?? '—'}</span>
              </Fact>
              <Fact label="Enforced">
                <EnforcedMark enforced={enforced} />
              </Fact>
              <Fact label="Ingress pods">
                <CoverageBar ratio={p.ingress.pods} enforced={enforced} label="ingress" />
              </Fact>
              <Fact label="Egress pods">
                <CoverageBar ratio={p.egress.pods} enforced={enforced} label="egress" />
              </Fact>
              <Fact label="Workloads isolated">
                in {formatPercent(p.ingress.workloads)} · out {formatPercent(p.egress.workloads)}
              </Fact>
              <Fact label="Default-deny namespaces">
                in {p.ingress.namespacesWithDefaultDeny} · out {p.egress.namespacesWithDefaultDeny}{' '}
                <span className="muted">
                  of {p.namespaces}
                  {p.excludedNamespaces > 0 ? ` (${p.excludedNamespaces} excluded)` : ''}
                </span>
              </Fact>
              <Fact label="Taken">
                <time dateTime={p.takenAt} title={formatTimestamp(p.takenAt)}>
                  {formatAge(p.takenAt, now)}
                </time>
              </Fact>
            </dl>
          ) : (
            <p className="muted">No successful snapshot yet: posture is unknown.</p>
          )}
        </section>

        <section className="panel">
          <h2>Recent snapshots</h2>
          {snapshotsError ? (
            <ApiErrorState error={snapshotsError} what="the snapshots" />
          ) : snapshots.length === 0 ? (
            <p className="muted">No snapshots yet.</p>
          ) : (
            <div className="table-wrap">
              <table className="snapshots">
                <thead>
                  <tr>
                    <th scope="col">Status</th>
                    <th scope="col">Started</th>
                    <th scope="col">Duration</th>
                    <th scope="col">Trigger</th>
                    <th scope="col">Kubernetes</th>
                    <th scope="col">Objects</th>
                    <th scope="col">Failure / problems</th>
                  </tr>
                </thead>
                <tbody>
                  {snapshots.map((s) => {
                    const d = details.get(s.id);
                    return (
                      <tr key={s.id} data-snapshot-id={s.id}>
                        <td>
                          <SnapshotStatusBadge snapshot={s} />
                        </td>
                        <td>
                          <time dateTime={s.startedAt} title={formatTimestamp(s.startedAt)}>
                            {formatAge(s.startedAt, now)}
                          </time>
                        </td>
                        <td className="num">{formatDuration(s.startedAt, s.finishedAt)}</td>
                        <td>{s.trigger}</td>
                        <td className="mono">{d?.kubernetesVersion ?? '—'}</td>
                        <td>
                          <Counts detail={d} />
                        </td>
                        <td>
                          <Problems snapshot={s} detail={d} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </main>
    </>
  );
}
