// A real OIDC issuer on 127.0.0.1 for tests: discovery document and JWKS over HTTP, keys made
// and tokens signed with jose. Nothing of jose is mocked: the API fetches these keys itself.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface SignOptions {
  alg?: 'RS256' | 'ES256';
  /** Defaults to the issuer's own URL. */
  issuer?: string;
  audience?: string | string[];
  subject?: string;
  /** Seconds from now; negative for an expired token. Default 300. */
  expiresIn?: number;
  /** Sign with a key the JWKS does not publish (same kid as the published one). */
  foreignKey?: boolean;
}

export interface OidcIssuer {
  issuer: string;
  jwksUri: string;
  sign(claims: JWTPayload, options?: SignOptions): Promise<string>;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  stop(): Promise<void>;
}

interface KeyEntry {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function makeKey(alg: 'RS256' | 'ES256', kid: string): Promise<KeyEntry> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

export async function startOidcIssuer(defaultAudience = 'api://kordon-test'): Promise<OidcIssuer> {
  const keys = { RS256: await makeKey('RS256', 'rsa-1'), ES256: await makeKey('ES256', 'ec-1') };
  const foreign = { RS256: await makeKey('RS256', 'rsa-1'), ES256: await makeKey('ES256', 'ec-1') };
  let fetches = 0;
  let base = '';
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      return send(200, { issuer: base, jwks_uri: `${base}/keys`, id_token_signing_alg_values_supported: ['RS256', 'ES256'] });
    }
    if (req.url === '/keys') {
      fetches++;
      return send(200, { keys: [keys.RS256.jwk, keys.ES256.jwk] });
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer: base,
    jwksUri: `${base}/keys`,
    jwksFetches: () => fetches,
    sign: async (claims, o = {}) => {
      const alg = o.alg ?? 'RS256';
      const key = (o.foreignKey ? foreign : keys)[alg];
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
        .setIssuer(o.issuer ?? base)
        .setAudience(o.audience ?? defaultAudience)
        .setSubject(o.subject ?? 'user-1')
        .setIssuedAt(now - 10)
        .setExpirationTime(now + (o.expiresIn ?? 300))
        .sign(key.privateKey);
    },
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
