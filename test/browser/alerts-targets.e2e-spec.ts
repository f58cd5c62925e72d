// The alerts page and the rollout targets in a real browser against the real API on the demo
// fleet: open alerts as the API lists them; a security user edits a rule's threshold, adds a
// signed webhook pointing at a real local HTTP receiver and sends it a test event from the page
// (the receiver checks the HMAC); a target set in the rollout page shows the API's progress with
// a burn-up chart (the target and the projection to the due date, also in words, as the API has
// them), a manager reads it without the form, and security removes it.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRuleView, AlertView, RolloutTargetView, TargetProgress, WebhookView } from '@kordon/contracts';
import { formatPercent } from '../../apps/web/lib/format';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

const DAY = 86_400_000;
const SECRET = 'browser-test-secret-0123456789';

describe('alerts page and rollout targets in a browser', () => {
  let p: Product;
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/kordon-hook`;
    p = await startProduct();
  }, 600_000);

  afterAll(async () => {
    await p?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it('lists the open alerts as the API does, and lets security tune a rule and test a signed webhook', async () => {
    const alerts = (await p.api<{ items: AlertView[] }>('/alerts', 'auditor')).items;
    const open = alerts.filter((a) => !a.resolvedAt);

    // An auditor reads the alerts and the rules, without the controls.
    const auditor = await p.newPage('auditor');
    await auditor.goto(`${p.web.url}/alerts`, { waitUntil: 'load' });
    expect(await auditor.getByTestId('open-count').innerText()).toBe(`(${open.length})`);
    if (open.length) {
      const rows = auditor.getByTestId('open-alerts').locator('tbody tr');
      expect(await rows.count()).toBe(open.length);
      for (const a of open.slice(0, 5)) {
        const row = auditor.locator(`tr[data-alert-id="${a.id}"]`);
        expect(await row.innerText()).toContain(a.summary);
        expect(await row.innerText()).toContain(a.clusterName);
      }
    }
    expect(await auditor.locator('[data-rule="coverage_drop"] input').count()).toBe(0);
    expect(await auditor.getByTestId('webhook-form').count()).toBe(0);
    await auditor.context().close();

    const security = await p.newPage('security');
    await security.goto(`${p.web.url}/alerts`, { waitUntil: 'load' });
    // Tune coverage_drop's threshold in the page; the API answers the new value.
    const rule = security.locator('[data-rule="coverage_drop"]');
    await rule.getByLabel('coverage_drop threshold in points').fill('7.5');
    await rule.getByRole('button', { name: 'Save' }).click();
    await rule.getByText('✓ saved').waitFor();
    const rules = (await p.api<{ items: AlertRuleView[] }>('/alert-rules', 'auditor')).items;
    expect(rules.find((r) => r.kind === 'coverage_drop')).toMatchObject({ threshold: 7.5, enabled: true });
    // A threshold the API refuses says why, under the field.
    await rule.getByLabel('coverage_drop threshold in points').fill('0');
    await rule.getByRole('button', { name: 'Save' }).click();
    await rule.getByRole('alert').waitFor();
    expect(await rule.getByRole('alert').innerText()).toMatch(/at least 0\.1/);

    // Add a signed JSON webhook to the local receiver, then send it a test event from its row.
    const form = security.getByTestId('webhook-form');
    await form.getByLabel('Name', { exact: true }).fill('browser-receiver');
    await form.getByLabel('URL', { exact: true }).fill(receiverUrl);
    await form.getByLabel('Signing secret').fill(SECRET);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await form.getByText('✓ Webhook browser-receiver added.').waitFor();
    const row = security.locator('tr[data-webhook="browser-receiver"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('127.0.0.1');
    expect(await row.innerText()).not.toContain('/kordon-hook');
    expect(await row.innerText()).toContain('signed');
    await row.getByRole('button', { name: 'Send test' }).click();
    await row.getByTestId('webhook-test-result').waitFor();
    expect(await row.getByTestId('webhook-test-result').innerText()).toMatch(/test delivered: HTTP 200 in \d+ ms/);
    expect(received).toHaveLength(1);
    const [got] = received;
    const signature = `sha256=${createHmac('sha256', SECRET).update(got!.body).digest('hex')}`;
    expect(got!.headers['x-kordon-signature']).toBe(signature);
    expect(JSON.parse(got!.body)).toMatchObject({ event: 'webhook.test' });
    await screenshot(security, 'alerts');

    const hooks = (await p.api<{ items: WebhookView[] }>('/webhooks', 'security')).items;
    expect(hooks.map((h) => h.name)).toEqual(['browser-receiver']);
    // Pause it from the page.
    await row.getByRole('button', { name: 'Pause' }).click();
    await security.locator('tr[data-webhook="browser-receiver"]').getByText('paused').waitFor();
    expect((await p.api<{ items: WebhookView[] }>('/webhooks', 'security')).items[0]).toMatchObject({ enabled: false });
    await security.context().close();
  });

  it('sets a rollout target in the page, shows its progress as the API computes it, and removes it', async () => {
    const weu = await p.cluster('aks-prod-weu');
    const due = new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10);
    const security = await p.newPage('security');
    await security.goto(`${p.web.url}/rollout`, { waitUntil: 'load' });
    const form = security.getByTestId('target-form');
    await form.getByLabel('Scope').selectOption('cluster');
    await form.getByLabel('Cluster').selectOption(weu.id);
    await form.getByLabel('Direction').selectOption('egress');
    await form.getByLabel('Share of namespaces with default-deny (%)').fill('90');
    await form.getByLabel('Due date').fill(due);
    await form.getByLabel('Note').fill('Q1 segmentation review');
    await form.getByRole('button', { name: 'Set target' }).click();
    await form.getByText(`✓ Target set: aks-prod-weu, 90 % default-deny egress by ${due}.`).waitFor();

    const [target] = (await p.api<{ items: RolloutTargetView[] }>('/rollout/targets', 'manager')).items;
    expect(target).toMatchObject({ scopeKind: 'cluster', scopeValue: weu.id, scopeName: 'aks-prod-weu', direction: 'egress', share: 0.9, note: 'Q1 segmentation review', createdBy: 'browser-security' });
    const card = security.locator(`[data-target-id="${target!.id}"]`);
    await card.waitFor();
    expect(await card.locator('h3').innerText()).toContain(`aks-prod-weu: 90`);
    expect(await card.locator('h3').innerText()).toContain(`default-deny egress by ${due}`);
    const s = target!.progress;
    expect(await card.getByTestId('target-current').innerText()).toContain(`(${s.withDefaultDeny} of ${s.namespaces} namespaces)`);
    expect(await card.getByTestId('target-current').innerText()).toContain(`${s.daysLeft} days left`);
    // The burn-up plots the actual share, the target and the projection to the due date, and says
    // so in words: the target share and due date, and the projection there, as the API has them.
    const progress = await p.api<TargetProgress>(`/rollout/targets/${target!.id}/progress`, 'manager');
    expect(progress.projection).toHaveLength(2);
    const end = progress.projection[1]!;
    expect(end.day).toBe(due);
    const chart = card.locator('figure.trend-chart');
    await expect.poll(() => chart.locator('.recharts-line').count()).toBe(3);
    expect((await chart.locator('.recharts-legend-item-text').allInnerTexts()).sort()).toEqual(['Actual', 'Projection', 'Target']);
    for (const color of ['#1d4f7a', '#b42318', '#6b7280']) expect((await chart.locator(`path.recharts-line-curve[stroke="${color}"]`).getAttribute('d')) ?? '', color).toMatch(/^M[\d.]/);
    const onePlace = (share: number) => `${Math.round((Math.round(share * 1000) / 10) * 10) / 10} %`;
    expect(await chart.getAttribute('aria-label')).toBe(
      `Burn-up of aks-prod-weu default-deny egress toward ${formatPercent(0.9)} by ${due}: Actual —, Target ${onePlace(target!.share)}, Projection ${onePlace(end.share)} on ${due}`,
    );
    expect(end.share).toBe(s.projectedAtDue);
    await screenshot(security, 'rollout-targets');

    // A manager follows it without the form.
    const manager = await p.newPage('manager');
    await manager.goto(`${p.web.url}/rollout`, { waitUntil: 'load' });
    await manager.locator(`[data-target-id="${target!.id}"]`).waitFor();
    expect(await manager.getByTestId('target-form').count()).toBe(0);
    expect(await manager.getByRole('button', { name: 'Remove target' }).count()).toBe(0);
    await manager.context().close();

    security.once('dialog', (d) => void d.accept());
    await card.getByRole('button', { name: 'Remove target' }).click();
    await card.waitFor({ state: 'detached' });
    expect((await p.api<{ items: RolloutTargetView[] }>('/rollout/targets', 'manager')).items).toEqual([]);
    await security.context().close();
  });
});
