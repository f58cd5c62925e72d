// Log fields carried through async work that no HTTP request wraps (a snapshot job run by a
// worker): every line logged inside `runWithLogFields` — through Nest's Logger, which nestjs-pino
// backs — carries the fields, e.g. the job id and the id of the request that queued the job.
// It uses nestjs-pino's own per-request store, bound to the root logger: a worker's fetch loop
// may have been woken inside some request's async context, whose bindings must not leak in.
import type { Logger as Pino } from 'pino';
import { PinoLogger } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';

export type LogFields = Record<string, string | number | undefined>;

function defined(fields: LogFields): Record<string, string | number> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Record<string, string | number>;
}

/** Runs `fn` with the root logger bound to `fields` (outside a running app, just runs it). */
export function runWithLogFields<T>(fields: LogFields, fn: () => T): T {
  const parent = PinoLogger.root as Pino | undefined;
  if (!parent) return fn();
  return storage.run(new Store(parent.child(defined(fields))), fn);
}

/** Adds fields to the lines logged from here on in the current `runWithLogFields` (or request). */
export function addLogFields(fields: LogFields): void {
  const store = storage.getStore();
  if (store) store.logger = store.logger.child(defined(fields));
}
