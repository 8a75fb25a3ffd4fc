--
-- PostgreSQL database dump
--

--
-- Name: agent_loggy; Type: SCHEMA; Schema: -; Owner: -
--

CREATE SCHEMA agent_loggy;

--
-- Name: SCHEMA agent_loggy; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON SCHEMA agent_loggy IS 'agent-loggy configuration: versioned prompts, model and embedding configs, context rules, Loki negate keys, and their changelog.';

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

--
-- Name: vector; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public;

--
-- Name: confidence_level; Type: TYPE; Schema: agent_loggy; Owner: -
--

CREATE TYPE agent_loggy.confidence_level AS ENUM (
    'HIGH',
    'MEDIUM',
    'LOW'
);

--
-- Name: TYPE confidence_level; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TYPE agent_loggy.confidence_level IS 'Confidence level, as trace_analysis reports it.';

--
-- Name: import_summary; Type: TYPE; Schema: agent_loggy; Owner: -
--

CREATE TYPE agent_loggy.import_summary AS (
	created integer,
	updated integer,
	unchanged integer,
	deactivated integer
);

--
-- Name: TYPE import_summary; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TYPE agent_loggy.import_summary IS 'What an import did: created = keys seen for the first time (version 1); updated = new versions of keys that had versions already (changed content, or no active version left); unchanged = rows identical to the current version; deactivated = active rows switched off because their key was absent from the file.';

--
-- Name: investigation_status; Type: TYPE; Schema: agent_loggy; Owner: -
--

CREATE TYPE agent_loggy.investigation_status AS ENUM (
    'queued',
    'running',
    'succeeded',
    'failed',
    'cancelled'
);

--
-- Name: TYPE investigation_status; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TYPE agent_loggy.investigation_status IS 'Lifecycle of an investigation: queued -> running -> succeeded | failed | cancelled; a queued one may also end directly. Only forward transitions.';

--
-- Name: run_status; Type: TYPE; Schema: agent_loggy; Owner: -
--

CREATE TYPE agent_loggy.run_status AS ENUM (
    'running',
    'succeeded',
    'failed'
);

--
-- Name: TYPE run_status; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TYPE agent_loggy.run_status IS 'A run is running until it ends succeeded or failed; then it is append-only.';

--
-- Name: score_source; Type: TYPE; Schema: agent_loggy; Owner: -
--

CREATE TYPE agent_loggy.score_source AS ENUM (
    'human',
    'llm',
    'code'
);

--
-- Name: TYPE score_source; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TYPE agent_loggy.score_source IS 'Who produced a score: a person, an LLM judge, or code.';

--
-- Name: stance; Type: TYPE; Schema: agent_loggy; Owner: -
--

CREATE TYPE agent_loggy.stance AS ENUM (
    'supports',
    'refutes',
    'neutral'
);

--
-- Name: TYPE stance; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TYPE agent_loggy.stance IS 'A finding''s stance toward the dispute (entailment label).';

--
-- Name: trace_outcome; Type: TYPE; Schema: agent_loggy; Owner: -
--

CREATE TYPE agent_loggy.trace_outcome AS ENUM (
    'successful',
    'failed',
    'partial',
    'unknown'
);

--
-- Name: TYPE trace_outcome; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TYPE agent_loggy.trace_outcome IS 'Outcome of the transaction a trace shows, as trace_analysis reports it.';

--
-- Name: acting_user(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.acting_user() RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    bound text := nullif(current_setting('agent_loggy.user', true), '');
    limited text;
BEGIN
    SELECT l.user_id INTO limited FROM agent_loggy.login_users AS l WHERE l.login = session_user;
    IF limited IS NOT NULL THEN
        IF bound IS NOT NULL AND bound IS DISTINCT FROM limited THEN
            RAISE EXCEPTION 'permission denied to act for user %: login % may act only for user %',
                agent_loggy.shown(bound), quote_ident(session_user::text), agent_loggy.shown(limited)
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Bind no user, or that one: SELECT set_config(''agent_loggy.user'', <user>, true).';
        END IF;
        RETURN limited;
    ELSIF bound IS NOT NULL AND NOT agent_loggy.is_valid_user(bound) THEN
        RAISE EXCEPTION 'invalid user binding %: expected 1-200 bytes, not blank, without control characters',
            agent_loggy.shown(bound) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN bound;
END
$$;

--
-- Name: FUNCTION acting_user(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.acting_user() IS 'The user of the application this transaction acts for: the setting agent_loggy.user (set_config(''agent_loggy.user'', u, true)), NULL when none is bound; for a login limited to one user (login_users), that user always, and binding another raises 42501. An invalid binding raises 22023. Reads the login (session_user), so SET ROLE and SECURITY DEFINER functions change nothing.';

--
-- Name: are_valid_tags(text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.are_valid_tags(p_tags text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((p_tags IS NOT NULL) AND (NOT (EXISTS (SELECT FROM unnest(are_valid_tags.p_tags) t(t) WHERE ((t.t IS NULL) OR (t.t !~ '\S'::text) OR (length(t.t) > 128))))));

--
-- Name: FUNCTION are_valid_tags(p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.are_valid_tags(p_tags text[]) IS 'True when every tag in p_tags is a non-blank string of at most 128 characters (no NULL elements); an empty array is valid.';

--
-- Name: begin_import(text, jsonb, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.begin_import(p_kind text, p_rows jsonb, p_project text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    problems text[];
BEGIN
    PERFORM agent_loggy.checked_project(p_project);
    problems := agent_loggy.import_problems(p_kind, p_rows);
    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'cannot import %: % problem(s) in % row(s), nothing was written',
            replace(p_kind, '_', ' '), cardinality(problems), jsonb_array_length(p_rows)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = array_to_string(problems, E'\n'),
                  HINT = 'Correct every line listed in the detail and import the whole file again.';
    END IF;
    -- imports into one (table, project) queue here until the holder's transaction ends; in READ
    -- COMMITTED each later statement of the import then sees what the holder committed
    PERFORM agent_loggy.lock_writes(p_kind, p_project);
END
$$;

--
-- Name: FUNCTION begin_import(p_kind text, p_rows jsonb, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.begin_import(p_kind text, p_rows jsonb, p_project text) IS 'First step of import_context_rules / import_negate_keys: checks the project, then every row; when import_problems() finds anything raises SQLSTATE 22023 whose message counts the problems and whose DETAIL lists them, one "line N: reason" per line. Then takes the write lock of (table, project) (lock_writes), so concurrent imports run one after the other.';

--
-- Name: bm25_document_scores(text, text, integer, text[], double precision, double precision); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.bm25_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[], p_k1 double precision DEFAULT NULL::double precision, p_b double precision DEFAULT NULL::double precision) RETURNS TABLE(id bigint, score double precision)
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 10
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN QUERY
    SELECT s.id, s.score
    FROM agent_loggy.bm25_lexeme_scores(tsvector_to_array(to_tsvector('english'::regconfig, p_query_text)), NULL,
                                        p_project, p_count, p_tags, p_k1, p_b) AS s;
END
$$;

--
-- Name: FUNCTION bm25_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[], p_k1 double precision, p_b double precision); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.bm25_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[], p_k1 double precision, p_b double precision) IS 'The p_count documents of p_project carrying all p_tags (NULL: any) with the highest BM25 for p_query_text (see the head of migration 0020), best first, ties by id; only documents containing a lexeme of the query, so fewer when fewer match. k1 and b as bm25_parameter() chooses. bm25_lexeme_scores() of the english lexemes of p_query_text, all of weight 1: exact, without scoring every matching row (the p_count-th best score among some documents of the rarest lexemes is a threshold, and a lexeme''s score is at most idf * f(its highest frequency, its shortest length) (keyword_terms); only documents holding a set of lexemes whose bounds together reach the threshold are read, through the GIN index, and scored). Raises 42501 unless the calling login may read p_project (session_may_read); then reads as the owner.';

--
-- Name: bm25_expression(text[], double precision[], double precision, double precision, double precision); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.bm25_expression(p_lexemes text[], p_idf double precision[], p_average_length double precision, p_k1 double precision, p_b double precision) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (SELECT format('(SELECT %s FROM (SELECT (%s * (1 - %s + %s * (d.keyword_frequencies ->> '''')::float8 / %s)) AS k) AS n)'::text, string_agg(format('coalesce(%s * (d.keyword_frequencies ->> %L)::float8 / nullif((d.keyword_frequencies ->> %L)::float8 + n.k, 0), 0)'::text, (q.idf * (bm25_expression.p_k1 + (1)::double precision)), q.lexeme, q.lexeme), ' + '::text), bm25_expression.p_k1, bm25_expression.p_b, bm25_expression.p_b, bm25_expression.p_average_length) AS format FROM UNNEST(bm25_expression.p_lexemes, bm25_expression.p_idf) q(lexeme, idf));

--
-- Name: FUNCTION bm25_expression(p_lexemes text[], p_idf double precision[], p_average_length double precision, p_k1 double precision, p_b double precision); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.bm25_expression(p_lexemes text[], p_idf double precision[], p_average_length double precision, p_k1 double precision, p_b double precision) IS 'The SQL expression of a document d''s BM25 for the query lexemes p_lexemes with inverse document frequencies p_idf (same order), in a corpus of average length p_average_length: the sum over the lexemes d contains of idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)), tf and dl read from d.keyword_frequencies; 0 when it contains none. Numbers and lexemes are literals in it (quoted by format), so each call''s plan has them as constants.';

--
-- Name: bm25_lexeme_query(text[], double precision[], text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.bm25_lexeme_query(p_lexemes text[], p_weights double precision[], p_project text, OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision, OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[]) RETURNS record
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION bm25_lexeme_query(p_lexemes text[], p_weights double precision[], p_project text, OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision, OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.bm25_lexeme_query(p_lexemes text[], p_weights double precision[], p_project text, OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision, OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[]) IS 'bm25_query() for lexemes taken as they are (already stemmed, not analysed again), each with a weight (p_weights, same order; NULL or missing: 1) that multiplies its idf, so its share of every score and of every bound; a lexeme given twice counts once, at its higher weight. Only those some document of p_project contains (counting the calling transaction''s own uncommitted changes), rarest first (ties by lexeme). Reads the statistics: the owner''s functions call it after checking the caller.';

--
-- Name: bm25_lexeme_scores(text[], double precision[], text, integer, text[], double precision, double precision); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.bm25_lexeme_scores(p_lexemes text[], p_weights double precision[], p_project text, p_count integer, p_tags text[], p_k1 double precision DEFAULT NULL::double precision, p_b double precision DEFAULT NULL::double precision) RETURNS TABLE(id bigint, score double precision)
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 10
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET extra_float_digits TO '3'
    SET enable_seqscan TO 'off'
    SET enable_indexscan TO 'off'
    AS $_$
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
$_$;

--
-- Name: FUNCTION bm25_lexeme_scores(p_lexemes text[], p_weights double precision[], p_project text, p_count integer, p_tags text[], p_k1 double precision, p_b double precision); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.bm25_lexeme_scores(p_lexemes text[], p_weights double precision[], p_project text, p_count integer, p_tags text[], p_k1 double precision, p_b double precision) IS 'bm25_document_scores() for lexemes taken as they are (p_lexemes, already stemmed), each lexeme''s idf multiplied by its weight (p_weights, same order; NULL: 1; a lexeme given twice counts at its higher weight): the p_count documents of p_project carrying all p_tags (NULL: any) with the highest weighted BM25, best first, ties by id, exact and pruned as bm25_document_scores() documents (the bounds are weighted alike). Raises 22023 for a weight below 0, infinite or NaN; 42501 unless the calling login may read p_project (session_may_read); then reads as the owner.';

--
-- Name: bm25_parameter(text, double precision); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.bm25_parameter(p_name text, p_value double precision) RETURNS double precision
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
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
$_$;

--
-- Name: FUNCTION bm25_parameter(p_name text, p_value double precision); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.bm25_parameter(p_name text, p_value double precision) IS 'The BM25 parameter p_name (''k1'' or ''b'') a search uses: p_value when given, else the setting agent_loggy.bm25_<name> (e.g. ALTER ROLE ... SET agent_loggy.bm25_k1 = 0.9), else Lucene''s default (k1 1.2, b 0.75). Raises 22023 for k1 outside 0..100, b outside 0..1 (NaN included) or a setting that is no number.';

--
-- Name: bm25_pruning_query(text[], double precision[], double precision); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.bm25_pruning_query(p_lexemes text[], p_bounds double precision[], p_threshold double precision) RETURNS tsquery
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION bm25_pruning_query(p_lexemes text[], p_bounds double precision[], p_threshold double precision); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.bm25_pruning_query(p_lexemes text[], p_bounds double precision[], p_threshold double precision) IS 'The full-text query matching exactly the documents that hold all the lexemes of some set of p_lexemes whose bounds (p_bounds, same order) sum to p_threshold or more: an OR of ANDs, one per smallest such set. A document holding no such set scores below p_threshold. NULL when no set reaches it. Enumerates all 2^n sets, so it is for a few lexemes: bm25_document_scores asks with at most 8, and more than 16 raise 54000; not granted to anyone.';

--
-- Name: bm25_query(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.bm25_query(p_query_text text, p_project text, OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision, OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[]) RETURNS record
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT * FROM agent_loggy.bm25_lexeme_query(tsvector_to_array(to_tsvector('english'::regconfig, p_query_text)),
                                                NULL, p_project)
$$;

--
-- Name: FUNCTION bm25_query(p_query_text text, p_project text, OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision, OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.bm25_query(p_query_text text, p_project text, OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision, OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[]) IS 'The BM25 query for p_query_text in p_project: the english lexemes of the text that some document of the project contains (counting the calling transaction''s own uncommitted changes), rarest first (ties by lexeme), their idf = ln(1 + (N - df + 0.5) / (df + 0.5)), document frequencies df, highest term frequencies and shortest lengths (keyword_terms; NULL: unknown), the project''s average document length and N. Lexemes no document contains score nothing and are left out; NULL arrays when none is left. Reads the statistics: the owner''s functions call it after checking the caller.';

--
-- Name: bm25_score(bigint, text, double precision, double precision); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.bm25_score(p_document_id bigint, p_query_text text, p_k1 double precision DEFAULT NULL::double precision, p_b double precision DEFAULT NULL::double precision) RETURNS double precision
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET extra_float_digits TO '3'
    AS $_$
DECLARE
    k1 double precision := agent_loggy.bm25_parameter('k1', p_k1);
    b double precision := agent_loggy.bm25_parameter('b', p_b);
    doc record;
    q record;
    score double precision;
BEGIN
    SELECT d.project INTO doc FROM agent_loggy.documents AS d WHERE d.id = p_document_id AND (d.user_id IS NULL OR d.user_id = agent_loggy.acting_user() OR agent_loggy.session_sees_every_user());
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
$_$;

--
-- Name: FUNCTION bm25_score(p_document_id bigint, p_query_text text, p_k1 double precision, p_b double precision); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.bm25_score(p_document_id bigint, p_query_text text, p_k1 double precision, p_b double precision) IS 'BM25 of document p_document_id for p_query_text within its project''s statistics, as bm25_document_scores() ranks it (0 when it contains no lexeme of the query). Raises P0002 for an id that is no document of a project the calling login may read (the two are not told apart), 22023 for blank query text or bad k1 / b.';

--
-- Name: bm25_tsquery(text[], text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.bm25_tsquery(p_lexemes text[], p_operator text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (SELECT (string_agg(((''''::text || replace(replace(l.l, '\'::text, '\\'::text), ''''::text, ''''''::text)) || ''''::text), ((' '::text || bm25_tsquery.p_operator) || ' '::text)))::tsquery AS string_agg FROM unnest(bm25_tsquery.p_lexemes) l(l));

--
-- Name: FUNCTION bm25_tsquery(p_lexemes text[], p_operator text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.bm25_tsquery(p_lexemes text[], p_operator text) IS 'The full-text query matching documents that contain any (p_operator ''|'') or all (''&'') of p_lexemes, taken as they are (already stemmed).';

--
-- Name: bound_project(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.bound_project() RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    bound text := nullif(current_setting('agent_loggy.project', true), '');
BEGIN
    IF bound IS NOT NULL AND NOT (agent_loggy.holds_grant(bound, 'read') OR agent_loggy.is_admin()) THEN
        RAISE EXCEPTION 'permission denied for project %: role % holds no grant for it', quote_literal(bound),
            quote_ident(current_user::text)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An agent_loggy_admin grants it: SELECT agent_loggy.grant_project(role, project, ''read''); bind only projects your role is granted.';
    END IF;
    RETURN bound;
END
$$;

--
-- Name: FUNCTION bound_project(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.bound_project() IS 'The project bound to this transaction (setting agent_loggy.project, set with set_config(''agent_loggy.project'', p, true)); NULL when none is bound or it was reset to ''''. A binding the current role may not use (no grant, not admin) raises 42501 naming the project: the binding is an authorization, checked wherever it is read.';

--
-- Name: is_valid_project(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.is_valid_project(p_project text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((p_project ~ '^[a-z0-9][a-z0-9_.-]*$'::text) AND (char_length(p_project) <= 63));

--
-- Name: FUNCTION is_valid_project(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.is_valid_project(p_project text) IS 'True when p_project is a valid project name: 1-63 characters of a-z, 0-9, _ . -, starting with a letter or digit.';

--
-- Name: project_grants; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.project_grants (
    id bigint NOT NULL,
    project text NOT NULL,
    grantee text NOT NULL,
    level text NOT NULL,
    granted_by text DEFAULT COALESCE(NULLIF(current_setting('agent_loggy.actor'::text, true), ''::text), (SESSION_USER)::text) NOT NULL,
    granted_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT project_grants_grantee_check CHECK (((grantee ~ '\S'::text) AND (octet_length(grantee) <= 63))),
    CONSTRAINT project_grants_level_check CHECK ((level = ANY (ARRAY['read'::text, 'write'::text]))),
    CONSTRAINT project_grants_project_check CHECK (agent_loggy.is_valid_project(project))
);

--
-- Name: TABLE project_grants; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.project_grants IS 'Which roles may use which project: a login role, or a group role it belongs to (with inherited privileges), granted read or write. Only agent_loggy_admin changes it (grant_project / revoke_project); every change is a changelog row of type grant. A binding (agent_loggy.project) to a project the role holds no grant for is refused with 42501.';

--
-- Name: COLUMN project_grants.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.project_grants.project IS 'The project granted.';

--
-- Name: COLUMN project_grants.grantee; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.project_grants.grantee IS 'Role name, exactly as in pg_roles.rolname; a grant to a role that no longer exists grants nothing (and a new role of that name inherits it: revoke before dropping a role).';

--
-- Name: COLUMN project_grants.level; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.project_grants.level IS 'read: bind the project, resolve, search, read its rows; write: also publish, move unprotected labels, import and embed (with the writer group role''s table privileges).';

--
-- Name: COLUMN project_grants.granted_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.project_grants.granted_by IS 'Who granted it: agent_loggy.actor when set, else session_user.';

--
-- Name: COLUMN project_grants.granted_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.project_grants.granted_at IS 'When it was granted or its level last changed.';

--
-- Name: holds_grant(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.holds_grant(p_project text, p_level text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN (EXISTS (SELECT FROM (agent_loggy.project_grants g JOIN pg_roles r ON ((r.rolname = g.grantee))) WHERE ((g.project = holds_grant.p_project) AND ((holds_grant.p_level = 'read'::text) OR (g.level = 'write'::text)) AND pg_has_role(r.oid, 'USAGE'::text))));

--
-- Name: FUNCTION holds_grant(p_project text, p_level text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.holds_grant(p_project text, p_level text) IS 'True when the current role has the privileges of a role granted p_project at p_level or above (write includes read). Grants to roles that no longer exist count for nothing.';

--
-- Name: is_admin(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.is_admin() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN (pg_has_role('agent_loggy_admin'::name, 'USAGE'::text) OR pg_has_role((SELECT n.nspowner FROM pg_namespace n WHERE (n.nspname = 'agent_loggy'::name)), 'USAGE'::text));

--
-- Name: FUNCTION is_admin(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.is_admin() IS 'True when the current role has the privileges of agent_loggy_admin or of the schema owner (who runs the migrations); superusers included.';

--
-- Name: may_use_project(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.may_use_project(p_project text, p_level text DEFAULT 'read'::text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN (agent_loggy.is_admin() OR agent_loggy.holds_grant(p_project, p_level));

--
-- Name: FUNCTION may_use_project(p_project text, p_level text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.may_use_project(p_project text, p_level text) IS 'True when the current role may use p_project at p_level (read or write): admin (agent_loggy_admin or the schema owner) for every project, else through a grant.';

--
-- Name: can_access_project(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.can_access_project(p_project text) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN CASE WHEN (agent_loggy.bound_project() IS NOT NULL) THEN (p_project = agent_loggy.bound_project()) ELSE agent_loggy.may_use_project(p_project, 'read'::text) END;

--
-- Name: FUNCTION can_access_project(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.can_access_project(p_project text) IS 'The isolation rule: a project is within reach when it is the bound project, or, with none bound, when the role is admin or holds a grant for it. The row level security policies state the same rule with sub-selects, so it is evaluated once per statement.';

--
-- Name: chain_changelog_row(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.chain_changelog_row() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    head agent_loggy.changelog_heads;
BEGIN
    SELECT * INTO head FROM agent_loggy.changelog_heads AS h WHERE h.project = NEW.project FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO agent_loggy.changelog_heads (project, last_seq, last_hash) VALUES (NEW.project, 0, '\x')
        ON CONFLICT DO NOTHING;
        SELECT * INTO head FROM agent_loggy.changelog_heads AS h WHERE h.project = NEW.project FOR UPDATE;
    END IF;
    NEW.chain_seq := head.last_seq + 1;
    NEW.prev_hash := nullif(head.last_hash, '\x');
    NEW.row_hash := agent_loggy.changelog_row_digest(NEW, NEW.prev_hash);
    UPDATE agent_loggy.changelog_heads AS h SET last_seq = NEW.chain_seq, last_hash = NEW.row_hash
    WHERE h.project = NEW.project;
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION chain_changelog_row(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.chain_changelog_row() IS 'BEFORE INSERT row trigger of config_changelog: gives the row the next place in its project''s chain, links it to the previous row''s hash and computes its own, under the row lock of the project''s changelog_heads row (so one project''s changelog writers queue here until commit).';

--
-- Name: is_readable_json_row(jsonb); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.is_readable_json_row(p_value jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((NOT jsonb_path_exists(p_value, 'strict $.**{66}'::jsonpath)) AND (NOT jsonb_path_exists(p_value, 'strict $.**?(@.type() == "number" && (@ > 179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 || @ < -179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000))'::jsonpath)));

--
-- Name: FUNCTION is_readable_json_row(p_value jsonb); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.is_readable_json_row(p_value jsonb) IS 'is_readable_json for a row as JSON (the changelog''s previous_data / new_data): its columns may hold JSON of 64 levels, one level further down.';

--
-- Name: config_changelog; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.config_changelog (
    id bigint NOT NULL,
    config_type text NOT NULL,
    config_id bigint NOT NULL,
    project text NOT NULL,
    config_name text NOT NULL,
    previous_version integer,
    new_version integer,
    change_type text NOT NULL,
    change_summary text,
    previous_data jsonb,
    new_data jsonb,
    changed_by text NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    transaction_id xid8 DEFAULT pg_current_xact_id(),
    session_role text DEFAULT SESSION_USER,
    chain_seq bigint NOT NULL,
    prev_hash bytea,
    row_hash bytea NOT NULL,
    CONSTRAINT config_changelog_change_type_check CHECK ((change_type = ANY (ARRAY['create'::text, 'update'::text, 'label'::text, 'activate'::text, 'deactivate'::text, 'delete'::text]))),
    CONSTRAINT config_changelog_config_type_check CHECK ((config_type = ANY (ARRAY['prompt'::text, 'model_config'::text, 'embedding_config'::text, 'context_rule'::text, 'negate_key'::text, 'protected_label'::text, 'grant'::text]))),
    CONSTRAINT config_changelog_data_json_check CHECK ((agent_loggy.is_readable_json_row(previous_data) AND agent_loggy.is_readable_json_row(new_data)))
);

--
-- Name: TABLE config_changelog; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.config_changelog IS 'Append-only audit trail: one row per INSERT, UPDATE or DELETE of a config row, written by triggers in the same transaction.';

--
-- Name: COLUMN config_changelog.config_type; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.config_type IS 'Which table changed: prompt, model_config, embedding_config, context_rule, negate_key, protected_label or grant (project_grants).';

--
-- Name: COLUMN config_changelog.config_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.config_id IS 'id of the changed row in its table (the row may since have been deleted).';

--
-- Name: COLUMN config_changelog.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.project IS 'Project of the changed row.';

--
-- Name: COLUMN config_changelog.config_name; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.config_name IS 'Natural key of the changed row: name, context, "label operator value" for negate keys, the label for protected labels, the role for grants.';

--
-- Name: COLUMN config_changelog.previous_version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.previous_version IS 'version of the row before the change; NULL for create.';

--
-- Name: COLUMN config_changelog.new_version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.new_version IS 'version of the row after the change; NULL for delete.';

--
-- Name: COLUMN config_changelog.change_type; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.change_type IS 'create, update, label (only labels changed), activate / deactivate (only is_active changed) or delete.';

--
-- Name: COLUMN config_changelog.change_summary; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.change_summary IS 'Why, from the transaction setting agent_loggy.change_summary when set.';

--
-- Name: COLUMN config_changelog.previous_data; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.previous_data IS 'The row before the change as JSON, without its embedding; NULL for create.';

--
-- Name: COLUMN config_changelog.new_data; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.new_data IS 'The row after the change as JSON, without its embedding; NULL for delete.';

--
-- Name: COLUMN config_changelog.changed_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.changed_by IS 'The transaction setting agent_loggy.actor when set and non-empty, else the session user.';

--
-- Name: COLUMN config_changelog.changed_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.changed_at IS 'Start time of the transaction that made the change.';

--
-- Name: COLUMN config_changelog.transaction_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.transaction_id IS 'Transaction that made the change (NULL for rows written before migration 0006); rows of one transaction form one change.';

--
-- Name: COLUMN config_changelog.session_role; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.session_role IS 'The role that logged in and made the change (session_user), whatever agent_loggy.actor claims; NULL for rows written before migration 0012.';

--
-- Name: COLUMN config_changelog.chain_seq; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.chain_seq IS 'Place of the row in its project''s hash chain: 1, 2, 3 ... without gaps.';

--
-- Name: COLUMN config_changelog.prev_hash; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.prev_hash IS 'row_hash of the row before it in its project''s chain; NULL for the first.';

--
-- Name: COLUMN config_changelog.row_hash; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.config_changelog.row_hash IS 'sha256 of prev_hash and the row''s content (changelog_row_digest): any later edit of the row, or of one before it, shows.';

--
-- Name: change_kinds(xid8); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.change_kinds(p_transaction xid8) RETURNS text[]
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN ARRAY(SELECT DISTINCT c.config_type FROM agent_loggy.config_changelog c WHERE (c.transaction_id = change_kinds.p_transaction) ORDER BY c.config_type);

--
-- Name: FUNCTION change_kinds(p_transaction xid8); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.change_kinds(p_transaction xid8) IS 'The kinds of config change (prompt, model_config, protected_label, grant, ...) transaction p_transaction recorded, in every project, without saying which projects or names: what a cache listener needs to tell a notification about another project''s change (ignore it) from a forged one (empty) and from a grant change (its own access may have changed).';

--
-- Name: changelog_row_digest(agent_loggy.config_changelog, bytea); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.changelog_row_digest(p_row agent_loggy.config_changelog, p_prev_hash bytea) RETURNS bytea
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN sha256((COALESCE(p_prev_hash, '\x'::bytea) || convert_to((jsonb_build_array((p_row).chain_seq, (p_row).id, (p_row).config_type, (p_row).config_id, (p_row).project, (p_row).config_name, (p_row).previous_version, (p_row).new_version, (p_row).change_type, (p_row).change_summary, (p_row).previous_data, (p_row).new_data, (p_row).changed_by, (EXTRACT(epoch FROM (p_row).changed_at))::text, ((p_row).transaction_id)::text, (p_row).session_role))::text, 'UTF8'::name)));

--
-- Name: FUNCTION changelog_row_digest(p_row agent_loggy.config_changelog, p_prev_hash bytea); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.changelog_row_digest(p_row agent_loggy.config_changelog, p_prev_hash bytea) IS 'The hash a changelog row must carry: sha256 of the previous row''s hash followed by the row''s columns as a JSON array (changed_at as exact epoch seconds), the same whatever the session''s time zone, date style or other settings.';

--
-- Name: chat_messages_problem(jsonb); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.chat_messages_problem(p_messages jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    BEGIN ATOMIC
 SELECT
         CASE
             WHEN (p_messages IS NULL) THEN NULL::text
             WHEN (jsonb_typeof(p_messages) <> 'array'::text) THEN format('messages must be a JSON array, not %s'::text, jsonb_typeof(p_messages))
             WHEN (jsonb_array_length(p_messages) > 1000) THEN format('%s messages: at most 1000 are allowed'::text, jsonb_array_length(p_messages))
             ELSE COALESCE(( SELECT format('messages[%s] %s'::text, (e.n - 1), w.why) AS format
                FROM (jsonb_array_elements(chat_messages_problem.p_messages) WITH ORDINALITY e(m, n)
                  CROSS JOIN LATERAL ( SELECT
                             CASE
                                 WHEN (jsonb_typeof(e.m) <> 'object'::text) THEN format('is a JSON %s: expected {"role": ..., "content": ...} or {"type": "placeholder", "name": ...}'::text, jsonb_typeof(e.m))
                                 WHEN (e.m ? 'type'::text) THEN
                                 CASE
                                     WHEN ((e.m -> 'type'::text) <> '"placeholder"'::jsonb) THEN format('has type %s: the only message type is "placeholder" (a message has role and content)'::text, (e.m -> 'type'::text))
                                     WHEN (EXISTS ( SELECT
                                        FROM jsonb_object_keys(e.m) k(k)
                                       WHERE (k.k <> ALL (ARRAY['type'::text, 'name'::text])))) THEN format('has keys %s: a placeholder has only type and name'::text, ( SELECT string_agg(k.k, ', '::text ORDER BY k.k) AS string_agg
                                        FROM jsonb_object_keys(e.m) k(k)))
                                     WHEN ((jsonb_typeof((e.m -> 'name'::text)) IS DISTINCT FROM 'string'::text) OR ((e.m ->> 'name'::text) !~ '^[A-Za-z_][A-Za-z0-9_]{0,127}$'::text)) THEN format('has name %s: a placeholder''s name is an identifier ([A-Za-z_][A-Za-z0-9_]*, at most 128 characters)'::text, COALESCE((e.m -> 'name'::text), 'null'::jsonb))
                                     ELSE NULL::text
                                 END
                                 WHEN (EXISTS ( SELECT
                                    FROM jsonb_object_keys(e.m) k(k)
                                   WHERE (k.k <> ALL (ARRAY['role'::text, 'content'::text])))) THEN format('has keys %s: a message has only role and content'::text, ( SELECT string_agg(k.k, ', '::text ORDER BY k.k) AS string_agg
                                    FROM jsonb_object_keys(e.m) k(k)))
                                 WHEN ((jsonb_typeof((e.m -> 'role'::text)) IS DISTINCT FROM 'string'::text) OR ((e.m ->> 'role'::text) <> ALL (ARRAY['system'::text, 'developer'::text, 'user'::text, 'assistant'::text, 'tool'::text]))) THEN format('has role %s: expected system, developer, user, assistant or tool'::text, COALESCE((e.m -> 'role'::text), 'null'::jsonb))
                                 WHEN (jsonb_typeof((e.m -> 'content'::text)) IS DISTINCT FROM 'string'::text) THEN format('has content %s: expected a string'::text, COALESCE(jsonb_typeof((e.m -> 'content'::text)), 'missing'::text))
                                 ELSE NULL::text
                             END AS "case") w(why))
               WHERE (w.why IS NOT NULL)
               ORDER BY e.n
              LIMIT 1),
             CASE
                 WHEN (NOT (EXISTS ( SELECT
                    FROM jsonb_array_elements(chat_messages_problem.p_messages) m(value)
                   WHERE (m.value ? 'role'::text)))) THEN 'messages hold no message: a chat prompt needs at least one {"role": ..., "content": ...}'::text
                 ELSE NULL::text
             END)
         END AS "coalesce";
END;

--
-- Name: FUNCTION chat_messages_problem(p_messages jsonb); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.chat_messages_problem(p_messages jsonb) IS 'What is wrong with a chat prompt''s messages, naming the first offending element and what was expected; NULL when they are valid (or NULL). Valid: a JSON array of at most 1000 elements, each {"role": system|developer|user|assistant|tool, "content": string} or {"type": "placeholder", "name": identifier}, with at least one message.';

--
-- Name: invalid_labels(text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.invalid_labels(p_labels text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT l.l FROM unnest(invalid_labels.p_labels) l(l) WHERE ((l.l IS NULL) OR (l.l !~ '^[a-z0-9_.-]+$'::text) OR (char_length(l.l) > 36) OR (l.l = 'latest'::text)));

--
-- Name: FUNCTION invalid_labels(p_labels text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.invalid_labels(p_labels text[]) IS 'The labels in p_labels that may not be stored: NULL, not matching ^[a-z0-9_.-]{1,36}$, or the reserved label latest. Empty when all are valid.';

--
-- Name: invalid_tags(text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.invalid_tags(p_tags text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT t.t FROM unnest(invalid_tags.p_tags) t(t) WHERE ((t.t IS NULL) OR ((length(t.t) < 1) OR (length(t.t) > 64)) OR (t.t <> btrim(t.t)) OR (t.t ~ '[[:cntrl:]\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]'::text)));

--
-- Name: FUNCTION invalid_tags(p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.invalid_tags(p_tags text[]) IS 'The tags in p_tags that may not be stored: NULL, empty, longer than 64 characters, with leading or trailing spaces, or holding a control character, an invisible format character (zero-width, bidi) or a space other than U+0020 (so that no tag looks like another). Empty when all are valid.';

--
-- Name: is_readable_json(jsonb); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.is_readable_json(p_value jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((NOT jsonb_path_exists(p_value, 'strict $.**{65}'::jsonpath)) AND (NOT jsonb_path_exists(p_value, 'strict $.**?(@.type() == "number" && (@ > 179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 || @ < -179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000))'::jsonpath)));

--
-- Name: FUNCTION is_readable_json(p_value jsonb); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.is_readable_json(p_value jsonb) IS 'True when every client''s decoder can read p_value back (NULL for NULL): no value lies more than 64 levels below its top (Python''s json module gives up near 1000) and every number fits a double (Python refuses integers of over 4300 digits).';

--
-- Name: is_readable_time(timestamp with time zone); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.is_readable_time(p_time timestamp with time zone) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((p_time >= '0001-01-01 00:00:00+00'::timestamp with time zone) AND (p_time < '10000-01-01 00:00:00+00'::timestamp with time zone));

--
-- Name: FUNCTION is_readable_time(p_time timestamp with time zone); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.is_readable_time(p_time timestamp with time zone) IS 'True when p_time lies in years 1-9999 (NULL for NULL): finite, and within what Python''s datetime and most client libraries read.';

--
-- Name: is_searchable_vector(public.vector); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.is_searchable_vector(p_vector public.vector) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((public.vector_norm(p_vector) >= (0.000000000000000001)::double precision) AND (public.vector_norm(p_vector) <= ('10000000000000000000'::numeric)::double precision));

--
-- Name: FUNCTION is_searchable_vector(p_vector public.vector); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.is_searchable_vector(p_vector public.vector) IS 'True when p_vector''s norm lies between 1e-18 and 1e19: pgvector computes cosine distance in single precision, where larger vectors overflow and smaller ones underflow to a zero norm, and the distance becomes NaN. NULL for NULL.';

--
-- Name: is_valid_loki_label(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.is_valid_loki_label(p_label text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((p_label ~ '^[A-Za-z_][A-Za-z0-9_]*$'::text) AND (char_length(p_label) <= 128));

--
-- Name: FUNCTION is_valid_loki_label(p_label text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.is_valid_loki_label(p_label text) IS 'True when p_label is a valid Loki / Prometheus label name: [A-Za-z_][A-Za-z0-9_]*, at most 128 characters.';

--
-- Name: is_valid_name(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.is_valid_name(p_name text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((p_name ~ '^[A-Za-z0-9][A-Za-z0-9_.:/-]*$'::text) AND (char_length(p_name) <= 128));

--
-- Name: FUNCTION is_valid_name(p_name text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.is_valid_name(p_name text) IS 'True when p_name is a valid config name (prompts, model and embedding configs): 1-128 characters of letters, digits, _ . : / -, starting with a letter or digit.';

--
-- Name: context_rules; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.context_rules (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    context text NOT NULL,
    version integer NOT NULL,
    important text,
    ignore text,
    description text,
    embedding public.vector(384),
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS ((((setweight(to_tsvector('english'::regconfig, context), 'A'::"char") || setweight(to_tsvector('english'::regconfig, COALESCE(description, ''::text)), 'B'::"char")) || setweight(to_tsvector('english'::regconfig, COALESCE(important, ''::text)), 'B'::"char")) || setweight(to_tsvector('english'::regconfig, COALESCE(ignore, ''::text)), 'D'::"char"))) STORED,
    CONSTRAINT context_rules_context_check CHECK (((context ~ '\S'::text) AND (length(context) <= 200))),
    CONSTRAINT context_rules_embedding_check CHECK (agent_loggy.is_searchable_vector(embedding)),
    CONSTRAINT context_rules_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT context_rules_times_check CHECK ((agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))),
    CONSTRAINT context_rules_version_check CHECK ((version > 0))
);

--
-- Name: TABLE context_rules; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.context_rules IS 'Versions of the relevance agent''s context rules: for a context (payments, health checks, ...) what in a trace matters and what to ignore.';

--
-- Name: COLUMN context_rules.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.context_rules.project IS 'Tenant / deployment the rule belongs to.';

--
-- Name: COLUMN context_rules.context; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.context_rules.context IS 'The situation the rule applies to, e.g. payments or mobile financial services; the natural key with project and version.';

--
-- Name: COLUMN context_rules.version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.context_rules.version IS 'Version number within (project, context), starting at 1.';

--
-- Name: COLUMN context_rules.important; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.context_rules.important IS 'Patterns and signals that make a trace relevant in this context.';

--
-- Name: COLUMN context_rules.ignore; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.context_rules.ignore IS 'Patterns and noise to disregard in this context.';

--
-- Name: COLUMN context_rules.embedding; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.context_rules.embedding IS 'Embedding of the rule (384 dimensions, cosine), used to find rules by similarity; NULL until embedded.';

--
-- Name: COLUMN context_rules.is_active; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.context_rules.is_active IS 'Inactive versions are never chosen as current.';

--
-- Name: COLUMN context_rules.search_vector; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.context_rules.search_vector IS 'Full-text vector of context (weight A), description and important (B) and ignore (D), english configuration; generated, never written.';

--
-- Name: embedding_configs; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.embedding_configs (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    name text NOT NULL,
    version integer NOT NULL,
    embedding_model text NOT NULL,
    dimensions integer DEFAULT 384 NOT NULL,
    chunk_size integer DEFAULT 512 NOT NULL,
    chunk_overlap integer DEFAULT 50 NOT NULL,
    chunking_strategy text DEFAULT 'late_chunking'::text NOT NULL,
    parameters jsonb DEFAULT '{}'::jsonb NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    distance text DEFAULT 'cosine'::text NOT NULL,
    CONSTRAINT embedding_configs_chunk_overlap_check CHECK (((chunk_overlap >= 0) AND (chunk_overlap < chunk_size))),
    CONSTRAINT embedding_configs_chunk_size_check CHECK ((chunk_size > 0)),
    CONSTRAINT embedding_configs_chunking_strategy_check CHECK ((chunking_strategy ~ '\S'::text)),
    CONSTRAINT embedding_configs_dimensions_check CHECK ((dimensions > 0)),
    CONSTRAINT embedding_configs_dimensions_max_check CHECK ((dimensions <= 16000)),
    CONSTRAINT embedding_configs_distance_check CHECK ((distance = ANY (ARRAY['cosine'::text, 'l2'::text, 'inner_product'::text]))),
    CONSTRAINT embedding_configs_embedding_model_check CHECK ((embedding_model ~ '\S'::text)),
    CONSTRAINT embedding_configs_name_check CHECK (agent_loggy.is_valid_name(name)),
    CONSTRAINT embedding_configs_parameters_check CHECK ((jsonb_typeof(parameters) = 'object'::text)),
    CONSTRAINT embedding_configs_parameters_json_check CHECK (agent_loggy.is_readable_json(parameters)),
    CONSTRAINT embedding_configs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT embedding_configs_times_check CHECK ((agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))),
    CONSTRAINT embedding_configs_version_check CHECK ((version > 0))
);

--
-- Name: TABLE embedding_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.embedding_configs IS 'Versions of the embedding settings: which model embeds documents, its dimensions, and how text is chunked.';

--
-- Name: COLUMN embedding_configs.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.project IS 'Tenant / deployment the config belongs to.';

--
-- Name: COLUMN embedding_configs.name; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.name IS 'Config name, e.g. default or runbooks.';

--
-- Name: COLUMN embedding_configs.version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.version IS 'Version number within (project, name), starting at 1.';

--
-- Name: COLUMN embedding_configs.embedding_model; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.embedding_model IS 'Embedding model identifier, e.g. sentence-transformers/all-MiniLM-L6-v2.';

--
-- Name: COLUMN embedding_configs.dimensions; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.dimensions IS 'Length of the vectors the model produces, 1-16,000: the config''s store (embeddings_<id>) holds only vectors of this length.';

--
-- Name: COLUMN embedding_configs.chunk_size; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.chunk_size IS 'Chunk length in tokens, greater than 0.';

--
-- Name: COLUMN embedding_configs.chunk_overlap; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.chunk_overlap IS 'Tokens shared by consecutive chunks: at least 0 and less than chunk_size.';

--
-- Name: COLUMN embedding_configs.chunking_strategy; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.chunking_strategy IS 'How documents are split before embedding, e.g. late_chunking or fixed.';

--
-- Name: COLUMN embedding_configs.parameters; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.parameters IS 'Further model or chunker settings, a JSON object.';

--
-- Name: COLUMN embedding_configs.is_active; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.is_active IS 'Inactive versions are never chosen as current.';

--
-- Name: COLUMN embedding_configs.distance; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embedding_configs.distance IS 'How the model''s vectors are compared: cosine (default), l2 or inner_product (pgvector''s <=>, <-> and <#>).';

--
-- Name: model_configs; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.model_configs (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    name text NOT NULL,
    version integer NOT NULL,
    model_provider text NOT NULL,
    model_name text NOT NULL,
    parameters jsonb DEFAULT '{}'::jsonb NOT NULL,
    labels text[] DEFAULT '{}'::text[] NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT model_configs_labels_check CHECK ((cardinality(agent_loggy.invalid_labels(labels)) = 0)),
    CONSTRAINT model_configs_model_name_check CHECK ((model_name ~ '\S'::text)),
    CONSTRAINT model_configs_model_provider_check CHECK ((model_provider ~ '\S'::text)),
    CONSTRAINT model_configs_name_check CHECK (agent_loggy.is_valid_name(name)),
    CONSTRAINT model_configs_parameters_check CHECK ((jsonb_typeof(parameters) = 'object'::text)),
    CONSTRAINT model_configs_parameters_json_check CHECK (agent_loggy.is_readable_json(parameters)),
    CONSTRAINT model_configs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT model_configs_times_check CHECK ((agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))),
    CONSTRAINT model_configs_version_check CHECK ((version > 0))
);

--
-- Name: TABLE model_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.model_configs IS 'Versions of the LLM settings the agents call: provider, model and call parameters, addressed by name and label.';

--
-- Name: COLUMN model_configs.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.model_configs.project IS 'Tenant / deployment the config belongs to.';

--
-- Name: COLUMN model_configs.name; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.model_configs.name IS 'Config name; prompts refer to it through prompts.model.';

--
-- Name: COLUMN model_configs.version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.model_configs.version IS 'Version number within (project, name), starting at 1.';

--
-- Name: COLUMN model_configs.model_provider; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.model_configs.model_provider IS 'Provider that serves the model, e.g. ollama or openai.';

--
-- Name: COLUMN model_configs.model_name; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.model_configs.model_name IS 'Model identifier as the provider knows it, e.g. llama3.1:8b.';

--
-- Name: COLUMN model_configs.parameters; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.model_configs.parameters IS 'Default call parameters (temperature, max_tokens, ...), a JSON object.';

--
-- Name: COLUMN model_configs.labels; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.model_configs.labels IS 'Labels carried by this version; same rules as prompts.labels.';

--
-- Name: COLUMN model_configs.is_active; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.model_configs.is_active IS 'Inactive versions are never chosen as current.';

--
-- Name: negate_keys; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.negate_keys (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    label text NOT NULL,
    operator text NOT NULL,
    value text NOT NULL,
    version integer NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT negate_keys_label_check CHECK (agent_loggy.is_valid_loki_label(label)),
    CONSTRAINT negate_keys_operator_check CHECK ((operator = ANY (ARRAY['='::text, '!='::text, '=~'::text, '!~'::text]))),
    CONSTRAINT negate_keys_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT negate_keys_times_check CHECK ((agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))),
    CONSTRAINT negate_keys_value_check CHECK ((octet_length(value) <= 2000)),
    CONSTRAINT negate_keys_version_check CHECK ((version > 0))
);

--
-- Name: TABLE negate_keys; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.negate_keys IS 'Versions of the Loki exclusions: label matchers added to every Loki query so that known noise (health checks, metrics scrapes) is never fetched.';

--
-- Name: COLUMN negate_keys.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.negate_keys.project IS 'Tenant / deployment the exclusion belongs to.';

--
-- Name: COLUMN negate_keys.label; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.negate_keys.label IS 'Loki stream label the matcher tests, e.g. service.';

--
-- Name: COLUMN negate_keys.operator; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.negate_keys.operator IS 'LogQL matcher operator: = , != , =~ or !~.';

--
-- Name: COLUMN negate_keys.value; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.negate_keys.value IS 'Value or RE2 regular expression the label is matched against (unescaped; escaping happens when a query is built); at most 2000 bytes so it fits the unique index.';

--
-- Name: COLUMN negate_keys.version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.negate_keys.version IS 'Version number within (project, label, operator, value), starting at 1.';

--
-- Name: COLUMN negate_keys.is_active; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.negate_keys.is_active IS 'Inactive exclusions are left out of Loki queries.';

--
-- Name: prompts; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.prompts (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    name text NOT NULL,
    version integer NOT NULL,
    type text DEFAULT 'text'::text NOT NULL,
    template text NOT NULL,
    description text,
    usage text,
    model text,
    parameters jsonb DEFAULT '{}'::jsonb NOT NULL,
    embedding public.vector(384),
    labels text[] DEFAULT '{}'::text[] NOT NULL,
    variables text[] DEFAULT '{}'::text[] NOT NULL,
    is_active boolean DEFAULT true NOT NULL,
    created_by text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    output_schema jsonb,
    syntax text NOT NULL,
    messages jsonb,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    commit_message text,
    CONSTRAINT prompts_commit_message_check CHECK (((length(commit_message) >= 1) AND (length(commit_message) <= 10000))),
    CONSTRAINT prompts_embedding_check CHECK (agent_loggy.is_searchable_vector(embedding)),
    CONSTRAINT prompts_labels_check CHECK ((cardinality(agent_loggy.invalid_labels(labels)) = 0)),
    CONSTRAINT prompts_messages_check CHECK (((messages IS NULL) OR ((type = 'chat'::text) AND (agent_loggy.chat_messages_problem(messages) IS NULL)))),
    CONSTRAINT prompts_name_check CHECK (agent_loggy.is_valid_name(name)),
    CONSTRAINT prompts_output_schema_check CHECK (((output_schema IS NULL) OR (jsonb_typeof(output_schema) = 'object'::text))),
    CONSTRAINT prompts_parameters_check CHECK ((jsonb_typeof(parameters) = 'object'::text)),
    CONSTRAINT prompts_parameters_json_check CHECK (agent_loggy.is_readable_json(parameters)),
    CONSTRAINT prompts_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT prompts_syntax_check CHECK ((syntax = ANY (ARRAY['brace'::text, 'mustache'::text]))),
    CONSTRAINT prompts_tags_check CHECK (((cardinality(agent_loggy.invalid_tags(tags)) = 0) AND (cardinality(tags) <= 64))),
    CONSTRAINT prompts_template_check CHECK ((template ~ '\S'::text)),
    CONSTRAINT prompts_times_check CHECK ((agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))),
    CONSTRAINT prompts_type_check CHECK ((type = ANY (ARRAY['chat'::text, 'text'::text, 'system'::text, 'user'::text]))),
    CONSTRAINT prompts_version_check CHECK ((version > 0))
);

--
-- Name: TABLE prompts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.prompts IS 'Every version of every prompt template the agents use. A row is one immutable version; labels point agents at versions.';

--
-- Name: COLUMN prompts.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.project IS 'Tenant / deployment the prompt belongs to; every lookup is scoped by it.';

--
-- Name: COLUMN prompts.name; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.name IS 'Stable prompt name the agents ask for, e.g. parameter_extraction.';

--
-- Name: COLUMN prompts.version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.version IS 'Version number within (project, name), starting at 1.';

--
-- Name: COLUMN prompts.type; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.type IS 'Message role the template is used as: chat, text, system or user.';

--
-- Name: COLUMN prompts.template; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.template IS 'Template text; {identifier} is a placeholder, {{ and }} are literal braces, other braces (JSON examples) are kept as they are.';

--
-- Name: COLUMN prompts.usage; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.usage IS 'Where agent-loggy uses the prompt (class and method), for people reading the registry.';

--
-- Name: COLUMN prompts.model; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.model IS 'Name of the model config (model_configs.name) this prompt is meant to run with, or a bare model name.';

--
-- Name: COLUMN prompts.parameters; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.parameters IS 'Model call parameters for this version (temperature, max_tokens, ...), a JSON object.';

--
-- Name: COLUMN prompts.embedding; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.embedding IS 'Embedding of the template (384 dimensions, cosine), used by prompt search; NULL until embedded.';

--
-- Name: COLUMN prompts.labels; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.labels IS 'Labels carried by this version (e.g. production, staging); each matches ^[a-z0-9_.-]{1,36}$, latest is reserved.';

--
-- Name: COLUMN prompts.variables; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.variables IS 'Placeholders of the template in order of first appearance; derived from template by a trigger, never written by hand.';

--
-- Name: COLUMN prompts.is_active; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.is_active IS 'Inactive versions are never resolved by label or as latest, but stay readable by exact version.';

--
-- Name: COLUMN prompts.created_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.created_by IS 'Who published this version (the actor), e.g. a user name or migration.';

--
-- Name: COLUMN prompts.output_schema; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.output_schema IS 'JSON Schema (an object) the output of this version must meet; runs record whether theirs did. NULL: no schema. A new version inherits the schema of the version before it; fixed once the version has runs.';

--
-- Name: COLUMN prompts.syntax; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.syntax IS 'Placeholder syntax of the template (or of the messages'' contents): brace ({name}; {{ and }} are literal braces) or mustache ({{name}} or {{ name }}; every other brace is literal). A new version inserted without one takes the previous version''s (brace for a first version).';

--
-- Name: COLUMN prompts.messages; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.messages IS 'A chat prompt''s messages (type chat): a JSON array of {"role": system|developer|user|assistant|tool, "content": templated text} and {"type": "placeholder", "name": identifier} standing for a list of messages given at render time. NULL for text prompts. template is then derived from it.';

--
-- Name: COLUMN prompts.tags; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.tags IS 'Free tags of this version (1-64 characters each, no control characters, at most 64; distinct, sorted). Changed with set_prompt_tags().';

--
-- Name: COLUMN prompts.commit_message; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.prompts.commit_message IS 'Why this version was published: p_commit_message of create_prompt_version(), else the transaction''s agent_loggy.change_summary.';

--
-- Name: protected_labels; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.protected_labels (
    project text NOT NULL,
    label text NOT NULL,
    created_by text DEFAULT COALESCE(NULLIF(current_setting('agent_loggy.actor'::text, true), ''::text), (SESSION_USER)::text) NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    id bigint NOT NULL,
    CONSTRAINT protected_labels_label_check CHECK ((cardinality(agent_loggy.invalid_labels(ARRAY[label])) = 0)),
    CONSTRAINT protected_labels_project_check CHECK (agent_loggy.is_valid_project(project))
);

--
-- Name: TABLE protected_labels; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.protected_labels IS 'Labels that only agent_loggy_admin may move, give, take off or deactivate the carrier of, on prompts and model configs of the project; only admin may change this list.';

--
-- Name: COLUMN protected_labels.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.protected_labels.project IS 'Project whose label is protected.';

--
-- Name: COLUMN protected_labels.label; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.protected_labels.label IS 'The protected label, e.g. production (latest cannot be stored, so cannot be protected).';

--
-- Name: COLUMN protected_labels.created_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.protected_labels.created_by IS 'Who protected it: agent_loggy.actor when set, else session_user.';

--
-- Name: COLUMN protected_labels.created_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.protected_labels.created_at IS 'When it was protected.';

--
-- Name: COLUMN protected_labels.id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.protected_labels.id IS 'Identity of the row, as the changelog records it.';

--
-- Name: changelog_trigger_problems(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.changelog_trigger_problems() RETURNS text[]
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN ARRAY(SELECT format('trigger %s on %s is %s'::text, t.tgname, (t.tgrelid)::regclass, CASE t.tgenabled WHEN 'D'::"char" THEN 'disabled'::text WHEN 'R'::"char" THEN 'set to fire only on replicas'::text ELSE NULL::text END) AS format FROM pg_trigger t WHERE ((t.tgrelid = ANY (ARRAY[('agent_loggy.config_changelog'::regclass)::oid, ('agent_loggy.prompts'::regclass)::oid, ('agent_loggy.model_configs'::regclass)::oid, ('agent_loggy.embedding_configs'::regclass)::oid, ('agent_loggy.context_rules'::regclass)::oid, ('agent_loggy.negate_keys'::regclass)::oid, ('agent_loggy.protected_labels'::regclass)::oid, ('agent_loggy.project_grants'::regclass)::oid])) AND (NOT t.tgisinternal) AND (t.tgenabled = ANY (ARRAY['D'::"char", 'R'::"char"])) AND (t.tgname = ANY (ARRAY['append_only'::name, 't10_chain'::name, 'write_changelog'::name, 'refuse_truncate'::name]))) ORDER BY ((t.tgrelid)::regclass)::text, t.tgname);

--
-- Name: FUNCTION changelog_trigger_problems(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.changelog_trigger_problems() IS 'The changelog''s own triggers (append_only, t10_chain, and write_changelog / refuse_truncate of the config tables) that are disabled or set to fire on replicas only, as "trigger T on TABLE is disabled"; empty when the changelog is being written and guarded.';

--
-- Name: chat_template_text(jsonb); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.chat_template_text(p_messages jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    BEGIN ATOMIC
 SELECT string_agg(
         CASE
             WHEN (e.m ? 'role'::text) THEN format('[%s]%s%s'::text, (e.m ->> 'role'::text), chr(10), (e.m ->> 'content'::text))
             ELSE format('[placeholder %s]'::text, (e.m ->> 'name'::text))
         END, (chr(10) || chr(10)) ORDER BY e.n) AS string_agg
    FROM jsonb_array_elements(chat_template_text.p_messages) WITH ORDINALITY e(m, n);
END;

--
-- Name: FUNCTION chat_template_text(p_messages jsonb); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.chat_template_text(p_messages jsonb) IS 'The text of a chat prompt''s messages as its template column holds it (shown, diffed, searched and embedded): each message as "[role]" and its content on the next lines, a placeholder as "[placeholder name]", separated by blank lines.';

--
-- Name: check_document_target(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.check_document_target(p_project text, p_source text) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM agent_loggy.checked_project(p_project);
    IF p_source IS NULL OR NOT agent_loggy.is_valid_name(p_source) THEN
        RAISE EXCEPTION 'invalid source %: expected 1-128 characters of letters, digits, _ . : / - starting with a letter or digit',
            quote_nullable(p_source) USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;

--
-- Name: FUNCTION check_document_target(p_project text, p_source text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.check_document_target(p_project text, p_source text) IS 'Raises SQLSTATE 22023 unless p_project is a valid project and p_source a valid source name; clients call it before a long load, load_staged_documents() calls it first.';

--
-- Name: check_labels(text, text, text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.check_labels(p_table text, p_what text, p_labels text[]) RETURNS text[]
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    bad text[];
BEGIN
    IF cardinality(p_labels) = 0
       OR (cardinality(p_labels) = 1 AND array_ndims(p_labels) = 1 AND array_lower(p_labels, 1) = 1
           AND p_labels[1] <> 'latest' AND p_labels[1] ~ '^[a-z0-9_.-]+$' AND char_length(p_labels[1]) <= 36) THEN
        RETURN p_labels;  -- nothing to sort: the usual case, without a query
    END IF;
    bad := agent_loggy.invalid_labels(p_labels);
    IF 'latest' = ANY (bad) THEN
        PERFORM agent_loggy.raise_check_violation(p_table, p_table || '_labels_check',
            format('label "latest" cannot be stored on %s: it is reserved and always means the highest active version', p_what),
            'Resolve with label latest instead of storing it.');
    ELSIF cardinality(bad) > 0 THEN
        PERFORM agent_loggy.raise_check_violation(p_table, p_table || '_labels_check',
            format('invalid label %L on %s: a label must match ^[a-z0-9_.-]{1,36}$', bad[1], p_what),
            'Labels are 1-36 characters of lower-case letters, digits, _ . and -, e.g. production or staging.');
    END IF;
    IF p_labels IS NULL THEN
        RETURN NULL;  -- left to the NOT NULL constraint
    END IF;
    RETURN ARRAY(SELECT DISTINCT l COLLATE "C" FROM unnest(p_labels) AS l ORDER BY 1);
END
$_$;

--
-- Name: FUNCTION check_labels(p_table text, p_what text, p_labels text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.check_labels(p_table text, p_what text, p_labels text[]) IS 'Raises check_violation naming the first invalid or reserved label, else returns the labels distinct and sorted bytewise (the same order under every collation).';

--
-- Name: check_negate_key_regex(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.check_negate_key_regex() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    problem text;
BEGIN
    IF NEW.operator IN ('=~', '!~') THEN
        problem := agent_loggy.loki_regex_problem(NEW.value);
        IF problem IS NOT NULL THEN
            PERFORM agent_loggy.raise_check_violation('negate_keys', 'negate_keys_regex_check',
                format('value %s of negate key %s %s is not a regular expression Loki accepts: %s',
                       quote_literal(NEW.value), NEW.label, NEW.operator, problem),
                'Loki uses RE2 syntax; escape a literal ( [ * + ? with \, or use = / != for plain values.');
        END IF;
    END IF;
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION check_negate_key_regex(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.check_negate_key_regex() IS 'BEFORE INSERT/UPDATE row trigger of negate_keys: refuses a =~ / !~ value that loki_regex_problem() refuses (SQLSTATE 23514, constraint negate_keys_regex_check, the reason in the message), whatever client writes it.';

--
-- Name: check_output_schema(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.check_output_schema() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF TG_TABLE_SCHEMA <> 'agent_loggy' OR TG_TABLE_NAME <> 'prompts' THEN
        RAISE EXCEPTION 'check_output_schema() only serves agent_loggy.prompts, not %.%', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'INSERT' AND NEW.output_schema IS NULL THEN
        -- a new version keeps the output contract of the version before it
        NEW.output_schema := (SELECT p.output_schema FROM agent_loggy.prompts AS p
                              WHERE p.project = NEW.project AND p.name = NEW.name AND p.version < NEW.version
                              ORDER BY p.version DESC LIMIT 1);
    END IF;
    IF NOT agent_loggy.is_readable_json(NEW.output_schema) THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_output_schema_check',
            format('output schema of version %s of prompt %s nests deeper than 64 levels or holds a number beyond double precision',
                   NEW.version, quote_literal(NEW.name)), NULL);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.output_schema IS DISTINCT FROM OLD.output_schema
       AND EXISTS (SELECT FROM agent_loggy.runs AS r WHERE r.prompt_id = OLD.id) THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_output_schema_check',
            format('version %s of prompt %s in project %s has runs: its output schema is fixed, so its valid-output rate means one thing',
                   OLD.version, quote_literal(OLD.name), quote_literal(OLD.project)),
            'Publish a new version with the new schema.');
    END IF;
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION check_output_schema(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.check_output_schema() IS 'BEFORE INSERT / UPDATE OF output_schema row trigger of prompts: a new version without a schema takes the schema of the version before it (set_prompt_output_schema(..., NULL) removes it); the schema nests at most 64 levels, and a version that has runs keeps its schema. Runs as the owner, so it sees every run of the version whatever the caller''s binding.';

--
-- Name: check_project_access(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.check_project_access(p_project text) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    bound text := agent_loggy.bound_project();
BEGIN
    IF bound IS NOT NULL AND bound IS DISTINCT FROM p_project THEN
        RAISE EXCEPTION 'permission denied for project %: this transaction is bound to project %', quote_nullable(p_project), quote_literal(bound)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'A transaction works on the one project it bound; use a new transaction for another project.';
    ELSIF bound IS NULL AND NOT agent_loggy.may_use_project(p_project, 'read') THEN
        RAISE EXCEPTION 'permission denied for project %: role % holds no grant for it', quote_nullable(p_project),
            quote_ident(current_user::text)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An agent_loggy_admin grants it: SELECT agent_loggy.grant_project(role, project, ''read'').';
    END IF;
END
$$;

--
-- Name: FUNCTION check_project_access(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.check_project_access(p_project text) IS 'Raises insufficient_privilege (42501) naming the project when can_access_project() is false: the caller asked for a project other than the bound one, or, with none bound, for a project its role holds no grant for (admins excepted).';

--
-- Name: check_promotion(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.check_promotion() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    gained text[];
    l text;
    failures text[];
    reason text := nullif(current_setting('agent_loggy.promotion_override', true), '');
    overridden text[] := '{}';
BEGIN
    gained := ARRAY(SELECT x FROM unnest(NEW.labels) AS x
                    WHERE TG_OP = 'INSERT' OR NOT x = ANY (OLD.labels) OR OLD.name <> NEW.name OR OLD.project <> NEW.project);
    IF cardinality(gained) = 0 THEN
        RETURN NEW;
    END IF;
    FOREACH l IN ARRAY gained LOOP
        failures := agent_loggy.promotion_failures(NEW.project, NEW.name, NEW.version, l);
        CONTINUE WHEN cardinality(failures) = 0;
        IF reason IS NOT NULL AND agent_loggy.is_admin() THEN
            overridden := overridden || format('%s (%s)', l, array_to_string(failures, '; '));
            CONTINUE;
        END IF;
        PERFORM agent_loggy.raise_check_violation('prompts', 'promotion_policy_check',
            format('label %s cannot move to version %s of prompt %s in project %s: its promotion policy is not met: %s',
                   quote_literal(l), NEW.version, quote_literal(NEW.name), quote_literal(NEW.project),
                   array_to_string(failures, '; ')),
            'Record more runs of the version, or ask an agent_loggy_admin to override with a reason (promote_prompt(..., p_override_reason)).');
    END LOOP;
    IF cardinality(overridden) > 0 THEN
        PERFORM set_config('agent_loggy.change_summary',
            concat_ws('; ', nullif(current_setting('agent_loggy.change_summary', true), ''),
                      format('promotion override of %s by %s: %s', array_to_string(overridden, ', '), session_user, reason)),
            true);
    END IF;
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION check_promotion(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.check_promotion() IS 'BEFORE INSERT / UPDATE OF labels row trigger of prompts: a label a version gains whose promotion policy the version fails is refused (23514, constraint promotion_policy_check, each failed rule and its numbers in the message), on every path (functions, INSERT, UPDATE, MERGE). An admin whose transaction sets agent_loggy.promotion_override to a reason passes, and the changelog row of the move records the override, the failed rules and the reason.';

--
-- Name: check_prompt_args(text, text, text[], boolean); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.check_prompt_args(p_project text, p_name text, p_labels text[] DEFAULT '{}'::text[], p_allow_latest boolean DEFAULT false) RETURNS void
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    bad text[];
BEGIN
    IF p_project IS NULL OR NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
            coalesce(quote_literal(p_project), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_name IS NULL OR NOT agent_loggy.is_valid_name(p_name) THEN
        RAISE EXCEPTION 'invalid prompt name %: expected 1-128 characters of letters, digits, _ . : / - starting with a letter or digit',
            coalesce(quote_literal(p_name), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    bad := agent_loggy.invalid_labels(p_labels);
    IF p_allow_latest THEN
        bad := array_remove(bad, 'latest');
    END IF;
    IF cardinality(bad) > 0 THEN
        RAISE EXCEPTION 'invalid label % for prompt %: %', coalesce(quote_literal(bad[1]), 'NULL'), quote_literal(p_name),
            CASE WHEN bad[1] = 'latest' THEN 'latest is reserved for the highest active version and cannot be stored'
                 ELSE 'a label must match ^[a-z0-9_.-]{1,36}$' END
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'prompts_labels_check';
    END IF;
    PERFORM agent_loggy.check_project_access(p_project);
END
$_$;

--
-- Name: FUNCTION check_prompt_args(p_project text, p_name text, p_labels text[], p_allow_latest boolean); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.check_prompt_args(p_project text, p_name text, p_labels text[], p_allow_latest boolean) IS 'Raises invalid_parameter_value (22023) naming the first invalid project, prompt name or label (latest allowed when p_allow_latest; label errors carry constraint prompts_labels_check), then insufficient_privilege (42501) when the caller may not use the project (check_project_access).';

--
-- Name: check_prompt_format(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.check_prompt_format() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    what text := format('prompt %s version %s', quote_literal(NEW.name), NEW.version);
    problem text;
    bad text[];
    mustache text := agent_loggy.template_pattern('mustache');
    literal text;
    prev_syntax text;
    prev_version integer;
    prev_chat boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT t.syntax, t.version, t.messages IS NOT NULL INTO prev_syntax, prev_version, prev_chat
        FROM agent_loggy.prompts AS t
        WHERE t.project = NEW.project AND t.name = NEW.name AND t.version < NEW.version
        ORDER BY t.version DESC
        LIMIT 1;
        NEW.syntax := coalesce(NEW.syntax, prev_syntax, 'brace');
        IF prev_chat AND NEW.messages IS NULL THEN
            PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_messages_check',
                format('%s has no messages, but version %s has: every version of a chat prompt carries messages',
                       what, prev_version), 'Publish messages, or publish under a new name.');
        END IF;
    END IF;
    IF NEW.syntax IS NULL OR NEW.syntax NOT IN ('brace', 'mustache') THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_syntax_check',
            format('invalid template syntax %s for %s', quote_nullable(NEW.syntax), what),
            'Use brace ({name}) or mustache ({{name}}).');
    END IF;
    IF NEW.messages IS NOT NULL THEN
        IF NEW.type IS DISTINCT FROM 'chat' THEN
            PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_messages_check',
                format('%s has messages but type %s: only chat prompts carry messages', what, quote_nullable(NEW.type)),
                NULL);
        END IF;
        problem := agent_loggy.chat_messages_problem(NEW.messages);
        IF problem IS NOT NULL THEN
            PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_messages_check',
                format('invalid chat messages for %s: %s', what, problem), NULL);
        END IF;
        NEW.template := agent_loggy.chat_template_text(NEW.messages);
    END IF;
    bad := agent_loggy.invalid_tags(NEW.tags);
    IF NEW.tags IS NULL OR cardinality(bad) > 0 THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_tags_check',
            format('invalid tags %s for %s', coalesce(agent_loggy.quoted_tags(bad), 'NULL'), what),
            'A tag is 1-64 characters, without leading or trailing spaces, control or invisible characters.');
    END IF;
    NEW.tags := ARRAY(SELECT DISTINCT t COLLATE "C" FROM unnest(NEW.tags) AS t ORDER BY 1);
    IF cardinality(NEW.tags) > 64 THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_tags_check',
            format('%s tags for %s: at most 64 are allowed', cardinality(NEW.tags), what), NULL);
    END IF;
    IF length(NEW.commit_message) NOT BETWEEN 1 AND 10000 THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_commit_message_check',
            format('commit message of %s characters for %s: expected 1 to 10000', length(NEW.commit_message), what),
            NULL);
    END IF;
    IF TG_OP = 'INSERT' AND NEW.syntax = 'brace' THEN
        SELECT m[1] INTO literal
        FROM regexp_matches(coalesce(NEW.messages::text, NEW.template), mustache) AS m;
        IF literal IS NOT NULL THEN
            RAISE WARNING '% uses brace syntax, where % is the literal text %, not a variable', what, literal,
                          agent_loggy.render_prompt(literal, '{}', 'brace')
                USING HINT = 'Publish it with syntax mustache ({{name}} placeholders) if that is meant as a variable.';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION check_prompt_format(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.check_prompt_format() IS 'BEFORE INSERT/UPDATE trigger of prompts (t05, before the other checks): a new version without a syntax takes the previous version''s (brace for a first one), and one without messages after a version with messages is refused; raises check_violation naming an invalid syntax, chat messages (only type chat carries them; see chat_messages_problem()), tags or commit message; derives template from messages (chat_template_text()); normalises tags to distinct sorted values. A new brace version that holds {{identifier}} gets a WARNING: that renders as a literal {identifier}.';

--
-- Name: check_replayed(pg_lsn); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.check_replayed(p_lsn pg_lsn) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF NOT agent_loggy.replayed(p_lsn) THEN
        RAISE EXCEPTION 'this standby has replayed the WAL up to %, not yet up to %',
            coalesce(pg_last_wal_replay_lsn()::text, 'nothing'), p_lsn
            USING ERRCODE = 'AL001', HINT = 'Poll agent_loggy.replayed(), or read from the primary.';
    END IF;
END
$$;

--
-- Name: FUNCTION check_replayed(p_lsn pg_lsn); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.check_replayed(p_lsn pg_lsn) IS 'Raises SQLSTATE AL001 unless replayed(p_lsn): the first statement of a read transaction on a standby, so that the read either sees every change up to p_lsn or fails at once, in the same round trip.';

--
-- Name: checked_any_vector(public.vector, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_any_vector(p_vector public.vector, p_what text) RETURNS public.vector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF p_vector IS NULL THEN
        RAISE EXCEPTION '% is NULL: expected a vector', p_what USING ERRCODE = 'invalid_parameter_value';
    ELSIF vector_norm(p_vector) = 0 THEN
        RAISE EXCEPTION '% is all zeros: cosine similarity is undefined for it', p_what
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF NOT agent_loggy.is_searchable_vector(p_vector) THEN
        RAISE EXCEPTION '% has norm %: expected a norm between 1e-18 and 1e19 (single-precision cosine overflows beyond)',
            p_what, vector_norm(p_vector) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_vector;
END
$$;

--
-- Name: FUNCTION checked_any_vector(p_vector public.vector, p_what text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_any_vector(p_vector public.vector, p_what text) IS 'p_vector when it can be searched with, of any dimensions (a norm between 1e-18 and 1e19), else 22023 naming p_what and what is wrong.';

--
-- Name: checked_config_query(public.vector, bigint, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_config_query(p_query public.vector, p_embedding_config_id bigint, p_project text) RETURNS agent_loggy.embedding_configs
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    config agent_loggy.embedding_configs;
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    config := agent_loggy.checked_embedding_config(p_embedding_config_id);
    IF config.project IS DISTINCT FROM p_project THEN
        RAISE EXCEPTION 'embedding config % belongs to project %, not %', config.id, quote_literal(config.project),
            quote_literal(p_project) USING ERRCODE = 'invalid_parameter_value';
    ELSIF p_query IS NULL THEN
        RAISE EXCEPTION 'query vector is NULL: expected a vector of % dimensions (embedding config %)', config.dimensions, config.id
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF vector_dims(p_query) <> config.dimensions THEN
        RAISE EXCEPTION 'query vector has % dimensions: embedding config % (%) has %', vector_dims(p_query), config.id,
            config.embedding_model, config.dimensions USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM agent_loggy.checked_any_vector(p_query, 'query vector'); IF config.dimensions > 2000 AND agent_loggy.halfvec_problem(p_query) IS NOT NULL THEN RAISE EXCEPTION 'query vector %: embedding config % (% dimensions) compares vectors as halfvec', agent_loggy.halfvec_problem(p_query), config.id, config.dimensions USING ERRCODE = 'invalid_parameter_value'; END IF;
    RETURN config;
END
$$;

--
-- Name: FUNCTION checked_config_query(p_query public.vector, p_embedding_config_id bigint, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_config_query(p_query public.vector, p_embedding_config_id bigint, p_project text) IS 'The embedding config a search of p_project with p_query reads, when the query can be searched with in it: 22023 naming the config and its dimensions when the query''s length differs, or when the config is another project''s; 22023 for a query that does not fit halfvec (halfvec_problem()) in a config above 2,000 dimensions.';

--
-- Name: checked_embedding_config(bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_embedding_config(p_embedding_config_id bigint) RETURNS agent_loggy.embedding_configs
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    config agent_loggy.embedding_configs;
BEGIN
    SELECT c.* INTO config FROM agent_loggy.embedding_configs AS c WHERE c.id = p_embedding_config_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no embedding config % in a project you may read', coalesce(p_embedding_config_id::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN config;
END
$$;

--
-- Name: FUNCTION checked_embedding_config(p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_embedding_config(p_embedding_config_id bigint) IS 'The embedding config p_embedding_config_id when the transaction may read it; 22023 otherwise (a config of a project it may not read is not told apart from a missing one).';

--
-- Name: checked_embedding_target(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_embedding_target(p_what text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF p_what IS NULL OR p_what NOT IN ('documents', 'context_rules', 'prompts') THEN
        RAISE EXCEPTION 'invalid embedding target %: expected documents, context_rules or prompts', quote_nullable(p_what)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_what;
END
$$;

--
-- Name: FUNCTION checked_embedding_target(p_what text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_embedding_target(p_what text) IS 'Returns p_what when it names a table with embeddings (documents, context_rules, prompts), else raises SQLSTATE 22023.';

--
-- Name: checked_fact_key(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_fact_key(p_key text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF p_key IS NULL OR p_key !~ '\S' OR octet_length(p_key) > 500 OR p_key ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'invalid fact key %: expected 1-500 bytes, not blank, without control characters',
            agent_loggy.shown(p_key) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_key;
END
$$;

--
-- Name: FUNCTION checked_fact_key(p_key text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_fact_key(p_key text) IS 'p_key when it can name a fact; 22023 naming it otherwise.';

--
-- Name: checked_fusion(text, public.vector, double precision, double precision, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
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

--
-- Name: FUNCTION checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer) IS 'Raises SQLSTATE 22023 unless a hybrid search has finite weights >= 0 that are not both 0, rrf_k between 0 and 10000, and query text or a query vector for a branch of positive weight.';

--
-- Name: checked_fusion(text, public.vector, double precision, double precision, double precision, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
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

--
-- Name: FUNCTION checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer) IS 'checked_fusion() with a fuzzy branch: raises SQLSTATE 22023 unless p_fuzzy_weight is finite and >= 0 and, when it is above 0, the other weights are finite and >= 0, rrf_k is between 0 and 10000, and there is query text (for the keyword and fuzzy branches) or a query vector for a branch of positive weight. At fuzzy weight 0, exactly the two-branch checks and messages.';

--
-- Name: checked_fuzziness(text, double precision, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_fuzziness(p_query_text text, p_min_similarity double precision, p_expansions integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION checked_fuzziness(p_query_text text, p_min_similarity double precision, p_expansions integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_fuzziness(p_query_text text, p_min_similarity double precision, p_expansions integer) IS 'Raises SQLSTATE 22023 unless a fuzzy search has p_min_similarity in (0, 1], p_expansions between 1 and 10, and query text of at most 32 distinct english lexemes (each is looked up in the vocabulary); names the value (the first 60 characters of the text).';

--
-- Name: checked_limit(integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_limit(p_limit integer) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF p_limit IS NULL OR p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'invalid limit %: expected 1 to 1000 rows', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_limit;
END
$$;

--
-- Name: FUNCTION checked_limit(p_limit integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_limit(p_limit integer) IS 'Returns p_limit when it is between 1 and 1000, else raises SQLSTATE 22023 naming the value.';

--
-- Name: checked_project(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_project(p_project text) RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF p_project IS NULL OR NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
            quote_nullable(p_project)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM agent_loggy.check_project_access(p_project);
    RETURN p_project;
END
$$;

--
-- Name: FUNCTION checked_project(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_project(p_project text) IS 'Returns p_project when it is a valid project name the caller may use (check_project_access), else raises SQLSTATE 22023 (invalid name) or 42501 (not the bound project). Functions taking a project argument call it first.';

--
-- Name: checked_prompt_tags(text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_prompt_tags(p_tags text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    bad text[] := agent_loggy.invalid_tags(p_tags);
BEGIN
    IF p_tags IS NULL OR cardinality(bad) > 0 THEN
        RAISE EXCEPTION 'invalid tags %: %', coalesce(agent_loggy.quoted_tags(bad), 'NULL'),
            'a tag is 1-64 characters, without leading or trailing spaces, control or invisible characters'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_tags;
END
$$;

--
-- Name: FUNCTION checked_prompt_tags(p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_prompt_tags(p_tags text[]) IS 'Returns p_tags when every tag is valid (invalid_tags()), else raises 22023 naming each invalid one, quoted.';

--
-- Name: checked_query_text(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_query_text(p_query_text text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF p_query_text IS NULL OR p_query_text !~ '\S' THEN
        RAISE EXCEPTION 'query text %: expected some words to search for', quote_nullable(p_query_text)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_query_text;
END
$$;

--
-- Name: FUNCTION checked_query_text(p_query_text text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_query_text(p_query_text text) IS 'Returns p_query_text when it is not NULL or blank, else raises SQLSTATE 22023.';

--
-- Name: checked_query_vector(public.vector); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_query_vector(p_query public.vector) RETURNS public.vector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
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
    ELSIF NOT agent_loggy.is_searchable_vector(p_query) THEN
        RAISE EXCEPTION 'query vector has norm %: expected a norm between 1e-18 and 1e19 (single-precision cosine overflows beyond)',
            vector_norm(p_query) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_query;
END
$$;

--
-- Name: FUNCTION checked_query_vector(p_query public.vector); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_query_vector(p_query public.vector) IS 'Returns p_query when it can be searched with (384 dimensions, a norm between 1e-18 and 1e19: not all zeros, no single-precision overflow), else raises SQLSTATE 22023 naming what is wrong.';

--
-- Name: checked_readable_project(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_readable_project(p_project text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION checked_readable_project(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_readable_project(p_project text) IS 'Returns p_project when the calling login may read it (session_may_read), else raises 42501: what a SECURITY DEFINER function reading a project''s rows as the owner asks first.';

--
-- Name: checked_store_target(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_store_target(p_what text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF p_what IS NULL OR p_what NOT IN ('documents', 'context_rules', 'prompts', 'investigations') THEN
        RAISE EXCEPTION 'invalid embedding target %: expected documents, context_rules, prompts or investigations',
            quote_nullable(p_what) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_what;
END
$$;

--
-- Name: FUNCTION checked_store_target(p_what text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_store_target(p_what text) IS 'Returns p_what when it names what an embedding config''s store holds (documents, context_rules, prompts, investigations), else raises SQLSTATE 22023.';

--
-- Name: checked_syntax(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_syntax(p_syntax text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF p_syntax IS NULL OR p_syntax NOT IN ('brace', 'mustache') THEN
        RAISE EXCEPTION 'invalid template syntax %: expected brace ({name}) or mustache ({{name}})',
            quote_nullable(p_syntax) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_syntax;
END
$$;

--
-- Name: FUNCTION checked_syntax(p_syntax text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_syntax(p_syntax text) IS 'Returns p_syntax when it is brace or mustache, else raises 22023 naming it.';

--
-- Name: checked_tags(text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.checked_tags(p_tags text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF p_tags IS NOT NULL AND NOT agent_loggy.are_valid_tags(p_tags) THEN
        RAISE EXCEPTION 'invalid tags %: expected non-blank tags of at most 128 characters, no NULLs', p_tags
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN nullif(p_tags, '{}');
END
$$;

--
-- Name: FUNCTION checked_tags(p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.checked_tags(p_tags text[]) IS 'The tag filter of a search: NULL (no filter) for NULL or an empty array; raises SQLSTATE 22023 for NULL, blank or over-long tags.';

--
-- Name: clear_stale_embedding(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.clear_stale_embedding() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    -- compared as text so that the function does not depend on where pgvector's operators live
    IF (NEW.title, NEW.content) IS DISTINCT FROM (OLD.title, OLD.content)
            AND NEW.embedding::text IS NOT DISTINCT FROM OLD.embedding::text THEN
        NEW.embedding := NULL;
        NEW.embedding_config_id := NULL;
    END IF;
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION clear_stale_embedding(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.clear_stale_embedding() IS 'BEFORE UPDATE trigger of documents: when title or content change and the update does not bring a new embedding, the old embedding (and its config) is cleared, so that `agent-loggy-db embed` recomputes it instead of search using a stale one.';

--
-- Name: compare_prompt_versions(text, text, text, text, timestamp with time zone, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.compare_prompt_versions(p_name text, p_a text, p_b text, p_score text, p_since timestamp with time zone DEFAULT NULL::timestamp with time zone, p_project text DEFAULT 'default'::text) RETURNS TABLE(metric text, version_a integer, version_b integer, n_a bigint, n_b bigint, value_a double precision, value_b double precision, difference double precision, ci_low double precision, ci_high double precision, method text)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    va integer;
    vb integer;
    a record;
    b record;
    se double precision;
    df double precision;
    t double precision;
    na bigint;
    ka bigint;
    nb bigint;
    kb bigint;
    wa double precision[];
    wb double precision[];
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    va := agent_loggy.resolve_version_ref(p_name, p_a, p_project);
    vb := agent_loggy.resolve_version_ref(p_name, p_b, p_project);

    -- the score: Welch's t interval of the difference of means (Satterthwaite degrees of freedom), each
    -- run counting once (the mean of its scores of that name, on the 0-100 scale)
    SELECT count(*) AS n, avg(per_run.score) AS mean, var_samp(per_run.score) AS var INTO a
    FROM (SELECT avg(agent_loggy.run_score(s.value, s.scale_min, s.scale_max)) AS score
          FROM agent_loggy.runs AS r JOIN agent_loggy.scores AS s ON s.run_id = r.id AND s.run_started_at = r.started_at
          WHERE r.project = p_project AND r.prompt_name = p_name AND r.prompt_version = va AND s.name = p_score
            AND r.started_at >= coalesce(p_since, '-infinity') AND s.value IS NOT NULL
          GROUP BY r.id, r.started_at) AS per_run;
    SELECT count(*) AS n, avg(per_run.score) AS mean, var_samp(per_run.score) AS var INTO b
    FROM (SELECT avg(agent_loggy.run_score(s.value, s.scale_min, s.scale_max)) AS score
          FROM agent_loggy.runs AS r JOIN agent_loggy.scores AS s ON s.run_id = r.id AND s.run_started_at = r.started_at
          WHERE r.project = p_project AND r.prompt_name = p_name AND r.prompt_version = vb AND s.name = p_score
            AND r.started_at >= coalesce(p_since, '-infinity') AND s.value IS NOT NULL
          GROUP BY r.id, r.started_at) AS per_run;
    IF a.n >= 2 AND b.n >= 2 THEN
        se := sqrt(a.var / a.n + b.var / b.n);
        IF se > 0 THEN
            df := (a.var / a.n + b.var / b.n) ^ 2
                  / ((a.var / a.n) ^ 2 / (a.n - 1) + (b.var / b.n) ^ 2 / (b.n - 1));
            t := agent_loggy.t_quantile_975(df);
        ELSE
            t := 0;
        END IF;
    END IF;
    metric := 'score:' || p_score; version_a := va; version_b := vb; n_a := a.n; n_b := b.n;
    value_a := a.mean; value_b := b.mean; difference := b.mean - a.mean;
    ci_low := difference - t * se; ci_high := difference + t * se;
    method := 'Welch t interval (95%, Satterthwaite df) of mean(b) - mean(a), one value per run (its mean score, 0-100 scale); NULL with fewer than 2 runs a side';
    RETURN NEXT;

    -- error rate and valid-output rate: Newcombe's hybrid score interval (method 10) of p(b) - p(a)
    FOR metric, na, ka, nb, kb IN
        SELECT m.metric,
               count(*) FILTER (WHERE r.prompt_version = va AND (m.metric = 'error_rate' OR r.output_valid IS NOT NULL)),
               count(*) FILTER (WHERE r.prompt_version = va AND CASE m.metric WHEN 'error_rate' THEN r.status = 'failed'
                                                                 ELSE r.output_valid END),
               count(*) FILTER (WHERE r.prompt_version = vb AND (m.metric = 'error_rate' OR r.output_valid IS NOT NULL)),
               count(*) FILTER (WHERE r.prompt_version = vb AND CASE m.metric WHEN 'error_rate' THEN r.status = 'failed'
                                                                 ELSE r.output_valid END)
        FROM (VALUES (1, 'error_rate'), (2, 'valid_rate')) AS m(i, metric)
        LEFT JOIN agent_loggy.runs AS r ON r.project = p_project AND r.prompt_name = p_name
             AND r.prompt_version IN (va, vb) AND r.started_at >= coalesce(p_since, '-infinity') AND r.status <> 'running'
        GROUP BY m.i, m.metric
        ORDER BY m.i
    LOOP
        n_a := na; n_b := nb;
        value_a := CASE WHEN na > 0 THEN ka::double precision / na END;
        value_b := CASE WHEN nb > 0 THEN kb::double precision / nb END;
        difference := value_b - value_a;
        wa := agent_loggy.wilson_interval(ka, na);
        wb := agent_loggy.wilson_interval(kb, nb);
        ci_low := difference - sqrt((value_b - wb[1]) ^ 2 + (wa[2] - value_a) ^ 2);
        ci_high := difference + sqrt((wb[2] - value_b) ^ 2 + (value_a - wa[1]) ^ 2);
        method := 'Newcombe hybrid score interval (95%, from Wilson intervals) of rate(b) - rate(a)';
        RETURN NEXT;
    END LOOP;
END
$$;

--
-- Name: FUNCTION compare_prompt_versions(p_name text, p_a text, p_b text, p_score text, p_since timestamp with time zone, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.compare_prompt_versions(p_name text, p_a text, p_b text, p_score text, p_since timestamp with time zone, p_project text) IS 'Versions p_a and p_b of prompt p_name (each a version number or a label, resolved now) side by side over finished runs since p_since: one row for the mean of run score p_score (per run, on the 0-100 scale; Welch t interval of the difference), one for the error rate and one for the valid-output rate (Newcombe intervals). difference is b - a; when the 95% interval [ci_low, ci_high] holds 0 the data cannot tell the versions apart.';

--
-- Name: config_name(text, jsonb); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.config_name(p_config_type text, p_row jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE p_config_type WHEN 'context_rule'::text THEN (p_row ->> 'context'::text) WHEN 'negate_key'::text THEN concat_ws(' '::text, (p_row ->> 'label'::text), (p_row ->> 'operator'::text), (p_row ->> 'value'::text)) WHEN 'protected_label'::text THEN (p_row ->> 'label'::text) WHEN 'grant'::text THEN (p_row ->> 'grantee'::text) ELSE (p_row ->> 'name'::text) END;

--
-- Name: FUNCTION config_name(p_config_type text, p_row jsonb); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.config_name(p_config_type text, p_row jsonb) IS 'Natural key of a row as the changelog records it: name, context, "label operator value" for negate keys, the label of a protected label, the role of a grant.';

--
-- Name: content_of(jsonb); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.content_of(p_row jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (p_row - ARRAY['id'::text, 'labels'::text, 'is_active'::text, 'created_at'::text, 'updated_at'::text, 'created_by'::text, 'embedding'::text, 'embedding_config_id'::text, 'search_vector'::text, 'variables'::text, 'output_schema'::text]);

--
-- Name: FUNCTION content_of(p_row jsonb); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.content_of(p_row jsonb) IS 'What makes a version the version it is: its row without identity, labels, activity, times, author, derived columns and output schema.';

--
-- Name: count_keyword_changes(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.count_keyword_changes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION count_keyword_changes(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.count_keyword_changes() IS 'Statement trigger of documents (after INSERT, UPDATE and DELETE, with transition tables): appends what the statement changed to keyword_changes (+1 per new row, -1 per old one, per project and per lexeme, with the new rows'' highest frequency and shortest length per lexeme; an UPDATE counts the rows whose project or text changed) and queues the fold at commit. Runs as the owner: writers have no privilege on the counts.';

--
-- Name: create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text, text, jsonb, text[], text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.create_prompt_version(p_name text, p_template text, p_project text DEFAULT 'default'::text, p_labels text[] DEFAULT '{}'::text[], p_type text DEFAULT NULL::text, p_description text DEFAULT NULL::text, p_usage text DEFAULT NULL::text, p_model text DEFAULT NULL::text, p_parameters jsonb DEFAULT NULL::jsonb, p_created_by text DEFAULT NULL::text, p_syntax text DEFAULT NULL::text, p_messages jsonb DEFAULT NULL::jsonb, p_tags text[] DEFAULT '{}'::text[], p_commit_message text DEFAULT NULL::text) RETURNS agent_loggy.prompts
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    prev agent_loggy.prompts;
    created agent_loggy.prompts;
    next_version integer;
    wanted_type text := coalesce(p_type, CASE WHEN p_messages IS NOT NULL THEN 'chat' END);
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, coalesce(p_labels, '{}'));
    IF (p_template IS NULL) = (p_messages IS NULL) THEN
        RAISE EXCEPTION 'a prompt version needs a template or chat messages, not %',
            CASE WHEN p_template IS NULL THEN 'neither' ELSE 'both' END
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_syntax IS NOT NULL THEN
        PERFORM agent_loggy.checked_syntax(p_syntax);
    END IF;
    PERFORM agent_loggy.lock_writes('prompts', p_project);
    SELECT * INTO prev FROM agent_loggy.prompts AS t
    WHERE t.project = p_project AND t.name = p_name
    ORDER BY t.version DESC
    LIMIT 1;
    next_version := greatest(
        coalesce(prev.version, 0),
        (SELECT max(greatest(c.previous_version, c.new_version)) FROM agent_loggy.config_changelog AS c
         WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name)) + 1;
    IF FOUND AND wanted_type IS DISTINCT FROM prev.type AND wanted_type IS NOT NULL THEN
        RAISE EXCEPTION 'prompt % in project % is of type %; version % cannot change it to %',
            quote_literal(p_name), quote_literal(p_project), prev.type, next_version, quote_literal(wanted_type)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Leave the type out to keep it, or publish under a new name.';
    END IF;
    IF FOUND AND prev.messages IS NOT NULL AND p_messages IS NULL THEN
        RAISE EXCEPTION 'prompt % in project % is a chat prompt with messages; version % needs messages too, not a template',
            quote_literal(p_name), quote_literal(p_project), next_version
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    BEGIN
        INSERT INTO agent_loggy.prompts
            (project, name, version, type, template, description, usage, model, parameters, labels, created_by,
             syntax, messages, tags, commit_message)
        VALUES (
            p_project, p_name, next_version, coalesce(wanted_type, prev.type, 'text'), p_template,
            coalesce(p_description, prev.description), coalesce(p_usage, prev.usage), coalesce(p_model, prev.model),
            coalesce(p_parameters, prev.parameters, '{}'), coalesce(p_labels, '{}'),
            coalesce(p_created_by, nullif(current_setting('agent_loggy.actor', true), ''), session_user),
            coalesce(p_syntax, prev.syntax, 'brace'), p_messages, coalesce(p_tags, '{}'),
            coalesce(p_commit_message, nullif(current_setting('agent_loggy.change_summary', true), '')))
        RETURNING * INTO created;
    EXCEPTION WHEN unique_violation THEN
        IF current_setting('transaction_isolation') = 'read committed' THEN
            RAISE;
        END IF;
        RAISE EXCEPTION 'version % of prompt % in project % was created by a concurrent transaction',
            next_version, quote_literal(p_name), quote_literal(p_project)
            USING ERRCODE = 'serialization_failure', HINT = 'Retry the transaction.';
    END;
    RETURN created;
END
$$;

--
-- Name: FUNCTION create_prompt_version(p_name text, p_template text, p_project text, p_labels text[], p_type text, p_description text, p_usage text, p_model text, p_parameters jsonb, p_created_by text, p_syntax text, p_messages jsonb, p_tags text[], p_commit_message text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.create_prompt_version(p_name text, p_template text, p_project text, p_labels text[], p_type text, p_description text, p_usage text, p_model text, p_parameters jsonb, p_created_by text, p_syntax text, p_messages jsonb, p_tags text[], p_commit_message text) IS 'Publishes a new version of a prompt (one above the highest version it ever had, deleted ones included; exact under concurrency) and returns its row. Give p_template (a text prompt) or p_messages (a chat prompt: type chat, see chat_messages_problem()), not both. p_type, p_description, p_usage, p_model, p_parameters and p_syntax left NULL keep the previous version''s values (syntax: brace at first); a different p_type is refused, and so is a template after messages. p_labels move to the new version; p_tags stay on it. p_commit_message defaults to the transaction''s agent_loggy.change_summary; created_by to agent_loggy.actor, else session_user. A brace template holding {{identifier}} is published with a WARNING.';

--
-- Name: deleted_state(text, text, text, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.deleted_state(p_project text, p_config_type text, p_name text, p_version integer) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN (SELECT CASE WHEN (c.change_type = 'delete'::text) THEN c.previous_data ELSE NULL::jsonb END AS "case" FROM agent_loggy.config_changelog c WHERE ((c.project = deleted_state.p_project) AND (c.config_type = deleted_state.p_config_type) AND (c.config_name = deleted_state.p_name) AND (GREATEST(c.previous_version, c.new_version) = deleted_state.p_version)) ORDER BY c.id DESC LIMIT 1);

--
-- Name: FUNCTION deleted_state(p_project text, p_config_type text, p_name text, p_version integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.deleted_state(p_project text, p_config_type text, p_name text, p_version integer) IS 'The row a deleted version of a config had when it was deleted, as the changelog recorded it; NULL when the version exists or never did.';

--
-- Name: derive_variables(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.derive_variables() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    NEW.variables := agent_loggy.prompt_variables(NEW.template, NEW.syntax, NEW.messages);
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION derive_variables(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.derive_variables() IS 'BEFORE INSERT/UPDATE trigger of prompts: variables is always derived from template, syntax and messages (prompt_variables()), whatever the writer sent.';

--
-- Name: drop_embedding_store(bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.drop_embedding_store(p_config_id bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET lock_timeout TO '5s'
    AS $$
DECLARE
    store text := 'embeddings_' || p_config_id;
    config record;
    dropped bigint;
BEGIN
    IF NOT agent_loggy.session_is_admin() THEN
        RAISE EXCEPTION 'permission denied to drop the vectors of embedding config %: only agent_loggy_admin drops them',
            coalesce(p_config_id::text, 'NULL') USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT c.project INTO config FROM agent_loggy.embedding_configs AS c WHERE c.id = p_config_id;
    IF FOUND AND NOT agent_loggy.session_may_read(config.project) THEN
        RAISE EXCEPTION 'permission denied for project %: the transaction is bound to another project', quote_literal(config.project)
            USING ERRCODE = 'insufficient_privilege';
    ELSIF EXISTS (SELECT FROM agent_loggy.search_embedding_configs AS s WHERE s.embedding_config_id = p_config_id) THEN
        RAISE EXCEPTION 'embedding config % is what project %''s searches use: choose another first (use_embedding_config)',
            p_config_id, quote_literal(config.project) USING ERRCODE = 'object_in_use';
    ELSIF to_regclass(format('agent_loggy.%I', store)) IS NULL THEN
        RAISE EXCEPTION 'embedding config % has no store', coalesce(p_config_id::text, 'NULL') USING ERRCODE = 'no_data_found';
    END IF;
    EXECUTE format('SELECT count(*) FROM agent_loggy.%I', store) INTO dropped;
    EXECUTE format('ALTER TABLE agent_loggy.embeddings DETACH PARTITION agent_loggy.%I', store);
    EXECUTE format('DROP TABLE agent_loggy.%I', store);
    IF FOUND AND EXISTS (SELECT FROM agent_loggy.embedding_configs AS c WHERE c.id = p_config_id) THEN
        PERFORM agent_loggy.ensure_embedding_store(p_config_id);  -- the config stays usable, empty
    END IF;
    RETURN dropped;
END
$$;

--
-- Name: FUNCTION drop_embedding_store(p_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.drop_embedding_store(p_config_id bigint) IS 'Admin only: drops every vector of embedding config p_config_id at once (its partition) and returns how many there were; the config keeps an empty store while it exists. Refused while a project''s searches use the config. Takes an ACCESS EXCLUSIVE lock on embeddings for an instant (waits at most 10 s for it).';

--
-- Name: drop_runs_before(timestamp with time zone, boolean); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.drop_runs_before(p_before timestamp with time zone, p_detach_only boolean DEFAULT false) RETURNS text[]
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    SET lock_timeout TO '5s'
    AS $_$
DECLARE
    part record;
    fk record;
    archive text;
    done text[] := '{}';
    gone bigint;
BEGIN
    IF NOT agent_loggy.session_is_admin() THEN
        RAISE EXCEPTION 'permission denied to retire runs: only agent_loggy_admin does' USING ERRCODE = 'insufficient_privilege';
    ELSIF p_before IS NULL OR p_before > now() THEN
        RAISE EXCEPTION 'invalid cut-off %: expected a time in the past', quote_nullable(p_before)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR part IN
        SELECT c.relname, pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_catalog.pg_inherits AS i JOIN pg_catalog.pg_class AS c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'agent_loggy.runs'::regclass AND c.relname ~ '^runs_[0-9]{4}_[0-9]{2}$'
          AND make_timestamptz(substr(c.relname, 6, 4)::integer, substr(c.relname, 11, 2)::integer, 1, 0, 0, 0, 'UTC')
              + interval '1 month' <= p_before
        ORDER BY c.relname
    LOOP
        -- a partition referenced by scores or findings cannot be detached: their scores go with the
        -- runs (ON DELETE CASCADE), findings keep their content and lose the link (SET NULL)
        EXECUTE format('DELETE FROM agent_loggy.scores AS s USING agent_loggy.%I AS r '
                       'WHERE s.run_id = r.id AND s.run_started_at = r.started_at', part.relname);
        EXECUTE format('UPDATE agent_loggy.trace_findings AS f SET run_id = NULL, run_started_at = NULL FROM agent_loggy.%I AS r '
                       'WHERE f.run_id = r.id AND f.run_started_at = r.started_at', part.relname);
        EXECUTE format('ALTER TABLE agent_loggy.runs DETACH PARTITION agent_loggy.%I', part.relname);
        IF p_detach_only THEN
            -- an archive stands alone: no foreign keys into live tables, no enum of this schema, and a
            -- name that does not look like a month's partition
            FOR fk IN SELECT c.conname FROM pg_catalog.pg_constraint AS c
                      WHERE c.conrelid = format('agent_loggy.%I', part.relname)::regclass AND c.contype = 'f' LOOP
                EXECUTE format('ALTER TABLE agent_loggy.%I DROP CONSTRAINT %I', part.relname, fk.conname);
            END LOOP;
            EXECUTE format('ALTER TABLE agent_loggy.%1$I ALTER COLUMN status DROP DEFAULT, '
                           'DROP CONSTRAINT runs_status_error_check', part.relname);
            EXECUTE format('ALTER TABLE agent_loggy.%1$I ALTER COLUMN status TYPE text USING status::text, '
                           'ADD CONSTRAINT runs_status_error_check CHECK (status = ''failed'' OR error IS NULL)',
                           part.relname);
            archive := 'runs_archive_' || substr(part.relname, 6);
            EXECUTE format('ALTER TABLE agent_loggy.%I RENAME TO %I', part.relname, archive);
            EXECUTE format('COMMENT ON TABLE agent_loggy.%I IS %L', archive,
                           format('Runs of %s, retired by drop_runs_before(..., true) and kept as an archive (no longer part of runs).',
                                  replace(substr(part.relname, 6), '_', '-')));
            done := done || archive;
        ELSE
            EXECUTE format('DROP TABLE agent_loggy.%I', part.relname);
            done := done || part.relname::text;
        END IF;
    END LOOP;
    DELETE FROM agent_loggy.runs_default AS d WHERE d.started_at < p_before;
    GET DIAGNOSTICS gone = ROW_COUNT;
    IF gone > 0 THEN
        done := done || format('runs_default (%s rows)', gone);
    END IF;
    RETURN done;
END
$_$;

--
-- Name: FUNCTION drop_runs_before(p_before timestamp with time zone, p_detach_only boolean); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.drop_runs_before(p_before timestamp with time zone, p_detach_only boolean) IS 'Admin only: retires the runs that started before p_before: every monthly partition wholly before it is detached and dropped (p_detach_only: detached and kept as agent_loggy.runs_archive_YYYY_MM, without foreign keys, for archiving), with the scores of its runs; findings keep their content and lose the link to the run. Older runs in runs_default are deleted. Returns what was retired.';

--
-- Name: embedding_input(agent_loggy.context_rules); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.embedding_input(p_row agent_loggy.context_rules) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN concat_ws('
'::text, (p_row).context, (p_row).description, (p_row).important);

--
-- Name: FUNCTION embedding_input(p_row agent_loggy.context_rules); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.context_rules) IS 'The text embedded for a context rule: its context, description and important signals, one per line (what to ignore is left out: it describes noise, not the context).';

--
-- Name: is_valid_user(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.is_valid_user(p_user text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((p_user ~ '\S'::text) AND (octet_length(p_user) <= 200) AND (p_user !~ '[[:cntrl:]]'::text));

--
-- Name: FUNCTION is_valid_user(p_user text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.is_valid_user(p_user text) IS 'True when p_user can name a user of the application: not blank, at most 200 bytes, no control characters (NULL for NULL).';

--
-- Name: keyword_term_frequencies(tsvector); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.keyword_term_frequencies(p_vector tsvector) RETURNS TABLE(lexeme text, frequency integer)
    LANGUAGE sql IMMUTABLE STRICT ROWS 100 PARALLEL SAFE
    BEGIN ATOMIC
 SELECT u.lexeme,
     COALESCE((cardinality(u.positions) + cardinality(array_positions(u.weights, 'A'::text))), 1) AS "coalesce"
    FROM unnest(keyword_term_frequencies.p_vector) u(lexeme, positions, weights);
END;

--
-- Name: FUNCTION keyword_term_frequencies(p_vector tsvector); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.keyword_term_frequencies(p_vector tsvector) IS 'The term frequency BM25 uses for each lexeme of p_vector: its number of positions, a title position (weight A) counting twice; 1 for a lexeme stored without positions. PostgreSQL keeps at most 256 positions of a lexeme and none beyond 16,383, so counts of longer texts saturate.';

--
-- Name: keyword_frequencies(tsvector); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.keyword_frequencies(p_vector tsvector) RETURNS jsonb
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (SELECT (COALESCE(jsonb_object_agg(f.lexeme, f.frequency), '{}'::jsonb) || jsonb_build_object('', COALESCE(sum(f.frequency), (0)::bigint))) FROM agent_loggy.keyword_term_frequencies(keyword_frequencies.p_vector) f(lexeme, frequency));

--
-- Name: FUNCTION keyword_frequencies(p_vector tsvector); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.keyword_frequencies(p_vector tsvector) IS 'What BM25 reads of a document, as a JSON object: each lexeme of p_vector with its term frequency (keyword_term_frequencies), and under the key "" (no lexeme is empty) the document''s length dl, the frequencies summed (stop words do not count).';

--
-- Name: documents; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.documents (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    source text DEFAULT 'manual'::text NOT NULL,
    external_id text,
    title text,
    content text NOT NULL,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    embedding public.vector(384),
    embedding_config_id bigint,
    search_vector tsvector GENERATED ALWAYS AS ((setweight(to_tsvector('english'::regconfig, COALESCE(title, ''::text)), 'A'::"char") || setweight(to_tsvector('english'::regconfig, content), 'B'::"char"))) STORED,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    keyword_frequencies jsonb GENERATED ALWAYS AS (agent_loggy.keyword_frequencies((setweight(to_tsvector('english'::regconfig, COALESCE(title, ''::text)), 'A'::"char") || setweight(to_tsvector('english'::regconfig, content), 'B'::"char")))) STORED,
    user_id text,
    CONSTRAINT documents_content_check CHECK ((content ~ '\S'::text)),
    CONSTRAINT documents_embedding_check CHECK (agent_loggy.is_searchable_vector(embedding)),
    CONSTRAINT documents_external_id_check CHECK (((external_id ~ '\S'::text) AND (octet_length(external_id) <= 1000))),
    CONSTRAINT documents_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT documents_metadata_json_check CHECK (agent_loggy.is_readable_json(metadata)),
    CONSTRAINT documents_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT documents_source_check CHECK (agent_loggy.is_valid_name(source)),
    CONSTRAINT documents_tags_check CHECK (agent_loggy.are_valid_tags(tags)),
    CONSTRAINT documents_times_check CHECK ((agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))),
    CONSTRAINT documents_user_id_check CHECK (agent_loggy.is_valid_user(user_id))
);

--
-- Name: TABLE documents; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.documents IS 'The retrieval corpus: chunks of runbooks, incident write-ups and log samples, scoped by project, found by vector, keyword or hybrid search. Not versioned and not in the changelog.';

--
-- Name: COLUMN documents.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.project IS 'Tenant / deployment the document belongs to; every search is scoped by it.';

--
-- Name: COLUMN documents.source; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.source IS 'Where the document came from (manual, faiss, a file or system name); with external_id its identity within the project.';

--
-- Name: COLUMN documents.external_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.external_id IS 'The document''s id in its source; imports upsert on (project, source, external_id). NULL for documents without one (never deduplicated).';

--
-- Name: COLUMN documents.title; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.title IS 'Optional title; weighs more than content in keyword search.';

--
-- Name: COLUMN documents.content; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.content IS 'The text that is searched and embedded; must not be blank.';

--
-- Name: COLUMN documents.tags; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.tags IS 'Free-form tags (non-blank, at most 128 characters each); search filters keep documents carrying all the given tags.';

--
-- Name: COLUMN documents.metadata; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.metadata IS 'Any further attributes, a JSON object (GIN-indexed for @> containment queries).';

--
-- Name: COLUMN documents.embedding; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.embedding IS 'Embedding of title and content (384 dimensions, cosine, never all zeros); NULL until embedded, and reset to NULL when title or content change without a new embedding.';

--
-- Name: COLUMN documents.embedding_config_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.embedding_config_id IS 'The embedding config (embedding_configs.id) whose model produced embedding, when known.';

--
-- Name: COLUMN documents.search_vector; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.search_vector IS 'Full-text vector of title (weight A) and content (weight B), english configuration; generated, never written.';

--
-- Name: COLUMN documents.keyword_frequencies; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.keyword_frequencies IS 'keyword_frequencies(search_vector): each lexeme''s term frequency and, under "", the length BM25 normalises by; generated (from the same expression as search_vector), never written. A score reads a few keys of it instead of unnesting the search vector.';

--
-- Name: COLUMN documents.user_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.documents.user_id IS 'The user of the application the document belongs to; NULL: shared by the project. Only a transaction acting for that user (acting_user()) or an admin acting for nobody sees it.';

--
-- Name: embedding_input(agent_loggy.documents); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.embedding_input(p_row agent_loggy.documents) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN concat_ws('

'::text, (p_row).title, (p_row).content);

--
-- Name: FUNCTION embedding_input(p_row agent_loggy.documents); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.documents) IS 'The text embedded for a document: its title and content, separated by a blank line.';

--
-- Name: investigations; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.investigations (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    external_ref text,
    requested_by text,
    query text NOT NULL,
    parameters jsonb DEFAULT '{}'::jsonb NOT NULL,
    status agent_loggy.investigation_status DEFAULT 'queued'::agent_loggy.investigation_status NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    embedding public.vector(384),
    recorded_by text DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT investigations_external_ref_check CHECK (((length(external_ref) >= 1) AND (length(external_ref) <= 200))),
    CONSTRAINT investigations_parameters_check CHECK (((jsonb_typeof(parameters) = 'object'::text) AND (octet_length((parameters)::text) <= 1000000))),
    CONSTRAINT investigations_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT investigations_query_check CHECK (((query ~ '\S'::text) AND (length(query) <= 100000))),
    CONSTRAINT investigations_requested_by_check CHECK (((length(requested_by) >= 1) AND (length(requested_by) <= 200))),
    CONSTRAINT investigations_times_check CHECK ((((started_at IS NULL) OR (finished_at IS NULL) OR (finished_at >= started_at)) AND agent_loggy.is_readable_time(started_at) AND agent_loggy.is_readable_time(finished_at)))
);

--
-- Name: TABLE investigations; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.investigations IS 'One dispute or query under analysis: the runs, scores, findings and verdicts of one agent-loggy investigation hang off it.';

--
-- Name: COLUMN investigations.id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.id IS 'Identity of the investigation.';

--
-- Name: COLUMN investigations.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.project IS 'Tenant / deployment the investigation belongs to.';

--
-- Name: COLUMN investigations.external_ref; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.external_ref IS 'The caller''s reference, e.g. the dispute id (1-200 characters).';

--
-- Name: COLUMN investigations.requested_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.requested_by IS 'The user who asked (the application''s user, not the database role).';

--
-- Name: COLUMN investigations.query; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.query IS 'The query text under analysis.';

--
-- Name: COLUMN investigations.parameters; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.parameters IS 'Parameters extracted from the query (parameter_extraction''s output), a JSON object.';

--
-- Name: COLUMN investigations.status; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.status IS 'queued, running, succeeded, failed or cancelled; moves only forward.';

--
-- Name: COLUMN investigations.created_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.created_at IS 'When the investigation was recorded.';

--
-- Name: COLUMN investigations.started_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.started_at IS 'When it began running (set on the move to running, unless given).';

--
-- Name: COLUMN investigations.finished_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.finished_at IS 'When it ended (set on the move to an end state, unless given).';

--
-- Name: COLUMN investigations.embedding; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.embedding IS 'Embedding of the query, for similar_investigations().';

--
-- Name: COLUMN investigations.recorded_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.investigations.recorded_by IS 'The login role that recorded it (session_user; not the caller''s choice).';

--
-- Name: embedding_input(agent_loggy.investigations); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.embedding_input(p_row agent_loggy.investigations) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (p_row).query;

--
-- Name: FUNCTION embedding_input(p_row agent_loggy.investigations); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.investigations) IS 'The text embedded for an investigation: its query.';

--
-- Name: embedding_input(agent_loggy.prompts); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.embedding_input(p_row agent_loggy.prompts) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN concat_ws('
'::text, (p_row).name, (p_row).description, (p_row).usage, (p_row).template);

--
-- Name: FUNCTION embedding_input(p_row agent_loggy.prompts); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.prompts) IS 'The text embedded for a prompt version: name, description, usage and template, one per line.';

--
-- Name: embedding_operator(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.embedding_operator(p_distance text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE p_distance WHEN 'cosine'::text THEN '<=>'::text WHEN 'l2'::text THEN '<->'::text WHEN 'inner_product'::text THEN '<#>'::text ELSE NULL::text END;

--
-- Name: FUNCTION embedding_operator(p_distance text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.embedding_operator(p_distance text) IS 'pgvector''s distance operator for a config''s distance (NULL for any other value).';

--
-- Name: embedding_store_type(integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.embedding_store_type(p_dimensions integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (((CASE WHEN (p_dimensions > 2000) THEN 'halfvec'::text ELSE 'vector'::text END || '('::text) || p_dimensions) || ')'::text);

--
-- Name: FUNCTION embedding_store_type(p_dimensions integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.embedding_store_type(p_dimensions integer) IS 'The type a store''s vectors are indexed and compared as: vector(n) up to 2,000 dimensions (pgvector''s HNSW limit for vector), halfvec(n) above (limit 4,000; beyond, a store has no index and is searched exactly).';

--
-- Name: ensure_embedding_store(bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.ensure_embedding_store(p_config_id bigint) RETURNS regclass
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET lock_timeout TO '5s'
    AS $$
DECLARE
    store text := 'embeddings_' || p_config_id;
    vs text := (SELECT n.nspname FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
                WHERE e.extname = 'vector');
    config record;
    opclass text;
BEGIN
    IF to_regclass(format('agent_loggy.%I', store)) IS NOT NULL THEN
        RETURN format('agent_loggy.%I', store)::regclass;
    END IF;
    SELECT c.id, c.project, c.dimensions, c.distance INTO config FROM agent_loggy.embedding_configs AS c WHERE c.id = p_config_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no embedding config %', coalesce(p_config_id::text, 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- made apart and attached: ATTACH takes only SHARE UPDATE EXCLUSIVE on embeddings, so searches and
    -- writes of other configs go on
    EXECUTE format('CREATE TABLE agent_loggy.%I (LIKE agent_loggy.embeddings INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', store);
    EXECUTE format('ALTER TABLE agent_loggy.%I ADD CONSTRAINT %I CHECK (config_id = %s AND project = %L), '
                   'ADD CONSTRAINT %I CHECK (%I.vector_dims(embedding) = %s)',
                   store, store || '_config_check', config.id, config.project, store || '_dimensions_check', vs,
                   config.dimensions);
    -- vectors do not compress; up to 2,000 dimensions (8 kB) they fit a page: kept in it (PLAIN), an exact
    -- scan reads them there and the planner counts their pages; larger ones go to TOAST uncompressed
    EXECUTE format('ALTER TABLE agent_loggy.%I ALTER COLUMN embedding SET STORAGE %s', store,
                   CASE WHEN config.dimensions <= 2000 THEN 'PLAIN' ELSE 'EXTERNAL' END);
    BEGIN
        EXECUTE format('ALTER TABLE agent_loggy.embeddings ATTACH PARTITION agent_loggy.%I FOR VALUES IN (%s)', store,
                       config.id);
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'cannot make the store of embedding config %: another transaction is making one (stores are attached one at a time, and it has not ended in 5 s)', config.id
            USING ERRCODE = 'lock_not_available', HINT = 'Retry when it has ended; searches and writes are not held up meanwhile.';
    END;
    EXECUTE format('COMMENT ON TABLE agent_loggy.%I IS %L', store,
                   format('The vectors of embedding config %s (%s dimensions, %s): a partition of embeddings.',
                          config.id, config.dimensions, config.distance));
    IF config.dimensions <= 4000 THEN
        opclass := CASE WHEN config.dimensions > 2000 THEN 'halfvec' ELSE 'vector' END || '_'
                   || CASE config.distance WHEN 'cosine' THEN 'cosine' WHEN 'l2' THEN 'l2' ELSE 'ip' END || '_ops';
        EXECUTE format('CREATE INDEX %I ON agent_loggy.%I USING hnsw ((embedding::%I.%s) %I.%I)',
                       store || '_hnsw_idx', store, vs, agent_loggy.embedding_store_type(config.dimensions), vs, opclass);
    END IF;
    RETURN format('agent_loggy.%I', store)::regclass;
END
$$;

--
-- Name: FUNCTION ensure_embedding_store(p_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.ensure_embedding_store(p_config_id bigint) IS 'Makes the store of embedding config p_config_id (partition embeddings_<id> of embeddings, checked to the config''s project and dimensions, with an HNSW index of the config''s distance over embedding::embedding_store_type(dimensions); none above 4,000 dimensions) unless it exists; returns it. Called when a config is created. Attaching takes SHARE UPDATE EXCLUSIVE on embeddings until the transaction ends: stores are made one at a time (a second waits at most 5 s, then 55P03); searches and writes never wait for it.';

--
-- Name: ensure_run_partitions(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.ensure_run_partitions(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS text[]
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    SET lock_timeout TO '5s'
    AS $$
DECLARE
    month timestamptz := date_trunc('month', p_from);
    made text[] := '{}';
    part text;
BEGIN
    IF NOT agent_loggy.session_is_admin() THEN
        RAISE EXCEPTION 'permission denied to add run partitions: only agent_loggy_admin manages partitions'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF p_from IS NULL OR p_to IS NULL OR p_to < p_from OR p_from < '2000-01-01' OR p_to > '3000-01-01'
          OR p_to > p_from + interval '10 years' THEN
        RAISE EXCEPTION 'invalid partition range % to %: expected from <= to, within 2000-3000 and 10 years',
            quote_nullable(p_from), quote_nullable(p_to) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    WHILE month <= p_to LOOP
        part := 'runs_' || to_char(month, 'YYYY_MM');
        IF to_regclass('agent_loggy.' || part) IS NULL THEN
            IF EXISTS (SELECT FROM agent_loggy.runs_default AS d
                       WHERE d.started_at >= month AND d.started_at < month + interval '1 month') THEN
                RAISE EXCEPTION 'runs of % are in runs_default: a partition for that month cannot be added while they are',
                    to_char(month, 'YYYY-MM') USING ERRCODE = 'object_not_in_prerequisite_state',
                    HINT = 'Leave the month in runs_default, or ask for months that have no runs yet.';
            END IF;
            EXECUTE format('CREATE TABLE agent_loggy.%I PARTITION OF agent_loggy.runs FOR VALUES FROM (%L) TO (%L)',
                           part, month, month + interval '1 month');
            EXECUTE format('COMMENT ON TABLE agent_loggy.%I IS %L', part,
                           format('Runs started in %s (UTC); read them through runs.', to_char(month, 'YYYY-MM')));
            made := made || part;
        END IF;
        month := month + interval '1 month';
    END LOOP;
    RETURN made;
END
$$;

--
-- Name: FUNCTION ensure_run_partitions(p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.ensure_run_partitions(p_from timestamp with time zone, p_to timestamp with time zone) IS 'Admin only: adds the monthly partitions (runs_YYYY_MM, UTC months) of runs from p_from to p_to that do not exist yet (at most 10 years at once) and returns their names. A month that already has runs in runs_default is refused (55000).';

--
-- Name: export_prompts(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.export_prompts(p_project text DEFAULT 'default'::text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT jsonb_build_object(
        'format', 'agent_loggy.prompts',
        'format_version', 1,
        'project', p_project,
        'prompts', coalesce(jsonb_agg(p.doc ORDER BY p.name COLLATE "C"), '[]'))
    FROM (
        SELECT t.name, jsonb_build_object('name', t.name, 'versions', jsonb_agg(jsonb_build_object(
                   'version', t.version, 'type', t.type, 'template', t.template,
                   'description', t.description, 'usage', t.usage, 'model', t.model,
                   'parameters', t.parameters, 'labels', to_jsonb(t.labels), 'is_active', t.is_active,
                   'created_by', t.created_by, 'created_at', t.created_at, 'syntax', t.syntax, 'messages', t.messages, 'tags', to_jsonb(t.tags), 'commit_message', t.commit_message) ORDER BY t.version)) AS doc
        FROM agent_loggy.prompts AS t
        WHERE t.project = p_project
        GROUP BY t.name
    ) AS p;
$$;

--
-- Name: FUNCTION export_prompts(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.export_prompts(p_project text) IS 'Every version and label of every prompt of a project as one JSON document (format agent_loggy.prompts, format_version 1) that import_prompts() reads; each version carries its syntax, messages, tags and commit_message; embeddings are not included.';

--
-- Name: fact_embedding_config(text, integer, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.fact_embedding_config(p_project text, p_dimensions integer, p_config_id bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    found_id bigint;
    found_dims integer;
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    IF p_config_id IS NOT NULL THEN
        SELECT c.id, c.dimensions INTO found_id, found_dims FROM agent_loggy.embedding_configs AS c
        WHERE c.id = p_config_id AND c.project = p_project;
        IF found_id IS NULL THEN
            RAISE EXCEPTION 'no embedding config % in project %', p_config_id, quote_literal(p_project)
                USING ERRCODE = 'invalid_parameter_value';
        ELSIF found_dims <> p_dimensions THEN
            RAISE EXCEPTION 'the vector has % dimensions: embedding config % of project % has %', p_dimensions, p_config_id,
                quote_literal(p_project), found_dims USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN found_id;
    END IF;
    SELECT c.id INTO found_id FROM agent_loggy.current_embedding_configs AS c
    WHERE c.project = p_project AND c.dimensions = p_dimensions ORDER BY c.name LIMIT 1;
    IF found_id IS NULL THEN
        RAISE EXCEPTION 'the vector has % dimensions, and no current embedding config of project % has %', p_dimensions,
            quote_literal(p_project), p_dimensions USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Create an embedding config of the model that made the vector, or name one with p_embedding_config_id.';
    END IF;
    RETURN found_id;
END
$$;

--
-- Name: FUNCTION fact_embedding_config(p_project text, p_dimensions integer, p_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.fact_embedding_config(p_project text, p_dimensions integer, p_config_id bigint) IS 'The embedding config a fact''s vector belongs to: p_config_id, which must be a config of p_project with p_dimensions dimensions, or, when NULL, the first by name of the project''s current configs with that many dimensions. 22023 naming the config and its dimensions otherwise.';

--
-- Name: facts; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.facts (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    user_id text,
    key text NOT NULL,
    version integer NOT NULL,
    value text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    embedding public.vector,
    embedding_config_id bigint,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text DEFAULT COALESCE(NULLIF(current_setting('agent_loggy.actor'::text, true), ''::text), (SESSION_USER)::text) NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS (to_tsvector('english'::regconfig, ((key || ' '::text) || COALESCE(value, ''::text)))) STORED,
    CONSTRAINT facts_embedding_check CHECK (agent_loggy.is_searchable_vector(embedding)),
    CONSTRAINT facts_embedding_config_check CHECK ((((embedding IS NULL) = (embedding_config_id IS NULL)) AND ((value IS NOT NULL) OR (embedding IS NULL)))),
    CONSTRAINT facts_key_check CHECK (((key ~ '\S'::text) AND (octet_length(key) <= 500) AND (key !~ '[[:cntrl:]]'::text))),
    CONSTRAINT facts_metadata_check CHECK (((jsonb_typeof(metadata) = 'object'::text) AND agent_loggy.is_readable_json(metadata))),
    CONSTRAINT facts_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT facts_times_check CHECK (agent_loggy.is_readable_time(created_at)),
    CONSTRAINT facts_user_id_check CHECK (agent_loggy.is_valid_user(user_id)),
    CONSTRAINT facts_value_check CHECK ((octet_length(value) <= 100000)),
    CONSTRAINT facts_version_check CHECK ((version > 0))
);

--
-- Name: TABLE facts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.facts IS 'Facts agents remember, per project and user, with history: every row is a version of (project, user_id, key); the highest is current, and a version without a value means forgotten. Written through remember_fact() / forget_fact() (or INSERT: versions, times and author are set by the guard_fact trigger); never updated; deleted only by admins (erasure).';

--
-- Name: COLUMN facts.id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.id IS 'Row id.';

--
-- Name: COLUMN facts.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.project IS 'Tenant / deployment the fact belongs to.';

--
-- Name: COLUMN facts.user_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.user_id IS 'The user of the application the fact is about or belongs to; NULL: a fact of the whole project. Scoped like documents.user_id.';

--
-- Name: COLUMN facts.key; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.key IS 'What the fact is, e.g. preferred_currency: up to 500 bytes, not blank, no control characters.';

--
-- Name: COLUMN facts.version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.version IS 'Version number within (project, user_id, key), from 1, set by guard_fact.';

--
-- Name: COLUMN facts.value; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.value IS 'The value (text, at most 100,000 bytes); NULL: the key was forgotten in this version.';

--
-- Name: COLUMN facts.metadata; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.metadata IS 'Anything else about the fact (source, confidence...), a JSON object.';

--
-- Name: COLUMN facts.embedding; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.embedding IS 'Embedding of the value by the model of embedding_config_id, of that config''s dimensions (any); NULL: not embedded.';

--
-- Name: COLUMN facts.embedding_config_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.embedding_config_id IS 'The embedding config (of the fact''s project) whose model produced embedding.';

--
-- Name: COLUMN facts.created_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.created_at IS 'When the version was recorded.';

--
-- Name: COLUMN facts.created_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.created_by IS 'Who recorded it: agent_loggy.actor when set, else the login.';

--
-- Name: COLUMN facts.search_vector; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.facts.search_vector IS 'Full-text vector of key and value (english), for recall_facts(text).';

--
-- Name: fact_history(text, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.fact_history(p_key text, p_user text DEFAULT NULL::text, p_project text DEFAULT 'default'::text) RETURNS SETOF agent_loggy.facts
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_project text := agent_loggy.checked_project(p_project);
    v_key text := agent_loggy.checked_fact_key(p_key);
    was_user text := agent_loggy.with_user_bound(p_user);
    fact_user text := agent_loggy.acting_user();
BEGIN
    PERFORM agent_loggy.check_project_access(v_project);
    RETURN QUERY
    SELECT f.* FROM agent_loggy.facts AS f
    WHERE f.project = v_project AND coalesce(f.user_id, '') = coalesce(fact_user, '') AND f.key = v_key
    ORDER BY f.version;
    PERFORM set_config('agent_loggy.user', was_user, true);
END
$$;

--
-- Name: FUNCTION fact_history(p_key text, p_user text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.fact_history(p_key text, p_user text, p_project text) IS 'Every version of fact p_key of user p_user (NULL: the user the transaction acts for; none: the shared fact) in p_project, oldest first; a version without a value is a forgetting.';

--
-- Name: fold_keyword_changes(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.fold_keyword_changes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION fold_keyword_changes(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.fold_keyword_changes() IS 'Deferred trigger of keyword_change_transactions, once per writing transaction at commit (or at SET CONSTRAINTS ... IMMEDIATE): adds the transaction''s keyword_changes to keyword_corpus (in project order) and keyword_terms (in (project, lexeme) order; the highest frequency and shortest length only ever widen), deletes the counts that reach 0, then the changes.';

--
-- Name: forget_fact(text, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.forget_fact(p_key text, p_user text DEFAULT NULL::text, p_project text DEFAULT 'default'::text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_project text := agent_loggy.checked_project(p_project);
    v_key text := agent_loggy.checked_fact_key(p_key);
    was_user text := agent_loggy.with_user_bound(p_user);
    fact_user text := agent_loggy.acting_user();
    was_bound text;
    current_value text;
    known boolean;
BEGIN
    was_bound := agent_loggy.with_project_bound(v_project);
    SELECT true, f.value INTO known, current_value FROM agent_loggy.facts AS f
    WHERE f.project = v_project AND coalesce(f.user_id, '') = coalesce(fact_user, '') AND f.key = v_key
    ORDER BY f.version DESC LIMIT 1;
    IF known AND current_value IS NOT NULL THEN
        FOR attempt IN 1 .. 100 LOOP
            BEGIN
                INSERT INTO agent_loggy.facts (project, user_id, key, value)
                VALUES (v_project, fact_user, v_key, NULL);
                EXIT;
            EXCEPTION WHEN unique_violation THEN
                IF attempt = 100 THEN
                    RAISE;
                END IF;
            END;
        END LOOP;
    END IF;
    PERFORM set_config('agent_loggy.project', coalesce(was_bound, ''), true);
    PERFORM set_config('agent_loggy.user', was_user, true);
    RETURN coalesce(known AND current_value IS NOT NULL, false);
END
$$;

--
-- Name: FUNCTION forget_fact(p_key text, p_user text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.forget_fact(p_key text, p_user text, p_project text) IS 'Forgets p_key of user p_user (NULL: the user the transaction acts for) in p_project: a new version without a value, so recall_fact() returns NULL and the history stays. Returns true when there was a value to forget, false otherwise (nothing written).';

--
-- Name: forget_keyword_counts(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.forget_keyword_counts() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    DELETE FROM agent_loggy.keyword_terms;
    DELETE FROM agent_loggy.keyword_corpus;
    DELETE FROM agent_loggy.keyword_changes AS c WHERE c.transaction = pg_current_xact_id();
    RETURN NULL;
END
$$;

--
-- Name: FUNCTION forget_keyword_counts(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.forget_keyword_counts() IS 'Statement trigger of documents after TRUNCATE: no documents, no counts (nor changes of this transaction to fold).';

--
-- Name: forget_stale_investigation_vectors(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.forget_stale_investigation_vectors() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.query IS DISTINCT FROM OLD.query THEN
        DELETE FROM agent_loggy.embeddings AS e WHERE e.kind = 'investigations' AND e.item_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;

--
-- Name: FUNCTION forget_stale_investigation_vectors(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.forget_stale_investigation_vectors() IS 'AFTER UPDATE OF query / DELETE row trigger of investigations: an investigation whose query changes, or that is deleted, loses its vectors of every config. Runs as the owner, on the rows the caller changed only.';

--
-- Name: forget_stale_vectors(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.forget_stale_vectors() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM agent_loggy.embeddings AS e WHERE e.kind = TG_TABLE_NAME AND e.item_id = OLD.id;
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'documents' THEN
        IF agent_loggy.embedding_input(NEW::agent_loggy.documents) IS DISTINCT FROM agent_loggy.embedding_input(OLD::agent_loggy.documents)
           OR NEW.project IS DISTINCT FROM OLD.project THEN
            DELETE FROM agent_loggy.embeddings AS e WHERE e.kind = 'documents' AND e.item_id = NEW.id;
        ELSIF (NEW.user_id, NEW.tags) IS DISTINCT FROM (OLD.user_id, OLD.tags) THEN
            UPDATE agent_loggy.embeddings AS e SET user_id = NEW.user_id, tags = NEW.tags
            WHERE e.kind = 'documents' AND e.item_id = NEW.id;
        END IF;
    ELSIF TG_TABLE_NAME = 'context_rules' THEN
        IF agent_loggy.embedding_input(NEW::agent_loggy.context_rules) IS DISTINCT FROM agent_loggy.embedding_input(OLD::agent_loggy.context_rules)
           OR NEW.project IS DISTINCT FROM OLD.project THEN
            DELETE FROM agent_loggy.embeddings AS e WHERE e.kind = 'context_rules' AND e.item_id = NEW.id;
        END IF;
    ELSIF agent_loggy.embedding_input(NEW::agent_loggy.prompts) IS DISTINCT FROM agent_loggy.embedding_input(OLD::agent_loggy.prompts)
          OR NEW.project IS DISTINCT FROM OLD.project THEN
        DELETE FROM agent_loggy.embeddings AS e WHERE e.kind = 'prompts' AND e.item_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

--
-- Name: FUNCTION forget_stale_vectors(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.forget_stale_vectors() IS 'AFTER UPDATE / DELETE row trigger of documents, context_rules and prompts: an item whose embedding input (or project) changes, or that is deleted, loses its vectors of every config (pending again); a document given to another user or other tags has its vectors follow. Runs as the owner, on the rows the caller changed only.';

--
-- Name: fuzzy_document_ids(text, text, integer, text[], double precision, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.fuzzy_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[], p_min_similarity double precision DEFAULT 0.3, p_expansions integer DEFAULT 3) RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION fuzzy_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[], p_min_similarity double precision, p_expansions integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.fuzzy_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[], p_min_similarity double precision, p_expansions integer) IS 'The ids of the p_count documents of p_project carrying all p_tags (NULL: any) that fuzzy search ranks first for p_query_text, best first: the lexemes fuzzy_terms() chooses, ranked by bm25_lexeme_scores() with their similarities as weights. The fuzzy branch of hybrid search; arguments are checked as fuzzy_terms() checks them.';

--
-- Name: fuzzy_search_documents(text, text, integer, text[], double precision, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.fuzzy_search_documents(p_query_text text, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL::text[], p_min_similarity double precision DEFAULT 0.3, p_expansions integer DEFAULT 3) RETURNS TABLE(id bigint, project text, source text, external_id text, title text, content text, tags text[], metadata jsonb, rank real, matched_terms jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION fuzzy_search_documents(p_query_text text, p_project text, p_limit integer, p_tags text[], p_min_similarity double precision, p_expansions integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.fuzzy_search_documents(p_query_text text, p_project text, p_limit integer, p_tags text[], p_min_similarity double precision, p_expansions integer) IS 'Keyword search of the documents of p_project that tolerates typos: each english lexeme (word) of p_query_text stands for the p_expansions lexemes of the project''s vocabulary most similar to it (pg_trgm trigram similarity at least p_min_similarity, through keyword_terms_lexeme_trgm_idx; the word itself at similarity 1 when a document holds it), and documents are ranked by BM25 over them, each lexeme''s idf multiplied by its similarity, so a word found as typed outranks its corrections (rank = that score; ties by id; BM25 whatever agent_loggy.keyword_ranking says). matched_terms maps each query word the document matched to the lexeme it matched there (the most similar one it holds), e.g. {"paymnet": "payment", "tiemout": "timeout"}. p_tags keeps documents carrying all the given tags. Raises 22023 for blank text, more than 32 words, min_similarity outside (0, 1], expansions outside 1..10, and as keyword_search_documents for project, limit and tags; 42501 for a project the caller may not read.';

--
-- Name: fuzzy_terms(text, text, double precision, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.fuzzy_terms(p_query_text text, p_project text, p_min_similarity double precision DEFAULT 0.3, p_expansions integer DEFAULT 3) RETURNS TABLE(word text, lexeme text, similarity double precision)
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 30
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "pg_trgm.similarity_threshold" TO '0.3'
    AS $_$
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
$_$;

--
-- Name: FUNCTION fuzzy_terms(p_query_text text, p_project text, p_min_similarity double precision, p_expansions integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.fuzzy_terms(p_query_text text, p_project text, p_min_similarity double precision, p_expansions integer) IS 'How fuzzy search corrects p_query_text in p_project: for each english lexeme (word) of the text, the p_expansions lexemes of the project''s documents most similar to it (pg_trgm''s similarity(), at least p_min_similarity; most similar first, then the commoner, then by lexeme), the word itself first (similarity 1) when a document holds it; a number (digits only) stands only for itself, since a mistyped number is another code; a word like nothing in the vocabulary gets no row. Counts the calling transaction''s own uncommitted documents. When the project holds documents of users other than the one acting, only lexemes of documents the caller sees are offered. Found through keyword_terms_lexeme_trgm_idx. Raises 22023 as checked_fuzziness() does, 42501 unless the calling login may read p_project (session_may_read); then reads the vocabulary as the owner.';

--
-- Name: grant_project(text, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.grant_project(p_role text, p_project text, p_level text DEFAULT 'read'::text) RETURNS agent_loggy.project_grants
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    result agent_loggy.project_grants;
BEGIN
    IF NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to grant project %: only agent_loggy_admin grants projects', quote_nullable(p_project)
            USING ERRCODE = 'insufficient_privilege';
    ELSIF p_project IS NULL OR NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
            quote_nullable(p_project) USING ERRCODE = 'invalid_parameter_value';
    ELSIF p_level IS NULL OR p_level NOT IN ('read', 'write') THEN
        RAISE EXCEPTION 'invalid grant level %: expected read or write', quote_nullable(p_level)
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = p_role) THEN
        RAISE EXCEPTION 'no role named % on this server', quote_nullable(p_role)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the role name exactly as pg_roles.rolname spells it (case matters).';
    END IF;
    INSERT INTO agent_loggy.project_grants AS g (project, grantee, level)
    VALUES (p_project, p_role, p_level)
    ON CONFLICT (project, grantee) DO UPDATE
        SET level = EXCLUDED.level, granted_by = EXCLUDED.granted_by, granted_at = EXCLUDED.granted_at
        WHERE g.level IS DISTINCT FROM EXCLUDED.level
    RETURNING * INTO result;
    IF NOT FOUND THEN  -- the same grant was there already
        SELECT * INTO result FROM agent_loggy.project_grants AS g WHERE g.project = p_project AND g.grantee = p_role;
    END IF;
    RETURN result;
END
$$;

--
-- Name: FUNCTION grant_project(p_role text, p_project text, p_level text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.grant_project(p_role text, p_project text, p_level text) IS 'Admin only: lets role p_role (a login or a group role) use project p_project at p_level (read or write; write includes read), or changes the level of its grant; returns the grant. A no-op when the same grant exists. Recorded in the changelog (type grant). Raises 22023 for an invalid project or level or an unknown role.';

--
-- Name: granted_projects(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.granted_projects() RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN ARRAY(SELECT DISTINCT g.project FROM (agent_loggy.project_grants g JOIN pg_roles r ON ((r.rolname = g.grantee))) WHERE pg_has_role(r.oid, 'USAGE'::text));

--
-- Name: FUNCTION granted_projects(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.granted_projects() IS 'Every project the current role holds a grant for (read or write), through itself or a role whose privileges it has.';

--
-- Name: guard_fact(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.guard_fact() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    bound text := nullif(current_setting('agent_loggy.project', true), '');
    dims integer;
    config_dims integer;
BEGIN
    -- the binding when this row is written, whatever it was when the statement began
    IF bound IS DISTINCT FROM NEW.project AND NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to record a fact of project %: a transaction writes only the project bound to it when the row is written, and it is bound to %',
            quote_literal(NEW.project), coalesce(quote_literal(bound), 'none')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.embedding IS NOT NULL THEN
        dims := vector_dims(NEW.embedding);
        SELECT c.dimensions INTO config_dims FROM agent_loggy.embedding_configs AS c
        WHERE c.id = NEW.embedding_config_id AND c.project = NEW.project;
        IF config_dims IS DISTINCT FROM dims THEN
            RAISE EXCEPTION 'embedding of fact % has % dimensions: embedding config % of project % has %', quote_literal(NEW.key),
                dims, NEW.embedding_config_id, quote_literal(NEW.project), coalesce(config_dims::text, 'none (no such config)')
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END IF;
    NEW.version := 1 + coalesce((SELECT max(f.version) FROM agent_loggy.facts AS f
                                 WHERE f.project = NEW.project AND coalesce(f.user_id, '') = coalesce(NEW.user_id, '')
                                   AND f.key = NEW.key), 0);
    NEW.created_at := now();
    NEW.created_by := coalesce(nullif(current_setting('agent_loggy.actor', true), ''), session_user);
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION guard_fact(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.guard_fact() IS 'BEFORE INSERT row trigger of facts: the row must belong to the project bound when it is written (admins: any); its version is the next of its key (concurrent writers of one key: one gets a unique violation, which remember_fact retries); created_at and created_by are set; an embedding must have the dimensions of its embedding config, of the same project.';

--
-- Name: guard_record(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.guard_record() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    tab text := TG_ARGV[0];  -- the table; TG_TABLE_NAME names the partition of a run
    bound text := nullif(current_setting('agent_loggy.project', true), '');
    counts record;
    order_of text[] := ARRAY['queued', 'running', 'succeeded', 'failed', 'cancelled'];
BEGIN
    -- the binding when this row is written, whatever it was when the statement began
    IF (bound IS DISTINCT FROM NEW.project OR (TG_OP = 'UPDATE' AND bound IS DISTINCT FROM OLD.project))
       AND NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to write % of project %: a transaction writes only the project bound to it when the row is written, and it is bound to %',
            tab, quote_literal(CASE WHEN bound IS DISTINCT FROM NEW.project THEN NEW.project ELSE OLD.project END),
            coalesce(quote_literal(bound), 'none')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.project IS DISTINCT FROM OLD.project THEN
        RAISE EXCEPTION 'a % row stays in its project (% -> %)', tab, quote_literal(OLD.project),
            quote_literal(NEW.project) USING ERRCODE = 'insufficient_privilege';
    END IF;

    IF tab = 'investigations' THEN
        IF NOT agent_loggy.is_readable_json(NEW.parameters) THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'investigations_parameters_json_check',
                'parameters nest deeper than 64 levels or hold a number beyond double precision', NULL);
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.status <> OLD.status THEN
            IF OLD.status IN ('succeeded', 'failed', 'cancelled')
               OR array_position(order_of, NEW.status::text) < array_position(order_of, OLD.status::text) THEN
                PERFORM agent_loggy.raise_check_violation(tab, 'investigations_status_transition_check',
                    format('investigation %s cannot go from %s to %s: a status moves only forward (queued -> running -> succeeded | failed | cancelled)',
                           OLD.id, OLD.status, NEW.status), NULL);
            END IF;
        ELSIF TG_OP = 'UPDATE' AND OLD.status IN ('succeeded', 'failed', 'cancelled')
              AND (NEW.query, NEW.parameters, NEW.external_ref, NEW.requested_by, NEW.started_at, NEW.finished_at)
                  IS DISTINCT FROM (OLD.query, OLD.parameters, OLD.external_ref, OLD.requested_by, OLD.started_at, OLD.finished_at) THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'investigations_finished_check',
                format('investigation %s has ended (%s): only its embedding may still change', OLD.id, OLD.status), NULL);
        END IF;
        IF NEW.status <> 'queued' AND NEW.started_at IS NULL THEN
            NEW.started_at := CASE WHEN NEW.status = 'running' THEN now() ELSE NULL END;
        END IF;
        IF NEW.status IN ('succeeded', 'failed', 'cancelled') AND NEW.finished_at IS NULL THEN
            NEW.finished_at := now();
        END IF;
        IF TG_OP = 'UPDATE' THEN
            NEW.created_at := OLD.created_at;
            NEW.recorded_by := OLD.recorded_by;
        END IF;
        RETURN NEW;
    ELSIF tab = 'runs' THEN
        IF TG_OP = 'UPDATE' THEN
            IF (NEW.prompt_id IS NULL OR NEW.prompt_id = OLD.prompt_id)
               AND (NEW.investigation_id IS NULL OR NEW.investigation_id = OLD.investigation_id)
               AND to_jsonb(NEW) - ARRAY['prompt_id', 'investigation_id'] = to_jsonb(OLD) - ARRAY['prompt_id', 'investigation_id'] THEN
                RETURN NEW;  -- a foreign key letting go of a deleted prompt version or investigation
            END IF;
            IF OLD.status <> 'running' THEN
                PERFORM agent_loggy.raise_check_violation(tab, 'runs_append_only_check',
                    format('run %s has finished (%s): finished runs are append-only', OLD.id, OLD.status), NULL);
            END IF;
            IF (NEW.prompt_name, NEW.prompt_version, NEW.investigation_id, NEW.started_at)
               IS DISTINCT FROM (OLD.prompt_name, OLD.prompt_version, OLD.investigation_id, OLD.started_at) THEN
                PERFORM agent_loggy.raise_check_violation(tab, 'runs_append_only_check',
                    format('run %s keeps its prompt version, investigation and start: only its outcome may be filled in', OLD.id), NULL);
            END IF;
            NEW.prompt_id := OLD.prompt_id;
            NEW.recorded_by := OLD.recorded_by;
            NEW.recorded_at := OLD.recorded_at;
        ELSE
            -- the version used, found here (a caller cannot point a run at another project's prompt, nor
            -- record runs of a version that does not exist yet, to be counted once it does)
            NEW.prompt_id := (SELECT p.id FROM agent_loggy.prompts AS p
                              WHERE p.project = NEW.project AND p.name = NEW.prompt_name AND p.version = NEW.prompt_version);
            IF NEW.prompt_id IS NULL THEN
                PERFORM agent_loggy.bound_project();  -- a binding without a grant: 42501, not "no version"
                PERFORM agent_loggy.raise_check_violation(tab, 'runs_prompt_version_check',
                    format('prompt %s in project %s has no version %s: a run is recorded against the version it used',
                           quote_literal(NEW.prompt_name), quote_literal(NEW.project), NEW.prompt_version), NULL);
            END IF;
            IF NEW.started_at > clock_timestamp() + interval '5 minutes' THEN
                PERFORM agent_loggy.raise_check_violation(tab, 'runs_times_check',
                    format('run of %s v%s starts in the future (%s): at most 5 minutes of clock skew are allowed',
                           NEW.prompt_name, NEW.prompt_version, NEW.started_at), NULL);
            END IF;
        END IF;
        IF NOT (agent_loggy.is_readable_json(NEW.variables) AND coalesce(agent_loggy.is_readable_json(NEW.parsed_output), true)) THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'runs_json_check',
                'variables or parsed_output nest deeper than 64 levels or hold a number beyond double precision', NULL);
        END IF;
        IF NEW.status <> 'running' AND NEW.finished_at IS NULL THEN
            NEW.finished_at := greatest(NEW.started_at, clock_timestamp());
        END IF;
        RETURN NEW;
    ELSIF tab = 'trace_findings' THEN
        IF NOT agent_loggy.is_readable_json(NEW.evidence) THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'trace_findings_evidence_json_check',
                'evidence nests deeper than 64 levels or holds a number beyond double precision', NULL);
        END IF;
        RETURN NEW;
    ELSIF tab = 'verdicts' THEN
        IF cardinality(NEW.finding_ids) > 10000 THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'verdicts_finding_ids_check',
                format('a verdict rests on at most 10000 findings, not %s', cardinality(NEW.finding_ids)), NULL);
        END IF;
        -- the counts come from the findings, never from the caller
        SELECT count(*) AS found,
               count(*) FILTER (WHERE f.stance = 'supports') AS supporting,
               count(*) FILTER (WHERE f.stance = 'refutes') AS refuting,
               count(*) FILTER (WHERE f.stance = 'neutral') AS neutral
        INTO counts
        FROM agent_loggy.trace_findings AS f
        WHERE f.id = ANY (NEW.finding_ids) AND f.investigation_id = NEW.investigation_id AND f.project = NEW.project;
        IF counts.found <> (SELECT count(DISTINCT i) FROM unnest(NEW.finding_ids) AS i) THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'verdicts_finding_ids_check',
                format('finding ids %s are not findings of investigation %s',
                       (SELECT string_agg(i::text, ', ' ORDER BY i) FROM unnest(NEW.finding_ids) AS i
                        WHERE NOT EXISTS (SELECT FROM agent_loggy.trace_findings AS f
                                          WHERE f.id = i AND f.investigation_id = NEW.investigation_id
                                            AND f.project = NEW.project)),
                       NEW.investigation_id), NULL);
        END IF;
        NEW.finding_ids := ARRAY(SELECT DISTINCT i FROM unnest(NEW.finding_ids) AS i ORDER BY i);
        NEW.supporting := counts.supporting;
        NEW.refuting := counts.refuting;
        NEW.neutral := counts.neutral;
        RETURN NEW;
    END IF;
    -- scores: a numeric value given without its scale is on 0-100
    IF NEW.value IS NOT NULL AND NEW.scale_min IS NULL AND NEW.scale_max IS NULL THEN
        NEW.scale_min := 0;
        NEW.scale_max := 100;
    END IF;
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION guard_record(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.guard_record() IS 'BEFORE INSERT/UPDATE row trigger of investigations, runs, scores, trace_findings and verdicts (argument: the table). For a non-admin the row must belong to the project bound when it is written; rows never change project. Investigations: status only forward, ended ones frozen, start and end times filled in. Runs: prompt_id found from (project, prompt_name, prompt_version); finished runs are append-only (their foreign keys may still let go of a deleted version or investigation). Verdicts: counts computed from the findings of the same investigation. Stored JSON nests at most 64 levels.';

--
-- Name: guard_row(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.guard_row() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    config_type text := TG_ARGV[0];  -- NULL for documents
    admin boolean;  -- asked only when needed: is_admin() costs more than the rest of a document's checks
    bound text := nullif(current_setting('agent_loggy.project', true), '');
    old_row jsonb;
    new_row jsonb;  -- the row without its vector, made only for config tables (a document's costs ~50 µs)
    what text;
    touched text[];
    hit text;
    highest integer;
    earlier jsonb;
BEGIN
    -- the binding when this row is written, whatever it was when the statement began
    IF bound IS DISTINCT FROM NEW.project OR (TG_OP = 'UPDATE' AND bound IS DISTINCT FROM OLD.project) THEN
        admin := agent_loggy.is_admin();
        IF NOT admin THEN
            RAISE EXCEPTION 'permission denied to write % of project %: a transaction writes only the project bound to it when the row is written, and it is bound to %',
                TG_TABLE_NAME, quote_literal(CASE WHEN bound IS DISTINCT FROM NEW.project THEN NEW.project ELSE OLD.project END),
                coalesce(quote_literal(bound), 'none')
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'documents' THEN
        IF NOT agent_loggy.is_readable_json(NEW.metadata) THEN
            PERFORM agent_loggy.raise_check_violation(TG_TABLE_NAME, 'documents_metadata_json_check',
                format('metadata of document %s nests deeper than 64 levels or holds a number beyond double precision', quote_nullable(NEW.external_id)), NULL);
        END IF;
        RETURN NEW;
    END IF;
    admin := coalesce(admin, agent_loggy.is_admin());
    new_row := to_jsonb(NEW) - ARRAY['embedding', 'search_vector'];
    what := format('%s %s in project %s', replace(config_type, '_', ' '),
                   quote_literal(agent_loggy.config_name(config_type, new_row)), quote_literal(NEW.project));
    IF TG_TABLE_NAME IN ('prompts', 'model_configs', 'embedding_configs')
       AND NOT agent_loggy.is_readable_json(new_row -> 'parameters') THEN
        PERFORM agent_loggy.raise_check_violation(TG_TABLE_NAME, TG_TABLE_NAME || '_parameters_json_check',
            format('parameters of %s nest deeper than 64 levels or hold a number beyond double precision', what), NULL);
    END IF;
    IF TG_TABLE_NAME IN ('prompts', 'model_configs') AND agent_loggy.is_valid_project(NEW.project) THEN
        -- the write lock of the row's project, even if the statement started bound elsewhere
        PERFORM agent_loggy.lock_writes(TG_TABLE_NAME, NEW.project);
    END IF;

    IF TG_OP = 'INSERT' THEN
        IF NEW.version > 1000000000 THEN
            PERFORM agent_loggy.raise_check_violation(TG_TABLE_NAME, TG_TABLE_NAME || '_version_check',
                format('invalid version %s of %s: versions stop at 1000000000', NEW.version, what), NULL);
        END IF;
        -- the changelog knows every number ever used; the table also knows the rows this statement
        -- inserted before this one (their changelog rows come at its end)
        IF TG_TABLE_NAME = 'context_rules' THEN
            highest := (SELECT max(t.version) FROM agent_loggy.context_rules AS t
                        WHERE t.project = NEW.project AND t.context = NEW.context);
        ELSIF TG_TABLE_NAME = 'negate_keys' THEN
            highest := (SELECT max(t.version) FROM agent_loggy.negate_keys AS t
                        WHERE t.project = NEW.project AND (t.label, t.operator, t.value) = (NEW.label, NEW.operator, NEW.value));
        ELSIF TG_TABLE_NAME = 'prompts' THEN
            highest := (SELECT max(t.version) FROM agent_loggy.prompts AS t WHERE t.project = NEW.project AND t.name = NEW.name);
        ELSIF TG_TABLE_NAME = 'model_configs' THEN
            highest := (SELECT max(t.version) FROM agent_loggy.model_configs AS t
                        WHERE t.project = NEW.project AND t.name = NEW.name);
        ELSE
            highest := (SELECT max(t.version) FROM agent_loggy.embedding_configs AS t
                        WHERE t.project = NEW.project AND t.name = NEW.name);
        END IF;
        highest := greatest(coalesce(highest, 0), coalesce(agent_loggy.highest_recorded_version(NEW.project,
                            config_type, agent_loggy.config_name(config_type, new_row)), 0));
        IF NEW.version <> highest + 1 AND NOT admin THEN
            -- not a number used before (existing, deleted, renamed away), not a gap: only the next one
            RAISE EXCEPTION 'permission denied to add version % of %: the next version is %; only agent_loggy_admin chooses version numbers',
                NEW.version, what, highest + 1 USING ERRCODE = 'insufficient_privilege',
                HINT = 'A version number always means one content; writers add the next version.';
        ELSIF NEW.version <= highest THEN
            -- a version that exists fails on the unique key; one that was deleted is checked here
            earlier := agent_loggy.deleted_state(NEW.project, config_type, agent_loggy.config_name(config_type, new_row),
                                                 NEW.version);
            IF earlier IS NOT NULL AND agent_loggy.content_of(earlier) IS DISTINCT FROM agent_loggy.content_of(new_row) THEN
                PERFORM agent_loggy.raise_check_violation(TG_TABLE_NAME, TG_TABLE_NAME || '_version_check',
                    format('version %s of %s was deleted with other content: a version number always means one content (the next version is %s)',
                           NEW.version, what, highest + 1),
                    'Publish the new content as a new version.');
            END IF;
        END IF;
    END IF;
    IF admin THEN
        RETURN NEW;
    END IF;

    old_row := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) - ARRAY['embedding', 'search_vector'] END;
    IF old_row IS NOT NULL AND (old_row -> 'is_active') IS DISTINCT FROM (new_row -> 'is_active') THEN
        RAISE EXCEPTION 'permission denied to % version % of %: only agent_loggy_admin may switch versions on or off',
            CASE WHEN (new_row ->> 'is_active')::boolean THEN 'reactivate' ELSE 'deactivate' END,
            old_row ->> 'version', what
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT new_row ? 'labels' THEN
        RETURN NEW;
    END IF;
    -- Labels the row gains or loses; a row moved to another prompt loses all it had. The lookup
    -- reads protected_labels as the caller, bound (checked above) to the row's project.
    IF old_row IS NULL THEN
        touched := ARRAY(SELECT jsonb_array_elements_text(new_row -> 'labels'));
    ELSIF (old_row -> 'name') IS DISTINCT FROM (new_row -> 'name') THEN
        touched := ARRAY(SELECT jsonb_array_elements_text(old_row -> 'labels')
                         UNION SELECT jsonb_array_elements_text(new_row -> 'labels'));
    ELSE
        touched := ARRAY(SELECT l FROM jsonb_array_elements_text(new_row -> 'labels') AS l
                         WHERE NOT (old_row -> 'labels') ? l
                         UNION SELECT l FROM jsonb_array_elements_text(old_row -> 'labels') AS l
                         WHERE NOT (new_row -> 'labels') ? l);
    END IF;
    SELECT p.label INTO hit
    FROM agent_loggy.protected_labels AS p
    WHERE p.project = NEW.project AND p.label = ANY (touched)
    ORDER BY p.label COLLATE "C"
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'permission denied to change label % of %: it is protected, only agent_loggy_admin may give, move or remove it',
            quote_literal(hit), what
            USING ERRCODE = 'insufficient_privilege', HINT = 'Ask an admin, or use an unprotected label such as staging.';
    END IF;
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION guard_row(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.guard_row() IS 'BEFORE INSERT/UPDATE row trigger of the five config tables (argument: the changelog config_type) and of documents (no argument). For a non-admin, the row (before and after) must belong to the project bound to the transaction at the moment it is written. Everyone: parameters / metadata nest at most 64 levels; prompts and model configs take their project''s write lock; a new version re-using a recorded number must have the recorded content. Non-admins also: only the next version number, no switching on or off, no protected label given, moved or removed. Fires for the functions and for direct INSERT, UPDATE, ON CONFLICT and MERGE alike.';

--
-- Name: halfvec_problem(public.vector); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.halfvec_problem(p_vector public.vector) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    largest real := (SELECT max(abs(x)) FROM unnest(p_vector::real[]) AS x);
BEGIN
    -- in this order, one statement each: the cast of a vector beyond the range fails
    IF largest > 65504 THEN
        RETURN format('has a value of magnitude %s: halfvec holds at most 65504', largest);
    ELSIF l2_norm(p_vector::halfvec) = 0 THEN
        RETURN 'rounds to all zeros as halfvec (every value below 6e-8)';
    END IF;
    RETURN NULL;
END
$$;

--
-- Name: FUNCTION halfvec_problem(p_vector public.vector); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.halfvec_problem(p_vector public.vector) IS 'Why p_vector cannot be compared as halfvec (a value beyond 65504, or all values rounding to zero), NULL when it can. Stores of embedding configs above 2,000 dimensions compare as halfvec: store_config_embeddings() and checked_config_query() refuse such vectors (22023), which would fail (22003) or come back with similarity NaN in every search of the store.';

--
-- Name: highest_recorded_version(text, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.highest_recorded_version(p_project text, p_config_type text, p_name text) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN (SELECT max(GREATEST(c.previous_version, c.new_version)) AS max FROM agent_loggy.config_changelog c WHERE ((c.project = highest_recorded_version.p_project) AND (c.config_type = highest_recorded_version.p_config_type) AND (c.config_name = highest_recorded_version.p_name)));

--
-- Name: FUNCTION highest_recorded_version(p_project text, p_config_type text, p_name text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.highest_recorded_version(p_project text, p_config_type text, p_name text) IS 'The highest version the changelog ever recorded for a config (deleted versions included); NULL when it has none. Index config_changelog_versions_idx answers it without reading the history.';

--
-- Name: hnsw_ef_search(integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.hnsw_ef_search(p_count integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN LEAST(1000, GREATEST(64, (2 * p_count)));

--
-- Name: FUNCTION hnsw_ef_search(p_count integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.hnsw_ef_search(p_count integer) IS 'The hnsw.ef_search a vector search of the p_count nearest rows runs with (unless the caller set a larger one): 2 * p_count, at least 64, at most 1000. Filters are served by pgvector''s iterative scan, which reads further batches of this size until p_count rows match.';

--
-- Name: hybrid_search_context_rules(text, public.vector, text, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.hybrid_search_context_rules(p_query_text text, p_query public.vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 5) RETURNS TABLE(id bigint, project text, context text, version integer, important text, ignore text, description text, score double precision, keyword_rank integer, semantic_rank integer, similarity double precision)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
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

--
-- Name: FUNCTION hybrid_search_context_rules(p_query_text text, p_query public.vector, p_project text, p_limit integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.hybrid_search_context_rules(p_query_text text, p_query public.vector, p_project text, p_limit integer) IS 'Hybrid search of the current context rules of p_project: keyword search over context, description, important and ignore (see keyword_query) and vector search, each over rrf_candidates(p_limit, 60) candidates, fused by reciprocal rank fusion with weights 1 and rrf_k 60 (see hybrid_search_documents). Either query may be NULL, not both.';

--
-- Name: hybrid_search_documents(text, public.vector, text, integer, text[], double precision, double precision, integer, double precision, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.hybrid_search_documents(p_query_text text, p_query public.vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL::text[], p_keyword_weight double precision DEFAULT 1, p_semantic_weight double precision DEFAULT 1, p_rrf_k integer DEFAULT 60, p_fuzzy_weight double precision DEFAULT 0, p_embedding_config_id bigint DEFAULT NULL::bigint) RETURNS TABLE(id bigint, project text, source text, external_id text, title text, content text, tags text[], metadata jsonb, score double precision, keyword_rank integer, semantic_rank integer, similarity double precision, fuzzy_rank integer)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
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

--
-- Name: FUNCTION hybrid_search_documents(p_query_text text, p_query public.vector, p_project text, p_limit integer, p_tags text[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer, p_fuzzy_weight double precision, p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.hybrid_search_documents(p_query_text text, p_query public.vector, p_project text, p_limit integer, p_tags text[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer, p_fuzzy_weight double precision, p_embedding_config_id bigint) IS 'Hybrid search of the documents of p_project: keyword search (BM25, as keyword_search_documents ranks), vector search (search_documents) and, when p_fuzzy_weight > 0, fuzzy keyword search (as fuzzy_search_documents ranks, at its default similarity 0.3 and 3 expansions) each rank a window of rrf_candidates(p_limit, p_rrf_k) candidates (80 for the defaults; with the fuzzy branch and another one, rrf_k + limit more: 150), fused by reciprocal rank fusion: score = p_keyword_weight / (p_rrf_k + keyword_rank) + p_semantic_weight / (p_rrf_k + semantic_rank) + p_fuzzy_weight / (p_rrf_k + fuzzy_rank), an absent rank contributing 0. Best score first, ties by id. p_fuzzy_weight defaults to 0 (no fuzzy branch: the results of the two-branch search before migration 0031). Either query may be NULL, and any weight 0 (that branch is skipped), not all. The vector branch reads embedding config p_embedding_config_id (default: the project''s search config, as search_documents() does; none: the vector(384) column); similarity is 1 - cosine distance for the column (NULL without a query vector or an embedding), vector_similarity() of the document''s best chunk for a config (NULL outside the vector branch''s candidates).';

--
-- Name: import_context_rules(jsonb, text, boolean); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.import_context_rules(p_rows jsonb, p_project text DEFAULT 'default'::text, p_deactivate_missing boolean DEFAULT false) RETURNS agent_loggy.import_summary
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    result agent_loggy.import_summary := ROW(0, 0, 0, 0);
BEGIN
    PERFORM agent_loggy.begin_import('context_rules', p_rows, p_project);

    WITH incoming AS (
        SELECT r ->> 'context' AS context,
               nullif(r ->> 'important', '') AS important,
               nullif(r ->> 'ignore', '') AS ignore,
               nullif(r ->> 'description', '') AS description
        FROM jsonb_array_elements(p_rows) AS r
    ), compared AS (
        SELECT i.*,
               c.id IS NOT NULL AND (c.important, c.ignore, c.description)
                   IS NOT DISTINCT FROM (i.important, i.ignore, i.description) AS same,
               (SELECT max(t.version) FROM agent_loggy.context_rules AS t
                WHERE t.project = p_project AND t.context = i.context) AS last_version
        FROM incoming AS i
        LEFT JOIN agent_loggy.current_context_rules AS c ON c.project = p_project AND c.context = i.context
    ), inserted AS (
        INSERT INTO agent_loggy.context_rules (project, context, version, important, ignore, description)
        SELECT p_project, context, coalesce(last_version, 0) + 1, important, ignore, description
        FROM compared
        WHERE NOT same
        RETURNING version
    )
    SELECT (SELECT count(*) FROM inserted WHERE version = 1),
           (SELECT count(*) FROM inserted WHERE version > 1),
           (SELECT count(*) FROM compared WHERE same)
    INTO result.created, result.updated, result.unchanged;

    IF p_deactivate_missing THEN
        WITH gone AS (
            UPDATE agent_loggy.context_rules AS t SET is_active = false
            WHERE t.project = p_project AND t.is_active
              AND NOT EXISTS (SELECT FROM jsonb_array_elements(p_rows) AS r WHERE r ->> 'context' = t.context)
            RETURNING 1
        )
        SELECT count(*) INTO result.deactivated FROM gone;
    END IF;
    RETURN result;
END
$$;

--
-- Name: FUNCTION import_context_rules(p_rows jsonb, p_project text, p_deactivate_missing boolean); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.import_context_rules(p_rows jsonb, p_project text, p_deactivate_missing boolean) IS 'Imports context rules, all or nothing, in the caller''s transaction. p_rows: a JSON array of {"line": N, "context", "important", "ignore", "description"} (empty string or null = NULL). Every row is checked first (begin_import); any problem raises SQLSTATE 22023 listing every bad line in the DETAIL and nothing is written. Then, under an advisory lock per (table, project): a row identical to the current version is left alone, any other becomes a new active version (highest version + 1); with p_deactivate_missing every active row of the project whose context is absent from p_rows is deactivated. Returns the counts (import_summary); the changelog trigger records each write.';

--
-- Name: import_negate_keys(jsonb, text, boolean); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.import_negate_keys(p_rows jsonb, p_project text DEFAULT 'default'::text, p_deactivate_missing boolean DEFAULT false) RETURNS agent_loggy.import_summary
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    result agent_loggy.import_summary := ROW(0, 0, 0, 0);
BEGIN
    PERFORM agent_loggy.begin_import('negate_keys', p_rows, p_project);

    WITH incoming AS (
        SELECT r ->> 'label' AS label, r ->> 'operator' AS operator, r ->> 'value' AS value
        FROM jsonb_array_elements(p_rows) AS r
    ), compared AS (
        SELECT i.*,
               EXISTS (SELECT FROM agent_loggy.current_negate_keys AS c
                       WHERE c.project = p_project AND (c.label, c.operator, c.value) = (i.label, i.operator, i.value))
                   AS in_force,
               (SELECT max(t.version) FROM agent_loggy.negate_keys AS t
                WHERE t.project = p_project AND (t.label, t.operator, t.value) = (i.label, i.operator, i.value))
                   AS last_version
        FROM incoming AS i
    ), inserted AS (
        INSERT INTO agent_loggy.negate_keys (project, label, operator, value, version)
        SELECT p_project, label, operator, value, coalesce(last_version, 0) + 1
        FROM compared
        WHERE NOT in_force
        RETURNING version
    )
    SELECT (SELECT count(*) FROM inserted WHERE version = 1),
           (SELECT count(*) FROM inserted WHERE version > 1),
           (SELECT count(*) FROM compared WHERE in_force)
    INTO result.created, result.updated, result.unchanged;

    IF p_deactivate_missing THEN
        WITH gone AS (
            UPDATE agent_loggy.negate_keys AS t SET is_active = false
            WHERE t.project = p_project AND t.is_active
              AND NOT EXISTS (SELECT FROM jsonb_array_elements(p_rows) AS r
                              WHERE (r ->> 'label', r ->> 'operator', r ->> 'value') = (t.label, t.operator, t.value))
            RETURNING 1
        )
        SELECT count(*) INTO result.deactivated FROM gone;
    END IF;
    RETURN result;
END
$$;

--
-- Name: FUNCTION import_negate_keys(p_rows jsonb, p_project text, p_deactivate_missing boolean); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.import_negate_keys(p_rows jsonb, p_project text, p_deactivate_missing boolean) IS 'Imports Loki exclusions, all or nothing, in the caller''s transaction. p_rows: a JSON array of {"line": N, "label", "operator", "value"}. Every row is checked first (begin_import); any problem raises SQLSTATE 22023 listing every bad line in the DETAIL and nothing is written. Then, under an advisory lock per (table, project): a key with an active version is left alone, any other gets a new active version (highest version + 1, or 1); with p_deactivate_missing every active row of the project whose (label, operator, value) is absent from p_rows is deactivated. Returns the counts (import_summary); the changelog trigger records each write.';

--
-- Name: import_problems(text, jsonb); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.import_problems(p_kind text, p_rows jsonb) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    columns text[] := CASE p_kind
        WHEN 'context_rules' THEN ARRAY['context', 'important', 'ignore', 'description']
        WHEN 'negate_keys' THEN ARRAY['label', 'operator', 'value'] END;
    optional text[] := CASE p_kind WHEN 'context_rules' THEN ARRAY['important', 'ignore', 'description'] END;
    expected text := array_to_string(columns, ', ');
    problems text[] := '{}';
    first_seen jsonb := '{}';  -- natural key -> where it first appeared
    r jsonb;
    pos bigint;
    place text;
    missing text[];
    extra text[];
    col text;
    wrong_type boolean;
    natural_key text;
    shown text;
    reason text;
BEGIN
    IF columns IS NULL THEN
        RAISE EXCEPTION 'unknown import kind %: expected context_rules or negate_keys', quote_nullable(p_kind)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_rows IS NULL OR jsonb_typeof(p_rows) <> 'array' THEN
        RAISE EXCEPTION 'cannot import %: the rows are %: expected a JSON array of objects with keys line, %',
            replace(p_kind, '_', ' '), coalesce('a JSON ' || jsonb_typeof(p_rows), 'NULL'), expected
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    FOR r, pos IN SELECT e, n FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS t(e, n) LOOP
        IF jsonb_typeof(r) <> 'object' THEN
            problems := problems || format('row %s: a JSON %s: expected an object with keys line, %s',
                                           pos, jsonb_typeof(r), expected);
            CONTINUE;
        END IF;
        IF jsonb_typeof(r -> 'line') = 'number' AND (r ->> 'line') ~ '^[1-9][0-9]{0,8}$' THEN
            place := 'line ' || (r ->> 'line');
        ELSE
            place := 'row ' || pos;
            problems := problems || format('%s: line is %s: expected the positive whole line number the row came from',
                                           place, coalesce((r -> 'line')::text, 'missing'));
        END IF;

        missing := ARRAY(SELECT c FROM unnest(columns) AS c WHERE NOT r ? c);
        extra := ARRAY(SELECT k FROM jsonb_object_keys(r - 'line') AS k WHERE k <> ALL (columns) ORDER BY k COLLATE "C");
        IF cardinality(missing) > 0 THEN
            problems := problems || format('%s: missing column(s) %s: expected %s',
                                           place, array_to_string(missing, ', '), expected);
        END IF;
        IF cardinality(extra) > 0 THEN
            problems := problems || format('%s: unexpected column(s) %s: expected only %s',
                                           place, array_to_string(extra, ', '), expected);
        END IF;
        wrong_type := false;
        FOREACH col IN ARRAY columns LOOP
            IF r ? col AND jsonb_typeof(r -> col) <> 'string'
                    AND NOT (jsonb_typeof(r -> col) = 'null' AND col = ANY (optional)) THEN
                problems := problems || format('%s: %s is the JSON %s %s: expected a string%s',
                                               place, col, jsonb_typeof(r -> col), r -> col,
                                               CASE WHEN col = ANY (optional) THEN ' or null' ELSE '' END);
                wrong_type := true;
            END IF;
        END LOOP;
        IF cardinality(missing) > 0 OR wrong_type THEN
            CONTINUE;  -- the value checks below need every column, as a string
        END IF;

        IF p_kind = 'context_rules' THEN
            natural_key := r ->> 'context';
            shown := quote_literal(natural_key);
            IF natural_key !~ '\S' OR length(natural_key) > 200 THEN
                problems := problems || format('%s: invalid context %s: expected 1-200 characters, not all blank', place,
                    CASE WHEN length(natural_key) > 200
                         THEN format('%s... (%s characters)', quote_literal(left(natural_key, 40)), length(natural_key))
                         ELSE shown END);
                CONTINUE;
            END IF;
            shown := 'context ' || shown;
        ELSE
            natural_key := jsonb_build_array(r -> 'label', r -> 'operator', r -> 'value')::text;
            IF NOT agent_loggy.is_valid_loki_label(r ->> 'label') THEN
                problems := problems || format(
                    '%s: invalid Loki label %s: expected a label name matching [A-Za-z_][A-Za-z0-9_]* (at most 128 characters)',
                    place, quote_literal(r ->> 'label'));
                natural_key := NULL;
            END IF;
            IF (r ->> 'operator') NOT IN ('=', '!=', '=~', '!~') THEN
                problems := problems || format('%s: invalid operator %s for label %s: expected one of =, !=, =~, !~',
                                               place, quote_literal(r ->> 'operator'), quote_literal(r ->> 'label'));
                natural_key := NULL;
            END IF;
            IF octet_length(r ->> 'value') > 2000 THEN
                problems := problems || format('%s: value for label %s is %s bytes long: expected at most 2000',
                                               place, quote_literal(r ->> 'label'), octet_length(r ->> 'value'));
                natural_key := NULL;
            END IF;
            IF (r ->> 'operator') IN ('=~', '!~') THEN
                reason := agent_loggy.loki_regex_problem(r ->> 'value');
                IF reason IS NOT NULL THEN  -- the value as typed: only its quotes doubled
                    problems := problems || format(
                        '%s: invalid regular expression %s for label %s: %s: expected RE2 syntax, as Loki uses',
                        place, format('''%s''', replace(r ->> 'value', '''', '''''')),
                        quote_literal(r ->> 'label'), reason);
                    natural_key := NULL;
                END IF;
            END IF;
            IF natural_key IS NULL THEN
                CONTINUE;
            END IF;
            shown := format('negate key %s %s %s', r ->> 'label', r ->> 'operator', quote_literal(r ->> 'value'));
        END IF;

        IF first_seen ? natural_key THEN
            problems := problems || format('%s: duplicate %s (already on %s): expected each key once per file',
                                           place, shown, first_seen ->> natural_key);
        ELSE
            first_seen := first_seen || jsonb_build_object(natural_key, place);
        END IF;
    END LOOP;
    RETURN problems;
END
$_$;

--
-- Name: FUNCTION import_problems(p_kind text, p_rows jsonb); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.import_problems(p_kind text, p_rows jsonb) IS 'Checks a batch of rows for import_context_rules (p_kind context_rules) or import_negate_keys (negate_keys) without writing anything: returns one "line N: reason" per problem (shape, missing or extra columns, invalid values by the same rules as the table constraints, a =~ / !~ value loki_regex_problem() refuses, a key repeated in the batch), empty when the batch would import. A dry run for any client.';

--
-- Name: import_prompts(jsonb, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.import_prompts(p_document jsonb, p_project text DEFAULT NULL::text) RETURNS TABLE(created integer, unchanged integer, relabelled integer)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
#variable_conflict use_column
DECLARE
    target text := coalesce(p_project, p_document ->> 'project');
    problems text[];
    entries jsonb;
    n_created integer;
    n_relabelled integer;
BEGIN
    IF p_document IS NULL OR jsonb_typeof(p_document) <> 'object'
       OR p_document ->> 'format' IS DISTINCT FROM 'agent_loggy.prompts'
       OR p_document -> 'format_version' IS DISTINCT FROM '1'
       OR jsonb_typeof(p_document -> 'prompts') IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'not a prompt export: expected a JSON object with format "agent_loggy.prompts", format_version 1 and a prompts array'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM agent_loggy.check_prompt_args(target, 'x');

    -- The shape first, so that every later step reads well-typed values.
    problems := ARRAY(
        SELECT format('prompts[%s]: %s', e.n - 1, w.why)
        FROM jsonb_array_elements(p_document -> 'prompts') WITH ORDINALITY AS e(value, n)
        CROSS JOIN LATERAL (VALUES
            (CASE WHEN jsonb_typeof(e.value -> 'name') IS DISTINCT FROM 'string' THEN 'name must be a string' END),
            (CASE WHEN jsonb_typeof(e.value -> 'versions') IS DISTINCT FROM 'array'
                       OR jsonb_array_length(e.value -> 'versions') = 0 THEN 'versions must be a non-empty array'
                  WHEN EXISTS (
                      SELECT 1 FROM jsonb_array_elements(e.value -> 'versions') AS v
                      WHERE jsonb_typeof(v) <> 'object'
                         OR jsonb_typeof(v -> 'version') IS DISTINCT FROM 'number' OR (v ->> 'version') !~ '^[0-9]{1,9}$'
                         OR jsonb_typeof(v -> 'template') IS DISTINCT FROM 'string'
                         OR coalesce(jsonb_typeof(v -> 'labels'), 'array') NOT IN ('array', 'null')
                         OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(v -> 'labels') WHEN 'array'
                                                                        THEN v -> 'labels' ELSE '[]' END) AS l
                                    WHERE jsonb_typeof(l) <> 'string')
                         OR coalesce(jsonb_typeof(v -> 'parameters'), 'object') NOT IN ('object', 'null')
                         OR coalesce(jsonb_typeof(v -> 'is_active'), 'boolean') NOT IN ('boolean', 'null') OR coalesce(jsonb_typeof(v -> 'syntax'), 'null') NOT IN ('string', 'null') OR coalesce(jsonb_typeof(v -> 'messages'), 'null') NOT IN ('array', 'null') OR coalesce(jsonb_typeof(v -> 'commit_message'), 'null') NOT IN ('string', 'null') OR coalesce(jsonb_typeof(v -> 'tags'), 'array') NOT IN ('array', 'null') OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(v -> 'tags') WHEN 'array' THEN v -> 'tags' ELSE '[]' END) AS g WHERE jsonb_typeof(g) <> 'string'))
                  THEN 'every version needs a whole-number version, a template string, labels and tags as arrays of strings, parameters as an object, is_active as a boolean, syntax and commit_message as strings and messages as an array' END)
        ) AS w(why)
        WHERE w.why IS NOT NULL);
    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'prompt import refused, nothing was written: %', array_to_string(problems, '; ')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    PERFORM agent_loggy.lock_writes('prompts', target);  -- before reading what is there
    SELECT jsonb_agg(v.value || jsonb_build_object('name', e.value -> 'name'))
    INTO entries
    FROM jsonb_array_elements(p_document -> 'prompts') AS e
    CROSS JOIN LATERAL jsonb_array_elements(e.value -> 'versions') AS v;

    problems := ARRAY(
        WITH i AS (
            SELECT r.name, r.version, coalesce(r.type, 'text') AS type, r.template, r.description, r.usage, r.model,
                   coalesce(r.parameters, '{}') AS parameters, coalesce(r.labels, '{}') AS labels,
                   coalesce(r.is_active, true) AS is_active, coalesce(r.syntax, 'brace') AS syntax, r.messages, coalesce(r.tags, '{}') AS tags, r.commit_message
            FROM jsonb_to_recordset(entries) AS r(name text, version integer, type text, template text,
                description text, usage text, model text, parameters jsonb, labels text[], is_active boolean, syntax text, messages jsonb, tags text[], commit_message text))
        SELECT format('prompt %s version %s: %s', quote_literal(i.name), i.version, w.why)
        FROM i
        CROSS JOIN LATERAL (VALUES
            (CASE WHEN NOT agent_loggy.is_valid_name(i.name) THEN 'invalid prompt name' END),
            (CASE WHEN i.version < 1 THEN 'version must be a number from 1' END), (CASE WHEN i.syntax NOT IN ('brace', 'mustache') THEN format('invalid syntax %s: expected brace or mustache', quote_literal(i.syntax)) END), (CASE WHEN i.messages IS NOT NULL AND i.type <> 'chat' THEN format('has messages but type %s: only chat prompts carry messages', i.type) ELSE agent_loggy.chat_messages_problem(i.messages) END), (CASE WHEN cardinality(agent_loggy.invalid_tags(i.tags)) > 0 OR cardinality(i.tags) > 64 THEN format('invalid tags %s (at most 64, each 1-64 characters without leading or trailing spaces, control or invisible characters)', coalesce(agent_loggy.quoted_tags(agent_loggy.invalid_tags(i.tags)), 'beyond 64')) END), (CASE WHEN length(i.commit_message) NOT BETWEEN 1 AND 10000 THEN format('commit message of %s characters: expected 1 to 10000', length(i.commit_message)) END),
            (CASE WHEN cardinality(agent_loggy.invalid_labels(i.labels)) > 0
                  THEN format('invalid labels %s', array_to_string(agent_loggy.invalid_labels(i.labels), ', ', 'NULL')) END),
            (CASE WHEN cardinality(i.labels) > 0 AND NOT i.is_active THEN 'an inactive version cannot carry labels' END),
            (CASE WHEN (SELECT count(*) FROM i AS d WHERE d.name = i.name AND d.version = i.version) > 1
                  THEN 'appears more than once' END),
            (CASE WHEN EXISTS (SELECT 1 FROM i AS d WHERE d.name = i.name AND d.type <> i.type)
                  THEN 'versions of one prompt must share one type' END),
            (CASE WHEN EXISTS (SELECT 1 FROM i AS d WHERE d.name = i.name AND d.version <> i.version
                                                     AND d.labels && i.labels)
                  THEN 'shares a label with another version of the same prompt' END),
            (CASE WHEN EXISTS (SELECT 1 FROM agent_loggy.prompts AS t
                               WHERE t.project = target AND t.name = i.name AND t.version = i.version
                                 AND (t.type, CASE WHEN t.messages IS NULL THEN t.template END, t.description, t.usage, t.model, t.parameters, t.syntax, t.messages)
                                     IS DISTINCT FROM (i.type, CASE WHEN i.messages IS NULL THEN i.template END, i.description, i.usage, i.model, i.parameters, i.syntax, i.messages))
                  THEN format('differs from version %s already in project %s', i.version, quote_literal(target))
                  WHEN EXISTS (SELECT 1 FROM agent_loggy.prompts AS t
                               WHERE t.project = target AND t.name = i.name AND t.type <> i.type)
                  THEN format('is of type %s but the prompt in project %s is not', i.type, quote_literal(target)) END)
        ) AS w(why)
        WHERE w.why IS NOT NULL
        ORDER BY i.name, i.version);
    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'prompt import refused, nothing was written: %', array_to_string(problems, '; ')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Labels are set on existing versions first, then new versions arrive with theirs; either way
    -- a label leaves the versions that had it.
    UPDATE agent_loggy.prompts AS t
    SET labels = coalesce(i.labels, '{}'), is_active = coalesce(i.is_active, true), tags = coalesce(i.tags, t.tags)
    FROM jsonb_to_recordset(entries) AS i(name text, version integer, labels text[], is_active boolean, tags text[])
    WHERE t.project = target AND t.name = i.name AND t.version = i.version
      AND (t.labels IS DISTINCT FROM ARRAY(SELECT DISTINCT l COLLATE "C" FROM unnest(coalesce(i.labels, '{}')) AS l ORDER BY 1)
           OR t.is_active IS DISTINCT FROM coalesce(i.is_active, true) OR t.tags IS DISTINCT FROM ARRAY(SELECT DISTINCT g COLLATE "C" FROM unnest(coalesce(i.tags, t.tags)) AS g ORDER BY 1));
    GET DIAGNOSTICS n_relabelled = ROW_COUNT;

    INSERT INTO agent_loggy.prompts (project, name, version, type, template, description, usage, model, parameters,
                                     labels, is_active, created_by, created_at, syntax, messages, tags, commit_message)
    SELECT target, i.name, i.version, coalesce(i.type, 'text'), i.template, i.description, i.usage, i.model,
           coalesce(i.parameters, '{}'), coalesce(i.labels, '{}'), coalesce(i.is_active, true), i.created_by,
           coalesce(i.created_at, now()), coalesce(i.syntax, 'brace'), i.messages, coalesce(i.tags, '{}'), i.commit_message
    FROM jsonb_to_recordset(entries) AS i(name text, version integer, type text, template text, description text,
        usage text, model text, parameters jsonb, labels text[], is_active boolean, created_by text,
        created_at timestamptz, syntax text, messages jsonb, tags text[], commit_message text)
    WHERE NOT EXISTS (SELECT 1 FROM agent_loggy.prompts AS t
                      WHERE t.project = target AND t.name = i.name AND t.version = i.version)
    ORDER BY i.name, i.version;
    GET DIAGNOSTICS n_created = ROW_COUNT;
    RETURN QUERY SELECT n_created, jsonb_array_length(entries) - n_created, n_relabelled;
END
$_$;

--
-- Name: FUNCTION import_prompts(p_document jsonb, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.import_prompts(p_document jsonb, p_project text) IS 'Reads a document written by export_prompts() into project p_project (default: the document''s project): existing versions get the document''s labels, tags and is_active, missing versions are created with their original number, author and time (labels leave other versions). Versions may carry syntax (brace when absent), messages (chat prompts), tags and commit_message. Returns versions created, versions already there, and existing versions whose labels, tags or activity changed. Idempotent. Any invalid entry, or a version that exists with different content (syntax and messages included), refuses the whole import naming each problem.';

--
-- Name: is_current_context_rule(bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.is_current_context_rule(p_id bigint) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (EXISTS (SELECT FROM agent_loggy.context_rules r WHERE ((r.id = is_current_context_rule.p_id) AND r.is_active AND (NOT (EXISTS (SELECT FROM agent_loggy.context_rules n WHERE ((n.project = r.project) AND (n.context = r.context) AND n.is_active AND (n.version > r.version))))))));

--
-- Name: FUNCTION is_current_context_rule(p_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.is_current_context_rule(p_id bigint) IS 'True when context rule p_id is the current version of its context: active, and no higher active version exists (as in the current_context_rules view).';

--
-- Name: keep_embedding_store(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.keep_embedding_store() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF EXISTS (SELECT FROM agent_loggy.embeddings AS e WHERE e.config_id = OLD.id) THEN
        RAISE EXCEPTION 'embedding config % has stored vectors: drop them first (drop_embedding_store)', OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END
$$;

--
-- Name: FUNCTION keep_embedding_store(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.keep_embedding_store() IS 'BEFORE DELETE row trigger of embedding_configs: a config whose store holds vectors is not deleted (23503); drop_embedding_store() drops them.';

--
-- Name: keyword_document_scores(text, text, integer, text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.keyword_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[]) RETURNS TABLE(id bigint, score double precision)
    LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 10
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
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
        WHERE d.project = $1 AND (d.user_id IS NULL OR d.user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.session_sees_every_user())) AND d.search_vector @@ $2 AND ($3::text[] IS NULL OR d.tags @> $3)
        ORDER BY 2 DESC, 1
        LIMIT $4$sql$)
        USING p_project, q, p_tags, p_count;
END
$_$;

--
-- Name: FUNCTION keyword_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.keyword_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[]) IS 'The p_count documents of p_project carrying all p_tags (NULL: any) that match p_query_text best, with their scores: BM25 (bm25_document_scores) or, when agent_loggy.keyword_ranking is ''ts_rank'', ts_rank(search_vector, keyword_query(text), 1); best first, ties by id. Raises 42501 unless the calling login may read p_project; then reads as the owner, with a plan made for the call. Arguments are not checked otherwise: the search functions check them.';

--
-- Name: keyword_document_ids(text, text, integer, text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.keyword_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[]) RETURNS bigint[]
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN ARRAY(SELECT s.id FROM agent_loggy.keyword_document_scores(keyword_document_ids.p_query_text, keyword_document_ids.p_project, keyword_document_ids.p_count, keyword_document_ids.p_tags) s(id, score));

--
-- Name: FUNCTION keyword_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.keyword_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[]) IS 'The ids of keyword_document_scores(), best first: the keyword branch of hybrid search.';

--
-- Name: keyword_query(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.keyword_query(p_query_text text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (SELECT (string_agg(((''''::text || replace(replace(l.l, '\'::text, '\\'::text), ''''::text, ''''''::text)) || ''''::text), ' | '::text ORDER BY l.l))::tsquery AS string_agg FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, keyword_query.p_query_text))) l(l));

--
-- Name: FUNCTION keyword_query(p_query_text text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.keyword_query(p_query_text text) IS 'The full-text query keyword search runs for p_query_text: its english lexemes joined with OR, so a row matching more of the words ranks higher (as in BM25-style search). NULL when the text has no searchable words (only stop words or punctuation).';

--
-- Name: keyword_ranking(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.keyword_ranking() RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION keyword_ranking(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.keyword_ranking() IS 'How keyword search ranks: the setting agent_loggy.keyword_ranking, ''bm25'' (the default) or ''ts_rank'' (ts_rank normalised by length, the ranking before migration 0020). Raises 22023 for any other value.';

--
-- Name: keyword_search_documents(text, text, integer, text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.keyword_search_documents(p_query_text text, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL::text[]) RETURNS TABLE(id bigint, project text, source text, external_id text, title text, content text, tags text[], metadata jsonb, rank real)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
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

--
-- Name: FUNCTION keyword_search_documents(p_query_text text, p_project text, p_limit integer, p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.keyword_search_documents(p_query_text text, p_project text, p_limit integer, p_tags text[]) IS 'Full-text search of the documents of p_project: rows whose title or content contain an english lexeme of p_query_text, best first by rank = their BM25 score (see bm25_document_scores; a title word counts twice; k1, b from agent_loggy.bm25_k1 / agent_loggy.bm25_b, else 1.2 and 0.75), ties by id; rank = ts_rank(search_vector, keyword_query(text), 1) when agent_loggy.keyword_ranking is ''ts_rank''. p_tags keeps documents carrying all the given tags. Finds documents with or without embeddings.';

--
-- Name: login_users; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.login_users (
    login text NOT NULL,
    user_id text NOT NULL,
    limited_by text DEFAULT COALESCE(NULLIF(current_setting('agent_loggy.actor'::text, true), ''::text), (SESSION_USER)::text) NOT NULL,
    limited_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT login_users_login_check CHECK (((login ~ '\S'::text) AND (octet_length(login) <= 63))),
    CONSTRAINT login_users_user_id_check CHECK (agent_loggy.is_valid_user(user_id))
);

--
-- Name: TABLE login_users; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.login_users IS 'Logins limited to acting for one user of the application (per-user logins): acting_user() is always that user for them, whatever they bind. Changed only through limit_login_to_user() / unlimit_login() (admin); read by admins.';

--
-- Name: COLUMN login_users.login; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.login_users.login IS 'The login role (session_user), exactly as pg_roles.rolname spells it.';

--
-- Name: COLUMN login_users.user_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.login_users.user_id IS 'The only user the login may act for.';

--
-- Name: COLUMN login_users.limited_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.login_users.limited_by IS 'Who set the limit: agent_loggy.actor when set, else session_user.';

--
-- Name: COLUMN login_users.limited_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.login_users.limited_at IS 'When the limit was set or last changed.';

--
-- Name: limit_login_to_user(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.limit_login_to_user(p_login text, p_user text) RETURNS agent_loggy.login_users
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    result agent_loggy.login_users;
BEGIN
    IF NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to limit login %: only agent_loggy_admin limits logins', quote_nullable(p_login)
            USING ERRCODE = 'insufficient_privilege';
    ELSIF p_user IS NULL OR NOT agent_loggy.is_valid_user(p_user) THEN
        RAISE EXCEPTION 'invalid user %: expected 1-200 bytes, not blank, without control characters',
            agent_loggy.shown(p_user) USING ERRCODE = 'invalid_parameter_value';
    ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_roles AS r WHERE r.rolname = p_login AND r.rolcanlogin) THEN
        RAISE EXCEPTION 'no login role named % on this server', agent_loggy.shown(p_login)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give a role with LOGIN, exactly as pg_roles.rolname spells it (case matters).';
    ELSIF pg_catalog.pg_has_role(p_login, 'agent_loggy_admin', 'USAGE')
          OR pg_catalog.pg_has_role(p_login, (SELECT n.nspowner FROM pg_catalog.pg_namespace AS n
                                              WHERE n.nspname = 'agent_loggy'), 'USAGE') THEN
        RAISE EXCEPTION 'login % is an admin: it cannot be limited to a user (it could lift the limit itself)',
            quote_ident(p_login) USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give the application''s user a login in agent_loggy_reader or agent_loggy_writer.';
    END IF;
    INSERT INTO agent_loggy.login_users AS l (login, user_id) VALUES (p_login, p_user)
    ON CONFLICT (login) DO UPDATE
        SET user_id = EXCLUDED.user_id, limited_by = EXCLUDED.limited_by, limited_at = EXCLUDED.limited_at
    RETURNING * INTO result;
    RETURN result;
END
$$;

--
-- Name: FUNCTION limit_login_to_user(p_login text, p_user text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.limit_login_to_user(p_login text, p_user text) IS 'Admin only: from its next statement on, login p_login acts only for user p_user (acting_user()), whatever it binds; replaces an earlier limit. Raises 22023 for an invalid user, a name that is no login role, or an admin login (which could lift the limit).';

--
-- Name: list_prompts(text, text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.list_prompts(p_project text DEFAULT 'default'::text, p_tags text[] DEFAULT NULL::text[]) RETURNS TABLE(name text, type text, latest_version integer, active_versions integer, labels jsonb, model text, updated_at timestamp with time zone, tags text[])
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT t.name,
           (array_agg(t.type ORDER BY t.version DESC))[1],
           max(t.version),
           (count(*) FILTER (WHERE t.is_active))::integer,
           coalesce((SELECT jsonb_object_agg(l, u.version ORDER BY l COLLATE "C")
                     FROM agent_loggy.prompts AS u CROSS JOIN unnest(u.labels) AS l
                     WHERE u.project = p_project AND u.name = t.name), '{}'),
           (array_agg(t.model ORDER BY t.version DESC))[1],
           max(t.updated_at),
           ARRAY(SELECT DISTINCT g COLLATE "C" FROM agent_loggy.prompts AS u CROSS JOIN unnest(u.tags) AS g
                 WHERE u.project = p_project AND u.name = t.name ORDER BY 1)
    FROM agent_loggy.prompts AS t
    WHERE t.project = p_project
    GROUP BY t.name
    HAVING p_tags IS NULL OR bool_or(t.tags @> agent_loggy.checked_prompt_tags(p_tags))
    ORDER BY t.name COLLATE "C";
$$;

--
-- Name: FUNCTION list_prompts(p_project text, p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.list_prompts(p_project text, p_tags text[]) IS 'One row per prompt of a project: type and model of its highest version, highest version, number of active versions, labels as {"label": version}, last change, and the tags of all its versions. With p_tags, only prompts one of whose versions carries every one of them (an invalid tag: 22023).';

--
-- Name: load_staged_documents(text, text, bigint, boolean); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.load_staged_documents(p_project text, p_source text, p_embedding_config_id bigint DEFAULT NULL::bigint, p_rebuild_index boolean DEFAULT NULL::boolean) RETURNS TABLE(inserted bigint, updated bigint, unchanged bigint, index_rebuilt boolean)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    problems text[];
    staged bigint;
    vectors bigint;
    existing bigint;
    rebuild boolean;
    index_defs text[];
    drops text;
    saved_mem text := current_setting('maintenance_work_mem');
BEGIN
    PERFORM agent_loggy.check_document_target(p_project, p_source);
    problems := agent_loggy.staged_document_problems(21);
    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'cannot load the staged documents: %',
            CASE WHEN cardinality(problems) > 20 THEN 'more than 20 bad rows, the first 20 are listed'
                 ELSE format('%s bad row(s)', cardinality(problems)) END
            USING ERRCODE = 'invalid_parameter_value', DETAIL = array_to_string(problems[1:20], E'\n');
    END IF;
    -- one load per (project, source) at a time, so concurrent loads of the same keys queue
    PERFORM agent_loggy.lock_writes('documents:' || p_source, p_project);

    SELECT count(*), count(s.embedding) INTO staged, vectors FROM pg_temp.agent_loggy_staged_documents AS s;
    rebuild := coalesce(p_rebuild_index,
                        vectors >= 2000 AND pg_has_role((SELECT c.relowner FROM pg_class AS c
                                                         WHERE c.oid = 'agent_loggy.documents'::regclass), 'USAGE'));
    IF rebuild THEN
        -- Before reading documents at all: rebuilding loads queue here one after the other (a
        -- lock taken after reading would deadlock two of them at DROP INDEX).
        LOCK TABLE agent_loggy.documents IN SHARE ROW EXCLUSIVE MODE;
    END IF;
    IF rebuild AND p_rebuild_index IS NULL THEN
        -- count only the rows that will write a row version with an embedding (new or changed)
        SELECT count(*) INTO vectors
        FROM pg_temp.agent_loggy_staged_documents AS s
        LEFT JOIN agent_loggy.documents AS d
               ON d.project = p_project AND d.source = p_source AND d.external_id = s.external_id AND coalesce(d.user_id, '') = coalesce((SELECT agent_loggy.acting_user()), '')
        WHERE s.embedding IS NOT NULL AND (d.id IS NULL
              OR (d.title, d.content, d.tags, d.metadata) IS DISTINCT FROM (s.title, s.content, s.tags, s.metadata)
              OR d.embedding IS DISTINCT FROM s.embedding);
        -- the planner's estimate of the table size; counted when the table was never analyzed
        SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint END INTO existing
        FROM pg_class AS c WHERE c.oid = 'agent_loggy.documents'::regclass;
        IF existing IS NULL THEN
            existing := (SELECT count(*) FROM agent_loggy.documents);
        END IF;
        rebuild := vectors >= 2000 AND vectors * 5 >= existing;
    END IF;
    IF rebuild THEN
        SELECT array_agg(pg_get_indexdef(i.indexrelid)), string_agg(format('DROP INDEX agent_loggy.%I', ic.relname), '; ')
        INTO index_defs, drops
        FROM pg_index AS i
        JOIN pg_class AS ic ON ic.oid = i.indexrelid
        JOIN pg_am AS am ON am.oid = ic.relam
        WHERE i.indrelid = 'agent_loggy.documents'::regclass AND am.amname IN ('hnsw', 'ivfflat');
        rebuild := index_defs IS NOT NULL;
        IF rebuild THEN
            BEGIN
                PERFORM set_config('lock_timeout', '10s', true);
                EXECUTE drops;
            EXCEPTION WHEN lock_not_available THEN
                RAISE EXCEPTION 'cannot rebuild the vector index of documents: another session kept the table for 10 s (the rebuild needs it alone)'
                    USING ERRCODE = 'lock_not_available', HINT = 'Retry when it is done, or load without a rebuild (--index keep).';
            END;
        END IF;
    END IF;

    RETURN QUERY
    WITH upserted AS (
        INSERT INTO agent_loggy.documents AS d
            (project, source, user_id, external_id, title, content, tags, metadata, embedding, embedding_config_id)
        SELECT p_project, p_source, (SELECT agent_loggy.acting_user()), s.external_id, s.title, s.content, s.tags, s.metadata, s.embedding,
               CASE WHEN s.embedding IS NOT NULL THEN p_embedding_config_id END
        FROM pg_temp.agent_loggy_staged_documents AS s
        ORDER BY s.line
        ON CONFLICT (project, source, (coalesce(user_id, '')), external_id) DO UPDATE SET
            title = excluded.title,
            content = excluded.content,
            tags = excluded.tags,
            metadata = excluded.metadata,
            embedding = coalesce(excluded.embedding, d.embedding),
            embedding_config_id = CASE WHEN excluded.embedding IS NOT NULL THEN excluded.embedding_config_id
                                       ELSE d.embedding_config_id END
        WHERE (d.title, d.content, d.tags, d.metadata) IS DISTINCT FROM
              (excluded.title, excluded.content, excluded.tags, excluded.metadata)
           OR (excluded.embedding IS NOT NULL AND d.embedding::text IS DISTINCT FROM excluded.embedding::text)
           OR (excluded.embedding IS NOT NULL AND d.embedding_config_id IS DISTINCT FROM excluded.embedding_config_id)
        RETURNING (d.xmax = 0) AS is_new)
    SELECT count(*) FILTER (WHERE u.is_new), count(*) FILTER (WHERE NOT u.is_new),
           staged - count(*), rebuild
    FROM upserted AS u;

    IF rebuild THEN
        IF pg_size_bytes(saved_mem) < pg_size_bytes('512MB') THEN
            PERFORM set_config('maintenance_work_mem', '512MB', true);
        END IF;
        FOR i IN 1 .. cardinality(index_defs) LOOP
            EXECUTE index_defs[i];
        END LOOP;
        PERFORM set_config('maintenance_work_mem', saved_mem, true);
    END IF;
END
$$;

--
-- Name: FUNCTION load_staged_documents(p_project text, p_source text, p_embedding_config_id bigint, p_rebuild_index boolean); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.load_staged_documents(p_project text, p_source text, p_embedding_config_id bigint, p_rebuild_index boolean) IS 'Merges the staged rows (see stage_documents) into documents of p_project / p_source, belonging to the user the transaction acts for (acting_user(); none: shared): new external_ids are inserted, changed rows updated (a row without an embedding keeps the stored one unless its text changed), identical rows left alone; returns the counts. Every staged row is checked first (staged_document_problems: SQLSTATE 22023 with one "line N: reason" per line in DETAIL) and nothing is written if any is wrong. p_embedding_config_id is recorded for rows that bring an embedding. p_rebuild_index: true drops the vector indexes of documents before the merge and rebuilds them after (with maintenance_work_mem of at least 512MB), false never does, NULL (default) decides: rebuild when at least 2000 new or changed rows carry embeddings, they number at least a fifth of the table, and the caller owns the table. A rebuild locks documents against every reader until commit, and rebuilding loads queue behind each other.';

--
-- Name: lock_writes(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.lock_writes(p_kind text, p_project text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    queue text := p_project;
BEGIN
    IF p_kind IS NULL OR p_kind !~ '^(prompts|model_configs|context_rules|negate_keys|documents:[A-Za-z0-9][A-Za-z0-9_.:/-]*)$'
       OR length(p_kind) > 140 THEN
        RAISE EXCEPTION 'invalid write lock kind %', quote_nullable(p_kind) USING ERRCODE = 'invalid_parameter_value';
    ELSIF p_project IS NULL THEN
        IF NOT agent_loggy.login_may_write(NULL) THEN
            RAISE EXCEPTION 'writes of % need a bound project', replace(p_kind, '_', ' ')
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Bind the project first, in the same transaction: SELECT set_config(''agent_loggy.project'', <project>, true).';
        END IF;
        -- an unbound admin statement: unbound admin statements queue on '*' (not a project name), one
        -- at a time, and each row then takes its own project's lock (guard_row)
        queue := '*';
    ELSIF NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %', quote_literal(p_project) USING ERRCODE = 'invalid_parameter_value';
    ELSIF NOT agent_loggy.login_may_write(p_project) THEN
        RAISE EXCEPTION 'permission denied to write project %: login role % holds no write grant for it',
            quote_literal(p_project), quote_ident(session_user::text) USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM FROM agent_loggy.write_locks AS w WHERE w.kind = p_kind AND w.project = queue FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO agent_loggy.write_locks (kind, project) VALUES (p_kind, queue) ON CONFLICT DO NOTHING;
        PERFORM FROM agent_loggy.write_locks AS w WHERE w.kind = p_kind AND w.project = queue FOR UPDATE;
    END IF;
END
$_$;

--
-- Name: FUNCTION lock_writes(p_kind text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.lock_writes(p_kind text, p_project text) IS 'Serialises writes of one kind (prompts, model_configs, context_rules, negate_keys, documents:<source>) in project p_project until the transaction ends, with a row lock on write_locks that only this function takes: the login must be an admin or hold a write grant for the project. p_project NULL (an unbound statement) is refused to anyone but an admin; unbound admin statements queue on their own row (project ''*'') and their rows then lock their own projects one by one (guard_row), so an admin never waits for a project the statement does not touch. A login in no group cannot take it at all.';

--
-- Name: lock_prompt_writes(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.lock_prompt_writes() RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN agent_loggy.lock_writes('prompts'::text, agent_loggy.bound_project());

--
-- Name: FUNCTION lock_prompt_writes(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.lock_prompt_writes() IS 'Takes the prompt write lock of the bound project (an unbound admin''s rows lock their own projects; a non-admin must be bound), held until commit or rollback; see lock_writes().';

--
-- Name: login_may_write(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.login_may_write(p_project text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN (pg_has_role(SESSION_USER, 'agent_loggy_admin'::name, 'MEMBER'::text) OR pg_has_role(SESSION_USER, (SELECT n.nspowner FROM pg_namespace n WHERE (n.nspname = 'agent_loggy'::name)), 'MEMBER'::text) OR ((p_project IS NOT NULL) AND (EXISTS (SELECT FROM (agent_loggy.project_grants g JOIN pg_roles r ON ((r.rolname = g.grantee))) WHERE ((g.project = login_may_write.p_project) AND (g.level = 'write'::text) AND pg_has_role(SESSION_USER, r.oid, 'MEMBER'::text))))));

--
-- Name: FUNCTION login_may_write(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.login_may_write(p_project text) IS 'True when the login role of this session (session_user) is an admin or the schema owner, or may act as a role granted write on p_project. Used where a function runs as the owner and must still know who logged in.';

--
-- Name: logql_string(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.logql_string(p_value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (('"'::text || replace(replace(replace(replace(replace(p_value, '\'::text, '\\'::text), '"'::text, '\"'::text), '
'::text, '\n'::text), '
'::text, '\r'::text), '	'::text, '\t'::text)) || '"'::text);

--
-- Name: FUNCTION logql_string(p_value text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.logql_string(p_value text) IS 'p_value as a double-quoted LogQL string (a Go string literal): backslash and double quote are escaped with a backslash, newline, carriage return and tab become \n, \r and \t.';

--
-- Name: loki_negations(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.loki_negations(p_project text DEFAULT 'default'::text) RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM agent_loggy.checked_project(p_project);
    RETURN (
        SELECT coalesce(string_agg(k.label || k.operator || agent_loggy.logql_string(k.value), ', '
                                   ORDER BY k.label COLLATE "C", k.operator COLLATE "C", k.value COLLATE "C"), '')
        FROM agent_loggy.current_negate_keys AS k
        WHERE k.project = p_project);
END
$$;

--
-- Name: FUNCTION loki_negations(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.loki_negations(p_project text) IS 'The current negate keys of a project as a LogQL label-matcher list to add to a stream selector, e.g. service!="healthcheck", path!~"/metrics.*"; sorted bytewise by label, operator, value; values quoted by logql_string(). Empty string when the project has none; an invalid project name raises SQLSTATE 22023.';

--
-- Name: loki_regex_problem(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.loki_regex_problem(p_pattern text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    c text[] := string_to_array(p_pattern, NULL);  -- one element per character
    n integer := coalesce(cardinality(c), 0);
    i integer := 1;
    j integer;
    depth integer := 0;
    last text := 'none';  -- none (start, after ( or |), atom, rep (after * + ?), lazy (after a non-greedy ?)
    rep text := '';       -- the repetition operators just read
BEGIN
    WHILE i <= n LOOP
        IF c[i] = '\' THEN
            IF i = n THEN
                RETURN 'trailing \';
            END IF;
            IF c[i + 1] = 'Q' THEN  -- \Q...\E: literal text, up to the next \E or the end
                j := i + 2;
                WHILE j < n AND NOT (c[j] = '\' AND c[j + 1] = 'E') LOOP
                    j := j + 1;
                END LOOP;
                IF j >= n THEN
                    EXIT;
                END IF;
                IF j > i + 2 THEN
                    last := 'atom';
                END IF;
                i := j + 2;
                CONTINUE;
            END IF;
            -- a single digit 1-7 is a backreference (two or three are an octal code); 8 and 9 always are
            IF c[i + 1] IN ('8', '9') OR (c[i + 1] IN ('1', '2', '3', '4', '5', '6', '7')
                    AND (i + 2 > n OR c[i + 2] NOT IN ('0', '1', '2', '3', '4', '5', '6', '7'))) THEN
                RETURN 'invalid escape sequence: \' || c[i + 1];
            END IF;
            last := 'atom';
            i := i + 2;
        ELSIF c[i] = '[' THEN
            j := i + 1;
            IF j <= n AND c[j] = '^' THEN
                j := j + 1;
            END IF;
            IF j <= n AND c[j] = ']' THEN  -- a ] first in the class is a literal
                j := j + 1;
            END IF;
            WHILE j <= n AND c[j] <> ']' LOOP
                IF c[j] = '\' THEN
                    j := j + 2;
                ELSIF c[j] = '[' AND j < n AND c[j + 1] = ':'
                        AND position(':]' IN array_to_string(c[j + 2:n], '')) > 0 THEN  -- [:alpha:]
                    j := j + 2 + position(':]' IN array_to_string(c[j + 2:n], '')) + 1;
                ELSE
                    j := j + 1;
                END IF;
            END LOOP;
            IF j > n THEN
                RETURN 'missing ]';
            END IF;
            last := 'atom';
            i := j + 1;
        ELSIF c[i] = '(' THEN
            depth := depth + 1;
            IF i < n AND c[i + 1] = '?' THEN
                IF c[i + 2] IN ('=', '!') THEN
                    RETURN 'invalid perl operator: (?' || c[i + 2];
                ELSIF c[i + 2] = '<' AND c[i + 3] IN ('=', '!') THEN
                    RETURN 'invalid perl operator: (?<' || c[i + 3];
                END IF;
                last := 'atom';  -- flags and group names follow: not checked here
                i := i + 2;
            ELSE
                last := 'none';
                i := i + 1;
            END IF;
        ELSIF c[i] = ')' THEN
            depth := depth - 1;
            IF depth < 0 THEN
                RETURN 'unexpected )';
            END IF;
            last := 'atom';
            i := i + 1;
        ELSIF c[i] = '|' THEN
            last := 'none';
            i := i + 1;
        ELSIF c[i] IN ('*', '+', '?') THEN
            IF last = 'none' THEN
                RETURN 'no argument for repetition operator: ' || c[i];
            ELSIF last = 'rep' AND c[i] = '?' THEN
                last := 'lazy';
                rep := rep || c[i];
            ELSIF last IN ('rep', 'lazy') THEN
                RETURN 'bad repetition operator: ' || rep || c[i];
            ELSE
                last := 'rep';
                rep := c[i];
            END IF;
            i := i + 1;
        ELSE
            last := 'atom';
            i := i + 1;
        END IF;
    END LOOP;
    IF depth > 0 THEN
        RETURN 'missing )';
    END IF;
    RETURN NULL;
END
$$;

--
-- Name: FUNCTION loki_regex_problem(p_pattern text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.loki_regex_problem(p_pattern text) IS 'Why RE2 (Loki''s regular expressions, Go regexp) refuses p_pattern, in RE2''s words, as far as PostgreSQL can tell: an unbalanced ( or ), an unclosed [ class, a trailing \, a repetition of nothing or of a repetition, a backreference, look-around; NULL otherwise. Every pattern it refuses RE2 refuses; RE2 refuses more, which the Python importer checks with RE2 itself.';

--
-- Name: make_embedding_store(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.make_embedding_store() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.dimensions, NEW.distance) IS NOT DISTINCT FROM (OLD.dimensions, OLD.distance) THEN
            RETURN NULL;
        END IF;
        -- alone with the store first: vectors stored and committed meanwhile are seen, never dropped
        IF to_regclass(format('agent_loggy.%I', 'embeddings_' || OLD.id)) IS NOT NULL THEN
            EXECUTE format('LOCK TABLE agent_loggy.%I IN ACCESS EXCLUSIVE MODE', 'embeddings_' || OLD.id);
        END IF;
        IF EXISTS (SELECT FROM agent_loggy.embeddings AS e WHERE e.config_id = OLD.id) THEN
            RAISE EXCEPTION 'embedding config % has stored vectors: its dimensions and distance cannot change', OLD.id
                USING ERRCODE = 'check_violation', HINT = 'Create a new version of the config, and embed again with it.';
        END IF;
        EXECUTE format('DROP TABLE IF EXISTS agent_loggy.%I', 'embeddings_' || OLD.id);
    END IF;
    PERFORM agent_loggy.ensure_embedding_store(NEW.id);
    RETURN NULL;
END
$$;

--
-- Name: FUNCTION make_embedding_store(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.make_embedding_store() IS 'AFTER INSERT / UPDATE OF dimensions, distance row trigger of embedding_configs: a new config gets its store; a config whose dimensions or distance change gets a new one, refused (23514) while it holds vectors.';

--
-- Name: move_labels(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.move_labels() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    grants jsonb;
    clash record;
    what text;
BEGIN
    IF TG_TABLE_SCHEMA <> 'agent_loggy' OR TG_TABLE_NAME NOT IN ('prompts', 'model_configs') THEN
        RAISE EXCEPTION 'move_labels() only serves agent_loggy.prompts and agent_loggy.model_configs, not %.%',
            TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    what := CASE TG_TABLE_NAME WHEN 'prompts' THEN 'prompt' ELSE 'model config' END;
    -- A grant is a label a row carries after the statement but did not carry before (as that config).
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('id', n.id, 'project', n.project, 'name', n.name,
                                            'version', n.version, 'label', l))
        INTO grants
        FROM new_rows AS n CROSS JOIN unnest(n.labels) AS l;
    ELSE
        SELECT jsonb_agg(jsonb_build_object('id', n.id, 'project', n.project, 'name', n.name,
                                            'version', n.version, 'label', l))
        INTO grants
        FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id CROSS JOIN unnest(n.labels) AS l
        WHERE l <> ALL (o.labels) OR o.project <> n.project OR o.name <> n.name;
    END IF;
    IF grants IS NULL THEN
        RETURN NULL;
    END IF;

    SELECT g.project, g.name, g.label, string_agg(g.version::text, ', ' ORDER BY g.version) AS versions
    INTO clash
    FROM jsonb_to_recordset(grants) AS g(id bigint, project text, name text, version integer, label text)
    GROUP BY g.project, g.name, g.label
    HAVING count(*) > 1
    LIMIT 1;
    IF FOUND THEN
        PERFORM agent_loggy.raise_check_violation(TG_TABLE_NAME, TG_TABLE_NAME || '_one_version_per_label_check',
            format('label %s was given to versions %s of %s %s in project %s at once: a label marks exactly one version',
                   quote_literal(clash.label), clash.versions, what, quote_literal(clash.name), quote_literal(clash.project)),
            'Give the label to one version; it leaves the others by itself.');
    END IF;

    IF current_setting('transaction_isolation') <> 'read committed' THEN
        -- Fail with a serialization error if a sibling changed after this transaction's snapshot.
        EXECUTE format('SELECT 1 FROM agent_loggy.%I AS p JOIN jsonb_to_recordset($1) AS g(id bigint, project text, name text) '
                       'ON p.project = g.project AND p.name = g.name AND p.id <> g.id FOR NO KEY UPDATE OF p', TG_TABLE_NAME)
            USING grants;
    END IF;

    EXECUTE format($update$
        UPDATE agent_loggy.%1$I AS p
        SET labels = ARRAY(
            SELECT l FROM unnest(p.labels) AS l
            WHERE NOT EXISTS (
                SELECT 1 FROM jsonb_to_recordset($1) AS g(id bigint, project text, name text, label text)
                WHERE g.project = p.project AND g.name = p.name AND g.label = l AND g.id <> p.id
                  AND EXISTS (SELECT 1 FROM agent_loggy.%1$I AS giver WHERE giver.id = g.id AND g.label = ANY (giver.labels))))
        WHERE EXISTS (
            SELECT 1 FROM jsonb_to_recordset($1) AS g(id bigint, project text, name text, label text)
            WHERE g.project = p.project AND g.name = p.name AND g.id <> p.id AND g.label = ANY (p.labels)
              -- a grant an earlier trigger of the same statement took back (MERGE: its INSERT
              -- and UPDATE parts each fire this trigger) moves nothing: the label stays where it is
              AND EXISTS (SELECT 1 FROM agent_loggy.%1$I AS giver WHERE giver.id = g.id AND g.label = ANY (giver.labels)))$update$,
        TG_TABLE_NAME) USING grants;
    RETURN NULL;
END
$_$;

--
-- Name: FUNCTION move_labels(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.move_labels() IS 'AFTER INSERT/UPDATE statement trigger of prompts and model_configs: a label given to a version is removed from every other version of the same config in the same transaction (each removal is a changelog row of its own, written after the grant); giving one label to two versions in one statement is refused. Runs as the schema owner, so it sees every sibling whatever the caller''s binding is by then; it refuses to serve any other table, and nobody may execute it directly.';

--
-- Name: nearest_config_ids(text, bigint, public.vector, text, integer, text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.nearest_config_ids(p_what text, p_embedding_config_id bigint, p_query public.vector, p_project text, p_count integer, p_tags text[]) RETURNS TABLE(id bigint, chunk integer, distance double precision, chunk_start integer, chunk_end integer)
    LANGUAGE plpgsql STABLE ROWS 10
    SET "hnsw.iterative_scan" TO 'relaxed_order'
    SET cursor_tuple_fraction TO '1'
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    config agent_loggy.embedding_configs;
    typ text;
    op text;
    -- documents: the tag filter on the store itself, which the index orders (tags and users kept in step);
    -- context rules and prompts (few): only current versions
    item_join text := CASE p_what
        WHEN 'documents' THEN '' WHEN 'investigations' THEN 'JOIN agent_loggy.investigations AS t ON t.id = e.item_id AND ($4::text[] IS NULL OR t.requested_by = ANY ($4))'
        WHEN 'context_rules' THEN 'JOIN agent_loggy.context_rules AS t ON t.id = e.item_id AND agent_loggy.is_current_context_rule(t.id)'
        ELSE 'JOIN agent_loggy.prompts AS t ON t.id = e.item_id AND t.is_active AND NOT EXISTS (
                  SELECT FROM agent_loggy.prompts AS n
                  WHERE n.project = t.project AND n.name = t.name AND n.is_active AND n.version > t.version)' END;
    item_filter text := CASE WHEN p_what = 'documents' THEN 'AND ($4::text[] IS NULL OR e.tags @> $4)' ELSE '' END;
    -- chunks to read for p_count items: several chunks of one item may come first
    wanted integer := least(p_count * 4 + 16, 4000);
    caller_ef_search constant text := coalesce(current_setting('hnsw.ef_search', true), '40');
    caller_enable_sort constant text := current_setting('enable_sort');
    nearest refcursor;
    found_id bigint;
    found_chunk integer;
    found_distance double precision;
    found_start integer;
    found_end integer;
    ids bigint[] := '{}';
    chunks integer[] := '{}';
    distances double precision[] := '{}';
    starts integer[] := '{}';
    ends integer[] := '{}';
BEGIN
    IF p_what IS NULL OR p_what NOT IN ('documents', 'context_rules', 'prompts', 'investigations') THEN
        RAISE EXCEPTION 'invalid embedding target %: expected documents, context_rules, prompts or investigations', quote_nullable(p_what)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM agent_loggy.check_project_access(p_project);
    config := agent_loggy.checked_embedding_config(p_embedding_config_id);
    typ := agent_loggy.embedding_store_type(config.dimensions);
    op := agent_loggy.embedding_operator(config.distance);
    IF p_count IS NULL OR p_count <= 0 THEN
        RETURN;
    END IF;
    -- planned at pgvector's default ef_search (40): its cost estimate of the index path grows with
    -- ef_search, and planned at the raised one the planner scans a 100,000-row store exactly (110 ms
    -- against 3 ms, measured); pgvector reads ef_search when the scan starts, at the first fetch
    PERFORM set_config('hnsw.ef_search', '40', true);
    -- an unfiltered search of documents reads the whole store, which the index serves at every size: the
    -- planner prices pgvector's distances as cheap and, measured, scanned a 100,000-row 384-dimension
    -- store exactly (65 ms against 3 ms); a tag filter is left to the planner (a rare tag: exact)
    IF p_what IN ('documents', 'investigations') AND p_tags IS NULL THEN
        PERFORM set_config('enable_sort', 'off', true);
    END IF;
    OPEN nearest FOR EXECUTE format($q$
        SELECT e.item_id, e.chunk, (e.embedding::%1$s %2$s $1::%1$s)::double precision, e.char_start, e.char_end
        FROM agent_loggy.embeddings AS e %3$s
        WHERE e.config_id = $5 AND e.kind = $6 AND e.project = $2 %4$s
        ORDER BY e.embedding::%1$s %2$s $1::%1$s
        LIMIT $3$q$, typ, op, item_join, item_filter)
        USING p_query, p_project, wanted, p_tags, config.id, p_what;
    PERFORM set_config('enable_sort', caller_enable_sort, true);
    PERFORM set_config('hnsw.ef_search',
                       greatest(caller_ef_search::integer, agent_loggy.hnsw_ef_search(wanted))::text, true);
    LOOP
        FETCH nearest INTO found_id, found_chunk, found_distance, found_start, found_end;
        EXIT WHEN NOT FOUND;
        IF found_id <> ALL (ids) THEN  -- the first chunk of an item read is its best, up to the relaxed order
            ids := ids || found_id;
            chunks := chunks || found_chunk;
            distances := distances || found_distance;
            starts := starts || found_start;
            ends := ends || found_end;
        ELSIF found_distance < distances[array_position(ids, found_id)] THEN
            chunks[array_position(ids, found_id)] := found_chunk;
            distances[array_position(ids, found_id)] := found_distance;
            starts[array_position(ids, found_id)] := found_start;
            ends[array_position(ids, found_id)] := found_end;
        END IF;
    END LOOP;
    CLOSE nearest;
    PERFORM set_config('hnsw.ef_search', caller_ef_search, true);
    IF cardinality(ids) < p_count THEN
        -- many chunks per item, or the index scan stopped early: every chunk, exactly
        RETURN QUERY EXECUTE format($q$
            SELECT b.item_id, b.chunk, b.distance, b.char_start, b.char_end FROM (
                SELECT DISTINCT ON (e.item_id) e.item_id, e.chunk, (e.embedding::%1$s %2$s $1::%1$s)::double precision AS distance,
                       e.char_start, e.char_end
                FROM agent_loggy.embeddings AS e %3$s
                WHERE e.config_id = $5 AND e.kind = $6 AND e.project = $2 %4$s
                ORDER BY e.item_id, 3, e.chunk) AS b
            ORDER BY b.distance, b.item_id
            LIMIT $3$q$, typ, op, item_join, item_filter)
            USING p_query, p_project, p_count, p_tags, config.id, p_what;
        RETURN;
    END IF;
    RETURN QUERY
    SELECT n.id, n.chunk, n.distance, n.chunk_start, n.chunk_end
    FROM unnest(ids, chunks, distances, starts, ends) AS n (id, chunk, distance, chunk_start, chunk_end)
    ORDER BY n.distance, n.id
    LIMIT p_count;
END
$_$;

--
-- Name: FUNCTION nearest_config_ids(p_what text, p_embedding_config_id bigint, p_query public.vector, p_project text, p_count integer, p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.nearest_config_ids(p_what text, p_embedding_config_id bigint, p_query public.vector, p_project text, p_count integer, p_tags text[]) IS 'The p_count items of p_what of p_project nearest to p_query in the store of embedding config p_embedding_config_id, by the config''s distance, with the best chunk of each (its number and where it lies in the item''s embedding input), nearest first. p_what: documents (carrying all p_tags), context_rules (current ones), prompts (the newest active version of each), investigations (asked by one of p_tags when given). Reads up to 4 p_count + 16 chunks through the config''s HNSW index (relaxed iterative scan, hnsw.ef_search = hnsw_ef_search(chunks) or the caller''s if larger; planned at 40, restored on return) and searches exactly when they hold fewer than p_count items. Arguments are checked by the search functions.';

--
-- Name: nearest_context_rule_ids(public.vector, text, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.nearest_context_rule_ids(p_query public.vector, p_project text, p_count integer) RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SET "hnsw.iterative_scan" TO 'relaxed_order'
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
$_$;

--
-- Name: FUNCTION nearest_context_rule_ids(p_query public.vector, p_project text, p_count integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.nearest_context_rule_ids(p_query public.vector, p_project text, p_count integer) IS 'Ids of the p_count current context rules of p_project nearest to p_query by cosine distance, nearest first; same strategy as nearest_document_ids (queries planned per call for their values), at the session''s hnsw.ef_search.';

--
-- Name: nearest_document_ids(public.vector, text, integer, text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.nearest_document_ids(p_query public.vector, p_project text, p_count integer, p_tags text[]) RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SET "hnsw.iterative_scan" TO 'relaxed_order'
    SET cursor_tuple_fraction TO '1'
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
$_$;

--
-- Name: FUNCTION nearest_document_ids(p_query public.vector, p_project text, p_count integer, p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.nearest_document_ids(p_query public.vector, p_project text, p_count integer, p_tags text[]) IS 'Ids of the p_count documents of p_project carrying all p_tags (NULL: any) nearest to p_query by cosine distance, nearest first (ties by id). Asks the HNSW index with relaxed iterative scans and hnsw.ef_search = hnsw_ef_search(p_count) (or the caller''s, if larger; planned at 40, the caller''s value restored on return), and re-sorts by exact distance; searches exactly when the index yields fewer than p_count rows. Each query is planned for the call''s values (EXECUTE ... USING) and for all the rows it returns, so a rare project or tag gets an exact scan of its rows. Arguments are not checked: the search functions check them.';

--
-- Name: nearest_prompt_ids(public.vector, text, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.nearest_prompt_ids(p_query public.vector, p_project text, p_count integer) RETURNS bigint[]
    LANGUAGE plpgsql STABLE
    SET "hnsw.iterative_scan" TO 'relaxed_order'
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
$_$;

--
-- Name: FUNCTION nearest_prompt_ids(p_query public.vector, p_project text, p_count integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.nearest_prompt_ids(p_query public.vector, p_project text, p_count integer) IS 'Ids of the p_count prompts of p_project nearest to p_query by cosine distance, considering only the newest active version of each name; same strategy as nearest_context_rule_ids.';

--
-- Name: notify_change(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.notify_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    -- One payload per transaction: PostgreSQL folds identical notifications of one transaction.
    PERFORM pg_notify('agent_loggy_config', pg_current_xact_id()::text);
    RETURN NULL;
END
$$;

--
-- Name: FUNCTION notify_change(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.notify_change() IS 'AFTER INSERT row trigger of config_changelog for the changes caches hold (prompts, model configs, protected labels, grants): NOTIFY agent_loggy_config with the id of the transaction only. Listeners receive it when the transaction commits and read what changed from config_changelog (transaction_id) through their own row level security.';

--
-- Name: pending_config_embedding_count(text, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.pending_config_embedding_count(p_what text, p_embedding_config_id bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    config agent_loggy.embedding_configs := agent_loggy.checked_embedding_config(p_embedding_config_id);
    pending bigint;
BEGIN
    IF p_what IS NULL OR p_what NOT IN ('documents', 'context_rules', 'prompts', 'investigations') THEN
        RAISE EXCEPTION 'invalid embedding target %: expected documents, context_rules, prompts or investigations', quote_nullable(p_what)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format($q$
        SELECT count(*) FROM agent_loggy.%I AS t
        WHERE t.project = $1 AND (%s)
          AND NOT EXISTS (SELECT FROM agent_loggy.embeddings AS e
                          WHERE e.config_id = $2 AND e.kind = $3 AND e.item_id = t.id)$q$,
        p_what, CASE WHEN p_what IN ('documents', 'investigations') THEN 'true' ELSE 't.is_active' END)
        INTO pending USING config.project, config.id, p_what;
    RETURN pending;
END
$_$;

--
-- Name: FUNCTION pending_config_embedding_count(p_what text, p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.pending_config_embedding_count(p_what text, p_embedding_config_id bigint) IS 'How many rows pending_config_embeddings() would hand out in all.';

--
-- Name: pending_config_embeddings(text, bigint, integer, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.pending_config_embeddings(p_what text, p_embedding_config_id bigint, p_limit integer DEFAULT 64, p_after_id bigint DEFAULT 0) RETURNS TABLE(id bigint, input text)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    config agent_loggy.embedding_configs := agent_loggy.checked_embedding_config(p_embedding_config_id);
BEGIN
    IF p_what IS NULL OR p_what NOT IN ('documents', 'context_rules', 'prompts', 'investigations') THEN
        RAISE EXCEPTION 'invalid embedding target %: expected documents, context_rules, prompts or investigations', quote_nullable(p_what)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM agent_loggy.checked_limit(p_limit);
    RETURN QUERY EXECUTE format($q$
        SELECT t.id, agent_loggy.embedding_input(t)
        FROM agent_loggy.%I AS t
        WHERE t.project = $1 AND t.id > $2 AND (%s)
          AND NOT EXISTS (SELECT FROM agent_loggy.embeddings AS e
                          WHERE e.config_id = $3 AND e.kind = $4 AND e.item_id = t.id)
        ORDER BY t.id LIMIT $5$q$, p_what, CASE WHEN p_what IN ('documents', 'investigations') THEN 'true' ELSE 't.is_active' END)
        USING config.project, coalesce(p_after_id, 0), config.id, p_what, p_limit;
END
$_$;

--
-- Name: FUNCTION pending_config_embeddings(p_what text, p_embedding_config_id bigint, p_limit integer, p_after_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.pending_config_embeddings(p_what text, p_embedding_config_id bigint, p_limit integer, p_after_id bigint) IS 'Rows of p_what (documents, context_rules, prompts: active ones, investigations) of the config''s project that have no vectors of embedding config p_embedding_config_id, after p_after_id, by id, with the text to embed (embedding_input).';

--
-- Name: pending_embedding_count(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.pending_embedding_count(p_what text, p_project text DEFAULT 'default'::text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM agent_loggy.checked_embedding_target(p_what), agent_loggy.checked_project(p_project);
    RETURN CASE p_what
        WHEN 'documents' THEN (SELECT count(*) FROM agent_loggy.documents AS d
                               WHERE d.project = p_project AND d.embedding IS NULL)
        WHEN 'context_rules' THEN (SELECT count(*) FROM agent_loggy.context_rules AS r
                                   WHERE r.project = p_project AND r.embedding IS NULL AND r.is_active)
        ELSE (SELECT count(*) FROM agent_loggy.prompts AS p
              WHERE p.project = p_project AND p.embedding IS NULL AND p.is_active)
    END;
END
$$;

--
-- Name: FUNCTION pending_embedding_count(p_what text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.pending_embedding_count(p_what text, p_project text) IS 'How many rows pending_embeddings() would walk through for p_what in p_project (for progress bars).';

--
-- Name: pending_embeddings(text, text, integer, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.pending_embeddings(p_what text, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 64, p_after_id bigint DEFAULT 0) RETURNS TABLE(id bigint, input text)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM agent_loggy.checked_embedding_target(p_what), agent_loggy.checked_project(p_project),
            agent_loggy.checked_limit(p_limit);
    IF p_what = 'documents' THEN
        RETURN QUERY SELECT d.id, agent_loggy.embedding_input(d) FROM agent_loggy.documents AS d
                     WHERE d.project = p_project AND d.embedding IS NULL AND d.id > p_after_id
                     ORDER BY d.id LIMIT p_limit;
    ELSIF p_what = 'context_rules' THEN
        RETURN QUERY SELECT r.id, agent_loggy.embedding_input(r) FROM agent_loggy.context_rules AS r
                     WHERE r.project = p_project AND r.embedding IS NULL AND r.is_active AND r.id > p_after_id
                     ORDER BY r.id LIMIT p_limit;
    ELSE
        RETURN QUERY SELECT p.id, agent_loggy.embedding_input(p) FROM agent_loggy.prompts AS p
                     WHERE p.project = p_project AND p.embedding IS NULL AND p.is_active AND p.id > p_after_id
                     ORDER BY p.id LIMIT p_limit;
    END IF;
END
$$;

--
-- Name: FUNCTION pending_embeddings(p_what text, p_project text, p_limit integer, p_after_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.pending_embeddings(p_what text, p_project text, p_limit integer, p_after_id bigint) IS 'Up to p_limit rows of p_what (documents, context_rules or prompts) in p_project that have no embedding and an id above p_after_id, lowest id first, with the text to embed (embedding_input). Inactive context rules and prompt versions are left out. Pass the last id of a batch as p_after_id to walk the table once.';

--
-- Name: prompt_label_history(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.prompt_label_history(p_name text, p_project text DEFAULT 'default'::text) RETURNS TABLE(changelog_id bigint, label text, from_version integer, to_version integer, changed_by text, changed_at timestamp with time zone, change_summary text)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name);
    RETURN QUERY
    WITH c AS (
        SELECT c.id, coalesce(c.transaction_id::text, 'row ' || c.id) AS tx, c.changed_by, c.changed_at,
               c.change_summary, (coalesce(c.new_data, c.previous_data) ->> 'version')::integer AS version,
               coalesce(c.previous_data -> 'labels', '[]') AS before, coalesce(c.new_data -> 'labels', '[]') AS after
        FROM agent_loggy.config_changelog AS c
        WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name
    ), gains AS (
        SELECT c.id, c.tx, l.label, c.version, c.changed_by, c.changed_at, c.change_summary
        FROM c CROSS JOIN jsonb_array_elements_text(c.after) AS l(label)
        WHERE NOT c.before ? l.label
    ), events AS (
        -- a label is gained: it holds the gaining version from now on
        SELECT g.id, g.label, g.version AS holder, g.version AS to_version, NULL::integer AS lost_by,
               g.changed_by, g.changed_at, g.change_summary
        FROM gains AS g
        UNION ALL
        -- a label is lost in a transaction that gave it to no other version: a removal
        SELECT c.id, l.label, NULL, NULL, c.version, c.changed_by, c.changed_at, c.change_summary
        FROM c CROSS JOIN jsonb_array_elements_text(c.before) AS l(label)
        WHERE NOT c.after ? l.label
          AND NOT EXISTS (SELECT FROM gains AS g WHERE g.tx = c.tx AND g.label = l.label)
    )
    SELECT e.id, e.label, coalesce(e.lost_by, lag(e.holder) OVER (PARTITION BY e.label ORDER BY e.id)),
           e.to_version, e.changed_by, e.changed_at, e.change_summary
    FROM events AS e
    ORDER BY e.id, e.label COLLATE "C";
    IF NOT FOUND
       AND NOT EXISTS (SELECT 1 FROM agent_loggy.prompts AS t WHERE t.project = p_project AND t.name = p_name) THEN
        RAISE EXCEPTION 'no prompt named % in project %', quote_literal(p_name), quote_literal(p_project)
            USING ERRCODE = 'no_data_found';
    END IF;
END
$$;

--
-- Name: FUNCTION prompt_label_history(p_name text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.prompt_label_history(p_name text, p_project text) IS 'Every label move of a prompt, in the order they happened, rebuilt from the changelog in one query (window functions: O(n log n) in the changelog rows of the prompt): the label, the version it left (NULL when new) and the version it went to (NULL when removed), who, when and why. Within one transaction a label that one version lost and another gained is one move. A prompt renamed by a direct UPDATE starts a new history under its new name.';

--
-- Name: raise_check_violation(text, text, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.raise_check_violation(p_table text, p_constraint text, p_message text, p_hint text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF p_hint IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation', MESSAGE = p_message,
            SCHEMA = 'agent_loggy', TABLE = p_table, CONSTRAINT = p_constraint;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'check_violation', MESSAGE = p_message, HINT = p_hint,
        SCHEMA = 'agent_loggy', TABLE = p_table, CONSTRAINT = p_constraint;
END
$$;

--
-- Name: FUNCTION raise_check_violation(p_table text, p_constraint text, p_message text, p_hint text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.raise_check_violation(p_table text, p_constraint text, p_message text, p_hint text) IS 'Raises SQLSTATE 23514 with the constraint name set, so clients map it exactly as the CHECK constraint it explains.';

--
-- Name: refuse_changelog_change(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.refuse_changelog_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION 'agent_loggy.config_changelog is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'The changelog is the audit trail of every config change; record a correction as a new change instead.',
              SCHEMA = 'agent_loggy', TABLE = 'config_changelog';
END
$$;

--
-- Name: FUNCTION refuse_changelog_change(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.refuse_changelog_change() IS 'BEFORE UPDATE/DELETE/TRUNCATE statement trigger that keeps agent_loggy.config_changelog append-only for every role.';

--
-- Name: refuse_truncate(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.refuse_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION 'TRUNCATE of agent_loggy.% is not allowed: it would bypass the changelog', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Use DELETE, which records every removed row in agent_loggy.config_changelog.',
              SCHEMA = 'agent_loggy', TABLE = TG_TABLE_NAME;
END
$$;

--
-- Name: FUNCTION refuse_truncate(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.refuse_truncate() IS 'BEFORE TRUNCATE statement trigger of the config tables: TRUNCATE fires no row triggers, so it would leave no changelog rows.';

--
-- Name: remove_prompt_label(text, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.remove_prompt_label(p_name text, p_label text, p_project text DEFAULT 'default'::text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    removed_from integer;
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, ARRAY[p_label]);
    PERFORM agent_loggy.lock_writes('prompts', p_project);  -- before the UPDATE takes its snapshot
    UPDATE agent_loggy.prompts AS t SET labels = array_remove(t.labels, p_label)
    WHERE t.project = p_project AND t.name = p_name AND t.labels @> ARRAY[p_label]
    RETURNING t.version INTO removed_from;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no version of prompt % in project % carries label %',
            quote_literal(p_name), quote_literal(p_project), quote_literal(p_label) USING ERRCODE = 'no_data_found';
    END IF;
    RETURN removed_from;
END
$$;

--
-- Name: FUNCTION remove_prompt_label(p_name text, p_label text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.remove_prompt_label(p_name text, p_label text, p_project text) IS 'Takes a label off the version of a prompt that carries it and returns that version; P0002 when no version carries it.';

--
-- Name: render_prompt(text, jsonb); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.render_prompt(p_template text, p_variables jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    vars jsonb := coalesce(p_variables, '{}');
    missing text[];
BEGIN
    IF jsonb_typeof(vars) <> 'object' THEN
        RAISE EXCEPTION 'variables must be a JSON object, not %', jsonb_typeof(vars)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    missing := ARRAY(SELECT v FROM unnest(agent_loggy.template_variables(p_template)) AS v WHERE NOT vars ? v);
    IF cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'missing template variables: %', array_to_string(missing, ', ')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The template uses %s; the variables given are %s.',
                                  array_to_string(agent_loggy.template_variables(p_template), ', '),
                                  coalesce((SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(vars) AS k), 'none'));
    END IF;
    -- n matches split the template into n + 1 pieces; piece i is followed by the value of match i.
    RETURN (
        SELECT string_agg(s.piece || coalesce(
                   CASE WHEN m.token[1] = '{{' THEN '{'
                        WHEN m.token[1] = '}}' THEN '}'
                        WHEN jsonb_typeof(vars -> m.token[2]) = 'string' THEN vars ->> m.token[2]
                        ELSE (vars -> m.token[2])::text END, ''),
               '' ORDER BY s.n)
        FROM unnest(regexp_split_to_array(p_template, '\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*\}')) WITH ORDINALITY AS s(piece, n)
        LEFT JOIN regexp_matches(p_template, '(\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\})', 'g') WITH ORDINALITY AS m(token, n)
          ON m.n = s.n);
END
$$;

--
-- Name: FUNCTION render_prompt(p_template text, p_variables jsonb); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.render_prompt(p_template text, p_variables jsonb) IS 'Fills a template: each {identifier} is replaced by its variable (strings as they are, other JSON values as JSON text), {{ and }} become { and }, any other brace stays. Missing variables raise 22023 naming every one of them; extra variables are ignored. Python''s Prompt.compile() gives the same bytes.';

--
-- Name: rollback_prompt_label(text, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.rollback_prompt_label(p_name text, p_label text DEFAULT 'production'::text, p_project text DEFAULT 'default'::text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    last_move record;
    seen bigint;
    newest bigint;
    locked boolean := false;
    summary text := nullif(current_setting('agent_loggy.change_summary', true), '');
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, ARRAY[p_label]);
    -- The history is read before the write lock is taken, so a long one never holds up other
    -- writers; under the lock, it is read again only if the prompt changed in between.
    LOOP
        seen := (SELECT max(c.id) FROM agent_loggy.config_changelog AS c
                 WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name);
        SELECT h.from_version, h.to_version INTO last_move
        FROM agent_loggy.prompt_label_history(p_name, p_project) AS h
        WHERE h.label = p_label
        ORDER BY h.changelog_id DESC
        LIMIT 1;
        EXIT WHEN locked;
        PERFORM agent_loggy.lock_writes('prompts', p_project);
        locked := true;
        newest := (SELECT max(c.id) FROM agent_loggy.config_changelog AS c
                   WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name);
        EXIT WHEN newest IS NOT DISTINCT FROM seen;
    END LOOP;
    IF last_move IS NULL THEN
        RAISE EXCEPTION 'label % of prompt % in project % has never been set: nothing to roll back',
            quote_literal(p_label), quote_literal(p_name), quote_literal(p_project) USING ERRCODE = 'no_data_found';
    END IF;
    IF last_move.from_version IS NULL THEN
        RAISE EXCEPTION 'label % of prompt % in project % was on no version before it went to version %: there is nothing to roll back to',
            quote_literal(p_label), quote_literal(p_name), quote_literal(p_project), last_move.to_version
            USING ERRCODE = 'no_data_found', HINT = 'Remove the label with remove_prompt_label() instead.';
    END IF;
    IF summary IS NULL THEN
        PERFORM set_config('agent_loggy.change_summary',
            format('rollback of label %s to version %s', p_label, last_move.from_version), true);
    END IF;
    PERFORM agent_loggy.set_prompt_label(p_name, last_move.from_version, p_label, p_project);
    IF summary IS NULL THEN
        PERFORM set_config('agent_loggy.change_summary', '', true);
    END IF;
    RETURN last_move.from_version;
END
$$;

--
-- Name: FUNCTION rollback_prompt_label(p_name text, p_label text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.rollback_prompt_label(p_name text, p_label text, p_project text) IS 'Puts a label back on the version that held it before its last move (read from the changelog, before the write lock is taken) and returns that version; a second rollback undoes the first. The changelog summary defaults to "rollback of label L to version N".';

--
-- Name: set_prompt_label(text, integer, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.set_prompt_label(p_name text, p_version integer, p_label text, p_project text DEFAULT 'default'::text) RETURNS agent_loggy.prompts
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    target agent_loggy.prompts;
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, ARRAY[p_label]);
    PERFORM agent_loggy.lock_writes('prompts', p_project);
    SELECT * INTO target FROM agent_loggy.prompts AS t
    WHERE t.project = p_project AND t.name = p_name AND t.version = p_version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'prompt % in project % has no version %', quote_literal(p_name), quote_literal(p_project),
            coalesce(p_version::text, 'NULL') USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT target.is_active THEN
        RAISE EXCEPTION 'version % of prompt % in project % is inactive: label % would resolve to nothing',
            p_version, quote_literal(p_name), quote_literal(p_project), quote_literal(p_label)
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Activate the version first.';
    END IF;
    UPDATE agent_loggy.prompts AS t SET labels = t.labels || p_label
    WHERE t.id = target.id AND NOT t.labels @> ARRAY[p_label]
    RETURNING * INTO target;
    IF NOT FOUND THEN
        SELECT * INTO target FROM agent_loggy.prompts AS t WHERE t.id = target.id;
    END IF;
    RETURN target;
END
$$;

--
-- Name: FUNCTION set_prompt_label(p_name text, p_version integer, p_label text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.set_prompt_label(p_name text, p_version integer, p_label text, p_project text) IS 'Moves a label to an active version of a prompt (it leaves the version that carried it) and returns that version''s row; a no-op when the version already carries it.';

--
-- Name: touch_updated_at(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    changed boolean;
BEGIN
    NEW.updated_at := OLD.updated_at;  -- a write to updated_at alone is a no-op
    IF TG_NARGS = 0 THEN
        changed := NEW IS DISTINCT FROM OLD;
    ELSE
        changed := to_jsonb(NEW) - TG_ARGV IS DISTINCT FROM to_jsonb(OLD) - TG_ARGV;
    END IF;
    IF changed THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION touch_updated_at(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.touch_updated_at() IS 'BEFORE UPDATE trigger: sets updated_at to the transaction time when the row really changes; a no-op UPDATE, or one that only writes updated_at, leaves it as it was. Arguments: the generated columns of the table (left out of the comparison).';

--
-- Name: validate_row(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.validate_row() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    t text := TG_TABLE_NAME;
BEGIN
    IF NOT agent_loggy.is_valid_project(NEW.project) THEN
        PERFORM agent_loggy.raise_check_violation(t, t || '_project_check',
            format('invalid project %s in %s: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
                   quote_literal(NEW.project), t), NULL);
    END IF;
    IF NEW.version < 1 THEN
        PERFORM agent_loggy.raise_check_violation(t, t || '_version_check',
            format('invalid version %s in %s: versions start at 1', NEW.version, t), NULL);
    END IF;

    IF t IN ('prompts', 'model_configs', 'embedding_configs') THEN
        IF NOT agent_loggy.is_valid_name(NEW.name) THEN
            PERFORM agent_loggy.raise_check_violation(t, t || '_name_check',
                format('invalid name %s in %s: expected 1-128 characters of letters, digits, _ . : / - starting with a letter or digit',
                       quote_literal(NEW.name), t), NULL);
        END IF;
        IF jsonb_typeof(NEW.parameters) <> 'object' THEN
            PERFORM agent_loggy.raise_check_violation(t, t || '_parameters_check',
                format('parameters of %s %s must be a JSON object, not %s', t, quote_literal(NEW.name),
                       jsonb_typeof(NEW.parameters)), NULL);
        END IF;
    END IF;

    IF t = 'prompts' THEN
        IF NEW.type NOT IN ('chat', 'text', 'system', 'user') THEN
            PERFORM agent_loggy.raise_check_violation(t, 'prompts_type_check',
                format('invalid prompt type %s for prompt %s: expected one of chat, text, system, user',
                       quote_literal(NEW.type), quote_literal(NEW.name)), NULL);
        END IF;
        IF NEW.template !~ '\S' THEN
            PERFORM agent_loggy.raise_check_violation(t, 'prompts_template_check',
                format('empty template for prompt %s: a template needs at least one non-blank character',
                       quote_literal(NEW.name)), NULL);
        END IF;
        NEW.labels := agent_loggy.check_labels(t, format('prompt %s', quote_literal(NEW.name)), NEW.labels);
    ELSIF t = 'model_configs' THEN
        IF NEW.model_provider !~ '\S' OR NEW.model_name !~ '\S' THEN
            PERFORM agent_loggy.raise_check_violation(t,
                CASE WHEN NEW.model_provider !~ '\S' THEN 'model_configs_model_provider_check'
                     ELSE 'model_configs_model_name_check' END,
                format('model config %s needs a non-blank model_provider and model_name', quote_literal(NEW.name)), NULL);
        END IF;
        NEW.labels := agent_loggy.check_labels(t, format('model config %s', quote_literal(NEW.name)), NEW.labels);
    ELSIF t = 'embedding_configs' THEN
        IF NEW.embedding_model !~ '\S' THEN
            PERFORM agent_loggy.raise_check_violation(t, 'embedding_configs_embedding_model_check',
                format('embedding config %s needs a non-blank embedding_model', quote_literal(NEW.name)), NULL);
        ELSIF NEW.dimensions < 1 THEN
            PERFORM agent_loggy.raise_check_violation(t, 'embedding_configs_dimensions_check',
                format('invalid dimensions %s for embedding config %s: expected a number greater than 0',
                       NEW.dimensions, quote_literal(NEW.name)), NULL);
        ELSIF NEW.chunk_size < 1 THEN
            PERFORM agent_loggy.raise_check_violation(t, 'embedding_configs_chunk_size_check',
                format('invalid chunk_size %s for embedding config %s: expected a number greater than 0',
                       NEW.chunk_size, quote_literal(NEW.name)), NULL);
        ELSIF NEW.chunk_overlap < 0 OR NEW.chunk_overlap >= NEW.chunk_size THEN
            PERFORM agent_loggy.raise_check_violation(t, 'embedding_configs_chunk_overlap_check',
                format('invalid chunk_overlap %s for embedding config %s: expected at least 0 and less than chunk_size %s',
                       NEW.chunk_overlap, quote_literal(NEW.name), NEW.chunk_size), NULL);
        ELSIF NEW.chunking_strategy !~ '\S' THEN
            PERFORM agent_loggy.raise_check_violation(t, 'embedding_configs_chunking_strategy_check',
                format('embedding config %s needs a non-blank chunking_strategy', quote_literal(NEW.name)), NULL);
        END IF;
    ELSIF t = 'context_rules' THEN
        IF NEW.context !~ '\S' OR length(NEW.context) > 200 THEN
            PERFORM agent_loggy.raise_check_violation(t, 'context_rules_context_check',
                format('invalid context %s: expected 1-200 characters, not all blank', quote_literal(NEW.context)), NULL);
        END IF;
    ELSIF t = 'negate_keys' THEN
        IF NOT agent_loggy.is_valid_loki_label(NEW.label) THEN
            PERFORM agent_loggy.raise_check_violation(t, 'negate_keys_label_check',
                format('invalid Loki label %s: expected a label name matching [A-Za-z_][A-Za-z0-9_]* (at most 128 characters)',
                       quote_literal(NEW.label)), NULL);
        END IF;
        IF octet_length(NEW.value) > 2000 THEN
            PERFORM agent_loggy.raise_check_violation(t, 'negate_keys_value_check',
                format('value of negate key %s is %s bytes long: expected at most 2000',
                       quote_literal(NEW.label), octet_length(NEW.value)), NULL);
        END IF;
        IF NEW.operator NOT IN ('=', '!=', '=~', '!~') THEN
            PERFORM agent_loggy.raise_check_violation(t, 'negate_keys_operator_check',
                format('invalid operator %s for negate key %s: expected one of =, !=, =~, !~',
                       quote_literal(NEW.operator), quote_literal(NEW.label)), NULL);
        END IF;
    END IF;
    RETURN NEW;
END
$$;

--
-- Name: FUNCTION validate_row(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.validate_row() IS 'BEFORE INSERT/UPDATE trigger of the config tables: raises check_violation (with the constraint name) naming the offending value and what was expected, and normalises labels to distinct sorted values. The CHECK constraints enforce the same rules if this trigger is bypassed.';

--
-- Name: pinned_by_0012(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.pinned_by_0012() RETURNS regprocedure[]
    LANGUAGE sql IMMUTABLE
    RETURN ARRAY['agent_loggy.bound_project()'::regprocedure, 'agent_loggy.is_admin()'::regprocedure, 'agent_loggy.can_access_project(text)'::regprocedure, 'agent_loggy.check_project_access(text)'::regprocedure, 'agent_loggy.checked_project(text)'::regprocedure, 'agent_loggy.check_prompt_args(text,text,text[],boolean)'::regprocedure, 'agent_loggy.check_document_target(text,text)'::regprocedure, 'agent_loggy.check_labels(text,text,text[])'::regprocedure, 'agent_loggy.checked_embedding_target(text)'::regprocedure, 'agent_loggy.checked_limit(integer)'::regprocedure, 'agent_loggy.checked_query_text(text)'::regprocedure, 'agent_loggy.checked_tags(text[])'::regprocedure, 'agent_loggy.raise_check_violation(text,text,text,text)'::regprocedure, 'agent_loggy.lock_prompt_writes()'::regprocedure, 'agent_loggy.validate_row()'::regprocedure, 'agent_loggy.derive_variables()'::regprocedure, 'agent_loggy.touch_updated_at()'::regprocedure, 'agent_loggy.clear_stale_embedding()'::regprocedure, 'agent_loggy.refuse_changelog_change()'::regprocedure, 'agent_loggy.refuse_truncate()'::regprocedure, 'agent_loggy.begin_import(text,jsonb,text)'::regprocedure, 'agent_loggy.import_problems(text,jsonb)'::regprocedure, 'agent_loggy.import_context_rules(jsonb,text,boolean)'::regprocedure, 'agent_loggy.import_negate_keys(jsonb,text,boolean)'::regprocedure, 'agent_loggy.import_prompts(jsonb,text)'::regprocedure, 'agent_loggy.set_prompt_label(text,integer,text,text)'::regprocedure, 'agent_loggy.remove_prompt_label(text,text,text)'::regprocedure, 'agent_loggy.rollback_prompt_label(text,text,text)'::regprocedure, 'agent_loggy.prompt_label_history(text,text)'::regprocedure, 'agent_loggy.render_prompt(text,jsonb)'::regprocedure, 'agent_loggy.loki_negations(text)'::regprocedure, 'agent_loggy.keyword_search_documents(text,text,integer,text[])'::regprocedure, 'agent_loggy.pending_embeddings(text,text,integer,bigint)'::regprocedure, 'agent_loggy.pending_embedding_count(text,text)'::regprocedure];

--
-- Name: FUNCTION pinned_by_0012(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.pinned_by_0012() IS 'The functions whose search_path migration 0012 pins (and its rollback resets).';

--
-- Name: promote_prompt(text, integer, text, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.promote_prompt(p_name text, p_version integer, p_label text, p_project text DEFAULT 'default'::text, p_override_reason text DEFAULT NULL::text) RETURNS agent_loggy.prompts
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    result agent_loggy.prompts;
    summary text := current_setting('agent_loggy.change_summary', true);
BEGIN
    IF p_override_reason IS NOT NULL THEN
        IF NOT agent_loggy.is_admin() THEN
            RAISE EXCEPTION 'permission denied to override the promotion policy of label %: only agent_loggy_admin overrides',
                quote_nullable(p_label) USING ERRCODE = 'insufficient_privilege';
        ELSIF p_override_reason !~ '\S' OR length(p_override_reason) > 1000 THEN
            RAISE EXCEPTION 'invalid override reason %: expected 1-1000 characters, not only blanks',
                quote_literal(p_override_reason) USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM set_config('agent_loggy.promotion_override', p_override_reason, true);
    END IF;
    result := agent_loggy.set_prompt_label(p_name, p_version, p_label, p_project);
    -- the override and its note end with this call: later changes of the transaction are the caller's
    PERFORM set_config('agent_loggy.promotion_override', '', true),
            set_config('agent_loggy.change_summary', coalesce(summary, ''), true);
    RETURN result;
END
$$;

--
-- Name: FUNCTION promote_prompt(p_name text, p_version integer, p_label text, p_project text, p_override_reason text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.promote_prompt(p_name text, p_version integer, p_label text, p_project text, p_override_reason text) IS 'set_prompt_label() under the label''s promotion policy: refused (23514, promotion_policy_check) when the version fails it, unless an admin gives p_override_reason, which the changelog row of the move records with the rules overridden.';

--
-- Name: promotion_failures(text, text, integer, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.promotion_failures(p_project text, p_name text, p_version integer, p_label text) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    policy agent_loggy.promotion_policies;
    candidate bigint;
    cand record;
    holder integer;
    held record;
    failures text[] := '{}';
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    SELECT * INTO policy FROM agent_loggy.promotion_policies AS p WHERE p.project = p_project AND p.label = p_label;
    IF NOT FOUND THEN
        RETURN failures;
    END IF;
    candidate := (SELECT p.id FROM agent_loggy.prompts AS p
                  WHERE p.project = p_project AND p.name = p_name AND p.version = p_version);
    -- finished runs of this very version row, started in the window (a running run proves nothing yet)
    SELECT count(*) AS runs, count(*) FILTER (WHERE r.status = 'failed') AS failed,
           count(r.output_valid) AS validated, count(*) FILTER (WHERE r.output_valid) AS valid
    INTO cand
    FROM agent_loggy.runs AS r
    WHERE r.project = p_project AND r.prompt_name = p_name AND r.prompt_id = candidate AND r.status <> 'running'
      AND r.started_at >= now() - policy.window_length AND r.started_at <= now();
    IF cand.runs < policy.min_runs THEN
        failures := failures || format('min_runs: %s runs in the last %s, at least %s needed',
                                       cand.runs, policy.window_length, policy.min_runs);
    END IF;
    IF policy.max_error_rate IS NOT NULL AND (cand.runs = 0 OR cand.failed::double precision / cand.runs > policy.max_error_rate) THEN
        failures := failures || format('max_error_rate: error rate %s (%s of %s runs), at most %s allowed',
            CASE WHEN cand.runs > 0 THEN round((cand.failed::numeric / cand.runs), 4)::text ELSE 'unknown' END,
            cand.failed, cand.runs, policy.max_error_rate);
    END IF;
    IF policy.min_valid_rate IS NOT NULL
       AND (cand.validated = 0 OR cand.valid::double precision / cand.validated < policy.min_valid_rate) THEN
        failures := failures || format('min_valid_rate: valid-output rate %s (%s of %s validated runs), at least %s needed',
            CASE WHEN cand.validated > 0 THEN round((cand.valid::numeric / cand.validated), 4)::text ELSE 'unknown' END,
            cand.valid, cand.validated, policy.min_valid_rate);
    END IF;
    IF policy.score_name IS NOT NULL THEN
        -- the version holding the label now; when none does, the one it last left (taking a label off
        -- first does not skip the rule)
        holder := coalesce(
            (SELECT p.version FROM agent_loggy.prompts AS p
             WHERE p.project = p_project AND p.name = p_name AND p.labels @> ARRAY[p_label] AND p.version <> p_version),
            (SELECT h.from_version FROM agent_loggy.prompt_label_history(p_name, p_project) AS h
             WHERE h.label = p_label AND h.from_version IS DISTINCT FROM p_version
             ORDER BY h.changelog_id DESC LIMIT 1));
        IF holder IS NOT NULL THEN
            -- each run counts once: the mean of its scores of that name, each on the 0-100 scale
            SELECT avg(per_run.score) FILTER (WHERE per_run.version = p_version) AS cand_mean,
                   count(*) FILTER (WHERE per_run.version = p_version) AS cand_n,
                   avg(per_run.score) FILTER (WHERE per_run.version = holder) AS held_mean,
                   count(*) FILTER (WHERE per_run.version = holder) AS held_n
            INTO held
            FROM (SELECT r.prompt_version AS version, avg(agent_loggy.run_score(s.value, s.scale_min, s.scale_max)) AS score
                  FROM agent_loggy.runs AS r
                  JOIN agent_loggy.scores AS s ON s.run_id = r.id AND s.run_started_at = r.started_at
                  WHERE r.project = p_project AND r.prompt_name = p_name AND r.prompt_version IN (p_version, holder)
                    AND r.prompt_id IS NOT NULL AND r.status <> 'running'
                    AND r.started_at >= now() - policy.window_length AND r.started_at <= now()
                    AND s.name = policy.score_name AND s.value IS NOT NULL
                  GROUP BY r.id, r.started_at, r.prompt_version) AS per_run;
            IF held.cand_n = 0 OR (held.held_n > 0 AND held.cand_mean < held.held_mean - policy.score_tolerance) THEN
                failures := failures || format('score %s: mean %s over %s runs against %s over %s runs of version %s (holder of %s), at most %s below allowed',
                    policy.score_name, coalesce(round(held.cand_mean::numeric, 3)::text, 'none'), held.cand_n,
                    coalesce(round(held.held_mean::numeric, 3)::text, 'none'), held.held_n, holder, p_label,
                    policy.score_tolerance);
            END IF;
        END IF;
    END IF;
    RETURN failures;
END
$$;

--
-- Name: FUNCTION promotion_failures(p_project text, p_name text, p_version integer, p_label text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.promotion_failures(p_project text, p_name text, p_version integer, p_label text) IS 'The rules of the promotion policy of (p_project, p_label) that version p_version of prompt p_name fails now, each with its numbers; empty when it passes or no policy guards the label. Counts the finished runs of that version row that started in the policy''s window (not after now). The score rule compares per-run means on the 0-100 scale with the version holding the label now, or the one it last left; with neither, it passes.';

--
-- Name: prompt_history(text, text, boolean); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.prompt_history(p_name text, p_project text DEFAULT 'default'::text, p_embeds boolean DEFAULT false) RETURNS TABLE(changelog_id bigint, change text, version integer, label text, from_version integer, to_version integer, tags text[], changed text[], changed_by text, changed_at timestamp with time zone, summary text)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT h.* FROM (
        SELECT c.id, k.change, coalesce(c.new_version, c.previous_version), NULL::text, NULL::integer, NULL::integer,
               ARRAY(SELECT jsonb_array_elements_text(coalesce(c.new_data, c.previous_data) -> 'tags')),
               CASE WHEN k.change = 'update' THEN d.changed END, c.changed_by, c.changed_at,
               coalesce(c.change_summary, CASE WHEN k.change = 'publish' THEN c.new_data ->> 'commit_message' END)
        FROM agent_loggy.config_changelog AS c
        CROSS JOIN LATERAL (SELECT ARRAY(
            SELECT n.key FROM jsonb_each(c.new_data) AS n
            WHERE n.key NOT IN ('updated_at', 'labels') AND n.value IS DISTINCT FROM c.previous_data -> n.key
            ORDER BY n.key COLLATE "C")) AS d (changed)
        CROSS JOIN LATERAL (SELECT CASE
            WHEN c.change_type = 'create' THEN 'publish'
            WHEN c.change_type = 'update' AND d.changed = ARRAY['tags'] THEN 'tag'
            WHEN c.change_type = 'update' AND d.changed = '{}' THEN 'embed'  -- a fill, logged before 0034
            ELSE c.change_type END) AS k (change)
        WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name
          AND c.change_type <> 'label' AND (p_embeds OR k.change <> 'embed')
        UNION ALL
        SELECT l.changelog_id, 'label', coalesce(l.to_version, l.from_version), l.label, l.from_version, l.to_version,
               NULL, NULL, l.changed_by, l.changed_at, l.change_summary
        FROM agent_loggy.prompt_label_history(p_name, p_project) AS l
    ) AS h (changelog_id, change, version, label, from_version, to_version, tags, changed, changed_by, changed_at, summary)
    ORDER BY h.changelog_id, h.change = 'label', h.label COLLATE "C";
$$;

--
-- Name: FUNCTION prompt_history(p_name text, p_project text, p_embeds boolean); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.prompt_history(p_name text, p_project text, p_embeds boolean) IS 'Every change of a prompt in the order it happened, from the changelog: publish (with the version''s tags; summary: the change summary, else its commit message), label (a move, as prompt_label_history() rebuilds it: from_version NULL when new, to_version NULL when removed), activate, deactivate, tag (the new tags), update (changed: the columns that changed), delete; embed (an embedding fill, logged before migration 0034) only when p_embeds. Who, when and why (summary) on each. 22023 / P0002 as prompt_label_history().';

--
-- Name: prompt_output_schema(text, integer, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.prompt_output_schema(p_name text, p_version integer, p_project text DEFAULT 'default'::text) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN (SELECT p.output_schema FROM agent_loggy.prompts p WHERE ((p.project = prompt_output_schema.p_project) AND (p.name = prompt_output_schema.p_name) AND (p.version = prompt_output_schema.p_version)));

--
-- Name: FUNCTION prompt_output_schema(p_name text, p_version integer, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.prompt_output_schema(p_name text, p_version integer, p_project text) IS 'The output schema of a prompt version (NULL: none, or no such version visible to the caller).';

--
-- Name: template_pattern(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.template_pattern(p_syntax text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE p_syntax WHEN 'brace'::text THEN '(\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\})'::text WHEN 'mustache'::text THEN '(\{\{[ \t\n\r]*([A-Za-z_][A-Za-z0-9_]*)[ \t\n\r]*\}\})'::text ELSE NULL::text END;

--
-- Name: FUNCTION template_pattern(p_syntax text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.template_pattern(p_syntax text) IS 'The regular expression of a syntax''s tokens (group 1: the token, group 2: the variable name), NULL for an unknown syntax. brace: {{, }} and {identifier}; mustache: {{identifier}} with spaces, tabs or newlines allowed inside the braces.';

--
-- Name: template_variables(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.template_variables(p_template text, p_syntax text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT v.name FROM (SELECT m.match[2] AS name, min(m.n) AS first_at FROM regexp_matches(template_variables.p_template, agent_loggy.template_pattern(agent_loggy.checked_syntax(template_variables.p_syntax)), 'g'::text) WITH ORDINALITY m(match, n) WHERE (m.match[2] IS NOT NULL) GROUP BY m.match[2]) v ORDER BY v.first_at);

--
-- Name: FUNCTION template_variables(p_template text, p_syntax text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.template_variables(p_template text, p_syntax text) IS 'Distinct placeholders of a template of syntax p_syntax (brace or mustache) in order of first appearance. brace: as template_variables(text); mustache: {{identifier}}, every other brace is text.';

--
-- Name: prompt_variables(text, text, jsonb); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.prompt_variables(p_template text, p_syntax text, p_messages jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    BEGIN ATOMIC
 SELECT
         CASE
             WHEN (p_messages IS NULL) THEN agent_loggy.template_variables(p_template, p_syntax)
             ELSE ARRAY( SELECT v.name
                FROM ( SELECT x.name,
                         min(((e.n * 1000000) + x.k)) AS first_at
                        FROM (jsonb_array_elements(prompt_variables.p_messages) WITH ORDINALITY e(m, n)
                          CROSS JOIN LATERAL unnest(
                             CASE
                                 WHEN (e.m ? 'role'::text) THEN agent_loggy.template_variables((e.m ->> 'content'::text), prompt_variables.p_syntax)
                                 ELSE ARRAY[(e.m ->> 'name'::text)]
                             END) WITH ORDINALITY x(name, k))
                       GROUP BY x.name) v
               ORDER BY v.first_at)
         END AS "array";
END;

--
-- Name: FUNCTION prompt_variables(p_template text, p_syntax text, p_messages jsonb); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.prompt_variables(p_template text, p_syntax text, p_messages jsonb) IS 'What rendering a prompt needs, in order of first appearance: the template''s placeholders (text prompts), or for a chat prompt each message''s placeholders and each placeholder message''s name (a list of messages).';

--
-- Name: prompt_version_metrics(text, text, timestamp with time zone, timestamp with time zone, interval); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.prompt_version_metrics(p_name text, p_project text DEFAULT 'default'::text, p_since timestamp with time zone DEFAULT NULL::timestamp with time zone, p_until timestamp with time zone DEFAULT NULL::timestamp with time zone, p_bucket interval DEFAULT NULL::interval) RETURNS TABLE(version integer, bucket timestamp with time zone, runs bigint, errors bigint, error_rate double precision, validated bigint, valid_rate double precision, latency_p50_ms double precision, latency_p95_ms double precision, input_tokens bigint, output_tokens bigint, cost numeric, scores jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    IF p_bucket IS NOT NULL AND (p_bucket < interval '1 minute' OR p_bucket > interval '366 days'
                                 OR date_part('month', p_bucket) <> 0 OR date_part('year', p_bucket) <> 0) THEN
        RAISE EXCEPTION 'invalid bucket %: expected an interval between 1 minute and 366 days, in days, hours or minutes (not months)', p_bucket
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH chosen AS (
        SELECT r.id, r.started_at, r.prompt_version,
               CASE WHEN p_bucket IS NULL THEN NULL::timestamptz
                    ELSE date_bin(p_bucket, r.started_at, '2000-01-01 00:00:00+00') END AS bucket,
               r.status, r.output_valid, r.latency_ms, r.input_tokens, r.output_tokens, r.cost
        FROM agent_loggy.runs AS r
        WHERE r.project = p_project AND r.prompt_name = p_name
          AND r.started_at >= coalesce(p_since, '-infinity') AND r.started_at < coalesce(p_until, 'infinity')
    ), per_version AS (
        SELECT c.prompt_version, c.bucket, count(*) AS runs,
               count(*) FILTER (WHERE c.status = 'failed') AS errors,
               count(c.output_valid) AS validated,
               count(*) FILTER (WHERE c.output_valid) AS valid,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.latency_ms) AS p50,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY c.latency_ms) AS p95,
               sum(c.input_tokens)::bigint AS input_tokens, sum(c.output_tokens)::bigint AS output_tokens,
               sum(c.cost) AS cost
        FROM chosen AS c
        GROUP BY c.prompt_version, c.bucket
    ), per_score AS (
        SELECT c.prompt_version, c.bucket, s.name,
               jsonb_build_object('count', count(*), 'mean', avg(s.value),
                                  'p50', percentile_cont(0.5) WITHIN GROUP (ORDER BY s.value)) AS summary
        FROM chosen AS c
        JOIN agent_loggy.scores AS s ON s.run_id = c.id AND s.run_started_at = c.started_at AND s.project = p_project
        WHERE s.value IS NOT NULL
        GROUP BY c.prompt_version, c.bucket, s.name
    )
    SELECT v.prompt_version, v.bucket, v.runs, v.errors, v.errors::double precision / v.runs,
           v.validated, CASE WHEN v.validated > 0 THEN v.valid::double precision / v.validated END,
           v.p50, v.p95, v.input_tokens, v.output_tokens, v.cost,
           coalesce((SELECT jsonb_object_agg(ps.name, ps.summary) FROM per_score AS ps
                     WHERE ps.prompt_version = v.prompt_version AND ps.bucket IS NOT DISTINCT FROM v.bucket), '{}')
    FROM per_version AS v
    ORDER BY v.prompt_version, v.bucket;
END
$$;

--
-- Name: FUNCTION prompt_version_metrics(p_name text, p_project text, p_since timestamp with time zone, p_until timestamp with time zone, p_bucket interval); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.prompt_version_metrics(p_name text, p_project text, p_since timestamp with time zone, p_until timestamp with time zone, p_bucket interval) IS 'Per version of prompt p_name in p_project (and per p_bucket of started_at when given, binned from 2000-01-01 UTC), over runs that started in [p_since, p_until): runs, errors and error rate, runs validated against the output schema and the valid rate among them, p50 / p95 latency, token and cost totals, and per numeric run score {count, mean, p50}. Exact: reads the runs of the window (partitions outside it are skipped), as the caller (row level security applies).';

--
-- Name: quoted_tags(text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.quoted_tags(p_tags text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT string_agg(quote_nullable(u.t), ', '::text ORDER BY u.n) AS string_agg FROM unnest(quoted_tags.p_tags) WITH ORDINALITY u(t, n));

--
-- Name: FUNCTION quoted_tags(p_tags text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.quoted_tags(p_tags text[]) IS 'Tags as a list of quoted literals for a message (so that an empty or blank tag shows), NULL for none.';

--
-- Name: recall_fact(text, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.recall_fact(p_key text, p_user text DEFAULT NULL::text, p_project text DEFAULT 'default'::text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_project text := agent_loggy.checked_project(p_project);
    v_key text := agent_loggy.checked_fact_key(p_key);
    was_user text := agent_loggy.with_user_bound(p_user);
    fact_user text := agent_loggy.acting_user();
    found_value text;
BEGIN
    PERFORM agent_loggy.check_project_access(v_project);
    -- the user's own key when it has any version (a forgotten one hides the shared value), else the shared one
    SELECT f.value INTO found_value FROM agent_loggy.facts AS f
    WHERE f.project = v_project AND f.key = v_key
      AND (f.user_id IS NULL OR f.user_id = fact_user)
    ORDER BY f.user_id IS NULL, f.version DESC
    LIMIT 1;
    PERFORM set_config('agent_loggy.user', was_user, true);
    RETURN found_value;
END
$$;

--
-- Name: FUNCTION recall_fact(p_key text, p_user text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.recall_fact(p_key text, p_user text, p_project text) IS 'The current value of fact p_key of user p_user (NULL: the user the transaction acts for) in p_project: the user''s own key when it has any version (NULL when forgotten), else the project''s shared fact of that key; NULL when unknown.';

--
-- Name: recall_facts(text, integer, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.recall_facts(p_query_text text, p_limit integer DEFAULT 5, p_project text DEFAULT 'default'::text) RETURNS TABLE(key text, value text, user_id text, version integer, score real, metadata jsonb, created_at timestamp with time zone)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    asked_text text := agent_loggy.checked_query_text(p_query_text);
    v_project text := agent_loggy.checked_project(p_project);
    asked_limit integer := agent_loggy.checked_limit(p_limit);
    q tsquery := agent_loggy.keyword_query(asked_text);
BEGIN
    PERFORM agent_loggy.check_project_access(v_project);
    RETURN QUERY
    SELECT c.key, c.value, c.user_id, c.version, ts_rank(c.search_vector, q, 1), c.metadata, c.created_at
    FROM agent_loggy.current_facts AS c
    WHERE c.project = v_project AND c.search_vector @@ q
    ORDER BY 5 DESC, c.user_id NULLS LAST, c.key
    LIMIT asked_limit;
END
$$;

--
-- Name: FUNCTION recall_facts(p_query_text text, p_limit integer, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.recall_facts(p_query_text text, p_limit integer, p_project text) IS 'The p_limit current facts of p_project (shared ones and the acting user''s) whose key or value match any word of p_query_text, best ts_rank first.';

--
-- Name: recall_facts(public.vector, integer, text, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.recall_facts(p_query public.vector, p_limit integer DEFAULT 5, p_project text DEFAULT 'default'::text, p_embedding_config_id bigint DEFAULT NULL::bigint) RETURNS TABLE(key text, value text, user_id text, version integer, score real, metadata jsonb, created_at timestamp with time zone)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_project text := agent_loggy.checked_project(p_project);
    asked_limit integer := agent_loggy.checked_limit(p_limit);
    config_id bigint;
BEGIN
    PERFORM agent_loggy.checked_any_vector(p_query, 'query vector');
    PERFORM agent_loggy.check_project_access(v_project);
    config_id := agent_loggy.fact_embedding_config(v_project, vector_dims(p_query), p_embedding_config_id);
    RETURN QUERY
    SELECT c.key, c.value, c.user_id, c.version, (1 - (c.embedding <=> p_query))::real, c.metadata, c.created_at
    FROM agent_loggy.current_facts AS c
    WHERE c.project = v_project AND c.embedding_config_id = config_id
    ORDER BY c.embedding <=> p_query, c.user_id NULLS LAST, c.key
    LIMIT asked_limit;
END
$$;

--
-- Name: FUNCTION recall_facts(p_query public.vector, p_limit integer, p_project text, p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.recall_facts(p_query public.vector, p_limit integer, p_project text, p_embedding_config_id bigint) IS 'The p_limit current facts of p_project (shared ones and the acting user''s) embedded with p_embedding_config_id (NULL: the first current config of the project with the query''s dimensions) nearest to p_query, by exact cosine similarity (score), most similar first. 22023 when the query''s dimensions are not the config''s, naming both.';

--
-- Name: record_staged_runs(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.record_staged_runs() RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    moved bigint;
BEGIN
    IF to_regclass('pg_temp.agent_loggy_staged_runs') IS NULL THEN
        RAISE EXCEPTION 'no runs are staged: call agent_loggy.stage_runs() first, in the same transaction'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    INSERT INTO agent_loggy.runs (project, investigation_id, prompt_name, prompt_version, label, model_config_version,
        model_provider, model_name, variables, rendered_hash, output, parsed_output, output_valid, output_errors,
        status, error, latency_ms, input_tokens, output_tokens, cost, started_at, finished_at, trace_id, span_id)
    SELECT coalesce(s.project, 'default'), s.investigation_id, s.prompt_name, s.prompt_version, s.label,
           s.model_config_version, s.model_provider, s.model_name, coalesce(s.variables, '{}'), s.rendered_hash,
           s.output, s.parsed_output, s.output_valid, s.output_errors, coalesce(s.status, 'succeeded'), s.error,
           s.latency_ms, s.input_tokens, s.output_tokens, s.cost, coalesce(s.started_at, now()), s.finished_at,
           s.trace_id, s.span_id
    FROM pg_temp.agent_loggy_staged_runs AS s;
    GET DIAGNOSTICS moved = ROW_COUNT;
    TRUNCATE pg_temp.agent_loggy_staged_runs;
    RETURN moved;
END
$$;

--
-- Name: FUNCTION record_staged_runs(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.record_staged_runs() IS 'Moves the staged runs into runs with one INSERT, as the caller (its binding, policies and every rule apply; one bad row fails the batch) and returns how many.';

--
-- Name: recount_keyword_statistics(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.recount_keyword_statistics() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION recount_keyword_statistics(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.recount_keyword_statistics() IS 'Rebuilds keyword_terms (counts, highest frequencies, shortest lengths) and keyword_corpus from the documents, under a SHARE lock on documents (writers wait). For the owner, after anything that bypassed the triggers: DISABLE TRIGGER, session_replication_role = replica (a logical replication subscriber), a data-only restore of documents beside restored counts; or to tighten the frequency and length bounds after many deletes.';

--
-- Name: remember_fact(text, text, text, text, public.vector, bigint, jsonb); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.remember_fact(p_key text, p_value text, p_user text DEFAULT NULL::text, p_project text DEFAULT 'default'::text, p_embedding public.vector DEFAULT NULL::public.vector, p_embedding_config_id bigint DEFAULT NULL::bigint, p_metadata jsonb DEFAULT '{}'::jsonb) RETURNS agent_loggy.facts
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v_project text := agent_loggy.checked_project(p_project);
    v_key text := agent_loggy.checked_fact_key(p_key);
    was_user text := agent_loggy.with_user_bound(p_user);
    fact_user text := agent_loggy.acting_user();
    config_id bigint;
    was_bound text;
    current_row agent_loggy.facts;
    result agent_loggy.facts;
BEGIN
    IF p_value IS NULL THEN
        RAISE EXCEPTION 'a fact needs a value: to forget %, call forget_fact()', quote_literal(v_key)
            USING ERRCODE = 'null_value_not_allowed';
    ELSIF octet_length(p_value) > 100000 THEN
        RAISE EXCEPTION 'value of fact % has % bytes: expected at most 100000', quote_literal(v_key), octet_length(p_value)
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF p_metadata IS NULL OR jsonb_typeof(p_metadata) <> 'object' THEN
        RAISE EXCEPTION 'metadata of fact % must be a JSON object, not %', quote_literal(v_key),
            coalesce(jsonb_typeof(p_metadata), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_embedding IS NOT NULL THEN
        PERFORM agent_loggy.checked_any_vector(p_embedding, 'embedding of fact ' || quote_literal(v_key));
        config_id := agent_loggy.fact_embedding_config(v_project, vector_dims(p_embedding), p_embedding_config_id);
    ELSIF p_embedding_config_id IS NOT NULL THEN
        RAISE EXCEPTION 'p_embedding_config_id % given without an embedding', p_embedding_config_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    was_bound := agent_loggy.with_project_bound(v_project);
    SELECT f.* INTO current_row FROM agent_loggy.facts AS f
    WHERE f.project = v_project AND coalesce(f.user_id, '') = coalesce(fact_user, '') AND f.key = v_key
    ORDER BY f.version DESC LIMIT 1;
    IF current_row.value IS NOT DISTINCT FROM p_value AND current_row.metadata = p_metadata
       AND current_row.embedding_config_id IS NOT DISTINCT FROM config_id
       AND current_row.embedding::text IS NOT DISTINCT FROM p_embedding::text THEN
        PERFORM set_config('agent_loggy.project', coalesce(was_bound, ''), true);
        PERFORM set_config('agent_loggy.user', was_user, true);
        RETURN current_row;  -- nothing new to remember
    END IF;
    FOR attempt IN 1 .. 100 LOOP
        BEGIN
            INSERT INTO agent_loggy.facts AS f (project, user_id, key, value, metadata, embedding, embedding_config_id)
            VALUES (v_project, fact_user, v_key, p_value, p_metadata, p_embedding, config_id)
            RETURNING f.* INTO result;
            EXIT;
        EXCEPTION WHEN unique_violation THEN  -- another transaction added a version of this key meanwhile
            IF attempt = 100 THEN
                RAISE;
            END IF;
        END;
    END LOOP;
    PERFORM set_config('agent_loggy.project', coalesce(was_bound, ''), true);
    PERFORM set_config('agent_loggy.user', was_user, true);
    RETURN result;
END
$$;

--
-- Name: FUNCTION remember_fact(p_key text, p_value text, p_user text, p_project text, p_embedding public.vector, p_embedding_config_id bigint, p_metadata jsonb); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.remember_fact(p_key text, p_value text, p_user text, p_project text, p_embedding public.vector, p_embedding_config_id bigint, p_metadata jsonb) IS 'Remembers p_value for p_key of user p_user (NULL: the user the transaction acts for; none: a fact of the whole project) in p_project, as a new version; the earlier versions stay (recall with fact_history). Returns the version, or the current one unchanged when value, metadata and embedding are the same. p_embedding (any dimensions) belongs to p_embedding_config_id, or to the first current config of the project with its dimensions. Binds p_project for the call when nothing is bound. 22023 for a bad key, value, metadata, vector or config; 42501 for a project or user the transaction may not write.';

--
-- Name: remove_promotion_policy(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.remove_promotion_policy(p_label text, p_project text DEFAULT 'default'::text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to remove the promotion policy of label %: only agent_loggy_admin does',
            quote_nullable(p_label) USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM agent_loggy.promotion_policies AS p WHERE p.project = p_project AND p.label = p_label;
    RETURN FOUND;
END
$$;

--
-- Name: FUNCTION remove_promotion_policy(p_label text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.remove_promotion_policy(p_label text, p_project text) IS 'Admin only: removes the promotion policy of label p_label in p_project; false when there was none.';

--
-- Name: render_chat(jsonb, jsonb, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.render_chat(p_messages jsonb, p_variables jsonb, p_syntax text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    vars jsonb := coalesce(p_variables, '{}');
    problem text := agent_loggy.chat_messages_problem(p_messages);
    needed text[];
    missing text[];
    bad record;
BEGIN
    IF p_messages IS NULL OR problem IS NOT NULL THEN
        RAISE EXCEPTION 'not chat messages: %', coalesce(problem, 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF jsonb_typeof(vars) <> 'object' THEN
        RAISE EXCEPTION 'variables must be a JSON object, not %', jsonb_typeof(vars)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    needed := agent_loggy.prompt_variables(NULL, agent_loggy.checked_syntax(p_syntax), p_messages);
    missing := ARRAY(SELECT v FROM unnest(needed) AS v WHERE NOT vars ? v);
    IF cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'missing template variables: %', array_to_string(missing, ', ')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The messages use %s; the variables given are %s.', array_to_string(needed, ', '),
                                  coalesce((SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(vars) AS k), 'none'));
    END IF;
    SELECT e.m ->> 'name' AS name, jsonb_typeof(vars -> (e.m ->> 'name')) AS got INTO bad
    FROM jsonb_array_elements(p_messages) AS e(m)
    WHERE NOT e.m ? 'role'
      AND (jsonb_typeof(vars -> (e.m ->> 'name')) <> 'array'
           OR EXISTS (SELECT FROM jsonb_array_elements(vars -> (e.m ->> 'name')) AS x WHERE jsonb_typeof(x) <> 'object'))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'placeholder % must be given a JSON array of message objects, not %', bad.name,
            CASE bad.got WHEN 'array' THEN 'an array holding other values' ELSE 'a ' || bad.got END
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN coalesce((
        SELECT jsonb_agg(x.m ORDER BY e.n, x.k)
        FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS e(m, n)
        CROSS JOIN LATERAL (
            SELECT jsonb_build_object('role', e.m ->> 'role',
                                      'content', agent_loggy.render_prompt(e.m ->> 'content', vars, p_syntax)), 1::bigint
            WHERE e.m ? 'role'
            UNION ALL
            SELECT p.m, p.k FROM jsonb_array_elements(vars -> (e.m ->> 'name')) WITH ORDINALITY AS p(m, k)
            WHERE NOT e.m ? 'role') AS x(m, k)), '[]');
END
$$;

--
-- Name: FUNCTION render_chat(p_messages jsonb, p_variables jsonb, p_syntax text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.render_chat(p_messages jsonb, p_variables jsonb, p_syntax text) IS 'Renders a chat prompt''s messages: each message becomes {"role", "content"} with its content filled as render_prompt(content, p_variables, p_syntax) does; each placeholder is replaced by the messages of its variable (a JSON array of objects, inserted as they are). Missing variables or placeholders raise 22023 naming every one. Python''s Prompt.compile() gives the same list.';

--
-- Name: render_prompt(text, jsonb, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.render_prompt(p_template text, p_variables jsonb, p_syntax text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    vars jsonb := coalesce(p_variables, '{}');
    pattern text := agent_loggy.template_pattern(agent_loggy.checked_syntax(p_syntax));
    needed text[] := agent_loggy.template_variables(p_template, p_syntax);
    missing text[];
BEGIN
    IF jsonb_typeof(vars) <> 'object' THEN
        RAISE EXCEPTION 'variables must be a JSON object, not %', jsonb_typeof(vars)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    missing := ARRAY(SELECT v FROM unnest(needed) AS v WHERE NOT vars ? v);
    IF cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'missing template variables: %', array_to_string(missing, ', ')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The template uses %s; the variables given are %s.', array_to_string(needed, ', '),
                                  coalesce((SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(vars) AS k), 'none'));
    END IF;
    -- n matches split the template into n + 1 pieces; piece i is followed by the value of match i.
    RETURN (
        SELECT string_agg(s.piece || coalesce(
                   CASE WHEN m.token[2] IS NOT NULL AND jsonb_typeof(vars -> m.token[2]) = 'string' THEN vars ->> m.token[2]
                        WHEN m.token[2] IS NOT NULL THEN (vars -> m.token[2])::text
                        WHEN m.token[1] = '{{' THEN '{'
                        WHEN m.token[1] = '}}' THEN '}' END, ''),
               '' ORDER BY s.n)
        FROM unnest(regexp_split_to_array(p_template, pattern)) WITH ORDINALITY AS s(piece, n)
        LEFT JOIN regexp_matches(p_template, pattern, 'g') WITH ORDINALITY AS m(token, n) ON m.n = s.n);
END
$$;

--
-- Name: FUNCTION render_prompt(p_template text, p_variables jsonb, p_syntax text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.render_prompt(p_template text, p_variables jsonb, p_syntax text) IS 'Fills a template of syntax p_syntax: brace as render_prompt(text, jsonb); mustache replaces each {{identifier}} (spaces allowed inside) by its variable and keeps every other brace. Strings are inserted as they are, other JSON values as JSON text. Missing variables raise 22023 naming every one; extra ones are ignored. Python''s rendering gives the same bytes.';

--
-- Name: replayed(pg_lsn); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.replayed(p_lsn pg_lsn) RETURNS boolean
    LANGUAGE sql PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN ((p_lsn IS NULL) OR (NOT pg_is_in_recovery()) OR (pg_last_wal_replay_lsn() >= (SELECT CASE WHEN (o.in_page <= (40)::numeric) THEN (replayed.p_lsn - o.in_page) ELSE replayed.p_lsn END AS p_lsn FROM (SELECT ((replayed.p_lsn - '0/0'::pg_lsn) % (current_setting('wal_block_size'::text))::numeric) AS in_page) o)));

--
-- Name: FUNCTION replayed(p_lsn pg_lsn); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.replayed(p_lsn pg_lsn) IS 'True when this server has every change up to p_lsn, a WAL position of the primary''s (pg_current_wal_insert_lsn(); one just past a page''s header counts from the page''s start): always on a primary, and for NULL; on a standby once it has replayed that far. Poll it (short statements hold no snapshot between them); statements after a true answer, in a new snapshot, see those changes.';

--
-- Name: resolve_prompt_checked(text, text, text, integer, text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.resolve_prompt_checked(p_name text, p_label text DEFAULT 'production'::text, p_project text DEFAULT 'default'::text, p_version integer DEFAULT NULL::integer, p_fallback_labels text[] DEFAULT '{}'::text[]) RETURNS TABLE(id bigint, project text, name text, version integer, type text, template text, variables text[], labels text[], model text, parameters jsonb, model_provider text, model_name text, model_parameters jsonb, resolved_label text, model_config_version integer, description text, usage text, is_active boolean, created_by text, created_at timestamp with time zone, updated_at timestamp with time zone, syntax text, messages jsonb, tags text[], commit_message text)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
#variable_conflict use_column
DECLARE
    wanted text[] := ARRAY[p_label] || coalesce(p_fallback_labels, '{}');
    p agent_loggy.prompts;
    m agent_loggy.model_configs;
    got text;
    l text;
BEGIN
    -- The usual call (one label, no version, no fallbacks; unbound, or bound to the project asked
    -- for; valid arguments, so that a bad one is 22023 before any grant is looked at) in one
    -- query. It returns a row only when a stored row matches that row level security lets the
    -- caller read (so the project, or the binding, is granted); otherwise the path below checks
    -- the arguments and the grants and explains.
    IF p_version IS NULL AND cardinality(p_fallback_labels) = 0
       AND p_project = coalesce(nullif(current_setting('agent_loggy.project', true), ''), p_project)
       AND agent_loggy.is_valid_project(p_project) AND agent_loggy.is_valid_name(p_name)
       AND (p_label = 'latest' OR cardinality(agent_loggy.invalid_labels(ARRAY[p_label])) = 0) THEN
        RETURN QUERY
        SELECT t.id, t.project, t.name, t.version, t.type, t.template, t.variables, t.labels, t.model, t.parameters,
               c.model_provider, coalesce(c.model_name, t.model), c.parameters, p_label, c.version,
               t.description, t.usage, t.is_active, t.created_by, t.created_at, t.updated_at,
               t.syntax, t.messages, t.tags, t.commit_message
        FROM (SELECT * FROM agent_loggy.prompts AS t
              WHERE t.project = p_project AND t.name = p_name AND t.is_active
                AND (p_label = 'latest' OR t.labels @> ARRAY[p_label])
              ORDER BY t.version DESC
              LIMIT 1) AS t
        LEFT JOIN LATERAL (
            SELECT * FROM agent_loggy.model_configs AS c
            WHERE c.project = t.project AND c.name = t.model AND c.is_active
              AND (c.labels @> ARRAY[p_label] OR NOT EXISTS (  -- a protected label: only its own config
                  SELECT FROM agent_loggy.protected_labels AS pl WHERE pl.project = t.project AND pl.label = p_label))
            ORDER BY c.labels @> ARRAY[p_label] DESC, c.version DESC
            LIMIT 1) AS c ON true;
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;

    PERFORM agent_loggy.check_prompt_args(p_project, p_name,
        CASE WHEN p_version IS NULL THEN wanted ELSE '{}' END, true);
    IF p_version IS NOT NULL THEN
        SELECT * INTO p FROM agent_loggy.prompts AS t
        WHERE t.project = p_project AND t.name = p_name AND t.version = p_version;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'prompt % in project % has no version %', quote_literal(p_name), quote_literal(p_project), p_version
                USING ERRCODE = 'no_data_found';
        END IF;
    ELSE
        FOREACH l IN ARRAY wanted LOOP
            SELECT * INTO p FROM agent_loggy.prompts AS t
            WHERE t.project = p_project AND t.name = p_name AND t.is_active
              AND (l = 'latest' OR t.labels @> ARRAY[l])
            ORDER BY t.version DESC
            LIMIT 1;
            IF FOUND THEN
                got := l;
                EXIT;
            END IF;
        END LOOP;
        IF got IS NULL THEN
            IF EXISTS (SELECT 1 FROM agent_loggy.prompts AS t WHERE t.project = p_project AND t.name = p_name) THEN
                RAISE EXCEPTION 'prompt % in project % has no active version labelled %',
                    quote_literal(p_name), quote_literal(p_project), array_to_string(wanted, ' or ')
                    USING ERRCODE = 'no_data_found',
                          HINT = 'Label a version with set_prompt_label(), or ask for label latest or an exact version.';
            END IF;
            RAISE EXCEPTION 'no prompt named % in project % (asked for label %)',
                quote_literal(p_name), quote_literal(p_project), array_to_string(wanted, ' or ')
                USING ERRCODE = 'no_data_found';
        END IF;
    END IF;

    IF p.model IS NOT NULL THEN
        IF EXISTS (SELECT FROM agent_loggy.protected_labels AS pl WHERE pl.project = p.project AND pl.label = got) THEN
            -- only an admin can put a protected label on a model config: nothing else is served with it
            SELECT * INTO m FROM agent_loggy.model_configs AS c
            WHERE c.project = p.project AND c.name = p.model AND c.is_active AND c.labels @> ARRAY[got];
        ELSE
            SELECT * INTO m FROM agent_loggy.model_configs AS c
            WHERE c.project = p.project AND c.name = p.model AND c.is_active
            ORDER BY c.labels @> ARRAY[coalesce(got, p_label)] DESC, c.version DESC
            LIMIT 1;
        END IF;
    END IF;

    RETURN QUERY SELECT
        p.id, p.project, p.name, p.version, p.type, p.template, p.variables, p.labels, p.model, p.parameters,
        m.model_provider, coalesce(m.model_name, p.model), m.parameters, got, m.version,
        p.description, p.usage, p.is_active, p.created_by, p.created_at, p.updated_at,
        p.syntax, p.messages, p.tags, p.commit_message;
END
$$;

--
-- Name: FUNCTION resolve_prompt_checked(p_name text, p_label text, p_project text, p_version integer, p_fallback_labels text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.resolve_prompt_checked(p_name text, p_label text, p_project text, p_version integer, p_fallback_labels text[]) IS 'resolve_prompt() for the calls its one query does not answer (a version, fallback labels, another project than the bound one, invalid arguments, nothing found): checks the arguments and the binding, then resolves as resolve_prompt() documents; raises 22023, 42501 or P0002 as resolve_prompt() does.';

--
-- Name: resolve_prompt(text, text, text, integer, text[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.resolve_prompt(p_name text, p_label text DEFAULT 'production'::text, p_project text DEFAULT 'default'::text, p_version integer DEFAULT NULL::integer, p_fallback_labels text[] DEFAULT '{}'::text[]) RETURNS TABLE(id bigint, project text, name text, version integer, type text, template text, variables text[], labels text[], model text, parameters jsonb, model_provider text, model_name text, model_parameters jsonb, resolved_label text, model_config_version integer, description text, usage text, is_active boolean, created_by text, created_at timestamp with time zone, updated_at timestamp with time zone, syntax text, messages jsonb, tags text[], commit_message text)
    LANGUAGE sql STABLE
    BEGIN ATOMIC
 WITH usual AS MATERIALIZED (
          SELECT t.id,
             t.project,
             t.name,
             t.version,
             t.type,
             t.template,
             t.variables,
             t.labels,
             t.model,
             t.parameters,
             c.model_provider,
             COALESCE(c.model_name, t.model) AS model_name,
             c.parameters AS model_parameters,
             resolve_prompt.p_label AS resolved_label,
             c.version AS model_config_version,
             t.description,
             t.usage,
             t.is_active,
             t.created_by,
             t.created_at,
             t.updated_at,
             t.syntax,
             t.messages,
             t.tags,
             t.commit_message
            FROM (( SELECT t_1.id,
                     t_1.project,
                     t_1.name,
                     t_1.version,
                     t_1.type,
                     t_1.template,
                     t_1.description,
                     t_1.usage,
                     t_1.model,
                     t_1.parameters,
                     t_1.embedding,
                     t_1.labels,
                     t_1.variables,
                     t_1.is_active,
                     t_1.created_by,
                     t_1.created_at,
                     t_1.updated_at,
                     t_1.output_schema,
                     t_1.syntax,
                     t_1.messages,
                     t_1.tags,
                     t_1.commit_message
                    FROM agent_loggy.prompts t_1
                   WHERE ((resolve_prompt.p_version IS NULL) AND (cardinality(resolve_prompt.p_fallback_labels) = 0) AND (resolve_prompt.p_project = COALESCE(NULLIF(current_setting('agent_loggy.project'::text, true), ''::text), resolve_prompt.p_project)) AND agent_loggy.is_valid_project(resolve_prompt.p_project) AND agent_loggy.is_valid_name(resolve_prompt.p_name) AND ((resolve_prompt.p_label = 'latest'::text) OR (cardinality(agent_loggy.invalid_labels(ARRAY[resolve_prompt.p_label])) = 0)) AND (t_1.project = resolve_prompt.p_project) AND (t_1.name = resolve_prompt.p_name) AND t_1.is_active AND ((resolve_prompt.p_label = 'latest'::text) OR (t_1.labels @> ARRAY[resolve_prompt.p_label])))
                   ORDER BY t_1.version DESC
                  LIMIT 1) t
              LEFT JOIN LATERAL ( SELECT c_1.id,
                     c_1.project,
                     c_1.name,
                     c_1.version,
                     c_1.model_provider,
                     c_1.model_name,
                     c_1.parameters,
                     c_1.labels,
                     c_1.is_active,
                     c_1.created_at,
                     c_1.updated_at
                    FROM agent_loggy.model_configs c_1
                   WHERE ((c_1.project = t.project) AND (c_1.name = t.model) AND c_1.is_active AND ((c_1.labels @> ARRAY[resolve_prompt.p_label]) OR (NOT (EXISTS ( SELECT
                            FROM agent_loggy.protected_labels pl
                           WHERE ((pl.project = t.project) AND (pl.label = resolve_prompt.p_label)))))))
                   ORDER BY (c_1.labels @> ARRAY[resolve_prompt.p_label]) DESC, c_1.version DESC
                  LIMIT 1) c ON (true))
         )
  SELECT usual.id,
     usual.project,
     usual.name,
     usual.version,
     usual.type,
     usual.template,
     usual.variables,
     usual.labels,
     usual.model,
     usual.parameters,
     usual.model_provider,
     usual.model_name,
     usual.model_parameters,
     usual.resolved_label,
     usual.model_config_version,
     usual.description,
     usual.usage,
     usual.is_active,
     usual.created_by,
     usual.created_at,
     usual.updated_at,
     usual.syntax,
     usual.messages,
     usual.tags,
     usual.commit_message
    FROM usual
 UNION ALL
  SELECT resolve_prompt_checked.id,
     resolve_prompt_checked.project,
     resolve_prompt_checked.name,
     resolve_prompt_checked.version,
     resolve_prompt_checked.type,
     resolve_prompt_checked.template,
     resolve_prompt_checked.variables,
     resolve_prompt_checked.labels,
     resolve_prompt_checked.model,
     resolve_prompt_checked.parameters,
     resolve_prompt_checked.model_provider,
     resolve_prompt_checked.model_name,
     resolve_prompt_checked.model_parameters,
     resolve_prompt_checked.resolved_label,
     resolve_prompt_checked.model_config_version,
     resolve_prompt_checked.description,
     resolve_prompt_checked.usage,
     resolve_prompt_checked.is_active,
     resolve_prompt_checked.created_by,
     resolve_prompt_checked.created_at,
     resolve_prompt_checked.updated_at,
     resolve_prompt_checked.syntax,
     resolve_prompt_checked.messages,
     resolve_prompt_checked.tags,
     resolve_prompt_checked.commit_message
    FROM agent_loggy.resolve_prompt_checked(resolve_prompt.p_name, resolve_prompt.p_label, resolve_prompt.p_project, resolve_prompt.p_version, resolve_prompt.p_fallback_labels) resolve_prompt_checked(id, project, name, version, type, template, variables, labels, model, parameters, model_provider, model_name, model_parameters, resolved_label, model_config_version, description, usage, is_active, created_by, created_at, updated_at, syntax, messages, tags, commit_message)
   WHERE (NOT (EXISTS ( SELECT
            FROM usual)));
END;

--
-- Name: FUNCTION resolve_prompt(p_name text, p_label text, p_project text, p_version integer, p_fallback_labels text[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.resolve_prompt(p_name text, p_label text, p_project text, p_version integer, p_fallback_labels text[]) IS 'The one call agents make: the prompt version to use, with its model config. With p_version, exactly that version (even if inactive). Otherwise the active version carrying p_label, then each of p_fallback_labels in order; label latest means the highest active version. Model fields come from the active model_configs row named by the prompt''s model in the same project: for a protected label (protected_labels) only the version carrying that label, so that only an admin changes what it serves; otherwise the version carrying the resolved label if any, else the highest. Without such a config, model_name is the prompt''s model and model_provider is NULL. The usual call (one label, no version, no fallbacks; unbound or bound to p_project) is one query the planner inlines into the caller''s, under row level security; any other call, or one that finds nothing, goes to resolve_prompt_checked(), which checks its arguments and the binding first. Chat prompts carry their messages (render them with render_chat()), every prompt its syntax (render_prompt(template, variables, syntax)), tags and commit_message. Nothing found: SQLSTATE P0002 naming project, prompt and what was asked.';

--
-- Name: resolve_version_ref(text, text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.resolve_version_ref(p_name text, p_ref text, p_project text) RETURNS integer
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    held integer;
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    IF p_ref ~ '^[0-9]{1,10}$' THEN
        RETURN p_ref::integer;
    END IF;
    SELECT p.version INTO held FROM agent_loggy.prompts AS p
    WHERE p.project = p_project AND p.name = p_name AND p.labels @> ARRAY[p_ref];
    IF NOT FOUND THEN
        RAISE EXCEPTION 'prompt % in project % has no version % and no version labelled %', quote_literal(p_name),
            quote_literal(p_project), quote_nullable(p_ref), quote_nullable(p_ref) USING ERRCODE = 'no_data_found';
    END IF;
    RETURN held;
END
$_$;

--
-- Name: FUNCTION resolve_version_ref(p_name text, p_ref text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.resolve_version_ref(p_name text, p_ref text, p_project text) IS 'A version of prompt p_name in p_project given as a number, or the version a label marks now (P0002 when there is none).';

--
-- Name: revoke_project(text, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.revoke_project(p_role text, p_project text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    removed text;
BEGIN
    IF NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to revoke project %: only agent_loggy_admin revokes grants', quote_nullable(p_project)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM agent_loggy.project_grants AS g WHERE g.project = p_project AND g.grantee = p_role
    RETURNING g.level INTO removed;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'role % holds no grant for project %', quote_nullable(p_role), quote_nullable(p_project)
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN removed;
END
$$;

--
-- Name: FUNCTION revoke_project(p_role text, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.revoke_project(p_role text, p_project text) IS 'Admin only: takes away the grant of p_role for p_project and returns its level; P0002 when there is none. Recorded in the changelog (type grant, delete). Grants through group roles stay: revoke those from the group.';

--
-- Name: rrf_candidates(integer, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.rrf_candidates(p_limit integer, p_rrf_k integer) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (p_rrf_k + (2 * p_limit));

--
-- Name: FUNCTION rrf_candidates(p_limit integer, p_rrf_k integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.rrf_candidates(p_limit integer, p_rrf_k integer) IS 'How many candidates each branch of a hybrid search ranks (its window): rrf_k + 2 * limit, 80 for the defaults. A rank counts only inside its window (a row beyond it gets 0 from that branch, as with Elasticsearch''s rank_window_size). The depth is enough for the top limit: its last score is at least w_max / (rrf_k + limit) (the heavier branch''s own top rows), while a row outside both windows could score at most (w_keyword + w_semantic) / (rrf_k + depth + 1) < 2 w_max / (2 rrf_k + 2 limit), even counted at its true ranks. So no row outside both windows could enter the top limit, whatever the weights.';

--
-- Name: rrf_fuse(bigint[], bigint[], double precision, double precision, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer) RETURNS TABLE(id bigint, score double precision, keyword_rank integer, semantic_rank integer)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT coalesce(k.id, s.id),
           coalesce(p_keyword_weight / (p_rrf_k + k.rank), 0) + coalesce(p_semantic_weight / (p_rrf_k + s.rank), 0),
           k.rank::integer, s.rank::integer
    FROM unnest(p_keyword_ids) WITH ORDINALITY AS k (id, rank)
    FULL JOIN unnest(p_semantic_ids) WITH ORDINALITY AS s (id, rank) ON s.id = k.id
    ORDER BY 2 DESC, 1
$$;

--
-- Name: FUNCTION rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer) IS 'Reciprocal rank fusion of two ranked id lists (best first): score = keyword_weight / (rrf_k + keyword_rank) + semantic_weight / (rrf_k + semantic_rank), a missing rank contributing 0; ranks are 1-based positions in the lists. Sorted by score, then id.';

--
-- Name: rrf_fuse(bigint[], bigint[], bigint[], double precision, double precision, double precision, integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_fuzzy_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer) RETURNS TABLE(id bigint, score double precision, keyword_rank integer, semantic_rank integer, fuzzy_rank integer)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
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

--
-- Name: FUNCTION rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_fuzzy_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_fuzzy_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer) IS 'Reciprocal rank fusion of three ranked id lists (best first): score = keyword_weight / (rrf_k + keyword_rank) + semantic_weight / (rrf_k + semantic_rank) + fuzzy_weight / (rrf_k + fuzzy_rank), a missing rank contributing 0; ranks are 1-based positions in the lists. Sorted by score, then id.';

--
-- Name: run_score(double precision, double precision, double precision); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.run_score(p_value double precision, p_min double precision, p_max double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN (((100)::double precision * (p_value - p_min)) / (p_max - p_min));

--
-- Name: FUNCTION run_score(p_value double precision, p_min double precision, p_max double precision); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.run_score(p_value double precision, p_min double precision, p_max double precision) IS 'A score on the 0-100 scale whatever scale it was given on, for comparisons: a value on a scale of 1-5 or 0-1e300 weighs what a value on 0-100 does.';

--
-- Name: search_context_rules(public.vector, text, integer, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.search_context_rules(p_query public.vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 5, p_embedding_config_id bigint DEFAULT NULL::bigint) RETURNS TABLE(id bigint, project text, context text, version integer, important text, ignore text, description text, similarity double precision)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    asked_project text := agent_loggy.checked_project(p_project);
    asked_limit integer := agent_loggy.checked_limit(p_limit);
    config_id bigint := coalesce(p_embedding_config_id, agent_loggy.search_embedding_config(asked_project));
    config agent_loggy.embedding_configs;
    q vector;
    ids bigint[];
BEGIN
    IF config_id IS NULL THEN
        q := agent_loggy.checked_query_vector(p_query);
        ids := agent_loggy.nearest_context_rule_ids(q, asked_project, asked_limit);
        RETURN QUERY
        SELECT r.id, r.project, r.context, r.version, r.important, r.ignore, r.description, 1 - (r.embedding <=> q)
        FROM unnest(ids) WITH ORDINALITY AS n (id, rank)
        JOIN agent_loggy.context_rules AS r ON r.id = n.id
        ORDER BY n.rank;
        RETURN;
    END IF;
    config := agent_loggy.checked_config_query(p_query, config_id, asked_project);
    RETURN QUERY
    SELECT r.id, r.project, r.context, r.version, r.important, r.ignore, r.description,
           agent_loggy.vector_similarity(config.distance, n.distance)
    FROM agent_loggy.nearest_config_ids('context_rules', config.id, p_query, asked_project, asked_limit, NULL)
         WITH ORDINALITY AS n (id, chunk, distance, chunk_start, chunk_end, rank)
    JOIN agent_loggy.context_rules AS r ON r.id = n.id
    ORDER BY n.rank;
END
$$;

--
-- Name: FUNCTION search_context_rules(p_query public.vector, p_project text, p_limit integer, p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.search_context_rules(p_query public.vector, p_project text, p_limit integer, p_embedding_config_id bigint) IS 'The p_limit current context rules of p_project nearest to p_query, nearest first, in embedding config p_embedding_config_id (default: the project''s search config; none: the vector(384) column); similarity as search_documents().';

--
-- Name: search_documents(public.vector, text, integer, text[], bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.search_documents(p_query public.vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL::text[], p_embedding_config_id bigint DEFAULT NULL::bigint) RETURNS TABLE(id bigint, project text, source text, external_id text, title text, content text, tags text[], metadata jsonb, similarity double precision, chunk integer, chunk_start integer, chunk_end integer)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    asked_project text := agent_loggy.checked_project(p_project);
    asked_limit integer := agent_loggy.checked_limit(p_limit);
    asked_tags text[] := agent_loggy.checked_tags(p_tags);
    config_id bigint := coalesce(p_embedding_config_id, agent_loggy.search_embedding_config(asked_project));
    config agent_loggy.embedding_configs;
    q vector;
    ids bigint[];
BEGIN
    IF config_id IS NULL THEN  -- the vector(384) column
        q := agent_loggy.checked_query_vector(p_query);
        -- in a variable: unnest(f(...)) of a STABLE f would run f once more while planning (row estimate)
        ids := agent_loggy.nearest_document_ids(q, asked_project, asked_limit, asked_tags);
        RETURN QUERY
        SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata,
               1 - (d.embedding <=> q), NULL::integer, NULL::integer, NULL::integer
        FROM unnest(ids) WITH ORDINALITY AS n (id, rank)
        JOIN agent_loggy.documents AS d ON d.id = n.id
        ORDER BY n.rank;
        RETURN;
    END IF;
    config := agent_loggy.checked_config_query(p_query, config_id, asked_project);
    RETURN QUERY
    SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata,
           agent_loggy.vector_similarity(config.distance, n.distance), n.chunk, n.chunk_start, n.chunk_end
    FROM agent_loggy.nearest_config_ids('documents', config.id, p_query, asked_project, asked_limit, asked_tags)
         WITH ORDINALITY AS n (id, chunk, distance, chunk_start, chunk_end, rank)
    JOIN agent_loggy.documents AS d ON d.id = n.id
    ORDER BY n.rank;
END
$$;

--
-- Name: FUNCTION search_documents(p_query public.vector, p_project text, p_limit integer, p_tags text[], p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.search_documents(p_query public.vector, p_project text, p_limit integer, p_tags text[], p_embedding_config_id bigint) IS 'The p_limit documents of p_project carrying all p_tags (NULL: any) nearest to p_query, nearest first, in embedding config p_embedding_config_id (default: the project''s search config, search_embedding_config(); none: the vector(384) column). similarity: vector_similarity() of the config''s distance (1 - cosine distance for the column); chunk, chunk_start, chunk_end: the document''s best chunk and where it lies in its embedding input (characters; NULL for the column). 22023 for a query whose dimensions are not the config''s, naming both.';

--
-- Name: search_embedding_configs; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.search_embedding_configs (
    project text NOT NULL,
    embedding_config_id bigint NOT NULL,
    chosen_by text DEFAULT COALESCE(NULLIF(current_setting('agent_loggy.actor'::text, true), ''::text), (SESSION_USER)::text) NOT NULL,
    chosen_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT search_embedding_configs_project_check CHECK (agent_loggy.is_valid_project(project))
);

--
-- Name: TABLE search_embedding_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.search_embedding_configs IS 'The embedding config each project''s searches use when they name none (use_embedding_config()); a project without a row searches the vector(384) columns.';

--
-- Name: COLUMN search_embedding_configs.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.search_embedding_configs.project IS 'The project.';

--
-- Name: COLUMN search_embedding_configs.embedding_config_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.search_embedding_configs.embedding_config_id IS 'The config (of the project) whose store its searches read.';

--
-- Name: COLUMN search_embedding_configs.chosen_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.search_embedding_configs.chosen_by IS 'Who chose it: agent_loggy.actor when set, else the login.';

--
-- Name: COLUMN search_embedding_configs.chosen_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.search_embedding_configs.chosen_at IS 'When.';

--
-- Name: search_embedding_config(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.search_embedding_config(p_project text) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT s.embedding_config_id FROM agent_loggy.search_embedding_configs s WHERE (s.project = search_embedding_config.p_project));

--
-- Name: FUNCTION search_embedding_config(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.search_embedding_config(p_project text) IS 'The embedding config p_project''s searches use when they name none; NULL: the vector(384) columns.';

--
-- Name: search_prompts(public.vector, text, integer, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.search_prompts(p_query public.vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 5, p_embedding_config_id bigint DEFAULT NULL::bigint) RETURNS TABLE(id bigint, project text, name text, version integer, type text, description text, usage text, labels text[], similarity double precision)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    asked_project text := agent_loggy.checked_project(p_project);
    asked_limit integer := agent_loggy.checked_limit(p_limit);
    config_id bigint := coalesce(p_embedding_config_id, agent_loggy.search_embedding_config(asked_project));
    config agent_loggy.embedding_configs;
    q vector;
    ids bigint[];
BEGIN
    IF config_id IS NULL THEN
        q := agent_loggy.checked_query_vector(p_query);
        ids := agent_loggy.nearest_prompt_ids(q, asked_project, asked_limit);
        RETURN QUERY
        SELECT p.id, p.project, p.name, p.version, p.type, p.description, p.usage, p.labels, 1 - (p.embedding <=> q)
        FROM unnest(ids) WITH ORDINALITY AS n (id, rank)
        JOIN agent_loggy.prompts AS p ON p.id = n.id
        ORDER BY n.rank;
        RETURN;
    END IF;
    config := agent_loggy.checked_config_query(p_query, config_id, asked_project);
    RETURN QUERY
    SELECT p.id, p.project, p.name, p.version, p.type, p.description, p.usage, p.labels,
           agent_loggy.vector_similarity(config.distance, n.distance)
    FROM agent_loggy.nearest_config_ids('prompts', config.id, p_query, asked_project, asked_limit, NULL)
         WITH ORDINALITY AS n (id, chunk, distance, chunk_start, chunk_end, rank)
    JOIN agent_loggy.prompts AS p ON p.id = n.id
    ORDER BY n.rank;
END
$$;

--
-- Name: FUNCTION search_prompts(p_query public.vector, p_project text, p_limit integer, p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.search_prompts(p_query public.vector, p_project text, p_limit integer, p_embedding_config_id bigint) IS 'The p_limit prompts of p_project (the newest active version of each name) nearest to p_query, nearest first, in embedding config p_embedding_config_id (default: the project''s search config; none: the vector(384) column); similarity as search_documents().';

--
-- Name: sees_every_project(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.sees_every_project() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN ((NULLIF(current_setting('agent_loggy.project'::text, true), ''::text) IS NULL) AND agent_loggy.is_admin());

--
-- Name: FUNCTION sees_every_project(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.sees_every_project() IS 'True for admin with no project bound: the policies then let every project through. False as soon as a project is bound, without validating the binding: visible_projects(), the other half of every read policy, validates it.';

--
-- Name: sees_every_user(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.sees_every_user() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN ((agent_loggy.acting_user() IS NULL) AND agent_loggy.is_admin());

--
-- Name: FUNCTION sees_every_user(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.sees_every_user() IS 'True for admin (the current role) acting for no user: the user policies then let every user''s rows through.';

--
-- Name: serialize_writes(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.serialize_writes() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM agent_loggy.lock_writes(TG_TABLE_NAME, agent_loggy.bound_project());
    RETURN NULL;
END
$$;

--
-- Name: FUNCTION serialize_writes(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.serialize_writes() IS 'BEFORE INSERT/UPDATE/DELETE statement trigger of prompts and model_configs: takes the write lock of the bound project (lock_writes) before the statement locks any row.';

--
-- Name: session_is_admin(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.session_is_admin() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN (pg_has_role(SESSION_USER, 'agent_loggy_admin'::name, 'USAGE'::text) OR pg_has_role(SESSION_USER, (SELECT n.nspowner FROM pg_namespace n WHERE (n.nspname = 'agent_loggy'::name)), 'USAGE'::text));

--
-- Name: FUNCTION session_is_admin(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.session_is_admin() IS 'is_admin() for the login (session_user), which a SECURITY DEFINER function must ask: inside one, current_user is the owner.';

--
-- Name: session_may_read(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.session_may_read(p_project text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN CASE WHEN ((NULLIF(current_setting('agent_loggy.project'::text, true), ''::text) IS NOT NULL) AND (current_setting('agent_loggy.project'::text, true) IS DISTINCT FROM p_project)) THEN false ELSE (agent_loggy.session_is_admin() OR (EXISTS (SELECT FROM (agent_loggy.project_grants g JOIN pg_roles r ON ((r.rolname = g.grantee))) WHERE ((g.project = session_may_read.p_project) AND pg_has_role(SESSION_USER, r.oid, 'USAGE'::text))))) END;

--
-- Name: FUNCTION session_may_read(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.session_may_read(p_project text) IS 'can_access_project() for the login (session_user), which a SECURITY DEFINER function must ask: p_project is the bound project, or with none bound, the login is admin or holds a grant for it (itself or through a role whose privileges it has). A binding to a project the login holds no grant for reaches nothing.';

--
-- Name: session_sees_every_user(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.session_sees_every_user() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN ((agent_loggy.acting_user() IS NULL) AND agent_loggy.session_is_admin());

--
-- Name: FUNCTION session_sees_every_user(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.session_sees_every_user() IS 'sees_every_user() for the login (session_user), which a SECURITY DEFINER function must ask: inside one, current_user is the owner.';

--
-- Name: promotion_policies; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.promotion_policies (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    label text NOT NULL,
    min_runs integer DEFAULT 0 NOT NULL,
    max_error_rate double precision,
    min_valid_rate double precision,
    score_name text,
    score_tolerance double precision,
    window_length interval DEFAULT '30 days'::interval NOT NULL,
    updated_by text DEFAULT SESSION_USER NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT promotion_policies_label_check CHECK (((label ~ '^[a-z0-9_.-]{1,36}$'::text) AND (label <> 'latest'::text))),
    CONSTRAINT promotion_policies_max_error_rate_check CHECK (((max_error_rate >= (0)::double precision) AND (max_error_rate <= (1)::double precision))),
    CONSTRAINT promotion_policies_min_runs_check CHECK (((min_runs >= 0) AND (min_runs <= 1000000000))),
    CONSTRAINT promotion_policies_min_valid_rate_check CHECK (((min_valid_rate >= (0)::double precision) AND (min_valid_rate <= (1)::double precision))),
    CONSTRAINT promotion_policies_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT promotion_policies_score_check CHECK ((((score_name IS NULL) = (score_tolerance IS NULL)) AND (score_name ~ '^[a-z][a-z0-9_.-]{0,62}$'::text) AND (score_tolerance >= (0)::double precision) AND (score_tolerance < 'Infinity'::double precision))),
    CONSTRAINT promotion_policies_window_check CHECK (((window_length > '00:00:00'::interval) AND (window_length <= '10 years'::interval)))
);

--
-- Name: TABLE promotion_policies; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.promotion_policies IS 'What a prompt version must have shown before a label moves onto it, per project and label: at least min_runs runs, an error rate of at most max_error_rate, a valid-output rate of at least min_valid_rate, and a mean score_name no more than score_tolerance below the current holder''s, all over the last window_length. Set by admins (set_promotion_policy).';

--
-- Name: COLUMN promotion_policies.id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.id IS 'Identity of the policy.';

--
-- Name: COLUMN promotion_policies.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.project IS 'Project whose label it guards.';

--
-- Name: COLUMN promotion_policies.label; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.label IS 'The label it guards (e.g. production).';

--
-- Name: COLUMN promotion_policies.min_runs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.min_runs IS 'Runs the candidate version needs in the window.';

--
-- Name: COLUMN promotion_policies.max_error_rate; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.max_error_rate IS 'Highest error rate (failed / runs) allowed; NULL: no rule.';

--
-- Name: COLUMN promotion_policies.min_valid_rate; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.min_valid_rate IS 'Lowest valid-output rate (valid / runs validated) allowed; NULL: no rule.';

--
-- Name: COLUMN promotion_policies.score_name; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.score_name IS 'Run score compared with the current holder''s; NULL: no rule.';

--
-- Name: COLUMN promotion_policies.score_tolerance; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.score_tolerance IS 'How far the candidate''s mean score may fall below the holder''s.';

--
-- Name: COLUMN promotion_policies.window_length; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.window_length IS 'How far back the runs counted go.';

--
-- Name: COLUMN promotion_policies.updated_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.updated_by IS 'Login role that last set the policy.';

--
-- Name: COLUMN promotion_policies.updated_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.promotion_policies.updated_at IS 'When the policy was last set.';

--
-- Name: set_promotion_policy(text, text, integer, double precision, double precision, text, double precision, interval); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.set_promotion_policy(p_label text, p_project text DEFAULT 'default'::text, p_min_runs integer DEFAULT 0, p_max_error_rate double precision DEFAULT NULL::double precision, p_min_valid_rate double precision DEFAULT NULL::double precision, p_score_name text DEFAULT NULL::text, p_score_tolerance double precision DEFAULT NULL::double precision, p_window interval DEFAULT '30 days'::interval) RETURNS agent_loggy.promotion_policies
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    result agent_loggy.promotion_policies;
BEGIN
    IF NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to set the promotion policy of label %: only agent_loggy_admin sets policies',
            quote_nullable(p_label) USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO agent_loggy.promotion_policies AS p (project, label, min_runs, max_error_rate, min_valid_rate,
                                                     score_name, score_tolerance, window_length)
    VALUES (p_project, p_label, coalesce(p_min_runs, 0), p_max_error_rate, p_min_valid_rate, p_score_name,
            CASE WHEN p_score_name IS NOT NULL THEN coalesce(p_score_tolerance, 0) ELSE p_score_tolerance END,
            coalesce(p_window, '30 days'))
    ON CONFLICT (project, label) DO UPDATE
        SET min_runs = EXCLUDED.min_runs, max_error_rate = EXCLUDED.max_error_rate,
            min_valid_rate = EXCLUDED.min_valid_rate, score_name = EXCLUDED.score_name,
            score_tolerance = EXCLUDED.score_tolerance, window_length = EXCLUDED.window_length,
            updated_by = session_user, updated_at = now()
    RETURNING * INTO result;
    RETURN result;
END
$$;

--
-- Name: FUNCTION set_promotion_policy(p_label text, p_project text, p_min_runs integer, p_max_error_rate double precision, p_min_valid_rate double precision, p_score_name text, p_score_tolerance double precision, p_window interval); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.set_promotion_policy(p_label text, p_project text, p_min_runs integer, p_max_error_rate double precision, p_min_valid_rate double precision, p_score_name text, p_score_tolerance double precision, p_window interval) IS 'Admin only: sets (creates or replaces) the promotion policy of label p_label in p_project and returns it. A score rule needs a score name; its tolerance defaults to 0.';

--
-- Name: set_prompt_output_schema(text, integer, jsonb, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.set_prompt_output_schema(p_name text, p_version integer, p_schema jsonb, p_project text DEFAULT 'default'::text) RETURNS agent_loggy.prompts
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    target agent_loggy.prompts;
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    UPDATE agent_loggy.prompts AS t SET output_schema = p_schema
    WHERE t.project = p_project AND t.name = p_name AND t.version = p_version
    RETURNING * INTO target;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'prompt % in project % has no version %', quote_literal(p_name), quote_literal(p_project),
            coalesce(p_version::text, 'NULL') USING ERRCODE = 'no_data_found';
    END IF;
    RETURN target;
END
$$;

--
-- Name: FUNCTION set_prompt_output_schema(p_name text, p_version integer, p_schema jsonb, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.set_prompt_output_schema(p_name text, p_version integer, p_schema jsonb, p_project text) IS 'Writers: declares the JSON Schema (an object; NULL removes it) the output of a prompt version must meet; refused once the version has runs. Recorded in the changelog as an update.';

--
-- Name: set_prompt_tags(text, integer, text[], text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.set_prompt_tags(p_name text, p_version integer, p_tags text[], p_project text DEFAULT 'default'::text) RETURNS text[]
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    stored text[];
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name);
    IF p_tags IS NULL THEN
        RAISE EXCEPTION 'tags must be an array (empty to remove every tag), not NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_version IS NULL THEN
        RAISE EXCEPTION 'a version number is needed, not NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM agent_loggy.checked_prompt_tags(p_tags);
    UPDATE agent_loggy.prompts AS t SET tags = p_tags
    WHERE t.project = p_project AND t.name = p_name AND t.version = p_version
    RETURNING t.tags INTO stored;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'prompt % in project % has no version %', quote_literal(p_name), quote_literal(p_project),
            p_version USING ERRCODE = 'no_data_found';
    END IF;
    RETURN stored;
END
$$;

--
-- Name: FUNCTION set_prompt_tags(p_name text, p_version integer, p_tags text[], p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.set_prompt_tags(p_name text, p_version integer, p_tags text[], p_project text) IS 'Replaces the tags of one prompt version and returns them as stored (distinct, sorted); the changelog records an update of tags (prompt_history() shows it as tag). Writers. 22023 naming an invalid tag, P0002 when the version does not exist.';

--
-- Name: shown(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.shown(p_value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN (p_value IS NULL) THEN 'NULL'::text ELSE ((''''::text || replace(COALESCE((SELECT string_agg(CASE WHEN (t.c ~ '[[:cntrl:]\u2028\u2029\u202a-\u202e\u2066-\u2069]'::text) THEN CASE WHEN (ascii(t.c) > 255) THEN ('\u'::text || lpad(to_hex(ascii(t.c)), 4, '0'::text)) ELSE ('\x'::text || lpad(to_hex(ascii(t.c)), 2, '0'::text)) END ELSE t.c END, ''::text ORDER BY t.i) AS string_agg FROM unnest(string_to_array("left"(shown.p_value, 200), NULL::text)) WITH ORDINALITY t(c, i)), ''::text), ''''::text, ''''''::text)) || ''''::text) END;

--
-- Name: FUNCTION shown(p_value text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.shown(p_value text) IS 'p_value for an error message: its first 200 characters, control, line-separator and bidirectional characters written as \xNN / \uNNNN escapes, in single quotes (quotes doubled; NULL unquoted), so that a hostile value cannot forge lines or reorder text in a message or the server log.';

--
-- Name: similar_investigations(public.vector, text, integer, text, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.similar_investigations(p_query public.vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 5, p_requested_by text DEFAULT NULL::text, p_embedding_config_id bigint DEFAULT NULL::bigint) RETURNS TABLE(id bigint, external_ref text, requested_by text, query text, status agent_loggy.investigation_status, created_at timestamp with time zone, similarity double precision)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    config_id bigint;
    config agent_loggy.embedding_configs;
    q vector;
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION 'invalid limit %: expected 1-1000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    config_id := coalesce(p_embedding_config_id, agent_loggy.search_embedding_config(p_project));
    IF config_id IS NULL THEN  -- the vector(384) column
        q := agent_loggy.checked_query_vector(p_query);
        RETURN QUERY
        SELECT i.id, i.external_ref, i.requested_by, i.query, i.status, i.created_at,
               1 - (i.embedding <=> q)
        FROM agent_loggy.investigations AS i
        WHERE i.project = p_project AND i.embedding IS NOT NULL
          AND (p_requested_by IS NULL OR i.requested_by = p_requested_by)
        ORDER BY (i.embedding <=> q) + 0  -- exact: an HNSW scan filtered by project could return fewer rows
        LIMIT p_limit;
        RETURN;
    END IF;
    config := agent_loggy.checked_config_query(p_query, config_id, p_project);
    RETURN QUERY
    SELECT i.id, i.external_ref, i.requested_by, i.query, i.status, i.created_at,
           agent_loggy.vector_similarity(config.distance, n.distance)
    FROM agent_loggy.nearest_config_ids('investigations', config.id, p_query, p_project, p_limit,
                                        CASE WHEN p_requested_by IS NOT NULL THEN ARRAY[p_requested_by] END)
         WITH ORDINALITY AS n (id, chunk, distance, chunk_start, chunk_end, rank)
    JOIN agent_loggy.investigations AS i ON i.id = n.id
    ORDER BY n.rank;
END
$$;

--
-- Name: FUNCTION similar_investigations(p_query public.vector, p_project text, p_limit integer, p_requested_by text, p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.similar_investigations(p_query public.vector, p_project text, p_limit integer, p_requested_by text, p_embedding_config_id bigint) IS 'The p_limit past investigations of p_project whose query vectors are nearest p_query, optionally only those asked by p_requested_by, nearest first, in embedding config p_embedding_config_id (default: the project''s search config, search_embedding_config(); none: the vector(384) column, searched exactly, similarity 1 - cosine distance). In a config: through its HNSW index with an exact fallback (nearest_config_ids), similarity vector_similarity() of its distance; 22023 for a query whose dimensions are not the config''s, naming both.';

--
-- Name: stage_documents(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.stage_documents() RETURNS regclass
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF to_regclass('pg_temp.agent_loggy_staged_documents') IS NOT NULL THEN
        DROP TABLE pg_temp.agent_loggy_staged_documents;
    END IF;
    CREATE TEMP TABLE agent_loggy_staged_documents (
        line        bigint NOT NULL,
        external_id text,
        title       text,
        content     text,
        tags        text[] NOT NULL DEFAULT '{}',
        metadata    jsonb NOT NULL DEFAULT '{}',
        embedding   vector
    ) ON COMMIT DROP;
    RETURN 'pg_temp.agent_loggy_staged_documents'::regclass;
END
$$;

--
-- Name: FUNCTION stage_documents(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.stage_documents() IS 'Creates (or empties) pg_temp.agent_loggy_staged_documents (line, external_id, title, content, tags, metadata, embedding), dropped at commit, and returns it; COPY the rows of a load into it, then call load_staged_documents() in the same transaction. line is the row''s place in the source file, used in error messages.';

--
-- Name: stage_runs(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.stage_runs() RETURNS regclass
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF to_regclass('pg_temp.agent_loggy_staged_runs') IS NOT NULL THEN
        DROP TABLE pg_temp.agent_loggy_staged_runs;
    END IF;
    CREATE TEMP TABLE agent_loggy_staged_runs (
        project text, investigation_id bigint, prompt_name text, prompt_version integer, label text,
        model_config_version integer, model_provider text, model_name text, variables jsonb, rendered_hash text,
        output text, parsed_output jsonb, output_valid boolean, output_errors text[], status agent_loggy.run_status,
        error text, latency_ms double precision, input_tokens integer, output_tokens integer, cost numeric,
        started_at timestamptz, finished_at timestamptz, trace_id text, span_id text
    ) ON COMMIT DROP;
    RETURN 'pg_temp.agent_loggy_staged_runs'::regclass;
END
$$;

--
-- Name: FUNCTION stage_runs(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.stage_runs() IS 'Creates (or empties) pg_temp.agent_loggy_staged_runs, with the columns a caller gives a run, dropped at commit, and returns it: COPY a batch of runs into it, then call record_staged_runs() in the same transaction.';

--
-- Name: staged_document_problems(integer); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.staged_document_problems(p_limit integer DEFAULT 50) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF to_regclass('pg_temp.agent_loggy_staged_documents') IS NULL THEN
        RAISE EXCEPTION 'nothing is staged: call agent_loggy.stage_documents() first, in the same transaction'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN ARRAY(
        SELECT format('line %s: %s', p.line, p.problem)
        FROM (
            SELECT s.line, CASE
                WHEN s.external_id IS NULL OR s.external_id !~ '\S' THEN 'external_id is missing or blank'
                WHEN octet_length(s.external_id) > 1000 THEN 'external_id is longer than 1000 bytes'
                WHEN s.first_line < s.line THEN format('external_id %s is also on line %s', quote_literal(s.external_id), s.first_line)
                WHEN s.content IS NULL OR s.content !~ '\S' THEN 'content is missing or blank'
                WHEN octet_length(s.content) + coalesce(octet_length(s.title), 0) > 1000000 THEN
                    'title and content are longer than 1 MB (too long for full-text search): split the document into chunks'
                WHEN NOT agent_loggy.are_valid_tags(s.tags) THEN
                    format('invalid tags %s: expected non-blank tags of at most 128 characters', s.tags)
                WHEN jsonb_typeof(s.metadata) <> 'object' THEN
                    format('metadata is a JSON %s: expected an object', jsonb_typeof(s.metadata))
                WHEN vector_dims(s.embedding) <> 384 THEN
                    format('embedding has %s dimensions: expected 384', vector_dims(s.embedding))
                WHEN vector_norm(s.embedding) = 0 THEN 'embedding is all zeros'
                WHEN NOT agent_loggy.is_searchable_vector(s.embedding) THEN
                    format('embedding has norm %s: expected a norm between 1e-18 and 1e19', vector_norm(s.embedding))
                WHEN NOT agent_loggy.is_readable_json(s.metadata) THEN 'metadata nests deeper than 64 levels or holds a number beyond double precision'
            END AS problem
            FROM (SELECT t.*, min(t.line) OVER (PARTITION BY t.external_id) AS first_line
                  FROM pg_temp.agent_loggy_staged_documents AS t) AS s
        ) AS p
        WHERE p.problem IS NOT NULL
        ORDER BY p.line
        LIMIT p_limit);
END
$$;

--
-- Name: FUNCTION staged_document_problems(p_limit integer); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.staged_document_problems(p_limit integer) IS 'What is wrong with the staged rows, at most p_limit of them, as "line N: reason" in line order (blank or duplicate external_id, blank content, text over 1 MB, bad tags, metadata that is not an object, an embedding that is not 384 non-zero dimensions). Empty when the load can go ahead.';

--
-- Name: start_investigation(text, text, text, text, jsonb, agent_loggy.investigation_status, public.vector, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.start_investigation(p_query text, p_project text DEFAULT 'default'::text, p_external_ref text DEFAULT NULL::text, p_requested_by text DEFAULT NULL::text, p_parameters jsonb DEFAULT '{}'::jsonb, p_status agent_loggy.investigation_status DEFAULT 'running'::agent_loggy.investigation_status, p_embedding public.vector DEFAULT NULL::public.vector, p_embedding_config_id bigint DEFAULT NULL::bigint) RETURNS agent_loggy.investigations
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    recorded agent_loggy.investigations;
BEGIN
    IF p_embedding_config_id IS NOT NULL AND p_embedding IS NULL THEN
        RAISE EXCEPTION 'embedding config % given without an embedding: expected the query''s vector', p_embedding_config_id
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF p_embedding_config_id IS NULL AND vector_dims(p_embedding) <> 384 THEN
        RAISE EXCEPTION 'the embedding has % dimensions: investigations.embedding holds 384', vector_dims(p_embedding)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Pass p_embedding_config_id, an embedding config of the model that made it.';
    ELSIF p_embedding IS NOT NULL THEN
        PERFORM agent_loggy.checked_any_vector(p_embedding, 'the embedding');
    END IF;
    INSERT INTO agent_loggy.investigations AS i (project, query, external_ref, requested_by, parameters, status, embedding)
    VALUES (p_project, p_query, p_external_ref, p_requested_by, p_parameters, p_status,
            CASE WHEN p_embedding_config_id IS NULL THEN p_embedding END)
    RETURNING i.* INTO recorded;
    IF p_embedding_config_id IS NOT NULL THEN
        IF (SELECT c.project FROM agent_loggy.embedding_configs AS c WHERE c.id = p_embedding_config_id)
           IS DISTINCT FROM recorded.project THEN
            RAISE EXCEPTION 'embedding config % is not one of project %', p_embedding_config_id, quote_literal(recorded.project)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM agent_loggy.store_config_embeddings('investigations', p_embedding_config_id, ARRAY[recorded.id],
                                                    ARRAY[agent_loggy.embedding_input(recorded)], ARRAY[0],
                                                    ARRAY[NULL::integer], ARRAY[NULL::integer], ARRAY[NULL::integer],
                                                    ARRAY[NULL::integer], ARRAY[p_embedding]);
    END IF;
    RETURN recorded;
END
$$;

--
-- Name: FUNCTION start_investigation(p_query text, p_project text, p_external_ref text, p_requested_by text, p_parameters jsonb, p_status agent_loggy.investigation_status, p_embedding public.vector, p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.start_investigation(p_query text, p_project text, p_external_ref text, p_requested_by text, p_parameters jsonb, p_status agent_loggy.investigation_status, p_embedding public.vector, p_embedding_config_id bigint) IS 'Records an investigation of p_project (the caller''s rights: a read grant and the project bound) and, when p_embedding is given, its query''s vector: in the vector(384) column, or with p_embedding_config_id in that config''s store (a config of the project, the vector of its dimensions; store_config_embeddings). One call: both or nothing. Returns the row.';

--
-- Name: storable_embedding_config(bigint, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.storable_embedding_config(p_embedding_config_id bigint, p_what text) RETURNS agent_loggy.embedding_configs
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    config agent_loggy.embedding_configs;
    bound text := nullif(current_setting('agent_loggy.project', true), '');
BEGIN
    PERFORM agent_loggy.checked_store_target(p_what);
    IF p_what <> 'investigations' THEN
        -- as before readers could call this: a reader login holding a team's write grant stores nothing
        IF NOT (pg_has_role(session_user, 'agent_loggy_writer', 'USAGE') OR agent_loggy.session_is_admin()) THEN
            RAISE EXCEPTION 'permission denied to store the vectors of %: login % is not a writer (agent_loggy_writer); readers store those of investigations only',
                p_what, quote_ident(session_user::text) USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN agent_loggy.writable_embedding_config(p_embedding_config_id);
    END IF;
    SELECT c.* INTO config FROM agent_loggy.embedding_configs AS c WHERE c.id = p_embedding_config_id;
    IF NOT FOUND OR NOT agent_loggy.session_may_read(config.project) THEN
        RAISE EXCEPTION 'no embedding config % in a project you may read', coalesce(p_embedding_config_id::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF bound IS DISTINCT FROM config.project AND NOT agent_loggy.session_is_admin() THEN
        RAISE EXCEPTION 'permission denied to record the vectors of investigations of project %: a transaction records only in the project bound to it, and it is bound to %',
            quote_literal(config.project), coalesce(quote_literal(bound), 'none') USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN config;
END
$$;

--
-- Name: FUNCTION storable_embedding_config(p_embedding_config_id bigint, p_what text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.storable_embedding_config(p_embedding_config_id bigint, p_what text) IS 'The embedding config p_embedding_config_id when the login may store vectors of p_what in its store: documents, context rules and prompts when it is a writer (agent_loggy_writer) and writable_embedding_config() says so (a write grant); investigations, like recording one, with a read grant and the config''s project bound (an admin: any). 22023 for a config of a project the login may not read (not told apart from a missing one), 42501 otherwise.';

--
-- Name: store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], public.vector[]); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.store_config_embeddings(p_what text, p_embedding_config_id bigint, p_ids bigint[], p_inputs text[], p_chunks integer[], p_char_starts integer[], p_char_ends integer[], p_token_starts integer[], p_token_ends integer[], p_embeddings public.vector[]) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    config agent_loggy.embedding_configs := agent_loggy.storable_embedding_config(p_embedding_config_id, p_what);
    n integer := cardinality(p_ids);
    visible text := CASE WHEN p_what = 'documents'
                         THEN '(t.user_id IS NULL OR t.user_id = agent_loggy.acting_user() OR agent_loggy.session_sees_every_user())'
                         ELSE 'true' END;
    bad text;
    missing bigint;
    fresh_ids bigint[];
BEGIN
    PERFORM agent_loggy.checked_store_target(p_what);
    IF n IS NULL OR n = 0 THEN
        RETURN 0;
    ELSIF n > 100000 THEN
        RAISE EXCEPTION 'got % chunks: at most 100000 a call', n USING ERRCODE = 'invalid_parameter_value';
    ELSIF (cardinality(p_inputs), cardinality(p_chunks), cardinality(p_char_starts), cardinality(p_char_ends),
           cardinality(p_token_starts), cardinality(p_token_ends), cardinality(p_embeddings))
          IS DISTINCT FROM (n, n, n, n, n, n, n) THEN
        RAISE EXCEPTION 'got % ids, % inputs, % chunk numbers, % / % character and % / % token positions and % embeddings: expected one of each per chunk',
            n, cardinality(p_inputs), cardinality(p_chunks), cardinality(p_char_starts), cardinality(p_char_ends),
            cardinality(p_token_starts), cardinality(p_token_ends), cardinality(p_embeddings)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT format('chunk %s (item %s): %s', x.i, coalesce(x.id::text, 'NULL'),
                  CASE WHEN x.v IS NULL THEN 'no embedding'
                       WHEN agent_loggy.vector_length(x.v) <> config.dimensions
                           THEN format('the vector has %s dimensions: embedding config %s (%s) has %s',
                                       agent_loggy.vector_length(x.v), config.id, config.embedding_model,
                                       config.dimensions)
                       WHEN NOT agent_loggy.is_searchable_vector(x.v)
                           THEN format('the vector has norm %s: expected 1e-18 to 1e19', agent_loggy.vector_magnitude(x.v))
                       WHEN config.dimensions > 2000 AND agent_loggy.halfvec_problem(x.v) IS NOT NULL THEN format('the vector %s: embedding config %s (%s dimensions) compares vectors as halfvec', agent_loggy.halfvec_problem(x.v), config.id, config.dimensions) ELSE 'an id, a chunk number >= 0 and the input are needed' END)
    INTO bad
    FROM unnest(p_ids, p_chunks, p_inputs, p_embeddings) WITH ORDINALITY AS x (id, c, input, v, i)
    WHERE x.v IS NULL OR agent_loggy.vector_length(x.v) <> config.dimensions OR NOT agent_loggy.is_searchable_vector(x.v) OR config.dimensions > 2000 AND agent_loggy.halfvec_problem(x.v) IS NOT NULL
       OR x.id IS NULL OR x.c IS NULL OR x.c < 0 OR x.input IS NULL
    ORDER BY x.i LIMIT 1;
    IF bad IS NULL THEN
        SELECT format('item %s has chunk %s twice', x.id, x.c) INTO bad
        FROM unnest(p_ids, p_chunks) AS x (id, c) GROUP BY x.id, x.c HAVING count(*) > 1 LIMIT 1;
    END IF;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'cannot store the vectors of embedding config %: %', config.id, bad
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- as the owner: the caller's row level security, by hand (the project was checked above)
    EXECUTE format('SELECT x.id FROM unnest($1::bigint[]) AS x (id)
                    WHERE NOT EXISTS (SELECT FROM agent_loggy.%I AS t WHERE t.id = x.id AND t.project = $2 AND %s)
                    LIMIT 1', p_what, visible)
        INTO missing USING p_ids, config.project;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'cannot store the vectors of embedding config %: % % is not in project % (or not visible)', config.id,
            p_what, missing, quote_literal(config.project) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- the items whose text is still the input the chunks were made from (others changed meanwhile and
    -- wait for the next run), kept so until commit: an edit meanwhile would clear vectors it cannot see yet
    EXECUTE format('SELECT count(*) FROM (SELECT FROM agent_loggy.%I AS t WHERE t.id = ANY ($1) ORDER BY t.id FOR SHARE) AS s',
                   p_what) INTO missing USING p_ids;
    EXECUTE format($q$
        SELECT coalesce(array_agg(t.id ORDER BY t.id), '{}')
        FROM agent_loggy.%I AS t
        WHERE t.id IN (SELECT DISTINCT g.id FROM unnest($1::bigint[]) AS g (id)) AND t.project = $3 AND %s
          AND NOT EXISTS (SELECT FROM unnest($1::bigint[], $2::text[]) AS g (id, input)
                          WHERE g.id = t.id AND g.input IS DISTINCT FROM agent_loggy.embedding_input(t))$q$,
        p_what, visible)
        INTO fresh_ids USING p_ids, p_inputs, config.project;
    -- their earlier vectors of this config are replaced
    DELETE FROM agent_loggy.embeddings AS e
    WHERE e.config_id = config.id AND e.kind = p_what AND e.item_id = ANY (fresh_ids);
    INSERT INTO agent_loggy.embeddings (config_id, project, kind, item_id, chunk, char_start, char_end, token_start,
                                        token_end, input_md5, user_id, tags, embedding)
    SELECT config.id, config.project, p_what, x.id, x.c, x.cs, x.ce, x.ts, x.te, md5(x.input), d.user_id,
           coalesce(d.tags, '{}'), x.v
    FROM unnest(p_ids, p_chunks, p_char_starts, p_char_ends, p_token_starts, p_token_ends, p_embeddings, p_inputs)
         AS x (id, c, cs, ce, ts, te, v, input)
    LEFT JOIN agent_loggy.documents AS d ON p_what = 'documents' AND d.id = x.id
    WHERE x.id = ANY (fresh_ids);
    RETURN cardinality(fresh_ids);
END
$_$;

--
-- Name: FUNCTION store_config_embeddings(p_what text, p_embedding_config_id bigint, p_ids bigint[], p_inputs text[], p_chunks integer[], p_char_starts integer[], p_char_ends integer[], p_token_starts integer[], p_token_ends integer[], p_embeddings public.vector[]); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.store_config_embeddings(p_what text, p_embedding_config_id bigint, p_ids bigint[], p_inputs text[], p_chunks integer[], p_char_starts integer[], p_char_ends integer[], p_token_starts integer[], p_token_ends integer[], p_embeddings public.vector[]) IS 'Stores the chunk vectors of embedding config p_embedding_config_id for rows of p_what (one array element per chunk: item id, the input it was made from, chunk number, character and token positions, vector): each item''s earlier vectors of the config are replaced, unless its embedding_input no longer equals the input given (edited meanwhile: it stays pending). Returns how many items were stored. Who may: storable_embedding_config() (documents, context rules, prompts: a write grant; investigations: a read grant and the project bound). Runs as the owner, applying the caller''s project and user rules itself: no client may write embeddings directly. 22023 naming the first bad chunk (a vector whose length is not the config''s, names both; above 2,000 dimensions, one that does not fit halfvec).';

--
-- Name: store_embeddings(text, bigint[], text[], public.vector[], bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.store_embeddings(p_what text, p_ids bigint[], p_inputs text[], p_embeddings public.vector[], p_embedding_config_id bigint DEFAULT NULL::bigint) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    stored integer;
BEGIN
    PERFORM agent_loggy.checked_embedding_target(p_what);
    IF cardinality(p_ids) IS DISTINCT FROM cardinality(p_inputs)
            OR cardinality(p_ids) IS DISTINCT FROM cardinality(p_embeddings) THEN
        RAISE EXCEPTION 'store_embeddings needs as many inputs and embeddings as ids: got % ids, % inputs, % embeddings',
            cardinality(p_ids), cardinality(p_inputs), cardinality(p_embeddings)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM unnest(p_embeddings) AS e WHERE e IS NULL OR vector_dims(e) <> 384 OR NOT agent_loggy.is_searchable_vector(e)) THEN
        RAISE EXCEPTION 'store_embeddings needs embeddings of 384 dimensions with a norm between 1e-18 and 1e19'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_what = 'documents' THEN
        UPDATE agent_loggy.documents AS t SET embedding = b.embedding, embedding_config_id = p_embedding_config_id
        FROM unnest(p_ids, p_inputs, p_embeddings) AS b (id, input, embedding)
        WHERE t.id = b.id AND t.embedding IS NULL AND agent_loggy.embedding_input(t) = b.input;
    ELSIF p_what = 'context_rules' THEN
        UPDATE agent_loggy.context_rules AS t SET embedding = b.embedding
        FROM unnest(p_ids, p_inputs, p_embeddings) AS b (id, input, embedding)
        WHERE t.id = b.id AND t.embedding IS NULL AND agent_loggy.embedding_input(t) = b.input;
    ELSE
        UPDATE agent_loggy.prompts AS t SET embedding = b.embedding
        FROM unnest(p_ids, p_inputs, p_embeddings) AS b (id, input, embedding)
        WHERE t.id = b.id AND t.embedding IS NULL AND agent_loggy.embedding_input(t) = b.input;
    END IF;
    GET DIAGNOSTICS stored = ROW_COUNT;
    RETURN stored;
END
$$;

--
-- Name: FUNCTION store_embeddings(p_what text, p_ids bigint[], p_inputs text[], p_embeddings public.vector[], p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.store_embeddings(p_what text, p_ids bigint[], p_inputs text[], p_embeddings public.vector[], p_embedding_config_id bigint) IS 'Stores embeddings computed from pending_embeddings() rows: for each id, the embedding is written only if the row still has none and its embedding_input still equals the input it was computed from (a row edited meanwhile keeps waiting, one embedded meanwhile keeps its embedding). p_embedding_config_id is recorded on documents. Returns how many rows were written.';

--
-- Name: t_quantile_975(double precision); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.t_quantile_975(p_df double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN CASE WHEN ((p_df IS NULL) OR (p_df < (1)::double precision)) THEN NULL::double precision WHEN (p_df < (5)::double precision) THEN ((ARRAY[12.7062, 4.3027, 3.1824, 2.7764, 2.5706])[(floor(p_df))::integer])::double precision ELSE ((((1.959964)::double precision + ((((1.959964 ^ (3)::numeric) + 1.959964))::double precision / ((4)::double precision * p_df))) + ((((((5)::numeric * (1.959964 ^ (5)::numeric)) + ((16)::numeric * (1.959964 ^ (3)::numeric))) + ((3)::numeric * 1.959964)))::double precision / ((96)::double precision * (p_df ^ (2)::double precision)))) + (((((((3)::numeric * (1.959964 ^ (7)::numeric)) + ((19)::numeric * (1.959964 ^ (5)::numeric))) + ((17)::numeric * (1.959964 ^ (3)::numeric))) - ((15)::numeric * 1.959964)))::double precision / ((384)::double precision * (p_df ^ (3)::double precision)))) END;

--
-- Name: FUNCTION t_quantile_975(p_df double precision); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.t_quantile_975(p_df double precision) IS 'The 97.5% quantile of Student''s t with p_df degrees of freedom: below 5, the exact quantile at the integer below p_df (a little wider than exact); from 5, the Cornish-Fisher expansion to third order (within 0.003 of exact, 0.001 from 8).';

--
-- Name: template_variables(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.template_variables(p_template text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(SELECT v.name FROM (SELECT m.match[1] AS name, min(m.n) AS first_at FROM regexp_matches(template_variables.p_template, '\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}'::text, 'g'::text) WITH ORDINALITY m(match, n) WHERE (m.match[1] IS NOT NULL) GROUP BY m.match[1]) v ORDER BY v.first_at);

--
-- Name: FUNCTION template_variables(p_template text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.template_variables(p_template text) IS 'Distinct {identifier} placeholders of a template in order of first appearance. Scanning left to right, {{ and }} are literal braces and any other brace (a JSON example such as {"time_frame": ...}) is plain text.';

--
-- Name: unlimit_login(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.unlimit_login(p_login text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    removed text;
BEGIN
    IF NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to unlimit login %: only agent_loggy_admin limits logins', quote_nullable(p_login)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM agent_loggy.login_users AS l WHERE l.login = p_login RETURNING l.user_id INTO removed;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'login % is not limited to a user', quote_nullable(p_login) USING ERRCODE = 'no_data_found';
    END IF;
    RETURN removed;
END
$$;

--
-- Name: FUNCTION unlimit_login(p_login text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.unlimit_login(p_login text) IS 'Admin only: lets login p_login act for any user again (the application decides); returns the user it was limited to, P0002 when it was not limited.';

--
-- Name: use_embedding_config(bigint, text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.use_embedding_config(p_embedding_config_id bigint, p_project text DEFAULT 'default'::text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    bound text := nullif(current_setting('agent_loggy.project', true), '');
    previous bigint;
BEGIN
    IF p_project IS NULL OR NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %', quote_nullable(p_project) USING ERRCODE = 'invalid_parameter_value';
    ELSIF NOT agent_loggy.session_may_read(p_project) OR NOT agent_loggy.login_may_write(p_project)
          OR bound IS DISTINCT FROM p_project AND bound IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied to choose the embedding config of project %: login % may not write it%',
            quote_literal(p_project), quote_ident(session_user::text),
            CASE WHEN bound IS DISTINCT FROM p_project AND bound IS NOT NULL
                 THEN format(' (the transaction is bound to %L)', bound) ELSE '' END
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- one choice changed at a time per project: the row is locked (or its absence, by the insert)
    SELECT s.embedding_config_id INTO previous FROM agent_loggy.search_embedding_configs AS s
    WHERE s.project = p_project FOR UPDATE;
    IF p_embedding_config_id IS NULL THEN
        DELETE FROM agent_loggy.search_embedding_configs AS s WHERE s.project = p_project;
    ELSIF NOT EXISTS (SELECT FROM agent_loggy.embedding_configs AS c
                      WHERE c.id = p_embedding_config_id AND c.project = p_project AND c.is_active) THEN
        RAISE EXCEPTION 'no active embedding config % in project %', p_embedding_config_id, quote_literal(p_project)
            USING ERRCODE = 'invalid_parameter_value';
    ELSE
        INSERT INTO agent_loggy.search_embedding_configs AS s (project, embedding_config_id)
        VALUES (p_project, p_embedding_config_id)
        ON CONFLICT (project) DO UPDATE
            SET embedding_config_id = EXCLUDED.embedding_config_id, chosen_by = EXCLUDED.chosen_by,
                chosen_at = EXCLUDED.chosen_at;
    END IF;
    RETURN previous;
END
$$;

--
-- Name: FUNCTION use_embedding_config(p_embedding_config_id bigint, p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.use_embedding_config(p_embedding_config_id bigint, p_project text) IS 'Writers of p_project (the login''s grant; a transaction bound to another project is refused): from its commit on, searches of p_project that name no config use embedding config p_embedding_config_id (an active config of the project); NULL: the vector(384) columns again. Returns the config used before (NULL: the columns). One statement: backfill the new config first (pending_config_embedding_count), switch, and drop the old vectors later. Runs as the owner (no client writes search_embedding_configs) after asking who calls; chosen_by records agent_loggy.actor or the login.';

--
-- Name: use_vector_schema(regprocedure); Type: PROCEDURE; Schema: agent_loggy; Owner: -
--

CREATE PROCEDURE agent_loggy.use_vector_schema(IN p_function regprocedure)
    LANGUAGE plpgsql
    AS $$
BEGIN
    -- regprocedure's text is the function's signature with every name already quoted
    EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', p_function,
                   (SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace
                    WHERE e.extname = 'vector'));
END
$$;

--
-- Name: PROCEDURE use_vector_schema(IN p_function regprocedure); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON PROCEDURE agent_loggy.use_vector_schema(IN p_function regprocedure) IS 'Pins the search_path of a function that uses pgvector to pg_catalog and pgvector''s schema, so its vector types and operators resolve whatever the caller''s search_path. Migrations call it for each such function.';

--
-- Name: vector_length(public.vector); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.vector_length(p_vector public.vector) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN public.vector_dims(p_vector);

--
-- Name: FUNCTION vector_length(p_vector public.vector); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.vector_length(p_vector public.vector) IS 'pgvector''s vector_dims(), bound when created: for functions whose search_path holds pg_catalog only.';

--
-- Name: vector_magnitude(public.vector); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.vector_magnitude(p_vector public.vector) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN public.vector_norm(p_vector);

--
-- Name: FUNCTION vector_magnitude(p_vector public.vector); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.vector_magnitude(p_vector public.vector) IS 'pgvector''s vector_norm(), bound when created: for functions whose search_path holds pg_catalog only.';

--
-- Name: vector_similarity(text, double precision); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.vector_similarity(p_distance text, p_value double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE p_distance WHEN 'cosine'::text THEN ((1)::double precision - p_value) ELSE (- p_value) END;

--
-- Name: FUNCTION vector_similarity(p_distance text, p_value double precision); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.vector_similarity(p_distance text, p_value double precision) IS 'The similarity search functions report for a distance of a config''s kind: 1 - d for cosine, -d for l2 (the negated distance) and inner_product (the inner product); higher is nearer.';

--
-- Name: verify_changelog(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.verify_changelog(p_project text DEFAULT NULL::text) RETURNS TABLE(project text, rows_checked bigint, head_seq bigint, head_hash text, first_bad_id bigint, first_bad_seq bigint, problem text)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    WITH c AS (
        SELECT c.id, c.project, c.chain_seq, c.prev_hash, c.row_hash,
               agent_loggy.changelog_row_digest(c, c.prev_hash) AS recomputed,
               lag(c.row_hash) OVER w AS expected_prev, lag(c.chain_seq) OVER w AS prev_seq
        FROM agent_loggy.config_changelog AS c
        WHERE p_project IS NULL OR c.project = p_project
        WINDOW w AS (PARTITION BY c.project ORDER BY c.chain_seq, c.id)
    ), judged AS (
        SELECT c.*, CASE
            WHEN c.chain_seq <> coalesce(c.prev_seq, 0) + 1 THEN
                format('the chain jumps from place %s to %s: rows were deleted or inserted there', coalesce(c.prev_seq, 0), c.chain_seq)
            WHEN c.prev_hash IS DISTINCT FROM c.expected_prev THEN 'it does not link to the row before it: rows were deleted or inserted there'
            WHEN c.row_hash IS DISTINCT FROM c.recomputed THEN 'its content does not match its hash: it was edited'
        END AS problem
        FROM c
    ), per_project AS (
        SELECT j.project, count(*) AS rows_checked, max(j.chain_seq) AS last_seq,
               (array_agg(j.row_hash ORDER BY j.chain_seq DESC, j.id DESC))[1] AS last_hash,
               (array_agg(j.id ORDER BY j.chain_seq, j.id) FILTER (WHERE j.problem IS NOT NULL))[1] AS bad_id,
               (array_agg(j.chain_seq ORDER BY j.chain_seq, j.id) FILTER (WHERE j.problem IS NOT NULL))[1] AS bad_seq,
               (array_agg(j.problem ORDER BY j.chain_seq, j.id) FILTER (WHERE j.problem IS NOT NULL))[1] AS problem
        FROM judged AS j
        GROUP BY j.project
    )
    SELECT coalesce(p.project, h.project), coalesce(p.rows_checked, 0), h.last_seq, encode(h.last_hash, 'hex'),
           p.bad_id, p.bad_seq,
           coalesce(p.problem, CASE
               WHEN h.project IS NULL THEN 'the chain has no head: changelog_heads lost its row'
               WHEN p.project IS NULL THEN format('the head is at place %s but the chain has no rows: they were deleted', h.last_seq)
               WHEN h.last_seq <> p.last_seq OR h.last_hash <> p.last_hash THEN
                   format('the chain ends at place %s but its head says %s: the newest rows were deleted, or the head edited',
                          p.last_seq, h.last_seq)
           END)
    FROM per_project AS p
    FULL JOIN (SELECT * FROM agent_loggy.changelog_heads AS h WHERE p_project IS NULL OR h.project = p_project) AS h
           ON h.project = p.project
    ORDER BY coalesce(p.project, h.project) COLLATE "C";
$$;

--
-- Name: FUNCTION verify_changelog(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.verify_changelog(p_project text) IS 'Checks the hash chain of every project the caller can see (or of p_project): one row per project with the rows checked, the head (place and hash, hex) and, when the chain is broken, the first broken row (id and place) and what is wrong with it (a gap or extra row, a broken link, an edited row, a head the chain does not reach). problem is NULL for an intact chain. Record head_hash somewhere else to catch, later, an owner who rewrites the whole chain.';

--
-- Name: visible_projects(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.visible_projects() RETURNS text[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    bound text := agent_loggy.bound_project();
BEGIN
    IF bound IS NOT NULL THEN
        RETURN ARRAY[bound];
    END IF;
    RETURN agent_loggy.granted_projects();
END
$$;

--
-- Name: FUNCTION visible_projects(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.visible_projects() IS 'The projects whose rows the current transaction reads: the bound one, else every project the role is granted (see sees_every_project for admin).';

--
-- Name: wilson_interval(bigint, bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.wilson_interval(p_successes bigint, p_total bigint) RETURNS double precision[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN CASE WHEN (p_total > 0) THEN ARRAY[(((((p_successes)::double precision / (p_total)::double precision) + (((1.959964 ^ (2)::numeric) / ((2 * p_total))::numeric))::double precision) - ((1.959964)::double precision * sqrt((((((p_successes)::double precision / (p_total)::double precision) * ((1)::double precision - ((p_successes)::double precision / (p_total)::double precision))) / (p_total)::double precision) + (((1.959964 ^ (2)::numeric))::double precision / ((4)::double precision * ((p_total)::double precision ^ (2)::double precision))))))) / (((1)::numeric + ((1.959964 ^ (2)::numeric) / (p_total)::numeric)))::double precision), (((((p_successes)::double precision / (p_total)::double precision) + (((1.959964 ^ (2)::numeric) / ((2 * p_total))::numeric))::double precision) + ((1.959964)::double precision * sqrt((((((p_successes)::double precision / (p_total)::double precision) * ((1)::double precision - ((p_successes)::double precision / (p_total)::double precision))) / (p_total)::double precision) + (((1.959964 ^ (2)::numeric))::double precision / ((4)::double precision * ((p_total)::double precision ^ (2)::double precision))))))) / (((1)::numeric + ((1.959964 ^ (2)::numeric) / (p_total)::numeric)))::double precision)] ELSE NULL::double precision[] END;

--
-- Name: FUNCTION wilson_interval(p_successes bigint, p_total bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.wilson_interval(p_successes bigint, p_total bigint) IS 'The 95% Wilson score interval {low, high} of a proportion p_successes / p_total (NULL when p_total is 0).';

--
-- Name: with_project_bound(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.with_project_bound(p_project text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    bound text := nullif(current_setting('agent_loggy.project', true), '');
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    IF bound IS NULL THEN
        PERFORM set_config('agent_loggy.project', p_project, true);
    ELSIF bound IS DISTINCT FROM p_project THEN
        RAISE EXCEPTION 'permission denied to write project %: the transaction is bound to %', quote_literal(p_project),
            quote_literal(bound) USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN bound;
END
$$;

--
-- Name: FUNCTION with_project_bound(p_project text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.with_project_bound(p_project text) IS 'Binds p_project to the transaction when nothing is bound (42501 when another project is) and returns the binding there was, for the caller to put back: lets a write function be called in one statement.';

--
-- Name: with_user_bound(text); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.with_user_bound(p_user text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    acting text := agent_loggy.acting_user();
    previous text := coalesce(current_setting('agent_loggy.user', true), '');
BEGIN
    IF p_user IS NULL OR p_user IS NOT DISTINCT FROM acting THEN
        RETURN previous;
    ELSIF NOT agent_loggy.is_valid_user(p_user) THEN
        RAISE EXCEPTION 'invalid user %: expected 1-200 bytes, not blank, without control characters',
            agent_loggy.shown(p_user) USING ERRCODE = 'invalid_parameter_value';
    ELSIF acting IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied to act for user %: this transaction acts for user %', agent_loggy.shown(p_user),
            agent_loggy.shown(acting) USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('agent_loggy.user', p_user, true);
    RETURN previous;
END
$$;

--
-- Name: FUNCTION with_user_bound(p_user text); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.with_user_bound(p_user text) IS 'Makes the transaction act for user p_user when it acts for nobody (a login limited to another user, or a transaction bound to another, gets 42501; 22023 for an invalid name; NULL changes nothing) and returns the binding there was, for the caller to put back: lets an application that decides which user it acts for pass the user to a function.';

--
-- Name: writable_embedding_config(bigint); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.writable_embedding_config(p_embedding_config_id bigint) RETURNS agent_loggy.embedding_configs
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    config agent_loggy.embedding_configs;
    bound text := nullif(current_setting('agent_loggy.project', true), '');
BEGIN
    SELECT c.* INTO config FROM agent_loggy.embedding_configs AS c WHERE c.id = p_embedding_config_id;
    IF NOT FOUND OR NOT agent_loggy.session_may_read(config.project) THEN
        RAISE EXCEPTION 'no embedding config % in a project you may read', coalesce(p_embedding_config_id::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF bound IS DISTINCT FROM config.project AND bound IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied to write the vectors of project %: the transaction is bound to %',
            quote_literal(config.project), quote_literal(bound) USING ERRCODE = 'insufficient_privilege';
    ELSIF NOT agent_loggy.login_may_write(config.project) THEN
        RAISE EXCEPTION 'permission denied to write the vectors of project %: login % holds no write grant for it',
            quote_literal(config.project), quote_ident(session_user::text) USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN config;
END
$$;

--
-- Name: FUNCTION writable_embedding_config(p_embedding_config_id bigint); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.writable_embedding_config(p_embedding_config_id bigint) IS 'The embedding config p_embedding_config_id, when the login (session_user) may write its project and the transaction is bound to that project or to none; 22023 for a config of a project the login may not read (not told apart from a missing one), 42501 otherwise. The write functions of the stores run as the owner and ask it first.';

--
-- Name: writable_projects(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.writable_projects() RETURNS text[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    bound text := agent_loggy.bound_project();
BEGIN
    IF agent_loggy.is_admin() THEN
        RETURN ARRAY[bound];  -- unbound admin: writes_every_project() lets every project through
    ELSIF bound IS NULL THEN
        RETURN '{}';
    ELSIF NOT agent_loggy.holds_grant(bound, 'write') THEN
        RAISE EXCEPTION 'permission denied to write project %: role % may only read it', quote_literal(bound),
            quote_ident(current_user::text)
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'An agent_loggy_admin grants write access: SELECT agent_loggy.grant_project(role, project, ''write'').';
    END IF;
    RETURN ARRAY[bound];
END
$$;

--
-- Name: FUNCTION writable_projects(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.writable_projects() IS 'The projects the current transaction may write: the bound one, when the role holds a write grant for it (else 42501) or is admin; none when nothing is bound (non-admins write only a bound project).';

--
-- Name: write_changelog(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.write_changelog() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    config_type text := TG_ARGV[0];
    old_data jsonb;
    new_data jsonb;
    changed text[];
    embedding_changed boolean := false;
    kind text;
    row_data jsonb;
BEGIN
    IF TG_TABLE_SCHEMA <> 'agent_loggy' OR TG_TABLE_NAME NOT IN
            ('prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys', 'protected_labels',
             'project_grants') THEN
        RAISE EXCEPTION 'write_changelog() only serves the agent_loggy config tables, not %.%',
            TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        old_data := to_jsonb(OLD) - ARRAY['embedding', 'search_vector'];
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        new_data := to_jsonb(NEW) - ARRAY['embedding', 'search_vector'];
    END IF;

    IF TG_OP = 'INSERT' THEN
        kind := 'create';
    ELSIF TG_OP = 'DELETE' THEN
        kind := 'delete';
    ELSE
        SELECT array_agg(n.key ORDER BY n.key) INTO changed
        FROM jsonb_each(new_data) AS n
        WHERE n.key NOT IN ('updated_at', 'granted_at') AND n.value IS DISTINCT FROM old_data -> n.key;
        IF config_type IN ('prompt', 'context_rule') THEN
            -- compared as text: the vector operators live outside this function's search_path
            embedding_changed := OLD.embedding::text IS DISTINCT FROM NEW.embedding::text;
        END IF;
        IF changed IS NULL THEN  -- nothing but the embedding column (a fill):
            RETURN NULL;  -- a no-op update leaves no trace
        END IF;
        kind := CASE
            WHEN embedding_changed THEN 'update'
            WHEN changed = ARRAY['labels'] THEN 'label'
            WHEN changed = ARRAY['is_active'] AND (new_data ->> 'is_active')::boolean THEN 'activate'
            WHEN changed = ARRAY['is_active'] THEN 'deactivate'
            ELSE 'update'
        END;
    END IF;

    row_data := coalesce(new_data, old_data);
    INSERT INTO agent_loggy.config_changelog (
        config_type, config_id, project, config_name, previous_version, new_version,
        change_type, change_summary, previous_data, new_data, changed_by)
    VALUES (
        config_type,
        (row_data ->> 'id')::bigint,
        row_data ->> 'project',
        agent_loggy.config_name(config_type, row_data),
        (old_data ->> 'version')::integer,
        (new_data ->> 'version')::integer,
        kind,
        nullif(current_setting('agent_loggy.change_summary', true), ''),
        old_data,
        new_data,
        coalesce(nullif(current_setting('agent_loggy.actor', true), ''), session_user));
    RETURN NULL;
END
$$;

--
-- Name: FUNCTION write_changelog(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.write_changelog() IS 'AFTER INSERT/UPDATE/DELETE row trigger of the config tables (argument: the config_type). Writes one changelog row per real change: create, delete, label (only labels changed), activate / deactivate (only is_active changed) or update. An update of nothing but the embedding column (an embedding fill) is not a change. changed_by is the transaction setting agent_loggy.actor when set and non-empty, else session_user; change_summary comes from agent_loggy.change_summary. SECURITY DEFINER so writers need no INSERT privilege on the changelog; refuses any table but the five config tables, and PUBLIC may not execute it (so nobody can attach it elsewhere).';

--
-- Name: writes_every_project(); Type: FUNCTION; Schema: agent_loggy; Owner: -
--

CREATE FUNCTION agent_loggy.writes_every_project() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    RETURN ((NULLIF(current_setting('agent_loggy.project'::text, true), ''::text) IS NULL) AND agent_loggy.is_admin());

--
-- Name: FUNCTION writes_every_project(); Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON FUNCTION agent_loggy.writes_every_project() IS 'True for admin with no project bound: the write policies then let every project through. False as soon as a project is bound, without validating the binding: writable_projects() or bound_project(), the other half of every write policy, validates it.';

--
-- Name: changelog_heads; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.changelog_heads (
    project text NOT NULL,
    last_seq bigint NOT NULL,
    last_hash bytea NOT NULL
);

--
-- Name: TABLE changelog_heads; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.changelog_heads IS 'The newest place and hash of every project''s changelog chain, updated with each changelog row (its row lock orders one project''s changelog writers); a chain whose newest rows were deleted no longer reaches its head.';

--
-- Name: COLUMN changelog_heads.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.changelog_heads.project IS 'The project whose chain this is.';

--
-- Name: COLUMN changelog_heads.last_seq; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.changelog_heads.last_seq IS 'chain_seq of the project''s newest changelog row.';

--
-- Name: COLUMN changelog_heads.last_hash; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.changelog_heads.last_hash IS 'row_hash of the project''s newest changelog row.';

--
-- Name: config_changelog_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.config_changelog ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.config_changelog_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: context_rules_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.context_rules ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.context_rules_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: current_context_rules; Type: VIEW; Schema: agent_loggy; Owner: -
--

CREATE VIEW agent_loggy.current_context_rules WITH (security_invoker='true') AS
 SELECT DISTINCT ON (project, context) id,
    project,
    context,
    version,
    important,
    ignore,
    description,
    embedding,
    created_at,
    updated_at
   FROM agent_loggy.context_rules
  WHERE is_active
  ORDER BY project, context, version DESC;

--
-- Name: VIEW current_context_rules; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON VIEW agent_loggy.current_context_rules IS 'The current version of every context rule: per (project, context) the highest active version.';

--
-- Name: current_embedding_configs; Type: VIEW; Schema: agent_loggy; Owner: -
--

CREATE VIEW agent_loggy.current_embedding_configs WITH (security_invoker='true') AS
 SELECT DISTINCT ON (project, name) id,
    project,
    name,
    version,
    embedding_model,
    dimensions,
    chunk_size,
    chunk_overlap,
    chunking_strategy,
    parameters,
    created_at,
    updated_at,
    distance
   FROM agent_loggy.embedding_configs
  WHERE is_active
  ORDER BY project, name, version DESC;

--
-- Name: VIEW current_embedding_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON VIEW agent_loggy.current_embedding_configs IS 'The current version of every embedding config: per (project, name) the highest active version.';

--
-- Name: current_facts; Type: VIEW; Schema: agent_loggy; Owner: -
--

CREATE VIEW agent_loggy.current_facts WITH (security_invoker='true') AS
 SELECT id,
    project,
    user_id,
    key,
    version,
    value,
    metadata,
    embedding,
    embedding_config_id,
    created_at,
    created_by,
    search_vector
   FROM ( SELECT DISTINCT ON (f.project, COALESCE(f.user_id, ''::text), f.key) f.id,
            f.project,
            f.user_id,
            f.key,
            f.version,
            f.value,
            f.metadata,
            f.embedding,
            f.embedding_config_id,
            f.created_at,
            f.created_by,
            f.search_vector
           FROM agent_loggy.facts f
          ORDER BY f.project, COALESCE(f.user_id, ''::text), f.key, f.version DESC) c
  WHERE (value IS NOT NULL);

--
-- Name: VIEW current_facts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON VIEW agent_loggy.current_facts IS 'The current version of every fact the transaction may see (its projects; shared facts and those of the user it acts for), forgotten keys left out.';

--
-- Name: current_model_configs; Type: VIEW; Schema: agent_loggy; Owner: -
--

CREATE VIEW agent_loggy.current_model_configs WITH (security_invoker='true') AS
 SELECT DISTINCT ON (project, name) id,
    project,
    name,
    version,
    model_provider,
    model_name,
    parameters,
    labels,
    created_at,
    updated_at
   FROM agent_loggy.model_configs
  WHERE is_active
  ORDER BY project, name, version DESC;

--
-- Name: VIEW current_model_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON VIEW agent_loggy.current_model_configs IS 'The current version of every model config: per (project, name) the highest active version. An inactive highest version is passed over in favour of the highest active one below it.';

--
-- Name: current_negate_keys; Type: VIEW; Schema: agent_loggy; Owner: -
--

CREATE VIEW agent_loggy.current_negate_keys WITH (security_invoker='true') AS
 SELECT DISTINCT ON (project, label, operator, value) id,
    project,
    label,
    operator,
    value,
    version,
    created_at,
    updated_at
   FROM agent_loggy.negate_keys
  WHERE is_active
  ORDER BY project, label, operator, value, version DESC;

--
-- Name: VIEW current_negate_keys; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON VIEW agent_loggy.current_negate_keys IS 'The Loki exclusions in force: per (project, label, operator, value) the highest active version. A key with no active version is not in force.';

--
-- Name: documents_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.documents ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.documents_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: embedding_configs_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.embedding_configs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.embedding_configs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: embeddings; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.embeddings (
    config_id bigint NOT NULL,
    project text NOT NULL,
    kind text NOT NULL,
    item_id bigint NOT NULL,
    chunk integer DEFAULT 0 NOT NULL,
    char_start integer,
    char_end integer,
    token_start integer,
    token_end integer,
    input_md5 text NOT NULL,
    user_id text,
    tags text[] DEFAULT '{}'::text[] NOT NULL,
    embedding public.vector NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT embeddings_chunk_check CHECK (((chunk >= 0) AND (chunk <= 1000000))),
    CONSTRAINT embeddings_embedding_check CHECK (agent_loggy.is_searchable_vector(embedding)),
    CONSTRAINT embeddings_input_md5_check CHECK ((input_md5 ~ '^[0-9a-f]{32}$'::text)),
    CONSTRAINT embeddings_kind_check CHECK ((kind = ANY (ARRAY['documents'::text, 'context_rules'::text, 'prompts'::text, 'investigations'::text]))),
    CONSTRAINT embeddings_position_check CHECK (((0 <= char_start) AND (char_start <= char_end) AND (0 <= token_start) AND (token_start <= token_end))),
    CONSTRAINT embeddings_user_id_check CHECK (agent_loggy.is_valid_user(user_id))
)
PARTITION BY LIST (config_id);

--
-- Name: TABLE embeddings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.embeddings IS 'Vectors of documents, context rules, prompts and investigations by embedding config: one row per chunk of an item''s text (embedding_input), one list partition per config (embeddings_<config id>, made with the config, with that config''s HNSW index). Written by store_config_embeddings(); an item whose text changes loses its rows (pending again); searched by nearest_config_ids().';

--
-- Name: COLUMN embeddings.config_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.config_id IS 'The embedding config whose model made the vector (the partition key; each partition checks its config and project: no foreign key, whose copy onto a new partition would lock embedding_configs until the creating transaction ends).';

--
-- Name: COLUMN embeddings.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.project IS 'The item''s project (that of the config).';

--
-- Name: COLUMN embeddings.kind; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.kind IS 'What the item is: documents, context_rules, prompts or investigations (a table name).';

--
-- Name: COLUMN embeddings.item_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.item_id IS 'The item''s id in the table kind names.';

--
-- Name: COLUMN embeddings.chunk; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.chunk IS 'The chunk''s number in the item''s text, from 0; an item not split has chunk 0 only.';

--
-- Name: COLUMN embeddings.char_start; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.char_start IS 'Where the chunk starts in the item''s embedding input (characters, from 0); NULL: the whole text.';

--
-- Name: COLUMN embeddings.char_end; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.char_end IS 'Where the chunk ends in the embedding input (characters, exclusive).';

--
-- Name: COLUMN embeddings.token_start; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.token_start IS 'The chunk''s first token (the config''s model''s tokenizer, from 0).';

--
-- Name: COLUMN embeddings.token_end; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.token_end IS 'The chunk''s end token (exclusive).';

--
-- Name: COLUMN embeddings.input_md5; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.input_md5 IS 'md5 of the embedding input the chunks were made from.';

--
-- Name: COLUMN embeddings.user_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.user_id IS 'The user a document belongs to (documents.user_id, kept in step): the user_scope policy reads it.';

--
-- Name: COLUMN embeddings.tags; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.tags IS 'A document''s tags (documents.tags, kept in step), so that a tag filter is on the table the index orders; empty for other kinds.';

--
-- Name: COLUMN embeddings.embedding; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.embedding IS 'The chunk''s vector, of its config''s dimensions (checked by the partition).';

--
-- Name: COLUMN embeddings.created_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.embeddings.created_at IS 'When the vector was stored.';

--
-- Name: facts_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.facts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.facts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: investigations_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.investigations ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.investigations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: keyword_change_transactions; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.keyword_change_transactions (
    transaction xid8 NOT NULL
);

--
-- Name: TABLE keyword_change_transactions; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.keyword_change_transactions IS 'One row per transaction with keyword_changes to fold: inserting it queues the deferred trigger fold_keyword_changes, which runs once at commit and deletes it.';

--
-- Name: COLUMN keyword_change_transactions.transaction; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_change_transactions.transaction IS 'The writing (top-level) transaction.';

--
-- Name: keyword_changes; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.keyword_changes (
    transaction xid8 DEFAULT pg_current_xact_id() NOT NULL,
    project text NOT NULL,
    lexeme text,
    documents bigint NOT NULL,
    total_length bigint DEFAULT 0 NOT NULL,
    max_frequency integer,
    min_length bigint
);

--
-- Name: TABLE keyword_changes; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.keyword_changes IS 'What transactions still in progress changed in the BM25 counts, appended by count_keyword_changes() for each statement and folded into keyword_terms / keyword_corpus at commit (fold_keyword_changes), then deleted. Read only by the owner''s functions.';

--
-- Name: COLUMN keyword_changes.transaction; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_changes.transaction IS 'The writing (top-level) transaction.';

--
-- Name: COLUMN keyword_changes.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_changes.project IS 'The project whose counts change.';

--
-- Name: COLUMN keyword_changes.lexeme; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_changes.lexeme IS 'The lexeme whose document frequency changes; NULL for the project''s corpus counts.';

--
-- Name: COLUMN keyword_changes.documents; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_changes.documents IS 'How many documents more (negative: fewer) contain the lexeme, or the project holds.';

--
-- Name: COLUMN keyword_changes.total_length; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_changes.total_length IS 'For a corpus change (lexeme NULL): how much longer the project''s documents are together; else 0.';

--
-- Name: COLUMN keyword_changes.max_frequency; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_changes.max_frequency IS 'For a lexeme: the highest term frequency of it in the statement''s new rows (NULL: no new row holds it).';

--
-- Name: COLUMN keyword_changes.min_length; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_changes.min_length IS 'For a lexeme: the shortest length of the statement''s new rows holding it (NULL: no new row holds it).';

--
-- Name: keyword_corpus; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.keyword_corpus (
    project text NOT NULL,
    documents bigint NOT NULL,
    total_length bigint NOT NULL
);

--
-- Name: TABLE keyword_corpus; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.keyword_corpus IS 'BM25 corpus statistics per project, kept by the statement triggers on documents (keyword_statistics_*): read only by the owner''s functions (bm25_document_scores, bm25_score), never granted, since they reveal what other projects hold.';

--
-- Name: COLUMN keyword_corpus.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_corpus.project IS 'The project the counts are of.';

--
-- Name: COLUMN keyword_corpus.documents; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_corpus.documents IS 'How many documents the project holds (N of BM25).';

--
-- Name: COLUMN keyword_corpus.total_length; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_corpus.total_length IS 'The sum of the documents'' lengths (keyword_frequencies ->> ''''); divided by documents, the average length avgdl.';

--
-- Name: keyword_terms; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.keyword_terms (
    project text NOT NULL,
    lexeme text NOT NULL,
    documents bigint NOT NULL,
    max_frequency integer,
    min_length bigint
);

--
-- Name: TABLE keyword_terms; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.keyword_terms IS 'BM25 document frequencies per project: for each english lexeme, how many of the project''s documents contain it (in title or content). Rows at 0 are deleted. Kept and read like keyword_corpus.';

--
-- Name: COLUMN keyword_terms.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_terms.project IS 'The project the count is of.';

--
-- Name: COLUMN keyword_terms.lexeme; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_terms.lexeme IS 'A lexeme of documents.search_vector (stemmed, english configuration).';

--
-- Name: COLUMN keyword_terms.documents; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_terms.documents IS 'How many of the project''s documents contain the lexeme (df of BM25).';

--
-- Name: COLUMN keyword_terms.max_frequency; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_terms.max_frequency IS 'At least the highest term frequency (keyword_term_frequencies) of the lexeme in a document of the project: exact after recount_keyword_statistics(), raised by writes, left by deletes. NULL: unknown (counts restored without it), and so until the next recount; the score bound is then idf * (k1 + 1).';

--
-- Name: COLUMN keyword_terms.min_length; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.keyword_terms.min_length IS 'At most the shortest length (keyword_frequencies ->> '''') of a document of the project holding the lexeme: exact after recount_keyword_statistics(), lowered by writes, left by deletes. NULL: unknown, as max_frequency.';

--
-- Name: model_configs_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.model_configs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.model_configs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: negate_keys_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.negate_keys ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.negate_keys_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: project_grants_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.project_grants ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.project_grants_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: promotion_policies_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.promotion_policies ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.promotion_policies_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: prompts_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.prompts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.prompts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: protected_labels_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.protected_labels ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.protected_labels_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: runs; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text NOT NULL,
    prompt_version integer NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
)
PARTITION BY RANGE (started_at);

--
-- Name: TABLE runs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs IS 'One LLM call of an agent: the prompt version it used, the model, the input variables, the output and whether it met the version''s output schema, status, latency, tokens, cost, and OpenTelemetry ids. Append-only once finished. Partitioned by month of started_at.';

--
-- Name: COLUMN runs.id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.id IS 'Identity of the run (with started_at, the key: runs are partitioned by it).';

--
-- Name: COLUMN runs.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.project IS 'Tenant / deployment the run belongs to.';

--
-- Name: COLUMN runs.investigation_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.investigation_id IS 'The investigation the call served, of the same project; NULL when none (or deleted).';

--
-- Name: COLUMN runs.prompt_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.prompt_id IS 'The prompt version row used, found by the database from prompt_name and prompt_version; NULL once that version is deleted.';

--
-- Name: COLUMN runs.prompt_name; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.prompt_name IS 'Name of the prompt used (kept when the version is deleted).';

--
-- Name: COLUMN runs.prompt_version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.prompt_version IS 'Version of the prompt used (kept when the version is deleted).';

--
-- Name: COLUMN runs.label; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.label IS 'The label that resolved the version (production, staging, ...); NULL when asked by version or latest.';

--
-- Name: COLUMN runs.model_config_version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.model_config_version IS 'Version of the model config that came with the prompt.';

--
-- Name: COLUMN runs.model_provider; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.model_provider IS 'Provider of the model called (openai, ollama, ...).';

--
-- Name: COLUMN runs.model_name; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.model_name IS 'Name of the model called.';

--
-- Name: COLUMN runs.variables; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.variables IS 'The template variables the prompt was rendered with, a JSON object.';

--
-- Name: COLUMN runs.rendered_hash; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.rendered_hash IS 'SHA-256 (hex) of the rendered prompt text.';

--
-- Name: COLUMN runs.output; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.output IS 'The model''s output text (at most 1,000,000 characters).';

--
-- Name: COLUMN runs.parsed_output; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.parsed_output IS 'The output parsed as JSON; NULL when it is not JSON.';

--
-- Name: COLUMN runs.output_valid; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.output_valid IS 'Whether the output met the version''s output_schema; NULL when the version has none or the run failed.';

--
-- Name: COLUMN runs.output_errors; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.output_errors IS 'Why the output did not meet the schema (parse error or schema errors), at most 100.';

--
-- Name: COLUMN runs.status; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.status IS 'running, succeeded or failed.';

--
-- Name: COLUMN runs.error; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.error IS 'What failed (the exception), only for failed runs.';

--
-- Name: COLUMN runs.latency_ms; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.latency_ms IS 'Duration of the call in milliseconds.';

--
-- Name: COLUMN runs.input_tokens; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.input_tokens IS 'Prompt tokens the model counted.';

--
-- Name: COLUMN runs.output_tokens; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.output_tokens IS 'Completion tokens the model counted.';

--
-- Name: COLUMN runs.cost; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.cost IS 'Cost of the call, in the currency the project uses.';

--
-- Name: COLUMN runs.started_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.started_at IS 'When the call started (the partition key).';

--
-- Name: COLUMN runs.finished_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.finished_at IS 'When the call ended.';

--
-- Name: COLUMN runs.trace_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.trace_id IS 'OpenTelemetry trace id (32 lowercase hex digits), to join the agents'' tracing.';

--
-- Name: COLUMN runs.span_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.span_id IS 'OpenTelemetry span id (16 lowercase hex digits).';

--
-- Name: COLUMN runs.recorded_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.recorded_by IS 'The login role that recorded the run (session_user).';

--
-- Name: COLUMN runs.recorded_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.runs.recorded_at IS 'When the run was recorded.';

--
-- Name: runs_2026_11; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2026_11 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2026_11; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2026_11 IS 'Runs started in 2026-11 (UTC); read them through runs.';

--
-- Name: runs_2026_12; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2026_12 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2026_12; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2026_12 IS 'Runs started in 2026-12 (UTC); read them through runs.';

--
-- Name: runs_2027_01; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_01 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_01; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_01 IS 'Runs started in 2027-01 (UTC); read them through runs.';

--
-- Name: runs_2027_02; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_02 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_02; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_02 IS 'Runs started in 2027-02 (UTC); read them through runs.';

--
-- Name: runs_2027_03; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_03 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_03; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_03 IS 'Runs started in 2027-03 (UTC); read them through runs.';

--
-- Name: runs_2027_04; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_04 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_04; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_04 IS 'Runs started in 2027-04 (UTC); read them through runs.';

--
-- Name: runs_2027_05; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_05 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_05; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_05 IS 'Runs started in 2027-05 (UTC); read them through runs.';

--
-- Name: runs_2027_06; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_06 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_06; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_06 IS 'Runs started in 2027-06 (UTC); read them through runs.';

--
-- Name: runs_2027_07; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_07 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_07; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_07 IS 'Runs started in 2027-07 (UTC); read them through runs.';

--
-- Name: runs_2027_08; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_08 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_08; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_08 IS 'Runs started in 2027-08 (UTC); read them through runs.';

--
-- Name: runs_2027_09; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_09 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_09; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_09 IS 'Runs started in 2027-09 (UTC); read them through runs.';

--
-- Name: runs_2027_10; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_10 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_10; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_10 IS 'Runs started in 2027-10 (UTC); read them through runs.';

--
-- Name: runs_2027_11; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_11 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_11; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_11 IS 'Runs started in 2027-11 (UTC); read them through runs.';

--
-- Name: runs_2027_12; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_2027_12 (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_2027_12; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_2027_12 IS 'Runs started in 2027-12 (UTC); read them through runs.';

--
-- Name: runs_default; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.runs_default (
    id bigint CONSTRAINT runs_id_not_null NOT NULL,
    project text DEFAULT 'default'::text CONSTRAINT runs_project_not_null NOT NULL,
    investigation_id bigint,
    prompt_id bigint,
    prompt_name text CONSTRAINT runs_prompt_name_not_null NOT NULL,
    prompt_version integer CONSTRAINT runs_prompt_version_not_null NOT NULL,
    label text,
    model_config_version integer,
    model_provider text,
    model_name text,
    variables jsonb DEFAULT '{}'::jsonb CONSTRAINT runs_variables_not_null NOT NULL,
    rendered_hash text,
    output text,
    parsed_output jsonb,
    output_valid boolean,
    output_errors text[],
    status agent_loggy.run_status DEFAULT 'succeeded'::agent_loggy.run_status CONSTRAINT runs_status_not_null NOT NULL,
    error text,
    latency_ms double precision,
    input_tokens integer,
    output_tokens integer,
    cost numeric(16,8),
    started_at timestamp with time zone DEFAULT now() CONSTRAINT runs_started_at_not_null NOT NULL,
    finished_at timestamp with time zone,
    trace_id text,
    span_id text,
    recorded_by text DEFAULT SESSION_USER CONSTRAINT runs_recorded_by_not_null NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() CONSTRAINT runs_recorded_at_not_null NOT NULL,
    CONSTRAINT runs_cost_check CHECK ((cost >= (0)::numeric)),
    CONSTRAINT runs_error_check CHECK ((length(error) <= 10000)),
    CONSTRAINT runs_label_check CHECK ((label ~ '^[a-z0-9_.-]{1,36}$'::text)),
    CONSTRAINT runs_latency_check CHECK (((latency_ms >= (0)::double precision) AND (latency_ms <= (86400000)::double precision))),
    CONSTRAINT runs_model_check CHECK (((length(model_provider) <= 200) AND (length(model_name) <= 200))),
    CONSTRAINT runs_model_config_version_check CHECK ((model_config_version > 0)),
    CONSTRAINT runs_output_check CHECK ((length(output) <= 1000000)),
    CONSTRAINT runs_output_errors_check CHECK (((cardinality(output_errors) <= 100) AND (octet_length(array_to_string(output_errors, ''::text)) <= 200000))),
    CONSTRAINT runs_parsed_output_check CHECK ((octet_length((parsed_output)::text) <= 2000000)),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (((prompt_version >= 1) AND (prompt_version <= 1000000000))),
    CONSTRAINT runs_rendered_hash_check CHECK ((rendered_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT runs_span_id_check CHECK (((span_id ~ '^[0-9a-f]{16}$'::text) AND (span_id <> repeat('0'::text, 16)))),
    CONSTRAINT runs_status_error_check CHECK (((status = 'failed'::agent_loggy.run_status) OR (error IS NULL))),
    CONSTRAINT runs_times_check CHECK (((finished_at >= started_at) AND (started_at >= '2000-01-01 00:00:00+00'::timestamp with time zone) AND (started_at < '3000-01-01 00:00:00+00'::timestamp with time zone) AND (finished_at < '3000-01-01 00:00:00+00'::timestamp with time zone))),
    CONSTRAINT runs_tokens_check CHECK (((input_tokens >= 0) AND (output_tokens >= 0))),
    CONSTRAINT runs_trace_id_check CHECK (((trace_id ~ '^[0-9a-f]{32}$'::text) AND (trace_id <> repeat('0'::text, 32)))),
    CONSTRAINT runs_variables_check CHECK (((jsonb_typeof(variables) = 'object'::text) AND (octet_length((variables)::text) <= 1000000)))
);

--
-- Name: TABLE runs_default; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.runs_default IS 'Runs whose month has no partition of its own (see ensure_run_partitions); read them through runs.';

--
-- Name: runs_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.runs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: scores; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.scores (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    run_id bigint,
    run_started_at timestamp with time zone,
    investigation_id bigint,
    name text NOT NULL,
    value double precision,
    scale_min double precision,
    scale_max double precision,
    category text,
    source agent_loggy.score_source NOT NULL,
    comment text,
    given_by text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    recorded_by text DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT scores_category_check CHECK (((category ~ '\S'::text) AND (length(category) <= 100))),
    CONSTRAINT scores_comment_check CHECK ((length(comment) <= 10000)),
    CONSTRAINT scores_created_at_check CHECK (agent_loggy.is_readable_time(created_at)),
    CONSTRAINT scores_given_by_check CHECK ((length(given_by) <= 200)),
    CONSTRAINT scores_kind_check CHECK (((value IS NULL) <> (category IS NULL))),
    CONSTRAINT scores_name_check CHECK ((name ~ '^[a-z][a-z0-9_.-]{0,62}$'::text)),
    CONSTRAINT scores_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT scores_scale_check CHECK ((((value IS NULL) AND (scale_min IS NULL) AND (scale_max IS NULL)) OR ((value IS NOT NULL) AND (scale_min < scale_max) AND ((value >= scale_min) AND (value <= scale_max))))),
    CONSTRAINT scores_target_check CHECK ((((run_id IS NULL) <> (investigation_id IS NULL)) AND ((run_id IS NULL) = (run_started_at IS NULL)))),
    CONSTRAINT scores_value_check CHECK (((value <> 'NaN'::double precision) AND (value > '-Infinity'::double precision) AND (value < 'Infinity'::double precision) AND (scale_min > '-Infinity'::double precision) AND (scale_max < 'Infinity'::double precision)))
);

--
-- Name: TABLE scores; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.scores IS 'A named score on a run or on an investigation: numeric on the scale it was given on (0-100 unless stated) or categorical; from a human, an LLM or code. Scores on an investigation over time form its quality time series.';

--
-- Name: COLUMN scores.id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.id IS 'Identity of the score.';

--
-- Name: COLUMN scores.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.project IS 'Project of the run or investigation scored.';

--
-- Name: COLUMN scores.run_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.run_id IS 'The run scored (with run_started_at); NULL for a score on an investigation.';

--
-- Name: COLUMN scores.run_started_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.run_started_at IS 'started_at of the run scored (runs are keyed by id and started_at).';

--
-- Name: COLUMN scores.investigation_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.investigation_id IS 'The investigation scored; NULL for a score on a run.';

--
-- Name: COLUMN scores.name; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.name IS 'Score name, e.g. relevance or completeness (lowercase, 1-63 characters).';

--
-- Name: COLUMN scores.value; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.value IS 'Numeric value, within [scale_min, scale_max]; NULL for a categorical score.';

--
-- Name: COLUMN scores.scale_min; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.scale_min IS 'Lower end of the scale the value was given on (0 unless stated).';

--
-- Name: COLUMN scores.scale_max; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.scale_max IS 'Upper end of the scale the value was given on (100 unless stated).';

--
-- Name: COLUMN scores.category; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.category IS 'Categorical value, e.g. INCLUDE; NULL for a numeric score.';

--
-- Name: COLUMN scores.source; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.source IS 'human, llm or code.';

--
-- Name: COLUMN scores.comment; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.comment IS 'Free-text comment.';

--
-- Name: COLUMN scores.given_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.given_by IS 'Who gave it (a person or a judge model), as the caller names it.';

--
-- Name: COLUMN scores.created_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.created_at IS 'When the score was given.';

--
-- Name: COLUMN scores.recorded_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.scores.recorded_by IS 'The login role that recorded it (session_user).';

--
-- Name: scores_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.scores ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.scores_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: trace_findings; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.trace_findings (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    investigation_id bigint NOT NULL,
    trace_id text NOT NULL,
    relevance double precision,
    outcome agent_loggy.trace_outcome DEFAULT 'unknown'::agent_loggy.trace_outcome NOT NULL,
    confidence agent_loggy.confidence_level,
    stance agent_loggy.stance NOT NULL,
    p_supports double precision,
    p_refutes double precision,
    p_neutral double precision,
    evidence jsonb DEFAULT '[]'::jsonb NOT NULL,
    run_id bigint,
    run_started_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    recorded_by text DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT trace_findings_evidence_check CHECK (((jsonb_typeof(evidence) = ANY (ARRAY['array'::text, 'object'::text])) AND (octet_length((evidence)::text) <= 1000000))),
    CONSTRAINT trace_findings_probabilities_check CHECK ((((p_supports IS NULL) AND (p_refutes IS NULL) AND (p_neutral IS NULL)) OR (((p_supports >= (0)::double precision) AND (p_supports <= (1)::double precision)) AND ((p_refutes >= (0)::double precision) AND (p_refutes <= (1)::double precision)) AND ((p_neutral >= (0)::double precision) AND (p_neutral <= (1)::double precision)) AND (abs((((p_supports + p_refutes) + p_neutral) - (1)::double precision)) <= (0.001)::double precision)))),
    CONSTRAINT trace_findings_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT trace_findings_relevance_check CHECK (((relevance >= (0)::double precision) AND (relevance <= (100)::double precision))),
    CONSTRAINT trace_findings_run_check CHECK (((run_id IS NULL) = (run_started_at IS NULL))),
    CONSTRAINT trace_findings_trace_id_check CHECK ((trace_id ~ '^[0-9A-Za-z_.:-]{1,128}$'::text))
);

--
-- Name: TABLE trace_findings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.trace_findings IS 'What the analysis of one trace found for an investigation: relevance, outcome, confidence, stance toward the dispute with its probabilities, evidence, and the run that produced it.';

--
-- Name: COLUMN trace_findings.id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.id IS 'Identity of the finding.';

--
-- Name: COLUMN trace_findings.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.project IS 'Project of the investigation.';

--
-- Name: COLUMN trace_findings.investigation_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.investigation_id IS 'The investigation it belongs to (same project).';

--
-- Name: COLUMN trace_findings.trace_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.trace_id IS 'The trace analysed (1-128 characters of letters, digits, _ . : -).';

--
-- Name: COLUMN trace_findings.relevance; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.relevance IS 'Relevance to the dispute, 0-100.';

--
-- Name: COLUMN trace_findings.outcome; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.outcome IS 'successful, failed, partial or unknown.';

--
-- Name: COLUMN trace_findings.confidence; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.confidence IS 'HIGH, MEDIUM or LOW.';

--
-- Name: COLUMN trace_findings.stance; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.stance IS 'supports, refutes or neutral: toward the dispute.';

--
-- Name: COLUMN trace_findings.p_supports; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.p_supports IS 'Probability of supports (the three sum to 1 within 0.001, or are all NULL).';

--
-- Name: COLUMN trace_findings.p_refutes; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.p_refutes IS 'Probability of refutes.';

--
-- Name: COLUMN trace_findings.p_neutral; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.p_neutral IS 'Probability of neutral.';

--
-- Name: COLUMN trace_findings.evidence; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.evidence IS 'Evidence points, a JSON array (or object).';

--
-- Name: COLUMN trace_findings.run_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.run_id IS 'The run that produced the finding; NULL when none or deleted.';

--
-- Name: COLUMN trace_findings.run_started_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.run_started_at IS 'started_at of that run.';

--
-- Name: COLUMN trace_findings.created_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.created_at IS 'When the finding was recorded.';

--
-- Name: COLUMN trace_findings.recorded_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.trace_findings.recorded_by IS 'The login role that recorded it (session_user).';

--
-- Name: trace_findings_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.trace_findings ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.trace_findings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: verdicts; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.verdicts (
    id bigint NOT NULL,
    project text DEFAULT 'default'::text NOT NULL,
    investigation_id bigint NOT NULL,
    verdict text NOT NULL,
    finding_ids bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    supporting integer DEFAULT 0 NOT NULL,
    refuting integer DEFAULT 0 NOT NULL,
    neutral integer DEFAULT 0 NOT NULL,
    confidence double precision,
    reasoning text,
    pipeline_version text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    recorded_by text DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT verdicts_confidence_check CHECK (((confidence >= (0)::double precision) AND (confidence <= (1)::double precision))),
    CONSTRAINT verdicts_finding_ids_check CHECK ((cardinality(finding_ids) <= 10000)),
    CONSTRAINT verdicts_pipeline_version_check CHECK (((length(pipeline_version) >= 1) AND (length(pipeline_version) <= 100))),
    CONSTRAINT verdicts_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT verdicts_reasoning_check CHECK ((length(reasoning) <= 100000)),
    CONSTRAINT verdicts_verdict_check CHECK ((verdict ~ '^[A-Za-z][A-Za-z0-9_ -]{0,62}$'::text))
);

--
-- Name: TABLE verdicts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.verdicts IS 'The conclusion of an investigation: verdict, counts of supporting / refuting / neutral findings (computed by the database from finding_ids), confidence, reasoning, pipeline version.';

--
-- Name: COLUMN verdicts.id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.id IS 'Identity of the verdict.';

--
-- Name: COLUMN verdicts.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.project IS 'Project of the investigation.';

--
-- Name: COLUMN verdicts.investigation_id; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.investigation_id IS 'The investigation concluded (same project).';

--
-- Name: COLUMN verdicts.verdict; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.verdict IS 'The verdict, e.g. supports_dispute (a word or short phrase).';

--
-- Name: COLUMN verdicts.finding_ids; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.finding_ids IS 'The trace findings (of the same investigation) the verdict rests on.';

--
-- Name: COLUMN verdicts.supporting; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.supporting IS 'How many of those findings support the dispute (computed, never the caller''s).';

--
-- Name: COLUMN verdicts.refuting; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.refuting IS 'How many refute it (computed).';

--
-- Name: COLUMN verdicts.neutral; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.neutral IS 'How many are neutral (computed).';

--
-- Name: COLUMN verdicts.confidence; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.confidence IS 'Confidence in the verdict, 0-1.';

--
-- Name: COLUMN verdicts.reasoning; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.reasoning IS 'Why, in words.';

--
-- Name: COLUMN verdicts.pipeline_version; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.pipeline_version IS 'Version of the pipeline that reached it.';

--
-- Name: COLUMN verdicts.created_at; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.created_at IS 'When the verdict was recorded.';

--
-- Name: COLUMN verdicts.recorded_by; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.verdicts.recorded_by IS 'The login role that recorded it (session_user).';

--
-- Name: verdicts_id_seq; Type: SEQUENCE; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.verdicts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME agent_loggy.verdicts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: write_locks; Type: TABLE; Schema: agent_loggy; Owner: -
--

CREATE TABLE agent_loggy.write_locks (
    kind text NOT NULL,
    project text NOT NULL
);

--
-- Name: TABLE write_locks; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON TABLE agent_loggy.write_locks IS 'One row per (kind of write, project) whose row lock serialises those writes; locked only through lock_writes(), nobody else has privileges on it.';

--
-- Name: COLUMN write_locks.kind; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.write_locks.kind IS 'What is serialised: prompts, model_configs, context_rules, negate_keys or documents:<source>.';

--
-- Name: COLUMN write_locks.project; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON COLUMN agent_loggy.write_locks.project IS 'The project whose writes of that kind queue on the row; ''*'' (not a project name) is the queue of unbound admin statements.';

--
-- Name: runs_2026_11; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2026_11 FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00');

--
-- Name: runs_2026_12; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2026_12 FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');

--
-- Name: runs_2027_01; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_01 FOR VALUES FROM ('2027-01-01 00:00:00+00') TO ('2027-02-01 00:00:00+00');

--
-- Name: runs_2027_02; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_02 FOR VALUES FROM ('2027-02-01 00:00:00+00') TO ('2027-03-01 00:00:00+00');

--
-- Name: runs_2027_03; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_03 FOR VALUES FROM ('2027-03-01 00:00:00+00') TO ('2027-04-01 00:00:00+00');

--
-- Name: runs_2027_04; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_04 FOR VALUES FROM ('2027-04-01 00:00:00+00') TO ('2027-05-01 00:00:00+00');

--
-- Name: runs_2027_05; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_05 FOR VALUES FROM ('2027-05-01 00:00:00+00') TO ('2027-06-01 00:00:00+00');

--
-- Name: runs_2027_06; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_06 FOR VALUES FROM ('2027-06-01 00:00:00+00') TO ('2027-07-01 00:00:00+00');

--
-- Name: runs_2027_07; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_07 FOR VALUES FROM ('2027-07-01 00:00:00+00') TO ('2027-08-01 00:00:00+00');

--
-- Name: runs_2027_08; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_08 FOR VALUES FROM ('2027-08-01 00:00:00+00') TO ('2027-09-01 00:00:00+00');

--
-- Name: runs_2027_09; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_09 FOR VALUES FROM ('2027-09-01 00:00:00+00') TO ('2027-10-01 00:00:00+00');

--
-- Name: runs_2027_10; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_10 FOR VALUES FROM ('2027-10-01 00:00:00+00') TO ('2027-11-01 00:00:00+00');

--
-- Name: runs_2027_11; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_11 FOR VALUES FROM ('2027-11-01 00:00:00+00') TO ('2027-12-01 00:00:00+00');

--
-- Name: runs_2027_12; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_2027_12 FOR VALUES FROM ('2027-12-01 00:00:00+00') TO ('2028-01-01 00:00:00+00');

--
-- Name: runs_default; Type: TABLE ATTACH; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs ATTACH PARTITION agent_loggy.runs_default DEFAULT;

--
-- Name: changelog_heads changelog_heads_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.changelog_heads
    ADD CONSTRAINT changelog_heads_pkey PRIMARY KEY (project);

--
-- Name: config_changelog config_changelog_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.config_changelog
    ADD CONSTRAINT config_changelog_pkey PRIMARY KEY (id);

--
-- Name: config_changelog config_changelog_project_chain_seq_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.config_changelog
    ADD CONSTRAINT config_changelog_project_chain_seq_key UNIQUE (project, chain_seq);

--
-- Name: context_rules context_rules_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.context_rules
    ADD CONSTRAINT context_rules_pkey PRIMARY KEY (id);

--
-- Name: context_rules context_rules_project_context_version_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.context_rules
    ADD CONSTRAINT context_rules_project_context_version_key UNIQUE (project, context, version);

--
-- Name: documents documents_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.documents
    ADD CONSTRAINT documents_pkey PRIMARY KEY (id);

--
-- Name: embedding_configs embedding_configs_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.embedding_configs
    ADD CONSTRAINT embedding_configs_pkey PRIMARY KEY (id);

--
-- Name: embedding_configs embedding_configs_project_id_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.embedding_configs
    ADD CONSTRAINT embedding_configs_project_id_key UNIQUE (project, id);

--
-- Name: embedding_configs embedding_configs_project_name_version_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.embedding_configs
    ADD CONSTRAINT embedding_configs_project_name_version_key UNIQUE (project, name, version);

--
-- Name: embeddings embeddings_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.embeddings
    ADD CONSTRAINT embeddings_pkey PRIMARY KEY (config_id, kind, item_id, chunk);

--
-- Name: facts facts_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.facts
    ADD CONSTRAINT facts_pkey PRIMARY KEY (id);

--
-- Name: investigations investigations_id_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.investigations
    ADD CONSTRAINT investigations_id_project_key UNIQUE (id, project);

--
-- Name: investigations investigations_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.investigations
    ADD CONSTRAINT investigations_pkey PRIMARY KEY (id);

--
-- Name: keyword_change_transactions keyword_change_transactions_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.keyword_change_transactions
    ADD CONSTRAINT keyword_change_transactions_pkey PRIMARY KEY (transaction);

--
-- Name: keyword_corpus keyword_corpus_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.keyword_corpus
    ADD CONSTRAINT keyword_corpus_pkey PRIMARY KEY (project);

--
-- Name: keyword_terms keyword_terms_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.keyword_terms
    ADD CONSTRAINT keyword_terms_pkey PRIMARY KEY (project, lexeme);

--
-- Name: login_users login_users_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.login_users
    ADD CONSTRAINT login_users_pkey PRIMARY KEY (login);

--
-- Name: model_configs model_configs_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.model_configs
    ADD CONSTRAINT model_configs_pkey PRIMARY KEY (id);

--
-- Name: model_configs model_configs_project_name_version_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.model_configs
    ADD CONSTRAINT model_configs_project_name_version_key UNIQUE (project, name, version);

--
-- Name: negate_keys negate_keys_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.negate_keys
    ADD CONSTRAINT negate_keys_pkey PRIMARY KEY (id);

--
-- Name: negate_keys negate_keys_project_label_operator_value_version_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.negate_keys
    ADD CONSTRAINT negate_keys_project_label_operator_value_version_key UNIQUE (project, label, operator, value, version);

--
-- Name: project_grants project_grants_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.project_grants
    ADD CONSTRAINT project_grants_pkey PRIMARY KEY (id);

--
-- Name: project_grants project_grants_project_grantee_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.project_grants
    ADD CONSTRAINT project_grants_project_grantee_key UNIQUE (project, grantee);

--
-- Name: promotion_policies promotion_policies_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.promotion_policies
    ADD CONSTRAINT promotion_policies_pkey PRIMARY KEY (id);

--
-- Name: promotion_policies promotion_policies_project_label_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.promotion_policies
    ADD CONSTRAINT promotion_policies_project_label_key UNIQUE (project, label);

--
-- Name: prompts prompts_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.prompts
    ADD CONSTRAINT prompts_pkey PRIMARY KEY (id);

--
-- Name: prompts prompts_project_name_version_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.prompts
    ADD CONSTRAINT prompts_project_name_version_key UNIQUE (project, name, version);

--
-- Name: protected_labels protected_labels_id_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.protected_labels
    ADD CONSTRAINT protected_labels_id_key UNIQUE (id);

--
-- Name: protected_labels protected_labels_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.protected_labels
    ADD CONSTRAINT protected_labels_pkey PRIMARY KEY (project, label);

--
-- Name: runs runs_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs
    ADD CONSTRAINT runs_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2026_11 runs_2026_11_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2026_11
    ADD CONSTRAINT runs_2026_11_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs runs_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs
    ADD CONSTRAINT runs_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2026_11 runs_2026_11_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2026_11
    ADD CONSTRAINT runs_2026_11_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2026_12 runs_2026_12_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2026_12
    ADD CONSTRAINT runs_2026_12_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2026_12 runs_2026_12_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2026_12
    ADD CONSTRAINT runs_2026_12_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_01 runs_2027_01_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_01
    ADD CONSTRAINT runs_2027_01_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_01 runs_2027_01_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_01
    ADD CONSTRAINT runs_2027_01_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_02 runs_2027_02_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_02
    ADD CONSTRAINT runs_2027_02_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_02 runs_2027_02_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_02
    ADD CONSTRAINT runs_2027_02_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_03 runs_2027_03_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_03
    ADD CONSTRAINT runs_2027_03_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_03 runs_2027_03_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_03
    ADD CONSTRAINT runs_2027_03_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_04 runs_2027_04_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_04
    ADD CONSTRAINT runs_2027_04_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_04 runs_2027_04_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_04
    ADD CONSTRAINT runs_2027_04_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_05 runs_2027_05_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_05
    ADD CONSTRAINT runs_2027_05_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_05 runs_2027_05_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_05
    ADD CONSTRAINT runs_2027_05_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_06 runs_2027_06_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_06
    ADD CONSTRAINT runs_2027_06_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_06 runs_2027_06_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_06
    ADD CONSTRAINT runs_2027_06_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_07 runs_2027_07_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_07
    ADD CONSTRAINT runs_2027_07_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_07 runs_2027_07_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_07
    ADD CONSTRAINT runs_2027_07_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_08 runs_2027_08_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_08
    ADD CONSTRAINT runs_2027_08_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_08 runs_2027_08_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_08
    ADD CONSTRAINT runs_2027_08_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_09 runs_2027_09_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_09
    ADD CONSTRAINT runs_2027_09_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_09 runs_2027_09_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_09
    ADD CONSTRAINT runs_2027_09_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_10 runs_2027_10_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_10
    ADD CONSTRAINT runs_2027_10_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_10 runs_2027_10_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_10
    ADD CONSTRAINT runs_2027_10_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_11 runs_2027_11_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_11
    ADD CONSTRAINT runs_2027_11_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_11 runs_2027_11_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_11
    ADD CONSTRAINT runs_2027_11_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_2027_12 runs_2027_12_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_12
    ADD CONSTRAINT runs_2027_12_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_2027_12 runs_2027_12_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_2027_12
    ADD CONSTRAINT runs_2027_12_pkey PRIMARY KEY (id, started_at);

--
-- Name: runs_default runs_default_id_started_at_project_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_default
    ADD CONSTRAINT runs_default_id_started_at_project_key UNIQUE (id, started_at, project);

--
-- Name: runs_default runs_default_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.runs_default
    ADD CONSTRAINT runs_default_pkey PRIMARY KEY (id, started_at);

--
-- Name: scores scores_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.scores
    ADD CONSTRAINT scores_pkey PRIMARY KEY (id);

--
-- Name: search_embedding_configs search_embedding_configs_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.search_embedding_configs
    ADD CONSTRAINT search_embedding_configs_pkey PRIMARY KEY (project);

--
-- Name: trace_findings trace_findings_id_investigation_key; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.trace_findings
    ADD CONSTRAINT trace_findings_id_investigation_key UNIQUE (id, investigation_id);

--
-- Name: trace_findings trace_findings_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.trace_findings
    ADD CONSTRAINT trace_findings_pkey PRIMARY KEY (id);

--
-- Name: verdicts verdicts_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.verdicts
    ADD CONSTRAINT verdicts_pkey PRIMARY KEY (id);

--
-- Name: write_locks write_locks_pkey; Type: CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.write_locks
    ADD CONSTRAINT write_locks_pkey PRIMARY KEY (kind, project);

--
-- Name: config_changelog_changed_at_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX config_changelog_changed_at_idx ON agent_loggy.config_changelog USING btree (changed_at);

--
-- Name: config_changelog_config_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX config_changelog_config_idx ON agent_loggy.config_changelog USING btree (config_type, config_id);

--
-- Name: config_changelog_transaction_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX config_changelog_transaction_idx ON agent_loggy.config_changelog USING btree (transaction_id);

--
-- Name: config_changelog_versions_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX config_changelog_versions_idx ON agent_loggy.config_changelog USING btree (project, config_type, config_name, GREATEST(previous_version, new_version));

--
-- Name: context_rules_embedding_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX context_rules_embedding_idx ON agent_loggy.context_rules USING hnsw (embedding public.vector_cosine_ops);

--
-- Name: context_rules_search_vector_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX context_rules_search_vector_idx ON agent_loggy.context_rules USING gin (search_vector);

--
-- Name: documents_embedding_config_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX documents_embedding_config_id_idx ON agent_loggy.documents USING btree (embedding_config_id) WHERE (embedding_config_id IS NOT NULL);

--
-- Name: documents_embedding_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX documents_embedding_idx ON agent_loggy.documents USING hnsw (embedding public.vector_cosine_ops);

--
-- Name: documents_identity_key; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE UNIQUE INDEX documents_identity_key ON agent_loggy.documents USING btree (project, source, COALESCE(user_id, ''::text), external_id);

--
-- Name: INDEX documents_identity_key; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON INDEX agent_loggy.documents_identity_key IS 'A document''s identity: external_id is unique per project, source and user (shared documents: user '''').';

--
-- Name: documents_metadata_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX documents_metadata_idx ON agent_loggy.documents USING gin (metadata);

--
-- Name: documents_search_vector_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX documents_search_vector_idx ON agent_loggy.documents USING gin (search_vector);

--
-- Name: documents_tags_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX documents_tags_idx ON agent_loggy.documents USING gin (tags);

--
-- Name: documents_user_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX documents_user_idx ON agent_loggy.documents USING btree (project, user_id) WHERE (user_id IS NOT NULL);

--
-- Name: INDEX documents_user_idx; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON INDEX agent_loggy.documents_user_idx IS 'The documents of each user of a project.';

--
-- Name: embeddings_item_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX embeddings_item_idx ON ONLY agent_loggy.embeddings USING btree (kind, item_id);

--
-- Name: embeddings_project_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX embeddings_project_idx ON ONLY agent_loggy.embeddings USING btree (project, kind);

--
-- Name: facts_user_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX facts_user_idx ON agent_loggy.facts USING btree (project, user_id, key, version DESC);

--
-- Name: facts_version_key; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE UNIQUE INDEX facts_version_key ON agent_loggy.facts USING btree (project, COALESCE(user_id, ''::text), key, version);

--
-- Name: INDEX facts_version_key; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON INDEX agent_loggy.facts_version_key IS 'One row per version of a key of a user (shared facts: user '''') in a project.';

--
-- Name: investigations_embedding_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX investigations_embedding_idx ON agent_loggy.investigations USING hnsw (embedding public.vector_cosine_ops);

--
-- Name: investigations_project_created_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX investigations_project_created_idx ON agent_loggy.investigations USING btree (project, created_at);

--
-- Name: investigations_project_ref_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX investigations_project_ref_idx ON agent_loggy.investigations USING btree (project, external_ref);

--
-- Name: keyword_changes_transaction_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX keyword_changes_transaction_idx ON agent_loggy.keyword_changes USING btree (transaction, project, lexeme);

--
-- Name: keyword_terms_lexeme_trgm_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX keyword_terms_lexeme_trgm_idx ON agent_loggy.keyword_terms USING gin (lexeme public.gin_trgm_ops);

--
-- Name: INDEX keyword_terms_lexeme_trgm_idx; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON INDEX agent_loggy.keyword_terms_lexeme_trgm_idx IS 'Trigrams of each lexeme of the projects'' vocabularies (pg_trgm''s gin_trgm_ops): fuzzy_terms() finds the lexemes similar to a query word through it.';

--
-- Name: model_configs_labels_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX model_configs_labels_idx ON agent_loggy.model_configs USING gin (labels);

--
-- Name: project_grants_grantee_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX project_grants_grantee_idx ON agent_loggy.project_grants USING btree (grantee);

--
-- Name: prompts_embedding_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX prompts_embedding_idx ON agent_loggy.prompts USING hnsw (embedding public.vector_cosine_ops);

--
-- Name: prompts_labels_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX prompts_labels_idx ON agent_loggy.prompts USING gin (labels);

--
-- Name: prompts_project_name_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX prompts_project_name_idx ON agent_loggy.prompts USING btree (project, name);

--
-- Name: runs_investigation_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_investigation_idx ON ONLY agent_loggy.runs USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2026_11_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2026_11_investigation_id_idx ON agent_loggy.runs_2026_11 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_prompt_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_prompt_idx ON ONLY agent_loggy.runs USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2026_11_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2026_11_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2026_11 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_prompt_id_idx ON ONLY agent_loggy.runs USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2026_11_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2026_11_prompt_id_idx ON agent_loggy.runs_2026_11 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_trace_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_trace_idx ON ONLY agent_loggy.runs USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2026_11_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2026_11_trace_id_idx ON agent_loggy.runs_2026_11 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2026_12_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2026_12_investigation_id_idx ON agent_loggy.runs_2026_12 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2026_12_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2026_12_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2026_12 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2026_12_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2026_12_prompt_id_idx ON agent_loggy.runs_2026_12 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2026_12_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2026_12_trace_id_idx ON agent_loggy.runs_2026_12 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_01_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_01_investigation_id_idx ON agent_loggy.runs_2027_01 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_01_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_01_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_01 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_01_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_01_prompt_id_idx ON agent_loggy.runs_2027_01 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_01_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_01_trace_id_idx ON agent_loggy.runs_2027_01 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_02_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_02_investigation_id_idx ON agent_loggy.runs_2027_02 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_02_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_02_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_02 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_02_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_02_prompt_id_idx ON agent_loggy.runs_2027_02 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_02_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_02_trace_id_idx ON agent_loggy.runs_2027_02 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_03_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_03_investigation_id_idx ON agent_loggy.runs_2027_03 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_03_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_03_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_03 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_03_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_03_prompt_id_idx ON agent_loggy.runs_2027_03 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_03_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_03_trace_id_idx ON agent_loggy.runs_2027_03 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_04_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_04_investigation_id_idx ON agent_loggy.runs_2027_04 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_04_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_04_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_04 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_04_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_04_prompt_id_idx ON agent_loggy.runs_2027_04 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_04_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_04_trace_id_idx ON agent_loggy.runs_2027_04 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_05_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_05_investigation_id_idx ON agent_loggy.runs_2027_05 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_05_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_05_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_05 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_05_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_05_prompt_id_idx ON agent_loggy.runs_2027_05 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_05_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_05_trace_id_idx ON agent_loggy.runs_2027_05 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_06_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_06_investigation_id_idx ON agent_loggy.runs_2027_06 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_06_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_06_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_06 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_06_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_06_prompt_id_idx ON agent_loggy.runs_2027_06 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_06_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_06_trace_id_idx ON agent_loggy.runs_2027_06 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_07_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_07_investigation_id_idx ON agent_loggy.runs_2027_07 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_07_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_07_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_07 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_07_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_07_prompt_id_idx ON agent_loggy.runs_2027_07 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_07_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_07_trace_id_idx ON agent_loggy.runs_2027_07 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_08_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_08_investigation_id_idx ON agent_loggy.runs_2027_08 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_08_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_08_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_08 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_08_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_08_prompt_id_idx ON agent_loggy.runs_2027_08 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_08_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_08_trace_id_idx ON agent_loggy.runs_2027_08 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_09_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_09_investigation_id_idx ON agent_loggy.runs_2027_09 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_09_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_09_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_09 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_09_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_09_prompt_id_idx ON agent_loggy.runs_2027_09 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_09_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_09_trace_id_idx ON agent_loggy.runs_2027_09 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_10_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_10_investigation_id_idx ON agent_loggy.runs_2027_10 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_10_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_10_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_10 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_10_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_10_prompt_id_idx ON agent_loggy.runs_2027_10 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_10_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_10_trace_id_idx ON agent_loggy.runs_2027_10 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_11_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_11_investigation_id_idx ON agent_loggy.runs_2027_11 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_11_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_11_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_11 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_11_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_11_prompt_id_idx ON agent_loggy.runs_2027_11 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_11_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_11_trace_id_idx ON agent_loggy.runs_2027_11 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_2027_12_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_12_investigation_id_idx ON agent_loggy.runs_2027_12 USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_2027_12_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_12_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_2027_12 USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_2027_12_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_12_prompt_id_idx ON agent_loggy.runs_2027_12 USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_2027_12_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_2027_12_trace_id_idx ON agent_loggy.runs_2027_12 USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: runs_default_investigation_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_default_investigation_id_idx ON agent_loggy.runs_default USING btree (investigation_id) WHERE (investigation_id IS NOT NULL);

--
-- Name: runs_default_project_prompt_name_started_at_prompt_version__idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_default_project_prompt_name_started_at_prompt_version__idx ON agent_loggy.runs_default USING btree (project, prompt_name, started_at) INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);

--
-- Name: runs_default_prompt_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_default_prompt_id_idx ON agent_loggy.runs_default USING btree (prompt_id) WHERE (prompt_id IS NOT NULL);

--
-- Name: runs_default_trace_id_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX runs_default_trace_id_idx ON agent_loggy.runs_default USING btree (trace_id) WHERE (trace_id IS NOT NULL);

--
-- Name: scores_investigation_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX scores_investigation_idx ON agent_loggy.scores USING btree (investigation_id, name, created_at) WHERE (investigation_id IS NOT NULL);

--
-- Name: scores_run_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX scores_run_idx ON agent_loggy.scores USING btree (run_id, run_started_at) INCLUDE (name, value) WHERE (run_id IS NOT NULL);

--
-- Name: trace_findings_investigation_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX trace_findings_investigation_idx ON agent_loggy.trace_findings USING btree (investigation_id, trace_id);

--
-- Name: trace_findings_run_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX trace_findings_run_idx ON agent_loggy.trace_findings USING btree (run_id, run_started_at) WHERE (run_id IS NOT NULL);

--
-- Name: verdicts_investigation_idx; Type: INDEX; Schema: agent_loggy; Owner: -
--

CREATE INDEX verdicts_investigation_idx ON agent_loggy.verdicts USING btree (investigation_id, created_at);

--
-- Name: runs_2026_11_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2026_11_id_started_at_project_key;

--
-- Name: runs_2026_11_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2026_11_investigation_id_idx;

--
-- Name: runs_2026_11_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2026_11_pkey;

--
-- Name: runs_2026_11_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2026_11_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2026_11_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2026_11_prompt_id_idx;

--
-- Name: runs_2026_11_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2026_11_trace_id_idx;

--
-- Name: runs_2026_12_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2026_12_id_started_at_project_key;

--
-- Name: runs_2026_12_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2026_12_investigation_id_idx;

--
-- Name: runs_2026_12_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2026_12_pkey;

--
-- Name: runs_2026_12_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2026_12_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2026_12_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2026_12_prompt_id_idx;

--
-- Name: runs_2026_12_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2026_12_trace_id_idx;

--
-- Name: runs_2027_01_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_01_id_started_at_project_key;

--
-- Name: runs_2027_01_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_01_investigation_id_idx;

--
-- Name: runs_2027_01_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_01_pkey;

--
-- Name: runs_2027_01_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_01_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_01_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_01_prompt_id_idx;

--
-- Name: runs_2027_01_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_01_trace_id_idx;

--
-- Name: runs_2027_02_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_02_id_started_at_project_key;

--
-- Name: runs_2027_02_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_02_investigation_id_idx;

--
-- Name: runs_2027_02_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_02_pkey;

--
-- Name: runs_2027_02_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_02_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_02_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_02_prompt_id_idx;

--
-- Name: runs_2027_02_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_02_trace_id_idx;

--
-- Name: runs_2027_03_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_03_id_started_at_project_key;

--
-- Name: runs_2027_03_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_03_investigation_id_idx;

--
-- Name: runs_2027_03_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_03_pkey;

--
-- Name: runs_2027_03_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_03_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_03_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_03_prompt_id_idx;

--
-- Name: runs_2027_03_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_03_trace_id_idx;

--
-- Name: runs_2027_04_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_04_id_started_at_project_key;

--
-- Name: runs_2027_04_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_04_investigation_id_idx;

--
-- Name: runs_2027_04_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_04_pkey;

--
-- Name: runs_2027_04_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_04_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_04_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_04_prompt_id_idx;

--
-- Name: runs_2027_04_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_04_trace_id_idx;

--
-- Name: runs_2027_05_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_05_id_started_at_project_key;

--
-- Name: runs_2027_05_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_05_investigation_id_idx;

--
-- Name: runs_2027_05_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_05_pkey;

--
-- Name: runs_2027_05_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_05_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_05_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_05_prompt_id_idx;

--
-- Name: runs_2027_05_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_05_trace_id_idx;

--
-- Name: runs_2027_06_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_06_id_started_at_project_key;

--
-- Name: runs_2027_06_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_06_investigation_id_idx;

--
-- Name: runs_2027_06_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_06_pkey;

--
-- Name: runs_2027_06_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_06_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_06_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_06_prompt_id_idx;

--
-- Name: runs_2027_06_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_06_trace_id_idx;

--
-- Name: runs_2027_07_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_07_id_started_at_project_key;

--
-- Name: runs_2027_07_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_07_investigation_id_idx;

--
-- Name: runs_2027_07_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_07_pkey;

--
-- Name: runs_2027_07_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_07_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_07_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_07_prompt_id_idx;

--
-- Name: runs_2027_07_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_07_trace_id_idx;

--
-- Name: runs_2027_08_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_08_id_started_at_project_key;

--
-- Name: runs_2027_08_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_08_investigation_id_idx;

--
-- Name: runs_2027_08_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_08_pkey;

--
-- Name: runs_2027_08_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_08_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_08_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_08_prompt_id_idx;

--
-- Name: runs_2027_08_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_08_trace_id_idx;

--
-- Name: runs_2027_09_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_09_id_started_at_project_key;

--
-- Name: runs_2027_09_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_09_investigation_id_idx;

--
-- Name: runs_2027_09_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_09_pkey;

--
-- Name: runs_2027_09_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_09_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_09_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_09_prompt_id_idx;

--
-- Name: runs_2027_09_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_09_trace_id_idx;

--
-- Name: runs_2027_10_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_10_id_started_at_project_key;

--
-- Name: runs_2027_10_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_10_investigation_id_idx;

--
-- Name: runs_2027_10_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_10_pkey;

--
-- Name: runs_2027_10_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_10_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_10_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_10_prompt_id_idx;

--
-- Name: runs_2027_10_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_10_trace_id_idx;

--
-- Name: runs_2027_11_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_11_id_started_at_project_key;

--
-- Name: runs_2027_11_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_11_investigation_id_idx;

--
-- Name: runs_2027_11_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_11_pkey;

--
-- Name: runs_2027_11_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_11_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_11_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_11_prompt_id_idx;

--
-- Name: runs_2027_11_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_11_trace_id_idx;

--
-- Name: runs_2027_12_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_2027_12_id_started_at_project_key;

--
-- Name: runs_2027_12_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_2027_12_investigation_id_idx;

--
-- Name: runs_2027_12_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_2027_12_pkey;

--
-- Name: runs_2027_12_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_2027_12_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_2027_12_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_2027_12_prompt_id_idx;

--
-- Name: runs_2027_12_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_2027_12_trace_id_idx;

--
-- Name: runs_default_id_started_at_project_key; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_id_started_at_project_key ATTACH PARTITION agent_loggy.runs_default_id_started_at_project_key;

--
-- Name: runs_default_investigation_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_investigation_idx ATTACH PARTITION agent_loggy.runs_default_investigation_id_idx;

--
-- Name: runs_default_pkey; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_pkey ATTACH PARTITION agent_loggy.runs_default_pkey;

--
-- Name: runs_default_project_prompt_name_started_at_prompt_version__idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_idx ATTACH PARTITION agent_loggy.runs_default_project_prompt_name_started_at_prompt_version__idx;

--
-- Name: runs_default_prompt_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_prompt_id_idx ATTACH PARTITION agent_loggy.runs_default_prompt_id_idx;

--
-- Name: runs_default_trace_id_idx; Type: INDEX ATTACH; Schema: agent_loggy; Owner: -
--

ALTER INDEX agent_loggy.runs_trace_idx ATTACH PARTITION agent_loggy.runs_default_trace_id_idx;

--
-- Name: config_changelog append_only; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON agent_loggy.config_changelog FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_changelog_change();

--
-- Name: keyword_change_transactions fold_keyword_changes; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE CONSTRAINT TRIGGER fold_keyword_changes AFTER INSERT ON agent_loggy.keyword_change_transactions DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION agent_loggy.fold_keyword_changes();

--
-- Name: context_rules forget_stale_vectors; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER forget_stale_vectors AFTER DELETE OR UPDATE ON agent_loggy.context_rules FOR EACH ROW EXECUTE FUNCTION agent_loggy.forget_stale_vectors();

--
-- Name: documents forget_stale_vectors; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER forget_stale_vectors AFTER DELETE OR UPDATE ON agent_loggy.documents FOR EACH ROW EXECUTE FUNCTION agent_loggy.forget_stale_vectors();

--
-- Name: investigations forget_stale_vectors; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER forget_stale_vectors AFTER DELETE OR UPDATE OF query ON agent_loggy.investigations FOR EACH ROW EXECUTE FUNCTION agent_loggy.forget_stale_investigation_vectors();

--
-- Name: prompts forget_stale_vectors; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER forget_stale_vectors AFTER DELETE OR UPDATE ON agent_loggy.prompts FOR EACH ROW EXECUTE FUNCTION agent_loggy.forget_stale_vectors();

--
-- Name: embedding_configs keep_embedding_store; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER keep_embedding_store BEFORE DELETE ON agent_loggy.embedding_configs FOR EACH ROW EXECUTE FUNCTION agent_loggy.keep_embedding_store();

--
-- Name: documents keyword_statistics_delete; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER keyword_statistics_delete AFTER DELETE ON agent_loggy.documents REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.count_keyword_changes();

--
-- Name: documents keyword_statistics_insert; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER keyword_statistics_insert AFTER INSERT ON agent_loggy.documents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.count_keyword_changes();

--
-- Name: documents keyword_statistics_truncate; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER keyword_statistics_truncate AFTER TRUNCATE ON agent_loggy.documents FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.forget_keyword_counts();

--
-- Name: documents keyword_statistics_update; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER keyword_statistics_update AFTER UPDATE ON agent_loggy.documents REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.count_keyword_changes();

--
-- Name: embedding_configs make_embedding_store; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER make_embedding_store AFTER INSERT OR UPDATE OF dimensions, distance ON agent_loggy.embedding_configs FOR EACH ROW EXECUTE FUNCTION agent_loggy.make_embedding_store();

--
-- Name: model_configs move_labels_on_insert; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER move_labels_on_insert AFTER INSERT ON agent_loggy.model_configs REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_labels();

--
-- Name: prompts move_labels_on_insert; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER move_labels_on_insert AFTER INSERT ON agent_loggy.prompts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_labels();

--
-- Name: model_configs move_labels_on_update; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER move_labels_on_update AFTER UPDATE ON agent_loggy.model_configs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_labels();

--
-- Name: prompts move_labels_on_update; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER move_labels_on_update AFTER UPDATE ON agent_loggy.prompts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_labels();

--
-- Name: config_changelog notify_change; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT ON agent_loggy.config_changelog FOR EACH ROW WHEN ((new.config_type = ANY (ARRAY['prompt'::text, 'model_config'::text, 'protected_label'::text, 'grant'::text]))) EXECUTE FUNCTION agent_loggy.notify_change();

--
-- Name: changelog_heads refuse_truncate; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.changelog_heads FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

--
-- Name: context_rules refuse_truncate; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.context_rules FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

--
-- Name: embedding_configs refuse_truncate; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.embedding_configs FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

--
-- Name: model_configs refuse_truncate; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.model_configs FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

--
-- Name: negate_keys refuse_truncate; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.negate_keys FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

--
-- Name: project_grants refuse_truncate; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.project_grants FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

--
-- Name: promotion_policies refuse_truncate; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.promotion_policies FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

--
-- Name: prompts refuse_truncate; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.prompts FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

--
-- Name: protected_labels refuse_truncate; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.protected_labels FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

--
-- Name: model_configs serialize_writes; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER serialize_writes BEFORE INSERT OR DELETE OR UPDATE ON agent_loggy.model_configs FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.serialize_writes();

--
-- Name: prompts serialize_writes; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER serialize_writes BEFORE INSERT OR DELETE OR UPDATE ON agent_loggy.prompts FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.serialize_writes();

--
-- Name: prompts t05_check_prompt_format; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t05_check_prompt_format BEFORE INSERT OR UPDATE ON agent_loggy.prompts FOR EACH ROW EXECUTE FUNCTION agent_loggy.check_prompt_format();

--
-- Name: config_changelog t10_chain; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t10_chain BEFORE INSERT ON agent_loggy.config_changelog FOR EACH ROW EXECUTE FUNCTION agent_loggy.chain_changelog_row();

--
-- Name: context_rules t10_validate_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t10_validate_row BEFORE INSERT OR UPDATE ON agent_loggy.context_rules FOR EACH ROW EXECUTE FUNCTION agent_loggy.validate_row();

--
-- Name: embedding_configs t10_validate_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t10_validate_row BEFORE INSERT OR UPDATE ON agent_loggy.embedding_configs FOR EACH ROW EXECUTE FUNCTION agent_loggy.validate_row();

--
-- Name: model_configs t10_validate_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t10_validate_row BEFORE INSERT OR UPDATE ON agent_loggy.model_configs FOR EACH ROW EXECUTE FUNCTION agent_loggy.validate_row();

--
-- Name: negate_keys t10_validate_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t10_validate_row BEFORE INSERT OR UPDATE ON agent_loggy.negate_keys FOR EACH ROW EXECUTE FUNCTION agent_loggy.validate_row();

--
-- Name: prompts t10_validate_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t10_validate_row BEFORE INSERT OR UPDATE ON agent_loggy.prompts FOR EACH ROW EXECUTE FUNCTION agent_loggy.validate_row();

--
-- Name: negate_keys t15_check_negate_key_regex; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t15_check_negate_key_regex BEFORE INSERT OR UPDATE OF operator, value ON agent_loggy.negate_keys FOR EACH ROW EXECUTE FUNCTION agent_loggy.check_negate_key_regex();

--
-- Name: prompts t20_derive_variables; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t20_derive_variables BEFORE INSERT OR UPDATE ON agent_loggy.prompts FOR EACH ROW EXECUTE FUNCTION agent_loggy.derive_variables();

--
-- Name: facts t30_guard_fact; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_fact BEFORE INSERT ON agent_loggy.facts FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_fact();

--
-- Name: investigations t30_guard_record; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_record BEFORE INSERT OR UPDATE ON agent_loggy.investigations FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_record('investigations');

--
-- Name: runs t30_guard_record; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_record BEFORE INSERT OR UPDATE ON agent_loggy.runs FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_record('runs');

--
-- Name: scores t30_guard_record; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_record BEFORE INSERT OR UPDATE ON agent_loggy.scores FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_record('scores');

--
-- Name: trace_findings t30_guard_record; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_record BEFORE INSERT OR UPDATE ON agent_loggy.trace_findings FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_record('trace_findings');

--
-- Name: verdicts t30_guard_record; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_record BEFORE INSERT OR UPDATE ON agent_loggy.verdicts FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_record('verdicts');

--
-- Name: context_rules t30_guard_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_row BEFORE INSERT OR UPDATE ON agent_loggy.context_rules FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_row('context_rule');

--
-- Name: documents t30_guard_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_row BEFORE INSERT OR UPDATE ON agent_loggy.documents FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_row();

--
-- Name: embedding_configs t30_guard_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_row BEFORE INSERT OR UPDATE ON agent_loggy.embedding_configs FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_row('embedding_config');

--
-- Name: model_configs t30_guard_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_row BEFORE INSERT OR UPDATE ON agent_loggy.model_configs FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_row('model_config');

--
-- Name: negate_keys t30_guard_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_row BEFORE INSERT OR UPDATE ON agent_loggy.negate_keys FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_row('negate_key');

--
-- Name: prompts t30_guard_row; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t30_guard_row BEFORE INSERT OR UPDATE ON agent_loggy.prompts FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_row('prompt');

--
-- Name: prompts t31_check_output_schema; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t31_check_output_schema BEFORE INSERT OR UPDATE OF output_schema ON agent_loggy.prompts FOR EACH ROW EXECUTE FUNCTION agent_loggy.check_output_schema();

--
-- Name: prompts t32_check_promotion; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t32_check_promotion BEFORE INSERT OR UPDATE OF labels, name, project ON agent_loggy.prompts FOR EACH ROW EXECUTE FUNCTION agent_loggy.check_promotion();

--
-- Name: documents t50_clear_stale_embedding; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t50_clear_stale_embedding BEFORE UPDATE ON agent_loggy.documents FOR EACH ROW EXECUTE FUNCTION agent_loggy.clear_stale_embedding();

--
-- Name: context_rules t90_touch_updated_at; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.context_rules FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at('search_vector');

--
-- Name: documents t90_touch_updated_at; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.documents FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at('search_vector', 'keyword_frequencies');

--
-- Name: embedding_configs t90_touch_updated_at; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.embedding_configs FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();

--
-- Name: model_configs t90_touch_updated_at; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.model_configs FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();

--
-- Name: negate_keys t90_touch_updated_at; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.negate_keys FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();

--
-- Name: prompts t90_touch_updated_at; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.prompts FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();

--
-- Name: context_rules write_changelog; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER write_changelog AFTER INSERT OR DELETE OR UPDATE ON agent_loggy.context_rules FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('context_rule');

--
-- Name: embedding_configs write_changelog; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER write_changelog AFTER INSERT OR DELETE OR UPDATE ON agent_loggy.embedding_configs FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('embedding_config');

--
-- Name: model_configs write_changelog; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER write_changelog AFTER INSERT OR DELETE OR UPDATE ON agent_loggy.model_configs FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('model_config');

--
-- Name: negate_keys write_changelog; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER write_changelog AFTER INSERT OR DELETE OR UPDATE ON agent_loggy.negate_keys FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('negate_key');

--
-- Name: project_grants write_changelog; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER write_changelog AFTER INSERT OR DELETE OR UPDATE ON agent_loggy.project_grants FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('grant');

--
-- Name: prompts write_changelog; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER write_changelog AFTER INSERT OR DELETE OR UPDATE ON agent_loggy.prompts FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('prompt');

--
-- Name: protected_labels write_changelog; Type: TRIGGER; Schema: agent_loggy; Owner: -
--

CREATE TRIGGER write_changelog AFTER INSERT OR DELETE OR UPDATE ON agent_loggy.protected_labels FOR EACH ROW EXECUTE FUNCTION agent_loggy.write_changelog('protected_label');

--
-- Name: documents documents_embedding_config_fkey; Type: FK CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.documents
    ADD CONSTRAINT documents_embedding_config_fkey FOREIGN KEY (project, embedding_config_id) REFERENCES agent_loggy.embedding_configs(project, id);

--
-- Name: facts facts_embedding_config_id_fkey; Type: FK CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.facts
    ADD CONSTRAINT facts_embedding_config_id_fkey FOREIGN KEY (project, embedding_config_id) REFERENCES agent_loggy.embedding_configs(project, id);

--
-- Name: runs runs_investigation_fkey; Type: FK CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.runs
    ADD CONSTRAINT runs_investigation_fkey FOREIGN KEY (investigation_id, project) REFERENCES agent_loggy.investigations(id, project) ON DELETE SET NULL (investigation_id);

--
-- Name: runs runs_prompt_fkey; Type: FK CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.runs
    ADD CONSTRAINT runs_prompt_fkey FOREIGN KEY (prompt_id) REFERENCES agent_loggy.prompts(id) ON DELETE SET NULL;

--
-- Name: scores scores_investigation_fkey; Type: FK CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.scores
    ADD CONSTRAINT scores_investigation_fkey FOREIGN KEY (investigation_id, project) REFERENCES agent_loggy.investigations(id, project) ON DELETE CASCADE;

--
-- Name: scores scores_run_fkey; Type: FK CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.scores
    ADD CONSTRAINT scores_run_fkey FOREIGN KEY (run_id, run_started_at, project) REFERENCES agent_loggy.runs(id, started_at, project) ON DELETE CASCADE;

--
-- Name: search_embedding_configs search_embedding_configs_config_fkey; Type: FK CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.search_embedding_configs
    ADD CONSTRAINT search_embedding_configs_config_fkey FOREIGN KEY (project, embedding_config_id) REFERENCES agent_loggy.embedding_configs(project, id);

--
-- Name: trace_findings trace_findings_investigation_fkey; Type: FK CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.trace_findings
    ADD CONSTRAINT trace_findings_investigation_fkey FOREIGN KEY (investigation_id, project) REFERENCES agent_loggy.investigations(id, project) ON DELETE CASCADE;

--
-- Name: trace_findings trace_findings_run_fkey; Type: FK CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.trace_findings
    ADD CONSTRAINT trace_findings_run_fkey FOREIGN KEY (run_id, run_started_at, project) REFERENCES agent_loggy.runs(id, started_at, project) ON DELETE SET NULL (run_id, run_started_at);

--
-- Name: verdicts verdicts_investigation_fkey; Type: FK CONSTRAINT; Schema: agent_loggy; Owner: -
--

ALTER TABLE ONLY agent_loggy.verdicts
    ADD CONSTRAINT verdicts_investigation_fkey FOREIGN KEY (investigation_id, project) REFERENCES agent_loggy.investigations(id, project) ON DELETE CASCADE;

--
-- Name: changelog_heads; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.changelog_heads ENABLE ROW LEVEL SECURITY;

--
-- Name: config_changelog; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.config_changelog ENABLE ROW LEVEL SECURITY;

--
-- Name: context_rules; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.context_rules ENABLE ROW LEVEL SECURITY;

--
-- Name: documents; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.documents ENABLE ROW LEVEL SECURITY;

--
-- Name: embedding_configs; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.embedding_configs ENABLE ROW LEVEL SECURITY;

--
-- Name: embeddings; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.embeddings ENABLE ROW LEVEL SECURITY;

--
-- Name: facts; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.facts ENABLE ROW LEVEL SECURITY;

--
-- Name: investigations; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.investigations ENABLE ROW LEVEL SECURITY;

--
-- Name: model_configs; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.model_configs ENABLE ROW LEVEL SECURITY;

--
-- Name: negate_keys; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.negate_keys ENABLE ROW LEVEL SECURITY;

--
-- Name: project_grants own_grants; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY own_grants ON agent_loggy.project_grants USING ((( SELECT agent_loggy.is_admin() AS is_admin) OR pg_has_role(( SELECT r.oid
   FROM pg_roles r
  WHERE (r.rolname = project_grants.grantee)), 'USAGE'::text))) WITH CHECK (( SELECT agent_loggy.is_admin() AS is_admin));

--
-- Name: POLICY own_grants ON project_grants; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY own_grants ON agent_loggy.project_grants IS 'A role sees the grants that apply to it (its own and its groups''); admin sees and changes all of them. Independent of the bound project, so the binding check can read it.';

--
-- Name: context_rules project_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_deletes ON agent_loggy.context_rules AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_deletes ON context_rules; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_deletes ON agent_loggy.context_rules IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: documents project_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_deletes ON agent_loggy.documents AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_deletes ON documents; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_deletes ON agent_loggy.documents IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: embedding_configs project_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_deletes ON agent_loggy.embedding_configs AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_deletes ON embedding_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_deletes ON agent_loggy.embedding_configs IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: embeddings project_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_deletes ON agent_loggy.embeddings AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_deletes ON embeddings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_deletes ON agent_loggy.embeddings IS 'Deletes only in a project the transaction may write.';

--
-- Name: model_configs project_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_deletes ON agent_loggy.model_configs AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_deletes ON model_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_deletes ON agent_loggy.model_configs IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: negate_keys project_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_deletes ON agent_loggy.negate_keys AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_deletes ON negate_keys; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_deletes ON agent_loggy.negate_keys IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: prompts project_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_deletes ON agent_loggy.prompts AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_deletes ON prompts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_deletes ON agent_loggy.prompts IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: protected_labels project_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_deletes ON agent_loggy.protected_labels AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_deletes ON protected_labels; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_deletes ON agent_loggy.protected_labels IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: project_grants; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.project_grants ENABLE ROW LEVEL SECURITY;

--
-- Name: changelog_heads project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.changelog_heads USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON changelog_heads; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.changelog_heads IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().';

--
-- Name: config_changelog project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.config_changelog USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON config_changelog; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.config_changelog IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().';

--
-- Name: context_rules project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.context_rules USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON context_rules; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.context_rules IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().';

--
-- Name: documents project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.documents USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON documents; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.documents IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().';

--
-- Name: embedding_configs project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.embedding_configs USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON embedding_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.embedding_configs IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().';

--
-- Name: embeddings project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.embeddings USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON embeddings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.embeddings IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).';

--
-- Name: facts project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.facts USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON facts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.facts IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).';

--
-- Name: investigations project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.investigations USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON investigations; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.investigations IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).';

--
-- Name: model_configs project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.model_configs USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON model_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.model_configs IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().';

--
-- Name: negate_keys project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.negate_keys USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON negate_keys; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.negate_keys IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().';

--
-- Name: promotion_policies project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.promotion_policies USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON promotion_policies; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.promotion_policies IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).';

--
-- Name: prompts project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.prompts USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON prompts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.prompts IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().';

--
-- Name: protected_labels project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.protected_labels USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON protected_labels; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.protected_labels IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().';

--
-- Name: runs project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.runs USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON runs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.runs IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).';

--
-- Name: scores project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.scores USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON scores; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.scores IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).';

--
-- Name: search_embedding_configs project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.search_embedding_configs USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_isolation ON search_embedding_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.search_embedding_configs IS 'Read: the projects the transaction sees; written only in a project it may write.';

--
-- Name: trace_findings project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.trace_findings USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON trace_findings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.trace_findings IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).';

--
-- Name: verdicts project_isolation; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_isolation ON agent_loggy.verdicts USING ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.sees_every_project() AS sees_every_project) OR (project = ANY (( SELECT agent_loggy.visible_projects() AS visible_projects)::text[]))));

--
-- Name: POLICY project_isolation ON verdicts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_isolation ON agent_loggy.verdicts IS 'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).';

--
-- Name: facts project_record_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_deletes ON agent_loggy.facts AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_deletes ON facts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_deletes ON agent_loggy.facts IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: investigations project_record_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_deletes ON agent_loggy.investigations AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_deletes ON investigations; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_deletes ON agent_loggy.investigations IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: promotion_policies project_record_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_deletes ON agent_loggy.promotion_policies AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_deletes ON promotion_policies; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_deletes ON agent_loggy.promotion_policies IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: runs project_record_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_deletes ON agent_loggy.runs AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_deletes ON runs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_deletes ON agent_loggy.runs IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: scores project_record_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_deletes ON agent_loggy.scores AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_deletes ON scores; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_deletes ON agent_loggy.scores IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: trace_findings project_record_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_deletes ON agent_loggy.trace_findings AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_deletes ON trace_findings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_deletes ON agent_loggy.trace_findings IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: verdicts project_record_deletes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_deletes ON agent_loggy.verdicts AS RESTRICTIVE FOR DELETE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_deletes ON verdicts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_deletes ON agent_loggy.verdicts IS 'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';

--
-- Name: investigations project_record_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_updates ON agent_loggy.investigations AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project)))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_updates ON investigations; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_updates ON agent_loggy.investigations IS 'Updates only of rows of the bound project; admin: every project with none bound.';

--
-- Name: promotion_policies project_record_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_updates ON agent_loggy.promotion_policies AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project)))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_updates ON promotion_policies; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_updates ON agent_loggy.promotion_policies IS 'Updates only of rows of the bound project; admin: every project with none bound.';

--
-- Name: runs project_record_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_updates ON agent_loggy.runs AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project)))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_updates ON runs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_updates ON agent_loggy.runs IS 'Updates only of rows of the bound project; admin: every project with none bound.';

--
-- Name: scores project_record_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_updates ON agent_loggy.scores AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project)))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_updates ON scores; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_updates ON agent_loggy.scores IS 'Updates only of rows of the bound project; admin: every project with none bound.';

--
-- Name: trace_findings project_record_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_updates ON agent_loggy.trace_findings AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project)))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_updates ON trace_findings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_updates ON agent_loggy.trace_findings IS 'Updates only of rows of the bound project; admin: every project with none bound.';

--
-- Name: verdicts project_record_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_record_updates ON agent_loggy.verdicts AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project)))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_record_updates ON verdicts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_record_updates ON agent_loggy.verdicts IS 'Updates only of rows of the bound project; admin: every project with none bound.';

--
-- Name: facts project_records; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_records ON agent_loggy.facts AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_records ON facts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_records ON agent_loggy.facts IS 'New facts only in the bound project (a read grant suffices: remembering is what agents do); admin: every project with none bound.';

--
-- Name: investigations project_records; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_records ON agent_loggy.investigations AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_records ON investigations; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_records ON agent_loggy.investigations IS 'New rows only in the bound project (a read grant suffices: recording is what agents do); admin: every project with none bound.';

--
-- Name: promotion_policies project_records; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_records ON agent_loggy.promotion_policies AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_records ON promotion_policies; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_records ON agent_loggy.promotion_policies IS 'New rows only in the bound project (a read grant suffices: recording is what agents do); admin: every project with none bound.';

--
-- Name: runs project_records; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_records ON agent_loggy.runs AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_records ON runs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_records ON agent_loggy.runs IS 'New rows only in the bound project (a read grant suffices: recording is what agents do); admin: every project with none bound.';

--
-- Name: scores project_records; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_records ON agent_loggy.scores AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_records ON scores; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_records ON agent_loggy.scores IS 'New rows only in the bound project (a read grant suffices: recording is what agents do); admin: every project with none bound.';

--
-- Name: trace_findings project_records; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_records ON agent_loggy.trace_findings AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_records ON trace_findings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_records ON agent_loggy.trace_findings IS 'New rows only in the bound project (a read grant suffices: recording is what agents do); admin: every project with none bound.';

--
-- Name: verdicts project_records; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_records ON agent_loggy.verdicts AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ( SELECT agent_loggy.bound_project() AS bound_project))));

--
-- Name: POLICY project_records ON verdicts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_records ON agent_loggy.verdicts IS 'New rows only in the bound project (a read grant suffices: recording is what agents do); admin: every project with none bound.';

--
-- Name: context_rules project_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_updates ON agent_loggy.context_rules AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_updates ON context_rules; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_updates ON agent_loggy.context_rules IS 'Updates only of rows of the bound project, with a write grant for it (admin: every project with none bound).';

--
-- Name: documents project_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_updates ON agent_loggy.documents AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_updates ON documents; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_updates ON agent_loggy.documents IS 'Updates only of rows of the bound project, with a write grant for it (admin: every project with none bound).';

--
-- Name: embedding_configs project_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_updates ON agent_loggy.embedding_configs AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_updates ON embedding_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_updates ON agent_loggy.embedding_configs IS 'Updates only of rows of the bound project, with a write grant for it (admin: every project with none bound).';

--
-- Name: embeddings project_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_updates ON agent_loggy.embeddings AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_updates ON embeddings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_updates ON agent_loggy.embeddings IS 'Changes only in a project the transaction may write.';

--
-- Name: model_configs project_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_updates ON agent_loggy.model_configs AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_updates ON model_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_updates ON agent_loggy.model_configs IS 'Updates only of rows of the bound project, with a write grant for it (admin: every project with none bound).';

--
-- Name: negate_keys project_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_updates ON agent_loggy.negate_keys AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_updates ON negate_keys; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_updates ON agent_loggy.negate_keys IS 'Updates only of rows of the bound project, with a write grant for it (admin: every project with none bound).';

--
-- Name: prompts project_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_updates ON agent_loggy.prompts AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_updates ON prompts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_updates ON agent_loggy.prompts IS 'Updates only of rows of the bound project, with a write grant for it (admin: every project with none bound).';

--
-- Name: protected_labels project_updates; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_updates ON agent_loggy.protected_labels AS RESTRICTIVE FOR UPDATE USING ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[])))) WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_updates ON protected_labels; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_updates ON agent_loggy.protected_labels IS 'Updates only of rows of the bound project, with a write grant for it (admin: every project with none bound).';

--
-- Name: context_rules project_writes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_writes ON agent_loggy.context_rules AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_writes ON context_rules; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_writes ON agent_loggy.context_rules IS 'New rows only in the bound project, with a write grant for it (admin: the bound project, or every project with none bound). See writable_projects().';

--
-- Name: documents project_writes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_writes ON agent_loggy.documents AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_writes ON documents; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_writes ON agent_loggy.documents IS 'New rows only in the bound project, with a write grant for it (admin: the bound project, or every project with none bound). See writable_projects().';

--
-- Name: embedding_configs project_writes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_writes ON agent_loggy.embedding_configs AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_writes ON embedding_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_writes ON agent_loggy.embedding_configs IS 'New rows only in the bound project, with a write grant for it (admin: the bound project, or every project with none bound). See writable_projects().';

--
-- Name: embeddings project_writes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_writes ON agent_loggy.embeddings AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_writes ON embeddings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_writes ON agent_loggy.embeddings IS 'New vectors only in a project the transaction may write.';

--
-- Name: model_configs project_writes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_writes ON agent_loggy.model_configs AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_writes ON model_configs; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_writes ON agent_loggy.model_configs IS 'New rows only in the bound project, with a write grant for it (admin: the bound project, or every project with none bound). See writable_projects().';

--
-- Name: negate_keys project_writes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_writes ON agent_loggy.negate_keys AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_writes ON negate_keys; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_writes ON agent_loggy.negate_keys IS 'New rows only in the bound project, with a write grant for it (admin: the bound project, or every project with none bound). See writable_projects().';

--
-- Name: prompts project_writes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_writes ON agent_loggy.prompts AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_writes ON prompts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_writes ON agent_loggy.prompts IS 'New rows only in the bound project, with a write grant for it (admin: the bound project, or every project with none bound). See writable_projects().';

--
-- Name: protected_labels project_writes; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY project_writes ON agent_loggy.protected_labels AS RESTRICTIVE FOR INSERT WITH CHECK ((( SELECT agent_loggy.writes_every_project() AS writes_every_project) OR (project = ANY (( SELECT agent_loggy.writable_projects() AS writable_projects)::text[]))));

--
-- Name: POLICY project_writes ON protected_labels; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY project_writes ON agent_loggy.protected_labels IS 'New rows only in the bound project, with a write grant for it (admin: the bound project, or every project with none bound). See writable_projects().';

--
-- Name: promotion_policies; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.promotion_policies ENABLE ROW LEVEL SECURITY;

--
-- Name: prompts; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.prompts ENABLE ROW LEVEL SECURITY;

--
-- Name: protected_labels; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.protected_labels ENABLE ROW LEVEL SECURITY;

--
-- Name: runs; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.runs ENABLE ROW LEVEL SECURITY;

--
-- Name: scores; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.scores ENABLE ROW LEVEL SECURITY;

--
-- Name: search_embedding_configs; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.search_embedding_configs ENABLE ROW LEVEL SECURITY;

--
-- Name: trace_findings; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.trace_findings ENABLE ROW LEVEL SECURITY;

--
-- Name: documents user_scope; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY user_scope ON agent_loggy.documents AS RESTRICTIVE USING (((user_id IS NULL) OR (user_id = ( SELECT agent_loggy.acting_user() AS acting_user)) OR ( SELECT agent_loggy.sees_every_user() AS sees_every_user))) WITH CHECK (((user_id IS NULL) OR (user_id = ( SELECT agent_loggy.acting_user() AS acting_user)) OR ( SELECT agent_loggy.sees_every_user() AS sees_every_user)));

--
-- Name: POLICY user_scope ON documents; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY user_scope ON agent_loggy.documents IS 'Shared documents, and those of the user the transaction acts for (acting_user()); an admin acting for nobody: all.';

--
-- Name: embeddings user_scope; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY user_scope ON agent_loggy.embeddings AS RESTRICTIVE USING (((user_id IS NULL) OR (user_id = ( SELECT agent_loggy.acting_user() AS acting_user)) OR ( SELECT agent_loggy.sees_every_user() AS sees_every_user))) WITH CHECK (((user_id IS NULL) OR (user_id = ( SELECT agent_loggy.acting_user() AS acting_user)) OR ( SELECT agent_loggy.sees_every_user() AS sees_every_user)));

--
-- Name: POLICY user_scope ON embeddings; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY user_scope ON agent_loggy.embeddings IS 'Vectors of shared documents, and of those of the user the transaction acts for; an admin acting for nobody: all.';

--
-- Name: facts user_scope; Type: POLICY; Schema: agent_loggy; Owner: -
--

CREATE POLICY user_scope ON agent_loggy.facts AS RESTRICTIVE USING (((user_id IS NULL) OR (user_id = ( SELECT agent_loggy.acting_user() AS acting_user)) OR ( SELECT agent_loggy.sees_every_user() AS sees_every_user))) WITH CHECK (((user_id IS NULL) OR (user_id = ( SELECT agent_loggy.acting_user() AS acting_user)) OR ( SELECT agent_loggy.sees_every_user() AS sees_every_user)));

--
-- Name: POLICY user_scope ON facts; Type: COMMENT; Schema: agent_loggy; Owner: -
--

COMMENT ON POLICY user_scope ON agent_loggy.facts IS 'Facts of the project, and those of the user the transaction acts for (acting_user()); an admin acting for nobody: all.';

--
-- Name: verdicts; Type: ROW SECURITY; Schema: agent_loggy; Owner: -
--

ALTER TABLE agent_loggy.verdicts ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA agent_loggy; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA agent_loggy TO agent_loggy_reader;

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO agent_loggy_reader;

--
-- Name: FUNCTION acting_user(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.acting_user() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.acting_user() TO agent_loggy_reader;

--
-- Name: FUNCTION are_valid_tags(p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.are_valid_tags(p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.are_valid_tags(p_tags text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION begin_import(p_kind text, p_rows jsonb, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.begin_import(p_kind text, p_rows jsonb, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.begin_import(p_kind text, p_rows jsonb, p_project text) TO agent_loggy_writer;

--
-- Name: FUNCTION bm25_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[], p_k1 double precision, p_b double precision); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.bm25_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[], p_k1 double precision, p_b double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.bm25_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[], p_k1 double precision, p_b double precision) TO agent_loggy_reader;

--
-- Name: FUNCTION bm25_expression(p_lexemes text[], p_idf double precision[], p_average_length double precision, p_k1 double precision, p_b double precision); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.bm25_expression(p_lexemes text[], p_idf double precision[], p_average_length double precision, p_k1 double precision, p_b double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.bm25_expression(p_lexemes text[], p_idf double precision[], p_average_length double precision, p_k1 double precision, p_b double precision) TO agent_loggy_reader;

--
-- Name: FUNCTION bm25_lexeme_query(p_lexemes text[], p_weights double precision[], p_project text, OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision, OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.bm25_lexeme_query(p_lexemes text[], p_weights double precision[], p_project text, OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision, OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[]) FROM PUBLIC;

--
-- Name: FUNCTION bm25_lexeme_scores(p_lexemes text[], p_weights double precision[], p_project text, p_count integer, p_tags text[], p_k1 double precision, p_b double precision); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.bm25_lexeme_scores(p_lexemes text[], p_weights double precision[], p_project text, p_count integer, p_tags text[], p_k1 double precision, p_b double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.bm25_lexeme_scores(p_lexemes text[], p_weights double precision[], p_project text, p_count integer, p_tags text[], p_k1 double precision, p_b double precision) TO agent_loggy_reader;

--
-- Name: FUNCTION bm25_parameter(p_name text, p_value double precision); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.bm25_parameter(p_name text, p_value double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.bm25_parameter(p_name text, p_value double precision) TO agent_loggy_reader;

--
-- Name: FUNCTION bm25_pruning_query(p_lexemes text[], p_bounds double precision[], p_threshold double precision); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.bm25_pruning_query(p_lexemes text[], p_bounds double precision[], p_threshold double precision) FROM PUBLIC;

--
-- Name: FUNCTION bm25_query(p_query_text text, p_project text, OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision, OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.bm25_query(p_query_text text, p_project text, OUT lexemes text[], OUT idf double precision[], OUT frequencies bigint[], OUT average_length double precision, OUT documents bigint, OUT max_frequencies integer[], OUT min_lengths bigint[]) FROM PUBLIC;

--
-- Name: FUNCTION bm25_score(p_document_id bigint, p_query_text text, p_k1 double precision, p_b double precision); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.bm25_score(p_document_id bigint, p_query_text text, p_k1 double precision, p_b double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.bm25_score(p_document_id bigint, p_query_text text, p_k1 double precision, p_b double precision) TO agent_loggy_reader;

--
-- Name: FUNCTION bm25_tsquery(p_lexemes text[], p_operator text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.bm25_tsquery(p_lexemes text[], p_operator text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.bm25_tsquery(p_lexemes text[], p_operator text) TO agent_loggy_reader;

--
-- Name: FUNCTION bound_project(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.bound_project() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.bound_project() TO agent_loggy_reader;

--
-- Name: FUNCTION is_valid_project(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.is_valid_project(p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.is_valid_project(p_project text) TO agent_loggy_reader;

--
-- Name: TABLE project_grants; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.project_grants TO agent_loggy_reader;
GRANT DELETE ON TABLE agent_loggy.project_grants TO agent_loggy_admin;

--
-- Name: COLUMN project_grants.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.project_grants TO agent_loggy_admin;

--
-- Name: COLUMN project_grants.grantee; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(grantee) ON TABLE agent_loggy.project_grants TO agent_loggy_admin;

--
-- Name: COLUMN project_grants.level; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(level),UPDATE(level) ON TABLE agent_loggy.project_grants TO agent_loggy_admin;

--
-- Name: COLUMN project_grants.granted_by; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT UPDATE(granted_by) ON TABLE agent_loggy.project_grants TO agent_loggy_admin;

--
-- Name: COLUMN project_grants.granted_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT UPDATE(granted_at) ON TABLE agent_loggy.project_grants TO agent_loggy_admin;

--
-- Name: FUNCTION holds_grant(p_project text, p_level text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.holds_grant(p_project text, p_level text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.holds_grant(p_project text, p_level text) TO agent_loggy_reader;

--
-- Name: FUNCTION is_admin(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.is_admin() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.is_admin() TO agent_loggy_reader;

--
-- Name: FUNCTION may_use_project(p_project text, p_level text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.may_use_project(p_project text, p_level text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.may_use_project(p_project text, p_level text) TO agent_loggy_reader;

--
-- Name: FUNCTION can_access_project(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.can_access_project(p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.can_access_project(p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION chain_changelog_row(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.chain_changelog_row() FROM PUBLIC;

--
-- Name: FUNCTION is_readable_json_row(p_value jsonb); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.is_readable_json_row(p_value jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.is_readable_json_row(p_value jsonb) TO agent_loggy_reader;

--
-- Name: TABLE config_changelog; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.config_changelog TO agent_loggy_reader;

--
-- Name: FUNCTION change_kinds(p_transaction xid8); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.change_kinds(p_transaction xid8) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.change_kinds(p_transaction xid8) TO agent_loggy_reader;

--
-- Name: FUNCTION changelog_row_digest(p_row agent_loggy.config_changelog, p_prev_hash bytea); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.changelog_row_digest(p_row agent_loggy.config_changelog, p_prev_hash bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.changelog_row_digest(p_row agent_loggy.config_changelog, p_prev_hash bytea) TO agent_loggy_reader;

--
-- Name: FUNCTION chat_messages_problem(p_messages jsonb); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.chat_messages_problem(p_messages jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.chat_messages_problem(p_messages jsonb) TO agent_loggy_reader;

--
-- Name: FUNCTION invalid_labels(p_labels text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.invalid_labels(p_labels text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.invalid_labels(p_labels text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION invalid_tags(p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.invalid_tags(p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.invalid_tags(p_tags text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION is_readable_json(p_value jsonb); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.is_readable_json(p_value jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.is_readable_json(p_value jsonb) TO agent_loggy_reader;

--
-- Name: FUNCTION is_readable_time(p_time timestamp with time zone); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.is_readable_time(p_time timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.is_readable_time(p_time timestamp with time zone) TO agent_loggy_reader;

--
-- Name: FUNCTION is_searchable_vector(p_vector public.vector); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.is_searchable_vector(p_vector public.vector) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.is_searchable_vector(p_vector public.vector) TO agent_loggy_reader;

--
-- Name: FUNCTION is_valid_loki_label(p_label text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.is_valid_loki_label(p_label text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.is_valid_loki_label(p_label text) TO agent_loggy_reader;

--
-- Name: FUNCTION is_valid_name(p_name text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.is_valid_name(p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.is_valid_name(p_name text) TO agent_loggy_reader;

--
-- Name: TABLE context_rules; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.context_rules TO agent_loggy_reader;
GRANT DELETE,UPDATE ON TABLE agent_loggy.context_rules TO agent_loggy_admin;

--
-- Name: COLUMN context_rules.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.context_rules TO agent_loggy_writer;

--
-- Name: COLUMN context_rules.context; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(context) ON TABLE agent_loggy.context_rules TO agent_loggy_writer;

--
-- Name: COLUMN context_rules.version; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(version) ON TABLE agent_loggy.context_rules TO agent_loggy_writer;

--
-- Name: COLUMN context_rules.important; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(important) ON TABLE agent_loggy.context_rules TO agent_loggy_writer;

--
-- Name: COLUMN context_rules.ignore; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(ignore) ON TABLE agent_loggy.context_rules TO agent_loggy_writer;

--
-- Name: COLUMN context_rules.description; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(description) ON TABLE agent_loggy.context_rules TO agent_loggy_writer;

--
-- Name: COLUMN context_rules.embedding; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(embedding),UPDATE(embedding) ON TABLE agent_loggy.context_rules TO agent_loggy_writer;

--
-- Name: COLUMN context_rules.is_active; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(is_active),UPDATE(is_active) ON TABLE agent_loggy.context_rules TO agent_loggy_writer;

--
-- Name: COLUMN context_rules.created_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(created_at) ON TABLE agent_loggy.context_rules TO agent_loggy_writer;

--
-- Name: COLUMN context_rules.updated_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(updated_at) ON TABLE agent_loggy.context_rules TO agent_loggy_writer;

--
-- Name: TABLE embedding_configs; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.embedding_configs TO agent_loggy_reader;
GRANT DELETE,UPDATE ON TABLE agent_loggy.embedding_configs TO agent_loggy_admin;

--
-- Name: COLUMN embedding_configs.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.name; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(name) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.version; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(version) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.embedding_model; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(embedding_model) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.dimensions; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(dimensions) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.chunk_size; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(chunk_size) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.chunk_overlap; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(chunk_overlap) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.chunking_strategy; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(chunking_strategy) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.parameters; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(parameters) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.is_active; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(is_active),UPDATE(is_active) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.created_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(created_at) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.updated_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(updated_at) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: COLUMN embedding_configs.distance; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(distance) ON TABLE agent_loggy.embedding_configs TO agent_loggy_writer;

--
-- Name: TABLE model_configs; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.model_configs TO agent_loggy_reader;
GRANT DELETE,UPDATE ON TABLE agent_loggy.model_configs TO agent_loggy_admin;

--
-- Name: COLUMN model_configs.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.model_configs TO agent_loggy_writer;

--
-- Name: COLUMN model_configs.name; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(name) ON TABLE agent_loggy.model_configs TO agent_loggy_writer;

--
-- Name: COLUMN model_configs.version; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(version) ON TABLE agent_loggy.model_configs TO agent_loggy_writer;

--
-- Name: COLUMN model_configs.model_provider; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(model_provider) ON TABLE agent_loggy.model_configs TO agent_loggy_writer;

--
-- Name: COLUMN model_configs.model_name; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(model_name) ON TABLE agent_loggy.model_configs TO agent_loggy_writer;

--
-- Name: COLUMN model_configs.parameters; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(parameters) ON TABLE agent_loggy.model_configs TO agent_loggy_writer;

--
-- Name: COLUMN model_configs.labels; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(labels),UPDATE(labels) ON TABLE agent_loggy.model_configs TO agent_loggy_writer;

--
-- Name: COLUMN model_configs.is_active; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(is_active),UPDATE(is_active) ON TABLE agent_loggy.model_configs TO agent_loggy_writer;

--
-- Name: COLUMN model_configs.created_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(created_at) ON TABLE agent_loggy.model_configs TO agent_loggy_writer;

--
-- Name: COLUMN model_configs.updated_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(updated_at) ON TABLE agent_loggy.model_configs TO agent_loggy_writer;

--
-- Name: TABLE negate_keys; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.negate_keys TO agent_loggy_reader;
GRANT DELETE,UPDATE ON TABLE agent_loggy.negate_keys TO agent_loggy_admin;

--
-- Name: COLUMN negate_keys.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.negate_keys TO agent_loggy_writer;

--
-- Name: COLUMN negate_keys.label; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(label) ON TABLE agent_loggy.negate_keys TO agent_loggy_writer;

--
-- Name: COLUMN negate_keys.operator; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(operator) ON TABLE agent_loggy.negate_keys TO agent_loggy_writer;

--
-- Name: COLUMN negate_keys.value; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(value) ON TABLE agent_loggy.negate_keys TO agent_loggy_writer;

--
-- Name: COLUMN negate_keys.version; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(version) ON TABLE agent_loggy.negate_keys TO agent_loggy_writer;

--
-- Name: COLUMN negate_keys.is_active; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(is_active),UPDATE(is_active) ON TABLE agent_loggy.negate_keys TO agent_loggy_writer;

--
-- Name: COLUMN negate_keys.created_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(created_at) ON TABLE agent_loggy.negate_keys TO agent_loggy_writer;

--
-- Name: COLUMN negate_keys.updated_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(updated_at) ON TABLE agent_loggy.negate_keys TO agent_loggy_writer;

--
-- Name: TABLE prompts; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.prompts TO agent_loggy_reader;
GRANT DELETE,UPDATE ON TABLE agent_loggy.prompts TO agent_loggy_admin;

--
-- Name: COLUMN prompts.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.name; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(name) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.version; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(version) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.type; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(type) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.template; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(template) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.description; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(description) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.usage; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(usage) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.model; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(model) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.parameters; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(parameters) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.embedding; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(embedding),UPDATE(embedding) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.labels; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(labels),UPDATE(labels) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.variables; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(variables) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.is_active; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(is_active),UPDATE(is_active) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.created_by; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(created_by) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.created_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(created_at) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.updated_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(updated_at) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.output_schema; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(output_schema),UPDATE(output_schema) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.syntax; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(syntax) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.messages; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(messages) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.tags; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(tags),UPDATE(tags) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: COLUMN prompts.commit_message; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(commit_message) ON TABLE agent_loggy.prompts TO agent_loggy_writer;

--
-- Name: TABLE protected_labels; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.protected_labels TO agent_loggy_reader;
GRANT INSERT,DELETE,UPDATE ON TABLE agent_loggy.protected_labels TO agent_loggy_admin;

--
-- Name: FUNCTION changelog_trigger_problems(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.changelog_trigger_problems() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.changelog_trigger_problems() TO agent_loggy_reader;

--
-- Name: FUNCTION chat_template_text(p_messages jsonb); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.chat_template_text(p_messages jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.chat_template_text(p_messages jsonb) TO agent_loggy_reader;

--
-- Name: FUNCTION check_document_target(p_project text, p_source text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.check_document_target(p_project text, p_source text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.check_document_target(p_project text, p_source text) TO agent_loggy_writer;

--
-- Name: FUNCTION check_labels(p_table text, p_what text, p_labels text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.check_labels(p_table text, p_what text, p_labels text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.check_labels(p_table text, p_what text, p_labels text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION check_negate_key_regex(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.check_negate_key_regex() FROM PUBLIC;

--
-- Name: FUNCTION check_output_schema(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.check_output_schema() FROM PUBLIC;

--
-- Name: FUNCTION check_project_access(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.check_project_access(p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.check_project_access(p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION check_promotion(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.check_promotion() FROM PUBLIC;

--
-- Name: FUNCTION check_prompt_args(p_project text, p_name text, p_labels text[], p_allow_latest boolean); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.check_prompt_args(p_project text, p_name text, p_labels text[], p_allow_latest boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.check_prompt_args(p_project text, p_name text, p_labels text[], p_allow_latest boolean) TO agent_loggy_reader;

--
-- Name: FUNCTION check_prompt_format(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.check_prompt_format() FROM PUBLIC;

--
-- Name: FUNCTION check_replayed(p_lsn pg_lsn); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.check_replayed(p_lsn pg_lsn) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.check_replayed(p_lsn pg_lsn) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_any_vector(p_vector public.vector, p_what text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_any_vector(p_vector public.vector, p_what text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_any_vector(p_vector public.vector, p_what text) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_config_query(p_query public.vector, p_embedding_config_id bigint, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_config_query(p_query public.vector, p_embedding_config_id bigint, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_config_query(p_query public.vector, p_embedding_config_id bigint, p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_embedding_config(p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_embedding_config(p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_embedding_config(p_embedding_config_id bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_embedding_target(p_what text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_embedding_target(p_what text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_embedding_target(p_what text) TO agent_loggy_writer;

--
-- Name: FUNCTION checked_fact_key(p_key text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_fact_key(p_key text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_fact_key(p_key text) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_fusion(p_query_text text, p_query public.vector, p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_fuzziness(p_query_text text, p_min_similarity double precision, p_expansions integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_fuzziness(p_query_text text, p_min_similarity double precision, p_expansions integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_fuzziness(p_query_text text, p_min_similarity double precision, p_expansions integer) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_limit(p_limit integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_limit(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_limit(p_limit integer) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_project(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_project(p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_project(p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_prompt_tags(p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_prompt_tags(p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_prompt_tags(p_tags text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_query_text(p_query_text text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_query_text(p_query_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_query_text(p_query_text text) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_query_vector(p_query public.vector); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_query_vector(p_query public.vector) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_query_vector(p_query public.vector) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_readable_project(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_readable_project(p_project text) FROM PUBLIC;

--
-- Name: FUNCTION checked_store_target(p_what text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_store_target(p_what text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_store_target(p_what text) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_syntax(p_syntax text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_syntax(p_syntax text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_syntax(p_syntax text) TO agent_loggy_reader;

--
-- Name: FUNCTION checked_tags(p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.checked_tags(p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.checked_tags(p_tags text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION clear_stale_embedding(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.clear_stale_embedding() FROM PUBLIC;

--
-- Name: FUNCTION compare_prompt_versions(p_name text, p_a text, p_b text, p_score text, p_since timestamp with time zone, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.compare_prompt_versions(p_name text, p_a text, p_b text, p_score text, p_since timestamp with time zone, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.compare_prompt_versions(p_name text, p_a text, p_b text, p_score text, p_since timestamp with time zone, p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION config_name(p_config_type text, p_row jsonb); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.config_name(p_config_type text, p_row jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.config_name(p_config_type text, p_row jsonb) TO agent_loggy_reader;

--
-- Name: FUNCTION content_of(p_row jsonb); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.content_of(p_row jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.content_of(p_row jsonb) TO agent_loggy_reader;

--
-- Name: FUNCTION count_keyword_changes(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.count_keyword_changes() FROM PUBLIC;

--
-- Name: FUNCTION create_prompt_version(p_name text, p_template text, p_project text, p_labels text[], p_type text, p_description text, p_usage text, p_model text, p_parameters jsonb, p_created_by text, p_syntax text, p_messages jsonb, p_tags text[], p_commit_message text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.create_prompt_version(p_name text, p_template text, p_project text, p_labels text[], p_type text, p_description text, p_usage text, p_model text, p_parameters jsonb, p_created_by text, p_syntax text, p_messages jsonb, p_tags text[], p_commit_message text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.create_prompt_version(p_name text, p_template text, p_project text, p_labels text[], p_type text, p_description text, p_usage text, p_model text, p_parameters jsonb, p_created_by text, p_syntax text, p_messages jsonb, p_tags text[], p_commit_message text) TO agent_loggy_writer;

--
-- Name: FUNCTION deleted_state(p_project text, p_config_type text, p_name text, p_version integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.deleted_state(p_project text, p_config_type text, p_name text, p_version integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.deleted_state(p_project text, p_config_type text, p_name text, p_version integer) TO agent_loggy_reader;

--
-- Name: FUNCTION derive_variables(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.derive_variables() FROM PUBLIC;

--
-- Name: FUNCTION drop_embedding_store(p_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.drop_embedding_store(p_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.drop_embedding_store(p_config_id bigint) TO agent_loggy_admin;

--
-- Name: FUNCTION drop_runs_before(p_before timestamp with time zone, p_detach_only boolean); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.drop_runs_before(p_before timestamp with time zone, p_detach_only boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.drop_runs_before(p_before timestamp with time zone, p_detach_only boolean) TO agent_loggy_admin;

--
-- Name: FUNCTION embedding_input(p_row agent_loggy.context_rules); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.context_rules) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.context_rules) TO agent_loggy_reader;

--
-- Name: FUNCTION is_valid_user(p_user text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.is_valid_user(p_user text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.is_valid_user(p_user text) TO agent_loggy_reader;

--
-- Name: FUNCTION keyword_term_frequencies(p_vector tsvector); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.keyword_term_frequencies(p_vector tsvector) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.keyword_term_frequencies(p_vector tsvector) TO agent_loggy_reader;

--
-- Name: FUNCTION keyword_frequencies(p_vector tsvector); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.keyword_frequencies(p_vector tsvector) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.keyword_frequencies(p_vector tsvector) TO agent_loggy_reader;

--
-- Name: TABLE documents; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.documents TO agent_loggy_reader;
GRANT DELETE,UPDATE ON TABLE agent_loggy.documents TO agent_loggy_admin;

--
-- Name: COLUMN documents.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.source; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(source) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.external_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(external_id) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.title; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(title),UPDATE(title) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.content; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(content),UPDATE(content) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.tags; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(tags),UPDATE(tags) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.metadata; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(metadata),UPDATE(metadata) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.embedding; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(embedding),UPDATE(embedding) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.embedding_config_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(embedding_config_id),UPDATE(embedding_config_id) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.created_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(created_at) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.updated_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(updated_at) ON TABLE agent_loggy.documents TO agent_loggy_writer;

--
-- Name: COLUMN documents.user_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(user_id) ON TABLE agent_loggy.documents TO agent_loggy_writer;
GRANT UPDATE(user_id) ON TABLE agent_loggy.documents TO agent_loggy_admin;

--
-- Name: FUNCTION embedding_input(p_row agent_loggy.documents); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.documents) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.documents) TO agent_loggy_reader;

--
-- Name: TABLE investigations; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.investigations TO agent_loggy_reader;
GRANT DELETE ON TABLE agent_loggy.investigations TO agent_loggy_admin;

--
-- Name: COLUMN investigations.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.investigations TO agent_loggy_reader;

--
-- Name: COLUMN investigations.external_ref; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(external_ref) ON TABLE agent_loggy.investigations TO agent_loggy_reader;

--
-- Name: COLUMN investigations.requested_by; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(requested_by) ON TABLE agent_loggy.investigations TO agent_loggy_reader;

--
-- Name: COLUMN investigations.query; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(query) ON TABLE agent_loggy.investigations TO agent_loggy_reader;

--
-- Name: COLUMN investigations.parameters; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(parameters),UPDATE(parameters) ON TABLE agent_loggy.investigations TO agent_loggy_reader;

--
-- Name: COLUMN investigations.status; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(status),UPDATE(status) ON TABLE agent_loggy.investigations TO agent_loggy_reader;

--
-- Name: COLUMN investigations.started_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(started_at),UPDATE(started_at) ON TABLE agent_loggy.investigations TO agent_loggy_reader;

--
-- Name: COLUMN investigations.finished_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(finished_at),UPDATE(finished_at) ON TABLE agent_loggy.investigations TO agent_loggy_reader;

--
-- Name: COLUMN investigations.embedding; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(embedding),UPDATE(embedding) ON TABLE agent_loggy.investigations TO agent_loggy_reader;

--
-- Name: FUNCTION embedding_input(p_row agent_loggy.investigations); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.investigations) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.investigations) TO agent_loggy_reader;

--
-- Name: FUNCTION embedding_input(p_row agent_loggy.prompts); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.prompts) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.embedding_input(p_row agent_loggy.prompts) TO agent_loggy_reader;

--
-- Name: FUNCTION embedding_operator(p_distance text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.embedding_operator(p_distance text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.embedding_operator(p_distance text) TO agent_loggy_reader;

--
-- Name: FUNCTION embedding_store_type(p_dimensions integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.embedding_store_type(p_dimensions integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.embedding_store_type(p_dimensions integer) TO agent_loggy_reader;

--
-- Name: FUNCTION ensure_embedding_store(p_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.ensure_embedding_store(p_config_id bigint) FROM PUBLIC;

--
-- Name: FUNCTION ensure_run_partitions(p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.ensure_run_partitions(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.ensure_run_partitions(p_from timestamp with time zone, p_to timestamp with time zone) TO agent_loggy_admin;

--
-- Name: FUNCTION export_prompts(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.export_prompts(p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.export_prompts(p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION fact_embedding_config(p_project text, p_dimensions integer, p_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.fact_embedding_config(p_project text, p_dimensions integer, p_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.fact_embedding_config(p_project text, p_dimensions integer, p_config_id bigint) TO agent_loggy_reader;

--
-- Name: TABLE facts; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.facts TO agent_loggy_reader;
GRANT DELETE ON TABLE agent_loggy.facts TO agent_loggy_admin;

--
-- Name: COLUMN facts.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.facts TO agent_loggy_reader;

--
-- Name: COLUMN facts.user_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(user_id) ON TABLE agent_loggy.facts TO agent_loggy_reader;

--
-- Name: COLUMN facts.key; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(key) ON TABLE agent_loggy.facts TO agent_loggy_reader;

--
-- Name: COLUMN facts.value; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(value) ON TABLE agent_loggy.facts TO agent_loggy_reader;

--
-- Name: COLUMN facts.metadata; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(metadata) ON TABLE agent_loggy.facts TO agent_loggy_reader;

--
-- Name: COLUMN facts.embedding; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(embedding) ON TABLE agent_loggy.facts TO agent_loggy_reader;

--
-- Name: COLUMN facts.embedding_config_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(embedding_config_id) ON TABLE agent_loggy.facts TO agent_loggy_reader;

--
-- Name: FUNCTION fact_history(p_key text, p_user text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.fact_history(p_key text, p_user text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.fact_history(p_key text, p_user text, p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION fold_keyword_changes(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.fold_keyword_changes() FROM PUBLIC;

--
-- Name: FUNCTION forget_fact(p_key text, p_user text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.forget_fact(p_key text, p_user text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.forget_fact(p_key text, p_user text, p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION forget_keyword_counts(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.forget_keyword_counts() FROM PUBLIC;

--
-- Name: FUNCTION forget_stale_investigation_vectors(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.forget_stale_investigation_vectors() FROM PUBLIC;

--
-- Name: FUNCTION forget_stale_vectors(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.forget_stale_vectors() FROM PUBLIC;

--
-- Name: FUNCTION fuzzy_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[], p_min_similarity double precision, p_expansions integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.fuzzy_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[], p_min_similarity double precision, p_expansions integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.fuzzy_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[], p_min_similarity double precision, p_expansions integer) TO agent_loggy_reader;

--
-- Name: FUNCTION fuzzy_search_documents(p_query_text text, p_project text, p_limit integer, p_tags text[], p_min_similarity double precision, p_expansions integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.fuzzy_search_documents(p_query_text text, p_project text, p_limit integer, p_tags text[], p_min_similarity double precision, p_expansions integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.fuzzy_search_documents(p_query_text text, p_project text, p_limit integer, p_tags text[], p_min_similarity double precision, p_expansions integer) TO agent_loggy_reader;

--
-- Name: FUNCTION fuzzy_terms(p_query_text text, p_project text, p_min_similarity double precision, p_expansions integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.fuzzy_terms(p_query_text text, p_project text, p_min_similarity double precision, p_expansions integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.fuzzy_terms(p_query_text text, p_project text, p_min_similarity double precision, p_expansions integer) TO agent_loggy_reader;

--
-- Name: FUNCTION grant_project(p_role text, p_project text, p_level text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.grant_project(p_role text, p_project text, p_level text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.grant_project(p_role text, p_project text, p_level text) TO agent_loggy_admin;

--
-- Name: FUNCTION granted_projects(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.granted_projects() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.granted_projects() TO agent_loggy_reader;

--
-- Name: FUNCTION guard_fact(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.guard_fact() FROM PUBLIC;

--
-- Name: FUNCTION guard_record(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.guard_record() FROM PUBLIC;

--
-- Name: FUNCTION guard_row(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.guard_row() FROM PUBLIC;

--
-- Name: FUNCTION halfvec_problem(p_vector public.vector); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.halfvec_problem(p_vector public.vector) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.halfvec_problem(p_vector public.vector) TO agent_loggy_reader;

--
-- Name: FUNCTION highest_recorded_version(p_project text, p_config_type text, p_name text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.highest_recorded_version(p_project text, p_config_type text, p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.highest_recorded_version(p_project text, p_config_type text, p_name text) TO agent_loggy_reader;

--
-- Name: FUNCTION hnsw_ef_search(p_count integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.hnsw_ef_search(p_count integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.hnsw_ef_search(p_count integer) TO agent_loggy_reader;

--
-- Name: FUNCTION hybrid_search_context_rules(p_query_text text, p_query public.vector, p_project text, p_limit integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.hybrid_search_context_rules(p_query_text text, p_query public.vector, p_project text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.hybrid_search_context_rules(p_query_text text, p_query public.vector, p_project text, p_limit integer) TO agent_loggy_reader;

--
-- Name: FUNCTION hybrid_search_documents(p_query_text text, p_query public.vector, p_project text, p_limit integer, p_tags text[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer, p_fuzzy_weight double precision, p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.hybrid_search_documents(p_query_text text, p_query public.vector, p_project text, p_limit integer, p_tags text[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer, p_fuzzy_weight double precision, p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.hybrid_search_documents(p_query_text text, p_query public.vector, p_project text, p_limit integer, p_tags text[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer, p_fuzzy_weight double precision, p_embedding_config_id bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION import_context_rules(p_rows jsonb, p_project text, p_deactivate_missing boolean); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.import_context_rules(p_rows jsonb, p_project text, p_deactivate_missing boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.import_context_rules(p_rows jsonb, p_project text, p_deactivate_missing boolean) TO agent_loggy_writer;

--
-- Name: FUNCTION import_negate_keys(p_rows jsonb, p_project text, p_deactivate_missing boolean); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.import_negate_keys(p_rows jsonb, p_project text, p_deactivate_missing boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.import_negate_keys(p_rows jsonb, p_project text, p_deactivate_missing boolean) TO agent_loggy_writer;

--
-- Name: FUNCTION import_problems(p_kind text, p_rows jsonb); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.import_problems(p_kind text, p_rows jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.import_problems(p_kind text, p_rows jsonb) TO agent_loggy_reader;

--
-- Name: FUNCTION import_prompts(p_document jsonb, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.import_prompts(p_document jsonb, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.import_prompts(p_document jsonb, p_project text) TO agent_loggy_writer;

--
-- Name: FUNCTION is_current_context_rule(p_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.is_current_context_rule(p_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.is_current_context_rule(p_id bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION keep_embedding_store(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.keep_embedding_store() FROM PUBLIC;

--
-- Name: FUNCTION keyword_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.keyword_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.keyword_document_scores(p_query_text text, p_project text, p_count integer, p_tags text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION keyword_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.keyword_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.keyword_document_ids(p_query_text text, p_project text, p_count integer, p_tags text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION keyword_query(p_query_text text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.keyword_query(p_query_text text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.keyword_query(p_query_text text) TO agent_loggy_reader;

--
-- Name: FUNCTION keyword_ranking(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.keyword_ranking() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.keyword_ranking() TO agent_loggy_reader;

--
-- Name: FUNCTION keyword_search_documents(p_query_text text, p_project text, p_limit integer, p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.keyword_search_documents(p_query_text text, p_project text, p_limit integer, p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.keyword_search_documents(p_query_text text, p_project text, p_limit integer, p_tags text[]) TO agent_loggy_reader;

--
-- Name: TABLE login_users; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT,DELETE ON TABLE agent_loggy.login_users TO agent_loggy_admin;

--
-- Name: COLUMN login_users.login; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(login) ON TABLE agent_loggy.login_users TO agent_loggy_admin;

--
-- Name: COLUMN login_users.user_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(user_id),UPDATE(user_id) ON TABLE agent_loggy.login_users TO agent_loggy_admin;

--
-- Name: COLUMN login_users.limited_by; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT UPDATE(limited_by) ON TABLE agent_loggy.login_users TO agent_loggy_admin;

--
-- Name: COLUMN login_users.limited_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT UPDATE(limited_at) ON TABLE agent_loggy.login_users TO agent_loggy_admin;

--
-- Name: FUNCTION limit_login_to_user(p_login text, p_user text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.limit_login_to_user(p_login text, p_user text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.limit_login_to_user(p_login text, p_user text) TO agent_loggy_admin;

--
-- Name: FUNCTION list_prompts(p_project text, p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.list_prompts(p_project text, p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.list_prompts(p_project text, p_tags text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION load_staged_documents(p_project text, p_source text, p_embedding_config_id bigint, p_rebuild_index boolean); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.load_staged_documents(p_project text, p_source text, p_embedding_config_id bigint, p_rebuild_index boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.load_staged_documents(p_project text, p_source text, p_embedding_config_id bigint, p_rebuild_index boolean) TO agent_loggy_writer;

--
-- Name: FUNCTION lock_writes(p_kind text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.lock_writes(p_kind text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.lock_writes(p_kind text, p_project text) TO agent_loggy_writer;

--
-- Name: FUNCTION lock_prompt_writes(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.lock_prompt_writes() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.lock_prompt_writes() TO agent_loggy_writer;

--
-- Name: FUNCTION login_may_write(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.login_may_write(p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.login_may_write(p_project text) TO agent_loggy_writer;

--
-- Name: FUNCTION logql_string(p_value text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.logql_string(p_value text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.logql_string(p_value text) TO agent_loggy_reader;

--
-- Name: FUNCTION loki_negations(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.loki_negations(p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.loki_negations(p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION loki_regex_problem(p_pattern text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.loki_regex_problem(p_pattern text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.loki_regex_problem(p_pattern text) TO agent_loggy_reader;

--
-- Name: FUNCTION make_embedding_store(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.make_embedding_store() FROM PUBLIC;

--
-- Name: FUNCTION move_labels(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.move_labels() FROM PUBLIC;

--
-- Name: FUNCTION nearest_config_ids(p_what text, p_embedding_config_id bigint, p_query public.vector, p_project text, p_count integer, p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.nearest_config_ids(p_what text, p_embedding_config_id bigint, p_query public.vector, p_project text, p_count integer, p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.nearest_config_ids(p_what text, p_embedding_config_id bigint, p_query public.vector, p_project text, p_count integer, p_tags text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION nearest_context_rule_ids(p_query public.vector, p_project text, p_count integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.nearest_context_rule_ids(p_query public.vector, p_project text, p_count integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.nearest_context_rule_ids(p_query public.vector, p_project text, p_count integer) TO agent_loggy_reader;

--
-- Name: FUNCTION nearest_document_ids(p_query public.vector, p_project text, p_count integer, p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.nearest_document_ids(p_query public.vector, p_project text, p_count integer, p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.nearest_document_ids(p_query public.vector, p_project text, p_count integer, p_tags text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION nearest_prompt_ids(p_query public.vector, p_project text, p_count integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.nearest_prompt_ids(p_query public.vector, p_project text, p_count integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.nearest_prompt_ids(p_query public.vector, p_project text, p_count integer) TO agent_loggy_reader;

--
-- Name: FUNCTION notify_change(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.notify_change() FROM PUBLIC;

--
-- Name: FUNCTION pending_config_embedding_count(p_what text, p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.pending_config_embedding_count(p_what text, p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.pending_config_embedding_count(p_what text, p_embedding_config_id bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION pending_config_embeddings(p_what text, p_embedding_config_id bigint, p_limit integer, p_after_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.pending_config_embeddings(p_what text, p_embedding_config_id bigint, p_limit integer, p_after_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.pending_config_embeddings(p_what text, p_embedding_config_id bigint, p_limit integer, p_after_id bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION pending_embedding_count(p_what text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.pending_embedding_count(p_what text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.pending_embedding_count(p_what text, p_project text) TO agent_loggy_writer;

--
-- Name: FUNCTION pending_embeddings(p_what text, p_project text, p_limit integer, p_after_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.pending_embeddings(p_what text, p_project text, p_limit integer, p_after_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.pending_embeddings(p_what text, p_project text, p_limit integer, p_after_id bigint) TO agent_loggy_writer;

--
-- Name: FUNCTION prompt_label_history(p_name text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.prompt_label_history(p_name text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.prompt_label_history(p_name text, p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION raise_check_violation(p_table text, p_constraint text, p_message text, p_hint text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.raise_check_violation(p_table text, p_constraint text, p_message text, p_hint text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.raise_check_violation(p_table text, p_constraint text, p_message text, p_hint text) TO agent_loggy_reader;

--
-- Name: FUNCTION refuse_changelog_change(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.refuse_changelog_change() FROM PUBLIC;

--
-- Name: FUNCTION refuse_truncate(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.refuse_truncate() FROM PUBLIC;

--
-- Name: FUNCTION remove_prompt_label(p_name text, p_label text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.remove_prompt_label(p_name text, p_label text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.remove_prompt_label(p_name text, p_label text, p_project text) TO agent_loggy_writer;

--
-- Name: FUNCTION render_prompt(p_template text, p_variables jsonb); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.render_prompt(p_template text, p_variables jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.render_prompt(p_template text, p_variables jsonb) TO agent_loggy_reader;

--
-- Name: FUNCTION rollback_prompt_label(p_name text, p_label text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.rollback_prompt_label(p_name text, p_label text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.rollback_prompt_label(p_name text, p_label text, p_project text) TO agent_loggy_writer;

--
-- Name: FUNCTION set_prompt_label(p_name text, p_version integer, p_label text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.set_prompt_label(p_name text, p_version integer, p_label text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.set_prompt_label(p_name text, p_version integer, p_label text, p_project text) TO agent_loggy_writer;

--
-- Name: FUNCTION touch_updated_at(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.touch_updated_at() FROM PUBLIC;

--
-- Name: FUNCTION validate_row(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.validate_row() FROM PUBLIC;

--
-- Name: FUNCTION pinned_by_0012(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.pinned_by_0012() FROM PUBLIC;

--
-- Name: FUNCTION promote_prompt(p_name text, p_version integer, p_label text, p_project text, p_override_reason text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.promote_prompt(p_name text, p_version integer, p_label text, p_project text, p_override_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.promote_prompt(p_name text, p_version integer, p_label text, p_project text, p_override_reason text) TO agent_loggy_writer;

--
-- Name: FUNCTION promotion_failures(p_project text, p_name text, p_version integer, p_label text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.promotion_failures(p_project text, p_name text, p_version integer, p_label text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.promotion_failures(p_project text, p_name text, p_version integer, p_label text) TO agent_loggy_reader;

--
-- Name: FUNCTION prompt_history(p_name text, p_project text, p_embeds boolean); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.prompt_history(p_name text, p_project text, p_embeds boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.prompt_history(p_name text, p_project text, p_embeds boolean) TO agent_loggy_reader;

--
-- Name: FUNCTION prompt_output_schema(p_name text, p_version integer, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.prompt_output_schema(p_name text, p_version integer, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.prompt_output_schema(p_name text, p_version integer, p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION template_pattern(p_syntax text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.template_pattern(p_syntax text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.template_pattern(p_syntax text) TO agent_loggy_reader;

--
-- Name: FUNCTION template_variables(p_template text, p_syntax text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.template_variables(p_template text, p_syntax text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.template_variables(p_template text, p_syntax text) TO agent_loggy_reader;

--
-- Name: FUNCTION prompt_variables(p_template text, p_syntax text, p_messages jsonb); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.prompt_variables(p_template text, p_syntax text, p_messages jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.prompt_variables(p_template text, p_syntax text, p_messages jsonb) TO agent_loggy_reader;

--
-- Name: FUNCTION prompt_version_metrics(p_name text, p_project text, p_since timestamp with time zone, p_until timestamp with time zone, p_bucket interval); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.prompt_version_metrics(p_name text, p_project text, p_since timestamp with time zone, p_until timestamp with time zone, p_bucket interval) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.prompt_version_metrics(p_name text, p_project text, p_since timestamp with time zone, p_until timestamp with time zone, p_bucket interval) TO agent_loggy_reader;

--
-- Name: FUNCTION quoted_tags(p_tags text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.quoted_tags(p_tags text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.quoted_tags(p_tags text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION recall_fact(p_key text, p_user text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.recall_fact(p_key text, p_user text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.recall_fact(p_key text, p_user text, p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION recall_facts(p_query_text text, p_limit integer, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.recall_facts(p_query_text text, p_limit integer, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.recall_facts(p_query_text text, p_limit integer, p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION recall_facts(p_query public.vector, p_limit integer, p_project text, p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.recall_facts(p_query public.vector, p_limit integer, p_project text, p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.recall_facts(p_query public.vector, p_limit integer, p_project text, p_embedding_config_id bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION record_staged_runs(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.record_staged_runs() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.record_staged_runs() TO agent_loggy_reader;

--
-- Name: FUNCTION recount_keyword_statistics(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.recount_keyword_statistics() FROM PUBLIC;

--
-- Name: FUNCTION remember_fact(p_key text, p_value text, p_user text, p_project text, p_embedding public.vector, p_embedding_config_id bigint, p_metadata jsonb); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.remember_fact(p_key text, p_value text, p_user text, p_project text, p_embedding public.vector, p_embedding_config_id bigint, p_metadata jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.remember_fact(p_key text, p_value text, p_user text, p_project text, p_embedding public.vector, p_embedding_config_id bigint, p_metadata jsonb) TO agent_loggy_reader;

--
-- Name: FUNCTION remove_promotion_policy(p_label text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.remove_promotion_policy(p_label text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.remove_promotion_policy(p_label text, p_project text) TO agent_loggy_admin;

--
-- Name: FUNCTION render_chat(p_messages jsonb, p_variables jsonb, p_syntax text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.render_chat(p_messages jsonb, p_variables jsonb, p_syntax text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.render_chat(p_messages jsonb, p_variables jsonb, p_syntax text) TO agent_loggy_reader;

--
-- Name: FUNCTION render_prompt(p_template text, p_variables jsonb, p_syntax text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.render_prompt(p_template text, p_variables jsonb, p_syntax text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.render_prompt(p_template text, p_variables jsonb, p_syntax text) TO agent_loggy_reader;

--
-- Name: FUNCTION replayed(p_lsn pg_lsn); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.replayed(p_lsn pg_lsn) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.replayed(p_lsn pg_lsn) TO agent_loggy_reader;

--
-- Name: FUNCTION resolve_prompt_checked(p_name text, p_label text, p_project text, p_version integer, p_fallback_labels text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.resolve_prompt_checked(p_name text, p_label text, p_project text, p_version integer, p_fallback_labels text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.resolve_prompt_checked(p_name text, p_label text, p_project text, p_version integer, p_fallback_labels text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION resolve_prompt(p_name text, p_label text, p_project text, p_version integer, p_fallback_labels text[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.resolve_prompt(p_name text, p_label text, p_project text, p_version integer, p_fallback_labels text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.resolve_prompt(p_name text, p_label text, p_project text, p_version integer, p_fallback_labels text[]) TO agent_loggy_reader;

--
-- Name: FUNCTION resolve_version_ref(p_name text, p_ref text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.resolve_version_ref(p_name text, p_ref text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.resolve_version_ref(p_name text, p_ref text, p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION revoke_project(p_role text, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.revoke_project(p_role text, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.revoke_project(p_role text, p_project text) TO agent_loggy_admin;

--
-- Name: FUNCTION rrf_candidates(p_limit integer, p_rrf_k integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.rrf_candidates(p_limit integer, p_rrf_k integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.rrf_candidates(p_limit integer, p_rrf_k integer) TO agent_loggy_reader;

--
-- Name: FUNCTION rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_rrf_k integer) TO agent_loggy_reader;

--
-- Name: FUNCTION rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_fuzzy_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_fuzzy_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.rrf_fuse(p_keyword_ids bigint[], p_semantic_ids bigint[], p_fuzzy_ids bigint[], p_keyword_weight double precision, p_semantic_weight double precision, p_fuzzy_weight double precision, p_rrf_k integer) TO agent_loggy_reader;

--
-- Name: FUNCTION run_score(p_value double precision, p_min double precision, p_max double precision); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.run_score(p_value double precision, p_min double precision, p_max double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.run_score(p_value double precision, p_min double precision, p_max double precision) TO agent_loggy_reader;

--
-- Name: FUNCTION search_context_rules(p_query public.vector, p_project text, p_limit integer, p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.search_context_rules(p_query public.vector, p_project text, p_limit integer, p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.search_context_rules(p_query public.vector, p_project text, p_limit integer, p_embedding_config_id bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION search_documents(p_query public.vector, p_project text, p_limit integer, p_tags text[], p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.search_documents(p_query public.vector, p_project text, p_limit integer, p_tags text[], p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.search_documents(p_query public.vector, p_project text, p_limit integer, p_tags text[], p_embedding_config_id bigint) TO agent_loggy_reader;

--
-- Name: TABLE search_embedding_configs; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.search_embedding_configs TO agent_loggy_reader;

--
-- Name: FUNCTION search_embedding_config(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.search_embedding_config(p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.search_embedding_config(p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION search_prompts(p_query public.vector, p_project text, p_limit integer, p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.search_prompts(p_query public.vector, p_project text, p_limit integer, p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.search_prompts(p_query public.vector, p_project text, p_limit integer, p_embedding_config_id bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION sees_every_project(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.sees_every_project() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.sees_every_project() TO agent_loggy_reader;

--
-- Name: FUNCTION sees_every_user(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.sees_every_user() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.sees_every_user() TO agent_loggy_reader;

--
-- Name: FUNCTION serialize_writes(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.serialize_writes() FROM PUBLIC;

--
-- Name: FUNCTION session_is_admin(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.session_is_admin() FROM PUBLIC;

--
-- Name: FUNCTION session_may_read(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.session_may_read(p_project text) FROM PUBLIC;

--
-- Name: FUNCTION session_sees_every_user(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.session_sees_every_user() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.session_sees_every_user() TO agent_loggy_reader;

--
-- Name: TABLE promotion_policies; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.promotion_policies TO agent_loggy_reader;
GRANT DELETE ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: COLUMN promotion_policies.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: COLUMN promotion_policies.label; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(label) ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: COLUMN promotion_policies.min_runs; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(min_runs),UPDATE(min_runs) ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: COLUMN promotion_policies.max_error_rate; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(max_error_rate),UPDATE(max_error_rate) ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: COLUMN promotion_policies.min_valid_rate; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(min_valid_rate),UPDATE(min_valid_rate) ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: COLUMN promotion_policies.score_name; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(score_name),UPDATE(score_name) ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: COLUMN promotion_policies.score_tolerance; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(score_tolerance),UPDATE(score_tolerance) ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: COLUMN promotion_policies.window_length; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(window_length),UPDATE(window_length) ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: COLUMN promotion_policies.updated_by; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT UPDATE(updated_by) ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: COLUMN promotion_policies.updated_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT UPDATE(updated_at) ON TABLE agent_loggy.promotion_policies TO agent_loggy_admin;

--
-- Name: FUNCTION set_promotion_policy(p_label text, p_project text, p_min_runs integer, p_max_error_rate double precision, p_min_valid_rate double precision, p_score_name text, p_score_tolerance double precision, p_window interval); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.set_promotion_policy(p_label text, p_project text, p_min_runs integer, p_max_error_rate double precision, p_min_valid_rate double precision, p_score_name text, p_score_tolerance double precision, p_window interval) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.set_promotion_policy(p_label text, p_project text, p_min_runs integer, p_max_error_rate double precision, p_min_valid_rate double precision, p_score_name text, p_score_tolerance double precision, p_window interval) TO agent_loggy_admin;

--
-- Name: FUNCTION set_prompt_output_schema(p_name text, p_version integer, p_schema jsonb, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.set_prompt_output_schema(p_name text, p_version integer, p_schema jsonb, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.set_prompt_output_schema(p_name text, p_version integer, p_schema jsonb, p_project text) TO agent_loggy_writer;

--
-- Name: FUNCTION set_prompt_tags(p_name text, p_version integer, p_tags text[], p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.set_prompt_tags(p_name text, p_version integer, p_tags text[], p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.set_prompt_tags(p_name text, p_version integer, p_tags text[], p_project text) TO agent_loggy_writer;

--
-- Name: FUNCTION shown(p_value text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.shown(p_value text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.shown(p_value text) TO agent_loggy_reader;

--
-- Name: FUNCTION similar_investigations(p_query public.vector, p_project text, p_limit integer, p_requested_by text, p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.similar_investigations(p_query public.vector, p_project text, p_limit integer, p_requested_by text, p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.similar_investigations(p_query public.vector, p_project text, p_limit integer, p_requested_by text, p_embedding_config_id bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION stage_documents(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.stage_documents() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.stage_documents() TO agent_loggy_writer;

--
-- Name: FUNCTION stage_runs(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.stage_runs() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.stage_runs() TO agent_loggy_reader;

--
-- Name: FUNCTION staged_document_problems(p_limit integer); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.staged_document_problems(p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.staged_document_problems(p_limit integer) TO agent_loggy_writer;

--
-- Name: FUNCTION start_investigation(p_query text, p_project text, p_external_ref text, p_requested_by text, p_parameters jsonb, p_status agent_loggy.investigation_status, p_embedding public.vector, p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.start_investigation(p_query text, p_project text, p_external_ref text, p_requested_by text, p_parameters jsonb, p_status agent_loggy.investigation_status, p_embedding public.vector, p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.start_investigation(p_query text, p_project text, p_external_ref text, p_requested_by text, p_parameters jsonb, p_status agent_loggy.investigation_status, p_embedding public.vector, p_embedding_config_id bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION storable_embedding_config(p_embedding_config_id bigint, p_what text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.storable_embedding_config(p_embedding_config_id bigint, p_what text) FROM PUBLIC;

--
-- Name: FUNCTION store_config_embeddings(p_what text, p_embedding_config_id bigint, p_ids bigint[], p_inputs text[], p_chunks integer[], p_char_starts integer[], p_char_ends integer[], p_token_starts integer[], p_token_ends integer[], p_embeddings public.vector[]); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.store_config_embeddings(p_what text, p_embedding_config_id bigint, p_ids bigint[], p_inputs text[], p_chunks integer[], p_char_starts integer[], p_char_ends integer[], p_token_starts integer[], p_token_ends integer[], p_embeddings public.vector[]) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.store_config_embeddings(p_what text, p_embedding_config_id bigint, p_ids bigint[], p_inputs text[], p_chunks integer[], p_char_starts integer[], p_char_ends integer[], p_token_starts integer[], p_token_ends integer[], p_embeddings public.vector[]) TO agent_loggy_writer;
GRANT ALL ON FUNCTION agent_loggy.store_config_embeddings(p_what text, p_embedding_config_id bigint, p_ids bigint[], p_inputs text[], p_chunks integer[], p_char_starts integer[], p_char_ends integer[], p_token_starts integer[], p_token_ends integer[], p_embeddings public.vector[]) TO agent_loggy_reader;

--
-- Name: FUNCTION store_embeddings(p_what text, p_ids bigint[], p_inputs text[], p_embeddings public.vector[], p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.store_embeddings(p_what text, p_ids bigint[], p_inputs text[], p_embeddings public.vector[], p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.store_embeddings(p_what text, p_ids bigint[], p_inputs text[], p_embeddings public.vector[], p_embedding_config_id bigint) TO agent_loggy_writer;

--
-- Name: FUNCTION t_quantile_975(p_df double precision); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.t_quantile_975(p_df double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.t_quantile_975(p_df double precision) TO agent_loggy_reader;

--
-- Name: FUNCTION template_variables(p_template text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.template_variables(p_template text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.template_variables(p_template text) TO agent_loggy_reader;

--
-- Name: FUNCTION unlimit_login(p_login text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.unlimit_login(p_login text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.unlimit_login(p_login text) TO agent_loggy_admin;

--
-- Name: FUNCTION use_embedding_config(p_embedding_config_id bigint, p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.use_embedding_config(p_embedding_config_id bigint, p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.use_embedding_config(p_embedding_config_id bigint, p_project text) TO agent_loggy_writer;

--
-- Name: PROCEDURE use_vector_schema(IN p_function regprocedure); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON PROCEDURE agent_loggy.use_vector_schema(IN p_function regprocedure) FROM PUBLIC;

--
-- Name: FUNCTION vector_length(p_vector public.vector); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.vector_length(p_vector public.vector) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.vector_length(p_vector public.vector) TO agent_loggy_reader;

--
-- Name: FUNCTION vector_magnitude(p_vector public.vector); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.vector_magnitude(p_vector public.vector) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.vector_magnitude(p_vector public.vector) TO agent_loggy_reader;

--
-- Name: FUNCTION vector_similarity(p_distance text, p_value double precision); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.vector_similarity(p_distance text, p_value double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.vector_similarity(p_distance text, p_value double precision) TO agent_loggy_reader;

--
-- Name: FUNCTION verify_changelog(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.verify_changelog(p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.verify_changelog(p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION visible_projects(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.visible_projects() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.visible_projects() TO agent_loggy_reader;

--
-- Name: FUNCTION wilson_interval(p_successes bigint, p_total bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.wilson_interval(p_successes bigint, p_total bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.wilson_interval(p_successes bigint, p_total bigint) TO agent_loggy_reader;

--
-- Name: FUNCTION with_project_bound(p_project text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.with_project_bound(p_project text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.with_project_bound(p_project text) TO agent_loggy_reader;

--
-- Name: FUNCTION with_user_bound(p_user text); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.with_user_bound(p_user text) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.with_user_bound(p_user text) TO agent_loggy_reader;

--
-- Name: FUNCTION writable_embedding_config(p_embedding_config_id bigint); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.writable_embedding_config(p_embedding_config_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.writable_embedding_config(p_embedding_config_id bigint) TO agent_loggy_writer;

--
-- Name: FUNCTION writable_projects(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.writable_projects() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.writable_projects() TO agent_loggy_reader;

--
-- Name: FUNCTION write_changelog(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.write_changelog() FROM PUBLIC;

--
-- Name: FUNCTION writes_every_project(); Type: ACL; Schema: agent_loggy; Owner: -
--

REVOKE ALL ON FUNCTION agent_loggy.writes_every_project() FROM PUBLIC;
GRANT ALL ON FUNCTION agent_loggy.writes_every_project() TO agent_loggy_reader;

--
-- Name: TABLE changelog_heads; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.changelog_heads TO agent_loggy_reader;

--
-- Name: TABLE current_context_rules; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.current_context_rules TO agent_loggy_reader;

--
-- Name: TABLE current_embedding_configs; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.current_embedding_configs TO agent_loggy_reader;

--
-- Name: TABLE current_facts; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.current_facts TO agent_loggy_reader;

--
-- Name: TABLE current_model_configs; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.current_model_configs TO agent_loggy_reader;

--
-- Name: TABLE current_negate_keys; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.current_negate_keys TO agent_loggy_reader;

--
-- Name: TABLE embeddings; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.embeddings TO agent_loggy_reader;

--
-- Name: TABLE runs; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.runs TO agent_loggy_reader;
GRANT DELETE ON TABLE agent_loggy.runs TO agent_loggy_admin;

--
-- Name: COLUMN runs.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.investigation_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(investigation_id) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.prompt_name; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(prompt_name) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.prompt_version; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(prompt_version) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.label; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(label),UPDATE(label) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.model_config_version; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(model_config_version),UPDATE(model_config_version) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.model_provider; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(model_provider),UPDATE(model_provider) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.model_name; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(model_name),UPDATE(model_name) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.variables; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(variables) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.rendered_hash; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(rendered_hash),UPDATE(rendered_hash) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.output; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(output),UPDATE(output) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.parsed_output; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(parsed_output),UPDATE(parsed_output) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.output_valid; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(output_valid),UPDATE(output_valid) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.output_errors; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(output_errors),UPDATE(output_errors) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.status; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(status),UPDATE(status) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.error; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(error),UPDATE(error) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.latency_ms; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(latency_ms),UPDATE(latency_ms) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.input_tokens; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(input_tokens),UPDATE(input_tokens) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.output_tokens; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(output_tokens),UPDATE(output_tokens) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.cost; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(cost),UPDATE(cost) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.started_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(started_at) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.finished_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(finished_at),UPDATE(finished_at) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.trace_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(trace_id),UPDATE(trace_id) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: COLUMN runs.span_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(span_id),UPDATE(span_id) ON TABLE agent_loggy.runs TO agent_loggy_reader;

--
-- Name: TABLE scores; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.scores TO agent_loggy_reader;
GRANT DELETE ON TABLE agent_loggy.scores TO agent_loggy_admin;

--
-- Name: COLUMN scores.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.run_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(run_id) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.run_started_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(run_started_at) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.investigation_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(investigation_id) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.name; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(name) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.value; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(value) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.scale_min; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(scale_min) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.scale_max; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(scale_max) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.category; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(category) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.source; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(source) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.comment; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(comment) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.given_by; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(given_by) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: COLUMN scores.created_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(created_at) ON TABLE agent_loggy.scores TO agent_loggy_reader;

--
-- Name: TABLE trace_findings; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;
GRANT DELETE ON TABLE agent_loggy.trace_findings TO agent_loggy_admin;

--
-- Name: COLUMN trace_findings.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.investigation_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(investigation_id) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.trace_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(trace_id) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.relevance; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(relevance) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.outcome; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(outcome) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.confidence; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(confidence) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.stance; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(stance) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.p_supports; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(p_supports) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.p_refutes; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(p_refutes) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.p_neutral; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(p_neutral) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.evidence; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(evidence) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.run_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(run_id) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: COLUMN trace_findings.run_started_at; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(run_started_at) ON TABLE agent_loggy.trace_findings TO agent_loggy_reader;

--
-- Name: TABLE verdicts; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT SELECT ON TABLE agent_loggy.verdicts TO agent_loggy_reader;
GRANT DELETE ON TABLE agent_loggy.verdicts TO agent_loggy_admin;

--
-- Name: COLUMN verdicts.project; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(project) ON TABLE agent_loggy.verdicts TO agent_loggy_reader;

--
-- Name: COLUMN verdicts.investigation_id; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(investigation_id) ON TABLE agent_loggy.verdicts TO agent_loggy_reader;

--
-- Name: COLUMN verdicts.verdict; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(verdict) ON TABLE agent_loggy.verdicts TO agent_loggy_reader;

--
-- Name: COLUMN verdicts.finding_ids; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(finding_ids) ON TABLE agent_loggy.verdicts TO agent_loggy_reader;

--
-- Name: COLUMN verdicts.confidence; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(confidence) ON TABLE agent_loggy.verdicts TO agent_loggy_reader;

--
-- Name: COLUMN verdicts.reasoning; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(reasoning) ON TABLE agent_loggy.verdicts TO agent_loggy_reader;

--
-- Name: COLUMN verdicts.pipeline_version; Type: ACL; Schema: agent_loggy; Owner: -
--

GRANT INSERT(pipeline_version) ON TABLE agent_loggy.verdicts TO agent_loggy_reader;

--
-- PostgreSQL database dump complete
--
