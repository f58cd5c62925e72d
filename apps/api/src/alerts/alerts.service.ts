// Owns regression alerts: evaluates a cluster after each of its snapshots (and every minute for
// the time-based kinds), opens and resolves alerts (deduplicated by key across replicas), and
// delivers each transition to the matching webhooks through pg-boss (`alert-delivery`: retried
// with exponential backoff, every attempt recorded).
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type PgBoss from 'pg-boss';
import type { AlertKind, WebhookFormat } from '@kordon/contracts';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { InFlightWork } from '../prisma/in-flight-work';
import { startBoss } from '../prisma/boss';
import type { SecretBox } from '../secrets/secret-box';
import { SECRET_BOX } from '../secrets/secrets.module';
import { SnapshotEvents } from '../snapshots/snapshot-events';
import { evaluate } from './alert-conditions';
import { AlertsRepository } from './alerts.repository';
import { payload, signature, type AlertEvent } from './payloads';
import { runWithLogFields } from '../common/log-context';

export const DELIVERY_QUEUE = 'alert-delivery';
const TICK_MS = 60_000;
const DELIVERY_TIMEOUT_MS = 10_000;

interface DeliveryJob {
  alertId: string;
  webhookId: string;
  event: AlertEvent;
}

@Injectable()
export class AlertsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AlertsService.name);
  private boss: PgBoss | null = null;
  private starting: Promise<PgBoss> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Retry delay base in seconds (tests shorten it). */
  retryDelaySeconds = 2;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repo: AlertsRepository,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    private readonly work: InFlightWork,
    events: SnapshotEvents,
    private readonly metrics: MetricsService,
  ) {
    events.on((e) => this.evaluateCluster(e.clusterId, new Date()).then(() => undefined));
  }

  async onApplicationBootstrap(): Promise<void> {
    const boss = await this.queue();
    // Each attempt's lines (a failure pg-boss will retry included) name its job, alert and webhook.
    await boss.work<DeliveryJob>(DELIVERY_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) =>
      runWithLogFields({ jobId: job.id, alertId: job.data.alertId, webhookId: job.data.webhookId }, () => this.deliver(job.data)),
    );
  }

  /** The periodic pass for the time-based kinds; started by main with the scheduler. */
  start(everyMs = TICK_MS): void {
    if (this.timer) return;
    const run = () => void this.work.track(this.tick(new Date())).catch((err) => this.logger.error({ err: { message: (err as Error).message } }, 'alert tick failed'));
    this.timer = setInterval(run, everyMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.boss?.stop({ graceful: true, timeout: 5_000, wait: true }).catch(() => undefined);
  }

  async tick(now: Date): Promise<void> {
    for (const c of await this.repo.liveClusters()) await this.evaluateCluster(c.id, now, c.name);
  }

  /** Opens and resolves the cluster's alerts; returns what changed (and queues the deliveries). */
  async evaluateCluster(clusterId: string, now: Date, name?: string): Promise<{ opened: string[]; resolved: string[] }> {
    const clusterName = name ?? (await this.repo.liveClusters()).find((c) => c.id === clusterId)?.name;
    if (!clusterName) return { opened: [], resolved: [] };
    const [facts, open, rules] = await Promise.all([this.repo.facts(clusterId, clusterName), this.repo.openAlerts(clusterId), this.repo.rules()]);
    const { opens, resolves } = evaluate(facts, open, rules, now);
    const opened: string[] = [];
    const resolved: string[] = [];
    for (const c of opens) {
      const id = await this.repo.open(clusterId, c, now);
      if (id) {
        opened.push(id);
        await this.fanOut(id, c.kind, 'alert.opened');
      }
    }
    for (const a of resolves) {
      if (await this.repo.resolve(a.id, now)) {
        resolved.push(a.id);
        await this.fanOut(a.id, a.kind, 'alert.resolved');
      }
    }
    if (opened.length || resolved.length) this.logger.log({ clusterId, opened: opened.length, resolved: resolved.length }, 'alerts changed');
    return { opened, resolved };
  }

  private async fanOut(alertId: string, kind: AlertKind, event: AlertEvent): Promise<void> {
    const boss = await this.queue();
    for (const w of await this.repo.webhooksFor(kind)) {
      await boss.send(DELIVERY_QUEUE, { alertId, webhookId: w.id, event } satisfies DeliveryJob, { retryLimit: 5, retryDelay: this.retryDelaySeconds, retryBackoff: true });
    }
  }

  /** One attempt: recorded whatever happens; throws on failure so pg-boss retries it. */
  private async deliver(job: DeliveryJob): Promise<void> {
    const [alert, webhook] = await Promise.all([this.repo.alertWithCluster(job.alertId), this.repo.webhook(job.webhookId)]);
    if (!alert || !webhook || !webhook.enabled) return;
    const clusterName = (await this.repo.liveClusters()).find((c) => c.id === alert.clusterId)?.name ?? alert.clusterId;
    const attempt = (await this.repo.attempts(alert.id, webhook.id)) + 1;
    const r = await this.post(webhook, job.event, {
      id: alert.id, kind: alert.kind, clusterId: alert.clusterId, clusterName, namespace: alert.namespace, summary: alert.summary, details: alert.details,
      openedAt: alert.openedAt.toISOString(), resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    });
    await this.repo.recordDelivery({ alertId: alert.id, webhookId: webhook.id, attempt, ok: r.ok, httpStatus: r.status, error: r.error, durationMs: r.durationMs });
    this.metrics.alertDeliveries.inc({ format: webhook.format, outcome: r.ok ? 'delivered' : 'failed' });
    if (!r.ok) this.logger.warn({ attempt, httpStatus: r.status, error: r.error }, 'alert delivery failed');
    if (!r.ok) throw new Error(`delivery to webhook ${webhook.name} failed: ${r.error ?? `HTTP ${r.status}`}`);
  }

  /** POSTs one event to a webhook: the body per its format, signed when it has a secret. */
  async post(
    webhook: { id: string; url: string; format: string; secretSealed: string | null },
    event: AlertEvent,
    alert: Parameters<typeof payload>[1]['alert'],
  ): Promise<{ ok: boolean; status: number | null; error: string | null; durationMs: number }> {
    const url = this.secrets.open(webhook.url);
    const body = JSON.stringify(payload(webhook.format as WebhookFormat, { event, alert, link: null }));
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'Kordon-Webhooks/1', 'X-Kordon-Event': event, 'X-Kordon-Alert': alert.id };
    if (webhook.secretSealed) headers['X-Kordon-Signature'] = signature(this.secrets.open(webhook.secretSealed), body);
    const started = Date.now();
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS), redirect: 'manual' });
      await res.arrayBuffer().catch(() => undefined);
      return { ok: res.status >= 200 && res.status < 300, status: res.status, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`, durationMs: Date.now() - started };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      return { ok: false, status: null, error: e.name === 'TimeoutError' ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : (e.cause?.code ?? e.message), durationMs: Date.now() - started };
    }
  }

  private queue(): Promise<PgBoss> {
    this.starting ??= (async () => {
      const boss = await startBoss({
        databaseUrl: this.config.databaseUrl,
        max: 2,
        applicationName: 'kordon-alerts',
        logger: this.logger,
        queues: [{ name: DELIVERY_QUEUE, policy: 'standard', retryLimit: 5, retryBackoff: true, retryDelay: this.retryDelaySeconds }],
      });
      this.boss = boss;
      return boss;
    })();
    return this.starting;
  }
}
