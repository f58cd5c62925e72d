// Connection sets: which protocols and ports a connection may use. A value type over
// TCP/UDP/SCTP × port intervals 1..65535 with the set algebra reachability needs, the resolution
// of a rule's `ports` against a destination's container ports, and the canonical printing
// (`All Connections`, `No Connections`, `SCTP,TCP 80,8080-8090,UDP 53`).
//
// Intervals are kept sorted, disjoint and non-adjacent, so two equal sets have equal arrays and
// the printed form is a canonical key.

import type { ContainerPort, Protocol } from './model';
import type { NormalizedPort, NormalizedRule } from './policies';

/** Alphabetical: the printing order. */
export const PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Flattened inclusive intervals [a0, b0, a1, b1, …]: sorted, disjoint, non-adjacent. */
type Intervals = readonly number[];

const EMPTY: Intervals = [];
const FULL: Intervals = [MIN_PORT, MAX_PORT];

function isFull(iv: Intervals): boolean {
  return iv.length === 2 && iv[0] === MIN_PORT && iv[1] === MAX_PORT;
}

/** Sorts and merges arbitrary [a, b] pairs into canonical form. */
function normalizeIntervals(pairs: [number, number][]): Intervals {
  if (pairs.length === 0) return EMPTY;
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: number[] = [];
  for (const [a, b] of pairs) {
    const last = out.length - 1;
    if (last > 0 && a <= out[last] + 1) {
      if (b > out[last]) out[last] = b;
    } else {
      out.push(a, b);
    }
  }
  return out.length === 2 && isFull(out) ? FULL : out;
}

function unionIntervals(x: Intervals, y: Intervals): Intervals {
  if (x.length === 0 || isFull(y)) return y;
  if (y.length === 0 || isFull(x)) return x;
  const pairs: [number, number][] = [];
  for (let i = 0; i < x.length; i += 2) pairs.push([x[i], x[i + 1]]);
  for (let i = 0; i < y.length; i += 2) pairs.push([y[i], y[i + 1]]);
  return normalizeIntervals(pairs);
}

function intersectIntervals(x: Intervals, y: Intervals): Intervals {
  if (x.length === 0 || isFull(y)) return x;
  if (y.length === 0 || isFull(x)) return y;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const lo = Math.max(x[i], y[j]);
    const hi = Math.min(x[i + 1], y[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (x[i + 1] < y[j + 1]) i += 2;
    else j += 2;
  }
  return out.length === 0 ? EMPTY : out;
}

function subtractIntervals(x: Intervals, y: Intervals): Intervals {
  if (x.length === 0 || y.length === 0) return x;
  if (isFull(y)) return EMPTY;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < x.length; i += 2) {
    let a = x[i];
    const b = x[i + 1];
    while (j < y.length && y[j + 1] < a) j += 2;
    let k = j;
    while (k < y.length && y[k] <= b && a <= b) {
      if (y[k] > a) out.push(a, y[k] - 1);
      a = Math.max(a, y[k + 1] + 1);
      k += 2;
    }
    if (a <= b) out.push(a, b);
  }
  return out.length === 0 ? EMPTY : out;
}

function equalIntervals(x: Intervals, y: Intervals): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function printIntervals(iv: Intervals): string {
  const parts: string[] = [];
  for (let i = 0; i < iv.length; i += 2) parts.push(iv[i] === iv[i + 1] ? String(iv[i]) : `${iv[i]}-${iv[i + 1]}`);
  return parts.join(',');
}

type ByProtocol = Readonly<Record<Protocol, Intervals>>;

// The two shared extremes; assigned once in the class's static block.
let ALL: ConnectionSet;
let NONE: ConnectionSet;

/** An immutable set of (protocol, port) pairs. Build with the static helpers; compare with `equals`. */
export class ConnectionSet {
  private text: string | null = null;

  private constructor(private readonly byProtocol: ByProtocol) {}

  static {
    ALL = new ConnectionSet({ SCTP: FULL, TCP: FULL, UDP: FULL });
    NONE = new ConnectionSet({ SCTP: EMPTY, TCP: EMPTY, UDP: EMPTY });
  }

  private static make(sctp: Intervals, tcp: Intervals, udp: Intervals): ConnectionSet {
    if (sctp.length === 0 && tcp.length === 0 && udp.length === 0) return NONE;
    if (isFull(sctp) && isFull(tcp) && isFull(udp)) return ALL;
    return new ConnectionSet({ SCTP: sctp, TCP: tcp, UDP: udp });
  }

  /** Every protocol on every port. */
  static all(): ConnectionSet {
    return ALL;
  }

  static none(): ConnectionSet {
    return NONE;
  }

  /** One protocol on an inclusive port range; every port of it when `from` is omitted, one port when `to` is. */
  static ports(protocol: Protocol, from?: number, to?: number): ConnectionSet {
    if (from === undefined) return ConnectionSet.ports(protocol, MIN_PORT, MAX_PORT);
    if (to === undefined) to = from;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < MIN_PORT || to > MAX_PORT || from > to) {
      throw new RangeError(`port range ${from}-${to} is not within ${MIN_PORT}-${MAX_PORT}`);
    }
    const iv = from === MIN_PORT && to === MAX_PORT ? FULL : [from, to];
    return ConnectionSet.make(protocol === 'SCTP' ? iv : EMPTY, protocol === 'TCP' ? iv : EMPTY, protocol === 'UDP' ? iv : EMPTY);
  }

  /** Union of many sets. */
  static unionOf(sets: Iterable<ConnectionSet>): ConnectionSet {
    let acc = NONE;
    for (const s of sets) {
      acc = acc.union(s);
      if (acc === ALL) break;
    }
    return acc;
  }

  /** Parses the canonical printing back (also accepts any protocol order and unsorted ports). */
  static parse(text: string): ConnectionSet {
    const trimmed = text.trim();
    if (trimmed === 'All Connections') return ALL;
    if (trimmed === 'No Connections') return NONE;
    const pairs: Record<Protocol, [number, number][]> = { SCTP: [], TCP: [], UDP: [] };
    let current: Protocol | null = null;
    for (const raw of trimmed.split(',')) {
      let token = raw.trim();
      const m = /^(TCP|UDP|SCTP)(?:\s+(.*))?$/.exec(token);
      if (m) {
        current = m[1] as Protocol;
        if (m[2] === undefined) {
          pairs[current].push([MIN_PORT, MAX_PORT]);
          continue;
        }
        token = m[2].trim();
      }
      if (current === null) throw new SyntaxError(`"${text}" is not a connection set`);
      const r = /^(\d+)(?:-(\d+))?$/.exec(token);
      if (!r) throw new SyntaxError(`"${token}" in "${text}" is not a port or port range`);
      const a = Number(r[1]);
      const b = r[2] === undefined ? a : Number(r[2]);
      if (a < MIN_PORT || b > MAX_PORT || a > b) throw new SyntaxError(`"${token}" in "${text}" is not within ${MIN_PORT}-${MAX_PORT}`);
      pairs[current].push([a, b]);
    }
    return ConnectionSet.make(normalizeIntervals(pairs.SCTP), normalizeIntervals(pairs.TCP), normalizeIntervals(pairs.UDP));
  }

  // Every set is built through make(), which returns the shared extremes: identity suffices.
  isAll(): boolean {
    return this === ALL;
  }

  isEmpty(): boolean {
    return this === NONE;
  }

  union(other: ConnectionSet): ConnectionSet {
    if (this === other || this === ALL || other === NONE) return this;
    if (other === ALL || this === NONE) return other;
    const a = this.byProtocol;
    const b = other.byProtocol;
    return ConnectionSet.make(unionIntervals(a.SCTP, b.SCTP), unionIntervals(a.TCP, b.TCP), unionIntervals(a.UDP, b.UDP));
  }

  intersect(other: ConnectionSet): ConnectionSet {
    if (this === other || this === ALL || other === NONE) return other;
    if (other === ALL || this === NONE) return this;
    const a = this.byProtocol;
    const b = other.byProtocol;
    return ConnectionSet.make(intersectIntervals(a.SCTP, b.SCTP), intersectIntervals(a.TCP, b.TCP), intersectIntervals(a.UDP, b.UDP));
  }

  subtract(other: ConnectionSet): ConnectionSet {
    if (other === NONE || this === NONE) return this;
    if (other === ALL) return NONE;
    const a = this.byProtocol;
    const b = other.byProtocol;
    return ConnectionSet.make(subtractIntervals(a.SCTP, b.SCTP), subtractIntervals(a.TCP, b.TCP), subtractIntervals(a.UDP, b.UDP));
  }

  equals(other: ConnectionSet): boolean {
    if (this === other) return true;
    return PROTOCOLS.every((p) => equalIntervals(this.byProtocol[p], other.byProtocol[p]));
  }

  /** True when every connection of `other` is in this set. */
  contains(other: ConnectionSet): boolean {
    return other.subtract(this).isEmpty();
  }

  /** `from`/`to` pairs of one protocol, inclusive. */
  intervals(protocol: Protocol): [number, number][] {
    const iv = this.byProtocol[protocol];
    const out: [number, number][] = [];
    for (let i = 0; i < iv.length; i += 2) out.push([iv[i], iv[i + 1]]);
    return out;
  }

  /** Canonical text: protocols alphabetically, each with its sorted ports and inclusive ranges. */
  toString(): string {
    if (this.text !== null) return this.text;
    let text: string;
    if (this.isAll()) text = 'All Connections';
    else if (this.isEmpty()) text = 'No Connections';
    else {
      const groups: string[] = [];
      for (const p of PROTOCOLS) {
        const iv = this.byProtocol[p];
        if (iv.length === 0) continue;
        groups.push(isFull(iv) ? p : `${p} ${printIntervals(iv)}`);
      }
      text = groups.join(',');
    }
    this.text = text;
    return text;
  }

  toJSON(): string {
    return this.toString();
  }
}


/**
 * What one `ports` entry admits at a destination. A named port resolves against the
 * destination's container ports with the same name AND protocol; a destination without such a
 * port (an external address has none) admits nothing through that entry.
 */
export function portConnections(port: NormalizedPort, destinationPorts: readonly ContainerPort[] | null | undefined): ConnectionSet {
  switch (port.kind) {
    case 'all':
      return ConnectionSet.ports(port.protocol, MIN_PORT, MAX_PORT);
    case 'range':
      return ConnectionSet.ports(port.protocol, port.from, port.to);
    case 'named': {
      let acc = NONE;
      for (const cp of destinationPorts ?? []) {
        if (cp.name === port.name && (cp.protocol ?? 'TCP') === port.protocol && Number.isInteger(cp.containerPort) && cp.containerPort >= MIN_PORT && cp.containerPort <= MAX_PORT) {
          acc = acc.union(ConnectionSet.ports(port.protocol, cp.containerPort, cp.containerPort));
        }
      }
      return acc;
    }
  }
}

/** What a rule's `ports` admit at a destination: everything when `ports` is absent or empty. */
export function ruleConnections(
  rule: Pick<NormalizedRule, 'allPorts' | 'ports'>,
  destinationPorts: readonly ContainerPort[] | null | undefined,
): ConnectionSet {
  if (rule.allPorts) return ALL;
  let acc = NONE;
  for (const p of rule.ports) acc = acc.union(portConnections(p, destinationPorts));
  return acc;
}

/** True when the rule's ports name a port, so the answer depends on the destination's ports. */
export function hasNamedPorts(rule: Pick<NormalizedRule, 'allPorts' | 'ports'>): boolean {
  return !rule.allPorts && rule.ports.some((p) => p.kind === 'named');
}
