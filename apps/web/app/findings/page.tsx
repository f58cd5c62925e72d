// Findings (auditor and up): every cluster's open findings from its latest snapshot (or the one
// in force at `?at=`), filtered by severity, rule, cluster and namespace, sorted and paged on the
// server, grouped by rule with the rule's explanation; each finding links to where it is and
// carries its remediation YAML. A manager gets a clear "needs the auditor role" state.
import type { ApiError, ClusterSummary, FindingRuleView, FleetFindingItem, Page } from '@kordon/contracts';
import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { AsOfPicker } from '../../components/as-of';
import { YamlBlock } from '../../components/yaml-block';
import { apiClient, isKordonApiError } from '../../lib/api-client';
import { parseAt } from '../../lib/as-of';
import { can } from '../../lib/permissions';
import { getSession } from '../../lib/session';
import { AppHeader } from '../_components/app-header';
import { ApiErrorState } from '../_components/state-message';
import { SEVERITIES, SeverityLabel } from '../_fleet/severity';
import { FindingLocation } from './finding-location';
import { SORTS, findingsHref, parseFindingsParams, type FindingsParams } from './search-params';
import '../_fleet/fleet.css';
import './findings.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Findings' };

const PAGE_SIZE = 100;

function NeedsRole() {
  return (
    <section className="state state-error" role="alert" data-testid="needs-role">
      <h2>Findings need the auditor role</h2>
      <p>
        Your role reads aggregates only. The findings list names namespaces, workloads and policies, so it is open to the auditor, security and admin
        roles. The <Link href="/">fleet overview</Link> shows each cluster&apos;s finding counts by severity, and the <Link href="/rollout">rollout</Link>{' '}
        page the default-deny progress.
      </p>
    </section>
  );
}

function Filters({ p, rules, clusters }: { p: FindingsParams; rules: FindingRuleView[]; clusters: ClusterSummary[] }) {
  const filtered = !!(p.severity || p.rule || p.cluster || p.namespace || p.excepted);
  return (
    <form method="get" action="/findings" className="toolbar findings-filters" aria-label="Filter findings">
      <label>
        Severity{' '}
        <select name="severity" defaultValue={p.severity ?? ''}>
          <option value="">all</option>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Rule{' '}
        <select name="rule" defaultValue={p.rule ?? ''}>
          <option value="">all</option>
          {rules.map((r) => (
            <option key={r.id} value={r.id}>
              {r.id} {r.title}
            </option>
          ))}
        </select>
      </label>
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
        Namespace <input type="search" name="namespace" defaultValue={p.namespace ?? ''} placeholder="e.g. payments" className="search-input" size={14} />
      </label>
      <label>
        Exceptions{' '}
        <select name="excepted" defaultValue={p.excepted ?? ''}>
          <option value="">all</option>
          <option value="false">not excepted</option>
          <option value="true">excepted only</option>
        </select>
      </label>
      <label>
        Sort{' '}
        <select name="sort" defaultValue={p.sort}>
          {SORTS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      {p.at ? <input type="hidden" name="at" value={p.at} /> : null}
      <button type="submit" className="button">
        Apply
      </button>
      {filtered ? (
        <Link className="button button-ghost" href={findingsHref(p, { severity: null, rule: null, cluster: null, namespace: null, excepted: null, cursor: null })}>
          Clear filters
        </Link>
      ) : null}
    </form>
  );
}

function RuleExplanation({ rule }: { rule: FindingRuleView }) {
  return (
    <details className="rule-explain">
      <summary>Why this matters and what to do</summary>
      <p>
        <strong>Why:</strong> {rule.rationale}
      </p>
      <p>
        <strong>Remediation:</strong> {rule.remediation}
      </p>
      {rule.severityNote ? <p className="muted">Severity: {rule.severityNote}</p> : null}
      {rule.references.length > 0 ? (
        <ul className="rule-refs">
          {rule.references.map((r) => (
            <li key={r}>{/^https?:\/\//.test(r) ? <a href={r}>{r}</a> : r}</li>
          ))}
        </ul>
      ) : null}
    </details>
  );
}

function FindingRow({ f, at }: { f: FleetFindingItem; at: string | null }) {
  return (
    <li className="finding" data-finding-id={f.id}>
      <div className="finding-head">
        <SeverityLabel severity={f.severity} />
        <FindingLocation f={f} at={at} />
        {f.excepted ? (
          <span className="badge badge-info" data-testid="excepted" title={`Accepted gap: exception owned by ${f.excepted.owner}, until ${f.excepted.expiresAt}`}>
            Excepted · {f.excepted.owner} · until {f.excepted.expiresAt.slice(0, 10)}{' '}
            <Link href={`/exceptions?cluster=${encodeURIComponent(f.cluster.id)}`}>details</Link>
          </span>
        ) : null}
      </div>
      <p className="finding-message">{f.message}</p>
      {f.remediationYaml ? (
        <details className="finding-fix">
          <summary>Remediation YAML</summary>
          <YamlBlock code={f.remediationYaml} label={`remediation YAML for ${f.ruleId} in ${f.cluster.name}`} />
        </details>
      ) : null}
    </li>
  );
}

interface Group {
  ruleId: string;
  items: FleetFindingItem[];
}

function groupByRule(items: FleetFindingItem[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of items) {
    const g = groups.get(f.ruleId);
    if (g) g.items.push(f);
    else groups.set(f.ruleId, { ruleId: f.ruleId, items: [f] });
  }
  return [...groups.values()];
}

export default async function FindingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const now = new Date();
  const p = parseFindingsParams(await searchParams);
  const asOf = parseAt(p.at);
  const session = await getSession();

  let content: ReactNode;
  if (!can(session?.role, 'read:detail')) {
    content = <NeedsRole />;
  } else {
    const [page, rules, clusters] = await Promise.allSettled([
      apiClient.get<Page<FleetFindingItem>>('/findings', {
        severity: p.severity, rule: p.rule, cluster: p.cluster, namespace: p.namespace, excepted: p.excepted, sort: p.sort, cursor: p.cursor, at: asOf?.at, limit: PAGE_SIZE,
      }),
      apiClient.get<FindingRuleView[]>('/findings/rules'),
      apiClient.listAllClusters(),
    ]);
    const fail = [page, rules, clusters].find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (fail) {
      if (!isKordonApiError(fail.reason)) throw fail.reason;
      const error: ApiError = fail.reason.body;
      content = error.statusCode === 403 ? <NeedsRole /> : <ApiErrorState error={error} what="the findings" />;
    } else {
      const list = (page as PromiseFulfilledResult<Page<FleetFindingItem>>).value;
      const catalog = (rules as PromiseFulfilledResult<FindingRuleView[]>).value;
      const ruleBy = new Map(catalog.map((r) => [r.id, r]));
      const groups = groupByRule(list.items);
      content = (
        <>
          <Filters p={p} rules={catalog} clusters={(clusters as PromiseFulfilledResult<ClusterSummary[]>).value} />
          <p className="muted" role="status">
            {list.items.length === 0
              ? null
              : `${list.items.length} finding${list.items.length === 1 ? '' : 's'} on this page, under ${groups.length} rule${groups.length === 1 ? '' : 's'}${list.nextCursor ? '; more on the next page' : ''}.`}
          </p>
          {list.items.length === 0 ? (
            <section className="state state-empty" role="status">
              <h2>No findings match.</h2>
              <p>{p.severity || p.rule || p.cluster || p.namespace || p.excepted ? 'Clear or widen the filters.' : 'No cluster has an open finding in its snapshot.'}</p>
            </section>
          ) : (
            groups.map((g) => {
              const rule = ruleBy.get(g.ruleId);
              return (
                <section key={g.ruleId} className="panel rule-group" aria-labelledby={`rule-${g.ruleId}`} data-rule={g.ruleId}>
                  <h2 id={`rule-${g.ruleId}`}>
                    <span className="rule-id">{g.ruleId}</span> {rule?.title ?? g.items[0]!.title}{' '}
                    <span className="muted rule-count">
                      · {g.items.length} finding{g.items.length === 1 ? '' : 's'}
                      {p.rule ? '' : ' on this page'}
                    </span>
                  </h2>
                  {rule ? <RuleExplanation rule={rule} /> : null}
                  <ul className="finding-list">
                    {g.items.map((f) => (
                      <FindingRow key={`${f.cluster.id}:${f.id}`} f={f} at={asOf ? p.at : null} />
                    ))}
                  </ul>
                  {!p.rule ? (
                    <p className="rule-more">
                      <Link href={findingsHref(p, { rule: g.ruleId, cursor: null })}>Only {g.ruleId}</Link>
                    </p>
                  ) : null}
                </section>
              );
            })
          )}
          <nav className="pager" aria-label="Pages">
            {p.cursor ? <Link href={findingsHref(p, { cursor: null })}>← First page</Link> : null}
            {list.nextCursor ? <Link href={findingsHref(p, { cursor: list.nextCursor })}>Next page →</Link> : null}
          </nav>
        </>
      );
    }
  }

  return (
    <>
      <AppHeader now={now} />
      <main id="main" className="page">
        <div className="page-title fleet-title">
          <div>
            <h1>Findings</h1>
            <p className="page-sub">
              Open findings of each cluster&apos;s latest successful snapshot{asOf ? ' in force at the date chosen' : ''}, grouped by rule. Each says what
              it is about and links to it; fixes come as YAML to review and apply.
            </p>
          </div>
          {can(session?.role, 'read:detail') ? <AsOfPicker /> : null}
        </div>
        {asOf ? (
          <div className="as-of-banner" role="status" data-testid="as-of-banner">
            <span aria-hidden>◷</span> <strong>As of {asOf.label}</strong>: each cluster&apos;s findings from its last successful snapshot up to then.{' '}
            <Link href={findingsHref(p, { at: null, cursor: null })}>Back to now</Link>
          </div>
        ) : null}
        {content}
      </main>
    </>
  );
}
