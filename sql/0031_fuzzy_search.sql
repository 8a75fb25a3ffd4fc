-- depends: 0030_embedding_stores
-- Fuzzy keyword search: words typed with a typo still find their documents (issue 18, item 7).
--
-- A query word is corrected against the project's own vocabulary, not against the documents' text:
-- keyword_terms already holds every english lexeme of a project's documents (with its document
-- frequency), and a trigram index on it finds, for each query word, the lexemes most similar to it
-- (pg_trgm's similarity: shared trigrams over all trigrams of the two). The chosen lexemes are then
-- ranked by the same BM25 as keyword search, each lexeme's weight (idf) multiplied by its similarity
-- to the word it corrects, so that a word found as typed (similarity 1) outranks its corrections.
-- A trigram index on the documents' text was measured against this (figure 18): a typo'd word's
-- trigrams are common ones (' pa', 'pay', 'out'), so such an index hands most documents to a recheck
-- that reads their whole text; the vocabulary is a few rows per distinct word.
--
--   pg_trgm            installed here (in pgvector's schema) unless it is there already; it is a
--                      trusted extension, so the database's owner may install it without superuser
--                      rights; the rollback drops it only when this migration installed it (its
--                      comment carries the mark, as pgvector's does in 0001) and nothing else uses it
--   keyword_terms_lexeme_trgm_idx
--                      GIN (gin_trgm_ops) on keyword_terms.lexeme: the candidates of a word in one
--                      index scan; the project is a filter on them (a small project's vocabulary is
--                      read through the primary key instead, when the planner finds it cheaper)
--   fuzzy_terms()      the corrections: for each word of the query, the p_expansions lexemes of the
--                      project most similar to it, at least p_min_similarity similar (the word itself
--                      when a document holds it, at similarity 1; a number only itself)
--   bm25_lexeme_scores()
--                      bm25_document_scores() (0023) for lexemes given as they are, each with a
--                      weight; bm25_document_scores() now calls it with the query's lexemes
--   hybrid_search_documents()
--                      a third branch, fuzzy keyword search (p_fuzzy_weight, default 0), and the
--                      embedding config its vector branch reads (p_embedding_config_id, as
--                      search_documents() of 0030 takes it)
--   fuzzy_search_documents()
--                      the search function: keyword_search_documents' columns and matched_terms, what
--                      each query word matched in the document
--   hybrid_search_documents()
--                      gains p_fuzzy_weight (default 0: results as before) and fuzzy_rank, a third
--                      branch of the reciprocal rank fusion

-- pg_trgm ---------------------------------------------------------------------------------------------------------

DO $$
DECLARE
    target name := coalesce((SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
                             WHERE e.extname = 'vector'), 'public');
BEGIN
    IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_trgm') THEN
        RETURN;
    END IF;
    BEGIN
        EXECUTE format('CREATE EXTENSION pg_trgm SCHEMA %I', target);
    EXCEPTION WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'pg_trgm is not installed in database %, and % may not install it', current_database(), current_user
            USING ERRCODE = 'insufficient_privilege',
                  HINT = format('Have an administrator run, in this database: CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA %I; then migrate again.', target);
    END;
    COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams (installed by agent_loggy migration 0031_fuzzy_search)';
END
$$;

-- Load pg_trgm's library into this session: until then pg_trgm.similarity_threshold is a placeholder
-- only a superuser may attach to a function (SET clause), as with hnsw.* in 0009.
DO $$ BEGIN
    EXECUTE format('SELECT %I.similarity(''a'', ''b'')',
                   (SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
                    WHERE e.extname = 'pg_trgm'));
END $$;

-- writers fold their counts into keyword_terms at commit: they wait for the index build, then go on
DO $$ BEGIN
    EXECUTE format('CREATE INDEX keyword_terms_lexeme_trgm_idx ON agent_loggy.keyword_terms USING gin (lexeme %I.gin_trgm_ops)',
                   (SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
                    WHERE e.extname = 'pg_trgm'));
END $$;
COMMENT ON INDEX agent_loggy.keyword_terms_lexeme_trgm_idx IS
    'Trigrams of each lexeme of the projects'' vocabularies (pg_trgm''s gin_trgm_ops): fuzzy_terms() finds the lexemes similar to a query word through it.';

-- BM25 of lexemes given as they are, with weights ------------------------------------------------------------------

CREATE FUNCTION agent_loggy.bm25_lexeme_query(p_lexemes text[], p_weights double precision[], p_project text,
    OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision,
    OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[])
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH asked AS (  -- each lexeme once, at its highest weight (1 when none is given)
        SELECT a.lexeme, max(coalesce(a.weight, 1)) AS weight
        FROM unnest(p_lexemes, p_weights) AS a (lexeme, weight)
        WHERE a.lexeme IS NOT NULL
        GROUP BY a.lexeme
    ), terms AS (  -- the committed counts, plus what this transaction changed and has not committed yet
        SELECT x.lexeme, sum(x.documents)::bigint AS documents,
               CASE WHEN NOT bool_or(x.unknown) THEN max(x.max_frequency) END AS max_frequency,
               CASE WHEN NOT bool_or(x.unknown) THEN min(x.min_length) END AS min_length
        FROM (SELECT t.lexeme, t.documents, t.max_frequency, t.min_length,
                     t.max_frequency IS NULL OR t.min_length IS NULL AS unknown
              FROM agent_loggy.keyword_terms AS t
              WHERE t.project = p_project AND t.lexeme = ANY (ARRAY(SELECT a.lexeme FROM asked AS a))
              UNION ALL
              SELECT c.lexeme, c.documents, c.max_frequency, c.min_length, false
              FROM agent_loggy.keyword_changes AS c
              WHERE c.transaction = pg_current_xact_id_if_assigned() AND c.project = p_project
                AND c.lexeme = ANY (ARRAY(SELECT a.lexeme FROM asked AS a))) AS x
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
           array_agg(a.weight * ln(1 + (c.documents - t.documents + 0.5) / (t.documents + 0.5)) ORDER BY t.documents, t.lexeme),
           array_agg(t.documents ORDER BY t.documents, t.lexeme),
           min(c.total_length::double precision / c.documents), min(c.documents),
           array_agg(t.max_frequency ORDER BY t.documents, t.lexeme),
           array_agg(t.min_length ORDER BY t.documents, t.lexeme)
    FROM corpus AS c CROSS JOIN terms AS t JOIN asked AS a ON a.lexeme = t.lexeme
$$;
COMMENT ON FUNCTION agent_loggy.bm25_lexeme_query(text[], double precision[], text) IS
    'bm25_query() for lexemes taken as they are (already stemmed, not analysed again), each with a weight (p_weights, same order; NULL or missing: 1) that multiplies its idf, so its share of every score and of every bound; a lexeme given twice counts once, at its higher weight. Only those some document of p_project contains (counting the calling transaction''s own uncommitted changes), rarest first (ties by lexeme). Reads the statistics: the owner''s functions call it after checking the caller.';

CREATE OR REPLACE FUNCTION agent_loggy.bm25_query(p_query_text text, p_project text,
    OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision,
    OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[])
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT * FROM agent_loggy.bm25_lexeme_query(tsvector_to_array(to_tsvector('english'::regconfig, p_query_text)),
                                                NULL, p_project)
$$;

CREATE FUNCTION agent_loggy.bm25_lexeme_scores(
    p_lexemes text[], p_weights double precision[], p_project text, p_count integer, p_tags text[],
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
    q record := agent_loggy.bm25_lexeme_query(p_lexemes, p_weights, p_project);
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
    IF EXISTS (SELECT FROM unnest(p_weights) AS w WHERE NOT w BETWEEN 0 AND 'Infinity'::float8 OR w = 'Infinity') THEN
        RAISE EXCEPTION 'invalid lexeme weights %: expected finite weights >= 0 (NULL: 1)', p_weights
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
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
COMMENT ON FUNCTION agent_loggy.bm25_lexeme_scores(text[], double precision[], text, integer, text[], double precision, double precision) IS
    'bm25_document_scores() for lexemes taken as they are (p_lexemes, already stemmed), each lexeme''s idf multiplied by its weight (p_weights, same order; NULL: 1; a lexeme given twice counts at its higher weight): the p_count documents of p_project carrying all p_tags (NULL: any) with the highest weighted BM25, best first, ties by id, exact and pruned as bm25_document_scores() documents (the bounds are weighted alike). Raises 22023 for a weight below 0, infinite or NaN; 42501 unless the calling login may read p_project (session_may_read); then reads as the owner.';

CREATE OR REPLACE FUNCTION agent_loggy.bm25_document_scores(
    p_query_text text, p_project text, p_count integer, p_tags text[],
    p_k1 double precision DEFAULT NULL, p_b double precision DEFAULT NULL)
    RETURNS TABLE (id bigint, score double precision)
    LANGUAGE plpgsql STABLE
    ROWS 10
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN QUERY
    SELECT s.id, s.score
    FROM agent_loggy.bm25_lexeme_scores(tsvector_to_array(to_tsvector('english'::regconfig, p_query_text)), NULL,
                                        p_project, p_count, p_tags, p_k1, p_b) AS s;
END
$$;
COMMENT ON FUNCTION agent_loggy.bm25_document_scores(text, text, integer, text[], double precision, double precision) IS
    'The p_count documents of p_project carrying all p_tags (NULL: any) with the highest BM25 for p_query_text (see the head of migration 0020), best first, ties by id; only documents containing a lexeme of the query, so fewer when fewer match. k1 and b as bm25_parameter() chooses. bm25_lexeme_scores() of the english lexemes of p_query_text, all of weight 1: exact, without scoring every matching row (the p_count-th best score among some documents of the rarest lexemes is a threshold, and a lexeme''s score is at most idf * f(its highest frequency, its shortest length) (keyword_terms); only documents holding a set of lexemes whose bounds together reach the threshold are read, through the GIN index, and scored). Raises 42501 unless the calling login may read p_project (session_may_read); then reads as the owner.';

-- Fuzzy search ----------------------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.checked_fuzziness(p_query_text text, p_min_similarity double precision, p_expansions integer)
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    words integer;
BEGIN
    IF p_min_similarity IS NULL OR NOT p_min_similarity > 0 OR NOT p_min_similarity <= 1 THEN
        RAISE EXCEPTION 'invalid min_similarity %: expected more than 0 and at most 1 (0.3 is usual)',
            coalesce(p_min_similarity::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_expansions IS NULL OR p_expansions NOT BETWEEN 1 AND 10 THEN
        RAISE EXCEPTION 'invalid expansions %: expected 1 to 10 lexemes per query word (3 is usual)',
            coalesce(p_expansions::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    words := cardinality(tsvector_to_array(to_tsvector('english'::regconfig, p_query_text)));
    IF words > 32 THEN
        RAISE EXCEPTION 'query text % has % distinct words: fuzzy search corrects at most 32',
            quote_literal(left(p_query_text, 60) || CASE WHEN length(p_query_text) > 60 THEN '...' ELSE '' END), words
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_fuzziness(text, double precision, integer) IS
    'Raises SQLSTATE 22023 unless a fuzzy search has p_min_similarity in (0, 1], p_expansions between 1 and 10, and query text of at most 32 distinct english lexemes (each is looked up in the vocabulary); names the value (the first 60 characters of the text).';

CREATE FUNCTION agent_loggy.fuzzy_terms(p_query_text text, p_project text,
                                        p_min_similarity double precision DEFAULT 0.3, p_expansions integer DEFAULT 3)
    RETURNS TABLE (word text, lexeme text, similarity double precision)
    LANGUAGE plpgsql STABLE
    ROWS 30
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET pg_trgm.similarity_threshold = 0.3  -- (restored on return, whatever the body sets)
AS $$
DECLARE
    project text := agent_loggy.checked_readable_project(p_project);
    words text[] := tsvector_to_array(to_tsvector('english'::regconfig, p_query_text));
    trgm name := (SELECT n.nspname FROM pg_catalog.pg_extension AS e
                  JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm');
    others_private boolean;
BEGIN
    PERFORM agent_loggy.checked_fuzziness(p_query_text, p_min_similarity, p_expansions);
    IF cardinality(words) IS DISTINCT FROM 0 AND trgm IS NULL THEN
        RAISE EXCEPTION 'fuzzy search needs the extension pg_trgm, which is not installed'
            USING ERRCODE = 'undefined_object', HINT = 'CREATE EXTENSION pg_trgm; (migration 0031 installs it)';
    END IF;
    IF cardinality(words) IS DISTINCT FROM 0 THEN
        -- the vocabulary counts every document of the project: when other users' documents are among
        -- them, a lexeme is offered only if a document the caller sees holds it (item 5 of the issue)
        others_private := NOT agent_loggy.session_sees_every_user() AND EXISTS (
            SELECT FROM agent_loggy.documents AS d
            WHERE d.project = p_project AND d.user_id IS NOT NULL AND d.user_id IS DISTINCT FROM agent_loggy.acting_user());
        PERFORM set_config('pg_trgm.similarity_threshold', p_min_similarity::text, true);
        -- a number stands only for itself (a mistyped number is another error code, not a typo);
        -- a plan for this call: the project is a constant to the planner (a small project's vocabulary
        -- through the primary key, a big one's through the trigram index); the operator and function are
        -- pg_trgm's, named with its schema
        RETURN QUERY EXECUTE format($sql$
            SELECT w.word, m.lexeme, m.similarity::double precision
            FROM unnest($2::text[]) AS w (word)
            CROSS JOIN LATERAL (
                SELECT x.lexeme, max(x.similarity) AS similarity
                FROM (SELECT t.lexeme, %1$I.similarity(t.lexeme, w.word) AS similarity, t.documents
                      FROM agent_loggy.keyword_terms AS t
                      WHERE t.project = %2$L AND t.lexeme OPERATOR(%1$I.%%) w.word
                        AND (w.word !~ '^[0-9]+$' OR t.lexeme = w.word)
                      UNION ALL
                      SELECT c.lexeme, %1$I.similarity(c.lexeme, w.word), c.documents
                      FROM agent_loggy.keyword_changes AS c
                      WHERE c.transaction = pg_current_xact_id_if_assigned() AND c.project = %2$L
                        AND c.lexeme OPERATOR(%1$I.%%) w.word
                        AND (w.word !~ '^[0-9]+$' OR c.lexeme = w.word)) AS x
                GROUP BY x.lexeme
                HAVING sum(x.documents) > 0
                   AND (NOT $4 OR EXISTS (
                        SELECT FROM agent_loggy.documents AS d
                        WHERE d.project = $1 AND d.search_vector @@ quote_literal(x.lexeme)::tsquery
                          AND (d.user_id IS NULL OR d.user_id = $5)))
                ORDER BY max(x.similarity) DESC, sum(x.documents) DESC, x.lexeme
                LIMIT $3) AS m
            ORDER BY w.word, m.similarity DESC, m.lexeme$sql$, trgm, project)
            USING project, words, p_expansions, others_private, agent_loggy.acting_user();
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.fuzzy_terms(text, text, double precision, integer) IS
    'How fuzzy search corrects p_query_text in p_project: for each english lexeme (word) of the text, the p_expansions lexemes of the project''s documents most similar to it (pg_trgm''s similarity(), at least p_min_similarity; most similar first, then the commoner, then by lexeme), the word itself first (similarity 1) when a document holds it; a number (digits only) stands only for itself, since a mistyped number is another code; a word like nothing in the vocabulary gets no row. Counts the calling transaction''s own uncommitted documents. When the project holds documents of users other than the one acting, only lexemes of documents the caller sees are offered. Found through keyword_terms_lexeme_trgm_idx. Raises 22023 as checked_fuzziness() does, 42501 unless the calling login may read p_project (session_may_read); then reads the vocabulary as the owner.';

CREATE FUNCTION agent_loggy.fuzzy_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[],
                                               p_min_similarity double precision DEFAULT 0.3,
                                               p_expansions integer DEFAULT 3)
    RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    lexemes text[];
    weights double precision[];
BEGIN
    SELECT array_agg(t.lexeme ORDER BY t.word, t.similarity DESC), array_agg(t.similarity ORDER BY t.word, t.similarity DESC)
    INTO lexemes, weights
    FROM agent_loggy.fuzzy_terms(p_query_text, p_project, p_min_similarity, p_expansions) AS t;
    RETURN ARRAY(SELECT s.id FROM agent_loggy.bm25_lexeme_scores(lexemes, weights, p_project, p_count, p_tags) AS s);
END
$$;
COMMENT ON FUNCTION agent_loggy.fuzzy_document_ids(text, text, integer, text[], double precision, integer) IS
    'The ids of the p_count documents of p_project carrying all p_tags (NULL: any) that fuzzy search ranks first for p_query_text, best first: the lexemes fuzzy_terms() chooses, ranked by bm25_lexeme_scores() with their similarities as weights. The fuzzy branch of hybrid search; arguments are checked as fuzzy_terms() checks them.';

CREATE FUNCTION agent_loggy.fuzzy_search_documents(
    p_query_text text, p_project text DEFAULT 'default', p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL,
    p_min_similarity double precision DEFAULT 0.3, p_expansions integer DEFAULT 3)
    RETURNS TABLE (id bigint, project text, source text, external_id text, title text, content text,
                   tags text[], metadata jsonb, rank real, matched_terms jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- checked before the query: a join with an empty table would never call the checks
    asked_text text := agent_loggy.checked_query_text(p_query_text);
    asked_project text := agent_loggy.checked_project(p_project);
    asked_limit integer := agent_loggy.checked_limit(p_limit);
    asked_tags text[] := agent_loggy.checked_tags(p_tags);
    words text[];
    lexemes text[];
    weights double precision[];
BEGIN
    SELECT array_agg(t.word ORDER BY t.word, t.similarity DESC, t.lexeme),
           array_agg(t.lexeme ORDER BY t.word, t.similarity DESC, t.lexeme),
           array_agg(t.similarity ORDER BY t.word, t.similarity DESC, t.lexeme)
    INTO words, lexemes, weights
    FROM agent_loggy.fuzzy_terms(asked_text, asked_project, p_min_similarity, p_expansions) AS t;
    RETURN QUERY
    SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata, s.score::real,
           (SELECT jsonb_object_agg(m.word, m.lexeme ORDER BY m.word)
            FROM (SELECT DISTINCT ON (x.word) x.word, x.lexeme
                  FROM unnest(words, lexemes, weights) AS x (word, lexeme, similarity)
                  WHERE d.keyword_frequencies ? x.lexeme
                  ORDER BY x.word, x.similarity DESC, x.lexeme) AS m)
    FROM agent_loggy.bm25_lexeme_scores(lexemes, weights, asked_project, asked_limit, asked_tags)
         WITH ORDINALITY AS s (id, score, pos)
    JOIN agent_loggy.documents AS d ON d.id = s.id
    ORDER BY s.pos;
END
$$;
COMMENT ON FUNCTION agent_loggy.fuzzy_search_documents(text, text, integer, text[], double precision, integer) IS
    'Keyword search of the documents of p_project that tolerates typos: each english lexeme (word) of p_query_text stands for the p_expansions lexemes of the project''s vocabulary most similar to it (pg_trgm trigram similarity at least p_min_similarity, through keyword_terms_lexeme_trgm_idx; the word itself at similarity 1 when a document holds it), and documents are ranked by BM25 over them, each lexeme''s idf multiplied by its similarity, so a word found as typed outranks its corrections (rank = that score; ties by id; BM25 whatever agent_loggy.keyword_ranking says). matched_terms maps each query word the document matched to the lexeme it matched there (the most similar one it holds), e.g. {"paymnet": "payment", "tiemout": "timeout"}. p_tags keeps documents carrying all the given tags. Raises 22023 for blank text, more than 32 words, min_similarity outside (0, 1], expansions outside 1..10, and as keyword_search_documents for project, limit and tags; 42501 for a project the caller may not read.';

-- Hybrid search: a third branch -----------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_fuzzy_ids bigint[],
                                     p_keyword_weight double precision, p_semantic_weight double precision,
                                     p_fuzzy_weight double precision, p_rrf_k integer)
    RETURNS TABLE (id bigint, score double precision, keyword_rank integer, semantic_rank integer, fuzzy_rank integer)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(k.id, s.id, z.id),
           coalesce(p_keyword_weight / (p_rrf_k + k.rank), 0) + coalesce(p_semantic_weight / (p_rrf_k + s.rank), 0)
               + coalesce(p_fuzzy_weight / (p_rrf_k + z.rank), 0),
           k.rank::integer, s.rank::integer, z.rank::integer
    FROM unnest(p_keyword_ids) WITH ORDINALITY AS k (id, rank)
    FULL JOIN unnest(p_semantic_ids) WITH ORDINALITY AS s (id, rank) ON s.id = k.id
    FULL JOIN unnest(p_fuzzy_ids) WITH ORDINALITY AS z (id, rank) ON z.id = coalesce(k.id, s.id)
    ORDER BY 2 DESC, 1
$$;
COMMENT ON FUNCTION agent_loggy.rrf_fuse(bigint[], bigint[], bigint[], double precision, double precision, double precision, integer) IS
    'Reciprocal rank fusion of three ranked id lists (best first): score = keyword_weight / (rrf_k + keyword_rank) + semantic_weight / (rrf_k + semantic_rank) + fuzzy_weight / (rrf_k + fuzzy_rank), a missing rank contributing 0; ranks are 1-based positions in the lists. Sorted by score, then id.';

CREATE FUNCTION agent_loggy.checked_fusion(p_query_text text, p_query vector, p_keyword_weight double precision,
                                           p_semantic_weight double precision, p_fuzzy_weight double precision,
                                           p_rrf_k integer)
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_fuzzy_weight IS NULL OR NOT p_fuzzy_weight BETWEEN 0 AND 'Infinity'::float8 OR p_fuzzy_weight = 'Infinity' THEN
        RAISE EXCEPTION 'invalid fuzzy weight %: expected a finite weight >= 0 (0: no fuzzy branch)',
            coalesce(p_fuzzy_weight::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_fuzzy_weight = 0 THEN  -- the two branches as before, and their messages
        PERFORM agent_loggy.checked_fusion(p_query_text, p_query, p_keyword_weight, p_semantic_weight, p_rrf_k);
        RETURN;
    END IF;
    IF p_keyword_weight IS NULL OR p_keyword_weight < 0 OR p_keyword_weight = 'Infinity' OR p_keyword_weight = 'NaN'
            OR p_semantic_weight IS NULL OR p_semantic_weight < 0 OR p_semantic_weight = 'Infinity'
            OR p_semantic_weight = 'NaN' THEN
        RAISE EXCEPTION 'invalid weights keyword=% semantic=% fuzzy=%: expected finite weights >= 0',
            coalesce(p_keyword_weight::text, 'NULL'), coalesce(p_semantic_weight::text, 'NULL'), p_fuzzy_weight
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
    IF coalesce(p_query_text, '') !~ '\S' AND p_semantic_weight = 0 THEN
        RAISE EXCEPTION 'hybrid search has nothing to run: the query it was given is in a branch of weight 0'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.checked_fusion(text, vector, double precision, double precision, double precision, integer)');
COMMENT ON FUNCTION agent_loggy.checked_fusion(text, vector, double precision, double precision, double precision, integer) IS
    'checked_fusion() with a fuzzy branch: raises SQLSTATE 22023 unless p_fuzzy_weight is finite and >= 0 and, when it is above 0, the other weights are finite and >= 0, rrf_k is between 0 and 10000, and there is query text (for the keyword and fuzzy branches) or a query vector for a branch of positive weight. At fuzzy weight 0, exactly the two-branch checks and messages.';

DROP FUNCTION agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer);
CREATE FUNCTION agent_loggy.hybrid_search_documents(
    p_query_text text, p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 10,
    p_tags text[] DEFAULT NULL, p_keyword_weight double precision DEFAULT 1, p_semantic_weight double precision DEFAULT 1,
    p_rrf_k integer DEFAULT 60, p_fuzzy_weight double precision DEFAULT 0, p_embedding_config_id bigint DEFAULT NULL)
    RETURNS TABLE (id bigint, project text, source text, external_id text, title text, content text, tags text[],
                   metadata jsonb, score double precision, keyword_rank integer, semantic_rank integer,
                   similarity double precision, fuzzy_rank integer)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    tags text[] := agent_loggy.checked_tags(p_tags);
    candidates integer;
    keyword_ids bigint[];
    semantic_ids bigint[];
    semantic_distances double precision[];
    fuzzy_ids bigint[];
    config_id bigint := coalesce(p_embedding_config_id, agent_loggy.search_embedding_config(agent_loggy.checked_project(p_project)));
    config agent_loggy.embedding_configs;
BEGIN
    PERFORM agent_loggy.checked_project(p_project), agent_loggy.checked_limit(p_limit),
            agent_loggy.checked_fusion(p_query_text, p_query, p_keyword_weight, p_semantic_weight, p_fuzzy_weight, p_rrf_k);
    candidates := agent_loggy.rrf_candidates(p_limit, p_rrf_k);
    IF p_fuzzy_weight > 0 AND p_query_text ~ '\S' THEN
        IF p_keyword_weight > 0 OR p_query IS NOT NULL AND p_semantic_weight > 0 THEN
            -- three branches: a row outside every window scores at most 3 w_max / (rrf_k + window + 1),
            -- below the top's last w_max / (rrf_k + limit) when window >= 2 rrf_k + 3 limit
            candidates := candidates + p_rrf_k + p_limit;
        END IF;
        fuzzy_ids := agent_loggy.fuzzy_document_ids(p_query_text, p_project, candidates, tags);
    END IF;
    IF p_query_text ~ '\S' AND p_keyword_weight > 0 THEN
        keyword_ids := agent_loggy.keyword_document_ids(p_query_text, p_project, candidates, tags);
    END IF;
    IF p_query IS NOT NULL AND p_semantic_weight > 0 AND config_id IS NULL THEN
        semantic_ids := agent_loggy.nearest_document_ids(agent_loggy.checked_query_vector(p_query), p_project,
                                                         candidates, tags);
    ELSIF p_query IS NOT NULL AND p_semantic_weight > 0 THEN
        config := agent_loggy.checked_config_query(p_query, config_id, p_project);
        SELECT coalesce(array_agg(n.id ORDER BY n.rank), '{}'), coalesce(array_agg(n.distance ORDER BY n.rank), '{}')
        INTO semantic_ids, semantic_distances
        FROM agent_loggy.nearest_config_ids('documents', config.id, p_query, p_project, candidates, tags)
             WITH ORDINALITY AS n (id, chunk, distance, chunk_start, chunk_end, rank);
    ELSIF p_query IS NOT NULL AND config_id IS NOT NULL THEN
        config := agent_loggy.checked_config_query(p_query, config_id, p_project);
    END IF;
    RETURN QUERY
    SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata,
           f.score, f.keyword_rank, f.semantic_rank,
           CASE WHEN config_id IS NULL THEN 1 - (d.embedding <=> p_query)
                ELSE agent_loggy.vector_similarity(config.distance, semantic_distances[f.semantic_rank]) END,
           f.fuzzy_rank
    FROM agent_loggy.rrf_fuse(keyword_ids, semantic_ids, fuzzy_ids, p_keyword_weight, p_semantic_weight,
                              p_fuzzy_weight, p_rrf_k) AS f
    JOIN agent_loggy.documents AS d ON d.id = f.id
    ORDER BY f.score DESC, f.id
    LIMIT p_limit;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer, double precision, bigint)');
COMMENT ON FUNCTION agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer, double precision, bigint) IS
    'Hybrid search of the documents of p_project: keyword search (BM25, as keyword_search_documents ranks), vector search (search_documents) and, when p_fuzzy_weight > 0, fuzzy keyword search (as fuzzy_search_documents ranks, at its default similarity 0.3 and 3 expansions) each rank a window of rrf_candidates(p_limit, p_rrf_k) candidates (80 for the defaults; with the fuzzy branch and another one, rrf_k + limit more: 150), fused by reciprocal rank fusion: score = p_keyword_weight / (p_rrf_k + keyword_rank) + p_semantic_weight / (p_rrf_k + semantic_rank) + p_fuzzy_weight / (p_rrf_k + fuzzy_rank), an absent rank contributing 0. Best score first, ties by id. p_fuzzy_weight defaults to 0 (no fuzzy branch: the results of the two-branch search before migration 0031). Either query may be NULL, and any weight 0 (that branch is skipped), not all. The vector branch reads embedding config p_embedding_config_id (default: the project''s search config, as search_documents() does; none: the vector(384) column); similarity is 1 - cosine distance for the column (NULL without a query vector or an embedding), vector_similarity() of the document''s best chunk for a config (NULL outside the vector branch''s candidates).';

-- Privileges ------------------------------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    agent_loggy.bm25_lexeme_query(text[], double precision[], text),
    agent_loggy.bm25_lexeme_scores(text[], double precision[], text, integer, text[], double precision, double precision),
    agent_loggy.checked_fuzziness(text, double precision, integer),
    agent_loggy.fuzzy_terms(text, text, double precision, integer),
    agent_loggy.fuzzy_document_ids(text, text, integer, text[], double precision, integer),
    agent_loggy.fuzzy_search_documents(text, text, integer, text[], double precision, integer),
    agent_loggy.rrf_fuse(bigint[], bigint[], bigint[], double precision, double precision, double precision, integer),
    agent_loggy.checked_fusion(text, vector, double precision, double precision, double precision, integer),
    agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer, double precision, bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    agent_loggy.bm25_lexeme_scores(text[], double precision[], text, integer, text[], double precision, double precision),
    agent_loggy.checked_fuzziness(text, double precision, integer),
    agent_loggy.fuzzy_terms(text, text, double precision, integer),
    agent_loggy.fuzzy_document_ids(text, text, integer, text[], double precision, integer),
    agent_loggy.fuzzy_search_documents(text, text, integer, text[], double precision, integer),
    agent_loggy.rrf_fuse(bigint[], bigint[], bigint[], double precision, double precision, double precision, integer),
    agent_loggy.checked_fusion(text, vector, double precision, double precision, double precision, integer),
    agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer, double precision, bigint)
    TO agent_loggy_reader;
