// Rollout and findings in a real browser on the demo fleet: the rollout chart and table equal
// `/fleet/history`'s numbers for a manager; the findings list is grouped by rule with the rule's
// explanation and a finding's remediation YAML; a manager is refused findings in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingRuleView, FleetFindingItem, FleetHistory, Page } from '@kordon/contracts';
import { formatPercent } from '../../apps/web/lib/format';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

const DAY = 86_400_000;

/** The range the rollout page asks for: `days` daily buckets ending at the end of today (UTC). */
function range(days: number) {
  const now = Date.now();
  const to = new Date(Math.floor(now / DAY) * DAY + DAY - 1);
  const from = new Date(Math.floor(to.getTime() / DAY) * DAY - (days - 1) * DAY);
  return `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}&bucket=day`;
}

describe('rollout and findings pages in a browser', () => {
  let p: Product;

  beforeAll(async () => {
    p = await startProduct();
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  it('shows a manager the rollout per cluster with the numbers of /fleet/history', async () => {
    const history = await p.api<FleetHistory>(`/fleet/history?groupBy=cluster&${range(90)}`, 'manager');
    const page = await p.newPage('manager');
    const res = await page.goto(`${p.web.url}/rollout?groupBy=cluster&days=90`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await page.getByRole('navigation', { name: 'Main' }).innerText()).toContain('Rollout');
    expect(await page.getByRole('navigation', { name: 'Main' }).innerText()).not.toContain('Findings');
    const table = page.getByTestId('rollout-table');
    expect(history.series).toHaveLength(4);
    for (const s of history.series) {
      const row = table.locator(`tr[data-group="${s.key}"]`);
      const latest = s.points.filter((x) => x.clusters > 0).at(-1)!;
      const first = s.points.find((x) => x.clusters > 0)!;
      const text = (await row.innerText()).replace(/\s+/g, ' ');
      expect(text.toLowerCase()).toContain(s.name.toLowerCase());
      expect(text).toContain(`${formatPercent(latest.defaultDenyIngressShare!)} (${latest.defaultDenyIngress} of ${latest.namespaces})`);
      expect(text).toContain(`${formatPercent(latest.defaultDenyEgressShare!)} (${latest.defaultDenyEgress} of ${latest.namespaces})`);
      const pts = Math.round((latest.defaultDenyIngressShare! - first.defaultDenyIngressShare!) * 1000) / 10;
      expect(text).toContain(`${pts > 0 ? '+' : pts < 0 ? '−' : '±'}${Math.abs(pts)} pts in 90 days`);
      // Numbers link to the cluster page, never into namespaces.
      expect(await row.getByTestId('share-ingress').getAttribute('href')).toBe(`/clusters/${s.key}`);
    }
    expect(await page.locator('a[href*="/namespaces/"]').count()).toBe(0);
    // One chart per direction, one line per cluster; the chart's summary says the latest shares.
    const charts = page.locator('figure.trend-chart');
    expect(await charts.count()).toBe(2);
    await expect.poll(() => charts.first().locator('.recharts-line').count()).toBe(4);
    const label = (await charts.first().getAttribute('aria-label'))!;
    for (const s of history.series) {
      const v = s.points.at(-1)!.defaultDenyIngressShare!;
      expect(label).toContain(`${s.name} ${Math.round(Math.round(v * 1000) / 10 * 10) / 10} %`);
    }
    await screenshot(page, 'rollout');
  });

  it('groups by environment by default and keeps the range in the URL', async () => {
    const history = await p.api<FleetHistory>(`/fleet/history?groupBy=environment&${range(30)}`);
    const page = await p.newPage('manager');
    await page.goto(`${p.web.url}/rollout`, { waitUntil: 'load' });
    await Promise.all([page.waitForURL(/days=30/), page.getByRole('link', { name: '30 days' }).click()]);
    expect(page.url()).toContain('groupBy=environment');
    const rows = page.getByTestId('rollout-table').locator('tbody tr');
    expect(await rows.count()).toBe(history.series.length);
    const prod = history.series.find((s) => s.key === 'prod')!;
    const latest = prod.points.at(-1)!;
    const text = (await page.locator('tr[data-group="prod"]').innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(`${latest.defaultDenyIngress} of ${latest.namespaces}`);
    expect(text).toContain('in 30 days');
    expect(await page.locator('tr[data-group="prod"]').getByTestId('share-ingress').getAttribute('href')).toBe('/?environment=prod');
  });

  it('refuses a manager the findings list, in words', async () => {
    const page = await p.newPage('manager');
    const res = await page.goto(`${p.web.url}/findings`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await page.getByTestId('needs-role').innerText()).toMatch(/need the auditor role/i);
    await expect(p.api('/findings', 'manager')).rejects.toThrow(/403/);
  });

  it('lists findings grouped by rule, with the rule explained and a finding\'s remediation YAML', async () => {
    const [list, rules] = await Promise.all([p.api<Page<FleetFindingItem>>('/findings?limit=100', 'auditor'), p.api<FindingRuleView[]>('/findings/rules')]);
    expect(list.items.length).toBeGreaterThan(0);
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/findings`, { waitUntil: 'load' });
    const groupIds = await page.locator('section[data-rule]').evaluateAll((s) => s.map((x) => x.getAttribute('data-rule')));
    expect(groupIds).toEqual([...new Set(list.items.map((f) => f.ruleId))]);
    for (const id of groupIds.slice(0, 5)) {
      const rule = rules.find((r) => r.id === id)!;
      const group = page.locator(`section[data-rule="${id}"]`);
      expect(await group.locator('h2').innerText()).toContain(rule.title);
      expect(await group.locator('li.finding').count()).toBe(list.items.filter((f) => f.ruleId === id).length);
      await group.locator('details.rule-explain summary').click();
      expect(await group.locator('details.rule-explain').innerText()).toContain(rule.rationale.slice(0, 40));
    }
    // The first finding with a fix: its YAML, opened, reads as the API's.
    const withFix = list.items.find((f) => f.remediationYaml)!;
    const item = page.locator(`li.finding[data-finding-id="${withFix.id}"]`).first();
    expect(await item.innerText()).toContain(withFix.message);
    expect(await item.innerText()).toContain(withFix.cluster.name);
    await item.locator('details.finding-fix summary').click();
    const yaml = item.locator('.yaml-block');
    await expect.poll(() => yaml.isVisible()).toBe(true);
    const firstLines = withFix.remediationYaml!.split('\n').filter((l) => l.trim()).slice(0, 3);
    const shown = await yaml.innerText();
    for (const l of firstLines) expect(shown).toContain(l.trim());
    expect(await item.getByRole('button', { name: /Copy remediation YAML/ }).count()).toBe(1);
    // Links to where it is.
    if (withFix.namespace) {
      expect(await item.locator(`a[href="/clusters/${withFix.cluster.id}/namespaces/${withFix.namespace}"]`).count()).toBe(1);
    }
    await screenshot(page, 'findings');
  });

  it('filters findings by cluster and severity from the URL', async () => {
    const all = await p.api<Page<FleetFindingItem>>('/findings?limit=500', 'auditor');
    const f = all.items[0]!;
    const expected = await p.api<Page<FleetFindingItem>>(`/findings?cluster=${f.cluster.id}&severity=${f.severity}&limit=100`, 'auditor');
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/findings?cluster=${f.cluster.id}&severity=${f.severity}`, { waitUntil: 'load' });
    const ids = await page.locator('li.finding').evaluateAll((l) => l.map((x) => x.getAttribute('data-finding-id')));
    expect(ids.sort()).toEqual(expected.items.map((x) => x.id).sort());
    const severities = await page.locator('li.finding .sev').allInnerTexts();
    expect(severities.every((s) => s.includes(f.severity))).toBe(true);
    expect(await page.locator('select[name=severity]').inputValue()).toBe(f.severity);
    expect(await page.locator('select[name=cluster]').inputValue()).toBe(f.cluster.id);
  });

  it('pages through findings with nextCursor', async () => {
    const first = await p.api<Page<FleetFindingItem>>('/findings?limit=100', 'auditor');
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/findings`, { waitUntil: 'load' });
    if (!first.nextCursor) {
      expect(await page.getByRole('link', { name: 'Next page →' }).count()).toBe(0);
      return;
    }
    const second = await p.api<Page<FleetFindingItem>>(`/findings?limit=100&cursor=${encodeURIComponent(first.nextCursor)}`, 'auditor');
    await Promise.all([page.waitForURL(/cursor=/), page.getByRole('link', { name: 'Next page →' }).click()]);
    const ids = await page.locator('li.finding').evaluateAll((l) => l.map((x) => x.getAttribute('data-finding-id')));
    expect(ids).toEqual(second.items.map((x) => x.id));
  });
});
