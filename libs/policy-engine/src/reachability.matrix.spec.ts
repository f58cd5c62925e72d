// The namespace matrix is computed from baselines per namespace group plus the class pairs some
// specific peer relates, merged row by row (see computeMatrix). This checks it against the
// straightforward definition, on seeded synthetic clusters large enough to have many namespace
// groups, shared and per-namespace classes, non-uniform workloads and named ports: per ordered
// namespace pair, the union of `between` over every pair of distinct workloads.
import { describe, expect, it } from 'vitest';
import { ConnectionSet } from './connections';
import type { ClusterState } from './model';
import { analyzeReachability } from './reachability';
import { randomCluster } from './testing/random-cluster';

/** The matrix by its definition: per namespace pair, the union over distinct workload pairs. */
function referenceMatrix(state: ClusterState): Map<string, string> {
  const report = analyzeReachability(state);
  const cells = new Map<string, ConnectionSet>();
  for (const a of report.workloads) {
    for (const b of report.workloads) {
      if (a.id === b.id) continue;
      const v = report.between(a.id, b.id);
      if (v.isEmpty()) continue;
      const key = `${a.namespace} ${b.namespace}`;
      cells.set(key, (cells.get(key) ?? ConnectionSet.none()).union(v));
    }
  }
  return new Map([...cells].map(([k, v]) => [k, v.toString()]));
}

describe('namespace matrix against its definition', () => {
  for (const [seed, nsCount] of [
    [1, 12],
    [2, 30],
    [3, 45],
    [4, 60],
    [5, 25],
    [6, 40],
  ] as const) {
    it(`seed ${seed}, ${nsCount} namespaces`, () => {
      const state = randomCluster(seed, nsCount);
      const matrix = analyzeReachability(state).namespaceMatrix();
      const got = new Map(matrix.cells.map((c) => [`${c.src} ${c.dst}`, c.conn]));
      expect(got).toEqual(referenceMatrix(state));
      // Sorted by src, then dst; namespaces sorted.
      const order = matrix.cells.map((c) => [matrix.namespaces.indexOf(c.src), matrix.namespaces.indexOf(c.dst)]);
      for (let i = 1; i < order.length; i++) expect(order[i - 1][0] * 1e6 + order[i - 1][1]).toBeLessThan(order[i][0] * 1e6 + order[i][1]);
      expect(matrix.namespaces).toEqual([...matrix.namespaces].sort());
      // The compact form is what the cells are read from: connAt answers every ordered pair.
      expect(matrix.size).toBe(matrix.cells.length);
      for (const a of matrix.namespaces) for (const b of matrix.namespaces) expect(matrix.connAt(a, b)).toBe(got.get(`${a} ${b}`) ?? null);
      expect(matrix.connAt('no-such-namespace', matrix.namespaces[0])).toBeNull();
      expect(JSON.parse(JSON.stringify(matrix))).toEqual({ namespaces: matrix.namespaces, excluded: matrix.excluded, cells: matrix.cells });
    });
  }
});
