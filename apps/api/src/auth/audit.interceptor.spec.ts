// Every successful write is audited once: by the handler inside its transaction, or else, late
// and loudly, by the interceptor's fallback.
import { Logger, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, of, throwError, defer } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Tx } from '../prisma/transaction';
import { Audited } from './auth.decorators';
import { AuditUnavailableException } from './audit.exception';
import { AuditInterceptor } from './audit.interceptor';
import type { AuditRepository, NewAuditEntry } from './audit.repository';
import { AuditService } from './audit.service';
import type { AuthedRequest } from './principal';

class Routes {
  @Audited('analyze.run') analyze() {}
  plain() {}
}

const TX = { fake: 'tx' } as unknown as Tx;

function setup(opts: { failInsert?: boolean } = {}) {
  const rows: (NewAuditEntry & { tx?: Tx })[] = [];
  const repo = {
    create: async (e: NewAuditEntry, tx?: Tx) => {
      if (opts.failInsert) throw new Error('insert refused');
      rows.push(tx ? { ...e, tx } : e);
    },
    transaction: <T>(work: (tx: Tx) => Promise<T>) => work(TX),
  } as unknown as AuditRepository;
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

const BY = { by: { kind: 'token', id: 't1' }, requestId: 'req-1' };

describe('AuditInterceptor', () => {
  afterEach(() => vi.restoreAllMocks());

  it('audits a write the handler did not audit, marked as a fallback and logged as an error', async () => {
    const errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { rows, run } = setup();
    expect(await run('analyze', 'POST', { handle: () => of('ok') })).toBe('ok');
    await run('plain', 'DELETE', { handle: () => of(null) }, { id: 'x1' });
    expect(rows).toEqual([
      { actor: 'ci', action: 'analyze.run', target: null, details: { fallback: true, ...BY } },
      { actor: 'ci', action: 'DELETE /api/things/:id', target: 'x1', details: { fallback: true, ...BY } },
    ]);
    expect(errors).toHaveBeenCalledTimes(2);
    expect(errors.mock.calls[1][0]).toMatchObject({ route: 'DELETE /api/things/:id' });
  });

  it('does not audit twice when the handler audited in its transaction, nor reads, nor failures', async () => {
    const errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { rows, audit, run } = setup();
    const handler = () => audit.transaction(async (tx) => {
      await audit.record(tx, 'thing.create', 'x2', { n: 1 });
      return 'done';
    });
    expect(await run('plain', 'POST', { handle: () => defer(handler) })).toBe('done');
    await run('plain', 'GET', { handle: () => of([]) });
    await expect(run('plain', 'POST', { handle: () => throwError(() => new Error('boom')) })).rejects.toThrow('boom');
    expect(rows).toEqual([{ actor: 'ci', action: 'thing.create', target: 'x2', details: { n: 1, ...BY }, tx: TX }]);
    expect(errors).not.toHaveBeenCalled();
  });

  it('refuses the write with a 503 naming an error id when its audit entry cannot be written', async () => {
    const errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { audit, run } = setup({ failInsert: true });
    const handler = () => audit.transaction((tx) => audit.record(tx, 'thing.create', 'x3'));
    const err = await run('plain', 'POST', { handle: () => defer(handler) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditUnavailableException);
    const body = (err as AuditUnavailableException).getResponse() as { message: string; details: { code: string; errorId: string } };
    expect((err as AuditUnavailableException).getStatus()).toBe(503);
    expect(body.message).toMatch(/not made/);
    expect(body.details.code).toBe('AUDIT_UNAVAILABLE');
    expect(errors.mock.calls[0][0]).toMatchObject({ errorId: body.details.errorId, action: 'thing.create', err: { message: 'insert refused' } });
  });

  it('audits writes outside any request as system', async () => {
    const { rows, audit } = setup();
    await audit.transaction((tx) => audit.record(tx, 'cluster.register', 'c1', { name: 'demo' }));
    expect(rows).toEqual([{ actor: 'system', action: 'cluster.register', target: 'c1', details: { name: 'demo' }, tx: TX }]);
  });
});
