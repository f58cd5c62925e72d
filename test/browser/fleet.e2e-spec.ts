// The whole product in a real browser: the real API (demo fleet seeded into a fresh database),
// the built Next.js app in front of it, Debian's Chromium through playwright-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH } from '../../apps/api/test/test-app';
import { screenshot } from './browser';
import { startProduct, type Product } from './product';

describe('fleet page in a browser', () => {
  let p: Product;

  beforeAll(async () => {
    p = await startProduct();
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
