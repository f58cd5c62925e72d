// Evidence (auditors and up): pick a cluster and a date, see what was true then — the snapshot
// in force, the network profile, the posture summary, the per-namespace table, the policies with
// their SHA-256, the integrity digests — download the evidence JSON, and list the snapshots of
// the 30 days before with their manifest digests. The signed bundle (zip), the posture CSV and the
// printable report download at that date or over a range, and "Verify chain" recomputes the digest
// chain of those 30 days (`&verify=1`, so the page stays fast until asked). The forms are plain
// GETs: the URL is the view.
import type { ApiError, ChainVerification, ClusterPosture, ClusterSummary, EvidenceDocument, EvidenceList, PostureSummary } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import { stringify } from 'yaml';
import { AsOfBanner } from '../../components/as-of-banner';
import { CopyButton } from '../../components/copy-button';
import { apiClient, isKordonApiError } from '../../lib/api-client';
import { parseAt } from '../../lib/as-of';
import { formatPercent, formatTimestamp } from '../../lib/format';
import { can } from '../../lib/permissions';
import { getSession } from '../../lib/session';
import { AppHeader } from '../_components/app-header';
import { Badge } from '../_components/badges';
import { ApiErrorState } from '../_components/state-message';
import { namespaceHref, policyHref } from '../clusters/[id]/namespaces/_shared/links';
import { NeedsRole } from '../clusters/[id]/namespaces/_shared/needs-role';
import { chainVerification, evidenceDocument, evidenceRange, RANGE_DAYS, snapshotInForce } from './evidence-data';
import './evidence.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Evidence' };

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

type Loaded =
  | { kind: 'none' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'ok'; posture: ClusterPosture; doc: EvidenceDocument; range: EvidenceList | null; rangeError: ApiError | null };

async function load(clusterId: string | null, at: string | null, now: Date): Promise<Loaded> {
  if (!clusterId) return { kind: 'none' };
  try {
    const [posture, range] = await Promise.all([
      snapshotInForce(clusterId, at),
      evidenceRange(clusterId, at, now).then((r) => ({ r, e: null }), (e: unknown) => {
        if (isKordonApiError(e)) return { r: null, e: e.body };
        throw e;
      }),
    ]);
    const doc = await evidenceDocument(posture.snapshot.id);
    return { kind: 'ok', posture, doc, range: range.r, rangeError: range.e };
  } catch (err) {
    if (isKordonApiError(err)) return { kind: 'error', error: err.body };
    throw err;
  }
}

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

const pct = (v: unknown) => (typeof v === 'number' ? formatPercent(v) : '—');
const str = (v: unknown) => (v === null || v === undefined ? '—' : Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v));

function Picker({ clusters, cluster, at }: { clusters: ClusterSummary[]; cluster: string | null; at: string | null }) {
  const today = new Date().toISOString().slice(0, 10);
  return (
    <form method="get" action="/evidence" className="toolbar evidence-form" aria-label="Pick a cluster and a date">
      <label htmlFor="evidence-cluster">Cluster</label>
      <select id="evidence-cluster" name="cluster" defaultValue={cluster ?? ''} required>
        <option value="" disabled>
          Choose a cluster…
        </option>
        {clusters.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
            {c.environment ? ` (${c.environment})` : ''}
          </option>
        ))}
      </select>
      <label htmlFor="evidence-at">As of</label>
      <input id="evidence-at" type="date" name="at" defaultValue={at && /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : ''} max={today} />
      <button type="submit" className="button button-primary">
        Show evidence
      </button>
      <span className="muted">Leave the date empty for the latest snapshot.</span>
    </form>
  );
}

type ChainResult = { kind: 'ok'; v: ChainVerification } | { kind: 'error'; error: ApiError } | null;

async function verifyChain(clusterId: string, at: string | null, now: Date): Promise<ChainResult> {
  try {
    return { kind: 'ok', v: await chainVerification(clusterId, at, now) };
  } catch (err) {
    if (isKordonApiError(err)) return { kind: 'error', error: err.body };
    throw err;
  }
}

function ChainVerdict({ result }: { result: ChainResult }) {
  if (!result) return null;
  if (result.kind === 'error') return <p data-testid="chain-result" role="status"><Badge tone="bad">✗ could not verify</Badge> {result.error.message}</p>;
  const c = result.v.clusters[0];
  if (!c) return <p data-testid="chain-result" role="status" className="muted">No snapshot to verify.</p>;
  return (
    <div data-testid="chain-result" role="status" className="chain-result">
      {c.ok ? (
        <p>
          <Badge tone="good">✓ chain ok</Badge> {c.checked} snapshot digest(s) recomputed from the stored rows and their links checked
          {c.pruned ? `, ${c.pruned} pruned by retention (links kept)` : ''}
          {c.unchained ? `; ${c.unchained} not chained (written before digests)` : ''}.
        </p>
      ) : (
        <p>
          <Badge tone="bad">✗ chain broken</Badge> first break ({c.firstBreak?.kind}) at snapshot <code data-testid="chain-break-snapshot">{c.firstBreak?.snapshotId}</code> taken{' '}
          {formatTimestamp(c.firstBreak?.startedAt ?? null)}: {c.firstBreak?.message}
        </p>
      )}
      <p className="muted">
        {formatTimestamp(result.v.from)} to {formatTimestamp(result.v.to)}, verified {formatTimestamp(result.v.verifiedAt)}. {result.v.method}
      </p>
    </div>
  );
}

function SignedEvidence({ clusterId, atRaw, chain }: { clusterId: string; atRaw: string | null; chain: ChainResult }) {
  const q = `cluster=${encodeURIComponent(clusterId)}${atRaw ? `&at=${encodeURIComponent(atRaw)}` : ''}`;
  const today = new Date().toISOString().slice(0, 10);
  return (
    <section className="ns-section" aria-labelledby="signed-h">
      <h2 id="signed-h">Signed evidence</h2>
      <p className="lead">
        The bundle holds the manifests, labels, network profile, posture, findings, exceptions in force, time in state, the digest chain and a printable report,
        with <code>manifest.json</code> listing every file&rsquo;s SHA-256, signed with Ed25519 (public key: <code>/api/evidence/public-key</code>). Check it offline
        with <code>kordon verify &lt;bundle.zip&gt; --public-key kordon-evidence.pub</code>.
      </p>
      <div className="evidence-actions">
        <a className="button button-primary" href={`/evidence/bundle?${q}`} download data-testid="download-bundle">
          <span aria-hidden>⬇</span> Download evidence bundle (.zip)
        </a>
        <a className="button" href={`/evidence/posture-csv?${q}`} download data-testid="download-csv">
          Posture CSV
        </a>
        <a className="button" href={`/evidence/report?${q}`} target="_blank" rel="noopener" data-testid="open-report">
          Printable report
        </a>
        <form method="get" action="/evidence" className="inline-form">
          <input type="hidden" name="cluster" value={clusterId} />
          {atRaw ? <input type="hidden" name="at" value={atRaw} /> : null}
          <input type="hidden" name="verify" value="1" />
          <button type="submit" className="button" data-testid="verify-chain">
            Verify chain
          </button>
        </form>
      </div>
      <form method="get" action="/evidence/bundle" className="toolbar evidence-form" aria-label="Bundle over a range">
        <input type="hidden" name="cluster" value={clusterId} />
        <label htmlFor="bundle-from">Range from</label>
        <input id="bundle-from" type="date" name="from" required max={today} />
        <label htmlFor="bundle-to">to</label>
        <input id="bundle-to" type="date" name="to" required max={today} />
        <button type="submit" className="button" data-testid="download-range-bundle">
          Download range bundle (.zip)
        </button>
        <span className="muted">At most 366 days; time in state and the chain cover the range.</span>
      </form>
      <ChainVerdict result={chain} />
    </section>
  );
}

function Evidence({ posture, doc, range, rangeError, clusterId, atRaw, chain }: Extract<Loaded, { kind: 'ok' }> & { clusterId: string; atRaw: string | null; chain: ChainResult }) {
  const summary = (doc.posture.summary ?? {}) as Partial<PostureSummary> & { engine?: string };
  const profile = doc.networkProfile;
  const downloadHref = `/evidence/download?cluster=${encodeURIComponent(clusterId)}${atRaw ? `&at=${encodeURIComponent(atRaw)}` : ''}`;
  const rows = doc.posture.namespaces as Record<string, unknown>[];
  const postureDigest = new Map(doc.integrity.items.filter((i) => i.type === 'posture').map((i) => [i.key, i.sha256]));
  const at = atRaw;
  return (
    <>
      <section className="ns-section" aria-labelledby="snap-h">
        <h2 id="snap-h">
          Snapshot <code data-testid="evidence-snapshot-id">{doc.snapshot.id}</code>
        </h2>
        <div className="evidence-actions">
          <a className="button button-primary" href={downloadHref} download data-testid="download">
            <span aria-hidden>⬇</span> Download evidence JSON
          </a>
          <span className="muted">kordon-evidence/v1, with a SHA-256 per item and a manifest digest you can recompute.</span>
        </div>
        <dl className="facts">
          <Fact label="Cluster">{doc.cluster.name} <span className="muted">({doc.cluster.source}{doc.cluster.environment ? `, ${doc.cluster.environment}` : ''}{doc.cluster.team ? `, team ${doc.cluster.team}` : ''})</span></Fact>
          <Fact label="Taken" testId="evidence-taken">{formatTimestamp(doc.snapshot.startedAt)}</Fact>
          <Fact label="Finished">{formatTimestamp(doc.snapshot.finishedAt)}</Fact>
          <Fact label="Trigger">{doc.snapshot.trigger}</Fact>
          <Fact label="Kubernetes">{doc.snapshot.kubernetesVersion ?? '—'}</Fact>
          <Fact label="Policy engine">{doc.snapshot.policyEngine ?? 'unknown'} {posture.snapshot.enforced ? <Badge tone="good">✓ enforced</Badge> : <Badge tone="bad">✗ not enforced</Badge>}</Fact>
          <Fact label="Manifest digest (SHA-256)" testId="manifest-digest">
            <span className="mono digest">{doc.integrity.manifestDigest}</span> <CopyButton text={doc.integrity.manifestDigest} label="Copy the manifest digest" />
          </Fact>
          <Fact label="Stored content verified" testId="verified">
            {doc.integrity.contentAddressesVerified ? (
              <Badge tone="good" title="Every stored object matched its content address when this page was produced">✓ content addresses match</Badge>
            ) : (
              <Badge tone="bad" title={doc.integrity.mismatches.join('; ')}>✗ {doc.integrity.mismatches.length} mismatch(es)</Badge>
            )}
          </Fact>
        </dl>
        <p className="muted">{doc.integrity.method}</p>
      </section>

      <SignedEvidence clusterId={clusterId} atRaw={atRaw} chain={chain} />

      <div className="grid-2">
        <section className="panel" aria-labelledby="profile-h">
          <h2 id="profile-h">Network profile</h2>
          {profile ? (
            <table className="kv" data-testid="network-profile">
              <tbody>
                {Object.entries(profile).map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td className="mono">
                      {v !== null && typeof v === 'object' && !Array.isArray(v) ? (
                        <details>
                          <summary>{Object.keys(v).length} field(s)</summary>
                          <pre className="kv-pre">{stringify(v, { lineWidth: 0 })}</pre>
                        </details>
                      ) : (
                        str(v)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">Not read: this cluster has no AKS network profile (manifests or kubeconfig source).</p>
          )}
          {doc.nodePools && doc.nodePools.length > 0 ? (
            <p className="muted">
              Node pools: {doc.nodePools.map((p) => `${str(p.name)} (${str(p.osType)}${p.osSku ? ` ${str(p.osSku)}` : ''}, ${str(p.count)} × ${str(p.vmSize)})`).join('; ')}
            </p>
          ) : null}
        </section>
        <section className="panel" aria-labelledby="summary-h">
          <h2 id="summary-h">Posture summary</h2>
          <dl className="facts" data-testid="posture-summary">
            <Fact label="Namespaces (counted)" testId="sum-namespaces">{str(summary.namespaces)}</Fact>
            <Fact label="Excluded">{str(summary.excludedNamespaces)}</Fact>
            <Fact label="Default-deny ingress" testId="sum-dd-ingress">{str(summary.ingress?.namespacesWithDefaultDeny)} of {str(summary.namespaces)}</Fact>
            <Fact label="Default-deny egress" testId="sum-dd-egress">{str(summary.egress?.namespacesWithDefaultDeny)} of {str(summary.namespaces)}</Fact>
            <Fact label="Pods isolated, ingress" testId="sum-pods-ingress">{pct(summary.ingress?.pods)}</Fact>
            <Fact label="Pods isolated, egress" testId="sum-pods-egress">{pct(summary.egress?.pods)}</Fact>
            <Fact label="Findings">{doc.findings.length}{summary.findings ? ` (${Object.entries(summary.findings).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}</Fact>
            <Fact label="Policies">{doc.policies.length}</Fact>
          </dl>
        </section>
      </div>

      <section className="ns-section" aria-labelledby="ns-h">
        <h2 id="ns-h">Namespaces ({rows.length})</h2>
        <div className="table-wrap">
          <table data-testid="evidence-namespaces">
            <thead>
              <tr>
                <th scope="col">Namespace</th>
                <th scope="col">Pods</th>
                <th scope="col">Ingress isolated</th>
                <th scope="col">Egress isolated</th>
                <th scope="col">Default-deny</th>
                <th scope="col">Policies</th>
                <th scope="col">Row SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const name = String(r.namespace);
                const dd = [r.defaultDenyIngress ? 'ingress' : null, r.defaultDenyEgress ? 'egress' : null].filter(Boolean).join(' + ');
                return (
                  <tr key={name} data-namespace={name}>
                    <td>
                      <Link href={namespaceHref(clusterId, name, at)} className="mono">{name}</Link>
                      {r.excluded ? <span className="cell-sub"> excluded</span> : null}
                    </td>
                    <td className="num">{str(r.pods)}</td>
                    <td className="num">{str(r.ingressIsolatedPods)}</td>
                    <td className="num">{str(r.egressIsolatedPods)}</td>
                    <td data-testid="dd">{dd ? <>✓ {dd}</> : <span className="muted">✗ none</span>}</td>
                    <td className="num">{str(r.policies)}</td>
                    <td className="mono digest-short" title={postureDigest.get(name)}>{postureDigest.get(name)?.slice(0, 16)}…</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section className="ns-section" aria-labelledby="pol-h">
        <h2 id="pol-h">Policies ({doc.policies.length})</h2>
        <p className="lead">Each policy’s SHA-256 is of its JSON text exactly as the API server served it (and its content address in Kordon’s store).</p>
        <div className="table-wrap">
          <table data-testid="evidence-policies">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Namespace</th>
                <th scope="col">Name</th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {doc.policies.map((p) => (
                <tr key={`${p.kind}/${p.namespace}/${p.name}/${p.sha256}`}>
                  <td>{p.kind}</td>
                  <td className="mono">{p.namespace ?? <span className="muted">cluster-wide</span>}</td>
                  <td className="mono">
                    {p.namespace ? <Link href={policyHref(clusterId, p.namespace, p.kind, p.name, at)}>{p.name}</Link> : p.name}
                  </td>
                  <td className="mono digest" data-testid="policy-sha">{p.sha256}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="ns-section" aria-labelledby="range-h">
        <h2 id="range-h">Snapshots of the {RANGE_DAYS} days before</h2>
        {range ? (
          range.items.length === 0 ? (
            <p className="muted">No succeeded snapshot in that range.</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="evidence-range">
                <thead>
                  <tr>
                    <th scope="col">Taken</th>
                    <th scope="col">Trigger</th>
                    <th scope="col">Manifest digest</th>
                    <th scope="col">Verified</th>
                  </tr>
                </thead>
                <tbody>
                  {range.items.map((s) => (
                    <tr key={s.snapshotId} aria-current={s.snapshotId === doc.snapshot.id ? 'true' : undefined}>
                      <td>
                        <Link href={`/evidence?cluster=${encodeURIComponent(clusterId)}&at=${encodeURIComponent(s.startedAt)}`}>{formatTimestamp(s.startedAt)}</Link>
                        {s.snapshotId === doc.snapshot.id ? <span className="cell-sub"> (shown above)</span> : null}
                      </td>
                      <td>{s.trigger}</td>
                      <td className="mono digest">{s.manifestDigest}</td>
                      <td>{s.contentAddressesVerified ? '✓ yes' : '✗ no'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : (
          <p className="muted">The range could not be read{rangeError ? `: ${rangeError.message}` : ''}.</p>
        )}
      </section>
    </>
  );
}

export default async function EvidencePage({ searchParams }: PageProps) {
  const now = new Date();
  const sp = await searchParams;
  const session = await getSession();
  const clusterId = typeof sp.cluster === 'string' && sp.cluster ? sp.cluster : null;
  const atRaw = typeof sp.at === 'string' && sp.at ? sp.at : null;
  const asOf = parseAt(atRaw);
  const wantsVerify = sp.verify === '1';

  if (!can(session?.role, 'export:evidence')) {
    return (
      <>
        <AppHeader now={now} />
        <main id="main" className="page">
          <div className="page-title"><h1>Evidence</h1></div>
          <NeedsRole role="auditor" what="Evidence" current={session?.role} />
        </main>
      </>
    );
  }

  const [clusters, loaded, chain] = await Promise.all([
    apiClient.listAllClusters().then((c) => ({ c, e: null }), (e: unknown) => {
      if (isKordonApiError(e)) return { c: [] as ClusterSummary[], e: e.body };
      throw e;
    }),
    load(clusterId, asOf?.at ?? null, now),
    clusterId && wantsVerify ? verifyChain(clusterId, asOf?.at ?? null, now) : Promise.resolve(null),
  ]);

  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page">
        <div className="page-title">
          <h1>Evidence</h1>
          <p className="page-sub">
            What was true on a date: the snapshot in force then (the last one taken at or before the end of that day, UTC), its network profile,
            posture, policies and digests, as stored when it was taken.
          </p>
        </div>
        {clusters.e ? <ApiErrorState error={clusters.e} what="the clusters" /> : <Picker clusters={clusters.c} cluster={clusterId} at={atRaw} />}
        {asOf && loaded.kind === 'ok' ? (
          <AsOfBanner label={asOf.label} snapshot={{ id: loaded.doc.snapshot.id, takenAt: loaded.doc.snapshot.startedAt }} nowHref={`/evidence?cluster=${encodeURIComponent(clusterId!)}`} />
        ) : null}
        {loaded.kind === 'none' ? (
          <section className="state" role="status">
            <h2>Pick a cluster and a date</h2>
            <p>Kordon shows the snapshot that was in force then, and lets you download it as a verifiable JSON document.</p>
          </section>
        ) : loaded.kind === 'error' ? (
          loaded.error.statusCode === 403 ? (
            <NeedsRole role="auditor" what="Evidence" current={session?.role} />
          ) : (
            <ApiErrorState error={loaded.error} what={`the evidence${asOf ? ` as of ${asOf.label}` : ''}`} />
          )
        ) : (
          <Evidence {...loaded} clusterId={clusterId!} atRaw={atRaw} chain={chain} />
        )}
      </main>
    </>
  );
}
