-- depends: 0009_search
-- Bulk loading of documents, for every client: stage rows with COPY, then merge them.
--   stage_documents()         creates the transaction's staging table (temporary, no indexes)
--   staged_document_problems() what is wrong with the staged rows, by line
--   load_staged_documents()   validates every staged row, then upserts them into documents on
--                             (project, source, external_id) in one statement
-- A client runs, in ONE transaction:
--   SELECT agent_loggy.stage_documents();
--   COPY pg_temp.agent_loggy_staged_documents (line, external_id, title, content, tags, metadata, embedding)
--       FROM STDIN (FORMAT binary);
--   SELECT * FROM agent_loggy.load_staged_documents('project', 'source');
-- A big load of embedded rows is merged with the HNSW index dropped and rebuilt afterwards:
-- inserting into the HNSW index row by row is two orders of magnitude slower than building it
-- once (see load_staged_documents).

CREATE FUNCTION agent_loggy.stage_documents() RETURNS regclass
    LANGUAGE plpgsql
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
COMMENT ON FUNCTION agent_loggy.stage_documents() IS
    'Creates (or empties) pg_temp.agent_loggy_staged_documents (line, external_id, title, content, tags, metadata, embedding), dropped at commit, and returns it; COPY the rows of a load into it, then call load_staged_documents() in the same transaction. line is the row''s place in the source file, used in error messages.';

CREATE FUNCTION agent_loggy.staged_document_problems(p_limit integer DEFAULT 50) RETURNS text[]
    LANGUAGE plpgsql STABLE
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
            END AS problem
            FROM (SELECT t.*, min(t.line) OVER (PARTITION BY t.external_id) AS first_line
                  FROM pg_temp.agent_loggy_staged_documents AS t) AS s
        ) AS p
        WHERE p.problem IS NOT NULL
        ORDER BY p.line
        LIMIT p_limit);
END
$$;
COMMENT ON FUNCTION agent_loggy.staged_document_problems(integer) IS
    'What is wrong with the staged rows, at most p_limit of them, as "line N: reason" in line order (blank or duplicate external_id, blank content, text over 1 MB, bad tags, metadata that is not an object, an embedding that is not 384 non-zero dimensions). Empty when the load can go ahead.';

CREATE FUNCTION agent_loggy.check_document_target(p_project text, p_source text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    PERFORM agent_loggy.checked_project(p_project);
    IF p_source IS NULL OR NOT agent_loggy.is_valid_name(p_source) THEN
        RAISE EXCEPTION 'invalid source %: expected 1-128 characters of letters, digits, _ . : / - starting with a letter or digit',
            quote_nullable(p_source) USING ERRCODE = 'invalid_parameter_value';
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.check_document_target(text, text) IS
    'Raises SQLSTATE 22023 unless p_project is a valid project and p_source a valid source name; clients call it before a long load, load_staged_documents() calls it first.';

CREATE FUNCTION agent_loggy.load_staged_documents(
    p_project text, p_source text, p_embedding_config_id bigint DEFAULT NULL, p_rebuild_index boolean DEFAULT NULL)
    RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, index_rebuilt boolean)
    LANGUAGE plpgsql
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
    PERFORM pg_advisory_xact_lock(hashtextextended('agent_loggy.documents:' || p_project || ':' || p_source, 0));

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
               ON d.project = p_project AND d.source = p_source AND d.external_id = s.external_id
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
            EXECUTE drops;
        END IF;
    END IF;

    RETURN QUERY
    WITH upserted AS (
        INSERT INTO agent_loggy.documents AS d
            (project, source, external_id, title, content, tags, metadata, embedding, embedding_config_id)
        SELECT p_project, p_source, s.external_id, s.title, s.content, s.tags, s.metadata, s.embedding,
               CASE WHEN s.embedding IS NOT NULL THEN p_embedding_config_id END
        FROM pg_temp.agent_loggy_staged_documents AS s
        ORDER BY s.line
        ON CONFLICT (project, source, external_id) DO UPDATE SET
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
COMMENT ON FUNCTION agent_loggy.load_staged_documents(text, text, bigint, boolean) IS
    'Merges the staged rows (see stage_documents) into documents of p_project / p_source: new external_ids are inserted, changed rows updated (a row without an embedding keeps the stored one unless its text changed), identical rows left alone; returns the counts. Every staged row is checked first (staged_document_problems: SQLSTATE 22023 with one "line N: reason" per line in DETAIL) and nothing is written if any is wrong. p_embedding_config_id is recorded for rows that bring an embedding. p_rebuild_index: true drops the vector indexes of documents before the merge and rebuilds them after (with maintenance_work_mem of at least 512MB), false never does, NULL (default) decides: rebuild when at least 2000 new or changed rows carry embeddings, they number at least a fifth of the table, and the caller owns the table. A rebuild locks documents against every reader until commit, and rebuilding loads queue behind each other.';

CALL agent_loggy.use_vector_schema('agent_loggy.stage_documents()');
CALL agent_loggy.use_vector_schema('agent_loggy.staged_document_problems(integer)');
CALL agent_loggy.use_vector_schema('agent_loggy.load_staged_documents(text, text, bigint, boolean)');
