'use client';
// Registering one cluster from the browser: an uploaded kubeconfig (inline credentials only), an
// upload of kubectl output (offline manifests) or one AKS cluster. Input is never lost: an error
// keeps every field as typed and says, next to the field, what the API refused and why.
import type { ClusterSummary, RegisterClusterRequest } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useQueryState } from 'nuqs';
import { useState, type FormEvent } from 'react';
import { browserApi } from '../../../../lib/browser-api';
import { formatSchedule } from '../../../../lib/format';
import { formErrorsOf, NO_ERRORS, type FormErrors } from '../../_components/api-errors';
import { Field } from '../../_components/field';
import { ScheduleField } from '../../_components/schedule-field';
import { nameError, scheduleError } from '../../_components/schedule';
import { DiscoverForm } from './discover-form';
import { REGISTER_SOURCES, sourceParser, type RegisterSource } from './search-params';

const TAB_LABEL: Record<RegisterSource, string> = {
  kubeconfig: 'Kubeconfig',
  manifests: 'Offline manifests',
  aks: 'One AKS cluster',
  discover: 'Discover AKS by subscription',
};

const MAX_UPLOAD = 1_000_000;

interface Upload {
  name: string;
  text: string;
}

export function RegisterPage({ defaultScheduleMinutes }: { defaultScheduleMinutes?: number }) {
  const [source, setSource] = useQueryState('source', sourceParser.withOptions({ history: 'replace' }));
  return (
    <>
      <div
        role="tablist"
        aria-label="How to register"
        className="admin-tabs"
        onKeyDown={(e) => {
          // The ARIA tabs pattern: arrows move between tabs, Home/End to the ends.
          const i = REGISTER_SOURCES.indexOf(source);
          const n = REGISTER_SOURCES.length;
          const next = e.key === 'ArrowRight' ? (i + 1) % n : e.key === 'ArrowLeft' ? (i + n - 1) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
          if (next < 0) return;
          e.preventDefault();
          void setSource(REGISTER_SOURCES[next]!);
          document.getElementById(`tab-${REGISTER_SOURCES[next]}`)?.focus();
        }}
      >
        {REGISTER_SOURCES.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            id={`tab-${s}`}
            aria-selected={source === s}
            tabIndex={source === s ? 0 : -1}
            aria-controls="register-panel"
            className={source === s ? 'current' : undefined}
            onClick={() => void setSource(s)}
          >
            {TAB_LABEL[s]}
          </button>
        ))}
      </div>
      <div id="register-panel" role="tabpanel" aria-labelledby={`tab-${source}`} className="panel">
        {source === 'discover' ? <DiscoverForm /> : <RegisterForm source={source} defaultScheduleMinutes={defaultScheduleMinutes} />}
      </div>
    </>
  );
}

function RegisterForm({ source, defaultScheduleMinutes }: { source: Exclude<RegisterSource, 'discover'>; defaultScheduleMinutes?: number }) {
  const [name, setName] = useState('');
  const [environment, setEnvironment] = useState('');
  const [team, setTeam] = useState('');
  const [schedule, setSchedule] = useState('');
  const [kubeconfig, setKubeconfig] = useState('');
  const [context, setContext] = useState('');
  const [files, setFiles] = useState<Upload[]>([]);
  const [subscriptionId, setSubscriptionId] = useState('');
  const [resourceGroup, setResourceGroup] = useState('');
  const [clusterName, setClusterName] = useState('');
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [readProblem, setReadProblem] = useState<string | null>(null);

  const mutation = useMutation({
    mutationFn: (body: RegisterClusterRequest) => browserApi<ClusterSummary>('/clusters', { method: 'POST', json: body }),
    onSuccess: () => setErrors(NO_ERRORS),
    onError: (err) =>
      setErrors(
        formErrorsOf(
          err,
          { INVALID_SOURCE: source === 'kubeconfig' ? 'kubeconfig' : source === 'manifests' ? 'files' : 'clusterName', CLUSTER_NAME_TAKEN: 'name' },
          ['name', 'environment', 'team', 'scheduleMinutes', 'kubeconfig', 'context', 'files', 'subscriptionId', 'resourceGroup', 'clusterName'],
        ),
      ),
  });

  async function readFiles(list: FileList | null, into: 'kubeconfig' | 'files') {
    setReadProblem(null);
    if (!list?.length) return;
    const read: Upload[] = [];
    for (const f of Array.from(list)) {
      if (f.size > MAX_UPLOAD) {
        setReadProblem(`${f.name} is ${Math.round(f.size / 1024)} KB: uploads are at most 1 MB in all`);
        return;
      }
      read.push({ name: f.name.replace(/[/\\]/g, '_'), text: await f.text() });
    }
    if (into === 'kubeconfig') setKubeconfig(read[0]!.text);
    else setFiles((prev) => [...prev.filter((p) => !read.some((r) => r.name === p.name)), ...read]);
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const own: Record<string, string> = {};
    const n = nameError(name);
    if (n) own.name = n;
    const s = scheduleError(schedule);
    if (s) own.scheduleMinutes = s;
    if (source === 'kubeconfig' && !kubeconfig.trim()) own.kubeconfig = 'upload a kubeconfig file or paste its YAML';
    if (source === 'manifests' && !files.length) own.files = 'add at least one file of kubectl output (YAML or JSON)';
    if (source === 'manifests' && files.reduce((t, f) => t + f.text.length, 0) > MAX_UPLOAD) own.files = 'uploads are at most 1 MB in all';
    if (source === 'aks') {
      if (!subscriptionId.trim()) own.subscriptionId = 'the Azure subscription id (a GUID)';
      if (!resourceGroup.trim()) own.resourceGroup = 'the resource group of the cluster';
      if (!clusterName.trim()) own.clusterName = 'the AKS cluster name';
    }
    if (Object.keys(own).length) {
      setErrors({ fields: own, form: null });
      return;
    }
    const base = {
      name,
      ...(environment.trim() ? { environment: environment.trim() } : {}),
      ...(team.trim() ? { team: team.trim() } : {}),
      ...(schedule.trim() ? { scheduleMinutes: Number(schedule) } : {}),
    };
    const body: RegisterClusterRequest =
      source === 'kubeconfig'
        ? { ...base, source, kubeconfig, ...(context.trim() ? { context: context.trim() } : {}) }
        : source === 'manifests'
          ? { ...base, source, files }
          : { ...base, source, subscriptionId: subscriptionId.trim(), resourceGroup: resourceGroup.trim(), clusterName: clusterName.trim() };
    mutation.mutate(body);
  }

  const f = errors.fields;
  const created = mutation.data;
  if (created && mutation.isSuccess) {
    return (
      <div className="notice notice-good" role="status" data-testid="registered">
        <p>
          <strong>✓ Registered {created.name}</strong> ({created.source}, snapshots {formatSchedule(created.scheduleMinutes)}). The
          scheduler takes its first snapshot within a minute; its cluster page shows it when it finishes.
        </p>
        <p className="actions">
          <Link href={`/clusters/${created.id}`}>Open its cluster page</Link>
          <Link href={`/admin/clusters/${created.id}`}>Edit its settings</Link>
          <Link href="/admin/clusters">See it in the cluster list</Link>
          <button type="button" className="button" onClick={() => mutation.reset()}>
            Register another
          </button>
        </p>
      </div>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-describedby={errors.form ? 'register-form-error' : undefined} className="admin-form">
      {source === 'kubeconfig' ? (
        <p className="muted">
          Only inline credentials are accepted (<code>token</code>, <code>client-certificate-data</code>,{' '}
          <code>certificate-authority-data</code>): an uploaded kubeconfig may not run programs (<code>exec</code>,{' '}
          <code>auth-provider</code>) or read files on the API host. Stored encrypted, never shown again.
        </p>
      ) : source === 'manifests' ? (
        <p className="muted">
          Upload the output of <code>kubectl get namespaces,pods,deployments,networkpolicies -A -o yaml</code> (YAML or JSON, and
          optionally <code>az aks show</code> JSON for the network profile). Kordon snapshots these files instead of a live cluster.
        </p>
      ) : (
        <p className="muted">Kordon reads the cluster through Azure Resource Manager with the API&apos;s Azure credential.</p>
      )}
      {errors.form ? (
        <p id="register-form-error" className="notice notice-bad" role="alert" data-testid="form-error">
          ⚠ {errors.form}
        </p>
      ) : null}

      <div className="grid-2">
        <Field id="name" label="Name" hint="lower-case letters, digits, - and ." error={f.name}>
          {(a) => <input {...a} name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" required />}
        </Field>
        <ScheduleField id="scheduleMinutes" value={schedule} onChange={setSchedule} error={f.scheduleMinutes} placeholder={defaultScheduleMinutes ? String(defaultScheduleMinutes) : undefined} />
        <Field id="environment" label="Environment" hint="e.g. prod, staging (optional)" error={f.environment}>
          {(a) => <input {...a} name="environment" value={environment} onChange={(e) => setEnvironment(e.target.value)} maxLength={64} />}
        </Field>
        <Field id="team" label="Team" hint="who owns it (optional)" error={f.team}>
          {(a) => <input {...a} name="team" value={team} onChange={(e) => setTeam(e.target.value)} maxLength={64} />}
        </Field>
      </div>

      {source === 'kubeconfig' ? (
        <>
          <Field id="kubeconfig-file" label="Kubeconfig file" hint="fills the text below; or paste it there">
            {(a) => <input {...a} type="file" onChange={(e) => void readFiles(e.target.files, 'kubeconfig')} />}
          </Field>
          <Field id="kubeconfig" label="Kubeconfig YAML" error={f.kubeconfig ?? readProblem ?? undefined}>
            {(a) => <textarea {...a} name="kubeconfig" rows={10} spellCheck={false} className="mono" value={kubeconfig} onChange={(e) => setKubeconfig(e.target.value)} />}
          </Field>
          <Field id="context" label="Context" hint="default: the kubeconfig's current-context" error={f.context}>
            {(a) => <input {...a} name="context" value={context} onChange={(e) => setContext(e.target.value)} />}
          </Field>
        </>
      ) : source === 'manifests' ? (
        <>
          <Field id="files" label="Files of kubectl output" hint="YAML or JSON, several at once; 1 MB in all" error={f.files ?? readProblem ?? undefined}>
            {(a) => <input {...a} type="file" multiple accept=".yaml,.yml,.json,text/yaml,application/json" onChange={(e) => void readFiles(e.target.files, 'files')} />}
          </Field>
          {files.length ? (
            <ul className="file-list" aria-label="Files to upload">
              {files.map((u) => (
                <li key={u.name}>
                  <span className="mono">{u.name}</span> <span className="muted">{(u.text.length / 1024).toFixed(1)} KB</span>{' '}
                  <button type="button" className="button button-ghost" aria-label={`Remove ${u.name}`} onClick={() => setFiles((prev) => prev.filter((p) => p.name !== u.name))}>
                    ✕ Remove
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No file chosen yet.</p>
          )}
        </>
      ) : (
        <div className="grid-2">
          <Field id="subscriptionId" label="Subscription id" hint="a GUID" error={f.subscriptionId}>
            {(a) => <input {...a} name="subscriptionId" value={subscriptionId} onChange={(e) => setSubscriptionId(e.target.value)} className="mono" />}
          </Field>
          <Field id="resourceGroup" label="Resource group" error={f.resourceGroup}>
            {(a) => <input {...a} name="resourceGroup" value={resourceGroup} onChange={(e) => setResourceGroup(e.target.value)} />}
          </Field>
          <Field id="clusterName" label="AKS cluster name" error={f.clusterName}>
            {(a) => <input {...a} name="clusterName" value={clusterName} onChange={(e) => setClusterName(e.target.value)} />}
          </Field>
        </div>
      )}

      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Registering…' : 'Register cluster'}
        </button>
        <Link href="/admin/clusters">Cancel</Link>
      </div>
    </form>
  );
}
