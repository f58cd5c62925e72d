'use client';
// Every section of a diff, shared by the diff page (two stored snapshots) and the what-if page
// (latest snapshot → latest with proposed manifests). Takes the API's answer as it comes and maps
// it once (adapter.ts). Changes are marked with words and +/− signs; colour only repeats them.
import Link from 'next/link';
import { toDiffView, type ApiDiff } from './adapter';
import { NamespaceDeltas } from './namespace-deltas';
import type { DiffViewModel, PolicyChangeView, PolicyRefView, ReachChangeView } from './view-model';
import type { DiffLine } from './line-diff';

export type SimulateResult = ApiDiff;

const enc = encodeURIComponent;

export function policyPageHref(clusterId: string, p: PolicyRefView): string | null {
  if (!p.namespace) return null;
  const base = `/clusters/${enc(clusterId)}/namespaces/${enc(p.namespace)}/policies/${enc(p.name)}`;
  return p.kind && p.kind !== 'NetworkPolicy' ? `${base}?kind=${enc(p.kind)}` : base;
}

function PolicyName({ clusterId, p, link = true }: { clusterId: string; p: PolicyRefView; link?: boolean }) {
  const text = `${p.kind && p.kind !== 'NetworkPolicy' ? `${p.kind}/` : ''}${p.namespace ? `${p.namespace}/` : ''}${p.name}`;
  const href = link ? policyPageHref(clusterId, p) : null;
  return href ? (
    <Link className="mono" href={href} prefetch={false}>
      {text}
    </Link>
  ) : (
    <span className="mono">{text}</span>
  );
}

const OP_MARK = { added: '+', removed: '−', changed: '~' } as const;
const OP_CLASS = { added: 'diff-op-add', removed: 'diff-op-del', changed: 'diff-op-mod' } as const;

/** Unchanged runs longer than this collapse to "… n unchanged lines". */
const CONTEXT = 3;

export function YamlDiff({ lines }: { lines: DiffLine[] }) {
  const keep = lines.map((l, i) => l.op !== ' ' || lines.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((x) => x.op !== ' '));
  const out: React.ReactNode[] = [];
  let skipped = 0;
  lines.forEach((l, i) => {
    if (!keep[i] && lines.some((x) => x.op !== ' ')) {
      skipped++;
      return;
    }
    if (skipped) {
      out.push(
        <span key={`s${i}`} className="dl dl-skip">
          … {skipped} unchanged line{skipped === 1 ? '' : 's'}
        </span>,
      );
      skipped = 0;
    }
    out.push(
      <span key={i} className={`dl${l.op === '+' ? ' dl-add' : l.op === '-' ? ' dl-del' : ''}`}>
        <span className="dl-mark">{l.op === '-' ? '-' : l.op}</span>
        {l.text}
      </span>,
    );
  });
  if (skipped) out.push(<span key="s-end" className="dl dl-skip">… {skipped} unchanged line{skipped === 1 ? '' : 's'}</span>);
  return (
    <pre className="yaml-diff" data-testid="yaml-diff" aria-label="YAML diff: lines starting with + were added, with - removed">
      <code>{out}</code>
    </pre>
  );
}

function PolicyChange({ clusterId, c }: { clusterId: string; c: PolicyChangeView }) {
  return (
    <li data-testid="policy-change" data-op={c.op}>
      <details className="diff-details" open={c.lines.length <= 60}>
        <summary>
          <span className={`diff-op ${OP_CLASS[c.op]}`} aria-hidden>
            {OP_MARK[c.op]}
          </span>
          {c.op} <PolicyName clusterId={clusterId} p={c} link={c.op !== 'removed'} />
        </summary>
        {c.lines.length ? <YamlDiff lines={c.lines} /> : <p className="muted">No YAML available for this policy.</p>}
      </details>
    </li>
  );
}

function Section({ id, title, count, children }: { id: string; title: string; count?: number; children: React.ReactNode }) {
  return (
    <section className="panel" aria-labelledby={`${id}-h`} data-testid={`diff-${id}`}>
      <h2 id={`${id}-h`}>
        {title}
        {count !== undefined ? <span className="muted"> ({count})</span> : null}
      </h2>
      {children}
    </section>
  );
}

function ReachList({ clusterId, rows, testid }: { clusterId: string; rows: ReachChangeView[]; testid: string }) {
  return (
    <ul className="diff-list" data-testid={testid}>
      {rows.map((r) => {
        const opened = r.before === '' || /^no connections?$/i.test(r.before);
        const closed = r.after === '' || /^no connections?$/i.test(r.after);
        return (
          <li key={`${r.from}→${r.to}`} data-testid="reach-change">
            <span className={`diff-op ${opened ? 'diff-op-add' : closed ? 'diff-op-del' : 'diff-op-mod'}`} aria-hidden>
              {opened ? '+' : closed ? '−' : '~'}
            </span>
            <span className="mono">{r.from}</span> → <span className="mono">{r.to}</span>:{' '}
            <span className="conn-change">
              {r.before || 'no connections'} → {r.after || 'no connections'}
            </span>{' '}
            <span className="muted">{opened ? '(opened)' : closed ? '(closed)' : '(changed)'}</span>
            {r.causes.length ? (
              <div className="cell-sub">
                caused by{' '}
                {r.causes.map((c, i) => (
                  <span key={`${c.namespace}/${c.name}/${i}`}>
                    {i ? ', ' : ''}
                    {c.op ? `${c.op} ` : ''}
                    <PolicyName clusterId={clusterId} p={c} link={c.op !== 'removed'} />
                  </span>
                ))}
              </div>
            ) : null}
            {r.why ? (
              <div className="cell-sub" data-testid="reach-why">
                {r.why}
              </div>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

export interface DiffViewProps {
  diff: ApiDiff;
  clusterId: string;
  /** The diff page's link toggling `workloads=true`; absent on the what-if page. */
  workloadsHref?: string;
  workloadsShown?: boolean;
  /** The same view listing every pair, when the API listed only the first ones. */
  allPairsHref?: string;
  fromLabel?: string | null;
}

/** A truncated list says so: the counts above are over every pair, the list holds the first ones. */
function ShownOf({ shown, total, what, allHref }: { shown: number; total: number; what: string; allHref?: string }) {
  return (
    <p className="muted" data-testid="pairs-truncated">
      Showing the first {shown.toLocaleString('en-US')} of {total.toLocaleString('en-US')} {what}, in namespace order; the counts above include them all.{' '}
      {allHref ? (
        <Link href={allHref} scroll={false}>
          List them all
        </Link>
      ) : null}
    </p>
  );
}

export function DiffView({ diff, clusterId, workloadsHref, workloadsShown, allPairsHref }: DiffViewProps) {
  const v: DiffViewModel = toDiffView(diff);
  const drift = v.labels.flatMap((l) => l.effects.filter((e) => e.drift).map((e) => ({ ...e, target: l.target })));
  return (
    <div className="diff-view" data-testid="diff-view">
      <Section id="summary" title="Summary">
        {v.from.takenAt || v.to.takenAt ? (
          <p className="diff-range muted" data-testid="diff-range">
            From {v.from.takenAt ? <time dateTime={v.from.takenAt}>{new Date(v.from.takenAt).toISOString().replace('T', ' ').slice(0, 16)} UTC</time> : '—'}
            {v.from.id ? ` (snapshot ${v.from.id.slice(0, 8)})` : ''} to{' '}
            {v.to.takenAt ? <time dateTime={v.to.takenAt}>{new Date(v.to.takenAt).toISOString().replace('T', ' ').slice(0, 16)} UTC</time> : 'the proposed change'}
            {v.to.id ? ` (snapshot ${v.to.id.slice(0, 8)})` : ''}.
          </p>
        ) : null}
        <dl className="diff-summary" data-testid="diff-summary">
          {v.summary.map((s) => (
            <div className="fact" key={s.key} data-key={s.key}>
              <dt>{s.label}</dt>
              <dd className="num">{s.value.toLocaleString('en-US')}</dd>
            </div>
          ))}
        </dl>
      </Section>

      {v.profile.length ? (
        <Section id="profile" title="Network profile changes" count={v.profile.length}>
          {v.profile.map((p) => (
            <p className="profile-change" key={p.field} role="status">
              <strong>⚠ {p.field}</strong>: <span className="mono">{p.before || '—'}</span> → <span className="mono">{p.after || '—'}</span>
            </p>
          ))}
        </Section>
      ) : null}

      <Section id="policies" title="Policies added, removed and changed" count={v.policies.length}>
        {v.policies.length ? (
          <ul className="diff-list">
            {v.policies.map((c) => (
              <PolicyChange key={`${c.op}/${c.kind}/${c.namespace}/${c.name}`} clusterId={clusterId} c={c} />
            ))}
          </ul>
        ) : (
          <p className="muted">No policy changed.</p>
        )}
      </Section>

      <Section id="labels" title="Label changes and what they changed in selection" count={v.labels.length}>
        {drift.length ? (
          <p className="notice notice-bad" role="status" data-testid="drift-notice">
            <strong>✗ Drift:</strong> {drift.length} polic{drift.length === 1 ? 'y' : 'ies'} now select{drift.length === 1 ? 's' : ''} no pod because of label
            changes:{' '}
            {drift.map((d, i) => (
              <span key={`${d.policy.namespace}/${d.policy.name}/${i}`} data-testid="drift-policy">
                {i ? ', ' : ''}
                <PolicyName clusterId={clusterId} p={d.policy} /> ({d.before} → 0 pods)
              </span>
            ))}
          </p>
        ) : null}
        {v.labels.length ? (
          <ul className="diff-list">
            {v.labels.map((l) => (
              <li key={l.target} data-testid="label-change">
                <span className="mono">{l.target}</span>: {l.changes.join(', ') || 'labels changed'}
                {l.effects.length || l.peers.length ? (
                  <ul>
                    {l.peers.map((p, i) => (
                      <li key={`peer-${p.policy.name}-${p.direction}-${i}`} data-testid="peer-change">
                        <PolicyName clusterId={clusterId} p={p.policy} /> {p.admitted ? 'now admits' : 'no longer admits'} this namespace as an{' '}
                        {p.direction === 'ingress' ? 'ingress source' : 'egress destination'}
                      </li>
                    ))}
                    {l.effects.map((e, i) => (
                      <li key={`${e.policy.name}-${i}`}>
                        <PolicyName clusterId={clusterId} p={e.policy} /> selected {e.before} pod{e.before === 1 ? '' : 's'}, now {e.after}
                        {e.drift ? (
                          <>
                            {' '}
                            <span className="badge badge-bad" title="The policy went from selecting pods to selecting none because of labels" data-testid="drift-badge">
                              ✗ Drift
                            </span>
                          </>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted"> · no policy selects differently</span>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">No namespace or pod label changed.</p>
        )}
      </Section>

      <Section id="namespaces" title="Coverage and default-deny per namespace" count={v.namespaces.length}>
        <NamespaceDeltas rows={v.namespaces} />
      </Section>

      <Section id="findings" title="Findings opened and resolved" count={v.findingsOpened.length + v.findingsResolved.length}>
        <div className="grid-2">
          <div>
            <h3>
              <span className="diff-op diff-op-del" aria-hidden>
                +
              </span>
              Opened ({v.findingsOpened.length})
            </h3>
            {v.findingsOpened.length ? (
              <ul className="diff-list" data-testid="findings-opened">
                {v.findingsOpened.map((f, i) => (
                  <li key={i}>
                    <span className="mono">{f.rule}</span> {f.severity ? <span className="muted">({f.severity})</span> : null} {f.namespace ? <span className="mono">{f.namespace}</span> : null}
                    {f.object ? <span className="mono"> {f.object}</span> : null}: {f.message}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None.</p>
            )}
          </div>
          <div>
            <h3>
              <span className="diff-op diff-op-add" aria-hidden>
                −
              </span>
              Resolved ({v.findingsResolved.length})
            </h3>
            {v.findingsResolved.length ? (
              <ul className="diff-list" data-testid="findings-resolved">
                {v.findingsResolved.map((f, i) => (
                  <li key={i}>
                    <span className="mono">{f.rule}</span> {f.namespace ? <span className="mono">{f.namespace}</span> : null}
                    {f.object ? <span className="mono"> {f.object}</span> : null}: {f.message}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None.</p>
            )}
          </div>
        </div>
      </Section>

      <Section id="reachability" title="Reachability: namespace pairs whose connectivity changed" count={v.pairsTotal}>
        {v.pairsTotal > v.pairs.length ? <ShownOf shown={v.pairs.length} total={v.pairsTotal} what="namespace pairs" allHref={allPairsHref} /> : null}
        {v.pairs.length ? <ReachList clusterId={clusterId} rows={v.pairs} testid="reach-pairs" /> : <p className="muted">No namespace pair gained or lost a connection.</p>}
        {workloadsHref ? (
          <p>
            <Link className="button" href={workloadsHref} scroll={false} data-testid="workloads-toggle">
              {workloadsShown ? 'Hide workload pairs' : 'Show workload pairs'}
            </Link>
          </p>
        ) : null}
        {v.workloadPairs ? (
          <>
            <h3>Workload pairs ({v.workloadPairsTotal ?? v.workloadPairs.length})</h3>
            {v.workloadPairsTotal !== null && v.workloadPairsTotal > v.workloadPairs.length ? <ShownOf shown={v.workloadPairs.length} total={v.workloadPairsTotal} what="workload pairs" allHref={allPairsHref} /> : null}
            {v.workloadPairs.length ? <ReachList clusterId={clusterId} rows={v.workloadPairs} testid="reach-workloads" /> : <p className="muted">No workload pair changed.</p>}
          </>
        ) : null}
      </Section>
    </div>
  );
}
