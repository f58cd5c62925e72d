// Truth tables for Kubernetes label selectors, straight from the API reference.
import { describe, expect, it } from 'vitest';
import type { LabelSelector, Labels } from './model';
import { compileSelector, isEmptySelector, LabelIndex, matchesSelector } from './selectors';

const expr = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, values }] });

describe('matchesSelector', () => {
  const rows: [string, LabelSelector, Labels, boolean][] = [
    ['empty selector matches a pod without labels', {}, {}, true],
    ['empty selector matches any pod', {}, { app: 'web' }, true],
    ['empty matchLabels/matchExpressions is empty', { matchLabels: {}, matchExpressions: [] }, { a: 'b' }, true],
    ['matchLabels equal', { matchLabels: { app: 'web' } }, { app: 'web', x: 'y' }, true],
    ['matchLabels other value', { matchLabels: { app: 'web' } }, { app: 'db' }, false],
    ['matchLabels missing key', { matchLabels: { app: 'web' } }, {}, false],
    ['matchLabels entries are ANDed', { matchLabels: { app: 'web', tier: 'fe' } }, { app: 'web' }, false],
    ['In: value in set', expr('app', 'In', ['web', 'api']), { app: 'api' }, true],
    ['In: value outside set', expr('app', 'In', ['web', 'api']), { app: 'db' }, false],
    ['In: missing key', expr('app', 'In', ['web']), {}, false],
    ['NotIn: value in set', expr('app', 'NotIn', ['web']), { app: 'web' }, false],
    ['NotIn: value outside set', expr('app', 'NotIn', ['web']), { app: 'db' }, true],
    ['NotIn: missing key matches', expr('app', 'NotIn', ['web']), { other: 'x' }, true],
    ['Exists: present (empty value)', expr('app', 'Exists'), { app: '' }, true],
    ['Exists: missing', expr('app', 'Exists'), {}, false],
    ['DoesNotExist: missing matches', expr('app', 'DoesNotExist'), {}, true],
    ['DoesNotExist: present', expr('app', 'DoesNotExist'), { app: 'x' }, false],
    [
      'matchLabels AND matchExpressions',
      { matchLabels: { tier: 'fe' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] },
      { tier: 'fe', app: 'web' },
      false,
    ],
    [
      'matchLabels AND matchExpressions, NotIn satisfied by absence',
      { matchLabels: { tier: 'fe' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] },
      { tier: 'fe' },
      true,
    ],
    ['invalid operator never matches, even an empty label set', expr('app', 'Equals', ['web']), {}, false],
    ['invalid operator never matches a labelled pod', expr('app', 'Equals', ['web']), { app: 'web' }, false],
    ['In without values is invalid', expr('app', 'In', []), { app: 'web' }, false],
    ['NotIn without values is invalid (not match-all)', expr('app', 'NotIn', []), {}, false],
    ['Exists with values is invalid', expr('app', 'Exists', ['x']), { app: 'x' }, false],
  ];
  it.each(rows)('%s', (_name, selector, labels, expected) => {
    expect(matchesSelector(compileSelector(selector), labels)).toBe(expected);
  });

  it('reports why a selector is invalid', () => {
    const compiled = compileSelector(expr('app', 'Equals', ['web']));
    expect(compiled.kind).toBe('invalid');
    expect(compiled.kind === 'invalid' && compiled.errors).toEqual([
      { field: 'matchExpressions[0].operator', message: expect.stringMatching(/"Equals" is not one of/) },
    ]);
  });

  it('isEmptySelector distinguishes {} from a restricting selector', () => {
    expect(isEmptySelector({})).toBe(true);
    expect(isEmptySelector({ matchLabels: {} })).toBe(true);
    expect(isEmptySelector({ matchLabels: { a: 'b' } })).toBe(false);
    expect(isEmptySelector(expr('a', 'Exists'))).toBe(false);
  });
});

describe('LabelIndex.select', () => {
  // A seeded generator keeps this deterministic while covering many label combinations.
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const keys = ['app', 'tier', 'team', 'env'];
  const values = ['a', 'b', 'c'];
  const labelSets: Labels[] = Array.from({ length: 400 }, () => {
    const labels: Labels = {};
    for (const k of keys) if (rand(3) > 0) labels[k] = values[rand(3)];
    return labels;
  });
  const index = new LabelIndex(labelSets);
  const selectors: LabelSelector[] = [
    {},
    { matchLabels: { app: 'a' } },
    { matchLabels: { app: 'a', tier: 'b' } },
    expr('team', 'In', ['a', 'c']),
    expr('team', 'NotIn', ['a']),
    expr('env', 'Exists'),
    expr('env', 'DoesNotExist'),
    { matchLabels: { app: 'b' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
    { matchLabels: { app: 'zzz' } },
    expr('nokey', 'Exists'),
    expr('nokey', 'NotIn', ['x']),
    expr('app', 'Bogus', ['x']),
  ];
  it.each(selectors.map((s) => [JSON.stringify(s), s] as const))('agrees with brute force for %s', (_name, selector) => {
    const compiled = compileSelector(selector);
    const brute = labelSets.map((l, i) => (matchesSelector(compiled, l) ? i : -1)).filter((i) => i >= 0);
    expect(index.select(compiled)).toEqual(brute);
  });
});
