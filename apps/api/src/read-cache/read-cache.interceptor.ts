// Serves cached reads (handlers marked @CachedRead()) from memory while the data they come from
// is unchanged: the answer is keyed by the caller's role and the exact URL, and stored with the
// `fleet` change counter it was computed under (bumped by database triggers at every commit that
// touches clusters or snapshots, on any replica). Reading the counter is one tiny query shared by
// concurrent requests, so a replica never serves an answer older than a commit it could see.
// Handlers whose answers also move with the clock say so through cache-hints.ts.
// The response carries `Cache-Status` (RFC 9211): `kordon; hit`, or `kordon; fwd=miss` with
// `stored` when the answer was kept.
import { applyDecorators, Injectable, SetMetadata, StreamableFile, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defer, lastValueFrom, map, type Observable } from 'rxjs';
import { JsonText, sendJsonText } from '../common/json-text';
import type { AuthedRequest } from '../auth/principal';
import { runWithCacheHints, type CacheHints } from './cache-hints';
import { ChangeVersions, clusterScope, FLEET_SCOPE, versionForRequest } from './change-versions.service';
import { answerOf, cacheKey, ReadCache, type CachedAnswer } from './read-cache.service';
import { UUID } from '../common/uuid';

const NOT_RUN = Symbol('not run');
const CACHE_SCOPE_KEY = 'kordon:cachedReadScope';

type Request = IncomingMessage & AuthedRequest & { originalUrl?: string };
type Response = ServerResponse;

@Injectable()
export class ReadCacheInterceptor implements NestInterceptor {
  constructor(private readonly cache: ReadCache, private readonly versions: ChangeVersions, private readonly reflector: Reflector) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const res = ctx.switchToHttp().getResponse<Response>();
    // An answer the handler serialized itself (JsonText) goes out as its text.
    if (!this.cache.enabled) return next.handle().pipe(map((v: unknown) => (v instanceof JsonText ? sendJsonText(res, v) : v)));
    const req = ctx.switchToHttp().getRequest<Request>();
    if (req.method !== 'GET') return next.handle().pipe(map((v: unknown) => (v instanceof JsonText ? sendJsonText(res, v) : v)));
    const per = this.reflector.get<CachedReadOptions['per'] | undefined>(CACHE_SCOPE_KEY, ctx.getHandler()) ?? 'fleet';
    const scope = scopeOf(per, req);
    return defer(() => this.answer(req, res, next, scope)).pipe(map((v: unknown) => (v instanceof JsonText ? sendJsonText(res, v) : v)));
  }

  private async answer(req: Request, res: Response, next: CallHandler, scope: string): Promise<unknown> {
    let version: string;
    try {
      version = await versionForRequest(req, this.versions, scope);
    } catch {
      // Cannot tell whether a cached answer is current: answer from the database (or fail there).
      return lastValueFrom(next.handle(), { defaultValue: undefined });
    }
    const key = cacheKey(req.principal?.role ?? '-', req.originalUrl ?? req.url ?? '');
    const hit = this.cache.get(key, version, Date.now());
    if (hit) return send(res, hit, 'hit');
    let own: unknown = NOT_RUN;
    const answer = await this.cache.once(key, version, async () => {
      const hints: CacheHints = { until: null, skip: false };
      const value: unknown = await lastValueFrom(runWithCacheHints(hints, () => next.handle()), { defaultValue: undefined });
      own = value;
      const cacheable =
        !hints.skip &&
        value !== null &&
        typeof value === 'object' &&
        !(value instanceof StreamableFile) &&
        !Buffer.isBuffer(value) &&
        res.statusCode === 200 &&
        (hints.until === null || hints.until > Date.now());
      if (!cacheable) return null;
      const stored = answerOf(scope, version, value, hints.until);
      this.cache.set(key, stored);
      return stored;
    });
    if (own !== NOT_RUN) return answer ? send(res, answer, 'fwd=miss; stored') : own;
    // Another request computed it while this one waited.
    if (answer) return send(res, answer, 'hit');
    return lastValueFrom(next.handle(), { defaultValue: undefined });
  }
}

/** Headers of a cached answer; the body goes back to Nest as a string (Express sends it). */
function send(res: Response, answer: CachedAnswer, status: string): string {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('ETag', answer.etag);
  res.setHeader('Cache-Status', `kordon; ${status}`);
  return answer.body.toString('utf8');
}

/**
 * The counter a request's answer watches. PostgreSQL finds a uuid in any letter case but the
 * triggers name the scope in lower case: `/clusters/<ID IN CAPITALS>` must watch the same counter
 * as the lower-case URL. A query naming one cluster (`?cluster=<uuid>`, once) narrows a
 * `cluster-query` read to it; without one the read spans the fleet.
 */
function scopeOf(per: NonNullable<CachedReadOptions['per']>, req: Request & { query?: Record<string, unknown> }): string {
  if (per === 'cluster') {
    const id = req.params?.id?.toLowerCase();
    return id ? clusterScope(id) : FLEET_SCOPE;
  }
  if (per === 'cluster-query') {
    const id = req.query?.cluster;
    return typeof id === 'string' && UUID.test(id) ? clusterScope(id.toLowerCase()) : FLEET_SCOPE;
  }
  return FLEET_SCOPE;
}

/**
 * Caches this GET handler's answers (see ReadCacheInterceptor for when they are served). Only for
 * handlers whose answer depends on the URL, the caller's role and data in clusters/snapshots (and
 * the clock, declared through cache-hints.ts): never on who the caller is beyond the role.
 */
export const CachedRead = (options: CachedReadOptions = {}): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(CACHE_SCOPE_KEY, options.per ?? 'fleet'), UseInterceptors(ReadCacheInterceptor));

export interface CachedReadOptions {
  /**
   * What a commit must touch to change the answer: `cluster` (only the cluster of the route's
   * `:id` parameter: its row or its snapshots), `fleet` (any cluster; the default), or
   * `cluster-query`: the cluster named by the `cluster` query parameter when there is one (a
   * fleet-wide list filtered to one cluster), else the fleet.
   */
  per?: 'cluster' | 'cluster-query' | 'fleet';
}

