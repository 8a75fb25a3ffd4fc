-- Rolls back 0023_bm25_bounds: BM25's top k prunes by single words again (MaxScore, as 0020 left it),
-- and the highest frequencies and shortest lengths go from the statistics.
LOCK TABLE agent_loggy.documents IN SHARE MODE;  -- (writers first, as in 0023: no deadlock with those in flight)
DROP FUNCTION agent_loggy.bm25_pruning_query(text[], double precision[], double precision);

CREATE OR REPLACE FUNCTION agent_loggy.bm25_document_scores(
    p_query_text text, p_project text, p_count integer, p_tags text[],
    p_k1 double precision DEFAULT NULL, p_b double precision DEFAULT NULL)
    RETURNS TABLE (id bigint, score double precision)
    LANGUAGE plpgsql STABLE
    ROWS 10
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET extra_float_digits = 3  -- the idf literals in the score expression keep every digit
AS $$
DECLARE
    project text := agent_loggy.checked_readable_project(p_project);
    k1 double precision := agent_loggy.bm25_parameter('k1', p_k1);
    b double precision := agent_loggy.bm25_parameter('b', p_b);
    q record := agent_loggy.bm25_query(p_query_text, p_project);
    n integer;
    sample_size integer;
    threshold double precision;
    bound double precision := 0;
    essential integer;
    rarest integer;
    covered bigint;
    score_expr text;
    score_sql text;
    all_sql text;
BEGIN
    IF q.lexemes IS NULL OR p_count IS NULL OR p_count <= 0 THEN
        RETURN;
    END IF;
    sample_size := greatest(4 * least(p_count, 25000), 100);
    n := cardinality(q.lexemes);
    score_expr := agent_loggy.bm25_expression(q.lexemes, q.idf, q.average_length, k1, b);
    -- documents of the project and tags that match the tsquery parameter $2 (or $4), with their scores
    score_sql := format('SELECT d.id, %s AS score FROM agent_loggy.documents AS d
                         WHERE d.project = $1 AND d.search_vector @@ $2 AND ($3::text[] IS NULL OR d.tags @> $3)', score_expr);
    all_sql := format('SELECT d.id, %s AS score FROM agent_loggy.documents AS d
                       WHERE d.project = $1 AND d.search_vector @@ $4 AND ($3::text[] IS NULL OR d.tags @> $3)', score_expr);
    -- a threshold: the p_count-th best score among some documents of the rarest lexemes (as many of
    -- them as hold p_count documents) and some holding all of them; every document of the top
    -- scores at least this much
    rarest := 1;
    covered := q.frequencies[1];
    WHILE rarest < n AND covered < p_count LOOP
        rarest := rarest + 1;
        covered := covered + q.frequencies[rarest];
    END LOOP;
    -- (not worth a query when all the matches together are few: then every match is scored)
    IF n > 1 AND (SELECT sum(f) FROM unnest(q.frequencies) AS f) > 2 * sample_size THEN
        EXECUTE format($sql$
            SELECT min(s.score) FROM (
                SELECT s.score FROM ((%1$s LIMIT %2$s) UNION (%3$s LIMIT %2$s)) AS s
                ORDER BY s.score DESC LIMIT %4$s) AS s
            HAVING count(*) = %4$s$sql$,
            score_sql, sample_size,
            all_sql, p_count)
        INTO threshold
        USING project, agent_loggy.bm25_tsquery(q.lexemes[1:rarest], '|'), p_tags, agent_loggy.bm25_tsquery(q.lexemes, '&');
        -- MaxScore: a lexeme's score is below idf * (k1 + 1); the commonest lexemes whose bounds sum
        -- below the threshold cannot lift a document holding only them into the top
        essential := n;
        WHILE threshold IS NOT NULL AND essential > 1  -- (a margin for rounding: ties must stay in)
              AND (bound + q.idf[essential] * (k1 + 1)) * (1 + 1e-9) < threshold LOOP
            bound := bound + q.idf[essential] * (k1 + 1);
            essential := essential - 1;
        END LOOP;
    ELSE
        essential := n;
    END IF;
    RETURN QUERY EXECUTE format('%s ORDER BY 2 DESC, 1 LIMIT $4', score_sql)
        USING project, agent_loggy.bm25_tsquery(q.lexemes[1:essential], '|'), p_tags, p_count;
END
$$;
COMMENT ON FUNCTION agent_loggy.bm25_document_scores(text, text, integer, text[], double precision, double precision) IS
    'The p_count documents of p_project carrying all p_tags (NULL: any) with the highest BM25 for p_query_text (see the head of migration 0020), best first, ties by id; only documents containing a lexeme of the query, so fewer when fewer match. k1 and b as bm25_parameter() chooses. Exact, without scoring every matching row (MaxScore): the p_count-th best score among up to max(4 p_count, 100) documents of the rarest lexemes (as few as hold p_count documents between them) and as many holding all lexemes is a threshold; the commonest lexemes whose upper bounds (idf * (k1 + 1)) sum below it cannot lift a document holding only them into the top, so only documents with one of the other lexemes are read (through the GIN index) and scored. A query whose lexemes are in at most 2 max(4 p_count, 100) documents together scores them all at once, and so does a query of common words only. Raises 42501 unless the calling login may read p_project (session_may_read); then reads as the owner.';

DROP FUNCTION agent_loggy.bm25_query(text, text);
CREATE FUNCTION agent_loggy.bm25_query(p_query_text text, p_project text,
    OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision,
    OUT documents bigint)
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH asked AS (
        SELECT tsvector_to_array(to_tsvector('english'::regconfig, p_query_text)) AS lexemes
    ), terms AS (  -- the committed counts, plus what this transaction changed and has not committed yet
        SELECT x.lexeme, sum(x.documents)::bigint AS documents
        FROM (SELECT t.lexeme, t.documents FROM agent_loggy.keyword_terms AS t, asked
              WHERE t.project = p_project AND t.lexeme = ANY (asked.lexemes)
              UNION ALL
              SELECT c.lexeme, c.documents FROM agent_loggy.keyword_changes AS c, asked
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
           min(c.total_length::double precision / c.documents), min(c.documents)
    FROM corpus AS c CROSS JOIN terms AS t
$$;
COMMENT ON FUNCTION agent_loggy.bm25_query(text, text) IS
    'The BM25 query for p_query_text in p_project: the english lexemes of the text that some document of the project contains (counting the calling transaction''s own uncommitted changes), rarest first (ties by lexeme), their idf = ln(1 + (N - df + 0.5) / (df + 0.5)) and document frequencies df, the project''s average document length and N. Lexemes no document contains score nothing and are left out; NULL arrays when none is left. Reads the statistics: the owner''s functions call it after checking the caller.';

REVOKE EXECUTE ON FUNCTION agent_loggy.bm25_query(text, text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION agent_loggy.count_keyword_changes() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    -- +1 for a new row and -1 for an old one, summed per project (lexeme NULL) and per (project,
    -- lexeme); an UPDATE counts the rows whose project or text changed. Static statements: their
    -- plans are kept from one call to the next.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO agent_loggy.keyword_changes (project, lexeme, documents, total_length)
        SELECT r.project, NULL, count(*), sum((r.keyword_frequencies ->> '')::bigint)
        FROM new_rows AS r GROUP BY r.project
        UNION ALL
        SELECT r.project, l.lexeme, count(*), 0
        FROM new_rows AS r CROSS JOIN LATERAL unnest(tsvector_to_array(r.search_vector)) AS l (lexeme)
        GROUP BY r.project, l.lexeme;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO agent_loggy.keyword_changes (project, lexeme, documents, total_length)
        SELECT r.project, NULL, -count(*), -sum((r.keyword_frequencies ->> '')::bigint)
        FROM old_rows AS r GROUP BY r.project
        UNION ALL
        SELECT r.project, l.lexeme, -count(*), 0
        FROM old_rows AS r CROSS JOIN LATERAL unnest(tsvector_to_array(r.search_vector)) AS l (lexeme)
        GROUP BY r.project, l.lexeme;
    ELSE
        INSERT INTO agent_loggy.keyword_changes (project, lexeme, documents, total_length)
        SELECT c.project, c.lexeme, sum(c.sign), sum(c.length)
        FROM new_rows AS n FULL JOIN old_rows AS o ON o.id = n.id  -- (SET id = DEFAULT gives a new id)
        CROSS JOIN LATERAL (VALUES (n.project, n.search_vector, n.keyword_frequencies, 1),
                                   (o.project, o.search_vector, o.keyword_frequencies, -1))
            AS r (project, search_vector, keyword_frequencies, sign)
        CROSS JOIN LATERAL (
            SELECT r.project, NULL::text AS lexeme, r.sign, r.sign * (r.keyword_frequencies ->> '')::bigint AS length
            UNION ALL
            SELECT r.project, l.lexeme, r.sign, 0 FROM unnest(tsvector_to_array(r.search_vector)) AS l (lexeme)) AS c
        WHERE r.project IS NOT NULL
          AND (n.id IS NULL OR o.id IS NULL
               OR (n.project, n.search_vector) IS DISTINCT FROM (o.project, o.search_vector))
        GROUP BY c.project, c.lexeme
        HAVING sum(c.sign) <> 0 OR sum(c.length) <> 0;
    END IF;
    IF NOT FOUND THEN  -- the statement changed no count
        RETURN NULL;
    END IF;
    INSERT INTO agent_loggy.keyword_change_transactions VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.count_keyword_changes() IS
    'Statement trigger of documents (after INSERT, UPDATE and DELETE, with transition tables): appends what the statement changed to keyword_changes (+1 per new row, -1 per old one, per project and per lexeme; an UPDATE counts the rows whose project or text changed) and queues the fold at commit. Runs as the owner: writers have no privilege on the counts.';

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
    INSERT INTO agent_loggy.keyword_terms AS t (project, lexeme, documents)
    SELECT c.project, c.lexeme, sum(c.documents)
    FROM agent_loggy.keyword_changes AS c
    WHERE c.transaction = NEW.transaction AND c.lexeme IS NOT NULL
    GROUP BY c.project, c.lexeme
    HAVING sum(c.documents) <> 0
    ORDER BY c.project, c.lexeme
    ON CONFLICT (project, lexeme) DO UPDATE SET documents = t.documents + excluded.documents;
    DELETE FROM agent_loggy.keyword_terms AS t
    USING (SELECT c.project, c.lexeme FROM agent_loggy.keyword_changes AS c
           WHERE c.transaction = NEW.transaction AND c.lexeme IS NOT NULL
           GROUP BY c.project, c.lexeme HAVING sum(c.documents) < 0) AS c
    WHERE t.project = c.project AND t.lexeme = c.lexeme AND t.documents <= 0;
    DELETE FROM agent_loggy.keyword_changes AS c WHERE c.transaction = NEW.transaction;
    DELETE FROM agent_loggy.keyword_change_transactions AS x WHERE x.transaction = NEW.transaction;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.fold_keyword_changes() IS
    'Deferred trigger of keyword_change_transactions, once per writing transaction at commit (or at SET CONSTRAINTS ... IMMEDIATE): adds the transaction''s keyword_changes to keyword_corpus (in project order) and keyword_terms (in (project, lexeme) order), deletes the counts that reach 0, then the changes.';

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
    INSERT INTO agent_loggy.keyword_terms (project, lexeme, documents)
    SELECT d.project, l.lexeme, count(*)
    FROM agent_loggy.documents AS d CROSS JOIN LATERAL unnest(tsvector_to_array(d.search_vector)) AS l (lexeme)
    GROUP BY d.project, l.lexeme;
    INSERT INTO agent_loggy.keyword_corpus (project, documents, total_length)
    SELECT d.project, count(*), sum((d.keyword_frequencies ->> '')::bigint)
    FROM agent_loggy.documents AS d
    GROUP BY d.project;
END
$$;
COMMENT ON FUNCTION agent_loggy.recount_keyword_statistics() IS
    'Rebuilds keyword_terms and keyword_corpus from the documents, under a SHARE lock on documents (writers wait). For the owner, after anything that bypassed the triggers: DISABLE TRIGGER, session_replication_role = replica (a logical replication subscriber), a data-only restore of documents beside restored counts.';

ALTER TABLE agent_loggy.keyword_changes DROP COLUMN max_frequency, DROP COLUMN min_length;
ALTER TABLE agent_loggy.keyword_terms DROP COLUMN max_frequency, DROP COLUMN min_length;
