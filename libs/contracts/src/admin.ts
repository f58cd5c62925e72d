// Administration views (tokens, audit log, cluster registration) shared by api and web. Plain types only.
import type { RoleName } from './session';

/** One entry of `GET /api/audit`: who did what, when, to which target. */
export interface AuditEntry {
  id: string;
  at: string;
  /** Token name, `oidc:<subject>`, or `system` outside a request. */
  actor: string;
  /** e.g. `cluster.register`, `token.revoke`, `auth.sign-in`. */
  action: string;
  /** The id of what was changed (a cluster or token id), when there is one. */
  target: string | null;
  details: unknown;
}

/**
 * Filters of `GET /api/audit`: `actor` matches part of the actor, case-insensitively; `action`
 * is exact, or a prefix when it ends with `.` (`cluster.`); `target` is exact; `from` inclusive
 * and `to` exclusive, ISO 8601.
 */
export interface AuditQuery {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/** An API token as listed by `GET /api/tokens`: never the token or its hash. */
export interface TokenView {
  id: string;
  name: string;
  role: RoleName;
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** `POST /api/tokens` answer: the only time `token` is ever shown. */
export interface CreatedToken extends TokenView {
  token: string;
}

export interface CreateTokenRequest {
  name: string;
  role: RoleName;
  expiresInDays?: number;
}

/** `POST /api/clusters` bodies the dashboard sends (uploads only; host paths are for operators). */
interface RegisterClusterBase {
  name: string;
  environment?: string;
  team?: string;
  scheduleMinutes?: number;
}

export type RegisterClusterRequest =
  | (RegisterClusterBase & { source: 'kubeconfig'; kubeconfig: string; context?: string })
  | (RegisterClusterBase & { source: 'manifests'; files: { name: string; text: string }[] })
  | (RegisterClusterBase & { source: 'aks'; subscriptionId: string; resourceGroup: string; clusterName: string });

/** `PATCH /api/clusters/{id}` */
export interface UpdateClusterRequest {
  environment?: string;
  team?: string;
  scheduleMinutes?: number;
  enabled?: boolean;
}

/** `POST /api/clusters/discover` */
export interface DiscoverAksRequest {
  subscriptionIds: string[];
  resourceGroup?: string;
  tags?: Record<string, string>;
}

export interface DiscoveryReport {
  /** Names of the clusters this discovery registered. */
  registered: string[];
  /** Found but already registered. */
  skipped: string[];
  /** What went wrong (a subscription Kordon may not read, …). */
  problems: string[];
}

/** A field-level validation error in a 400's `details`. */
export interface FieldError {
  field: string;
  message: string;
}
