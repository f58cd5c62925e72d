// Sign-in, sessions, roles and CSRF in a real browser: API tokens against the demo product, and
// OIDC through a real local OpenID provider (the certified oidc-provider package, with its own
// login and consent pages) standing in for Entra ID.
import type { BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_AUTH } from '../../apps/api/test/test-app';
import { issueToken } from '../../apps/api/test/tokens';
import { freePort, screenshot } from './browser';
import { OIDC_PROVIDER_NAME, oidcApiEnv, oidcWebEnv, startOidcProvider, type TestOidcProvider } from './oidc-provider';
import { signIn, startProduct, type Product, type Role } from './product';

interface AuditEntry {
  actor: string;
  action: string;
  details: Record<string, unknown> | null;
}

const NAV_OF: Record<Role, string[]> = {
  manager: ['Fleet', 'Rollout'],
  security: ['Fleet', 'Rollout', 'Findings', 'Exceptions', 'Alerts', 'Evidence'],
  auditor: ['Fleet', 'Rollout', 'Findings', 'Exceptions', 'Alerts', 'Evidence'],
  admin: ['Fleet', 'Rollout', 'Findings', 'Exceptions', 'Alerts', 'Evidence', 'Administration'],
};
const BADGE_OF: Record<Role, string> = { admin: 'Admin', security: 'Security', auditor: 'Auditor', manager: 'Manager' };

async function signInEntries(p: Product): Promise<AuditEntry[]> {
  const page = await p.api<{ items: AuditEntry[] }>('/audit?action=auth.sign-in&limit=100');
  return page.items;
}

function csrfOf(context: BrowserContext): Promise<string> {
  return context.cookies().then((all) => all.find((c) => c.name === 'kordon_csrf')?.value ?? '');
}

describe('sign-in with an API token', () => {
  let p: Product;
  let clusterId: string;

  beforeAll(async () => {
    p = await startProduct({ webEnv: { KORDON_SIGN_IN_HINT: 'Paste the admin token that npm start generated into .kordon/admin-token.' } });
    const clusters = await p.api<{ items: { id: string; name: string }[] }>('/clusters');
    clusterId = clusters.items.find((c) => c.name === 'aks-prod-weu')!.id;
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  it('sends a deep link through sign-in and back, refuses a wrong token, and signs out', async () => {
    const context = await p.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${p.web.url}/clusters/${clusterId}`, { waitUntil: 'load' });
    const url = new URL(page.url());
    expect(url.pathname).toBe('/sign-in');
    expect(url.searchParams.get('next')).toBe(`/clusters/${clusterId}`);
    await expect(page.getByTestId('sign-in-hint').innerText()).resolves.toContain('.kordon/admin-token');
    await screenshot(page, 'sign-in-demo-hint');

    await page.getByLabel('API token').fill('kdn_this-token-does-not-exist-0123456789');
    await Promise.all([page.waitForURL(/error=invalid/), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    await expect(page.locator('p[role=alert]').innerText()).resolves.toContain('That token was refused');
    // The refusal keeps the deep link.
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/clusters/${clusterId}`);
    await screenshot(page, 'sign-in');

    await page.getByLabel('API token').fill(p.tokens.security);
    await Promise.all([page.waitForURL((u) => u.pathname === `/clusters/${clusterId}`), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
    await expect(page.getByTestId('whoami').innerText()).resolves.toContain('browser-security');

    await Promise.all([page.waitForURL(/\/sign-in\?signedOut=1/), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect((await context.cookies()).find((c) => c.name === 'kordon_session')).toBeUndefined();
    await page.goto(`${p.web.url}/clusters/${clusterId}`, { waitUntil: 'load' });
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });

  it('shows each role the pages it may use and its role badge', async () => {
    for (const role of ['manager', 'auditor', 'security', 'admin'] as Role[]) {
      const page = await p.newPage(role);
      await page.goto(p.web.url, { waitUntil: 'load' });
      const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();
      expect(links.map((l) => l.trim()), role).toEqual(NAV_OF[role]);
      await expect(page.getByTestId('whoami').locator('.role-badge').innerText()).resolves.toBe(BADGE_OF[role]);
      await page.context().close();
    }
  });

  it('keeps the token out of the page: httpOnly session cookie, no token in the HTML', async () => {
    const page = await p.newPage('auditor');
    const res = await page.goto(p.web.url, { waitUntil: 'load' });
    const html = (await res!.text()) + (await page.content());
    expect(html).not.toContain(p.tokens.auditor);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'kordon_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(session.value).not.toContain(p.tokens.auditor);
    // The CSRF cookie is readable by the page's script on purpose, and nothing else is.
    expect(cookies.filter((c) => !c.httpOnly).map((c) => c.name)).toEqual(['kordon_csrf']);
    expect(await page.evaluate(() => document.cookie)).not.toContain('kordon_session');
    await page.context().close();
  });

  it('refuses cookie-authenticated writes without the CSRF header or from another origin', async () => {
    const page = await p.newPage('security');
    await page.goto(p.web.url, { waitUntil: 'load' });
    const csrf = await csrfOf(page.context());
    expect(csrf.length).toBeGreaterThan(20);
    const post = (headers: Record<string, string>) =>
      page.evaluate(async (h) => {
        const r = await fetch('/api/auth/sign-in', { method: 'POST', headers: h });
        return { status: r.status, body: await r.json() };
      }, headers);

    const noHeader = await post({});
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.message).toMatch(/cross-site request refused/);
    const wrong = await post({ 'x-kordon-csrf': 'not-the-token' });
    expect(wrong.status).toBe(403);
    // The page's own fetch cannot forge Origin: the context's request client (same cookies) can.
    const foreign = await page.context().request.post(`${p.web.url}/api/auth/sign-in`, {
      headers: { 'x-kordon-csrf': csrf, origin: 'https://evil.example' },
    });
    expect(foreign.status()).toBe(403);
    const ok = await post({ 'x-kordon-csrf': csrf });
    expect(ok).toMatchObject({ status: 200, body: { kind: 'token', name: 'browser-security', role: 'security' } });

    // Sign-out and OIDC start refuse another site's form too.
    const signOut = await page.context().request.post(`${p.web.url}/sign-out`, { headers: { origin: 'https://evil.example' }, maxRedirects: 0 });
    expect(signOut.status()).toBe(403);
    const start = await page.context().request.post(`${p.web.url}/auth/oidc/start`, { headers: { origin: 'https://evil.example' }, maxRedirects: 0 });
    expect(start.status()).toBe(403);
    await page.context().close();
  });

  it('ends the session when its token is revoked', async () => {
    const doomed = await issueToken(p.t.app, 'auditor', { name: 'browser-doomed' });
    const context = await p.browser.newContext();
    const page = await context.newPage();
    await signIn(page, p.web.url, doomed.token);
    await page.goto(`${p.web.url}/`, { waitUntil: 'load' });
    await request(p.t.app.getHttpServer()).delete(`/api/tokens/${doomed.id}`).set(ADMIN_AUTH).expect(204);
    // A client-side call meets the 401 first: the proxy ends the session, the next page load says so.
    const status = await page.evaluate(async () => (await fetch('/api/clusters')).status);
    expect(status).toBe(401);
    await page.goto(`${p.web.url}/clusters/${clusterId}`, { waitUntil: 'load' });
    const url = new URL(page.url());
    expect(url.pathname).toBe('/sign-in');
    expect(url.searchParams.get('expired')).toBe('1');
    expect(url.searchParams.get('next')).toBe(`/clusters/${clusterId}`);
    await expect(page.locator('p[role=status]').innerText()).resolves.toContain('Your session ended');
    await context.close();
  });

  it('audits every sign-in', async () => {
    const entries = await signInEntries(p);
    const actors = new Set(entries.map((e) => e.actor));
    for (const name of ['browser-security', 'browser-auditor', 'browser-manager', 'bootstrap admin (KORDON_ADMIN_TOKEN)']) expect(actors, name).toContain(name);
    expect(entries.find((e) => e.actor === 'browser-manager')?.details).toMatchObject({ kind: 'token', role: 'manager' });
  });
});

describe('sign-in with OIDC through a real OpenID provider', () => {
  let p: Product;
  let op: TestOidcProvider;

  beforeAll(async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    p = await startProduct({ apiEnv: oidcApiEnv(issuer), webEnv: oidcWebEnv(issuer) });
    op = await startOidcProvider({
      port,
      redirectUri: `${p.web.url}/auth/oidc/callback`,
      accounts: { alice: ['Kordon.Security'], bob: ['Some.Other.App.Role'] },
    });
  }, 600_000);

  afterAll(async () => {
    await p?.close();
    await op?.close();
  });

  /** Clicks "Sign in with …" and gets through the provider's own login and consent pages. */
  async function signInAtProvider(page: Page, login: string, shot?: string): Promise<void> {
    await page.getByRole('button', { name: `Sign in with ${OIDC_PROVIDER_NAME}` }).click();
    await page.waitForURL((u) => u.origin === op.issuer, { waitUntil: 'load' });
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password will do');
    if (shot) await screenshot(page, shot);
    await page.getByRole('button', { name: 'Sign-in' }).click();
    // Consent for the Kordon client's scopes, then back to Kordon.
    const consent = page.getByRole('button', { name: 'Continue' });
    await consent.waitFor({ timeout: 15_000 });
    await consent.click();
  }

  it('signs a security user in through the provider, back to the deep link, and audits oidc:<sub>', async () => {
    const clusters = await p.api<{ items: { id: string; name: string }[] }>('/clusters');
    const id = clusters.items[0]!.id;
    const context = await p.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${p.web.url}/clusters/${id}`, { waitUntil: 'load' });
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await screenshot(page, 'sign-in-oidc');
    await signInAtProvider(page, 'alice', 'oidc-provider-login');
    await page.waitForURL((u) => u.origin === p.web.url && u.pathname === `/clusters/${id}`, { timeout: 30_000 });
    const who = await page.getByTestId('whoami').innerText();
    expect(who).toContain('oidc:alice');
    await expect(page.getByTestId('whoami').locator('.role-badge').innerText()).resolves.toBe('Security');
    const session = (await context.cookies()).find((c) => c.name === 'kordon_session')!;
    expect(session.httpOnly).toBe(true);
    // The flow cookie is gone once used.
    expect((await context.cookies()).find((c) => c.name === 'kordon_oidc_flow')).toBeUndefined();
    // The session lasts no longer than the access token (one hour at this provider).
    expect(session.expires * 1000).toBeLessThanOrEqual(Date.now() + 3600_000 + 5_000);
    const entries = await signInEntries(p);
    expect(entries.find((e) => e.actor === 'oidc:alice')?.details).toMatchObject({ kind: 'oidc', role: 'security' });
    await context.close();
  });

  it('says clearly when the account has no Kordon role', async () => {
    const context = await p.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${p.web.url}/sign-in`, { waitUntil: 'load' });
    await signInAtProvider(page, 'bob');
    await page.waitForURL((u) => u.origin === p.web.url && u.pathname === '/sign-in', { timeout: 30_000 });
    expect(new URL(page.url()).searchParams.get('error')).toBe('oidc-no-role');
    await expect(page.locator('p[role=alert]').innerText()).resolves.toContain('your account has no Kordon role');
    expect((await context.cookies()).find((c) => c.name === 'kordon_session')).toBeUndefined();
    await screenshot(page, 'sign-in-oidc-no-role');
    await context.close();
  });

  it('refuses a callback this browser did not start', async () => {
    const res = await fetch(`${p.web.url}/auth/oidc/callback?code=stolen&state=forged`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('/sign-in?error=oidc-stale');
  });
});
