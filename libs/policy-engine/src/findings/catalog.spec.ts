// The catalog's own contract: stable, unique ids; every rule complete; every YAML it offers parses
// into the object it claims; findings are plain, sorted, deterministic and leave the input alone.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FINDING_RULES, findingRule, RULE } from './catalog';
import { compareFindings } from './compute-findings';
import { SEVERITIES, type Finding } from './finding.types';
import { CILIUM, denyAll, findings, np, NPM, ns, pod, state } from './findings.test-helpers';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const busy = () =>
  state({
    networkProfile: { ...NPM, networkPlugin: 'azure' },
    nodePools: [{ name: 'system', osType: 'Linux', count: 3 }, { name: 'win', osType: 'Windows', count: 1 }],
    namespaces: [ns('a'), ns('b', { team: 'x' }), ns('kube-system')],
    pods: [pod('a', 'web', { app: 'web' }), pod('b', 'api', { app: 'api' }), pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' })],
    networkPolicies: [
      denyAll('a'),
      np('a', 'open', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
      np('b', 'drift', { podSelector: { matchLabels: { app: 'gone' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
    ],
    services: [{ namespace: 'a', name: 'lb', type: 'LoadBalancer', selector: { app: 'web' } }],
  });

describe('FINDING_RULES', () => {
  it('ids are KORDON-NNN, unique, in order, and RULE names each of them', () => {
    const ids = FINDING_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    ids.forEach((id, i) => expect(id).toBe(`KORDON-${String(i + 1).padStart(3, '0')}`));
    expect(Object.values(RULE).sort()).toEqual([...ids].sort());
  });

  it('slugs are unique kebab-case; every rule is complete', () => {
    expect(new Set(FINDING_RULES.map((r) => r.slug)).size).toBe(FINDING_RULES.length);
    for (const r of FINDING_RULES) {
      expect(r.slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(SEVERITIES).toContain(r.severity);
      expect(r.title.length).toBeGreaterThan(10);
      expect(r.rationale.length).toBeGreaterThan(80);
      expect(r.remediation.length).toBeGreaterThan(30);
      expect(r.references.length).toBeGreaterThan(0);
    }
  });

  it('remediation YAML templates parse into Kubernetes objects', () => {
    for (const r of FINDING_RULES.filter((x) => x.remediationYaml)) {
      const docs = parseAllDocuments(r.remediationYaml!) as unknown as { errors: unknown[]; toJS(): { apiVersion: string; kind: string } }[];
      for (const d of docs) {
        expect(d.errors).toEqual([]);
        expect(d.toJS().kind).toMatch(/^(NetworkPolicy|Service)$/);
      }
    }
  });

  it('findingRule throws for an unknown id', () => {
    expect(findingRule('KORDON-001').slug).toBe('policies-not-enforced');
    expect(() => findingRule('KORDON-999')).toThrow();
  });
});

describe('computeFindings', () => {
  it('emits findings of known rules with their title, and YAML that parses', () => {
    const all = findings(busy());
    expect(all.length).toBeGreaterThan(5);
    for (const f of all) {
      const rule = findingRule(f.ruleId);
      expect(f.title).toBe(rule.title);
      if (f.remediationYaml) {
        const docs = parseAllDocuments(f.remediationYaml) as unknown as { errors: unknown[]; toJS(): { metadata: { namespace: string } } }[];
        docs.forEach((d) => expect(d.errors).toEqual([]));
        if (f.namespace && f.ruleId !== RULE.egressDenyBlocksDns) expect(docs[0].toJS().metadata.namespace).toBe(f.namespace);
      }
    }
  });

  it('is sorted by severity, rule, namespace, object and message', () => {
    const all = findings(busy(), { now: '2026-06-01' });
    const resorted = [...all].sort(compareFindings);
    expect(all).toEqual(resorted);
    const ranks = all.map((f) => SEVERITIES.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('is deterministic, plain JSON, and does not touch its input', () => {
    const input = deepFreeze(busy());
    const a = findings(input, { now: '2026-06-01' });
    const b = findings(input, { now: '2026-06-01' });
    expect(a).toEqual(b);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('input order does not change the output', () => {
    const s = busy();
    const reversed = { ...s, namespaces: [...s.namespaces].reverse(), pods: [...s.pods].reverse(), networkPolicies: [...s.networkPolicies].reverse() };
    expect(findings(reversed)).toEqual(findings(s));
  });

  it('a clean cluster has no findings but the info it cannot help', () => {
    const clean = state({
      networkProfile: CILIUM,
      namespaces: [ns('a'), ns('kube-system')],
      pods: [pod('a', 'web', { app: 'web' }), pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' })],
      networkPolicies: [
        denyAll('a'),
        np('a', 'dns', {
          policyTypes: ['Egress'],
          egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
        }),
      ],
    });
    expect(findings(clean)).toEqual([] as Finding[]);
  });
});
