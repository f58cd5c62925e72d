// A cap on the expensive work one API process runs at once, with single-flight by key.
//
// Reachability reports are computed on the request thread (rebuild a snapshot's state from the
// database, run the engine: around a second of CPU and a large state in memory for a 20,000-pod
// cluster). Without a cap, a burst of requests for distinct snapshots holds all their states in
// memory at once and queues engine runs on the event loop without bound, so every other route
// waits behind the whole burst. Here at most `concurrency` computations run, at most `queueSize`
// more wait their turn in arrival order, and beyond that the caller is told at once to come back
// (ComputeQueueFullError → 503 with Retry-After). A request for work already running or waiting
// joins it and takes no slot.
//
// Written here rather than taken from p-limit (7.x, ESM-only: Node 20.19+ can require() it from
// this CommonJS build, so it would load) or p-queue: neither refuses work when its queue is full
// nor merges identical work, and wrapping them for that takes the same bookkeeping as this file.

export class ComputeQueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many reachability computations are running or waiting; retry in ${retryAfterSeconds} s`);
    this.name = 'ComputeQueueFullError';
  }
}

export interface ComputeLimiterStats {
  running: number;
  queued: number;
  /** Works refused because the queue was full, since the process started. */
  rejected: number;
  /** Works started, since the process started. */
  started: number;
  /** Calls that joined work already running or waiting, since the process started. */
  joined: number;
}

/** Retry-After never says less than this, nor more than MAX_RETRY_AFTER_S. */
const MIN_RETRY_AFTER_S = 1;
const MAX_RETRY_AFTER_S = 60;
/** Until a computation has been timed, the guess for one (a mid-size cluster). */
const FIRST_GUESS_MS = 1_000;

export class ComputeLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private rejected = 0;
  private started = 0;
  private joined = 0;
  /** Moving average of how long a computation takes, for Retry-After. */
  private averageMs: number | null = null;

  constructor(readonly concurrency: number, readonly queueSize: number) {
    if (!(concurrency >= 1)) throw new RangeError('concurrency must be at least 1');
    if (!(queueSize >= 0)) throw new RangeError('queueSize must be at least 0');
  }

  stats(): ComputeLimiterStats {
    return { running: this.running, queued: this.waiting.length, rejected: this.rejected, started: this.started, joined: this.joined };
  }

  /** True when `key` is running or waiting (a request for it would join, not queue). */
  has(key: string): boolean {
    return this.inFlight.has(key);
  }

  /**
   * Runs `work` when a slot is free; a second call with the same key while the first is running or
   * waiting gets the first one's promise. Rejects with ComputeQueueFullError, at once, when every
   * slot is busy and the queue is full.
   */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const joined = this.inFlight.get(key);
    if (joined) {
      this.joined++;
      return joined as Promise<T>;
    }
    if (this.running >= this.concurrency && this.waiting.length >= this.queueSize) {
      this.rejected++;
      return Promise.reject(new ComputeQueueFullError(this.retryAfterSeconds()));
    }
    const result = new Promise<T>((resolve, reject) => {
      const start = () => {
        this.running++;
        this.started++;
        const t0 = performance.now();
        // `work` may throw before returning a promise: that is a rejection too. The slot is free
        // before the callers hear the outcome, so one that asks again at once finds it free.
        const done = () => {
          this.observe(performance.now() - t0);
          this.running--;
          this.inFlight.delete(key);
          this.waiting.shift()?.();
        };
        Promise.resolve()
          .then(work)
          .then(
            (value) => (done(), resolve(value)),
            (err: unknown) => (done(), reject(err)),
          );
      };
      if (this.running < this.concurrency) start();
      else this.waiting.push(start);
    });
    this.inFlight.set(key, result);
    return result;
  }

  /** Roughly when a slot frees up for a newcomer: the work ahead of it spread over the slots. */
  private retryAfterSeconds(): number {
    const each = this.averageMs ?? FIRST_GUESS_MS;
    const ahead = this.running + this.waiting.length;
    const seconds = Math.ceil((each * ahead) / this.concurrency / 1000);
    return Math.min(MAX_RETRY_AFTER_S, Math.max(MIN_RETRY_AFTER_S, seconds));
  }

  private observe(ms: number): void {
    this.averageMs = this.averageMs === null ? ms : 0.8 * this.averageMs + 0.2 * ms;
  }
}
