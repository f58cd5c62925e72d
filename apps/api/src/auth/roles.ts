// Who may do what. Every route names one of these with @Roles(...); issue-level policy:
// - managers see aggregates (fleet list, history roll-ups) only;
// - auditors read everything and export evidence, change nothing;
// - security teams also trigger snapshots and run analyses;
// - admins manage clusters and tokens.
// Routes without @Roles (and not @Public) are refused to everyone: deny by default.
import type { Role } from '@prisma/client';

export const READ_AGGREGATES: Role[] = ['admin', 'security', 'auditor', 'manager'];
export const READ_DETAIL: Role[] = ['admin', 'security', 'auditor'];
export const EXPORT_EVIDENCE: Role[] = ['admin', 'security', 'auditor'];
export const OPERATE: Role[] = ['admin', 'security'];
export const ADMIN_ONLY: Role[] = ['admin'];

/** Every role, most privileged first. */
export const ALL_ROLES: Role[] = ['admin', 'security', 'auditor', 'manager'];

/** The most privileged of `roles` (ALL_ROLES order). */
export function highestRole(roles: Role[]): Role | undefined {
  return ALL_ROLES.find((r) => roles.includes(r));
}
