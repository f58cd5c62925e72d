// Where to go after signing in: only a same-origin path, never `//host` or a full URL, so a
// crafted sign-in link cannot send the user elsewhere (open redirect).
export function safeNext(next: string | null | undefined): string {
  if (!next || typeof next !== 'string') return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/sign-in') || next.startsWith('/sign-out')) return '/';
  return next;
}

/**
 * True when a state-changing request comes from this web app's own pages: its Origin (or, when a
 * browser sends none, its Referer) names this host. Browsers always send Origin on cross-site
 * POSTs, so a form on another site cannot pass; `Sec-Fetch-Site: cross-site` is refused too.
 */
export function isSameOriginRequest(headers: Headers): boolean {
  if (headers.get('sec-fetch-site') === 'cross-site') return false;
  const origin = headers.get('origin') ?? headers.get('referer');
  if (!origin || origin === 'null') return false;
  const host = headers.get('x-forwarded-host') ?? headers.get('host');
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
