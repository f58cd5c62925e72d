// Kubernetes label selectors: compiling matchLabels/matchExpressions once, matching one label set,
// and selecting from a label index so a policy never has to be compared with every pod.
//
// A selector that cannot be compiled (unknown operator, In without values…) is kept as `invalid`
// and matches nothing: the API server would have rejected it, and treating it as match-all would
// report isolation (or reachability) that does not exist.

import type { LabelSelector, Labels } from './model';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  key: string;
  operator: SelectorOperator;
  /** Sorted, de-duplicated; empty for Exists/DoesNotExist. */
  values: string[];
}

export type CompiledSelector =
  | { kind: 'all' }
  | { kind: 'match'; requirements: SelectorRequirement[] }
  | { kind: 'invalid'; errors: SelectorError[] };

/** `field` is relative to the selector, e.g. `matchExpressions[0].operator`. */
export interface SelectorError {
  field: string;
  message: string;
}

const OPERATORS: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Compiles a selector; `undefined`/`null` is the caller's business (absent ≠ empty in peers). */
export function compileSelector(selector: LabelSelector | null | undefined): CompiledSelector {
  const requirements: SelectorRequirement[] = [];
  const errors: SelectorError[] = [];
  const matchLabels = selector?.matchLabels ?? {};
  if (typeof matchLabels !== 'object' || Array.isArray(matchLabels)) {
    errors.push({ field: 'matchLabels', message: 'matchLabels must be a map of strings' });
  } else {
    for (const [key, value] of Object.entries(matchLabels)) {
      if (typeof value !== 'string') {
        errors.push({ field: `matchLabels.${key}`, message: 'label value must be a string' });
        continue;
      }
      requirements.push({ key, operator: 'In', values: [value] });
    }
  }
  const expressions = selector?.matchExpressions ?? [];
  if (!Array.isArray(expressions)) {
    errors.push({ field: 'matchExpressions', message: 'matchExpressions must be a list' });
  } else {
    expressions.forEach((expr, i) => {
      const where = `matchExpressions[${i}]`;
      if (!expr || typeof expr.key !== 'string' || expr.key === '') {
        errors.push({ field: `${where}.key`, message: 'key is required' });
        return;
      }
      if (!OPERATORS.has(expr.operator)) {
        errors.push({ field: `${where}.operator`, message: `operator "${String(expr.operator)}" is not one of In, NotIn, Exists, DoesNotExist` });
        return;
      }
      const operator = expr.operator as SelectorOperator;
      const values = expr.values ?? [];
      if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
        errors.push({ field: `${where}.values`, message: 'values must be a list of strings' });
        return;
      }
      if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
        errors.push({ field: `${where}.values`, message: `operator ${operator} requires at least one value` });
        return;
      }
      if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
        errors.push({ field: `${where}.values`, message: `operator ${operator} takes no values` });
        return;
      }
      requirements.push({ key: expr.key, operator, values: [...new Set(values)].sort() });
    });
  }
  if (errors.length > 0) return { kind: 'invalid', errors };
  if (requirements.length === 0) return { kind: 'all' };
  return { kind: 'match', requirements };
}

export function requirementMatches(req: SelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  switch (req.operator) {
    case 'In':
      return has && req.values.includes(labels[req.key]);
    case 'NotIn':
      // A missing key is "not in" any set: this is what makes NotIn a negative selector.
      return !has || !req.values.includes(labels[req.key]);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

export function matchesSelector(selector: CompiledSelector, labels: Labels): boolean {
  if (selector.kind === 'all') return true;
  if (selector.kind === 'invalid') return false;
  return selector.requirements.every((req) => requirementMatches(req, labels));
}

/** True for `{}` and for `{ matchLabels: {}, matchExpressions: [] }`. */
export function isEmptySelector(selector: LabelSelector | null | undefined): boolean {
  return compileSelector(selector ?? {}).kind === 'all';
}

/**
 * Inverted index of label sets (pods of one namespace, all namespaces…). Posting lists hold
 * item positions in ascending order so they can seed a selection cheaply.
 */
export class LabelIndex {
  private byKey: Map<string, number[]> | null = null;
  private byKeyValue: Map<string, Map<string, number[]>> | null = null;
  private allItems: number[] | null = null;

  constructor(private readonly labelSets: readonly Labels[]) {}

  get size(): number {
    return this.labelSets.length;
  }

  labelsAt(i: number): Labels {
    return this.labelSets[i];
  }

  all(): number[] {
    if (!this.allItems) this.allItems = this.labelSets.map((_, i) => i);
    return this.allItems;
  }

  /** Positions matching the selector, ascending. The returned array may be shared: do not mutate. */
  select(selector: CompiledSelector): number[] {
    if (selector.kind === 'invalid') return [];
    if (selector.kind === 'all') return this.all();
    const reqs = selector.requirements;
    const matches = (i: number) => reqs.every((req) => requirementMatches(req, this.labelSets[i]));
    // Most namespaces hold a handful of pods: scanning them beats building posting lists.
    if (this.labelSets.length <= SCAN_BELOW) return this.all().filter(matches);
    // Seed from the narrowest positive requirement, then verify everything on the survivors.
    let seed: number[] | null = null;
    for (const req of reqs) {
      const candidates = this.positiveCandidates(req);
      if (candidates && (seed === null || candidates.length < seed.length)) seed = candidates;
      if (seed && seed.length === 0) return [];
    }
    return (seed ?? this.all()).filter(matches);
  }

  private build(): void {
    const byKey = new Map<string, number[]>();
    const byKeyValue = new Map<string, Map<string, number[]>>();
    this.labelSets.forEach((labels, i) => {
      for (const key in labels) {
        const value = labels[key];
        let keyList = byKey.get(key);
        if (!keyList) byKey.set(key, (keyList = []));
        keyList.push(i);
        let values = byKeyValue.get(key);
        if (!values) byKeyValue.set(key, (values = new Map()));
        let valueList = values.get(value);
        if (!valueList) values.set(value, (valueList = []));
        valueList.push(i);
      }
    });
    this.byKey = byKey;
    this.byKeyValue = byKeyValue;
  }

  private positiveCandidates(req: SelectorRequirement): number[] | null {
    if (req.operator !== 'Exists' && req.operator !== 'In') return null;
    if (!this.byKey) this.build();
    if (req.operator === 'Exists') return this.byKey!.get(req.key) ?? [];
    const values = this.byKeyValue!.get(req.key);
    if (!values) return [];
    if (req.values.length === 1) return values.get(req.values[0]) ?? [];
    const merged: number[] = [];
    for (const v of req.values) merged.push(...(values.get(v) ?? []));
    return merged.sort((a, b) => a - b);
  }
}

/** Below this many items a linear scan is cheaper than building the index. */
const SCAN_BELOW = 64;
