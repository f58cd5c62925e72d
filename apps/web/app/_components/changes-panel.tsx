// "What changed since last week": on the fleet page, per cluster counts from
// GET /fleet/changes?since= with links to each cluster's diff page; on the cluster page, the
// cluster's counts from GET /clusters/:id/changes?since= with "See the full diff". Read on the
// server with the user's credential; a failure (or a role that may not read it) is one line,
// never a broken page.
import Link from 'next/link';
import { countsOf } from '../../components/diff/changes-counts';
import { apiClient, isKordonApiError } from '../../lib/api-client';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- wire shape read defensively until the contract settles
type Any = any;

const DAY = 86_400_000;
const arr = (v: Any): Any[] => (Array.isArray(v) ? v : []);

const LABELS: Record<string, string> = {
  policiesAdded: 'policies added',
  policiesRemoved: 'removed',
  policiesChanged: 'changed',
  labelChanges: 'label changes',
  drift: 'drifted',
  driftedPolicies: 'drifted',
  defaultDenyGained: 'default-deny gained',
  defaultDenyLost: 'default-deny lost',
  findingsOpened: 'findings opened',
  findingsResolved: 'resolved',
  pairsOpened: 'pairs opened',
  pairsClosed: 'pairs closed',
  reachabilityChanged: 'pairs changed',
  profileChanges: 'profile changes',
  snapshots: 'snapshots',
};
const words = (k: string) => LABELS[k] ?? k.replace(/([A-Z])/g, ' $1').toLowerCase();

function Counts({ entry }: { entry: Any }) {
  const c = countsOf(entry);
  const total = c.reduce((s, [, v]) => s + v, 0);
  if (!c.length || total === 0) return <span className="muted">no change</span>;
  return (
    <span className="changes-counts">
      {c
        .filter(([, v]) => v !== 0)
        .map(([k, v]) => (
          <span key={k} data-key={k}>
            <span className="num">{v.toLocaleString('en-US')}</span> {words(k)}
          </span>
        ))}
    </span>
  );
}

const sinceDate = (now: Date) => new Date(now.getTime() - 7 * DAY).toISOString().slice(0, 10);
const diffHref = (clusterId: string, since: string) => `/clusters/${encodeURIComponent(clusterId)}/diff?from=${since}`;

async function read(path: string, since: string): Promise<{ ok: Any } | { error: string; status: number }> {
  try {
    return { ok: await apiClient.get<Any>(path, { since }) };
  } catch (err) {
    if (isKordonApiError(err)) return { error: err.body.message, status: err.status };
    throw err;
  }
}

export async function FleetChangesPanel({ now, links }: { now: Date; links: boolean }) {
  const since = sinceDate(now);
  const r = await read('/fleet/changes', since);
  // The changes API (issue 9) has not landed yet: show nothing rather than an error line.
  if ('error' in r && r.status === 404) return null;
  const items = 'ok' in r ? arr(r.ok?.clusters ?? r.ok?.items ?? r.ok) : [];
  return (
    <section className="panel changes-panel" aria-labelledby="changes-h" data-testid="fleet-changes">
      <h2 id="changes-h">What changed since last week</h2>
      {'error' in r ? (
        <p className="muted">{r.status === 403 ? 'Your role cannot read the changes.' : `The changes could not be read: ${r.error}`}</p>
      ) : items.length === 0 ? (
        <p className="muted">No cluster has snapshots to compare since {since}.</p>
      ) : (
        <ul>
          {items.map((c: Any) => {
            const id = String(c.clusterId ?? c.cluster?.id ?? c.id);
            const name = String(c.name ?? c.clusterName ?? c.cluster?.name ?? id);
            return (
              <li key={id} data-testid="fleet-change" data-cluster-id={id}>
                {links ? (
                  <Link href={diffHref(id, since)} prefetch={false}>
                    {name}
                  </Link>
                ) : (
                  <strong>{name}</strong>
                )}
                : <Counts entry={c} />
              </li>
            );
          })}
        </ul>
      )}
      <p className="muted">Since {since}, from each cluster&apos;s snapshot in force then to its latest.</p>
    </section>
  );
}

export async function ClusterChangesPanel({ clusterId, now, links }: { clusterId: string; now: Date; links: boolean }) {
  const since = sinceDate(now);
  const r = await read(`/clusters/${encodeURIComponent(clusterId)}/changes`, since);
  if ('error' in r && r.status === 404) return null;
  return (
    <section className="panel changes-panel" aria-labelledby="cl-changes-h" data-testid="cluster-changes">
      <h2 id="cl-changes-h">What changed since last week</h2>
      {'error' in r ? (
        <p className="muted">{r.status === 403 ? 'Your role cannot read the changes.' : `The changes could not be read: ${r.error}`}</p>
      ) : (
        <p>
          <Counts entry={r.ok} />
        </p>
      )}
      <p className="muted" data-testid="changes-since">
        Since {since}, from the snapshot in force then to the latest.
      </p>
      {links ? (
        <p>
          <Link href={diffHref(clusterId, since)} prefetch={false} data-testid="full-diff">
            See the full diff →
          </Link>
        </p>
      ) : null}
    </section>
  );
}
