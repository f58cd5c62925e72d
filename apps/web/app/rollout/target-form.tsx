'use client';
// Setting a rollout target (security and admin): a scope (the fleet, an environment, a team or a
// cluster), a direction, a share of namespaces with default-deny and a due date; and removing one.
// The API validates and audits; its field errors show under the fields.
import type { CreateTargetRequest, RolloutTargetView, TargetScopeKind } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { browserApi } from '../../lib/browser-api';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../admin/_components/api-errors';
import { Field } from '../admin/_components/field';

export interface ScopeOptions {
  environments: string[];
  teams: string[];
  clusters: { id: string; name: string }[];
}

export function TargetForm({ scopes, today }: { scopes: ScopeOptions; today: string }) {
  const router = useRouter();
  const [scopeKind, setScopeKind] = useState<TargetScopeKind>('fleet');
  const [scopeValue, setScopeValue] = useState('');
  const [direction, setDirection] = useState<'ingress' | 'egress'>('ingress');
  const [share, setShare] = useState('80');
  const [dueDate, setDueDate] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [created, setCreated] = useState<RolloutTargetView | null>(null);
  const mutation = useMutation({
    mutationFn: (body: CreateTargetRequest) => browserApi<RolloutTargetView>('/rollout/targets', { method: 'POST', json: body }),
    onSuccess: (t) => {
      setErrors(NO_ERRORS);
      setCreated(t);
      setNote('');
      router.refresh();
    },
    onError: (err) => setErrors(formErrorsOf(err, {}, ['scopeKind', 'scopeValue', 'direction', 'share', 'dueDate', 'note'])),
  });
  const options = scopeKind === 'environment' ? scopes.environments.map((e) => ({ value: e, label: e })) : scopeKind === 'team' ? scopes.teams.map((t) => ({ value: t, label: t })) : scopeKind === 'cluster' ? scopes.clusters.map((c) => ({ value: c.id, label: c.name })) : [];
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const own: Record<string, string> = {};
    const pct = Number(share);
    if (share.trim() === '' || !Number.isFinite(pct) || pct < 0 || pct > 100) own.share = 'a percentage from 0 to 100';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) own.dueDate = 'pick a date';
    if (scopeKind !== 'fleet' && !scopeValue) own.scopeValue = `pick the ${scopeKind}`;
    if (Object.keys(own).length) return setErrors({ fields: own, form: null });
    mutation.mutate({ scopeKind, ...(scopeKind === 'fleet' ? {} : { scopeValue }), direction, share: Math.round(pct * 10) / 1000, dueDate, ...(note.trim() ? { note: note.trim() } : {}) });
  }
  return (
    <form onSubmit={onSubmit} noValidate className="admin-form target-form" aria-labelledby="target-form-h" data-testid="target-form">
      <h3 id="target-form-h">Set a target</h3>
      {created ? (
        <p className="notice notice-good" role="status">
          ✓ Target set: {created.scopeName}, {Math.round(created.share * 1000) / 10} % default-deny {created.direction} by {created.dueDate.slice(0, 10)}.
        </p>
      ) : null}
      {errors.form ? <p className="notice notice-bad" role="alert">⚠ {errors.form}</p> : null}
      <div className="grid-3">
        <Field id="tg-scope" label="Scope" error={errors.fields.scopeKind}>
          {(a) => (
            <select
              {...a}
              value={scopeKind}
              onChange={(e) => {
                setScopeKind(e.target.value as TargetScopeKind);
                setScopeValue('');
              }}
            >
              <option value="fleet">the whole fleet</option>
              <option value="environment">an environment</option>
              <option value="team">a team</option>
              <option value="cluster">a cluster</option>
            </select>
          )}
        </Field>
        {scopeKind !== 'fleet' ? (
          <Field id="tg-scope-value" label={scopeKind === 'cluster' ? 'Cluster' : scopeKind === 'team' ? 'Team' : 'Environment'} error={errors.fields.scopeValue}>
            {(a) => (
              <select {...a} value={scopeValue} onChange={(e) => setScopeValue(e.target.value)}>
                <option value="">choose…</option>
                {options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field id="tg-direction" label="Direction" error={errors.fields.direction}>
          {(a) => (
            <select {...a} value={direction} onChange={(e) => setDirection(e.target.value as 'ingress' | 'egress')}>
              <option value="ingress">ingress</option>
              <option value="egress">egress</option>
            </select>
          )}
        </Field>
        <Field id="tg-share" label="Share of namespaces with default-deny (%)" error={errors.fields.share}>
          {(a) => <input {...a} type="number" min={0} max={100} step="any" value={share} onChange={(e) => setShare(e.target.value)} />}
        </Field>
        <Field id="tg-due" label="Due date" error={errors.fields.dueDate}>
          {(a) => <input {...a} type="date" min={today} value={dueDate} onChange={(e) => setDueDate(e.target.value)} />}
        </Field>
        <Field id="tg-note" label="Note" hint="optional, e.g. the ticket or the audit it serves" error={errors.fields.note}>
          {(a) => <input {...a} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} autoComplete="off" />}
        </Field>
      </div>
      <button type="submit" className="button button-primary" disabled={mutation.isPending}>
        {mutation.isPending ? 'Setting…' : 'Set target'}
      </button>
    </form>
  );
}

export function RemoveTarget({ target }: { target: RolloutTargetView }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: () => browserApi<void>(`/rollout/targets/${target.id}`, { method: 'DELETE' }),
    onSuccess: () => router.refresh(),
    onError: (err) => setError(formErrorsOf(err, {}, []).form ?? 'refused'),
  });
  return (
    <>
      <button
        type="button"
        className="button button-ghost"
        disabled={mutation.isPending}
        onClick={() => {
          if (window.confirm(`Remove the target for ${target.scopeName} (${target.direction})?`)) mutation.mutate();
        }}
      >
        Remove target
      </button>
      {error ? <span className="field-error" role="alert"> {error}</span> : null}
    </>
  );
}
