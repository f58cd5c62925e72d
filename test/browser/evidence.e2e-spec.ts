// The evidence page in a real browser on the demo fleet: an auditor picks a cluster and a date,
// reads the snapshot in force then with numbers equal to the API's evidence, and downloads the
// JSON as an attachment carrying the same digests; downloads the signed bundle (zip) that
// `kordon verify` accepts with the served public key, the posture CSV and the printable report,
// and sees "Verify chain" answer ok; a manager is refused clearly.
import { createHash, createPublicKey, verify as verifySignature } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainVerification, ClusterPosture, ClusterSummary, EvidenceDocument } from '@kordon/contracts';
import { run } from '../../apps/cli/src/cli';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

const DAY_MS = 86_400_000;

describe('evidence page in a browser', () => {
  let p: Product;
  let weu: ClusterSummary;

  beforeAll(async () => {
    p = await startProduct();
    weu = await p.cluster('aks-prod-weu');
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  it('an auditor picks a cluster and a date and reads what was true then, then downloads it', async () => {
    const day = new Date(Date.now() - 20 * DAY_MS).toISOString().slice(0, 10);
    const posture = await p.api<ClusterPosture>(`/clusters/${weu.id}/posture?at=${day}T23:59:59.999Z&limit=1`, 'auditor');
    const doc = await p.api<EvidenceDocument>(`/snapshots/${posture.snapshot.id}/evidence`, 'auditor');
    const latest = await p.api<ClusterPosture>(`/clusters/${weu.id}/posture?limit=1`, 'auditor');
    expect(posture.snapshot.id).not.toBe(latest.snapshot.id);

    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/evidence`, { waitUntil: 'load' });
    await page.getByLabel('Cluster', { exact: true }).selectOption({ label: `${weu.name} (prod)` });
    await page.getByLabel('As of', { exact: true }).fill(day);
    await Promise.all([page.waitForURL(/\/evidence\?cluster=/), page.getByRole('button', { name: 'Show evidence' }).click()]);
    expect(new URL(page.url()).searchParams.get('cluster')).toBe(weu.id);
    expect(new URL(page.url()).searchParams.get('at')).toBe(day);

    expect(await page.getByTestId('evidence-snapshot-id').innerText()).toBe(doc.snapshot.id);
    expect(await page.getByTestId('as-of-banner').innerText()).toContain(doc.snapshot.id);
    expect(await page.getByTestId('manifest-digest').innerText()).toContain(doc.integrity.manifestDigest);
    expect(await page.getByTestId('verified').innerText()).toMatch(/content addresses match/);
    const summary = doc.posture.summary as { namespaces: number; ingress: { namespacesWithDefaultDeny: number }; egress: { namespacesWithDefaultDeny: number } };
    expect(await page.getByTestId('sum-namespaces').innerText()).toBe(String(summary.namespaces));
    expect(await page.getByTestId('sum-dd-ingress').innerText()).toBe(`${summary.ingress.namespacesWithDefaultDeny} of ${summary.namespaces}`);
    expect(await page.getByTestId('sum-dd-egress').innerText()).toBe(`${summary.egress.namespacesWithDefaultDeny} of ${summary.namespaces}`);
    // demo/README.md: 21 days ago aks-prod-weu had 3 namespaces with default-deny ingress, 2 egress.
    expect(summary.ingress.namespacesWithDefaultDeny).toBe(3);
    expect(summary.egress.namespacesWithDefaultDeny).toBe(2);
    expect(await page.locator('[data-testid="evidence-namespaces"] tbody tr').count()).toBe(doc.posture.namespaces.length);
    const shas = await page.getByTestId('policy-sha').allInnerTexts();
    expect(shas).toEqual(doc.policies.map((x) => x.sha256));
    expect(await page.getByTestId('network-profile').innerText()).toContain(String(doc.networkProfile!.networkPolicy));
    await screenshot(page, 'evidence');

    // The download link answers JSON as an attachment, with the same digests.
    const href = await page.getByTestId('download').getAttribute('href');
    expect(href).toBe(`/evidence/download?cluster=${weu.id}&at=${day}`);
    const res = await page.request.get(`${p.web.url}${href}`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^application\/json/);
    expect(res.headers()['content-disposition']).toBe(`attachment; filename="kordon-evidence-aks-prod-weu-${day}.json"`);
    const downloaded = (await res.json()) as EvidenceDocument;
    expect(downloaded.snapshot.id).toBe(doc.snapshot.id);
    expect(downloaded.integrity.manifestDigest).toBe(doc.integrity.manifestDigest);
    expect(downloaded.integrity.items).toEqual(doc.integrity.items);
  });

  it('an auditor downloads the signed bundle, which verifies offline, the CSV and the report, and verifies the chain', async () => {
    const day = new Date(Date.now() - 20 * DAY_MS).toISOString().slice(0, 10);
    const posture = await p.api<ClusterPosture>(`/clusters/${weu.id}/posture?at=${day}T23:59:59.999Z&limit=1`, 'auditor');
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/evidence?cluster=${weu.id}&at=${day}`, { waitUntil: 'load' });
    expect(await page.getByTestId('chain-result').count()).toBe(0);

    // The bundle button downloads a zip whose manifest is signed with the served public key.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download evidence bundle \(\.zip\)/ }).click()]);
    expect(download.suggestedFilename()).toMatch(/^kordon-evidence-aks-prod-weu-.*\.zip$/);
    const dir = mkdtempSync(join(tmpdir(), 'kordon-bundle-'));
    const zipPath = join(dir, download.suggestedFilename());
    await download.saveAs(zipPath);
    const zip = readFileSync(zipPath);
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    const files = unzipSync(zip);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']).toString('utf8')) as { snapshot: { id: string }; files: { path: string; sha256: string }[] };
    expect(manifest.snapshot.id).toBe(posture.snapshot.id);
    for (const f of manifest.files) expect(createHash('sha256').update(files[f.path]).digest('hex'), f.path).toBe(f.sha256);
    const pub = await p.api<{ publicKeyPem: string; keyId: string }>('/evidence/public-key');
    const sig = Buffer.from(Buffer.from(files['manifest.sig']).toString('utf8').trim(), 'base64');
    expect(verifySignature(null, files['manifest.json'], createPublicKey(pub.publicKeyPem), sig)).toBe(true);
    const keyFile = join(dir, 'kordon-evidence.pub');
    writeFileSync(keyFile, pub.publicKeyPem);
    let out = '';
    const code = await run(['verify', zipPath, '--public-key', keyFile], { stdout: (t) => void (out += t), stderr: (t) => void (out += t) });
    expect(code, out).toBe(0);

    // Posture CSV: one row per namespace of the snapshot in force, same figures as the posture API.
    const csvHref = await page.getByTestId('download-csv').getAttribute('href');
    const csv = await page.request.get(`${p.web.url}${csvHref}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="kordon-posture-aks-prod-weu-/);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^cluster,snapshot,taken_at,namespace,/);
    const doc = await p.api<EvidenceDocument>(`/snapshots/${posture.snapshot.id}/evidence`, 'auditor');
    expect(lines.length - 1).toBe(doc.posture.namespaces.length);
    const header = lines[0]!.split(',');
    for (const line of lines.slice(1)) {
      const cells = Object.fromEntries(line.split(',').map((v, i) => [header[i], v]));
      const row = doc.posture.namespaces.find((r) => r.namespace === cells.namespace)!;
      expect(cells.snapshot).toBe(posture.snapshot.id);
      expect([cells.pods, cells.default_deny_ingress, cells.default_deny_egress]).toEqual([String(row.pods), String(row.defaultDenyIngress), String(row.defaultDenyEgress)]);
    }

    // Printable report: HTML naming the four controls.
    const reportHref = await page.getByTestId('open-report').getAttribute('href');
    const report = await page.request.get(`${p.web.url}${reportHref}`);
    expect(report.status()).toBe(200);
    expect(report.headers()['content-type']).toMatch(/^text\/html/);
    const html = await report.text();
    for (const control of ['CIS Kubernetes Benchmark 5.3.2', 'NIST SP 800-53 SC-7', 'PCI DSS v4.0 Requirement 1', 'ISO/IEC 27001:2022 A.8.22']) expect(html).toContain(control);

    // Verify chain: the page shows the API's answer, ok on untouched demo data.
    await Promise.all([page.waitForURL(/verify=1/), page.getByTestId('verify-chain').click()]);
    const verdict = await page.getByTestId('chain-result').innerText();
    const to = new Date(`${day}T23:59:59.999Z`);
    const api = await p.api<ChainVerification>(`/evidence/verify?clusterId=${weu.id}&from=${new Date(to.getTime() - 30 * DAY_MS).toISOString()}&to=${to.toISOString()}`, 'auditor');
    expect(api.ok).toBe(true);
    expect(verdict).toMatch(/chain ok/);
    expect(verdict).toContain(`${api.clusters[0]!.checked} snapshot digest(s)`);
    await screenshot(page, 'evidence-signed');
  });

  it('a manager is refused clearly, on the page and on the download', async () => {
    const page = await p.newPage('manager');
    const res = await page.goto(`${p.web.url}/evidence?cluster=${weu.id}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await page.getByTestId('needs-role').innerText()).toMatch(/Evidence needs the auditor role/);
    const dl = await page.request.get(`${p.web.url}/evidence/download?cluster=${weu.id}`);
    expect(dl.status()).toBe(403);
    expect(((await dl.json()) as { statusCode: number }).statusCode).toBe(403);
    for (const route of ['bundle', 'posture-csv', 'report']) {
      const r = await page.request.get(`${p.web.url}/evidence/${route}?cluster=${weu.id}`);
      expect(r.status(), route).toBe(403);
    }
  });
});
