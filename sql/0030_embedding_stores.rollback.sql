-- Rolls back 0030_embedding_stores: the stores of the embedding configs, the search configs and the
-- distance of configs go; the search functions read the vector(384) columns only, as 0024 left them.
-- Refused while a store holds vectors: they would be lost (drop_embedding_store() first, as an admin).

DO $$
DECLARE
    held bigint := (SELECT count(*) FROM agent_loggy.embeddings);
    chosen text := (SELECT string_agg(quote_literal(s.project), ', ') FROM agent_loggy.search_embedding_configs AS s);
    distances text := (SELECT string_agg(c.id::text, ', ') FROM agent_loggy.embedding_configs AS c WHERE c.distance <> 'cosine');
BEGIN
    IF held > 0 THEN
        RAISE EXCEPTION 'cannot roll back 0030_embedding_stores: the embedding configs'' stores hold % vector(s)', held
            USING HINT = 'Drop them first (SELECT agent_loggy.drop_embedding_store(id) as an admin, for each config that has some), then roll back again.';
    ELSIF chosen IS NOT NULL THEN
        RAISE EXCEPTION 'cannot roll back 0030_embedding_stores: projects % search an embedding config', chosen
            USING HINT = 'Go back to the vector(384) columns first (SELECT agent_loggy.use_embedding_config(NULL, project)), then roll back again.';
    ELSIF distances IS NOT NULL THEN
        RAISE EXCEPTION 'cannot roll back 0030_embedding_stores: embedding configs % have a distance other than cosine, which the schema before it cannot hold', distances
            USING HINT = 'Delete those configs (or set their distance to cosine), then roll back again.';
    END IF;
END
$$;

DROP FUNCTION agent_loggy.search_prompts(vector, text, integer, bigint);
DROP FUNCTION agent_loggy.search_context_rules(vector, text, integer, bigint);
DROP FUNCTION agent_loggy.search_documents(vector, text, integer, text[], bigint);

CREATE FUNCTION agent_loggy.search_documents(p_query vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL::text[]) RETURNS TABLE(id bigint, project text, source text, external_id text, title text, content text, tags text[], metadata jsonb, similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q vector := agent_loggy.checked_query_vector(p_query);
    -- in a variable: unnest(f(...)) of a STABLE f would run f once more while planning (row estimate)
    ids bigint[] := agent_loggy.nearest_document_ids(q, agent_loggy.checked_project(p_project),
                                        agent_loggy.checked_limit(p_limit), agent_loggy.checked_tags(p_tags));
BEGIN
    RETURN QUERY
    SELECT d.id, d.project, d.source, d.external_id, d.title, d.content, d.tags, d.metadata,
           1 - (d.embedding <=> q)
    FROM unnest(ids) WITH ORDINALITY AS n (id, rank)
    JOIN agent_loggy.documents AS d ON d.id = n.id
    ORDER BY n.rank;
END
$$;

COMMENT ON FUNCTION agent_loggy.search_documents(vector, text, integer, text[]) IS
    'The p_limit documents of p_project nearest to p_query (384 dimensions) by cosine distance, most similar first; similarity = 1 - cosine distance. p_tags keeps documents carrying all the given tags. Returns p_limit rows whenever that many embedded documents match the filters; documents without an embedding are skipped. Uses the HNSW index with iterative scans (see nearest_document_ids).';

CREATE FUNCTION agent_loggy.search_context_rules(p_query vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 5) RETURNS TABLE(id bigint, project text, context text, version integer, important text, ignore text, description text, similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q vector := agent_loggy.checked_query_vector(p_query);
    -- in a variable: unnest(f(...)) of a STABLE f would run f once more while planning (row estimate)
    ids bigint[] := agent_loggy.nearest_context_rule_ids(q, agent_loggy.checked_project(p_project),
                                        agent_loggy.checked_limit(p_limit));
BEGIN
    RETURN QUERY
    SELECT r.id, r.project, r.context, r.version, r.important, r.ignore, r.description, 1 - (r.embedding <=> q)
    FROM unnest(ids) WITH ORDINALITY AS n (id, rank)
    JOIN agent_loggy.context_rules AS r ON r.id = n.id
    ORDER BY n.rank;
END
$$;

COMMENT ON FUNCTION agent_loggy.search_context_rules(vector, text, integer) IS
    'The p_limit context rules of p_project most similar to p_query (cosine), most similar first, considering only the current version of each context (highest active version); rules without an embedding are skipped.';

CREATE FUNCTION agent_loggy.search_prompts(p_query vector, p_project text DEFAULT 'default'::text, p_limit integer DEFAULT 5) RETURNS TABLE(id bigint, project text, name text, version integer, type text, description text, usage text, labels text[], similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q vector := agent_loggy.checked_query_vector(p_query);
    -- in a variable: unnest(f(...)) of a STABLE f would run f once more while planning (row estimate)
    ids bigint[] := agent_loggy.nearest_prompt_ids(q, agent_loggy.checked_project(p_project),
                                        agent_loggy.checked_limit(p_limit));
BEGIN
    RETURN QUERY
    SELECT p.id, p.project, p.name, p.version, p.type, p.description, p.usage, p.labels, 1 - (p.embedding <=> q)
    FROM unnest(ids) WITH ORDINALITY AS n (id, rank)
    JOIN agent_loggy.prompts AS p ON p.id = n.id
    ORDER BY n.rank;
END
$$;

COMMENT ON FUNCTION agent_loggy.search_prompts(vector, text, integer) IS
    'The p_limit prompts of p_project most similar to p_query (cosine), most similar first, one row per prompt name: its newest active version, skipped while that version has no embedding. Resolve the name with resolve_prompt() to get the template an agent should use.';

REVOKE EXECUTE ON FUNCTION agent_loggy.search_documents(vector, text, integer, text[]),
    agent_loggy.search_context_rules(vector, text, integer), agent_loggy.search_prompts(vector, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.search_documents(vector, text, integer, text[]),
    agent_loggy.search_context_rules(vector, text, integer), agent_loggy.search_prompts(vector, text, integer)
    TO agent_loggy_reader;
CALL agent_loggy.use_vector_schema('agent_loggy.search_documents(vector, text, integer, text[])');
CALL agent_loggy.use_vector_schema('agent_loggy.search_context_rules(vector, text, integer)');
CALL agent_loggy.use_vector_schema('agent_loggy.search_prompts(vector, text, integer)');

DROP FUNCTION agent_loggy.vector_similarity(text, double precision);
DROP FUNCTION agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[]);
DROP FUNCTION agent_loggy.checked_config_query(vector, bigint, text);
DROP TRIGGER forget_stale_vectors ON agent_loggy.prompts;
DROP TRIGGER forget_stale_vectors ON agent_loggy.context_rules;
DROP TRIGGER forget_stale_vectors ON agent_loggy.documents;
DROP FUNCTION agent_loggy.forget_stale_vectors();
DROP FUNCTION agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[]);
DROP FUNCTION agent_loggy.pending_config_embedding_count(text, bigint);
DROP FUNCTION agent_loggy.pending_config_embeddings(text, bigint, integer, bigint);
DROP FUNCTION agent_loggy.checked_embedding_config(bigint);
DROP FUNCTION agent_loggy.use_embedding_config(bigint, text);
DROP FUNCTION agent_loggy.writable_embedding_config(bigint);
DROP FUNCTION agent_loggy.vector_magnitude(vector);
DROP FUNCTION agent_loggy.vector_length(vector);
DROP FUNCTION agent_loggy.search_embedding_config(text);
DROP TABLE agent_loggy.search_embedding_configs;
DROP FUNCTION agent_loggy.drop_embedding_store(bigint);
DROP TRIGGER keep_embedding_store ON agent_loggy.embedding_configs;
DROP FUNCTION agent_loggy.keep_embedding_store();
DROP TRIGGER make_embedding_store ON agent_loggy.embedding_configs;
DROP FUNCTION agent_loggy.make_embedding_store();
DROP TABLE agent_loggy.embeddings;  -- and every store, its partitions
DROP FUNCTION agent_loggy.ensure_embedding_store(bigint);
DROP FUNCTION agent_loggy.embedding_operator(text);
DROP FUNCTION agent_loggy.embedding_store_type(integer);

DROP VIEW agent_loggy.current_embedding_configs;
CREATE VIEW agent_loggy.current_embedding_configs WITH (security_invoker = true) AS
SELECT DISTINCT ON (project, name)
       id, project, name, version, embedding_model, dimensions, chunk_size, chunk_overlap, chunking_strategy,
       parameters, created_at, updated_at
FROM agent_loggy.embedding_configs
WHERE is_active
ORDER BY project, name, version DESC;
COMMENT ON VIEW agent_loggy.current_embedding_configs IS
    'The current version of every embedding config: per (project, name) the highest active version.';
GRANT SELECT ON agent_loggy.current_embedding_configs TO agent_loggy_reader;

ALTER TABLE agent_loggy.embedding_configs DROP CONSTRAINT embedding_configs_dimensions_max_check, DROP COLUMN distance;
COMMENT ON COLUMN agent_loggy.embedding_configs.dimensions IS 'Length of the vectors the model produces (the vector columns hold 384).';
