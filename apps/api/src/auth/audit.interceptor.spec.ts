// Every successful write is audited once: by the handler, or else by the interceptor.
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, of, throwError, defer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Audited } from './auth.decorators';
import { AuditInterceptor } from './audit.interceptor';
import type { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import type { AuthedRequest } from './principal';

class Routes {
  @Audited('analyze.run') analyze() {}
  plain() {}
}

function setup() {
  const rows: { actor: string; action: string; target: string | null; details?: unknown }[] = [];
  const repo = { create: async (e: (typeof rows)[number]) => void rows.push(e) } as unknown as AuditRepository;
  const audit = new AuditService(repo);
  const sut = new AuditInterceptor(new Reflector(), audit);
  const run = (handler: keyof Routes, method: string, next: CallHandler, params: Record<string, string> = {}) => {
    const req = {
      method, id: 'req-1', params, route: { path: '/api/things/:id' },
      principal: { kind: 'token', id: 't1', name: 'ci', role: 'security', roles: ['security'] },
    } as unknown as AuthedRequest;
    const c = {
      getType: () => 'http', getHandler: () => Routes.prototype[handler], getClass: () => Routes,
      switchToHttp: () => ({ getRequest: () => req }),
    } as unknown as ExecutionContext;
    return lastValueFrom(sut.intercept(c, next));
  };
  return { rows, audit, run };
}

describe('AuditInterceptor', () => {
  it('audits a write the handler did not audit, named by @Audited or by route', async () => {
    const { rows, run } = setup();
    expect(await run('analyze', 'POST', { handle: () => of('ok') })).toBe('ok');
    await run('plain', 'DELETE', { handle: () => of(null) }, { id: 'x1' });
    expect(rows).toEqual([
      { actor: 'ci', action: 'analyze.run', target: null, details: { by: { kind: 'token', id: 't1' }, requestId: 'req-1' } },
      { actor: 'ci', action: 'DELETE /api/things/:id', target: 'x1', details: { by: { kind: 'token', id: 't1' }, requestId: 'req-1' } },
    ]);
  });

  it('does not audit twice when the handler recorded its own entry, nor reads, nor failures', async () => {
    const { rows, audit, run } = setup();
    await run('plain', 'POST', { handle: () => defer(async () => { await audit.record('thing.create', 'x2', { n: 1 }); return 'done'; }) });
    await run('plain', 'GET', { handle: () => of([]) });
    await expect(run('plain', 'POST', { handle: () => throwError(() => new Error('boom')) })).rejects.toThrow('boom');
    expect(rows).toEqual([{ actor: 'ci', action: 'thing.create', target: 'x2', details: { n: 1, by: { kind: 'token', id: 't1' }, requestId: 'req-1' } }]);
  });
});
