'use client';
// Per webhook (security and admin): send a test event now and read what it answered, pause or
// resume it, remove it. Each is audited by the API.
import type { WebhookView } from '@kordon/contracts';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { browserApi } from '../../lib/browser-api';
import { formErrorsOf } from '../admin/_components/api-errors';

interface TestResult {
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

export function WebhookActions({ webhook }: { webhook: WebhookView }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const fail = (err: unknown) => setMessage({ ok: false, text: formErrorsOf(err, {}, []).form ?? 'refused' });
  const test = useMutation({
    mutationFn: () => browserApi<TestResult>(`/webhooks/${webhook.id}/test`, { method: 'POST' }),
    onSuccess: (r) =>
      setMessage({ ok: r.ok, text: r.ok ? `test delivered: HTTP ${r.httpStatus} in ${r.durationMs} ms` : `test failed: ${r.httpStatus ? `HTTP ${r.httpStatus}` : r.error}` }),
    onError: fail,
  });
  const toggle = useMutation({
    mutationFn: () => browserApi<WebhookView>(`/webhooks/${webhook.id}`, { method: 'PATCH', json: { enabled: !webhook.enabled } }),
    onSuccess: () => router.refresh(),
    onError: fail,
  });
  const remove = useMutation({
    mutationFn: () => browserApi<void>(`/webhooks/${webhook.id}`, { method: 'DELETE' }),
    onSuccess: () => router.refresh(),
    onError: fail,
  });
  const busy = test.isPending || toggle.isPending || remove.isPending;
  return (
    <div className="row-actions">
      <button type="button" className="button button-ghost" onClick={() => test.mutate()} disabled={busy}>
        {test.isPending ? 'Sending…' : 'Send test'}
      </button>{' '}
      <button type="button" className="button button-ghost" onClick={() => toggle.mutate()} disabled={busy}>
        {webhook.enabled ? 'Pause' : 'Resume'}
      </button>{' '}
      <button
        type="button"
        className="button button-danger"
        disabled={busy}
        onClick={() => {
          if (window.confirm(`Remove webhook ${webhook.name} and its delivery records?`)) remove.mutate();
        }}
      >
        Remove
      </button>
      {message ? (
        <p className={message.ok ? 'notice notice-good' : 'notice notice-bad'} role="status" data-testid="webhook-test-result">
          {message.ok ? '✓' : '⚠'} {message.text}
        </p>
      ) : null}
    </div>
  );
}
