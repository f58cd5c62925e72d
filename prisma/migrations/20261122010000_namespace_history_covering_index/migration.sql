-- The namespace history read (one namespace of one cluster over a range, flat columns only)
-- becomes an index-only scan: a year of daily points reads ~12 index pages instead of one heap
-- page per snapshot (365). Replaces the (cluster_id, namespace, taken_at) index, its prefix.
-- DropIndex
DROP INDEX "namespace_posture_cluster_id_namespace_taken_at_idx";

-- CreateIndex
CREATE INDEX "namespace_posture_history_covering_idx" ON "namespace_posture"("cluster_id", "namespace", "taken_at", "snapshot_id", "excluded", "pods", "workloads", "policies", "ingress_isolated_pods", "egress_isolated_pods", "ingress_isolated_workloads", "egress_isolated_workloads", "default_deny_ingress", "default_deny_egress", "effectively_isolated_ingress", "effectively_isolated_egress");

