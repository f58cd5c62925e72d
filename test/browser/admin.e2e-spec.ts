// The administration pages in a real browser, as an admin would use them: register a cluster from
// uploaded kubectl output, be told why a kubeconfig is refused, edit a cluster, create a token
// (shown once), use and revoke it, read and filter the audit log, delete then purge the cluster;
// and a security engineer is told that the pages need the admin role.
import type { ClusterSummary, AuditEntry } from '@kordon/contracts';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: { kubernetes.io/metadata.name: shop }
---
apiVersion: v1
kind: Pod
metadata:
  name: web-0
  namespace: shop
  labels: { app: web }
spec:
  containers: [{ name: web, image: nginx }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;

const EXEC_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: { server: 'https://prod.example:6443', certificate-authority-data: AAAA }
users:
- name: exec-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token]
contexts:
- name: prod
  context: { cluster: prod, user: exec-user }
current-context: prod
`;

const NAME = 'shop-offline';

describe('administration pages in a browser', () => {
  let p: Product;
  let admin: Page;
  let clusterId: string;
  let token: string;

  beforeAll(async () => {
    p = await startProduct();
    admin = await p.newPage('admin');
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  it('registers a cluster from uploaded manifests, lists it and links to its cluster page', async () => {
    await admin.goto(`${p.web.url}/admin/clusters/new?source=manifests`, { waitUntil: 'load' });
    await admin.getByRole('tab', { name: 'Offline manifests' }).waitFor();
    expect(await admin.getByRole('tab', { name: 'Offline manifests' }).getAttribute('aria-selected')).toBe('true');
    await admin.getByLabel('Name', { exact: true }).fill(NAME);
    await admin.getByLabel('Environment').fill('dev');
    await admin.getByLabel('Team').fill('shop');
    await admin.getByLabel('Files of kubectl output').setInputFiles({ name: 'shop.yaml', mimeType: 'text/yaml', buffer: Buffer.from(MANIFESTS) });
    await admin.getByRole('list', { name: 'Files to upload' }).getByText('shop.yaml').waitFor();
    await admin.getByRole('button', { name: 'Register cluster' }).click();
    const done = admin.getByTestId('registered');
    await done.waitFor();
    expect(await done.innerText()).toContain(`Registered ${NAME}`);

    const clusters = (await p.api<{ items: ClusterSummary[] }>('/clusters?limit=200')).items;
    const created = clusters.find((c) => c.name === NAME)!;
    expect(created).toMatchObject({ source: 'manifests', environment: 'dev', team: 'shop' });
    clusterId = created.id;

    await admin.goto(`${p.web.url}/admin/clusters`, { waitUntil: 'load' });
    const table = admin.getByRole('table', { name: 'Registered clusters' });
    await table.waitFor();
    const body = await table.innerText();
    for (const c of clusters) expect(body).toContain(c.name);
    const row = admin.locator(`tr[data-row-id="${clusterId}"]`);
    expect(await row.innerText()).toMatch(/manifests[\s\S]*dev[\s\S]*shop/);
    await screenshot(admin, 'admin-clusters');
    await Promise.all([admin.waitForURL(`**/clusters/${clusterId}`), admin.getByTestId(`cluster-page-${NAME}`).click()]);
    await admin.getByRole('heading', { name: NAME }).first().waitFor();
  });

  it('refuses a kubeconfig with an exec user and shows the API\'s reason next to the field, keeping the input', async () => {
    await admin.goto(`${p.web.url}/admin/clusters/new`, { waitUntil: 'load' });
    await admin.getByLabel('Name', { exact: true }).fill('prod-exec');
    await admin.getByLabel('Kubeconfig YAML').fill(EXEC_KUBECONFIG);
    await admin.getByRole('button', { name: 'Register cluster' }).click();
    const err = admin.getByTestId('kubeconfig-error');
    await err.waitFor();
    expect(await err.innerText()).toContain('users[exec-user].user.exec is not accepted in an uploaded kubeconfig');
    expect(await admin.getByLabel('Kubeconfig YAML').inputValue()).toBe(EXEC_KUBECONFIG);
    expect(await admin.getByLabel('Name', { exact: true }).inputValue()).toBe('prod-exec');
    expect(await admin.getByLabel('Kubeconfig YAML').getAttribute('aria-invalid')).toBe('true');
    // A bad name is refused before anything is sent, next to the name.
    await admin.getByLabel('Name', { exact: true }).fill('Prod Exec');
    await admin.getByRole('button', { name: 'Register cluster' }).click();
    await admin.getByTestId('name-error').waitFor();
    await admin.getByLabel('Name', { exact: true }).fill('prod-exec');
    await admin.getByRole('button', { name: 'Register cluster' }).click();
    await err.waitFor();
    await screenshot(admin, 'admin-register');
    const clusters = (await p.api<{ items: ClusterSummary[] }>('/clusters?limit=200')).items;
    expect(clusters.map((c) => c.name)).not.toContain('prod-exec');
  });

  it('shows the API\'s field errors for one AKS cluster, and what AKS discovery found or could not read', async () => {
    await admin.goto(`${p.web.url}/admin/clusters/new?source=aks`, { waitUntil: 'load' });
    await admin.getByLabel('Name', { exact: true }).fill('aks-one');
    await admin.getByLabel('Subscription id').fill('not-a-guid');
    await admin.getByLabel('Resource group').fill('rg-one');
    await admin.getByLabel('AKS cluster name').fill('aks-one');
    await admin.getByRole('button', { name: 'Register cluster' }).click();
    await admin.getByTestId('subscriptionId-error').waitFor();
    expect(await admin.getByTestId('subscriptionId-error').innerText()).toContain('subscriptionId must be a GUID');
    expect(await admin.getByLabel('Resource group').inputValue()).toBe('rg-one');

    // Tabs follow the ARIA pattern: arrow keys move to the next way of registering.
    await admin.getByRole('tab', { name: 'One AKS cluster' }).focus();
    await admin.keyboard.press('ArrowRight');
    await admin.waitForURL(/source=discover/);
    expect(await admin.getByRole('tab', { name: 'Discover AKS by subscription' }).evaluate((el) => el === document.activeElement)).toBe(true);
    await admin.getByLabel('Subscription ids').fill('nope');
    await admin.getByRole('button', { name: 'Discover and register' }).click();
    expect(await admin.getByTestId('subscriptionIds-error').innerText()).toContain('not a subscription id (GUID): nope');
    // No Azure credential here: the report says so instead of failing.
    await admin.getByLabel('Subscription ids').fill('5d0c7a3e-2b1f-4c8e-9d6a-0f4e3b2a1c90');
    await admin.getByRole('button', { name: 'Discover and register' }).click();
    const report = admin.getByTestId('discovery-report').or(admin.getByTestId('form-error'));
    await report.waitFor({ timeout: 60_000 });
    const said = await report.innerText();
    expect(said).toMatch(/Registered 0|⚠/);
    await screenshot(admin, 'admin-discover');
  }, 90_000);

  it('edits a cluster\'s team and schedule and shows them saved', async () => {
    await admin.goto(`${p.web.url}/admin/clusters/${clusterId}`, { waitUntil: 'load' });
    await admin.getByLabel('Team').fill('payments');
    await admin.getByLabel('Snapshot schedule (minutes)').fill('240');
    expect(await admin.getByTestId('scheduleMinutes-reading').innerText()).toBe('every 4 h');
    await admin.getByRole('radio', { name: /Paused/ }).check();
    await admin.getByRole('button', { name: 'Save settings' }).click();
    const saved = admin.getByTestId('saved');
    await saved.waitFor();
    expect(await saved.innerText()).toMatch(/every 4 h.*team payments.*paused/);
    await admin.locator('.page-sub', { hasText: 'every 4 h · paused' }).waitFor();
    await screenshot(admin, 'admin-cluster-edit');
    const c = await p.api<ClusterSummary>(`/clusters/${clusterId}`);
    expect(c).toMatchObject({ team: 'payments', scheduleMinutes: 240, enabled: false, environment: 'dev' });
    await admin.reload({ waitUntil: 'load' });
    expect(await admin.getByLabel('Team').inputValue()).toBe('payments');
    expect(await admin.getByLabel('Snapshot schedule (minutes)').inputValue()).toBe('240');
    expect(await admin.locator('.page-sub').innerText()).toContain('every 4 h · paused');
    await admin.goto(`${p.web.url}/admin/clusters`, { waitUntil: 'load' });
    expect(await admin.locator(`tr[data-row-id="${clusterId}"]`).innerText()).toMatch(/payments[\s\S]*every 4 h[\s\S]*paused/);
  });

  it('creates a token shown once, which works until it is revoked', async () => {
    await admin.goto(`${p.web.url}/admin/tokens`, { waitUntil: 'load' });
    await admin.getByLabel('Name', { exact: true }).fill('browser-ci');
    await admin.getByLabel('Role').selectOption('security');
    await admin.getByLabel('Expires in (days)').fill('30');
    await admin.getByRole('button', { name: 'Create token' }).click();
    const shown = admin.getByTestId('new-token');
    await shown.waitFor();
    token = (await shown.innerText()).trim();
    expect(token).toMatch(/^kdn_[A-Za-z0-9_-]{43}$/);
    expect(await admin.getByTestId('token-created').innerText()).toMatch(/only time it is shown/);
    await admin.getByRole('button', { name: 'Copy the token' }).waitFor();
    await admin.getByRole('table', { name: 'API tokens' }).getByText('browser-ci').waitFor();
    await screenshot(admin, 'admin-tokens-created');

    const res = await fetch(`${p.apiUrl}/api/clusters`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);

    await admin.reload({ waitUntil: 'load' });
    await admin.getByRole('table', { name: 'API tokens' }).waitFor();
    expect(await admin.content()).not.toContain(token);
    const row = admin.locator('tr', { hasText: 'browser-ci' });
    expect(await row.innerText()).toMatch(/security[\s\S]*active/);
    await row.getByRole('button', { name: 'Revoke browser-ci' }).click();
    await row.getByRole('button', { name: 'Yes, revoke browser-ci' }).click();
    await admin.locator('tr', { hasText: 'browser-ci' }).getByText('revoked').waitFor();
    const after = await fetch(`${p.apiUrl}/api/clusters`, { headers: { Authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  it('lists those actions in the audit log, filtered by action through the URL', async () => {
    await admin.goto(`${p.web.url}/admin/audit`, { waitUntil: 'load' });
    const table = admin.getByRole('table', { name: 'Audit log entries' });
    await table.waitFor();
    const body = await table.innerText();
    for (const action of ['auth.sign-in', 'cluster.register', 'cluster.update', 'token.create', 'token.revoke']) expect(body).toContain(action);
    expect(body).toContain(NAME);
    expect(body).toContain('browser-ci');

    await admin.getByLabel('Action').selectOption('token.create');
    await Promise.all([admin.waitForURL(/action=token\.create/), admin.getByRole('button', { name: 'Apply filters' }).click()]);
    await admin.locator('tr[data-action]').first().waitFor();
    const actions = await admin.locator('tr[data-action]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    const api = (await p.api<{ items: AuditEntry[] }>('/audit?action=token.create&limit=50')).items;
    expect(actions).toEqual(api.map(() => 'token.create'));
    expect(actions.length).toBeGreaterThanOrEqual(1);
    expect(await table.innerText()).toContain('browser-ci');
    await screenshot(admin, 'admin-audit');

    // The overview's numbers are the API's.
    await admin.goto(`${p.web.url}/admin`, { waitUntil: 'load' });
    const all = (await p.api<{ items: ClusterSummary[] }>('/clusters?limit=200')).items;
    const clustersStat = admin.getByRole('link', { name: /Clusters registered/ });
    expect(await clustersStat.innerText()).toMatch(new RegExp(`Clusters registered\\s*${all.length}\\s+${all.filter((c) => !c.enabled).length} paused`, 'i'));
    await screenshot(admin, 'admin-overview');

    // The link reproduces the view; another filter narrows it by target.
    await admin.goto(`${p.web.url}/admin/audit?action=cluster.&target=${clusterId}`, { waitUntil: 'load' });
    await admin.locator('tr[data-action]').first().waitFor();
    const clusterActions = await admin.locator('tr[data-action]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
    expect(clusterActions).toEqual(['cluster.update', 'cluster.register']);

    // A date range keeps to its days; an impossible one says why.
    await admin.goto(`${p.web.url}/admin/audit?from=2001-01-01&to=2001-01-02`, { waitUntil: 'load' });
    await admin.getByText('No entry matches these filters.').waitFor();
    const today = new Date().toISOString().slice(0, 10);
    await admin.goto(`${p.web.url}/admin/audit?action=token.revoke&from=${today}&to=${today}`, { waitUntil: 'load' });
    await admin.getByRole('table', { name: 'Audit log entries' }).waitFor();
    expect(await admin.locator('tr[data-action]').count()).toBe(1);
    await admin.goto(`${p.web.url}/admin/audit?from=2026-12-05&to=2026-12-01`, { waitUntil: 'load' });
    await admin.getByText('the first day must not be after the last day').waitFor();
  });

  it('deletes the cluster (history kept), then purges it after its name is typed', async () => {
    await admin.goto(`${p.web.url}/admin/clusters/${clusterId}`, { waitUntil: 'load' });
    await admin.getByRole('button', { name: `Delete ${NAME}…` }).click();
    await admin.getByRole('button', { name: `Yes, delete ${NAME}` }).click();
    await admin.getByTestId('cluster-deleted').waitFor();
    expect(await admin.getByTestId('cluster-deleted').innerText()).toMatch(/history kept/i);
    await screenshot(admin, 'admin-cluster-deleted');
    await expect(p.api(`/clusters/${clusterId}`)).rejects.toThrow(/404/);

    await admin.goto(`${p.web.url}/admin/clusters`, { waitUntil: 'load' });
    const kept = admin.getByRole('table', { name: 'Deleted clusters whose history is kept' });
    expect(await kept.innerText()).toContain(NAME);
    await Promise.all([admin.waitForURL(`**/admin/clusters/${clusterId}`), kept.getByRole('link', { name: /Purge its history/ }).click()]);

    await admin.getByRole('button', { name: `Purge ${NAME} and its history…` }).click();
    const purge = admin.getByRole('button', { name: `Purge ${NAME}`, exact: true });
    expect(await purge.isDisabled()).toBe(true);
    await admin.getByLabel(`Type ${NAME} to confirm`).fill('shop');
    expect(await purge.isDisabled()).toBe(true);
    await admin.getByLabel(`Type ${NAME} to confirm`).fill(NAME);
    await Promise.all([admin.waitForURL(/\/admin\/clusters\?purged=/), purge.click()]);
    await admin.getByText(`${NAME} and its whole history were purged`).waitFor();
    const audit = (await p.api<{ items: AuditEntry[] }>(`/audit?target=${clusterId}`)).items.map((e) => e.action);
    expect(audit).toEqual(['cluster.purge', 'cluster.delete', 'cluster.update', 'cluster.register']);
    await admin.goto(`${p.web.url}/admin/clusters/${clusterId}`, { waitUntil: 'load' });
    await admin.getByTestId('cluster-purged').waitFor();
  });

  it('answers an unknown cluster id with a 404 and the not-found page', async () => {
    const res = await admin.goto(`${p.web.url}/admin/clusters/00000000-0000-4000-8000-000000000000`, { waitUntil: 'load' });
    expect(res?.status()).toBe(404);
    await admin.getByTestId('not-found').waitFor();
  });

  it('tells a security engineer the pages need the admin role', async () => {
    const page = await p.newPage('security');
    for (const path of ['/admin', '/admin/tokens', '/admin/audit']) {
      await page.goto(`${p.web.url}${path}`, { waitUntil: 'load' });
      const state = page.getByTestId('needs-admin');
      await state.waitFor();
      expect(await state.innerText()).toMatch(/needs the admin role/i);
      expect(await page.locator('main').innerText()).not.toContain('kdn_');
    }
    expect(await page.getByRole('navigation', { name: 'Main' }).innerText()).not.toContain('Administration');
    await page.context().close();
  });
});
