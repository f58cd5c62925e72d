// The real bin as a child process, started in parallel (each start costs ~1 s of swc-node):
// it must run from any directory, print JSON a pipeline can parse, and exit 0/1/2.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const bin = path.join(root, 'bin/kordon.cjs');
const fx = (p: string) => path.join(root, 'apps/cli/fixtures', p);

interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
}

function spawnKordon(args: string[]): Promise<Spawned> {
  return new Promise((resolve) => {
    // Run outside the repository: the bin must find its tsconfig and sources by itself.
    execFile(process.execPath, [bin, ...args], { cwd: tmpdir(), maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const runs: Record<string, Spawned> = {};
const cases: Record<string, string[]> = {
  json: ['analyze', fx('shop'), '--json'],
  text: ['analyze', fx('state.json')],
  gate: ['analyze', fx('shop'), '--fail-under', '60', '--direction', 'egress'],
  broken: ['analyze', fx('invalid/broken.yaml')],
  version: ['--version'],
};

beforeAll(async () => {
  const results = await Promise.all(Object.entries(cases).map(async ([k, args]) => [k, await spawnKordon(args)] as const));
  for (const [k, r] of results) runs[k] = r;
}, 60_000);

describe('bin/kordon.cjs', () => {
  it('prints parseable JSON and exits 0', () => {
    expect(runs.json.code, runs.json.stderr).toBe(0);
    const report = JSON.parse(runs.json.stdout);
    expect(report.cluster.name).toBe('aks-shop-weu');
    expect(report.workloads).toContainEqual({ namespace: 'shop', name: 'web', kind: 'Deployment', isolated: { ingress: true, egress: true } });
    expect(report).not.toHaveProperty('connections');
  });

  it('prints the text report', () => {
    expect(runs.text.code, runs.text.stderr).toBe(0);
    expect(runs.text.stdout).toContain('Engine:      azure; policies ENFORCED');
    expect(runs.text.stdout).toMatch(/^team-a +3 +2 +3\/3 100% +yes +yes +0\/3 0% +no +no$/m);
  });

  it('exits 1 below --fail-under and says which direction', () => {
    expect(runs.gate.code).toBe(1);
    expect(runs.gate.stderr).toContain('FAIL egress pod coverage 57.1% (4 of 7 pods isolated) is below --fail-under 60%');
  });

  it('exits 2 on broken YAML with the file and line, without a stack trace', () => {
    expect(runs.broken.code).toBe(2);
    expect(runs.broken.stderr).toMatch(/kordon: error: invalid input in .*broken\.yaml/);
    expect(runs.broken.stderr).toMatch(/broken\.yaml at line 13/);
    expect(runs.broken.stderr).not.toMatch(/^\s+at /m);
  });

  it('prints the package version', () => {
    expect(runs.version.code).toBe(0);
    expect(runs.version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
