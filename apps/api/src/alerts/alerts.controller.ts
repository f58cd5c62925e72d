// Alerts, webhooks and alert rules over HTTP. Reading alerts needs the detail roles (they name
// namespaces); changing webhooks and rules is for security and admin, audited with the write.
import { BadRequestException, Body, Inject, Controller, Delete, Get, HttpCode, NotFoundException, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AlertDeliveryView, AlertRuleView, AlertView, WebhookView } from '@kordon/contracts';
import type { Webhook } from '@prisma/client';
import { AuditService } from '../auth/audit.service';
import { Roles } from '../auth/auth.guard';
import { OPERATE, READ_DETAIL } from '../auth/roles';
import { PrismaService } from '../prisma/prisma.service';
import type { SecretBox } from '../secrets/secret-box';
import { SECRET_BOX } from '../secrets/secrets.module';
import { ALERT_KINDS } from './alert-conditions';
import { AlertsService } from './alerts.service';
import { AlertListQuery, CreateWebhookDto, KindParam, UpdateRuleDto, UpdateWebhookDto, UuidParam } from './dto/alerts.dto';

function urlHint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(unreadable)';
  }
}

@ApiTags('alerts')
@Controller()
export class AlertsController {
  constructor(private readonly prisma: PrismaService, private readonly audit: AuditService, @Inject(SECRET_BOX) private readonly secrets: SecretBox, private readonly alerts: AlertsService) {}

  @Get('alerts')
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'Regression alerts, newest first, with the latest delivery per webhook' })
  @ApiOkResponse({ description: '{ items: AlertView[] }' })
  async list(@Query() q: AlertListQuery): Promise<{ items: AlertView[] }> {
    const rows = await this.prisma.alert.findMany({
      where: { ...(q.clusterId ? { clusterId: q.clusterId } : {}), ...(q.state === 'open' ? { resolvedAt: null } : q.state === 'resolved' ? { resolvedAt: { not: null } } : {}) },
      orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
      take: 500,
      include: { deliveries: { orderBy: { id: 'desc' }, include: { webhook: { select: { name: true } } } } },
    });
    const clusters = new Map((await this.prisma.cluster.findMany({ select: { id: true, name: true } })).map((c) => [c.id, c.name]));
    return {
      items: rows.map((a) => {
        const latest = new Map<string, AlertView['deliveries'][number]>();
        for (const d of a.deliveries) {
          const cur = latest.get(d.webhookId);
          if (cur) cur.attempts++;
          else latest.set(d.webhookId, { webhookId: d.webhookId, webhookName: d.webhook.name, ok: d.ok, httpStatus: d.httpStatus, attempts: 1, at: d.at.toISOString() });
        }
        return {
          id: a.id, kind: a.kind as AlertView['kind'], clusterId: a.clusterId, clusterName: clusters.get(a.clusterId) ?? a.clusterId, namespace: a.namespace, summary: a.summary,
          details: (a.details ?? {}) as Record<string, unknown>, snapshotId: a.snapshotId, openedAt: a.openedAt.toISOString(), resolvedAt: a.resolvedAt?.toISOString() ?? null,
          deliveries: [...latest.values()],
        };
      }),
    };
  }

  @Get('alerts/:id/deliveries')
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'Every delivery attempt of an alert, oldest first' })
  async deliveries(@Param() p: UuidParam): Promise<{ items: AlertDeliveryView[] }> {
    const rows = await this.prisma.alertDelivery.findMany({ where: { alertId: p.id }, orderBy: { id: 'asc' } });
    return { items: rows.map((d) => ({ id: String(d.id), alertId: d.alertId, webhookId: d.webhookId, attempt: d.attempt, ok: d.ok, httpStatus: d.httpStatus, error: d.error, durationMs: d.durationMs, at: d.at.toISOString() })) };
  }

  @Get('alert-rules')
  @Roles(...READ_DETAIL)
  @ApiOperation({ summary: 'The alert kinds with their threshold and whether they are on' })
  async rules(): Promise<{ items: AlertRuleView[] }> {
    const rows = new Map((await this.prisma.alertRule.findMany()).map((r) => [r.kind, r]));
    return { items: ALERT_KINDS.map((k) => ({ kind: k.kind, enabled: rows.get(k.kind)?.enabled ?? true, threshold: k.unit ? (rows.get(k.kind)?.threshold ?? k.defaultThreshold) : null, unit: k.unit, description: k.description })) };
  }

  @Put('alert-rules/:kind')
  @Roles(...OPERATE)
  @ApiOperation({ summary: "Turn an alert kind on or off, or change its threshold (audited)" })
  @ApiBadRequestResponse({ description: 'Unknown kind, a threshold for a kind without one' })
  async setRule(@Param() p: KindParam, @Body() dto: UpdateRuleDto): Promise<AlertRuleView> {
    const k = ALERT_KINDS.find((x) => x.kind === p.kind)!;
    if (dto.threshold !== undefined && !k.unit) throw new BadRequestException(`${p.kind} has no threshold`);
    await this.audit.transaction(async (tx) => {
      await tx.alertRule.upsert({ where: { kind: p.kind }, create: { kind: p.kind, enabled: dto.enabled ?? true, threshold: dto.threshold ?? null }, update: { ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}), ...(dto.threshold !== undefined ? { threshold: dto.threshold } : {}) } });
      await this.audit.record(tx, 'alert-rule.update', p.kind, { ...dto });
    });
    return (await this.rules()).items.find((r) => r.kind === p.kind)!;
  }

  @Get('webhooks')
  @Roles(...OPERATE)
  @ApiOperation({ summary: 'Webhooks alerts are delivered to (URLs shown as scheme and host; secrets never returned)' })
  async webhooks(): Promise<{ items: WebhookView[] }> {
    const rows = await this.prisma.webhook.findMany({ orderBy: { name: 'asc' }, include: { deliveries: { orderBy: { id: 'desc' }, take: 1 } } });
    return { items: rows.map((w) => this.view(w, w.deliveries[0] ?? null)) };
  }

  @Post('webhooks')
  @Roles(...OPERATE)
  @ApiOperation({ summary: 'Add a webhook: generic JSON (HMAC-signed with its secret), Slack or Teams incoming webhook (audited)' })
  @ApiBadRequestResponse({ description: 'Invalid URL, format, kinds or secret; a name already used' })
  async create(@Body() dto: CreateWebhookDto): Promise<WebhookView> {
    if (await this.prisma.webhook.findUnique({ where: { name: dto.name } })) throw new BadRequestException(`a webhook named ${dto.name} exists`);
    const w = await this.audit.transaction(async (tx) => {
      const created = await tx.webhook.create({
        data: { name: dto.name, url: this.secrets.seal(dto.url), format: dto.format, secretSealed: dto.secret ? this.secrets.seal(dto.secret) : null, kinds: dto.kinds ?? [], enabled: dto.enabled ?? true },
      });
      await this.audit.record(tx, 'webhook.create', created.id, { name: dto.name, format: dto.format, urlHint: urlHint(dto.url), kinds: dto.kinds ?? [] });
      return created;
    });
    return this.view(w, null);
  }

  @Patch('webhooks/:id')
  @Roles(...OPERATE)
  @ApiOperation({ summary: 'Change a webhook (audited)' })
  @ApiNotFoundResponse({ description: 'Unknown webhook' })
  async update(@Param() p: UuidParam, @Body() dto: UpdateWebhookDto): Promise<WebhookView> {
    await this.require(p.id);
    const w = await this.audit.transaction(async (tx) => {
      const updated = await tx.webhook.update({
        where: { id: p.id },
        data: { ...(dto.url ? { url: this.secrets.seal(dto.url) } : {}), ...(dto.secret ? { secretSealed: this.secrets.seal(dto.secret) } : {}), ...(dto.kinds ? { kinds: dto.kinds } : {}), ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}) },
      });
      await this.audit.record(tx, 'webhook.update', p.id, { ...(dto.url ? { urlHint: urlHint(dto.url) } : {}), ...(dto.secret ? { secret: 'changed' } : {}), ...(dto.kinds ? { kinds: dto.kinds } : {}), ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}) });
      return updated;
    });
    return this.view(w, null);
  }

  @Delete('webhooks/:id')
  @HttpCode(204)
  @Roles(...OPERATE)
  @ApiOperation({ summary: 'Remove a webhook and its delivery records (audited)' })
  async remove(@Param() p: UuidParam): Promise<void> {
    await this.require(p.id);
    await this.audit.transaction(async (tx) => {
      await tx.webhook.delete({ where: { id: p.id } });
      await this.audit.record(tx, 'webhook.delete', p.id);
    });
  }

  @Post('webhooks/:id/test')
  @HttpCode(200)
  @Roles(...OPERATE)
  @ApiOperation({ summary: 'Send a test event to a webhook now and say what it answered (not retried, not recorded)' })
  async test(@Param() p: UuidParam): Promise<{ ok: boolean; httpStatus: number | null; error: string | null; durationMs: number }> {
    const w = await this.require(p.id);
    await this.audit.recordAlone('webhook.test', p.id);
    const now = new Date().toISOString();
    const r = await this.alerts.post(w, 'webhook.test', { id: '00000000-0000-0000-0000-000000000000', kind: 'test', clusterId: '', clusterName: 'kordon', namespace: null, summary: 'Test event from Kordon', details: {}, openedAt: now, resolvedAt: null });
    return { ok: r.ok, httpStatus: r.status, error: r.error, durationMs: r.durationMs };
  }

  private async require(id: string): Promise<Webhook> {
    const w = await this.prisma.webhook.findUnique({ where: { id } });
    if (!w) throw new NotFoundException(`no webhook ${id}`);
    return w;
  }

  private view(w: Webhook, last: { ok: boolean; httpStatus: number | null; at: Date; error: string | null } | null): WebhookView {
    let hint = '(sealed)';
    try {
      hint = urlHint(this.secrets.open(w.url));
    } catch {
      hint = '(cannot be opened with this KORDON_SECRET_KEY)';
    }
    return {
      id: w.id, name: w.name, urlHint: hint, format: w.format as WebhookView['format'], hasSecret: !!w.secretSealed, kinds: w.kinds as WebhookView['kinds'],
      enabled: w.enabled, createdAt: w.createdAt.toISOString(), lastDelivery: last ? { ok: last.ok, httpStatus: last.httpStatus, at: last.at.toISOString(), error: last.error } : null,
    };
  }
}
