// Fleet-wide totals above the cluster table: what an auditor asks first.
import type { ClusterSummary } from '@kordon/contracts';
import { formatPercent } from '../../lib/format';
import type { ReactNode } from 'react';
import { isEnforced } from './badges';

interface Totals {
  clusters: number;
  demo: number;
  enforced: number;
  notEnforced: number;
  unknown: number;
  namespaces: number;
  denyIngress: number;
  denyEgress: number;
  withPosture: number;
  failed: number;
  stale: number;
  /** Clusters whose last snapshot failed or whose posture is stale. */
  attention: number;
}

export function fleetTotals(clusters: ClusterSummary[]): Totals {
  const t: Totals = {
    clusters: clusters.length,
    demo: 0,
    enforced: 0,
    notEnforced: 0,
    unknown: 0,
    namespaces: 0,
    denyIngress: 0,
    denyEgress: 0,
    withPosture: 0,
    failed: 0,
    stale: 0,
    attention: 0,
  };
  for (const c of clusters) {
    if (c.demo) t.demo++;
    const enforced = isEnforced(c);
    if (enforced === true) t.enforced++;
    else if (enforced === false) t.notEnforced++;
    else t.unknown++;
    if (c.posture) {
      t.withPosture++;
      t.namespaces += c.posture.namespaces;
      t.denyIngress += c.posture.ingress.namespacesWithDefaultDeny;
      t.denyEgress += c.posture.egress.namespacesWithDefaultDeny;
    }
    if (c.lastSnapshot?.status === 'failed') t.failed++;
    if (c.stale) t.stale++;
    if (c.stale || c.lastSnapshot?.status === 'failed') t.attention++;
  }
  return t;
}

function Stat({
  label,
  value,
  of,
  note,
  tone,
}: {
  label: string;
  value: number | string;
  of?: number;
  note?: ReactNode;
  tone?: 'bad' | 'warn' | 'good';
}) {
  return (
    <div className={`stat${tone ? ` stat-${tone}` : ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">
        {value}
        {of !== undefined ? <span className="stat-of"> / {of}</span> : null}
      </div>
      {note ? <div className="stat-note">{note}</div> : null}
    </div>
  );
}

export function SummaryStrip({
  clusters,
  coverage,
}: {
  clusters: ClusterSummary[];
  /** Pod-weighted coverage of these clusters, 0..1, when history could be read. */
  coverage?: { ingress: number | null; egress: number | null; pods: number } | null;
}) {
  const t = fleetTotals(clusters);
  const share = (n: number) => (t.namespaces > 0 ? formatPercent(n / t.namespaces) : '—');
  const scope = t.withPosture < t.clusters ? ` in ${t.withPosture} of ${t.clusters} clusters with a snapshot` : '';
  return (
    <section className={coverage ? 'summary summary-6' : 'summary'} aria-label="Fleet summary">
      <Stat
        label="Clusters"
        value={t.clusters}
        note={t.demo > 0 ? `${t.demo} demo` : 'registered'}
      />
      <Stat
        label="Policy enforced"
        value={t.enforced}
        of={t.clusters}
        tone={t.notEnforced > 0 ? 'bad' : t.clusters > 0 ? 'good' : undefined}
        note={
          t.notEnforced > 0 ? (
            <span className="text-bad">{t.notEnforced} not enforced</span>
          ) : t.unknown > 0 ? (
            `${t.unknown} not yet known`
          ) : (
            'every cluster enforces policy'
          )
        }
      />
      {coverage ? (
        <Stat
          label="Pod coverage"
          value={coverage.ingress === null ? '—' : formatPercent(coverage.ingress)}
          note={`ingress · ${coverage.egress === null ? '—' : formatPercent(coverage.egress)} egress, of ${coverage.pods} pods${scope}`}
        />
      ) : null}
      <Stat
        label="Default-deny ingress"
        value={t.denyIngress}
        of={t.namespaces}
        note={`${share(t.denyIngress)} of namespaces${scope}`}
      />
      <Stat
        label="Default-deny egress"
        value={t.denyEgress}
        of={t.namespaces}
        note={`${share(t.denyEgress)} of namespaces${scope}`}
      />
      <Stat
        label="Needs attention"
        value={t.attention}
        of={t.clusters}
        tone={t.attention > 0 ? 'warn' : undefined}
        note={`${t.failed} failed snapshot${t.failed === 1 ? '' : 's'} · ${t.stale} stale`}
      />
    </section>
  );
}
