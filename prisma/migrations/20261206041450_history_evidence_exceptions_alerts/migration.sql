-- CreateEnum
CREATE TYPE "ExceptionStatus" AS ENUM ('pending', 'approved', 'rejected', 'revoked');

-- AlterTable
ALTER TABLE "snapshot" ADD COLUMN     "digest" CHAR(64),
ADD COLUMN     "prev_digest" CHAR(64);

-- CreateTable
CREATE TABLE "pruned_snapshot" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "digest" CHAR(64) NOT NULL,
    "prev_digest" CHAR(64),
    "pruned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pruned_snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "posture_exception" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "namespace" TEXT,
    "workload" TEXT,
    "rule_id" TEXT,
    "direction" TEXT,
    "justification" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "status" "ExceptionStatus" NOT NULL DEFAULT 'pending',
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "posture_exception_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollout_target" (
    "id" UUID NOT NULL,
    "scope_kind" TEXT NOT NULL,
    "scope_value" TEXT NOT NULL DEFAULT '',
    "direction" TEXT NOT NULL,
    "share" DOUBLE PRECISION NOT NULL,
    "due_date" TIMESTAMPTZ(3) NOT NULL,
    "note" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollout_target_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "secret_sealed" TEXT,
    "kinds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rule" (
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "threshold" DOUBLE PRECISION,

    CONSTRAINT "alert_rule_pkey" PRIMARY KEY ("kind")
);

-- CreateTable
CREATE TABLE "alert" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "cluster_id" UUID NOT NULL,
    "namespace" TEXT,
    "dedup_key" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "snapshot_id" UUID,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_delivery" (
    "id" BIGSERIAL NOT NULL,
    "alert_id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "http_status" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pruned_snapshot_cluster_id_started_at_idx" ON "pruned_snapshot"("cluster_id", "started_at");

-- CreateIndex
CREATE INDEX "posture_exception_cluster_id_status_expires_at_idx" ON "posture_exception"("cluster_id", "status", "expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_name_key" ON "webhook"("name");

-- CreateIndex
CREATE UNIQUE INDEX "alert_dedup_key_key" ON "alert"("dedup_key");

-- CreateIndex
CREATE INDEX "alert_cluster_id_opened_at_idx" ON "alert"("cluster_id", "opened_at");

-- CreateIndex
CREATE INDEX "alert_delivery_alert_id_idx" ON "alert_delivery"("alert_id");

-- CreateIndex
CREATE INDEX "alert_delivery_webhook_id_at_idx" ON "alert_delivery"("webhook_id", "at");

-- AddForeignKey
ALTER TABLE "alert_delivery" ADD CONSTRAINT "alert_delivery_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alert"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_delivery" ADD CONSTRAINT "alert_delivery_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

