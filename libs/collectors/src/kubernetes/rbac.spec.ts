// Proves deploy/rbac.yaml is both sufficient and minimal: a full collection (CRDs installed)
// only makes requests the ClusterRole allows, and the role grants nothing else.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKubeServer, type RecordedRequest, startFakeKubeServer } from '../testing/fake-kube-server';
import { generateSyntheticCluster } from '../testing/synthetic-cluster';
import { collectFromKubernetes } from './kubernetes.collector';

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

type Doc = { kind: string; metadata: { name: string; namespace?: string }; rules?: Rule[]; roleRef?: { kind: string; name: string }; subjects?: { kind: string; name: string; namespace?: string }[] };

const docs = parseAllDocuments(readFileSync(resolve(__dirname, '../../../../deploy/rbac.yaml'), 'utf8'))
  .map((d) => d.toJSON() as Doc)
  .filter(Boolean);
const role = docs.find((d) => d.kind === 'ClusterRole')!;

/**
 * Paths every authenticated identity may GET through the default system:discovery and
 * system:public-info-viewer ClusterRoles; they are not resources and no grant covers them.
 */
function isNonResourceUrl(path: string): boolean {
  return path === '/version' || path === '/api' || path === '/api/v1' || path === '/apis' || /^\/apis\/[^/]+\/[^/]+$/.test(path);
}

/** The (verb, apiGroup, resource) the API server's request-info resolver derives from a request. */
function attributesOf(r: RecordedRequest): { verb: string; group: string; resource: string } {
  const parts = r.path.split('/').filter(Boolean);
  let group: string;
  let rest: string[];
  if (parts[0] === 'api') {
    group = '';
    rest = parts.slice(2);
  } else {
    group = parts[1];
    rest = parts.slice(3);
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const resource = rest.length > 2 ? `${rest[0]}/${rest[2]}` : rest[0];
  const named = rest.length >= 2;
  const verb = r.method === 'GET' ? (r.query.watch === 'true' || r.query.watch === '1' ? 'watch' : named ? 'get' : 'list') : r.method.toLowerCase();
  return { verb, group, resource };
}

function allowed(verb: string, group: string, resource: string): boolean {
  return (role.rules ?? []).some((rule) => rule.apiGroups?.includes(group) && rule.resources?.includes(resource) && rule.verbs?.includes(verb));
}

describe('deploy/rbac.yaml', () => {
  let server: FakeKubeServer;
  beforeAll(async () => {
    server = await startFakeKubeServer({ dataset: generateSyntheticCluster({ namespaces: 6, pods: 40, policies: 12, seed: 2, crds: true }) });
  });
  afterAll(() => server.close());

  it('declares the service account, the role and a binding between them', () => {
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(['ServiceAccount/kordon-reader', 'ClusterRole/kordon-reader', 'ClusterRoleBinding/kordon-reader']);
    expect(docs[0].metadata.namespace).toBe('kordon');
    const binding = docs[2];
    expect(binding.roleRef).toMatchObject({ kind: 'ClusterRole', name: 'kordon-reader' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'kordon-reader', namespace: 'kordon' }]);
  });

  it('grants only get/list, on named resources, without wildcards', () => {
    for (const rule of role.rules ?? []) {
      expect(rule.verbs).toEqual(['get', 'list']);
      expect(rule.nonResourceURLs).toBeUndefined();
      expect(rule.resourceNames).toBeUndefined();
      expect([...(rule.apiGroups ?? []), ...(rule.resources ?? [])]).not.toContain('*');
    }
    const grants = (role.rules ?? []).flatMap((r) => (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).map((res) => `${g}/${res}`)));
    expect(grants.sort()).toEqual([
      '/namespaces', '/nodes', '/pods', '/services',
      'cilium.io/ciliumclusterwidenetworkpolicies', 'cilium.io/ciliumnetworkpolicies',
      'crd.projectcalico.org/globalnetworkpolicies',
      'networking.k8s.io/networkpolicies',
    ]);
  });

  it('covers every request of a full collection, and every grant is used', async () => {
    const res = await collectFromKubernetes({ kubeconfigYaml: server.kubeconfig() }, { pageSize: 7 });
    expect(res.problems).toEqual([]);
    expect(res.state!.crdPolicies).toHaveLength(3);
    const used = new Set<string>();
    const nonResource = new Set<string>();
    for (const r of server.requests) {
      expect(r.method).toBe('GET');
      if (isNonResourceUrl(r.path)) {
        nonResource.add(r.path);
        continue;
      }
      const { verb, group, resource } = attributesOf(r);
      expect(allowed(verb, group, resource), `${verb} ${group}/${resource} (${r.path})`).toBe(true);
      used.add(`${group}/${resource}`);
    }
    expect([...nonResource].sort()).toEqual(['/apis', '/apis/cilium.io/v2', '/apis/crd.projectcalico.org/v1', '/version']);
    const grants = (role.rules ?? []).flatMap((r) => (r.apiGroups ?? []).flatMap((g) => (r.resources ?? []).map((res) => `${g}/${res}`)));
    expect([...used].sort()).toEqual(grants.sort());
  });
});
