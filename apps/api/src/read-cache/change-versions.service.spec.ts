// The change-counter reader alone, with a fake repository whose reads we finish by hand.
import { describe, expect, it } from 'vitest';
import type { ChangeVersionRepository, ChangeVersionsRow } from './change-version.repository';
import { ChangeVersions } from './change-versions.service';

function fakeRepo() {
  const reads: { resolve: (v: ChangeVersionsRow) => void; reject: (e: Error) => void }[] = [];
  const repo = {
    read: () => new Promise<ChangeVersionsRow>((resolve, reject) => reads.push({ resolve, reject })),
  } as unknown as ChangeVersionRepository;
  return { repo, reads };
}

const v = (n: number): ChangeVersionsRow => ({ fleet: String(n), auth: String(n) });
const tick = () => new Promise((r) => setImmediate(r));

describe('ChangeVersions', () => {
  it('never answers a caller with a read that started before it asked', async () => {
    const { repo, reads } = fakeRepo();
    const sut = new ChangeVersions(repo);
    const first = sut.current();
    expect(reads).toHaveLength(1);
    // Asked while read 1 runs: a commit may have landed after read 1 started, so they wait for read 2.
    const second = sut.current();
    const third = sut.current();
    expect(reads).toHaveLength(1);
    reads[0].resolve(v(1));
    expect(await first).toEqual(v(1));
    await tick();
    expect(reads).toHaveLength(2);
    reads[1].resolve(v(2));
    expect(await second).toEqual(v(2));
    expect(await third).toEqual(v(2));
    expect(sut.reads).toBe(2);
  });

  it('reads again for a caller arriving after a read finished', async () => {
    const { repo, reads } = fakeRepo();
    const sut = new ChangeVersions(repo);
    const a = sut.current();
    reads[0].resolve(v(1));
    await a;
    const b = sut.current();
    expect(reads).toHaveLength(2);
    reads[1].resolve(v(5));
    expect(await b).toEqual(v(5));
  });

  it('passes a failed read to its callers and recovers on the next one', async () => {
    const { repo, reads } = fakeRepo();
    const sut = new ChangeVersions(repo);
    const a = sut.current();
    const b = sut.current();
    reads[0].reject(new Error('database down'));
    await expect(a).rejects.toThrow('database down');
    await tick();
    reads[1].resolve(v(3));
    expect(await b).toEqual(v(3));
  });
});
