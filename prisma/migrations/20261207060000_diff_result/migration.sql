-- Computed diffs between two snapshots, kept so a diff is analysed once: the writer stores the
-- diff against the cluster's previous snapshot when a snapshot lands, and the API stores any other
-- pair the first time it is asked. A derived cache, not evidence (no digest covers it): rows go
-- with either snapshot, and `variant` names everything else the answer depends on (format version,
-- workload pairs, pair limit, excluded namespaces), so a change of those is a miss, never stale.
CREATE TABLE "diff_result" (
  "from_snapshot_id" UUID NOT NULL REFERENCES "snapshot"("id") ON DELETE CASCADE,
  "to_snapshot_id" UUID NOT NULL REFERENCES "snapshot"("id") ON DELETE CASCADE,
  "variant" TEXT NOT NULL,
  -- The answer's JSON, gzip-compressed.
  "body" BYTEA NOT NULL,
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY ("from_snapshot_id", "to_snapshot_id", "variant")
);
CREATE INDEX "diff_result_to_snapshot_id_idx" ON "diff_result"("to_snapshot_id");
