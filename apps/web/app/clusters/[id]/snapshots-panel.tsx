'use client';
// The cluster's snapshots, live: "Snapshot now" (security and admin) posts through the /api proxy
// (CSRF handled by browserApi), then the list and the running snapshot are polled, showing
// queued → running (phase and counts, e.g. "pods 12,000/20,000") → succeeded or failed with its
// reason. When the new snapshot succeeds the server page is refreshed, so posture follows.
// The list is read after first content: it sits below the fold, and the page header already
// says when the last snapshot failed.
import type { Page, SnapshotDetail, SnapshotJobAccepted, SnapshotSummary } from '@kordon/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { browserApi, type BrowserApiError } from '../../../lib/browser-api';
import { formatDuration, formatTimestamp } from '../../../lib/format';

const POLL_MS = 1000;
/** Browser and API clocks may differ a little: a snapshot started this much before the click is still "ours". */
const CLOCK_SLACK_MS = 10_000;

const n = (v: number) => v.toLocaleString('en-US');

/**
 * "listing pods · pods 12,000/20,000": objects read so far, against the previous successful
 * snapshot's count of the same kind (the API cannot know the total before it has listed it).
 */
function progressText(d: SnapshotDetail | undefined, previous: SnapshotDetail | undefined): string {
  const p = d?.progress;
  if (!p) return 'starting';
  const before = new Map(Object.entries(previous?.counts ?? {}).map(([k, v]) => [k.toLowerCase(), v as number]));
  const parts: string[] = [];
  for (const [k, v] of Object.entries(p.counts ?? {})) {
    const total = before.get(k.toLowerCase());
    parts.push(total !== undefined && total >= v ? `${k} ${n(v)}/${n(total)}` : `${k} ${n(v)}`);
  }
  return `${p.phase}${parts.length ? ` · ${parts.join(', ')}` : ''}${parts.some((x) => x.includes('/')) ? ' (of the last snapshot’s counts)' : ''}`;
}

function StatusWord({ s }: { s: SnapshotSummary }) {
  const icon = s.status === 'succeeded' ? '✓' : s.status === 'failed' ? '✗' : '⟳';
  return (
    <span className={`badge badge-${s.status === 'succeeded' ? 'good' : s.status === 'failed' ? 'bad' : 'info'}`} data-testid="snapshot-status">
      <span aria-hidden>{icon}</span> {s.status}
    </span>
  );
}

function Details({ id }: { id: string }) {
  const q = useQuery({ queryKey: ['snapshot', id], queryFn: () => browserApi<SnapshotDetail>(`/snapshots/${id}`), staleTime: 60_000 });
  if (q.isPending) return <span className="muted">loading…</span>;
  if (q.isError) {
    const e = q.error as BrowserApiError;
    return <span className="muted">{e.status === 403 ? 'Problems need the Auditor role.' : `Could not load: ${e.message}`}</span>;
  }
  const d = q.data;
  const c = d.counts;
  return (
    <div className="snapshot-details">
      {c ? (
        <p>
          {n(c.namespaces)} namespaces · {n(c.pods)} pods · {n(c.workloads)} workloads · {n(c.networkPolicies)} NetworkPolicies
          {c.crdPolicies ? ` · ${n(c.crdPolicies)} CRD policies` : ''} · {n(c.nodes)} nodes{d.kubernetesVersion ? ` · Kubernetes ${d.kubernetesVersion}` : ''}
        </p>
      ) : null}
      {d.problems.length === 0 ? (
        <p className="muted">No problems recorded.</p>
      ) : (
        <ul className="snapshot-problems">
          {d.problems.map((p, i) => (
            <li key={i}>
              <strong className={p.severity === 'error' ? 'text-bad' : ''}>
                {p.severity === 'error' ? '✗ error' : '⚠ warning'} {p.code}
              </strong>
              {p.object ? <span className="mono"> {p.object}</span> : null}: {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function SnapshotsPanel({
  clusterId,
  canOperate,
  enabled,
  inForce,
}: {
  clusterId: string;
  canOperate: boolean;
  enabled: boolean;
  /** With `?at=`: the snapshot in force then, marked in the list. */
  inForce?: string | null;
}) {
  const router = useRouter();
  const [requestedAt, setRequestedAt] = useState<number | null>(null);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const refreshed = useRef<string | null>(null);

  const list = useQuery({
    queryKey: ['snapshots', clusterId],
    queryFn: () => browserApi<Page<SnapshotSummary>>(`/clusters/${clusterId}/snapshots?limit=10`),
    staleTime: 0,
    refetchInterval: (query) => (requestedAt !== null || query.state.data?.items.some((s) => s.status === 'running') ? POLL_MS : false),
  });
  const items = list.data?.items ?? [];
  const running = items.find((s) => s.status === 'running');
  const ours = requestedAt !== null ? items.find((s) => new Date(s.startedAt).getTime() >= requestedAt - CLOCK_SLACK_MS && s.trigger === 'manual') : undefined;
  const progress = useQuery({
    queryKey: ['snapshot-progress', running?.id],
    queryFn: () => browserApi<SnapshotDetail>(`/snapshots/${running!.id}`),
    enabled: !!running,
    refetchInterval: POLL_MS,
    staleTime: 0,
  });

  // The last successful snapshot's counts: what "pods 12,000/20,000" is measured against.
  const lastGood = items.find((s) => s.status === 'succeeded');
  const previous = useQuery({
    queryKey: ['snapshot', lastGood?.id],
    queryFn: () => browserApi<SnapshotDetail>(`/snapshots/${lastGood!.id}`),
    enabled: !!running && !!lastGood,
    staleTime: 5 * 60_000,
  });

  const trigger = useMutation({
    mutationFn: () => browserApi<SnapshotJobAccepted>(`/clusters/${clusterId}/snapshots`, { method: 'POST' }),
    onMutate: () => setRequestedAt(Date.now()),
    onError: () => setRequestedAt(null),
  });

  // Done: refresh the server page once, so the posture, table and history show the new snapshot.
  useEffect(() => {
    if (ours && ours.status !== 'running' && refreshed.current !== ours.id) {
      refreshed.current = ours.id;
      setRequestedAt(null);
      if (ours.status === 'succeeded') router.refresh();
    }
  }, [ours, router]);

  const phase: 'idle' | 'queued' | 'running' = trigger.isPending || (requestedAt !== null && !ours) ? 'queued' : running ? 'running' : 'idle';
  const last = refreshed.current ? items.find((s) => s.id === refreshed.current) : undefined;

  return (
    <div className="snapshots-panel">
      <div className="toolbar">
        {canOperate ? (
          <button type="button" className="button button-primary" onClick={() => trigger.mutate()} disabled={phase !== 'idle'} data-testid="snapshot-now">
            {phase === 'idle' ? 'Snapshot now' : 'Snapshot in progress…'}
          </button>
        ) : null}
        <span role="status" aria-live="polite" className="snapshot-live" data-testid="snapshot-live">
          {phase === 'queued' ? (
            <>
              <span className="badge badge-info">… queued</span> waiting for a worker…
            </>
          ) : phase === 'running' ? (
            <>
              <span className="badge badge-info">
                <span className="pulse" aria-hidden /> running
              </span>{' '}
              {progressText(progress.data, previous.data)}
            </>
          ) : last ? (
            <>
              Snapshot <StatusWord s={last} /> {last.status === 'failed' ? `: ${last.failureReason ?? 'no reason recorded'}` : `in ${formatDuration(last.startedAt, last.finishedAt)}`}
            </>
          ) : trigger.data?.alreadyQueued ? (
            'A snapshot was already queued.'
          ) : null}
        </span>
        {trigger.isError ? (
          <span className="notice notice-bad" role="alert">
            Could not start a snapshot: {trigger.error.message}
          </span>
        ) : null}
        {!enabled ? <span className="muted">Scheduled snapshots are paused for this cluster.</span> : null}
      </div>
      {list.isError ? (
        <p className="notice notice-bad" role="alert">
          {(list.error as BrowserApiError).status === 403 ? 'The snapshot list needs the Auditor role.' : `Could not load the snapshots: ${list.error.message}`}
        </p>
      ) : list.isPending ? (
        <p className="muted" role="status">
          Loading the snapshots…
        </p>
      ) : items.length === 0 ? (
        <p className="muted">No snapshots yet.{canOperate ? ' Take the first one with Snapshot now.' : ''}</p>
      ) : (
        <div className="table-wrap">
          <table className="snapshots" aria-label="Recent snapshots">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Trigger</th>
                <th scope="col">Snapshot id</th>
                <th scope="col">Failure reason, counts and problems</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-snapshot-id={s.id} className={s.id === inForce ? 'row-in-force' : undefined}>
                  <td>
                    <StatusWord s={s} />
                    {s.id === inForce ? <div className="cell-sub">◆ in force at the date viewed</div> : null}
                  </td>
                  <td>
                    <time dateTime={s.startedAt}>{formatTimestamp(s.startedAt)}</time>
                  </td>
                  <td className="num">{s.status === 'running' ? '…' : formatDuration(s.startedAt, s.finishedAt)}</td>
                  <td>{s.trigger}</td>
                  <td className="mono snapshot-id">{s.id.slice(0, 8)}</td>
                  <td>
                    {s.failureReason ? <div className="text-bad">✗ {s.failureReason}</div> : null}
                    {s.status === 'running' ? (
                      <span className="muted">{s.id === running?.id ? progressText(progress.data, previous.data) : 'running'}</span>
                    ) : (
                      <>
                        <button
                          type="button"
                          className="button button-ghost"
                          aria-expanded={open.has(s.id)}
                          onClick={() =>
                            setOpen((o) => {
                              const next = new Set(o);
                              if (next.has(s.id)) next.delete(s.id);
                              else next.add(s.id);
                              return next;
                            })
                          }
                        >
                          {open.has(s.id) ? 'Hide details' : 'Counts and problems'}
                        </button>
                        {open.has(s.id) ? <Details id={s.id} /> : null}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
