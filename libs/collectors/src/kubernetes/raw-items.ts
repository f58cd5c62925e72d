// Evidence must be the bytes the API server sent, not our re-serialization (Go's encoder escapes
// <, > and & as \u003c…, orders keys its own way, and an auditor may diff against kubectl output).
// This scans a List response once, without a second parse, and returns the exact text of each
// element of its top-level "items" array.

/** The raw text of each top-level `items` element, or null when the text is not such a List. */
export function rawListItems(text: string): string[] | null {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const skipString = () => {
    i++; // opening quote
    while (i < n) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '"') return i++;
      else i++;
    }
  };
  /** Skips one JSON value starting at i (after whitespace). */
  const skipValue = () => {
    ws();
    const c = text[i];
    if (c === '"') return void skipString();
    if (c === '{' || c === '[') {
      let depth = 0;
      while (i < n) {
        const d = text[i];
        if (d === '"') {
          skipString();
          continue;
        }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') {
          depth--;
          if (depth === 0) return void i++;
        }
        i++;
      }
      return;
    }
    while (i < n && text[i] !== ',' && text[i] !== '}' && text[i] !== ']') i++;
  };

  ws();
  if (text[i] !== '{') return null;
  i++;
  for (;;) {
    ws();
    if (text[i] === '}') return null;
    if (text[i] !== '"') return null;
    const keyStart = i;
    skipString();
    const key = JSON.parse(text.slice(keyStart, i)) as string;
    ws();
    if (text[i] !== ':') return null;
    i++;
    ws();
    if (key === 'items') {
      if (text[i] !== '[') return null;
      i++;
      const items: string[] = [];
      for (;;) {
        ws();
        if (text[i] === ']') return items;
        const start = i;
        skipValue();
        items.push(text.slice(start, i));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') return null;
      }
    }
    skipValue();
    ws();
    if (text[i] === ',') i++;
    else return null;
  }
}
