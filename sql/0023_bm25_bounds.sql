-- depends: 0022_resolve_fast_path
-- BM25's top k reads only the documents whose words can reach it (issue: search at scale, item 2 and
-- the growth target of keyword and hybrid search).
--
-- 0020 pruned by single words (MaxScore): a document was read when it held any word whose bound,
-- idf * (k1 + 1), could lift it above the threshold with the commoner words' help. On a big table that
-- is every document of the query's rarer words: keyword search grew with the table (46 times from
-- 10,000 to 1,000,000 documents in figure 16).
--
--   keyword_terms.max_frequency, keyword_terms.min_length
--                       per project and lexeme: the highest term frequency and the shortest length
--                       of a document holding it, kept by the same statement triggers as the counts.
--                       They bound the lexeme's score: idf * f(max_frequency, min_length), where
--                       f(tf, dl) = tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)) grows with tf
--                       and falls with dl. Deletes leave them as they are (still bounds); a lexeme whose
--                       last document goes loses its row, and recount_keyword_statistics() makes them
--                       exact again. An edit writes a lexeme's row only when the new text holds it more
--                       often, or is shorter, than the old one did and than the bounds allow. NULL (counts
--                       restored without them) stays NULL until a recount: the bound is idf * (k1 + 1).
--   bm25_document_scores()
--                       the sets of query words whose bounds together reach the threshold, the smallest
--                       of them, become one full-text query, an OR of ANDs: a document is read only when
--                       it holds all the words of one such set. The GIN index answers it, walking the
--                       rarer words' postings and skipping through the common ones.

-- Statistics ------------------------------------------------------------------------------------------------------

-- writers first: they lock documents, then keyword_changes, then keyword_terms at commit; taking
-- documents first here, this migration waits for those in flight instead of deadlocking with them.
-- Writers and keyword searches then wait until it commits: the recount below reads every document
-- (about a minute a million documents), so on a big table plan the pause.
LOCK TABLE agent_loggy.documents IN SHARE MODE;

ALTER TABLE agent_loggy.keyword_terms ADD COLUMN max_frequency integer, ADD COLUMN min_length bigint;
COMMENT ON COLUMN agent_loggy.keyword_terms.max_frequency IS
    'At least the highest term frequency (keyword_term_frequencies) of the lexeme in a document of the project: exact after recount_keyword_statistics(), raised by writes, left by deletes. NULL: unknown (counts restored without it), and so until the next recount; the score bound is then idf * (k1 + 1).';
COMMENT ON COLUMN agent_loggy.keyword_terms.min_length IS
    'At most the shortest length (keyword_frequencies ->> '''') of a document of the project holding the lexeme: exact after recount_keyword_statistics(), lowered by writes, left by deletes. NULL: unknown, as max_frequency.';

ALTER TABLE agent_loggy.keyword_changes ADD COLUMN max_frequency integer, ADD COLUMN min_length bigint;
COMMENT ON COLUMN agent_loggy.keyword_changes.max_frequency IS
    'For a lexeme: the highest term frequency of it in the statement''s new rows (NULL: no new row holds it).';
COMMENT ON COLUMN agent_loggy.keyword_changes.min_length IS
    'For a lexeme: the shortest length of the statement''s new rows holding it (NULL: no new row holds it).';

CREATE OR REPLACE FUNCTION agent_loggy.count_keyword_changes() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- +1 for a new row and -1 for an old one, summed per project (lexeme NULL) and per (project,
    -- lexeme), with the new rows' highest frequency and shortest length per lexeme; an UPDATE counts
    -- the rows whose project or text changed. The lexemes and their frequencies are the keys of
    -- keyword_frequencies (the key '' is the length). Static statements: their plans are kept from
    -- one call to the next.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO agent_loggy.keyword_changes (project, lexeme, documents, total_length, max_frequency, min_length)
        SELECT r.project, NULL, count(*), sum((r.keyword_frequencies ->> '')::bigint), NULL, NULL
        FROM new_rows AS r GROUP BY r.project
        UNION ALL
        SELECT r.project, f.key, count(*), 0, max(f.value::integer), min((r.keyword_frequencies ->> '')::bigint)
        FROM new_rows AS r CROSS JOIN LATERAL jsonb_each_text(r.keyword_frequencies) AS f
        WHERE f.key <> ''
        GROUP BY r.project, f.key;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO agent_loggy.keyword_changes (project, lexeme, documents, total_length)
        SELECT r.project, NULL, -count(*), -sum((r.keyword_frequencies ->> '')::bigint)
        FROM old_rows AS r GROUP BY r.project
        UNION ALL
        SELECT r.project, l.lexeme, -count(*), 0
        FROM old_rows AS r CROSS JOIN LATERAL unnest(tsvector_to_array(r.search_vector)) AS l (lexeme)
        GROUP BY r.project, l.lexeme;
    ELSE
        INSERT INTO agent_loggy.keyword_changes (project, lexeme, documents, total_length, max_frequency, min_length)
        SELECT c.project, c.lexeme, sum(c.sign), sum(c.length), max(c.frequency), min(c.new_length)
        FROM new_rows AS n FULL JOIN old_rows AS o ON o.id = n.id  -- (SET id = DEFAULT gives a new id)
        CROSS JOIN LATERAL (VALUES (n.project, n.keyword_frequencies, 1, o.project, o.keyword_frequencies),
                                   (o.project, o.keyword_frequencies, -1, NULL, NULL))
            AS r (project, keyword_frequencies, sign, old_project, old_frequencies)
        CROSS JOIN LATERAL (
            SELECT r.project, NULL::text AS lexeme, r.sign, r.sign * (r.keyword_frequencies ->> '')::bigint AS length,
                   NULL::integer AS frequency, NULL::bigint AS new_length
            UNION ALL
            -- a new row's frequency and length, unless the row's old version (counted before, so
            -- within the bounds) held the lexeme as often in a text as short: most edits leave the
            -- bounds of most of a document's lexemes as they were, and their rows untouched
            SELECT r.project, f.key, r.sign, 0,
                   CASE WHEN w.widens THEN f.value::integer END,
                   CASE WHEN w.widens THEN (r.keyword_frequencies ->> '')::bigint END
            FROM jsonb_each_text(r.keyword_frequencies) AS f
            CROSS JOIN LATERAL (
                SELECT r.sign > 0 AND NOT coalesce(r.old_project = r.project
                                                   AND (r.old_frequencies ->> f.key)::integer >= f.value::integer
                                                   AND (r.old_frequencies ->> '')::bigint <= (r.keyword_frequencies ->> '')::bigint,
                                                   false) AS widens) AS w
            WHERE f.key <> '') AS c
        WHERE r.project IS NOT NULL
          AND (n.id IS NULL OR o.id IS NULL
               OR (n.project, n.search_vector) IS DISTINCT FROM (o.project, o.search_vector))
        GROUP BY c.project, c.lexeme
        HAVING sum(c.sign) <> 0 OR sum(c.length) <> 0 OR max(c.frequency) IS NOT NULL;
    END IF;
    IF NOT FOUND THEN  -- the statement changed no count
        RETURN NULL;
    END IF;
    INSERT INTO agent_loggy.keyword_change_transactions VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.count_keyword_changes() IS
    'Statement trigger of documents (after INSERT, UPDATE and DELETE, with transition tables): appends what the statement changed to keyword_changes (+1 per new row, -1 per old one, per project and per lexeme, with the new rows'' highest frequency and shortest length per lexeme; an UPDATE counts the rows whose project or text changed) and queues the fold at commit. Runs as the owner: writers have no privilege on the counts.';

CREATE OR REPLACE FUNCTION agent_loggy.fold_keyword_changes() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- the projects' corpus rows first, in project order, then the lexemes' rows in (project, lexeme)
    -- order: every committing writer locks in this order, so none deadlocks
    INSERT INTO agent_loggy.keyword_corpus AS k (project, documents, total_length)
    SELECT c.project, sum(c.documents), sum(c.total_length)
    FROM agent_loggy.keyword_changes AS c
    WHERE c.transaction = NEW.transaction AND c.lexeme IS NULL
    GROUP BY c.project
    ORDER BY c.project
    ON CONFLICT (project) DO UPDATE
        SET documents = k.documents + excluded.documents, total_length = k.total_length + excluded.total_length;
    DELETE FROM agent_loggy.keyword_corpus AS k
    USING (SELECT DISTINCT c.project FROM agent_loggy.keyword_changes AS c
           WHERE c.transaction = NEW.transaction AND c.lexeme IS NULL) AS c
    WHERE k.project = c.project AND k.documents <= 0;
    INSERT INTO agent_loggy.keyword_terms AS t (project, lexeme, documents, max_frequency, min_length)
    SELECT c.project, c.lexeme, sum(c.documents), max(c.max_frequency), min(c.min_length)
    FROM agent_loggy.keyword_changes AS c
    WHERE c.transaction = NEW.transaction AND c.lexeme IS NOT NULL
    GROUP BY c.project, c.lexeme
    HAVING sum(c.documents) <> 0 OR max(c.max_frequency) IS NOT NULL
    ORDER BY c.project, c.lexeme
    ON CONFLICT (project, lexeme) DO UPDATE
        SET documents = t.documents + excluded.documents,
            -- (an unknown bound stays unknown until recount_keyword_statistics())
            max_frequency = CASE WHEN t.max_frequency IS NOT NULL THEN greatest(t.max_frequency, excluded.max_frequency) END,
            min_length = CASE WHEN t.min_length IS NOT NULL THEN least(t.min_length, excluded.min_length) END
        WHERE excluded.documents <> 0 OR excluded.max_frequency > t.max_frequency OR excluded.min_length < t.min_length;
    DELETE FROM agent_loggy.keyword_terms AS t
    USING (SELECT c.project, c.lexeme FROM agent_loggy.keyword_changes AS c
           WHERE c.transaction = NEW.transaction AND c.lexeme IS NOT NULL
           GROUP BY c.project, c.lexeme HAVING sum(c.documents) <= 0) AS c
    WHERE t.project = c.project AND t.lexeme = c.lexeme AND t.documents <= 0;
    DELETE FROM agent_loggy.keyword_changes AS c WHERE c.transaction = NEW.transaction;
    DELETE FROM agent_loggy.keyword_change_transactions AS x WHERE x.transaction = NEW.transaction;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.fold_keyword_changes() IS
    'Deferred trigger of keyword_change_transactions, once per writing transaction at commit (or at SET CONSTRAINTS ... IMMEDIATE): adds the transaction''s keyword_changes to keyword_corpus (in project order) and keyword_terms (in (project, lexeme) order; the highest frequency and shortest length only ever widen), deletes the counts that reach 0, then the changes.';

CREATE OR REPLACE FUNCTION agent_loggy.recount_keyword_statistics() RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- writers wait (and those in flight finish and fold) while the counts are rebuilt
    LOCK TABLE agent_loggy.documents IN SHARE MODE;
    DELETE FROM agent_loggy.keyword_changes AS c WHERE c.transaction = pg_current_xact_id();
    DELETE FROM agent_loggy.keyword_change_transactions AS x WHERE x.transaction = pg_current_xact_id();
    DELETE FROM agent_loggy.keyword_terms;
    DELETE FROM agent_loggy.keyword_corpus;
    INSERT INTO agent_loggy.keyword_terms (project, lexeme, documents, max_frequency, min_length)
    SELECT d.project, f.key, count(*), max(f.value::integer), min((d.keyword_frequencies ->> '')::bigint)
    FROM agent_loggy.documents AS d CROSS JOIN LATERAL jsonb_each_text(d.keyword_frequencies) AS f
    WHERE f.key <> ''
    GROUP BY d.project, f.key;
    INSERT INTO agent_loggy.keyword_corpus (project, documents, total_length)
    SELECT d.project, count(*), sum((d.keyword_frequencies ->> '')::bigint)
    FROM agent_loggy.documents AS d
    GROUP BY d.project;
END
$$;
COMMENT ON FUNCTION agent_loggy.recount_keyword_statistics() IS
    'Rebuilds keyword_terms (counts, highest frequencies, shortest lengths) and keyword_corpus from the documents, under a SHARE lock on documents (writers wait). For the owner, after anything that bypassed the triggers: DISABLE TRIGGER, session_replication_role = replica (a logical replication subscriber), a data-only restore of documents beside restored counts; or to tighten the frequency and length bounds after many deletes.';

-- the documents already stored
DO $$ BEGIN PERFORM agent_loggy.recount_keyword_statistics(); END $$;

-- Scoring ---------------------------------------------------------------------------------------------------------

DROP FUNCTION agent_loggy.bm25_query(text, text);  -- (its result gains two columns)
CREATE FUNCTION agent_loggy.bm25_query(p_query_text text, p_project text,
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
REVOKE EXECUTE ON FUNCTION agent_loggy.bm25_query(text, text) FROM PUBLIC;

CREATE FUNCTION agent_loggy.bm25_pruning_query(p_lexemes text[], p_bounds double precision[], p_threshold double precision)
    RETURNS tsquery
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n integer := cardinality(p_lexemes);
    clauses text[] := '{}';
    words text[];
    total double precision;
    smallest double precision;
BEGIN
    IF n > 16 THEN
        RAISE EXCEPTION 'too many lexemes for bm25_pruning_query: % (at most 16)', n USING ERRCODE = 'program_limit_exceeded';
    END IF;
    -- every set of the lexemes (a bit mask); it reaches the threshold when the sum of its bounds does
    -- (a margin for rounding: ties must stay in), and is among the smallest when it stops reaching
    -- it without its smallest bound
    FOR mask IN 1 .. (1 << n) - 1 LOOP
        total := 0;
        smallest := 'Infinity';
        words := '{}';
        FOR i IN 1 .. n LOOP
            IF mask & (1 << (i - 1)) <> 0 THEN
                total := total + p_bounds[i];
                smallest := least(smallest, p_bounds[i]);
                words := words || p_lexemes[i];
            END IF;
        END LOOP;
        -- (the subset is left out only when it reaches the threshold by a wider margin, so that
        -- rounding in total - smallest never drops both)
        IF total * (1 + 1e-9) >= p_threshold
           AND (cardinality(words) = 1 OR (total - smallest) * (1 + 1e-9) < p_threshold * (1 + 1e-7)) THEN
            clauses := clauses || ('(' || agent_loggy.bm25_tsquery(words, '&')::text || ')');
        END IF;
    END LOOP;
    RETURN nullif(array_to_string(clauses, ' | '), '')::tsquery;
END
$$;
COMMENT ON FUNCTION agent_loggy.bm25_pruning_query(text[], double precision[], double precision) IS
    'The full-text query matching exactly the documents that hold all the lexemes of some set of p_lexemes whose bounds (p_bounds, same order) sum to p_threshold or more: an OR of ANDs, one per smallest such set. A document holding no such set scores below p_threshold. NULL when no set reaches it. Enumerates all 2^n sets, so it is for a few lexemes: bm25_document_scores asks with at most 8, and more than 16 raise 54000; not granted to anyone.';

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
                         WHERE d.project = $1 AND d.search_vector @@ $2 AND ($3::text[] IS NULL OR d.tags @> $3)', score_expr);
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
        (SELECT string_agg('(' || score_from || format(' WHERE d.project = $1 AND d.search_vector @@ $4[%s]
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

REVOKE EXECUTE ON FUNCTION agent_loggy.bm25_pruning_query(text[], double precision[], double precision) FROM PUBLIC;
