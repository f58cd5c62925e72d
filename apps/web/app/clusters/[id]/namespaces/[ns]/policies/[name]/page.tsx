// One policy at the latest snapshot or at `?at=` (`?kind=` for CRD policies): what it selects
// (workloads and pods, and — for a past date — what it selects now), what it allows in words,
// its part in the namespace's default-deny baselines, and its YAML. One API call (two for a past
// date, in parallel).
import type { ApiError, PolicyDetail, PolicyDirectionView } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { stringify } from 'yaml';
import { AsOfPicker } from '../../../../../../../components/as-of';
import { AsOfBanner } from '../../../../../../../components/as-of-banner';
import { YamlBlock } from '../../../../../../../components/yaml-block';
import { apiClient, isKordonApiError } from '../../../../../../../lib/api-client';
import { parseAt } from '../../../../../../../lib/as-of';
import { formatTimestamp } from '../../../../../../../lib/format';
import { getSession } from '../../../../../../../lib/session';
import { AppHeader } from '../../../../../../_components/app-header';
import { Badge } from '../../../../../../_components/badges';
import { ApiErrorState } from '../../../../../../_components/state-message';
import { clusterHref, namespaceHref, policyHref } from '../../../_shared/links';
import { NeedsRole } from '../../../_shared/needs-role';
import '../../../_shared/namespace.css';

export const dynamic = 'force-dynamic';

type PageProps = {
  params: Promise<{ id: string; ns: string; name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/** Pods listed on the page; the counts always cover all. */
const PODS_SHOWN = 200;

export async function generateMetadata({ params }: PageProps): Promise<Metadata> {
  const { name } = await params;
  return { title: `Policy ${decodeURIComponent(name)}` };
}

type Result = { ok: PolicyDetail } | { forbidden: true } | { error: ApiError };

async function fetchPolicy(id: string, ns: string, name: string, kind: string | null, at: string | null): Promise<Result> {
  try {
    return {
      ok: await apiClient.get<PolicyDetail>(`/clusters/${encodeURIComponent(id)}/policies/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`, { kind, at }),
    };
  } catch (err) {
    if (!isKordonApiError(err)) throw err;
    if (err.status === 403) return { forbidden: true };
    return { error: err.body };
  }
}

function BaselineBadge({ v }: { v: PolicyDirectionView }) {
  const b = v.baseline;
  if (b.breaksBaseline) return <Badge tone="bad" title={b.text}>✗ breaks the {v.direction} baseline</Badge>;
  if (b.partOfBaseline) return <Badge tone={b.namespaceBaselineBroken ? 'warn' : 'good'} title={b.text}>✓ part of the {v.direction} baseline{b.namespaceBaselineBroken ? ' (broken)' : ''}</Badge>;
  if (v.allowAll) return <Badge tone="warn" title={b.text}>! allows all {v.direction}</Badge>;
  return <Badge tone="neutral" title={b.text}>not an {v.direction} baseline</Badge>;
}

function Direction({ v }: { v: PolicyDirectionView }) {
  return (
    <section className="dir-block" data-testid={`allows-${v.direction}`} aria-labelledby={`dir-${v.direction}`}>
      <h3 id={`dir-${v.direction}`}>
        {v.direction === 'ingress' ? 'Ingress (who may connect to the selected pods)' : 'Egress (where the selected pods may connect)'}
      </h3>
      <p>{v.text}</p>
      {v.rules.length > 0 ? (
        <ol className="rule-list">
          {v.rules.map((r) => (
            <li key={r.index} data-testid="rule">
              <span className="muted">Rule {r.index + 1}: </span>
              <span>{r.text}</span>{' '}
              {r.allowAll.length > 0 ? <Badge tone="warn" title="This rule admits every peer on every port">allow-all</Badge> : null}
              {r.notes.length > 0 ? (
                <ul className="notes">
                  {r.notes.map((note) => (
                    <li key={note}>{note}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      <p className="held" data-testid={`baseline-${v.direction}`}>
        <BaselineBadge v={v} /> {v.baseline.text}
      </p>
    </section>
  );
}

function Selection({ p, clusterId, ns, at }: { p: PolicyDetail; clusterId: string; ns: string; at: string | null }) {
  const s = p.selection;
  return (
    <>
      <p className="lead" data-testid="selection-text">
        {s.text}{' '}
        {s.basis === 'labels'
          ? 'Matched against the pod labels stored with the snapshot.'
          : 'As the snapshot’s posture recorded it (CRD selectors are evaluated by the engine).'}
      </p>
      {s.workloads.length === 0 ? (
        <p className="notice notice-warn">It selects no workload: its selector matches no pod label (a renamed label, or pods not created yet), so it has no effect.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="selected-workloads">
            <thead>
              <tr>
                <th scope="col">Workload</th>
                <th scope="col">Pods selected</th>
                <th scope="col">Isolated for</th>
                <th scope="col">Labels</th>
              </tr>
            </thead>
            <tbody>
              {s.workloads.map((w) => (
                <tr key={`${w.kind}/${w.name}`} data-workload={`${w.kind}/${w.name}`}>
                  <td className="mono">
                    <Link href={`${namespaceHref(clusterId, ns, at)}#workloads-h`}>{w.kind}/{w.name}</Link>
                  </td>
                  <td className="num">{w.selectedPods} of {w.pods}</td>
                  <td>{w.directions.join(', ') || '—'}</td>
                  <td>
                    <ul className="chips">
                      {Object.entries(w.labels ?? {}).map(([k, v]) => (
                        <li key={k} className="chip">{k}={v}</li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {s.pods.length > 0 ? (
        <details>
          <summary>Selected pods ({s.pods.length}{s.podsTruncated ? '+' : ''})</summary>
          <ul className="chips" data-testid="selected-pods">
            {s.pods.slice(0, PODS_SHOWN).map((pod) => (
              <li key={pod.name} className="chip" title={`${pod.workload}${pod.synthetic ? ' (from the workload template)' : ''}`}>
                {pod.name}
                {pod.hostNetwork ? ' (hostNetwork: never isolated)' : ''}
              </li>
            ))}
          </ul>
          {s.pods.length > PODS_SHOWN || s.podsTruncated ? <p className="muted">Showing the first {Math.min(PODS_SHOWN, s.pods.length)}.</p> : null}
        </details>
      ) : null}
    </>
  );
}

export default async function PolicyPage({ params, searchParams }: PageProps) {
  const now = new Date();
  const { id, ns: rawNs, name: rawName } = await params;
  const ns = decodeURIComponent(rawNs);
  const name = decodeURIComponent(rawName);
  const sp = await searchParams;
  const kind = typeof sp.kind === 'string' && sp.kind ? sp.kind : null;
  const atRaw = typeof sp.at === 'string' ? sp.at : null;
  const asOf = parseAt(atRaw);
  const at = asOf ? atRaw : null;
  const session = await getSession();
  const [then, current] = await Promise.all([
    fetchPolicy(id, ns, name, kind, asOf?.at ?? null),
    asOf ? fetchPolicy(id, ns, name, kind, null) : Promise.resolve(null),
  ]);

  const title = (
    <div className="page-title">
      <h1>
        Policy <span className="mono">{name}</span>
        <Badge tone="neutral">{kind ?? 'NetworkPolicy'}</Badge>
      </h1>
    </div>
  );

  if (!('ok' in then)) {
    if ('error' in then && then.error.statusCode === 404 && (then.error.details as { code?: string } | undefined)?.code !== 'NO_SNAPSHOT') notFound();
    return (
      <>
        <AppHeader now={now} />
        <main id="main" className="page">
          <nav className="crumbs" aria-label="Breadcrumbs">
            <Link href="/">Fleet</Link> → <Link href={clusterHref(id, at)}>cluster</Link> → <Link href={namespaceHref(id, ns, at)}>{ns}</Link> → {name}
          </nav>
          {title}
          {'forbidden' in then ? <NeedsRole role="auditor" what="Policy detail" current={session?.role} /> : <ApiErrorState error={then.error} what={`policy ${name}`} />}
        </main>
      </>
    );
  }

  const p = then.ok;
  const nowSel = current && 'ok' in current ? current.ok.selection : null;
  const yamlText = p.policy.object ? stringify(p.policy.object, { lineWidth: 0 }) : p.policy.body;

  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page">
        <nav className="crumbs" aria-label="Breadcrumbs">
          <Link href={at ? `/?at=${encodeURIComponent(at)}` : '/'}>Fleet</Link> → <Link href={clusterHref(id, at)}>{p.cluster.name}</Link> →{' '}
          <Link href={namespaceHref(id, ns, at)}>{ns}</Link> → <span aria-current="page">{p.policy.name}</span>
        </nav>
        {asOf ? <AsOfBanner label={asOf.label} snapshot={p.snapshot} nowHref={policyHref(id, ns, p.policy.kind, p.policy.name)} /> : null}
        <div className="top-tools">
          <div className="page-title">
            <h1>
              Policy <span className="mono">{p.policy.name}</span>
              <Badge tone="neutral">{p.policy.kind}</Badge>
              {p.policy.namespace === null ? <Badge tone="info">cluster-wide</Badge> : null}
            </h1>
            <p className="page-sub" data-testid="policy-summary">{p.summary}</p>
            <p className="page-sub">
              In namespace <Link href={namespaceHref(id, ns, at)}>{ns}</Link> of {p.cluster.name}; snapshot <code data-testid="snapshot-id">{p.snapshot.id}</code> taken{' '}
              {formatTimestamp(p.snapshot.takenAt)}; sha256 <span className="mono">{p.policy.hash}</span>.
            </p>
          </div>
          <AsOfPicker />
        </div>

        <section className="ns-section" aria-labelledby="baseline-h">
          <h2 id="baseline-h">Default-deny baseline</h2>
          <p className="held">
            <BaselineBadge v={p.ingress} /> <BaselineBadge v={p.egress} />
          </p>
        </section>

        <section className="ns-section" aria-labelledby="selects-h">
          <h2 id="selects-h">What it selects</h2>
          <p className="lead">Its podSelector: {p.podSelector}. {p.policyTypesText}</p>
          <Selection p={p} clusterId={id} ns={ns} at={at} />
          {asOf ? (
            <p className="notice notice-info" data-testid="selection-now">
              {nowSel
                ? `Now (latest snapshot) it selects ${nowSel.workloads.length} workload(s) and ${nowSel.selectedPods} pod(s): ${nowSel.workloads.map((w) => `${w.kind}/${w.name}`).join(', ') || 'none'}.`
                : 'It is not in the latest snapshot: it was deleted (or renamed) since.'}{' '}
              <Link href={policyHref(id, ns, p.policy.kind, p.policy.name)}>See it now</Link>
            </p>
          ) : null}
        </section>

        <section className="ns-section" aria-labelledby="allows-h">
          <h2 id="allows-h">What it allows</h2>
          {p.described ? null : (
            <p className="notice notice-info">
              {p.policy.kind} rules (L7, FQDN, entities, Calico order) are not described rule by rule; below is what the posture evaluates: which directions it isolates, whether it denies or allows all. Read the YAML for the rules.
            </p>
          )}
          <div className="grid-2">
            <Direction v={p.ingress} />
            <Direction v={p.egress} />
          </div>
          {p.problems.length > 0 ? (
            <div className="notice notice-warn" role="note">
              <strong>Reading problems:</strong>
              <ul>
                {p.problems.map((x) => (
                  <li key={`${x.field}-${x.message}`}>
                    {x.severity}: {x.field ? <code>{x.field}</code> : null} {x.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <details>
            <summary>How Kubernetes reads a NetworkPolicy</summary>
            <ul className="semantics">
              {p.semantics.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          </details>
        </section>

        <section className="ns-section" aria-labelledby="yaml-h">
          <h2 id="yaml-h">YAML</h2>
          <p className="lead">Converted from the JSON the API server served (stored byte for byte; its SHA-256 is above).</p>
          <YamlBlock code={yamlText} label={`${p.policy.kind} ${p.policy.name} YAML`} />
        </section>
      </main>
    </>
  );
}
