// Namespace and policy pages in a real browser on the demo fleet: what an auditor reads equals
// the API's answers (workloads and the policies selecting them, default-deny held since, a
// finding's remediation YAML, a policy's selection and allowances), a past date shows that
// date's snapshot, and a manager is told the page needs the auditor role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterPosture, ClusterSummary, NamespaceDetail, NamespaceHistory, PolicyDetail } from '@kordon/contracts';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

const DAY_MS = 86_400_000;

/** First snapshot of the current unbroken default-deny run, read from the history (the page's rule). */
function expectedHeldSince(history: NamespaceHistory, d: 'ingress' | 'egress'): string | null {
  const pts = [...history.points].sort((a, b) => a.takenAt.localeCompare(b.takenAt));
  if (pts.length === 0 || !pts[pts.length - 1][d].defaultDeny) return null;
  let i = pts.length - 1;
  while (i > 0 && pts[i - 1][d].defaultDeny) i--;
  return pts[i].takenAt.slice(0, 10);
}

describe('namespace and policy pages in a browser', () => {
  let p: Product;
  let weu: ClusterSummary;

  beforeAll(async () => {
    p = await startProduct();
    weu = await p.cluster('aks-prod-weu');
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  it('an auditor reads the namespace as the API serves it, then opens a policy', async () => {
    const detail = await p.api<NamespaceDetail>(`/clusters/${weu.id}/namespaces/frontend`, 'auditor');
    const now = new Date();
    const history = await p.api<NamespaceHistory>(
      `/clusters/${weu.id}/namespaces/frontend/history?from=${new Date(now.getTime() - 365 * DAY_MS).toISOString()}&to=${now.toISOString()}&bucket=day`,
      'auditor',
    );
    const page = await p.newPage('auditor');
    const res = await page.goto(`${p.web.url}/clusters/${weu.id}/namespaces/frontend`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    await page.getByRole('heading', { name: /Namespace frontend/ }).waitFor();
    const crumbs = await page.getByRole('navigation', { name: 'Breadcrumbs' }).innerText();
    expect(crumbs).toMatch(/Fleet\s*→\s*aks-prod-weu\s*→\s*frontend/);
    expect(await page.getByTestId('snapshot-id').first().innerText()).toBe(detail.snapshot.id);

    // Workloads and the policies selecting each, per direction, equal to the API's.
    expect(detail.workloads.length).toBeGreaterThan(0);
    for (const w of detail.workloads) {
      const row = page.locator(`tr[data-workload="${w.kind}/${w.name}"]`);
      for (const d of ['ingress', 'egress'] as const) {
        const cell = row.getByTestId(`iso-${d}`);
        const links = await cell.getByRole('link').allInnerTexts();
        expect(links).toEqual(w[d].policies);
        expect(await cell.innerText()).toContain(w[d].isolated ? 'isolated' : 'open');
      }
    }

    // Default-deny held since: the first snapshot of the current run, from the history.
    for (const d of ['ingress', 'egress'] as const) {
      const since = expectedHeldSince(history, d);
      expect(since).not.toBeNull();
      expect(await page.getByTestId(`held-${d}`).innerText()).toContain(`Default-deny ${d} held since ${since}`);
      expect(detail.namespace[d].defaultDeny).toBe(true);
      // demo/fleet.json: frontend's ingress step was applied 49 days ago, egress 42.
    }
    expect(expectedHeldSince(history, 'ingress')).toBe(new Date(now.getTime() - 49 * DAY_MS).toISOString().slice(0, 10));
    const baseline = await page.getByTestId('direction-ingress').innerText();
    for (const b of detail.namespace.ingress.baseline.policies) expect(baseline).toContain(b);
    expect(await page.getByTestId('policy').count()).toBe(detail.policies.length);
    await screenshot(page, 'namespace');

    // A policy link opens the policy page: its selection and allowances equal the API's.
    const policy = await p.api<PolicyDetail>(`/clusters/${weu.id}/policies/frontend/allow-ingress-nginx-to-web`, 'auditor');
    await Promise.all([
      page.waitForURL(/\/policies\/allow-ingress-nginx-to-web/),
      page.locator('tr[data-workload="Deployment/web"]').getByTestId('iso-ingress').getByRole('link', { name: 'allow-ingress-nginx-to-web' }).click(),
    ]);
    await page.getByRole('heading', { name: /Policy allow-ingress-nginx-to-web/ }).waitFor();
    const selected = await page.locator('[data-testid="selected-workloads"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-workload')));
    expect(selected).toEqual(policy.selection.workloads.map((w) => `${w.kind}/${w.name}`));
    expect(selected).toEqual(['Deployment/web']);
    expect(await page.getByTestId('selected-workloads').innerText()).toContain(`${policy.selection.workloads[0].selectedPods} of ${policy.selection.workloads[0].pods}`);
    const allows = await page.getByTestId('allows-ingress').innerText();
    expect(allows).toContain(policy.ingress.rules[0].text);
    expect(allows).toContain('a peer must match both (AND)');
    expect(await page.getByTestId('allows-egress').innerText()).toContain('Leaves egress alone');
    expect(await page.getByTestId('policy-summary').innerText()).toBe(policy.summary);
    expect(await page.getByTestId('baseline-ingress').innerText()).toContain(policy.ingress.baseline.text);
    expect(await page.getByRole('region', { name: /NetworkPolicy allow-ingress-nginx-to-web YAML/ }).innerText()).toContain('ingress-nginx');
    await screenshot(page, 'policy');
  });

  it('a finding shows its remediation YAML with a Copy button', async () => {
    const posture = await p.api<ClusterPosture>(`/clusters/${weu.id}/posture?limit=1000`, 'auditor');
    let found: { ns: string; yaml: string } | null = null;
    for (const item of posture.items.filter((i) => i.findings > 0)) {
      const d = await p.api<NamespaceDetail>(`/clusters/${weu.id}/namespaces/${item.name}`, 'auditor');
      const f = d.findings.find((x) => x.remediationYaml);
      if (f) {
        found = { ns: item.name, yaml: f.remediationYaml! };
        break;
      }
    }
    expect(found).not.toBeNull();
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/clusters/${weu.id}/namespaces/${found!.ns}`, { waitUntil: 'load' });
    const finding = page.getByTestId('finding').filter({ has: page.locator('.yaml-block') }).first();
    await finding.waitFor();
    const firstLine = found!.yaml.split('\n').find((l) => l.trim().length > 0)!.trim();
    expect(await finding.locator('.yaml-block').innerText()).toContain(firstLine);
    await expect(finding.getByRole('button', { name: /Copy remediation YAML/ }).isVisible()).resolves.toBe(true);
  });

  it('a past date shows that date\'s snapshot id and numbers', async () => {
    const day = new Date(Date.now() - 45 * DAY_MS).toISOString().slice(0, 10);
    const then = await p.api<NamespaceDetail>(`/clusters/${weu.id}/namespaces/frontend?at=${day}T23:59:59.999Z`, 'auditor');
    const latest = await p.api<NamespaceDetail>(`/clusters/${weu.id}/namespaces/frontend`, 'auditor');
    expect(then.snapshot.id).not.toBe(latest.snapshot.id);
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/clusters/${weu.id}/namespaces/frontend?at=${day}`, { waitUntil: 'load' });
    const banner = await page.getByTestId('as-of-banner').innerText();
    expect(banner).toContain(`As of ${day}`);
    expect(banner).toContain(then.snapshot.id);
    // 45 days ago frontend had its ingress baseline but not yet the egress one (applied 42 days ago).
    expect(then.namespace.egress.defaultDeny).toBe(false);
    expect(await page.getByTestId('direction-egress').innerText()).toMatch(/no default-deny/);
    expect(await page.getByTestId('held-egress').innerText()).toMatch(/Never had default-deny egress/);
    // Links inside the past view stay in the past.
    const href = await page.locator('tr[data-workload="Deployment/web"]').getByTestId('iso-ingress').getByRole('link').first().getAttribute('href');
    expect(href).toContain(`at=${day}`);
    await screenshot(page, 'namespace-as-of');
  });

  it('a manager is told the namespace and policy pages need the auditor role', async () => {
    const page = await p.newPage('manager');
    const res = await page.goto(`${p.web.url}/clusters/${weu.id}/namespaces/frontend`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    expect(await page.getByTestId('needs-role').innerText()).toMatch(/needs the auditor role/);
    await page.goto(`${p.web.url}/clusters/${weu.id}/namespaces/frontend/policies/default-deny-ingress`, { waitUntil: 'load' });
    expect(await page.getByTestId('needs-role').innerText()).toMatch(/needs the auditor role/);
  });

  it('an unknown namespace or policy answers 404 with the not-found page', async () => {
    const page = await p.newPage('auditor');
    // No loading.tsx above these routes: a streamed shell would make Next answer 200 with the
    // not-found UI, and a link checker or a ticket bot would take a typo for a page.
    let res = await page.goto(`${p.web.url}/clusters/${weu.id}/namespaces/no-such-namespace`, { waitUntil: 'load' });
    expect(res?.status()).toBe(404);
    await page.getByTestId('not-found').waitFor();
    res = await page.goto(`${p.web.url}/clusters/${weu.id}/namespaces/frontend/policies/no-such-policy`, { waitUntil: 'load' });
    expect(res?.status()).toBe(404);
    await page.getByTestId('not-found').waitFor();
  });
});
