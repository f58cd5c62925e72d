// Rate limit on writes (every POST/PUT/PATCH/DELETE, analyze included), per token or OIDC
// subject, else per client address. Reads are never limited: dashboards and the benchmark
// poll them hard. Counters live in PostgreSQL (PgThrottlerStorage), so the budget is the
// fleet's, not each replica's.
import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthedRequest } from './principal';

/** 'default' keeps the standard header names (Retry-After, X-RateLimit-*). */
export const WRITE_THROTTLER = 'default';
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class WriteThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    return READ_METHODS.has(ctx.switchToHttp().getRequest<AuthedRequest>().method ?? 'GET');
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as AuthedRequest;
    if (r.principal) return `${r.principal.kind}:${r.principal.id}`;
    return `ip:${r.ip ?? r.socket?.remoteAddress ?? 'unknown'}`;
  }
}
