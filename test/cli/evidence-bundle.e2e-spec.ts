// The evidence bundle end to end: downloaded from the real API on the real database, its
// manifest signed with the configured Ed25519 key (public key served by the API), checked by
// `kordon verify` offline; a changed file, an added file, a forged manifest and the wrong key
// are each caught. The CSV and HTML report carry the posture API's numbers and the controls. A
// bundle over a from/to range verifies too, and Cilium and Calico policy kinds are carried.
import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../apps/api/test/test-app';
import { ClustersService } from '../../apps/api/src/clusters/clusters.service';
import { canonicalJson } from '../../apps/api/src/snapshots/snapshot-content';
import { SnapshotsService } from '../../apps/api/src/snapshots/snapshots.service';
import { run } from '../../apps/cli/src/cli';
import { canonicalJson as jcs } from '../../apps/cli/src/verify';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const DAY = 86_400_000;

const MANIFESTS = (replicas: number) => `
apiVersion: v1
kind: Namespace
metadata: { name: payments, labels: { team: pay } }
---
apiVersion: v1
kind: Namespace
metadata: { name: web }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: payments }
spec: { replicas: ${replicas}, template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: c, ports: [{ containerPort: 8080 }] }] } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: front, namespace: web }
spec: { template: { metadata: { labels: { app: front } }, spec: { containers: [{ name: c }] } } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: payments }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`;
const AKS = JSON.stringify({ name: 'evid', type: 'Microsoft.ContainerService/ManagedClusters', kubernetesVersion: '1.31.7', networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'cilium', networkDataplane: 'cilium' } });

describe('evidence bundle', () => {
  let t: TestApp;
  let clusterId: string;
  let dir: string;
  let zipBytes: Buffer;
  const keys = generateKeyPairSync('ed25519');
  const http = () => request(t.app.getHttpServer());
  const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  };
  async function kordon(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
    return { code, stdout, stderr };
  }
  const rezip = (files: Record<string, Uint8Array>, name: string) => {
    const p = join(dir, name);
    writeFileSync(p, zipSync(files));
    return p;
  };

  beforeAll(async () => {
    t = await startTestApp({ KORDON_EVIDENCE_SIGNING_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() });
    const c = await t.app.get(ClustersService).register({ name: 'evid', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    clusterId = c.id;
    for (const [i, replicas] of [2, 3].entries()) {
      const o = await t.app.get(SnapshotsService).run(clusterId, {
        trigger: 'seed',
        at: new Date(Date.now() - (2 - i) * DAY),
        collect: async () => collectFromManifestText([{ name: 'm.yaml', text: MANIFESTS(replicas) }, { name: 'aks.json', text: AKS }]),
      });
      expect(o.status).toBe('succeeded');
    }
    // An approved exception for web's missing ingress default-deny (requested and approved by two people).
    await t.sql(`INSERT INTO posture_exception (id, cluster_id, namespace, direction, justification, owner, requested_by, status, decided_by, decided_at, expires_at)
      VALUES (gen_random_uuid(), $1, 'web', 'ingress', 'public web tier, WAF in front', 'web-team', 'alice', 'approved', 'bob', now(), now() + interval '30 days')`, [clusterId]);
    dir = mkdtempSync(join(tmpdir(), 'kordon-bundle-'));
    const res = await http().get(`/api/clusters/${clusterId}/evidence/bundle`).set(auth).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="kordon-evidence-evid-\d{8}T\d{6}Z\.zip"$/);
    zipBytes = res.body as Buffer;
    writeFileSync(join(dir, 'bundle.zip'), zipBytes);
    const pub = (await http().get('/api/evidence/public-key').expect(200)).body;
    writeFileSync(join(dir, 'kordon.pub'), pub.publicKeyPem);
  });
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('holds the manifests, profile, posture, findings, exceptions, time in state, chain and a signed manifest', async () => {
    const files = unzipSync(new Uint8Array(zipBytes));
    for (const f of ['README.txt', 'manifest.json', 'manifest.sig', 'report.html', 'posture.csv', 'network-profile.json', 'manifests/policies/NetworkPolicy/payments/default-deny.json',
      'manifests/namespaces.yaml', 'manifests/pods.yaml', 'posture.json', 'findings.json', 'exceptions.json', 'time-in-state.json', 'chain.json', 'verification/digest-input.json', 'verification/content.json'])
      expect(Object.keys(files), f).toContain(f);
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    expect(manifest).toMatchObject({ format: 'kordon-evidence-bundle/v1', cluster: { id: clusterId, name: 'evid' }, generatedBy: expect.any(String), signature: { algorithm: 'Ed25519' } });
    const [latest] = await t.sql<{ id: string; digest: string }>('SELECT id, digest FROM snapshot WHERE cluster_id = $1 ORDER BY started_at DESC LIMIT 1', [clusterId]);
    expect(manifest.snapshot).toMatchObject({ id: latest!.id, digest: latest!.digest });
    // The public key the API serves verifies the signature of manifest.json's bytes.
    const pub = (await http().get('/api/evidence/public-key').expect(200)).body;
    expect(pub.publicKeyPem).toBe(keys.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(pub.ephemeral).toBe(false);
    expect(verify(null, files['manifest.json']!, keys.publicKey, Buffer.from(strFromU8(files['manifest.sig']!).trim(), 'base64'))).toBe(true);
    const ex = JSON.parse(strFromU8(files['exceptions.json']!));
    expect(ex).toEqual([expect.objectContaining({ namespace: 'web', direction: 'ingress', requestedBy: 'alice', decidedBy: 'bob', justification: 'public web tier, WAF in front' })]);
    const chain = JSON.parse(strFromU8(files['chain.json']!));
    expect(chain.links).toHaveLength(2);
    expect(chain.links[1].prevDigest).toBe(chain.links[0].digest);
    expect(chain.verification.ok).toBe(true);
    expect(JSON.parse(strFromU8(files['network-profile.json']!)).networkProfile).toMatchObject({ networkPolicy: 'cilium' });
    const audit = await t.sql<{ action: string; target: string }>(`SELECT action, target FROM audit_log WHERE action = 'evidence.bundle'`);
    expect(audit).toEqual([{ action: 'evidence.bundle', target: clusterId }]);
  });

  it('kordon verify passes on the bundle as downloaded', async () => {
    const r = await kordon('verify', join(dir, 'bundle.zip'), '--public-key', join(dir, 'kordon.pub'));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\d+ files match manifest\.json/);
    expect(r.stdout + r.stderr).not.toMatch(/FAILED/);
  });

  it('kordon verify fails on a changed file, an added file, a forged manifest and the wrong key', async () => {
    const files = unzipSync(new Uint8Array(zipBytes));
    const changed = rezip({ ...files, 'posture.csv': strToU8(strFromU8(files['posture.csv']!).replace('false', 'true')) }, 'changed.zip');
    const r1 = await kordon('verify', changed, '--public-key', join(dir, 'kordon.pub'));
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/posture\.csv: SHA-256 is [0-9a-f]{64}, manifest\.json says/);

    const added = rezip({ ...files, 'extra.txt': strToU8('hello') }, 'added.zip');
    expect((await kordon('verify', added, '--public-key', join(dir, 'kordon.pub'))).stderr).toMatch(/extra\.txt is in the bundle but not listed/);

    // Rewriting a file and its hash in manifest.json breaks the signature.
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    const csv = strToU8('forged\r\n');
    const entry = manifest.files.find((f: { path: string }) => f.path === 'posture.csv');
    entry.sha256 = (await import('node:crypto')).createHash('sha256').update(csv).digest('hex');
    entry.bytes = csv.length;
    const forged = rezip({ ...files, 'posture.csv': csv, 'manifest.json': strToU8(JSON.stringify(manifest, null, 2)) }, 'forged.zip');
    expect((await kordon('verify', forged, '--public-key', join(dir, 'kordon.pub'))).stderr).toMatch(/signature of manifest\.json does not verify/);

    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(join(dir, 'other.pub'), other);
    const wrongKey = await kordon('verify', join(dir, 'bundle.zip'), '--public-key', join(dir, 'other.pub'));
    expect(wrongKey.code).toBe(1);

    const notZip = join(dir, 'not.zip');
    writeFileSync(notZip, 'hello');
    expect((await kordon('verify', notZip)).code).toBe(2);
  });

  it('the CLI serializes exactly as the API (RFC 8785 JCS)', () => {
    const v = { b: [1, 0.1, -0, 1e21, 'é\u2028"'], a: { z: null, y: true, 'é': 1, '\u00e9x': 3, e: 2 }, c: 'x' };
    expect(jcs(v)).toBe(canonicalJson(v));
    expect(jcs({ b: 2, a: 1, aa: [3] })).toBe('{"a":1,"aa":[3],"b":2}');
  });

  it('the CSV and the HTML report carry the posture API numbers and name the controls', async () => {
    const csv = await http().get(`/api/clusters/${clusterId}/evidence/posture.csv`).set(auth).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = csv.text.trim().split('\r\n');
    expect(header).toBe('cluster,snapshot,taken_at,namespace,excluded,pods,workloads,policies,ingress_isolated_pods,ingress_coverage_pct,default_deny_ingress,default_deny_ingress_excepted,egress_isolated_pods,egress_coverage_pct,default_deny_egress,default_deny_egress_excepted');
    const pay = rows.find((r) => r.split(',')[3] === 'payments')!.split(',');
    const web = rows.find((r) => r.split(',')[3] === 'web')!.split(',');
    const api = (await http().get(`/api/clusters/${clusterId}/posture`).set(auth).expect(200)).body;
    const apiPay = api.items.find((n: { name: string }) => n.name === 'payments');
    expect(Number(pay[5])).toBe(apiPay.pods);
    expect(pay.slice(9, 12)).toEqual(['100.0', 'true', 'false']);
    expect(web.slice(10, 12)).toEqual(['false', 'true']);
    const html = await http().get(`/api/clusters/${clusterId}/evidence/report.html`).set(auth).expect(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    for (const c of ['CIS Kubernetes Benchmark 5.3.2', 'NIST SP 800-53 SC-7', 'PCI DSS v4.0 Requirement 1', 'ISO/IEC 27001:2022 A.8.22']) expect(html.text).toContain(c);
    expect(html.text).toContain('public web tier, WAF in front');
    expect(html.text).toMatch(/Digest chain<\/td><td>verified: 2 snapshots/);
    await http().get(`/api/clusters/${clusterId}/evidence/bundle`).query({ at: '2026-01-01', from: '2025-12-01' }).set(auth).expect(400);
    await http().get(`/api/clusters/${clusterId}/evidence/bundle`).query({ at: '2001-01-01' }).set(auth).expect(404);
  });

  it('a bundle over a from/to range downloads, names the range, holds the snapshot in force at its end and verifies', async () => {
    const snaps = await t.sql<{ id: string; digest: string; started_at: Date }>('SELECT id, digest, started_at FROM snapshot WHERE cluster_id = $1 ORDER BY started_at', [clusterId]);
    expect(snaps).toHaveLength(2);
    // From before the first snapshot to between the two: the first one is in force at the end.
    const from = new Date(snaps[0]!.started_at.getTime() - DAY);
    const to = new Date(snaps[0]!.started_at.getTime() + DAY / 2);
    const res = await http().get(`/api/clusters/${clusterId}/evidence/bundle`).query({ from: from.toISOString(), to: to.toISOString() }).set(auth).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const stamp = (d: Date) => d.toISOString().replace(/\.\d+Z/, 'Z').replace(/[-:]/g, '');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="kordon-evidence-evid-${stamp(from)}_${stamp(to)}.zip"`);
    const path = join(dir, 'range.zip');
    writeFileSync(path, res.body as Buffer);
    const files = unzipSync(new Uint8Array(res.body as Buffer));
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    expect(manifest.scope).toEqual({ from: from.toISOString(), to: to.toISOString() });
    expect(manifest.snapshot).toMatchObject({ id: snaps[0]!.id, digest: snaps[0]!.digest });
    // The chain covers the range only: the first snapshot, not the later one.
    const chain = JSON.parse(strFromU8(files['chain.json']!));
    expect(chain.links.map((l: { id: string }) => l.id)).toEqual([snaps[0]!.id]);
    expect(chain.verification.ok).toBe(true);
    expect(strFromU8(files['report.html']!)).toContain(`from ${from.toISOString()} to ${to.toISOString()}`);
    const r = await kordon('verify', path, '--public-key', join(dir, 'kordon.pub'));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\d+ files match manifest\.json/);
    // The whole range holds both snapshots in its chain and the latest in force; it verifies too.
    const all = await http().get(`/api/clusters/${clusterId}/evidence/bundle`).query({ from: from.toISOString(), to: new Date().toISOString() }).set(auth).buffer(true).parse(binary).expect(200);
    const allFiles = unzipSync(new Uint8Array(all.body as Buffer));
    expect(JSON.parse(strFromU8(allFiles['manifest.json']!)).snapshot.id).toBe(snaps[1]!.id);
    expect(JSON.parse(strFromU8(allFiles['chain.json']!)).links.map((l: { id: string }) => l.id)).toEqual(snaps.map((x) => x.id));
    writeFileSync(join(dir, 'range-all.zip'), all.body as Buffer);
    expect((await kordon('verify', join(dir, 'range-all.zip'), '--public-key', join(dir, 'kordon.pub'))).code).toBe(0);
  });

  it('carries CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy and Calico GlobalNetworkPolicy manifests (demo clusters), and verifies', async () => {
    const policyFiles = (files: Record<string, Uint8Array>) => Object.keys(files).filter((f) => f.startsWith('manifests/policies/')).sort();
    for (const name of ['aks-prod-neu', 'aks-stg-calico']) {
      const c = await t.app.get(ClustersService).register({ name: `evid-${name}`, source: 'manifests', paths: [`demo/clusters/${name}`] });
      const o = await t.app.get(SnapshotsService).run(c.id, { trigger: 'seed' });
      expect(o.status, name).toBe('succeeded');
      const res = await http().get(`/api/clusters/${c.id}/evidence/bundle`).set(auth).buffer(true).parse(binary).expect(200);
      const files = unzipSync(new Uint8Array(res.body as Buffer));
      const listed = policyFiles(files);
      const json = (path: string) => {
        expect(listed, name).toContain(path);
        return JSON.parse(strFromU8(files[path]!));
      };
      if (name === 'aks-prod-neu') {
        const ccnp = json('manifests/policies/CiliumClusterwideNetworkPolicy/_cluster/deny-imds-egress.json');
        expect(ccnp).toMatchObject({ apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'deny-imds-egress' }, spec: { egressDeny: [{ toCIDR: ['169.254.169.254/32'] }] } });
        const cnps = listed.filter((f) => f.startsWith('manifests/policies/CiliumNetworkPolicy/'));
        expect(cnps.map((f) => f.split('/')[3]).sort()).toEqual(['ledger', 'payments']);
        for (const f of cnps) expect(JSON.parse(strFromU8(files[f]!)), f).toMatchObject({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { namespace: f.split('/')[3], name: f.split('/')[4]!.replace(/\.json$/, '') } });
      } else {
        const gnp = json('manifests/policies/GlobalNetworkPolicy/_cluster/default-app-policy.json');
        expect(gnp).toMatchObject({ apiVersion: 'crd.projectcalico.org/v1', kind: 'GlobalNetworkPolicy', spec: { types: ['Ingress', 'Egress'] } });
        expect(json('manifests/policies/GlobalNetworkPolicy/_cluster/deny-imds-egress.json')).toMatchObject({ spec: { order: 10, egress: [{ action: 'Deny', destination: { nets: ['169.254.169.254/32'] } }] } });
      }
      // Every policy in force is in the bundle, under its kind, and the manifest hashes them.
      const doc = (await http().get(`/api/snapshots/${o.snapshotId}/evidence`).set(auth).expect(200)).body as { policies: { kind: string; namespace: string | null; name: string; sha256: string }[] };
      expect(listed).toEqual(doc.policies.map((p) => `manifests/policies/${p.kind}/${p.namespace ?? '_cluster'}/${p.name}.json`).sort());
      const manifest = JSON.parse(strFromU8(files['manifest.json']!));
      for (const f of listed) expect(manifest.files.map((e: { path: string }) => e.path), f).toContain(f);
      const path = join(dir, `${name}.zip`);
      writeFileSync(path, res.body as Buffer);
      const r = await kordon('verify', path, '--public-key', join(dir, 'kordon.pub'));
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
  });
});
