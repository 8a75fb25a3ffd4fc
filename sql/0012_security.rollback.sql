-- Back to 0011: no row level security, no guards, no protected labels, functions executable by
-- PUBLIC again (write_changelog excepted, as in 0004). The group roles are cluster-wide: this
-- database gives up its grants to them, and a role is dropped only when migration 0012 created
-- it (its comment says so) and no other database on the server still uses it.

ALTER TABLE agent_loggy.config_changelog DROP COLUMN session_role;

ALTER TABLE agent_loggy.documents DROP CONSTRAINT documents_embedding_config_fkey;
ALTER TABLE agent_loggy.documents ADD CONSTRAINT documents_embedding_config_id_fkey
    FOREIGN KEY (embedding_config_id) REFERENCES agent_loggy.embedding_configs (id);
ALTER TABLE agent_loggy.embedding_configs DROP CONSTRAINT embedding_configs_project_id_key;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY agent_loggy.pinned_by_0012() LOOP
        EXECUTE format('ALTER FUNCTION %s RESET search_path', f);
    END LOOP;
END
$$;
DROP FUNCTION agent_loggy.pinned_by_0012();

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys',
                             'documents', 'config_changelog'] LOOP
        EXECUTE format('DROP POLICY project_isolation ON agent_loggy.%I', t);
        EXECUTE format('ALTER TABLE agent_loggy.%I NO FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE agent_loggy.%I DISABLE ROW LEVEL SECURITY', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys'] LOOP
        EXECUTE format('DROP TRIGGER t30_guard_admin_changes ON agent_loggy.%I', t);
    END LOOP;
END
$$;
DROP FUNCTION agent_loggy.guard_admin_changes();
DROP TABLE agent_loggy.protected_labels;

CREATE OR REPLACE FUNCTION agent_loggy.checked_project(p_project text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_project IS NULL OR NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
            quote_nullable(p_project)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_project;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_project(text) IS
    'Returns p_project when it is a valid project name, else raises SQLSTATE 22023 naming the value and what was expected. Functions taking a project argument call it first.';

CREATE OR REPLACE FUNCTION agent_loggy.check_prompt_args(
    p_project text, p_name text, p_labels text[] DEFAULT '{}', p_allow_latest boolean DEFAULT false
) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    bad text[];
BEGIN
    IF p_project IS NULL OR NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
            coalesce(quote_literal(p_project), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_name IS NULL OR NOT agent_loggy.is_valid_name(p_name) THEN
        RAISE EXCEPTION 'invalid prompt name %: expected 1-128 characters of letters, digits, _ . : / - starting with a letter or digit',
            coalesce(quote_literal(p_name), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    bad := agent_loggy.invalid_labels(p_labels);
    IF p_allow_latest THEN
        bad := array_remove(bad, 'latest');
    END IF;
    IF cardinality(bad) > 0 THEN
        RAISE EXCEPTION 'invalid label % for prompt %: %', coalesce(quote_literal(bad[1]), 'NULL'), quote_literal(p_name),
            CASE WHEN bad[1] = 'latest' THEN 'latest is reserved for the highest active version and cannot be stored'
                 ELSE 'a label must match ^[a-z0-9_.-]{1,36}$' END
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'prompts_labels_check';
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.check_prompt_args(text, text, text[], boolean) IS
    'Raises invalid_parameter_value (22023) naming the first invalid project, prompt name or label (latest allowed when p_allow_latest); label errors carry constraint prompts_labels_check.';

ALTER FUNCTION agent_loggy.check_document_target(text, text) IMMUTABLE;

CREATE OR REPLACE PROCEDURE agent_loggy.use_vector_schema(p_function regprocedure)
    LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', p_function,
                   (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'vector'));
END
$$;

DROP FUNCTION agent_loggy.check_project_access(text);
DROP FUNCTION agent_loggy.can_access_project(text);
DROP FUNCTION agent_loggy.is_admin();
DROP FUNCTION agent_loggy.bound_project();

-- Privileges: PUBLIC executes every function again, except write_changelog (0004).
GRANT EXECUTE ON ALL ROUTINES IN SCHEMA agent_loggy TO PUBLIC;
REVOKE EXECUTE ON FUNCTION agent_loggy.write_changelog() FROM PUBLIC;

DO $$
DECLARE
    r text;
    vector_schema text := (SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
                           WHERE e.extname = 'vector');
BEGIN
    FOREACH r IN ARRAY ARRAY['agent_loggy_admin', 'agent_loggy_writer', 'agent_loggy_reader'] LOOP
        CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r);
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA agent_loggy FROM %I', r);
        EXECUTE format('REVOKE ALL ON ALL ROUTINES IN SCHEMA agent_loggy FROM %I', r);
        EXECUTE format('REVOKE ALL ON SCHEMA agent_loggy FROM %I', r);
        EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM %I', vector_schema, r);
    END LOOP;
    FOREACH r IN ARRAY ARRAY['agent_loggy_admin', 'agent_loggy_writer', 'agent_loggy_reader'] LOOP
        CONTINUE WHEN coalesce(shobj_description((SELECT oid FROM pg_roles WHERE rolname = r), 'pg_authid'), '')
                      NOT LIKE 'Created by agent_loggy_db migration 0012_security.%';
        BEGIN
            EXECUTE format('DROP ROLE %I', r);
        EXCEPTION WHEN dependent_objects_still_exist OR insufficient_privilege THEN
            RAISE NOTICE 'role % kept: %', r, SQLERRM;
        END;
    END LOOP;
END
$$;
