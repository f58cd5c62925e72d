// Deny by default: every route needs a bearer credential whose role is in its @Roles list,
// except @Public() ones. Credentials are API tokens (looked up by SHA-256, never stored or
// logged) or, when KORDON_OIDC_ISSUER is set, JWTs from the identity provider.
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import type { Role } from '@prisma/client';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { Authenticator } from './authenticator';
import type { AuthedRequest } from './principal';

// Re-exported so controllers keep importing the decorators from here.
export { Audited, Public, Roles, ROLES_KEY } from './auth.decorators';
export type { AuthedRequest, Principal } from './principal';

@Injectable()
export class AuthGuard implements CanActivate, OnModuleInit {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly discovery: DiscoveryService,
  ) {}

  /** Names routes nobody can call (no @Roles, no @Public) so the mistake shows at start. */
  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type?.prototype) continue;
      for (const key of Object.getOwnPropertyNames(type.prototype)) {
        const handler = type.prototype[key];
        if (key === 'constructor' || typeof handler !== 'function' || !Reflect.getMetadata('path', handler)) continue;
        if (!this.reflector.getAllAndOverride(PUBLIC_KEY, [handler, type]) && !this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, [handler, type])?.length) {
          this.logger.warn(`${type.name}.${key} has neither @Roles nor @Public: every call is refused`);
        }
      }
    }
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const principal = await this.authenticator.authenticate(req);
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (roles.length === 0) throw new ForbiddenException('this route declares no roles, so nobody may call it');
    if (!principal.roles.some((r) => roles.includes(r))) {
      throw new ForbiddenException(`this action needs one of the roles: ${roles.join(', ')} (you have ${principal.roles.join(', ')})`);
    }
    return true;
  }
}
