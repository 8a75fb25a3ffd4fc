-- depends: 0028_users
-- Facts: what agents remember about a project's users, with history (issue: memory that fits the agents'
-- models and their users, item 6).
--
--   facts               append-only versions of (project, user, key): a new value is a new version,
--                       forgetting is a version without a value; nothing is updated in place
--   remember_fact()     stores a value (a no-op when it is the current one), optionally with its
--                       embedding of an embedding config of the project
--   forget_fact()       the key has no value from now on; its history stays
--   recall_fact()       the current value of a key (NULL when unknown or forgotten)
--   recall_facts()      current facts by text (full text) or by vector (exact cosine search over the
--                       facts embedded with one embedding config: a user's facts are few)
-- Rows are scoped like documents: by project (row level security, a read grant suffices to record in
-- the bound project, as for runs) and by user (the user_scope policy of 0028).

CREATE TABLE agent_loggy.facts (
    id                  bigint GENERATED ALWAYS AS IDENTITY,
    project             text NOT NULL DEFAULT 'default',
    user_id             text,
    key                 text NOT NULL,
    version             integer NOT NULL,
    value               text,
    metadata            jsonb NOT NULL DEFAULT '{}',
    embedding           vector,
    embedding_config_id bigint,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text NOT NULL DEFAULT coalesce(nullif(current_setting('agent_loggy.actor', true), ''), session_user),
    search_vector       tsvector GENERATED ALWAYS AS (to_tsvector('english', key || ' ' || coalesce(value, ''))) STORED,
    CONSTRAINT facts_pkey PRIMARY KEY (id),
    CONSTRAINT facts_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT facts_user_id_check CHECK (agent_loggy.is_valid_user(user_id)),
    CONSTRAINT facts_key_check CHECK (key ~ '\S' AND octet_length(key) <= 500 AND key !~ '[[:cntrl:]]'),
    CONSTRAINT facts_version_check CHECK (version > 0),
    CONSTRAINT facts_value_check CHECK (octet_length(value) <= 100000),
    CONSTRAINT facts_metadata_check CHECK (jsonb_typeof(metadata) = 'object' AND agent_loggy.is_readable_json(metadata)),
    CONSTRAINT facts_embedding_check CHECK (agent_loggy.is_searchable_vector(embedding)),
    CONSTRAINT facts_embedding_config_check CHECK ((embedding IS NULL) = (embedding_config_id IS NULL)
                                                   AND (value IS NOT NULL OR embedding IS NULL)),
    CONSTRAINT facts_times_check CHECK (agent_loggy.is_readable_time(created_at)),
    CONSTRAINT facts_embedding_config_id_fkey FOREIGN KEY (project, embedding_config_id)
        REFERENCES agent_loggy.embedding_configs (project, id)
);
CREATE UNIQUE INDEX facts_version_key ON agent_loggy.facts (project, (coalesce(user_id, '')), key, version);
COMMENT ON INDEX agent_loggy.facts_version_key IS 'One row per version of a key of a user (shared facts: user '''') in a project.';
COMMENT ON TABLE agent_loggy.facts IS
    'Facts agents remember, per project and user, with history: every row is a version of (project, user_id, key); the highest is current, and a version without a value means forgotten. Written through remember_fact() / forget_fact() (or INSERT: versions, times and author are set by the guard_fact trigger); never updated; deleted only by admins (erasure).';
COMMENT ON COLUMN agent_loggy.facts.id IS 'Row id.';
COMMENT ON COLUMN agent_loggy.facts.project IS 'Tenant / deployment the fact belongs to.';
COMMENT ON COLUMN agent_loggy.facts.user_id IS 'The user of the application the fact is about or belongs to; NULL: a fact of the whole project. Scoped like documents.user_id.';
COMMENT ON COLUMN agent_loggy.facts.key IS 'What the fact is, e.g. preferred_currency: up to 500 bytes, not blank, no control characters.';
COMMENT ON COLUMN agent_loggy.facts.version IS 'Version number within (project, user_id, key), from 1, set by guard_fact.';
COMMENT ON COLUMN agent_loggy.facts.value IS 'The value (text, at most 100,000 bytes); NULL: the key was forgotten in this version.';
COMMENT ON COLUMN agent_loggy.facts.metadata IS 'Anything else about the fact (source, confidence...), a JSON object.';
COMMENT ON COLUMN agent_loggy.facts.embedding IS 'Embedding of the value by the model of embedding_config_id, of that config''s dimensions (any); NULL: not embedded.';
COMMENT ON COLUMN agent_loggy.facts.embedding_config_id IS 'The embedding config (of the fact''s project) whose model produced embedding.';
COMMENT ON COLUMN agent_loggy.facts.created_at IS 'When the version was recorded.';
COMMENT ON COLUMN agent_loggy.facts.created_by IS 'Who recorded it: agent_loggy.actor when set, else the login.';
COMMENT ON COLUMN agent_loggy.facts.search_vector IS 'Full-text vector of key and value (english), for recall_facts(text).';
CREATE INDEX facts_user_idx ON agent_loggy.facts (project, user_id, key, version DESC);

CREATE FUNCTION agent_loggy.guard_fact() RETURNS trigger
    LANGUAGE plpgsql
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
COMMENT ON FUNCTION agent_loggy.guard_fact() IS
    'BEFORE INSERT row trigger of facts: the row must belong to the project bound when it is written (admins: any); its version is the next of its key (concurrent writers of one key: one gets a unique violation, which remember_fact retries); created_at and created_by are set; an embedding must have the dimensions of its embedding config, of the same project.';
CALL agent_loggy.use_vector_schema('agent_loggy.guard_fact()');
CREATE TRIGGER t30_guard_fact BEFORE INSERT ON agent_loggy.facts FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_fact();

ALTER TABLE agent_loggy.facts ENABLE ROW LEVEL SECURITY;
CREATE POLICY project_isolation ON agent_loggy.facts
    USING ((SELECT agent_loggy.sees_every_project()) OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]))
    WITH CHECK ((SELECT agent_loggy.sees_every_project()) OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]));
COMMENT ON POLICY project_isolation ON agent_loggy.facts IS
    'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).';
CREATE POLICY project_records ON agent_loggy.facts AS RESTRICTIVE FOR INSERT
    WITH CHECK ((SELECT agent_loggy.writes_every_project()) OR project = (SELECT agent_loggy.bound_project()));
COMMENT ON POLICY project_records ON agent_loggy.facts IS
    'New facts only in the bound project (a read grant suffices: remembering is what agents do); admin: every project with none bound.';
CREATE POLICY project_record_deletes ON agent_loggy.facts AS RESTRICTIVE FOR DELETE
    USING ((SELECT agent_loggy.writes_every_project()) OR project = (SELECT agent_loggy.bound_project()));
COMMENT ON POLICY project_record_deletes ON agent_loggy.facts IS
    'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.';
CREATE POLICY user_scope ON agent_loggy.facts AS RESTRICTIVE
    USING (user_id IS NULL OR user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.sees_every_user()))
    WITH CHECK (user_id IS NULL OR user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.sees_every_user()));
COMMENT ON POLICY user_scope ON agent_loggy.facts IS
    'Facts of the project, and those of the user the transaction acts for (acting_user()); an admin acting for nobody: all.';

-- Helpers ------------------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.with_user_bound(p_user text) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION agent_loggy.with_user_bound(text) IS
    'Makes the transaction act for user p_user when it acts for nobody (a login limited to another user, or a transaction bound to another, gets 42501; 22023 for an invalid name; NULL changes nothing) and returns the binding there was, for the caller to put back: lets an application that decides which user it acts for pass the user to a function.';

CREATE FUNCTION agent_loggy.checked_any_vector(p_vector vector, p_what text) RETURNS vector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
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
CALL agent_loggy.use_vector_schema('agent_loggy.checked_any_vector(vector, text)');
COMMENT ON FUNCTION agent_loggy.checked_any_vector(vector, text) IS
    'p_vector when it can be searched with, of any dimensions (a norm between 1e-18 and 1e19), else 22023 naming p_what and what is wrong.';

CREATE FUNCTION agent_loggy.checked_fact_key(p_key text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_key IS NULL OR p_key !~ '\S' OR octet_length(p_key) > 500 OR p_key ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'invalid fact key %: expected 1-500 bytes, not blank, without control characters',
            agent_loggy.shown(p_key) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_key;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_fact_key(text) IS 'p_key when it can name a fact; 22023 naming it otherwise.';

CREATE FUNCTION agent_loggy.fact_embedding_config(p_project text, p_dimensions integer, p_config_id bigint) RETURNS bigint
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION agent_loggy.fact_embedding_config(text, integer, bigint) IS
    'The embedding config a fact''s vector belongs to: p_config_id, which must be a config of p_project with p_dimensions dimensions, or, when NULL, the first by name of the project''s current configs with that many dimensions. 22023 naming the config and its dimensions otherwise.';

CREATE FUNCTION agent_loggy.with_project_bound(p_project text) RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION agent_loggy.with_project_bound(text) IS
    'Binds p_project to the transaction when nothing is bound (42501 when another project is) and returns the binding there was, for the caller to put back: lets a write function be called in one statement.';

-- The functions agents call --------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.remember_fact(
    p_key text, p_value text, p_user text DEFAULT NULL, p_project text DEFAULT 'default',
    p_embedding vector DEFAULT NULL, p_embedding_config_id bigint DEFAULT NULL, p_metadata jsonb DEFAULT '{}')
    RETURNS agent_loggy.facts
    LANGUAGE plpgsql
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
COMMENT ON FUNCTION agent_loggy.remember_fact(text, text, text, text, vector, bigint, jsonb) IS
    'Remembers p_value for p_key of user p_user (NULL: the user the transaction acts for; none: a fact of the whole project) in p_project, as a new version; the earlier versions stay (recall with fact_history). Returns the version, or the current one unchanged when value, metadata and embedding are the same. p_embedding (any dimensions) belongs to p_embedding_config_id, or to the first current config of the project with its dimensions. Binds p_project for the call when nothing is bound. 22023 for a bad key, value, metadata, vector or config; 42501 for a project or user the transaction may not write.';

CREATE FUNCTION agent_loggy.forget_fact(p_key text, p_user text DEFAULT NULL, p_project text DEFAULT 'default')
    RETURNS boolean
    LANGUAGE plpgsql
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
COMMENT ON FUNCTION agent_loggy.forget_fact(text, text, text) IS
    'Forgets p_key of user p_user (NULL: the user the transaction acts for) in p_project: a new version without a value, so recall_fact() returns NULL and the history stays. Returns true when there was a value to forget, false otherwise (nothing written).';

CREATE VIEW agent_loggy.current_facts WITH (security_invoker = true) AS
SELECT c.id, c.project, c.user_id, c.key, c.version, c.value, c.metadata, c.embedding, c.embedding_config_id,
       c.created_at, c.created_by, c.search_vector
FROM (SELECT DISTINCT ON (f.project, coalesce(f.user_id, ''), f.key) f.*
      FROM agent_loggy.facts AS f
      ORDER BY f.project, coalesce(f.user_id, ''), f.key, f.version DESC) AS c
WHERE c.value IS NOT NULL;
COMMENT ON VIEW agent_loggy.current_facts IS
    'The current version of every fact the transaction may see (its projects; shared facts and those of the user it acts for), forgotten keys left out.';

CREATE FUNCTION agent_loggy.recall_fact(p_key text, p_user text DEFAULT NULL, p_project text DEFAULT 'default')
    RETURNS text
    LANGUAGE plpgsql
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
COMMENT ON FUNCTION agent_loggy.recall_fact(text, text, text) IS
    'The current value of fact p_key of user p_user (NULL: the user the transaction acts for) in p_project: the user''s own key when it has any version (NULL when forgotten), else the project''s shared fact of that key; NULL when unknown.';

CREATE FUNCTION agent_loggy.fact_history(p_key text, p_user text DEFAULT NULL, p_project text DEFAULT 'default')
    RETURNS SETOF agent_loggy.facts
    LANGUAGE plpgsql
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
COMMENT ON FUNCTION agent_loggy.fact_history(text, text, text) IS
    'Every version of fact p_key of user p_user (NULL: the user the transaction acts for; none: the shared fact) in p_project, oldest first; a version without a value is a forgetting.';

CREATE FUNCTION agent_loggy.recall_facts(p_query_text text, p_limit integer DEFAULT 5, p_project text DEFAULT 'default')
    RETURNS TABLE (key text, value text, user_id text, version integer, score real, metadata jsonb, created_at timestamptz)
    LANGUAGE plpgsql STABLE
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
COMMENT ON FUNCTION agent_loggy.recall_facts(text, integer, text) IS
    'The p_limit current facts of p_project (shared ones and the acting user''s) whose key or value match any word of p_query_text, best ts_rank first.';

CREATE FUNCTION agent_loggy.recall_facts(p_query vector, p_limit integer DEFAULT 5, p_project text DEFAULT 'default',
                                         p_embedding_config_id bigint DEFAULT NULL)
    RETURNS TABLE (key text, value text, user_id text, version integer, score real, metadata jsonb, created_at timestamptz)
    LANGUAGE plpgsql STABLE
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
COMMENT ON FUNCTION agent_loggy.recall_facts(vector, integer, text, bigint) IS
    'The p_limit current facts of p_project (shared ones and the acting user''s) embedded with p_embedding_config_id (NULL: the first current config of the project with the query''s dimensions) nearest to p_query, by exact cosine similarity (score), most similar first. 22023 when the query''s dimensions are not the config''s, naming both.';

-- Privileges -----------------------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    agent_loggy.guard_fact(), agent_loggy.with_user_bound(text), agent_loggy.checked_any_vector(vector, text), agent_loggy.checked_fact_key(text),
    agent_loggy.fact_embedding_config(text, integer, bigint), agent_loggy.with_project_bound(text),
    agent_loggy.remember_fact(text, text, text, text, vector, bigint, jsonb), agent_loggy.forget_fact(text, text, text),
    agent_loggy.recall_fact(text, text, text), agent_loggy.fact_history(text, text, text),
    agent_loggy.recall_facts(text, integer, text), agent_loggy.recall_facts(vector, integer, text, bigint)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    agent_loggy.with_user_bound(text), agent_loggy.checked_any_vector(vector, text), agent_loggy.checked_fact_key(text),
    agent_loggy.fact_embedding_config(text, integer, bigint), agent_loggy.with_project_bound(text),
    agent_loggy.remember_fact(text, text, text, text, vector, bigint, jsonb), agent_loggy.forget_fact(text, text, text),
    agent_loggy.recall_fact(text, text, text), agent_loggy.fact_history(text, text, text),
    agent_loggy.recall_facts(text, integer, text), agent_loggy.recall_facts(vector, integer, text, bigint)
    TO agent_loggy_reader;
GRANT SELECT ON agent_loggy.facts, agent_loggy.current_facts TO agent_loggy_reader;
GRANT INSERT (project, user_id, key, value, metadata, embedding, embedding_config_id) ON agent_loggy.facts
    TO agent_loggy_reader;
GRANT DELETE ON agent_loggy.facts TO agent_loggy_admin;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY[
            'agent_loggy.remember_fact(text, text, text, text, vector, bigint, jsonb)',
            'agent_loggy.forget_fact(text, text, text)', 'agent_loggy.recall_fact(text, text, text)',
            'agent_loggy.fact_history(text, text, text)', 'agent_loggy.recall_facts(text, integer, text)',
            'agent_loggy.recall_facts(vector, integer, text, bigint)']::regprocedure[] LOOP
        CALL agent_loggy.use_vector_schema(f);
    END LOOP;
END
$$;
