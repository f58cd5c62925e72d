'use client';
// Creating an API token: the token is in the API's answer only, so it is shown here once, in this
// component's memory (a reload forgets it), with a copy button and a warning.
import type { CreatedToken, CreateTokenRequest, RoleName } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { CopyButton } from '../../../components/copy-button';
import { browserApi } from '../../../lib/browser-api';
import { formatTimestamp } from '../../../lib/format';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../_components/api-errors';
import { Field } from '../_components/field';

const ROLES: { role: RoleName; what: string }[] = [
  { role: 'auditor', what: 'reads everything, exports evidence' },
  { role: 'manager', what: 'reads fleet aggregates and rollout only' },
  { role: 'security', what: 'reads everything, runs snapshots and analyses' },
  { role: 'admin', what: 'everything, including clusters, tokens and the audit log' },
];

const TOKEN_NAME = /^[\w][\w .@:/-]*$/;

export function CreateToken() {
  const router = useRouter();
  const [name, setName] = useState('');
  const [role, setRole] = useState<RoleName>('auditor');
  const [days, setDays] = useState('90');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const mutation = useMutation({
    mutationFn: (body: CreateTokenRequest) => browserApi<CreatedToken>('/tokens', { method: 'POST', json: body }),
    onSuccess: (tok) => {
      setErrors(NO_ERRORS);
      setCreated(tok);
      setName('');
      router.refresh();
    },
    onError: (err) => setErrors(formErrorsOf(err, {}, ['name', 'role', 'expiresInDays'])),
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const own: Record<string, string> = {};
    if (!name.trim()) own.name = 'say who or what will use the token';
    else if (!TOKEN_NAME.test(name.trim()) || name.trim().length > 100) own.name = 'letters, digits, spaces and . _ @ : / - (at most 100), starting with a letter or digit';
    const d = days.trim();
    if (d && (!Number.isInteger(Number(d)) || Number(d) < 1 || Number(d) > 3650)) own.expiresInDays = 'a whole number of days from 1 to 3650, or empty for no expiry';
    if (Object.keys(own).length) return setErrors({ fields: own, form: null });
    mutation.mutate({ name: name.trim(), role, ...(d ? { expiresInDays: Number(d) } : {}) });
  }

  return (
    <>
      {created ? (
        <section className="panel token-created" aria-labelledby="created-title" data-testid="token-created">
          <h2 id="created-title">✓ Token “{created.name}” created ({created.role})</h2>
          <p className="notice notice-warn" role="alert">
            ⚠ <strong>Copy it now: this is the only time it is shown.</strong> Kordon keeps only its SHA-256; if it is lost, revoke it
            and create another.
          </p>
          <div className="token-value">
            <code className="mono" data-testid="new-token">
              {created.token}
            </code>
            <CopyButton text={created.token} label="Copy the token" />
          </div>
          <p className="muted">
            {created.expiresAt ? `Expires ${formatTimestamp(created.expiresAt)}.` : 'Never expires.'} Use it as{' '}
            <code>Authorization: Bearer …</code> against the API, or paste it on the sign-in page.
          </p>
          <button type="button" className="button" onClick={() => setCreated(null)}>
            Done, I stored it
          </button>
        </section>
      ) : null}
      <form onSubmit={onSubmit} noValidate className="panel admin-form" aria-labelledby="create-title">
        <h2 id="create-title">Create a token</h2>
        {errors.form ? (
          <p className="notice notice-bad" role="alert" data-testid="form-error">
            ⚠ {errors.form}
          </p>
        ) : null}
        <div className="grid-3">
          <Field id="token-name" label="Name" hint="who or what uses it, e.g. ci-gate" error={errors.fields.name}>
            {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoComplete="off" />}
          </Field>
          <Field id="token-role" label="Role" hint={ROLES.find((r) => r.role === role)?.what} error={errors.fields.role}>
            {(a) => (
              <select {...a} value={role} onChange={(e) => setRole(e.target.value as RoleName)}>
                {ROLES.map((r) => (
                  <option key={r.role} value={r.role}>
                    {r.role}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="token-days" label="Expires in (days)" hint="empty: never expires" error={errors.fields.expiresInDays ?? errors.fields.expiresAt}>
            {(a) => <input {...a} type="number" min={1} max={3650} inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </>
  );
}
