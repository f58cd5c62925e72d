import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from './env.schema';

describe('parseEnv', () => {
  it('applies the documented defaults', () => {
    const c = parseEnv({});
    expect(c).toMatchObject({ PORT: 3000, API_PORT: 3001, KORDON_DEMO: 'auto', KORDON_SCHEDULE_MINUTES: 60, KORDON_AZURE_SUBSCRIPTIONS: [] });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('reports every bad value at once', () => {
    let error: ConfigError | undefined;
    try {
      parseEnv({ DATABASE_URL: 'mysql://x', PORT: '99999', API_PORT: 'abc', KORDON_ADMIN_TOKEN: 'short', KORDON_DEMO: 'maybe', KORDON_AZURE_SUBSCRIPTIONS: 'nope', KORDON_AZURE_TAGS: 'novalue', KORDON_SECRET_KEY: 'abc' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const vars = error!.issues.map((i) => i.split(':')[0]);
    expect(vars).toEqual(expect.arrayContaining(['DATABASE_URL', 'PORT', 'API_PORT', 'KORDON_ADMIN_TOKEN', 'KORDON_DEMO', 'KORDON_AZURE_SUBSCRIPTIONS.0', 'KORDON_AZURE_TAGS', 'KORDON_SECRET_KEY']));
  });

  it('parses lists and tags', () => {
    const c = parseEnv({ KORDON_AZURE_SUBSCRIPTIONS: '11111111-2222-3333-4444-555555555555, 21111111-2222-3333-4444-555555555555', KORDON_AZURE_TAGS: 'kordon=on,env=prod', KORDON_DEMO: 'true' });
    expect(c.KORDON_AZURE_SUBSCRIPTIONS).toHaveLength(2);
    expect(c.KORDON_AZURE_TAGS).toEqual({ kordon: 'on', env: 'prod' });
    expect(c.KORDON_DEMO).toBe('on');
  });

  it('parses the access settings with their defaults', () => {
    const c = parseEnv({});
    expect(c).toMatchObject({ KORDON_RATE_LIMIT_PER_MINUTE: 60, KORDON_OIDC_ROLE_CLAIM: 'roles', KORDON_OIDC_AUDIENCE: [] });
    expect(c.KORDON_OIDC_ROLE_MAP).toEqual({ 'Kordon.Admin': 'admin', 'Kordon.Security': 'security', 'Kordon.Auditor': 'auditor', 'Kordon.Manager': 'manager' });
    const o = parseEnv({
      KORDON_OIDC_ISSUER: 'https://login.microsoftonline.com/tid/v2.0',
      KORDON_OIDC_AUDIENCE: 'api://kordon, 1111',
      KORDON_OIDC_ROLE_MAP: 'grp=a=admin, Readers=auditor',
      KORDON_RATE_LIMIT_PER_MINUTE: '0',
    });
    expect(o.KORDON_OIDC_AUDIENCE).toEqual(['api://kordon', '1111']);
    expect(o.KORDON_OIDC_ROLE_MAP).toEqual({ 'grp=a': 'admin', Readers: 'auditor' });
    expect(o.KORDON_RATE_LIMIT_PER_MINUTE).toBe(0);
  });

  it('reports bad access settings together with the other bad values', () => {
    let error: ConfigError | undefined;
    try {
      parseEnv({
        PORT: 'x',
        KORDON_WEB_TOKEN: 'short',
        KORDON_RATE_LIMIT_PER_MINUTE: '-1',
        KORDON_OIDC_ISSUER: 'not a url',
        KORDON_OIDC_JWKS_URI: 'nope',
        KORDON_OIDC_ROLE_MAP: 'Kordon.Admin=root,novalue',
        KORDON_OIDC_ROLE_CLAIM: 'bad claim!',
      });
    } catch (e) {
      error = e as ConfigError;
    }
    const vars = error!.issues.map((i) => i.split(':')[0]);
    expect(vars).toEqual(expect.arrayContaining(['PORT', 'KORDON_WEB_TOKEN', 'KORDON_RATE_LIMIT_PER_MINUTE', 'KORDON_OIDC_ISSUER', 'KORDON_OIDC_JWKS_URI', 'KORDON_OIDC_ROLE_MAP', 'KORDON_OIDC_ROLE_CLAIM', 'KORDON_OIDC_AUDIENCE']));
    expect(error!.issues.filter((i) => i.startsWith('KORDON_OIDC_ROLE_MAP'))).toHaveLength(2);
  });

  it('checks settings that only make sense together', () => {
    const token = 'same-token-0123456789abcdefgh';
    expect(() => parseEnv({ KORDON_ADMIN_TOKEN: token, KORDON_WEB_TOKEN: token })).toThrow(/KORDON_WEB_TOKEN: must differ/);
    expect(() => parseEnv({ KORDON_OIDC_AUDIENCE: 'api://kordon' })).toThrow(/KORDON_OIDC_AUDIENCE: has no effect without KORDON_OIDC_ISSUER/);
  });
});
