// The time-travel controls: a date picker that sets `?at=` (the server page re-renders with the
// state of that date) and the banner every past view shows: "As of <date>, snapshot <id>".
'use client';
import { parseAsString, useQueryState } from 'nuqs';
import { useTransition } from 'react';

export function AsOfPicker({ min, label = 'View as of' }: { min?: string; label?: string }) {
  const [pending, startTransition] = useTransition();
  const [at, setAt] = useQueryState('at', parseAsString.withOptions({ shallow: false, history: 'push', startTransition }));
  const today = new Date().toISOString().slice(0, 10);
  const value = at && /^\d{4}-\d{2}-\d{2}/.test(at) ? at.slice(0, 10) : '';
  return (
    <div className="as-of-picker">
      <label htmlFor="as-of-date">{label}</label>
      <input
        id="as-of-date"
        type="date"
        value={value}
        max={today}
        min={min?.slice(0, 10)}
        onChange={(e) => void setAt(e.target.value || null)}
      />
      {at ? (
        <button type="button" className="button button-ghost" onClick={() => void setAt(null)}>
          Back to now
        </button>
      ) : null}
      {pending ? <span className="muted" role="status">loading…</span> : null}
    </div>
  );
}
