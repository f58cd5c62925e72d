// The storage alone, with a fake repository: how counts become throttler records, the fail-open
// fallback onto this replica's memory, and the occasional sweep of finished windows.
import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COUNT_TIMEOUT_MS, PgThrottlerStorage, SWEEP_EVERY_MS } from './pg-throttler.storage';
import type { RateLimitHit, RateLimitRepository } from './rate-limit.repository';
import { InFlightWork } from '../prisma/in-flight-work';

function fakeRepo(hit: (key: string, windowMs: number) => Promise<RateLimitHit>) {
  const repo = { hit: vi.fn(hit), deleteStarted: vi.fn(async () => 0) };
  return { repo, sut: new PgThrottlerStorage(repo as unknown as RateLimitRepository, new InFlightWork()) };
}

describe('PgThrottlerStorage', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('turns the database count into a record: blocked above the limit until the window ends', async () => {
    let hits = 0;
    const { sut } = fakeRepo(async () => ({ hits: ++hits, msLeft: 41_200 }));
    expect(await sut.increment('k', 60_000, 2, 60_000, 'default')).toEqual({ totalHits: 1, timeToExpire: 42, isBlocked: false, timeToBlockExpire: 0 });
    expect((await sut.increment('k', 60_000, 2, 60_000, 'default')).isBlocked).toBe(false);
    expect(await sut.increment('k', 60_000, 2, 60_000, 'default')).toEqual({ totalHits: 3, timeToExpire: 42, isBlocked: true, timeToBlockExpire: 42 });
  });

  it('never answers Retry-After: 0 at the very end of a window', async () => {
    const { sut } = fakeRepo(async () => ({ hits: 9, msLeft: 0 }));
    expect(await sut.increment('k', 60_000, 2, 60_000, 'default')).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
  });

  it('fails open onto its own memory when the database errs: still limited, per replica', async () => {
    const { sut } = fakeRepo(async () => Promise.reject(new Error('connection refused')));
    const blocked: boolean[] = [];
    for (let i = 0; i < 4; i++) blocked.push((await sut.increment('k', 60_000, 2, 60_000, 'default')).isBlocked);
    expect(blocked).toEqual([false, false, true, true]);
    expect(sut.fallbacks).toBe(4);
    // Said once, not on every write.
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][1]).toMatch(/counting on this replica only/);
    sut.onApplicationShutdown();
  });

  it('fails open when the database does not answer in time', async () => {
    vi.useFakeTimers();
    const { sut } = fakeRepo(() => new Promise<RateLimitHit>(() => undefined));
    const pending = sut.increment('k', 60_000, 2, 60_000, 'default');
    await vi.advanceTimersByTimeAsync(COUNT_TIMEOUT_MS);
    expect(await pending).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(sut.fallbacks).toBe(1);
    sut.onApplicationShutdown();
  });

  it('deletes finished windows at most once a sweep interval, and a failed sweep is harmless', async () => {
    vi.useFakeTimers();
    const { repo, sut } = fakeRepo(async () => ({ hits: 1, msLeft: 60_000 }));
    repo.deleteStarted.mockRejectedValueOnce(new Error('boom'));
    await sut.increment('k', 60_000, 5, 60_000, 'default');
    expect(repo.deleteStarted).not.toHaveBeenCalled();
    vi.advanceTimersByTime(SWEEP_EVERY_MS);
    await sut.increment('k', 60_000, 5, 60_000, 'default');
    await sut.increment('k', 60_000, 5, 60_000, 'default');
    expect(repo.deleteStarted).toHaveBeenCalledTimes(1);
    expect(repo.deleteStarted).toHaveBeenCalledWith(60_000);
    expect(sut.fallbacks).toBe(0);
  });
});
