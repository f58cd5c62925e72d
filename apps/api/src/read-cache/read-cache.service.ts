// Serialized answers of cached reads, in memory, bounded by size (least recently used go first).
// Each entry remembers the change counter it was computed under; an entry whose counter is not
// the current one is never served.
import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { JsonText } from '../common/json-text';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';

export interface CachedAnswer {
  /** The change counter the answer depends on (`fleet` or `cluster:<id>`) and its value then. */
  scope: string;
  version: string;
  /** The JSON answer, encoded once. */
  body: Buffer;
  /** Its entity tag, computed once (the weak form Express gives answers by default). */
  etag: string;
  /** Epoch ms after which the answer is no longer exact (null: only data changes end it). */
  until: number | null;
}

@Injectable()
export class ReadCache {
  readonly enabled: boolean;
  private readonly entries: LRUCache<string, CachedAnswer> | null;
  private readonly pending = new Map<string, Promise<CachedAnswer | null>>();
  /** How many entries each URL has (any role) and their scope: the fast path skips URLs with none. */
  private readonly urls = new Map<string, { count: number; scope: string }>();
  /** Hits answered by ReadCacheMiddleware, before Nest's pipeline. */
  fastHits = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const bytes = config.KORDON_READ_CACHE_MB * 1024 * 1024;
    this.enabled = bytes > 0;
    this.entries = this.enabled
      ? new LRUCache<string, CachedAnswer>({
          maxSize: bytes,
          // One entry may take at most an eighth of the cache, so one huge answer cannot flush it.
          maxEntrySize: Math.max(1, Math.floor(bytes / 8)),
          sizeCalculation: (v, k) => v.body.length + k.length + 128,
          // Replacing a key's answer keeps its URL counted; evicting or deleting it does not.
          dispose: (_v, key, reason) => {
            if (reason !== 'set') this.forget(urlOf(key));
          },
        })
      : null;
  }

  /** The scope of the answers held for this URL (any caller's), if any: cheap, no authentication. */
  scopeOf(url: string): string | undefined {
    return this.urls.get(url)?.scope;
  }

  get(key: string, version: string, now: number): CachedAnswer | undefined {
    const hit = this.entries?.get(key);
    if (!hit) return undefined;
    if (hit.version !== version || (hit.until !== null && now >= hit.until)) return undefined;
    return hit;
  }

  set(key: string, answer: CachedAnswer): void {
    if (!this.entries) return;
    const isNew = !this.entries.has(key);
    this.entries.set(key, answer);
    // A refused entry (over maxEntrySize) is not held: count only what is. Refusing a new answer
    // for a held key drops the old one too (lru-cache disposes it as a 'set'): forget it.
    const held = this.entries.has(key);
    if (isNew && held) {
      const url = urlOf(key);
      const prior = this.urls.get(url);
      this.urls.set(url, { count: (prior?.count ?? 0) + 1, scope: answer.scope });
    } else if (!isNew && !held) {
      this.forget(urlOf(key));
    }
  }

  private forget(url: string): void {
    const held = this.urls.get(url);
    if (held && held.count > 1) held.count -= 1;
    else this.urls.delete(url);
  }

  /**
   * Computes the answer for `key` at `version` once however many requests miss together: the
   * others wait for the first one's answer (or error).
   */
  once(key: string, version: string, compute: () => Promise<CachedAnswer | null>): Promise<CachedAnswer | null> {
    const id = `${version}\u0000${key}`;
    const running = this.pending.get(id);
    if (running) return running;
    const p = compute().finally(() => this.pending.delete(id));
    this.pending.set(id, p);
    return p;
  }

  clear(): void {
    this.entries?.clear();
    this.urls.clear();
  }
}

/**
 * The key of one caller's answer: the caller's role and the exact URL (path and query). Role
 * groups are nested (roles.ts), so callers with the same most privileged role see the same answers.
 */
export function cacheKey(role: string, url: string): string {
  return `${role}\u0000${url}`;
}

function urlOf(key: string): string {
  return key.slice(key.indexOf('\u0000') + 1);
}

/** A cacheable answer from a handler's value: JSON once, with its entity tag. */
export function answerOf(scope: string, version: string, value: unknown, until: number | null): CachedAnswer {
  const body = Buffer.from(value instanceof JsonText ? value.text : JSON.stringify(value), 'utf8');
  // Same format as the `etag` package Express uses: W/"<length hex>-<sha1 base64, 27 chars>".
  const etag = `W/"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"`;
  return { scope, version, body, etag, until };
}
