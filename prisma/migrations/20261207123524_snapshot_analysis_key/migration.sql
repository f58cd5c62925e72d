-- AlterTable
ALTER TABLE "snapshot" ADD COLUMN     "analysis_key" CHAR(64);

