'use client';
// The history range (`?days=`), kept in the URL; the server page re-reads the history.
import { parseAsInteger, useQueryState } from 'nuqs';
import { useTransition } from 'react';
import { HISTORY_RANGES } from './search-params';

export function RangePicker({ days }: { days: number }) {
  const [pending, startTransition] = useTransition();
  const [, setDays] = useQueryState('days', parseAsInteger.withOptions({ shallow: false, history: 'push', startTransition, scroll: false }));
  return (
    <div className="range-picker" role="group" aria-label="History range">
      {HISTORY_RANGES.map((d) => (
        <button key={d} type="button" className={`button ${d === days ? 'button-primary' : ''}`} aria-pressed={d === days} onClick={() => void setDays(d === 90 ? null : d)}>
          {d} days
        </button>
      ))}
      {pending ? <span className="muted" role="status">loading…</span> : null}
    </div>
  );
}
