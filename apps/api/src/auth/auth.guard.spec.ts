// The guard alone, with typed fakes: deny by default, @Public, role checks.
import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector, type DiscoveryService } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { Public, Roles } from './auth.decorators';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator';
import type { OidcVerifier } from './oidc.verifier';
import type { AuthedRequest } from './principal';
import type { TokenCache } from './token-cache';
import { hashToken } from './token-hash';
import type { TokensRepository } from './tokens.repository';
import { InFlightWork } from '../prisma/in-flight-work';

class Routes {
  @Roles('admin', 'security') operate() {}
  @Public() health() {}
  undeclared() {}
}

const tokens = { touch: async () => undefined } as unknown as TokensRepository;

function fakeTokenCache(known: Record<string, 'admin' | 'security' | 'auditor' | 'manager'>): TokenCache {
  return {
    findActive: async (_req: object, hash: string) => {
      const entry = Object.entries(known).find(([tok]) => hashToken(tok) === hash);
      return entry ? { id: `id-${entry[0]}`, name: `name-${entry[0]}`, role: entry[1] } : null;
    },
  } as unknown as TokenCache;
}

const noOidc = { enabled: false } as OidcVerifier;

function ctx(handler: keyof Routes, authorization?: string): { c: ExecutionContext; req: AuthedRequest } {
  const req = { headers: authorization ? { authorization } : {}, method: 'GET' } as AuthedRequest;
  const c = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
  return { c, req };
}

describe('AuthGuard', () => {
  const sut = new AuthGuard(new Reflector(), new Authenticator(tokens, fakeTokenCache({ 'tok-admin': 'admin', 'tok-manager': 'manager' }), noOidc, new InFlightWork()), {} as DiscoveryService);

  it('lets public routes through without a token', async () => {
    expect(await sut.canActivate(ctx('health').c)).toBe(true);
  });

  it('asks for a token first, then checks the role', async () => {
    await expect(sut.canActivate(ctx('operate').c)).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(sut.canActivate(ctx('operate', 'Bearer nope').c)).rejects.toBeInstanceOf(UnauthorizedException);
    await expect(sut.canActivate(ctx('operate', 'Bearer tok-manager').c)).rejects.toBeInstanceOf(ForbiddenException);
    const { c, req } = ctx('operate', 'bearer tok-admin');
    expect(await sut.canActivate(c)).toBe(true);
    expect(req.principal).toEqual({ kind: 'token', id: 'id-tok-admin', name: 'name-tok-admin', role: 'admin', roles: ['admin'] });
  });

  it('refuses everyone on a route that declares no roles', async () => {
    await expect(sut.canActivate(ctx('undeclared').c)).rejects.toBeInstanceOf(UnauthorizedException);
    const err = await sut.canActivate(ctx('undeclared', 'Bearer tok-admin').c).catch((e) => e);
    expect(err).toBeInstanceOf(ForbiddenException);
    expect((err as ForbiddenException).message).toMatch(/declares no roles/);
  });
});
