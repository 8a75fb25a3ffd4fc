-- Rolls back 0019_keyword_plans: keyword_document_ids() is again a SQL function run as the caller.
CREATE OR REPLACE FUNCTION agent_loggy.keyword_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[])
    RETURNS bigint[]
    LANGUAGE sql STABLE
    SECURITY INVOKER
AS $$
    SELECT ARRAY(
        SELECT d.id
        FROM agent_loggy.documents AS d
        WHERE d.project = p_project AND d.search_vector @@ agent_loggy.keyword_query(p_query_text)
          AND (p_tags IS NULL OR d.tags @> p_tags)
        ORDER BY ts_rank(d.search_vector, agent_loggy.keyword_query(p_query_text), 1) DESC, d.id
        LIMIT p_count)
$$;
ALTER FUNCTION agent_loggy.keyword_document_ids(text, text, integer, text[]) RESET ALL;
COMMENT ON FUNCTION agent_loggy.keyword_document_ids(text, text, integer, text[]) IS
    'Ids of the p_count documents of p_project carrying all p_tags (NULL: any) that match keyword_query(p_query_text), best ts_rank first (normalised by document length; ties by id). Arguments are not checked: the search functions check them.';
DROP FUNCTION agent_loggy.session_may_read(text);
