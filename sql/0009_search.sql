-- depends: 0008_documents
-- Retrieval: vector, keyword and hybrid search over documents, context rules and prompts.
--   search_documents()            nearest documents by cosine similarity
--   keyword_search_documents()    full-text matches ranked by ts_rank
--   hybrid_search_documents()     both, fused by reciprocal rank fusion (RRF)
--   search_context_rules(), hybrid_search_context_rules()   the current version of each context
--   search_prompts()              the newest active version of each prompt name
-- Every function is scoped to one project and returns p_limit rows whenever that many rows
-- match its filters. Vector search asks the HNSW index with pgvector 0.8's iterative scans
-- (relaxed order, re-sorted by exact distance), so a filter that keeps few rows still yields
-- p_limit rows; when the index scan stops early (hnsw.max_scan_tuples, memory) the function
-- searches exactly instead. Rows without an embedding are skipped by vector search.
-- The functions run as the caller (no SECURITY DEFINER) and read only.

DO $$
DECLARE
    installed text := (SELECT extversion FROM pg_extension WHERE extname = 'vector');
    parts int[] := string_to_array(split_part(installed, '-', 1), '.')::int[];
BEGIN
    IF parts[1] = 0 AND parts[2] < 8 THEN
        RAISE EXCEPTION 'pgvector % is installed: agent_loggy search needs 0.8 or newer (iterative index scans)', installed
            USING HINT = 'ALTER EXTENSION vector UPDATE; (after installing pgvector 0.8 or newer on the server)';
    END IF;
END
$$;

-- Load pgvector's library into this session before functions below SET hnsw.iterative_scan:
-- until it is loaded the parameter is a placeholder, which only a superuser may set, so a
-- non-superuser owner (every managed service's migrating role) would get "permission denied to
-- set parameter". Using any vector function loads it; LOAD itself is refused to non-superusers.
DO $$ BEGIN PERFORM '[1]'::vector <=> '[1]'::vector; END $$;

-- Argument checks ---------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.checked_query_vector(p_query vector) RETURNS vector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_query IS NULL THEN
        RAISE EXCEPTION 'query vector is NULL: expected a vector of 384 dimensions'
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF vector_dims(p_query) <> 384 THEN
        RAISE EXCEPTION 'query vector has % dimensions: expected 384 (the dimension of the embedding columns)',
            vector_dims(p_query) USING ERRCODE = 'invalid_parameter_value';
    ELSIF vector_norm(p_query) = 0 THEN
        RAISE EXCEPTION 'query vector is all zeros: cosine similarity is undefined for it'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_query;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_query_vector(vector) IS
    'Returns p_query when it can be searched with (384 dimensions, not all zeros), else raises SQLSTATE 22023 naming what is wrong.';

CREATE FUNCTION agent_loggy.checked_limit(p_limit integer) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'invalid limit %: expected 1 to 1000 rows', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_limit;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_limit(integer) IS
    'Returns p_limit when it is between 1 and 1000, else raises SQLSTATE 22023 naming the value.';

CREATE FUNCTION agent_loggy.checked_tags(p_tags text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_tags IS NOT NULL AND NOT agent_loggy.are_valid_tags(p_tags) THEN
        RAISE EXCEPTION 'invalid tags %: expected non-blank tags of at most 128 characters, no NULLs', p_tags
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN nullif(p_tags, '{}');
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_tags(text[]) IS
    'The tag filter of a search: NULL (no filter) for NULL or an empty array; raises SQLSTATE 22023 for NULL, blank or over-long tags.';

CREATE FUNCTION agent_loggy.keyword_query(p_query_text text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (
        SELECT string_agg('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''', ' | ' ORDER BY l)::tsquery
        FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, p_query_text))) AS l);
COMMENT ON FUNCTION agent_loggy.keyword_query(text) IS
    'The full-text query keyword search runs for p_query_text: its english lexemes joined with OR, so a row matching more of the words ranks higher (as in BM25-style search). NULL when the text has no searchable words (only stop words or punctuation).';

CREATE FUNCTION agent_loggy.checked_query_text(p_query_text text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_query_text IS NULL OR p_query_text !~ '\S' THEN
        RAISE EXCEPTION 'query text %: expected some words to search for', quote_nullable(p_query_text)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_query_text;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_query_text(text) IS
    'Returns p_query_text when it is not NULL or blank, else raises SQLSTATE 22023.';

-- Reciprocal rank fusion ----------------------------------------------------------------------

CREATE FUNCTION agent_loggy.rrf_candidates(p_limit integer, p_rrf_k integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN p_rrf_k + 2 * p_limit;
COMMENT ON FUNCTION agent_loggy.rrf_candidates(integer, integer) IS
    'How many candidates each branch of a hybrid search ranks (its window): rrf_k + 2 * limit, 80 for the defaults. A rank counts only inside its window (a row beyond it gets 0 from that branch, as with Elasticsearch''s rank_window_size). The depth is enough for the top limit: its last score is at least w_max / (rrf_k + limit) (the heavier branch''s own top rows), while a row outside both windows could score at most (w_keyword + w_semantic) / (rrf_k + depth + 1) < 2 w_max / (2 rrf_k + 2 limit), even counted at its true ranks. So no row outside both windows could enter the top limit, whatever the weights.';

CREATE FUNCTION agent_loggy.rrf_fuse(
    p_keyword_ids bigint[], p_semantic_ids bigint[],
    p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer)
    RETURNS TABLE (id bigint, score double precision, keyword_rank integer, semantic_rank integer)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(k.id, s.id),
           coalesce(p_keyword_weight / (p_rrf_k + k.rank), 0) + coalesce(p_semantic_weight / (p_rrf_k + s.rank), 0),
           k.rank::integer, s.rank::integer
    FROM unnest(p_keyword_ids) WITH ORDINALITY AS k (id, rank)
    FULL JOIN unnest(p_semantic_ids) WITH ORDINALITY AS s (id, rank) ON s.id = k.id
    ORDER BY 2 DESC, 1
$$;
COMMENT ON FUNCTION agent_loggy.rrf_fuse(bigint[], bigint[], double precision, double precision, integer) IS
    'Reciprocal rank fusion of two ranked id lists (best first): score = keyword_weight / (rrf_k + keyword_rank) + semantic_weight / (rrf_k + semantic_rank), a missing rank contributing 0; ranks are 1-based positions in the lists. Sorted by score, then id.';

CREATE FUNCTION agent_loggy.checked_fusion(
    p_query_text text, p_query vector, p_keyword_weight double precision, p_semantic_weight double precision,
    p_rrf_k integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_keyword_weight IS NULL OR p_keyword_weight < 0 OR p_keyword_weight = 'Infinity'
            OR p_semantic_weight IS NULL OR p_semantic_weight < 0 OR p_semantic_weight = 'Infinity'
            OR p_keyword_weight + p_semantic_weight = 0 OR p_keyword_weight = 'NaN' OR p_semantic_weight = 'NaN' THEN
        RAISE EXCEPTION 'invalid weights keyword=% semantic=%: expected finite weights >= 0, not both 0',
            coalesce(p_keyword_weight::text, 'NULL'), coalesce(p_semantic_weight::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_rrf_k IS NULL OR p_rrf_k NOT BETWEEN 0 AND 10000 THEN
        RAISE EXCEPTION 'invalid rrf_k %: expected 0 to 10000 (60 is usual)', coalesce(p_rrf_k::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(p_query_text, '') !~ '\S' AND p_query IS NULL THEN
        RAISE EXCEPTION 'hybrid search needs query text or a query vector, got neither'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT (coalesce(p_query_text, '') ~ '\S' AND p_keyword_weight > 0 OR p_query IS NOT NULL AND p_semantic_weight > 0) THEN
        RAISE EXCEPTION 'hybrid search has nothing to run: the query it was given is in a branch of weight 0'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_fusion(text, vector, double precision, double precision, integer) IS
    'Raises SQLSTATE 22023 unless a hybrid search has finite weights >= 0 that are not both 0, rrf_k between 0 and 10000, and query text or a query vector for a branch of positive weight.';

-- Documents ----------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.nearest_document_ids(p_query vector, p_project text, p_count integer, p_tags text[])
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
COMMENT ON FUNCTION agent_loggy.nearest_document_ids(vector, text, integer, text[]) IS
    'Ids of the p_count documents of p_project carrying all p_tags (NULL: any) nearest to p_query by cosine distance, nearest first (ties by id). Asks the HNSW index with relaxed iterative scans and re-sorts by exact distance; searches exactly when the index yields fewer than p_count rows. Arguments are not checked: the search functions check them.';

CREATE FUNCTION agent_loggy.keyword_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[])
    RETURNS bigint[]
    LANGUAGE sql STABLE
AS $$
    SELECT ARRAY(
        SELECT d.id
        FROM agent_loggy.documents AS d
        WHERE d.project = p_project AND d.search_vector @@ agent_loggy.keyword_query(p_query_text)
          AND (p_tags IS NULL OR d.tags @> p_tags)
        ORDER BY ts_rank(d.search_vector, agent_loggy.keyword_query(p_query_text), 1) DESC, d.id
        LIMIT p_count)
$$;
COMMENT ON FUNCTION agent_loggy.keyword_document_ids(text, text, integer, text[]) IS
    'Ids of the p_count documents of p_project carrying all p_tags (NULL: any) that match keyword_query(p_query_text), best ts_rank first (normalised by document length; ties by id). Arguments are not checked: the search functions check them.';

CREATE FUNCTION agent_loggy.search_documents(
    p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL)
    RETURNS TABLE (id bigint, project text, source text, external_id text, title text, content text,
                   tags text[], metadata jsonb, similarity double precision)
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
COMMENT ON FUNCTION agent_loggy.search_documents(vector, text, integer, text[]) IS
    'The p_limit documents of p_project nearest to p_query (384 dimensions) by cosine distance, most similar first; similarity = 1 - cosine distance. p_tags keeps documents carrying all the given tags. Returns p_limit rows whenever that many embedded documents match the filters; documents without an embedding are skipped. Uses the HNSW index with iterative scans (see nearest_document_ids).';

CREATE FUNCTION agent_loggy.keyword_search_documents(
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
COMMENT ON FUNCTION agent_loggy.keyword_search_documents(text, text, integer, text[]) IS
    'Full-text search of the documents of p_project: rows whose title or content contain any english lexeme of p_query_text (see keyword_query), best first by rank = ts_rank(search_vector, query, 1) (title weighs more than content; normalised by document length); ties by id. p_tags keeps documents carrying all the given tags. Finds documents with or without embeddings.';

CREATE FUNCTION agent_loggy.hybrid_search_documents(
    p_query_text text, p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 10,
    p_tags text[] DEFAULT NULL, p_keyword_weight double precision DEFAULT 1,
    p_semantic_weight double precision DEFAULT 1, p_rrf_k integer DEFAULT 60)
    RETURNS TABLE (id bigint, project text, source text, external_id text, title text, content text,
                   tags text[], metadata jsonb, score double precision, keyword_rank integer, semantic_rank integer,
                   similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    tags text[] := agent_loggy.checked_tags(p_tags);
    candidates integer;
    keyword_ids bigint[];
    semantic_ids bigint[];
BEGIN
    PERFORM agent_loggy.checked_project(p_project), agent_loggy.checked_limit(p_limit),
            agent_loggy.checked_fusion(p_query_text, p_query, p_keyword_weight, p_semantic_weight, p_rrf_k);
    candidates := agent_loggy.rrf_candidates(p_limit, p_rrf_k);
    IF p_query_text ~ '\S' AND p_keyword_weight > 0 THEN
        keyword_ids := agent_loggy.keyword_document_ids(p_query_text, p_project, candidates, tags);
    END IF;
    IF p_query IS NOT NULL AND p_semantic_weight > 0 THEN
        semantic_ids := agent_loggy.nearest_document_ids(agent_loggy.checked_query_vector(p_query), p_project,
                                                         candidates, tags);
    END IF;
    RETURN QUERY
    SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata,
           f.score, f.keyword_rank, f.semantic_rank, 1 - (d.embedding <=> p_query)
    FROM agent_loggy.rrf_fuse(keyword_ids, semantic_ids, p_keyword_weight, p_semantic_weight, p_rrf_k) AS f
    JOIN agent_loggy.documents AS d ON d.id = f.id
    ORDER BY f.score DESC, f.id
    LIMIT p_limit;
END
$$;
COMMENT ON FUNCTION agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer) IS
    'Hybrid search of the documents of p_project: keyword search (keyword_search_documents) and vector search (search_documents) each rank a window of rrf_candidates(p_limit, p_rrf_k) candidates (80 for the defaults), fused by reciprocal rank fusion: score = p_keyword_weight / (p_rrf_k + keyword_rank) + p_semantic_weight / (p_rrf_k + semantic_rank), an absent rank contributing 0. Best score first, ties by id. Either query may be NULL, and either weight 0 (that branch is skipped), not both; similarity is 1 - cosine distance (NULL without a query vector or an embedding).';

-- Context rules --------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.is_current_context_rule(p_id bigint) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN EXISTS (
        SELECT FROM agent_loggy.context_rules AS r
        WHERE r.id = p_id AND r.is_active AND NOT EXISTS (
            SELECT FROM agent_loggy.context_rules AS n
            WHERE n.project = r.project AND n.context = r.context AND n.is_active AND n.version > r.version));
COMMENT ON FUNCTION agent_loggy.is_current_context_rule(bigint) IS
    'True when context rule p_id is the current version of its context: active, and no higher active version exists (as in the current_context_rules view).';

CREATE FUNCTION agent_loggy.nearest_context_rule_ids(p_query vector, p_project text, p_count integer)
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

CREATE FUNCTION agent_loggy.search_context_rules(
    p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 5)
    RETURNS TABLE (id bigint, project text, context text, version integer, important text, ignore text,
                   description text, similarity double precision)
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
COMMENT ON FUNCTION agent_loggy.search_context_rules(vector, text, integer) IS
    'The p_limit context rules of p_project most similar to p_query (cosine), most similar first, considering only the current version of each context (highest active version); rules without an embedding are skipped.';

CREATE FUNCTION agent_loggy.hybrid_search_context_rules(
    p_query_text text, p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 5)
    RETURNS TABLE (id bigint, project text, context text, version integer, important text, ignore text,
                   description text, score double precision, keyword_rank integer, semantic_rank integer,
                   similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    candidates integer;
    keyword_ids bigint[];
    semantic_ids bigint[];
BEGIN
    PERFORM agent_loggy.checked_project(p_project), agent_loggy.checked_limit(p_limit),
            agent_loggy.checked_fusion(p_query_text, p_query, 1, 1, 60);
    candidates := agent_loggy.rrf_candidates(p_limit, 60);
    IF p_query_text ~ '\S' THEN
        keyword_ids := ARRAY(
            SELECT r.id
            FROM agent_loggy.context_rules AS r
            WHERE r.project = p_project AND r.search_vector @@ agent_loggy.keyword_query(p_query_text)
              AND agent_loggy.is_current_context_rule(r.id)
            ORDER BY ts_rank(r.search_vector, agent_loggy.keyword_query(p_query_text), 1) DESC, r.id
            LIMIT candidates);
    END IF;
    IF p_query IS NOT NULL THEN
        semantic_ids := agent_loggy.nearest_context_rule_ids(agent_loggy.checked_query_vector(p_query), p_project,
                                                             candidates);
    END IF;
    RETURN QUERY
    SELECT r.id, r.project, r.context, r.version, r.important, r.ignore, r.description,
           f.score, f.keyword_rank, f.semantic_rank, 1 - (r.embedding <=> p_query)
    FROM agent_loggy.rrf_fuse(keyword_ids, semantic_ids, 1, 1, 60) AS f
    JOIN agent_loggy.context_rules AS r ON r.id = f.id
    ORDER BY f.score DESC, f.id
    LIMIT p_limit;
END
$$;
COMMENT ON FUNCTION agent_loggy.hybrid_search_context_rules(text, vector, text, integer) IS
    'Hybrid search of the current context rules of p_project: keyword search over context, description, important and ignore (see keyword_query) and vector search, each over rrf_candidates(p_limit, 60) candidates, fused by reciprocal rank fusion with weights 1 and rrf_k 60 (see hybrid_search_documents). Either query may be NULL, not both.';

-- Prompts ------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.nearest_prompt_ids(p_query vector, p_project text, p_count integer)
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

CREATE FUNCTION agent_loggy.search_prompts(p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 5)
    RETURNS TABLE (id bigint, project text, name text, version integer, type text, description text, usage text,
                   labels text[], similarity double precision)
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
COMMENT ON FUNCTION agent_loggy.search_prompts(vector, text, integer) IS
    'The p_limit prompts of p_project most similar to p_query (cosine), most similar first, one row per prompt name: its newest active version, skipped while that version has no embedding. Resolve the name with resolve_prompt() to get the template an agent should use.';

-- search_path --------------------------------------------------------------------------------

CREATE PROCEDURE agent_loggy.use_vector_schema(p_function regprocedure)
    LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', p_function,
                   (SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'vector'));
END
$$;
COMMENT ON PROCEDURE agent_loggy.use_vector_schema(regprocedure) IS
    'Pins the search_path of a function that uses pgvector to pg_catalog and pgvector''s schema, so its vector types and operators resolve whatever the caller''s search_path. Migrations call it for each such function.';

CALL agent_loggy.use_vector_schema('agent_loggy.checked_query_vector(vector)');
CALL agent_loggy.use_vector_schema('agent_loggy.checked_fusion(text, vector, double precision, double precision, integer)');
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_document_ids(vector, text, integer, text[])');
CALL agent_loggy.use_vector_schema('agent_loggy.search_documents(vector, text, integer, text[])');
CALL agent_loggy.use_vector_schema('agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer)');
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_context_rule_ids(vector, text, integer)');
CALL agent_loggy.use_vector_schema('agent_loggy.search_context_rules(vector, text, integer)');
CALL agent_loggy.use_vector_schema('agent_loggy.hybrid_search_context_rules(text, vector, text, integer)');
CALL agent_loggy.use_vector_schema('agent_loggy.nearest_prompt_ids(vector, text, integer)');
CALL agent_loggy.use_vector_schema('agent_loggy.search_prompts(vector, text, integer)');
