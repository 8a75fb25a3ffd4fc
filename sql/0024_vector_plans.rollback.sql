-- Rolls back 0024_vector_plans: the nearest_*_ids() functions plan per call with
-- plan_cache_mode = force_custom_plan again (as 0009 and 0021 left them).
-- Load pgvector's library first: until then hnsw.* are placeholders only a superuser may SET (see 0009).
DO $$ BEGIN PERFORM '[1]'::vector <=> '[1]'::vector; END $$;

CREATE OR REPLACE FUNCTION agent_loggy.nearest_document_ids(p_query vector, p_project text, p_count integer, p_tags text[])
    RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SET hnsw.iterative_scan = 'relaxed_order'
    SET plan_cache_mode = 'force_custom_plan'
    SET cursor_tuple_fraction = 1  -- the cursor is read to its end: plan for all its rows, not a fast start
AS $$
DECLARE
    caller_ef_search constant text := coalesce(current_setting('hnsw.ef_search', true), '40');
    nearest refcursor;
    found_id bigint;
    found_distance double precision;
    ids bigint[] := '{}';
    distances double precision[] := '{}';
BEGIN
    -- Plans are made at OPEN, at pgvector's default ef_search (40), whatever the caller set: the
    -- cost of the index path grows with it, and a plan made at 1000 sorts exactly.
    PERFORM set_config('hnsw.ef_search', '40', true);
    OPEN nearest FOR
        SELECT d.id, d.embedding <=> p_query
        FROM agent_loggy.documents AS d
        WHERE d.project = p_project AND d.embedding IS NOT NULL AND (p_tags IS NULL OR d.tags @> p_tags)
        ORDER BY d.embedding <=> p_query
        LIMIT p_count;
    PERFORM set_config('hnsw.ef_search',
                       greatest(caller_ef_search::integer, agent_loggy.hnsw_ef_search(p_count))::text, true);
    LOOP  -- the scan starts at the first fetch and reads the raised ef_search
        FETCH nearest INTO found_id, found_distance;
        EXIT WHEN NOT FOUND;
        ids := ids || found_id;
        distances := distances || found_distance;
    END LOOP;
    CLOSE nearest;
    PERFORM set_config('hnsw.ef_search', caller_ef_search, true);
    IF cardinality(ids) < p_count THEN  -- the index scan stopped early: search exactly
        RETURN ARRAY(
            SELECT d.id
            FROM agent_loggy.documents AS d
            WHERE d.project = p_project AND d.embedding IS NOT NULL AND (p_tags IS NULL OR d.tags @> p_tags)
            ORDER BY (d.embedding <=> p_query) + 0, d.id
            LIMIT p_count);
    END IF;
    RETURN ARRAY(SELECT n.id FROM unnest(ids, distances) AS n (id, distance) ORDER BY n.distance, n.id);
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_document_ids(vector, text, integer, text[])');
COMMENT ON FUNCTION agent_loggy.nearest_document_ids(vector, text, integer, text[]) IS
    'Ids of the p_count documents of p_project carrying all p_tags (NULL: any) nearest to p_query by cosine distance, nearest first (ties by id). Asks the HNSW index with relaxed iterative scans and hnsw.ef_search = hnsw_ef_search(p_count) (or the caller''s, if larger; planned at 40, the caller''s value restored on return), and re-sorts by exact distance; searches exactly when the index yields fewer than p_count rows. Planned per call for all the rows it returns, so a rare project or tag gets an exact scan of its rows. Arguments are not checked: the search functions check them.';

CREATE OR REPLACE FUNCTION agent_loggy.nearest_context_rule_ids(p_query vector, p_project text, p_count integer)
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
            SELECT r.id, r.embedding <=> p_query AS distance
            FROM agent_loggy.context_rules AS r
            WHERE r.project = p_project AND r.embedding IS NOT NULL AND agent_loggy.is_current_context_rule(r.id)
            ORDER BY r.embedding <=> p_query
            LIMIT p_count) AS n
        ORDER BY n.distance + 0, n.id);  -- "+ 0": the planner must not trust the relaxed index order
    IF cardinality(ids) < p_count THEN  -- the index scan stopped early: search exactly
        ids := ARRAY(
            SELECT r.id
            FROM agent_loggy.context_rules AS r
            WHERE r.project = p_project AND r.embedding IS NOT NULL AND agent_loggy.is_current_context_rule(r.id)
            ORDER BY (r.embedding <=> p_query) + 0, r.id
            LIMIT p_count);
    END IF;
    RETURN ids;
END
$$;
COMMENT ON FUNCTION agent_loggy.nearest_context_rule_ids(vector, text, integer) IS
    'Ids of the p_count current context rules of p_project nearest to p_query by cosine distance, nearest first; same strategy as nearest_document_ids.';
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_context_rule_ids(vector, text, integer)');

CREATE OR REPLACE FUNCTION agent_loggy.nearest_prompt_ids(p_query vector, p_project text, p_count integer)
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
            SELECT p.id, p.embedding <=> p_query AS distance
            FROM agent_loggy.prompts AS p
            WHERE p.project = p_project AND p.embedding IS NOT NULL AND p.is_active AND NOT EXISTS (
                SELECT FROM agent_loggy.prompts AS n
                WHERE n.project = p.project AND n.name = p.name AND n.is_active AND n.version > p.version)
            ORDER BY p.embedding <=> p_query
            LIMIT p_count) AS n
        ORDER BY n.distance + 0, n.id);  -- "+ 0": the planner must not trust the relaxed index order
    IF cardinality(ids) < p_count THEN  -- the index scan stopped early: search exactly
        ids := ARRAY(
            SELECT p.id
            FROM agent_loggy.prompts AS p
            WHERE p.project = p_project AND p.embedding IS NOT NULL AND p.is_active AND NOT EXISTS (
                SELECT FROM agent_loggy.prompts AS n
                WHERE n.project = p.project AND n.name = p.name AND n.is_active AND n.version > p.version)
            ORDER BY (p.embedding <=> p_query) + 0, p.id
            LIMIT p_count);
    END IF;
    RETURN ids;
END
$$;
COMMENT ON FUNCTION agent_loggy.nearest_prompt_ids(vector, text, integer) IS
    'Ids of the p_count prompts of p_project nearest to p_query by cosine distance, considering only the newest active version of each name; same strategy as nearest_document_ids.';
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_prompt_ids(vector, text, integer)');
