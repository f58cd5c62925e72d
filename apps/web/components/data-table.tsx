'use client';
// The one generic table of the dashboard (TanStack Table): sortable headers (buttons, with
// aria-sort), a search box, paging, all kept in the URL through nuqs so a link reproduces the
// view. Pages give it per-entity `columns` (see e.g. app/clusters/[id]/columns.tsx).
// `manual` mode leaves sorting, search and paging to the server: the URL changes, the server
// page re-renders with the API's answer.
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getPaginationRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import { parseAsInteger, parseAsString, useQueryStates } from 'nuqs';
import { useMemo, useTransition } from 'react';

export interface DataTableProps<T> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TanStack column values are heterogeneous
  columns: ColumnDef<T, any>[];
  data: T[];
  /** Accessible name of the table. */
  label: string;
  getRowId?: (row: T) => string;
  /** URL parameter prefix when a page has two tables (e.g. `ns` → nsSort, nsQ, nsPage). */
  urlPrefix?: string;
  pageSize?: number;
  searchPlaceholder?: string;
  /** Hide the search box. */
  noSearch?: boolean;
  /** Server mode: sorting/search/paging are the server's; `total` is the row count there. */
  manual?: { total: number; pageCount: number };
  /** Sort used when the URL has none, e.g. `-coverage`. */
  defaultSort?: string;
  emptyMessage?: string;
  rowClassName?: (row: T) => string | undefined;
}

function toSorting(s: string | null): SortingState {
  if (!s) return [];
  return [{ id: s.replace(/^-/, ''), desc: s.startsWith('-') }];
}

export function DataTable<T>({
  columns,
  data,
  label,
  getRowId,
  urlPrefix = '',
  pageSize = 50,
  searchPlaceholder = 'Search…',
  noSearch,
  manual,
  defaultSort,
  emptyMessage = 'Nothing to show.',
  rowClassName,
}: DataTableProps<T>) {
  const k = (name: string) => (urlPrefix ? `${urlPrefix}${name[0]!.toUpperCase()}${name.slice(1)}` : name);
  const [pending, startTransition] = useTransition();
  const [state, setState] = useQueryStates(
    { [k('sort')]: parseAsString, [k('q')]: parseAsString, [k('page')]: parseAsInteger.withDefault(1) },
    { shallow: !manual, history: 'replace', startTransition: manual ? startTransition : undefined },
  );
  const sort = (state[k('sort')] as string | null) ?? defaultSort ?? null;
  const q = (state[k('q')] as string | null) ?? '';
  const page = Math.max(1, (state[k('page')] as number) ?? 1);
  const sorting = useMemo(() => toSorting(sort), [sort]);

  const table = useReactTable<T>({
    data,
    columns,
    getRowId: getRowId ? (row) => getRowId(row) : undefined,
    state: { sorting, globalFilter: q, pagination: { pageIndex: page - 1, pageSize } },
    manualSorting: !!manual,
    manualFiltering: !!manual,
    manualPagination: !!manual,
    pageCount: manual?.pageCount,
    enableSortingRemoval: true,
    onSortingChange: (updater) => {
      const next = typeof updater === 'function' ? updater(sorting) : updater;
      const first = next[0];
      void setState({ [k('sort')]: first ? `${first.desc ? '-' : ''}${first.id}` : null, [k('page')]: null });
    },
    onGlobalFilterChange: (value: string) => void setState({ [k('q')]: value || null, [k('page')]: null }),
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: manual ? undefined : getSortedRowModel(),
    getFilteredRowModel: manual ? undefined : getFilteredRowModel(),
    getPaginationRowModel: manual ? undefined : getPaginationRowModel(),
  });

  const total = manual ? manual.total : table.getFilteredRowModel().rows.length;
  const pageCount = Math.max(1, manual ? manual.pageCount : table.getPageCount());
  const rows = table.getRowModel().rows;
  const setPage = (p: number) => void setState({ [k('page')]: p <= 1 ? null : p });

  return (
    <div className="data-table" aria-busy={pending}>
      {noSearch ? null : (
        <div className="data-table-tools">
          <label className="sr-only" htmlFor={`${urlPrefix || 'dt'}-search`}>
            Search {label}
          </label>
          <input
            id={`${urlPrefix || 'dt'}-search`}
            type="search"
            className="search-input"
            placeholder={searchPlaceholder}
            defaultValue={q}
            onChange={(e) => table.setGlobalFilter(e.target.value)}
          />
          <span className="muted" role="status">
            {total} {total === 1 ? 'row' : 'rows'}
            {pending ? ' · loading…' : ''}
          </span>
        </div>
      )}
      <div className="table-wrap">
        <table aria-label={label}>
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  const canSort = h.column.getCanSort();
                  return (
                    <th
                      key={h.id}
                      scope="col"
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : canSort ? 'none' : undefined}
                      colSpan={h.colSpan}
                    >
                      {h.isPlaceholder ? null : canSort ? (
                        <button type="button" className="sort-button" onClick={h.column.getToggleSortingHandler()}>
                          {flexRender(h.column.columnDef.header, h.getContext())}
                          <span aria-hidden className="sort-mark">
                            {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                          </span>
                        </button>
                      ) : (
                        flexRender(h.column.columnDef.header, h.getContext())
                      )}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="muted empty-cell">
                  {emptyMessage}
                </td>
              </tr>
            ) : (
              rows.map((r) => (
                <tr key={r.id} className={rowClassName?.(r.original)} data-row-id={r.id}>
                  {r.getVisibleCells().map((c) => (
                    <td key={c.id} className={(c.column.columnDef.meta as { className?: string } | undefined)?.className}>
                      {flexRender(c.column.columnDef.cell, c.getContext())}
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      {pageCount > 1 ? (
        <nav className="pager" aria-label={`${label} pages`}>
          <button type="button" className="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            ← Previous
          </button>
          <span>
            Page {page} of {pageCount}
          </span>
          <button type="button" className="button" disabled={page >= pageCount} onClick={() => setPage(page + 1)}>
            Next →
          </button>
        </nav>
      ) : null}
    </div>
  );
}
