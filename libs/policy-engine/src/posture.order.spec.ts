// Posture lists pods by namespace, then name, as a stable sort on (namespace, name) would: it
// sorts the namespaces once and each namespace's pods among themselves. Checked against that
// stable sort on shuffled pods, with same-named pods (kept in input order) and finished ones.
import { describe, expect, it } from 'vitest';
import type { PodInfo } from './model';
import { analyzePosture } from './posture';
import { randomCluster } from './testing/random-cluster';

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

describe('posture pod order', () => {
  for (const seed of [21, 22, 23, 24]) {
    it(`seed ${seed}`, () => {
      const state = randomCluster(seed, 25);
      let x = seed;
      const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
      const pods: PodInfo[] = [...state.pods];
      // Same namespace and name twice, told apart by their workload.
      for (const p of state.pods.slice(0, 10)) pods.push({ ...p, workload: { kind: 'Pod', name: `twin-of-${p.name}` } });
      for (let i = pods.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [pods[i], pods[j]] = [pods[j], pods[i]];
      }
      const posture = analyzePosture({ ...state, pods, workloads: undefined });
      const expected = pods
        .filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed')
        .map((p) => ({ namespace: p.namespace, name: p.name, workload: p.workload?.name ?? p.name }))
        .sort((a, b) => byString(a.namespace, b.namespace) || byString(a.name, b.name));
      expect(posture.pods.map((p) => ({ namespace: p.namespace, name: p.name, workload: p.workload.name }))).toEqual(expected);
    });
  }
});
