// Serialized answers of cached reads, in memory, bounded by size (least recently used go first).
// Each entry remembers the change counter it was computed under; an entry whose counter is not
// the current one is never served.
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';

export interface CachedAnswer {
  version: string;
  body: string;
  /** Epoch ms after which the answer is no longer exact (null: only data changes end it). */
  until: number | null;
}

@Injectable()
export class ReadCache {
  readonly enabled: boolean;
  private readonly entries: LRUCache<string, CachedAnswer> | null;
  private readonly pending = new Map<string, Promise<CachedAnswer | null>>();
  hits = 0;
  misses = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const bytes = config.KORDON_READ_CACHE_MB * 1024 * 1024;
    this.enabled = bytes > 0;
    this.entries = this.enabled
      ? new LRUCache<string, CachedAnswer>({
          maxSize: bytes,
          // One entry may take at most an eighth of the cache, so one huge answer cannot flush it.
          maxEntrySize: Math.max(1, Math.floor(bytes / 8)),
          sizeCalculation: (v, k) => v.body.length + k.length + 64,
        })
      : null;
  }

  get(key: string, version: string, now: number): CachedAnswer | undefined {
    const hit = this.entries?.get(key);
    if (!hit) return undefined;
    if (hit.version !== version || (hit.until !== null && now >= hit.until)) return undefined;
    return hit;
  }

  set(key: string, answer: CachedAnswer): void {
    this.entries?.set(key, answer);
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
  }
}
