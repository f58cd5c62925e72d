// Display formatting shared by pages. Pure: the caller passes "now" (the request time), so one
// render shows one consistent clock and ages are computed on the server.

export function formatAge(iso: string | null | undefined, now: Date): string {
  if (!iso) return '—';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '—';
  const seconds = Math.round((now.getTime() - then) / 1000);
  if (seconds < 0) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${days} d ago`;
}

export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDuration(startIso: string, endIso: string | null): string {
  if (!endIso) return '—';
  const ms = Date.parse(endIso) - Date.parse(startIso);
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  return `${Math.round(seconds / 60)} min`;
}

/** 0..1 → "87%"; keeps one decimal near the ends so 99.6% never reads as 100%. */
export function formatPercent(ratio: number): string {
  const pct = Math.max(0, Math.min(1, ratio)) * 100;
  if (pct > 0 && pct < 1) return `${pct.toFixed(1)}%`;
  if (pct > 99 && pct < 100) return `${Math.floor(pct * 10) / 10}%`;
  return `${Math.round(pct)}%`;
}

export function formatSchedule(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? 'daily' : `every ${minutes / 1440} d`;
  if (minutes % 60 === 0) return minutes === 60 ? 'hourly' : `every ${minutes / 60} h`;
  return `every ${minutes} min`;
}
