'use client';
// Pick a workload by typing part of `namespace/name`: the API's workload list of the snapshot,
// filtered on the server; each result is a link that sets `?workload=`.
import type { ReachabilityWorkloadList } from '@kordon/contracts';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useDeferredValue, useState } from 'react';
import { browserApi } from '../../../../lib/browser-api';

export function WorkloadPicker({ clusterId, at, current, hrefBase }: { clusterId: string; at: string | null; current: string | null; hrefBase: string }) {
  const [text, setText] = useState('');
  const q = useDeferredValue(text.trim());
  const list = useQuery({
    queryKey: ['reach-workloads', clusterId, at, q],
    queryFn: () => {
      const qs = new URLSearchParams({ limit: '50' });
      if (q) qs.set('q', q);
      if (at) qs.set('at', at);
      return browserApi<ReachabilityWorkloadList>(`/clusters/${clusterId}/reachability/workloads?${qs.toString()}`);
    },
    staleTime: 60_000,
    placeholderData: (prev) => prev,
  });
  const sep = hrefBase.includes('?') ? '&' : '?';
  return (
    <div>
      <div className="workload-picker">
        <label htmlFor="workload-search">Workload</label>
        <input
          id="workload-search"
          type="search"
          className="search-input"
          placeholder="Search namespace/name…"
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-controls="workload-options"
        />
        <span className="muted" role="status">
          {list.data ? `${list.data.total} workload${list.data.total === 1 ? '' : 's'}${list.data.total > list.data.items.length ? `, first ${list.data.items.length} shown` : ''}` : 'loading…'}
        </span>
      </div>
      {list.isError ? <p className="notice notice-bad">Could not list workloads: {list.error.message}</p> : null}
      <ul id="workload-options" className="workload-options" aria-label="Workloads">
        {(list.data?.items ?? []).map((w) => (
          <li key={w.id}>
            <Link href={`${hrefBase}${sep}workload=${encodeURIComponent(w.id)}#workload`} aria-current={w.id === current ? 'true' : undefined} prefetch={false} scroll={false}>
              <span className="mono">{w.id}</span> <span className="muted">{w.kind} · {w.pods} pods{w.excluded ? ' · excluded' : ''}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
