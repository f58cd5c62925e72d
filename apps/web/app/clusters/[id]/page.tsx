// One cluster: its network profile with the engine's caveats in words, the posture roll-up, a
// heatmap of every namespace, the per-namespace table (sorted, filtered, searched and paged by
// the API), the coverage and default-deny history, and its snapshots with "Snapshot now".
// Everything the first view shows is fetched here in parallel; the heatmap (canvas) and the
// snapshot progress and the history chart are client components reading the API after first content.
import type {
  ApiError,
  ClusterPosturePage,
  ClusterProfile,
  ClusterSummary,
} from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { AsOfPicker } from '../../../components/as-of';
import { AsOfBanner } from '../../../components/as-of-banner';
import { apiClient, isKordonApiError } from '../../../lib/api-client';
import { parseAt, withAt } from '../../../lib/as-of';
import { formatAge, formatPercent, formatSchedule, formatTimestamp } from '../../../lib/format';
import { can, leastRoleFor, ROLE_LABEL } from '../../../lib/permissions';
import { getSession } from '../../../lib/session';
import { AppHeader } from '../../_components/app-header';
import { ClusterChangesPanel } from '../../_components/changes-panel';
import { DemoBadge, EngineBadge, StaleBadge } from '../../_components/badges';
import { ApiErrorState } from '../../_components/state-message';
import { HistoryPanel } from './history-panel';
import { HeatmapPanel } from './heatmap';
import { PostureTable } from './posture-table';
import { ProfileCard } from './profile-card';
import { parseClusterParams, postureQuery } from './search-params';
import { SnapshotsPanel } from './snapshots-panel';
import './cluster.css';

export const dynamic = 'force-dynamic';
export const revalidate = 0;

type PageProps = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** One API call per request, shared by generateMetadata and the page. */
const getCluster = cache((id: string) => apiClient.getCluster(id));

type Settled<T> = { ok: T } | { error: ApiError };

async function settle<T>(p: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: await p };
  } catch (err) {
    if (isKordonApiError(err)) return { error: err.body };
    throw err;
  }
}

const errorCode = (e: ApiError): string | undefined => (e.details as { code?: string } | undefined)?.code;

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const { id } = await params;
  try {
    return { title: (await getCluster(id)).name };
  } catch {
    return { title: 'Cluster' };
  }
}

function Forbidden({ what, permission }: { what: string; permission: Parameters<typeof leastRoleFor>[0] }) {
  return (
    <section className="state state-error" role="alert">
      <h2>Your role cannot see {what}</h2>
      <p>It needs the {ROLE_LABEL[leastRoleFor(permission)]} role or higher. Ask an administrator for a token with that role.</p>
    </section>
  );
}

function Shell({ now, children }: { now: Date; children: React.ReactNode }) {
  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page cluster-page">
        <p className="crumbs">
          <Link href="/">← Fleet overview</Link>
        </p>
        {children}
      </main>
    </>
  );
}

export default async function ClusterPage({ params, searchParams }: PageProps) {
  const [{ id }, raw, session] = await Promise.all([params, searchParams, getSession()]);
  const now = new Date();
  const p = parseClusterParams(raw);
  const asOf = parseAt(p.at);
  const at = asOf?.at ?? null;
  const role = session?.role ?? null;
  const detail = can(role, 'read:detail');
  const [clusterR, postureR, profileR] = await Promise.all([
    settle(getCluster(id)),
    settle(apiClient.get<ClusterPosturePage>(`/clusters/${encodeURIComponent(id)}/posture`, postureQuery(p, at))),
    settle(apiClient.get<ClusterProfile>(`/clusters/${encodeURIComponent(id)}/posture/profile`, { at: at ?? undefined })),
  ]);

  if ('error' in clusterR) {
    if (clusterR.error.statusCode === 404 || clusterR.error.statusCode === 400) notFound();
    return (
      <Shell now={now}>
        {clusterR.error.statusCode === 403 ? <Forbidden what="this cluster" permission="read:aggregates" /> : <ApiErrorState error={clusterR.error} what="this cluster" />}
      </Shell>
    );
  }
  const c: ClusterSummary = clusterR.ok;
  const posture = 'ok' in postureR ? postureR.ok : null;
  const profile = 'ok' in profileR ? profileR.ok : null;
  const noSnapshot = 'error' in postureR && errorCode(postureR.error) === 'NO_SNAPSHOT';
  const nowHref = `/clusters/${c.id}`;
  const snapshot = posture?.snapshot ?? profile?.snapshot ?? null;
  const operate = can(role, 'operate');

  return (
    <Shell now={now}>
      <div className="page-title">
        <h1>
          {c.name} {c.demo ? <DemoBadge /> : null} {c.stale && !asOf ? <StaleBadge cluster={c} /> : null}
        </h1>
        <p className="page-sub">
          {[c.environment, c.team].filter(Boolean).join(' · ') || 'No environment or team set'} · source {c.source} · snapshots{' '}
          {formatSchedule(c.scheduleMinutes)}
          {c.enabled ? '' : ' (paused)'} · engine <EngineBadge engine={c.engine} />
        </p>
      </div>

      <div className="toolbar cluster-toolbar">
        <AsOfPicker label="View as of" />
        <span className="toolbar">
        {detail ? (
          <Link className="button" href={withAt(`/clusters/${c.id}/reachability`, p.at)}>
            Reachability matrix →
          </Link>
        ) : null}
        {detail ? (
          <Link className="button" href={`/clusters/${c.id}/diff?from=${new Date(now.getTime() - 7 * 86_400_000).toISOString().slice(0, 10)}`} data-testid="diff-link">
            Diff →
          </Link>
        ) : null}
        {operate ? (
          <Link className="button" href={`/clusters/${c.id}/simulate`} data-testid="simulate-link">
            What-if →
          </Link>
        ) : null}
        </span>
      </div>

      {asOf ? <AsOfBanner label={asOf.label} snapshot={snapshot} nowHref={nowHref} /> : null}
      {c.stale && !asOf ? (
        <p className="notice notice-warn" role="status" data-testid="stale-notice">
          <strong>⚠ Stale data.</strong> No snapshot succeeded within twice the schedule interval ({formatSchedule(c.scheduleMinutes)}); the last
          success was {c.posture ? <time dateTime={c.posture.takenAt}>{formatAge(c.posture.takenAt, now)}</time> : 'never'}. What follows may be out of date.
        </p>
      ) : null}

      {c.lastSnapshot?.status === 'failed' && !asOf ? (
        <p className="notice notice-bad" role="status" data-testid="last-failed">
          <strong>✗ The last snapshot failed</strong> ({formatAge(c.lastSnapshot.startedAt, now)}): {c.lastSnapshot.failureReason ?? 'no reason recorded'}.
          {c.posture ? ` Posture below is from the last successful one, ${formatTimestamp(c.posture.takenAt)}.` : ''}
        </p>
      ) : null}
      {noSnapshot ? (
        <section className="state state-empty" role="status" data-testid="no-snapshot">
          <h2>{asOf ? `No successful snapshot had been taken by ${asOf.label}` : 'No successful snapshot yet'}</h2>
          <p>
            {asOf
              ? 'Pick a later date, or go back to now.'
              : c.enabled
                ? `Kordon snapshots this cluster ${formatSchedule(c.scheduleMinutes)}; ${
                    c.lastSnapshot ? `the next run is due about ${formatTimestamp(new Date(new Date(c.lastSnapshot.startedAt).getTime() + c.scheduleMinutes * 60_000).toISOString())}` : 'the first run is due within one interval of registration'
                  }.${operate ? ' Or take one now below.' : ''}`
                : `Scheduled snapshots are paused for this cluster.${operate ? ' Take one now below.' : ''}`}
          </p>
        </section>
      ) : null}

      {'error' in postureR && !noSnapshot ? (
        postureR.error.statusCode === 403 ? <Forbidden what="this cluster's posture" permission="read:aggregates" /> : <ApiErrorState error={postureR.error} what="the posture" />
      ) : null}

      {posture ? (
        <div className="grid-2 cluster-top">
          {profile ? <ProfileCard profile={profile} links={detail} /> : 'error' in profileR ? <ApiErrorState error={profileR.error} what="the network profile" /> : null}
          <section className="panel" aria-labelledby="rollup-h">
            <h2 id="rollup-h">Posture roll-up</h2>
            <RollUp posture={posture} base={`/clusters/${c.id}`} atParam={p.at} />
          </section>
        </div>
      ) : null}

      {posture ? <HeatmapPanel clusterId={c.id} at={at} links={detail} /> : null}

      {posture ? (
        <section className="panel" aria-labelledby="ns-h">
          <h2 id="ns-h">Namespaces</h2>
          <PostureTable clusterId={c.id} rows={posture.items} total={posture.total} params={p} atParam={p.at} links={detail} />
        </section>
      ) : null}

      {posture && !asOf ? <ClusterChangesPanel clusterId={c.id} now={now} links={detail} /> : null}

      <section className="panel" aria-labelledby="history-h">
        <h2 id="history-h">Coverage and default-deny over time</h2>
        <HistoryPanel clusterId={c.id} at={at} />
      </section>

      <section className="panel" aria-labelledby="snap-h">
        <h2 id="snap-h">Snapshots</h2>
        {!detail ? (
          <p className="muted" data-testid="snapshots-hidden">
            The snapshot list and its problems need the {ROLE_LABEL[leastRoleFor('read:detail')]} role; your role reads aggregates only. Latest snapshot:{' '}
            {c.lastSnapshot ? `${c.lastSnapshot.status}, ${formatAge(c.lastSnapshot.startedAt, now)}` : 'none yet'}.
          </p>
        ) : (
          <SnapshotsPanel clusterId={c.id} canOperate={operate} enabled={c.enabled} inForce={asOf ? snapshot?.id : null} />
        )}
      </section>
    </Shell>
  );
}

/**
 * Default-deny in one direction over the counted namespaces: the share without exceptions, and,
 * only while exceptions are in force for namespaces lacking the baseline, the share counting them.
 * Falls back to the snapshot's roll-up when the API sends no figures.
 */
function DefaultDenyFact({ d, posture, href }: { d: 'ingress' | 'egress'; posture: ClusterPosturePage; href: string }) {
  const f = posture.defaultDenyFigures?.[d];
  const n = f?.namespaces ?? posture.summary.namespaces;
  const withDeny = f?.namespacesWithDefaultDeny ?? posture.summary[d].namespacesWithDefaultDeny;
  const share = f ? f.defaultDenyShare : n > 0 ? withDeny / n : null;
  const excepted = f ? f.namespacesWithDefaultDenyOrExcepted - f.namespacesWithDefaultDeny : 0;
  return (
    <div className="fact" data-testid={`dd-fact-${d}`}>
      <dt>Default-deny {d}</dt>
      <dd>
        {share !== null ? (
          <>
            <span className="num" data-testid={`dd-share-${d}`}>
              {formatPercent(share)}
            </span>{' '}
          </>
        ) : null}
        <Link href={href} prefetch={false} scroll={false}>
          {withDeny} of {n} namespaces
        </Link>
        {f && excepted > 0 && f.defaultDenyOrExceptedShare !== null ? (
          <span
            className="cell-sub dd-excepted"
            data-testid={`dd-fact-excepted-${d}`}
            title={`Counting the namespaces whose missing default-deny ${d} baseline an approved exception accepts`}
          >
            (<span className="num">{formatPercent(f.defaultDenyOrExceptedShare)}</span> counting{' '}
            <Link href={`/exceptions?cluster=${encodeURIComponent(posture.cluster.id)}`} prefetch={false}>
              {excepted} excepted namespace{excepted === 1 ? '' : 's'}
            </Link>
            )
          </span>
        ) : null}
      </dd>
    </div>
  );
}

function RollUp({ posture, base, atParam }: { posture: ClusterPosturePage; base: string; atParam: string | null }) {
  const filter = (q: string) => withAt(`${base}?${q}`, atParam);
  const s = posture.summary;
  const enforced = posture.snapshot.enforced;
  const paper = enforced ? '' : ' (on paper: not enforced)';
  return (
    <dl className="facts rollup" data-testid="rollup" data-snapshot-id={posture.snapshot.id}>
      <div className="fact">
        <dt>Pods isolated, ingress</dt>
        <dd>
          <span className="num">{formatPercent(s.ingress.pods)}</span>
          {paper}
        </dd>
      </div>
      <div className="fact">
        <dt>Pods isolated, egress</dt>
        <dd>
          <span className="num">{formatPercent(s.egress.pods)}</span>
          {paper}
        </dd>
      </div>
      <div className="fact">
        <dt>Workloads isolated</dt>
        <dd>
          in {formatPercent(s.ingress.workloads)} · out {formatPercent(s.egress.workloads)}
        </dd>
      </div>
      <DefaultDenyFact d="ingress" posture={posture} href={filter('dd=ingress&excluded=false')} />
      <DefaultDenyFact d="egress" posture={posture} href={filter('dd=egress&excluded=false')} />
      <div className="fact">
        <dt>Lacking a baseline</dt>
        <dd>
          <Link href={filter('dd=incomplete&excluded=false')} prefetch={false} scroll={false}>
            see the namespaces lacking one
          </Link>
        </dd>
      </div>
      <div className="fact">
        <dt>Excluded</dt>
        <dd>
          <Link href={filter('excluded=true')} prefetch={false} scroll={false}>
            {s.excludedNamespaces} system namespace{s.excludedNamespaces === 1 ? '' : 's'}
          </Link>{' '}
          <span className="muted">not counted</span>
        </dd>
      </div>
      <div className="fact">
        <dt>Snapshot</dt>
        <dd>
          <time dateTime={posture.snapshot.takenAt} title={formatTimestamp(posture.snapshot.takenAt)}>
            {formatTimestamp(posture.snapshot.takenAt)}
          </time>
        </dd>
      </div>
    </dl>
  );
}
