'use client';
// The alert rules, editable by security and admin: each kind on or off, and its threshold (points
// of coverage, hours unprotected or failing). Read-only for auditors. Every change is audited.
import type { AlertRuleView } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { browserApi } from '../../lib/browser-api';
import { formErrorsOf } from '../admin/_components/api-errors';

function RuleRow({ rule, canEdit }: { rule: AlertRuleView; canEdit: boolean }) {
  const router = useRouter();
  const [threshold, setThreshold] = useState(rule.threshold === null ? '' : String(rule.threshold));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const mutation = useMutation({
    mutationFn: (body: { enabled?: boolean; threshold?: number }) => browserApi<AlertRuleView>(`/alert-rules/${rule.kind}`, { method: 'PUT', json: body }),
    onSuccess: (r) => {
      setError(null);
      setSaved(true);
      setThreshold(r.threshold === null ? '' : String(r.threshold));
      router.refresh();
    },
    onError: (err) => {
      const e = formErrorsOf(err, {}, ['threshold', 'enabled']);
      setError(e.fields.threshold ?? e.fields.enabled ?? e.form ?? 'the change was refused');
      setSaved(false);
    },
  });
  const saveThreshold = () => {
    const n = Number(threshold);
    if (threshold.trim() === '' || !Number.isFinite(n) || n < 0.1) {
      setError('a number of at least 0.1');
      return;
    }
    mutation.mutate({ threshold: n });
  };
  return (
    <tr data-rule={rule.kind}>
      <td className="mono">{rule.kind}</td>
      <td>
        {canEdit ? (
          <label>
            <input type="checkbox" checked={rule.enabled} disabled={mutation.isPending} onChange={(e) => mutation.mutate({ enabled: e.target.checked })} aria-label={`${rule.kind} on`} />{' '}
            {rule.enabled ? 'on' : 'off'}
          </label>
        ) : rule.enabled ? (
          'on'
        ) : (
          'off'
        )}
      </td>
      <td data-testid="threshold">
        {rule.unit === null ? (
          '—'
        ) : canEdit ? (
          <span className="inline-form">
            <input
              type="number"
              min={0.1}
              step="any"
              value={threshold}
              onChange={(e) => {
                setThreshold(e.target.value);
                setSaved(false);
              }}
              aria-label={`${rule.kind} threshold in ${rule.unit}`}
              aria-invalid={error ? true : undefined}
              style={{ width: '6em' }}
            />{' '}
            {rule.unit}{' '}
            <button type="button" className="button button-ghost" onClick={saveThreshold} disabled={mutation.isPending || threshold === String(rule.threshold)}>
              Save
            </button>
            {saved ? <span className="muted" role="status"> ✓ saved</span> : null}
          </span>
        ) : (
          `${rule.threshold} ${rule.unit}`
        )}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </td>
      <td>{rule.description}</td>
    </tr>
  );
}

export function AlertRules({ rules, canEdit }: { rules: AlertRuleView[]; canEdit: boolean }) {
  return (
    <table className="exceptions-table" data-testid="alert-rules">
      <thead>
        <tr>
          <th scope="col">Kind</th>
          <th scope="col">On</th>
          <th scope="col">Threshold</th>
          <th scope="col">When it fires</th>
        </tr>
      </thead>
      <tbody>
        {rules.map((r) => (
          // Keyed by kind only: the refresh after a save must not remount the row and drop what was typed since.
          <RuleRow key={r.kind} rule={r} canEdit={canEdit} />
        ))}
      </tbody>
    </table>
  );
}
