-- Rolls back 0020_bm25: keyword search ranks by ts_rank again (as 0019 left it) and the BM25 statistics go.
CREATE OR REPLACE FUNCTION agent_loggy.keyword_search_documents(
    p_query_text text, p_project text DEFAULT 'default', p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL)
    RETURNS TABLE (id bigint, project text, source text, external_id text, title text, content text,
                   tags text[], metadata jsonb, rank real)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q tsquery := agent_loggy.keyword_query(agent_loggy.checked_query_text(p_query_text));
BEGIN
    RETURN QUERY
    SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata,
           ts_rank(d.search_vector, q, 1)
    FROM unnest(agent_loggy.keyword_document_ids(p_query_text, agent_loggy.checked_project(p_project),
                agent_loggy.checked_limit(p_limit), agent_loggy.checked_tags(p_tags))) WITH ORDINALITY AS n (id, pos)
    JOIN agent_loggy.documents AS d ON d.id = n.id
    ORDER BY n.pos;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.keyword_search_documents(text, text, integer, text[])');
COMMENT ON FUNCTION agent_loggy.keyword_search_documents(text, text, integer, text[]) IS
    'Full-text search of the documents of p_project: rows whose title or content contain any english lexeme of p_query_text (see keyword_query), best first by rank = ts_rank(search_vector, query, 1) (title weighs more than content; normalised by document length); ties by id. p_tags keeps documents carrying all the given tags. Finds documents with or without embeddings.';
COMMENT ON FUNCTION agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer) IS
    'Hybrid search of the documents of p_project: keyword search (keyword_search_documents) and vector search (search_documents) each rank a window of rrf_candidates(p_limit, p_rrf_k) candidates (80 for the defaults), fused by reciprocal rank fusion: score = p_keyword_weight / (p_rrf_k + keyword_rank) + p_semantic_weight / (p_rrf_k + semantic_rank), an absent rank contributing 0. Best score first, ties by id. Either query may be NULL, and either weight 0 (that branch is skipped), not both; similarity is 1 - cosine distance (NULL without a query vector or an embedding).';

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

DROP FUNCTION agent_loggy.keyword_document_scores(text, text, integer, text[]);
DROP FUNCTION agent_loggy.keyword_ranking();
DROP FUNCTION agent_loggy.bm25_score(bigint, text, double precision, double precision);
DROP FUNCTION agent_loggy.bm25_document_scores(text, text, integer, text[], double precision, double precision);
DROP FUNCTION agent_loggy.checked_readable_project(text);
DROP FUNCTION agent_loggy.bm25_tsquery(text[], text);
DROP FUNCTION agent_loggy.bm25_query(text, text);
DROP FUNCTION agent_loggy.bm25_expression(text[], double precision[], double precision, double precision, double precision);
DROP FUNCTION agent_loggy.bm25_parameter(text, double precision);
DROP TRIGGER keyword_statistics_insert ON agent_loggy.documents;
DROP TRIGGER keyword_statistics_update ON agent_loggy.documents;
DROP TRIGGER keyword_statistics_delete ON agent_loggy.documents;
DROP TRIGGER keyword_statistics_truncate ON agent_loggy.documents;
DROP FUNCTION agent_loggy.count_keyword_changes();
DROP FUNCTION agent_loggy.forget_keyword_counts();
DROP FUNCTION agent_loggy.recount_keyword_statistics();
DROP TRIGGER fold_keyword_changes ON agent_loggy.keyword_change_transactions;
DROP FUNCTION agent_loggy.fold_keyword_changes();
DROP TABLE agent_loggy.keyword_change_transactions;
DROP TABLE agent_loggy.keyword_changes;
DROP TRIGGER t90_touch_updated_at ON agent_loggy.documents;
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.documents
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at('search_vector');
ALTER TABLE agent_loggy.documents DROP COLUMN keyword_frequencies;
DROP FUNCTION agent_loggy.keyword_frequencies(tsvector);
DROP FUNCTION agent_loggy.keyword_term_frequencies(tsvector);
DROP TABLE agent_loggy.keyword_terms;
DROP TABLE agent_loggy.keyword_corpus;
