// OIDC bearer JWTs against a real issuer on 127.0.0.1 (keys and tokens made by jose, fetched by
// the API over HTTP): signature, issuer, audience, expiry, algorithm, claim → role mapping.
import { SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcIssuer, type OidcIssuer } from '../../test/oidc-issuer';
import { ADMIN_AUTH, startTestApp, type TestApp } from '../../test/test-app';

const AUDIENCE = 'api://kordon-oidc';
const bearer = (jwt: string) => ({ Authorization: `Bearer ${jwt}` });

describe('OIDC bearer tokens', () => {
  let issuer: OidcIssuer;
  let t: TestApp;

  beforeAll(async () => {
    issuer = await startOidcIssuer(AUDIENCE);
    t = await startTestApp({
      KORDON_OIDC_ISSUER: issuer.issuer,
      KORDON_OIDC_AUDIENCE: `${AUDIENCE},api://kordon-other`,
      KORDON_OIDC_JWKS_URI: issuer.jwksUri,
      KORDON_OIDC_ROLE_CLAIM: 'kordon.groups',
      KORDON_OIDC_ROLE_MAP: 'platform-admins=admin,secops=security,audit=auditor,leads=manager',
    });
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.stop();
  });

  const http = () => t.app.getHttpServer();

  it('maps a nested claim to roles, takes the most privileged, and audits the subject', async () => {
    const admin = await issuer.sign({ kordon: { groups: ['leads', 'platform-admins'] } }, { subject: 'alice' });
    await request(http()).get('/api/tokens').set(bearer(admin)).expect(200);
    const created = await request(http()).post('/api/tokens').set(bearer(admin)).send({ name: 'made-by-alice', role: 'manager' }).expect(201);
    const [row] = await t.sql<{ actor: string; details: { by: { kind: string; id: string } } }>(`SELECT actor, details FROM audit_log WHERE target = $1`, [created.body.id]);
    expect(row).toMatchObject({ actor: 'oidc:alice', details: { by: { kind: 'oidc', id: 'alice' } } });

    const manager = await issuer.sign({ kordon: { groups: 'leads' } }, { alg: 'ES256', audience: 'api://kordon-other' });
    await request(http()).get('/api/clusters').set(bearer(manager)).expect(200);
    const forbidden = await request(http()).get('/api/tokens').set(bearer(manager)).expect(403);
    expect(forbidden.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringMatching(/admin/) });
  });

  it('answers 403 for a valid JWT that carries no mapped role', async () => {
    for (const claims of [{ kordon: { groups: ['Kordon.Admin'] } }, { roles: ['platform-admins'] }, {}]) {
      const res = await request(http()).get('/api/clusters').set(bearer(await issuer.sign(claims))).expect(403);
      expect(res.body.message).toMatch(/no Kordon role/);
    }
  });

  it('answers 401 for expired, foreign, mis-addressed or unsigned tokens', async () => {
    const claims = { kordon: { groups: ['platform-admins'] } };
    const cases: [string, string][] = [
      ['expired', await issuer.sign(claims, { expiresIn: -120 })],
      ['wrong audience', await issuer.sign(claims, { audience: 'api://someone-else' })],
      ['wrong issuer', await issuer.sign(claims, { issuer: 'https://login.example.com/other/v2.0' })],
      ['key not in the JWKS', await issuer.sign(claims, { foreignKey: true })],
      ['ES256 key not in the JWKS', await issuer.sign(claims, { alg: 'ES256', foreignKey: true })],
      ['HS256 with a shared secret', await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer.issuer).setAudience(AUDIENCE).setSubject('mallory').setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(32)))],
      ['alg none', new UnsecuredJWT(claims).setIssuer(issuer.issuer).setAudience(AUDIENCE).setSubject('mallory').setExpirationTime('5m').encode()],
      ['tampered payload', await tamper(await issuer.sign({ kordon: { groups: ['leads'] } }))],
      ['an ID token (nonce)', await issuer.sign({ ...claims, nonce: 'n-0S6_WzA2Mj' })],
    ];
    for (const [name, jwt] of cases) {
      const res = await request(http()).get('/api/clusters').set(bearer(jwt));
      expect(res.status, name).toBe(401);
      expect(res.body, name).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });

  it('keeps API tokens working beside OIDC', async () => {
    await request(http()).get('/api/tokens').set(ADMIN_AUTH).expect(200);
  });

  it('fetches the JWKS once and reuses it', async () => {
    const before = issuer.jwksFetches();
    for (let i = 0; i < 5; i++) await request(http()).get('/api/clusters').set(bearer(await issuer.sign({ kordon: { groups: ['audit'] } }))).expect(200);
    expect(issuer.jwksFetches()).toBe(before);
  });
});

describe('OIDC with an unreachable issuer', () => {
  it('answers 503 rather than blaming the caller, and still serves API tokens', async () => {
    const issuer = await startOidcIssuer(AUDIENCE);
    const jwt = await issuer.sign({ roles: ['Kordon.Admin'] });
    await issuer.stop();
    const t = await startTestApp({ KORDON_OIDC_ISSUER: issuer.issuer, KORDON_OIDC_AUDIENCE: AUDIENCE });
    try {
      const res = await request(t.app.getHttpServer()).get('/api/clusters').set(bearer(jwt)).expect(503);
      expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      await request(t.app.getHttpServer()).get('/api/clusters').set(ADMIN_AUTH).expect(200);
    } finally {
      await t.close();
    }
  });
});

/** Swaps the payload for one claiming admin, keeping the original signature. */
async function tamper(jwt: string): Promise<string> {
  const [h, p, s] = jwt.split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
  payload.kordon = { groups: ['platform-admins'] };
  return [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
}
