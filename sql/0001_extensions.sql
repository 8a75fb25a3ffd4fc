-- Extensions agent_loggy needs, on a server new enough.
-- PostgreSQL 15 or newer (SQL-standard function bodies, security_invoker views); pgvector 0.8 or
-- newer: the vector(384) columns, their HNSW indexes and the iterative index scans filtered search
-- uses (migration 0009). Refused on less, naming what was found. When this migration installs the
-- extension it marks it, so that the rollback drops only an extension this migration created; a
-- role that may not create it (no superuser, as on managed services) is told the one statement an
-- administrator runs first.

DO $$
DECLARE
    installed text := (SELECT extversion FROM pg_extension WHERE extname = 'vector');
    parts int[];
BEGIN
    IF current_setting('server_version_num')::int < 150000 THEN
        RAISE EXCEPTION 'PostgreSQL % is running: agent_loggy needs 15 or newer', current_setting('server_version')
            USING ERRCODE = 'feature_not_supported';
    END IF;
    IF installed IS NULL THEN
        BEGIN
            CREATE EXTENSION vector;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'pgvector is not installed in database %, and % may not install it', current_database(), current_user
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Have an administrator run, in this database: CREATE EXTENSION IF NOT EXISTS vector; then migrate again.';
        END;
        COMMENT ON EXTENSION vector IS 'vector data type and ivfflat and hnsw access methods (installed by agent_loggy migration 0001_extensions)';
        installed := (SELECT extversion FROM pg_extension WHERE extname = 'vector');
    END IF;
    parts := string_to_array(split_part(installed, '-', 1), '.')::int[];
    IF parts[1] = 0 AND parts[2] < 8 THEN
        RAISE EXCEPTION 'pgvector % is installed: agent_loggy needs 0.8 or newer (HNSW indexes with iterative scans)', installed
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'ALTER EXTENSION vector UPDATE; (after installing pgvector 0.8 or newer on the server)';
    END IF;
END
$$;
