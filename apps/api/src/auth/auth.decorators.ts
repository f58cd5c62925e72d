// Route metadata read by the AuthGuard and the audit interceptor. @Roles also documents the
// route in OpenAPI (bearer auth, 401/403 responses, `x-kordon-roles`).
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Role } from '@prisma/client';

export const ROLES_KEY = 'kordon:roles';
export const PUBLIC_KEY = 'kordon:public';
export const AUDIT_ACTION_KEY = 'kordon:audit-action';

/** The roles allowed to call this route (use a group from auth/roles.ts: `@Roles(...READ_DETAIL)`). */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiExtension('x-kordon-roles', roles),
    ApiUnauthorizedResponse({ description: 'No token, or an unknown, revoked or expired one' }),
    ApiForbiddenResponse({ description: `Needs one of the roles: ${roles.join(', ')}` }),
  );

/** Reachable without a token (health, probes). Everything else is denied by default. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/**
 * Names the audit action of a write (e.g. `analyze.run`). Writes are audited even without it
 * (as `POST /api/...`); a handler that records its own entry through AuditService is not
 * recorded twice.
 */
export const Audited = (action: string) => SetMetadata(AUDIT_ACTION_KEY, action);
