// Time travel: `?at=` in a page's URL is a date (YYYY-MM-DD, the end of that day in UTC) or an
// ISO instant; the API is asked for the state in force then. Shared by server pages and clients.
export function parseAt(raw: string | string[] | undefined | null): { at: string; label: string } | null {
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    const d = new Date(`${v}T23:59:59.999Z`);
    return Number.isNaN(d.getTime()) ? null : { at: d.toISOString(), label: v };
  }
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : { at: d.toISOString(), label: d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') };
}

/** `href` with `at` kept (or set), so links inside a past view stay in the past. */
export function withAt(href: string, at: string | null | undefined): string {
  if (!at) return href;
  const [path, hash] = href.split('#');
  const sep = path!.includes('?') ? '&' : '?';
  return `${path}${sep}at=${encodeURIComponent(at)}${hash ? `#${hash}` : ''}`;
}
