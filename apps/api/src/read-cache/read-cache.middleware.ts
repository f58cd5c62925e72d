// The fast path of cached reads, mounted as the first middleware (app.factory.ts): a GET whose
// answer is held for the caller's role at the current change counter is sent before the request
// logger, Nest's router, guards, interceptors and pipes run. It is safe to skip them: an answer is
// only ever stored by ReadCacheInterceptor after the guard let a caller with that role through
// that route (and validated its query), the key holds the role and exact URL, and the caller is
// authenticated here exactly as the guard does (same Authenticator, so a revoked token is
// refused). The request still gets its `x-request-id` and its completion log line (the same pino
// logger, written only when its level is enabled). Anything else (no entry, a failed
// authentication, a database error) goes on down the normal path untouched.
import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger } from 'nestjs-pino';
import { Authenticator } from '../auth/authenticator';
import type { AuthedRequest } from '../auth/principal';
import { assignRequestId } from '../common/request-id';
import { AUTH_SCOPE, ChangeVersions, versionsForRequest } from './change-versions.service';
import { cacheKey, ReadCache, type CachedAnswer } from './read-cache.service';

type Request = IncomingMessage & AuthedRequest & { originalUrl?: string };

@Injectable()
export class ReadCacheMiddleware {
  constructor(private readonly cache: ReadCache, private readonly versions: ChangeVersions, private readonly authenticator: Authenticator) {}

  /** Express-style middleware. */
  readonly handle = (req: Request, res: ServerResponse, next: (err?: unknown) => void): void => {
    const url = req.originalUrl ?? req.url ?? '';
    const scope = this.cache.enabled && req.method === 'GET' ? this.cache.scopeOf(url) : undefined;
    if (!scope) return next();
    const started = Date.now();
    this.find(req, url, scope).then(
      (hit) => (hit ? this.send(req, res, hit, started) : next()),
      () => next(),
    );
  };

  private async find(req: Request, url: string, scope: string): Promise<CachedAnswer | undefined> {
    // Both counters in one read: the token's (`auth`, used by the Authenticator) and the answer's.
    const versions = versionsForRequest(req, this.versions, [AUTH_SCOPE, scope]);
    versions.catch(() => undefined);
    const principal = await this.authenticator.authenticate(req).catch(() => null);
    if (!principal) return undefined;
    const version = (await versions).get(scope)!;
    const hit = this.cache.get(cacheKey(principal.role, url), version, Date.now());
    if (hit) req.principal = principal;
    return hit;
  }

  private send(req: Request, res: ServerResponse, hit: CachedAnswer, started: number): void {
    this.cache.fastHits++;
    const id = assignRequestId(req, res);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('ETag', hit.etag);
    res.setHeader('Cache-Status', 'kordon; hit');
    // A conditional GET for the answer the caller holds: 304, no body (RFC 9110 §13.1.2).
    const inm = req.headers['if-none-match'];
    if (inm && inm.split(',').some((t) => t.trim() === hit.etag || t.trim() === '*')) {
      res.statusCode = 304;
      res.end();
    } else {
      res.statusCode = 200;
      res.setHeader('Content-Length', hit.body.length);
      res.end(hit.body);
    }
    const log = PinoLogger.root;
    if (log?.isLevelEnabled('info')) {
      const p = req.principal!;
      (req as Request & { id?: string }).id = id;
      // Once sent, like every other request line; the logger's own serializers and redaction
      // shape req and res.
      res.once('finish', () =>
        log.info({ requestId: id, req, res, responseTime: Date.now() - started, cache: 'hit', actor: { kind: p.kind, id: p.id, name: p.name } }, 'request completed'),
      );
    }
  }
}
