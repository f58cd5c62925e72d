// Malformed JSON bodies: body-parser throws V8's message (`… in JSON at position 7`), which Nest
// turns into a 400 with that text alone. This says that it is the request body and where, as line
// and column, like the YAML and manifest errors do. Express error middleware, mounted right after
// the JSON parser.
import { BadRequestException } from '@nestjs/common';
import { parseManifestText } from '@kordon/collectors';

interface BodyParserError {
  type?: unknown;
  message: string;
  body?: unknown;
}

export function malformedJsonMessage(e: BodyParserError): string {
  const detail = e.message.replace(/\s*\(line \d+ column \d+\)$/, '');
  const text = typeof e.body === 'string' ? e.body : undefined;
  const first = text?.trimStart()[0];
  if (text !== undefined && (first === '{' || first === '[')) {
    // The manifest parser locates JSON errors even when V8 gives no position (Node 20 often does not).
    const located = parseManifestText('the request body', text).problems[0]?.message;
    if (located?.startsWith('Malformed JSON')) return located;
  }
  const pos = /at position (\d+)/.exec(e.message)?.[1] ?? (text !== undefined && /end of JSON input/.test(e.message) ? String(text.length) : undefined);
  if (pos === undefined || text === undefined) return `Malformed JSON in the request body: ${detail}`;
  const offset = Number(pos);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `Malformed JSON in the request body at line ${line}, column ${col}: ${detail}`;
}

export function jsonBodyErrorMiddleware(err: unknown, _req: unknown, _res: unknown, next: (err?: unknown) => void): void {
  const e = err as BodyParserError | null;
  if (e && typeof e === 'object' && e.type === 'entity.parse.failed') return next(new BadRequestException(malformedJsonMessage(e)));
  next(err);
}
