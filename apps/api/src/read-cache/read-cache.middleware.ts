// The fast path of cached reads: a GET whose answer is held for the caller's role at the current
// change counter is sent before Nest's router, guards, interceptors and pipes run. It is safe to
// skip them: an answer is only ever stored by ReadCacheInterceptor after the guard let a caller
// with that role through that route (and validated its query), the key holds the role and exact
// URL, and the caller is authenticated here exactly as the guard does (same Authenticator, so a
// revoked token is refused). Anything else (no entry, a failed authentication, a database error)
// goes on to Nest untouched, which answers as it always does.
import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Authenticator } from '../auth/authenticator';
import type { AuthedRequest } from '../auth/principal';
import { ChangeVersions, versionsForRequest } from './change-versions.service';
import { send } from './read-cache.interceptor';
import { cacheKey, ReadCache } from './read-cache.service';

type Request = IncomingMessage & AuthedRequest & { originalUrl?: string };
type Response = ServerResponse & { send(body: string): unknown };

@Injectable()
export class ReadCacheMiddleware implements NestMiddleware {
  constructor(private readonly cache: ReadCache, private readonly versions: ChangeVersions, private readonly authenticator: Authenticator) {}

  use(req: Request, res: Response, next: (err?: unknown) => void): void {
    const url = req.originalUrl ?? req.url ?? '';
    if (!this.cache.enabled || req.method !== 'GET' || !this.cache.mayHave(url)) return next();
    this.serve(req, res, url).then(
      (served) => {
        if (!served) next();
      },
      () => next(),
    );
  }

  private async serve(req: Request, res: Response, url: string): Promise<boolean> {
    const principal = await this.authenticator.authenticate(req).catch(() => null);
    if (!principal) return false;
    const { fleet } = await versionsForRequest(req, this.versions);
    const hit = this.cache.get(cacheKey(principal.role, url), fleet, Date.now());
    if (!hit) return false;
    req.principal = principal;
    this.cache.hits++;
    this.cache.fastHits++;
    res.statusCode = 200;
    res.send(send(res, hit, 'hit'));
    return true;
  }
}
