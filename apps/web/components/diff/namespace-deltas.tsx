'use client';
// Per-namespace coverage and default-deny deltas, sortable through the shared data table: signed
// percentage points with an arrow, default-deny as "none → default-deny" words.
import type { ColumnDef } from '@tanstack/react-table';
import { DataTable } from '../data-table';
import type { NamespaceDeltaView } from './view-model';

const pct = (v: number | null) => (v == null ? '—' : `${Math.round(v * 1000) / 10}%`);

function delta(before: number | null, after: number | null): number | null {
  if (before == null || after == null) return null;
  return Math.round((after - before) * 1000) / 10;
}

function Delta({ before, after }: { before: number | null; after: number | null }) {
  const d = delta(before, after);
  return (
    <span>
      {pct(before)} → {pct(after)}{' '}
      {d == null || d === 0 ? (
        <span className="muted">(±0)</span>
      ) : (
        <span className={d > 0 ? 'delta-up' : 'delta-down'}>
          <span aria-hidden>{d > 0 ? '▲' : '▼'}</span> {d > 0 ? '+' : '−'}
          {Math.abs(d)} pts
        </span>
      )}
    </span>
  );
}

const word = (v: boolean | null) => (v == null ? 'absent' : v ? 'default-deny' : 'none');

function Dd({ before, after }: { before: boolean | null; after: boolean | null }) {
  if (before === after) return <span className="muted">{word(after)}</span>;
  const lost = before === true && after !== true;
  return (
    <span className={lost ? 'delta-down' : after ? 'delta-up' : undefined}>
      <span aria-hidden>{lost ? '▼' : after ? '▲' : '•'}</span> {word(before)} → {word(after)}
      {lost ? ' (lost)' : after ? ' (gained)' : ''}
    </span>
  );
}

const ddScore = (b: boolean | null, a: boolean | null) => (a ? 1 : 0) - (b ? 1 : 0);

const columns: ColumnDef<NamespaceDeltaView, unknown>[] = [
  { id: 'namespace', header: 'Namespace', accessorFn: (r) => r.namespace, cell: (c) => <span className="mono">{c.row.original.namespace}</span> },
  {
    id: 'ingress',
    header: 'Ingress coverage',
    accessorFn: (r) => delta(r.ingressBefore, r.ingressAfter) ?? 0,
    cell: (c) => <Delta before={c.row.original.ingressBefore} after={c.row.original.ingressAfter} />,
  },
  {
    id: 'egress',
    header: 'Egress coverage',
    accessorFn: (r) => delta(r.egressBefore, r.egressAfter) ?? 0,
    cell: (c) => <Delta before={c.row.original.egressBefore} after={c.row.original.egressAfter} />,
  },
  {
    id: 'ddIngress',
    header: 'Default-deny ingress',
    accessorFn: (r) => ddScore(r.ddIngressBefore, r.ddIngressAfter),
    cell: (c) => <Dd before={c.row.original.ddIngressBefore} after={c.row.original.ddIngressAfter} />,
  },
  {
    id: 'ddEgress',
    header: 'Default-deny egress',
    accessorFn: (r) => ddScore(r.ddEgressBefore, r.ddEgressAfter),
    cell: (c) => <Dd before={c.row.original.ddEgressBefore} after={c.row.original.ddEgressAfter} />,
  },
];

export function NamespaceDeltas({ rows }: { rows: NamespaceDeltaView[] }) {
  return (
    <div className="ns-deltas" data-testid="ns-deltas">
      <DataTable
        columns={columns}
        data={rows}
        label="Coverage and default-deny per namespace, before and after"
        getRowId={(r) => r.namespace}
        urlPrefix="ns"
        pageSize={25}
        searchPlaceholder="Search namespaces…"
        emptyMessage="No namespace changed coverage or default-deny."
      />
    </div>
  );
}
