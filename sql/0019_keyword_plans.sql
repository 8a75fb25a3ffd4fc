-- depends: 0018_runs
-- Keyword search that uses its indexes for every role, at every call (issue: search at scale, item 1).
--
-- Two things kept keyword_document_ids() off the GIN index for the agents' own logins:
--   row level security  `@@` is not leakproof, so under a policy it may not run before the policy's
--                       filter and cannot be an index condition: a reader's search scanned the table
--   generic plans       a SQL function's plan is cached; after five calls it is generic, where
--                       keyword_query($1) is no constant, and the planner scans
-- Now the function asks who may read the project itself, for the login calling it (session_user:
-- inside a SECURITY DEFINER function current_user is the owner), then reads the project's rows as the
-- owner, who bypasses row level security, with a plan made for this call's query (EXECUTE).

CREATE FUNCTION agent_loggy.session_may_read(p_project text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    RETURN CASE
        WHEN nullif(current_setting('agent_loggy.project', true), '') IS NOT NULL
             AND current_setting('agent_loggy.project', true) IS DISTINCT FROM p_project THEN false
        ELSE agent_loggy.session_is_admin() OR EXISTS (
            SELECT FROM agent_loggy.project_grants AS g JOIN pg_catalog.pg_roles AS r ON r.rolname = g.grantee
            WHERE g.project = p_project AND pg_catalog.pg_has_role(session_user, r.oid, 'USAGE'))
    END;
COMMENT ON FUNCTION agent_loggy.session_may_read(text) IS
    'can_access_project() for the login (session_user), which a SECURITY DEFINER function must ask: p_project is the bound project, or with none bound, the login is admin or holds a grant for it (itself or through a role whose privileges it has). A binding to a project the login holds no grant for reaches nothing.';

CREATE OR REPLACE FUNCTION agent_loggy.keyword_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[])
    RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q tsquery := agent_loggy.keyword_query(p_query_text);
    ids bigint[];
BEGIN
    IF NOT agent_loggy.session_may_read(p_project) THEN
        RAISE EXCEPTION 'permission denied for project %: the login % may not read it (or the transaction is bound to another project)',
            quote_nullable(p_project), quote_ident(session_user::text)
            USING ERRCODE = 'insufficient_privilege';
    ELSIF q IS NULL THEN
        RETURN '{}';
    END IF;
    -- a plan for this call: the query and project are constants to the planner
    EXECUTE format($query$
        SELECT ARRAY(
            SELECT d.id
            FROM agent_loggy.documents AS d
            WHERE d.project = %L AND d.search_vector @@ %L::tsquery AND (%L::text[] IS NULL OR d.tags @> %L::text[])
            ORDER BY ts_rank(d.search_vector, %L::tsquery, 1) DESC, d.id
            LIMIT %L::integer)$query$, p_project, q, p_tags, p_tags, q, p_count)
    INTO ids;
    RETURN ids;
END
$$;
COMMENT ON FUNCTION agent_loggy.keyword_document_ids(text, text, integer, text[]) IS
    'Ids of the p_count documents of p_project carrying all p_tags (NULL: any) that match keyword_query(p_query_text), best ts_rank first (normalised by document length; ties by id). Raises 42501 unless the calling login may read p_project (session_may_read); then reads as the owner, so the GIN index serves every role, with a plan made for this call. Arguments are not checked otherwise: the search functions check them.';

REVOKE EXECUTE ON FUNCTION agent_loggy.session_may_read(text) FROM PUBLIC;
