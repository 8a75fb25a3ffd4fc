-- depends: 0031_fuzzy_search
-- Investigations carry vectors of any embedding config (issue: memory that fits the agents' models and
-- their users, item 1), like documents, context rules and prompts:
--
--   embeddings                 kind 'investigations': chunks of an investigation's query
--   embedding_input(investigations)
--                              the text embedded for an investigation: its query
--   pending_config_embeddings() / store_config_embeddings()
--                              fill investigations too; recording their vectors needs a read grant
--                              and the project bound, as recording the investigation does (0018)
--   start_investigation()      records an investigation and its query's vector, of the vector(384)
--                              column or of an embedding config, in one call
--   similar_investigations()   takes p_embedding_config_id (default: the project's search config)
--   nearest_config_ids()       reads investigations (p_tags: who asked) through the config's HNSW index
--   halfvec_problem()          stores above 2,000 dimensions take (and are searched with) only vectors
--                              that fit halfvec, which they compare as

DO $$ BEGIN PERFORM '[1]'::vector <=> '[1]'::vector; END $$;

CREATE FUNCTION agent_loggy.embedding_input(p_row agent_loggy.investigations) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_row.query;
COMMENT ON FUNCTION agent_loggy.embedding_input(agent_loggy.investigations) IS
    'The text embedded for an investigation: its query.';

-- a looser check: every stored row meets it
ALTER TABLE agent_loggy.embeddings DROP CONSTRAINT embeddings_kind_check,
    ADD CONSTRAINT embeddings_kind_check CHECK (kind IN ('documents', 'context_rules', 'prompts', 'investigations'));
COMMENT ON TABLE agent_loggy.embeddings IS
    'Vectors of documents, context rules, prompts and investigations by embedding config: one row per chunk of an item''s text (embedding_input), one list partition per config (embeddings_<config id>, made with the config, with that config''s HNSW index). Written by store_config_embeddings(); an item whose text changes loses its rows (pending again); searched by nearest_config_ids().';
COMMENT ON COLUMN agent_loggy.embeddings.kind IS 'What the item is: documents, context_rules, prompts or investigations (a table name).';

CREATE FUNCTION agent_loggy.checked_store_target(p_what text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_what IS NULL OR p_what NOT IN ('documents', 'context_rules', 'prompts', 'investigations') THEN
        RAISE EXCEPTION 'invalid embedding target %: expected documents, context_rules, prompts or investigations',
            quote_nullable(p_what) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_what;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_store_target(text) IS
    'Returns p_what when it names what an embedding config''s store holds (documents, context_rules, prompts, investigations), else raises SQLSTATE 22023.';

CREATE FUNCTION agent_loggy.storable_embedding_config(p_embedding_config_id bigint, p_what text)
    RETURNS agent_loggy.embedding_configs
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION agent_loggy.storable_embedding_config(bigint, text) IS
    'The embedding config p_embedding_config_id when the login may store vectors of p_what in its store: documents, context rules and prompts when it is a writer (agent_loggy_writer) and writable_embedding_config() says so (a write grant); investigations, like recording one, with a read grant and the config''s project bound (an admin: any). 22023 for a config of a project the login may not read (not told apart from a missing one), 42501 otherwise.';

-- Stores above 2,000 dimensions compare vectors as halfvec: a vector must fit it ----------------------------

CREATE FUNCTION agent_loggy.halfvec_problem(p_vector vector) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
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
CALL agent_loggy.use_vector_schema('agent_loggy.halfvec_problem(vector)');
COMMENT ON FUNCTION agent_loggy.halfvec_problem(vector) IS
    'Why p_vector cannot be compared as halfvec (a value beyond 65504, or all values rounding to zero), NULL when it can. Stores of embedding configs above 2,000 dimensions compare as halfvec: store_config_embeddings() and checked_config_query() refuse such vectors (22023), which would fail (22003) or come back with similarity NaN in every search of the store.';

-- The functions of 0030 take investigations (their bodies patched; the rollback patches them back). ---------

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
    FOR i IN 1 .. array_length(changes, 1) LOOP
        fn := to_regprocedure(changes[i][1]);
        body := (SELECT p.prosrc FROM pg_catalog.pg_proc AS p WHERE p.oid = fn);
        IF position(changes[i][2] IN body) = 0 THEN
            RAISE EXCEPTION '% is not the function this migration expects: % not found', fn, changes[i][2];
        END IF;
        EXECUTE replace(pg_get_functiondef(fn), changes[i][2], changes[i][3]);
    END LOOP;
END
$$;
COMMENT ON FUNCTION agent_loggy.pending_config_embeddings(text, bigint, integer, bigint) IS
    'Rows of p_what (documents, context_rules, prompts: active ones, investigations) of the config''s project that have no vectors of embedding config p_embedding_config_id, after p_after_id, by id, with the text to embed (embedding_input).';
COMMENT ON FUNCTION agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[]) IS
    'Stores the chunk vectors of embedding config p_embedding_config_id for rows of p_what (one array element per chunk: item id, the input it was made from, chunk number, character and token positions, vector): each item''s earlier vectors of the config are replaced, unless its embedding_input no longer equals the input given (edited meanwhile: it stays pending). Returns how many items were stored. Who may: storable_embedding_config() (documents, context rules, prompts: a write grant; investigations: a read grant and the project bound). Runs as the owner, applying the caller''s project and user rules itself: no client may write embeddings directly. 22023 naming the first bad chunk (a vector whose length is not the config''s, names both; above 2,000 dimensions, one that does not fit halfvec).';
COMMENT ON FUNCTION agent_loggy.checked_config_query(vector, bigint, text) IS
    'The embedding config a search of p_project with p_query reads, when the query can be searched with in it: 22023 naming the config and its dimensions when the query''s length differs, or when the config is another project''s; 22023 for a query that does not fit halfvec (halfvec_problem()) in a config above 2,000 dimensions.';
COMMENT ON FUNCTION agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[]) IS
    'The p_count items of p_what of p_project nearest to p_query in the store of embedding config p_embedding_config_id, by the config''s distance, with the best chunk of each (its number and where it lies in the item''s embedding input), nearest first. p_what: documents (carrying all p_tags), context_rules (current ones), prompts (the newest active version of each), investigations (asked by one of p_tags when given). Reads up to 4 p_count + 16 chunks through the config''s HNSW index (relaxed iterative scan, hnsw.ef_search = hnsw_ef_search(chunks) or the caller''s if larger; planned at 40, restored on return) and searches exactly when they hold fewer than p_count items. Arguments are checked by the search functions.';

-- An investigation whose query changes (or that is deleted) loses its vectors ---------------------------------

CREATE FUNCTION agent_loggy.forget_stale_investigation_vectors() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.query IS DISTINCT FROM OLD.query THEN
        DELETE FROM agent_loggy.embeddings AS e WHERE e.kind = 'investigations' AND e.item_id = OLD.id;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.forget_stale_investigation_vectors() IS
    'AFTER UPDATE OF query / DELETE row trigger of investigations: an investigation whose query changes, or that is deleted, loses its vectors of every config. Runs as the owner, on the rows the caller changed only.';
CREATE TRIGGER forget_stale_vectors AFTER UPDATE OF query OR DELETE ON agent_loggy.investigations
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.forget_stale_investigation_vectors();

-- Recording an investigation with its query's vector, in one call ------------------------------------------------

CREATE FUNCTION agent_loggy.start_investigation(
    p_query text, p_project text DEFAULT 'default', p_external_ref text DEFAULT NULL, p_requested_by text DEFAULT NULL,
    p_parameters jsonb DEFAULT '{}', p_status agent_loggy.investigation_status DEFAULT 'running',
    p_embedding vector DEFAULT NULL, p_embedding_config_id bigint DEFAULT NULL)
    RETURNS agent_loggy.investigations
    LANGUAGE plpgsql
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
COMMENT ON FUNCTION agent_loggy.start_investigation(text, text, text, text, jsonb, agent_loggy.investigation_status, vector, bigint) IS
    'Records an investigation of p_project (the caller''s rights: a read grant and the project bound) and, when p_embedding is given, its query''s vector: in the vector(384) column, or with p_embedding_config_id in that config''s store (a config of the project, the vector of its dimensions; store_config_embeddings). One call: both or nothing. Returns the row.';
CALL agent_loggy.use_vector_schema('agent_loggy.start_investigation(text, text, text, text, jsonb, agent_loggy.investigation_status, vector, bigint)');

-- Similar past investigations, of any config ----------------------------------------------------------------------

DROP FUNCTION agent_loggy.similar_investigations(vector, text, integer, text);
CREATE FUNCTION agent_loggy.similar_investigations(
    p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 5, p_requested_by text DEFAULT NULL,
    p_embedding_config_id bigint DEFAULT NULL
) RETURNS TABLE (id bigint, external_ref text, requested_by text, query text, status agent_loggy.investigation_status,
                 created_at timestamptz, similarity double precision)
    LANGUAGE plpgsql STABLE
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
COMMENT ON FUNCTION agent_loggy.similar_investigations(vector, text, integer, text, bigint) IS
    'The p_limit past investigations of p_project whose query vectors are nearest p_query, optionally only those asked by p_requested_by, nearest first, in embedding config p_embedding_config_id (default: the project''s search config, search_embedding_config(); none: the vector(384) column, searched exactly, similarity 1 - cosine distance). In a config: through its HNSW index with an exact fallback (nearest_config_ids), similarity vector_similarity() of its distance; 22023 for a query whose dimensions are not the config''s, naming both.';
CALL agent_loggy.use_vector_schema('agent_loggy.similar_investigations(vector, text, integer, text, bigint)');

-- Privileges -------------------------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    agent_loggy.embedding_input(agent_loggy.investigations), agent_loggy.checked_store_target(text),
    agent_loggy.halfvec_problem(vector),
    agent_loggy.storable_embedding_config(bigint, text), agent_loggy.forget_stale_investigation_vectors(),
    agent_loggy.start_investigation(text, text, text, text, jsonb, agent_loggy.investigation_status, vector, bigint),
    agent_loggy.similar_investigations(vector, text, integer, text, bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    agent_loggy.embedding_input(agent_loggy.investigations), agent_loggy.checked_store_target(text),
    agent_loggy.halfvec_problem(vector),
    agent_loggy.start_investigation(text, text, text, text, jsonb, agent_loggy.investigation_status, vector, bigint),
    agent_loggy.similar_investigations(vector, text, integer, text, bigint),
    agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[])
    TO agent_loggy_reader;
