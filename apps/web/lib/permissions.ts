// One map of role → what the UI offers, mirroring apps/api/src/auth/roles.ts. The API enforces it
// (403); the UI reads it to hide what the signed-in role cannot do, and pages a role may not open
// answer with a clear "needs role …" state instead of a broken view.
import type { RoleName } from '@kordon/contracts';

export type Permission =
  /** Fleet list, cluster roll-ups, history, rollout, the rule catalog. */
  | 'read:aggregates'
  /** Namespace detail, policies, findings, reachability, snapshots. */
  | 'read:detail'
  | 'export:evidence'
  /** Snapshot now, analyze. */
  | 'operate'
  /** Register, edit, delete clusters; tokens; the audit log. */
  | 'admin';

const GRANTS: Record<RoleName, Permission[]> = {
  manager: ['read:aggregates'],
  auditor: ['read:aggregates', 'read:detail', 'export:evidence'],
  security: ['read:aggregates', 'read:detail', 'export:evidence', 'operate'],
  admin: ['read:aggregates', 'read:detail', 'export:evidence', 'operate', 'admin'],
};

export function can(role: RoleName | null | undefined, permission: Permission): boolean {
  return role ? GRANTS[role].includes(permission) : false;
}

/** The least role holding `permission`, for "needs the … role" messages. */
export function leastRoleFor(permission: Permission): RoleName {
  return (['manager', 'auditor', 'security', 'admin'] as RoleName[]).find((r) => GRANTS[r].includes(permission))!;
}

export const ROLE_LABEL: Record<RoleName, string> = {
  admin: 'Admin',
  security: 'Security',
  auditor: 'Auditor',
  manager: 'Manager',
};
