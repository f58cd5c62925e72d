// The cluster page in a real browser on the demo fleet: the network profile's caveats in words,
// the namespace table equal to the API's posture rows (sorted, filtered, paged in the URL), the
// heatmap on canvas, the history chart, Snapshot now going to succeeded live, time travel with
// the snapshot id in the banner, "what changed since last week" equal to the changes API, and
// what each role sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPosturePage, ClusterSummary, Page } from '@kordon/contracts';
import { parseAt } from '../../apps/web/lib/as-of';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

const DAY = 86_400_000;

describe('cluster page in a browser', () => {
  let p: Product;
  let byName: Record<string, ClusterSummary>;

  beforeAll(async () => {
    p = await startProduct();
    const clusters = (await p.api<Page<ClusterSummary>>('/clusters')).items;
    byName = Object.fromEntries(clusters.map((c) => [c.name, c]));
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  const rowNames = (page: import('playwright-core').Page) =>
    page.locator('.posture-table tbody tr[data-row-id]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-row-id')));

  it('shows the Azure NPM cluster: profile caveats, roll-up and a table equal to the API', async () => {
    const weu = byName['aks-prod-weu']!;
    const api = await p.api<ClusterPosturePage>(`/clusters/${weu.id}/posture?limit=50`);
    const page = await p.newPage('security');
    const res = await page.goto(`${p.web.url}/clusters/${weu.id}`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    const profile = await page.getByTestId('profile-card').innerText();
    expect(profile).toMatch(/Azure NPM for (Linux|Windows) nodes: end of support/);
    expect(profile).toMatch(/250 nodes and 20,000 pods/);
    expect(profile).toContain('azure');
    expect(await rowNames(page)).toEqual(api.items.map((i) => i.name));
    for (const item of api.items) {
      const text = (await page.locator(`.posture-table tr[data-row-id="${item.name}"]`).innerText()).replace(/\s+/g, ' ');
      expect(text).toContain(item.name);
      if (item.workloads > 0) {
        expect(text).toContain(`${item.ingress.isolatedWorkloads}/${item.workloads} workloads isolated`);
        expect(text).toContain(`${item.egress.isolatedWorkloads}/${item.workloads} workloads isolated`);
        expect(text).toContain(`${item.ingress.isolatedPods}/${item.pods} pods`);
      }
      expect(text).toContain(item.ingress.defaultDeny ? 'default-deny' : 'none');
      if (item.excluded) expect(text).toMatch(/excluded: system namespace/);
    }
    const rollup = (await page.getByTestId('rollup').innerText()).replace(/\s+/g, ' ');
    expect(rollup).toContain(`${api.summary.ingress.namespacesWithDefaultDeny} of ${api.summary.namespaces} namespaces`);
    // The heatmap and the history are drawn after first content.
    await page.locator('[data-testid="heatmap"] canvas').first().waitFor();
    expect(await page.getByTestId('heatmap-summary').innerText()).toContain(`${api.items.length} namespaces`);
    await page.locator('[data-testid="history"] .recharts-line').first().waitFor();
    // Namespace names link to the namespace page.
    expect(await page.locator('.posture-table a.ns-link').first().getAttribute('href')).toBe(`/clusters/${weu.id}/namespaces/${api.items[0]!.name}`);
    await screenshot(page, 'cluster');
  });

  it('says in words that the `none` cluster enforces nothing', async () => {
    const page = await p.newPage('security');
    await page.goto(`${p.web.url}/clusters/${byName['aks-dev-sandbox']!.id}`, { waitUntil: 'load' });
    const caveats = await page.getByTestId('caveats').innerText();
    expect(caveats).toMatch(/Nothing is enforced/);
    expect(caveats).toMatch(/no engine enforces them/);
    expect(await page.getByTestId('profile-card').innerText()).toMatch(/enforces nothing/);
  });

  it('sorts, filters and pages on the server, and the URL reproduces the view', async () => {
    const weu = byName['aks-prod-weu']!;
    const page = await p.newPage('security');
    await page.goto(`${p.web.url}/clusters/${weu.id}`, { waitUntil: 'load' });
    // Sort by pods: numbers sort descending first.
    const pods = page.locator('.posture-table th').filter({ hasText: 'Pods' }).getByRole('button');
    await Promise.all([page.waitForURL(/sort=-pods/), pods.click()]);
    expect(await page.locator('.posture-table th').filter({ hasText: 'Pods' }).getAttribute('aria-sort')).toBe('descending');
    const sorted = await p.api<ClusterPosturePage>(`/clusters/${weu.id}/posture?sort=-pods&limit=50`);
    await expect.poll(() => rowNames(page)).toEqual(sorted.items.map((i) => i.name));
    // Only namespaces lacking a baseline, not excluded.
    await Promise.all([page.waitForURL(/dd=incomplete/), page.getByLabel('Filter by default-deny').selectOption('incomplete')]);
    await Promise.all([page.waitForURL(/excluded=false/), page.getByLabel('Filter by excluded').selectOption('false')]);
    const filtered = await p.api<ClusterPosturePage>(`/clusters/${weu.id}/posture?sort=-pods&defaultDeny=incomplete&excluded=false&limit=50`);
    expect(filtered.items.length).toBeGreaterThan(0);
    await expect.poll(() => rowNames(page)).toEqual(filtered.items.map((i) => i.name));
    const fresh = await p.newPage('security');
    await fresh.goto(page.url(), { waitUntil: 'load' });
    expect(await rowNames(fresh)).toEqual(filtered.items.map((i) => i.name));
    expect(await fresh.getByLabel('Filter by default-deny').inputValue()).toBe('incomplete');
    // Search by name.
    await fresh.goto(`${p.web.url}/clusters/${weu.id}?q=kube`, { waitUntil: 'load' });
    const kube = await p.api<ClusterPosturePage>(`/clusters/${weu.id}/posture?q=kube`);
    expect(await rowNames(fresh)).toEqual(kube.items.map((i) => i.name));
    // Ten rows a page: page 2 holds the rest.
    const all = await p.api<ClusterPosturePage>(`/clusters/${weu.id}/posture`);
    expect(all.total).toBeGreaterThan(10);
    await fresh.goto(`${p.web.url}/clusters/${weu.id}?size=10`, { waitUntil: 'load' });
    expect(await rowNames(fresh)).toEqual(all.items.slice(0, 10).map((i) => i.name));
    await Promise.all([fresh.waitForURL(/page=2/), fresh.getByRole('button', { name: 'Next →' }).click()]);
    await expect.poll(() => rowNames(fresh)).toEqual(all.items.slice(10, 20).map((i) => i.name));
    expect(await fresh.locator('.pager').innerText()).toContain(`Page 2 of ${Math.ceil(all.total / 10)}`);
  });

  it('"what changed since last week" has the numbers of /clusters/:id/changes for the same range', async () => {
    const since = new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10);
    const page = await p.newPage('auditor');
    let nonZero = 0;
    for (const name of ['aks-prod-weu', 'aks-prod-neu', 'aks-stg-calico']) {
      const c = byName[name]!;
      const api = await p.api<{ counts: Record<string, number> }>(`/clusters/${c.id}/changes?since=${since}`, 'auditor');
      await page.goto(`${p.web.url}/clusters/${c.id}`, { waitUntil: 'load' });
      const panel = page.getByTestId('cluster-changes');
      expect(await panel.locator('h2').innerText()).toBe('What changed since last week');
      expect(await panel.getByTestId('changes-since').innerText()).toContain(`Since ${since},`);
      // Every non-zero count is shown with the API's number, and nothing else.
      const shown = await panel.locator('.changes-counts [data-key]').evaluateAll((xs) => xs.map((x) => [x.getAttribute('data-key'), Number(x.querySelector('.num')!.textContent!.replace(/,/g, ''))]));
      const expected = Object.entries(api.counts).filter(([, v]) => typeof v === 'number' && v !== 0);
      expect(Object.fromEntries(shown), name).toEqual(Object.fromEntries(expected));
      if (expected.length === 0) expect(await panel.innerText()).toContain('no change');
      nonZero += expected.length;
      expect(await panel.getByTestId('full-diff').getAttribute('href')).toBe(`/clusters/${c.id}/diff?from=${since}`);
    }
    // The demo history changes things within the week: the comparison is not vacuous.
    expect(nonZero).toBeGreaterThan(0);
    await page.context().close();
  });

  it('takes a snapshot now and shows it go to succeeded live', async () => {
    const neu = byName['aks-prod-neu']!;
    const before = (await p.api<Page<{ id: string }>>(`/clusters/${neu.id}/snapshots?limit=1`)).items[0]!.id;
    const page = await p.newPage('security');
    await page.goto(`${p.web.url}/clusters/${neu.id}`, { waitUntil: 'load' });
    await page.locator('[data-testid="heatmap"] canvas').first().waitFor();
    const button = page.getByTestId('snapshot-now');
    await button.click();
    const live = page.getByTestId('snapshot-live');
    await expect.poll(() => live.innerText(), { timeout: 30_000 }).toMatch(/queued|running|succeeded/);
    if (/queued|running/.test(await live.innerText())) await screenshot(page, 'cluster-snapshot-running');
    await expect.poll(() => live.innerText(), { timeout: 60_000 }).toMatch(/succeeded/);
    const after = (await p.api<Page<{ id: string; status: string; trigger: string }>>(`/clusters/${neu.id}/snapshots?limit=1`)).items[0]!;
    expect(after.id).not.toBe(before);
    expect(after).toMatchObject({ status: 'succeeded', trigger: 'manual' });
    await expect.poll(() => page.locator(`tr[data-snapshot-id="${after.id}"]`).innerText()).toMatch(/succeeded/);
    // The server page was refreshed: the roll-up is from the new snapshot.
    expect((await p.api<ClusterPosturePage>(`/clusters/${neu.id}/posture?limit=1`)).snapshot.id).toBe(after.id);
    await expect.poll(() => page.getByTestId('rollup').getAttribute('data-snapshot-id'), { timeout: 15_000 }).toBe(after.id);
    await screenshot(page, 'cluster-snapshot-done');
  });

  it('shows a past date: the banner names that snapshot, and the table has its numbers', async () => {
    const weu = byName['aks-prod-weu']!;
    const date = new Date(Date.now() - 21 * DAY).toISOString().slice(0, 10);
    const at = parseAt(date)!.at;
    const past = await p.api<ClusterPosturePage>(`/clusters/${weu.id}/posture?at=${encodeURIComponent(at)}&limit=50`);
    const now = await p.api<ClusterPosturePage>(`/clusters/${weu.id}/posture?limit=1`);
    expect(past.snapshot.id).not.toBe(now.snapshot.id);
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/clusters/${weu.id}?at=${date}`, { waitUntil: 'load' });
    const banner = await page.getByTestId('as-of-banner').innerText();
    expect(banner).toContain(`As of ${date}`);
    expect(banner).toContain(past.snapshot.id);
    const rollup = (await page.getByTestId('rollup').innerText()).replace(/\s+/g, ' ');
    expect(rollup).toContain(`${past.summary.ingress.namespacesWithDefaultDeny} of ${past.summary.namespaces} namespaces`);
    for (const item of past.items.filter((i) => i.workloads > 0)) {
      const text = (await page.locator(`.posture-table tr[data-row-id="${item.name}"]`).innerText()).replace(/\s+/g, ' ');
      expect(text).toContain(`${item.ingress.isolatedWorkloads}/${item.workloads} workloads isolated`);
    }
    // Links stay in the past.
    expect(await page.locator('.posture-table a.ns-link').first().getAttribute('href')).toContain(`?at=${date}`);
    await page.locator('[data-testid="heatmap"] canvas').first().waitFor();
    await screenshot(page, 'cluster-as-of');
  });

  it('an auditor reads everything but has no Snapshot now', async () => {
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/clusters/${byName['aks-prod-weu']!.id}`, { waitUntil: 'load' });
    await page.locator('table.snapshots').waitFor();
    expect(await page.getByTestId('snapshot-now').count()).toBe(0);
    expect(await page.locator('.posture-table a.ns-link').count()).toBeGreaterThan(0);
  });

  it('a manager sees the aggregates and the table, without namespace links or snapshot details', async () => {
    const weu = byName['aks-prod-weu']!;
    const api = await p.api<ClusterPosturePage>(`/clusters/${weu.id}/posture?limit=50`, 'manager');
    const page = await p.newPage('manager');
    await page.goto(`${p.web.url}/clusters/${weu.id}`, { waitUntil: 'load' });
    expect(await rowNames(page)).toEqual(api.items.map((i) => i.name));
    expect(await page.locator('.posture-table a').count()).toBe(0);
    expect(await page.getByTestId('snapshot-now').count()).toBe(0);
    expect(await page.getByTestId('snapshots-hidden').innerText()).toMatch(/Auditor role/);
    expect(await page.getByText('Reachability matrix →').count()).toBe(0);
    await screenshot(page, 'cluster-manager');
    await page.locator('[data-testid="heatmap"] canvas').first().waitFor({ timeout: 10_000 }).catch(async (e) => {
      throw new Error(`${String(e)}\n${await page.locator('#heat-h').locator('..').innerText()}`);
    });
  });

  it('answers an unknown cluster with the not-found page', async () => {
    const page = await p.newPage('security');
    const res = await page.goto(`${p.web.url}/clusters/00000000-0000-4000-8000-000000000000`, { waitUntil: 'load' });
    expect(res?.status()).toBe(404);
  });
});
