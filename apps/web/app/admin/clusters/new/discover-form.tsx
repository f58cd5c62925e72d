'use client';
// AKS discovery: lists the managed clusters of the given subscriptions (optionally one resource
// group, and only those carrying all given tags) and registers those not registered yet. The
// answer says what was registered, what already was, and what Kordon could not read.
import type { DiscoverAksRequest, DiscoveryReport } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { browserApi } from '../../../../lib/browser-api';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../../_components/api-errors';
import { Field } from '../../_components/field';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseTags(text: string): { tags: Record<string, string>; bad: string[] } {
  const tags: Record<string, string> = {};
  const bad: string[] = [];
  for (const line of text.split(/\n|,/).map((l) => l.trim()).filter(Boolean)) {
    const i = line.indexOf('=');
    if (i <= 0) bad.push(line);
    else tags[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return { tags, bad };
}

export function DiscoverForm() {
  const [subs, setSubs] = useState('');
  const [resourceGroup, setResourceGroup] = useState('');
  const [tagText, setTagText] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const mutation = useMutation({
    mutationFn: (body: DiscoverAksRequest) => browserApi<DiscoveryReport>('/clusters/discover', { method: 'POST', json: body }),
    onSuccess: () => setErrors(NO_ERRORS),
    onError: (err) => setErrors(formErrorsOf(err, {}, ['subscriptionIds', 'resourceGroup', 'tags'])),
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const subscriptionIds = subs.split(/[\s,;]+/).filter(Boolean);
    const { tags, bad } = parseTags(tagText);
    const own: Record<string, string> = {};
    if (!subscriptionIds.length) own.subscriptionIds = 'give at least one subscription id';
    const notGuid = subscriptionIds.filter((s) => !GUID.test(s));
    if (notGuid.length) own.subscriptionIds = `not a subscription id (GUID): ${notGuid.join(', ')}`;
    if (bad.length) own.tags = `write tags as key=value, one per line: ${bad.join(', ')}`;
    if (Object.keys(own).length) return setErrors({ fields: own, form: null });
    mutation.mutate({ subscriptionIds, ...(resourceGroup.trim() ? { resourceGroup: resourceGroup.trim() } : {}), ...(Object.keys(tags).length ? { tags } : {}) });
  }

  const report = mutation.data;
  return (
    <form onSubmit={onSubmit} noValidate className="admin-form">
      <p className="muted">
        Kordon lists the AKS clusters of these subscriptions with its Azure credential and registers the new ones (their{' '}
        <code>environment</code> and <code>team</code> tags are copied). Clusters already registered are left alone.
      </p>
      {errors.form ? (
        <p className="notice notice-bad" role="alert" data-testid="form-error">
          ⚠ {errors.form}
        </p>
      ) : null}
      <Field id="subscriptionIds" label="Subscription ids" hint="one per line (or separated by commas)" error={errors.fields.subscriptionIds}>
        {(a) => <textarea {...a} rows={3} className="mono" value={subs} onChange={(e) => setSubs(e.target.value)} spellCheck={false} />}
      </Field>
      <div className="grid-2">
        <Field id="discover-rg" label="Resource group" hint="optional: only clusters in it" error={errors.fields.resourceGroup}>
          {(a) => <input {...a} value={resourceGroup} onChange={(e) => setResourceGroup(e.target.value)} />}
        </Field>
        <Field id="discover-tags" label="Tags" hint="optional: key=value per line; only clusters carrying all of them" error={errors.fields.tags}>
          {(a) => <textarea {...a} rows={3} className="mono" value={tagText} onChange={(e) => setTagText(e.target.value)} spellCheck={false} />}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Discovering…' : 'Discover and register'}
        </button>
      </div>
      {report ? (
        <section className="panel discovery-report" role="status" aria-label="Discovery result" data-testid="discovery-report">
          <h2>
            Found {report.registered.length + report.skipped.length} cluster{report.registered.length + report.skipped.length === 1 ? '' : 's'}
          </h2>
          <p>
            <strong>✓ Registered {report.registered.length}:</strong> {report.registered.join(', ') || 'none'}
          </p>
          <p>
            <strong>Already registered, left alone ({report.skipped.length}):</strong> {report.skipped.join(', ') || 'none'}
          </p>
          {report.problems.length ? (
            <div className="notice notice-warn">
              <strong>⚠ Problems ({report.problems.length}):</strong>
              <ul>
                {report.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ) : null}
          {report.registered.length ? <Link href="/admin/clusters">See them in the cluster list</Link> : null}
        </section>
      ) : null}
    </form>
  );
}
