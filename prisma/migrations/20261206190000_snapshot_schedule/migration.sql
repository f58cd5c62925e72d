-- The schedule in force when each snapshot was taken: a snapshot vouches for its state for that
-- schedule (× grace), so changing a cluster's schedule later does not rewrite its past intervals.
-- NULL (rows taken before this column): the cluster's current schedule.
ALTER TABLE "snapshot" ADD COLUMN "schedule_minutes" INTEGER;
ALTER TABLE "pruned_snapshot" ADD COLUMN "schedule_minutes" INTEGER;
