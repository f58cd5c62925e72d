// `kordon analyze <folder> --against <cluster>` end to end: the real CLI code path (run(argv))
// talking over real HTTP to a real API on the real database, which holds one snapshot of the
// cluster. A pull request that opens connections or breaks a default-deny exits 1; one that only
// tightens exits 0; bad YAML exits 2 naming file and line; an unreachable API or a refused token
// exits 3; nothing is stored.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFromManifestText } from '@kordon/collectors';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../../apps/api/test/test-app';
import { ClustersService } from '../../apps/api/src/clusters/clusters.service';
import { SnapshotsService } from '../../apps/api/src/snapshots/snapshots.service';
import { run } from '../../apps/cli/src/cli';

const LIVE = `
apiVersion: v1
kind: Namespace
metadata: { name: pay }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: pay }
spec: { template: { metadata: { labels: { app: api } }, spec: { containers: [{ name: c, ports: [{ containerPort: 8080 }] }] } } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: worker, namespace: pay }
spec: { template: { metadata: { labels: { app: worker } }, spec: { containers: [{ name: c }] } } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: pay }
spec: { podSelector: {}, policyTypes: [Ingress] }
`;
const AKS = JSON.stringify({ name: 'gate', networkProfile: { networkPlugin: 'azure', networkPolicy: 'cilium' } });

const ALLOW_ALL = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: pay }
spec: { podSelector: {}, policyTypes: [Ingress], ingress: [{}] }
`;
const API_FROM_WORKER_ONLY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: egress-deny, namespace: pay }
spec: { podSelector: {}, policyTypes: [Egress] }
`;

describe('kordon analyze --against', () => {
  let t: TestApp;
  let url: string;
  let dir: string;
  const envBefore = { ...process.env };

  async function kordon(env: Record<string, string | undefined>, ...argv: string[]) {
    let stdout = '';
    let stderr = '';
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    try {
      const code = await run(argv, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) });
      return { code, stdout, stderr };
    } finally {
      for (const k of Object.keys(env)) {
        if (envBefore[k] === undefined) delete process.env[k];
        else process.env[k] = envBefore[k];
      }
    }
  }
  const folder = (name: string, files: Record<string, string>) => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
    return d;
  };

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const cluster = await t.app.get(ClustersService).register({ name: 'gate', source: 'manifests', paths: ['demo/clusters/aks-dev-sandbox'] });
    const outcome = await t.app.get(SnapshotsService).run(cluster.id, {
      trigger: 'seed',
      collect: async () => collectFromManifestText([{ name: 'live.yaml', text: LIVE }, { name: 'aks.json', text: AKS }]),
    });
    expect(outcome.status).toBe('succeeded');
    dir = mkdtempSync(join(tmpdir(), 'kordon-against-'));
  });
  afterAll(async () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  const env = () => ({ KORDON_URL: url, KORDON_TOKEN: ADMIN_TOKEN });

  it('exits 1 when the change opens connections and breaks the default-deny, naming them', async () => {
    const snapshotsBefore = (await t.sql<{ n: string }>('SELECT count(*) AS n FROM snapshot'))[0]!.n;
    const r = await kordon(env(), 'analyze', folder('open', { 'policy.yaml': ALLOW_ALL }), '--against', 'gate');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^ {2}changed {2}pay\/default-deny/m);
    expect(r.stdout).toMatch(/^ {2}opens {4}0\.0\.0\.0-255\.255\.255\.255 → pay\/api: All Connections {2}\(by pay\/default-deny changed\)$/m);
    expect(r.stdout).toMatch(/^ {2}opens {4}pay\/worker → pay\/api: All Connections/m);
    // Each opened pair says which policies allow it now.
    expect(r.stdout).toMatch(/^ {2}opens {4}pay\/worker → pay\/api: All Connections.*\n {11}now egress: allowed by default \| ingress: allowed by (default|pay\/)/m);
    expect(r.stdout).toMatch(/breaks {3}default-deny ingress in pay/);
    expect(r.stdout).toMatch(/^FAIL: the change opens connections between \d+ pairs and breaks default-deny in pay \(ingress\)$/m);
    expect((await t.sql<{ n: string }>('SELECT count(*) AS n FROM snapshot'))[0]!.n).toBe(snapshotsBefore);
  });

  it('exits 0 for a change that only tightens, and --json prints the API answer', async () => {
    const d = folder('tight', { 'egress.yaml': API_FROM_WORKER_ONLY });
    const r = await kordon(env(), 'analyze', d, '--against', 'gate');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^OK: no new connections, closes \d+ pairs?, no namespace loses default-deny$/m);
    const j = await kordon(env(), 'analyze', d, '--against', 'gate', '--json');
    expect(j.code).toBe(0);
    const api = await request(t.app.getHttpServer()).post(`/api/clusters/${JSON.parse(j.stdout).clusterId}/simulate`).set({ Authorization: `Bearer ${ADMIN_TOKEN}` })
      .send({ files: [{ name: 'egress.yaml', text: API_FROM_WORKER_ONLY }] }).expect(200);
    expect(JSON.parse(j.stdout).verdict).toEqual(api.body.verdict);
  });

  it('exits 2 on bad YAML with file and line, and on an unknown cluster', async () => {
    const r = await kordon(env(), 'analyze', folder('bad', { 'broken.yaml': 'kind: NetworkPolicy\nmetadata: {name: x\n' }), '--against', 'gate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ {2}broken\.yaml: Malformed YAML in broken\.yaml at line 3, column 1/m);
    const u = await kordon(env(), 'analyze', folder('open2', { 'p.yaml': ALLOW_ALL }), '--against', 'nope');
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/no cluster named "nope"/);
  });

  it('exits 3 when the API is unreachable or refuses the token, and 2 without KORDON_URL', async () => {
    const d = folder('open3', { 'p.yaml': ALLOW_ALL });
    const down = await kordon({ KORDON_URL: 'http://127.0.0.1:9', KORDON_TOKEN: 'x' }, 'analyze', d, '--against', 'gate');
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/cannot reach the Kordon API at http:\/\/127\.0\.0\.1:9/);
    const refused = await kordon({ KORDON_URL: url, KORDON_TOKEN: 'wrong-token-0123456789abcdef0123' }, 'analyze', d, '--against', 'gate');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refused KORDON_TOKEN \(401\)/);
    const unset = await kordon({ KORDON_URL: undefined, KORDON_TOKEN: ADMIN_TOKEN }, 'analyze', d, '--against', 'gate');
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/needs KORDON_URL/);
    expect(down.stderr + refused.stderr + unset.stderr).not.toContain(ADMIN_TOKEN);
  });
});
