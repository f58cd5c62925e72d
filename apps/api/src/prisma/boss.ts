// One way to start pg-boss for the snapshot and alert-delivery queues. pg-boss creates a queue
// as a partition of its job table: two processes creating queues at once (replicas starting
// together on a new database) wait on each other's locks on the job and queue tables, and
// PostgreSQL kills one with "deadlock detected", which failed a replica's start. Queue
// creation therefore runs under a session advisory lock, and only for queues not there yet.
import type { Logger } from '@nestjs/common';
import PgBoss from 'pg-boss';
import { LOCK_KEYS, withAdvisoryLock } from './advisory-lock';

export async function startBoss(opts: { databaseUrl: string; max: number; applicationName: string; logger: Logger; queues: PgBoss.Queue[] }): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: opts.databaseUrl, schema: 'pgboss', schedule: false, max: opts.max, application_name: opts.applicationName });
  boss.on('error', (err: Error) => opts.logger.error({ err: { message: err.message } }, 'pg-boss error'));
  await boss.start();
  const missing = async () => (await Promise.all(opts.queues.map(async (q) => ((await boss.getQueue(q.name)) ? null : q)))).filter((q): q is PgBoss.Queue => !!q);
  if ((await missing()).length) {
    await withAdvisoryLock(opts.databaseUrl, LOCK_KEYS.queueSetup, async () => {
      for (const q of await missing()) await boss.createQueue(q.name, q);
    });
  }
  return boss;
}
