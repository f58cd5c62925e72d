// The web app's sign-in endpoints through HTTP: who the caller is (never a token), when the
// credential expires, the audit entry a sign-in leaves, and the refusals the sign-in page explains.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuer } from '../../test/oidc-issuer';
import { ADMIN_AUTH, ADMIN_TOKEN, startTestApp, type TestApp } from '../../test/test-app';
import { issueToken } from '../../test/tokens';

const AUDIENCE = 'api://kordon-session';

describe('GET /api/auth/me and POST /api/auth/sign-in', () => {
  let issuer: OidcIssuer;
  let t: TestApp;
  const http = () => t.app.getHttpServer();

  beforeAll(async () => {
    issuer = await startOidcIssuer(AUDIENCE);
    t = await startTestApp({ KORDON_OIDC_ISSUER: issuer.issuer, KORDON_OIDC_AUDIENCE: AUDIENCE, KORDON_OIDC_JWKS_URI: issuer.jwksUri });
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.stop();
  });

  it('answers who an API token is, with its expiry, and never the token', async () => {
    const expiresAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const tok = await issueToken(t.app, 'manager', { name: 'session-manager', expiresAt });
    const me = await request(http()).get('/api/auth/me').set(tok.auth).expect(200);
    expect(me.body).toEqual({ kind: 'token', name: 'session-manager', role: 'manager', expiresAt: new Date(expiresAt).toISOString() });
    const admin = await request(http()).get('/api/auth/me').set(ADMIN_AUTH).expect(200);
    expect(admin.body).toEqual({ kind: 'token', name: 'bootstrap admin (KORDON_ADMIN_TOKEN)', role: 'admin', expiresAt: null });
    expect(JSON.stringify(admin.body)).not.toContain(ADMIN_TOKEN);
    // /me is a read: it leaves no audit entry.
    expect(await t.sql(`SELECT 1 FROM audit_log WHERE action = 'auth.sign-in' AND actor = 'session-manager'`)).toHaveLength(0);
  });

  it('records each sign-in in the audit log', async () => {
    const tok = await issueToken(t.app, 'security', { name: 'session-security' });
    const res = await request(http()).post('/api/auth/sign-in').set(tok.auth).expect(200);
    expect(res.body).toEqual({ kind: 'token', name: 'session-security', role: 'security', expiresAt: null });
    await request(http()).post('/api/auth/sign-in').set(tok.auth).expect(200);
    const rows = await t.sql<{ actor: string; details: unknown }>(`SELECT actor, details FROM audit_log WHERE action = 'auth.sign-in' AND actor = 'session-security'`);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.details).toMatchObject({ kind: 'token', role: 'security' });
  });

  it('signs in an OIDC access token as oidc:<sub> with the JWT expiry', async () => {
    const jwt = await issuer.sign({ roles: ['Kordon.Auditor'] }, { subject: 'carol', expiresIn: 600 });
    const res = await request(http()).post('/api/auth/sign-in').set({ Authorization: `Bearer ${jwt}` }).expect(200);
    expect(res.body).toMatchObject({ kind: 'oidc', name: 'oidc:carol', role: 'auditor' });
    const left = Date.parse(res.body.expiresAt) - Date.now();
    expect(left).toBeGreaterThan(500_000);
    expect(left).toBeLessThanOrEqual(600_000);
    const [row] = await t.sql<{ details: unknown }>(`SELECT details FROM audit_log WHERE action = 'auth.sign-in' AND actor = 'oidc:carol'`);
    expect(row!.details).toMatchObject({ kind: 'oidc', role: 'auditor' });
  });

  it('refuses unknown, revoked and role-less credentials with the reasons the sign-in page shows', async () => {
    const unknown = await request(http()).post('/api/auth/sign-in').set({ Authorization: 'Bearer kdn_not-a-real-token-0123456789abcdef' }).expect(401);
    expect(unknown.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/unknown, revoked or expired/) });
    await request(http()).post('/api/auth/sign-in').expect(401);
    const tok = await issueToken(t.app, 'auditor', { name: 'session-revoked' });
    await request(http()).delete(`/api/tokens/${tok.id}`).set(ADMIN_AUTH).expect(204);
    await request(http()).get('/api/auth/me').set(tok.auth).expect(401);
    const noRole = await issuer.sign({ roles: ['Another.App'] }, { subject: 'dave' });
    const forbidden = await request(http()).post('/api/auth/sign-in').set({ Authorization: `Bearer ${noRole}` }).expect(403);
    expect(forbidden.body).toMatchObject({ statusCode: 403, message: expect.stringMatching(/no Kordon role/) });
    expect(await t.sql(`SELECT 1 FROM audit_log WHERE action = 'auth.sign-in' AND actor IN ('session-revoked', 'oidc:dave')`)).toHaveLength(0);
  });
});
