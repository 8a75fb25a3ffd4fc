-- depends: 0011_embeddings
-- Least privilege and project isolation, enforced by the database for every client.
--
--   roles            agent_loggy_reader < agent_loggy_writer < agent_loggy_admin (NOLOGIN group
--                    roles, created when missing; apps log in as roles granted one of them)
--   privileges       EXECUTE revoked from PUBLIC on every function; explicit GRANTs only
--   isolation        row level security, enabled and forced, on every project-scoped table: a
--                    transaction sees and changes only the rows of the project it bound with
--                    set_config('agent_loggy.project', <project>, true); nothing when none is
--                    bound, except agent_loggy_admin (and the schema owner), who see every project
--   functions        every function taking a project raises insufficient_privilege (42501) when
--                    the caller may not use that project, instead of quietly returning nothing
--   protected labels protected_labels(project, label): only admin moves or removes them
--   versions         writers add versions and move unprotected labels; only admin switches a
--                    version off or on, deletes, or edits a version's content (column grants)

-- Roles -------------------------------------------------------------------------------------

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM (VALUES
            ('agent_loggy_reader', NULL, 'agent-loggy: resolve and render prompts, search, read current configs of the bound project.'),
            ('agent_loggy_writer', 'agent_loggy_reader', 'agent-loggy: reader + publish prompt versions, move unprotected labels, import, embed.'),
            ('agent_loggy_admin', 'agent_loggy_writer', 'agent-loggy: writer + protected labels, deactivation, deletion, every project when none is bound.')
        ) AS v(name, inherits, purpose) LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r.name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r.name);
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'cannot create role %: % may not create roles', r.name, current_user
                    USING ERRCODE = 'insufficient_privilege',
                          HINT = 'Have a superuser run: CREATE ROLE agent_loggy_reader NOLOGIN; CREATE ROLE agent_loggy_writer NOLOGIN IN ROLE agent_loggy_reader; CREATE ROLE agent_loggy_admin NOLOGIN IN ROLE agent_loggy_writer; then migrate again.';
            END;
            -- The mark that lets a rollback drop only roles a migration created.
            EXECUTE format('COMMENT ON ROLE %I IS %L', r.name, 'Created by agent_loggy_db migration 0012_security. ' || r.purpose);
        END IF;
        IF r.inherits IS NOT NULL AND NOT pg_has_role(r.name, r.inherits, 'MEMBER') THEN
            EXECUTE format('GRANT %I TO %I', r.inherits, r.name);
        END IF;
    END LOOP;
END
$$;

-- Who is asking -------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.bound_project() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN nullif(current_setting('agent_loggy.project', true), '');
COMMENT ON FUNCTION agent_loggy.bound_project() IS
    'The project bound to this transaction (setting agent_loggy.project, set with set_config(''agent_loggy.project'', p, true)); NULL when none is bound or it was reset to ''''.';

CREATE FUNCTION agent_loggy.is_admin() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN pg_has_role('agent_loggy_admin', 'USAGE')
        OR pg_has_role((SELECT n.nspowner FROM pg_catalog.pg_namespace AS n WHERE n.nspname = 'agent_loggy'), 'USAGE');
COMMENT ON FUNCTION agent_loggy.is_admin() IS
    'True when the current role has the privileges of agent_loggy_admin or of the schema owner (who runs the migrations); superusers included.';

CREATE FUNCTION agent_loggy.can_access_project(p_project text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN p_project = agent_loggy.bound_project()
        OR (agent_loggy.bound_project() IS NULL AND agent_loggy.is_admin());
COMMENT ON FUNCTION agent_loggy.can_access_project(text) IS
    'The isolation rule: a project is within reach when it is the bound project, or when none is bound and the caller is admin. The row level security policies state the same rule with sub-selects, so it is evaluated once per statement.';

CREATE FUNCTION agent_loggy.check_project_access(p_project text) RETURNS void
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

-- Every function taking a project checks it through these two (now STABLE: they read the binding).

CREATE OR REPLACE FUNCTION agent_loggy.checked_project(p_project text) RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_project IS NULL OR NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
            quote_nullable(p_project)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM agent_loggy.check_project_access(p_project);
    RETURN p_project;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_project(text) IS
    'Returns p_project when it is a valid project name the caller may use (check_project_access), else raises SQLSTATE 22023 (invalid name) or 42501 (not the bound project). Functions taking a project argument call it first.';

CREATE OR REPLACE FUNCTION agent_loggy.check_prompt_args(
    p_project text, p_name text, p_labels text[] DEFAULT '{}', p_allow_latest boolean DEFAULT false
) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
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
    PERFORM agent_loggy.check_project_access(p_project);
END
$$;
COMMENT ON FUNCTION agent_loggy.check_prompt_args(text, text, text[], boolean) IS
    'Raises invalid_parameter_value (22023) naming the first invalid project, prompt name or label (latest allowed when p_allow_latest; label errors carry constraint prompts_labels_check), then insufficient_privilege (42501) when the caller may not use the project (check_project_access).';

ALTER FUNCTION agent_loggy.check_document_target(text, text) STABLE;

-- Protected labels ------------------------------------------------------------------------------

CREATE TABLE agent_loggy.protected_labels (
    project    text NOT NULL,
    label      text NOT NULL,
    created_by text NOT NULL DEFAULT coalesce(nullif(current_setting('agent_loggy.actor', true), ''), session_user),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT protected_labels_pkey PRIMARY KEY (project, label),
    CONSTRAINT protected_labels_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT protected_labels_label_check CHECK (cardinality(agent_loggy.invalid_labels(ARRAY[label])) = 0)
);
COMMENT ON TABLE agent_loggy.protected_labels IS
    'Labels that only agent_loggy_admin may move, give, take off or deactivate the carrier of, on prompts and model configs of the project; only admin may change this list.';
COMMENT ON COLUMN agent_loggy.protected_labels.project IS 'Project whose label is protected.';
COMMENT ON COLUMN agent_loggy.protected_labels.label IS 'The protected label, e.g. production (latest cannot be stored, so cannot be protected).';
COMMENT ON COLUMN agent_loggy.protected_labels.created_by IS 'Who protected it: agent_loggy.actor when set, else session_user.';
COMMENT ON COLUMN agent_loggy.protected_labels.created_at IS 'When it was protected.';

INSERT INTO agent_loggy.protected_labels (project, label, created_by)
VALUES ('default', 'production', 'migration 0012_security');

CREATE FUNCTION agent_loggy.guard_admin_changes() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    config_type text := TG_ARGV[0];
    old_row jsonb;
    new_row jsonb;
    what text;
    touched text[];
    hit text;
BEGIN
    IF agent_loggy.is_admin() THEN
        RETURN NEW;
    END IF;
    old_row := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) - 'embedding' END;
    new_row := to_jsonb(NEW) - 'embedding';
    what := format('%s %s in project %s', replace(config_type, '_', ' '),
                   quote_literal(agent_loggy.config_name(config_type, coalesce(old_row, new_row))),
                   quote_literal(coalesce(old_row, new_row) ->> 'project'));
    IF old_row IS NOT NULL AND (old_row -> 'is_active') IS DISTINCT FROM (new_row -> 'is_active') THEN
        RAISE EXCEPTION 'permission denied to % version % of %: only agent_loggy_admin may switch versions on or off',
            CASE WHEN (new_row ->> 'is_active')::boolean THEN 'reactivate' ELSE 'deactivate' END,
            old_row ->> 'version', what
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT new_row ? 'labels' THEN
        RETURN NEW;
    END IF;
    -- Labels the row gains or loses; a row moved to another prompt or project loses all it had.
    IF old_row IS NULL THEN
        touched := ARRAY(SELECT jsonb_array_elements_text(new_row -> 'labels'));
    ELSIF (old_row -> 'project', old_row -> 'name') IS DISTINCT FROM (new_row -> 'project', new_row -> 'name') THEN
        touched := ARRAY(SELECT jsonb_array_elements_text(old_row -> 'labels')
                         UNION SELECT jsonb_array_elements_text(new_row -> 'labels'));
    ELSE
        touched := ARRAY(SELECT l FROM jsonb_array_elements_text(new_row -> 'labels') AS l
                         WHERE NOT (old_row -> 'labels') ? l
                         UNION SELECT l FROM jsonb_array_elements_text(old_row -> 'labels') AS l
                         WHERE NOT (new_row -> 'labels') ? l);
    END IF;
    SELECT p.label INTO hit
    FROM agent_loggy.protected_labels AS p
    WHERE p.project IN (old_row ->> 'project', new_row ->> 'project') AND p.label = ANY (touched)
    ORDER BY p.label COLLATE "C"
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'permission denied to change label % of %: it is protected, only agent_loggy_admin may give, move or remove it',
            quote_literal(hit), what
            USING ERRCODE = 'insufficient_privilege', HINT = 'Ask an admin, or use an unprotected label such as staging.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.guard_admin_changes() IS
    'BEFORE INSERT/UPDATE row trigger of the five config tables (argument: the changelog config_type). Unless the caller is admin it refuses (42501) switching a row off or back on and, on prompts and model configs, giving or taking away a label listed in protected_labels for the row''s project. It fires for the functions and for direct INSERTs and UPDATEs alike.';

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('prompts', 'prompt'), ('model_configs', 'model_config'),
            ('embedding_configs', 'embedding_config'), ('context_rules', 'context_rule'), ('negate_keys', 'negate_key'))
            AS v(tab, config_type) LOOP
        EXECUTE format('CREATE TRIGGER t30_guard_admin_changes BEFORE INSERT OR UPDATE ON agent_loggy.%I '
                       'FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_admin_changes(%L)', t.tab, t.config_type);
    END LOOP;
END
$$;

-- Row level security ---------------------------------------------------------------------------------
-- The policy reads the binding and the role through sub-selects: evaluated once per statement,
-- and the user's own project = ... condition stays usable for index scans.

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys',
                             'documents', 'config_changelog', 'protected_labels'] LOOP
        EXECUTE format('ALTER TABLE agent_loggy.%I ENABLE ROW LEVEL SECURITY', t);
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

-- Privileges -------------------------------------------------------------------------------------------

-- Later migrations REVOKE and GRANT each function they add the same way (tests/test_security.py
-- fails on any function PUBLIC may execute). Default privileges cannot do it: per-schema defaults
-- only add to the global ones, and a global default would also strip extensions' functions.
REVOKE EXECUTE ON ALL ROUTINES IN SCHEMA agent_loggy FROM PUBLIC;

GRANT USAGE ON SCHEMA agent_loggy TO agent_loggy_reader;
DO $$
BEGIN
    -- vector types and operators live in pgvector's schema
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO agent_loggy_reader',
                   (SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
                    WHERE e.extname = 'vector'));
END
$$;

GRANT SELECT ON agent_loggy.prompts, agent_loggy.model_configs, agent_loggy.embedding_configs,
    agent_loggy.context_rules, agent_loggy.negate_keys, agent_loggy.documents, agent_loggy.config_changelog,
    agent_loggy.protected_labels, agent_loggy.current_model_configs, agent_loggy.current_embedding_configs,
    agent_loggy.current_context_rules, agent_loggy.current_negate_keys
    TO agent_loggy_reader;
-- A version is immutable for writers: they add versions and may UPDATE only what the functions
-- update (labels, the is_active flag guarded above, embeddings); documents are not versioned.
GRANT INSERT ON agent_loggy.prompts, agent_loggy.model_configs, agent_loggy.embedding_configs,
    agent_loggy.context_rules, agent_loggy.negate_keys, agent_loggy.documents
    TO agent_loggy_writer;
GRANT UPDATE (labels, is_active, embedding) ON agent_loggy.prompts TO agent_loggy_writer;
GRANT UPDATE (labels, is_active) ON agent_loggy.model_configs TO agent_loggy_writer;
GRANT UPDATE (is_active) ON agent_loggy.embedding_configs, agent_loggy.negate_keys TO agent_loggy_writer;
GRANT UPDATE (is_active, embedding) ON agent_loggy.context_rules TO agent_loggy_writer;
GRANT UPDATE (title, content, tags, metadata, embedding, embedding_config_id) ON agent_loggy.documents
    TO agent_loggy_writer;
GRANT UPDATE, DELETE ON agent_loggy.prompts, agent_loggy.model_configs, agent_loggy.embedding_configs,
    agent_loggy.context_rules, agent_loggy.negate_keys, agent_loggy.documents
    TO agent_loggy_admin;
GRANT INSERT, UPDATE, DELETE ON agent_loggy.protected_labels TO agent_loggy_admin;

-- Readers: checks, rendering, resolution, search, history, current configs.
GRANT EXECUTE ON FUNCTION
    agent_loggy.bound_project(), agent_loggy.is_admin(), agent_loggy.can_access_project(text),
    agent_loggy.check_project_access(text), agent_loggy.checked_project(text),
    agent_loggy.check_prompt_args(text, text, text[], boolean), agent_loggy.check_labels(text, text, text[]),
    agent_loggy.is_valid_project(text), agent_loggy.is_valid_name(text), agent_loggy.invalid_labels(text[]),
    agent_loggy.is_valid_loki_label(text), agent_loggy.are_valid_tags(text[]), agent_loggy.config_name(text, jsonb),
    agent_loggy.raise_check_violation(text, text, text, text), agent_loggy.template_variables(text),
    agent_loggy.render_prompt(text, jsonb), agent_loggy.resolve_prompt(text, text, text, integer, text[]),
    agent_loggy.list_prompts(text), agent_loggy.export_prompts(text), agent_loggy.prompt_label_history(text, text),
    agent_loggy.logql_string(text), agent_loggy.loki_negations(text), agent_loggy.import_problems(text, jsonb),
    agent_loggy.embedding_input(agent_loggy.prompts), agent_loggy.embedding_input(agent_loggy.context_rules),
    agent_loggy.embedding_input(agent_loggy.documents),
    agent_loggy.checked_limit(integer), agent_loggy.checked_tags(text[]), agent_loggy.checked_query_text(text),
    agent_loggy.checked_query_vector(vector),
    agent_loggy.checked_fusion(text, vector, double precision, double precision, integer),
    agent_loggy.keyword_query(text), agent_loggy.rrf_candidates(integer, integer),
    agent_loggy.rrf_fuse(bigint[], bigint[], double precision, double precision, integer),
    agent_loggy.is_current_context_rule(bigint),
    agent_loggy.nearest_document_ids(vector, text, integer, text[]),
    agent_loggy.keyword_document_ids(text, text, integer, text[]),
    agent_loggy.nearest_context_rule_ids(vector, text, integer), agent_loggy.nearest_prompt_ids(vector, text, integer),
    agent_loggy.search_documents(vector, text, integer, text[]),
    agent_loggy.keyword_search_documents(text, text, integer, text[]),
    agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer),
    agent_loggy.search_context_rules(vector, text, integer),
    agent_loggy.hybrid_search_context_rules(text, vector, text, integer),
    agent_loggy.search_prompts(vector, text, integer)
    TO agent_loggy_reader;

-- Writers: publish, label, import, embed.
GRANT EXECUTE ON FUNCTION
    agent_loggy.lock_prompt_writes(),
    agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text),
    agent_loggy.set_prompt_label(text, integer, text, text), agent_loggy.remove_prompt_label(text, text, text),
    agent_loggy.rollback_prompt_label(text, text, text), agent_loggy.import_prompts(jsonb, text),
    agent_loggy.begin_import(text, jsonb, text), agent_loggy.import_context_rules(jsonb, text, boolean),
    agent_loggy.import_negate_keys(jsonb, text, boolean),
    agent_loggy.check_document_target(text, text), agent_loggy.stage_documents(),
    agent_loggy.staged_document_problems(integer), agent_loggy.load_staged_documents(text, text, bigint, boolean),
    agent_loggy.checked_embedding_target(text), agent_loggy.pending_embeddings(text, text, integer, bigint),
    agent_loggy.pending_embedding_count(text, text),
    agent_loggy.store_embeddings(text, bigint[], text[], vector[], bigint)
    TO agent_loggy_writer;
-- Trigger functions and use_vector_schema: nobody but the owner (triggers fire without EXECUTE).

-- Dynamic SQL names the schema with %I (its name, not regnamespace's already-quoted text).
CREATE OR REPLACE PROCEDURE agent_loggy.use_vector_schema(p_function regprocedure)
    LANGUAGE plpgsql
AS $$
BEGIN
    -- regprocedure's text is the function's signature with every name already quoted
    EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', p_function,
                   (SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
                    WHERE e.extname = 'vector'));
END
$$;

-- search_path -----------------------------------------------------------------------------------------
-- Functions that enforce rules pin their search_path (pg_catalog first), so a caller who can
-- create objects somewhere cannot shadow what they call. The small SQL validators stay unpinned
-- (pinning stops inlining); the CHECK constraints that use them are backed by validate_row,
-- which is pinned.

CREATE FUNCTION agent_loggy.pinned_by_0012() RETURNS regprocedure[]
    LANGUAGE sql IMMUTABLE
    RETURN ARRAY[
        'agent_loggy.bound_project()', 'agent_loggy.is_admin()', 'agent_loggy.can_access_project(text)',
        'agent_loggy.check_project_access(text)', 'agent_loggy.checked_project(text)',
        'agent_loggy.check_prompt_args(text, text, text[], boolean)', 'agent_loggy.check_document_target(text, text)',
        'agent_loggy.check_labels(text, text, text[])', 'agent_loggy.checked_embedding_target(text)',
        'agent_loggy.checked_limit(integer)', 'agent_loggy.checked_query_text(text)', 'agent_loggy.checked_tags(text[])',
        'agent_loggy.raise_check_violation(text, text, text, text)', 'agent_loggy.lock_prompt_writes()',
        'agent_loggy.guard_admin_changes()', 'agent_loggy.validate_row()', 'agent_loggy.derive_variables()',
        'agent_loggy.touch_updated_at()', 'agent_loggy.clear_stale_embedding()', 'agent_loggy.move_prompt_labels()',
        'agent_loggy.serialize_prompt_writes()', 'agent_loggy.notify_config_change()',
        'agent_loggy.refuse_changelog_change()', 'agent_loggy.refuse_truncate()',
        'agent_loggy.begin_import(text, jsonb, text)', 'agent_loggy.import_problems(text, jsonb)',
        'agent_loggy.import_context_rules(jsonb, text, boolean)', 'agent_loggy.import_negate_keys(jsonb, text, boolean)',
        'agent_loggy.import_prompts(jsonb, text)',
        'agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text)',
        'agent_loggy.set_prompt_label(text, integer, text, text)', 'agent_loggy.remove_prompt_label(text, text, text)',
        'agent_loggy.rollback_prompt_label(text, text, text)', 'agent_loggy.prompt_label_history(text, text)',
        'agent_loggy.resolve_prompt(text, text, text, integer, text[])', 'agent_loggy.render_prompt(text, jsonb)',
        'agent_loggy.loki_negations(text)', 'agent_loggy.keyword_search_documents(text, text, integer, text[])',
        'agent_loggy.pending_embeddings(text, text, integer, bigint)', 'agent_loggy.pending_embedding_count(text, text)'
    ]::regprocedure[];
COMMENT ON FUNCTION agent_loggy.pinned_by_0012() IS
    'The functions whose search_path migration 0012 pins (and its rollback resets).';
REVOKE EXECUTE ON FUNCTION agent_loggy.pinned_by_0012() FROM PUBLIC;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY agent_loggy.pinned_by_0012() LOOP
        CALL agent_loggy.use_vector_schema(f);
    END LOOP;
END
$$;

-- Documents may use only their own project's embedding configs ------------------------------------

DO $$
DECLARE
    n bigint;
BEGIN
    SELECT count(*) INTO n FROM agent_loggy.documents AS d JOIN agent_loggy.embedding_configs AS c
        ON c.id = d.embedding_config_id WHERE c.project <> d.project;
    IF n > 0 THEN
        RAISE EXCEPTION '% document(s) point at an embedding config of another project', n
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Set their embedding_config_id to NULL or to a config of their own project, then migrate again.';
    END IF;
END
$$;
ALTER TABLE agent_loggy.embedding_configs ADD CONSTRAINT embedding_configs_project_id_key UNIQUE (project, id);
ALTER TABLE agent_loggy.documents DROP CONSTRAINT documents_embedding_config_id_fkey;
ALTER TABLE agent_loggy.documents ADD CONSTRAINT documents_embedding_config_fkey
    FOREIGN KEY (project, embedding_config_id) REFERENCES agent_loggy.embedding_configs (project, id);

-- The changelog records the login role as well as the actor the client names ---------------------------

ALTER TABLE agent_loggy.config_changelog ADD COLUMN session_role text;
ALTER TABLE agent_loggy.config_changelog ALTER COLUMN session_role SET DEFAULT session_user;
COMMENT ON COLUMN agent_loggy.config_changelog.session_role IS
    'The role that logged in and made the change (session_user), whatever agent_loggy.actor claims; NULL for rows written before migration 0012.';
