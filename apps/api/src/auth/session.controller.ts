// Who the caller is, for the web app's sign-in: `GET /api/auth/me` answers the caller's role and
// name (never a token), and `POST /api/auth/sign-in` is the same answer recorded in the audit log,
// so every browser sign-in (API token or OIDC) leaves an entry. Both say when the credential
// expires, so the web app's session never outlives it.
import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SessionPrincipal } from '@kordon/contracts';
import { Roles } from './auth.decorators';
import { AuditService } from './audit.service';
import type { AuthedRequest } from './principal';
import { ALL_ROLES } from './roles';

@ApiTags('auth')
@Controller('auth')
export class SessionController {
  constructor(private readonly audit: AuditService) {}

  @Get('me')
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'The caller: kind of credential, name as the audit log shows it, role' })
  me(@Req() req: AuthedRequest): SessionPrincipal {
    return view(req);
  }

  @Post('sign-in')
  @HttpCode(200)
  @Roles(...ALL_ROLES)
  @ApiOperation({ summary: 'Records a web sign-in with this credential in the audit log; answers like /auth/me' })
  async signIn(@Req() req: AuthedRequest): Promise<SessionPrincipal> {
    const principal = view(req);
    await this.audit.recordAlone('auth.sign-in', principal.name, { kind: principal.kind, role: principal.role });
    return principal;
  }
}

function view(req: AuthedRequest): SessionPrincipal {
  const p = req.principal!;
  return { kind: p.kind, name: p.name, role: p.role, expiresAt: p.expiresAt ? p.expiresAt.toISOString() : null };
}
