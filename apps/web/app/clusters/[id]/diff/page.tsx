// The diff between two snapshots of a cluster (auditor and up): pick `from` and `to` (dates or
// snapshots of the cluster's list; presets since yesterday, last week, 30 days; `to` empty is the
// latest), then the API's diff: summary counts, network profile changes, policies with their YAML
// diff, label changes and the drift they caused, per-namespace coverage and default-deny deltas,
// findings opened and resolved, and the reachability diff (namespace pairs, workload pairs on
// `?workloads=true`). The pickers are a plain GET form: the URL reproduces the view.
import type { ApiError, ClusterSummary, SnapshotSummary } from '@kordon/contracts';
import type { ApiDiff } from '../../../../components/diff/adapter';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DiffView } from '../../../../components/diff/diff-view';
import { apiClient, isKordonApiError } from '../../../../lib/api-client';
import { formatTimestamp } from '../../../../lib/format';
import { can, leastRoleFor, ROLE_LABEL } from '../../../../lib/permissions';
import { getSession } from '../../../../lib/session';
import { AppHeader } from '../../../_components/app-header';
import { ApiErrorState } from '../../../_components/state-message';
import { diffHref, MAX_PAIRS, parseDiffParams, presets, type DiffParams } from './search-params';
import '../cluster.css';
import '../../../../components/diff/diff.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Diff' };

type PageProps = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };
type Settled<T> = { ok: T } | { error: ApiError };

async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: await p };
  } catch (err) {
    if (isKordonApiError(err)) return { error: err.body };
    throw err;
  }
}

const SNAPSHOT_PICKS = 200;

/** When the API listed only the first pairs: the same view listing all of them (up to the ceiling). */
function allPairsHref(id: string, p: DiffParams, d: ApiDiff): string | undefined {
  const r = d.reachability;
  if (!r) return undefined;
  const total = Math.max(r.namespacePairsTotal ?? 0, r.workloadPairsTotal ?? 0);
  const listed = Math.max(r.namespacePairs.length, r.workloadPairs?.length ?? 0);
  return total > listed ? diffHref(id, { ...p, pairs: Math.min(total, MAX_PAIRS) }) : undefined;
}

function SnapshotOptions({ snapshots }: { snapshots: SnapshotSummary[] }) {
  return (
    <>
      {snapshots.map((s) => (
        <option key={s.id} value={s.id}>
          {formatTimestamp(s.finishedAt ?? s.startedAt)} · {s.trigger} · {s.id.slice(0, 8)}
        </option>
      ))}
    </>
  );
}

export default async function DiffPage({ params, searchParams }: PageProps) {
  const [{ id }, raw, session] = await Promise.all([params, searchParams, getSession()]);
  const now = new Date();
  const p = parseDiffParams(raw);
  const allowed = can(session?.role, 'read:detail');
  const enc = encodeURIComponent(id);
  const [clusterR, snapsR, diffR] = await Promise.all([
    settle(apiClient.getCluster(id)),
    allowed ? settle(apiClient.listSnapshots(id)) : null,
    allowed && p.from
      ? settle(apiClient.get<ApiDiff>(`/clusters/${enc}/diff`, { from: p.from, to: p.to ?? undefined, workloads: p.workloads ? 'true' : undefined, pairLimit: p.pairs ? String(p.pairs) : undefined }))
      : null,
  ]);
  if ('error' in clusterR && (clusterR.error.statusCode === 404 || clusterR.error.statusCode === 400)) notFound();
  const cluster: ClusterSummary | null = 'ok' in clusterR ? clusterR.ok : null;
  const snapshots = snapsR && 'ok' in snapsR ? snapsR.ok.items.filter((s) => s.status === 'succeeded').slice(0, SNAPSHOT_PICKS) : [];
  const clusterHref = `/clusters/${enc}`;
  const isSnapshot = (v: string | null) => !!v && snapshots.some((s) => s.id === v);

  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page diff-page">
        <p className="crumbs">
          <Link href="/">Fleet</Link> / <Link href={clusterHref}>{cluster?.name ?? 'Cluster'}</Link> / Diff
        </p>
        <div className="page-title">
          <h1>What changed{cluster ? ` · ${cluster.name}` : ''}</h1>
          <p className="page-sub">Between two snapshots: policies, labels and what they select, default-deny, coverage, findings and who can reach whom.</p>
        </div>
        {'error' in clusterR ? <ApiErrorState error={clusterR.error} what="this cluster" /> : null}
        {!allowed ? (
          <section className="state state-error" role="alert" data-testid="forbidden">
            <h2>The diff needs the {ROLE_LABEL[leastRoleFor('read:detail')]} role</h2>
            <p>Your role reads aggregates only. The cluster page shows its posture roll-up and a summary of what changed.</p>
          </section>
        ) : cluster ? (
          <>
            <section className="panel" aria-labelledby="pick-h">
              <h2 id="pick-h">Compare</h2>
              <form className="diff-pickers" method="get" action={`/clusters/${enc}/diff`} data-testid="diff-form">
                <label>
                  From (date, time or snapshot)
                  <input name="from" list="diff-snapshots" defaultValue={p.from ?? ''} placeholder="2026-11-29 or a snapshot id" required />
                </label>
                <label>
                  To (empty: latest)
                  <input name="to" list="diff-snapshots" defaultValue={p.to ?? ''} placeholder="latest" />
                </label>
                <label className="diff-check">
                  <input type="checkbox" name="workloads" value="true" defaultChecked={p.workloads} /> Show workload pairs
                </label>
                <button type="submit" className="button button-primary">
                  Compare
                </button>
                <datalist id="diff-snapshots">
                  <SnapshotOptions snapshots={snapshots} />
                </datalist>
              </form>
              <p className="diff-presets">
                {presets(now).map((pr) => (
                  <Link key={pr.label} className={`button${p.from === pr.from && !p.to ? ' button-primary' : ''}`} href={diffHref(id, { from: pr.from, workloads: p.workloads })}>
                    {pr.label}
                  </Link>
                ))}
              </p>
              {snapsR && 'error' in snapsR ? <p className="muted">The snapshot list could not be read: {snapsR.error.message}</p> : null}
            </section>
            {!p.from ? (
              <section className="state state-empty" role="status">
                <h2>Pick a starting point</h2>
                <p>A preset, a date or one of the {snapshots.length} successful snapshots listed in the fields.</p>
              </section>
            ) : diffR && 'error' in diffR ? (
              <ApiErrorState error={diffR.error} what="the diff" />
            ) : diffR ? (
              <DiffView
                diff={diffR.ok}
                clusterId={id}
                workloadsHref={diffHref(id, { ...p, workloads: !p.workloads })}
                allPairsHref={allPairsHref(id, p, diffR.ok)}
                workloadsShown={p.workloads}
                fromLabel={isSnapshot(p.from) ? `snapshot ${p.from.slice(0, 8)}` : p.from}
              />
            ) : null}
          </>
        ) : null}
      </main>
    </>
  );
}
