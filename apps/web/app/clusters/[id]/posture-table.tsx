'use client';
// The per-namespace posture table: the generic DataTable in manual mode (sort, search and page
// live in the URL and the server page asks the API for that page), plus the default-deny,
// excluded and page-size filters, also in the URL.
import { parseAsString, useQueryStates } from 'nuqs';
import { useMemo, useTransition } from 'react';
import { DataTable } from '../../../components/data-table';
import { postureColumns, type PostureRow } from './columns';
import { DEFAULT_DENY_FILTERS, DEFAULT_PAGE_SIZE, EXCLUDED_FILTERS, PAGE_SIZES, type ClusterParams } from './search-params';

export function PostureTable({
  clusterId,
  rows,
  total,
  params,
  atParam,
  links,
}: {
  clusterId: string;
  rows: PostureRow[];
  total: number;
  params: ClusterParams;
  atParam: string | null;
  links: boolean;
}) {
  const [pending, startTransition] = useTransition();
  const [, setFilters] = useQueryStates(
    { dd: parseAsString, excluded: parseAsString, size: parseAsString, page: parseAsString },
    { shallow: false, history: 'push', startTransition },
  );
  const columns = useMemo(() => postureColumns({ clusterId, at: atParam, links }), [clusterId, atParam, links]);
  const pageCount = Math.max(1, Math.ceil(total / params.size));
  return (
    <div className="posture-table" aria-busy={pending}>
      <div className="toolbar table-filters">
        <label>
          Default-deny{' '}
          <select value={params.dd ?? ''} onChange={(e) => void setFilters({ dd: e.target.value || null, page: null })} aria-label="Filter by default-deny">
            <option value="">Any</option>
            {DEFAULT_DENY_FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Excluded{' '}
          <select value={params.excluded ?? ''} onChange={(e) => void setFilters({ excluded: e.target.value || null, page: null })} aria-label="Filter by excluded">
            <option value="">Show all namespaces</option>
            {EXCLUDED_FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Rows per page{' '}
          <select
            value={String(params.size)}
            onChange={(e) => void setFilters({ size: Number(e.target.value) === DEFAULT_PAGE_SIZE ? null : e.target.value, page: null })}
            aria-label="Rows per page"
          >
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {pending ? (
          <span className="muted" role="status">
            loading…
          </span>
        ) : null}
        {!links ? <span className="muted">Namespace detail needs the Auditor role: names are not links for your role.</span> : null}
      </div>
      <DataTable<PostureRow>
        columns={columns}
        data={rows}
        label="Namespaces of the cluster"
        getRowId={(r) => r.name}
        pageSize={params.size}
        searchPlaceholder="Search namespaces by name…"
        manual={{ total, pageCount }}
        defaultSort="name"
        emptyMessage="No namespace matches these filters."
        rowClassName={(r) => (r.excluded ? 'row-excluded' : undefined)}
      />
    </div>
  );
}
