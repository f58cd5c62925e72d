// Who is signed in, as `GET /api/auth/me` answers it. Plain types only.
export type RoleName = 'admin' | 'security' | 'auditor' | 'manager';

export interface SessionPrincipal {
  /** `token`: an API token; `oidc`: a bearer JWT from the OIDC issuer. */
  kind: 'token' | 'oidc';
  /** The name the audit log records: the token's name or `oidc:<subject>`. */
  name: string;
  role: RoleName;
  /**
   * When the credential itself stops working (ISO 8601): the token's expiry or the JWT's `exp`;
   * null or absent when it does not expire. A web session never outlives it.
   */
  expiresAt?: string | null;
}
