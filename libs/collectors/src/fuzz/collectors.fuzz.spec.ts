// Property-based fuzzing of everything that reads untrusted cluster input: the manifest parser,
// the Kubernetes normalisers, the NetworkPolicy checks, the raw List scanner, the manifests
// collector end to end, and the Kubernetes and AKS collectors against the fake API/ARM servers
// (real @kubernetes/client-node and Azure SDK over https). Seeded: a failure prints the seed and
// path; rerun with FUZZ_SEED=<seed> to reproduce. Invariant everywhere: a result or a problem with
// a message, never a thrown TypeError/RangeError, and bounded time on huge or deep input.
import fc from 'fast-check';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterAll, describe, expect, it } from 'vitest';
import { collectFromAks } from '../aks/aks.collector';
import { collectFromKubernetes } from '../kubernetes/kubernetes.collector';
import { rawListItems } from '../kubernetes/raw-items';
import { parseManifestText } from '../manifests/manifest-documents.parser';
import { collectFromManifestText } from '../manifests/manifests.collector';
import { deriveWorkloads, isCrdPolicy, normalizeNamespace, normalizeNode, normalizePod, normalizeService, parseCidr, validateNetworkPolicy } from '../normalize';
import { startFakeArmServer } from '../testing/fake-arm-server';
import { startFakeKubeServer } from '../testing/fake-kube-server';
import * as arb from '../testing/fuzz-arbitraries';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
/** FUZZ_SCALE=10 for a longer hunt; the default keeps the file within ~30 s on a loaded machine. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const counts: Record<string, number> = {};
const params = (target: string, runs: number) => {
  const numRuns = Math.max(1, Math.round(runs * SCALE));
  counts[target] = (counts[target] ?? 0) + numRuns;
  return { seed: SEED, numRuns, endOnFailure: true } as const;
};

afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  process.stdout.write(`[fuzz] collectors seed ${SEED}: ${total} cases (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')})\n`);
});

/** A problem must say what is wrong: a non-empty message. */
function expectProblemsReadable(problems: { message: unknown; severity: unknown }[]): void {
  for (const p of problems) {
    expect(typeof p.message).toBe('string');
    expect((p.message as string).length).toBeGreaterThan(5);
    expect(['error', 'warning', 'info']).toContain(p.severity);
  }
}

describe('normalisers (pure)', () => {
  it('normalize* read any value into the model without throwing', () => {
    fc.assert(
      fc.property(fc.oneof(arb.kubeObject, fc.anything()), (obj) => {
        const ns = normalizeNamespace(obj);
        expect(typeof ns.name).toBe('string');
        const podInfo = normalizePod(obj);
        expect(typeof podInfo.name).toBe('string');
        for (const v of Object.values(podInfo.labels)) expect(typeof v).toBe('string');
        normalizeService(obj);
        normalizeNode(obj);
        isCrdPolicy(obj);
        deriveWorkloads([podInfo, normalizePod(obj)]);
      }),
      params('normalize', 3000),
    );
  });

  it('validateNetworkPolicy names the field of every defect and never throws', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 5, arbitrary: arb.networkPolicy }, { weight: 1, arbitrary: fc.anything() }), (np) => {
        const problems = validateNetworkPolicy(np, 'fuzz.yaml:1');
        expectProblemsReadable(problems);
        for (const p of problems) {
          expect(p.code).toBe('invalid-object');
          expect(p.message).toContain('fuzz.yaml:1');
          if (p.field) expect(p.message).toContain(p.field);
        }
      }),
      params('validateNetworkPolicy', 2500),
    );
  });

  it('parseCidr accepts exactly the well-formed CIDRs', () => {
    fc.assert(
      fc.property(arb.cidr, (text) => {
        const c = parseCidr(text);
        if (!c) return;
        expect(c.prefix).toBeLessThanOrEqual(c.family === 4 ? 32 : 128);
        expect(c.prefix).toBeGreaterThanOrEqual(0);
      }),
      params('parseCidr', 1700),
    );
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, n) => {
        expect(parseCidr(`${ip}/${n}`)).toMatchObject({ family: 4, prefix: n });
      }),
      params('parseCidr', 300),
    );
  });

  it('rawListItems returns the exact text of each item of any List, or null', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), fc.nat({ max: 2 }), (items, other, indent) => {
        const text = JSON.stringify({ kind: 'PodList', metadata: { other }, items }, null, indent);
        const raw = rawListItems(text);
        expect(raw).not.toBeNull();
        expect(raw!.map((s) => JSON.parse(s))).toEqual(JSON.parse(text).items);
      }),
      params('rawListItems', 1200),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        const raw = rawListItems(`{"items":${text}`);
        if (raw) for (const s of raw) expect(typeof s).toBe('string');
      }),
      params('rawListItems', 1000),
    );
  });
});

describe('manifest parser and collector (pure)', () => {
  it('parseManifestText returns values or a parse error naming file, line and column', () => {
    fc.assert(
      fc.property(arb.manifestText, ({ text }) => {
        const parsed = parseManifestText('dir/fuzz.yaml', text);
        expectProblemsReadable(parsed.problems);
        for (const p of parsed.problems) {
          expect(p.code).toBe('parse-error');
          expect(p.message).toContain('dir/fuzz.yaml');
          if (p.message.startsWith('Malformed')) expect(p.message).toMatch(/^Malformed (YAML|JSON) in dir\/fuzz\.yaml at line \d+, column \d+: \S/);
        }
        for (const v of parsed.values) expect(v.where).toContain('dir/fuzz.yaml');
      }),
      params('parseManifestText', 800),
    );
  });

  it('regression: JSON that is valid YAML but not JSON still gets its line and column', () => {
    // V8 gives no position for these and the YAML parser accepts them.
    expect(parseManifestText('a.json', '{"name": "x",\n  "source": }').problems[0].message).toMatch(/^Malformed JSON in a\.json at line 2, column 13: /);
    expect(parseManifestText('a.json', '[1, 2,]').problems[0].message).toMatch(/^Malformed JSON in a\.json at line 1, column 7: /);
  });

  it('collectFromManifestText turns any set of files into a state or problems, never a throw', () => {
    fc.assert(
      fc.property(fc.array(arb.manifestText, { minLength: 1, maxLength: 3 }), (files) => {
        const result = collectFromManifestText(files.map((f, i) => ({ name: `f${i}.${f.kind.endsWith('json') ? 'json' : 'yaml'}`, text: f.text })));
        expectProblemsReadable(result.problems);
        if (result.state) {
          expect(Array.isArray(result.state.pods)).toBe(true);
          expect(Array.isArray(result.state.networkPolicies)).toBe(true);
          // Every policy the engine is given passed the checks, so its text is evidence.
          expect(result.policyTexts?.length).toBe(result.state.networkPolicies.length + (result.state.crdPolicies?.length ?? 0));
          expect(result.state.pods.length).toBeLessThanOrEqual(files.length * 4 * 4 * 500 + 1000);
        } else {
          expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
        }
      }),
      params('collectFromManifestText', 600),
    );
  });

  /** Hostile shapes: deep nesting, huge documents, alias bombs. Each bounded in time. */
  const hostile: [string, () => string][] = [
    ['deep JSON arrays', () => '['.repeat(100_000) + ']'.repeat(100_000)],
    ['deep JSON objects', () => '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000)],
    ['deep YAML flow', () => '['.repeat(20_000) + ']'.repeat(20_000)],
    ['deep YAML block', () => Array.from({ length: 3_000 }, (_, i) => `${'  '.repeat(i)}a${i}:`).join('\n') + ' 1\n'],
    ['deep YAML sequence', () => Array.from({ length: 3_000 }, (_, i) => `${'  '.repeat(i)}-`).join('\n') + ' x\n'],
    ['unterminated deep JSON', () => '['.repeat(200_000)],
    ['YAML alias bomb', () => ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n')],
    ['a deeply nested NetworkPolicy spec', () => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deep', namespace: 'n' }, spec: { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: 'DEEP' } }] }] } }).replace('"DEEP"', '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000))],
    ['a 8 MB List of pods', () => JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: Array.from({ length: 20_000 }, (_, i) => ({ metadata: { name: `p${i}`, namespace: `ns${i % 50}`, labels: { app: `a${i % 300}`, 'pod-template-hash': `h${i}` } }, status: { podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` } })) })],
    ['a Deployment asking for 10^9 replicas', () => 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: n}\nspec: {replicas: 1000000000, template: {metadata: {labels: {app: d}}}}\n'],
    ['100 000 empty YAML documents', () => '---\n'.repeat(100_000)],
  ];
  for (const [name, make] of hostile) {
    it(`hostile input is bounded: ${name}`, () => {
      counts.hostile = (counts.hostile ?? 0) + 1;
      const input = make();
      const heapBefore = process.memoryUsage().heapUsed;
      const t0 = Date.now();
      const result = collectFromManifestText([{ name: 'hostile.yaml', text: input }]);
      const ms = Date.now() - t0;
      expectProblemsReadable(result.problems);
      expect(result.state !== null || result.problems.some((p) => p.severity === 'error')).toBe(true);
      expect(ms).toBeLessThan(15_000);
      // Bounded memory: a few hundred MB at most over the input size, not an expansion.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
      if (result.state) expect(result.state.pods.length).toBeLessThanOrEqual(20_000);
    });
  }
});

class StaticCredential implements TokenCredential {
  constructor(private readonly token: string) {}
  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

describe('collectors over real HTTP against the fake servers', () => {
  it('collectFromKubernetes: fuzzed API objects give a state or problems, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          namespaces: fc.array(arb.namespace, { maxLength: 3 }),
          pods: fc.array(arb.pod, { maxLength: 4 }),
          nodes: fc.array(arb.node, { maxLength: 2 }),
          services: fc.array(arb.service, { maxLength: 2 }),
          networkPolicies: fc.array(arb.networkPolicy, { maxLength: 4 }),
          crds: fc.record({ ciliumnetworkpolicies: fc.array(arb.crdPolicy, { maxLength: 2 }) }),
        }),
        async (d) => {
          const dataset = {
            namespaces: arb.asObjects(d.namespaces),
            pods: arb.asObjects(d.pods),
            nodes: arb.asObjects(d.nodes),
            services: arb.asObjects(d.services),
            networkPolicies: arb.asObjects(d.networkPolicies),
            crds: { ciliumnetworkpolicies: arb.asObjects(d.crds.ciliumnetworkpolicies) },
          };
          const kube = await startFakeKubeServer({ dataset });
          try {
            const result = await collectFromKubernetes({ kubeconfigYaml: kube.kubeconfig() }, { requestTimeoutMs: 20_000 });
            expectProblemsReadable(result.problems);
            if (!result.state) expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
          } finally {
            await kube.close();
          }
        },
      ),
      params('collectFromKubernetes', 40),
    );
  });

  it('collectFromAks: fuzzed ARM documents give a state or problems, never a throw', async () => {
    const kube = await startFakeKubeServer({ dataset: { namespaces: [{ metadata: { name: 'a' } }], pods: [], nodes: [], services: [], networkPolicies: [] } });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.record({ properties: fc.dictionary(fc.constantFrom('networkProfile', 'agentPoolProfiles', 'kubernetesVersion', 'currentKubernetesVersion', 'powerState', 'aadProfile', 'unknownThing'), fc.oneof(arb.networkProfile, fc.array(arb.agentPool, { maxLength: 3 }), arb.junk)), agentPools: fc.option(fc.array(arb.agentPool, { maxLength: 3 }), { nil: undefined }) }),
          async ({ properties, agentPools }) => {
            const cluster = { subscriptionId: '11111111-1111-1111-1111-111111111111', resourceGroup: 'rg', name: 'aks', properties, kubeconfig: kube.kubeconfig(), ...(agentPools ? { agentPools: arb.asObjects(agentPools) } : {}) };
            const arm = await startFakeArmServer({ clusters: [cluster], token: 'arm' });
            try {
              const result = await collectFromAks(
                { credential: new StaticCredential('arm'), subscriptionId: cluster.subscriptionId, resourceGroup: 'rg', clusterName: 'aks', endpoint: arm.url, clientOptions: { tlsOptions: { ca: arm.ca }, retryOptions: { maxRetries: 0 } } },
                { requestTimeoutMs: 20_000 },
              );
              expectProblemsReadable(result.problems);
              if (!result.state) expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
              else for (const pool of result.state.nodePools ?? []) expect(typeof pool.name).toBe('string');
            } finally {
              await arm.close();
            }
          },
        ),
        params('collectFromAks', 40),
      );
    } finally {
      await kube.close();
    }
  });
});
