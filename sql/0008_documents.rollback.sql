-- Remove the documents table and the context rules' full-text column; write_changelog()
-- goes back to its 0004 definition.

DROP TABLE agent_loggy.documents;
DROP FUNCTION agent_loggy.clear_stale_embedding();
DROP FUNCTION agent_loggy.are_valid_tags(text[]);
ALTER TABLE agent_loggy.context_rules DROP COLUMN search_vector;

CREATE OR REPLACE FUNCTION agent_loggy.write_changelog() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    config_type text := TG_ARGV[0];
    old_data jsonb;
    new_data jsonb;
    changed text[];
    embedding_changed boolean := false;
    kind text;
    row_data jsonb;
BEGIN
    IF TG_TABLE_SCHEMA <> 'agent_loggy' OR TG_TABLE_NAME NOT IN
            ('prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys') THEN
        RAISE EXCEPTION 'write_changelog() only serves the agent_loggy config tables, not %.%',
            TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_data := to_jsonb(OLD) - 'embedding';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        new_data := to_jsonb(NEW) - 'embedding';
    END IF;

    IF TG_OP = 'INSERT' THEN
        kind := 'create';
    ELSIF TG_OP = 'DELETE' THEN
        kind := 'delete';
    ELSE
        SELECT array_agg(n.key ORDER BY n.key) INTO changed
        FROM jsonb_each(new_data) AS n
        WHERE n.key <> 'updated_at' AND n.value IS DISTINCT FROM old_data -> n.key;
        IF config_type IN ('prompt', 'context_rule') THEN
            -- compared as text: the vector operators live outside this function's search_path
            embedding_changed := OLD.embedding::text IS DISTINCT FROM NEW.embedding::text;
        END IF;
        IF changed IS NULL AND NOT embedding_changed THEN
            RETURN NULL;  -- a no-op update leaves no trace
        END IF;
        kind := CASE
            WHEN embedding_changed THEN 'update'
            WHEN changed = ARRAY['labels'] THEN 'label'
            WHEN changed = ARRAY['is_active'] AND (new_data ->> 'is_active')::boolean THEN 'activate'
            WHEN changed = ARRAY['is_active'] THEN 'deactivate'
            ELSE 'update'
        END;
    END IF;

    row_data := coalesce(new_data, old_data);
    INSERT INTO agent_loggy.config_changelog (
        config_type, config_id, project, config_name, previous_version, new_version,
        change_type, change_summary, previous_data, new_data, changed_by)
    VALUES (
        config_type,
        (row_data ->> 'id')::bigint,
        row_data ->> 'project',
        agent_loggy.config_name(config_type, row_data),
        (old_data ->> 'version')::integer,
        (new_data ->> 'version')::integer,
        kind,
        nullif(current_setting('agent_loggy.change_summary', true), ''),
        old_data,
        new_data,
        coalesce(nullif(current_setting('agent_loggy.actor', true), ''), session_user));
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION agent_loggy.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := OLD.updated_at;  -- a write to updated_at alone is a no-op
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
