// Adds `Retry-After` to a 503 for a full computation queue. The global exception filter writes the
// error body; headers set on the response before it runs are kept.
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { catchError, throwError, type Observable } from 'rxjs';
import { ReachabilityBusyException } from './reachability.exception';

@Injectable()
export class RetryAfterInterceptor implements NestInterceptor {
  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((err: unknown) => {
        if (err instanceof ReachabilityBusyException) {
          ctx.switchToHttp().getResponse<ServerResponse>().setHeader('Retry-After', String(err.retryAfterSeconds));
        }
        return throwError(() => err);
      }),
    );
  }
}
