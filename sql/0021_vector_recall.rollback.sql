-- Rolls back 0021_vector_recall: vector search runs with the caller's hnsw.ef_search again (as 0009 left it).
-- Load pgvector's library first: until then hnsw.* are placeholders only a superuser may SET (see 0009).
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
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_document_ids(vector, text, integer, text[])');
COMMENT ON FUNCTION agent_loggy.nearest_document_ids(vector, text, integer, text[]) IS
    'Ids of the p_count documents of p_project carrying all p_tags (NULL: any) nearest to p_query by cosine distance, nearest first (ties by id). Asks the HNSW index with relaxed iterative scans and re-sorts by exact distance; searches exactly when the index yields fewer than p_count rows. Arguments are not checked: the search functions check them.';

CREATE OR REPLACE FUNCTION agent_loggy.search_documents(p_query vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL::text[]) RETURNS TABLE(id bigint, project text, source text, external_id text, title text, content text, tags text[], metadata jsonb, similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q vector := agent_loggy.checked_query_vector(p_query);
BEGIN
    RETURN QUERY
    SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata,
           1 - (d.embedding <=> q)
    FROM unnest(agent_loggy.nearest_document_ids(q, agent_loggy.checked_project(p_project),
                agent_loggy.checked_limit(p_limit), agent_loggy.checked_tags(p_tags))) WITH ORDINALITY AS n (id, rank)
    JOIN agent_loggy.documents AS d ON d.id = n.id
    ORDER BY n.rank;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.search_documents(vector, text, integer, text[])');

CREATE OR REPLACE FUNCTION agent_loggy.search_context_rules(p_query vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 5) RETURNS TABLE(id bigint, project text, context text, version integer, important text, ignore text, description text, similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q vector := agent_loggy.checked_query_vector(p_query);
BEGIN
    RETURN QUERY
    SELECT r.id, r.project, r.context, r.version, r.important, r.ignore, r.description, 1 - (r.embedding <=> q)
    FROM unnest(agent_loggy.nearest_context_rule_ids(q, agent_loggy.checked_project(p_project),
                agent_loggy.checked_limit(p_limit))) WITH ORDINALITY AS n (id, rank)
    JOIN agent_loggy.context_rules AS r ON r.id = n.id
    ORDER BY n.rank;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.search_context_rules(vector, text, integer)');

CREATE OR REPLACE FUNCTION agent_loggy.search_prompts(p_query vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 5) RETURNS TABLE(id bigint, project text, name text, version integer, type text, description text, usage text, labels text[], similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q vector := agent_loggy.checked_query_vector(p_query);
BEGIN
    RETURN QUERY
    SELECT p.id, p.project, p.name, p.version, p.type, p.description, p.usage, p.labels, 1 - (p.embedding <=> q)
    FROM unnest(agent_loggy.nearest_prompt_ids(q, agent_loggy.checked_project(p_project),
                agent_loggy.checked_limit(p_limit))) WITH ORDINALITY AS n (id, rank)
    JOIN agent_loggy.prompts AS p ON p.id = n.id
    ORDER BY n.rank;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.search_prompts(vector, text, integer)');

DROP FUNCTION agent_loggy.hnsw_ef_search(integer);
