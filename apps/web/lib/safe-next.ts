// Where to go after signing in: only a same-origin path, never `//host` or a full URL, so a
// crafted sign-in link cannot send the user elsewhere (open redirect).
export function safeNext(next: string | null | undefined): string {
  if (!next || typeof next !== 'string') return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/sign-in') || next.startsWith('/sign-out')) return '/';
  return next;
}
