-- AlterTable
ALTER TABLE "snapshot" ADD COLUMN     "finding_set_hash" CHAR(64);

-- CreateTable
CREATE TABLE "finding_object" (
    "hash" CHAR(64) NOT NULL,
    "rule_id" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "namespace" TEXT,
    "object_kind" TEXT,
    "object_namespace" TEXT,
    "object_name" TEXT,
    "remediation_yaml" TEXT,

    CONSTRAINT "finding_object_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "finding_set" (
    "hash" CHAR(64) NOT NULL,
    "size" INTEGER NOT NULL,
    "counts" JSONB NOT NULL,

    CONSTRAINT "finding_set_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "finding_set_member" (
    "set_hash" CHAR(64) NOT NULL,
    "finding_hash" CHAR(64) NOT NULL,

    CONSTRAINT "finding_set_member_pkey" PRIMARY KEY ("set_hash","finding_hash")
);

-- CreateIndex
CREATE INDEX "finding_object_rule_id_idx" ON "finding_object"("rule_id");

-- CreateIndex
CREATE INDEX "finding_object_severity_idx" ON "finding_object"("severity");

-- CreateIndex
CREATE INDEX "finding_set_member_finding_hash_idx" ON "finding_set_member"("finding_hash");

-- AddForeignKey
ALTER TABLE "snapshot" ADD CONSTRAINT "snapshot_finding_set_hash_fkey" FOREIGN KEY ("finding_set_hash") REFERENCES "finding_set"("hash") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "finding_set_member" ADD CONSTRAINT "finding_set_member_set_hash_fkey" FOREIGN KEY ("set_hash") REFERENCES "finding_set"("hash") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "finding_set_member" ADD CONSTRAINT "finding_set_member_finding_hash_fkey" FOREIGN KEY ("finding_hash") REFERENCES "finding_object"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

