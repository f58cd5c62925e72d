'use client';
// Requesting an exception (security and admin): an accepted gap, a finding rule or a default-deny
// direction, for a cluster, one namespace or one workload, with who owns it and until when.
import type { CreateExceptionRequest, ExceptionDirection, PostureExceptionView } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { browserApi } from '../../lib/browser-api';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../admin/_components/api-errors';
import { Field } from '../admin/_components/field';

const DAY_MS = 86_400_000;
const dateInput = (d: Date) => d.toISOString().slice(0, 10);

export function RequestForm({ clusters, rules }: { clusters: { id: string; name: string }[]; rules: { id: string; title: string }[] }) {
  const router = useRouter();
  const [cluster, setCluster] = useState(clusters[0]?.id ?? '');
  const [namespace, setNamespace] = useState('');
  const [workload, setWorkload] = useState('');
  const [kind, setKind] = useState<'direction' | 'rule'>('direction');
  const [direction, setDirection] = useState<ExceptionDirection>('ingress');
  const [ruleId, setRuleId] = useState(rules[0]?.id ?? '');
  const [justification, setJustification] = useState('');
  const [owner, setOwner] = useState('');
  const [expires, setExpires] = useState(() => dateInput(new Date(Date.now() + 90 * DAY_MS)));
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [created, setCreated] = useState<PostureExceptionView | null>(null);
  const mutation = useMutation({
    mutationFn: (body: CreateExceptionRequest) => browserApi<PostureExceptionView>('/exceptions', { method: 'POST', json: body }),
    onSuccess: (e) => {
      setErrors(NO_ERRORS);
      setCreated(e);
      setJustification('');
      router.refresh();
    },
    onError: (err) =>
      setErrors(formErrorsOf(err, { CLUSTER_NOT_FOUND: 'cluster' }, ['cluster', 'namespace', 'workload', 'ruleId', 'direction', 'justification', 'owner', 'expiresAt'])),
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const own: Record<string, string> = {};
    if (!cluster) own.cluster = 'choose a cluster';
    if (workload.trim() && !namespace.trim()) own.workload = 'a workload needs its namespace';
    if (!justification.trim()) own.justification = 'say why the gap is accepted';
    if (!owner.trim()) own.owner = 'say who answers for it';
    const at = new Date(`${expires}T23:59:59Z`);
    if (!expires || Number.isNaN(at.getTime())) own.expiresAt = 'choose a date';
    else if (at.getTime() <= Date.now()) own.expiresAt = 'choose a date in the future';
    if (Object.keys(own).length) return setErrors({ fields: own, form: null });
    mutation.mutate({
      cluster,
      namespace: namespace.trim() || null,
      workload: workload.trim() || null,
      ...(kind === 'rule' ? { ruleId, direction: null } : { direction, ruleId: null }),
      justification: justification.trim(),
      owner: owner.trim(),
      expiresAt: at.toISOString(),
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate className="panel admin-form" aria-labelledby="request-title" data-testid="request-form">
      <h2 id="request-title">Request an exception</h2>
      <p className="muted">It takes effect once someone else approves it, and ends on its expiry date by itself.</p>
      {created ? (
        <p className="notice notice-good" role="status" data-testid="request-created">
          ✓ Requested (pending approval by someone other than you).
        </p>
      ) : null}
      {errors.form ? (
        <p className="notice notice-bad" role="alert" data-testid="form-error">
          ⚠ {errors.form}
        </p>
      ) : null}
      <div className="grid-3">
        <Field id="exc-cluster" label="Cluster" error={errors.fields.cluster}>
          {(a) => (
            <select {...a} value={cluster} onChange={(e) => setCluster(e.target.value)}>
              {clusters.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="exc-namespace" label="Namespace" hint="empty: the whole cluster" error={errors.fields.namespace}>
          {(a) => <input {...a} value={namespace} onChange={(e) => setNamespace(e.target.value)} placeholder="e.g. payments" autoComplete="off" />}
        </Field>
        <Field id="exc-workload" label="Workload" hint="Kind/name, empty: the whole namespace" error={errors.fields.workload}>
          {(a) => <input {...a} value={workload} onChange={(e) => setWorkload(e.target.value)} placeholder="e.g. Deployment/web" autoComplete="off" />}
        </Field>
        <Field id="exc-kind" label="Gap" error={errors.fields.ruleId ?? errors.fields.direction}>
          {(a) => (
            <select {...a} value={kind} onChange={(e) => setKind(e.target.value as 'direction' | 'rule')}>
              <option value="direction">missing default-deny (direction)</option>
              <option value="rule">a finding rule</option>
            </select>
          )}
        </Field>
        {kind === 'direction' ? (
          <Field id="exc-direction" label="Direction">
            {(a) => (
              <select {...a} value={direction} onChange={(e) => setDirection(e.target.value as ExceptionDirection)}>
                <option value="ingress">ingress</option>
                <option value="egress">egress</option>
              </select>
            )}
          </Field>
        ) : (
          <Field id="exc-rule" label="Rule">
            {(a) => (
              <select {...a} value={ruleId} onChange={(e) => setRuleId(e.target.value)}>
                {rules.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.id} {r.title}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field id="exc-owner" label="Owner" hint="who answers for the gap" error={errors.fields.owner}>
          {(a) => <input {...a} value={owner} onChange={(e) => setOwner(e.target.value)} maxLength={200} autoComplete="off" />}
        </Field>
        <Field id="exc-expires" label="Expires on" hint="at most a year ahead" error={errors.fields.expiresAt}>
          {(a) => <input {...a} type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />}
        </Field>
      </div>
      <Field id="exc-justification" label="Justification" error={errors.fields.justification}>
        {(a) => <textarea {...a} value={justification} onChange={(e) => setJustification(e.target.value)} rows={3} maxLength={4000} />}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Requesting…' : 'Request exception'}
        </button>
      </div>
    </form>
  );
}
