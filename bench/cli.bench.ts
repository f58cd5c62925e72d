// CLI start benchmark: wall time of whole processes, as a CI gate runs them. `node -e 0` (Node's
// own start), `kordon --version` and `kordon analyze` of the largest demo cluster folder, through
// bin/kordon.cjs on the compiled CLI (built first when stale), and the same two on the TypeScript
// sources (swc-node, KORDON_CLI_SOURCE=1) for comparison. Median of N runs after one warm-up
// (file cache), printed in seconds and as a ratio to `node -e 0`.
// Targets: `kordon --version` ≤ 0.5 s, a demo-folder analysis ≤ 1 s.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin/kordon.cjs');
const demo = path.join(root, 'demo/clusters/aks-prod-weu');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Median wall seconds of `runs` runs of `node <args>` after one warm-up; throws on a failure. */
function time(args: string[], runs: number, env: Record<string, string> = {}): number {
  const once = () => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
    const s = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return s;
  };
  once();
  return median(Array.from({ length: runs }, once));
}

export async function runCliBench(): Promise<void> {
  const runs = Number(process.env.BENCH_CLI_RUNS ?? 9);
  console.log(`\n== cli: process wall time, median of ${runs} runs after a warm-up (targets: --version ≤ 0.5 s, demo analysis ≤ 1 s)`);
  const build = require(path.join(root, 'scripts/build.cjs')) as { build(): Promise<{ ms: number }>; isFresh(): boolean };
  if (!build.isFresh()) {
    const b = await build.build();
    console.log(`built dist/ first (${(b.ms / 1000).toFixed(1)} s)`);
  }
  const base = time(['-e', '0'], runs);
  const rows: Array<[string, number]> = [
    ['node -e 0', base],
    ['kordon --version (compiled)', time([bin, '--version'], runs)],
    [`kordon analyze demo/clusters/${path.basename(demo)} (compiled)`, time([bin, 'analyze', demo], runs)],
  ];
  const sourceRuns = Math.max(1, Math.min(3, runs));
  rows.push(['kordon --version (sources, swc-node)', time([bin, '--version'], sourceRuns, { KORDON_CLI_SOURCE: '1' })]);
  rows.push([`kordon analyze demo/clusters/${path.basename(demo)} (sources, swc-node)`, time([bin, 'analyze', demo], sourceRuns, { KORDON_CLI_SOURCE: '1' })]);
  for (const [name, s] of rows) console.log(`${name.padEnd(62)} ${s.toFixed(3)} s  ${(s / base).toFixed(2)} × node -e 0`);
}
