// The change-counter reader alone, with a fake repository whose reads we finish by hand.
import { describe, expect, it } from 'vitest';
import type { ChangeVersionRepository } from './change-version.repository';
import { ChangeVersions, versionsForRequest } from './change-versions.service';

function fakeRepo() {
  const reads: { scopes: string[]; resolve: (v: Record<string, number>) => void; reject: (e: Error) => void }[] = [];
  const repo = {
    read: (scopes: string[]) =>
      new Promise<Map<string, string>>((resolve, reject) =>
        reads.push({ scopes, resolve: (v) => resolve(new Map(scopes.map((s) => [s, String(v[s] ?? 0)]))), reject }),
      ),
  } as unknown as ChangeVersionRepository;
  return { repo, reads };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ChangeVersions', () => {
  it('never answers a caller with a read that started before it asked', async () => {
    const { repo, reads } = fakeRepo();
    const sut = new ChangeVersions(repo);
    const first = sut.current(['fleet']);
    expect(reads).toHaveLength(1);
    // Asked while read 1 runs: a commit may have landed after read 1 started, so they wait for
    // read 2, which fetches every scope its waiters asked for.
    const second = sut.current(['fleet']);
    const third = sut.current(['auth', 'cluster:a']);
    expect(reads).toHaveLength(1);
    reads[0].resolve({ fleet: 1 });
    expect((await first).get('fleet')).toBe('1');
    await tick();
    expect(reads).toHaveLength(2);
    expect(reads[1].scopes.sort()).toEqual(['auth', 'cluster:a', 'fleet']);
    reads[1].resolve({ fleet: 2, auth: 7, 'cluster:a': 3 });
    expect((await second).get('fleet')).toBe('2');
    expect(Object.fromEntries(await third)).toMatchObject({ auth: '7', 'cluster:a': '3' });
    expect(sut.reads).toBe(2);
  });

  it('reads again for a caller arriving after a read finished; a scope without a row is 0', async () => {
    const { repo, reads } = fakeRepo();
    const sut = new ChangeVersions(repo);
    const a = sut.current(['fleet']);
    reads[0].resolve({ fleet: 1 });
    await a;
    const b = sut.current(['cluster:new']);
    expect(reads).toHaveLength(2);
    reads[1].resolve({});
    expect((await b).get('cluster:new')).toBe('0');
  });

  it('passes a failed read to its callers and recovers on the next one', async () => {
    const { repo, reads } = fakeRepo();
    const sut = new ChangeVersions(repo);
    const a = sut.current(['fleet']);
    const b = sut.current(['fleet']);
    reads[0].reject(new Error('database down'));
    await expect(a).rejects.toThrow('database down');
    await tick();
    reads[1].resolve({ fleet: 3 });
    expect((await b).get('fleet')).toBe('3');
  });

  it('reads each scope once per request, however many parts of the pipeline ask', async () => {
    const { repo, reads } = fakeRepo();
    const sut = new ChangeVersions(repo);
    const req = {};
    const both = versionsForRequest(req, sut, ['auth', 'cluster:a']);
    const again = versionsForRequest(req, sut, ['cluster:a']);
    expect(reads).toHaveLength(1);
    reads[0].resolve({ auth: 1, 'cluster:a': 2 });
    expect(Object.fromEntries(await both)).toEqual({ auth: '1', 'cluster:a': '2' });
    expect(Object.fromEntries(await again)).toEqual({ 'cluster:a': '2' });
  });
});
