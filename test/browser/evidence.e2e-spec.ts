// The evidence page in a real browser on the demo fleet: an auditor picks a cluster and a date,
// reads the snapshot in force then with numbers equal to the API's evidence, and downloads the
// JSON as an attachment carrying the same digests; a manager is refused clearly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPosture, ClusterSummary, EvidenceDocument } from '@kordon/contracts';
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

  it('a manager is refused clearly, on the page and on the download', async () => {
    const page = await p.newPage('manager');
    const res = await page.goto(`${p.web.url}/evidence?cluster=${weu.id}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await page.getByTestId('needs-role').innerText()).toMatch(/Evidence needs the auditor role/);
    const dl = await page.request.get(`${p.web.url}/evidence/download?cluster=${weu.id}`);
    expect(dl.status()).toBe(403);
    expect(((await dl.json()) as { statusCode: number }).statusCode).toBe(403);
  });
});
