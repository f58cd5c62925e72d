// Time in state on the namespace page in a real browser: a daily-scheduled cluster whose
// `payments` namespace keeps a default-deny both ways, with one failed snapshot ten days ago.
// The share, "held since" and "held throughout" an auditor reads equal the API's answer for the
// same range; a custom clean range (in the URL) holds throughout, with its proving snapshots
// linked to their evidence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NamespaceTimeInState } from '@kordon/contracts';
import { collectFromManifestText } from '@kordon/collectors';
import { ClustersService } from '../../apps/api/src/clusters/clusters.service';
import { SnapshotsService } from '../../apps/api/src/snapshots/snapshots.service';
import { formatShare } from '../../apps/web/app/clusters/[id]/namespaces/[ns]/time-in-state-range';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

const DAY_MS = 86_400_000;

const FILES = [
  {
    name: 'cluster.yaml',
    text: `
apiVersion: v1
kind: Namespace
metadata: { name: payments }
---
apiVersion: v1
kind: Pod
metadata: { name: pay-1, namespace: payments, labels: { app: pay } }
spec: { containers: [{ name: pay, image: nginx }] }
status: { phase: Running, podIP: 10.0.0.1 }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: payments }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`,
  },
  { name: 'aks.json', text: JSON.stringify({ networkPlugin: 'azure', networkPolicy: 'cilium', networkDataplane: 'cilium' }) },
];

describe('time in state on the namespace page', () => {
  let p: Product;
  let cluster: string;
  // Midnights: 40 days ago up to today; the snapshot of 10 days ago fails.
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const dayIso = (daysAgo: number) => new Date(today - daysAgo * DAY_MS).toISOString().slice(0, 10);

  beforeAll(async () => {
    p = await startProduct({ demo: false });
    const c = await p.t.app.get(ClustersService).register({ name: 'pay-prod', source: 'manifests', paths: ['demo'], scheduleMinutes: 1440 });
    cluster = c.id;
    const snapshots = p.t.app.get(SnapshotsService);
    for (let daysAgo = 40; daysAgo >= 0; daysAgo--) {
      const failing = daysAgo === 10;
      const outcome = await snapshots.run(cluster, {
        trigger: 'seed',
        at: new Date(today - daysAgo * DAY_MS),
        collect: async () => (failing ? { state: null, problems: [{ severity: 'error', code: 'unreachable', message: 'API server unreachable' }] } : collectFromManifestText(FILES)),
      });
      expect(outcome.status).toBe(failing ? 'failed' : 'succeeded');
    }
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  it('shows the share, held since and held throughout the API gives for the same range', async () => {
    const page = await p.newPage('auditor');
    const res = await page.goto(`${p.web.url}/clusters/${cluster}/namespaces/payments`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    const panel = page.getByTestId('time-in-state');
    await page.getByTestId('tis-share-ingress').waitFor();
    const from = await panel.getAttribute('data-from');
    const to = await panel.getAttribute('data-to');
    const api = await p.api<NamespaceTimeInState>(`/clusters/${cluster}/namespaces/payments/time-in-state?from=${from}&to=${to}`, 'auditor');
    for (const d of ['ingress', 'egress'] as const) {
      expect(await page.getByTestId(`tis-share-${d}`).innerText()).toBe(formatShare(api[d].share));
      expect(await page.getByTestId(`tis-held-${d}`).innerText()).toContain(`Default-deny ${d} held since ${api[d].protectedSince!.slice(0, 10)}`);
      expect(await page.getByTestId(`tis-throughout-${d}`).innerText()).toBe('no');
      // The failed snapshot of 10 days ago broke the run: it restarted the day after.
      expect(api[d].protectedSince!.slice(0, 10)).toBe(dayIso(9));
      expect(api[d].heldThroughout).toBe(false);
      expect(await page.getByTestId(`tis-${d}`).locator('.tis-seg[data-state="unknown"]').count()).toBeGreaterThan(0);
    }
    expect(await panel.innerText()).toContain('unknown (no snapshot vouches)');
    await screenshot(page, 'time-in-state');

    // A custom clean range, kept in the URL: held throughout, with its proving snapshots.
    await page.getByRole('button', { name: 'Custom' }).click();
    await page.getByLabel('From', { exact: true }).fill(dayIso(30));
    await page.getByLabel('To', { exact: true }).fill(dayIso(20));
    await page.waitForURL((u) => u.searchParams.get('tis') === 'custom' && u.searchParams.get('tisFrom') === dayIso(30) && u.searchParams.get('tisTo') === dayIso(20));
    await page.waitForFunction(() => document.querySelector('[data-testid="tis-throughout-ingress"]')?.textContent === 'yes');
    const clean = await p.api<NamespaceTimeInState>(
      `/clusters/${cluster}/namespaces/payments/time-in-state?from=${await panel.getAttribute('data-from')}&to=${await panel.getAttribute('data-to')}`,
      'auditor',
    );
    expect(clean.ingress.heldThroughout).toBe(true);
    expect(await page.getByTestId('tis-share-ingress').innerText()).toBe(formatShare(clean.ingress.share));
    expect(await page.getByTestId('tis-held-ingress').innerText()).toContain(`held since ${clean.ingress.protectedSince!.slice(0, 10)}`);
    await page.getByTestId('tis-proving-ingress').getByText(`Proving snapshots (${clean.ingress.provingSnapshots!.length})`).click();
    const links = page.getByTestId('tis-proving-ingress').getByRole('link');
    expect(await links.count()).toBe(clean.ingress.provingSnapshots!.length);
    expect(clean.ingress.provingSnapshots!.length).toBe(11);
    const first = clean.ingress.provingSnapshots![0];
    expect(await links.first().getAttribute('href')).toBe(`/evidence?cluster=${cluster}&at=${encodeURIComponent(first.startedAt)}`);

    // Reloading the URL reproduces the view.
    await page.reload({ waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('[data-testid="tis-throughout-ingress"]')?.textContent === 'yes');
  });
});
