// Reads one registered cluster through the collector its source names. Secrets are opened
// here, in memory, just for the call; nothing secret is returned or logged.
import { Inject, Injectable } from '@nestjs/common';
import type { Cluster } from '@prisma/client';
import { collectFromAks, collectFromKubernetes, type CollectOptions, type CollectResult } from '@kordon/collectors';
import { fromRepoRoot } from '../common/paths';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { SECRET_BOX } from '../secrets/secrets.module';
import type { SecretBox } from '../secrets/secret-box';
import { AnalysisPool } from './analysis-pool';
import { AZURE_ACCESS, type AzureAccess } from './azure-credential';
import type { WorkSource } from './snapshot-work';

export { REPO_ROOT } from '../common/paths';

export interface KubeconfigSource { kubeconfigPath?: string; context?: string }
export interface AksSource { subscriptionId: string; resourceGroup: string; clusterName: string }
/** Paths on the API host, or files uploaded at registration. */
export interface ManifestsSource { paths?: string[]; files?: { name: string; text: string }[] }

export function resolveRepoPath(p: string): string {
  return fromRepoRoot(p);
}

/**
 * How a snapshot reads the cluster: a plain-data source the analysis thread reads itself, or (AKS,
 * whose Azure credential lives in the API thread) a function that reads ARM here and hands the
 * Kubernetes half to the thread.
 */
export type CollectPlan = { source: WorkSource } | { collect: (opts: CollectOptions) => Promise<CollectResult> };

@Injectable()
export class ClusterCollector {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(AZURE_ACCESS) private readonly azure: AzureAccess,
    private readonly pool: AnalysisPool,
  ) {}

  plan(cluster: Cluster): CollectPlan {
    switch (cluster.source) {
      case 'kubeconfig': {
        const src = cluster.sourceConfig as KubeconfigSource;
        let kubeconfigYaml: string | undefined;
        if (cluster.secretSealed) {
          try {
            kubeconfigYaml = this.secrets.open(cluster.secretSealed);
          } catch {
            return { collect: async () => failed('secret-unreadable', 'the stored kubeconfig cannot be decrypted with the current KORDON_SECRET_KEY') };
          }
        }
        return {
          source: { kind: 'kubernetes', kubeconfigYaml, kubeconfigPath: kubeconfigYaml ? undefined : src.kubeconfigPath ?? this.config.KORDON_KUBECONFIG, context: src.context },
        };
      }
      case 'aks': {
        const src = cluster.sourceConfig as unknown as AksSource;
        return {
          collect: (opts) =>
            collectFromAks(
              {
                credential: this.azure.credential(),
                subscriptionId: src.subscriptionId,
                resourceGroup: src.resourceGroup,
                clusterName: src.clusterName,
                endpoint: this.config.KORDON_ARM_ENDPOINT,
                clientOptions: this.azure.clientOptions,
                collectKubernetes: (k, o) => this.pool.collect({ kind: 'kubernetes', ...k }, o, () => collectFromKubernetes(k, o)),
              },
              opts,
            ),
        };
      }
      case 'manifests': {
        const src = cluster.sourceConfig as unknown as ManifestsSource;
        if (src.files) return { source: { kind: 'manifest-files', files: src.files } };
        return { source: { kind: 'manifest-paths', paths: (src.paths ?? []).map(resolveRepoPath) } };
      }
    }
  }
}
function failed(code: string, message: string): CollectResult {
  return { state: null, problems: [{ severity: 'error', code, message }] };
}
