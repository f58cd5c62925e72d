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
