// The files of an evidence bundle, the posture CSV and the printable HTML report, from data the
// bundle service read. Pure: no database, no clock.
import type { ChainVerification, ClusterTimeInState, EvidenceDocument } from '@kordon/contracts';
import { stringify } from 'yaml';
import { createHash } from 'node:crypto';

export const BUNDLE_FORMAT = 'kordon-evidence-bundle/v1';

/** The controls each report section is evidence for, as auditors cite them. */
export const CONTROLS = [
  { id: 'CIS Kubernetes Benchmark 5.3.2', title: 'Ensure that all Namespaces have NetworkPolicies defined', section: 'posture' },
  { id: 'NIST SP 800-53 SC-7', title: 'Boundary protection: deny network traffic by default, allow by exception', section: 'default-deny' },
  { id: 'PCI DSS v4.0 Requirement 1', title: 'Install and maintain network security controls (1.2, 1.3: restrict traffic to what is necessary)', section: 'policies' },
  { id: 'ISO/IEC 27001:2022 A.8.22', title: 'Segregation of networks: groups of services separated', section: 'reachability' },
] as const;

export interface PostureRow {
  namespace: string;
  excluded: boolean;
  pods: number;
  workloads: number;
  policies: number;
  ingressIsolatedPods: number;
  egressIsolatedPods: number;
  defaultDenyIngress: boolean;
  defaultDenyEgress: boolean;
}

export interface ExceptionView {
  id: string;
  namespace: string | null;
  workload: string | null;
  ruleId: string | null;
  direction: string | null;
  justification: string;
  owner: string;
  requestedBy: string;
  decidedBy: string | null;
  decidedAt: string | null;
  expiresAt: string;
}

export interface ChainLink {
  id: string;
  startedAt: string;
  digest: string | null;
  prevDigest: string | null;
  pruned: boolean;
}

export interface BundleData {
  generatedAt: string;
  generatedBy: string;
  scope: { at: string } | { from: string; to: string };
  doc: EvidenceDocument;
  digest: string | null;
  digestDocument: Record<string, unknown>;
  content: Record<string, unknown>;
  postures: PostureRow[];
  exceptions: ExceptionView[];
  timeInState: ClusterTimeInState | null;
  chain: ChainLink[];
  verification: ChainVerification;
}

const pct = (n: number, d: number) => (d === 0 ? '' : ((100 * n) / d).toFixed(1));
const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""').replace(/^([=+\-@])/, "'$1")}"` : s;
};

/** Exceptions in force that except a namespace's default-deny in a direction. */
function excepted(ex: ExceptionView[], ns: string, direction: 'ingress' | 'egress'): boolean {
  return ex.some((e) => e.direction === direction && !e.workload && (e.namespace === null || e.namespace === ns));
}

export function postureCsv(cluster: string, snapshotId: string, takenAt: string, rows: PostureRow[], ex: ExceptionView[]): string {
  const header = ['cluster', 'snapshot', 'taken_at', 'namespace', 'excluded', 'pods', 'workloads', 'policies', 'ingress_isolated_pods', 'ingress_coverage_pct',
    'default_deny_ingress', 'default_deny_ingress_excepted', 'egress_isolated_pods', 'egress_coverage_pct', 'default_deny_egress', 'default_deny_egress_excepted'];
  const lines = [header.join(',')];
  for (const r of [...rows].sort((a, b) => (a.namespace < b.namespace ? -1 : 1))) {
    lines.push([cluster, snapshotId, takenAt, r.namespace, r.excluded, r.pods, r.workloads, r.policies, r.ingressIsolatedPods, pct(r.ingressIsolatedPods, r.pods),
      r.defaultDenyIngress, excepted(ex, r.namespace, 'ingress'), r.egressIsolatedPods, pct(r.egressIsolatedPods, r.pods), r.defaultDenyEgress, excepted(ex, r.namespace, 'egress')].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

const esc = (s: unknown) => String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function reportHtml(d: BundleData): string {
  const c = d.doc.cluster;
  const s = d.doc.snapshot;
  const live = d.postures.filter((r) => !r.excluded);
  const pods = live.reduce((a, r) => a + r.pods, 0);
  const isoIn = live.reduce((a, r) => a + r.ingressIsolatedPods, 0);
  const isoEg = live.reduce((a, r) => a + r.egressIsolatedPods, 0);
  const withPolicies = live.filter((r) => r.policies > 0).length;
  const ddIn = live.filter((r) => r.defaultDenyIngress).length;
  const ddEg = live.filter((r) => r.defaultDenyEgress).length;
  const engine = s.policyEngine ?? 'unknown';
  const scope = 'at' in d.scope ? `as of ${esc(d.scope.at)}` : `from ${esc(d.scope.from)} to ${esc(d.scope.to)}`;
  const control = (id: string) => CONTROLS.find((x) => x.id === id)!;
  const ctl = (id: string) => `<p class="control">Control: <strong>${esc(id)}</strong>: ${esc(control(id).title)}</p>`;
  const rows = [...d.postures].sort((a, b) => (a.namespace < b.namespace ? -1 : 1)).map((r) => `<tr${r.excluded ? ' class="excluded"' : ''}>
<td>${esc(r.namespace)}${r.excluded ? ' (excluded)' : ''}</td><td class="n">${r.pods}</td><td class="n">${r.policies}</td>
<td class="n">${pct(r.ingressIsolatedPods, r.pods) || '—'}</td><td>${r.defaultDenyIngress ? 'yes' : excepted(d.exceptions, r.namespace, 'ingress') ? 'excepted' : 'no'}</td>
<td class="n">${pct(r.egressIsolatedPods, r.pods) || '—'}</td><td>${r.defaultDenyEgress ? 'yes' : excepted(d.exceptions, r.namespace, 'egress') ? 'excepted' : 'no'}</td></tr>`).join('\n');
  const tis = d.timeInState
    ? d.timeInState.namespaces.map((n) => `<tr><td>${esc(n.namespace)}</td><td class="n">${n.ingress.share === null ? '—' : (100 * n.ingress.share).toFixed(1)}</td><td>${n.ingress.heldThroughout ? 'yes' : 'no'}</td><td class="n">${n.egress.share === null ? '—' : (100 * n.egress.share).toFixed(1)}</td><td>${n.egress.heldThroughout ? 'yes' : 'no'}</td></tr>`).join('\n')
    : '';
  const ex = d.exceptions.map((e) => `<tr><td>${esc(e.namespace ?? 'all namespaces')}${e.workload ? ` ${esc(e.workload)}` : ''}</td><td>${esc(e.ruleId ?? `default-deny ${e.direction}`)}</td><td>${esc(e.justification)}</td><td>${esc(e.owner)}</td><td>${esc(e.requestedBy)} / ${esc(e.decidedBy ?? '')}</td><td>${esc(e.expiresAt.slice(0, 10))}</td></tr>`).join('\n');
  const findings = d.doc.findings.map((f) => `<li><code>${esc(f.ruleId)}</code> (${esc(f.severity)}) ${esc(f.message)}</li>`).join('\n');
  const v = d.verification.clusters[0];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kordon evidence: ${esc(c.name)} ${scope}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#111}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.excluded{color:#777}.control{background:#f3f6fa;border-left:3px solid #2a5caa;padding:.3rem .6rem}code{font-size:.9em}.meta td:first-child{width:14rem;font-weight:600}
@media print{body{margin:0}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
</style></head><body>
<h1>Network segmentation evidence: ${esc(c.name)}</h1>
<table class="meta">
<tr><td>Cluster</td><td>${esc(c.name)} (${esc(c.id)})${c.environment ? `, environment ${esc(c.environment)}` : ''}${c.team ? `, team ${esc(c.team)}` : ''}</td></tr>
<tr><td>Scope</td><td>${scope}</td></tr>
<tr><td>Snapshot</td><td>${esc(s.id)}, taken ${esc(s.startedAt)}</td></tr>
<tr><td>Snapshot digest (SHA-256)</td><td><code>${esc(d.digest ?? 'none (written before digests)')}</code></td></tr>
<tr><td>Digest chain</td><td>${v ? (v.ok ? `verified: ${v.checked} snapshots${v.pruned ? ` (${v.pruned} pruned by retention, their links kept)` : ''}` : `BROKEN at ${esc(v.firstBreak?.snapshotId)}: ${esc(v.firstBreak?.message)}`) : 'not checked'}</td></tr>
<tr><td>Policy engine</td><td>${esc(engine)}${engine === 'none' ? ' — NetworkPolicies are NOT enforced on this cluster' : ''}</td></tr>
<tr><td>Generated</td><td>${esc(d.generatedAt)} by ${esc(d.generatedBy)}</td></tr>
</table>

<h2 id="posture">1. NetworkPolicy coverage per namespace</h2>
${ctl('CIS Kubernetes Benchmark 5.3.2')}
<p>${withPolicies} of ${live.length} namespaces (system namespaces excluded) have NetworkPolicies selecting their pods. Pods isolated: ingress ${pct(isoIn, pods) || '—'} %, egress ${pct(isoEg, pods) || '—'} % of ${pods}.</p>
<table><thead><tr><th>Namespace</th><th>Pods</th><th>Policies</th><th>Ingress coverage %</th><th>Default-deny ingress</th><th>Egress coverage %</th><th>Default-deny egress</th></tr></thead>
<tbody>
${rows}
</tbody></table>

<h2 id="default-deny">2. Default-deny (deny by default, allow by exception)</h2>
${ctl('NIST SP 800-53 SC-7')}
<p>Namespaces with a default-deny baseline: ingress ${ddIn} of ${live.length}, egress ${ddEg} of ${live.length}. Accepted gaps (exceptions in force, approved by someone other than the requester):</p>
${ex ? `<table><thead><tr><th>Scope</th><th>Gap</th><th>Justification</th><th>Owner</th><th>Requested / approved by</th><th>Expires</th></tr></thead><tbody>\n${ex}\n</tbody></table>` : '<p>None.</p>'}
${tis ? `<p>Time in state over the range (share of the time default-deny held; unknown time, such as failed snapshots or gaps, never counts as held):</p>
<table><thead><tr><th>Namespace</th><th>Ingress held %</th><th>Held throughout</th><th>Egress held %</th><th>Held throughout</th></tr></thead><tbody>
${tis}
</tbody></table>` : ''}

<h2 id="policies">3. Network security controls in place</h2>
${ctl('PCI DSS v4.0 Requirement 1')}
<p>${d.doc.policies.length} policy objects are in force (listed with their SHA-256 in <code>manifests/</code> of the bundle). Findings at the snapshot:</p>
<ul>
${findings || '<li>None.</li>'}
</ul>

<h2 id="reachability">4. Segregation of networks</h2>
${ctl('ISO/IEC 27001:2022 A.8.22')}
<p>Namespaces isolated for ingress by default-deny: ${ddIn} of ${live.length}. The namespace-to-namespace reachability at this snapshot is in Kordon at <code>/clusters/${esc(c.id)}/reachability?at=${esc(s.startedAt)}</code>.</p>

<h2>How to verify</h2>
<p>Run <code>kordon verify &lt;bundle.zip&gt; --public-key kordon-evidence.pub</code> (public key from <code>/api/evidence/public-key</code>). It checks every file's SHA-256 against <code>manifest.json</code>, the Ed25519 signature of the manifest, the snapshot digest recomputed from the bundle's content, and the chain links.</p>
</body></html>
`;
}

export function bundleReadme(d: BundleData, keyId: string): string {
  return `Kordon evidence bundle (${BUNDLE_FORMAT})
Cluster: ${d.doc.cluster.name} (${d.doc.cluster.id})
Scope: ${'at' in d.scope ? `as of ${d.scope.at}` : `${d.scope.from} to ${d.scope.to}`}
Snapshot: ${d.doc.snapshot.id} taken ${d.doc.snapshot.startedAt}, digest ${d.digest ?? 'none'}
Generated ${d.generatedAt} by ${d.generatedBy}

Files
  manifest.json          every other file with its SHA-256 and size; signed
  manifest.sig           Ed25519 signature (base64) of manifest.json's bytes, key id ${keyId}
  report.html            printable report, sections mapped to CIS 5.3.2, NIST SC-7, PCI DSS v4 req. 1, ISO 27001 A.8.22
  posture.csv            per-namespace posture (coverage, default-deny, exceptions)
  network-profile.json   the cluster's network profile as ARM (az aks show) returned it
  manifests/policies/    NetworkPolicy, CNP/CCNP, Calico policies: each object's JSON byte for byte as the API server sent it
  manifests/namespaces.yaml, manifests/pods.yaml   namespace and pod labels
  posture.json, findings.json   posture and findings per namespace, as computed for the snapshot
  exceptions.json        exceptions in force (approved, not expired), with requester and approver
  time-in-state.json     per namespace and direction: share of the range default-deny held, intervals, proving snapshots
  chain.json             the digests and links of the cluster's snapshots in the range (pruned ones included)
  verification/digest-input.json   the canonical document the snapshot digest is computed over
  verification/content.json        the stored content rows the set hashes are computed over

How to verify
  1. kordon verify bundle.zip --public-key kordon-evidence.pub
     (the public key is served at /api/evidence/public-key; without --public-key the key embedded
     in manifest.json is used, which proves integrity but not who signed it)
  2. By hand: sha256sum each file and compare with manifest.json; verify manifest.sig with
     openssl pkeyutl -verify -pubin -inkey kordon-evidence.pub -rawin -in manifest.json -sigfile <(base64 -d manifest.sig);
     the snapshot digest is SHA-256 of the RFC 8785 (JCS) serialization of verification/digest-input.json.
`;
}

/** Every file of the bundle but manifest.json and manifest.sig, by path. */
export function bundleFiles(d: BundleData, keyId: string): Map<string, string> {
  const files = new Map<string, string>();
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  const doc = d.doc;
  files.set('README.txt', bundleReadme(d, keyId));
  files.set('report.html', reportHtml(d));
  files.set('posture.csv', postureCsv(doc.cluster.name, doc.snapshot.id, doc.snapshot.startedAt, d.postures, d.exceptions));
  files.set('network-profile.json', json({ networkProfile: doc.networkProfile, agentPoolProfiles: doc.nodePools, kubernetesVersion: doc.snapshot.kubernetesVersion }));
  for (const p of doc.policies) files.set(`manifests/policies/${p.kind}/${p.namespace ?? '_cluster'}/${p.name}.json`, p.body);
  files.set('manifests/namespaces.yaml', stringify(doc.namespaces.map((n) => ({ name: n.name, labels: n.labels }))));
  files.set('manifests/pods.yaml', stringify(doc.workloads.map((w) => ({ namespace: w.namespace, workload: `${w.kind}/${w.name}`, labels: w.labels, pods: w.pods.map((p) => ({ name: p.name, labels: p.labels })) }))));
  files.set('posture.json', json({ snapshot: doc.snapshot, summary: doc.posture.summary, namespaces: doc.posture.namespaces }));
  files.set('findings.json', json(doc.findings));
  files.set('exceptions.json', json(d.exceptions));
  files.set('time-in-state.json', json(d.timeInState));
  files.set('chain.json', json({ links: d.chain, verification: d.verification }));
  files.set('verification/digest-input.json', json(d.digestDocument));
  files.set('verification/content.json', json(d.content));
  return files;
}

export function fileEntry(path: string, text: string | Uint8Array): { path: string; sha256: string; bytes: number } {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
  return { path, sha256: sha256Bytes(buf), bytes: buf.length };
}

const sha256Bytes = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');
