// The compiled output (scripts/build.cjs → dist/) is what `npm start`, bin/kordon.cjs and the
// images run: built once here, the CLI must answer exactly as the TypeScript sources do, and the
// API must boot from dist/ on a real PostgreSQL, apply its migrations and pass its probes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../apps/api/test/database';

const root = path.resolve(__dirname, '../..');
const bin = path.join(root, 'bin/kordon.cjs');
const demo = path.join(root, 'demo/clusters/aks-prod-weu');
const build = require(path.join(root, 'scripts/build.cjs')) as { build(): Promise<{ files: number; ms: number }>; isFresh(): boolean; distDir: string };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: tmpdir(), env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const ADMIN_TOKEN = `kdn_test_${randomBytes(16).toString('hex')}`;
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

beforeAll(async () => {
  await build.build();
}, 60_000);

describe('the compiled CLI', () => {
  const runs: Record<string, Run> = {};

  beforeAll(async () => {
    const compiledMain = path.join(build.distDir, 'cli/src/main.js');
    const [binVersion, compiledText, compiledJson, sourceText, sourceJson, broken] = await Promise.all([
      run([bin, '--version']),
      run([compiledMain, 'analyze', demo]),
      run([compiledMain, 'analyze', demo, '--json']),
      run([bin, 'analyze', demo], { KORDON_CLI_SOURCE: '1' }),
      run([bin, 'analyze', demo, '--json'], { KORDON_CLI_SOURCE: '1' }),
      run([compiledMain, 'analyze', path.join(root, 'apps/cli/fixtures/invalid/broken.yaml')]),
    ]);
    Object.assign(runs, { binVersion, compiledText, compiledJson, sourceText, sourceJson, broken });
  }, 60_000);

  it('is fresh after the build, and bin/kordon.cjs prints the version from it', () => {
    expect(build.isFresh()).toBe(true);
    expect(runs.binVersion.code, runs.binVersion.stderr).toBe(0);
    expect(runs.binVersion.stdout.trim()).toBe(version);
  });

  it('analyses a demo folder exactly as the sources do (text and JSON)', () => {
    expect(runs.compiledText.code, runs.compiledText.stderr).toBe(0);
    expect(runs.compiledText.stdout).toContain('Cluster:     aks-prod-weu');
    expect(runs.compiledText.stdout).toBe(runs.sourceText.stdout);
    expect(runs.compiledText.stderr).toBe(runs.sourceText.stderr);
    expect(runs.compiledJson.code).toBe(0);
    expect(JSON.parse(runs.compiledJson.stdout)).toEqual(JSON.parse(runs.sourceJson.stdout));
  });

  it('refuses bad input with exit code 2 and a message, not a stack trace', () => {
    expect(runs.broken.code).toBe(2);
    expect(runs.broken.stderr).toMatch(/broken\.yaml/);
    expect(runs.broken.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the compiled API', () => {
  let db: TestDatabase;
  let api: ChildProcess;
  let port: number;
  let output = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    db = await freshDatabase();
    port = await freePort();
    api = spawn(process.execPath, [path.join(build.distDir, 'api/src/main.js')], {
      cwd: tmpdir(),
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        API_PORT: String(port),
        API_HOST: '127.0.0.1',
        KORDON_ADMIN_TOKEN: ADMIN_TOKEN,
        KORDON_DEMO: 'off',
        KORDON_SCHEDULER: 'off',
        KORDON_SECRET_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    api.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    api.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    exited = new Promise((resolve) => api.once('exit', (code) => resolve(code)));
  }, 60_000);

  afterAll(async () => {
    if (api && api.exitCode === null) {
      api.kill('SIGTERM');
      await exited;
    }
    await db?.drop();
  }, 60_000);

  it('boots from dist/ and passes liveness and readiness', async () => {
    await expect
      .poll(
        async () => {
          if (api.exitCode !== null) throw new Error(`the API exited (${api.exitCode}): ${output}`);
          return fetch(`http://127.0.0.1:${port}/api/health/ready`).then((r) => r.status, () => 0);
        },
        { timeout: 45_000, interval: 250 },
      )
      .toBe(200);
    const live = await fetch(`http://127.0.0.1:${port}/api/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    // Nest's decorator metadata survived compilation: validation still refuses bad bodies.
    const refused = await fetch(`http://127.0.0.1:${port}/api/clusters`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ name: 'x', source: 'nope' }),
    });
    expect(refused.status, await refused.clone().text()).toBe(400);
    expect(((await refused.json()) as { message: unknown }).message).toBeTruthy();
  }, 60_000);

  it('stops cleanly on SIGTERM', async () => {
    api.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
