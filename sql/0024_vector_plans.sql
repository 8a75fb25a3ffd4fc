-- depends: 0023_bm25_bounds
-- Vector search plans its query per call without replanning everything the query calls (issue: search
-- at scale, item 5: search functions as cheap as the raw SQL).
--
-- nearest_document_ids(), nearest_context_rule_ids() and nearest_prompt_ids() set
-- plan_cache_mode = force_custom_plan (0009, 0021) so that each call's query is planned for its
-- project and tags (a rare project through its btree index and an exact sort, a tag through the GIN
-- index). A function's SET reaches everything it calls, and PostgreSQL 18 caches the plans of SQL
-- functions too: row level security's checks (sees_every_project(), visible_projects(),
-- bound_project(), the grant lookups under them) were planned afresh at every call as well. Under
-- pgbench (one client, reader login, 10,000 documents) that was 0.6-1.0 ms of a 2.3-2.9 ms call,
-- where the raw query takes 1.5 ms.
--
-- The three functions now run their queries with EXECUTE ... USING: PostgreSQL plans a dynamic query
-- once for the values it is given (one-shot, parameters as constants), so the query is still planned
-- for its filter, and what it calls keeps its cached plans. They stay SECURITY INVOKER: their
-- search_path holds pgvector's schema (public by default), and a definer's must hold nothing a caller
-- could create an operator in.

-- Load pgvector's library first: until then hnsw.* are placeholders only a superuser may SET (see 0009).
DO $$ BEGIN PERFORM '[1]'::vector <=> '[1]'::vector; END $$;

CREATE OR REPLACE FUNCTION agent_loggy.nearest_document_ids(p_query vector, p_project text, p_count integer, p_tags text[])
    RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SET hnsw.iterative_scan = 'relaxed_order'
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
    -- Planned at OPEN, for these values, at pgvector's default ef_search (40), whatever the caller
    -- set: the cost of the index path grows with it, and a plan made at 1000 sorts exactly.
    PERFORM set_config('hnsw.ef_search', '40', true);
    OPEN nearest FOR EXECUTE
        'SELECT d.id, d.embedding <=> $1
         FROM agent_loggy.documents AS d
         WHERE d.project = $2 AND d.embedding IS NOT NULL AND ($4 IS NULL OR d.tags @> $4)
         ORDER BY d.embedding <=> $1
         LIMIT $3'
        USING p_query, p_project, p_count, p_tags;
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
        EXECUTE
            'SELECT ARRAY(
                 SELECT d.id
                 FROM agent_loggy.documents AS d
                 WHERE d.project = $2 AND d.embedding IS NOT NULL AND ($4 IS NULL OR d.tags @> $4)
                 ORDER BY (d.embedding <=> $1) + 0, d.id
                 LIMIT $3)'
            INTO ids USING p_query, p_project, p_count, p_tags;
        RETURN ids;
    END IF;
    RETURN ARRAY(SELECT n.id FROM unnest(ids, distances) AS n (id, distance) ORDER BY n.distance, n.id);
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_document_ids(vector, text, integer, text[])');
COMMENT ON FUNCTION agent_loggy.nearest_document_ids(vector, text, integer, text[]) IS
    'Ids of the p_count documents of p_project carrying all p_tags (NULL: any) nearest to p_query by cosine distance, nearest first (ties by id). Asks the HNSW index with relaxed iterative scans and hnsw.ef_search = hnsw_ef_search(p_count) (or the caller''s, if larger; planned at 40, the caller''s value restored on return), and re-sorts by exact distance; searches exactly when the index yields fewer than p_count rows. Each query is planned for the call''s values (EXECUTE ... USING) and for all the rows it returns, so a rare project or tag gets an exact scan of its rows. Arguments are not checked: the search functions check them.';

CREATE OR REPLACE FUNCTION agent_loggy.nearest_context_rule_ids(p_query vector, p_project text, p_count integer)
    RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SET hnsw.iterative_scan = 'relaxed_order'
AS $$
DECLARE
    ids bigint[];
BEGIN
    EXECUTE
        'SELECT ARRAY(
             SELECT n.id FROM (
                 SELECT r.id, r.embedding <=> $1 AS distance
                 FROM agent_loggy.context_rules AS r
                 WHERE r.project = $2 AND r.embedding IS NOT NULL AND agent_loggy.is_current_context_rule(r.id)
                 ORDER BY r.embedding <=> $1
                 LIMIT $3) AS n
             ORDER BY n.distance + 0, n.id)'  -- "+ 0": the planner must not trust the relaxed index order
        INTO ids USING p_query, p_project, p_count;
    IF cardinality(ids) < p_count THEN  -- the index scan stopped early: search exactly
        EXECUTE
            'SELECT ARRAY(
                 SELECT r.id
                 FROM agent_loggy.context_rules AS r
                 WHERE r.project = $2 AND r.embedding IS NOT NULL AND agent_loggy.is_current_context_rule(r.id)
                 ORDER BY (r.embedding <=> $1) + 0, r.id
                 LIMIT $3)'
            INTO ids USING p_query, p_project, p_count;
    END IF;
    RETURN ids;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_context_rule_ids(vector, text, integer)');
COMMENT ON FUNCTION agent_loggy.nearest_context_rule_ids(vector, text, integer) IS
    'Ids of the p_count current context rules of p_project nearest to p_query by cosine distance, nearest first; same strategy as nearest_document_ids (queries planned per call for their values), at the session''s hnsw.ef_search.';

CREATE OR REPLACE FUNCTION agent_loggy.nearest_prompt_ids(p_query vector, p_project text, p_count integer)
    RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SET hnsw.iterative_scan = 'relaxed_order'
AS $$
DECLARE
    ids bigint[];
BEGIN
    EXECUTE
        'SELECT ARRAY(
             SELECT n.id FROM (
                 SELECT p.id, p.embedding <=> $1 AS distance
                 FROM agent_loggy.prompts AS p
                 WHERE p.project = $2 AND p.embedding IS NOT NULL AND p.is_active AND NOT EXISTS (
                     SELECT FROM agent_loggy.prompts AS n
                     WHERE n.project = p.project AND n.name = p.name AND n.is_active AND n.version > p.version)
                 ORDER BY p.embedding <=> $1
                 LIMIT $3) AS n
             ORDER BY n.distance + 0, n.id)'  -- "+ 0": the planner must not trust the relaxed index order
        INTO ids USING p_query, p_project, p_count;
    IF cardinality(ids) < p_count THEN  -- the index scan stopped early: search exactly
        EXECUTE
            'SELECT ARRAY(
                 SELECT p.id
                 FROM agent_loggy.prompts AS p
                 WHERE p.project = $2 AND p.embedding IS NOT NULL AND p.is_active AND NOT EXISTS (
                     SELECT FROM agent_loggy.prompts AS n
                     WHERE n.project = p.project AND n.name = p.name AND n.is_active AND n.version > p.version)
                 ORDER BY (p.embedding <=> $1) + 0, p.id
                 LIMIT $3)'
            INTO ids USING p_query, p_project, p_count;
    END IF;
    RETURN ids;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_prompt_ids(vector, text, integer)');
COMMENT ON FUNCTION agent_loggy.nearest_prompt_ids(vector, text, integer) IS
    'Ids of the p_count prompts of p_project nearest to p_query by cosine distance, considering only the newest active version of each name; same strategy as nearest_context_rule_ids.';
