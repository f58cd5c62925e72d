// canonicalJson feeds every content hash and snapshot digest: its faster form must give exactly
// the text of the original (hashes of stored content and the digest chain depend on it).
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './snapshot-content';
import { canonicalPostureRows, snapshotDigest, type DigestInput, type DigestPostureRow } from './snapshot-digest';

/** The original implementation, kept as the reference. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function value(rnd: () => number, depth: number): unknown {
  const keys = ['a', 'B', 'b', 'é', 'Z', '10', '2', '', 'app.kubernetes.io/name', '\u{1F600}', 'ä', 'a"b', 'x\ny'];
  const r = rnd();
  if (depth > 3 || r < 0.35) {
    const leaves = [null, undefined, true, false, 0, -1.5, 1e21, 0.1 + 0.2, 'text', '', 'ü\u2028"\\', NaN, Infinity];
    return leaves[Math.floor(rnd() * leaves.length)];
  }
  if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 6); i > 0; i--) o[keys[Math.floor(rnd() * keys.length)]!] = value(rnd, depth + 1);
  return o;
}

describe('canonicalJson', () => {
  it('gives byte-for-byte the text of the reference implementation on 5,000 random values', () => {
    const rnd = random(7);
    for (let i = 0; i < 5000; i++) {
      const v = value(rnd, 0);
      expect(canonicalJson(v)).toBe(reference(v));
    }
  });

  it('sorts keys by UTF-16 code units, drops undefined members and writes undefined array items as null', () => {
    expect(canonicalJson({ b: 1, a: undefined, B: [undefined, 2], '\u{1F600}': 'x', '\uFFFF': 'y' })).toBe('{"B":[null,2],"b":1,"\u{1F600}":"x","\uFFFF":"y"}');
    expect(canonicalJson(new Date(0))).toBe(reference(new Date(0)));
  });
});

describe('a digest over posture rows kept as canonical text', () => {
  const row = (namespace: string, i: number): DigestPostureRow => ({
    namespace, excluded: false, pods: i, workloads: 1, ingressIsolatedPods: i, egressIsolatedPods: 0, ingressIsolatedWorkloads: 1, egressIsolatedWorkloads: 0,
    defaultDenyIngress: i % 2 === 0, defaultDenyEgress: false, effectivelyIsolatedIngress: true, effectivelyIsolatedEgress: false, policies: 2, detail: { gaps: [{ z: 1, a: 'é' }] },
  });
  const input = (namespacePostures: DigestInput['namespacePostures']): DigestInput => ({
    clusterId: 'c', id: 's', startedAt: new Date(0), finishedAt: new Date(1000), kubernetesVersion: '1.31', networkProfile: { networkPlugin: 'azure' }, policyEngine: 'azure',
    nodePools: null, services: null, counts: { pods: 3 }, problems: [], posture: { a: 1 }, policySetHash: 'p', workloadSetHash: 'w', namespaceSetHash: 'n', findingSetHash: 'f',
    namespacePostures, prevDigest: null,
  });

  it('equals the digest over the rows themselves, in any order', () => {
    const rows = [row('b', 1), row('a', 2), row('c', 3)];
    expect(snapshotDigest(input(canonicalPostureRows([...rows].reverse())))).toBe(snapshotDigest(input(rows)));
    expect(snapshotDigest(input(canonicalPostureRows(rows.slice(1))))).not.toBe(snapshotDigest(input(rows)));
  });
});
