-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ClusterSource" AS ENUM ('kubeconfig', 'aks', 'manifests');

-- CreateEnum
CREATE TYPE "SnapshotStatus" AS ENUM ('running', 'succeeded', 'failed');

-- CreateEnum
CREATE TYPE "SnapshotTrigger" AS ENUM ('schedule', 'manual', 'seed');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'security', 'auditor', 'manager');

-- CreateTable
CREATE TABLE "cluster" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "source" "ClusterSource" NOT NULL,
    "source_config" JSONB NOT NULL,
    "secret_sealed" TEXT,
    "environment" TEXT,
    "team" TEXT,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "schedule_minutes" INTEGER NOT NULL DEFAULT 60,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "cluster_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "snapshot" (
    "id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "status" "SnapshotStatus" NOT NULL DEFAULT 'running',
    "trigger" "SnapshotTrigger" NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),
    "failure_reason" TEXT,
    "problems" JSONB NOT NULL DEFAULT '[]',
    "progress" JSONB,
    "kubernetes_version" TEXT,
    "network_profile" JSONB,
    "policy_engine" TEXT,
    "node_pools" JSONB,
    "services" JSONB,
    "counts" JSONB,
    "posture" JSONB,
    "policy_set_hash" CHAR(64),
    "namespace_set_hash" CHAR(64),
    "workload_set_hash" CHAR(64),

    CONSTRAINT "snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "label_set" (
    "hash" CHAR(64) NOT NULL,
    "labels" JSONB NOT NULL,

    CONSTRAINT "label_set_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "policy_object" (
    "hash" CHAR(64) NOT NULL,
    "api_version" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "namespace" TEXT,
    "name" TEXT NOT NULL,
    "body" TEXT NOT NULL,

    CONSTRAINT "policy_object_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "policy_set" (
    "hash" CHAR(64) NOT NULL,
    "size" INTEGER NOT NULL,

    CONSTRAINT "policy_set_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "policy_set_member" (
    "set_hash" CHAR(64) NOT NULL,
    "policy_hash" CHAR(64) NOT NULL,

    CONSTRAINT "policy_set_member_pkey" PRIMARY KEY ("set_hash","policy_hash")
);

-- CreateTable
CREATE TABLE "namespace_set" (
    "hash" CHAR(64) NOT NULL,
    "size" INTEGER NOT NULL,

    CONSTRAINT "namespace_set_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "namespace_set_member" (
    "set_hash" CHAR(64) NOT NULL,
    "name" TEXT NOT NULL,
    "label_set_hash" CHAR(64) NOT NULL,
    "pod_count" INTEGER NOT NULL,
    "workload_count" INTEGER NOT NULL,

    CONSTRAINT "namespace_set_member_pkey" PRIMARY KEY ("set_hash","name")
);

-- CreateTable
CREATE TABLE "workload_object" (
    "hash" CHAR(64) NOT NULL,
    "namespace" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "label_set_hash" CHAR(64) NOT NULL,
    "pod_count" INTEGER NOT NULL,
    "ports" JSONB NOT NULL,
    "pods" JSONB NOT NULL,

    CONSTRAINT "workload_object_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "workload_set" (
    "hash" CHAR(64) NOT NULL,
    "size" INTEGER NOT NULL,

    CONSTRAINT "workload_set_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "workload_set_member" (
    "set_hash" CHAR(64) NOT NULL,
    "workload_hash" CHAR(64) NOT NULL,

    CONSTRAINT "workload_set_member_pkey" PRIMARY KEY ("set_hash","workload_hash")
);

-- CreateTable
CREATE TABLE "namespace_posture" (
    "snapshot_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL,
    "namespace" TEXT NOT NULL,
    "excluded" BOOLEAN NOT NULL DEFAULT false,
    "pods" INTEGER NOT NULL,
    "workloads" INTEGER NOT NULL,
    "ingress_isolated_pods" INTEGER NOT NULL,
    "egress_isolated_pods" INTEGER NOT NULL,
    "ingress_isolated_workloads" INTEGER NOT NULL,
    "egress_isolated_workloads" INTEGER NOT NULL,
    "default_deny_ingress" BOOLEAN NOT NULL,
    "default_deny_egress" BOOLEAN NOT NULL,
    "effectively_isolated_ingress" BOOLEAN NOT NULL,
    "effectively_isolated_egress" BOOLEAN NOT NULL,
    "policies" INTEGER NOT NULL,
    "detail" JSONB,

    CONSTRAINT "namespace_posture_pkey" PRIMARY KEY ("snapshot_id","namespace")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "details" JSONB,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cluster_name_key" ON "cluster"("name");

-- CreateIndex
CREATE INDEX "cluster_environment_team_idx" ON "cluster"("environment", "team");

-- CreateIndex
CREATE INDEX "snapshot_cluster_id_status_started_at_idx" ON "snapshot"("cluster_id", "status", "started_at" DESC);

-- CreateIndex
CREATE INDEX "snapshot_started_at_idx" ON "snapshot"("started_at");

-- CreateIndex
CREATE INDEX "policy_set_member_policy_hash_idx" ON "policy_set_member"("policy_hash");

-- CreateIndex
CREATE INDEX "namespace_set_member_label_set_hash_idx" ON "namespace_set_member"("label_set_hash");

-- CreateIndex
CREATE INDEX "workload_object_namespace_name_idx" ON "workload_object"("namespace", "name");

-- CreateIndex
CREATE INDEX "workload_set_member_workload_hash_idx" ON "workload_set_member"("workload_hash");

-- CreateIndex
CREATE INDEX "namespace_posture_cluster_id_namespace_taken_at_idx" ON "namespace_posture"("cluster_id", "namespace", "taken_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_token_hash_key" ON "api_token"("token_hash");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- AddForeignKey
ALTER TABLE "snapshot" ADD CONSTRAINT "snapshot_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "cluster"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "snapshot" ADD CONSTRAINT "snapshot_policy_set_hash_fkey" FOREIGN KEY ("policy_set_hash") REFERENCES "policy_set"("hash") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "snapshot" ADD CONSTRAINT "snapshot_namespace_set_hash_fkey" FOREIGN KEY ("namespace_set_hash") REFERENCES "namespace_set"("hash") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "snapshot" ADD CONSTRAINT "snapshot_workload_set_hash_fkey" FOREIGN KEY ("workload_set_hash") REFERENCES "workload_set"("hash") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_set_member" ADD CONSTRAINT "policy_set_member_set_hash_fkey" FOREIGN KEY ("set_hash") REFERENCES "policy_set"("hash") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_set_member" ADD CONSTRAINT "policy_set_member_policy_hash_fkey" FOREIGN KEY ("policy_hash") REFERENCES "policy_object"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "namespace_set_member" ADD CONSTRAINT "namespace_set_member_set_hash_fkey" FOREIGN KEY ("set_hash") REFERENCES "namespace_set"("hash") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "namespace_set_member" ADD CONSTRAINT "namespace_set_member_label_set_hash_fkey" FOREIGN KEY ("label_set_hash") REFERENCES "label_set"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workload_object" ADD CONSTRAINT "workload_object_label_set_hash_fkey" FOREIGN KEY ("label_set_hash") REFERENCES "label_set"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workload_set_member" ADD CONSTRAINT "workload_set_member_set_hash_fkey" FOREIGN KEY ("set_hash") REFERENCES "workload_set"("hash") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workload_set_member" ADD CONSTRAINT "workload_set_member_workload_hash_fkey" FOREIGN KEY ("workload_hash") REFERENCES "workload_object"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "namespace_posture" ADD CONSTRAINT "namespace_posture_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "snapshot"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written (Prisma cannot express partial indexes): at most one running snapshot per
-- cluster, whichever replica or job started it.
CREATE UNIQUE INDEX "snapshot_one_running_per_cluster" ON "snapshot"("cluster_id") WHERE "status" = 'running';
