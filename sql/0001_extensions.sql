-- Extensions agent_loggy needs.
-- pgvector supplies the vector(384) columns and their HNSW indexes: HNSW needs pgvector >= 0.5
-- (iterative index scans, used by filtered search, need >= 0.8; `agent-loggy-db doctor` warns).
-- When this migration installs the extension it marks it, so that the rollback drops only an
-- extension this migration created.

DO $$
DECLARE
    installed text := (SELECT extversion FROM pg_extension WHERE extname = 'vector');
    parts int[];
BEGIN
    IF installed IS NULL THEN
        CREATE EXTENSION vector;
        COMMENT ON EXTENSION vector IS 'vector data type and ivfflat and hnsw access methods (installed by agent_loggy migration 0001_extensions)';
        installed := (SELECT extversion FROM pg_extension WHERE extname = 'vector');
    END IF;
    parts := string_to_array(split_part(installed, '-', 1), '.')::int[];
    IF parts[1] = 0 AND parts[2] < 5 THEN
        RAISE EXCEPTION 'pgvector % is installed: agent_loggy needs 0.5 or newer for HNSW indexes', installed
            USING HINT = 'ALTER EXTENSION vector UPDATE; (after installing a newer pgvector on the server)';
    END IF;
END
$$;
