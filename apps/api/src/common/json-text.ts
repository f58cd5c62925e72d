// An answer already serialized: JSON text built by PostgreSQL (or stored as text) that is sent as
// is, without being parsed into objects and stringified again. The text must be exactly what
// JSON.stringify would make of the value it stands for: anything that does serialize it
// (JSON.stringify, Express's res.json) gets that value back through toJSON, so the bytes match
// either way. ReadCacheInterceptor sends it (and caches it as is).
import type { ServerResponse } from 'node:http';

export class JsonText {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** Sets the JSON content type Express's res.json would and hands Nest the text to send. */
export function sendJsonText(res: ServerResponse, value: JsonText): string {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  return value.text;
}
