// Truth tables for the normalized NetworkPolicy view: policyTypes defaulting, absent vs empty
// lists, peer classification, ports, allow-all detection.
import { describe, expect, it } from 'vitest';
import type { NetworkPolicy, Problem } from './model';
import { allowAllReasons, isDefaultDenyPolicy, normalizeNetworkPolicy, type Direction } from './policies';

const policy = (spec: Partial<NetworkPolicy['spec']>, namespace = 'prod'): NetworkPolicy => ({
  metadata: { name: 'p', namespace },
  spec: { podSelector: {}, ...spec },
});

const normalize = (spec: Partial<NetworkPolicy['spec']>) => {
  const problems: Problem[] = [];
  return { view: normalizeNetworkPolicy(policy(spec), problems), problems };
};

describe('policyTypes defaulting', () => {
  const rows: [string, Partial<NetworkPolicy['spec']>, Direction[]][] = [
    ['no sections: Ingress', {}, ['ingress']],
    ['ingress rules only: Ingress', { ingress: [{}] }, ['ingress']],
    ['egress rules only: Ingress plus Egress', { egress: [{}] }, ['ingress', 'egress']],
    ['both sections: both', { ingress: [{}], egress: [{}] }, ['ingress', 'egress']],
    // The API server checks len(spec.Egress) != 0: an empty egress list adds nothing.
    ['egress: [] without policyTypes: Ingress only', { egress: [] }, ['ingress']],
    ['explicit Egress', { policyTypes: ['Egress'] }, ['egress']],
    ['explicit Egress with ingress rules: still Egress only', { policyTypes: ['Egress'], ingress: [{}] }, ['egress']],
    ['explicit both, listed egress first', { policyTypes: ['Egress', 'Ingress'] }, ['ingress', 'egress']],
    ['explicit empty list defaults', { policyTypes: [], egress: [{}] }, ['ingress', 'egress']],
  ];
  it.each(rows)('%s', (_name, spec, expected) => {
    expect(normalize(spec).view.policyTypes).toEqual(expected);
  });

  it('warns that rules of a direction outside policyTypes are ignored', () => {
    const { view, problems } = normalize({ policyTypes: ['Egress'], ingress: [{}] });
    expect(view.rules.ingress).toEqual([]);
    expect(problems.map((p) => p.code)).toEqual(['ignored-rules']);
  });
});

describe('default-deny shape', () => {
  const rows: [string, Partial<NetworkPolicy['spec']>, Direction, boolean][] = [
    ['{} + policyTypes Ingress, no rules', { policyTypes: ['Ingress'] }, 'ingress', true],
    ['{} + ingress: []', { ingress: [] }, 'ingress', true],
    ['{} with no sections at all (defaults to Ingress)', {}, 'ingress', true],
    ['{} + policyTypes Egress, no egress rules: default-deny egress', { policyTypes: ['Egress'] }, 'egress', true],
    ['{} + egress: [] without policyTypes is not an egress deny', { egress: [] }, 'egress', false],
    ['{} + ingress rule [{}] allows all', { ingress: [{}] }, 'ingress', false],
    ['ingress-only policy does not deny egress', { policyTypes: ['Ingress'] }, 'egress', false],
    ['restricted podSelector is not a baseline', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress'] }, 'ingress', false],
  ];
  it.each(rows)('%s', (_name, spec, direction, expected) => {
    expect(isDefaultDenyPolicy(normalize(spec).view, direction)).toBe(expected);
  });
});

describe('rules: absent vs empty vs listed', () => {
  it('absent and empty from both match all peers, and are told apart', () => {
    const { view } = normalize({ ingress: [{}, { from: [] }, { from: [{ podSelector: {} }] }] });
    expect(view.rules.ingress.map((r) => [r.peersField, r.allPeers])).toEqual([
      ['absent', true],
      ['empty', true],
      ['list', false],
    ]);
  });

  it('absent and empty ports both match all ports', () => {
    const { view } = normalize({ egress: [{}, { ports: [] }, { ports: [{ port: 53, protocol: 'UDP' }] }] });
    expect(view.rules.egress.map((r) => [r.portsField, r.allPorts])).toEqual([
      ['absent', true],
      ['empty', true],
      ['list', false],
    ]);
  });

  it('a list whose only entry is invalid matches nothing, not everything', () => {
    const { view, problems } = normalize({ ingress: [{ from: [{}] }] });
    expect(view.rules.ingress[0]).toMatchObject({ peersField: 'list', allPeers: false, peers: [] });
    expect(problems[0]).toMatchObject({ code: 'invalid-peer', field: 'spec.ingress[0].from[0]', object: 'prod/p' });
  });
});

describe('peers', () => {
  it('classifies podSelector alone, namespaceSelector alone, both (AND), ipBlock', () => {
    const { view } = normalize({
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: 'a' } } },
            { namespaceSelector: { matchLabels: { team: 't' } } },
            { podSelector: { matchLabels: { app: 'a' } }, namespaceSelector: {} },
            { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
            { ipBlock: { cidr: '2001:db8::/32' } },
          ],
        },
      ],
    });
    expect(view.rules.ingress[0].peers.map((p) => p.kind)).toEqual(['pods', 'namespaces', 'podsInNamespaces', 'ipBlock', 'ipBlock']);
    expect(view.rules.ingress[0].peers[0]).toMatchObject({ kind: 'pods', namespace: 'prod' });
    expect(view.rules.ingress[0].peers[3]).toMatchObject({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], family: 4, prefix: 8 });
    expect(view.rules.ingress[0].peers[4]).toMatchObject({ family: 6, prefix: 32 });
    expect(view.ipBlockCount).toBe(2);
  });

  const invalid: [string, object, string][] = [
    ['bad CIDR', { ipBlock: { cidr: '10.0.0.300/8' } }, 'invalid-cidr'],
    ['except outside cidr', { ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] } }, 'invalid-cidr'],
    ['ipBlock with a selector', { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }, 'invalid-peer'],
    ['bad operator', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Nope' }] } }, 'invalid-selector'],
  ];
  it.each(invalid)('%s is reported', (_name, peer, code) => {
    const { problems } = normalize({ ingress: [{ from: [peer as never] }] });
    expect(problems.map((p) => p.code)).toContain(code);
  });
});

describe('ports', () => {
  it('defaults TCP, keeps named ports and ranges', () => {
    const { view } = normalize({
      ingress: [{ ports: [{ port: 80 }, { protocol: 'UDP', port: 53 }, { port: 'http' }, { port: 8000, endPort: 8080 }, { protocol: 'SCTP' }] }],
    });
    expect(view.rules.ingress[0].ports).toEqual([
      { kind: 'range', protocol: 'TCP', from: 80, to: 80 },
      { kind: 'range', protocol: 'UDP', from: 53, to: 53 },
      { kind: 'named', protocol: 'TCP', name: 'http' },
      { kind: 'range', protocol: 'TCP', from: 8000, to: 8080 },
      { kind: 'all', protocol: 'SCTP' },
    ]);
  });

  const invalid: [string, object][] = [
    ['endPort below port', { port: 90, endPort: 80 }],
    ['endPort with a named port', { port: 'http', endPort: 80 }],
    ['port 0', { port: 0 }],
    ['port 70000', { port: 70000 }],
    ['unknown protocol', { protocol: 'ICMP', port: 1 }],
  ];
  it.each(invalid)('%s is an error and matches nothing', (_name, port) => {
    const { view, problems } = normalize({ ingress: [{ ports: [port as never] }] });
    expect(view.rules.ingress[0]).toMatchObject({ allPorts: false, ports: [] });
    expect(problems[0]).toMatchObject({ severity: 'error', code: 'invalid-port' });
  });
});

describe('allowAllReasons', () => {
  const rows: [string, object, string[]][] = [
    ['no from, no ports', {}, ['any-peer']],
    ['from: [] and ports: []', { from: [], ports: [] }, ['any-peer']],
    ['no from but ports', { ports: [{ port: 80 }] }, []],
    ['namespaceSelector {} alone', { from: [{ namespaceSelector: {} }] }, ['all-namespaces']],
    ['namespaceSelector {} and podSelector {} in one peer', { from: [{ namespaceSelector: {}, podSelector: {} }] }, ['all-namespaces']],
    ['namespaceSelector {} and a restricting podSelector', { from: [{ namespaceSelector: {}, podSelector: { matchLabels: { a: 'b' } } }] }, []],
    ['podSelector {} alone is only the own namespace', { from: [{ podSelector: {} }] }, []],
    ['0.0.0.0/0', { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }, ['all-ipv4']],
    ['::/0', { from: [{ ipBlock: { cidr: '::/0' } }] }, ['all-ipv6']],
    ['0.0.0.0/0 with except', { from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }, []],
    ['namespaceSelector {} on port 443 only', { from: [{ namespaceSelector: {} }], ports: [{ port: 443 }] }, []],
  ];
  it.each(rows)('%s', (_name, rule, expected) => {
    const { view } = normalize({ ingress: [rule] });
    expect(allowAllReasons(view.rules.ingress[0])).toEqual(expected);
  });
});
