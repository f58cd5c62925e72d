#!/usr/bin/env node
// `npm start`: runs the whole product on one machine. Compiles the API and the CLI to dist/
// (scripts/build.cjs) and builds the web app when a build is missing or older than its sources,
// starts the compiled API (which starts an embedded PostgreSQL when
// DATABASE_URL is unset and seeds the demo fleet), waits for it, then starts the web app that
// serves the pages and proxies /api/* to the API, so one URL works. Every page reads the API
// with the signed-in user's own credential. So that a newcomer can get in, an admin token is
// generated once into $KORDON_DATA_DIR/admin-token when KORDON_ADMIN_TOKEN is unset, and the
// console and (on the embedded default) the sign-in page say where it is; the token itself is
// never printed. The web app's session secret is generated into $KORDON_DATA_DIR/session-secret,
// so sessions survive a restart.
const { spawn, spawnSync } = require('node:child_process');
const { createServer } = require('node:net');
const { randomBytes } = require('node:crypto');
const { existsSync, statSync, readdirSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { isAbsolute, join, relative, resolve } = require('node:path');

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

const dataDir = resolve(root, process.env.KORDON_DATA_DIR || '.kordon');

/** `file` under the data folder, else a new value from `make()` saved there (mode 0600). */
function savedSecret(name, make, what) {
  const file = join(dataDir, name);
  if (existsSync(file)) {
    const saved = readFileSync(file, 'utf8').trim();
    if (saved.length >= 24) return { value: saved, file };
  }
  const value = make();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  console.log(`[kordon] generated ${what} into ${shown(file)}`);
  return { value, file };
}

/** A path as short as it can be said from where npm start runs. */
function shown(file) {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** KORDON_ADMIN_TOKEN, else the one in $KORDON_DATA_DIR/admin-token, else a new one saved there. */
function adminToken() {
  const set = process.env.KORDON_ADMIN_TOKEN?.trim();
  if (set) return { value: set, file: null };
  return savedSecret('admin-token', () => `kdn_admin_${randomBytes(32).toString('base64url')}`, 'an admin API token');
}

/** KORDON_SESSION_SECRET, else the one in $KORDON_DATA_DIR/session-secret, else a new one. */
function sessionSecret() {
  const set = process.env.KORDON_SESSION_SECRET?.trim();
  if (set) return set;
  return savedSecret('session-secret', () => randomBytes(32).toString('base64url'), "the web app's session secret").value;
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

/** True when nothing listens on the port (checked on all interfaces, as Next and the API bind). */
function portIsFree(p, host) {
  return new Promise((done) => {
    const srv = createServer();
    srv.once('error', () => done(false));
    srv.listen({ port: Number(p), host, exclusive: true }, () => srv.close(() => done(true)));
  });
}

/** Busy web or API ports are said before anything starts, so nothing is left half running. */
async function checkPorts() {
  const apiHost = process.env.API_HOST || '127.0.0.1';
  const busy = [];
  if (!(await portIsFree(port))) busy.push(`port ${port} (PORT, the web app)`);
  if (!(await portIsFree(apiPort, apiHost))) busy.push(`port ${apiPort} (API_PORT, the API)`);
  if (busy.length) {
    console.error(`[kordon] ${busy.join(' and ')} ${busy.length > 1 ? 'are' : 'is'} already in use by another program, perhaps another Kordon: stop it, or set ${busy.map((b) => b.match(/\((\w+)/)[1]).join(' and ')} to a free port`);
    process.exit(1);
  }
}

async function main() {
  await checkPorts();
  const build = require('./build.cjs');
  if (!build.isFresh()) {
    console.log('[kordon] compiling the API and the CLI (first start or changed sources)…');
    const r = spawnSync(process.execPath, [join(__dirname, 'build.cjs')], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  if (!webBuildIsCurrent()) {
    console.log('[kordon] building the web app (first start or changed sources)…');
    const r = spawnSync(process.execPath, [require.resolve('next/dist/bin/next'), 'build', webDir], {
      cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
  const admin = adminToken();
  const KORDON_SESSION_SECRET = sessionSecret();
  const signInUrl = `http://localhost:${port}/sign-in`;
  const howToSignIn = admin.file
    ? `sign in at ${signInUrl} with the admin token in ${shown(admin.file)}`
    : `sign in at ${signInUrl} with the token in KORDON_ADMIN_TOKEN`;
  // The sign-in page repeats it on the embedded default (no DATABASE_URL, demo not switched off),
  // never on a deployment with its own database.
  const demo = !process.env.DATABASE_URL && !['off', 'false', '0'].includes(process.env.KORDON_DEMO ?? '');
  const webEnv = { KORDON_SESSION_SECRET };
  if (demo && admin.file && !process.env.KORDON_SIGN_IN_HINT) {
    webEnv.KORDON_SIGN_IN_HINT = `Paste the admin token that npm start generated into ${shown(admin.file)} (for example: cat ${shown(admin.file)}), then create a token per person under Administration.`;
  }
  const api = spawn(process.execPath, ['--enable-source-maps', join(build.distDir, 'api/src/main.js')], {
    cwd: root, stdio: 'inherit', env: { ...process.env, API_PORT: apiPort, KORDON_ADMIN_TOKEN: admin.value },
  });
  children.push(api);
  api.on('exit', (code) => { console.error(`[kordon] API exited (${code})`); stopAll(code ?? 1); });
  await waitFor(`http://127.0.0.1:${apiPort}/api/health`, api, 180);
  const web = spawn(process.execPath, [require.resolve('next/dist/bin/next'), 'start', webDir, '-p', port], {
    cwd: root, stdio: 'inherit', env: { ...process.env, ...webEnv, API_PORT: apiPort, NEXT_TELEMETRY_DISABLED: '1' },
  });
  children.push(web);
  web.on('exit', (code) => { console.error(`[kordon] web exited (${code})`); stopAll(code ?? 1); });
  await waitFor(`http://127.0.0.1:${port}/api/health`, web, 120, 'the web app');
  console.log(`[kordon] ready: http://localhost:${port}  (API docs: http://localhost:${port}/api/docs)`);
  console.log(`[kordon] ${howToSignIn}`);
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
main().catch((err) => {
  console.error(`[kordon] ${err.message}`);
  stopAll(1);
});
