// The exceptions page's URL: cluster, status and in-force filters, so a link reproduces the list.
import type { ExceptionStatus } from '@kordon/contracts';

export const STATUSES: ExceptionStatus[] = ['pending', 'approved', 'rejected', 'revoked'];

export interface ExceptionsParams {
  cluster: string | null;
  status: ExceptionStatus | null;
  inForce: 'true' | 'false' | null;
}

type Raw = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string | null => {
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() ? s.trim() : null;
};

export function parseExceptionsParams(raw: Raw): ExceptionsParams {
  const status = one(raw.status);
  const inForce = one(raw.inForce);
  return {
    cluster: one(raw.cluster),
    status: status && (STATUSES as string[]).includes(status) ? (status as ExceptionStatus) : null,
    inForce: inForce === 'true' || inForce === 'false' ? inForce : null,
  };
}

export function exceptionsHref(p: ExceptionsParams, change: Partial<ExceptionsParams> = {}): string {
  const n = { ...p, ...change };
  const q = new URLSearchParams();
  for (const k of ['cluster', 'status', 'inForce'] as const) if (n[k]) q.set(k, n[k]!);
  const s = q.toString();
  return s ? `/exceptions?${s}` : '/exceptions';
}

/** "expires in 3 days", "expires today", "expired 2 days ago". */
export function expiresIn(iso: string, now: Date): string {
  const ms = new Date(iso).getTime() - now.getTime();
  const days = Math.floor(Math.abs(ms) / 86_400_000);
  if (ms <= 0) return days === 0 ? 'expired today' : `expired ${days} day${days === 1 ? '' : 's'} ago`;
  return days === 0 ? 'expires today' : `expires in ${days} day${days === 1 ? '' : 's'}`;
}
