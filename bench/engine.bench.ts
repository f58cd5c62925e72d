// Engine benchmark: synthetic clusters at 1k / 5k / 20k pods with proportional namespaces and
// policies (20k pods, 2,000 namespaces, 5,000 policies at the top), built in memory as the
// Kubernetes collector would (raw objects → normalize → ClusterState), serialized to JSON text.
// Per size: JSON.parse of that text, posture on the parsed state, the namespace matrix (full
// reachability analysis included), and posture / parse. Best of 3 after a warm-up.
// Targets at 20k pods: posture ≤ 3 × parse, namespace matrix ≤ 2 s; the Cilium-heavy cluster's
// matrix (the same policies as CiliumClusterwideNetworkPolicies, then with deny rules) ≤ 1.5× the
// NetworkPolicy-only matrix.
import { performance } from 'node:perf_hooks';
import { deriveWorkloads, normalizeNamespace, normalizeNode, normalizePod, normalizeService } from '@kordon/collectors';
import { generateSyntheticCluster } from '@kordon/collectors/testing';
import { analyzePosture, analyzeReachability, computeFindings, type ClusterState, type NamespaceMatrix, type NetworkPolicy, type PodInfo } from '@kordon/policy-engine';
import { ciliumDenies, ciliumEquivalent } from './cilium-equivalent';

const SIZES = [
  { pods: 1000, namespaces: 100, policies: 250 },
  { pods: 5000, namespaces: 500, policies: 1250 },
  { pods: 20000, namespaces: 2000, policies: 5000 },
];

function buildState(size: (typeof SIZES)[number]): ClusterState {
  const raw = generateSyntheticCluster({ ...size, seed: 42 });
  const pods = raw.pods.map(normalizePod);
  return {
    namespaces: raw.namespaces.map(normalizeNamespace),
    pods,
    networkPolicies: raw.networkPolicies as unknown as NetworkPolicy[],
    workloads: deriveWorkloads(pods),
    services: raw.services.map(normalizeService),
    nodes: raw.nodes.map(normalizeNode),
    networkProfile: { networkPlugin: 'azure', networkPolicy: 'azure' },
  };
}

/** Best of `runs` after one warm-up run (JIT), as a long-running worker would see it. */
function best<T>(fn: () => T, runs = 3): { ms: number; value: T } {
  let value = fn();
  let ms = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return { ms, value };
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

export async function runEngineBench(): Promise<void> {
  console.log('\n== engine: posture and namespace matrix on synthetic clusters (best of 3 after a warm-up)');
  let lastRatio = NaN;
  let lastAnalysis = NaN;
  for (const size of SIZES) {
    const text = JSON.stringify(buildState(size));
    const parse = best(() => JSON.parse(text) as ClusterState);
    const state = parse.value;
    const posture = best(() => analyzePosture(state));
    const matrix = best(() => analyzeReachability(state).namespaceMatrix());
    const findings = best(() => computeFindings(state, posture.value, { now: '2026-11-21T00:00:00Z' }));
    lastRatio = posture.ms / parse.ms;
    lastAnalysis = (posture.ms + findings.ms + matrix.ms) / parse.ms;
    const p = posture.value.cluster;
    console.log(
      `${String(size.pods).padStart(5)} pods / ${String(size.namespaces).padStart(4)} ns / ${String(size.policies).padStart(4)} policies ` +
        `(${(text.length / 1e6).toFixed(1)} MB JSON, ${p.workloads} workloads, ${matrix.value.size} matrix cells): ` +
        `parse ${fmt(parse.ms)}  posture ${fmt(posture.ms)}  findings ${fmt(findings.ms)}  matrix ${fmt(matrix.ms)}  posture/parse ${lastRatio.toFixed(2)}  (posture+findings+matrix)/parse ${lastAnalysis.toFixed(2)}`,
    );
  }
  // Cilium-heavy: the 20k cluster's NetworkPolicies as the CiliumClusterwideNetworkPolicies that
  // mean the same (the matrix must come out equal), then with deny rules on specific peers.
  const npState = buildState(SIZES[SIZES.length - 1]);
  const npMatrix = best(() => analyzeReachability(npState).namespaceMatrix(), 5);
  const asCilium: ClusterState = { ...npState, networkPolicies: [], crdPolicies: npState.networkPolicies.map(ciliumEquivalent), networkProfile: { networkPlugin: 'azure', networkDataplane: 'cilium', networkPolicy: 'cilium' } };
  const ciliumMatrix = best(() => analyzeReachability(asCilium).namespaceMatrix(), 5);
  const same = sameMatrix(npMatrix.value, ciliumMatrix.value);
  const withDenies: ClusterState = { ...asCilium, crdPolicies: [...asCilium.crdPolicies!, ...ciliumDenies()] };
  const denyMatrix = best(() => analyzeReachability(withDenies).namespaceMatrix(), 5);
  let changed = 0;
  for (const n of npMatrix.value.namespaces) for (const m of npMatrix.value.namespaces) if (npMatrix.value.connAt(n, m) !== denyMatrix.value.connAt(n, m)) changed++;
  console.log(
    `20000 pods, Cilium-heavy (${asCilium.crdPolicies!.length} CiliumClusterwideNetworkPolicies): matrix ${fmt(ciliumMatrix.ms)} = ${(ciliumMatrix.ms / npMatrix.ms).toFixed(2)}× the NetworkPolicy-only matrix (${fmt(npMatrix.ms)}); same matrix: ${same ? 'yes' : 'NO'}; ` +
      `with 2 deny policies on specific peers: ${fmt(denyMatrix.ms)} = ${(denyMatrix.ms / npMatrix.ms).toFixed(2)}× (${changed} of ${npMatrix.value.size} cells cut)  (target ≤ 1.5×)`,
  );
  // One crowded namespace: naively 100M selector evaluations; the label index keeps it linear.
  const crowded = crowdedNamespace(20000, 5000);
  const cp = best(() => analyzePosture(crowded));
  const cm = best(() => analyzeReachability(crowded).namespaceMatrix());
  const cf = best(() => computeFindings(crowded, cp.value, { now: '2026-11-21T00:00:00Z' }));
  console.log(`20000 pods / 1 namespace / 5000 per-app policies: posture ${fmt(cp.ms)}  findings ${fmt(cf.ms)}  matrix ${fmt(cm.ms)}`);
  console.log(`engine/parse ratio at 20k pods: ${lastRatio.toFixed(2)}`);
  console.log(`whole analysis (posture + findings + matrix)/parse at 20k pods: ${lastAnalysis.toFixed(2)}  (target ≤ 3)`);
}

function crowdedNamespace(podCount: number, policyCount: number): ClusterState {
  const pods: PodInfo[] = Array.from({ length: podCount }, (_, p) => ({
    namespace: 'big', name: `pod-${p}`, labels: { app: `app-${p % policyCount}`, tier: 'be' }, workload: { kind: 'Deployment', name: `app-${p % policyCount}` },
  }));
  const networkPolicies: NetworkPolicy[] = Array.from({ length: policyCount }, (_, k) => ({
    metadata: { name: `p-${k}`, namespace: 'big' },
    spec: { podSelector: { matchLabels: { tier: 'be', app: `app-${k}` } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: `app-${(k + 1) % policyCount}` } } }] }] },
  }));
  return { namespaces: [{ name: 'big', labels: {} }], pods, networkPolicies, networkProfile: { networkPolicy: 'azure' } };
}

/** Same namespaces and the same connection in every cell. */
function sameMatrix(a: NamespaceMatrix, b: NamespaceMatrix): boolean {
  if (a.size !== b.size || a.namespaces.join('\n') !== b.namespaces.join('\n')) return false;
  for (let i = 0; i < a.size; i++) if (a.cellDst[i] !== b.cellDst[i] || a.conns[a.cellConn[i]] !== b.conns[b.cellConn[i]]) return false;
  return a.rowStart.every((v, i) => v === b.rowStart[i]);
}
