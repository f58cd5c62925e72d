import { describe, expect, it } from 'vitest';
import { toDiffView } from './adapter';
import { lineDiff } from './line-diff';

describe('lineDiff', () => {
  it('marks added and removed lines and keeps the common ones', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nc\nd\n')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
  });
  it('treats an empty side as all added or all removed', () => {
    expect(lineDiff('', 'x\ny')).toEqual([
      { op: '+', text: 'x' },
      { op: '+', text: 'y' },
    ]);
    expect(lineDiff('x', '')).toEqual([{ op: '-', text: 'x' }]);
  });
});

describe('toDiffView', () => {
  it('reads an empty answer as empty sections', () => {
    const v = toDiffView({});
    expect(v.policies).toEqual([]);
    expect(v.pairs).toEqual([]);
    expect(v.workloadPairs).toBeNull();
    expect(v.verdict).toEqual({ opens: 0, closes: 0, breaksDefaultDeny: [] });
  });
  it('flags a policy going from N selected pods to 0 as drift, and derives the verdict', () => {
    const v = toDiffView({
      policies: { added: [{ namespace: 'pay', name: 'allow-all', kind: 'NetworkPolicy', afterYaml: 'a: 1\n' }], removed: [], changed: [] },
      labels: [{ namespace: 'pay', pod: 'api-0', before: { app: 'api' }, after: { app: 'api2' }, effects: [{ policy: { namespace: 'pay', name: 'api-ingress' }, before: 12, after: 0 }] }],
      namespaces: [{ namespace: 'pay', before: { defaultDenyIngress: true }, after: { defaultDenyIngress: false } }],
      reachability: { namespacePairs: [{ from: 'web', to: 'pay', before: '', after: 'TCP 80', causes: [{ namespace: 'pay', name: 'allow-all', change: 'added' }] }] },
    });
    expect(v.policies[0]).toMatchObject({ op: 'added', name: 'allow-all', lines: [{ op: '+', text: 'a: 1' }] });
    expect(v.labels[0]!.changes).toEqual(['~ app: api → api2']);
    expect(v.labels[0]!.effects[0]).toMatchObject({ before: 12, after: 0, drift: true });
    expect(v.verdict).toEqual({ opens: 1, closes: 0, breaksDefaultDeny: ['pay'] });
    expect(v.pairs[0]!.causes[0]).toMatchObject({ name: 'allow-all', op: 'added' });
  });
});
