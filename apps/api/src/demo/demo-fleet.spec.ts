import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collectFromManifests } from '@kordon/collectors';
import type { ClusterState, LabelSelector, NetworkPolicy } from '@kordon/policy-engine';
import { DEFAULT_DEMO_DIR, DemoFleetError, readDemoFleet } from './demo-fleet';

const EXPECTED = [
  { name: 'aks-prod-weu', environment: 'prod', team: 'platform', networkPolicy: 'azure', crds: [] as string[] },
  {
    name: 'aks-prod-neu',
    environment: 'prod',
    team: 'payments',
    networkPolicy: 'cilium',
    crds: [
      'CiliumClusterwideNetworkPolicy/deny-imds-egress',
      'CiliumClusterwideNetworkPolicy/deny-ssh-into-pods',
      'CiliumClusterwideNetworkPolicy/pci-deny-from-out-of-scope',
      'CiliumNetworkPolicy/ledger/ledger-api-l7',
      'CiliumNetworkPolicy/payments/payments-api-egress-acquirer',
    ],
  },
  {
    name: 'aks-stg-calico',
    environment: 'staging',
    team: 'platform',
    networkPolicy: 'calico',
    crds: ['GlobalNetworkPolicy/default-app-policy', 'GlobalNetworkPolicy/deny-imds-egress'],
  },
  { name: 'aks-dev-sandbox', environment: 'dev', team: 'apps', networkPolicy: 'none', crds: [] as string[] },
];

const isEmptySelector = (s: LabelSelector | undefined) =>
  !!s && Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;

/** The domain's default-deny baseline, spelled out for the fixture check (the engine owns the real one). */
function defaultDenyNamespaces(state: ClusterState, direction: 'Ingress' | 'Egress'): string[] {
  const rules = (p: NetworkPolicy) => (direction === 'Ingress' ? p.spec.ingress : p.spec.egress);
  const types = (p: NetworkPolicy) => p.spec.policyTypes ?? (p.spec.egress ? ['Ingress', 'Egress'] : ['Ingress']);
  const names = state.networkPolicies
    .filter((p) => isEmptySelector(p.spec.podSelector) && types(p).includes(direction) && (rules(p) ?? []).length === 0)
    .map((p) => p.metadata.namespace as string);
  return [...new Set(names)].sort();
}

function matchesLabels(selector: LabelSelector, labels: Record<string, string>): boolean {
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) && !(selector.matchExpressions ?? []).length;
}

async function collectToday(name: string) {
  const cluster = readDemoFleet().clusters.find((c) => c.name === name)!;
  const result = await collectFromManifests(cluster.history[cluster.history.length - 1].files);
  return { cluster, result, state: result.state! };
}

describe('readDemoFleet', () => {
  it('reads the repository demo fleet with absolute file lists per history step', () => {
    const fleet = readDemoFleet();
    expect(fleet.clusters.map(({ name, environment, team }) => ({ name, environment, team }))).toEqual(
      EXPECTED.map(({ name, environment, team }) => ({ name, environment, team })),
    );
    for (const c of fleet.clusters) {
      expect(c.dir).toBe(join(DEFAULT_DEMO_DIR, 'clusters', c.name));
      expect(c.scheduleMinutes).toBeGreaterThan(0);
      expect(c.history.length).toBeGreaterThanOrEqual(8);
      const today = c.history[c.history.length - 1];
      expect(today.daysAgo).toBe(0);
      expect(today.files).toContain(join(c.dir, 'aks.json'));
      expect(today.files.every((f) => f.startsWith(c.dir + '/'))).toBe(true);
      // Each step only adds files: older snapshots are strict subsets of newer ones.
      for (let i = 1; i < c.history.length; i++) {
        expect(c.history[i - 1].daysAgo).toBeGreaterThan(c.history[i].daysAgo);
        expect(today.files).toEqual(expect.arrayContaining(c.history[i - 1].files));
        expect(c.history[i].files).toEqual(expect.arrayContaining(c.history[i - 1].files));
      }
      expect(c.history[0].files.length).toBeLessThan(today.files.length);
      expect(c.history[0].files.some((f) => f.includes('/policies/'))).toBe(false);
    }
  });

  describe('validation', () => {
    let dir: string | undefined;
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
      dir = undefined;
    });

    async function fleetDir(fleet: unknown): Promise<string> {
      dir = await mkdtemp(join(tmpdir(), 'kordon-demo-'));
      await mkdir(join(dir, 'clusters', 'a', 'policies'), { recursive: true });
      await writeFile(join(dir, 'clusters', 'a', 'aks.json'), '{}');
      await writeFile(join(dir, 'clusters', 'a', 'policies', 'one.yaml'), 'kind: NetworkPolicy');
      await writeFile(join(dir, 'fleet.json'), typeof fleet === 'string' ? fleet : JSON.stringify(fleet));
      return dir;
    }

    const cluster = { name: 'a', environment: 'dev', team: 'apps', scheduleMinutes: 60, dir: 'clusters/a' };

    it('excludes files and whole folders per step', async () => {
      const root = await fleetDir({
        clusters: [{ ...cluster, history: [{ daysAgo: 0 }, { daysAgo: 7, exclude: ['policies'] }, { daysAgo: 3, exclude: ['policies/one.yaml'] }] }],
      });
      const [c] = readDemoFleet(root).clusters;
      expect(c.history.map((h) => [h.daysAgo, h.files.map((f) => f.slice(c.dir.length + 1))])).toEqual([
        [7, ['aks.json']],
        [3, ['aks.json']],
        [0, ['aks.json', 'policies/one.yaml']],
      ]);
    });

    it('reports every schema issue at once with its path', async () => {
      const root = await fleetDir({
        clusters: [{ name: 'Bad Name', environment: 'dev', scheduleMinutes: -5, dir: 'clusters/a', history: [] }],
      });
      let err: unknown;
      try {
        readDemoFleet(root);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DemoFleetError);
      const issues = (err as DemoFleetError).issues.join('\n');
      expect(issues).toContain('clusters[0].name: must be a DNS label');
      expect(issues).toContain('clusters[0].team');
      expect(issues).toContain('clusters[0].scheduleMinutes');
      expect(issues).toContain('clusters[0].history');
      expect((err as Error).message).toContain(join(root, 'fleet.json'));
    });

    it('reports unknown excludes, missing folders, duplicates and escaping paths', async () => {
      const root = await fleetDir({
        clusters: [
          { ...cluster, history: [{ daysAgo: 0 }, { daysAgo: 0, exclude: ['policies/two.yaml', '../b/aks.json'] }] },
          { ...cluster, dir: 'clusters/missing', history: [{ daysAgo: 0 }] },
        ],
      });
      expect(() => readDemoFleet(root)).toThrow(DemoFleetError);
      try {
        readDemoFleet(root);
      } catch (e) {
        expect((e as DemoFleetError).issues).toEqual([
          'clusters[0] (a).history[1]: daysAgo 0 appears twice',
          'clusters[0] (a).history[1].exclude: policies/two.yaml matches no manifest file in clusters/a',
          'clusters[0] (a).history[1].exclude: ../b/aks.json must be a path inside clusters/a',
          'clusters[1] (a): duplicate cluster name',
          `clusters[1] (a).dir: ${join(root, 'clusters', 'missing')} is not a directory`,
        ]);
      }
    });

    it('reports a missing or malformed fleet file', async () => {
      const root = await fleetDir('{ "clusters": [ }');
      expect(() => readDemoFleet(root)).toThrow(/Invalid demo fleet .*fleet\.json:\n {2}- unreadable/);
      expect(() => readDemoFleet(join(root, 'nowhere'))).toThrow(/file not found/);
    });
  });
});

describe('demo fleet manifests', () => {
  it.each(EXPECTED)('$name collects without errors, enforced by $networkPolicy', async (exp) => {
    const { result, state } = await collectToday(exp.name);
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.problems).toEqual([]);
    expect(state.networkProfile?.networkPolicy).toBe(exp.networkPolicy);
    expect(
      (state.crdPolicies ?? [])
        .map((p) => [p.kind, p.metadata.namespace, p.metadata.name].filter(Boolean).join('/'))
        .sort(),
    ).toEqual([...exp.crds].sort().map((s) => s.replace('CiliumNetworkPolicy/ledger/ledger-api-l7', 'CiliumNetworkPolicy/ledger/ledger-api-l7')));
    expect(result.policyTexts).toHaveLength(state.networkPolicies.length + (state.crdPolicies ?? []).length);
    expect(state.pods.length).toBeGreaterThan(10);
    expect(state.pods.length).toBeLessThan(150);
    for (const ns of ['kube-system', 'default']) expect(state.namespaces.map((n) => n.name)).toContain(ns);
  });

  it.each(EXPECTED)('$name default-deny coverage never drops across its history and rises overall', async ({ name }) => {
    const cluster = readDemoFleet().clusters.find((c) => c.name === name)!;
    const counts: number[] = [];
    for (const step of cluster.history) {
      const r = await collectFromManifests(step.files);
      expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
      counts.push(defaultDenyNamespaces(r.state!, 'Ingress').length + defaultDenyNamespaces(r.state!, 'Egress').length);
    }
    for (let i = 1; i < counts.length; i++) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]);
    expect(counts[0]).toBe(0);
    expect(counts[counts.length - 1]).toBeGreaterThan(counts[0]);
  });

  it('aks-prod-weu: Azure NPM with a Windows Server 2022 pool, a named port, an except block, a drifted selector, an open LoadBalancer', async () => {
    const { state } = await collectToday('aks-prod-weu');
    expect(state.networkProfile).toMatchObject({ networkPlugin: 'azure', networkPolicy: 'azure', networkDataplane: 'azure' });
    expect(state.nodePools).toContainEqual(expect.objectContaining({ osType: 'Windows', osSku: 'Windows2022' }));
    expect(state.nodePools).toContainEqual(expect.objectContaining({ osType: 'Linux' }));
    const json = state.networkPolicies.map((p) => JSON.stringify(p));
    expect(json.some((t) => t.includes('"port":"http"'))).toBe(true);
    expect(json.some((t) => t.includes('"except"'))).toBe(true);
    expect(defaultDenyNamespaces(state, 'Ingress')).toEqual(['billing-win', 'catalog', 'checkout', 'frontend', 'orders']);
    expect(defaultDenyNamespaces(state, 'Egress')).toEqual(['billing-win', 'checkout', 'frontend']);
    const drift = state.networkPolicies.find((p) => p.metadata.name === 'allow-api-to-search')!;
    expect(state.pods.filter((p) => p.namespace === 'catalog' && matchesLabels(drift.spec.podSelector, p.labels))).toEqual([]);
    expect(state.services).toContainEqual(expect.objectContaining({ name: 'ingress-nginx-controller', type: 'LoadBalancer' }));
    expect(state.services!.find((s) => s.name === 'ingress-nginx-controller')!.loadBalancerSourceRanges).toBeUndefined();
    // Real pods on the Windows nodes, the rest synthesized from templates.
    const windowsNodes = new Set(state.nodes!.filter((n) => n.os === 'windows').map((n) => n.name));
    expect(state.pods.filter((p) => p.nodeName && windowsNodes.has(p.nodeName)).map((p) => p.workload)).toEqual([
      { kind: 'Deployment', name: 'invoice-legacy' },
      { kind: 'Deployment', name: 'invoice-legacy' },
    ]);
  });

  it('aks-prod-neu: Azure CNI Powered by Cilium in overlay mode', async () => {
    const { state } = await collectToday('aks-prod-neu');
    expect(state.networkProfile).toMatchObject({ networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'cilium', networkDataplane: 'cilium' });
    expect(defaultDenyNamespaces(state, 'Egress')).toEqual(['fraud', 'payments']);
  });

  it('aks-stg-calico: kubenet with Calico, a broad allow-all beside a default-deny', async () => {
    const { state } = await collectToday('aks-stg-calico');
    expect(state.networkProfile).toMatchObject({ networkPlugin: 'kubenet', networkPolicy: 'calico' });
    const broad = state.networkPolicies.find((p) => p.metadata.name === 'allow-all-namespaces')!;
    expect(broad.metadata.namespace).toBe('tenants-b');
    expect(broad.spec.ingress).toEqual([{ from: [{ namespaceSelector: {} }] }]);
    expect(defaultDenyNamespaces(state, 'Ingress')).toContain('tenants-b');
  });

  it('aks-dev-sandbox: policies exist but networkPolicy is none', async () => {
    const { state } = await collectToday('aks-dev-sandbox');
    expect(state.networkProfile?.networkPolicy).toBe('none');
    expect(state.networkPolicies.length).toBeGreaterThan(0);
    expect(state.pods.some((p) => p.name === 'netshoot-alice' && !p.workload && !p.synthetic)).toBe(true);
  });
});
