// Syntax-highlighted YAML (Shiki, rendered on the server: no highlighter shipped to the browser),
// with a copy button. One highlighter per process, created on first use; the highlighted HTML is
// kept in a small LRU keyed by the exact code (and language), so a policy or remediation shown
// again (the same content-addressed object in every snapshot that holds it) is not re-tokenized.
import 'server-only';
import { createHighlighter, type Highlighter } from 'shiki';
import { CopyButton } from './copy-button';

let highlighter: Promise<Highlighter> | undefined;

function getHighlighter(): Promise<Highlighter> {
  highlighter ??= createHighlighter({ themes: ['github-light'], langs: ['yaml', 'json'] });
  return highlighter;
}

/** Highlighted HTML by `${lang}\0${code}`; Map order is insertion order, so the first key is the least recently used. */
const cache = new Map<string, string>();
const CACHE_MAX_ENTRIES = 2000;
const CACHE_MAX_CHARS = 16_000_000;
let cachedChars = 0;

async function highlight(code: string, lang: 'yaml' | 'json'): Promise<string> {
  const key = `${lang}\0${code}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const html = (await getHighlighter()).codeToHtml(code, { lang, theme: 'github-light' });
  cache.set(key, html);
  cachedChars += key.length + html.length;
  while (cache.size > CACHE_MAX_ENTRIES || cachedChars > CACHE_MAX_CHARS) {
    const [oldKey, oldHtml] = cache.entries().next().value as [string, string];
    cache.delete(oldKey);
    cachedChars -= oldKey.length + oldHtml.length;
  }
  return html;
}

export async function YamlBlock({ code, lang = 'yaml', label }: { code: string; lang?: 'yaml' | 'json'; label: string }) {
  const html = await highlight(code, lang);
  return (
    <div className="yaml-wrap">
      <div className="yaml-actions">
        <CopyButton text={code} label={`Copy ${label}`} />
      </div>
      {/* Shiki escapes the code it renders; the HTML holds only its spans. */}
      <div className="yaml-block" aria-label={label} role="region" dangerouslySetInnerHTML={{ __html: html }} />
    </div>
  );
}
