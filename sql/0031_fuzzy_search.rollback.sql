-- Rolls back 0031_fuzzy_search: no fuzzy search; hybrid_search_documents() has its two branches again,
-- bm25_document_scores() and bm25_query() their bodies of 0028 (0023's, with the user rule); pg_trgm goes only if 0031 installed it
-- (its comment carries the mark) and nothing else uses it.

DROP FUNCTION agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer, double precision, bigint);
CREATE FUNCTION agent_loggy.hybrid_search_documents(p_query_text text, p_query vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL::text[], p_keyword_weight double precision DEFAULT 1, p_semantic_weight double precision DEFAULT 1, p_rrf_k integer DEFAULT 60) RETURNS TABLE(id bigint, project text, source text, external_id text, title text, content text, tags text[], metadata jsonb, score double precision, keyword_rank integer, semantic_rank integer, similarity double precision)
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

CALL agent_loggy.use_vector_schema('agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer)');
COMMENT ON FUNCTION agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer) IS
    'Hybrid search of the documents of p_project: keyword search (BM25, as keyword_search_documents ranks) and vector search (search_documents) each rank a window of rrf_candidates(p_limit, p_rrf_k) candidates (80 for the defaults), fused by reciprocal rank fusion: score = p_keyword_weight / (p_rrf_k + keyword_rank) + p_semantic_weight / (p_rrf_k + semantic_rank), an absent rank contributing 0. Best score first, ties by id. Either query may be NULL, and either weight 0 (that branch is skipped), not both; similarity is 1 - cosine distance (NULL without a query vector or an embedding).';
REVOKE EXECUTE ON FUNCTION agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer) TO agent_loggy_reader;

DROP FUNCTION agent_loggy.checked_fusion(text, vector, double precision, double precision, double precision, integer);
DROP FUNCTION agent_loggy.rrf_fuse(bigint[], bigint[], bigint[], double precision, double precision, double precision, integer);
DROP FUNCTION agent_loggy.fuzzy_search_documents(text, text, integer, text[], double precision, integer);
DROP FUNCTION agent_loggy.fuzzy_document_ids(text, text, integer, text[], double precision, integer);
DROP FUNCTION agent_loggy.fuzzy_terms(text, text, double precision, integer);
DROP FUNCTION agent_loggy.checked_fuzziness(text, double precision, integer);

CREATE OR REPLACE FUNCTION agent_loggy.bm25_document_scores(
    p_query_text text, p_project text, p_count integer, p_tags text[],
    p_k1 double precision DEFAULT NULL, p_b double precision DEFAULT NULL)
    RETURNS TABLE (id bigint, score double precision)
    LANGUAGE plpgsql STABLE
    ROWS 10
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET extra_float_digits = 3  -- the idf literals in the score expression keep every digit
    -- every query below reads the matches through the GIN index: planned for a LIMIT, a scan of the
    -- whole table (or of the project's btree) looks cheaper until its filter finds few matches
    SET enable_seqscan = off
    SET enable_indexscan = off
AS $$
DECLARE
    project text := agent_loggy.checked_readable_project(p_project);
    k1 double precision := agent_loggy.bm25_parameter('k1', p_k1);
    b double precision := agent_loggy.bm25_parameter('b', p_b);
    q record := agent_loggy.bm25_query(p_query_text, p_project);
    n integer;
    sample_size integer;
    threshold double precision;
    bounds double precision[];
    bound double precision := 0;
    essential integer;
    rarest integer;
    uncommon integer;
    samples tsquery[];
    covered bigint;
    pruning tsquery;
    score_expr text;
    score_sql text;
    score_from text;
BEGIN
    IF q.lexemes IS NULL OR p_count IS NULL OR p_count <= 0 THEN
        RETURN;
    END IF;
    sample_size := greatest(4 * least(p_count, 25000), 100);
    n := cardinality(q.lexemes);
    score_expr := agent_loggy.bm25_expression(q.lexemes, q.idf, q.average_length, k1, b);
    score_from := format('SELECT d.id, %s AS score FROM agent_loggy.documents AS d', score_expr);
    -- documents of the project and tags that match the tsquery parameter $2, with their scores
    score_sql := format('SELECT d.id, %s AS score FROM agent_loggy.documents AS d
                         WHERE d.project = $1 AND (d.user_id IS NULL OR d.user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.session_sees_every_user())) AND d.search_vector @@ $2 AND ($3::text[] IS NULL OR d.tags @> $3)', score_expr);
    -- (not worth a query when all the matches together are few: then every match is scored)
    IF n = 1 OR (SELECT sum(f) FROM unnest(q.frequencies) AS f) <= 2 * sample_size THEN
        RETURN QUERY EXECUTE format('%s ORDER BY 2 DESC, 1 LIMIT $4', score_sql)
            USING project, agent_loggy.bm25_tsquery(q.lexemes, '|'), p_tags, p_count;
        RETURN;
    END IF;
    -- each lexeme's score is at most idf * f(highest frequency, shortest length), idf * (k1 + 1)
    -- when they are unknown
    SELECT array_agg(x.idf * CASE WHEN x.tf IS NULL OR x.dl IS NULL THEN k1 + 1
                                  ELSE x.tf * (k1 + 1) / (x.tf + k1 * (1 - b + b * x.dl / q.average_length)) END
                     ORDER BY x.i)
    INTO bounds
    FROM unnest(q.idf, q.max_frequencies, q.min_lengths) WITH ORDINALITY AS x (idf, tf, dl, i);
    -- a threshold: the p_count-th best score among some documents of the rarest lexemes (as many of
    -- them as hold p_count documents), some holding all the uncommon ones and some holding a set of
    -- uncommon lexemes that may score more than any single lexeme; every document of the top scores
    -- at least this much. (Uncommon: in at most 1 document of 20, or 10,000. A sample needs no
    -- common word, and the GIN index reads most of a common word's postings to intersect them.)
    rarest := 1;
    covered := q.frequencies[1];
    WHILE rarest < n AND covered < p_count LOOP
        rarest := rarest + 1;
        covered := covered + q.frequencies[rarest];
    END LOOP;
    uncommon := (SELECT count(*) FROM unnest(q.frequencies) AS f WHERE f <= greatest(q.documents / 20, 10000));
    samples := ARRAY[agent_loggy.bm25_tsquery(q.lexemes[1:rarest], '|')];
    IF uncommon >= 2 THEN
        samples := samples || agent_loggy.bm25_tsquery(q.lexemes[1:uncommon], '&');
    END IF;
    IF uncommon BETWEEN 3 AND 8 THEN
        samples := samples || agent_loggy.bm25_pruning_query(q.lexemes[1:uncommon], bounds[1:uncommon],
                                                             (SELECT max(u) FROM unnest(bounds) AS u) * (1 + 1e-6));
    END IF;
    EXECUTE format($sql$
        SELECT min(s.score) FROM (
            SELECT s.score FROM (%1$s) AS s
            ORDER BY s.score DESC LIMIT %2$s) AS s
        HAVING count(*) = %2$s$sql$,
        (SELECT string_agg('(' || score_from || format(' WHERE d.project = $1 AND (d.user_id IS NULL OR d.user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.session_sees_every_user())) AND d.search_vector @@ $4[%s]
                                                         AND ($3::text[] IS NULL OR d.tags @> $3) LIMIT %s)', i, sample_size),
                           ' UNION ')
         FROM generate_subscripts(samples, 1) AS i
         WHERE samples[i] IS NOT NULL AND samples[i] <> ALL (samples[1:i - 1])),
        p_count)
    INTO threshold
    USING project, NULL::tsquery, p_tags, samples;
    IF threshold IS NULL THEN
        pruning := agent_loggy.bm25_tsquery(q.lexemes, '|');
    ELSIF n <= 8 THEN
        -- only documents holding a set of lexemes whose bounds together reach the threshold
        pruning := coalesce(agent_loggy.bm25_pruning_query(q.lexemes, bounds, threshold),
                            agent_loggy.bm25_tsquery(q.lexemes, '|'));  -- (NULL only if the bounds were wrong)
    ELSE
        -- MaxScore: the commonest lexemes whose bounds sum below the threshold cannot lift a
        -- document holding only them into the top
        essential := n;
        WHILE essential > 1 AND (bound + bounds[essential]) * (1 + 1e-9) < threshold LOOP
            bound := bound + bounds[essential];
            essential := essential - 1;
        END LOOP;
        pruning := agent_loggy.bm25_tsquery(q.lexemes[1:essential], '|');
    END IF;
    RETURN QUERY EXECUTE format('%s ORDER BY 2 DESC, 1 LIMIT $4', score_sql)
        USING project, pruning, p_tags, p_count;
END
$$;
COMMENT ON FUNCTION agent_loggy.bm25_document_scores(text, text, integer, text[], double precision, double precision) IS
    'The p_count documents of p_project carrying all p_tags (NULL: any) with the highest BM25 for p_query_text (see the head of migration 0020), best first, ties by id; only documents containing a lexeme of the query, so fewer when fewer match. k1 and b as bm25_parameter() chooses. Exact, without scoring every matching row: the p_count-th best score among up to max(4 p_count, 100) documents of the rarest lexemes (as few as hold p_count documents between them) and as many holding all lexemes is a threshold; a lexeme''s score is at most idf * f(its highest frequency, its shortest length) (keyword_terms); only documents holding a set of lexemes whose bounds together reach the threshold are read (bm25_pruning_query, for up to 8 lexemes; beyond, those holding a lexeme outside the commonest ones whose bounds sum below it, MaxScore), through the GIN index, and scored. A query of one lexeme, or whose lexemes are in at most 2 max(4 p_count, 100) documents together, scores its matches at once. Raises 42501 unless the calling login may read p_project (session_may_read); then reads as the owner.';


CREATE OR REPLACE FUNCTION agent_loggy.bm25_query(p_query_text text, p_project text,
    OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision,
    OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[])
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH asked AS (
        SELECT tsvector_to_array(to_tsvector('english'::regconfig, p_query_text)) AS lexemes
    ), terms AS (  -- the committed counts, plus what this transaction changed and has not committed yet
        SELECT x.lexeme, sum(x.documents)::bigint AS documents,
               CASE WHEN NOT bool_or(x.unknown) THEN max(x.max_frequency) END AS max_frequency,
               CASE WHEN NOT bool_or(x.unknown) THEN min(x.min_length) END AS min_length
        FROM (SELECT t.lexeme, t.documents, t.max_frequency, t.min_length,
                     t.max_frequency IS NULL OR t.min_length IS NULL AS unknown
              FROM agent_loggy.keyword_terms AS t, asked
              WHERE t.project = p_project AND t.lexeme = ANY (asked.lexemes)
              UNION ALL
              SELECT c.lexeme, c.documents, c.max_frequency, c.min_length, false
              FROM agent_loggy.keyword_changes AS c, asked
              WHERE c.transaction = pg_current_xact_id_if_assigned() AND c.project = p_project
                AND c.lexeme = ANY (asked.lexemes)) AS x
        GROUP BY x.lexeme
        HAVING sum(x.documents) > 0
    ), corpus AS (
        SELECT sum(x.documents)::bigint AS documents, sum(x.total_length)::bigint AS total_length
        FROM (SELECT k.documents, k.total_length FROM agent_loggy.keyword_corpus AS k WHERE k.project = p_project
              UNION ALL
              SELECT c.documents, c.total_length FROM agent_loggy.keyword_changes AS c
              WHERE c.transaction = pg_current_xact_id_if_assigned() AND c.project = p_project
                AND c.lexeme IS NULL) AS x
        HAVING sum(x.documents) > 0
    )
    SELECT array_agg(t.lexeme ORDER BY t.documents, t.lexeme),
           array_agg(ln(1 + (c.documents - t.documents + 0.5) / (t.documents + 0.5)) ORDER BY t.documents, t.lexeme),
           array_agg(t.documents ORDER BY t.documents, t.lexeme),
           min(c.total_length::double precision / c.documents), min(c.documents),
           array_agg(t.max_frequency ORDER BY t.documents, t.lexeme),
           array_agg(t.min_length ORDER BY t.documents, t.lexeme)
    FROM corpus AS c CROSS JOIN terms AS t
$$;
COMMENT ON FUNCTION agent_loggy.bm25_query(text, text) IS
    'The BM25 query for p_query_text in p_project: the english lexemes of the text that some document of the project contains (counting the calling transaction''s own uncommitted changes), rarest first (ties by lexeme), their idf = ln(1 + (N - df + 0.5) / (df + 0.5)), document frequencies df, highest term frequencies and shortest lengths (keyword_terms; NULL: unknown), the project''s average document length and N. Lexemes no document contains score nothing and are left out; NULL arrays when none is left. Reads the statistics: the owner''s functions call it after checking the caller.';

DROP FUNCTION agent_loggy.bm25_lexeme_scores(text[], double precision[], text, integer, text[], double precision, double precision);
DROP FUNCTION agent_loggy.bm25_lexeme_query(text[], double precision[], text);

DROP INDEX agent_loggy.keyword_terms_lexeme_trgm_idx;

DO $$
DECLARE
    note text := (SELECT obj_description(oid, 'pg_extension') FROM pg_extension WHERE extname = 'pg_trgm');
BEGIN
    IF NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_trgm') THEN
        RETURN;
    ELSIF coalesce(note, '') NOT LIKE '%installed by agent_loggy migration 0031_fuzzy_search%' THEN
        RAISE NOTICE 'extension "pg_trgm" was installed before agent_loggy; left installed';
        RETURN;
    END IF;
    DROP EXTENSION pg_trgm;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'extension "pg_trgm" is still used by objects outside agent_loggy; left installed';
END
$$;
