-- depends: 0010_document_loads
-- Filling embeddings, for any client with an embedding model:
--   embedding_input(row)   the text that is embedded for a document, context rule or prompt
--   pending_embeddings()   rows that have no embedding yet, with their input text
--   store_embeddings()     writes a batch of embeddings, skipping rows whose text changed meanwhile
-- A client loops: fetch a batch of pending rows, embed their input, store, commit.

CREATE FUNCTION agent_loggy.embedding_input(p_row agent_loggy.documents) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN concat_ws(E'\n\n', p_row.title, p_row.content);
COMMENT ON FUNCTION agent_loggy.embedding_input(agent_loggy.documents) IS
    'The text embedded for a document: its title and content, separated by a blank line.';

CREATE FUNCTION agent_loggy.embedding_input(p_row agent_loggy.context_rules) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN concat_ws(E'\n', p_row.context, p_row.description, p_row.important);
COMMENT ON FUNCTION agent_loggy.embedding_input(agent_loggy.context_rules) IS
    'The text embedded for a context rule: its context, description and important signals, one per line (what to ignore is left out: it describes noise, not the context).';

CREATE FUNCTION agent_loggy.embedding_input(p_row agent_loggy.prompts) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN concat_ws(E'\n', p_row.name, p_row.description, p_row.usage, p_row.template);
COMMENT ON FUNCTION agent_loggy.embedding_input(agent_loggy.prompts) IS
    'The text embedded for a prompt version: name, description, usage and template, one per line.';

CREATE FUNCTION agent_loggy.checked_embedding_target(p_what text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_what IS NULL OR p_what NOT IN ('documents', 'context_rules', 'prompts') THEN
        RAISE EXCEPTION 'invalid embedding target %: expected documents, context_rules or prompts', quote_nullable(p_what)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_what;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_embedding_target(text) IS
    'Returns p_what when it names a table with embeddings (documents, context_rules, prompts), else raises SQLSTATE 22023.';

CREATE FUNCTION agent_loggy.pending_embeddings(
    p_what text, p_project text DEFAULT 'default', p_limit integer DEFAULT 64, p_after_id bigint DEFAULT 0)
    RETURNS TABLE (id bigint, input text)
    LANGUAGE plpgsql STABLE
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
COMMENT ON FUNCTION agent_loggy.pending_embeddings(text, text, integer, bigint) IS
    'Up to p_limit rows of p_what (documents, context_rules or prompts) in p_project that have no embedding and an id above p_after_id, lowest id first, with the text to embed (embedding_input). Inactive context rules and prompt versions are left out. Pass the last id of a batch as p_after_id to walk the table once.';

CREATE FUNCTION agent_loggy.pending_embedding_count(p_what text, p_project text DEFAULT 'default') RETURNS bigint
    LANGUAGE plpgsql STABLE
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
COMMENT ON FUNCTION agent_loggy.pending_embedding_count(text, text) IS
    'How many rows pending_embeddings() would walk through for p_what in p_project (for progress bars).';

CREATE FUNCTION agent_loggy.store_embeddings(
    p_what text, p_ids bigint[], p_inputs text[], p_embeddings vector[], p_embedding_config_id bigint DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql
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
    IF EXISTS (SELECT FROM unnest(p_embeddings) AS e WHERE e IS NULL OR vector_dims(e) <> 384 OR vector_norm(e) = 0) THEN
        RAISE EXCEPTION 'store_embeddings needs embeddings of 384 dimensions, not all zeros'
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
COMMENT ON FUNCTION agent_loggy.store_embeddings(text, bigint[], text[], vector[], bigint) IS
    'Stores embeddings computed from pending_embeddings() rows: for each id, the embedding is written only if the row still has none and its embedding_input still equals the input it was computed from (a row edited meanwhile keeps waiting, one embedded meanwhile keeps its embedding). p_embedding_config_id is recorded on documents. Returns how many rows were written.';

CALL agent_loggy.use_vector_schema('agent_loggy.store_embeddings(text, bigint[], text[], vector[], bigint)');
