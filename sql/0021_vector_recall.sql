-- depends: 0020_bm25
-- Vector recall (issue: search at scale, item 4): hnsw.ef_search chosen per call from the number of
-- nearest documents asked for, raised only for the index scan's execution.
--
--   hnsw_ef_search()   the candidate list for p_count nearest rows: at least 64 (top-10 overlap with
--                      exact search 0.993 on real embeddings, against 0.985 at pgvector's default 40)
--                      and twice the count, at most 1000 (pgvector's bound)
--   nearest_document_ids()
--                      plans its index scan at pgvector's default ef_search (40), then raises it before
--                      the first row is read: pgvector's cost estimate of the index path grows with
--                      ef_search, and planned with a large one the planner chose an exact scan and a
--                      sort on small tables (5,000 documents: 22 ms against 1.3 ms); pgvector reads
--                      ef_search when the scan starts, at the first fetch. The caller's value is back
--                      when the function returns. The cursor is planned for all its rows
--                      (cursor_tuple_fraction 1): planned for a fast start, as cursors are by default,
--                      a 1 % project of 100,000 documents took the HNSW index (8-13 ms) instead of its
--                      btree index and an exact sort (4 ms, recall 1.0).
--   search_documents(), search_context_rules(), search_prompts()
--                      search once a call (they searched twice: see below)
--
-- HNSW build parameters stay pgvector's defaults (m 16, ef_construction 64): see README, Retrieval.

CREATE FUNCTION agent_loggy.hnsw_ef_search(p_count integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN least(1000, greatest(64, 2 * p_count));
COMMENT ON FUNCTION agent_loggy.hnsw_ef_search(integer) IS
    'The hnsw.ef_search a vector search of the p_count nearest rows runs with (unless the caller set a larger one): 2 * p_count, at least 64, at most 1000. Filters are served by pgvector''s iterative scan, which reads further batches of this size until p_count rows match.';

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

-- The search functions ran their nearest_*_ids() twice a call: once more while planning
-- unnest(nearest_*_ids(...)), whose row estimate evaluates a STABLE argument. They keep the ids in
-- a variable now.
CREATE OR REPLACE FUNCTION agent_loggy.search_documents(p_query vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL::text[]) RETURNS TABLE(id bigint, project text, source text, external_id text, title text, content text, tags text[], metadata jsonb, similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q vector := agent_loggy.checked_query_vector(p_query);
    -- in a variable: unnest(f(...)) of a STABLE f would run f once more while planning (row estimate)
    ids bigint[] := agent_loggy.nearest_document_ids(q, agent_loggy.checked_project(p_project),
                                        agent_loggy.checked_limit(p_limit), agent_loggy.checked_tags(p_tags));
BEGIN
    RETURN QUERY
    SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata,
           1 - (d.embedding <=> q)
    FROM unnest(ids) WITH ORDINALITY AS n (id, rank)
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
    -- in a variable: unnest(f(...)) of a STABLE f would run f once more while planning (row estimate)
    ids bigint[] := agent_loggy.nearest_context_rule_ids(q, agent_loggy.checked_project(p_project),
                                        agent_loggy.checked_limit(p_limit));
BEGIN
    RETURN QUERY
    SELECT r.id, r.project, r.context, r.version, r.important, r.ignore, r.description, 1 - (r.embedding <=> q)
    FROM unnest(ids) WITH ORDINALITY AS n (id, rank)
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
    -- in a variable: unnest(f(...)) of a STABLE f would run f once more while planning (row estimate)
    ids bigint[] := agent_loggy.nearest_prompt_ids(q, agent_loggy.checked_project(p_project),
                                        agent_loggy.checked_limit(p_limit));
BEGIN
    RETURN QUERY
    SELECT p.id, p.project, p.name, p.version, p.type, p.description, p.usage, p.labels, 1 - (p.embedding <=> q)
    FROM unnest(ids) WITH ORDINALITY AS n (id, rank)
    JOIN agent_loggy.prompts AS p ON p.id = n.id
    ORDER BY n.rank;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.search_prompts(vector, text, integer)');

REVOKE EXECUTE ON FUNCTION agent_loggy.hnsw_ef_search(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.hnsw_ef_search(integer) TO agent_loggy_reader;
