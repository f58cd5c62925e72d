'use client';
// API tokens as listed (never the token): status in words, revoke with a confirmation naming it.
import type { TokenView } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { DataTable } from '../../../components/data-table';
import { browserApi } from '../../../lib/browser-api';
import { formatTimestamp } from '../../../lib/format';

function Revoke({ token }: { token: TokenView }) {
  const router = useRouter();
  const [asking, setAsking] = useState(false);
  const mutation = useMutation({
    mutationFn: () => browserApi<void>(`/tokens/${token.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      setAsking(false);
      router.refresh();
    },
  });
  if (token.status === 'revoked') return <span className="muted">—</span>;
  if (!asking) {
    return (
      <button type="button" className="button button-danger" onClick={() => setAsking(true)} aria-label={`Revoke ${token.name}`}>
        Revoke…
      </button>
    );
  }
  return (
    <span className="confirm-inline" role="group" aria-label={`Revoke ${token.name}?`}>
      <span>
        Revoke <strong>{token.name}</strong>? It stops working at once.
      </span>
      <button type="button" className="button button-danger" disabled={mutation.isPending} onClick={() => mutation.mutate()}>
        {mutation.isPending ? 'Revoking…' : `Yes, revoke ${token.name}`}
      </button>
      <button type="button" className="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
      {mutation.isError ? <span className="text-bad" role="alert">⚠ {mutation.error.message}</span> : null}
    </span>
  );
}

const STATUS: Record<TokenView['status'], { label: string; tone: string }> = {
  active: { label: '● active', tone: 'badge-good' },
  expired: { label: '◷ expired', tone: 'badge-warn' },
  revoked: { label: '✕ revoked', tone: 'badge-bad' },
};

const columns: ColumnDef<TokenView, unknown>[] = [
  { id: 'name', accessorFn: (t) => t.name, header: 'Name', cell: ({ getValue }) => <strong>{getValue() as string}</strong> },
  { id: 'role', accessorFn: (t) => t.role, header: 'Role' },
  {
    id: 'status',
    accessorFn: (t) => t.status,
    header: 'Status',
    cell: ({ row: { original: t } }) => (
      <span className={`badge ${STATUS[t.status].tone}`} title={t.revokedAt ? `revoked ${formatTimestamp(t.revokedAt)}` : undefined}>
        {STATUS[t.status].label}
      </span>
    ),
  },
  { id: 'createdAt', accessorFn: (t) => t.createdAt, header: 'Created', cell: ({ getValue }) => formatTimestamp(getValue() as string) },
  { id: 'lastUsedAt', accessorFn: (t) => t.lastUsedAt ?? '', header: 'Last used', cell: ({ getValue }) => (getValue() ? formatTimestamp(getValue() as string) : <span className="muted">never</span>) },
  { id: 'expiresAt', accessorFn: (t) => t.expiresAt ?? '', header: 'Expires', cell: ({ getValue }) => (getValue() ? formatTimestamp(getValue() as string) : <span className="muted">never</span>) },
  { id: 'revokedAt', accessorFn: (t) => t.revokedAt ?? '', header: 'Revoked', cell: ({ getValue }) => (getValue() ? formatTimestamp(getValue() as string) : <span className="muted">—</span>) },
  { id: 'actions', header: () => <span className="sr-only">Revoke</span>, enableSorting: false, cell: ({ row: { original: t } }) => <Revoke token={t} /> },
];

export function TokenTable({ tokens }: { tokens: TokenView[] }) {
  return (
    <DataTable
      columns={columns}
      data={tokens}
      label="API tokens"
      getRowId={(t) => t.id}
      searchPlaceholder="Search tokens by name or role…"
      emptyMessage="No token matches."
      rowClassName={(t) => (t.status === 'active' ? undefined : 'row-inactive')}
    />
  );
}
