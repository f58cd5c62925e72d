// Exceptions in a real browser on the demo fleet: a security user requests one in the page, sees
// no approve button on their own request (with the reason), another user approves it in their own
// session, and the finding shows "Excepted" on the findings page; the page's counts equal the API's.
// The cluster page's roll-up shows default-deny with and without exceptions (the API's figures),
// and its table keeps an excepted gap visible, marked "excepted".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ClusterPosturePage, DefaultDenyFigures, ExceptionsPage, FleetFindingItem, Page, PostureExceptionView } from '@kordon/contracts';
import { formatPercent } from '../../apps/web/lib/format';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

describe('exceptions page in a browser', () => {
  let p: Product;

  beforeAll(async () => {
    p = await startProduct();
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  it('requests in the page, approves in another session, marks the finding Excepted', async () => {
    const cluster = await p.cluster('aks-dev-sandbox');
    const open = await p.api<Page<FleetFindingItem>>(`/findings?cluster=${cluster.id}&rule=KORDON-003&limit=500`);
    const target = open.items.find((f) => f.namespace)!;
    expect(target, 'a namespace without default-deny ingress').toBeTruthy();
    expect(target.excepted).toBeNull();

    const security = await p.newPage('security');
    await security.goto(`${p.web.url}/exceptions`, { waitUntil: 'load' });
    expect(await security.getByRole('navigation', { name: 'Main' }).innerText()).toContain('Exceptions');
    await security.locator('#exc-cluster').selectOption(cluster.id);
    await security.locator('#exc-namespace').fill(target.namespace!);
    await security.locator('#exc-kind').selectOption('direction');
    await security.locator('#exc-direction').selectOption('ingress');
    await security.locator('#exc-owner').fill('team-sandbox');
    await security.locator('#exc-justification').fill('sandbox namespace, isolated at the subnet');
    await security.getByRole('button', { name: 'Request exception' }).click();
    await security.getByTestId('request-created').waitFor();
    const row = security.locator('tr[data-status="pending"]').first();
    await row.waitFor();
    expect(await row.innerText()).toContain(target.namespace!);
    expect(await row.locator('[data-action="approve"]').count()).toBe(0);
    expect(await row.getByTestId('own-request').innerText()).toContain('someone else must approve');
    expect(await row.getByTestId('expires-in').innerText()).toMatch(/expires in (89|90) days/);
    await screenshot(security, 'exceptions-requested');

    const list = await p.api<ExceptionsPage>('/exceptions');
    expect(list.items).toHaveLength(1);
    const id = list.items[0]!.id;
    expect(list.items[0]).toMatchObject({ status: 'pending', requestedBy: 'browser-security', namespace: target.namespace, direction: 'ingress' });

    const admin = await p.newPage('admin');
    await admin.goto(`${p.web.url}/exceptions`, { waitUntil: 'load' });
    const adminRow = admin.locator(`tr[data-exception-id="${id}"]`);
    await adminRow.locator('[data-action="approve"]').click();
    await admin.locator(`tr[data-exception-id="${id}"][data-status="approved"]`).waitFor();
    expect(await admin.getByTestId('exceptions-count').innerText()).toContain('1 exception · 1 in force · 0 pending');

    const after = await p.api<Page<FleetFindingItem>>(`/findings?cluster=${cluster.id}&rule=KORDON-003&limit=500`);
    const excepted = after.items.filter((f) => f.excepted);
    expect(excepted.map((f) => f.id)).toContain(target.id);
    await security.goto(`${p.web.url}/findings?cluster=${cluster.id}&rule=KORDON-003`, { waitUntil: 'load' });
    const findingRow = security.locator(`li.finding[data-finding-id="${target.id}"]`);
    expect(await findingRow.getByTestId('excepted').innerText()).toContain('Excepted · team-sandbox');
    expect(await security.getByTestId('excepted').count()).toBe(excepted.length);
    await screenshot(security, 'findings-excepted');
    await security.goto(`${p.web.url}/findings?cluster=${cluster.id}&rule=KORDON-003&excepted=false`, { waitUntil: 'load' });
    // The list streams in after the loading state: wait for its status line before counting.
    await security.locator('form[aria-label="Filter findings"]').waitFor();
    const rest = after.items.length - excepted.length;
    if (rest > 0) await security.locator('li.finding').first().waitFor();
    expect(await security.locator('li.finding').count()).toBe(rest);
    expect(await security.getByTestId('excepted').count()).toBe(0);
    await screenshot(security, 'findings-not-excepted');
    await security.goto(`${p.web.url}/clusters/${cluster.id}/namespaces/${target.namespace}`, { waitUntil: 'load' });
    expect(await security.getByTestId('excepted-ingress').innerText()).toContain('owner team-sandbox');
    expect(await security.getByTestId('excepted-egress').count()).toBe(0);
    await screenshot(security, 'namespace-excepted');
  });

  it('lets an auditor read the list without request or decision controls', async () => {
    const page = await p.newPage('auditor');
    await page.goto(`${p.web.url}/exceptions`, { waitUntil: 'load' });
    await page.getByTestId('exceptions-count').waitFor();
    expect(await page.getByTestId('request-form').count()).toBe(0);
    expect(await page.locator('[data-action]').count()).toBe(0);
    const list = await p.api<ExceptionsPage>('/exceptions', 'auditor');
    expect(await page.locator('tr[data-exception-id]').count()).toBe(list.items.length);
  });

  it('shows default-deny with and without exceptions on the cluster page, and the gap marked excepted', async () => {
    const cluster = await p.cluster('aks-prod-weu');
    const before = await p.api<ClusterPosturePage>(`/clusters/${cluster.id}/posture?limit=500`);
    const target = before.items.find((i) => !i.excluded && !i.egress.defaultDeny)!;
    expect(target, 'a counted namespace without default-deny egress').toBeTruthy();
    // Without exceptions on this cluster both figures agree and the roll-up says nothing extra.
    const page = await p.newPage('manager');
    await page.goto(`${p.web.url}/clusters/${cluster.id}`, { waitUntil: 'load' });
    for (const d of ['ingress', 'egress'] as const) {
      const f = before.defaultDenyFigures![d];
      expect(f.namespacesWithDefaultDenyOrExcepted).toBe(f.namespacesWithDefaultDeny);
      expect(await page.getByTestId(`dd-share-${d}`).innerText()).toBe(formatPercent(f.defaultDenyShare!));
      expect(await page.getByTestId(`dd-fact-excepted-${d}`).count()).toBe(0);
    }

    // Requested by one security user, approved by another principal (four eyes).
    const http = () => request(p.t.app.getHttpServer());
    const auth = (role: 'security' | 'admin') => ({ Authorization: `Bearer ${p.tokens[role]}` });
    const created = (
      await http()
        .post('/api/exceptions')
        .set(auth('security'))
        .send({
          cluster: cluster.id, namespace: target.name, direction: 'egress', owner: 'team-weu',
          justification: 'egress goes through the firewall', expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        })
        .expect(201)
    ).body as PostureExceptionView;
    await http().post(`/api/exceptions/${created.id}/approve`).set(auth('admin')).send({ note: 'ok' }).expect(200);

    const api = await p.api<ClusterPosturePage>(`/clusters/${cluster.id}/posture?limit=500`);
    const figures = api.defaultDenyFigures!;
    expect(figures.egress.namespacesWithDefaultDenyOrExcepted).toBe(figures.egress.namespacesWithDefaultDeny + 1);
    expect(figures.ingress).toEqual(before.defaultDenyFigures!.ingress);

    await page.goto(`${p.web.url}/clusters/${cluster.id}?q=${encodeURIComponent(target.name)}`, { waitUntil: 'load' });
    const fact = async (d: 'ingress' | 'egress') => (await page.getByTestId(`dd-fact-${d}`).innerText()).replace(/\s+/g, ' ');
    const reads = (f: DefaultDenyFigures) => `${formatPercent(f.defaultDenyShare!)} ${f.namespacesWithDefaultDeny} of ${f.namespaces} namespaces`;
    // Egress: the share without exceptions, then the share counting the excepted namespace.
    expect(await page.getByTestId('dd-share-egress').innerText()).toBe(formatPercent(figures.egress.defaultDenyShare!));
    expect(await fact('egress')).toContain(reads(figures.egress));
    const extra = (await page.getByTestId('dd-fact-excepted-egress').innerText()).replace(/\s+/g, ' ');
    expect(extra).toBe(`(${formatPercent(figures.egress.defaultDenyOrExceptedShare!)} counting 1 excepted namespace)`);
    // Ingress has no exception in force: no extra part.
    expect(await fact('ingress')).toContain(reads(figures.ingress));
    expect(await page.getByTestId('dd-fact-excepted-ingress').count()).toBe(0);

    // The table still lists the namespace, its egress gap reading "none", marked excepted.
    const row = page.locator(`.posture-table tr[data-row-id="${target.name}"]`);
    const cell = (await row.getByTestId('dd-egress').innerText()).replace(/\s+/g, ' ');
    expect(cell).toContain('none');
    expect(cell).toContain(`excepted team-weu, until ${created.expiresAt.slice(0, 10)}`);
    const excepted = api.items.find((i) => i.name === target.name)!;
    expect(excepted.egress.defaultDenyExcepted?.exceptionId).toBe(created.id);
    expect(await row.getByTestId('dd-excepted-ingress').count()).toBe(excepted.ingress.defaultDenyExcepted ? 1 : 0);
    await screenshot(page, 'cluster-excepted');
  });
});
