-- Change counters per cluster besides the fleet-wide one: a commit touching one cluster (its row
-- or its snapshots) bumps `fleet` and `cluster:<id>`, so cached answers about other clusters stay
-- valid. Rows for clusters appear on their first change (a missing row reads as 0).
CREATE OR REPLACE FUNCTION "kordon_bump_change_version"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  scopes text[];
  target text;
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
  IF TG_TABLE_NAME = 'api_token' THEN
    scopes := ARRAY['auth'];
  ELSIF TG_TABLE_NAME = 'cluster' THEN
    scopes := ARRAY['fleet'];
    IF TG_OP <> 'INSERT' THEN scopes := scopes || ('cluster:' || OLD.id::text); END IF;
    IF TG_OP <> 'DELETE' THEN scopes := scopes || ('cluster:' || NEW.id::text); END IF;
  ELSE
    scopes := ARRAY['fleet'];
    IF TG_OP <> 'INSERT' THEN scopes := scopes || ('cluster:' || OLD.cluster_id::text); END IF;
    IF TG_OP <> 'DELETE' THEN scopes := scopes || ('cluster:' || NEW.cluster_id::text); END IF;
  END IF;
  -- Each scope at most once per transaction (a transaction-local setting remembers it).
  FOREACH target IN ARRAY scopes LOOP
    IF current_setting('kordon.bumped_' || md5(target), true) IS DISTINCT FROM 'on' THEN
      PERFORM set_config('kordon.bumped_' || md5(target), 'on', true);
      INSERT INTO "change_version" ("scope", "version") VALUES (target, 1)
        ON CONFLICT ("scope") DO UPDATE SET "version" = "change_version"."version" + 1;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
