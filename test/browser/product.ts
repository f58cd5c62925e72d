// The whole product for browser tests: the real API on a fresh database with the demo fleet
// seeded, the built web app in front of it, Debian's Chromium, and one API token per role made
// through the API itself (as an admin would). Sign a page in as a role with `signIn`.
//
//   const p = await startProduct();
//   const page = await p.newPage('security');         // signed in as a security engineer
//   await page.goto(`${p.web.url}/clusters/${id}`);
//   await p.close();
import type { Browser, Page } from 'playwright-core';
import type { ClusterSummary, Page as ApiPage } from '@kordon/contracts';
import request from 'supertest';
import { DemoService } from '../../apps/api/src/demo/demo.service';
import { ADMIN_AUTH, ADMIN_TOKEN, startTestApp, type TestApp } from '../../apps/api/test/test-app';
import { issueToken } from '../../apps/api/test/tokens';
import { freePort, launchBrowser, startWeb, type WebServer } from './browser';

export type Role = 'admin' | 'security' | 'auditor' | 'manager';

export interface Product {
  t: TestApp;
  web: WebServer;
  browser: Browser;
  apiUrl: string;
  /** A bearer token per role (admin is the bootstrap token). */
  tokens: Record<Role, string>;
  /** GET the API as `role` (default admin), JSON body. */
  api<T = unknown>(path: string, role?: Role): Promise<T>;
  /** A demo cluster by name, as `GET /api/clusters` lists it. */
  cluster(name: string): Promise<ClusterSummary>;
  /** A new page (own context, own cookies) signed in as `role`. */
  newPage(role: Role, viewport?: { width: number; height: number }): Promise<Page>;
  /** What the browser refused under the pages' Content-Security-Policy, on every page opened. */
  cspViolations: string[];
  /** Closes everything; fails when a page hit the Content-Security-Policy. */
  close(): Promise<void>;
}

export interface StartProductOptions {
  /** Extra environment for the API. */
  apiEnv?: Record<string, string>;
  /** Extra environment for the web app. */
  webEnv?: Record<string, string>;
  /** Seed the demo fleet (default true). */
  demo?: boolean;
}

export async function startProduct(opts: StartProductOptions = {}): Promise<Product> {
  const t = await startTestApp(opts.apiEnv ?? {});
  try {
    if (opts.demo !== false) await t.app.get(DemoService).seed(new Date());
    const apiPort = await freePort();
    await t.app.listen(apiPort, '127.0.0.1');
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const tokens: Record<Role, string> = {
      admin: ADMIN_TOKEN,
      security: (await issueToken(t.app, 'security', { name: 'browser-security' })).token,
      auditor: (await issueToken(t.app, 'auditor', { name: 'browser-auditor' })).token,
      manager: (await issueToken(t.app, 'manager', { name: 'browser-manager' })).token,
    };
    const web = await startWeb({ apiUrl, env: opts.webEnv, timeoutMs: 120_000 });
    const browser = await launchBrowser();
    const product: Product = {
      t,
      web,
      browser,
      apiUrl,
      tokens,
      async api(path, role = 'admin') {
        const res = await request(t.app.getHttpServer())
          .get(path.startsWith('/api') ? path : `/api${path}`)
          .set(role === 'admin' ? ADMIN_AUTH : { Authorization: `Bearer ${tokens[role]}` });
        if (res.status >= 400) throw new Error(`GET ${path} as ${role} answered ${res.status}: ${JSON.stringify(res.body)}`);
        return res.body;
      },
      async cluster(name) {
        const found = (await product.api<ApiPage<ClusterSummary>>('/clusters')).items.find((c) => c.name === name);
        if (!found) throw new Error(`no cluster named ${name}`);
        return found;
      },
      async newPage(role, viewport = { width: 1366, height: 900 }) {
        const context = await browser.newContext({ viewport });
        const page = await context.newPage();
        watchCsp(page, product.cspViolations);
        await signIn(page, web.url, tokens[role]);
        return page;
      },
      cspViolations: [],
      async close() {
        await browser.close().catch(() => undefined);
        await web.stop();
        await t.close();
        if (product.cspViolations.length) throw new Error(`the Content-Security-Policy blocked: ${product.cspViolations.join(' | ')}`);
      },
    };
    return product;
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** Collects Chromium's Content-Security-Policy refusals on `page` into `into`. */
export function watchCsp(page: Page, into: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) into.push(`${page.url()}: ${m.text()}`);
  });
}

/** Signs `page` in with an API token through the sign-in form, as a user would. */
export async function signIn(page: Page, webUrl: string, token: string): Promise<void> {
  await page.goto(`${webUrl}/sign-in`);
  await page.getByLabel('API token').fill(token);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in')), page.getByRole('button', { name: 'Sign in' }).click()]);
}
