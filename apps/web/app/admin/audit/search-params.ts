// URL state of the audit page, shared by the server page and the filter form: the filters, the
// date range (days, UTC, both inclusive) and the page cursor, so a link reproduces the view.
import { createLoader, createSerializer, parseAsString } from 'nuqs/server';

export const auditParams = {
  actor: parseAsString,
  action: parseAsString,
  target: parseAsString,
  /** YYYY-MM-DD, first day shown. */
  from: parseAsString,
  /** YYYY-MM-DD, last day shown. */
  to: parseAsString,
  cursor: parseAsString,
};

export const loadAuditParams = createLoader(auditParams);
export const auditHref = createSerializer(auditParams);

export type AuditParams = { [K in keyof typeof auditParams]: string | null };

export const KNOWN_ACTIONS: { value: string; label: string }[] = [
  { value: 'auth.sign-in', label: 'auth.sign-in (web sign-ins)' },
  { value: 'cluster.', label: 'cluster.* (all cluster changes)' },
  { value: 'cluster.register', label: 'cluster.register' },
  { value: 'cluster.update', label: 'cluster.update' },
  { value: 'cluster.delete', label: 'cluster.delete' },
  { value: 'cluster.purge', label: 'cluster.purge' },
  { value: 'cluster.discover', label: 'cluster.discover' },
  { value: 'snapshot.trigger', label: 'snapshot.trigger' },
  { value: 'token.', label: 'token.* (all token changes)' },
  { value: 'token.create', label: 'token.create' },
  { value: 'token.revoke', label: 'token.revoke' },
  { value: 'analyze.run', label: 'analyze.run' },
];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The API's `from` (inclusive) and `to` (exclusive) for days picked inclusively. */
export function apiRange(p: Pick<AuditParams, 'from' | 'to'>): { from?: string; to?: string; problem?: string } {
  const from = p.from && DAY.test(p.from) ? p.from : undefined;
  let to: string | undefined;
  if (p.to && DAY.test(p.to)) {
    const d = new Date(`${p.to}T00:00:00Z`);
    if (!Number.isNaN(d.getTime())) to = new Date(d.getTime() + 86_400_000).toISOString().slice(0, 10);
  }
  const problem =
    (p.from && !from) || (p.to && !to) ? 'dates must be written YYYY-MM-DD' : from && to && from >= to ? 'the first day must not be after the last day' : undefined;
  return problem ? { problem } : { from, to };
}
