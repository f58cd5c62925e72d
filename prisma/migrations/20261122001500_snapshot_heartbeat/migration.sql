-- AlterTable
ALTER TABLE "snapshot" ADD COLUMN     "heartbeat_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "snapshot_cluster_id_started_at_idx" ON "snapshot"("cluster_id", "started_at" DESC);

