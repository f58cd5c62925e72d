// Per-request context carried through async calls (AsyncLocalStorage), so code deep in a
// handler can tell who is calling and mark the request as audited without threading `req`.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestActor {
  /** `token` (API token, bootstrap tokens included) or `oidc` (a bearer JWT). */
  kind: 'token' | 'oidc';
  /** Token id or OIDC subject. */
  id: string;
  /** What the audit log shows: the token's name or `oidc:<subject>`. */
  name: string;
}

export interface RequestContext {
  requestId?: string;
  actor?: RequestActor;
  /** Set once the handler wrote its own audit entry, so the generic one is skipped. */
  audited: boolean;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
