// The web app's single origin for users and scripts: every /api/* request is forwarded to the
// Kordon API, whose address is read per request so one build serves any environment.
import type { ApiError } from '@kordon/contracts';
import { NextResponse, type NextRequest } from 'next/server';
import { apiBaseUrl } from '../../../lib/api-base-url';
import { isSameOriginRequest } from '../../../lib/safe-next';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, unsealSession } from '../../../lib/session';

const MAX_BODY_BYTES = 1024 * 1024;

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

const UPSTREAM_TIMEOUT_MS = 30_000;
// A script's own Authorization is forwarded as is. A browser signed in to the dashboard has no
// Authorization header: its session cookie's credential (the user's own) is added instead, and a
// write with it must echo the session's CSRF token in x-kordon-csrf and come from this origin
// (double-submit + Origin check), so another site cannot make the browser write.
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'authorization', 'x-request-id'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
// Hop-by-hop headers, plus the ones fetch invalidates by decoding the body for us.
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'content-length',
  'upgrade',
  'proxy-authenticate',
  'trailer',
]);

type RouteContext = { params: Promise<{ path: string[] }> };

function errorResponse(body: ApiError): NextResponse {
  return NextResponse.json(body, { status: body.statusCode, headers: { 'cache-control': 'no-store' } });
}

async function proxy(req: NextRequest, ctx: RouteContext): Promise<Response> {
  const { path } = await ctx.params;
  // Dot segments would let a caller step outside /api on the upstream.
  if (path.some((segment) => segment === '.' || segment === '..')) {
    return errorResponse({ statusCode: 400, error: 'Bad Request', message: 'Invalid path' });
  }
  // Next hands route handlers a re-serialized query (%20 becomes +, `a` becomes `a=`): equivalent
  // for the API's form-urlencoded parsing, so it is forwarded as is.
  const target = `${apiBaseUrl()}/api/${path.map(encodeURIComponent).join('/')}${req.nextUrl.search}`;

  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers.get(name);
    if (value !== null) headers.set(name, value);
  }

  let fromSession = false;
  if (!headers.has('authorization')) {
    const session = await unsealSession(req.cookies.get(SESSION_COOKIE)?.value);
    if (session) {
      if (!SAFE_METHODS.has(req.method)) {
        const csrf = req.headers.get(CSRF_HEADER);
        const cookieCsrf = req.cookies.get(CSRF_COOKIE)?.value;
        if (!csrf || csrf !== session.csrf || cookieCsrf !== session.csrf || !isSameOriginRequest(req.headers)) {
          return errorResponse({
            statusCode: 403,
            error: 'Forbidden',
            message: 'cross-site request refused: writes from the dashboard need its CSRF token (reload the page)',
          });
        }
      }
      headers.set('authorization', `Bearer ${session.credential}`);
      fromSession = true;
    }
  }

  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  // The API refuses bodies over 1 MB (analyze uploads included); refuse them here before
  // buffering, so a huge upload cannot fill the web process's memory.
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (hasBody && declared > MAX_BODY_BYTES) {
    return errorResponse({ statusCode: 413, error: 'Payload Too Large', message: `request bodies are limited to ${MAX_BODY_BYTES} bytes` });
  }
  const noBody = (status: number) => req.method === 'HEAD' || status === 204 || status === 304;
  let upstream: Response;
  let body: ArrayBuffer | null;
  try {
    upstream = await fetch(target, {
      method: req.method,
      headers,
      body: hasBody ? await readLimited(req, MAX_BODY_BYTES) : undefined,
      cache: 'no-store',
      redirect: 'manual',
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    });
    // Buffered inside the try: an API dying mid-body is still a 502, not a crash.
    // 204/304 and HEAD carry no body; a body there makes Response() throw.
    body = noBody(upstream.status) ? null : await upstream.arrayBuffer();
  } catch (err) {
    if (err instanceof PayloadTooLarge) {
      return errorResponse({ statusCode: 413, error: 'Payload Too Large', message: `request bodies are limited to ${MAX_BODY_BYTES} bytes` });
    }
    if (err instanceof Error && err.name === 'TimeoutError') {
      return errorResponse({ statusCode: 504, error: 'Gateway Timeout', message: 'Kordon API did not answer in time' });
    }
    return errorResponse({ statusCode: 502, error: 'Bad Gateway', message: 'Kordon API is unreachable' });
  }

  const responseHeaders = new Headers();
  upstream.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name.toLowerCase())) responseHeaders.append(name, value);
  });
  // The session's credential was refused (revoked, expired): the session is over. Its cookie is
  // replaced by one that never unseals, so the next page load goes to the sign-in page, which
  // says the session ended, instead of rendering errors.
  if (fromSession && upstream.status === 401) {
    responseHeaders.append('set-cookie', `${SESSION_COOKIE}=ended; Path=/; HttpOnly; SameSite=Lax`);
    responseHeaders.append('set-cookie', `${CSRF_COOKIE}=; Path=/; Max-Age=0; SameSite=Strict`);
  }
  return new Response(body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: responseHeaders,
  });
}

export const GET = proxy;
export const HEAD = proxy;
export const POST = proxy;
export const PUT = proxy;
export const PATCH = proxy;
export const DELETE = proxy;

/** The request body, or a 413 error when it exceeds `limit` (chunked uploads have no length). */
async function readLimited(req: Request, limit: number): Promise<ArrayBuffer> {
  const buf = await req.arrayBuffer();
  if (buf.byteLength > limit) throw new PayloadTooLarge();
  return buf;
}

class PayloadTooLarge extends Error {
  override name = 'PayloadTooLarge';
}
