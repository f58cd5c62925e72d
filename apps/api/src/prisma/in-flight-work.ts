// Database work nobody awaits (a token's last-use stamp, a heartbeat, a rate-limit sweep, a
// scheduler tick). It is tracked so a shutdown waits for it before closing the connection pool:
// closing Prisma under a statement in flight left a transaction open after its BEGIN, and the
// pool then waited for that connection forever (a hang in `app.close()`).
import { Injectable } from '@nestjs/common';

@Injectable()
export class InFlightWork {
  private readonly running = new Set<Promise<unknown>>();

  /** Starts tracking `work`; its result and errors stay the caller's. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
    return work;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves when everything tracked so far has settled, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all([...this.running]).then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
