// The request id on every response (`x-request-id`): the caller's own when it is a plain token
// (so a trace can be followed across services), else a new UUID.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const ACCEPTED = /^[\w.-]{1,128}$/;

export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTED.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}
