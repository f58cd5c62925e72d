'use client';
// Adding a webhook (security and admin): generic JSON signed with a shared secret, or a Slack or
// Teams incoming-webhook URL; which alert kinds it receives.
import type { AlertKind, WebhookFormat, WebhookView } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { browserApi } from '../../lib/browser-api';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../admin/_components/api-errors';
import { Field } from '../admin/_components/field';

export function WebhookForm({ kinds }: { kinds: { kind: AlertKind; description: string }[] }) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<WebhookFormat>('json');
  const [secret, setSecret] = useState('');
  const [picked, setPicked] = useState<AlertKind[]>([]);
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [created, setCreated] = useState<WebhookView | null>(null);
  const mutation = useMutation({
    mutationFn: (body: object) => browserApi<WebhookView>('/webhooks', { method: 'POST', json: body }),
    onSuccess: (w) => {
      setErrors(NO_ERRORS);
      setCreated(w);
      setName('');
      setUrl('');
      setSecret('');
      router.refresh();
    },
    onError: (err) => setErrors(formErrorsOf(err, {}, ['name', 'url', 'format', 'secret', 'kinds'])),
  });
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const own: Record<string, string> = {};
    if (!name.trim()) own.name = 'give it a name';
    if (!/^https?:\/\//.test(url.trim())) own.url = 'an http:// or https:// URL';
    if (secret && secret.length < 16) own.secret = 'at least 16 characters';
    if (Object.keys(own).length) return setErrors({ fields: own, form: null });
    mutation.mutate({ name: name.trim(), url: url.trim(), format, ...(secret ? { secret } : {}), kinds: picked });
  }
  return (
    <form onSubmit={onSubmit} noValidate className="panel admin-form" aria-labelledby="webhook-title" data-testid="webhook-form">
      <h2 id="webhook-title">Add a webhook</h2>
      {created ? <p className="notice notice-good" role="status">✓ Webhook {created.name} added.</p> : null}
      {errors.form ? <p className="notice notice-bad" role="alert">⚠ {errors.form}</p> : null}
      <div className="grid-3">
        <Field id="wh-name" label="Name" error={errors.fields.name}>
          {(a) => <input {...a} value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. secops-slack" autoComplete="off" />}
        </Field>
        <Field id="wh-format" label="Format" hint="JSON is signed (X-Kordon-Signature: sha256=HMAC)" error={errors.fields.format}>
          {(a) => (
            <select {...a} value={format} onChange={(e) => setFormat(e.target.value as WebhookFormat)}>
              <option value="json">generic JSON</option>
              <option value="slack">Slack incoming webhook</option>
              <option value="teams">Microsoft Teams incoming webhook</option>
            </select>
          )}
        </Field>
        <Field id="wh-url" label="URL" hint="stored sealed; shown as scheme and host only" error={errors.fields.url}>
          {(a) => <input {...a} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…" autoComplete="off" />}
        </Field>
        {format === 'json' ? (
          <Field id="wh-secret" label="Signing secret" hint="optional, 16+ characters, never shown again" error={errors.fields.secret}>
            {(a) => <input {...a} type="password" value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="new-password" />}
          </Field>
        ) : null}
      </div>
      <fieldset className="wh-kinds">
        <legend>Alert kinds (none ticked: all)</legend>
        {kinds.map((k) => (
          <label key={k.kind} title={k.description}>
            <input type="checkbox" checked={picked.includes(k.kind)} onChange={() => setPicked((p) => (p.includes(k.kind) ? p.filter((x) => x !== k.kind) : [...p, k.kind]))} />{' '}
            <span className="mono">{k.kind}</span>
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button" disabled={mutation.isPending}>
        {mutation.isPending ? 'Adding…' : 'Add webhook'}
      </button>
    </form>
  );
}
