// The current change counters, read at most once at a time however many requests ask. A caller
// never gets counters read before it asked: it joins the read that starts after its call (queued
// behind the read in flight, with the scopes every waiting caller asked for), so a commit it could
// have seen is never missed. Under load one small query serves every request that arrived while
// the previous one ran.
import { Injectable } from '@nestjs/common';
import { ChangeVersionRepository } from './change-version.repository';

export const FLEET_SCOPE = 'fleet';
export const AUTH_SCOPE = 'auth';
export const clusterScope = (id: string): string => `cluster:${id}`;

interface Batch {
  scopes: Set<string>;
  result: Promise<Map<string, string>>;
}

@Injectable()
export class ChangeVersions {
  private inFlight: Promise<unknown> | null = null;
  private queued: Batch | null = null;
  /** Reads made (for tests and the benchmark's figures). */
  reads = 0;

  constructor(private readonly repo: ChangeVersionRepository) {}

  /** The counters of `scopes`, as of a read that started after this call. */
  async current(scopes: string[]): Promise<Map<string, string>> {
    if (!this.inFlight) return this.start(new Set(scopes));
    if (!this.queued) {
      const batch: Batch = { scopes: new Set(), result: null! };
      const running = this.inFlight;
      batch.result = running.then(
        () => this.startQueued(batch),
        () => this.startQueued(batch),
      );
      this.queued = batch;
    }
    for (const s of scopes) this.queued.scopes.add(s);
    return this.queued.result;
  }

  private startQueued(batch: Batch): Promise<Map<string, string>> {
    if (this.queued === batch) this.queued = null;
    return this.start(batch.scopes);
  }

  private start(scopes: Set<string>): Promise<Map<string, string>> {
    this.reads++;
    const read: Promise<Map<string, string>> = this.repo.read([...scopes]).finally(() => {
      if (this.inFlight === read) this.inFlight = null;
    });
    this.inFlight = read;
    return read;
  }
}

/** One request's counters: each scope read once however many parts of the pipeline ask. */
const REQUEST_VERSIONS = Symbol('kordon.changeVersions');

export function versionsForRequest(req: object, versions: ChangeVersions, scopes: string[]): Promise<Map<string, string>> {
  const holder = req as { [REQUEST_VERSIONS]?: Map<string, Promise<string>> };
  const memo = (holder[REQUEST_VERSIONS] ??= new Map());
  const missing = scopes.filter((s) => !memo.has(s));
  if (missing.length) {
    const read = versions.current(missing);
    for (const s of missing) memo.set(s, read.then((m) => m.get(s) ?? '0'));
  }
  return Promise.all(scopes.map((s) => memo.get(s)!)).then((values) => new Map(scopes.map((s, i) => [s, values[i]])));
}

/** One scope's counter for a request (see versionsForRequest). */
export async function versionForRequest(req: object, versions: ChangeVersions, scope: string): Promise<string> {
  return (await versionsForRequest(req, versions, [scope])).get(scope)!;
}
