-- Drop pgvector only if 0001_extensions installed it (its comment carries the mark) and nothing
-- outside agent_loggy still uses it; otherwise it stays, with a NOTICE saying why.

DO $$
DECLARE
    note text := (SELECT obj_description(oid, 'pg_extension') FROM pg_extension WHERE extname = 'vector');
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'vector') THEN
        RETURN;
    ELSIF coalesce(note, '') NOT LIKE '%installed by agent_loggy migration 0001_extensions%' THEN
        RAISE NOTICE 'extension "vector" was installed before agent_loggy; left installed';
        RETURN;
    END IF;
    DROP EXTENSION vector;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'extension "vector" is still used by objects outside agent_loggy; left installed';
END
$$;
