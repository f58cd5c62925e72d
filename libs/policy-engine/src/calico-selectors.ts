// Calico selector expressions (`all()`, `has(k)`, `k == 'v'`, `k != 'v'`, `k in {…}`, `k not in {…}`,
// `contains` / `starts with` / `ends with`, `!`, `&&`, `||`, parentheses). Parsed once into a tree;
// evaluated with three-valued logic so posture can ask "does this select every pod of namespace N,
// whatever their labels?" without enumerating pods.
//
// Anything outside this grammar is a parse error: the caller reports the policy as not evaluated
// rather than guessing what it selects.

export type CalicoSelector =
  | { op: 'all' }
  | { op: 'global' }
  | { op: 'has'; key: string }
  | { op: 'eq' | 'ne' | 'contains' | 'startsWith' | 'endsWith'; key: string; value: string }
  | { op: 'in' | 'notIn'; key: string; values: string[] }
  | { op: 'not'; arg: CalicoSelector }
  | { op: 'and' | 'or'; args: CalicoSelector[] };

export type CalicoParse = { ok: true; selector: CalicoSelector } | { ok: false; error: string };

type Token = { t: 'id' | 'str' | 'sym'; v: string; at: number };

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return `unterminated string at ${i}`;
      tokens.push({ t: 'str', v: text.slice(i + 1, end), at: i });
      i = end + 1;
    } else if (['==', '!=', '&&', '||'].includes(text.slice(i, i + 2))) {
      tokens.push({ t: 'sym', v: text.slice(i, i + 2), at: i });
      i += 2;
    } else if ('!(){},'.includes(c)) {
      tokens.push({ t: 'sym', v: c, at: i });
      i++;
    } else {
      const m = /^[A-Za-z0-9_./-]+/.exec(text.slice(i));
      if (!m) return `unexpected "${c}" at ${i}`;
      tokens.push({ t: 'id', v: m[0], at: i });
      i += m[0].length;
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): CalicoSelector {
    if (this.tokens.length === 0) return { op: 'all' };
    const expr = this.or();
    if (this.pos < this.tokens.length) throw new Error(`unexpected "${this.tokens[this.pos].v}"`);
    return expr;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private take(v?: string): Token {
    const tok = this.tokens[this.pos];
    if (!tok) throw new Error(v ? `expected "${v}" at end` : 'unexpected end');
    if (v !== undefined && tok.v !== v) throw new Error(`expected "${v}" but found "${tok.v}"`);
    this.pos++;
    return tok;
  }

  private isSym(v: string): boolean {
    const tok = this.peek();
    return tok?.t === 'sym' && tok.v === v;
  }

  private or(): CalicoSelector {
    const args = [this.and()];
    while (this.isSym('||')) {
      this.pos++;
      args.push(this.and());
    }
    return args.length === 1 ? args[0] : { op: 'or', args };
  }

  private and(): CalicoSelector {
    const args = [this.unary()];
    while (this.isSym('&&')) {
      this.pos++;
      args.push(this.unary());
    }
    return args.length === 1 ? args[0] : { op: 'and', args };
  }

  private unary(): CalicoSelector {
    if (this.isSym('!')) {
      this.pos++;
      return { op: 'not', arg: this.unary() };
    }
    if (this.isSym('(')) {
      this.pos++;
      const inner = this.or();
      this.take(')');
      return inner;
    }
    return this.primary();
  }

  private string(): string {
    const tok = this.take();
    if (tok.t !== 'str') throw new Error(`expected a quoted value but found "${tok.v}"`);
    return tok.v;
  }

  private set(): string[] {
    this.take('{');
    const values: string[] = [];
    if (!this.isSym('}')) {
      values.push(this.string());
      while (this.isSym(',')) {
        this.pos++;
        values.push(this.string());
      }
    }
    this.take('}');
    return values;
  }

  private primary(): CalicoSelector {
    const tok = this.take();
    if (tok.t !== 'id') throw new Error(`unexpected "${tok.v}"`);
    if ((tok.v === 'all' || tok.v === 'global') && this.isSym('(')) {
      this.take('(');
      this.take(')');
      return { op: tok.v };
    }
    if (tok.v === 'has' && this.isSym('(')) {
      this.take('(');
      const key = this.take();
      if (key.t !== 'id') throw new Error(`has() needs a label key, found "${key.v}"`);
      this.take(')');
      return { op: 'has', key: key.v };
    }
    const key = tok.v;
    const next = this.take();
    if (next.t === 'sym' && next.v === '==') return { op: 'eq', key, value: this.string() };
    if (next.t === 'sym' && next.v === '!=') return { op: 'ne', key, value: this.string() };
    if (next.t === 'id') {
      if (next.v === 'in') return { op: 'in', key, values: this.set() };
      if (next.v === 'not' && this.peek()?.v === 'in') {
        this.pos++;
        return { op: 'notIn', key, values: this.set() };
      }
      if (next.v === 'contains') return { op: 'contains', key, value: this.string() };
      if ((next.v === 'starts' || next.v === 'ends') && this.peek()?.v === 'with') {
        this.pos++;
        return { op: next.v === 'starts' ? 'startsWith' : 'endsWith', key, value: this.string() };
      }
    }
    throw new Error(`unsupported operator "${next.v}" after "${key}"`);
  }
}

export function parseCalicoSelector(text: string | undefined | null): CalicoParse {
  if (text === undefined || text === null) return { ok: true, selector: { op: 'all' } };
  if (typeof text !== 'string') return { ok: false, error: 'selector must be a string' };
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { ok: false, error: tokens };
  try {
    return { ok: true, selector: new Parser(tokens).parse() };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** `undefined` = key absent; `UNKNOWN` = cannot tell (a pod label when only the namespace is known). */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type LabelLookup = (key: string) => string | undefined | typeof UNKNOWN;
/** Kleene logic: null is "unknown". */
export type Tri = boolean | null;

function leaf(value: string | undefined | typeof UNKNOWN, test: (v: string | undefined) => boolean): Tri {
  return value === UNKNOWN ? null : test(value);
}

export function evaluateCalicoSelector(sel: CalicoSelector, lookup: LabelLookup): Tri {
  switch (sel.op) {
    case 'all':
      return true;
    case 'global':
      // global() selects non-namespaced resources only; never a pod.
      return false;
    case 'has':
      return leaf(lookup(sel.key), (v) => v !== undefined);
    case 'eq':
      return leaf(lookup(sel.key), (v) => v === sel.value);
    case 'ne':
      // Calico: a missing key is "not equal".
      return leaf(lookup(sel.key), (v) => v !== sel.value);
    case 'contains':
      return leaf(lookup(sel.key), (v) => v !== undefined && v.includes(sel.value));
    case 'startsWith':
      return leaf(lookup(sel.key), (v) => v !== undefined && v.startsWith(sel.value));
    case 'endsWith':
      return leaf(lookup(sel.key), (v) => v !== undefined && v.endsWith(sel.value));
    case 'in':
      return leaf(lookup(sel.key), (v) => v !== undefined && sel.values.includes(v));
    case 'notIn':
      return leaf(lookup(sel.key), (v) => v === undefined || !sel.values.includes(v));
    case 'not': {
      const r = evaluateCalicoSelector(sel.arg, lookup);
      return r === null ? null : !r;
    }
    case 'and': {
      let unknown = false;
      for (const arg of sel.args) {
        const r = evaluateCalicoSelector(arg, lookup);
        if (r === false) return false;
        if (r === null) unknown = true;
      }
      return unknown ? null : true;
    }
    case 'or': {
      let unknown = false;
      for (const arg of sel.args) {
        const r = evaluateCalicoSelector(arg, lookup);
        if (r === true) return true;
        if (r === null) unknown = true;
      }
      return unknown ? null : false;
    }
  }
}
