// Exceptions (auditor and up read, security and admin request and decide): accepted gaps, a
// finding rule or a missing default-deny for a cluster, a namespace or a workload. Each needs an
// approver other than its requester and ends on its expiry date by itself; excepted findings stay
// listed on the findings page, marked. A manager gets a clear "needs the auditor role" state.
import type { ApiError, ClusterSummary, ExceptionsPage, FindingRuleView, PostureExceptionView } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { apiClient, isKordonApiError } from '../../lib/api-client';
import { formatTimestamp } from '../../lib/format';
import { can } from '../../lib/permissions';
import { getSession } from '../../lib/session';
import { AppHeader } from '../_components/app-header';
import { Badge } from '../_components/badges';
import { ApiErrorState } from '../_components/state-message';
import { DecisionButtons } from './decision-buttons';
import { RequestForm } from './request-form';
import { STATUSES, exceptionsHref, expiresIn, parseExceptionsParams, type ExceptionsParams } from './search-params';
import '../admin/admin.css';
import './exceptions.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Exceptions' };

const TONE = { pending: 'warn', approved: 'good', rejected: 'neutral', revoked: 'neutral' } as const;

function NeedsRole() {
  return (
    <section className="state state-error" role="alert" data-testid="needs-role">
      <h2>Exceptions need the auditor role</h2>
      <p>
        Exceptions name namespaces and workloads, so they are open to the auditor, security and admin roles. The <Link href="/">fleet overview</Link>{' '}
        shows each cluster&apos;s roll-up.
      </p>
    </section>
  );
}

function Filters({ p, clusters }: { p: ExceptionsParams; clusters: ClusterSummary[] }) {
  const filtered = !!(p.cluster || p.status || p.inForce);
  return (
    <form method="get" action="/exceptions" className="toolbar" aria-label="Filter exceptions">
      <label>
        Cluster{' '}
        <select name="cluster" defaultValue={p.cluster ?? ''}>
          <option value="">all</option>
          {clusters.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Status{' '}
        <select name="status" defaultValue={p.status ?? ''}>
          <option value="">all</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        In force{' '}
        <select name="inForce" defaultValue={p.inForce ?? ''}>
          <option value="">either</option>
          <option value="true">in force now</option>
          <option value="false">not in force</option>
        </select>
      </label>
      <button type="submit" className="button">
        Apply
      </button>
      {filtered ? (
        <Link className="button button-ghost" href={exceptionsHref(p, { cluster: null, status: null, inForce: null })}>
          Clear filters
        </Link>
      ) : null}
    </form>
  );
}

function scopeOf(e: PostureExceptionView): string {
  return [e.cluster.name, e.namespace ?? '(every namespace)', e.workload].filter(Boolean).join(' / ');
}

function ExceptionRow({ e, me, mayDecide, now }: { e: PostureExceptionView; me: string; mayDecide: boolean; now: Date }) {
  return (
    <tr data-exception-id={e.id} data-status={e.status}>
      <td>
        <Badge tone={TONE[e.status]}>{e.status}</Badge>{' '}
        {e.inForce ? (
          <Badge tone="info" title="Approved and not expired">
            in force
          </Badge>
        ) : null}
      </td>
      <td className="scope">{scopeOf(e)}</td>
      <td className="mono">{e.ruleId ?? `default-deny ${e.direction}`}</td>
      <td>{e.owner}</td>
      <td>
        <time dateTime={e.expiresAt}>{formatTimestamp(e.expiresAt)}</time>
        <div className="muted" data-testid="expires-in">
          {expiresIn(e.expiresAt, now)}
        </div>
      </td>
      <td>{e.requestedBy}</td>
      <td>
        {e.decidedBy ? (
          <>
            {e.decidedBy}
            <div className="muted">{e.decidedAt ? formatTimestamp(e.decidedAt) : null}</div>
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="exception-why">
        {e.justification}
        {e.decisionNote ? <div className="muted">Decision: {e.decisionNote}</div> : null}
      </td>
      <td>{mayDecide ? <DecisionButtons exception={e} me={me} /> : null}</td>
    </tr>
  );
}

export default async function ExceptionsRoute({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const now = new Date();
  const p = parseExceptionsParams(await searchParams);
  const session = await getSession();
  const mayDecide = can(session?.role, 'operate');

  let content: ReactNode;
  if (!can(session?.role, 'read:detail')) {
    content = <NeedsRole />;
  } else {
    const [list, clusters, rules] = await Promise.allSettled([
      apiClient.get<ExceptionsPage>('/exceptions', { cluster: p.cluster, status: p.status, inForce: p.inForce, limit: 500 }),
      apiClient.listAllClusters(),
      apiClient.get<FindingRuleView[]>('/findings/rules'),
    ]);
    const fail = [list, clusters, rules].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (fail) {
      if (!isKordonApiError(fail.reason)) throw fail.reason;
      const error: ApiError = fail.reason.body;
      content = error.statusCode === 403 ? <NeedsRole /> : <ApiErrorState error={error} what="the exceptions" />;
    } else {
      const items = (list as PromiseFulfilledResult<ExceptionsPage>).value.items;
      const all = (clusters as PromiseFulfilledResult<ClusterSummary[]>).value;
      const catalog = (rules as PromiseFulfilledResult<FindingRuleView[]>).value;
      content = (
        <>
          {mayDecide ? <RequestForm clusters={all.map((c) => ({ id: c.id, name: c.name }))} rules={catalog.map((r) => ({ id: r.id, title: r.title }))} /> : null}
          <section className="panel" aria-labelledby="exceptions-title">
            <h2 id="exceptions-title">Exceptions</h2>
            <Filters p={p} clusters={all} />
            <p className="muted" role="status" data-testid="exceptions-count">
              {items.length} exception{items.length === 1 ? '' : 's'} · {items.filter((e) => e.inForce).length} in force ·{' '}
              {items.filter((e) => e.status === 'pending').length} pending
            </p>
            {items.length === 0 ? (
              <section className="state state-empty" role="status">
                <h2>No exceptions match.</h2>
              </section>
            ) : (
              <div className="table-wrap">
                <table className="exceptions-table">
                  <thead>
                    <tr>
                      <th scope="col">Status</th>
                      <th scope="col">Scope</th>
                      <th scope="col">Rule or direction</th>
                      <th scope="col">Owner</th>
                      <th scope="col">Expiry</th>
                      <th scope="col">Requested by</th>
                      <th scope="col">Decided by</th>
                      <th scope="col">Justification</th>
                      <th scope="col">
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((e) => (
                      <ExceptionRow key={e.id} e={e} me={session!.name} mayDecide={mayDecide} now={now} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      );
    }
  }

  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page">
        <div className="page-title">
          <h1>Exceptions</h1>
          <p className="page-sub">
            Accepted gaps: a finding rule or a missing default-deny, for a cluster, a namespace or a workload. Each needs an approver other than its
            requester and reopens on its expiry date by itself; excepted findings stay listed, marked <em>Excepted</em>.
          </p>
        </div>
        {content}
      </main>
    </>
  );
}
