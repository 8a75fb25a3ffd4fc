-- Drop pgvector unless something outside agent_loggy still uses it (another schema's vector
-- column, say): in that case it stays installed and a NOTICE says so.

DO $$
BEGIN
    DROP EXTENSION IF EXISTS vector;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'extension "vector" is still used by objects outside agent_loggy; left installed';
END
$$;
