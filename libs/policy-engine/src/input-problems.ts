// Owns the verdict on what a collector reported about input files: which problems make the input
// unusable and which are warnings. Shared by `kordon analyze` (exit 2) and `POST /api/analyze`
// (400), so a CI gate gets the same answer from either. The collector reports every kind it does
// not read as a warning, because a GitOps folder legitimately holds ConfigMaps, Ingresses and CRDs;
// the ones that are no Kubernetes kind at all (`NetworkPolcy`, `Deploymnet`) become errors, since
// a misspelt policy silently missing from the analysis is exactly what a gate must catch.
import type { Problem } from './model';


/** A problem as the CLI prints it: one line naming file/object and field. */
export interface ReportedProblem extends Problem {
  /** For unknown kinds: the file and kind as the collector named them. */
  file?: string;
  kind?: string;
}

// API groups served by Kubernetes itself: a kind in them that Kubernetes does not define is a
// typo, not a custom resource (custom resource groups always contain a dot and are not
// reserved *.k8s.io groups; gateway.networking.k8s.io and other CRD-served *.k8s.io groups are
// deliberately not listed).
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'extensions',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'certificates.k8s.io',
  'node.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'storagemigration.k8s.io',
  'internal.apiserver.k8s.io',
]);

// Kinds those groups serve (any version). Kinds the collector reads never reach this list.
const BUILT_IN_KINDS: ReadonlySet<string> = new Set([
  // core
  'Binding', 'ComponentStatus', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node',
  'PersistentVolume', 'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController',
  'ResourceQuota', 'Secret', 'Service', 'ServiceAccount',
  // apps, batch, autoscaling, policy
  'ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet', 'CronJob', 'Job',
  'HorizontalPodAutoscaler', 'Scale', 'PodDisruptionBudget', 'PodSecurityPolicy', 'Eviction',
  // networking, discovery
  'Ingress', 'IngressClass', 'NetworkPolicy', 'IPAddress', 'ServiceCIDR', 'EndpointSlice',
  // rbac
  'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding',
  // storage, scheduling, coordination, node
  'CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment', 'VolumeAttributesClass',
  'PriorityClass', 'Lease', 'LeaseCandidate', 'RuntimeClass',
  // admission, extension, certificates
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'MutatingAdmissionPolicy', 'MutatingAdmissionPolicyBinding',
  'CustomResourceDefinition', 'APIService', 'CertificateSigningRequest', 'ClusterTrustBundle',
  // flow control, dynamic resources, auth reviews, storage versions
  'FlowSchema', 'PriorityLevelConfiguration', 'DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate',
  'ResourceSlice', 'TokenReview', 'TokenRequest', 'SubjectAccessReview', 'SelfSubjectAccessReview',
  'LocalSubjectAccessReview', 'SelfSubjectRulesReview', 'SelfSubjectReview', 'StorageVersionMigration',
  'StorageVersion',
]);

/** The file, kind and API group of an `unknown-kind` warning; undefined for stray non-objects. */
export function parseSkippedKind(p: Problem): { file: string; count: number; kind: string; apiVersion: string; group: string } | undefined {
  if (p.code !== 'unknown-kind' || !p.subject) return undefined;
  const apiVersion = p.subject.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.split('/').slice(0, -1).join('/') : '';
  return { file: p.object ?? '', count: p.subject.count, kind: p.subject.kind, apiVersion, group };
}

/** An `unknown-kind` warning whose kind no Kubernetes API group it claims defines. */
function unknownKindError(p: Problem): ReportedProblem | undefined {
  const s = parseSkippedKind(p);
  if (!s || !BUILT_IN_GROUPS.has(s.group) || BUILT_IN_KINDS.has(s.kind)) return undefined;
  const api = s.apiVersion ? ` (apiVersion ${s.apiVersion})` : '';
  const objects = s.count === 1 ? '1 object' : `${s.count} objects`;
  return {
    severity: 'error',
    code: 'unknown-kind',
    message: `${s.file}: unknown kind ${JSON.stringify(s.kind)}${api}: Kubernetes defines no such kind; ${objects} not analysed. Check the spelling of kind`,
    object: s.file,
    field: 'kind',
    file: s.file,
    kind: s.kind,
  };
}

export interface ClassifiedProblems {
  errors: ReportedProblem[];
  warnings: ReportedProblem[];
}

export function classifyProblems(problems: readonly Problem[]): ClassifiedProblems {
  const errors: ReportedProblem[] = [];
  const warnings: ReportedProblem[] = [];
  for (const p of problems) {
    if (p.severity === 'error') {
      errors.push(p);
      continue;
    }
    const upgraded = unknownKindError(p);
    if (upgraded) errors.push(upgraded);
    else warnings.push(p);
  }
  return { errors, warnings };
}

/**
 * One line per problem. Collector messages already name the file (with line) and the object;
 * the field is appended when the message does not already spell it out.
 */
export function formatProblem(p: Problem): string {
  const parts = [p.message];
  if (p.field && !p.message.includes(p.field)) parts.push(`(field ${p.field})`);
  // Objects are `namespace/name`, a file, or `file:line:col`; skip them when the message already says where.
  const objectFile = p.object?.replace(/:\d+(:\d+)?$/, '');
  if (p.object && objectFile && !p.message.includes(objectFile)) parts.push(`[${p.object}]`);
  return parts.join(' ');
}
