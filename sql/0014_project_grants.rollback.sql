-- Back to 0013: projects bound without grants, row level security forced again, no grant or
-- protected-label rows in the changelog. The changelog rows 0014 introduced (types grant and
-- protected_label) cannot be kept under 0013's check constraint: they are deleted, with the
-- append-only trigger set aside for that one statement, and a NOTICE says how many.

DROP TRIGGER write_changelog ON agent_loggy.project_grants;
DROP TRIGGER refuse_truncate ON agent_loggy.project_grants;
DROP TRIGGER write_changelog ON agent_loggy.protected_labels;
DROP TRIGGER refuse_truncate ON agent_loggy.protected_labels;

DO $$
DECLARE
    n bigint;
BEGIN
    ALTER TABLE agent_loggy.config_changelog DISABLE TRIGGER append_only;
    DELETE FROM agent_loggy.config_changelog WHERE config_type IN ('grant', 'protected_label');
    GET DIAGNOSTICS n = ROW_COUNT;
    ALTER TABLE agent_loggy.config_changelog ENABLE TRIGGER append_only;
    IF n > 0 THEN
        RAISE NOTICE 'removed % changelog row(s) of grants and protected labels, which 0013 cannot hold', n;
    END IF;
END
$$;
ALTER TABLE agent_loggy.config_changelog DROP CONSTRAINT config_changelog_config_type_check;
ALTER TABLE agent_loggy.config_changelog ADD CONSTRAINT config_changelog_config_type_check
    CHECK (config_type IN ('prompt', 'model_config', 'embedding_config', 'context_rule', 'negate_key'));
COMMENT ON COLUMN agent_loggy.config_changelog.config_type IS 'Which table changed: prompt, model_config, embedding_config, context_rule or negate_key.';
COMMENT ON COLUMN agent_loggy.config_changelog.config_name IS 'Natural key of the changed row: name, context, or "label operator value" for negate keys.';

CREATE OR REPLACE FUNCTION agent_loggy.config_name(p_config_type text, p_row jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE p_config_type
        WHEN 'context_rule' THEN p_row ->> 'context'
        WHEN 'negate_key' THEN concat_ws(' ', p_row ->> 'label', p_row ->> 'operator', p_row ->> 'value')
        ELSE p_row ->> 'name'
    END;
COMMENT ON FUNCTION agent_loggy.config_name(text, jsonb) IS
    'Natural key of a config row as the changelog records it: name, context, or "label operator value" for negate keys.';

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
        old_data := to_jsonb(OLD) - ARRAY['embedding', 'search_vector'];
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        new_data := to_jsonb(NEW) - ARRAY['embedding', 'search_vector'];
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

ALTER TABLE agent_loggy.protected_labels DROP COLUMN id;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys',
                             'documents', 'config_changelog', 'protected_labels'] LOOP
        EXECUTE format('DROP POLICY project_isolation ON agent_loggy.%I', t);
        IF t <> 'config_changelog' THEN
            EXECUTE format('DROP POLICY project_writes ON agent_loggy.%I', t);
            EXECUTE format('DROP POLICY project_updates ON agent_loggy.%I', t);
            EXECUTE format('DROP POLICY project_deletes ON agent_loggy.%I', t);
        END IF;
        EXECUTE format('ALTER TABLE agent_loggy.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($policy$
            CREATE POLICY project_isolation ON agent_loggy.%I
                USING (project = (SELECT agent_loggy.bound_project())
                       OR ((SELECT agent_loggy.bound_project()) IS NULL AND (SELECT agent_loggy.is_admin())))
                WITH CHECK (project = (SELECT agent_loggy.bound_project())
                            OR ((SELECT agent_loggy.bound_project()) IS NULL AND (SELECT agent_loggy.is_admin())))$policy$, t);
        EXECUTE format('COMMENT ON POLICY project_isolation ON agent_loggy.%I IS %L', t,
            'Rows of the project bound to the transaction (agent_loggy.project); every project for admin when none is bound; nothing otherwise. Same rule as can_access_project().');
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION agent_loggy.check_project_access(p_project text) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
    bound text := agent_loggy.bound_project();
BEGIN
    IF bound IS NULL AND NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied for project %: no project is bound to this transaction', quote_nullable(p_project)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Bind it first, in the same transaction: SELECT set_config(''agent_loggy.project'', %L, true). Only agent_loggy_admin works across projects without a binding.', p_project);
    ELSIF bound IS NOT NULL AND bound IS DISTINCT FROM p_project THEN
        RAISE EXCEPTION 'permission denied for project %: this transaction is bound to project %', quote_nullable(p_project), quote_literal(bound)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'A transaction works on the one project it bound; use a new transaction for another project.';
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.check_project_access(text) IS
    'Raises insufficient_privilege (42501) naming the project when can_access_project() is false: the caller asked for a project other than the bound one, or for any project with none bound without being admin.';
CALL agent_loggy.use_vector_schema('agent_loggy.check_project_access(text)');

CREATE OR REPLACE FUNCTION agent_loggy.can_access_project(p_project text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN p_project = agent_loggy.bound_project()
        OR (agent_loggy.bound_project() IS NULL AND agent_loggy.is_admin());
COMMENT ON FUNCTION agent_loggy.can_access_project(text) IS
    'The isolation rule: a project is within reach when it is the bound project, or when none is bound and the caller is admin. The row level security policies state the same rule with sub-selects, so it is evaluated once per statement.';
CALL agent_loggy.use_vector_schema('agent_loggy.can_access_project(text)');

CREATE OR REPLACE FUNCTION agent_loggy.bound_project() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN nullif(current_setting('agent_loggy.project', true), '');
COMMENT ON FUNCTION agent_loggy.bound_project() IS
    'The project bound to this transaction (setting agent_loggy.project, set with set_config(''agent_loggy.project'', p, true)); NULL when none is bound or it was reset to ''''.';
CALL agent_loggy.use_vector_schema('agent_loggy.bound_project()');

DROP FUNCTION agent_loggy.grant_project(text, text, text);
DROP FUNCTION agent_loggy.revoke_project(text, text);
DROP FUNCTION agent_loggy.writes_every_project();
DROP FUNCTION agent_loggy.writable_projects();
DROP FUNCTION agent_loggy.visible_projects();
DROP FUNCTION agent_loggy.sees_every_project();
DROP FUNCTION agent_loggy.may_use_project(text, text);
DROP FUNCTION agent_loggy.granted_projects();
DROP FUNCTION agent_loggy.holds_grant(text, text);
DROP TABLE agent_loggy.project_grants;
