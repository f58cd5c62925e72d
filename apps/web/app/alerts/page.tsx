// Alerts (auditor and up read; security and admin manage webhooks): regressions Kordon noticed
// between snapshots — a namespace losing default-deny, coverage dropping, the engine becoming
// none, a new namespace left unprotected, snapshots failing — open ones first, with where each was
// delivered; the alert rules and their thresholds; the webhooks with their last delivery.
import type { AlertRuleView, AlertView, ApiError, WebhookView } from '@kordon/contracts';
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
import { AlertRules } from './alert-rules';
import { WebhookActions } from './webhook-actions';
import { WebhookForm } from './webhook-form';
import '../admin/admin.css';
import '../exceptions/exceptions.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Alerts' };

const KIND_LABEL: Record<string, string> = {
  default_deny_lost: 'default-deny lost',
  coverage_drop: 'coverage drop',
  engine_none: 'engine none',
  unprotected_namespace: 'unprotected namespace',
  snapshots_failing: 'snapshots failing',
};

function Deliveries({ a }: { a: AlertView }) {
  if (!a.deliveries.length) return <span className="muted">no webhook takes this kind</span>;
  return (
    <ul className="plain">
      {a.deliveries.map((d) => (
        <li key={d.webhookId} data-testid="delivery">
          <Badge tone={d.ok ? 'good' : 'bad'}>{d.ok ? 'delivered' : 'failing'}</Badge> {d.webhookName}{' '}
          <span className="muted">
            ({d.httpStatus ?? 'no answer'}, {d.attempts} attempt{d.attempts === 1 ? '' : 's'})
          </span>
        </li>
      ))}
    </ul>
  );
}

function AlertTable({ items, id }: { items: AlertView[]; id: string }) {
  if (!items.length) {
    return (
      <section className="state state-empty" role="status">
        <h3>None.</h3>
      </section>
    );
  }
  return (
    <div className="table-wrap">
      <table className="exceptions-table" data-testid={id}>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Cluster</th>
            <th scope="col">Namespace</th>
            <th scope="col">What happened</th>
            <th scope="col">Opened</th>
            <th scope="col">Resolved</th>
            <th scope="col">Delivered to</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id} data-alert-id={a.id} data-kind={a.kind}>
              <td>
                <Badge tone={a.resolvedAt ? 'neutral' : 'bad'}>{KIND_LABEL[a.kind] ?? a.kind}</Badge>
              </td>
              <td>
                <Link href={`/clusters/${encodeURIComponent(a.clusterId)}`}>{a.clusterName}</Link>
              </td>
              <td className="mono">
                {a.namespace ? <Link href={`/clusters/${encodeURIComponent(a.clusterId)}/namespaces/${encodeURIComponent(a.namespace)}`}>{a.namespace}</Link> : '—'}
              </td>
              <td>{a.summary}</td>
              <td>
                <time dateTime={a.openedAt}>{formatTimestamp(a.openedAt)}</time>
              </td>
              <td>{a.resolvedAt ? <time dateTime={a.resolvedAt}>{formatTimestamp(a.resolvedAt)}</time> : <span className="muted">open</span>}</td>
              <td>
                <Deliveries a={a} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default async function AlertsRoute() {
  const now = new Date();
  const session = await getSession();
  const operate = can(session?.role, 'operate');
  let content: ReactNode;
  if (!can(session?.role, 'read:detail')) {
    content = (
      <section className="state state-error" role="alert" data-testid="needs-role">
        <h2>Alerts need the auditor role</h2>
        <p>
          Alerts name namespaces; the <Link href="/rollout">rollout page</Link> shows the default-deny progress per group.
        </p>
      </section>
    );
  } else {
    const [alerts, rules, hooks] = await Promise.allSettled([
      apiClient.get<{ items: AlertView[] }>('/alerts'),
      apiClient.get<{ items: AlertRuleView[] }>('/alert-rules'),
      operate ? apiClient.get<{ items: WebhookView[] }>('/webhooks') : Promise.resolve({ items: [] as WebhookView[] }),
    ]);
    const fail = [alerts, rules, hooks].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (fail) {
      if (!isKordonApiError(fail.reason)) throw fail.reason;
      content = <ApiErrorState error={fail.reason.body as ApiError} what="the alerts" />;
    } else {
      const items = (alerts as PromiseFulfilledResult<{ items: AlertView[] }>).value.items;
      const ruleItems = (rules as PromiseFulfilledResult<{ items: AlertRuleView[] }>).value.items;
      const webhooks = (hooks as PromiseFulfilledResult<{ items: WebhookView[] }>).value.items;
      const open = items.filter((a) => !a.resolvedAt);
      content = (
        <>
          <section className="panel" aria-labelledby="open-h">
            <h2 id="open-h">
              Open alerts <span className="muted" data-testid="open-count">({open.length})</span>
            </h2>
            <AlertTable items={open} id="open-alerts" />
          </section>
          <section className="panel" aria-labelledby="resolved-h">
            <h2 id="resolved-h">Resolved</h2>
            <AlertTable items={items.filter((a) => a.resolvedAt)} id="resolved-alerts" />
          </section>
          <section className="panel" aria-labelledby="rules-h">
            <h2 id="rules-h">Alert rules</h2>
            <AlertRules rules={ruleItems} canEdit={operate} />
            {operate ? null : <p className="muted">The security team turns rules on and off and sets their thresholds.</p>}
          </section>
          {operate ? (
            <>
              <section className="panel" aria-labelledby="hooks-h">
                <h2 id="hooks-h">Webhooks</h2>
                {webhooks.length === 0 ? (
                  <p className="muted">No webhook yet: alerts are listed here but not delivered.</p>
                ) : (
                  <table className="exceptions-table" data-testid="webhooks">
                    <thead>
                      <tr>
                        <th scope="col">Name</th>
                        <th scope="col">Format</th>
                        <th scope="col">URL</th>
                        <th scope="col">Kinds</th>
                        <th scope="col">Last delivery</th>
                        <th scope="col">
                          <span className="sr-only">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {webhooks.map((w) => (
                        <tr key={w.id} data-webhook={w.name}>
                          <td>
                            {w.name} {w.enabled ? null : <Badge tone="neutral">paused</Badge>}
                          </td>
                          <td>
                            {w.format}
                            {w.hasSecret ? <span className="muted"> · signed</span> : null}
                          </td>
                          <td className="mono">{w.urlHint}</td>
                          <td>{w.kinds.length ? w.kinds.join(', ') : 'all'}</td>
                          <td>
                            {w.lastDelivery ? (
                              <>
                                <Badge tone={w.lastDelivery.ok ? 'good' : 'bad'}>{w.lastDelivery.ok ? 'ok' : 'failed'}</Badge> {w.lastDelivery.httpStatus ?? w.lastDelivery.error}{' '}
                                <span className="muted">{formatTimestamp(w.lastDelivery.at)}</span>
                              </>
                            ) : (
                              <span className="muted">never</span>
                            )}
                          </td>
                          <td>
                            <WebhookActions webhook={w} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
              <WebhookForm kinds={ruleItems.map((r) => ({ kind: r.kind, description: r.description }))} />
            </>
          ) : null}
        </>
      );
    }
  }
  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page">
        <div className="page-title">
          <h1>Alerts</h1>
          <p className="page-sub">
            Regressions between snapshots: a namespace losing default-deny, coverage falling by more than the threshold, a cluster whose engine becomes
            none, a new namespace left unprotected, snapshots failing. One alert per condition until it clears; deliveries retried with backoff.
          </p>
        </div>
        {content}
      </main>
    </>
  );
}
