import type { IncomingMessage } from 'node:http';
import type { Role } from '@prisma/client';

/** Who is calling, as established by the AuthGuard. */
export interface Principal {
  kind: 'token' | 'oidc';
  /** Token id, or the JWT's `sub`. */
  id: string;
  /** Token name, or `oidc:<sub>`: what the audit log records. */
  name: string;
  /** The most privileged of `roles` (role groups are nested, so it decides alone). */
  role: Role;
  roles: Role[];
  /** When the credential stops working (token expiry, JWT `exp`); absent when it never does. */
  expiresAt?: Date;
}

export type AuthedRequest = IncomingMessage & { principal?: Principal; id?: string | number; ip?: string; params?: Record<string, string> };
