// A bad environment for the embedded PostgreSQL gets one clear line, or is worked around: a busy
// default port is replaced by a free one (a chosen port is refused by name), a data folder in use
// by a running server, made by another PostgreSQL version or on a full disk is refused before
// anything starts, and a server that exits early says why instead of rejecting with nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDataDir, EmbeddedDatabaseError, portIsFree, postgresReason, resolveDatabaseServer } from './database-server';

const listen = (port = 0) =>
  new Promise<{ server: Server; port: number }>((done) => {
    const server = createServer();
    server.listen(port, '127.0.0.1', () => done({ server, port: (server.address() as { port: number }).port }));
  });

describe('the embedded PostgreSQL in a bad environment', () => {
  const root = mkdtempSync(join(tmpdir(), 'kordon-embedded-'));
  // As root, the embedded server runs as a `postgres` user, which must reach the folder.
  chmodSync(root, 0o755);
  const servers: Server[] = [];
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
    for (const c of children) c.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses a data folder a running server holds, naming its PID and what to do', () => {
    const dir = join(root, 'held');
    mkdirSync(dir);
    // A live process whose command line says postgres (what a running server's PID shows).
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'postgres'], { stdio: 'ignore' });
    children.push(holder);
    writeFileSync(join(dir, 'postmaster.pid'), `${holder.pid}\n${dir}\n1700000000\n54329\n`);
    expect(() => checkDataDir(dir)).toThrow(EmbeddedDatabaseError);
    expect(() => checkDataDir(dir)).toThrow(new RegExp(`in use by another running server \\(PID ${holder.pid}.*KORDON_DATA_DIR`));
  });

  it('lets a stale postmaster.pid of a crashed run pass (its PID is gone or is not postgres)', () => {
    const dir = join(root, 'stale');
    mkdirSync(dir);
    writeFileSync(join(dir, 'postmaster.pid'), `${process.ppid}\n${dir}\n`);
    expect(() => checkDataDir(dir)).not.toThrow();
    writeFileSync(join(dir, 'postmaster.pid'), `999999999\n${dir}\n`);
    expect(() => checkDataDir(dir)).not.toThrow();
  });

  it('refuses a folder made by another PostgreSQL version, and a disk without room', () => {
    const dir = join(root, 'old');
    mkdirSync(dir);
    writeFileSync(join(dir, 'PG_VERSION'), '9\n');
    expect(() => checkDataDir(dir)).toThrow(/made by PostgreSQL 9 and the embedded server is PostgreSQL \d+: move the folder away/);
    const empty = join(root, 'empty');
    expect(() => checkDataDir(empty, Number.MAX_SAFE_INTEGER)).toThrow(/MB free on the disk holding .*needs at least .* MB: free some space, or set KORDON_DATA_DIR/);
  });

  it("picks the server's own last words over its chatter", () => {
    const out = ['2026-12-07 LOG:  starting PostgreSQL 18\n', '2026-12-07 LOG:  could not bind IPv4 address "127.0.0.1": Address already in use\n2026-12-07 FATAL:  could not create any TCP/IP sockets\n'];
    expect(postgresReason(out)).toBe('FATAL: could not create any TCP/IP sockets');
    expect(postgresReason([])).toBeNull();
  });

  it('refuses a chosen port that is busy, by name', async () => {
    const { server, port } = await listen();
    servers.push(server);
    await expect(resolveDatabaseServer({ dataDir: join(root, 'chosen'), port, portChosen: true, log: () => undefined })).rejects.toThrow(
      new RegExp(`port ${port} \\(KORDON_EMBEDDED_PG_PORT\\) is already in use by another program`),
    );
  });

  it('starts on a free port when the default one is busy, and says so', async () => {
    const { server, port } = await listen();
    servers.push(server);
    const lines: string[] = [];
    const db = await resolveDatabaseServer({ dataDir: join(root, 'moved'), port, log: (m) => lines.push(m) });
    try {
      expect(lines.some((l) => l.includes(`port ${port} is in use by another program; the embedded PostgreSQL listens on`))).toBe(true);
      const used = Number(new URL(db.url).port);
      expect(used).not.toBe(port);
      expect(await portIsFree(used)).toBe(false);
      const c = new Client({ connectionString: db.url });
      await c.connect();
      expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      await c.end();
    } finally {
      await db.stop();
    }
  }, 120_000);
});
