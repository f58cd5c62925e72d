#!/usr/bin/env node
// `npm start`: runs the whole product on one machine. Builds the web app when its build is
// missing or older than its sources, starts the API (which starts an embedded PostgreSQL when
// DATABASE_URL is unset and seeds the demo fleet), waits for it, then starts the web app that
// serves the pages and proxies /api/* to the API, so one URL works. The web app reads the API
// with its own token (KORDON_WEB_TOKEN, role auditor), generated once into the data folder when
// unset and given to both processes.
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, statSync, readdirSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const webDir = join(root, 'apps/web');
const port = process.env.PORT || '3000';
const apiPort = process.env.API_PORT || '3001';
const children = [];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.next' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function webBuildIsCurrent() {
  const id = join(webDir, '.next/BUILD_ID');
  if (!existsSync(id)) return false;
  const built = statSync(id).mtimeMs;
  return built > Math.max(newestMtime(webDir), newestMtime(join(root, 'libs/contracts')));
}

/** KORDON_WEB_TOKEN, else the one in $KORDON_DATA_DIR/web-token, else a new one saved there. */
function webToken() {
  const set = process.env.KORDON_WEB_TOKEN?.trim();
  if (set) return set;
  const dataDir = resolve(root, process.env.KORDON_DATA_DIR || '.kordon');
  const file = join(dataDir, 'web-token');
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved.length >= 24) return saved;
  }
  const token = `kdn_web_${randomBytes(32).toString('base64url')}`;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  console.log(`[kordon] generated the web app's API token into ${file}`);
  return token;
}

let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  // Wait for each to finish its own shutdown (the API drains requests and stops its database).
  let left = running.length;
  if (left === 0) process.exit(code);
  for (const c of running) {
    c.once('exit', () => {
      if (--left === 0) process.exit(code);
    });
    c.kill('SIGTERM');
  }
  setTimeout(() => process.exit(code), 20_000).unref();
}

async function waitFor(url, child, seconds, name = 'the API') {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

async function main() {
  if (!webBuildIsCurrent()) {
    console.log('[kordon] building the web app (first start or changed sources)…');
    const r = spawnSync(process.execPath, [require.resolve('next/dist/bin/next'), 'build', webDir], {
      cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const KORDON_WEB_TOKEN = webToken();
  const api = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/api/src/main.ts'], {
    cwd: root, stdio: 'inherit', env: { ...process.env, API_PORT: apiPort, KORDON_WEB_TOKEN },
  });
  children.push(api);
  api.on('exit', (code) => { console.error(`[kordon] API exited (${code})`); stopAll(code ?? 1); });
  await waitFor(`http://127.0.0.1:${apiPort}/api/health`, api, 180);
  const web = spawn(process.execPath, [require.resolve('next/dist/bin/next'), 'start', webDir, '-p', port], {
    cwd: root, stdio: 'inherit', env: { ...process.env, API_PORT: apiPort, KORDON_WEB_TOKEN, NEXT_TELEMETRY_DISABLED: '1' },
  });
  children.push(web);
  web.on('exit', (code) => { console.error(`[kordon] web exited (${code})`); stopAll(code ?? 1); });
  await waitFor(`http://127.0.0.1:${port}/api/health`, web, 120, 'the web app');
  console.log(`[kordon] ready: http://localhost:${port}  (API docs: http://localhost:${port}/api/docs)`);
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
main().catch((err) => {
  console.error(`[kordon] ${err.message}`);
  stopAll(1);
});
