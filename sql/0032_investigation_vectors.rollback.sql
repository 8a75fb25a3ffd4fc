-- Rolls back 0032_investigation_vectors: the stores hold documents, context rules and prompts only, as
-- 0030 left them; similar_investigations() reads the vector(384) column only. Refused while a store holds
-- vectors of investigations: they would be lost (drop_embedding_store() first, as an admin).

DO $$ BEGIN PERFORM '[1]'::vector <=> '[1]'::vector; END $$;  -- pgvector loaded: its settings on nearest_config_ids

DO $$
DECLARE
    held bigint := (SELECT count(*) FROM agent_loggy.embeddings AS e WHERE e.kind = 'investigations');
BEGIN
    IF held > 0 THEN
        RAISE EXCEPTION 'cannot roll back 0032_investigation_vectors: the embedding configs'' stores hold % vector(s) of investigations', held
            USING HINT = 'Drop them first (SELECT agent_loggy.drop_embedding_store(id) as an admin, for each config that has some), then roll back again.';
    END IF;
END
$$;

DROP FUNCTION agent_loggy.similar_investigations(vector, text, integer, text, bigint);
CREATE FUNCTION agent_loggy.similar_investigations(
    p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 5, p_requested_by text DEFAULT NULL
) RETURNS TABLE (id bigint, external_ref text, requested_by text, query text, status agent_loggy.investigation_status,
                 created_at timestamptz, similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q vector := agent_loggy.checked_query_vector(p_query);
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION 'invalid limit %: expected 1-1000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT i.id, i.external_ref, i.requested_by, i.query, i.status, i.created_at,
           1 - (i.embedding <=> q)
    FROM agent_loggy.investigations AS i
    WHERE i.project = p_project AND i.embedding IS NOT NULL
      AND (p_requested_by IS NULL OR i.requested_by = p_requested_by)
    ORDER BY (i.embedding <=> q) + 0  -- exact: an HNSW scan filtered by project could return fewer rows
    LIMIT p_limit;
END
$$;
COMMENT ON FUNCTION agent_loggy.similar_investigations(vector, text, integer, text) IS
    'The p_limit past investigations of p_project whose query embeddings are nearest p_query (cosine; similarity 1 - distance), optionally only those asked by p_requested_by. Exact order (a scan of the project''s investigations with embeddings).';
CALL agent_loggy.use_vector_schema('agent_loggy.similar_investigations(vector, text, integer, text)');
REVOKE EXECUTE ON FUNCTION agent_loggy.similar_investigations(vector, text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.similar_investigations(vector, text, integer, text) TO agent_loggy_reader;

DROP FUNCTION agent_loggy.start_investigation(text, text, text, text, jsonb, agent_loggy.investigation_status, vector, bigint);
DROP TRIGGER forget_stale_vectors ON agent_loggy.investigations;
DROP FUNCTION agent_loggy.forget_stale_investigation_vectors();
REVOKE EXECUTE ON FUNCTION
    agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[])
    FROM agent_loggy_reader;

DO $$
DECLARE
    kinds constant text[] := ARRAY[
        'p_what NOT IN (''documents'', ''context_rules'', ''prompts'')',
        'p_what NOT IN (''documents'', ''context_rules'', ''prompts'', ''investigations'')'];
    expected constant text[] := ARRAY[
        'expected documents, context_rules or prompts''',
        'expected documents, context_rules, prompts or investigations'''];
    every_row constant text[] := ARRAY[
        'CASE WHEN p_what = ''documents'' THEN ''true'' ELSE ''t.is_active'' END',
        'CASE WHEN p_what IN (''documents'', ''investigations'') THEN ''true'' ELSE ''t.is_active'' END'];
    changes constant text[][] := ARRAY[
        ['agent_loggy.pending_config_embeddings(text, bigint, integer, bigint)', kinds[1], kinds[2]],
        ['agent_loggy.pending_config_embeddings(text, bigint, integer, bigint)', expected[1], expected[2]],
        ['agent_loggy.pending_config_embeddings(text, bigint, integer, bigint)', every_row[1], every_row[2]],
        ['agent_loggy.pending_config_embedding_count(text, bigint)', kinds[1], kinds[2]],
        ['agent_loggy.pending_config_embedding_count(text, bigint)', expected[1], expected[2]],
        ['agent_loggy.pending_config_embedding_count(text, bigint)', every_row[1], every_row[2]],
        ['agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[])',
         'agent_loggy.writable_embedding_config(p_embedding_config_id);',
         'agent_loggy.storable_embedding_config(p_embedding_config_id, p_what);'],
        ['agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[])',
         'PERFORM agent_loggy.checked_embedding_target(p_what);',
         'PERFORM agent_loggy.checked_store_target(p_what);'],
        ['agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[])',
         'ELSE ''an id, a chunk number >= 0 and the input are needed'' END)',
         'WHEN config.dimensions > 2000 AND agent_loggy.halfvec_problem(x.v) IS NOT NULL THEN format(''the vector %s: embedding config %s (%s dimensions) compares vectors as halfvec'', agent_loggy.halfvec_problem(x.v), config.id, config.dimensions) ELSE ''an id, a chunk number >= 0 and the input are needed'' END)'],
        ['agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[])',
         'OR NOT agent_loggy.is_searchable_vector(x.v)',
         'OR NOT agent_loggy.is_searchable_vector(x.v) OR config.dimensions > 2000 AND agent_loggy.halfvec_problem(x.v) IS NOT NULL'],
        ['agent_loggy.checked_config_query(vector, bigint, text)',
         'PERFORM agent_loggy.checked_any_vector(p_query, ''query vector'');',
         'PERFORM agent_loggy.checked_any_vector(p_query, ''query vector''); IF config.dimensions > 2000 AND agent_loggy.halfvec_problem(p_query) IS NOT NULL THEN RAISE EXCEPTION ''query vector %: embedding config % (% dimensions) compares vectors as halfvec'', agent_loggy.halfvec_problem(p_query), config.id, config.dimensions USING ERRCODE = ''invalid_parameter_value''; END IF;'],
        ['agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[])', kinds[1], kinds[2]],
        ['agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[])', expected[1], expected[2]],
        ['agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[])',
         'WHEN ''documents'' THEN ''''',
         'WHEN ''documents'' THEN '''' WHEN ''investigations'' THEN ''JOIN agent_loggy.investigations AS t ON t.id = e.item_id AND ($4::text[] IS NULL OR t.requested_by = ANY ($4))'''],
        ['agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[])',
         'IF p_what = ''documents'' AND p_tags IS NULL THEN',
         'IF p_what IN (''documents'', ''investigations'') AND p_tags IS NULL THEN']];
    fn regprocedure;
    body text;
BEGIN
    FOR i IN REVERSE array_length(changes, 1) .. 1 LOOP
        fn := to_regprocedure(changes[i][1]);
        body := (SELECT p.prosrc FROM pg_catalog.pg_proc AS p WHERE p.oid = fn);
        IF position(changes[i][3] IN body) = 0 THEN
            RAISE EXCEPTION '% is not the function 0032_investigation_vectors left: % not found', fn, changes[i][3];
        END IF;
        EXECUTE replace(pg_get_functiondef(fn), changes[i][3], changes[i][2]);
    END LOOP;
END
$$;
COMMENT ON FUNCTION agent_loggy.pending_config_embeddings(text, bigint, integer, bigint) IS
    'Rows of p_what (documents, context_rules, prompts: active ones) of the config''s project that have no vectors of embedding config p_embedding_config_id, after p_after_id, by id, with the text to embed (embedding_input).';
COMMENT ON FUNCTION agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[]) IS
    'Writers (writable_embedding_config(); runs as the owner, applying the caller''s project and user rules itself: no client may write embeddings directly): stores the chunk vectors of embedding config p_embedding_config_id for rows of p_what (one array element per chunk: item id, the input it was made from, chunk number, character and token positions, vector): each item''s earlier vectors of the config are replaced, unless its embedding_input no longer equals the input given (edited meanwhile: it stays pending). Returns how many items were stored. 22023 naming the first bad chunk (a vector whose length is not the config''s, names both).';
COMMENT ON FUNCTION agent_loggy.checked_config_query(vector, bigint, text) IS
    'The embedding config a search of p_project with p_query reads, when the query can be searched with in it: 22023 naming the config and its dimensions when the query''s length differs, or when the config is another project''s.';
COMMENT ON FUNCTION agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[]) IS
    'The p_count items of p_what (documents carrying all p_tags; current context rules; the newest active version of each prompt) of p_project nearest to p_query in the store of embedding config p_embedding_config_id, by the config''s distance, with the best chunk of each (its number and where it lies in the item''s embedding input), nearest first. Reads up to 4 p_count + 16 chunks through the config''s HNSW index (relaxed iterative scan, hnsw.ef_search = hnsw_ef_search(chunks) or the caller''s if larger; planned at 40, restored on return) and searches exactly when they hold fewer than p_count items. Arguments are checked by the search functions.';

DROP FUNCTION agent_loggy.storable_embedding_config(bigint, text);
DROP FUNCTION agent_loggy.halfvec_problem(vector);
DROP FUNCTION agent_loggy.checked_store_target(text);

ALTER TABLE agent_loggy.embeddings DROP CONSTRAINT embeddings_kind_check,
    ADD CONSTRAINT embeddings_kind_check CHECK (kind IN ('documents', 'context_rules', 'prompts'));
COMMENT ON TABLE agent_loggy.embeddings IS
    'Vectors of documents, context rules and prompts by embedding config: one row per chunk of an item''s text (embedding_input), one list partition per config (embeddings_<config id>, made with the config, with that config''s HNSW index). Written by store_config_embeddings(); an item whose text changes loses its rows (pending again); searched by nearest_config_ids().';
COMMENT ON COLUMN agent_loggy.embeddings.kind IS 'What the item is: documents, context_rules or prompts (a table name).';

DROP FUNCTION agent_loggy.embedding_input(agent_loggy.investigations);
