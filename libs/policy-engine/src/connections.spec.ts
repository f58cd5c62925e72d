// Truth tables for connection sets: canonical printing, the algebra, and what a rule's `ports`
// admit at a destination (numeric, ranges, protocols, named ports by name AND protocol).
import { describe, expect, it } from 'vitest';
import { ConnectionSet, portConnections, ruleConnections } from './connections';
import type { ContainerPort } from './model';
import { normalizeNetworkPolicy, type NormalizedRule } from './policies';

const all = ConnectionSet.all();
const none = ConnectionSet.none();
const tcp = (a?: number, b?: number) => ConnectionSet.ports('TCP', a, b);
const udp = (a?: number, b?: number) => ConnectionSet.ports('UDP', a, b);
const sctp = (a?: number, b?: number) => ConnectionSet.ports('SCTP', a, b);
const u = (...sets: ConnectionSet[]) => ConnectionSet.unionOf(sets);

describe('canonical printing', () => {
  const rows: [string, ConnectionSet, string][] = [
    ['everything', all, 'All Connections'],
    ['nothing', none, 'No Connections'],
    ['three full protocols built piecewise is everything', u(tcp(), udp(), sctp()), 'All Connections'],
    ['one port', tcp(80), 'TCP 80'],
    ['a range is inclusive a-b', tcp(8080, 8090), 'TCP 8080-8090'],
    ['ports sorted, protocols alphabetical', u(udp(53), tcp(8080, 8090), tcp(80)), 'TCP 80,8080-8090,UDP 53'],
    ['a whole protocol prints its name only', u(tcp(443), sctp()), 'SCTP,TCP 443'],
    ['adjacent ports merge into a range', u(tcp(80), tcp(81), tcp(82, 90)), 'TCP 80-90'],
    ['overlapping ranges merge', u(tcp(80, 100), tcp(90, 120)), 'TCP 80-120'],
    ['non-adjacent ports stay apart', u(tcp(80), tcp(82)), 'TCP 80,82'],
    ['1-65535 is the whole protocol', tcp(1, 65535), 'TCP'],
    ['two whole protocols', u(udp(), tcp()), 'TCP,UDP'],
    ['edges of the port space', u(tcp(1), tcp(65535)), 'TCP 1,65535'],
  ];
  it.each(rows)('%s', (_name, set, text) => {
    expect(set.toString()).toBe(text);
    expect(JSON.stringify(set)).toBe(JSON.stringify(text));
    expect(ConnectionSet.parse(text).equals(set)).toBe(true);
  });

  it('parse accepts any order and rejects garbage', () => {
    expect(ConnectionSet.parse('UDP 53,TCP 90,80').toString()).toBe('TCP 80,90,UDP 53');
    expect(() => ConnectionSet.parse('HTTP 80')).toThrow();
    expect(() => ConnectionSet.parse('TCP 0')).toThrow();
    expect(() => ConnectionSet.parse('TCP 90-80')).toThrow();
  });

  it('rejects ports outside 1-65535', () => {
    expect(() => tcp(0)).toThrow(RangeError);
    expect(() => tcp(10, 65536)).toThrow(RangeError);
    expect(() => tcp(20, 10)).toThrow(RangeError);
  });
});

describe('algebra', () => {
  const a = u(tcp(80, 100), udp(53));
  const b = u(tcp(90, 200), sctp());
  const rows: [string, ConnectionSet, string][] = [
    ['union', a.union(b), 'SCTP,TCP 80-200,UDP 53'],
    ['intersection', a.intersect(b), 'TCP 90-100'],
    ['a minus b', a.subtract(b), 'TCP 80-89,UDP 53'],
    ['b minus a', b.subtract(a), 'SCTP,TCP 101-200'],
    ['subtracting a hole splits a range', tcp().subtract(tcp(100, 200)), 'TCP 1-99,201-65535'],
    ['subtracting several holes', tcp(1, 100).subtract(u(tcp(10), tcp(20, 30), tcp(100))), 'TCP 1-9,11-19,31-99'],
    ['all minus one port', all.subtract(udp(53)), 'SCTP,TCP,UDP 1-52,54-65535'],
    ['all minus all', all.subtract(all), 'No Connections'],
    ['x minus none', a.subtract(none), 'TCP 80-100,UDP 53'],
    ['all ∩ x = x', all.intersect(a), 'TCP 80-100,UDP 53'],
    ['none ∪ x = x', none.union(a), 'TCP 80-100,UDP 53'],
    ['disjoint intersection is empty', tcp(1, 10).intersect(tcp(11, 20)), 'No Connections'],
    ['intersection across several intervals', u(tcp(1, 10), tcp(20, 30)).intersect(u(tcp(5, 25), tcp(28))), 'TCP 5-10,20-25,28'],
  ];
  it.each(rows)('%s', (_name, set, text) => expect(set.toString()).toBe(text));

  it('predicates', () => {
    expect(all.isAll()).toBe(true);
    expect(all.isEmpty()).toBe(false);
    expect(none.isEmpty()).toBe(true);
    expect(none.isAll()).toBe(false);
    expect(u(tcp(), udp()).isAll()).toBe(false);
    expect(u(tcp(1, 10), tcp(11, 65535)).equals(tcp())).toBe(true);
    expect(tcp(80).equals(udp(80))).toBe(false);
    expect(a.contains(tcp(85))).toBe(true);
    expect(a.contains(tcp(101))).toBe(false);
    expect(all.contains(a)).toBe(true);
    expect(none.contains(none)).toBe(true);
    expect(a.intervals('TCP')).toEqual([[80, 100]]);
  });
});

describe('ports of a rule at a destination', () => {
  const rule = (ports: unknown): NormalizedRule =>
    normalizeNetworkPolicy({ metadata: { name: 'p', namespace: 'n' }, spec: { podSelector: {}, ingress: [{ ...(ports === undefined ? {} : { ports }) } as never] } }, []).rules.ingress[0];
  const dest: ContainerPort[] = [
    { name: 'http', containerPort: 8080 },
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    { name: 'assoc', containerPort: 3868, protocol: 'SCTP' },
  ];
  const rows: [string, unknown, ContainerPort[] | null, string][] = [
    ['absent ports: everything', undefined, dest, 'All Connections'],
    ['empty ports: everything', [], dest, 'All Connections'],
    ['numeric port defaults to TCP', [{ port: 80 }], dest, 'TCP 80'],
    ['UDP port', [{ protocol: 'UDP', port: 53 }], dest, 'UDP 53'],
    ['protocol without port: every port of it', [{ protocol: 'SCTP' }], dest, 'SCTP'],
    ['no protocol, no port: every TCP port', [{}], dest, 'TCP'],
    ['endPort range, inclusive', [{ port: 8000, endPort: 8080 }], dest, 'TCP 8000-8080'],
    ['named port resolved at the destination', [{ port: 'http' }], dest, 'TCP 8080'],
    ['named port: protocol must match (dns is UDP, the default is TCP)', [{ port: 'dns' }], dest, 'No Connections'],
    ['named port with its protocol', [{ port: 'dns', protocol: 'UDP' }], dest, 'UDP 53'],
    ['named SCTP port', [{ port: 'assoc', protocol: 'SCTP' }], dest, 'SCTP 3868'],
    ['named port the destination lacks', [{ port: 'metrics' }], dest, 'No Connections'],
    ['named port at a destination without ports (an address)', [{ port: 'http' }], null, 'No Connections'],
    ['numeric port at a destination without ports', [{ port: 80 }], null, 'TCP 80'],
    ['several entries are a union', [{ port: 'http' }, { port: 53, protocol: 'UDP' }, { port: 9000, endPort: 9001 }], dest, 'TCP 8080,9000-9001,UDP 53'],
    ['an invalid entry matches nothing, the list stays a list', [{ port: 70000 }], dest, 'No Connections'],
  ];
  it.each(rows)('%s', (_name, ports, destination, text) => {
    expect(ruleConnections(rule(ports), destination).toString()).toBe(text);
  });

  it('a named port defined by two containers resolves to both', () => {
    const twice: ContainerPort[] = [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 8080 }];
    expect(portConnections({ kind: 'named', protocol: 'TCP', name: 'http' }, twice).toString()).toBe('TCP 80,8080');
  });
});
