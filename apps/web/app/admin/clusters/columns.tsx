'use client';
// The administration's cluster table: settings first (source, environment, team, schedule,
// enabled), then how its snapshots go; the name opens its settings, a link opens its posture.
import type { ClusterSummary } from '@kordon/contracts';
import type { ColumnDef } from '@tanstack/react-table';
import Link from 'next/link';
import { DataTable } from '../../../components/data-table';
import { formatSchedule, formatTimestamp } from '../../../lib/format';

const SOURCE_LABEL: Record<ClusterSummary['source'], string> = { kubeconfig: 'kubeconfig', aks: 'AKS', manifests: 'manifests' };

const columns: ColumnDef<ClusterSummary, unknown>[] = [
  {
    id: 'name',
    accessorFn: (c) => c.name,
    header: 'Cluster',
    cell: ({ row: { original: c } }) => (
      <span className="cluster-name-cell">
        <Link href={`/admin/clusters/${c.id}`} aria-label={`Edit ${c.name}`}>
          {c.name}
        </Link>
        {c.demo ? <span className="badge badge-demo">demo</span> : null}
      </span>
    ),
  },
  { id: 'source', accessorFn: (c) => SOURCE_LABEL[c.source], header: 'Source' },
  { id: 'environment', accessorFn: (c) => c.environment ?? '', header: 'Environment', cell: ({ getValue }) => (getValue() as string) || <span className="muted">—</span> },
  { id: 'team', accessorFn: (c) => c.team ?? '', header: 'Team', cell: ({ getValue }) => (getValue() as string) || <span className="muted">—</span> },
  {
    id: 'schedule',
    accessorFn: (c) => c.scheduleMinutes,
    header: 'Schedule',
    cell: ({ row: { original: c } }) => <span title={`${c.scheduleMinutes} minutes`}>{formatSchedule(c.scheduleMinutes)}</span>,
  },
  {
    id: 'enabled',
    accessorFn: (c) => (c.enabled ? 'active' : 'paused'),
    header: 'State',
    cell: ({ row: { original: c } }) =>
      c.enabled ? <span className="badge badge-good">● active</span> : <span className="badge badge-warn">❚❚ paused</span>,
  },
  {
    id: 'lastSnapshot',
    accessorFn: (c) => c.lastSnapshot?.startedAt ?? '',
    header: 'Last snapshot',
    cell: ({ row: { original: c } }) =>
      c.lastSnapshot ? (
        <span>
          {c.lastSnapshot.status === 'failed' ? '✕ failed' : c.lastSnapshot.status === 'running' ? '… running' : '✓ succeeded'}
          <span className="cell-sub">{formatTimestamp(c.lastSnapshot.startedAt)}</span>
        </span>
      ) : (
        <span className="muted">none yet</span>
      ),
  },
  {
    id: 'open',
    header: () => <span className="sr-only">Links</span>,
    enableSorting: false,
    cell: ({ row: { original: c } }) => (
      <span className="row-links">
        <Link href={`/clusters/${c.id}`} data-testid={`cluster-page-${c.name}`}>
          Cluster page →
        </Link>
      </span>
    ),
  },
];

export function AdminClusterTable({ clusters }: { clusters: ClusterSummary[] }) {
  return (
    <DataTable
      columns={columns}
      data={clusters}
      label="Registered clusters"
      getRowId={(c) => c.id}
      defaultSort="name"
      searchPlaceholder="Search clusters, teams, environments…"
      emptyMessage="No cluster matches."
      rowClassName={(c) => (c.enabled ? undefined : 'row-paused')}
    />
  );
}
