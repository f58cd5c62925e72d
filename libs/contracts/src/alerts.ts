// Regression alerts and the webhooks they are delivered to.

export type AlertKind = 'default_deny_lost' | 'coverage_drop' | 'engine_none' | 'unprotected_namespace' | 'snapshots_failing';

export interface AlertView {
  id: string;
  kind: AlertKind;
  clusterId: string;
  clusterName: string;
  namespace: string | null;
  summary: string;
  details: Record<string, unknown>;
  snapshotId: string | null;
  openedAt: string;
  resolvedAt: string | null;
  /** The latest delivery attempt per webhook. */
  deliveries: { webhookId: string; webhookName: string; ok: boolean; httpStatus: number | null; attempts: number; at: string }[];
}

export interface AlertRuleView {
  kind: AlertKind;
  enabled: boolean;
  /** Points (coverage_drop) or hours (unprotected_namespace, snapshots_failing); null for kinds without one. */
  threshold: number | null;
  unit: 'points' | 'hours' | null;
  description: string;
}

export type WebhookFormat = 'json' | 'slack' | 'teams';

export interface WebhookView {
  id: string;
  name: string;
  /** Scheme and host only: the full URL (Slack and Teams put their credential in it) is sealed. */
  urlHint: string;
  format: WebhookFormat;
  hasSecret: boolean;
  /** Alert kinds it receives; empty: all. */
  kinds: AlertKind[];
  enabled: boolean;
  createdAt: string;
  lastDelivery: { ok: boolean; httpStatus: number | null; at: string; error: string | null } | null;
}

export interface AlertDeliveryView {
  id: string;
  alertId: string;
  webhookId: string;
  attempt: number;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}
