-- depends: 0026_resolve_inline
-- Users inside a project (issue: memory that fits the agents' models and their users, item 5).
--
-- A document may belong to a user of the application (documents.user_id, text; NULL: shared by the
-- project). A transaction may bind a user besides its project, set_config('agent_loggy.user', u, true);
-- then it sees the project's shared rows and its user's own, never another user's; unbound it sees
-- shared rows only; an admin with no user bound sees every user's. The rule is a restrictive policy,
-- so it holds for every role subject to row level security, on every path, and the keyword search
-- functions (SECURITY DEFINER, reading as the owner) apply it themselves.
--
--   acting_user()          the user the transaction acts for: the binding, or, for a login limited to
--                          one user (login_users), always that user (binding another raises 42501)
--   login_users            per-user logins: an admin limits a login to one user
--   documents.user_id      the owning user; loads made while a user is bound belong to that user, and a
--                          document's identity (project, source, external_id) is now per user
-- Which user an unlimited login acts for is the application's decision: the database cannot tell
-- the application's users apart (see SECURITY.md).

CREATE FUNCTION agent_loggy.is_valid_user(p_user text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_user ~ '\S' AND octet_length(p_user) <= 200 AND p_user !~ '[[:cntrl:]]';
COMMENT ON FUNCTION agent_loggy.is_valid_user(text) IS
    'True when p_user can name a user of the application: not blank, at most 200 bytes, no control characters (NULL for NULL).';

CREATE FUNCTION agent_loggy.shown(p_value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN p_value IS NULL THEN 'NULL' ELSE '''' || replace(coalesce((
        SELECT string_agg(CASE WHEN t.c ~ '[[:cntrl:]\u2028\u2029\u202a-\u202e\u2066-\u2069]'
                               THEN CASE WHEN ascii(t.c) > 255 THEN '\u' || lpad(to_hex(ascii(t.c)), 4, '0')
                                         ELSE '\x' || lpad(to_hex(ascii(t.c)), 2, '0') END
                               ELSE t.c END, '' ORDER BY t.i)
        FROM unnest(string_to_array(left(p_value, 200), NULL)) WITH ORDINALITY AS t (c, i)), ''), '''', '''''') || '''' END;
COMMENT ON FUNCTION agent_loggy.shown(text) IS
    'p_value for an error message: its first 200 characters, control, line-separator and bidirectional characters written as \xNN / \uNNNN escapes, in single quotes (quotes doubled; NULL unquoted), so that a hostile value cannot forge lines or reorder text in a message or the server log.';

-- Per-user logins ----------------------------------------------------------------------------------

CREATE TABLE agent_loggy.login_users (
    login      text NOT NULL,
    user_id    text NOT NULL,
    limited_by text NOT NULL DEFAULT coalesce(nullif(current_setting('agent_loggy.actor', true), ''), session_user),
    limited_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT login_users_pkey PRIMARY KEY (login),
    CONSTRAINT login_users_login_check CHECK (login ~ '\S' AND octet_length(login) <= 63),
    CONSTRAINT login_users_user_id_check CHECK (agent_loggy.is_valid_user(user_id))
);
COMMENT ON TABLE agent_loggy.login_users IS
    'Logins limited to acting for one user of the application (per-user logins): acting_user() is always that user for them, whatever they bind. Changed only through limit_login_to_user() / unlimit_login() (admin); read by admins.';
COMMENT ON COLUMN agent_loggy.login_users.login IS 'The login role (session_user), exactly as pg_roles.rolname spells it.';
COMMENT ON COLUMN agent_loggy.login_users.user_id IS 'The only user the login may act for.';
COMMENT ON COLUMN agent_loggy.login_users.limited_by IS 'Who set the limit: agent_loggy.actor when set, else session_user.';
COMMENT ON COLUMN agent_loggy.login_users.limited_at IS 'When the limit was set or last changed.';

CREATE FUNCTION agent_loggy.acting_user() RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION agent_loggy.acting_user() IS
    'The user of the application this transaction acts for: the setting agent_loggy.user (set_config(''agent_loggy.user'', u, true)), NULL when none is bound; for a login limited to one user (login_users), that user always, and binding another raises 42501. An invalid binding raises 22023. Reads the login (session_user), so SET ROLE and SECURITY DEFINER functions change nothing.';

CREATE FUNCTION agent_loggy.sees_every_user() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN agent_loggy.acting_user() IS NULL AND agent_loggy.is_admin();
COMMENT ON FUNCTION agent_loggy.sees_every_user() IS
    'True for admin (the current role) acting for no user: the user policies then let every user''s rows through.';

CREATE FUNCTION agent_loggy.session_sees_every_user() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN agent_loggy.acting_user() IS NULL AND agent_loggy.session_is_admin();
COMMENT ON FUNCTION agent_loggy.session_sees_every_user() IS
    'sees_every_user() for the login (session_user), which a SECURITY DEFINER function must ask: inside one, current_user is the owner.';

CREATE FUNCTION agent_loggy.limit_login_to_user(p_login text, p_user text) RETURNS agent_loggy.login_users
    LANGUAGE plpgsql
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
COMMENT ON FUNCTION agent_loggy.limit_login_to_user(text, text) IS
    'Admin only: from its next statement on, login p_login acts only for user p_user (acting_user()), whatever it binds; replaces an earlier limit. Raises 22023 for an invalid user, a name that is no login role, or an admin login (which could lift the limit).';

CREATE FUNCTION agent_loggy.unlimit_login(p_login text) RETURNS text
    LANGUAGE plpgsql
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
COMMENT ON FUNCTION agent_loggy.unlimit_login(text) IS
    'Admin only: lets login p_login act for any user again (the application decides); returns the user it was limited to, P0002 when it was not limited.';

-- Documents of a user ------------------------------------------------------------------------------------

ALTER TABLE agent_loggy.documents ADD COLUMN user_id text
    CONSTRAINT documents_user_id_check CHECK (agent_loggy.is_valid_user(user_id));
COMMENT ON COLUMN agent_loggy.documents.user_id IS
    'The user of the application the document belongs to; NULL: shared by the project. Only a transaction acting for that user (acting_user()) or an admin acting for nobody sees it.';

-- a document's identity is per user: two users' uploads of the same name are two documents, and
-- neither learns of the other's from a unique violation
ALTER TABLE agent_loggy.documents DROP CONSTRAINT documents_project_source_external_id_key;
CREATE UNIQUE INDEX documents_identity_key ON agent_loggy.documents (project, source, (coalesce(user_id, '')), external_id);
CREATE INDEX documents_user_idx ON agent_loggy.documents (project, user_id) WHERE user_id IS NOT NULL;
COMMENT ON INDEX agent_loggy.documents_user_idx IS 'The documents of each user of a project.';
COMMENT ON INDEX agent_loggy.documents_identity_key IS
    'A document''s identity: external_id is unique per project, source and user (shared documents: user '''').';

CREATE POLICY user_scope ON agent_loggy.documents AS RESTRICTIVE
    USING (user_id IS NULL OR user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.sees_every_user()))
    WITH CHECK (user_id IS NULL OR user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.sees_every_user()));
COMMENT ON POLICY user_scope ON agent_loggy.documents IS
    'Shared documents, and those of the user the transaction acts for (acting_user()); an admin acting for nobody: all.';

-- The keyword search functions read as the owner: they apply the rule themselves. ----------------------------

DO $$
DECLARE
    changes constant text[][] := ARRAY[
        ['agent_loggy.bm25_document_scores(text, text, integer, text[], double precision, double precision)',
         'WHERE d.project = $1 AND',
         'WHERE d.project = $1 AND (d.user_id IS NULL OR d.user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.session_sees_every_user())) AND'],
        ['agent_loggy.keyword_document_scores(text, text, integer, text[])',
         'WHERE d.project = $1 AND',
         'WHERE d.project = $1 AND (d.user_id IS NULL OR d.user_id = (SELECT agent_loggy.acting_user()) OR (SELECT agent_loggy.session_sees_every_user())) AND'],
        ['agent_loggy.bm25_score(bigint, text, double precision, double precision)',
         'WHERE d.id = p_document_id;',
         'WHERE d.id = p_document_id AND (d.user_id IS NULL OR d.user_id = agent_loggy.acting_user() OR agent_loggy.session_sees_every_user());'],
        ['agent_loggy.load_staged_documents(text, text, bigint, boolean)',
         '(project, source, external_id, title, content, tags, metadata, embedding, embedding_config_id)',
         '(project, source, user_id, external_id, title, content, tags, metadata, embedding, embedding_config_id)'],
        ['agent_loggy.load_staged_documents(text, text, bigint, boolean)',
         'SELECT p_project, p_source, s.external_id,',
         'SELECT p_project, p_source, (SELECT agent_loggy.acting_user()), s.external_id,'],
        ['agent_loggy.load_staged_documents(text, text, bigint, boolean)',
         'ON CONFLICT (project, source, external_id) DO UPDATE SET',
         'ON CONFLICT (project, source, (coalesce(user_id, '''')), external_id) DO UPDATE SET'],
        ['agent_loggy.load_staged_documents(text, text, bigint, boolean)',
         'ON d.project = p_project AND d.source = p_source AND d.external_id = s.external_id',
         'ON d.project = p_project AND d.source = p_source AND d.external_id = s.external_id AND coalesce(d.user_id, '''') = coalesce((SELECT agent_loggy.acting_user()), '''')']];
    fn regprocedure;
    body text;
    def text;
BEGIN
    FOR i IN 1 .. array_length(changes, 1) LOOP
        fn := changes[i][1]::regprocedure;
        body := (SELECT p.prosrc FROM pg_catalog.pg_proc AS p WHERE p.oid = fn);
        IF position(changes[i][2] IN body) = 0 THEN
            RAISE EXCEPTION '% is not the function this migration expects: % not found', fn, changes[i][2];
        END IF;
        def := pg_get_functiondef(fn);
        EXECUTE replace(def, changes[i][2], changes[i][3]);
    END LOOP;
END
$$;
COMMENT ON FUNCTION agent_loggy.load_staged_documents(text, text, bigint, boolean) IS
    'Merges the staged rows (see stage_documents) into documents of p_project / p_source, belonging to the user the transaction acts for (acting_user(); none: shared): new external_ids are inserted, changed rows updated (a row without an embedding keeps the stored one unless its text changed), identical rows left alone; returns the counts. Every staged row is checked first (staged_document_problems: SQLSTATE 22023 with one "line N: reason" per line in DETAIL) and nothing is written if any is wrong. p_embedding_config_id is recorded for rows that bring an embedding. p_rebuild_index: true drops the vector indexes of documents before the merge and rebuilds them after (with maintenance_work_mem of at least 512MB), false never does, NULL (default) decides: rebuild when at least 2000 new or changed rows carry embeddings, they number at least a fifth of the table, and the caller owns the table. A rebuild locks documents against every reader until commit, and rebuilding loads queue behind each other.';

-- Privileges ---------------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    agent_loggy.shown(text), agent_loggy.is_valid_user(text), agent_loggy.acting_user(), agent_loggy.sees_every_user(),
    agent_loggy.session_sees_every_user(), agent_loggy.limit_login_to_user(text, text), agent_loggy.unlimit_login(text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    agent_loggy.shown(text), agent_loggy.is_valid_user(text), agent_loggy.acting_user(), agent_loggy.sees_every_user(),
    agent_loggy.session_sees_every_user()
    TO agent_loggy_reader;
GRANT EXECUTE ON FUNCTION agent_loggy.limit_login_to_user(text, text), agent_loggy.unlimit_login(text)
    TO agent_loggy_admin;
GRANT SELECT, INSERT (login, user_id), UPDATE (user_id, limited_by, limited_at), DELETE ON agent_loggy.login_users
    TO agent_loggy_admin;
GRANT INSERT (user_id) ON agent_loggy.documents TO agent_loggy_writer;
GRANT UPDATE (user_id) ON agent_loggy.documents TO agent_loggy_admin;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY['agent_loggy.sees_every_user()', 'agent_loggy.limit_login_to_user(text, text)',
                             'agent_loggy.unlimit_login(text)']::regprocedure[] LOOP
        CALL agent_loggy.use_vector_schema(f);
    END LOOP;
END
$$;
