// The reachability page in a real browser on the demo fleet: the namespace matrix drawn on
// canvas, a deep-linked matrix cell listing the same workload connections as the API, and a
// workload's "who can reach it" with the policies allowing each connection equal to the API's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ClusterSummary,
  NamespacePairReachability,
  Page,
  ReachabilityMatrix,
  ReachabilityWorkloadList,
  WorkloadReachability,
} from '@kordon/contracts';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

describe('reachability page in a browser', () => {
  let p: Product;
  let weu: ClusterSummary;

  beforeAll(async () => {
    p = await startProduct();
    weu = (await p.api<Page<ClusterSummary>>('/clusters')).items.find((c) => c.name === 'aks-prod-weu')!;
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  const rows = (page: import('playwright-core').Page, section: string) =>
    page.locator(`${section} table[data-testid="connections"] tbody tr`).evaluateAll((trs) =>
      trs.map((tr) => ({ src: tr.getAttribute('data-src'), dst: tr.getAttribute('data-dst'), conn: tr.querySelector('.conn')?.textContent ?? '' })),
    );

  it('draws the matrix on canvas and lists a deep-linked pair exactly as the API does', async () => {
    const matrix = await p.api<ReachabilityMatrix>(`/clusters/${weu.id}/reachability/matrix`);
    const cell = matrix.cells.find((c) => c.src !== c.dst && !matrix.excluded.includes(c.src) && !matrix.excluded.includes(c.dst))!;
    expect(cell).toBeDefined();
    const pair = await p.api<NamespacePairReachability>(`/clusters/${weu.id}/reachability/pairs/${cell.src}/${cell.dst}`);
    expect(pair.connections.length).toBeGreaterThan(0);
    const page = await p.newPage('security');
    const res = await page.goto(`${p.web.url}/clusters/${weu.id}/reachability?from=${cell.src}&to=${cell.dst}`, { waitUntil: 'load' });
    expect(res?.status(), p.web.output().slice(-3000)).toBe(200);
    await page.locator('[data-testid="matrix"] canvas').first().waitFor();
    expect(await page.getByTestId('matrix-summary').innerText()).toContain(`${matrix.namespaces.length} namespaces`);
    expect(await page.getByTestId('pair-conn').innerText()).toContain(cell.conn);
    expect(await rows(page, '#pair')).toEqual(pair.connections.map(({ src, dst, conn }) => ({ src, dst, conn })));
    // Each row says what allows it, in words.
    const first = await page.locator('#pair table[data-testid="connections"] tbody tr').first().innerText();
    expect(first).toMatch(/allowed by|allowed by default/);
    await screenshot(page, 'reachability');
  });

  it("lists who can reach a workload with the policies allowing each connection, equal to the API's", async () => {
    const list = await p.api<ReachabilityWorkloadList>(`/clusters/${weu.id}/reachability/workloads?limit=1000`);
    let chosen: WorkloadReachability | undefined;
    for (const w of list.items.filter((x) => !x.excluded)) {
      const r = await p.api<WorkloadReachability>(`/clusters/${weu.id}/reachability/workloads/${w.namespace}/${w.name}/ingress?kind=${w.kind}`);
      if (r.connections.some((c) => c.allowedBy.ingress.policies.length > 0)) {
        chosen = r;
        break;
      }
    }
    expect(chosen).toBeDefined();
    const id = chosen!.workload.id;
    const page = await p.newPage('auditor');
    // Pick it from the searchable list, as a user would.
    await page.goto(`${p.web.url}/clusters/${weu.id}/reachability`, { waitUntil: 'load' });
    await page.getByLabel('Workload', { exact: true }).fill(id);
    const option = page.locator('#workload-options a').filter({ hasText: id }).first();
    await option.waitFor();
    await Promise.all([page.waitForURL(/workload=/), option.click()]);
    await page.locator('#workload table[data-testid="connections"]').waitFor();
    expect(await rows(page, '#workload')).toEqual(chosen!.connections.map(({ src, dst, conn }) => ({ src, dst, conn })));
    const policies = await page.locator('#workload [data-testid="allowed-ingress"] .policy-name').allInnerTexts();
    const expected = chosen!.connections.flatMap((c) => c.allowedBy.ingress.policies.map((x) => `${x.namespace}/${x.name}`));
    expect(policies).toEqual(expected);
    const href = await page.locator('#workload [data-testid="allowed-ingress"] a').first().getAttribute('href');
    const firstPolicy = chosen!.connections.flatMap((c) => c.allowedBy.ingress.policies)[0]!;
    expect(href).toBe(`/clusters/${weu.id}/namespaces/${firstPolicy.namespace}/policies/${firstPolicy.name}?kind=NetworkPolicy`);
    await screenshot(page, 'reachability-workload');
    // Egress of the same workload, by the direction switch.
    await Promise.all([page.waitForURL(/dir=egress/), page.getByRole('link', { name: 'Where can it go (egress)' }).click()]);
    const egress = await p.api<WorkloadReachability>(
      `/clusters/${weu.id}/reachability/workloads/${chosen!.workload.namespace}/${chosen!.workload.name}/egress?kind=${chosen!.workload.kind}`,
    );
    await expect.poll(() => rows(page, '#workload')).toEqual(egress.connections.map(({ src, dst, conn }) => ({ src, dst, conn })));
  });

  it('on the Cilium cluster: CRD rules evaluated, "with L7 rules" and deny cuts named as the API names them', async () => {
    const neu = (await p.api<Page<ClusterSummary>>('/clusters')).items.find((c) => c.name === 'aks-prod-neu')!;
    const page = await p.newPage('security');
    // ledger-api is reached by payments-api through the L7 (HTTP) policy only.
    const ledger = await p.api<WorkloadReachability>(`/clusters/${neu.id}/reachability/workloads/ledger/ledger-api/ingress?kind=Deployment`);
    const viaL7 = ledger.connections.find((c) => c.src === 'payments/payments-api')!;
    expect(viaL7.conn).toBe('TCP 8080');
    expect(viaL7.allowedBy.ingress.l7).toEqual([{ policy: { kind: 'CiliumNetworkPolicy', namespace: 'ledger', name: 'ledger-api-l7' }, rules: ['http'] }]);
    await page.goto(`${p.web.url}/clusters/${neu.id}/reachability?workload=${encodeURIComponent('ledger/ledger-api')}`, { waitUntil: 'load' });
    await page.locator('#workload table[data-testid="connections"]').waitFor();
    expect(await rows(page, '#workload')).toEqual(ledger.connections.map(({ src, dst, conn }) => ({ src, dst, conn })));
    const row = page.locator('#workload table[data-testid="connections"] tbody tr[data-src="payments/payments-api"]');
    const allowed = await row.locator('[data-testid="allowed-ingress"]').innerText();
    expect(allowed).toContain('allowed by CiliumNetworkPolicy ledger/ledger-api-l7');
    expect(allowed).toContain('with L7 rules (http)');
    expect(await row.locator('[data-testid="allowed-ingress"] a').getAttribute('href')).toBe(`/clusters/${neu.id}/namespaces/ledger/policies/ledger-api-l7?kind=CiliumNetworkPolicy`);
    // cert-manager has no policy of its own: open, but the clusterwide deny cuts SSH from every peer.
    const cm = await p.api<WorkloadReachability>(`/clusters/${neu.id}/reachability/workloads/cert-manager/cert-manager/ingress?kind=Deployment`);
    const cut = cm.connections.find((c) => c.allowedBy.ingress.deniedBy.length > 0)!;
    expect(cut.conn).toBe('SCTP,TCP 1-21,23-65535,UDP');
    expect(cut.allowedBy.ingress.deniedBy).toEqual([{ kind: 'CiliumClusterwideNetworkPolicy', namespace: null, name: 'deny-ssh-into-pods' }]);
    await page.goto(`${p.web.url}/clusters/${neu.id}/reachability?workload=${encodeURIComponent('cert-manager/cert-manager')}`, { waitUntil: 'load' });
    await page.locator('#workload table[data-testid="connections"]').waitFor();
    const denied = await page.locator(`#workload tbody tr[data-src="${cut.src}"] [data-testid="denied-ingress"]`).innerText();
    expect(denied).toContain('deny rules of CiliumClusterwideNetworkPolicy deny-ssh-into-pods cut ports off this connection');
    // Nothing on this cluster is an upper bound any more: only L7, FQDN and hostNetwork items remain.
    const matrix = await p.api<ReachabilityMatrix>(`/clusters/${neu.id}/reachability/matrix`);
    for (const n of matrix.notEvaluated) expect(n.reason).toMatch(/L7 rules|FQDN|hostNetwork/);
    await screenshot(page, 'reachability-cilium');
  });

  it('says what is not evaluated and that the none cluster enforces nothing', async () => {
    const sandbox = (await p.api<Page<ClusterSummary>>('/clusters')).items.find((c) => c.name === 'aks-dev-sandbox')!;
    const m = await p.api<ReachabilityMatrix>(`/clusters/${sandbox.id}/reachability/matrix`);
    const cell = m.cells[0]!;
    const page = await p.newPage('security');
    await page.goto(`${p.web.url}/clusters/${sandbox.id}/reachability?from=${cell.src}&to=${cell.dst}`, { waitUntil: 'load' });
    expect(await page.locator('main').innerText()).toMatch(/Nothing is enforced on this cluster/);
    expect(await page.getByTestId('not-evaluated').innerText()).toContain('networkProfile');
  });

  it('answers from the snapshot in force at a past date, named in the banner', async () => {
    const date = new Date(Date.now() - 21 * 86_400_000).toISOString().slice(0, 10);
    const at = `${date}T23:59:59.999Z`;
    const matrix = await p.api<ReachabilityMatrix>(`/clusters/${weu.id}/reachability/matrix?at=${encodeURIComponent(at)}`);
    const cell = matrix.cells.find((c) => c.src !== c.dst)!;
    const pair = await p.api<NamespacePairReachability>(`/clusters/${weu.id}/reachability/pairs/${cell.src}/${cell.dst}?at=${encodeURIComponent(at)}`);
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/clusters/${weu.id}/reachability?at=${date}&from=${cell.src}&to=${cell.dst}`, { waitUntil: 'load' });
    const banner = await page.getByTestId('as-of-banner').innerText();
    expect(banner).toContain(`As of ${date}`);
    expect(banner).toContain(pair.snapshot.id);
    expect(await rows(page, '#pair')).toEqual(pair.connections.map(({ src, dst, conn }) => ({ src, dst, conn })));
  });

  it('keeps managers out with a clear message', async () => {
    const page = await p.newPage('manager');
    await page.goto(`${p.web.url}/clusters/${weu.id}/reachability`, { waitUntil: 'load' });
    expect(await page.getByTestId('forbidden').innerText()).toMatch(/needs the Auditor role/);
  });
});
