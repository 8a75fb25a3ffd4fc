-- depends: 0003_triggers
-- The changelog: every INSERT / UPDATE / DELETE of a config row writes exactly one row of
-- agent_loggy.config_changelog in the same transaction; no-op UPDATEs write nothing; the
-- changelog itself refuses UPDATE, DELETE and TRUNCATE for every role.

CREATE FUNCTION agent_loggy.config_name(p_config_type text, p_row jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE p_config_type
        WHEN 'context_rule' THEN p_row ->> 'context'
        WHEN 'negate_key' THEN concat_ws(' ', p_row ->> 'label', p_row ->> 'operator', p_row ->> 'value')
        ELSE p_row ->> 'name'
    END;
COMMENT ON FUNCTION agent_loggy.config_name(text, jsonb) IS
    'Natural key of a config row as the changelog records it: name, context, or "label operator value" for negate keys.';

CREATE FUNCTION agent_loggy.write_changelog() RETURNS trigger
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
COMMENT ON FUNCTION agent_loggy.write_changelog() IS
    'AFTER INSERT/UPDATE/DELETE row trigger of the config tables (argument: the config_type). Writes one changelog row per real change: create, delete, label (only labels changed), activate / deactivate (only is_active changed) or update. changed_by is the transaction setting agent_loggy.actor when set and non-empty, else session_user; change_summary comes from agent_loggy.change_summary. SECURITY DEFINER so writers need no INSERT privilege on the changelog; refuses any table but the five config tables, and PUBLIC may not execute it (so nobody can attach it elsewhere).';
REVOKE EXECUTE ON FUNCTION agent_loggy.write_changelog() FROM PUBLIC;

CREATE FUNCTION agent_loggy.refuse_changelog_change() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'agent_loggy.config_changelog is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The changelog is the audit trail of every config change; record a correction as a new change instead.',
              SCHEMA = 'agent_loggy', TABLE = 'config_changelog';
END
$$;
COMMENT ON FUNCTION agent_loggy.refuse_changelog_change() IS
    'BEFORE UPDATE/DELETE/TRUNCATE statement trigger that keeps agent_loggy.config_changelog append-only for every role.';

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON agent_loggy.config_changelog
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_changelog_change();

CREATE FUNCTION agent_loggy.refuse_truncate() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'TRUNCATE of agent_loggy.% is not allowed: it would bypass the changelog', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Use DELETE, which records every removed row in agent_loggy.config_changelog.',
              SCHEMA = 'agent_loggy', TABLE = TG_TABLE_NAME;
END
$$;
COMMENT ON FUNCTION agent_loggy.refuse_truncate() IS
    'BEFORE TRUNCATE statement trigger of the config tables: TRUNCATE fires no row triggers, so it would leave no changelog rows.';

CREATE TRIGGER write_changelog AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.prompts
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('prompt');
CREATE TRIGGER write_changelog AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.model_configs
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('model_config');
CREATE TRIGGER write_changelog AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.embedding_configs
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('embedding_config');
CREATE TRIGGER write_changelog AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.context_rules
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('context_rule');
CREATE TRIGGER write_changelog AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.negate_keys
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('negate_key');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.prompts
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.model_configs
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.embedding_configs
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.context_rules
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.negate_keys
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();
