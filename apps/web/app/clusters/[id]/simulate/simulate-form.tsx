'use client';
// The what-if form: proposed manifests pasted or uploaded (several .yaml files), policies of the
// cluster's latest snapshot to delete (picked per namespace), Run → POST /simulate through the
// /api proxy. The answer is the same diff the diff page shows (latest snapshot → latest with the
// change applied), under a verdict banner. A 400 for bad YAML lists file, line and column.
import type { ApiError, NamespaceDetail } from '@kordon/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { browserApi, type BrowserApiError } from '../../../../lib/browser-api';
import { DiffView, type SimulateResult } from '../../../../components/diff/diff-view';
import { VerdictBanner } from '../../../../components/diff/verdict';

interface PickedFile {
  name: string;
  text: string;
}

interface YamlProblem {
  file?: string | null;
  line?: number | null;
  column?: number | null;
  message?: string;
}

/** The API's 400 for manifests it cannot read: details.errors (or details itself) lists where. */
function yamlProblems(e: ApiError): YamlProblem[] {
  const d = e.details as { errors?: YamlProblem[]; problems?: YamlProblem[] } | YamlProblem[] | undefined;
  if (Array.isArray(d)) return d;
  return d?.errors ?? d?.problems ?? [];
}

function DeletePicker({ clusterId, namespaces, picked, onChange }: { clusterId: string; namespaces: string[]; picked: string[]; onChange: (v: string[]) => void }) {
  const [ns, setNs] = useState('');
  const q = useQuery({
    queryKey: ['namespace', clusterId, ns],
    queryFn: () => browserApi<NamespaceDetail>(`/clusters/${encodeURIComponent(clusterId)}/namespaces/${encodeURIComponent(ns)}`),
    enabled: ns !== '',
    staleTime: 60_000,
  });
  const toggle = (ref: string) => onChange(picked.includes(ref) ? picked.filter((r) => r !== ref) : [...picked, ref]);
  return (
    <fieldset className="sim-delete" data-testid="delete-picker">
      <legend>Delete policies (optional)</legend>
      <label>
        Namespace{' '}
        <select value={ns} onChange={(e) => setNs(e.target.value)} aria-label="Namespace of the policies to delete">
          <option value="">Pick a namespace…</option>
          {namespaces.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      {ns && q.isPending ? <p className="muted">loading its policies…</p> : null}
      {q.isError ? <p className="text-bad">Could not load the policies: {(q.error as BrowserApiError).message}</p> : null}
      {q.data ? (
        q.data.policies.filter((p) => p.namespace).length === 0 ? (
          <p className="muted">No policy in {ns}.</p>
        ) : (
          <ul className="sim-policies">
            {q.data.policies
              .filter((p) => p.namespace)
              .map((p) => {
                const ref = `${p.kind === 'NetworkPolicy' ? '' : `${p.kind}/`}${p.namespace}/${p.name}`;
                return (
                  <li key={p.hash + p.name}>
                    <label>
                      <input type="checkbox" checked={picked.includes(ref)} onChange={() => toggle(ref)} /> <span className="mono">{p.name}</span>{' '}
                      {p.kind === 'NetworkPolicy' ? null : <span className="muted">({p.kind})</span>}
                    </label>
                  </li>
                );
              })}
          </ul>
        )
      ) : null}
      {picked.length ? (
        <p data-testid="delete-picked">
          To delete: {picked.map((r) => <span key={r} className="mono sim-chip">{r} <button type="button" className="button-ghost" aria-label={`Keep ${r}`} onClick={() => toggle(r)}>×</button></span>)}
        </p>
      ) : null}
    </fieldset>
  );
}

export function SimulateForm({ clusterId, namespaces }: { clusterId: string; namespaces: string[] }) {
  const [manifests, setManifests] = useState('');
  const [files, setFiles] = useState<PickedFile[]>([]);
  const [deletes, setDeletes] = useState<string[]>([]);
  const run = useMutation({
    mutationFn: () =>
      browserApi<SimulateResult>(`/clusters/${encodeURIComponent(clusterId)}/simulate`, {
        method: 'POST',
        json: buildRequest(manifests, files, deletes),
      }),
  });

  const onFiles = async (list: FileList | null) => {
    if (!list) return;
    const read = await Promise.all(Array.from(list).map(async (f) => ({ name: f.name, text: await f.text() })));
    setFiles((cur) => [...cur.filter((c) => !read.some((r) => r.name === c.name)), ...read]);
  };

  const empty = !manifests.trim() && files.length === 0 && deletes.length === 0;
  const err = run.error as BrowserApiError | null;
  const problems = err ? yamlProblems(err.body) : [];

  return (
    <>
      <form
        className="panel sim-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!empty) run.mutate();
        }}
      >
        <h2>Proposed change</h2>
        <label className="sim-label" htmlFor="sim-yaml">
          Paste manifests (YAML, several documents separated by <span className="mono">---</span>)
        </label>
        <textarea
          id="sim-yaml"
          name="manifests"
          data-testid="sim-yaml"
          className="sim-yaml mono"
          rows={14}
          spellCheck={false}
          value={manifests}
          onChange={(e) => setManifests(e.target.value)}
          placeholder={'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: payments\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]'}
        />
        <label className="sim-label">
          Or upload files{' '}
          <input type="file" accept=".yaml,.yml,application/yaml,text/yaml" multiple data-testid="sim-files" onChange={(e) => void onFiles(e.target.files)} />
        </label>
        {files.length ? (
          <ul className="sim-files">
            {files.map((f) => (
              <li key={f.name}>
                <span className="mono">{f.name}</span> <span className="muted">({f.text.split('\n').length} lines)</span>{' '}
                <button type="button" className="button button-ghost" onClick={() => setFiles((cur) => cur.filter((c) => c.name !== f.name))}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        <DeletePicker clusterId={clusterId} namespaces={namespaces} picked={deletes} onChange={setDeletes} />
        <p>
          <button type="submit" className="button button-primary" disabled={empty || run.isPending} data-testid="sim-run">
            {run.isPending ? 'Running…' : 'Run'}
          </button>{' '}
          <span className="muted">Nothing is stored: the change is applied to a copy of the latest snapshot.</span>
        </p>
      </form>

      {err ? (
        <section className="state state-error" role="alert" data-testid="sim-error">
          <h2>{err.status === 400 ? 'The manifests could not be read' : err.status === 403 ? 'Your role cannot run a what-if' : 'The what-if failed'}</h2>
          <p>{err.message}</p>
          {problems.length ? (
            <ul className="sim-problems">
              {problems.map((pr, i) => (
                <li key={i}>
                  <span className="mono">
                    {pr.file ?? 'pasted manifests'}
                    {pr.line != null ? `:${pr.line}` : ''}
                    {pr.column != null ? `:${pr.column}` : ''}
                  </span>{' '}
                  {pr.message}
                </li>
              ))}
            </ul>
          ) : null}
          <p className="state-code">
            {err.status} {err.body.error}
          </p>
        </section>
      ) : null}

      {run.data ? (
        <div data-testid="sim-result">
          <VerdictBanner result={run.data} />
          <DiffView diff={run.data} clusterId={clusterId} />
        </div>
      ) : null}
    </>
  );
}

function buildRequest(manifests: string, files: PickedFile[], deletes: string[]) {
  const del = deletes.length ? { delete: deletes } : {};
  if (files.length === 0) return { manifests, ...del };
  const all = manifests.trim() ? [{ name: 'pasted.yaml', text: manifests }, ...files] : files;
  return { files: all, ...del };
}
