// The current change counters, read at most once at a time however many requests ask. A caller
// never gets counters read before it asked: it joins a read that starts after its call (the one
// queued behind the read in flight), so a commit it could have seen is never missed. Under load
// one tiny query serves every request that arrived while the previous one ran.
import { Injectable } from '@nestjs/common';
import { ChangeVersionRepository, type ChangeVersionsRow } from './change-version.repository';

export type ChangeVersionsValue = ChangeVersionsRow;

@Injectable()
export class ChangeVersions {
  private inFlight: Promise<ChangeVersionsValue> | null = null;
  private queued: Promise<ChangeVersionsValue> | null = null;
  /** Reads made (for tests and the benchmark's figures). */
  reads = 0;

  constructor(private readonly repo: ChangeVersionRepository) {}

  current(): Promise<ChangeVersionsValue> {
    if (!this.inFlight) return this.start();
    const running = this.inFlight;
    this.queued ??= running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<ChangeVersionsValue> {
    this.queued = null;
    return this.start();
  }

  private start(): Promise<ChangeVersionsValue> {
    this.reads++;
    const read: Promise<ChangeVersionsValue> = this.repo.read().finally(() => {
      if (this.inFlight === read) this.inFlight = null;
    });
    this.inFlight = read;
    return read;
  }
}

/** The counters for one request, read once however many parts of the pipeline ask. */
const REQUEST_VERSIONS = Symbol('kordon.changeVersions');

export function versionsForRequest(req: object, versions: ChangeVersions): Promise<ChangeVersionsValue> {
  const holder = req as { [REQUEST_VERSIONS]?: Promise<ChangeVersionsValue> };
  holder[REQUEST_VERSIONS] ??= versions.current();
  return holder[REQUEST_VERSIONS];
}
