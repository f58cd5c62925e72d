-- Exceptions change what findings and posture answers say: a commit touching one bumps `fleet`
-- and `cluster:<id>` like a snapshot does, so cached answers built on exceptions are recomputed
-- (their expiry is handled by the answers' own cacheUntil).
CREATE CONSTRAINT TRIGGER "posture_exception_change_version" AFTER INSERT OR UPDATE OR DELETE ON "posture_exception"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "kordon_bump_change_version"('fleet');
