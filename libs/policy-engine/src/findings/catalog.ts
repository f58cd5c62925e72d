// The findings catalog: one entry per rule, with a stable id that is never reused, the reason it
// matters (grounded in the Microsoft Learn pages and the field manual under ../shared/seeds) and
// what to do about it. `computeFindings` emits findings that point back here by `ruleId`.

import type { FindingRule } from './finding.types';
import { allowDnsEgressYaml, defaultDenyYaml, loadBalancerSourceRangesYaml, PLACEHOLDER_NAMESPACE } from './remediation-yaml';

const LEARN_POLICIES = 'https://learn.microsoft.com/azure/aks/use-network-policies';
const K8S_POLICIES = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/';
const FIELD_MANUAL = 'AKS network policy field manual (seeds/aks-network-policy-field-manual.txt)';

export const RULE = {
  policiesNotEnforced: 'KORDON-001',
  engineUnconfirmed: 'KORDON-002',
  noDefaultDenyIngress: 'KORDON-003',
  noDefaultDenyEgress: 'KORDON-004',
  defaultDenyBroken: 'KORDON-005',
  workloadNotIsolated: 'KORDON-006',
  policySelectsNoPod: 'KORDON-007',
  selectorDrift: 'KORDON-008',
  egressDenyBlocksDns: 'KORDON-009',
  allowAllPeers: 'KORDON-010',
  npmWindowsUnsupported: 'KORDON-011',
  npmScaleLimit: 'KORDON-012',
  npmManyIpBlocks: 'KORDON-013',
  kubenetRetirement: 'KORDON-014',
  npmLinuxRetirement: 'KORDON-015',
  npmWindowsRetirement: 'KORDON-016',
  ciliumIpBlockClusterIps: 'KORDON-017',
  hostNetworkNotEnforced: 'KORDON-018',
  loadBalancerWithoutSourceRanges: 'KORDON-019',
  crdPolicyOtherEngine: 'KORDON-020',
  notEvaluated: 'KORDON-021',
  policyPartsIgnored: 'KORDON-022',
} as const;

export const FINDING_RULES: FindingRule[] = [
  {
    id: RULE.policiesNotEnforced,
    slug: 'policies-not-enforced',
    title: 'Network policies exist but the cluster enforces none of them',
    severity: 'critical',
    category: 'enforcement',
    rationale:
      'With networkProfile.networkPolicy none (or absent) AKS runs no network policy engine: NetworkPolicy and CRD policy objects are accepted by the API server and listed by kubectl, but nothing programs them into the dataplane, so every pod can still reach every other pod. Microsoft Learn: after uninstalling the engine "the policies are no longer enforced".',
    remediation:
      'Enable an engine. Recommended: Azure CNI Powered by Cilium (az aks update --network-dataplane cilium, which also sets the network policy to cilium; kubenet clusters upgrade to Azure CNI Overlay first). Otherwise az aks update --network-policy azure|calico. Nodes are reimaged: test DNS, probes and webhooks in a lower environment first.',
    skipsExcludedNamespaces: false,
    references: [LEARN_POLICIES + '#uninstall-azure-network-policy-manager-or-calico', 'https://learn.microsoft.com/azure/aks/upgrade-aks-ipam-and-dataplane'],
  },
  {
    id: RULE.engineUnconfirmed,
    slug: 'engine-unconfirmed',
    title: 'The network policy engine could not be confirmed',
    severity: 'low',
    category: 'enforcement',
    rationale:
      'No network profile was collected (or its networkPolicy value is not azure, calico, cilium or none), so whether the policies are enforced at all cannot be shown. The field manual starts every review with az aks show to confirm the engine before designing or trusting policies.',
    remediation:
      'Collect the network profile: az aks show --name <cluster> --resource-group <rg> --query networkProfile, or give the collector Reader access to the managed cluster.',
    skipsExcludedNamespaces: false,
    references: [FIELD_MANUAL + ' (Mapped Azure CLI commands)', LEARN_POLICIES],
  },
  {
    id: RULE.noDefaultDenyIngress,
    slug: 'no-default-deny-ingress',
    title: 'Namespace without a default-deny ingress baseline',
    severity: 'medium',
    category: 'baseline',
    rationale:
      'By default every pod accepts traffic from every pod. A policy selecting all pods (podSelector: {}) with Ingress and no rule isolates the namespace, including pods created later; policies that happen to select today\'s pods do not protect tomorrow\'s. The field manual\'s case studies start with a default-deny ingress baseline per namespace.',
    remediation:
      'Add a default-deny ingress policy to the namespace, after allow rules for the paths the workloads need (ingress controller, probes from other namespaces, webhooks, metrics scraping).',
    remediationYaml: defaultDenyYaml(PLACEHOLDER_NAMESPACE, 'ingress'),
    skipsExcludedNamespaces: true,
    references: [K8S_POLICIES + '#default-deny-all-ingress-traffic', FIELD_MANUAL + ' (case study 03)', LEARN_POLICIES],
  },
  {
    id: RULE.noDefaultDenyEgress,
    slug: 'no-default-deny-egress',
    title: 'Namespace without a default-deny egress baseline',
    severity: 'low',
    category: 'baseline',
    rationale:
      'Without egress isolation a compromised pod can scan internal services and reach arbitrary internet destinations (field manual, case study 02). A policy selecting all pods with Egress and no rule closes egress for current and future pods.',
    remediation:
      'Add a default-deny egress policy together with an explicit DNS allowance to CoreDNS (kube-system, 53/UDP and 53/TCP) and allow rules for the dependencies the workloads need.',
    remediationYaml: defaultDenyYaml(PLACEHOLDER_NAMESPACE, 'egress') + '---\n' + allowDnsEgressYaml(PLACEHOLDER_NAMESPACE),
    skipsExcludedNamespaces: true,
    references: [K8S_POLICIES + '#default-deny-all-egress-traffic', FIELD_MANUAL + ' (case studies 02 and 03)'],
  },
  {
    id: RULE.defaultDenyBroken,
    slug: 'default-deny-broken',
    title: 'Default-deny baseline undone by an allow-all policy',
    severity: 'high',
    category: 'baseline',
    rationale:
      'Policies are additive: a pod\'s allowed traffic is the union of every policy selecting it. One policy that admits every peer on every port (empty from/to, namespaceSelector: {}, 0.0.0.0/0) reopens what the baseline closed, while the namespace still looks protected. The field manual warns that a single broad selector can reopen paths security teams believed closed.',
    remediation:
      'Replace the allow-all rule with the peers and ports the workload needs (a podSelector and namespaceSelector for the callers, the service port), or delete it.',
    skipsExcludedNamespaces: true,
    references: [K8S_POLICIES, FIELD_MANUAL + ' (Security; Common mistakes)'],
  },
  {
    id: RULE.workloadNotIsolated,
    slug: 'workload-not-isolated',
    title: 'Workload selected by no policy in either direction',
    severity: 'medium',
    category: 'coverage',
    rationale:
      'A workload that no policy isolates for ingress or egress accepts and sends traffic from and to anything: it is where lateral movement starts. The rule reports workloads open in both directions; a workload open in one direction only is reported through its namespace\'s missing baseline (KORDON-003/004).',
    remediation:
      'Cover the namespace with default-deny baselines and add allow policies for this workload\'s callers and dependencies.',
    remediationYaml: defaultDenyYaml(PLACEHOLDER_NAMESPACE, 'both'),
    skipsExcludedNamespaces: true,
    references: [LEARN_POLICIES + '#overview-of-network-policy', FIELD_MANUAL],
  },
  {
    id: RULE.policySelectsNoPod,
    slug: 'policy-selects-no-pod',
    title: 'Policy selects no pod',
    severity: 'low',
    category: 'policy-quality',
    rationale:
      'A policy whose podSelector matches no current pod of its namespace protects nothing: usually a renamed workload, a label changed by a pipeline, or a selector the API server should have rejected. Policies selecting all pods (podSelector: {}) and namespaces with no pods are not reported: they wait for future pods.',
    remediation:
      'Compare the selector with kubectl get pods -n <namespace> --show-labels; fix the selector or delete the policy.',
    skipsExcludedNamespaces: false,
    references: [FIELD_MANUAL + ' (Common mistakes)', K8S_POLICIES],
  },
  {
    id: RULE.selectorDrift,
    slug: 'selector-drift',
    title: 'Selector names labels that no pod or namespace carries',
    severity: 'medium',
    category: 'policy-quality',
    rationale:
      'Labels that deployment pipelines change make a policy silently stop matching: the pods it was meant to isolate become open, or the callers it was meant to admit are blocked (field manual: selector drift). Checked for the podSelector and every peer selector, against pods of the namespaces in scope and against namespace labels (including kubernetes.io/metadata.name). Only positive requirements (matchLabels, In, Exists) can drift.',
    remediation:
      'Update the selector to the labels the workloads carry now (kubectl get pods --show-labels, kubectl get ns --show-labels), or pin stable labels in the pipeline.',
    skipsExcludedNamespaces: false,
    references: [FIELD_MANUAL + ' (Reliability; Common mistakes)', K8S_POLICIES],
  },
  {
    id: RULE.egressDenyBlocksDns,
    slug: 'egress-deny-blocks-dns',
    title: 'Default-deny egress without a working DNS allowance',
    severity: 'high',
    category: 'baseline',
    rationale:
      'Under default-deny egress every name lookup fails unless egress to CoreDNS (kube-system pods labelled k8s-app=kube-dns) is allowed on 53/UDP and on 53/TCP (truncated answers retry over TCP), and kube-system\'s own ingress policies admit it. The field manual\'s payroll case study: a default-deny prototype that blocked DNS restarted pods during a payroll preview window.',
    remediation:
      'Allow egress from every pod of the namespace to kube-system/k8s-app=kube-dns on 53/UDP and 53/TCP; if kube-system isolates CoreDNS for ingress, admit both protocols there too.',
    remediationYaml: allowDnsEgressYaml(PLACEHOLDER_NAMESPACE),
    skipsExcludedNamespaces: true,
    references: [FIELD_MANUAL + ' (case study 03; Common mistakes)', K8S_POLICIES],
  },
  {
    id: RULE.allowAllPeers,
    slug: 'allow-all-peers',
    title: 'Rule admits every peer',
    severity: 'medium',
    severityNote: 'medium when the rule also admits every port; low when it is restricted to some ports (e.g. a DNS rule to namespaceSelector: {} on 53)',
    category: 'policy-quality',
    rationale:
      'An absent or empty from/to, a namespaceSelector: {} (with no or an empty podSelector), or an ipBlock of 0.0.0.0/0 or ::/0 admits every pod of the cluster or every address of a family. The field manual lists broad namespace selectors among the common mistakes: they reopen the paths the policy was meant to close.',
    remediation:
      'Name the callers or destinations: a namespaceSelector on kubernetes.io/metadata.name plus a podSelector, or the external CIDRs the workload needs.',
    skipsExcludedNamespaces: true,
    references: [FIELD_MANUAL + ' (Common mistakes)', K8S_POLICIES],
  },
  {
    id: RULE.npmWindowsUnsupported,
    slug: 'npm-windows-unsupported-feature',
    title: 'Azure NPM on Windows does not support a feature this policy uses',
    severity: 'high',
    category: 'platform',
    rationale:
      'Azure Network Policy Manager for Windows (HNS ACLs) does not support named ports, SCTP, negative selectors (NotIn, DoesNotExist) or ipBlock except blocks (Microsoft Learn, Azure NPM limitations on Windows). A policy using them does not behave as written for pods on Windows nodes.',
    remediation:
      'For policies that select Windows pods, use numeric ports, TCP/UDP, positive selectors (In, Exists, matchLabels) and ipBlocks without except (list the allowed ranges instead).',
    skipsExcludedNamespaces: false,
    references: [LEARN_POLICIES + '#azure-network-policy-manager-limitations-windows'],
  },
  {
    id: RULE.npmScaleLimit,
    slug: 'npm-scale-limit',
    title: 'Azure NPM beyond 250 nodes or 20,000 pods',
    severity: 'high',
    category: 'platform',
    rationale:
      'Azure NPM for Linux does not support scaling beyond 250 nodes and 20,000 pods; beyond them NPM may run out of memory (OOM), and a crashed NPM stops updating the rules (Microsoft Learn, Azure NPM limitations on Linux).',
    remediation: 'Upgrade the cluster to Azure CNI Powered by Cilium, which Microsoft recommends for scale and IPv6.',
    skipsExcludedNamespaces: false,
    references: [LEARN_POLICIES + '#azure-network-policy-manager-limitations-linux', 'https://learn.microsoft.com/azure/aks/upgrade-aks-ipam-and-dataplane'],
  },
  {
    id: RULE.npmManyIpBlocks,
    slug: 'npm-many-ipblocks',
    title: 'Azure NPM policy with more than four ipBlock sections',
    severity: 'medium',
    category: 'platform',
    rationale:
      'Editing or deleting a large policy can hit an Azure NPM race: NPM restarts and reapplies every rule, with a window of unexpected connectivity for new connections. Microsoft Learn: most likely with several ipBlock sections; four or fewer is less likely to hit it.',
    remediation: 'Split the policy so each carries four or fewer ipBlock sections, or aggregate the CIDRs; on Cilium the race does not exist.',
    skipsExcludedNamespaces: false,
    references: [LEARN_POLICIES + '#known-issues-with-azure-network-policy-manager'],
  },
  {
    id: RULE.kubenetRetirement,
    slug: 'kubenet-retirement',
    title: 'kubenet networking retires on 31 March 2028',
    severity: 'medium',
    severityNote: 'graded by options.now: critical once retired, high within 180 days, medium within a year, low before; medium when no date is given',
    category: 'platform',
    rationale:
      'Microsoft Learn: on 31 March 2028 kubenet networking for AKS is retired; workloads still on kubenet are no longer supported. With kubenet only Calico can enforce policies.',
    remediation:
      'Upgrade to Azure CNI Overlay (az aks update --network-plugin azure --network-plugin-mode overlay), preferably with Cilium as the dataplane and policy engine. Nodes are reimaged.',
    skipsExcludedNamespaces: false,
    references: [LEARN_POLICIES, 'https://learn.microsoft.com/azure/aks/upgrade-aks-ipam-and-dataplane'],
  },
  {
    id: RULE.npmLinuxRetirement,
    slug: 'npm-linux-retirement',
    title: 'Azure NPM for Linux nodes: end of support on 30 September 2028',
    severity: 'medium',
    severityNote: 'graded by options.now like KORDON-014',
    category: 'platform',
    rationale:
      'Azure Network Policy Manager is being retired (Microsoft Learn retirement notice on the network policies page): support on Linux nodes ends on 30 September 2028, and Microsoft recommends Cilium as the engine.',
    remediation:
      'Migrate Linux node pools from NPM to Cilium Network Policy (Azure CNI Powered by Cilium). Check the policies first: Cilium does not match pod or node IPs with ipBlock, and endPort needs Cilium 1.17.',
    skipsExcludedNamespaces: false,
    references: [LEARN_POLICIES, 'https://learn.microsoft.com/azure/aks/migrate-from-npm-to-cilium-network-policy'],
  },
  {
    id: RULE.npmWindowsRetirement,
    slug: 'npm-windows-retirement',
    title: 'Azure NPM for Windows nodes: end of support on 30 September 2026',
    severity: 'medium',
    severityNote: 'graded by options.now like KORDON-014',
    category: 'platform',
    rationale:
      'Support for Azure NPM on Windows nodes ends on 30 September 2026 (Microsoft Learn retirement notice). Cilium does not support Windows nodes, so the policies on Windows node pools need another control.',
    remediation:
      'Plan the Windows node pools\' segmentation without NPM: node-level Network Security Groups or Calico, as the retirement notice suggests, or move the workloads to Linux.',
    skipsExcludedNamespaces: false,
    references: [LEARN_POLICIES, 'https://learn.microsoft.com/azure/aks/migrate-from-npm-to-cilium-network-policy'],
  },
  {
    id: RULE.ciliumIpBlockClusterIps,
    slug: 'cilium-ipblock-cluster-ips',
    title: 'Cilium: ipBlock aimed at pod or node addresses',
    severity: 'medium',
    category: 'platform',
    rationale:
      'Cilium matches ipBlock only against addresses outside the cluster: pods and nodes are identified by labels and identities, not by IP, so an ipBlock covering the pod CIDR or node IPs admits nothing there (traffic the author meant to allow is dropped). ipBlocks describe cluster-external peers; blocks of /0 are left to KORDON-010.',
    remediation: 'Select in-cluster peers with podSelector/namespaceSelector; keep ipBlock for external ranges (and the except list for the pod CIDR).',
    skipsExcludedNamespaces: false,
    references: ['https://learn.microsoft.com/azure/aks/migrate-from-npm-to-cilium-network-policy', 'https://docs.cilium.io/en/stable/network/kubernetes/policy/', K8S_POLICIES],
  },
  {
    id: RULE.hostNetworkNotEnforced,
    slug: 'host-network-not-enforced',
    title: 'Policies select hostNetwork pods, which no engine isolates',
    severity: 'medium',
    category: 'coverage',
    rationale:
      'Pods with hostNetwork: true share their node\'s network namespace: Cilium, Azure NPM and Calico do not apply pod policies to them, so selecting them (a namespace default-deny included) isolates nothing. Counted as not isolated in the posture.',
    remediation: 'Run the workload without hostNetwork where possible; otherwise restrict it at the node level (NSGs, Cilium host policies) and do not count it as covered.',
    skipsExcludedNamespaces: false,
    references: [K8S_POLICIES, 'https://docs.cilium.io/en/stable/security/host-firewall/'],
  },
  {
    id: RULE.loadBalancerWithoutSourceRanges,
    slug: 'load-balancer-without-source-ranges',
    title: 'LoadBalancer service without loadBalancerSourceRanges',
    severity: 'high',
    severityNote: 'high when the namespace relies on ingress policies (some pod isolated for ingress or a baseline); medium when nothing isolates ingress there',
    category: 'exposure',
    rationale:
      'Traffic through a LoadBalancer service is source-rewritten, so network policies may not see the real client and cannot restrict who connects. Microsoft Learn: use spec.loadBalancerSourceRanges, which applies before any rewrite.',
    remediation: 'Set spec.loadBalancerSourceRanges to the client ranges that may connect (or make the load balancer internal).',
    remediationYaml: loadBalancerSourceRangesYaml(PLACEHOLDER_NAMESPACE, '<service>'),
    skipsExcludedNamespaces: false,
    references: [LEARN_POLICIES + '#load-balancer-services-and-network-policies', 'https://learn.microsoft.com/azure/aks/load-balancer-standard#restrict-inbound-traffic-to-specific-ip-ranges'],
  },
  {
    id: RULE.crdPolicyOtherEngine,
    slug: 'crd-policy-other-engine',
    title: 'CRD policy the cluster\'s engine does not enforce',
    severity: 'low',
    category: 'evaluation',
    rationale:
      'CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy are enforced only by Cilium, Calico GlobalNetworkPolicy and projectcalico.org NetworkPolicy only by Calico; on another engine they are inert objects (uninstalling Calico leaves its CRDs and CRs behind, Microsoft Learn). Not counted toward isolation.',
    remediation: 'Delete the leftover policy, or express it as a Kubernetes NetworkPolicy the engine enforces.',
    skipsExcludedNamespaces: false,
    references: [LEARN_POLICIES + '#uninstall-azure-network-policy-manager-or-calico', LEARN_POLICIES + '#differences-between-network-policy-engines-cilium-azure-npm-and-calico'],
  },
  {
    id: RULE.notEvaluated,
    slug: 'not-evaluated',
    title: 'Part of a policy is not evaluated',
    severity: 'info',
    category: 'evaluation',
    rationale:
      'Kordon evaluates Kubernetes NetworkPolicy fully and CRD policies for isolation and default deny only. Cilium L7 (HTTP, Kafka, DNS) and FQDN rules, host policies, Calico Deny/Pass/Log actions and ordering, and selectors outside the supported grammar are not evaluated; what they allow or deny is not reflected in the posture. AKS does not test Calico features beyond standard NetworkPolicy.',
    remediation: 'Review these policies by hand, or test them with a connectivity check in the cluster.',
    skipsExcludedNamespaces: false,
    references: [LEARN_POLICIES + '#differences-between-network-policy-engines-cilium-azure-npm-and-calico'],
  },
  {
    id: RULE.policyPartsIgnored,
    slug: 'policy-parts-ignored',
    title: 'Policy parts are invalid or ignored',
    severity: 'medium',
    category: 'policy-quality',
    rationale:
      'Rules written for a direction missing from policyTypes are ignored, and invalid selectors, peers, CIDRs or ports match nothing: the policy does less than it reads. Kordon evaluates them as matching nothing, never as matching everything.',
    remediation: 'Fix the fields named in the finding (add the direction to policyTypes, correct the operator, CIDR or port).',
    skipsExcludedNamespaces: false,
    references: [K8S_POLICIES],
  },
];

const BY_ID = new Map(FINDING_RULES.map((r) => [r.id, r]));

export function findingRule(id: string): FindingRule {
  const rule = BY_ID.get(id);
  if (!rule) throw new Error(`unknown finding rule ${id}`);
  return rule;
}
