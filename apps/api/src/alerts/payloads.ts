// The body a webhook receives for an alert event, per format, and the HMAC signature header of
// the generic JSON format. Pure.
import { createHmac } from 'node:crypto';
import type { WebhookFormat } from '@kordon/contracts';

export type AlertEvent = 'alert.opened' | 'alert.resolved' | 'webhook.test';

export interface AlertPayloadInput {
  event: AlertEvent;
  alert: { id: string; kind: string; clusterId: string; clusterName: string; namespace: string | null; summary: string; details: unknown; openedAt: string; resolvedAt: string | null };
  link: string | null;
}

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>` (as GitHub's X-Hub-Signature-256). */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function payload(format: WebhookFormat, p: AlertPayloadInput): unknown {
  const a = p.alert;
  const state = p.event === 'alert.resolved' ? 'Resolved' : p.event === 'webhook.test' ? 'Test' : 'Alert';
  const title = `[Kordon] ${state}: ${a.summary}`;
  if (format === 'slack') {
    return {
      text: title,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*${state}*: ${a.summary}${p.link ? `\n<${p.link}|Open in Kordon>` : ''}` } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `kind \`${a.kind}\` · cluster *${a.clusterName}*${a.namespace ? ` · namespace *${a.namespace}*` : ''} · opened ${a.openedAt}${a.resolvedAt ? ` · resolved ${a.resolvedAt}` : ''}` }] },
      ],
    };
  }
  if (format === 'teams') {
    return {
      '@type': 'MessageCard',
      '@context': 'https://schema.org/extensions',
      summary: title,
      themeColor: p.event === 'alert.resolved' ? '2EB886' : 'D70000',
      title,
      sections: [{ facts: [
        { name: 'Kind', value: a.kind },
        { name: 'Cluster', value: a.clusterName },
        ...(a.namespace ? [{ name: 'Namespace', value: a.namespace }] : []),
        { name: 'Opened', value: a.openedAt },
        ...(a.resolvedAt ? [{ name: 'Resolved', value: a.resolvedAt }] : []),
      ] }],
      ...(p.link ? { potentialAction: [{ '@type': 'OpenUri', name: 'Open in Kordon', targets: [{ os: 'default', uri: p.link }] }] } : {}),
    };
  }
  return { event: p.event, alert: a, link: p.link };
}
