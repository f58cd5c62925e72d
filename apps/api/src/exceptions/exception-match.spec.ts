import { describe, expect, it } from 'vitest';
import { matchDefaultDeny, matchFinding, nextExpiry, isInForce, type ExceptionRule } from './exception-match';

const AT = new Date('2026-12-01T00:00:00Z');
const C = 'c1';
let n = 0;
const ex = (over: Partial<ExceptionRule>): ExceptionRule => ({
  id: `e${++n}`,
  clusterId: C,
  namespace: null,
  workload: null,
  ruleId: null,
  direction: null,
  owner: 'team-a',
  status: 'approved',
  expiresAt: new Date('2027-01-01T00:00:00Z'),
  ...over,
});
const finding = (over: Partial<Parameters<typeof matchFinding>[1]> = {}) => ({ clusterId: C, ruleId: 'KORDON-007', namespace: 'shop', object: null, ...over });

describe('isInForce', () => {
  it.each([
    ['approved', '2027-01-01T00:00:00Z', true],
    ['approved', '2026-12-01T00:00:00Z', false],
    ['approved', '2026-11-30T00:00:00Z', false],
    ['pending', '2027-01-01T00:00:00Z', false],
    ['rejected', '2027-01-01T00:00:00Z', false],
    ['revoked', '2027-01-01T00:00:00Z', false],
  ])('%s expiring %s: %s', (status, expiresAt, expected) => {
    expect(isInForce({ status, expiresAt: new Date(expiresAt) }, AT)).toBe(expected);
  });
});

describe('matchFinding', () => {
  it('matches on cluster, rule and (when set) namespace and workload', () => {
    const e = ex({ ruleId: 'KORDON-007', namespace: 'shop', workload: 'Deployment/web' });
    const obj = { kind: 'Deployment', namespace: 'shop', name: 'web' };
    expect(matchFinding([e], finding({ object: obj }), AT)).toEqual({ exceptionId: e.id, owner: 'team-a', expiresAt: '2027-01-01T00:00:00.000Z' });
    expect(matchFinding([e], finding({ object: { ...obj, name: 'api' } }), AT)).toBeNull();
    expect(matchFinding([e], finding(), AT)).toBeNull();
    expect(matchFinding([e], finding({ object: obj, namespace: 'other' }), AT)).toBeNull();
    expect(matchFinding([e], finding({ object: obj, clusterId: 'c2' }), AT)).toBeNull();
    expect(matchFinding([e], finding({ object: obj, ruleId: 'KORDON-008' }), AT)).toBeNull();
  });

  it('a cluster-wide exception covers every namespace; the object namespace counts when the finding has none', () => {
    const e = ex({ ruleId: 'KORDON-007' });
    expect(matchFinding([e], finding({ namespace: 'x' }), AT)?.exceptionId).toBe(e.id);
    const nsOnly = ex({ ruleId: 'KORDON-007', namespace: 'shop' });
    expect(matchFinding([nsOnly], finding({ namespace: null, object: { kind: 'Service', namespace: 'shop', name: 's' } }), AT)?.exceptionId).toBe(nsOnly.id);
  });

  it('a direction exception covers the default-deny finding of that direction only', () => {
    const e = ex({ direction: 'ingress', namespace: 'shop' });
    expect(matchFinding([e], finding({ ruleId: 'KORDON-003' }), AT)?.exceptionId).toBe(e.id);
    expect(matchFinding([e], finding({ ruleId: 'KORDON-004' }), AT)).toBeNull();
  });

  it('ignores exceptions not in force and picks the one lasting longest', () => {
    const expired = ex({ ruleId: 'KORDON-007', expiresAt: new Date('2026-11-01T00:00:00Z') });
    const pending = ex({ ruleId: 'KORDON-007', status: 'pending' });
    expect(matchFinding([expired, pending], finding(), AT)).toBeNull();
    const short = ex({ ruleId: 'KORDON-007', expiresAt: new Date('2026-12-10T00:00:00Z') });
    const long = ex({ ruleId: 'KORDON-007', expiresAt: new Date('2027-06-01T00:00:00Z') });
    expect(matchFinding([short, long, expired], finding(), AT)?.exceptionId).toBe(long.id);
  });
});

describe('matchDefaultDeny', () => {
  it('matches a direction exception of the namespace or the whole cluster, never a workload one', () => {
    const ns = ex({ direction: 'egress', namespace: 'shop' });
    const all = ex({ direction: 'ingress' });
    const wl = ex({ direction: 'ingress', namespace: 'pay', workload: 'Deployment/x' });
    expect(matchDefaultDeny([ns, all, wl], C, 'shop', 'egress', AT)?.exceptionId).toBe(ns.id);
    expect(matchDefaultDeny([ns, all, wl], C, 'pay', 'egress', AT)).toBeNull();
    expect(matchDefaultDeny([ns, all, wl], C, 'pay', 'ingress', AT)?.exceptionId).toBe(all.id);
    expect(matchDefaultDeny([ns], 'c2', 'shop', 'egress', AT)).toBeNull();
    expect(matchDefaultDeny([ex({ ruleId: 'KORDON-003', namespace: 'shop' })], C, 'shop', 'ingress', AT)).toBeNull();
  });

  it('reopens once expired', () => {
    const e = ex({ direction: 'ingress', expiresAt: new Date(AT.getTime() + 1000) });
    expect(matchDefaultDeny([e], C, 'shop', 'ingress', AT)).not.toBeNull();
    expect(matchDefaultDeny([e], C, 'shop', 'ingress', new Date(AT.getTime() + 1000))).toBeNull();
  });
});

describe('nextExpiry', () => {
  it('is the earliest expiry of the exceptions in force, null without any', () => {
    expect(nextExpiry([], AT)).toBeNull();
    const a = ex({ expiresAt: new Date('2027-02-01T00:00:00Z') });
    const b = ex({ expiresAt: new Date('2026-12-05T00:00:00Z') });
    const gone = ex({ expiresAt: new Date('2026-11-05T00:00:00Z') });
    const pending = ex({ status: 'pending', expiresAt: new Date('2026-12-02T00:00:00Z') });
    expect(nextExpiry([a, b, gone, pending], AT)).toEqual(b.expiresAt);
  });
});
