// Which policies allow a connection: the egress policies of the source admitting the destination,
// the ingress policies of the destination admitting the source, only where their ports meet the
// connection actually allowed.
import { describe, expect, it } from 'vitest';
import type { ClusterState, NetworkPolicy, PodInfo } from './model';
import { analyzeReachability } from './reachability';

const pod = (namespace: string, name: string, labels: Record<string, string>, extra: Partial<PodInfo> = {}): PodInfo => ({ namespace, name, labels, ...extra });
const np = (namespace: string, name: string, spec: Partial<NetworkPolicy['spec']>): NetworkPolicy => ({ metadata: { name, namespace }, spec: { podSelector: {}, ...spec } });

function state(policies: NetworkPolicy[]): ClusterState {
  return {
    namespaces: [{ name: 'a', labels: {} }, { name: 'b', labels: { team: 'y' } }],
    pods: [
      pod('a', 'db', { app: 'db' }, { ports: [{ name: 'sql', containerPort: 5432 }] }),
      pod('a', 'web', { app: 'web' }),
      pod('b', 'client', { app: 'client' }),
    ],
    networkPolicies: policies,
    networkProfile: { networkPolicy: 'azure' },
  };
}

describe('allowedBy', () => {
  it('says allowed by default when no policy selects either side', () => {
    const r = analyzeReachability(state([]));
    expect(r.allowedBy('b/client', 'a/db')).toEqual({
      egress: { peer: 'b/client', defaultAllow: true, policies: [], deniedBy: [], l7: [], notEvaluated: [] },
      ingress: { peer: 'a/db', defaultAllow: true, policies: [], deniedBy: [], l7: [], notEvaluated: [] },
    });
  });

  it('names the ingress policies whose rules admit the source, not the deny baseline', () => {
    const r = analyzeReachability(
      state([
        np('a', 'deny', { policyTypes: ['Ingress'] }),
        np('a', 'db-from-b', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'y' } } }], ports: [{ port: 'sql' }] }] }),
        np('a', 'db-from-web', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
        // Admits b, but on a port that the destination does not get any other way: still counts.
        np('a', 'db-any-9999', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 9999 }] }] }),
      ]),
    );
    expect(r.between('b/client', 'a/db').toString()).toBe('TCP 5432,9999');
    const a = r.allowedBy('b/client', 'a/db');
    expect(a.ingress.defaultAllow).toBe(false);
    expect(a.ingress.policies.map((p) => p.name)).toEqual(['db-any-9999', 'db-from-b']);
    expect(a.egress.defaultAllow).toBe(true);
    expect(r.allowedBy('a/web', 'a/db').ingress.policies.map((p) => p.name)).toEqual(['db-any-9999', 'db-from-web']);
  });

  it('leaves out a rule whose ports miss the connection the other side allows', () => {
    const r = analyzeReachability(
      state([
        np('b', 'out', { policyTypes: ['Egress'], egress: [{ ports: [{ port: 5432 }] }] }),
        np('a', 'in-80', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 80 }] }] }),
        np('a', 'in-sql', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 5432 }] }] }),
      ]),
    );
    expect(r.between('b/client', 'a/db').toString()).toBe('TCP 5432');
    const a = r.allowedBy('b/client', 'a/db');
    expect(a.egress.policies).toEqual([{ kind: 'NetworkPolicy', namespace: 'b', name: 'out' }]);
    expect(a.ingress.policies).toEqual([{ kind: 'NetworkPolicy', namespace: 'a', name: 'in-sql' }]);
  });

  it('explains external peers with ipBlock rules', () => {
    const r = analyzeReachability(state([np('a', 'from-lb', { policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })]));
    const into = r.whoCanReach('a/web').find((c) => c.src === '10.0.0.0-10.255.255.255')!;
    expect(into.conn).toBe('All Connections');
    const a = r.allowedBy(into.src, into.dst);
    expect(a.egress.peer).toBeNull();
    expect(a.ingress.policies).toEqual([{ kind: 'NetworkPolicy', namespace: 'a', name: 'from-lb' }]);
  });
});
