// Owns checking a ClusterState JSON handed in as a file (an export of an earlier snapshot, a
// fixture) entry by entry, so one malformed pod is reported and skipped instead of voiding the
// whole file. NetworkPolicies are checked by validateNetworkPolicy, not here: the collector
// applies the same rules to every source.
import { z } from 'zod';

const labels = z.record(z.string(), z.string());
const protocol = z.enum(['TCP', 'UDP', 'SCTP']);
const workloadKind = z.enum(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController', 'Pod']);

// Objects are stripped of unknown keys (zod's default) so an export from a newer version
// with extra fields still loads.
export const namespaceEntrySchema = z.object({
  name: z.string().min(1),
  labels: labels.default({}),
});

export const podEntrySchema = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  labels: labels.default({}),
  ports: z
    .array(z.object({ name: z.string().optional(), containerPort: z.number().int().min(1).max(65535), protocol: protocol.optional() }))
    .optional(),
  ips: z.array(z.string()).optional(),
  nodeName: z.string().optional(),
  phase: z.string().optional(),
  hostNetwork: z.boolean().optional(),
  workload: z.object({ kind: workloadKind, name: z.string().min(1) }).optional(),
  synthetic: z.boolean().optional(),
});

export const serviceEntrySchema = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  type: z.string(),
  selector: labels.optional(),
  loadBalancerSourceRanges: z.array(z.string()).optional(),
});

export const nodeEntrySchema = z.object({
  name: z.string().min(1),
  os: z.string(),
  labels: labels.optional(),
  ips: z.array(z.string()).optional(),
});

// Node pools and the network profile are ARM shapes kept as given: only their identity is checked.
export const nodePoolEntrySchema = z.looseObject({ name: z.string().min(1) });
export const networkProfileSchema = z.looseObject({}).nullable();

/** The top-level shape: the three required arrays, the optional ones, nothing else checked yet. */
export const clusterStateFileSchema = z.object({
  namespaces: z.array(z.unknown()),
  pods: z.array(z.unknown()),
  networkPolicies: z.array(z.unknown()),
  services: z.array(z.unknown()).optional(),
  nodes: z.array(z.unknown()).optional(),
  nodePools: z.array(z.unknown()).optional(),
  networkProfile: z.unknown().optional(),
  crdPolicies: z.array(z.unknown()).optional(),
  kubernetesVersion: z.string().optional(),
});

/** `pods[3].labels.app: Invalid input…`: one line per issue, paths joined the way people read them. */
export function formatZodIssues(prefix: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${String(seg)}` : String(seg)),
        prefix,
      );
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
