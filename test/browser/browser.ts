// Helpers for browser tests of the web app: a headless Debian Chromium driven by playwright-core,
// and the production build of apps/web served by `next start` against a given API.
//
//   const web = await startWeb({ apiUrl: 'http://127.0.0.1:4010' }); // builds apps/web if stale
//   const browser = await launchBrowser();
//   const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
//   await page.goto(web.url);
//   await screenshot(page, 'fleet');                                  // artifacts/screenshots/fleet.png
//   await browser.close();
//   await web.stop();
//
// `npx playwright install` cannot work on these machines (no network), so the browser is always
// the system one at /usr/bin/chromium (`apt-get install -y chromium`).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags from /work/shared/stack-notes.md: without the background-networking ones Chromium keeps
 * calling home, which floods a closed network and slows every test.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

function findRepoRoot(from: string): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'nx.json')) && existsSync(join(dir, 'apps/web'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Kordon repository root not found above ${from}`);
    dir = parent;
  }
}

export const REPO_ROOT = findRepoRoot(typeof __dirname === 'string' ? __dirname : process.cwd());
/** Where screenshots go: artifacts/screenshots/ (git-ignored), or KORDON_SCREENSHOT_DIR when set. */
export const SCREENSHOT_DIR = process.env.KORDON_SCREENSHOT_DIR || join(REPO_ROOT, 'artifacts/screenshots');

const WEB_DIR = join(REPO_ROOT, 'apps/web');
const BUILD_ID = join(WEB_DIR, '.next/BUILD_ID');
const NEXT_BIN = join(REPO_ROOT, 'node_modules/next/dist/bin/next');
/** Inputs of the web build besides apps/web itself. */
const EXTRA_BUILD_INPUTS = [join(REPO_ROOT, 'libs/contracts/src'), join(REPO_ROOT, 'tsconfig.base.json')];
const BUILD_LOCK = join(tmpdir(), `kordon-web-build-${Buffer.from(REPO_ROOT).toString('hex').slice(-24)}.lock`);

/**
 * Headless Chromium with the stack-notes flags. Playwright's `launch()` gives every browser a fresh
 * temporary `--user-data-dir` and deletes it on close (it refuses an explicit one outside
 * `launchPersistentContext`), so no state leaks between tests. Close it with `browser.close()`.
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium`);
  }
  return chromium.launch({
    headless: true,
    timeout: 60_000,
    ...options,
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_FLAGS, ...(options.args ?? [])],
  });
}

/** Full-page PNG under SCREENSHOT_DIR; returns the file's path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    // Build output and files the build itself rewrites do not make the build stale.
    if (entry === '.next' || entry === 'node_modules' || entry === 'next-env.d.ts' || entry.endsWith('.tsbuildinfo')) {
      continue;
    }
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** True when apps/web has no production build or a source changed after it. */
export function webBuildIsStale(): boolean {
  if (!existsSync(BUILD_ID)) return true;
  const built = statSync(BUILD_ID).mtimeMs;
  return [WEB_DIR, ...EXTRA_BUILD_INPUTS].some((input) => newestMtime(input) > built);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Runs `next build apps/web` when the build is missing or stale. Test files running in parallel
 * share one build: a lock directory in the temp dir makes the others wait, then re-check.
 */
export async function ensureWebBuild(): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  while (webBuildIsStale()) {
    try {
      mkdirSync(BUILD_LOCK);
    } catch {
      // Someone else is building. A lock older than the deadline is a crashed build: take it over.
      const lock = statSync(BUILD_LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 10 * 60_000) {
        rmSync(BUILD_LOCK, { recursive: true, force: true });
      }
      if (Date.now() > deadline) throw new Error('Timed out waiting for another apps/web build');
      await sleep(500);
      continue;
    }
    try {
      if (!webBuildIsStale()) return;
      await runNextBuild();
      return;
    } finally {
      rmSync(BUILD_LOCK, { recursive: true, force: true });
    }
  }
}

/** Async, so a test worker keeps answering its runner while the build runs. */
function runNextBuild(): Promise<void> {
  return new Promise((resolveBuild, reject) => {
    const child = spawn(process.execPath, [NEXT_BIN, 'build', 'apps/web'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10 * 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveBuild();
      else reject(new Error(`next build apps/web failed (exit ${code ?? signal}):\n${tail(output, 60)}`));
    });
  });
}

function tail(text: string | null | undefined, lines = 40): string {
  return (text ?? '').trim().split('\n').slice(-lines).join('\n');
}

export interface StartWebOptions {
  /** Port for `next start`; a free one when omitted. */
  port?: number;
  /** Base URL of the Kordon API (without /api), e.g. http://127.0.0.1:3001. */
  apiUrl: string;
  /** Extra environment for the web server. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the server to answer, default 60 s. */
  timeoutMs?: number;
  /** Options for node itself, e.g. `--cpu-prof` (which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

export interface WebServer {
  /** e.g. http://127.0.0.1:3000, no trailing slash. */
  url: string;
  port: number;
  /** The server's stdout+stderr so far: attach it to a failing test. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Builds apps/web if needed, then serves it with `next start apps/web` in a child process whose
 * KORDON_API_URL (and API_PORT) point at `apiUrl`. Resolves once the server answers HTTP.
 */
export async function startWeb(options: StartWebOptions): Promise<WebServer> {
  await ensureWebBuild();
  const port = options.port ?? (await freePort());
  const api = new URL(options.apiUrl);
  const apiPort = api.port || (api.protocol === 'https:' ? '443' : '80');

  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), NEXT_BIN, 'start', 'apps/web', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      KORDON_API_URL: options.apiUrl.replace(/\/+$/, ''),
      API_PORT: apiPort,
      ...options.env,
    },
    // Own process group, so stop() also ends anything next spawns.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child, exited);
  try {
    await waitUntilAnswering(url, child, options.timeoutMs ?? 60_000, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, output: () => output, stop };
}

async function waitUntilAnswering(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`next start exited (${child.exitCode ?? child.signalCode}) before answering:\n${tail(output())}`);
    }
    try {
      // Any HTTP answer means the server is up; this path touches neither pages nor the API.
      await fetch(`${url}/__kordon_ready`, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`next start did not answer on ${url} within ${timeoutMs} ms:\n${tail(output())}`);
      await sleep(200);
    }
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(5_000).then(() => true)]);
  if (timedOut) {
    signalGroup('SIGKILL');
    await exited;
  }
}
