// A real OpenID provider for browser tests: the certified `oidc-provider` package on a local
// port, with its own login and consent pages (devInteractions: any password, the login name is
// the account id). It plays Entra ID's part: the Kordon web app is a public client using the
// authorization-code flow with PKCE, and asking for the Kordon API's scope gets an RS256 JWT
// access token whose audience is the API and whose `roles` claim carries the account's app roles.
//
//   const port = await freePort();
//   const issuer = `http://127.0.0.1:${port}`;                  // give it to the API and web app
//   const p = await startProduct({ apiEnv: oidcApiEnv(issuer), webEnv: oidcWebEnv(issuer) });
//   const op = await startOidcProvider({ port, redirectUri: `${p.web.url}/auth/oidc/callback`,
//                                        accounts: { alice: ['Kordon.Security'] } });
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';

// oidc-provider ships no type declarations (and @types/oidc-provider is not installed): the few
// parts used here, typed locally.
type Ctx = unknown;
interface ProviderLike {
  callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
  on(event: 'server_error', listener: (ctx: Ctx, err: Error) => void): void;
}
type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => ProviderLike;
interface TokenLike {
  kind: string;
  accountId?: string;
}

export const OIDC_CLIENT_ID = 'kordon-web';
/** The Kordon API as a resource server: its audience and the scope that asks for it. */
export const OIDC_API_AUDIENCE = 'api://kordon';
export const OIDC_API_SCOPE = 'kordon.access';
export const OIDC_PROVIDER_NAME = 'Test Entra';

/** Environment for the API: trust this issuer for the Kordon API audience. */
export function oidcApiEnv(issuer: string): Record<string, string> {
  return { KORDON_OIDC_ISSUER: issuer, KORDON_OIDC_AUDIENCE: OIDC_API_AUDIENCE };
}

/** Environment for the web app: sign in through this issuer (plain http allowed for the test). */
export function oidcWebEnv(issuer: string): Record<string, string> {
  return {
    KORDON_OIDC_ISSUER: issuer,
    KORDON_OIDC_CLIENT_ID: OIDC_CLIENT_ID,
    KORDON_OIDC_SCOPES: `openid profile email ${OIDC_API_SCOPE}`,
    KORDON_OIDC_NAME: OIDC_PROVIDER_NAME,
    KORDON_OIDC_ALLOW_HTTP: 'on',
  };
}

export interface TestOidcProvider {
  issuer: string;
  provider: ProviderLike;
  close(): Promise<void>;
}

export interface StartOidcProviderOptions {
  port: number;
  /** The web app's callback, registered for the client. */
  redirectUri: string;
  /** Account id (the login name typed on the provider's page) → its app roles. */
  accounts: Record<string, string[]>;
}

export async function startOidcProvider(opts: StartOidcProviderOptions): Promise<TestOidcProvider> {
  const issuer = `http://127.0.0.1:${opts.port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key-1', use: 'sig', alg: 'RS256' };
  const rolesOf = (accountId: string | undefined) => (accountId && opts.accounts[accountId]) || [];

  const configuration = {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['kordon-test-oidc-provider-cookie-key'] },
    pkce: { required: () => true },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], roles: ['roles'] },
    async findAccount(_ctx: Ctx, id: string) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, name: `Test user ${id}`, email: `${id}@example.test`, roles: rolesOf(id) };
        },
      };
    },
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Like Entra: asking for the API's scope is asking for an access token for the API.
        defaultResource: async () => OIDC_API_AUDIENCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: OIDC_API_SCOPE,
          audience: OIDC_API_AUDIENCE,
          accessTokenTTL: 60 * 60,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    // Entra puts the account's app roles in the access token's `roles` claim.
    async extraTokenClaims(_ctx: Ctx, token: TokenLike) {
      return token.kind === 'AccessToken' ? { roles: rolesOf(token.accountId) } : undefined;
    },
  };
  // A variable specifier keeps TypeScript from looking for the missing declarations.
  const specifier = 'oidc-provider';
  const { default: Provider } = (await import(specifier)) as { default: ProviderClass };
  const provider = new Provider(issuer, configuration);
  // Errors inside the provider surface in the test's output instead of only as a 500 page.
  provider.on('server_error', (_ctx: Ctx, err: Error) => process.stderr.write(`[oidc-provider] ${err.message}\n`));
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  return {
    issuer,
    provider,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
