// The whole product in a real browser: the real API (demo fleet seeded into a fresh database),
// the built Next.js app in front of it, Debian's Chromium through playwright-core.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH, startTestApp, type TestApp } from '../../apps/api/test/test-app';
import { DemoService } from '../../apps/api/src/demo/demo.service';
import { freePort, launchBrowser, screenshot, startWeb, type WebServer } from './browser';

// The web app reads the API with its own token; the API bootstraps the same one as an auditor.
const WEB_TOKEN = 'browser-web-token-0123456789abcdef';

describe('fleet page in a browser', () => {
  let t: TestApp;
  let web: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ KORDON_WEB_TOKEN: WEB_TOKEN });
    await t.app.get(DemoService).seed(new Date());
    const apiPort = await freePort();
    await t.app.listen(apiPort, '127.0.0.1');
    web = await startWeb({ apiUrl: `http://127.0.0.1:${apiPort}`, env: { KORDON_WEB_TOKEN: WEB_TOKEN }, timeoutMs: 120_000 });
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await t?.close();
  });

  it('lists the demo clusters with their engines and last snapshot status', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const res = await page.goto(web.url, { waitUntil: 'networkidle' });
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
    const anonymous = await fetch(`${web.url}/api/clusters`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    const res = await fetch(`${web.url}/api/clusters`, { headers: ADMIN_AUTH });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { items: { name: string; demo: boolean }[] };
    expect(json.items.filter((c) => c.demo)).toHaveLength(4);
  });
});
