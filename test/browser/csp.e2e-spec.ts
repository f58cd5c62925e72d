// The web app's Content-Security-Policy in a real browser: every page answers with a nonce'd
// script policy (fresh per answer), Next's own scripts carry the nonce so the pages hydrate and
// stay interactive, and a script the page did not ship (an injected inline handler) is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSummary, Page as ApiPage } from '@kordon/contracts';
import { startProduct, type Product } from './product';

function nonceOf(csp: string | undefined): string | undefined {
  return csp?.match(/script-src [^;]*'nonce-([^']+)'/)?.[1];
}

describe('content security policy of the web app', () => {
  let p: Product;

  beforeAll(async () => {
    p = await startProduct();
  }, 600_000);

  afterAll(async () => {
    await p?.close();
  });

  it('sends a fresh nonce on every page, the sign-in page included, and frames nothing', async () => {
    const first = await fetch(`${p.web.url}/sign-in`);
    const second = await fetch(`${p.web.url}/sign-in`);
    const csp = first.headers.get('content-security-policy') ?? undefined;
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(nonceOf(csp)).toBeTruthy();
    expect(nonceOf(second.headers.get('content-security-policy') ?? undefined)).not.toBe(nonceOf(csp));
    // The page's scripts carry the nonce of its own answer.
    const html = await first.text();
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    expect(first.headers.get('x-frame-options')).toBe('DENY');
    expect(first.headers.get('referrer-policy')).toBe('same-origin');
    expect(html).toContain(`nonce="${nonceOf(csp)}"`);
  });

  it('keeps the pages working under the policy and refuses a script they did not ship', async () => {
    const clusters = (await p.api<ApiPage<ClusterSummary>>('/clusters')).items;
    const weu = clusters.find((c) => c.name === 'aks-prod-weu')!;
    const page = await p.newPage('security');
    const res = await page.goto(`${p.web.url}/clusters/${weu.id}`, { waitUntil: 'load' });
    expect(nonceOf(res?.headers()['content-security-policy'])).toBeTruthy();
    // Hydrated: a sort header is a working button (a client-side navigation).
    const pods = page.locator('.posture-table th').filter({ hasText: 'Pods' }).getByRole('button');
    await Promise.all([page.waitForURL(/sort=-pods/), pods.click()]);
    await expect.poll(() => page.locator('.posture-table th').filter({ hasText: 'Pods' }).getAttribute('aria-sort')).toBe('descending');
    // Markup injected into the page (the classic XSS payload: an inline event handler) does not
    // run, and the browser reports it.
    const before = p.cspViolations.length;
    await page.evaluate(() => {
      const div = document.createElement('div');
      div.innerHTML = '<img src="/kordon-no-such-image.png" onerror="window.__injected = true">';
      document.body.appendChild(div);
    });
    await expect.poll(() => p.cspViolations.length).toBeGreaterThan(before);
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    // That refusal was this test's own doing: clear it so close() checks only the pages.
    p.cspViolations.splice(before);
  });
});
