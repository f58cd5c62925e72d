// The load bench's live clusters (bench/load.bench.ts): fake Kubernetes API servers in their own
// process, started at a lower scheduling priority. In production a cluster's API server runs on
// other machines, so serving its lists must not take the CPU the measured API and the load
// generator need; at nice 10 it gets what they leave. Takes its sizes from argv (JSON), sends the
// kubeconfigs to the parent, and stops when the parent disconnects.
import { FakeKubeServer, generateSyntheticCluster } from '@kordon/collectors/testing';

interface Spec {
  clusters: number;
  pods: number;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
  const servers: FakeKubeServer[] = [];
  for (let i = 0; i < spec.clusters; i++) {
    servers.push(
      await FakeKubeServer.start({
        dataset: generateSyntheticCluster({ namespaces: Math.max(1, Math.round(spec.pods / 10)), pods: spec.pods, policies: Math.round(spec.pods / 4), crds: true, seed: 100 + i }),
      }),
    );
  }
  process.send?.({ kubeconfigs: servers.map((s) => s.kubeconfig()) });
  process.on('disconnect', () => void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
