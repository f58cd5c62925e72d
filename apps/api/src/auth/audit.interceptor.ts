// Runs every request inside a request context (caller, request id) and audits each successful
// write the handler did not audit itself, named by @Audited or by method and route.
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, mergeMap } from 'rxjs';
import { runWithRequestContext, type RequestContext } from '../common/request-context';
import { AUDIT_ACTION_KEY } from './auth.decorators';
import { AuditService } from './audit.service';
import type { AuthedRequest } from './principal';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class AuditInterceptor implements NestInterceptor {
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
    const action = this.reflector.getAllAndOverride<string | undefined>(AUDIT_ACTION_KEY, [ctx.getHandler(), ctx.getClass()]);
    return new Observable((subscriber) =>
      runWithRequestContext(context, () =>
        next
          .handle()
          .pipe(
            mergeMap(async (value) => {
              if (write && !context.audited) {
                await runWithRequestContext(context, () =>
                  this.audit.record(action ?? `${req.method} ${req.route?.path ?? req.originalUrl?.split('?')[0] ?? req.url}`, req.params?.id ?? null),
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
