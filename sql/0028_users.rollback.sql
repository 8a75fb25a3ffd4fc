-- Rolls back 0028_users: documents lose their users, the keyword search functions and the loader
-- their user rule, and the per-user logins go. Refused while a document belongs to a user: dropping
-- the column would share it with the whole project.

DO $$
DECLARE
    owned bigint := (SELECT count(*) FROM agent_loggy.documents WHERE user_id IS NOT NULL);
    limited text := (SELECT string_agg(quote_ident(l.login), ', ') FROM agent_loggy.login_users AS l);
BEGIN
    IF owned > 0 THEN
        RAISE EXCEPTION 'cannot roll back 0028_users: % document(s) belong to users, and would be shared with their whole project', owned
            USING HINT = 'Delete them, or set their user_id to NULL if they may be shared, then roll back again.';
    ELSIF limited IS NOT NULL THEN
        RAISE EXCEPTION 'cannot roll back 0028_users: logins % are limited to a user, and would act for any', limited
            USING HINT = 'Lift the limits (SELECT agent_loggy.unlimit_login(login)), or drop those logins, then roll back again.';
    END IF;
END
$$;

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
    FOR i IN REVERSE array_length(changes, 1) .. 1 LOOP
        fn := changes[i][1]::regprocedure;
        body := (SELECT p.prosrc FROM pg_catalog.pg_proc AS p WHERE p.oid = fn);
        IF position(changes[i][3] IN body) = 0 THEN
            RAISE EXCEPTION '% is not the function 0028_users left: % not found', fn, changes[i][3];
        END IF;
        def := pg_get_functiondef(fn);
        EXECUTE replace(def, changes[i][3], changes[i][2]);
    END LOOP;
END
$$;
COMMENT ON FUNCTION agent_loggy.load_staged_documents(text, text, bigint, boolean) IS
    'Merges the staged rows (see stage_documents) into documents of p_project / p_source: new external_ids are inserted, changed rows updated (a row without an embedding keeps the stored one unless its text changed), identical rows left alone; returns the counts. Every staged row is checked first (staged_document_problems: SQLSTATE 22023 with one "line N: reason" per line in DETAIL) and nothing is written if any is wrong. p_embedding_config_id is recorded for rows that bring an embedding. p_rebuild_index: true drops the vector indexes of documents before the merge and rebuilds them after (with maintenance_work_mem of at least 512MB), false never does, NULL (default) decides: rebuild when at least 2000 new or changed rows carry embeddings, they number at least a fifth of the table, and the caller owns the table. A rebuild locks documents against every reader until commit, and rebuilding loads queue behind each other.';

DROP POLICY user_scope ON agent_loggy.documents;
DROP INDEX agent_loggy.documents_identity_key;
ALTER TABLE agent_loggy.documents ADD CONSTRAINT documents_project_source_external_id_key UNIQUE (project, source, external_id);
ALTER TABLE agent_loggy.documents DROP COLUMN user_id;

DROP FUNCTION agent_loggy.unlimit_login(text);
DROP FUNCTION agent_loggy.limit_login_to_user(text, text);
DROP FUNCTION agent_loggy.session_sees_every_user();
DROP FUNCTION agent_loggy.sees_every_user();
DROP FUNCTION agent_loggy.acting_user();
DROP TABLE agent_loggy.login_users;
DROP FUNCTION agent_loggy.is_valid_user(text);
DROP FUNCTION agent_loggy.shown(text);
