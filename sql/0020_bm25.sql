-- depends: 0019_keyword_plans
-- Keyword search ranked by BM25 (issue: search at scale, items 2 and 3).
--
--   keyword_corpus, keyword_terms
--                       per project: how many documents, their total length, and for each english
--                       lexeme how many documents contain it; kept exact by statement triggers on
--                       documents (every INSERT, UPDATE, DELETE, MERGE, COPY and TRUNCATE): each
--                       statement appends its changes (keyword_changes), folded in when the
--                       transaction commits, so a rollback takes them back with it
--   bm25_score()        Lucene's BM25 of one document for a query, callable on its own
--   bm25_document_scores()
--                       the top k of a project by BM25 without scoring every matching row: a sample
--                       of the rarest terms' documents sets a threshold, and documents holding only
--                       terms whose summed upper bounds stay below it are never read (MaxScore)
--   keyword search      keyword_search_documents() and the keyword branch of hybrid_search_documents()
--                       rank by BM25; agent_loggy.keyword_ranking = 'ts_rank' keeps the old ranking
--
-- Adding the stored generated column rewrites documents and rebuilds its indexes (HNSW included)
-- under an ACCESS EXCLUSIVE lock: on a big table, plan the downtime.
--
-- BM25 (Lucene's, as bm25s's 'lucene' method), for each query lexeme t found in document d:
--     idf(t)   = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))
--     score    = sum over t of idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
-- N, df and avgdl are the project's; tf counts the lexeme's positions in the document, a title
-- position twice (title weight A); dl is the document's tf summed over its lexemes. The english
-- configuration stems and drops stop words, in documents and queries alike. k1 = 1.2 and b = 0.75
-- unless given per call or by the settings agent_loggy.bm25_k1 / agent_loggy.bm25_b.

-- Statistics ------------------------------------------------------------------------------------------------------

CREATE TABLE agent_loggy.keyword_corpus (
    project      text NOT NULL,
    documents    bigint NOT NULL,
    total_length bigint NOT NULL,
    CONSTRAINT keyword_corpus_pkey PRIMARY KEY (project)
);
COMMENT ON TABLE agent_loggy.keyword_corpus IS
    'BM25 corpus statistics per project, kept by the statement triggers on documents (keyword_statistics_*): read only by the owner''s functions (bm25_document_scores, bm25_score), never granted, since they reveal what other projects hold.';
COMMENT ON COLUMN agent_loggy.keyword_corpus.project IS 'The project the counts are of.';
COMMENT ON COLUMN agent_loggy.keyword_corpus.documents IS 'How many documents the project holds (N of BM25).';
COMMENT ON COLUMN agent_loggy.keyword_corpus.total_length IS 'The sum of the documents'' lengths (keyword_frequencies ->> ''''); divided by documents, the average length avgdl.';

CREATE TABLE agent_loggy.keyword_terms (
    project   text NOT NULL,
    lexeme    text NOT NULL,
    documents bigint NOT NULL,
    CONSTRAINT keyword_terms_pkey PRIMARY KEY (project, lexeme)
);
COMMENT ON TABLE agent_loggy.keyword_terms IS
    'BM25 document frequencies per project: for each english lexeme, how many of the project''s documents contain it (in title or content). Rows at 0 are deleted. Kept and read like keyword_corpus.';
COMMENT ON COLUMN agent_loggy.keyword_terms.project IS 'The project the count is of.';
COMMENT ON COLUMN agent_loggy.keyword_terms.lexeme IS 'A lexeme of documents.search_vector (stemmed, english configuration).';
COMMENT ON COLUMN agent_loggy.keyword_terms.documents IS 'How many of the project''s documents contain the lexeme (df of BM25).';

REVOKE ALL ON agent_loggy.keyword_corpus, agent_loggy.keyword_terms FROM PUBLIC;

CREATE FUNCTION agent_loggy.keyword_term_frequencies(p_vector tsvector)
    RETURNS TABLE (lexeme text, frequency integer)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    ROWS 100
BEGIN ATOMIC  -- parsed once, here: a writer's search_path cannot change what it calls
    SELECT u.lexeme,
           coalesce(cardinality(u.positions) + cardinality(array_positions(u.weights, 'A')), 1)
    FROM unnest(p_vector) AS u;
END;
COMMENT ON FUNCTION agent_loggy.keyword_term_frequencies(tsvector) IS
    'The term frequency BM25 uses for each lexeme of p_vector: its number of positions, a title position (weight A) counting twice; 1 for a lexeme stored without positions. PostgreSQL keeps at most 256 positions of a lexeme and none beyond 16,383, so counts of longer texts saturate.';

CREATE FUNCTION agent_loggy.keyword_frequencies(p_vector tsvector) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT coalesce(jsonb_object_agg(f.lexeme, f.frequency), '{}') || jsonb_build_object('', coalesce(sum(f.frequency), 0))
            FROM agent_loggy.keyword_term_frequencies(p_vector) AS f);
COMMENT ON FUNCTION agent_loggy.keyword_frequencies(tsvector) IS
    'What BM25 reads of a document, as a JSON object: each lexeme of p_vector with its term frequency (keyword_term_frequencies), and under the key "" (no lexeme is empty) the document''s length dl, the frequencies summed (stop words do not count).';

ALTER TABLE agent_loggy.documents ADD COLUMN keyword_frequencies jsonb GENERATED ALWAYS AS (
    agent_loggy.keyword_frequencies(
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, content), 'B'))) STORED;
COMMENT ON COLUMN agent_loggy.documents.keyword_frequencies IS
    'keyword_frequencies(search_vector): each lexeme''s term frequency and, under "", the length BM25 normalises by; generated (from the same expression as search_vector), never written. A score reads a few keys of it instead of unnesting the search vector.';

-- the new generated column is left out of touch_updated_at's comparison, like search_vector
DROP TRIGGER t90_touch_updated_at ON agent_loggy.documents;
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.documents
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at('search_vector', 'keyword_frequencies');

-- A writing transaction appends its changes to keyword_changes, statement by statement (no shared
-- row is updated, so writers never queue on each other there, and a transaction of many small
-- statements writes no long chains of row versions); they are folded into keyword_terms and
-- keyword_corpus once, when it commits, by a deferred trigger. Until then its own searches add them.

CREATE TABLE agent_loggy.keyword_changes (
    transaction  xid8 NOT NULL DEFAULT pg_current_xact_id(),
    project      text NOT NULL,
    lexeme       text,
    documents    bigint NOT NULL,
    total_length bigint NOT NULL DEFAULT 0
);
CREATE INDEX keyword_changes_transaction_idx ON agent_loggy.keyword_changes (transaction, project, lexeme);
COMMENT ON TABLE agent_loggy.keyword_changes IS
    'What transactions still in progress changed in the BM25 counts, appended by count_keyword_changes() for each statement and folded into keyword_terms / keyword_corpus at commit (fold_keyword_changes), then deleted. Read only by the owner''s functions.';
COMMENT ON COLUMN agent_loggy.keyword_changes.transaction IS 'The writing (top-level) transaction.';
COMMENT ON COLUMN agent_loggy.keyword_changes.project IS 'The project whose counts change.';
COMMENT ON COLUMN agent_loggy.keyword_changes.lexeme IS 'The lexeme whose document frequency changes; NULL for the project''s corpus counts.';
COMMENT ON COLUMN agent_loggy.keyword_changes.documents IS 'How many documents more (negative: fewer) contain the lexeme, or the project holds.';
COMMENT ON COLUMN agent_loggy.keyword_changes.total_length IS 'For a corpus change (lexeme NULL): how much longer the project''s documents are together; else 0.';

CREATE TABLE agent_loggy.keyword_change_transactions (
    transaction xid8 NOT NULL,
    CONSTRAINT keyword_change_transactions_pkey PRIMARY KEY (transaction)
);
COMMENT ON TABLE agent_loggy.keyword_change_transactions IS
    'One row per transaction with keyword_changes to fold: inserting it queues the deferred trigger fold_keyword_changes, which runs once at commit and deletes it.';
COMMENT ON COLUMN agent_loggy.keyword_change_transactions.transaction IS 'The writing (top-level) transaction.';

REVOKE ALL ON agent_loggy.keyword_changes, agent_loggy.keyword_change_transactions FROM PUBLIC;

CREATE FUNCTION agent_loggy.count_keyword_changes() RETURNS trigger
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

CREATE FUNCTION agent_loggy.fold_keyword_changes() RETURNS trigger
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

CREATE CONSTRAINT TRIGGER fold_keyword_changes AFTER INSERT ON agent_loggy.keyword_change_transactions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.fold_keyword_changes();

CREATE FUNCTION agent_loggy.forget_keyword_counts() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM agent_loggy.keyword_terms;
    DELETE FROM agent_loggy.keyword_corpus;
    DELETE FROM agent_loggy.keyword_changes AS c WHERE c.transaction = pg_current_xact_id();
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.forget_keyword_counts() IS
    'Statement trigger of documents after TRUNCATE: no documents, no counts (nor changes of this transaction to fold).';

CREATE TRIGGER keyword_statistics_insert AFTER INSERT ON agent_loggy.documents
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.count_keyword_changes();
CREATE TRIGGER keyword_statistics_update AFTER UPDATE ON agent_loggy.documents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.count_keyword_changes();
CREATE TRIGGER keyword_statistics_delete AFTER DELETE ON agent_loggy.documents
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.count_keyword_changes();
CREATE TRIGGER keyword_statistics_truncate AFTER TRUNCATE ON agent_loggy.documents
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.forget_keyword_counts();

CREATE FUNCTION agent_loggy.recount_keyword_statistics() RETURNS void
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

-- the documents already stored
DO $$ BEGIN PERFORM agent_loggy.recount_keyword_statistics(); END $$;  -- (a SELECT would print its result in yoyo)

-- Scoring ---------------------------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.bm25_parameter(p_name text, p_value double precision) RETURNS double precision
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    setting text := nullif(current_setting('agent_loggy.bm25_' || p_name, true), '');
    value double precision := p_value;
BEGIN
    IF value IS NULL AND setting IS NOT NULL THEN
        IF setting !~ '^\s*[0-9]+(\.[0-9]+)?\s*$' THEN
            RAISE EXCEPTION 'invalid setting agent_loggy.bm25_% = %: expected a number', p_name, quote_literal(setting)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        value := setting::double precision;
    END IF;
    value := coalesce(value, CASE p_name WHEN 'k1' THEN 1.2 ELSE 0.75 END);
    IF p_name = 'k1' AND NOT value BETWEEN 0 AND 100 OR p_name = 'b' AND NOT value BETWEEN 0 AND 1 THEN
        RAISE EXCEPTION 'invalid BM25 % %: expected %', p_name, value,
            CASE p_name WHEN 'k1' THEN '0 to 100 (1.2 is usual)' ELSE '0 to 1 (0.75 is usual)' END
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN value;
END
$$;
COMMENT ON FUNCTION agent_loggy.bm25_parameter(text, double precision) IS
    'The BM25 parameter p_name (''k1'' or ''b'') a search uses: p_value when given, else the setting agent_loggy.bm25_<name> (e.g. ALTER ROLE ... SET agent_loggy.bm25_k1 = 0.9), else Lucene''s default (k1 1.2, b 0.75). Raises 22023 for k1 outside 0..100, b outside 0..1 (NaN included) or a setting that is no number.';

CREATE FUNCTION agent_loggy.bm25_expression(
    p_lexemes text[], p_idf double precision[], p_average_length double precision,
    p_k1 double precision, p_b double precision) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (
        SELECT format('(SELECT %s FROM (SELECT (%s * (1 - %s + %s * (d.keyword_frequencies ->> '''')::float8 / %s)) AS k) AS n)',
                      string_agg(format('coalesce(%s * (d.keyword_frequencies ->> %L)::float8 / nullif((d.keyword_frequencies ->> %L)::float8 + n.k, 0), 0)',
                                        q.idf * (p_k1 + 1), q.lexeme, q.lexeme), ' + '),
                      p_k1, p_b, p_b, p_average_length)
        FROM unnest(p_lexemes, p_idf) AS q (lexeme, idf));
COMMENT ON FUNCTION agent_loggy.bm25_expression(text[], double precision[], double precision, double precision, double precision) IS
    'The SQL expression of a document d''s BM25 for the query lexemes p_lexemes with inverse document frequencies p_idf (same order), in a corpus of average length p_average_length: the sum over the lexemes d contains of idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)), tf and dl read from d.keyword_frequencies; 0 when it contains none. Numbers and lexemes are literals in it (quoted by format), so each call''s plan has them as constants.';

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

CREATE FUNCTION agent_loggy.bm25_tsquery(p_lexemes text[], p_operator text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN (SELECT string_agg('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''', ' ' || p_operator || ' ')::tsquery
            FROM unnest(p_lexemes) AS l);
COMMENT ON FUNCTION agent_loggy.bm25_tsquery(text[], text) IS
    'The full-text query matching documents that contain any (p_operator ''|'') or all (''&'') of p_lexemes, taken as they are (already stemmed).';

CREATE FUNCTION agent_loggy.checked_readable_project(p_project text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT agent_loggy.session_may_read(p_project) THEN
        RAISE EXCEPTION 'permission denied for project %: the login % may not read it (or the transaction is bound to another project)',
            quote_nullable(p_project), quote_ident(session_user::text)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN p_project;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_readable_project(text) IS
    'Returns p_project when the calling login may read it (session_may_read), else raises 42501: what a SECURITY DEFINER function reading a project''s rows as the owner asks first.';

CREATE FUNCTION agent_loggy.bm25_document_scores(
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

CREATE FUNCTION agent_loggy.bm25_score(p_document_id bigint, p_query_text text,
                                       p_k1 double precision DEFAULT NULL, p_b double precision DEFAULT NULL)
    RETURNS double precision
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET extra_float_digits = 3
AS $$
DECLARE
    k1 double precision := agent_loggy.bm25_parameter('k1', p_k1);
    b double precision := agent_loggy.bm25_parameter('b', p_b);
    doc record;
    q record;
    score double precision;
BEGIN
    SELECT d.project INTO doc FROM agent_loggy.documents AS d WHERE d.id = p_document_id;
    IF NOT FOUND OR NOT agent_loggy.session_may_read(doc.project) THEN
        RAISE EXCEPTION 'document % not found: no document with that id in a project the login % may read',
            coalesce(p_document_id::text, 'NULL'), quote_ident(session_user::text)
            USING ERRCODE = 'no_data_found';
    END IF;
    q := agent_loggy.bm25_query(agent_loggy.checked_query_text(p_query_text), doc.project);
    IF q.lexemes IS NULL THEN
        RETURN 0;
    END IF;
    EXECUTE format('SELECT %s FROM agent_loggy.documents AS d WHERE d.id = $1',
                   agent_loggy.bm25_expression(q.lexemes, q.idf, q.average_length, k1, b))
        INTO score USING p_document_id;
    RETURN score;
END
$$;
COMMENT ON FUNCTION agent_loggy.bm25_score(bigint, text, double precision, double precision) IS
    'BM25 of document p_document_id for p_query_text within its project''s statistics, as bm25_document_scores() ranks it (0 when it contains no lexeme of the query). Raises P0002 for an id that is no document of a project the calling login may read (the two are not told apart), 22023 for blank query text or bad k1 / b.';

-- Keyword search ranks by BM25 -------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.keyword_ranking() RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    ranking text := coalesce(nullif(current_setting('agent_loggy.keyword_ranking', true), ''), 'bm25');
BEGIN
    IF ranking NOT IN ('bm25', 'ts_rank') THEN
        RAISE EXCEPTION 'invalid setting agent_loggy.keyword_ranking = %: expected bm25 or ts_rank', quote_literal(ranking)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN ranking;
END
$$;
COMMENT ON FUNCTION agent_loggy.keyword_ranking() IS
    'How keyword search ranks: the setting agent_loggy.keyword_ranking, ''bm25'' (the default) or ''ts_rank'' (ts_rank normalised by length, the ranking before migration 0020). Raises 22023 for any other value.';

CREATE FUNCTION agent_loggy.keyword_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[])
    RETURNS TABLE (id bigint, score double precision)
    LANGUAGE plpgsql STABLE
    ROWS 10
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    q tsquery;
BEGIN
    IF agent_loggy.keyword_ranking() = 'bm25' THEN
        RETURN QUERY SELECT s.id, s.score FROM agent_loggy.bm25_document_scores(p_query_text, p_project, p_count, p_tags) AS s;
        RETURN;
    END IF;
    PERFORM agent_loggy.checked_readable_project(p_project);
    q := agent_loggy.keyword_query(p_query_text);
    IF q IS NULL OR p_count IS NULL OR p_count <= 0 THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format($sql$
        SELECT d.id, ts_rank(d.search_vector, $2, 1)::double precision
        FROM agent_loggy.documents AS d
        WHERE d.project = $1 AND d.search_vector @@ $2 AND ($3::text[] IS NULL OR d.tags @> $3)
        ORDER BY 2 DESC, 1
        LIMIT $4$sql$)
        USING p_project, q, p_tags, p_count;
END
$$;
COMMENT ON FUNCTION agent_loggy.keyword_document_scores(text, text, integer, text[]) IS
    'The p_count documents of p_project carrying all p_tags (NULL: any) that match p_query_text best, with their scores: BM25 (bm25_document_scores) or, when agent_loggy.keyword_ranking is ''ts_rank'', ts_rank(search_vector, keyword_query(text), 1); best first, ties by id. Raises 42501 unless the calling login may read p_project; then reads as the owner, with a plan made for the call. Arguments are not checked otherwise: the search functions check them.';

CREATE OR REPLACE FUNCTION agent_loggy.keyword_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[])
    RETURNS bigint[]
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    RETURN ARRAY(SELECT s.id FROM agent_loggy.keyword_document_scores(p_query_text, p_project, p_count, p_tags) AS s);
ALTER FUNCTION agent_loggy.keyword_document_ids(text, text, integer, text[]) SECURITY INVOKER;
COMMENT ON FUNCTION agent_loggy.keyword_document_ids(text, text, integer, text[]) IS
    'The ids of keyword_document_scores(), best first: the keyword branch of hybrid search.';

CREATE OR REPLACE FUNCTION agent_loggy.keyword_search_documents(
    p_query_text text, p_project text DEFAULT 'default', p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL)
    RETURNS TABLE (id bigint, project text, source text, external_id text, title text, content text,
                   tags text[], metadata jsonb, rank real)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    -- checked before the query: a join with an empty table would never call the checks
    asked_text text := agent_loggy.checked_query_text(p_query_text);
    asked_project text := agent_loggy.checked_project(p_project);
    asked_limit integer := agent_loggy.checked_limit(p_limit);
    asked_tags text[] := agent_loggy.checked_tags(p_tags);
BEGIN
    RETURN QUERY
    SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata, s.score::real
    FROM agent_loggy.keyword_document_scores(asked_text, asked_project, asked_limit, asked_tags)
         WITH ORDINALITY AS s (id, score, pos)
    JOIN agent_loggy.documents AS d ON d.id = s.id
    ORDER BY s.pos;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.keyword_search_documents(text, text, integer, text[])');
COMMENT ON FUNCTION agent_loggy.keyword_search_documents(text, text, integer, text[]) IS
    'Full-text search of the documents of p_project: rows whose title or content contain an english lexeme of p_query_text, best first by rank = their BM25 score (see bm25_document_scores; a title word counts twice; k1, b from agent_loggy.bm25_k1 / agent_loggy.bm25_b, else 1.2 and 0.75), ties by id; rank = ts_rank(search_vector, keyword_query(text), 1) when agent_loggy.keyword_ranking is ''ts_rank''. p_tags keeps documents carrying all the given tags. Finds documents with or without embeddings.';

COMMENT ON FUNCTION agent_loggy.hybrid_search_documents(text, vector, text, integer, text[], double precision, double precision, integer) IS
    'Hybrid search of the documents of p_project: keyword search (BM25, as keyword_search_documents ranks) and vector search (search_documents) each rank a window of rrf_candidates(p_limit, p_rrf_k) candidates (80 for the defaults), fused by reciprocal rank fusion: score = p_keyword_weight / (p_rrf_k + keyword_rank) + p_semantic_weight / (p_rrf_k + semantic_rank), an absent rank contributing 0. Best score first, ties by id. Either query may be NULL, and either weight 0 (that branch is skipped), not both; similarity is 1 - cosine distance (NULL without a query vector or an embedding).';

-- Privileges ------------------------------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    agent_loggy.count_keyword_changes(), agent_loggy.forget_keyword_counts(), agent_loggy.fold_keyword_changes(),
    agent_loggy.recount_keyword_statistics(),
    agent_loggy.bm25_query(text, text), agent_loggy.checked_readable_project(text),
    agent_loggy.keyword_term_frequencies(tsvector), agent_loggy.keyword_frequencies(tsvector),
    agent_loggy.bm25_parameter(text, double precision),
    agent_loggy.bm25_expression(text[], double precision[], double precision, double precision, double precision),
    agent_loggy.bm25_tsquery(text[], text),
    agent_loggy.bm25_document_scores(text, text, integer, text[], double precision, double precision),
    agent_loggy.bm25_score(bigint, text, double precision, double precision),
    agent_loggy.keyword_ranking(), agent_loggy.keyword_document_scores(text, text, integer, text[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    agent_loggy.keyword_term_frequencies(tsvector), agent_loggy.keyword_frequencies(tsvector),
    agent_loggy.bm25_parameter(text, double precision),
    agent_loggy.bm25_expression(text[], double precision[], double precision, double precision, double precision),
    agent_loggy.bm25_tsquery(text[], text),
    agent_loggy.bm25_document_scores(text, text, integer, text[], double precision, double precision),
    agent_loggy.bm25_score(bigint, text, double precision, double precision),
    agent_loggy.keyword_ranking(), agent_loggy.keyword_document_scores(text, text, integer, text[])
    TO agent_loggy_reader;
