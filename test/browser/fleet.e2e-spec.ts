// The whole product in a real browser: the real API (demo fleet seeded into a fresh database),
// the built Next.js app in front of it, Debian's Chromium through playwright-core. The fleet page:
// names and percentages equal to the API's, filters kept in the URL, the not-enforced banner,
// sparklines and the fleet chart, and time travel to a date of the demo's seeded history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSummary, FleetClustersAt, FleetSummary, Page } from '@kordon/contracts';
import { ADMIN_AUTH } from '../../apps/api/test/test-app';
import { parseAt } from '../../apps/web/lib/as-of';
import { formatPercent } from '../../apps/web/lib/format';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

const DAY = 86_400_000;

describe('fleet page in a browser', () => {
  let p: Product;
  let clusters: ClusterSummary[];

  beforeAll(async () => {
    p = await startProduct();
    clusters = (await p.api<Page<ClusterSummary>>('/clusters')).items;
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  it('lists the demo clusters with their engines and last snapshot status', async () => {
    const page = await p.newPage('auditor');
    const res = await page.goto(p.web.url, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    const body = await page.locator('body').innerText();
    for (const name of ['aks-prod-weu', 'aks-prod-neu', 'aks-stg-calico', 'aks-dev-sandbox']) expect(body).toContain(name);
    expect(body).toMatch(/Azure NPM/);
    expect(body).toMatch(/cilium/i);
    expect(body).toMatch(/calico/i);
    expect(body).toMatch(/not enforced/i);
    expect(body).toMatch(/succeeded/i);
    await screenshot(page, 'fleet');
  });

  it('shows each cluster\'s pod coverage, default-deny and findings as the API gives them', async () => {
    const page = await p.newPage('auditor');
    await page.goto(p.web.url, { waitUntil: 'load' });
    expect(clusters).toHaveLength(4);
    for (const c of clusters) {
      const row = page.locator(`tr[data-cluster-id="${c.id}"]`);
      const cells = row.locator('td');
      await expect.poll(() => cells.count()).toBeGreaterThan(8);
      expect(await cells.nth(0).innerText()).toContain(c.name);
      expect(await cells.nth(4).innerText()).toContain(formatPercent(c.posture!.ingress.pods));
      expect(await cells.nth(5).innerText()).toContain(formatPercent(c.posture!.egress.pods));
      const deny = (await cells.nth(6).innerText()).replace(/\s+/g, ' ').toLowerCase();
      expect(deny).toContain(`in ${c.posture!.ingress.namespacesWithDefaultDeny} / ${c.posture!.namespaces}`);
      expect(deny).toContain(`out ${c.posture!.egress.namespacesWithDefaultDeny} / ${c.posture!.namespaces}`);
      const findings = await cells.nth(7).innerText();
      for (const [sev, n] of Object.entries(c.posture!.findings ?? {})) if (n > 0) expect(findings).toContain(`${n} ${sev}`);
      // 90 days of coverage per direction, drawn and described.
      await expect.poll(() => row.locator('.sparkline[aria-label*="pod coverage over 90 days"]').count()).toBe(2);
      expect(await row.locator('.sparkline svg').count()).toBe(2);
    }
    // A severity count links to those findings.
    const weu = clusters.find((c) => c.name === 'aks-prod-weu')!;
    const sev = (['critical', 'high', 'medium', 'low', 'info'] as const).find((s) => (weu.posture!.findings?.[s] ?? 0) > 0)!;
    const href = await page.locator(`tr[data-cluster-id="${weu.id}"] .sev-counts a`).first().getAttribute('href');
    expect(href).toBe(`/findings?cluster=${weu.id}&severity=${sev}`);
    // The fleet chart: four lines over 90 days.
    const chart = page.locator('.fleet-trend figure.trend-chart');
    expect(await chart.getAttribute('aria-label')).toMatch(/Ingress pod coverage .*Default-deny egress/);
    await expect.poll(() => chart.locator('.recharts-line').count()).toBe(4);
    // The summary's pod coverage equals the API's fleet totals.
    const summary = await p.api<FleetSummary>('/fleet/summary');
    const strip = await page.locator('section.summary').innerText();
    expect(strip).toContain(formatPercent(summary.totals.ingressPodCoverage!));
    expect(strip).toContain(`${summary.totals.pods} pods`);
  });

  it('makes the not-enforced cluster impossible to miss: a banner naming it and its row marked in words', async () => {
    const page = await p.newPage('manager');
    await page.goto(p.web.url, { waitUntil: 'load' });
    const banner = page.getByTestId('not-enforced-banner');
    const text = await banner.innerText();
    expect(text).toContain('aks-dev-sandbox');
    expect(text).toMatch(/not enforced/);
    for (const name of ['aks-prod-weu', 'aks-prod-neu', 'aks-stg-calico']) expect(text).not.toContain(name);
    const sandbox = clusters.find((c) => c.name === 'aks-dev-sandbox')!;
    const row = await page.locator(`tr[data-cluster-id="${sandbox.id}"]`).innerText();
    expect(row).toMatch(/policies not enforced/);
    expect(row).toMatch(/\bNo\b/);
    // A manager sees the counts but is not sent to the findings list.
    expect(await page.locator('.sev-counts a').count()).toBe(0);
  });

  it('filters by environment in the URL: the form narrows the table, and the link reproduces it fresh', async () => {
    const page = await p.newPage('auditor');
    await page.goto(p.web.url, { waitUntil: 'load' });
    await page.getByLabel('Environment').selectOption('prod');
    await Promise.all([page.waitForURL(/environment=prod/), page.getByRole('button', { name: 'Apply' }).click()]);
    const prod = clusters.filter((c) => c.environment === 'prod').map((c) => c.id).sort();
    const rowIds = async (pg: typeof page) => (await pg.locator('tr[data-cluster-id]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-cluster-id')))).sort();
    expect(await rowIds(page)).toEqual(prod);
    const url = page.url();
    const fresh = await p.newPage('auditor');
    await fresh.goto(url, { waitUntil: 'load' });
    expect(await rowIds(fresh)).toEqual(prod);
    expect(await fresh.locator('.fleet-filters').innerText()).toContain('2 of 4 clusters match');
    await fresh.goto(`${p.web.url}/?engine=none`, { waitUntil: 'load' });
    expect(await rowIds(fresh)).toEqual([clusters.find((c) => c.engine === 'none')!.id]);
  });

  it('shows the fleet as it was on a past date, with that date\'s numbers and the banner', async () => {
    const date = new Date(Date.now() - 14 * DAY).toISOString().slice(0, 10);
    const at = parseAt(date)!.at;
    const [summary, past] = await Promise.all([
      p.api<FleetSummary>(`/fleet/summary?at=${encodeURIComponent(at)}`),
      p.api<FleetClustersAt>(`/fleet/clusters?at=${encodeURIComponent(at)}`),
    ]);
    const today = await p.api<FleetSummary>('/fleet/summary');
    // The seeded rollout moved since then, so the page must show other numbers than today's.
    expect(summary.totals.defaultDenyIngress).toBeLessThan(today.totals.defaultDenyIngress);
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/?at=${date}`, { waitUntil: 'load' });
    const banner = await page.getByTestId('as-of-banner').innerText();
    expect(banner).toContain(`As of ${date}`);
    expect(banner).toContain('4 snapshots');
    const strip = (await page.locator('section.summary').innerText()).replace(/\s+/g, ' ').toLowerCase();
    expect(strip).toContain(`default-deny ingress ${summary.totals.defaultDenyIngress} / ${summary.totals.namespaces}`);
    expect(strip).toContain(`default-deny egress ${summary.totals.defaultDenyEgress} / ${summary.totals.namespaces}`);
    expect(strip).toContain(formatPercent(summary.totals.ingressPodCoverage!));
    for (const c of past.items) {
      const cells = page.locator(`tr[data-cluster-id="${c.id}"] td`);
      expect(await cells.nth(4).innerText()).toContain(formatPercent(c.posture!.ingress.pods));
      expect((await cells.nth(6).innerText()).replace(/\s+/g, ' ').toLowerCase()).toContain(`in ${c.posture!.ingress.namespacesWithDefaultDeny} / ${c.posture!.namespaces}`);
      // Links stay in the past.
      expect(await cells.nth(0).locator('a').first().getAttribute('href')).toBe(`/clusters/${c.id}?at=${date}`);
    }
    expect(await page.locator('#as-of-date').inputValue()).toBe(date);
    await screenshot(page, 'fleet-as-of');
    // Back to now drops the date.
    await Promise.all([page.waitForURL((u) => !u.search.includes('at=')), page.getByTestId('as-of-banner').getByRole('link', { name: 'Back to now' }).click()]);
    await expect.poll(() => page.getByTestId('as-of-banner').count()).toBe(0);
  });

  it('serves the API through the web URL with the caller\'s token, never the web app\'s', async () => {
    const anonymous = await fetch(`${p.web.url}/api/clusters`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    const res = await fetch(`${p.web.url}/api/clusters`, { headers: ADMIN_AUTH });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { items: { name: string; demo: boolean }[] };
    expect(json.items.filter((c) => c.demo)).toHaveLength(4);
  });
});
