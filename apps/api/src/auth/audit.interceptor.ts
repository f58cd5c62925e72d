// Runs every request inside a request context (caller, request id), and is the safety net of the
// audit log: a successful write whose handler did not audit itself is audited here, named by
// @Audited or by method and route, marked `fallback: true`, and logged as an error.
//
// Why a loud fallback and not a failed request: every write route audits itself inside the
// transaction of its write (AuditService.record), and auth/audit.e2e-spec.ts fails for a write
// route that does not. Reaching this fallback is therefore a bug, found after the write has
// committed: answering an error then would not undo the write and would invite a retry (a
// second token, a second cluster), so the change is still recorded, late, and the bug is logged.
import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, mergeMap } from 'rxjs';
import { runWithRequestContext, type RequestContext } from '../common/request-context';
import { AUDIT_ACTION_KEY } from './auth.decorators';
import { AuditService, SYSTEM_ACTOR } from './audit.service';
import type { AuthedRequest } from './principal';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(private readonly reflector: Reflector, private readonly audit: AuditService) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<AuthedRequest & { route?: { path?: string }; originalUrl?: string }>();
    const p = req.principal;
    const context: RequestContext = {
      requestId: req.id !== undefined ? String(req.id) : undefined,
      actor: p ? { kind: p.kind, id: p.id, name: p.name } : undefined,
      audited: false,
    };
    const write = !READ_METHODS.has(req.method ?? 'GET');
    const route = `${req.method} ${req.route?.path ?? req.originalUrl?.split('?')[0] ?? req.url}`;
    const action = this.reflector.getAllAndOverride<string | undefined>(AUDIT_ACTION_KEY, [ctx.getHandler(), ctx.getClass()]) ?? route;
    return new Observable((subscriber) =>
      runWithRequestContext(context, () =>
        next
          .handle()
          .pipe(
            mergeMap(async (value) => {
              if (write && !context.audited) {
                this.logger.error(
                  { route, action, requestId: context.requestId },
                  'write route did not audit itself in its transaction: audited after the fact (fix the route: AuditService.record)',
                );
                await runWithRequestContext(context, () =>
                  this.audit.recordAs(context.actor?.name ?? SYSTEM_ACTOR, action, req.params?.id ?? null, { fallback: true }),
                );
              }
              return value;
            }),
          )
          .subscribe(subscriber),
      ),
    );
  }
}
