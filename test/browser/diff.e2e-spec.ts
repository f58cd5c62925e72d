// The diff and what-if pages in a real browser against the real API on the seeded demo fleet
// (its history adds policy files step by step over past days): the diff page's summary counts and
// drifted policies equal the API's diff, the what-if page with a pasted policy shows the verdict
// the API returns for the same request (uploaded files too), the fleet's "what changed since last week" panel has the
// API's numbers, and a manager is told the what-if needs the Security role.
import { mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSummary, FleetChanges, Page } from '@kordon/contracts';
import { toDiffView, type ApiDiff } from '../../apps/web/components/diff/adapter';
import { countsOf } from '../../apps/web/components/diff/changes-counts';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

const DAY = 86_400_000;
const SHOTS = '/tmp/shots';

async function shot(page: import('playwright-core').Page, name: string) {
  const file = await screenshot(page, name);
  mkdirSync(SHOTS, { recursive: true });
  copyFileSync(file, join(SHOTS, `${name}.png`));
}

const ALLOW_ALL = (ns: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: whatif-allow-all-ingress
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - {}
`;

describe('diff and what-if pages in a browser', () => {
  let p: Product;
  let weu: ClusterSummary;

  beforeAll(async () => {
    p = await startProduct();
    weu = (await p.api<Page<ClusterSummary>>('/clusters')).items.find((c) => c.name === 'aks-prod-weu')!;
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  it('shows the same summary counts and drifted policies as the API diff', async () => {
    const from = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
    const api = await p.api<ApiDiff>(`/clusters/${weu.id}/diff?from=${from}`, 'auditor');
    const expected = toDiffView(api);
    const page = await p.newPage('auditor');
    const res = await page.goto(`${p.web.url}/clusters/${weu.id}/diff?from=${from}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    const summary = await page
      .locator('[data-testid="diff-summary"] .fact')
      .evaluateAll((fs) => fs.map((f) => ({ key: f.getAttribute('data-key'), value: Number(f.querySelector('dd')!.textContent!.replace(/,/g, '')) })));
    expect(summary).toEqual(expected.summary.map((s) => ({ key: s.key, value: s.value })));
    const drifted = expected.labels.flatMap((l) => l.effects.filter((e) => e.drift).map((e) => e.policy.name));
    const shown = await page.getByTestId('drift-policy').allInnerTexts();
    expect(shown.length).toBe(drifted.length);
    for (const name of drifted) expect(shown.some((s) => s.includes(name))).toBe(true);
    expect(await page.locator('[data-testid="policy-change"]').count()).toBe(expected.policies.length);
    expect(await page.locator('[data-testid="reach-pairs"] [data-testid="reach-change"]').count()).toBe(expected.pairs.length);
    await shot(page, 'diff');
  });

  it('lists the first pairs when asked for fewer, says how many there are, and lists them all on request', async () => {
    const from = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
    const full = await p.api<ApiDiff>(`/clusters/${weu.id}/diff?from=${from}`, 'auditor');
    const total = full.reachability!.namespacePairsTotal;
    expect(total).toBeGreaterThan(3);
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/clusters/${weu.id}/diff?from=${from}&pairs=3`, { waitUntil: 'load' });
    const pairs = page.locator('[data-testid="reach-pairs"] [data-testid="reach-change"]');
    expect(await pairs.count()).toBe(3);
    expect(await page.getByTestId('pairs-truncated').innerText()).toContain(`Showing the first 3 of ${total} namespace pairs`);
    // The summary still counts every pair.
    expect(await page.locator('[data-testid="diff-summary"] .fact[data-key="pairsChanged"] dd').innerText()).toBe(String(total));
    await page.getByRole('link', { name: 'List them all' }).click();
    await page.waitForURL((u) => u.searchParams.get('pairs') === String(total));
    await pairs.nth(total - 1).waitFor();
    expect(await pairs.count()).toBe(total);
    expect(await page.getByTestId('pairs-truncated').count()).toBe(0);
    await page.context().close();
  });

  it('runs a pasted policy on the what-if page and shows the verdict the API returns', async () => {
    const ns = (await p.api<{ items: { name: string; excluded: boolean }[] }>(`/clusters/${weu.id}/posture?limit=50`)).items.find((i) => !i.excluded)!.name;
    const body = { manifests: ALLOW_ALL(ns) };
    const apiRes = await request(p.t.app.getHttpServer()).post(`/api/clusters/${weu.id}/simulate`).set({ Authorization: `Bearer ${p.tokens.security}` }).send(body);
    expect(apiRes.status).toBeLessThan(300);
    const expected = toDiffView(apiRes.body as ApiDiff).verdict!;
    const page = await p.newPage('security');
    await page.goto(`${p.web.url}/clusters/${weu.id}/simulate`, { waitUntil: 'load' });
    await page.getByTestId('sim-yaml').fill(body.manifests);
    await page.getByTestId('sim-run').click();
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor({ timeout: 30_000 });
    const text = await verdict.innerText();
    if (expected.opens > 0) expect(text).toContain(`opens connections between ${expected.opens} pair`);
    for (const n of expected.breaksDefaultDeny) expect(text).toContain(n);
    if (expected.opens === 0 && expected.breaksDefaultDeny.length === 0) expect(text).toContain('No new connections');
    await shot(page, 'simulate');
  });

  it('runs uploaded YAML files on the what-if page and shows the verdict and pair counts the API returns', async () => {
    type Item = { name: string; excluded: boolean; ingress: { defaultDeny: boolean } };
    const items = (await p.api<{ items: Item[] }>(`/clusters/${weu.id}/posture?limit=50`)).items.filter((i) => !i.excluded);
    // An allow-all ingress in a namespace with default-deny ingress (breaks it, opens pairs), and
    // an egress default-deny in another namespace, in two files.
    const guarded = items.find((i) => i.ingress.defaultDeny)!.name;
    const other = items.find((i) => i.name !== guarded)!.name;
    const files = [
      { name: 'allow-all.yaml', text: ALLOW_ALL(guarded) },
      { name: 'deny-egress.yml', text: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: whatif-deny-egress\n  namespace: ${other}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n` },
    ];
    const apiRes = await request(p.t.app.getHttpServer()).post(`/api/clusters/${weu.id}/simulate`).set({ Authorization: `Bearer ${p.tokens.security}` }).send({ files });
    expect(apiRes.status).toBe(200);
    const api = apiRes.body as ApiDiff & { verdict: { opens: number; closes: number; breaksDefaultDeny: { namespace: string; direction: string }[] }; summary: Record<string, number>; reachability: { namespacePairs: unknown[] } };
    expect(api.verdict.opens).toBeGreaterThan(0);
    expect(api.verdict.breaksDefaultDeny).toContainEqual({ namespace: guarded, direction: 'ingress' });

    const page = await p.newPage('security');
    await page.goto(`${p.web.url}/clusters/${weu.id}/simulate`, { waitUntil: 'load' });
    await page.getByTestId('sim-files').setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/yaml', buffer: Buffer.from(f.text) })));
    // The page lists what it read before running.
    const listed = page.locator('ul.sim-files li');
    await expect.poll(() => listed.count()).toBe(2);
    expect((await listed.allInnerTexts()).map((t) => t.split(' ')[0])).toEqual(['allow-all.yaml', 'deny-egress.yml']);
    expect(await page.getByTestId('sim-yaml').inputValue()).toBe('');
    await page.getByTestId('sim-run').click();
    const verdict = page.getByTestId('verdict');
    await verdict.waitFor({ timeout: 30_000 });
    const breaks = api.verdict.breaksDefaultDeny.map((b) => `${b.namespace} (${b.direction})`).join(', ');
    expect(await verdict.innerText()).toBe(`✗ This change opens connections between ${api.verdict.opens} pair${api.verdict.opens === 1 ? '' : 's'} and breaks default-deny in ${breaks}.`);
    expect(await verdict.getAttribute('data-bad')).toBe('true');
    const summary = await page
      .locator('[data-testid="sim-result"] [data-testid="diff-summary"] .fact')
      .evaluateAll((fs) => Object.fromEntries(fs.map((f) => [f.getAttribute('data-key'), Number(f.querySelector('dd')!.textContent!.replace(/,/g, ''))])));
    for (const k of ['pairsChanged', 'pairsOpened', 'pairsClosed', 'policiesAdded', 'defaultDenyLost', 'defaultDenyGained']) expect([k, summary[k]]).toEqual([k, api.summary[k]]);
    expect(summary.policiesAdded).toBe(2);
    expect(await page.locator('[data-testid="sim-result"] [data-testid="reach-pairs"] [data-testid="reach-change"]').count()).toBe(api.reachability.namespacePairs.length);
    expect(await page.locator('[data-testid="sim-result"] [data-testid="policy-change"]').count()).toBe(2);
    // Nothing stored: the cluster's latest snapshot is unchanged.
    expect((await p.cluster(weu.name)).lastSnapshot?.id).toBe(weu.lastSnapshot?.id);
    await page.context().close();
  });

  it('shows bad YAML with its line and column', async () => {
    const page = await p.newPage('security');
    await page.goto(`${p.web.url}/clusters/${weu.id}/simulate`, { waitUntil: 'load' });
    await page.getByTestId('sim-yaml').fill('kind: NetworkPolicy\nmetadata:\n  name: [oops\n');
    await page.getByTestId('sim-run').click();
    const err = page.getByTestId('sim-error');
    await err.waitFor({ timeout: 30_000 });
    expect(await err.innerText()).toMatch(/could not be read/);
  });

  it('tells a manager the what-if needs the Security role', async () => {
    const page = await p.newPage('manager');
    await page.goto(`${p.web.url}/clusters/${weu.id}/simulate`, { waitUntil: 'load' });
    expect(await page.getByTestId('forbidden').innerText()).toMatch(/Security role/);
  });

  it('has the API numbers in the fleet panel "what changed since last week"', async () => {
    const since = new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10);
    const { clusters: items } = await p.api<FleetChanges>(`/fleet/changes?since=${since}`, 'auditor');
    expect(items.length).toBeGreaterThan(0);
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/`, { waitUntil: 'load' });
    const panel = page.getByTestId('fleet-changes');
    await panel.waitFor();
    for (const c of items) {
      const id = c.clusterId;
      const row = panel.locator(`[data-testid="fleet-change"][data-cluster-id="${id}"]`);
      for (const [key, value] of countsOf(c).filter(([, v]) => v !== 0)) {
        expect(Number((await row.locator(`[data-key="${key}"] .num`).innerText()).replace(/,/g, ''))).toBe(value);
      }
      expect(await row.locator('a').getAttribute('href')).toBe(`/clusters/${id}/diff?from=${since}`);
    }
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'fleet-changes');
  });
});
