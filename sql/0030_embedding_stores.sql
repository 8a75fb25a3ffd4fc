-- depends: 0029_facts
-- Embeddings of any model and dimension, one store per embedding config (issue: memory that fits the
-- agents' models and their users, items 1-3).
--
--   embeddings          vectors of documents, context rules and prompts, by embedding config: a list
--                       partition per config (embeddings_<id>), made when the config is created, with
--                       its own HNSW index over embedding::vector(n) (halfvec(n) above 2,000 dimensions,
--                       pgvector's limit for vector; none above 4,000, halfvec's: exact search), and a
--                       row per chunk of an item's text with the chunk's position
--   embedding_configs   gain distance (cosine, l2 or inner_product); dimensions at most 16,000
--   search_embedding_configs
--                       the config a project's searches use (use_embedding_config(), one statement);
--                       none: the vector(384) columns, as before this migration
--   pending_config_embeddings() / store_config_embeddings()
--                       what a config still lacks, and its chunks' vectors stored (a changed text
--                       drops its vectors of every config: they are pending again)
--   nearest_config_ids()
--                       the items nearest a query in one config's store: the best chunk of each,
--                       with pgvector's iterative scan and an exact fallback, like nearest_document_ids
--   search_documents(), search_context_rules(), search_prompts()
--                       take p_embedding_config_id (default: the project's search config) and return
--                       the best chunk of each document

DO $$ BEGIN PERFORM '[1]'::vector <=> '[1]'::vector; END $$;

-- Distance, and the current configs view ---------------------------------------------------------------

ALTER TABLE agent_loggy.embedding_configs
    ADD COLUMN distance text NOT NULL DEFAULT 'cosine'
        CONSTRAINT embedding_configs_distance_check CHECK (distance IN ('cosine', 'l2', 'inner_product')),
    ADD CONSTRAINT embedding_configs_dimensions_max_check CHECK (dimensions <= 16000);
COMMENT ON COLUMN agent_loggy.embedding_configs.distance IS
    'How the model''s vectors are compared: cosine (default), l2 or inner_product (pgvector''s <=>, <-> and <#>).';
COMMENT ON COLUMN agent_loggy.embedding_configs.dimensions IS
    'Length of the vectors the model produces, 1-16,000: the config''s store (embeddings_<id>) holds only vectors of this length.';

CREATE OR REPLACE VIEW agent_loggy.current_embedding_configs WITH (security_invoker = true) AS
SELECT DISTINCT ON (project, name)
       id, project, name, version, embedding_model, dimensions, chunk_size, chunk_overlap, chunking_strategy,
       parameters, created_at, updated_at, distance
FROM agent_loggy.embedding_configs
WHERE is_active
ORDER BY project, name, version DESC;

-- The stores ----------------------------------------------------------------------------------------------

CREATE TABLE agent_loggy.embeddings (
    config_id   bigint NOT NULL,
    project     text NOT NULL,
    kind        text NOT NULL,
    item_id     bigint NOT NULL,
    chunk       integer NOT NULL DEFAULT 0,
    char_start  integer,
    char_end    integer,
    token_start integer,
    token_end   integer,
    input_md5   text NOT NULL,
    user_id     text,
    tags        text[] NOT NULL DEFAULT '{}',
    embedding   vector NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT embeddings_pkey PRIMARY KEY (config_id, kind, item_id, chunk),
    CONSTRAINT embeddings_kind_check CHECK (kind IN ('documents', 'context_rules', 'prompts')),
    CONSTRAINT embeddings_chunk_check CHECK (chunk BETWEEN 0 AND 1000000),
    CONSTRAINT embeddings_position_check CHECK (0 <= char_start AND char_start <= char_end
                                               AND 0 <= token_start AND token_start <= token_end),
    CONSTRAINT embeddings_input_md5_check CHECK (input_md5 ~ '^[0-9a-f]{32}$'),
    CONSTRAINT embeddings_user_id_check CHECK (agent_loggy.is_valid_user(user_id)),
    CONSTRAINT embeddings_embedding_check CHECK (agent_loggy.is_searchable_vector(embedding))
) PARTITION BY LIST (config_id);
CREATE INDEX embeddings_item_idx ON agent_loggy.embeddings (kind, item_id);
CREATE INDEX embeddings_project_idx ON agent_loggy.embeddings (project, kind);
COMMENT ON TABLE agent_loggy.embeddings IS
    'Vectors of documents, context rules and prompts by embedding config: one row per chunk of an item''s text (embedding_input), one list partition per config (embeddings_<config id>, made with the config, with that config''s HNSW index). Written by store_config_embeddings(); an item whose text changes loses its rows (pending again); searched by nearest_config_ids().';
COMMENT ON COLUMN agent_loggy.embeddings.config_id IS 'The embedding config whose model made the vector (the partition key; each partition checks its config and project: no foreign key, whose copy onto a new partition would lock embedding_configs until the creating transaction ends).';
COMMENT ON COLUMN agent_loggy.embeddings.project IS 'The item''s project (that of the config).';
COMMENT ON COLUMN agent_loggy.embeddings.kind IS 'What the item is: documents, context_rules or prompts (a table name).';
COMMENT ON COLUMN agent_loggy.embeddings.item_id IS 'The item''s id in the table kind names.';
COMMENT ON COLUMN agent_loggy.embeddings.chunk IS 'The chunk''s number in the item''s text, from 0; an item not split has chunk 0 only.';
COMMENT ON COLUMN agent_loggy.embeddings.char_start IS 'Where the chunk starts in the item''s embedding input (characters, from 0); NULL: the whole text.';
COMMENT ON COLUMN agent_loggy.embeddings.char_end IS 'Where the chunk ends in the embedding input (characters, exclusive).';
COMMENT ON COLUMN agent_loggy.embeddings.token_start IS 'The chunk''s first token (the config''s model''s tokenizer, from 0).';
COMMENT ON COLUMN agent_loggy.embeddings.token_end IS 'The chunk''s end token (exclusive).';
COMMENT ON COLUMN agent_loggy.embeddings.input_md5 IS 'md5 of the embedding input the chunks were made from.';
COMMENT ON COLUMN agent_loggy.embeddings.user_id IS 'The user a document belongs to (documents.user_id, kept in step): the user_scope policy reads it.';
COMMENT ON COLUMN agent_loggy.embeddings.tags IS 'A document''s tags (documents.tags, kept in step), so that a tag filter is on the table the index orders; empty for other kinds.';
COMMENT ON COLUMN agent_loggy.embeddings.embedding IS 'The chunk''s vector, of its config''s dimensions (checked by the partition).';
COMMENT ON COLUMN agent_loggy.embeddings.created_at IS 'When the vector was stored.';

ALTER TABLE agent_loggy.embeddings ENABLE ROW LEVEL SECURITY;
CREATE POLICY project_isolation ON agent_loggy.embeddings
    USING ((SELECT agent_loggy.sees_every_project()) OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]))
    WITH CHECK ((SELECT agent_loggy.sees_every_project()) OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]));
COMMENT ON POLICY project_isolation ON agent_loggy.embeddings IS
    'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).';
CREATE POLICY project_writes ON agent_loggy.embeddings AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT agent_loggy.writes_every_project()) OR project = ANY ((SELECT agent_loggy.writable_projects())::text[]));
CREATE POLICY project_updates ON agent_loggy.embeddings AS RESTRICTIVE FOR UPDATE
    USING ((SELECT agent_loggy.writes_every_project()) OR project = ANY ((SELECT agent_loggy.writable_projects())::text[]))
    WITH CHECK ((SELECT agent_loggy.writes_every_project()) OR project = ANY ((SELECT agent_loggy.writable_projects())::text[]));
CREATE POLICY project_deletes ON agent_loggy.embeddings AS RESTRICTIVE FOR DELETE
    USING ((SELECT agent_loggy.writes_every_project()) OR project = ANY ((SELECT agent_loggy.writable_projects())::text[]));
COMMENT ON POLICY project_writes ON agent_loggy.embeddings IS 'New vectors only in a project the transaction may write.';
COMMENT ON POLICY project_updates ON agent_loggy.embeddings IS 'Changes only in a project the transaction may write.';
COMMENT ON POLICY project_deletes ON agent_loggy.embeddings IS 'Deletes only in a project the transaction may write.';
CREATE POLICY user_scope ON agent_loggy.embeddings AS RESTRICTIVE
    USING (user_id IS NULL OR user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.sees_every_user()))
    WITH CHECK (user_id IS NULL OR user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.sees_every_user()));
COMMENT ON POLICY user_scope ON agent_loggy.embeddings IS
    'Vectors of shared documents, and of those of the user the transaction acts for; an admin acting for nobody: all.';

CREATE FUNCTION agent_loggy.embedding_store_type(p_dimensions integer) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN p_dimensions > 2000 THEN 'halfvec' ELSE 'vector' END || '(' || p_dimensions || ')';
COMMENT ON FUNCTION agent_loggy.embedding_store_type(integer) IS
    'The type a store''s vectors are indexed and compared as: vector(n) up to 2,000 dimensions (pgvector''s HNSW limit for vector), halfvec(n) above (limit 4,000; beyond, a store has no index and is searched exactly).';

CREATE FUNCTION agent_loggy.embedding_operator(p_distance text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE p_distance WHEN 'cosine' THEN '<=>' WHEN 'l2' THEN '<->' WHEN 'inner_product' THEN '<#>' END;
COMMENT ON FUNCTION agent_loggy.embedding_operator(text) IS 'pgvector''s distance operator for a config''s distance (NULL for any other value).';

CREATE FUNCTION agent_loggy.ensure_embedding_store(p_config_id bigint) RETURNS regclass
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET lock_timeout = '5s'
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
COMMENT ON FUNCTION agent_loggy.ensure_embedding_store(bigint) IS
    'Makes the store of embedding config p_config_id (partition embeddings_<id> of embeddings, checked to the config''s project and dimensions, with an HNSW index of the config''s distance over embedding::embedding_store_type(dimensions); none above 4,000 dimensions) unless it exists; returns it. Called when a config is created. Attaching takes SHARE UPDATE EXCLUSIVE on embeddings until the transaction ends: stores are made one at a time (a second waits at most 5 s, then 55P03); searches and writes never wait for it.';

CREATE FUNCTION agent_loggy.make_embedding_store() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
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

CREATE FUNCTION agent_loggy.keep_embedding_store() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF EXISTS (SELECT FROM agent_loggy.embeddings AS e WHERE e.config_id = OLD.id) THEN
        RAISE EXCEPTION 'embedding config % has stored vectors: drop them first (drop_embedding_store)', OLD.id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END
$$;
COMMENT ON FUNCTION agent_loggy.keep_embedding_store() IS
    'BEFORE DELETE row trigger of embedding_configs: a config whose store holds vectors is not deleted (23503); drop_embedding_store() drops them.';
CREATE TRIGGER keep_embedding_store BEFORE DELETE ON agent_loggy.embedding_configs
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.keep_embedding_store();
COMMENT ON FUNCTION agent_loggy.make_embedding_store() IS
    'AFTER INSERT / UPDATE OF dimensions, distance row trigger of embedding_configs: a new config gets its store; a config whose dimensions or distance change gets a new one, refused (23514) while it holds vectors.';
CREATE TRIGGER make_embedding_store AFTER INSERT OR UPDATE OF dimensions, distance ON agent_loggy.embedding_configs
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.make_embedding_store();

DO $$
DECLARE
    config_id bigint;
BEGIN
    FOR config_id IN SELECT c.id FROM agent_loggy.embedding_configs AS c ORDER BY c.id LOOP
        PERFORM agent_loggy.ensure_embedding_store(config_id);
    END LOOP;
END
$$;

CREATE FUNCTION agent_loggy.drop_embedding_store(p_config_id bigint) RETURNS bigint
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET lock_timeout = '5s'
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
COMMENT ON FUNCTION agent_loggy.drop_embedding_store(bigint) IS
    'Admin only: drops every vector of embedding config p_config_id at once (its partition) and returns how many there were; the config keeps an empty store while it exists. Refused while a project''s searches use the config. Takes an ACCESS EXCLUSIVE lock on embeddings for an instant (waits at most 10 s for it).';

-- Writes of the stores go through functions that run as the owner: no client holds INSERT, UPDATE or
-- DELETE on embeddings or search_embedding_configs, so none can LOCK them beyond ACCESS SHARE, nor
-- write a vector for an item it may not see.

CREATE FUNCTION agent_loggy.vector_length(p_vector vector) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN vector_dims(p_vector);
COMMENT ON FUNCTION agent_loggy.vector_length(vector) IS
    'pgvector''s vector_dims(), bound when created: for functions whose search_path holds pg_catalog only.';

CREATE FUNCTION agent_loggy.vector_magnitude(p_vector vector) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN vector_norm(p_vector);
COMMENT ON FUNCTION agent_loggy.vector_magnitude(vector) IS
    'pgvector''s vector_norm(), bound when created: for functions whose search_path holds pg_catalog only.';

CREATE FUNCTION agent_loggy.writable_embedding_config(p_embedding_config_id bigint) RETURNS agent_loggy.embedding_configs
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION agent_loggy.writable_embedding_config(bigint) IS
    'The embedding config p_embedding_config_id, when the login (session_user) may write its project and the transaction is bound to that project or to none; 22023 for a config of a project the login may not read (not told apart from a missing one), 42501 otherwise. The write functions of the stores run as the owner and ask it first.';

-- Which config a project's searches use --------------------------------------------------------------------

CREATE TABLE agent_loggy.search_embedding_configs (
    project             text NOT NULL,
    embedding_config_id bigint NOT NULL,
    chosen_by           text NOT NULL DEFAULT coalesce(nullif(current_setting('agent_loggy.actor', true), ''), session_user),
    chosen_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT search_embedding_configs_pkey PRIMARY KEY (project),
    CONSTRAINT search_embedding_configs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT search_embedding_configs_config_fkey FOREIGN KEY (project, embedding_config_id)
        REFERENCES agent_loggy.embedding_configs (project, id)
);
COMMENT ON TABLE agent_loggy.search_embedding_configs IS
    'The embedding config each project''s searches use when they name none (use_embedding_config()); a project without a row searches the vector(384) columns.';
COMMENT ON COLUMN agent_loggy.search_embedding_configs.project IS 'The project.';
COMMENT ON COLUMN agent_loggy.search_embedding_configs.embedding_config_id IS 'The config (of the project) whose store its searches read.';
COMMENT ON COLUMN agent_loggy.search_embedding_configs.chosen_by IS 'Who chose it: agent_loggy.actor when set, else the login.';
COMMENT ON COLUMN agent_loggy.search_embedding_configs.chosen_at IS 'When.';
ALTER TABLE agent_loggy.search_embedding_configs ENABLE ROW LEVEL SECURITY;
CREATE POLICY project_isolation ON agent_loggy.search_embedding_configs
    USING ((SELECT agent_loggy.sees_every_project()) OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]))
    WITH CHECK ((SELECT agent_loggy.writes_every_project()) OR project = ANY ((SELECT agent_loggy.writable_projects())::text[]));
COMMENT ON POLICY project_isolation ON agent_loggy.search_embedding_configs IS
    'Read: the projects the transaction sees; written only in a project it may write.';

CREATE FUNCTION agent_loggy.search_embedding_config(p_project text) RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT s.embedding_config_id FROM agent_loggy.search_embedding_configs AS s WHERE s.project = p_project);
COMMENT ON FUNCTION agent_loggy.search_embedding_config(text) IS
    'The embedding config p_project''s searches use when they name none; NULL: the vector(384) columns.';

CREATE FUNCTION agent_loggy.use_embedding_config(p_embedding_config_id bigint, p_project text DEFAULT 'default')
    RETURNS bigint
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION agent_loggy.use_embedding_config(bigint, text) IS
    'Writers of p_project (the login''s grant; a transaction bound to another project is refused): from its commit on, searches of p_project that name no config use embedding config p_embedding_config_id (an active config of the project); NULL: the vector(384) columns again. Returns the config used before (NULL: the columns). One statement: backfill the new config first (pending_config_embedding_count), switch, and drop the old vectors later. Runs as the owner (no client writes search_embedding_configs) after asking who calls; chosen_by records agent_loggy.actor or the login.';

-- What a config still lacks, and storing its vectors ---------------------------------------------------------

CREATE FUNCTION agent_loggy.checked_embedding_config(p_embedding_config_id bigint) RETURNS agent_loggy.embedding_configs
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION agent_loggy.checked_embedding_config(bigint) IS
    'The embedding config p_embedding_config_id when the transaction may read it; 22023 otherwise (a config of a project it may not read is not told apart from a missing one).';

CREATE FUNCTION agent_loggy.pending_config_embeddings(p_what text, p_embedding_config_id bigint, p_limit integer DEFAULT 64,
                                                      p_after_id bigint DEFAULT 0)
    RETURNS TABLE (id bigint, input text)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    config agent_loggy.embedding_configs := agent_loggy.checked_embedding_config(p_embedding_config_id);
BEGIN
    IF p_what IS NULL OR p_what NOT IN ('documents', 'context_rules', 'prompts') THEN
        RAISE EXCEPTION 'invalid embedding target %: expected documents, context_rules or prompts', quote_nullable(p_what)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM agent_loggy.checked_limit(p_limit);
    RETURN QUERY EXECUTE format($q$
        SELECT t.id, agent_loggy.embedding_input(t)
        FROM agent_loggy.%I AS t
        WHERE t.project = $1 AND t.id > $2 AND (%s)
          AND NOT EXISTS (SELECT FROM agent_loggy.embeddings AS e
                          WHERE e.config_id = $3 AND e.kind = $4 AND e.item_id = t.id)
        ORDER BY t.id LIMIT $5$q$, p_what, CASE WHEN p_what = 'documents' THEN 'true' ELSE 't.is_active' END)
        USING config.project, coalesce(p_after_id, 0), config.id, p_what, p_limit;
END
$$;
COMMENT ON FUNCTION agent_loggy.pending_config_embeddings(text, bigint, integer, bigint) IS
    'Rows of p_what (documents, context_rules, prompts: active ones) of the config''s project that have no vectors of embedding config p_embedding_config_id, after p_after_id, by id, with the text to embed (embedding_input).';

CREATE FUNCTION agent_loggy.pending_config_embedding_count(p_what text, p_embedding_config_id bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    config agent_loggy.embedding_configs := agent_loggy.checked_embedding_config(p_embedding_config_id);
    pending bigint;
BEGIN
    IF p_what IS NULL OR p_what NOT IN ('documents', 'context_rules', 'prompts') THEN
        RAISE EXCEPTION 'invalid embedding target %: expected documents, context_rules or prompts', quote_nullable(p_what)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format($q$
        SELECT count(*) FROM agent_loggy.%I AS t
        WHERE t.project = $1 AND (%s)
          AND NOT EXISTS (SELECT FROM agent_loggy.embeddings AS e
                          WHERE e.config_id = $2 AND e.kind = $3 AND e.item_id = t.id)$q$,
        p_what, CASE WHEN p_what = 'documents' THEN 'true' ELSE 't.is_active' END)
        INTO pending USING config.project, config.id, p_what;
    RETURN pending;
END
$$;
COMMENT ON FUNCTION agent_loggy.pending_config_embedding_count(text, bigint) IS
    'How many rows pending_config_embeddings() would hand out in all.';

CREATE FUNCTION agent_loggy.store_config_embeddings(
    p_what text, p_embedding_config_id bigint, p_ids bigint[], p_inputs text[], p_chunks integer[],
    p_char_starts integer[], p_char_ends integer[], p_token_starts integer[], p_token_ends integer[],
    p_embeddings vector[])
    RETURNS integer
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    config agent_loggy.embedding_configs := agent_loggy.writable_embedding_config(p_embedding_config_id);
    n integer := cardinality(p_ids);
    visible text := CASE WHEN p_what = 'documents'
                         THEN '(t.user_id IS NULL OR t.user_id = agent_loggy.acting_user() OR agent_loggy.session_sees_every_user())'
                         ELSE 'true' END;
    bad text;
    missing bigint;
    fresh_ids bigint[];
BEGIN
    PERFORM agent_loggy.checked_embedding_target(p_what);
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
                       ELSE 'an id, a chunk number >= 0 and the input are needed' END)
    INTO bad
    FROM unnest(p_ids, p_chunks, p_inputs, p_embeddings) WITH ORDINALITY AS x (id, c, input, v, i)
    WHERE x.v IS NULL OR agent_loggy.vector_length(x.v) <> config.dimensions OR NOT agent_loggy.is_searchable_vector(x.v)
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
$$;
COMMENT ON FUNCTION agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[]) IS
    'Writers (writable_embedding_config(); runs as the owner, applying the caller''s project and user rules itself: no client may write embeddings directly): stores the chunk vectors of embedding config p_embedding_config_id for rows of p_what (one array element per chunk: item id, the input it was made from, chunk number, character and token positions, vector): each item''s earlier vectors of the config are replaced, unless its embedding_input no longer equals the input given (edited meanwhile: it stays pending). Returns how many items were stored. 22023 naming the first bad chunk (a vector whose length is not the config''s, names both).';

-- Vectors that no longer match their text ----------------------------------------------------------------------

CREATE FUNCTION agent_loggy.forget_stale_vectors() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION agent_loggy.forget_stale_vectors() IS
    'AFTER UPDATE / DELETE row trigger of documents, context_rules and prompts: an item whose embedding input (or project) changes, or that is deleted, loses its vectors of every config (pending again); a document given to another user or other tags has its vectors follow. Runs as the owner, on the rows the caller changed only.';
CREATE TRIGGER forget_stale_vectors AFTER UPDATE OR DELETE ON agent_loggy.documents
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.forget_stale_vectors();
CREATE TRIGGER forget_stale_vectors AFTER UPDATE OR DELETE ON agent_loggy.context_rules
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.forget_stale_vectors();
CREATE TRIGGER forget_stale_vectors AFTER UPDATE OR DELETE ON agent_loggy.prompts
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.forget_stale_vectors();

-- Searching a config's store --------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.checked_config_query(p_query vector, p_embedding_config_id bigint, p_project text)
    RETURNS agent_loggy.embedding_configs
    LANGUAGE plpgsql STABLE
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
    PERFORM agent_loggy.checked_any_vector(p_query, 'query vector');
    RETURN config;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_config_query(vector, bigint, text) IS
    'The embedding config a search of p_project with p_query reads, when the query can be searched with in it: 22023 naming the config and its dimensions when the query''s length differs, or when the config is another project''s.';

CREATE FUNCTION agent_loggy.nearest_config_ids(p_what text, p_embedding_config_id bigint, p_query vector, p_project text,
                                               p_count integer, p_tags text[])
    RETURNS TABLE (id bigint, chunk integer, distance double precision, chunk_start integer, chunk_end integer)
    LANGUAGE plpgsql STABLE
    ROWS 10
    SET hnsw.iterative_scan = 'relaxed_order'
    SET cursor_tuple_fraction = 1
AS $$
DECLARE
    config agent_loggy.embedding_configs;
    typ text;
    op text;
    -- documents: the tag filter on the store itself, which the index orders (tags and users kept in step);
    -- context rules and prompts (few): only current versions
    item_join text := CASE p_what
        WHEN 'documents' THEN ''
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
    IF p_what IS NULL OR p_what NOT IN ('documents', 'context_rules', 'prompts') THEN
        RAISE EXCEPTION 'invalid embedding target %: expected documents, context_rules or prompts', quote_nullable(p_what)
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
    IF p_what = 'documents' AND p_tags IS NULL THEN
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
$$;
COMMENT ON FUNCTION agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[]) IS
    'The p_count items of p_what (documents carrying all p_tags; current context rules; the newest active version of each prompt) of p_project nearest to p_query in the store of embedding config p_embedding_config_id, by the config''s distance, with the best chunk of each (its number and where it lies in the item''s embedding input), nearest first. Reads up to 4 p_count + 16 chunks through the config''s HNSW index (relaxed iterative scan, hnsw.ef_search = hnsw_ef_search(chunks) or the caller''s if larger; planned at 40, restored on return) and searches exactly when they hold fewer than p_count items. Arguments are checked by the search functions.';

CREATE FUNCTION agent_loggy.vector_similarity(p_distance text, p_value double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE p_distance WHEN 'cosine' THEN 1 - p_value ELSE -p_value END;
COMMENT ON FUNCTION agent_loggy.vector_similarity(text, double precision) IS
    'The similarity search functions report for a distance of a config''s kind: 1 - d for cosine, -d for l2 (the negated distance) and inner_product (the inner product); higher is nearer.';

-- The search functions take the config -----------------------------------------------------------------------

DROP FUNCTION agent_loggy.search_documents(vector, text, integer, text[]);
CREATE FUNCTION agent_loggy.search_documents(
    p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 10, p_tags text[] DEFAULT NULL,
    p_embedding_config_id bigint DEFAULT NULL)
    RETURNS TABLE (id bigint, project text, source text, external_id text, title text, content text, tags text[],
                   metadata jsonb, similarity double precision, chunk integer, chunk_start integer, chunk_end integer)
    LANGUAGE plpgsql STABLE
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
COMMENT ON FUNCTION agent_loggy.search_documents(vector, text, integer, text[], bigint) IS
    'The p_limit documents of p_project carrying all p_tags (NULL: any) nearest to p_query, nearest first, in embedding config p_embedding_config_id (default: the project''s search config, search_embedding_config(); none: the vector(384) column). similarity: vector_similarity() of the config''s distance (1 - cosine distance for the column); chunk, chunk_start, chunk_end: the document''s best chunk and where it lies in its embedding input (characters; NULL for the column). 22023 for a query whose dimensions are not the config''s, naming both.';

DROP FUNCTION agent_loggy.search_context_rules(vector, text, integer);
CREATE FUNCTION agent_loggy.search_context_rules(p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 5,
                                                 p_embedding_config_id bigint DEFAULT NULL)
    RETURNS TABLE (id bigint, project text, context text, version integer, important text, ignore text,
                   description text, similarity double precision)
    LANGUAGE plpgsql STABLE
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
COMMENT ON FUNCTION agent_loggy.search_context_rules(vector, text, integer, bigint) IS
    'The p_limit current context rules of p_project nearest to p_query, nearest first, in embedding config p_embedding_config_id (default: the project''s search config; none: the vector(384) column); similarity as search_documents().';

DROP FUNCTION agent_loggy.search_prompts(vector, text, integer);
CREATE FUNCTION agent_loggy.search_prompts(p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 5,
                                           p_embedding_config_id bigint DEFAULT NULL)
    RETURNS TABLE (id bigint, project text, name text, version integer, type text, description text, usage text,
                   labels text[], similarity double precision)
    LANGUAGE plpgsql STABLE
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
COMMENT ON FUNCTION agent_loggy.search_prompts(vector, text, integer, bigint) IS
    'The p_limit prompts of p_project (the newest active version of each name) nearest to p_query, nearest first, in embedding config p_embedding_config_id (default: the project''s search config; none: the vector(384) column); similarity as search_documents().';

-- Privileges -------------------------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    agent_loggy.embedding_store_type(integer), agent_loggy.embedding_operator(text),
    agent_loggy.ensure_embedding_store(bigint), agent_loggy.make_embedding_store(), agent_loggy.drop_embedding_store(bigint),
    agent_loggy.search_embedding_config(text), agent_loggy.use_embedding_config(bigint, text),
    agent_loggy.checked_embedding_config(bigint),
    agent_loggy.pending_config_embeddings(text, bigint, integer, bigint),
    agent_loggy.pending_config_embedding_count(text, bigint),
    agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[]),
    agent_loggy.forget_stale_vectors(), agent_loggy.checked_config_query(vector, bigint, text),
    agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[]),
    agent_loggy.vector_similarity(text, double precision),
    agent_loggy.search_documents(vector, text, integer, text[], bigint),
    agent_loggy.search_context_rules(vector, text, integer, bigint),
    agent_loggy.search_prompts(vector, text, integer, bigint),
    agent_loggy.vector_length(vector), agent_loggy.vector_magnitude(vector),
    agent_loggy.writable_embedding_config(bigint), agent_loggy.keep_embedding_store()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    agent_loggy.embedding_store_type(integer), agent_loggy.embedding_operator(text),
    agent_loggy.vector_length(vector), agent_loggy.vector_magnitude(vector),
    agent_loggy.search_embedding_config(text), agent_loggy.checked_embedding_config(bigint),
    agent_loggy.pending_config_embeddings(text, bigint, integer, bigint),
    agent_loggy.pending_config_embedding_count(text, bigint),
    agent_loggy.checked_config_query(vector, bigint, text),
    agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[]),
    agent_loggy.vector_similarity(text, double precision),
    agent_loggy.search_documents(vector, text, integer, text[], bigint),
    agent_loggy.search_context_rules(vector, text, integer, bigint),
    agent_loggy.search_prompts(vector, text, integer, bigint)
    TO agent_loggy_reader;
GRANT EXECUTE ON FUNCTION
    agent_loggy.use_embedding_config(bigint, text), agent_loggy.writable_embedding_config(bigint),
    agent_loggy.store_config_embeddings(text, bigint, bigint[], text[], integer[], integer[], integer[], integer[], integer[], vector[])
    TO agent_loggy_writer;
GRANT EXECUTE ON FUNCTION agent_loggy.drop_embedding_store(bigint) TO agent_loggy_admin;
GRANT SELECT ON agent_loggy.embeddings, agent_loggy.search_embedding_configs TO agent_loggy_reader;
GRANT INSERT (distance) ON agent_loggy.embedding_configs TO agent_loggy_writer;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY[
            'agent_loggy.pending_config_embeddings(text, bigint, integer, bigint)',
            'agent_loggy.pending_config_embedding_count(text, bigint)',
            'agent_loggy.checked_config_query(vector, bigint, text)',
            'agent_loggy.nearest_config_ids(text, bigint, vector, text, integer, text[])',
            'agent_loggy.search_documents(vector, text, integer, text[], bigint)',
            'agent_loggy.search_context_rules(vector, text, integer, bigint)',
            'agent_loggy.search_prompts(vector, text, integer, bigint)']::regprocedure[] LOOP
        CALL agent_loggy.use_vector_schema(f);
    END LOOP;
END
$$;
