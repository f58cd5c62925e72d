'use client';
// A cluster's settings: schedule, environment, team, active or paused (PATCH /api/clusters/:id).
import type { ClusterSummary, UpdateClusterRequest } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { browserApi } from '../../../../lib/browser-api';
import { formatSchedule } from '../../../../lib/format';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../../_components/api-errors';
import { Field } from '../../_components/field';
import { ScheduleField } from '../../_components/schedule-field';
import { scheduleError } from '../../_components/schedule';

export function EditClusterForm({ cluster }: { cluster: ClusterSummary }) {
  const router = useRouter();
  const [environment, setEnvironment] = useState(cluster.environment ?? '');
  const [team, setTeam] = useState(cluster.team ?? '');
  const [schedule, setSchedule] = useState(String(cluster.scheduleMinutes));
  const [enabled, setEnabled] = useState(cluster.enabled);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const mutation = useMutation({
    mutationFn: (body: UpdateClusterRequest) => browserApi<ClusterSummary>(`/clusters/${cluster.id}`, { method: 'PATCH', json: body }),
    onSuccess: () => {
      setErrors(NO_ERRORS);
      router.refresh();
    },
    onError: (err) => setErrors(formErrorsOf(err, {}, ['environment', 'team', 'scheduleMinutes', 'enabled'])),
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const s = schedule.trim() ? scheduleError(schedule) : 'give a schedule in minutes';
    if (s) return setErrors({ fields: { scheduleMinutes: s }, form: null });
    mutation.mutate({ environment: environment.trim(), team: team.trim(), scheduleMinutes: Number(schedule), enabled });
  }

  const saved = mutation.isSuccess ? mutation.data : null;
  return (
    <form onSubmit={onSubmit} noValidate className="admin-form" aria-labelledby="settings-title" onChange={() => {
        if (mutation.isSuccess) mutation.reset();
      }}>
      <h2 id="settings-title">Settings</h2>
      {errors.form ? (
        <p className="notice notice-bad" role="alert" data-testid="form-error">
          ⚠ {errors.form}
        </p>
      ) : null}
      <div className="grid-2">
        <ScheduleField id="scheduleMinutes" value={schedule} onChange={setSchedule} error={errors.fields.scheduleMinutes} />
        <Field id="environment" label="Environment" hint="e.g. prod, staging; empty for none" error={errors.fields.environment}>
          {(a) => <input {...a} name="environment" value={environment} onChange={(e) => setEnvironment(e.target.value)} maxLength={64} />}
        </Field>
        <Field id="team" label="Team" hint="who owns it; empty for none" error={errors.fields.team}>
          {(a) => <input {...a} name="team" value={team} onChange={(e) => setTeam(e.target.value)} maxLength={64} />}
        </Field>
        <fieldset className="field">
          <legend>State</legend>
          <label className="radio">
            <input type="radio" name="enabled" checked={enabled} onChange={() => setEnabled(true)} /> Active: snapshotted on its schedule
          </label>
          <label className="radio">
            <input type="radio" name="enabled" checked={!enabled} onChange={() => setEnabled(false)} /> Paused: no snapshots until resumed (history kept)
          </label>
        </fieldset>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Saving…' : 'Save settings'}
        </button>
        {saved ? (
          <span className="notice notice-good inline-notice" role="status" data-testid="saved">
            ✓ Saved: {formatSchedule(saved.scheduleMinutes)}, {saved.environment || 'no environment'}, team {saved.team || 'none'},{' '}
            {saved.enabled ? 'active' : 'paused'}
          </span>
        ) : null}
      </div>
    </form>
  );
}
