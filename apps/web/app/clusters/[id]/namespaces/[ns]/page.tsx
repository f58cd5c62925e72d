// One namespace at the latest snapshot or at `?at=`: default-deny per direction with the
// baseline's policies and how long it has held, its workloads with the policies isolating each,
// its policies as YAML, its labels, its findings with remediation YAML, and its history.
// Server-rendered from two API calls made in parallel (namespace detail, namespace history).
import type { ApiError, FindingItem, NamespaceDetail, NamespaceDirectionDetail, NamespaceHistory, NamespaceTimeInState, WorkloadPostureItem } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { stringify } from 'yaml';
import { AsOfPicker } from '../../../../../components/as-of';
import { AsOfBanner } from '../../../../../components/as-of-banner';
import { YamlBlock } from '../../../../../components/yaml-block';
import { apiClient, isKordonApiError } from '../../../../../lib/api-client';
import { parseAt } from '../../../../../lib/as-of';
import { formatPercent, formatTimestamp } from '../../../../../lib/format';
import { getSession } from '../../../../../lib/session';
import { AppHeader } from '../../../../_components/app-header';
import { Badge } from '../../../../_components/badges';
import { ApiErrorState } from '../../../../_components/state-message';
import { heldSince, heldSinceFromTimeInState, heldSinceText, type HeldSince } from '../_shared/held-since';
import { clusterHref, namespaceHref, policyHref, policyRefHref } from '../_shared/links';
import { NeedsRole } from '../_shared/needs-role';
import { NamespaceTrend, type TrendColumns } from '../_shared/namespace-trend';
import { TimeInStatePanel } from './time-in-state';
import '../_shared/namespace.css';

export const dynamic = 'force-dynamic';

type PageProps = { params: Promise<{ id: string; ns: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const DAY_MS = 86_400_000;
/** History read for the chart and "held since": one year of daily points. */
const HISTORY_DAYS = 365;

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const { ns } = await params;
  return { title: `Namespace ${decodeURIComponent(ns)}` };
}

type Loaded =
  | { kind: 'forbidden' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'ok'; detail: NamespaceDetail; history: NamespaceHistory | null; historyError: ApiError | null; tis: NamespaceTimeInState | null };

async function load(id: string, ns: string, at: string | null): Promise<Loaded> {
  const to = at ? new Date(at) : new Date();
  const from = new Date(to.getTime() - HISTORY_DAYS * DAY_MS);
  const [detail, history, tis] = await Promise.allSettled([
    apiClient.get<NamespaceDetail>(`/clusters/${encodeURIComponent(id)}/namespaces/${encodeURIComponent(ns)}`, { at }),
    apiClient.get<NamespaceHistory>(`/clusters/${encodeURIComponent(id)}/namespaces/${encodeURIComponent(ns)}/history`, {
      from: from.toISOString(),
      to: to.toISOString(),
      bucket: 'day',
    }),
    // "Held since" uses the interval semantics: a failed snapshot or a gap breaks the run.
    apiClient.get<NamespaceTimeInState>(`/clusters/${encodeURIComponent(id)}/namespaces/${encodeURIComponent(ns)}/time-in-state`, {
      from: from.toISOString(),
      to: to.toISOString(),
    }),
  ]);
  if (detail.status === 'rejected') {
    const err = detail.reason;
    if (isKordonApiError(err)) {
      if (err.status === 403) return { kind: 'forbidden' };
      if (err.status === 404 && (err.body.details as { code?: string } | undefined)?.code !== 'NO_SNAPSHOT') notFound();
      return { kind: 'error', error: err.body };
    }
    throw err;
  }
  if (history.status === 'rejected' && !isKordonApiError(history.reason)) throw history.reason;
  return {
    kind: 'ok',
    detail: detail.value,
    history: history.status === 'fulfilled' ? history.value : null,
    historyError: history.status === 'rejected' ? (history.reason as { body: ApiError }).body : null,
    tis: tis.status === 'fulfilled' ? tis.value : null,
  };
}

function Isolation({ w, d, clusterId, ns, at }: { w: WorkloadPostureItem; d: 'ingress' | 'egress'; clusterId: string; ns: string; at: string | null }) {
  const iso = w[d];
  return (
    <div data-testid={`iso-${d}`}>
      {iso.isolated ? (
        <span className="iso iso-yes"><span aria-hidden>✓</span> isolated</span>
      ) : (
        <span className="iso iso-no"><span aria-hidden>✗</span> open</span>
      )}
      {iso.policies.length > 0 ? (
        <>
          <span className="muted"> by </span>
          <ul className="pol-list" aria-label={`Policies selecting ${w.name} for ${d}`}>
            {iso.policies.map((p) => (
              <li key={p}>
                <Link href={policyRefHref(clusterId, ns, p, at)} className="mono">{p}</Link>
              </li>
            ))}
          </ul>
          {!iso.isolated ? <div className="cell-sub">selected, but host-networked pods are never isolated</div> : null}
        </>
      ) : (
        <div className="cell-sub">no policy selects it for {d}</div>
      )}
    </div>
  );
}

function HeldLine({ h, d }: { h: HeldSince; d: 'ingress' | 'egress' }) {
  const tone = h.state === 'held' ? 'held-good' : 'held-bad';
  return (
    <p className={`held ${tone}`} data-testid={`held-${d}`}>
      <span aria-hidden>{h.state === 'held' ? '✓ ' : '✗ '}</span>
      {heldSinceText(h, d)}
    </p>
  );
}

function DirectionCard({ d, dir, clusterId, ns, at, held }: { d: 'ingress' | 'egress'; dir: NamespaceDirectionDetail; clusterId: string; ns: string; at: string | null; held: HeldSince | null }) {
  const b = dir.baseline;
  return (
    <div className="ns-card" data-testid={`direction-${d}`}>
      <h3>{d}</h3>
      <div className="big">
        {dir.defaultDeny ? (
          <Badge tone="good" title="A default-deny baseline is present and not undone by an allow-all policy">✓ default-deny</Badge>
        ) : b.present && b.broken ? (
          <Badge tone="bad" title="The baseline exists but an allow-all policy undoes it">✗ baseline broken</Badge>
        ) : (
          <Badge tone="bad" title="No policy selects every pod with this direction and no rule">✗ no default-deny</Badge>
        )}
      </div>
      {!dir.defaultDeny && dir.defaultDenyExcepted ? (
        <p className="held" data-testid={`excepted-${d}`}>
          <Badge tone="info" title="An approved exception accepts this gap until it expires">Excepted</Badge> owner {dir.defaultDenyExcepted.owner}, until{' '}
          {dir.defaultDenyExcepted.expiresAt.slice(0, 10)} · <Link href={`/exceptions?cluster=${encodeURIComponent(clusterId)}`}>exceptions</Link>
        </p>
      ) : null}
      {b.present ? (
        <p className="held">
          Baseline:{' '}
          {b.policies.map((p, i) => (
            <span key={p}>
              {i > 0 ? ', ' : ''}
              <Link href={policyRefHref(clusterId, ns, p, at)} className="mono">{p}</Link>
            </span>
          ))}
        </p>
      ) : null}
      {b.broken ? (
        <p className="held held-bad" data-testid={`broken-${d}`}>
          Undone by{' '}
          {b.brokenBy.map((x, i) => (
            <span key={x.policy}>
              {i > 0 ? ', ' : ''}
              <Link href={policyRefHref(clusterId, ns, x.policy, at)} className="mono">{x.policy}</Link> (admits {x.reasons.join(', ')} on every port to {x.openedPods} pod{x.openedPods === 1 ? '' : 's'})
            </span>
          ))}
        </p>
      ) : null}
      <p className="held">
        Pods isolated: <strong>{dir.isolatedPods}</strong> of {dir.pods}
        {dir.podCoverage !== null ? ` (${formatPercent(dir.podCoverage)})` : ''}
        {dir.effectivelyIsolated && !dir.defaultDeny ? ' — every current pod, but no baseline protects pods created later' : ''}
      </p>
      {held ? <HeldLine h={held} d={d} /> : null}
    </div>
  );
}

async function FindingCard({ f }: { f: FindingItem }) {
  return (
    <article className={`finding finding-${f.severity}`} data-testid="finding">
      <h3>
        <Badge tone={f.severity === 'critical' || f.severity === 'high' ? 'bad' : f.severity === 'medium' ? 'warn' : 'info'}>{f.severity}</Badge>
        <span>{f.title}</span>
        <span className="muted mono">{f.ruleId}</span>
      </h3>
      <p>{f.message}</p>
      {f.remediation ? <p className="muted">{f.remediation.remediation}</p> : null}
      {f.remediationYaml ? <YamlBlock code={f.remediationYaml} label={`remediation YAML for ${f.ruleId}`} /> : null}
    </article>
  );
}

function chartColumns(history: NamespaceHistory): TrendColumns {
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  const pts = history.points;
  return {
    t: pts.map((p) => p.takenAt.slice(0, 10)),
    values: {
      ingress: pts.map((p) => pct(p.ingress.podCoverage)),
      egress: pts.map((p) => pct(p.egress.podCoverage)),
      ddIngress: pts.map((p) => (p.ingress.defaultDeny ? 100 : 0)),
      ddEgress: pts.map((p) => (p.egress.defaultDeny ? 100 : 0)),
    },
  };
}

/** A policy's YAML by its content hash (exact: the hash addresses the object), least recently used first. */
const yamlByHash = new Map<string, string>();
const YAML_CACHE_MAX = 2000;

function policyYaml(hash: string, object: Record<string, unknown> | null, body: string): string {
  if (!object) return body;
  const hit = yamlByHash.get(hash);
  if (hit !== undefined) {
    yamlByHash.delete(hash);
    yamlByHash.set(hash, hit);
    return hit;
  }
  const text = stringify(object, { lineWidth: 0 });
  yamlByHash.set(hash, text);
  if (yamlByHash.size > YAML_CACHE_MAX) yamlByHash.delete(yamlByHash.keys().next().value as string);
  return text;
}

export default async function NamespacePage({ params, searchParams }: PageProps) {
  const now = new Date();
  const { id, ns: rawNs } = await params;
  const ns = decodeURIComponent(rawNs);
  const sp = await searchParams;
  const atRaw = typeof sp.at === 'string' ? sp.at : null;
  const asOf = parseAt(atRaw);
  const [session, loaded] = await Promise.all([getSession(), load(id, ns, asOf?.at ?? null)]);

  if (loaded.kind !== 'ok') {
    return (
      <>
        <AppHeader now={now} />
        <main id="main" className="page">
          <nav className="crumbs" aria-label="Breadcrumbs">
            <Link href="/">Fleet</Link> → <Link href={clusterHref(id, atRaw)}>cluster</Link> → {ns}
          </nav>
          <div className="page-title"><h1>Namespace {ns}</h1></div>
          {loaded.kind === 'forbidden' ? (
            <NeedsRole role="auditor" what="Namespace detail" current={session?.role} />
          ) : (
            <ApiErrorState error={loaded.error} what={`namespace ${ns}`} />
          )}
        </main>
      </>
    );
  }

  const { detail, history, historyError, tis } = loaded;
  const n = detail.namespace;
  const at = asOf ? atRaw : null;
  const fromHistory = (d: 'ingress' | 'egress') => heldSince(history?.points ?? [], d);
  const held = history
    ? tis
      ? { ingress: heldSinceFromTimeInState(tis.ingress, tis.from, fromHistory('ingress')), egress: heldSinceFromTimeInState(tis.egress, tis.from, fromHistory('egress')) }
      : { ingress: fromHistory('ingress'), egress: fromHistory('egress') }
    : null;

  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page">
        <nav className="crumbs" aria-label="Breadcrumbs">
          <Link href={at ? `/?at=${encodeURIComponent(at)}` : '/'}>Fleet</Link> → <Link href={clusterHref(id, at)}>{detail.cluster.name}</Link> → <span aria-current="page">{n.name}</span>
        </nav>
        {asOf ? <AsOfBanner label={asOf.label} snapshot={detail.snapshot} nowHref={namespaceHref(id, ns)} /> : null}
        <div className="top-tools">
          <div className="page-title">
            <h1>
              Namespace <span className="mono">{n.name}</span>
              {n.excluded ? <Badge tone="neutral" title="System namespace left out of the cluster roll-ups">excluded from roll-ups</Badge> : null}
            </h1>
            <p className="page-sub">
              {n.pods} pod{n.pods === 1 ? '' : 's'} in {n.workloads} workload{n.workloads === 1 ? '' : 's'}
              {n.terminatedPods > 0 ? ` (+${n.terminatedPods} terminated, not counted)` : ''}, {n.policies} NetworkPolicy object{n.policies === 1 ? '' : 's'}
              {n.crdPolicies > 0 ? ` and ${n.crdPolicies} CRD polic${n.crdPolicies === 1 ? 'y' : 'ies'}` : ''}. Snapshot{' '}
              <code data-testid="snapshot-id">{detail.snapshot.id}</code> taken {formatTimestamp(detail.snapshot.takenAt)}.
            </p>
          </div>
          <AsOfPicker />
        </div>

        <section className="ns-facts" aria-label="Default-deny per direction">
          <DirectionCard d="ingress" dir={n.ingress} clusterId={id} ns={ns} at={at} held={held?.ingress ?? null} />
          <DirectionCard d="egress" dir={n.egress} clusterId={id} ns={ns} at={at} held={held?.egress ?? null} />
        </section>
        <p className="held-note">
          “Held since” is measured on snapshots: the first daily snapshot of the current unbroken run with a default-deny baseline,
          within the last {HISTORY_DAYS} days{asOf ? ` before ${asOf.label}` : ''}. A break between two snapshots would not show: “Time in state” below counts
          failed snapshots and gaps longer than the schedule as unknown.
          {historyError ? ` History could not be read: ${historyError.message}` : ''}
        </p>

        <section className="ns-section" aria-labelledby="workloads-h">
          <h2 id="workloads-h">Workloads ({detail.workloads.length})</h2>
          <p className="lead">Isolation per direction and the policies selecting each workload. A workload is open in a direction when no policy selecting it has that direction in its policyTypes: everything is allowed.</p>
          {detail.workloads.length === 0 ? (
            <p className="muted">No workloads in this namespace at this snapshot.</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="workloads">
                <thead>
                  <tr>
                    <th scope="col">Workload</th>
                    <th scope="col">Pods</th>
                    <th scope="col">Ingress</th>
                    <th scope="col">Egress</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.workloads.map((w) => (
                    <tr key={`${w.kind}/${w.name}`} data-workload={`${w.kind}/${w.name}`}>
                      <td>
                        <span className="mono">{w.kind}/{w.name}</span>
                        {w.basis === 'pods' ? <div className="cell-sub">judged pod by pod: isolated only when every pod is</div> : null}
                      </td>
                      <td className="num">{w.pods}</td>
                      <td><Isolation w={w} d="ingress" clusterId={id} ns={ns} at={at} /></td>
                      <td><Isolation w={w} d="egress" clusterId={id} ns={ns} at={at} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>

        <section className="ns-section" aria-labelledby="history-h">
          <h2 id="history-h">History</h2>
          <p className="lead">Share of pods isolated per direction, and default-deny as a 0 / 100 step, one point per day (the last snapshot of the day).</p>
          {history ? (
            <NamespaceTrend
              title={`Namespace ${n.name} coverage and default-deny`}
              columns={chartColumns(history)}
              series={[
                { key: 'ingress', label: 'Ingress pods isolated' },
                { key: 'egress', label: 'Egress pods isolated' },
                { key: 'ddIngress', label: 'Default-deny ingress' },
                { key: 'ddEgress', label: 'Default-deny egress' },
              ]}
            />
          ) : (
            <p className="muted">History is not available{historyError ? `: ${historyError.message}` : ''}.</p>
          )}
        </section>

        <section className="ns-section" aria-labelledby="tis-h">
          <h2 id="tis-h">Time in state</h2>
          <TimeInStatePanel clusterId={id} ns={ns} at={asOf?.at ?? null} />
        </section>

        <section className="ns-section" aria-labelledby="policies-h">
          <h2 id="policies-h">Policies ({detail.policies.length})</h2>
          {detail.policies.length === 0 ? (
            <p className="muted">No NetworkPolicy or CRD policy applies to this namespace: every pod is open both ways.</p>
          ) : (
            detail.policies.map((p) => (
              <article key={`${p.kind}/${p.namespace ?? ''}/${p.name}`} className="policy-card" data-testid="policy">
                <h3>
                  <Link href={policyHref(id, ns, p.kind, p.name, at)} className="mono">{p.name}</Link>
                  <Badge tone="neutral">{p.kind}</Badge>
                  {p.namespace === null ? <Badge tone="info" title="A cluster-wide policy selecting workloads of this namespace">cluster-wide</Badge> : null}
                </h3>
                <p className="meta">
                  {p.selects.length > 0 ? <>Selects {p.selects.join(', ')}</> : <>Selects no current workload</>} · sha256 <span className="mono">{p.hash.slice(0, 12)}…</span>
                </p>
                <details>
                  <summary>YAML</summary>
                  <YamlBlock code={policyYaml(p.hash, p.object, p.body)} label={`${p.kind} ${p.name} YAML`} />
                </details>
              </article>
            ))
          )}
        </section>

        <section className="ns-section" aria-labelledby="labels-h">
          <h2 id="labels-h">Labels</h2>
          {Object.keys(n.labels).length === 0 ? (
            <p className="muted">No labels.</p>
          ) : (
            <ul className="chips" data-testid="labels">
              {Object.entries(n.labels).map(([k, v]) => (
                <li key={k} className="chip">{k}={v}</li>
              ))}
            </ul>
          )}
        </section>

        <section className="ns-section" aria-labelledby="findings-h">
          <h2 id="findings-h">Findings ({detail.findings.length})</h2>
          {detail.findings.length === 0 ? (
            <p className="muted">No findings about this namespace at this snapshot.</p>
          ) : (
            detail.findings.map((f) => <FindingCard key={f.id} f={f} />)
          )}
        </section>
      </main>
    </>
  );
}
