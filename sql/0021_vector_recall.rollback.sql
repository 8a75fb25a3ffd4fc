-- Rolls back 0021_vector_recall: nearest_document_ids() runs at the session's hnsw.ef_search again.
DO $$ BEGIN PERFORM '[1]'::vector <=> '[1]'::vector; END $$;
CREATE OR REPLACE FUNCTION agent_loggy.nearest_document_ids(p_query vector, p_project text, p_count integer, p_tags text[])
    RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SET hnsw.iterative_scan = 'relaxed_order'
    SET plan_cache_mode = 'force_custom_plan'
AS $$
DECLARE
    ids bigint[];
BEGIN
    ids := ARRAY(
        SELECT n.id FROM (
            SELECT d.id, d.embedding <=> p_query AS distance
            FROM agent_loggy.documents AS d
            WHERE d.project = p_project AND d.embedding IS NOT NULL AND (p_tags IS NULL OR d.tags @> p_tags)
            ORDER BY d.embedding <=> p_query
            LIMIT p_count) AS n
        ORDER BY n.distance + 0, n.id);  -- "+ 0": the planner must not trust the relaxed index order
    IF cardinality(ids) < p_count THEN  -- the index scan stopped early: search exactly
        ids := ARRAY(
            SELECT d.id
            FROM agent_loggy.documents AS d
            WHERE d.project = p_project AND d.embedding IS NOT NULL AND (p_tags IS NULL OR d.tags @> p_tags)
            ORDER BY (d.embedding <=> p_query) + 0, d.id
            LIMIT p_count);
    END IF;
    RETURN ids;
END
$$;
ALTER FUNCTION agent_loggy.nearest_document_ids(vector, text, integer, text[]) RESET hnsw.ef_search;
COMMENT ON FUNCTION agent_loggy.nearest_document_ids(vector, text, integer, text[]) IS
    'Ids of the p_count documents of p_project carrying all p_tags (NULL: any) nearest to p_query by cosine distance, nearest first (ties by id). Asks the HNSW index with relaxed iterative scans and re-sorts by exact distance; searches exactly when the index yields fewer than p_count rows. Arguments are not checked: the search functions check them.';
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_document_ids(vector, text, integer, text[])');
