'use client';
// Deleting a cluster (it leaves the fleet, its history stays) and purging it (it and its history
// go for good). Each asks first and names the cluster; purging asks for the name to be typed.
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { browserApi } from '../../../../lib/browser-api';

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function DeleteCluster({ id, name, snapshots }: { id: string; name: string; snapshots: string }) {
  const router = useRouter();
  const [asking, setAsking] = useState(false);
  const mutation = useMutation({
    mutationFn: () => browserApi<void>(`/clusters/${id}`, { method: 'DELETE' }),
    onSuccess: () => router.refresh(),
  });
  if (!asking) {
    return (
      <button type="button" className="button button-danger" onClick={() => setAsking(true)}>
        Delete {name}…
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-labelledby="delete-q">
      <p id="delete-q">
        <strong>Delete {name}?</strong> It leaves the fleet and is no longer snapshotted. Its history ({snapshots}) is kept for past
        dates and evidence, and can be purged later.
      </p>
      {mutation.isError ? (
        <p className="notice notice-bad" role="alert">
          ⚠ {messageOf(mutation.error)}
        </p>
      ) : null}
      <button type="button" className="button button-danger" disabled={mutation.isPending} onClick={() => mutation.mutate()}>
        {mutation.isPending ? 'Deleting…' : `Yes, delete ${name}`}
      </button>{' '}
      <button type="button" className="button" onClick={() => setAsking(false)} autoFocus>
        Cancel
      </button>
    </div>
  );
}

export function PurgeCluster({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [asking, setAsking] = useState(false);
  const [typed, setTyped] = useState('');
  const mutation = useMutation({
    mutationFn: () => browserApi<void>(`/clusters/${id}?purge=true`, { method: 'DELETE' }),
    onSuccess: () => router.push(`/admin/clusters?purged=${encodeURIComponent(name)}`),
  });
  if (!asking) {
    return (
      <button type="button" className="button button-danger" onClick={() => setAsking(true)}>
        Purge {name} and its history…
      </button>
    );
  }
  return (
    <form
      className="confirm"
      aria-labelledby="purge-q"
      onSubmit={(e) => {
        e.preventDefault();
        if (typed === name) mutation.mutate();
      }}
    >
      <p id="purge-q">
        <strong>Purge {name} for good?</strong> The cluster and every snapshot, posture row and finding of it are deleted. Past
        dates and evidence for it can no longer be shown. This cannot be undone.
      </p>
      <label htmlFor="purge-name">
        Type <strong className="mono">{name}</strong> to confirm
      </label>{' '}
      <input id="purge-name" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} autoFocus />
      {mutation.isError ? (
        <p className="notice notice-bad" role="alert">
          ⚠ {messageOf(mutation.error)}
        </p>
      ) : null}
      <p>
        <button type="submit" className="button button-danger" disabled={typed !== name || mutation.isPending}>
          {mutation.isPending ? 'Purging…' : `Purge ${name}`}
        </button>{' '}
        <button type="button" className="button" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </p>
    </form>
  );
}
