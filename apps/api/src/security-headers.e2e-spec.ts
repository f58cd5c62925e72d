// Security headers and CORS over real HTTP: every API answer (served by a handler or from the read
// cache) forbids loading and framing anything and sniffing types; the docs page gets the script it
// needs; no origin may call the API cross-origin unless it is KORDON_WEB_ORIGIN.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startReplica, startTestApp, type TestApp } from '../test/test-app';

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe('security headers and CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('locks down every API answer, cached ones included', async () => {
    const http = request(t.app.getHttpServer());
    const first = await http.get('/api/clusters').set(auth).expect(200);
    const cached = await request(t.app.getHttpServer()).get('/api/clusters').set(auth).expect(200);
    expect(cached.headers['cache-status']).toMatch(/hit/);
    for (const res of [first, cached, await request(t.app.getHttpServer()).get('/api/health').expect(200), await request(t.app.getHttpServer()).get('/api/nope').set(auth).expect(404)]) {
      expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('lets the docs page run its own script', async () => {
    const res = await request(t.app.getHttpServer()).get('/api/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
    expect(res.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
  });

  it('allows no cross-origin caller, except KORDON_WEB_ORIGIN when set', async () => {
    const preflight = (app: TestApp['app'], origin: string) =>
      request(app.getHttpServer()).options('/api/clusters').set({ Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' });
    const refused = await preflight(t.app, 'https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    const plain = await request(t.app.getHttpServer()).get('/api/health').set({ Origin: 'https://evil.example' });
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();

    const replica = await startReplica(t, { KORDON_WEB_ORIGIN: 'https://kordon.example.com' });
    try {
      const ok = await preflight(replica, 'https://kordon.example.com');
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe('https://kordon.example.com');
      expect((await preflight(replica, 'https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await replica.close();
    }
  });
});
