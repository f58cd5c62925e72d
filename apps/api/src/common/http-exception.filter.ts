// One error body for every failure: `{ statusCode, error, message, details? }`. Unexpected
// errors become a 500 with an `errorId` that is logged with the stack, never sent to the client.
import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ApiError } from '@kordon/contracts';

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable',
};

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<{ setHeader(name: string, value: string): void; status(code: number): { json(body: unknown): void } }>();
    let body: ApiError & { errorId?: string };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      const obj = typeof raw === 'string' ? { message: raw } : (raw as Record<string, unknown>);
      const msg = obj.message;
      body = {
        statusCode: status,
        error: REASONS[status] ?? (typeof obj.error === 'string' ? obj.error : 'Error'),
        message: Array.isArray(msg) ? msg.join('; ') : String(msg ?? exception.message),
        ...(obj.details !== undefined ? { details: obj.details } : Array.isArray(msg) ? { details: msg } : {}),
      };
    } else if (isBodyParserError(exception)) {
      body = { statusCode: exception.status, error: REASONS[exception.status] ?? 'Bad Request', message: exception.message };
    } else if (isDatabaseUnavailable(exception)) {
      // PostgreSQL restarting or unreachable is an outage, not a bug: 503 so clients and load
      // balancers retry; the pool reconnects by itself once the server is back.
      this.logger.warn({ err: { message: exception instanceof Error ? exception.message.split('\n')[0] : String(exception) } }, 'database unavailable');
      body = { statusCode: 503, error: REASONS[503], message: 'The database is unavailable; try again shortly' };
    } else {
      const errorId = randomUUID();
      // Only message and stack: whole error objects can carry clients, requests and headers.
      const err = exception instanceof Error ? { message: exception.message, stack: exception.stack } : { message: String(exception) };
      this.logger.error({ errorId, err }, 'unhandled error');
      body = { statusCode: 500, error: REASONS[500], message: 'Internal error', errorId };
    }
    // A route may have declared another type with @Header (report.html, posture.csv) before it
    // failed; the error body is JSON and must say so, or clients (and browsers) misread it.
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.status(body.statusCode).json(body);
  }
}

function isBodyParserError(e: unknown): e is { status: number; message: string } {
  return (
    typeof e === 'object' && e !== null && 'type' in e && 'status' in e &&
    typeof (e as { status: unknown }).status === 'number' &&
    (e as { status: number }).status >= 400 && (e as { status: number }).status < 500 && HttpStatus[(e as { status: number }).status] !== undefined
  );
}

/** Network errors, PostgreSQL's connection-exception/shutdown SQLSTATEs, Prisma's "cannot reach" codes. */
const DB_DOWN_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', 'P1001', 'P1002', 'P1017',
]);
const DB_DOWN_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'DatabaseDoesNotExist']);
const DB_DOWN_MESSAGE = /Connection terminated|Can't reach database server|terminating connection due to administrator command|the database system is (starting up|shutting down)|Connection refused|timeout exceeded when trying to connect/i;

/** True when an error (or one it wraps) says the database cannot be reached right now. */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (!e || typeof e !== 'object' || depth > 5) return false;
  const o = e as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: unknown; errors?: unknown };
  if (typeof o.code === 'string' && DB_DOWN_CODES.has(o.code)) return true;
  if (typeof o.kind === 'string' && DB_DOWN_KINDS.has(o.kind)) return true;
  if (typeof o.message === 'string' && DB_DOWN_MESSAGE.test(o.message)) return true;
  if (Array.isArray(o.errors) && o.errors.some((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  const meta = o.meta as { driverAdapterError?: unknown } | undefined;
  return isDatabaseUnavailable(o.cause, depth + 1) || isDatabaseUnavailable(meta?.driverAdapterError, depth + 1) || isDatabaseUnavailable(meta, depth + 1);
}
