-- Rolls back 0025_policy_checks: both halves of every policy validate the binding again, and
-- bound_project() asks may_use_project() (as 0014 left them).

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

CREATE OR REPLACE FUNCTION agent_loggy.sees_every_project() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN agent_loggy.bound_project() IS NULL AND agent_loggy.is_admin();
COMMENT ON FUNCTION agent_loggy.sees_every_project() IS
    'True for admin with no project bound: the policies then let every project through.';

CREATE OR REPLACE FUNCTION agent_loggy.writes_every_project() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN agent_loggy.bound_project() IS NULL AND agent_loggy.is_admin();
COMMENT ON FUNCTION agent_loggy.writes_every_project() IS
    'True for admin with no project bound: the write policies then let every project through.';

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
