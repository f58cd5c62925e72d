'use client';
// Columns of the per-namespace posture table. Column ids are the API's sort keys, so sorting a
// header sorts on the server. Every number says what it counts ("3/5 workloads isolated").
import type { NamespaceExclusion, NamespacePostureItem } from '@kordon/contracts';
import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { withAt } from '../../../lib/as-of';
import { Badge } from '../../_components/badges';

export type PostureRow = NamespacePostureItem & NamespaceExclusion;

function Isolation({ row, d }: { row: PostureRow; d: 'ingress' | 'egress' }) {
  const x = row[d];
  if (row.workloads === 0 && row.pods === 0) return <span className="muted">no workloads</span>;
  const all = x.isolatedWorkloads === row.workloads && row.workloads > 0;
  const none = x.isolatedWorkloads === 0;
  return (
    <span className={`iso ${all ? 'iso-all' : none ? 'iso-none' : 'iso-part'}`} data-testid={`iso-${d}`}>
      <span aria-hidden>{all ? '●' : none ? '○' : '◐'}</span> {x.isolatedWorkloads}/{row.workloads} workloads isolated
      <span className="cell-sub">
        {x.isolatedPods}/{row.pods} pods{x.effectivelyIsolated ? ' · every pod' : ''}
      </span>
    </span>
  );
}

function Deny({ row, d }: { row: PostureRow; d: 'ingress' | 'egress' }) {
  const x = row[d];
  if (x.defaultDeny) {
    return (
      <span className="mark mark-yes" data-testid={`dd-${d}`} title={`A default-deny ${d} baseline selects every pod of the namespace`}>
        ✓ default-deny
      </span>
    );
  }
  const exc = x.defaultDenyExcepted;
  // An accepted gap is still a gap: it reads "none", marked excepted with its owner and expiry.
  return (
    <span className="dd-cell" data-testid={`dd-${d}`}>
      <span className="mark mark-no" title={`No default-deny ${d} baseline: pods created later are open`}>
        ✗ none
      </span>
      {exc ? (
        <span className="cell-sub" data-testid={`dd-excepted-${d}`}>
          <Badge tone="info" title={`An approved exception accepts the missing default-deny ${d} baseline until it expires`}>
            excepted
          </Badge>{' '}
          {exc.owner}, until {exc.expiresAt.slice(0, 10)}
        </span>
      ) : null}
    </span>
  );
}

export function postureColumns(opts: { clusterId: string; at: string | null; links: boolean }): ColumnDef<PostureRow, unknown>[] {
  const { clusterId, at, links } = opts;
  return [
    {
      id: 'name',
      accessorFn: (r) => r.name,
      header: 'Namespace',
      cell: ({ row: { original: r } }) =>
        links ? (
          <Link href={withAt(`/clusters/${clusterId}/namespaces/${encodeURIComponent(r.name)}`, at)} className="ns-link" prefetch={false}>
            {r.name}
          </Link>
        ) : (
          <span className="ns-name">{r.name}</span>
        ),
    },
    { id: 'pods', accessorFn: (r) => r.pods, header: 'Pods', cell: ({ row: { original: r } }) => <span className="num">{r.pods}</span>, meta: { className: 'num' } },
    { id: 'ingressCoverage', accessorFn: (r) => r.ingress.podCoverage, header: 'Ingress isolation', cell: ({ row: { original: r } }) => <Isolation row={r} d="ingress" /> },
    { id: 'egressCoverage', accessorFn: (r) => r.egress.podCoverage, header: 'Egress isolation', cell: ({ row: { original: r } }) => <Isolation row={r} d="egress" /> },
    { id: 'ddIngress', header: 'Default-deny ingress', enableSorting: false, cell: ({ row: { original: r } }) => <Deny row={r} d="ingress" /> },
    { id: 'ddEgress', header: 'Default-deny egress', enableSorting: false, cell: ({ row: { original: r } }) => <Deny row={r} d="egress" /> },
    {
      id: 'findings',
      accessorFn: (r) => r.findings,
      header: 'Findings',
      meta: { className: 'num' },
      cell: ({ row: { original: r } }) =>
        links && r.findings > 0 ? (
          <Link href={withAt(`/findings?cluster=${clusterId}&namespace=${encodeURIComponent(r.name)}`, at)} prefetch={false} title={`${r.findings} findings about ${r.name}`}>
            {r.findings}
          </Link>
        ) : (
          <span className="num">{r.findings}</span>
        ),
    },
    {
      id: 'excluded',
      header: 'Excluded',
      enableSorting: false,
      cell: ({ row: { original: r } }) => (r.excluded ? <span title={r.excludedReason ?? undefined}>excluded: {(r.excludedReason ?? 'system namespace').split(':')[0]}</span> : <span className="muted">counted</span>),
    },
  ];
}
