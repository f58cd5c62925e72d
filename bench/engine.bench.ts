// Engine benchmark: synthetic clusters at 1k / 5k / 20k pods with proportional namespaces and
// policies (20k pods, 2,000 namespaces, 5,000 policies at the top), built in memory as the
// Kubernetes collector would (raw objects → normalize → ClusterState), serialized to JSON text.
// Per size: JSON.parse of that text, posture on the parsed state, the namespace matrix (full
// reachability analysis included), and posture / parse. Best of 3 after a warm-up.
// Targets at 20k pods: posture ≤ 3 × parse, namespace matrix ≤ 2 s.
import { performance } from 'node:perf_hooks';
import { deriveWorkloads, normalizeNamespace, normalizeNode, normalizePod, normalizeService } from '@kordon/collectors';
import { generateSyntheticCluster } from '@kordon/collectors/testing';
import { analyzePosture, analyzeReachability, computeFindings, type ClusterState, type NetworkPolicy, type PodInfo } from '@kordon/policy-engine';

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
        `(${(text.length / 1e6).toFixed(1)} MB JSON, ${p.workloads} workloads, ${matrix.value.cells.length} matrix cells): ` +
        `parse ${fmt(parse.ms)}  posture ${fmt(posture.ms)}  findings ${fmt(findings.ms)}  matrix ${fmt(matrix.ms)}  posture/parse ${lastRatio.toFixed(2)}  (posture+findings+matrix)/parse ${lastAnalysis.toFixed(2)}`,
    );
  }
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
