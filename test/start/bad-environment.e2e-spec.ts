// `npm start` and the API process in a bad environment, as a new user meets it: a port another
// program holds gives one line naming the port and the variable that moves it, and nothing is left
// running (npm start checks its ports before building or starting anything; the API that cannot
// listen closes what it opened and exits 1).
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../apps/api/test/database';

const root = resolve(__dirname, '../..');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(args: string[], env: Record<string, string>): Promise<Ran> {
  const t0 = Date.now();
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, timeout: 90_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

const listen = () =>
  new Promise<{ server: Server; port: number }>((done) => {
    const server = createServer();
    server.listen(0, () => done({ server, port: (server.address() as { port: number }).port }));
  });

describe('a busy port', () => {
  const held: Server[] = [];
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    for (const s of held) s.close();
    await db?.drop();
  });

  it('stops npm start at once with one line naming the web port and PORT', async () => {
    const { server, port } = await listen();
    held.push(server);
    const free = await listen();
    free.server.close();
    const r = await run([join(root, 'scripts/start.cjs')], { PORT: String(port), API_PORT: String(free.port), DATABASE_URL: db.url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`[kordon] port ${port} (PORT, the web app) is already in use by another program, perhaps another Kordon: stop it, or set PORT to a free port`);
    // Before building the web app or starting the API.
    expect(r.stdout).not.toContain('building the web app');
    expect(r.ms).toBeLessThan(10_000);
  });

  it('makes the API exit 1 with the port and API_PORT named, not a stack trace', async () => {
    const { server, port } = await listen();
    held.push(server);
    const r = await run(['-r', '@swc-node/register', join(root, 'apps/api/src/main.ts')], {
      API_PORT: String(port), API_HOST: '0.0.0.0', DATABASE_URL: db.url, KORDON_DEMO: 'off', KORDON_SCHEDULER: 'off', LOG_LEVEL: 'silent',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`Kordon API failed to start: port ${port} on 0.0.0.0 (API_PORT) is already in use by another program, perhaps another Kordon: stop it, or set API_PORT to a free port`);
    expect(r.stderr).not.toMatch(/TypeError|at .*\.ts:\d+/);
  }, 90_000);
});
