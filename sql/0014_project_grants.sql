-- depends: 0013_fast_checks
-- Project grants: the binding becomes an authorization.
--
--   project_grants     an admin grants a role (a login, or a group it belongs to) a project at a
--                      level, read or write; grants and revocations are changelog rows
--   bound_project()    a binding the role holds no grant for raises 42501 naming the project, at
--                      its first use (set_config itself cannot be refused)
--   visibility         bound: that project; unbound: every project the role is granted (admin:
--                      every project), so an agent's one statement
--                      SELECT * FROM agent_loggy.resolve_prompt('trace_analysis') needs no set_config
--   writes             a restrictive policy: a non-admin writes only the bound project, and only
--                      with a write grant; admins write the bound project, or any when none is bound
--   owner              row level security is enabled but no longer forced: the schema owner (the
--                      migrating role) bypasses it as table owners do in PostgreSQL, so the rules'
--                      own lookups (SECURITY DEFINER, owned by it) do not depend on the caller's
--                      binding; every such function checks access itself
--   protected labels   changes are changelog rows too (they decide what production serves)

-- Grants -------------------------------------------------------------------------------------------

CREATE TABLE agent_loggy.project_grants (
    id         bigint GENERATED ALWAYS AS IDENTITY,
    project    text NOT NULL,
    grantee    text NOT NULL,
    level      text NOT NULL,
    granted_by text NOT NULL DEFAULT coalesce(nullif(current_setting('agent_loggy.actor', true), ''), session_user),
    granted_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT project_grants_pkey PRIMARY KEY (id),
    CONSTRAINT project_grants_project_grantee_key UNIQUE (project, grantee),
    CONSTRAINT project_grants_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT project_grants_grantee_check CHECK (grantee ~ '\S' AND octet_length(grantee) <= 63),
    CONSTRAINT project_grants_level_check CHECK (level IN ('read', 'write'))
);
CREATE INDEX project_grants_grantee_idx ON agent_loggy.project_grants (grantee);
COMMENT ON TABLE agent_loggy.project_grants IS
    'Which roles may use which project: a login role, or a group role it belongs to (with inherited privileges), granted read or write. Only agent_loggy_admin changes it (grant_project / revoke_project); every change is a changelog row of type grant. A binding (agent_loggy.project) to a project the role holds no grant for is refused with 42501.';
COMMENT ON COLUMN agent_loggy.project_grants.project IS 'The project granted.';
COMMENT ON COLUMN agent_loggy.project_grants.grantee IS 'Role name, exactly as in pg_roles.rolname; a grant to a role that no longer exists grants nothing (and a new role of that name inherits it: revoke before dropping a role).';
COMMENT ON COLUMN agent_loggy.project_grants.level IS 'read: bind the project, resolve, search, read its rows; write: also publish, move unprotected labels, import and embed (with the writer group role''s table privileges).';
COMMENT ON COLUMN agent_loggy.project_grants.granted_by IS 'Who granted it: agent_loggy.actor when set, else session_user.';
COMMENT ON COLUMN agent_loggy.project_grants.granted_at IS 'When it was granted or its level last changed.';

-- Who may use what ----------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.holds_grant(p_project text, p_level text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN EXISTS (
        SELECT FROM agent_loggy.project_grants AS g JOIN pg_catalog.pg_roles AS r ON r.rolname = g.grantee
        WHERE g.project = p_project AND (p_level = 'read' OR g.level = 'write')
          AND pg_catalog.pg_has_role(r.oid, 'USAGE'));
COMMENT ON FUNCTION agent_loggy.holds_grant(text, text) IS
    'True when the current role has the privileges of a role granted p_project at p_level or above (write includes read). Grants to roles that no longer exist count for nothing.';

CREATE FUNCTION agent_loggy.granted_projects() RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT DISTINCT g.project
        FROM agent_loggy.project_grants AS g JOIN pg_catalog.pg_roles AS r ON r.rolname = g.grantee
        WHERE pg_catalog.pg_has_role(r.oid, 'USAGE'));
COMMENT ON FUNCTION agent_loggy.granted_projects() IS
    'Every project the current role holds a grant for (read or write), through itself or a role whose privileges it has.';

CREATE FUNCTION agent_loggy.may_use_project(p_project text, p_level text DEFAULT 'read') RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN agent_loggy.is_admin() OR agent_loggy.holds_grant(p_project, p_level);
COMMENT ON FUNCTION agent_loggy.may_use_project(text, text) IS
    'True when the current role may use p_project at p_level (read or write): admin (agent_loggy_admin or the schema owner) for every project, else through a grant.';

CREATE OR REPLACE FUNCTION agent_loggy.bound_project() RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
    bound text := nullif(current_setting('agent_loggy.project', true), '');
BEGIN
    IF bound IS NOT NULL AND NOT agent_loggy.may_use_project(bound, 'read') THEN
        RAISE EXCEPTION 'permission denied for project %: role % holds no grant for it', quote_literal(bound),
            quote_ident(current_user::text)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An agent_loggy_admin grants it: SELECT agent_loggy.grant_project(role, project, ''read''); bind only projects your role is granted.';
    END IF;
    RETURN bound;
END
$$;
COMMENT ON FUNCTION agent_loggy.bound_project() IS
    'The project bound to this transaction (setting agent_loggy.project, set with set_config(''agent_loggy.project'', p, true)); NULL when none is bound or it was reset to ''''. A binding the current role may not use raises 42501 naming the project: the binding is an authorization, checked wherever it is read.';

CREATE FUNCTION agent_loggy.sees_every_project() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN agent_loggy.bound_project() IS NULL AND agent_loggy.is_admin();
COMMENT ON FUNCTION agent_loggy.sees_every_project() IS
    'True for admin with no project bound: the policies then let every project through.';

CREATE FUNCTION agent_loggy.visible_projects() RETURNS text[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
    bound text := agent_loggy.bound_project();
BEGIN
    IF bound IS NOT NULL THEN
        RETURN ARRAY[bound];
    END IF;
    RETURN agent_loggy.granted_projects();
END
$$;
COMMENT ON FUNCTION agent_loggy.visible_projects() IS
    'The projects whose rows the current transaction reads: the bound one, else every project the role is granted (see sees_every_project for admin).';

CREATE FUNCTION agent_loggy.writable_projects() RETURNS text[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
    bound text := agent_loggy.bound_project();
BEGIN
    IF agent_loggy.is_admin() THEN
        RETURN ARRAY[bound];  -- unbound admin: writes_every_project() lets every project through
    ELSIF bound IS NULL THEN
        RETURN '{}';
    ELSIF NOT agent_loggy.holds_grant(bound, 'write') THEN
        RAISE EXCEPTION 'permission denied to write project %: role % may only read it', quote_literal(bound),
            quote_ident(current_user::text)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An agent_loggy_admin grants write access: SELECT agent_loggy.grant_project(role, project, ''write'').';
    END IF;
    RETURN ARRAY[bound];
END
$$;
COMMENT ON FUNCTION agent_loggy.writable_projects() IS
    'The projects the current transaction may write: the bound one, when the role holds a write grant for it (else 42501) or is admin; none when nothing is bound (non-admins write only a bound project).';

CREATE FUNCTION agent_loggy.writes_every_project() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN agent_loggy.bound_project() IS NULL AND agent_loggy.is_admin();
COMMENT ON FUNCTION agent_loggy.writes_every_project() IS
    'True for admin with no project bound: the write policies then let every project through.';

CREATE OR REPLACE FUNCTION agent_loggy.can_access_project(p_project text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE WHEN agent_loggy.bound_project() IS NOT NULL THEN p_project = agent_loggy.bound_project()
                ELSE agent_loggy.may_use_project(p_project, 'read') END;
COMMENT ON FUNCTION agent_loggy.can_access_project(text) IS
    'The isolation rule: a project is within reach when it is the bound project, or, with none bound, when the role is admin or holds a grant for it. The row level security policies state the same rule with sub-selects, so it is evaluated once per statement.';

CREATE OR REPLACE FUNCTION agent_loggy.check_project_access(p_project text) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
    bound text := agent_loggy.bound_project();
BEGIN
    IF bound IS NOT NULL AND bound IS DISTINCT FROM p_project THEN
        RAISE EXCEPTION 'permission denied for project %: this transaction is bound to project %', quote_nullable(p_project), quote_literal(bound)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'A transaction works on the one project it bound; use a new transaction for another project.';
    ELSIF bound IS NULL AND NOT agent_loggy.may_use_project(p_project, 'read') THEN
        RAISE EXCEPTION 'permission denied for project %: role % holds no grant for it', quote_nullable(p_project),
            quote_ident(current_user::text)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An agent_loggy_admin grants it: SELECT agent_loggy.grant_project(role, project, ''read'').';
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.check_project_access(text) IS
    'Raises insufficient_privilege (42501) naming the project when can_access_project() is false: the caller asked for a project other than the bound one, or, with none bound, for a project its role holds no grant for (admins excepted).';

-- Row level security: visibility by grant, writes by binding ---------------------------------------------

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys',
                             'documents', 'config_changelog', 'protected_labels'] LOOP
        EXECUTE format('ALTER TABLE agent_loggy.%I NO FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY project_isolation ON agent_loggy.%I', t);
        EXECUTE format($policy$
            CREATE POLICY project_isolation ON agent_loggy.%I
                USING ((SELECT agent_loggy.sees_every_project()) OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]))
                WITH CHECK ((SELECT agent_loggy.sees_every_project())
                            OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]))$policy$, t);
        EXECUTE format('COMMENT ON POLICY project_isolation ON agent_loggy.%I IS %L', t,
            'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().');
        CONTINUE WHEN t = 'config_changelog';  -- written only by the changelog trigger (the owner's)
        EXECUTE format($policy$
            CREATE POLICY project_writes ON agent_loggy.%I AS RESTRICTIVE FOR INSERT
                WITH CHECK ((SELECT agent_loggy.writes_every_project()) OR project = ANY ((SELECT agent_loggy.writable_projects())::text[]))$policy$, t);
        EXECUTE format($policy$
            CREATE POLICY project_updates ON agent_loggy.%I AS RESTRICTIVE FOR UPDATE
                USING ((SELECT agent_loggy.writes_every_project()) OR project = ANY ((SELECT agent_loggy.writable_projects())::text[]))
                WITH CHECK ((SELECT agent_loggy.writes_every_project())
                            OR project = ANY ((SELECT agent_loggy.writable_projects())::text[]))$policy$, t);
        EXECUTE format($policy$
            CREATE POLICY project_deletes ON agent_loggy.%I AS RESTRICTIVE FOR DELETE
                USING ((SELECT agent_loggy.writes_every_project()) OR project = ANY ((SELECT agent_loggy.writable_projects())::text[]))$policy$, t);
        EXECUTE format('COMMENT ON POLICY project_writes ON agent_loggy.%I IS %L', t,
            'New rows only in the bound project, with a write grant for it (admin: the bound project, or every project with none bound). See writable_projects().');
        EXECUTE format('COMMENT ON POLICY project_updates ON agent_loggy.%I IS %L', t,
            'Updates only of rows of the bound project, with a write grant for it (admin: every project with none bound).');
        EXECUTE format('COMMENT ON POLICY project_deletes ON agent_loggy.%I IS %L', t,
            'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.');
    END LOOP;
END
$$;

-- Grants are visible to the roles they apply to; only admin changes them.
ALTER TABLE agent_loggy.project_grants ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_grants ON agent_loggy.project_grants
    USING ((SELECT agent_loggy.is_admin()) OR pg_catalog.pg_has_role(
        (SELECT r.oid FROM pg_catalog.pg_roles AS r WHERE r.rolname = grantee), 'USAGE'))
    WITH CHECK ((SELECT agent_loggy.is_admin()));
COMMENT ON POLICY own_grants ON agent_loggy.project_grants IS
    'A role sees the grants that apply to it (its own and its groups''); admin sees and changes all of them. Independent of the bound project, so the binding check can read it.';

-- Protected labels and grants in the changelog -------------------------------------------------------------

ALTER TABLE agent_loggy.protected_labels ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE agent_loggy.protected_labels ADD CONSTRAINT protected_labels_id_key UNIQUE (id);
COMMENT ON COLUMN agent_loggy.protected_labels.id IS 'Identity of the row, as the changelog records it.';

ALTER TABLE agent_loggy.config_changelog DROP CONSTRAINT config_changelog_config_type_check;
ALTER TABLE agent_loggy.config_changelog ADD CONSTRAINT config_changelog_config_type_check
    CHECK (config_type IN ('prompt', 'model_config', 'embedding_config', 'context_rule', 'negate_key',
                           'protected_label', 'grant'));
COMMENT ON COLUMN agent_loggy.config_changelog.config_type IS
    'Which table changed: prompt, model_config, embedding_config, context_rule, negate_key, protected_label or grant (project_grants).';
COMMENT ON COLUMN agent_loggy.config_changelog.config_name IS
    'Natural key of the changed row: name, context, "label operator value" for negate keys, the label for protected labels, the role for grants.';

CREATE OR REPLACE FUNCTION agent_loggy.config_name(p_config_type text, p_row jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE p_config_type
        WHEN 'context_rule' THEN p_row ->> 'context'
        WHEN 'negate_key' THEN concat_ws(' ', p_row ->> 'label', p_row ->> 'operator', p_row ->> 'value')
        WHEN 'protected_label' THEN p_row ->> 'label'
        WHEN 'grant' THEN p_row ->> 'grantee'
        ELSE p_row ->> 'name'
    END;
COMMENT ON FUNCTION agent_loggy.config_name(text, jsonb) IS
    'Natural key of a row as the changelog records it: name, context, "label operator value" for negate keys, the label of a protected label, the role of a grant.';

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
            ('prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys', 'protected_labels',
             'project_grants') THEN
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
        WHERE n.key NOT IN ('updated_at', 'granted_at') AND n.value IS DISTINCT FROM old_data -> n.key;
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

CREATE TRIGGER write_changelog AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.protected_labels
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('protected_label');
CREATE TRIGGER write_changelog AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.project_grants
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('grant');
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.protected_labels
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.project_grants
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

-- The protection of production in default, seeded by 0012, gets its create row.
INSERT INTO agent_loggy.config_changelog (config_type, config_id, project, config_name, change_type, change_summary,
                                          new_data, changed_by)
SELECT 'protected_label', p.id, p.project, p.label, 'create', 'recorded by migration 0014_project_grants',
       to_jsonb(p), 'migration 0014_project_grants'
FROM agent_loggy.protected_labels AS p;

-- Granting and revoking ------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.grant_project(p_role text, p_project text, p_level text DEFAULT 'read')
    RETURNS agent_loggy.project_grants
    LANGUAGE plpgsql
AS $$
DECLARE
    result agent_loggy.project_grants;
BEGIN
    IF NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to grant project %: only agent_loggy_admin grants projects', quote_nullable(p_project)
            USING ERRCODE = 'insufficient_privilege';
    ELSIF p_project IS NULL OR NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
            quote_nullable(p_project) USING ERRCODE = 'invalid_parameter_value';
    ELSIF p_level IS NULL OR p_level NOT IN ('read', 'write') THEN
        RAISE EXCEPTION 'invalid grant level %: expected read or write', quote_nullable(p_level)
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = p_role) THEN
        RAISE EXCEPTION 'no role named % on this server', quote_nullable(p_role)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the role name exactly as pg_roles.rolname spells it (case matters).';
    END IF;
    INSERT INTO agent_loggy.project_grants AS g (project, grantee, level)
    VALUES (p_project, p_role, p_level)
    ON CONFLICT (project, grantee) DO UPDATE
        SET level = EXCLUDED.level, granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at
        WHERE g.level IS DISTINCT FROM EXCLUDED.level
    RETURNING * INTO result;
    IF NOT FOUND THEN  -- the same grant was there already
        SELECT * INTO result FROM agent_loggy.project_grants AS g WHERE g.project = p_project AND g.grantee = p_role;
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION agent_loggy.grant_project(text, text, text) IS
    'Admin only: lets role p_role (a login or a group role) use project p_project at p_level (read or write; write includes read), or changes the level of its grant; returns the grant. A no-op when the same grant exists. Recorded in the changelog (type grant). Raises 22023 for an invalid project or level or an unknown role.';

CREATE FUNCTION agent_loggy.revoke_project(p_role text, p_project text) RETURNS text
    LANGUAGE plpgsql
AS $$
DECLARE
    removed text;
BEGIN
    IF NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to revoke project %: only agent_loggy_admin revokes grants', quote_nullable(p_project)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM agent_loggy.project_grants AS g WHERE g.project = p_project AND g.grantee = p_role
    RETURNING g.level INTO removed;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role % holds no grant for project %', quote_nullable(p_role), quote_nullable(p_project)
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN removed;
END
$$;
COMMENT ON FUNCTION agent_loggy.revoke_project(text, text) IS
    'Admin only: takes away the grant of p_role for p_project and returns its level; P0002 when there is none. Recorded in the changelog (type grant, delete). Grants through group roles stay: revoke those from the group.';

-- Privileges -------------------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    agent_loggy.holds_grant(text, text), agent_loggy.granted_projects(), agent_loggy.may_use_project(text, text),
    agent_loggy.sees_every_project(), agent_loggy.visible_projects(), agent_loggy.writable_projects(),
    agent_loggy.writes_every_project(), agent_loggy.grant_project(text, text, text),
    agent_loggy.revoke_project(text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    agent_loggy.holds_grant(text, text), agent_loggy.granted_projects(), agent_loggy.may_use_project(text, text),
    agent_loggy.sees_every_project(), agent_loggy.visible_projects(), agent_loggy.writable_projects(),
    agent_loggy.writes_every_project()
    TO agent_loggy_reader;
GRANT EXECUTE ON FUNCTION agent_loggy.grant_project(text, text, text), agent_loggy.revoke_project(text, text)
    TO agent_loggy_admin;
GRANT SELECT ON agent_loggy.project_grants TO agent_loggy_reader;
GRANT INSERT (project, grantee, level), UPDATE (level, granted_by, granted_at), DELETE ON agent_loggy.project_grants
    TO agent_loggy_admin;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY[
            'agent_loggy.holds_grant(text, text)', 'agent_loggy.granted_projects()',
            'agent_loggy.may_use_project(text, text)', 'agent_loggy.bound_project()',
            'agent_loggy.sees_every_project()', 'agent_loggy.visible_projects()', 'agent_loggy.writable_projects()',
            'agent_loggy.writes_every_project()', 'agent_loggy.can_access_project(text)',
            'agent_loggy.check_project_access(text)', 'agent_loggy.grant_project(text, text, text)',
            'agent_loggy.revoke_project(text, text)']::regprocedure[] LOOP
        CALL agent_loggy.use_vector_schema(f);
    END LOOP;
END
$$;
