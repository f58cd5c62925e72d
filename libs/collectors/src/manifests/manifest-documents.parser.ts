// Owns turning the text of one manifest file (multi-document YAML, kubectl `-o yaml|json`
// output, `az aks show` JSON, a ClusterState JSON) into plain values, each with a human
// location, and reporting syntax errors with file, line and column instead of throwing.
// Knows nothing about Kubernetes kinds beyond unwrapping `List` objects.
import { parse as parseJsonTolerant, type ParseError } from 'jsonc-parser';
import { LineCounter, isMap, isSeq, parseAllDocuments, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { Problem } from '@kordon/policy-engine';

/** One value found in a file, with where it came from for messages. */
export interface ManifestValue {
  value: unknown;
  /** `file:line` when the line is known, else `file (items[3])` or `file (document 2)`. */
  where: string;
}

export interface ParsedManifest {
  values: ManifestValue[];
  problems: Problem[];
}

// Aliases are legal YAML but an upload could use them to expand into gigabytes.
const MAX_ALIAS_COUNT = 1000;
// kubectl never nests Lists; a guard against hostile input rather than a real limit.
const MAX_LIST_DEPTH = 4;

export function parseManifestText(file: string, rawText: string): ParsedManifest {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const first = text.trimStart()[0];
  // kubectl -o json and az output are JSON; JSON.parse is far faster than the YAML parser on
  // large pod lists and reports the same values.
  if (first === '{' || first === '[') return parseJson(file, text);
  return parseYaml(file, text);
}

function parseJson(file: string, text: string): ParsedManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    const pos = jsonErrorPosition(text, detail);
    const at = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    return {
      values: [],
      problems: [
        {
          severity: 'error',
          code: 'parse-error',
          message: `Malformed JSON in ${file}${at}: ${detail}`,
          object: pos ? `${file}:${pos.line}:${pos.col}` : file,
        },
      ],
    };
  }
  const values: ManifestValue[] = [];
  expand(value, file, '', values, 0);
  return { values, problems: [] };
}

/**
 * V8 only sometimes says `at position N`; when it does not, the YAML parser (a JSON superset)
 * usually trips over the same character and knows its line, else jsonc-parser's strict mode does.
 */
function jsonErrorPosition(text: string, message: string): { line: number; col: number } | undefined {
  const m = /at position (\d+)/.exec(message);
  if (m) return offsetToLineCol(text, Number(m[1]));
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const err = doc.errors[0];
  if (err) {
    const lp = lineCounter.linePos(err.pos[0]);
    return { line: lp.line, col: lp.col };
  }
  // Valid YAML yet not JSON (`{"a": }`, a trailing comma): a strict JSON scanner knows the offset.
  const errors: ParseError[] = [];
  parseJsonTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return errors[0] ? offsetToLineCol(text, errors[0].offset) : undefined;
}

function offsetToLineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

function parseYaml(file: string, text: string): ParsedManifest {
  const lineCounter = new LineCounter();
  // Warnings (e.g. a collection used as a key) go to problems or are harmless; uploads must not
  // be able to write to the server's stderr through process warnings.
  const docs = parseAllDocuments(text, { lineCounter, logLevel: 'error' });
  const problems: Problem[] = [];
  const values: ManifestValue[] = [];
  // An empty stream parses to an EmptyStream, which is iterable like an empty array.
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc) => {
    // The document's range starts at its `---`; the object starts where its contents do.
    const start = (doc.contents as YamlNode | null)?.range?.[0] ?? doc.range[0];
    const docLine = lineCounter.linePos(start).line;
    if (doc.errors.length) {
      // Later documents in the same file still parse; one bad document should not hide them.
      const err = doc.errors[0];
      const lp = err.linePos?.[0] ?? lineCounter.linePos(err.pos[0]);
      problems.push({
        severity: 'error',
        code: 'parse-error',
        message: `Malformed YAML in ${file} at line ${lp.line}, column ${lp.col}: ${err.message.split('\n')[0]}`,
        object: `${file}:${lp.line}:${lp.col}`,
      });
      return;
    }
    if (doc.contents === null) return; // `---` with nothing after it, or only comments
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      problems.push({
        severity: 'error',
        code: 'parse-error',
        message: `Unreadable YAML in ${file} at line ${docLine}: ${err instanceof Error ? err.message : String(err)}`,
        object: `${file}:${docLine}`,
      });
      return;
    }
    const itemLines = listItemLines(doc.contents, lineCounter);
    const docWhere = list.length > 1 || !itemLines ? `${file}:${docLine}` : file;
    expand(value, docWhere, '', values, 0, itemLines, file);
  });
  return { values, problems };
}

/** Line of each entry of a top-level `items:` sequence, so List members get precise locations. */
function listItemLines(contents: unknown, lineCounter: LineCounter): number[] | undefined {
  if (!isMap(contents)) return undefined;
  const items = contents.get('items', true);
  if (!isSeq(items)) return undefined;
  return items.items.map((node) => {
    const range = (node as YamlNode | null)?.range;
    return range ? lineCounter.linePos(range[0]).line : 0;
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** True for `List` (kubectl) and typed lists such as `PodList` (raw API responses). */
function isListObject(v: Record<string, unknown>): boolean {
  return typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
}

function expand(
  value: unknown,
  where: string,
  path: string,
  out: ManifestValue[],
  depth: number,
  itemLines?: number[],
  file?: string,
): void {
  if (Array.isArray(value) && depth < MAX_LIST_DEPTH) {
    value.forEach((v, i) => expand(v, where, `${path}[${i}]`, out, depth + 1));
    return;
  }
  if (isPlainObject(value) && isListObject(value) && depth < MAX_LIST_DEPTH) {
    const list = value;
    const itemKind = list.kind === 'List' ? undefined : (list.kind as string).slice(0, -'List'.length);
    (list.items as unknown[]).forEach((item, i) => {
      // Typed lists from the API omit kind/apiVersion on their items; put them back so the
      // objects (and the evidence text) say what they are.
      const filled =
        itemKind && isPlainObject(item) && item.kind === undefined
          ? { apiVersion: list.apiVersion, kind: itemKind, ...item }
          : item;
      const line = itemLines?.[i];
      const itemWhere = line && file ? `${file}:${line}` : `${where} (${path}items[${i}])`;
      expand(filled, itemWhere, '', out, depth + 1);
    });
    return;
  }
  out.push({ value, where: path ? `${where} (${path.replace(/^\./, '')})` : where });
}
