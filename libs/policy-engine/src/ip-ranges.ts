// CIDR parsing for ipBlocks (IPv4 and IPv6) into numeric ranges. Validation lives here so that
// posture, findings and reachability agree on what a valid block is; the ranges are bigints so
// IPv6 needs no special casing later.

export type IpFamily = 4 | 6;

export interface CidrRange {
  family: IpFamily;
  prefix: number;
  /** First and last address of the block, inclusive. */
  start: bigint;
  end: bigint;
}

export type CidrParse = { ok: true; range: CidrRange } | { ok: false; error: string };

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  let head = text;
  let tailV4: bigint | null = null;
  // An embedded dotted quad (::ffff:10.0.0.1) stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tailV4 = parseIpv4(text.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const toGroups = (s: string): string[] | null => (s === '' ? [] : s.split(':'));
  const left = toGroups(halves[0]);
  const right = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!left || !right) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== null) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** An address as text (IPv4 dotted quad or IPv6), or null. */
export function parseIp(text: string): { family: IpFamily; value: bigint } | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : null;
  return v6 === null ? null : { family: 6, value: v6 };
}

export function parseCidr(text: string): CidrParse {
  if (typeof text !== 'string') return { ok: false, error: 'CIDR must be a string' };
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, error: `"${text}" has no prefix length` };
  const addressText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family: IpFamily = addressText.includes(':') ? 6 : 4;
  const address = family === 4 ? parseIpv4(addressText) : parseIpv6(addressText);
  if (address === null) return { ok: false, error: `"${addressText}" is not an IPv${family} address` };
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    return { ok: false, error: `prefix length "${prefixText}" is not 0..${bits}` };
  }
  const prefix = Number(prefixText);
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  // Kubernetes accepts host bits set (10.0.0.1/8) and means the network; so do we.
  const start = address & ~hostMask & ((1n << BigInt(bits)) - 1n);
  return { ok: true, range: { family, prefix, start, end: start | hostMask } };
}

export function cidrContains(outer: CidrRange, inner: CidrRange): boolean {
  return outer.family === inner.family && inner.start >= outer.start && inner.end <= outer.end;
}
