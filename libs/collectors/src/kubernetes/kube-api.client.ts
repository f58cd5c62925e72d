// Owns the wire to a Kubernetes API server: authentication and TLS come from a real
// @kubernetes/client-node KubeConfig (exec plugins, client certs, CA, proxies), while bodies are
// read as raw JSON. The generated models would rename `from` to `_from` and drop unknown fields,
// and evidence must be stored exactly as served, so the typed API classes are not used.
// Every failure becomes a KubeRequestError with a stable code; nothing here logs, and no message
// carries the kubeconfig or a token.
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export type KubeFailureCode =
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'timeout'
  | 'server-error'
  | 'not-found'
  | 'expired'
  | 'aborted';

export class KubeRequestError extends Error {
  constructor(
    readonly code: KubeFailureCode,
    message: string,
    readonly path: string,
    readonly status?: number,
    /** The parsed Status body, when the server sent one (e.g. the inconsistent continue token of a 410). */
    readonly statusBody?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'KubeRequestError';
  }
}

/** The response text of a successful GET, kept on the parsed body (not enumerable). */
export const RAW_TEXT = Symbol('kordon.rawText');

export interface KubeApi {
  /** `host[:port]` of the API server, safe to show and store. */
  readonly host: string;
  get(path: string, query?: Record<string, string | number | undefined>): Promise<unknown>;
  close(): void;
}

export interface KubeApiOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Retries of a transient failure (5xx, 429, connection reset); default 2. */
  retries?: number;
  /** First backoff; doubled each retry, with jitter; default 250 ms. */
  retryBaseMs?: number;
}

/** Longest wait a 429's Retry-After may impose before the retry. */
const MAX_RETRY_AFTER_MS = 10_000;

/**
 * Failures worth another try of the same GET: the API server or a proxy in front of it had a
 * bad moment (5xx, 429 from API Priority and Fairness, a connection reset mid-answer). Not
 * 401/403/404, TLS, refused connections or timeouts: those fail the same way again (or already
 * used up the time).
 */
function isTransient(err: unknown): boolean {
  if (!(err instanceof KubeRequestError)) return false;
  if (err.code === 'server-error') return err.status === undefined || err.status >= 500 || err.status === 429;
  return err.code === 'unreachable' && /ECONNRESET|EPIPE|socket hang up|aborted/i.test(err.message);
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED',
]);

function describeNetworkError(err: NodeJS.ErrnoException, host: string): string {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return `API server ${host} refused the connection`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `API server host ${host} could not be resolved`;
  if (UNREACHABLE_CODES.has(code)) return `API server ${host} is unreachable (${code})`;
  // TLS failures (unknown CA, hostname mismatch, expired cert) carry OpenSSL-style codes.
  if (/CERT|SSL|TLS|SIGNATURE|ISSUER/i.test(code)) return `TLS verification of API server ${host} failed (${code}): ${err.message}`;
  return `API server ${host} could not be reached: ${err.message}`;
}

function statusMessage(body: Record<string, unknown> | undefined, text: string): string {
  const m = body && typeof body.message === 'string' ? body.message : text.slice(0, 300);
  return m.trim();
}

/**
 * Resolves credentials once (an exec plugin such as kubelogin runs here, not per page) and
 * returns a small GET client bound to the current context's cluster.
 */
export async function openKubeApi(kc: KubeConfig, options: KubeApiOptions): Promise<KubeApi> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeRequestError('unreachable', 'kubeconfig has no current cluster', '');
  const base = new URL(cluster.server);
  const host = base.host;
  const httpsOpts: https.RequestOptions = {};
  try {
    await kc.applyToHTTPSOptions(httpsOpts);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0].slice(0, 200) : 'unknown error';
    throw new KubeRequestError('unauthorized', `could not obtain credentials for ${host} from the kubeconfig user: ${reason}`, '');
  }
  const agent = httpsOpts.agent as http.Agent | undefined;
  const headers: Record<string, string> = { Accept: 'application/json' };
  for (const [k, v] of Object.entries(httpsOpts.headers ?? {})) {
    if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
    else if (Array.isArray(v)) headers[k] = v.join(', ');
  }
  if (httpsOpts.auth) headers.Authorization = `Basic ${Buffer.from(httpsOpts.auth).toString('base64')}`;
  const basePath = base.pathname.replace(/\/+$/, '');
  const transport = base.protocol === 'http:' ? http : https;

  const retryAfterMs = new WeakMap<KubeRequestError, number>();
  const retries = options.retries ?? 2;
  const baseMs = options.retryBaseMs ?? 250;
  const get = async (path: string, query?: Record<string, string | number | undefined>): Promise<unknown> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await getOnce(path, query);
      } catch (err) {
        if (attempt >= retries || !isTransient(err) || options.signal?.aborted) {
          if (attempt > 0 && err instanceof KubeRequestError) err.message += ` (after ${attempt + 1} attempts)`;
          throw err;
        }
        const backoff = baseMs * 2 ** attempt * (1 + Math.random() / 2);
        await sleep(Math.max(backoff, retryAfterMs.get(err as KubeRequestError) ?? 0), options.signal);
      }
    }
  };

  const getOnce = (path: string, query?: Record<string, string | number | undefined>): Promise<unknown> => {
    const url = new URL(base.origin + basePath + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    if (options.signal?.aborted) return Promise.reject(new KubeRequestError('aborted', 'collection aborted', path));
    return new Promise((resolve, reject) => {
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, options.timeoutMs);
      const onOuterAbort = () => controller.abort();
      options.signal?.addEventListener('abort', onOuterAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onOuterAbort);
      };
      const fail = (err: NodeJS.ErrnoException) => {
        done();
        if (timedOut) reject(new KubeRequestError('timeout', `GET ${path} on ${host} timed out after ${options.timeoutMs} ms`, path));
        else if (options.signal?.aborted) reject(new KubeRequestError('aborted', 'collection aborted', path));
        else reject(new KubeRequestError('unreachable', describeNetworkError(err, host), path));
      };
      const req = transport.request(url, { method: 'GET', agent, headers, signal: controller.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          done();
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          if (status >= 200 && status < 300) {
            if (body === undefined) {
              reject(new KubeRequestError('server-error', `GET ${path} on ${host} returned a body that is not JSON`, path, status));
            } else {
              if (body && typeof body === 'object') Object.defineProperty(body, RAW_TEXT, { value: text });
              resolve(body);
            }
            return;
          }
          const statusBody = body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
          const msg = statusMessage(statusBody, text);
          const code: KubeFailureCode =
            status === 429 ? 'server-error' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not-found' : status === 410 ? 'expired' : 'server-error';
          const error = new KubeRequestError(code, `GET ${path} on ${host}: HTTP ${status}${msg ? `: ${msg}` : ''}`, path, status, statusBody);
          const retryAfter = Number(res.headers['retry-after']);
          if (Number.isFinite(retryAfter) && retryAfter >= 0) retryAfterMs.set(error, Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS));
          reject(error);
        });
      });
      req.on('error', fail);
      req.end();
    });
  };

  return {
    host,
    get,
    close: () => agent?.destroy(),
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
