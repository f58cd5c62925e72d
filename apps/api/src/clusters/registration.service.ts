// Registers the clusters the environment names: every context of KORDON_KUBECONFIG (or those in
// KORDON_KUBE_CONTEXTS), and every AKS cluster discovered in KORDON_AZURE_SUBSCRIPTIONS
// (optionally filtered by resource group and tags). Existing registrations are left alone. The
// clusters one pass registers commit together with their audit entries (actor `system` outside
// a request), and an API discovery with its own `cluster.discover` entry.
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { discoverAksClusters } from '@kordon/collectors';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { AZURE_ACCESS, type AzureAccess } from '../snapshots/azure-credential';
import type { NewCluster } from './clusters.repository';
import { ClustersService } from './clusters.service';
import type { RegisterClusterDto } from './dto/register-cluster.dto';
import { CLUSTER_NAME } from './dto/register-cluster.dto';

export interface RegistrationReport {
  registered: string[];
  skipped: string[];
  problems: string[];
}

function toName(raw: string): string {
  return raw.toLowerCase().replace(/[^-a-z0-9.]/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 63) || 'cluster';
}

/** AKS clusters created (or tagged) later are picked up this often. */
const REDISCOVER_MS = 15 * 60_000;

@Injectable()
export class RegistrationService implements OnApplicationShutdown {
  private readonly logger = new Logger(RegistrationService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clusters: ClustersService,
    @Inject(AZURE_ACCESS) private readonly azure: AzureAccess,
  ) {}

  /** Re-runs AKS discovery periodically when subscriptions are configured. */
  start(everyMs = REDISCOVER_MS): void {
    if (this.timer || !this.config.KORDON_AZURE_SUBSCRIPTIONS.length) return;
    this.timer = setInterval(() => {
      const report: RegistrationReport = { registered: [], skipped: [], problems: [] };
      void this.discoverAks(this.config.KORDON_AZURE_SUBSCRIPTIONS, report)
        .then(() => report.registered.length && this.logger.log(report, 'AKS discovery'))
        .catch((err: Error) => this.logger.warn({ err: { message: err.message } }, 'AKS discovery failed'));
    }, everyMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async registerConfigured(): Promise<RegistrationReport> {
    const report: RegistrationReport = { registered: [], skipped: [], problems: [] };
    if (this.config.KORDON_KUBECONFIG) await this.registerKubeconfigContexts(this.config.KORDON_KUBECONFIG, report);
    if (this.config.KORDON_AZURE_SUBSCRIPTIONS.length) await this.discoverAks(this.config.KORDON_AZURE_SUBSCRIPTIONS, report);
    if (report.registered.length || report.problems.length) this.logger.log(report, 'configured clusters');
    return report;
  }

  private async registerKubeconfigContexts(path: string, report: RegistrationReport): Promise<void> {
    let contexts: string[];
    try {
      const doc = parse(readFileSync(path, 'utf8')) as { contexts?: { name: string }[] };
      contexts = (doc?.contexts ?? []).map((c) => c.name).filter(Boolean);
    } catch (err) {
      report.problems.push(`KORDON_KUBECONFIG ${path} cannot be read: ${(err as Error).message}`);
      return;
    }
    const wanted = this.config.KORDON_KUBE_CONTEXTS.length ? this.config.KORDON_KUBE_CONTEXTS : contexts;
    const dtos: RegisterClusterDto[] = [];
    for (const context of wanted) {
      if (!contexts.includes(context)) {
        report.problems.push(`context ${context} is not in ${path}`);
        continue;
      }
      dtos.push({ name: toName(context), source: 'kubeconfig', kubeconfigPath: path, context });
    }
    await this.registerNew(dtos, 'kubeconfig', report);
  }

  /**
   * Registers the AKS clusters found; filters default to KORDON_AZURE_RESOURCE_GROUP / _TAGS.
   * `requested`: an admin asked through the API, so the discovery itself is audited too (even
   * when it registered nothing), in the transaction of the registrations.
   */
  async discoverAks(
    subscriptionIds: string[],
    report: RegistrationReport,
    filter: { resourceGroup?: string; tags?: Record<string, string> } = {},
    requested = false,
  ): Promise<void> {
    const tags = filter.tags ?? this.config.KORDON_AZURE_TAGS;
    const found = await discoverAksClusters({
      credential: this.azure.credential(),
      subscriptionIds,
      resourceGroup: filter.resourceGroup ?? this.config.KORDON_AZURE_RESOURCE_GROUP,
      tags: Object.keys(tags).length ? tags : undefined,
      endpoint: this.config.KORDON_ARM_ENDPOINT,
      clientOptions: this.azure.clientOptions,
    });
    report.problems.push(...found.problems.map((p: { message: string }) => p.message));
    const dtos: RegisterClusterDto[] = [];
    for (const c of found.clusters) {
      const name = toName(c.name);
      if (!CLUSTER_NAME.test(name)) {
        report.problems.push(`AKS cluster ${c.name} has a name Kordon cannot use`);
        continue;
      }
      dtos.push({ name, source: 'aks', subscriptionId: c.subscriptionId, resourceGroup: c.resourceGroup, clusterName: c.name, environment: c.tags?.environment, team: c.tags?.team });
    }
    const request = requested ? { action: 'cluster.discover', details: { subscriptionIds, ...filter } } : undefined;
    await this.registerNew(dtos, 'discovery', report, request);
  }

  private async registerNew(dtos: RegisterClusterDto[], via: string, report: RegistrationReport, request?: { action: string; details: object }): Promise<void> {
    const clusters: NewCluster[] = [];
    for (const dto of dtos) {
      try {
        clusters.push(this.clusters.toNewCluster(dto));
      } catch (err) {
        report.problems.push(`${dto.name}: ${(err as Error).message}`);
      }
    }
    let done: Awaited<ReturnType<ClustersService['registerNew']>>;
    try {
      done = await this.clusters.registerNew({ clusters, via, request });
    } catch (err) {
      // Asked through the API: the caller gets the error (e.g. 503 when it cannot be audited).
      // At start or on the discovery timer: a report problem, never a crash; the next run retries.
      if (request) throw err;
      report.problems.push(`registering ${clusters.length} cluster(s) via ${via} failed, nothing was registered: ${(err as Error).message}`);
      return;
    }
    report.registered.push(...done.registered);
    report.skipped.push(...done.skipped);
  }
}
