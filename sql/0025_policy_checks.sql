-- depends: 0024_vector_plans
-- Row level security's checks do less work a query (issue: search at scale, item 5: hot paths as cheap
-- as the raw SQL).
--
-- Every policy reads (SELECT sees_every_project()) OR project = ANY ((SELECT visible_projects())), or
-- the same pair for writes, and both halves validated the binding: bound_project() checks that the
-- role holds a grant for the bound project (is_admin(), then holds_grant(), under may_use_project()).
-- A bound agent paid that twice a table a query: about 100 µs of resolve_prompt()'s 200 µs under
-- pgbench, where SELECT 1 takes 22 µs.
--
--   sees_every_project(), writes_every_project()
--                      false as soon as a project is bound, without validating the binding: the
--                      other half of every policy (visible_projects(), writable_projects(),
--                      bound_project()) validates it, and runs whenever this one is false
--   bound_project()    asks holds_grant() first, is_admin() only when no grant is held (agents hold
--                      grants; admins are rarer), without the may_use_project() layer
-- What they return, and what they raise, is unchanged.

CREATE OR REPLACE FUNCTION agent_loggy.sees_every_project() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN nullif(current_setting('agent_loggy.project', true), '') IS NULL AND agent_loggy.is_admin();
COMMENT ON FUNCTION agent_loggy.sees_every_project() IS
    'True for admin with no project bound: the policies then let every project through. False as soon as a project is bound, without validating the binding: visible_projects(), the other half of every read policy, validates it.';

CREATE OR REPLACE FUNCTION agent_loggy.writes_every_project() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN nullif(current_setting('agent_loggy.project', true), '') IS NULL AND agent_loggy.is_admin();
COMMENT ON FUNCTION agent_loggy.writes_every_project() IS
    'True for admin with no project bound: the write policies then let every project through. False as soon as a project is bound, without validating the binding: writable_projects() or bound_project(), the other half of every write policy, validates it.';

CREATE OR REPLACE FUNCTION agent_loggy.bound_project() RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
    bound text := nullif(current_setting('agent_loggy.project', true), '');
BEGIN
    IF bound IS NOT NULL AND NOT (agent_loggy.holds_grant(bound, 'read') OR agent_loggy.is_admin()) THEN
        RAISE EXCEPTION 'permission denied for project %: role % holds no grant for it', quote_literal(bound),
            quote_ident(current_user::text)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An agent_loggy_admin grants it: SELECT agent_loggy.grant_project(role, project, ''read''); bind only projects your role is granted.';
    END IF;
    RETURN bound;
END
$$;
COMMENT ON FUNCTION agent_loggy.bound_project() IS
    'The project bound to this transaction (setting agent_loggy.project, set with set_config(''agent_loggy.project'', p, true)); NULL when none is bound or it was reset to ''''. A binding the current role may not use (no grant, not admin) raises 42501 naming the project: the binding is an authorization, checked wherever it is read.';

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY['agent_loggy.sees_every_project()', 'agent_loggy.writes_every_project()',
                             'agent_loggy.bound_project()']::regprocedure[] LOOP
        CALL agent_loggy.use_vector_schema(f);
    END LOOP;
END
$$;
