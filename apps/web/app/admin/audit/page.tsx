// The audit log: every write and sign-in, newest first, filtered by actor, action, target and
// days (all in the URL), paged on the server with the API's cursor.
import type { AuditEntry, Page } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import type { SearchParams } from 'nuqs/server';
import { apiClient } from '../../../lib/api-client';
import { formatTimestamp } from '../../../lib/format';
import { ApiErrorState } from '../../_components/state-message';
import { load } from '../_components/load';
import { AuditFilters } from './audit-filters';
import { apiRange, auditHref, loadAuditParams, type AuditParams } from './search-params';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Audit log · Administration' };

const PAGE_SIZE = 50;
const HIDDEN_DETAILS = new Set(['by', 'requestId']);

function Details({ details }: { details: unknown }) {
  if (!details || typeof details !== 'object') return <span className="muted">—</span>;
  const d = details as Record<string, unknown>;
  const shown = Object.entries(d).filter(([k]) => !HIDDEN_DETAILS.has(k));
  return (
    <span className="audit-details">
      {shown.map(([k, v]) => (
        <span key={k} className="kv">
          <span className="muted">{k}</span> <span className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</span>
        </span>
      ))}
      {typeof d.requestId === 'string' ? <span className="cell-sub">request {d.requestId}</span> : null}
    </span>
  );
}

function targetHref(e: AuditEntry): string | null {
  if (!e.target) return null;
  if (e.action.startsWith('cluster.') || e.action === 'snapshot.trigger') return `/admin/clusters/${encodeURIComponent(e.target)}`;
  return null;
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const p = loadAuditParams(await searchParams) as AuditParams;
  const range = apiRange(p);
  const result = range.problem
    ? null
    : await load(() =>
        apiClient.get<Page<AuditEntry>>('/audit', { actor: p.actor, action: p.action, target: p.target, from: range.from, to: range.to, cursor: p.cursor, limit: PAGE_SIZE }),
      );
  const filtered = Boolean(p.actor || p.action || p.target || p.from || p.to);
  const with_ = (patch: Partial<AuditParams>) => `/admin/audit${auditHref({ ...p, cursor: null, ...patch })}`;
  const items = result?.ok ? result.data.items : [];
  const actors = [...new Set(items.map((i) => i.actor))].sort();
  return (
    <>
      <div className="page-title">
        <h1>Audit log</h1>
        <p className="page-sub">
          Every change (clusters, tokens, snapshots, analyses) and every web sign-in, with who did it. Entries are written in the same
          transaction as the change: no change exists that this log does not show.
        </p>
      </div>
      <AuditFilters key={JSON.stringify(p)} value={p} actors={actors} />
      {range.problem ? (
        <p className="notice notice-bad" role="alert">
          ⚠ {range.problem}
        </p>
      ) : !result!.ok ? (
        <ApiErrorState error={result!.error} what="the audit log" />
      ) : (
        <>
          <p className="muted" role="status">
            {items.length === 0
              ? filtered
                ? 'No entry matches these filters.'
                : 'The audit log is empty.'
              : `${items.length}${result!.data.nextCursor ? '+' : ''} entr${items.length === 1 ? 'y' : 'ies'}${filtered ? ' matching the filters' : ''}${p.cursor ? ' (older page)' : ''}, newest first`}
          </p>
          {items.length ? (
            <div className="table-wrap">
              <table aria-label="Audit log entries" className="audit-table">
                <thead>
                  <tr>
                    <th scope="col">When (UTC)</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => {
                    const href = targetHref(e);
                    return (
                      <tr key={e.id} data-action={e.action}>
                        <td className="nowrap">
                          <time dateTime={e.at}>{formatTimestamp(e.at)}</time>
                        </td>
                        <td>
                          <Link href={with_({ actor: e.actor })} title={`Only entries by ${e.actor}`}>
                            {e.actor}
                          </Link>
                        </td>
                        <td>
                          <Link href={with_({ action: e.action })} className="mono" title={`Only ${e.action} entries`}>
                            {e.action}
                          </Link>
                        </td>
                        <td className="mono target-cell">
                          {e.target ? (
                            <>
                              <Link href={with_({ target: e.target })} title="Only entries about this target">
                                {e.target.slice(0, 8)}…
                              </Link>
                              {href ? (
                                <Link href={href} className="cell-sub">
                                  open
                                </Link>
                              ) : null}
                            </>
                          ) : (
                            <span className="muted">—</span>
                          )}
                        </td>
                        <td>
                          <Details details={e.details} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : null}
          <nav className="pager" aria-label="Audit log pages">
            {p.cursor ? <Link href={with_({})}>← Newest entries</Link> : null}
            {result!.data.nextCursor ? <Link href={`/admin/audit${auditHref({ ...p, cursor: result!.data.nextCursor })}`}>Older entries →</Link> : null}
          </nav>
        </>
      )}
    </>
  );
}
