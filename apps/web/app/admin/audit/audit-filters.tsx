'use client';
// The audit filters: a GET form (works without JavaScript); with it, empty fields stay out of the
// URL and the cursor is dropped, so the first page of the new filter is shown.
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { auditHref, KNOWN_ACTIONS, type AuditParams } from './search-params';

export function AuditFilters({ value, actors }: { value: AuditParams; actors: string[] }) {
  const router = useRouter();
  const [v, setV] = useState({
    actor: value.actor ?? '',
    action: value.action ?? '',
    target: value.target ?? '',
    from: value.from ?? '',
    to: value.to ?? '',
  });
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV((prev) => ({ ...prev, [k]: e.target.value }));
  const actions = value.action && !KNOWN_ACTIONS.some((a) => a.value === value.action) ? [...KNOWN_ACTIONS, { value: value.action, label: value.action }] : KNOWN_ACTIONS;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const clean = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, x.trim() || null]));
    router.push(`/admin/audit${auditHref(clean)}`);
  }

  return (
    <form method="get" action="/admin/audit" onSubmit={onSubmit} className="toolbar audit-filters" aria-label="Filter the audit log">
      <label>
        Actor
        <input name="actor" value={v.actor} onChange={set('actor')} list="audit-actors" placeholder="any" />
        <datalist id="audit-actors">
          {actors.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
      </label>
      <label>
        Action
        <select name="action" value={v.action} onChange={set('action')}>
          <option value="">any</option>
          {actions.map((a) => (
            <option key={a.value} value={a.value}>
              {a.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Target
        <input name="target" value={v.target} onChange={set('target')} placeholder="cluster or token id" className="mono" size={20} />
      </label>
      <label>
        From
        <input type="date" name="from" value={v.from} onChange={set('from')} />
      </label>
      <label>
        To
        <input type="date" name="to" value={v.to} onChange={set('to')} />
      </label>
      <button type="submit" className="button button-primary">
        Apply filters
      </button>
      <a href="/admin/audit" className="button button-ghost">
        Clear
      </a>
    </form>
  );
}
