// The normalized input every collector produces and the engine consumes. Plain data only:
// no framework types, no Dates (times are ISO strings passed in by the caller).

export type Labels = Record<string, string>;

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: Protocol;
}

export interface NamespaceInfo {
  name: string;
  labels: Labels;
}

export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
}

export type WorkloadKind =
  | 'Deployment'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'ReplicaSet'
  | 'Job'
  | 'CronJob'
  | 'ReplicationController'
  | 'Pod';

export interface PodInfo {
  namespace: string;
  name: string;
  labels: Labels;
  ports?: ContainerPort[];
  ips?: string[];
  nodeName?: string;
  phase?: string;
  hostNetwork?: boolean;
  /** The controller that owns the pod (ReplicaSet resolved to its Deployment). Absent for bare pods. */
  workload?: WorkloadRef;
  /** True when the pod was synthesized from a workload template (manifests without pods). */
  synthetic?: boolean;
}

/** A workload as the product groups pods: kind/name, the pod template labels, pods under it. */
export interface WorkloadInfo {
  namespace: string;
  kind: WorkloadKind;
  name: string;
  labels: Labels;
  podCount: number;
  ports: ContainerPort[];
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  type: string;
  selector?: Labels;
  loadBalancerSourceRanges?: string[];
}

export interface NodeInfo {
  name: string;
  os: string;
  labels?: Labels;
  ips?: string[];
}

export interface NodePoolInfo {
  name: string;
  osType?: string;
  osSku?: string;
  count?: number;
  mode?: string;
  vmSize?: string;
  [key: string]: unknown;
}

/** `az aks show --query networkProfile`, kept as ARM returns it. */
export interface NetworkProfile {
  networkPlugin?: string;
  networkPluginMode?: string;
  networkPolicy?: string;
  networkDataplane?: string;
  podCidr?: string;
  podCidrs?: string[];
  serviceCidr?: string;
  serviceCidrs?: string[];
  outboundType?: string;
  loadBalancerSku?: string;
  ipFamilies?: string[];
  [key: string]: unknown;
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface NetworkPolicyPort {
  protocol?: Protocol;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

/** networking.k8s.io/v1 NetworkPolicy as kubectl prints it (raw JSON, `from` not `_from`). */
export interface NetworkPolicy {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    ingress?: NetworkPolicyIngressRule[];
    egress?: NetworkPolicyEgressRule[];
  };
}

/** A raw CRD policy object (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy, Calico GlobalNetworkPolicy). */
export interface CrdPolicy {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ClusterState {
  namespaces: NamespaceInfo[];
  pods: PodInfo[];
  networkPolicies: NetworkPolicy[];
  /** Derived from pods by collectors; the engine derives it itself when absent. */
  workloads?: WorkloadInfo[];
  services?: ServiceInfo[];
  nodes?: NodeInfo[];
  nodePools?: NodePoolInfo[];
  networkProfile?: NetworkProfile | null;
  crdPolicies?: CrdPolicy[];
  kubernetesVersion?: string;
}

/** A problem met while reading or analysing a cluster; never thrown past a collector. */
export interface Problem {
  severity: 'error' | 'warning';
  /** Stable machine code, e.g. `unreachable`, `forbidden`, `timeout`, `invalid-object`. */
  code: string;
  message: string;
  /** Where: `namespace/name` of the object, a file path, or an API path. */
  object?: string;
  field?: string;
  /** For problems about kinds of objects (`unknown-kind`): which kind, as written, and how many. */
  subject?: { kind: string; apiVersion?: string; count: number };
}
