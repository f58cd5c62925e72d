'use client';
// Approve, reject and revoke one exception. The requester never sees approve/reject on their own
// request (the API refuses it too, 403); the reason is shown instead.
import type { PostureExceptionView } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { browserApi } from '../../lib/browser-api';

type Action = 'approve' | 'reject' | 'revoke';
const LABEL: Record<Action, string> = { approve: 'Approve', reject: 'Reject', revoke: 'Revoke' };

export function DecisionButtons({ exception, me }: { exception: PostureExceptionView; me: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: (action: Action) => browserApi<PostureExceptionView>(`/exceptions/${encodeURIComponent(exception.id)}/${action}`, { method: 'POST', json: {} }),
    onSuccess: () => {
      setError(null);
      router.refresh();
    },
    onError: (err) => setError(err instanceof Error ? err.message : String(err)),
  });
  const own = exception.requestedBy === me;
  const actions: Action[] = [];
  if (exception.status === 'pending' && !own) actions.push('approve', 'reject');
  if (exception.status === 'pending' || exception.status === 'approved') actions.push('revoke');
  return (
    <div className="exception-actions">
      {exception.status === 'pending' && own ? (
        <p className="muted exception-own" data-testid="own-request">
          Your request: someone else must approve or reject it.
        </p>
      ) : null}
      {actions.map((a) => (
        <button
          key={a}
          type="button"
          className={`button${a === 'approve' ? ' button-primary' : a === 'revoke' ? ' button-danger' : ''}`}
          disabled={mutation.isPending}
          onClick={() => mutation.mutate(a)}
          data-action={a}
        >
          {LABEL[a]}
        </button>
      ))}
      {error ? (
        <p className="notice notice-bad" role="alert">
          ⚠ {error}
        </p>
      ) : null}
    </div>
  );
}
