import { Prisma } from '@prisma/client';

/** The flat columns (no JSON detail) of a `namespace_posture` row, named as the API's NamespacePosture fields (raw reads). */
export const NAMESPACE_POSTURE_FLAT_COLUMNS = Prisma.sql`namespace, excluded, pods, workloads,
  ingress_isolated_pods AS "ingressIsolatedPods", egress_isolated_pods AS "egressIsolatedPods",
  ingress_isolated_workloads AS "ingressIsolatedWorkloads", egress_isolated_workloads AS "egressIsolatedWorkloads",
  default_deny_ingress AS "defaultDenyIngress", default_deny_egress AS "defaultDenyEgress",
  effectively_isolated_ingress AS "effectivelyIsolatedIngress", effectively_isolated_egress AS "effectivelyIsolatedEgress",
  policies`;

/** The same with the JSON detail. */
export const NAMESPACE_POSTURE_COLUMNS = Prisma.sql`${NAMESPACE_POSTURE_FLAT_COLUMNS}, detail`;
