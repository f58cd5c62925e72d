-- Storage that grows with change, not with snapshots.
--
-- 1. Per-namespace posture becomes a content-addressed set like policies and workloads: a snapshot
--    points at a posture set (snapshot.posture_set_hash), so an unchanged snapshot writes no
--    posture rows. `namespace_posture` stays as a VIEW with the same columns (snapshot_id,
--    cluster_id, taken_at = the snapshot's started_at, namespace, ...), so every reader is unchanged.
-- 2. Every set may be a DELTA over a full base set (`base_hash`): its entries are the members added
--    or changed since the base, and tombstones (`removed`) for members the base has and it does not.
--    A base is always a full set (depth one). `X_set_member` stays as a VIEW resolving that, through
--    `X_set_members(hash)` (an inlinable SQL function), so readers are unchanged; writers write
--    `X_set_entry`.

-- ---- posture sets
CREATE TABLE "posture_set" (
  "hash" CHAR(64) PRIMARY KEY,
  "size" INTEGER NOT NULL,
  "base_hash" CHAR(64) REFERENCES "posture_set"("hash")
);
CREATE TABLE "posture_set_entry" (
  "set_hash" CHAR(64) NOT NULL REFERENCES "posture_set"("hash") ON DELETE CASCADE,
  "namespace" TEXT NOT NULL,
  "removed" BOOLEAN NOT NULL DEFAULT false,
  "excluded" BOOLEAN NOT NULL DEFAULT false,
  "pods" INTEGER NOT NULL DEFAULT 0,
  "workloads" INTEGER NOT NULL DEFAULT 0,
  "ingress_isolated_pods" INTEGER NOT NULL DEFAULT 0,
  "egress_isolated_pods" INTEGER NOT NULL DEFAULT 0,
  "ingress_isolated_workloads" INTEGER NOT NULL DEFAULT 0,
  "egress_isolated_workloads" INTEGER NOT NULL DEFAULT 0,
  "default_deny_ingress" BOOLEAN NOT NULL DEFAULT false,
  "default_deny_egress" BOOLEAN NOT NULL DEFAULT false,
  "effectively_isolated_ingress" BOOLEAN NOT NULL DEFAULT false,
  "effectively_isolated_egress" BOOLEAN NOT NULL DEFAULT false,
  "policies" INTEGER NOT NULL DEFAULT 0,
  "detail" JSONB,
  PRIMARY KEY ("set_hash", "namespace")
);
ALTER TABLE "snapshot" ADD COLUMN "posture_set_hash" CHAR(64) REFERENCES "posture_set"("hash");
CREATE INDEX "posture_set_base_hash_idx" ON "posture_set"("base_hash");

-- Existing rows become full sets, deduplicated by their content (a hash over the rows' text; new
-- sets are hashed by the API over canonical JSON, so old and new sets simply do not share rows).
CREATE TEMP TABLE posture_map ON COMMIT DROP AS
  SELECT snapshot_id,
    encode(sha256(convert_to('kordon.posture-set.migrated\n' || string_agg(concat_ws('|', namespace, excluded, pods, workloads,
      ingress_isolated_pods, egress_isolated_pods, ingress_isolated_workloads, egress_isolated_workloads, default_deny_ingress,
      default_deny_egress, effectively_isolated_ingress, effectively_isolated_egress, policies, coalesce(detail::text, 'null')),
      E'\n' ORDER BY namespace COLLATE "C"), 'UTF8')), 'hex') AS h,
    count(*)::int AS n
  FROM "namespace_posture" GROUP BY snapshot_id;
INSERT INTO "posture_set" ("hash", "size") SELECT DISTINCT h, n FROM posture_map ON CONFLICT DO NOTHING;
INSERT INTO "posture_set_entry" ("set_hash", "namespace", "excluded", "pods", "workloads", "ingress_isolated_pods", "egress_isolated_pods",
    "ingress_isolated_workloads", "egress_isolated_workloads", "default_deny_ingress", "default_deny_egress",
    "effectively_isolated_ingress", "effectively_isolated_egress", "policies", "detail")
  SELECT DISTINCT ON (m.h, p.namespace) m.h, p.namespace, p.excluded, p.pods, p.workloads, p.ingress_isolated_pods, p.egress_isolated_pods,
    p.ingress_isolated_workloads, p.egress_isolated_workloads, p.default_deny_ingress, p.default_deny_egress,
    p.effectively_isolated_ingress, p.effectively_isolated_egress, p.policies, p.detail
  FROM "namespace_posture" p JOIN posture_map m USING (snapshot_id)
  ORDER BY m.h, p.namespace
  ON CONFLICT DO NOTHING;
UPDATE "snapshot" s SET "posture_set_hash" = m.h FROM posture_map m WHERE m.snapshot_id = s.id;
DROP TABLE "namespace_posture";

CREATE FUNCTION posture_set_members(h CHAR(64)) RETURNS SETOF "posture_set_entry" LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT e.* FROM posture_set_entry e WHERE e.set_hash = h AND NOT e.removed
  UNION ALL
  SELECT b.* FROM posture_set s JOIN posture_set_entry b ON b.set_hash = s.base_hash
  WHERE s.hash = h AND NOT EXISTS (SELECT 1 FROM posture_set_entry d WHERE d.set_hash = h AND d.namespace = b.namespace)
$$;

CREATE VIEW "namespace_posture" AS
  SELECT s.id AS snapshot_id, s.cluster_id, s.started_at AS taken_at, m.namespace, m.excluded, m.pods, m.workloads,
    m.ingress_isolated_pods, m.egress_isolated_pods, m.ingress_isolated_workloads, m.egress_isolated_workloads,
    m.default_deny_ingress, m.default_deny_egress, m.effectively_isolated_ingress, m.effectively_isolated_egress,
    m.policies, m.detail
  FROM snapshot s CROSS JOIN LATERAL posture_set_members(s.posture_set_hash) m;

-- ---- policy, workload, finding and namespace sets: deltas over a base
ALTER TABLE "policy_set" ADD COLUMN "base_hash" CHAR(64) REFERENCES "policy_set"("hash");
ALTER TABLE "workload_set" ADD COLUMN "base_hash" CHAR(64) REFERENCES "workload_set"("hash");
ALTER TABLE "finding_set" ADD COLUMN "base_hash" CHAR(64) REFERENCES "finding_set"("hash");
ALTER TABLE "namespace_set" ADD COLUMN "base_hash" CHAR(64) REFERENCES "namespace_set"("hash");
CREATE INDEX "policy_set_base_hash_idx" ON "policy_set"("base_hash");
CREATE INDEX "workload_set_base_hash_idx" ON "workload_set"("base_hash");
CREATE INDEX "finding_set_base_hash_idx" ON "finding_set"("base_hash");
CREATE INDEX "namespace_set_base_hash_idx" ON "namespace_set"("base_hash");

ALTER TABLE "policy_set_member" RENAME TO "policy_set_entry";
ALTER TABLE "workload_set_member" RENAME TO "workload_set_entry";
ALTER TABLE "finding_set_member" RENAME TO "finding_set_entry";
ALTER TABLE "namespace_set_member" RENAME TO "namespace_set_entry";
ALTER TABLE "policy_set_entry" ADD COLUMN "removed" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "workload_set_entry" ADD COLUMN "removed" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "finding_set_entry" ADD COLUMN "removed" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "namespace_set_entry" ADD COLUMN "removed" BOOLEAN NOT NULL DEFAULT false;

CREATE FUNCTION policy_set_members(h CHAR(64)) RETURNS TABLE ("policy_hash" CHAR(64)) LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT e.policy_hash FROM policy_set_entry e WHERE e.set_hash = h AND NOT e.removed
  UNION ALL
  SELECT b.policy_hash FROM policy_set s JOIN policy_set_entry b ON b.set_hash = s.base_hash
  WHERE s.hash = h AND NOT EXISTS (SELECT 1 FROM policy_set_entry d WHERE d.set_hash = h AND d.policy_hash = b.policy_hash)
$$;
CREATE FUNCTION workload_set_members(h CHAR(64)) RETURNS TABLE ("workload_hash" CHAR(64)) LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT e.workload_hash FROM workload_set_entry e WHERE e.set_hash = h AND NOT e.removed
  UNION ALL
  SELECT b.workload_hash FROM workload_set s JOIN workload_set_entry b ON b.set_hash = s.base_hash
  WHERE s.hash = h AND NOT EXISTS (SELECT 1 FROM workload_set_entry d WHERE d.set_hash = h AND d.workload_hash = b.workload_hash)
$$;
CREATE FUNCTION finding_set_members(h CHAR(64)) RETURNS TABLE ("finding_hash" CHAR(64)) LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT e.finding_hash FROM finding_set_entry e WHERE e.set_hash = h AND NOT e.removed
  UNION ALL
  SELECT b.finding_hash FROM finding_set s JOIN finding_set_entry b ON b.set_hash = s.base_hash
  WHERE s.hash = h AND NOT EXISTS (SELECT 1 FROM finding_set_entry d WHERE d.set_hash = h AND d.finding_hash = b.finding_hash)
$$;
CREATE FUNCTION namespace_set_members(h CHAR(64)) RETURNS TABLE ("name" TEXT, "label_set_hash" CHAR(64), "pod_count" INTEGER, "workload_count" INTEGER)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT e.name, e.label_set_hash, e.pod_count, e.workload_count FROM namespace_set_entry e WHERE e.set_hash = h AND NOT e.removed
  UNION ALL
  SELECT b.name, b.label_set_hash, b.pod_count, b.workload_count FROM namespace_set s JOIN namespace_set_entry b ON b.set_hash = s.base_hash
  WHERE s.hash = h AND NOT EXISTS (SELECT 1 FROM namespace_set_entry d WHERE d.set_hash = h AND d.name = b.name)
$$;

CREATE VIEW "policy_set_member" AS
  SELECT s.hash AS set_hash, m.policy_hash FROM policy_set s CROSS JOIN LATERAL policy_set_members(s.hash) m;
CREATE VIEW "workload_set_member" AS
  SELECT s.hash AS set_hash, m.workload_hash FROM workload_set s CROSS JOIN LATERAL workload_set_members(s.hash) m;
CREATE VIEW "finding_set_member" AS
  SELECT s.hash AS set_hash, m.finding_hash FROM finding_set s CROSS JOIN LATERAL finding_set_members(s.hash) m;
CREATE VIEW "namespace_set_member" AS
  SELECT s.hash AS set_hash, m.name, m.label_set_hash, m.pod_count, m.workload_count FROM namespace_set s CROSS JOIN LATERAL namespace_set_members(s.hash) m;
