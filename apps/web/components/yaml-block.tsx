// Syntax-highlighted YAML (Shiki, rendered on the server: no highlighter shipped to the browser),
// with a copy button. One highlighter per process, created on first use.
import 'server-only';
import { createHighlighter, type Highlighter } from 'shiki';
import { CopyButton } from './copy-button';

let highlighter: Promise<Highlighter> | undefined;

function getHighlighter(): Promise<Highlighter> {
  highlighter ??= createHighlighter({ themes: ['github-light'], langs: ['yaml', 'json'] });
  return highlighter;
}

export async function YamlBlock({ code, lang = 'yaml', label }: { code: string; lang?: 'yaml' | 'json'; label: string }) {
  const html = (await getHighlighter()).codeToHtml(code, { lang, theme: 'github-light' });
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
