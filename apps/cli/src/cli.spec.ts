// `kordon` driven in-process through run(argv, io): the same code path as the bin, minus the
// ~1 s of swc-node start-up per spawn (kordon-bin.spec.ts spawns the real bin for a handful).
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './cli';

const fixtures = path.resolve(__dirname, '../fixtures');
const fx = (p: string) => path.join(fixtures, p);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function kordon(...argv: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

async function json(...argv: string[]) {
  const r = await kordon('analyze', ...argv, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const noStack = (r: Result) => expect(r.stderr + r.stdout).not.toMatch(/^\s+at /m);

describe('kordon analyze --json', () => {
  it('reads a folder of kubectl YAML/JSON (List, multi-doc, az aks show) into the documented shape', async () => {
    const report = await json(fx('shop'));
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['namespaces', 'workloads', 'findings']));
    expect(report).not.toHaveProperty('connections');
    expect(report.enforcement).toMatchObject({ engine: 'cilium', enforced: true });
    expect(report.cluster).toMatchObject({ name: 'aks-shop-weu', kubernetesVersion: '1.31.7', pods: 7, workloads: 5, excludedNamespaces: 1 });
    expect(report.namespaces.map((n: { name: string; excluded: boolean }) => [n.name, n.excluded])).toEqual([
      ['kube-system', true],
      ['legacy', false],
      ['payments', false],
      ['shop', false],
    ]);
    const shop = report.namespaces.find((n: { name: string }) => n.name === 'shop');
    expect(shop).toMatchObject({ pods: 4, workloads: 2, ingress: { defaultDeny: true, effectivelyIsolated: true }, egress: { defaultDeny: true } });
    const payments = report.namespaces.find((n: { name: string }) => n.name === 'payments');
    expect(payments).toMatchObject({ ingress: { defaultDeny: true, isolatedPods: 1 }, egress: { defaultDeny: false, isolatedPods: 0 } });

    // Exactly the documented workload keys, in every entry.
    for (const w of report.workloads) expect(Object.keys(w).sort()).toEqual(['isolated', 'kind', 'name', 'namespace']);
    const iso = Object.fromEntries(report.workloads.map((w: { namespace: string; name: string; kind: string; isolated: unknown }) => [`${w.namespace}/${w.kind}/${w.name}`, w.isolated]));
    expect(iso).toEqual({
      'kube-system/Deployment/coredns': { ingress: false, egress: false },
      'legacy/CronJob/nightly-export': { ingress: false, egress: false },
      'legacy/Deployment/reports': { ingress: false, egress: false },
      'payments/Deployment/gateway': { ingress: true, egress: false },
      'shop/Deployment/api': { ingress: true, egress: true },
      'shop/Deployment/web': { ingress: true, egress: true },
    });
    expect(Array.isArray(report.findings)).toBe(true);
    // Kinds the posture does not use are warnings, kept in the report.
    expect(report.problems.map((p: { code: string }) => p.code)).toEqual(['unknown-kind', 'unknown-kind']);
  });

  it('reads a ClusterState JSON export', async () => {
    const report = await json(fx('state.json'));
    expect(report.enforcement).toMatchObject({ engine: 'azure', enforced: true });
    expect(report.workloads).toEqual([
      { namespace: 'kube-system', name: 'coredns', kind: 'Deployment', isolated: { ingress: false, egress: false } },
      { namespace: 'team-a', name: 'api', kind: 'Deployment', isolated: { ingress: true, egress: false } },
      { namespace: 'team-a', name: 'db', kind: 'StatefulSet', isolated: { ingress: true, egress: false } },
      { namespace: 'team-b', name: 'worker', kind: 'Deployment', isolated: { ingress: false, egress: false } },
    ]);
  });

  it('lists findings with rule id, severity and remediation', async () => {
    const report = await json(fx('shop'));
    const keys = ['ruleId', 'severity', 'title', 'message', 'namespace', 'object', 'remediation', 'remediationYaml'];
    for (const f of report.findings) {
      expect(keys).toEqual(expect.arrayContaining(Object.keys(f)));
      expect(f).toMatchObject({ ruleId: expect.any(String), severity: expect.stringMatching(/^(critical|high|medium|low|info)$/), remediation: expect.any(String) });
    }
    const ids = (ns: string) => report.findings.filter((f: { namespace?: string }) => f.namespace === ns).map((f: { ruleId: string }) => f.ruleId);
    // legacy has no baseline in either direction; payments lacks only the egress one; shop is done.
    expect(ids('legacy').length).toBeGreaterThanOrEqual(2);
    expect(ids('payments')).toHaveLength(1);
    expect(ids('shop')).toEqual([]);
    const text = await kordon('analyze', fx('shop'));
    expect(text.stdout).toMatch(/^Findings \(\d+\)$/m);
    expect(text.stdout).toMatch(/^(MEDIUM|LOW) \(\d+\)$/m);
    expect(text.stdout).toMatch(/^ {2}\[[A-Z]+-\d+\] .+$/m);
    expect(text.stdout).toMatch(/^ {4}- .*\bpayments\b.*default-deny egress/m);
    expect(text.stdout).toMatch(/^ {4}Remediation: /m);
    expect(text.stdout).toMatch(/^ {6}kind: NetworkPolicy$/m);
  });

  it('adds connections only with --connections, peers as namespace/name and IPv4 ranges', async () => {
    const report = await json(fx('shop'), '--connections');
    expect(Array.isArray(report.connections)).toBe(true);
    for (const c of report.connections) expect(Object.keys(c).sort()).toEqual(['allowedBy', 'conn', 'dst', 'src']);
    const conn = (src: string, dst: string) => report.connections.find((c: { src: string; dst: string }) => c.src === src && c.dst === dst)?.conn;
    expect(conn('shop/web', 'shop/api')).toBe('TCP 8080');
    expect(conn('shop/api', 'payments/gateway')).toBe('TCP 8443');
    expect(conn('shop/api', 'shop/web')).toBeUndefined();
    expect(conn('shop/web', 'kube-system/coredns')).toBe('TCP 53,UDP 53');
    expect(conn('10.240.0.0-10.240.4.255', 'shop/web')).toBe('TCP 8080');
    expect(conn('10.240.5.0-10.240.5.255', 'shop/web')).toBeUndefined();
    expect(conn('legacy/reports', 'payments/gateway')).toBeUndefined(); // payments admits only shop/api
    expect(conn('legacy/reports', 'legacy/nightly-export')).toBe('All Connections');
    for (const c of report.connections) {
      for (const peer of [c.src, c.dst]) expect(peer).toMatch(/^([a-z0-9-]+\/[a-z0-9-]+(\[\w+\])?|\d+\.\d+\.\d+\.\d+-\d+\.\d+\.\d+\.\d+|[0-9a-f:]+-[0-9a-f:]+)$/);
    }
  });
});

describe('kordon analyze --connections on a Cilium cluster (issue: CRD rules evaluated, not an upper bound)', () => {
  it('web-from-client: web accepts only a/client on TCP 80; nothing from b or the world; SSH cut by the clusterwide deny', async () => {
    const report = await json(fx('cilium-web'), '--connections');
    const find = (src: string, dst: string) => report.connections.find((c: { src: string; dst: string }) => c.src === src && c.dst === dst);
    expect(find('a/client', 'a/web')).toMatchObject({
      conn: 'TCP 80',
      allowedBy: { ingress: { policies: [{ kind: 'CiliumNetworkPolicy', namespace: 'a', name: 'web-from-client' }], deniedBy: [], defaultAllow: false } },
    });
    expect(find('b/other', 'a/web')).toBeUndefined();
    expect(find('0.0.0.0-255.255.255.255', 'a/web')).toBeUndefined();
    expect(find('a/web', 'b/other')).toMatchObject({
      conn: 'SCTP,TCP 1-21,23-65535,UDP',
      allowedBy: { ingress: { defaultAllow: true, deniedBy: [{ kind: 'CiliumClusterwideNetworkPolicy', namespace: null, name: 'deny-ssh' }] } },
    });
    expect(report.notEvaluated ?? []).not.toContainEqual(expect.objectContaining({ reason: expect.stringContaining('upper bound') }));
  });

  it('prints which policy allows each connection and which deny cuts it', async () => {
    const r = await kordon('analyze', fx('cilium-web'), '--connections');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  a/client => a/web: TCP 80  [egress: allowed by default | ingress: allowed by CiliumNetworkPolicy a/web-from-client]');
    expect(r.stdout).toContain('  a/web => b/other: SCTP,TCP 1-21,23-65535,UDP  [egress: allowed by default | ingress: allowed by default; ports cut by CiliumClusterwideNetworkPolicy deny-ssh]');
    expect(r.stdout).not.toMatch(/=> a\/web: .*\n.*b\/other => a\/web/);
    expect(r.stdout).not.toContain('b/other => a/web');
  });
});

describe('kordon analyze (text)', () => {
  it('prints a header, one row per namespace and the findings', async () => {
    const r = await kordon('analyze', fx('shop'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Cluster:     aks-shop-weu (Kubernetes 1.31.7)');
    expect(r.stdout).toContain('Engine:      cilium; policies ENFORCED');
    expect(r.stdout).toContain('Namespaces:  3 analysed, 1 excluded (kube-system)');
    expect(r.stdout).toMatch(/Ingress: +5\/7 71\.4% pods isolated/);
    expect(r.stdout).toMatch(/Egress: +4\/7 57\.1% pods isolated/);
    expect(r.stdout).toMatch(/^NAMESPACE +PODS +WORKLOADS +INGRESS ISOLATED +DEFAULT-DENY IN +EFFECTIVE IN +EGRESS ISOLATED +DEFAULT-DENY OUT +EFFECTIVE OUT +EXCLUDED$/m);
    expect(r.stdout).toMatch(/^shop +4 +2 +4\/4 100% +yes +yes +4\/4 100% +yes +yes$/m);
    expect(r.stdout).toMatch(/^payments +1 +1 +1\/1 100% +yes +yes +0\/1 0% +no +no$/m);
    expect(r.stdout).toMatch(/^kube-system +2 +1 +0\/2 0% +no +no +0\/2 0% +no +no +excluded$/m);
    expect(r.stdout).toMatch(/^Findings \(\d+\)$/m);
    expect(r.stderr).toContain('warning:');
    expect(r.stderr).toContain('1 ConfigMap object skipped');
  });

  it('lists the allowed connections only with --connections', async () => {
    const plain = await kordon('analyze', fx('shop'));
    expect(plain.stdout).not.toContain('Allowed connections');
    const r = await kordon('analyze', fx('shop'), '--connections');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Allowed connections \(\d+\)$/m);
    // Each with the policies that allow it on either side.
    expect(r.stdout).toContain('\n  shop/web => shop/api: TCP 8080  [egress: allowed by shop/web-egress | ingress: allowed by shop/allow-web-to-api]\n');
    expect(r.stdout).toContain('\n  10.240.0.0-10.240.4.255 => shop/web: TCP 8080  [egress: external | ingress: allowed by shop/allow-web-from-gateway-subnet]\n');
  });

  it('--direction restricts the table and totals to one direction', async () => {
    const r = await kordon('analyze', fx('shop'), '--direction', 'egress');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAMESPACE +PODS +WORKLOADS +EGRESS ISOLATED +DEFAULT-DENY OUT +EFFECTIVE OUT +EXCLUDED$/m);
    expect(r.stdout).not.toContain('INGRESS');
    expect(r.stdout).not.toMatch(/^Ingress:/m);
  });

  it('says plainly when nothing enforces the policies', async () => {
    const r = await kordon('analyze', fx('state-engine-none.json'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('policies NOT ENFORCED');
  });
});

describe('kordon analyze --fail-under', () => {
  // shop: ingress 5/7 = 71.4%, egress 4/7 = 57.1% over the non-excluded namespaces.
  it.each([
    [['--fail-under', '60'], 1, /FAIL egress pod coverage 57\.1% \(4 of 7 pods isolated\) is below --fail-under 60%/],
    [['--fail-under', '60', '--direction', 'both'], 1, /PASS ingress pod coverage 71\.4%/],
    [['--fail-under', '60', '--direction', 'ingress'], 0, /PASS ingress pod coverage 71\.4% \(5 of 7 pods isolated\) meets --fail-under 60%/],
    [['--fail-under', '60', '--direction', 'egress'], 1, /FAIL egress/],
    [['--fail-under', '57', '--direction', 'egress'], 0, /PASS egress/],
    [['--fail-under', '72', '--direction', 'ingress'], 1, /FAIL ingress pod coverage 71\.4%/],
    [['--fail-under', '50'], 0, /PASS egress/],
    [['--fail-under', '0'], 0, /PASS ingress/],
    [['--fail-under', '100%', '--direction', 'ingress'], 1, /below --fail-under 100%/],
  ])('%j exits %i', async (flags, code, line) => {
    const r = await kordon('analyze', fx('shop'), ...flags);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(line);
  });

  it('judges only the non-excluded namespaces, as --exclude-namespaces sets them', async () => {
    const r = await kordon('analyze', fx('shop'), '--fail-under', '80', '--exclude-namespaces', 'kube-system,legacy');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/PASS ingress pod coverage 100% \(5 of 5 pods isolated\)/);
    expect(r.stderr).toMatch(/PASS egress pod coverage 80% \(4 of 5 pods isolated\)/);
    // The list replaces the default: kube-system is judged unless named.
    const j = await json(fx('shop'), '--exclude-namespaces', 'legacy');
    expect(j.excludedNamespaces).toEqual(['legacy']);
    expect(j.cluster.ingress).toMatchObject({ pods: 7, isolatedPods: 5 });
    expect(j.namespaces.find((n: { name: string }) => n.name === 'kube-system').excluded).toBe(false);
  });

  it('counts a cluster whose engine is none as 0% covered', async () => {
    const r = await kordon('analyze', fx('state-engine-none.json'), '--fail-under', '10', '--direction', 'ingress');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/FAIL ingress pod coverage 0% \(policies are not enforced \(network policy engine: none\); declared 75%: 3 of 4 pods\)/);
    expect((await kordon('analyze', fx('state-engine-none.json'), '--fail-under', '0')).code).toBe(0);
  });

  it('puts the verdict in the JSON report too, keeping stdout pure JSON', async () => {
    const r = await kordon('analyze', fx('shop'), '--json', '--fail-under', '60');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.gate).toMatchObject({ threshold: 60, direction: 'both', passed: false });
    expect(report.gate.checks.map((c: { direction: string; passed: boolean }) => [c.direction, c.passed])).toEqual([
      ['ingress', true],
      ['egress', false],
    ]);
  });
});

describe('kordon analyze: bad input exits 2 with file, object and field, never a stack', () => {
  it.each([
    ['invalid/broken.yaml', /invalid input in .*broken\.yaml \(1 error\)[\s\S]*Malformed YAML in .*broken\.yaml at line 13/],
    ['invalid/broken.json', /Malformed JSON in .*broken\.json at line 8, column 1/],
    ['invalid/invalid-cidr.yaml', /NetworkPolicy shop\/allow-office \(.*invalid-cidr\.yaml:6\): spec\.ingress\[0\]\.from\[0\]\.ipBlock\.cidr: "192\.168\.10\.0\/33" is not a valid IPv4 or IPv6 CIDR/],
    ['invalid/invalid-port.yaml', /NetworkPolicy shop\/allow-metrics \(.*invalid-port\.yaml:1\): spec\.ingress\[0\]\.ports\[0\]\.port: must be 1-65535, got 90000/],
    ['invalid/unknown-kind.yaml', /unknown-kind\.yaml: unknown kind "NetworkPolcy" \(apiVersion networking\.k8s\.io\/v1\)/],
    ['does-not-exist', /Cannot read .*does-not-exist: no such file or directory/],
  ])('%s', async (file, message) => {
    for (const extra of [[], ['--json']]) {
      const r = await kordon('analyze', fx(file), ...extra);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^kordon: error: /);
      expect(r.stderr).toMatch(message);
      noStack(r);
    }
  });

  it('reports every defect of a folder at once', async () => {
    const r = await kordon('analyze', fx('invalid'), '--fail-under', '50');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(5 errors)');
    for (const f of ['broken.yaml', 'broken.json', 'invalid-cidr.yaml', 'invalid-port.yaml', 'unknown-kind.yaml']) expect(r.stderr).toContain(f);
  });

  it('keeps known kinds it does not use (ConfigMap) and custom resources as warnings', async () => {
    const r = await kordon('analyze', fx('shop/legacy.yaml'));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: .*1 ConfigMap object skipped/);
    expect(r.stderr).toMatch(/warning: .*1 Certificate \(cert-manager\.io\/v1\) object skipped/);
  });

  it.each([
    [[], /Usage: kordon/],
    [['analyze'], /missing required argument 'path'/],
    [['analyze', 'x', '--fail-under', '101'], /--fail-under.*expected a percentage from 0 to 100, got "101"/],
    [['analyze', 'x', '--fail-under', 'lots'], /expected a percentage from 0 to 100/],
    [['analyze', 'x', '--direction', 'sideways'], /Allowed choices are ingress, egress, both/],
    [['analyze', 'x', '--exclude-namespaces', 'Kube_System'], /not a namespace name: "Kube_System"/],
    [['analyze', 'x', '--bogus'], /unknown option '--bogus'/],
    [['analyse', 'x'], /unknown command 'analyse'/],
  ])('usage %j exits 2', async (argv, message) => {
    const r = await kordon(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    noStack(r);
  });

  it('help exits 0 and documents the exit codes', async () => {
    const top = await kordon('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/analyze \[options\] <path>/);
    const sub = await kordon('analyze', '--help');
    expect(sub.code).toBe(0);
    for (const flag of ['--json', '--connections', '--fail-under <pct>', '--direction <direction>', '--exclude-namespaces <names>']) expect(sub.stdout).toContain(flag);
    expect(sub.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 /);
  });
});
