// Runs `fn` while holding a PostgreSQL session advisory lock on its own connection, so work that
// every replica attempts at start (demo seeding) happens once: the others wait, then find it done.
import { Client } from 'pg';

export const LOCK_KEYS = {
  demoSeed: 72707370,
  /** Held by one replica while it applies retention. */
  retention: 72707371,
  /** Transaction-level: snapshot writers take it shared, retention's content collection exclusive. */
  content: 72707372,
  /** Held while a process creates its pg-boss queues (concurrent creation deadlocks). */
  queueSetup: 72707373,
} as const;

export async function withAdvisoryLock<T>(databaseUrl: string, key: number, fn: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  // A connection lost mid-work shows as the failing query's error; unheard, the 'error' event
  // would crash the process (seen when the embedded server stopped during demo seeding).
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [key]);
    return await fn();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Runs `fn` only if the lock is free (another replica holding it: returns null at once). */
export async function withTryAdvisoryLock<T>(databaseUrl: string, key: number, fn: () => Promise<T>): Promise<T | null> {
  const client = new Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
    if (!r.rows[0]?.ok) return null;
    try {
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
