// "What changed since last week": on the fleet page, per cluster counts from
// GET /fleet/changes?since= with links to each cluster's diff page; on the cluster page, the
// cluster's counts from GET /clusters/:id/changes?since= with "See the full diff". Read on the
// server with the user's credential; a failure (or a role that may not read it) is one line,
// never a broken page.
import Link from 'next/link';
import type { ClusterChanges, FleetChanges } from '@kordon/contracts';
import { countsOf } from '../../components/diff/changes-counts';
import { apiClient, isKordonApiError } from '../../lib/api-client';
import './changes-panel.css';

const DAY = 86_400_000;

/** Each count's words, singular and plural. */
const LABELS: Record<string, [string, string]> = {
  policiesAdded: ['policy added', 'policies added'],
  policiesRemoved: ['policy removed', 'policies removed'],
  policiesChanged: ['policy changed', 'policies changed'],
  labelChanges: ['label change', 'label changes'],
  driftedPolicies: ['policy drifted', 'policies drifted'],
  namespacesChanged: ['namespace changed', 'namespaces changed'],
  defaultDenyGained: ['default-deny gained', 'default-deny gained'],
  defaultDenyLost: ['default-deny lost', 'default-deny lost'],
  findingsOpened: ['finding opened', 'findings opened'],
  findingsResolved: ['finding resolved', 'findings resolved'],
  pairsChanged: ['namespace pair changed', 'namespace pairs changed'],
  pairsOpened: ['pair opened', 'pairs opened'],
  pairsClosed: ['pair closed', 'pairs closed'],
  profileChanges: ['profile change', 'profile changes'],
};
const words = (k: string, n: number) => LABELS[k]?.[n === 1 ? 0 : 1] ?? k.replace(/([A-Z])/g, ' $1').toLowerCase();

function Counts({ entry }: { entry: ClusterChanges }) {
  const c = countsOf(entry);
  const total = c.reduce((s, [, v]) => s + v, 0);
  if (!c.length || total === 0) return <span className="muted">no change</span>;
  return (
    <span className="changes-counts">
      {c
        .filter(([, v]) => v !== 0)
        .map(([k, v]) => (
          <span key={k} data-key={k}>
            <span className="num">{v.toLocaleString('en-US')}</span> {words(k, v)}
          </span>
        ))}
    </span>
  );
}

const sinceDate = (now: Date) => new Date(now.getTime() - 7 * DAY).toISOString().slice(0, 10);
const diffHref = (clusterId: string, since: string) => `/clusters/${encodeURIComponent(clusterId)}/diff?from=${since}`;

async function read<T>(path: string, since: string): Promise<{ ok: T } | { error: string; status: number }> {
  try {
    return { ok: await apiClient.get<T>(path, { since }) };
  } catch (err) {
    if (isKordonApiError(err)) return { error: err.body.message, status: err.status };
    throw err;
  }
}

export async function FleetChangesPanel({ now, links }: { now: Date; links: boolean }) {
  const since = sinceDate(now);
  const r = await read<FleetChanges>('/fleet/changes', since);
  const items = 'ok' in r ? r.ok.clusters : [];
  return (
    <section className="panel changes-panel" aria-labelledby="changes-h" data-testid="fleet-changes">
      <h2 id="changes-h">What changed since last week</h2>
      {'error' in r ? (
        <p className="muted">{r.status === 403 ? 'Your role cannot read the changes.' : `The changes could not be read: ${r.error}`}</p>
      ) : items.length === 0 ? (
        <p className="muted">No cluster has snapshots to compare since {since}.</p>
      ) : (
        <ul>
          {items.map((c) => {
            const id = c.clusterId;
            const name = c.name;
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
  const r = await read<ClusterChanges>(`/clusters/${encodeURIComponent(clusterId)}/changes`, since);
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
