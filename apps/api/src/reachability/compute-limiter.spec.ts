// The limiter alone, with work we finish by hand: the cap, the bounded queue in arrival order,
// the refusal with a Retry-After estimate, and single-flight by key.
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../config/env.schema';
import { ComputeLimiter, ComputeQueueFullError } from './compute-limiter';

interface Held<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: Error): void;
}
function held<T>(): Held<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('ComputeLimiter', () => {
  it('runs at most `concurrency` works, queues `queueSize` more in arrival order, and refuses the rest at once', async () => {
    const sut = new ComputeLimiter(2, 2);
    const works = Array.from({ length: 4 }, () => held<string>());
    const started: number[] = [];
    const results = works.map((w, i) => sut.run(`k${i}`, () => (started.push(i), w.promise)));
    await tick();
    expect(started).toEqual([0, 1]);
    expect(sut.stats()).toMatchObject({ running: 2, queued: 2, rejected: 0 });

    const refused = sut.run('k4', async () => 'never');
    await expect(refused).rejects.toBeInstanceOf(ComputeQueueFullError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) });
    expect(sut.stats().rejected).toBe(1);

    works[1].resolve('one');
    expect(await results[1]).toBe('one');
    await tick();
    expect(started).toEqual([0, 1, 2]);
    works[0].reject(new Error('boom'));
    await expect(results[0]).rejects.toThrow('boom');
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    works[2].resolve('two');
    works[3].resolve('three');
    expect(await Promise.all([results[2], results[3]])).toEqual(['two', 'three']);
    expect(sut.stats()).toEqual({ running: 0, queued: 0, rejected: 1, started: 4, joined: 0 });
  });

  it('shares running and waiting work by key, without taking another slot', async () => {
    const sut = new ComputeLimiter(1, 0);
    const w = held<number>();
    let calls = 0;
    const first = sut.run('same', () => (calls++, w.promise));
    const joined = [sut.run('same', async () => (calls++, -1)), sut.run('same', async () => (calls++, -1))];
    // The queue holds nothing, yet joining is not refused; other work is.
    await expect(sut.run('other', async () => 0)).rejects.toBeInstanceOf(ComputeQueueFullError);
    expect(sut.has('same')).toBe(true);
    w.resolve(7);
    expect(await Promise.all([first, ...joined])).toEqual([7, 7, 7]);
    expect(calls).toBe(1);
    expect(sut.stats()).toMatchObject({ started: 1, joined: 2, rejected: 1 });
    // Finished work is not remembered: caching answers is the caller's business.
    expect(sut.has('same')).toBe(false);
    expect(await sut.run('same', async () => (calls++, 8))).toBe(8);
    expect(calls).toBe(2);
  });

  it('frees the slot when the work throws before returning a promise', async () => {
    const sut = new ComputeLimiter(1, 0);
    await expect(sut.run('a', () => { throw new Error('sync'); })).rejects.toThrow('sync');
    expect(await sut.run('b', async () => 'ok')).toBe('ok');
    expect(sut.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('estimates Retry-After from how long works took, within 1-60 s', async () => {
    const sut = new ComputeLimiter(1, 1);
    const w = held<void>();
    const running = sut.run('a', () => w.promise);
    const waiting = sut.run('b', async () => undefined);
    const err = await sut.run('c', async () => undefined).catch((e: ComputeQueueFullError) => e);
    expect(err).toBeInstanceOf(ComputeQueueFullError);
    // Nothing timed yet: a guess of a second per work ahead, two works ahead.
    expect((err as ComputeQueueFullError).retryAfterSeconds).toBe(2);
    w.resolve();
    await Promise.all([running, waiting]);
    const fast = held<void>();
    const again = sut.run('d', () => fast.promise);
    sut.run('e', async () => undefined).catch(() => undefined);
    const err2 = await sut.run('f', async () => undefined).catch((e: ComputeQueueFullError) => e);
    // Works took well under a second: never less than 1 s.
    expect((err2 as ComputeQueueFullError).retryAfterSeconds).toBe(1);
    fast.resolve();
    await again;
  });

  it('is configured by KORDON_REACHABILITY_CONCURRENCY and KORDON_REACHABILITY_QUEUE, range-checked', () => {
    expect(parseEnv({})).toMatchObject({ KORDON_REACHABILITY_CONCURRENCY: 2, KORDON_REACHABILITY_QUEUE: 8 });
    expect(parseEnv({ KORDON_REACHABILITY_CONCURRENCY: '1', KORDON_REACHABILITY_QUEUE: '0' })).toMatchObject({ KORDON_REACHABILITY_CONCURRENCY: 1, KORDON_REACHABILITY_QUEUE: 0 });
    let issues: string[] = [];
    try {
      parseEnv({ KORDON_REACHABILITY_CONCURRENCY: '0', KORDON_REACHABILITY_QUEUE: '-1' });
    } catch (e) {
      issues = (e as { issues: string[] }).issues;
    }
    expect(issues).toEqual(expect.arrayContaining([
      'KORDON_REACHABILITY_CONCURRENCY: must be a whole number 1-16',
      'KORDON_REACHABILITY_QUEUE: must be a whole number 0-1000',
    ]));
    expect(() => parseEnv({ KORDON_REACHABILITY_CONCURRENCY: '17' })).toThrow(/1-16/);
    expect(() => parseEnv({ KORDON_REACHABILITY_CONCURRENCY: '1.5' })).toThrow(/1-16/);
    expect(() => parseEnv({ KORDON_REACHABILITY_QUEUE: 'lots' })).toThrow(/0-1000/);
  });
});
