-- CreateTable
CREATE TABLE "change_version" (
    "scope" TEXT NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "change_version_pkey" PRIMARY KEY ("scope")
);


-- Not modelled by Prisma: the rows and the triggers that bump them.
INSERT INTO "change_version" ("scope", "version") VALUES ('fleet', 0), ('auth', 0);

-- Bumps one scope at most once per transaction. Runs from deferred constraint triggers, i.e. at
-- commit, so the row lock is held for the last instant of the writing transaction only (a long
-- snapshot write does not block other clusters' commits for its whole duration).
CREATE FUNCTION "kordon_bump_change_version"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target text := TG_ARGV[0];
BEGIN
  -- A snapshot's heartbeat and progress are not answers anyone caches: skip those updates.
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'snapshot'
     AND (to_jsonb(NEW) - 'heartbeat_at' - 'progress') = (to_jsonb(OLD) - 'heartbeat_at' - 'progress') THEN
    RETURN NULL;
  END IF;
  -- Likewise a token's last use.
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'api_token'
     AND (to_jsonb(NEW) - 'last_used_at') = (to_jsonb(OLD) - 'last_used_at') THEN
    RETURN NULL;
  END IF;
  IF current_setting('kordon.bumped_' || target, true) IS DISTINCT FROM 'on' THEN
    PERFORM set_config('kordon.bumped_' || target, 'on', true);
    UPDATE "change_version" SET "version" = "version" + 1 WHERE "scope" = target;
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER "cluster_change_version" AFTER INSERT OR UPDATE OR DELETE ON "cluster"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "kordon_bump_change_version"('fleet');
CREATE CONSTRAINT TRIGGER "snapshot_change_version" AFTER INSERT OR UPDATE OR DELETE ON "snapshot"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "kordon_bump_change_version"('fleet');
CREATE CONSTRAINT TRIGGER "api_token_change_version" AFTER INSERT OR UPDATE OR DELETE ON "api_token"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "kordon_bump_change_version"('auth');
