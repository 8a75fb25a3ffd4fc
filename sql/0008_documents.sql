-- depends: 0007_current_configs
-- The retrieval corpus and full-text columns.
--   documents                 project-scoped chunks (runbooks, incident write-ups, log samples)
--                             with tags, metadata, a 384-dimension embedding and a full-text column
--   context_rules.search_vector
--                             full-text column of the context rules, for keyword and hybrid search
--   clear_stale_embedding     an embedding never outlives the text it was computed from
-- Documents are corpus data, not configuration: they have no versions and no changelog rows.
-- Full text uses the 'english' configuration; the title weighs more (A) than the content (B).

CREATE FUNCTION agent_loggy.are_valid_tags(p_tags text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_tags IS NOT NULL AND NOT EXISTS (
        SELECT FROM unnest(p_tags) AS t WHERE t IS NULL OR t !~ '\S' OR length(t) > 128);
COMMENT ON FUNCTION agent_loggy.are_valid_tags(text[]) IS
    'True when every tag in p_tags is a non-blank string of at most 128 characters (no NULL elements); an empty array is valid.';

CREATE TABLE agent_loggy.documents (
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    project             text NOT NULL DEFAULT 'default',
    source              text NOT NULL DEFAULT 'manual',
    external_id         text,
    title               text,
    content             text NOT NULL,
    tags                text[] NOT NULL DEFAULT '{}',
    metadata            jsonb NOT NULL DEFAULT '{}',
    embedding           vector(384),
    embedding_config_id bigint,
    search_vector       tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, content), 'B')) STORED,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT documents_pkey PRIMARY KEY (id),
    CONSTRAINT documents_project_source_external_id_key UNIQUE (project, source, external_id),
    CONSTRAINT documents_embedding_config_id_fkey FOREIGN KEY (embedding_config_id)
        REFERENCES agent_loggy.embedding_configs (id),
    CONSTRAINT documents_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT documents_source_check CHECK (agent_loggy.is_valid_name(source)),
    CONSTRAINT documents_external_id_check CHECK (external_id ~ '\S' AND octet_length(external_id) <= 1000),
    CONSTRAINT documents_content_check CHECK (content ~ '\S'),
    CONSTRAINT documents_tags_check CHECK (agent_loggy.are_valid_tags(tags)),
    CONSTRAINT documents_metadata_check CHECK (jsonb_typeof(metadata) = 'object'),
    CONSTRAINT documents_embedding_check CHECK (vector_norm(embedding) > 0)
);
-- The unique (project, source, external_id) btree leads with project and serves every
-- project-scoped lookup, so there is no separate btree on project.
CREATE INDEX documents_tags_idx ON agent_loggy.documents USING gin (tags);
CREATE INDEX documents_search_vector_idx ON agent_loggy.documents USING gin (search_vector);
CREATE INDEX documents_metadata_idx ON agent_loggy.documents USING gin (metadata);
CREATE INDEX documents_embedding_idx ON agent_loggy.documents USING hnsw (embedding vector_cosine_ops);
CREATE INDEX documents_embedding_config_id_idx ON agent_loggy.documents (embedding_config_id)
    WHERE embedding_config_id IS NOT NULL;

COMMENT ON TABLE agent_loggy.documents IS
    'The retrieval corpus: chunks of runbooks, incident write-ups and log samples, scoped by project, found by vector, keyword or hybrid search. Not versioned and not in the changelog.';
COMMENT ON COLUMN agent_loggy.documents.project IS 'Tenant / deployment the document belongs to; every search is scoped by it.';
COMMENT ON COLUMN agent_loggy.documents.source IS 'Where the document came from (manual, faiss, a file or system name); with external_id its identity within the project.';
COMMENT ON COLUMN agent_loggy.documents.external_id IS 'The document''s id in its source; imports upsert on (project, source, external_id). NULL for documents without one (never deduplicated).';
COMMENT ON COLUMN agent_loggy.documents.title IS 'Optional title; weighs more than content in keyword search.';
COMMENT ON COLUMN agent_loggy.documents.content IS 'The text that is searched and embedded; must not be blank.';
COMMENT ON COLUMN agent_loggy.documents.tags IS 'Free-form tags (non-blank, at most 128 characters each); search filters keep documents carrying all the given tags.';
COMMENT ON COLUMN agent_loggy.documents.metadata IS 'Any further attributes, a JSON object (GIN-indexed for @> containment queries).';
COMMENT ON COLUMN agent_loggy.documents.embedding IS 'Embedding of title and content (384 dimensions, cosine, never all zeros); NULL until embedded, and reset to NULL when title or content change without a new embedding.';
COMMENT ON COLUMN agent_loggy.documents.embedding_config_id IS 'The embedding config (embedding_configs.id) whose model produced embedding, when known.';
COMMENT ON COLUMN agent_loggy.documents.search_vector IS 'Full-text vector of title (weight A) and content (weight B), english configuration; generated, never written.';

CREATE FUNCTION agent_loggy.clear_stale_embedding() RETURNS trigger
    LANGUAGE plpgsql
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
COMMENT ON FUNCTION agent_loggy.clear_stale_embedding() IS
    'BEFORE UPDATE trigger of documents: when title or content change and the update does not bring a new embedding, the old embedding (and its config) is cleared, so that `agent-loggy-db embed` recomputes it instead of search using a stale one.';

CREATE TRIGGER t50_clear_stale_embedding BEFORE UPDATE ON agent_loggy.documents
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.clear_stale_embedding();
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.documents
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();

-- Context rules: a full-text column --------------------------------------------------------

ALTER TABLE agent_loggy.context_rules ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, context), 'A')
    || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(important, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, coalesce(ignore, '')), 'D')) STORED;
CREATE INDEX context_rules_search_vector_idx ON agent_loggy.context_rules USING gin (search_vector);
COMMENT ON COLUMN agent_loggy.context_rules.search_vector IS
    'Full-text vector of context (weight A), description and important (B) and ignore (D), english configuration; generated, never written.';

-- Generated columns are not computed yet in BEFORE triggers (NULL in NEW): touch_updated_at
-- compares rows without them, so a no-op UPDATE still leaves updated_at alone.
CREATE OR REPLACE FUNCTION agent_loggy.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    generated text[] := ARRAY(
        SELECT a.attname::text FROM pg_catalog.pg_attribute AS a
        WHERE a.attrelid = TG_RELID AND a.attgenerated <> '' AND NOT a.attisdropped);
    changed boolean;
BEGIN
    NEW.updated_at := OLD.updated_at;  -- a write to updated_at alone is a no-op
    IF cardinality(generated) = 0 THEN
        changed := NEW IS DISTINCT FROM OLD;
    ELSE
        changed := to_jsonb(NEW) - generated IS DISTINCT FROM to_jsonb(OLD) - generated;
    END IF;
    IF changed THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;

-- The changelog leaves generated full-text columns out, as it leaves out embeddings.
CREATE OR REPLACE FUNCTION agent_loggy.write_changelog() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
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
            ('prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys') THEN
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
        WHERE n.key <> 'updated_at' AND n.value IS DISTINCT FROM old_data -> n.key;
        IF config_type IN ('prompt', 'context_rule') THEN
            -- compared as text: the vector operators live outside this function's search_path
            embedding_changed := OLD.embedding::text IS DISTINCT FROM NEW.embedding::text;
        END IF;
        IF changed IS NULL AND NOT embedding_changed THEN
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
