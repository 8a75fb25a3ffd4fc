-- Back to 0014: advisory locks, the 0012 guard, one version per label on prompts only, the
-- loop that rebuilt label history, JSON and vectors unbounded again (but not zero), writers
-- insert every column. Labels the migration moved on model configs stay where they are (what
-- was served does not change); write_locks goes with its rows.

DO $$
DECLARE
    t text;
    cols text;
BEGIN
    FOREACH t IN ARRAY ARRAY['prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys', 'documents'] LOOP
        SELECT string_agg(format('%I', a.attname), ', ' ORDER BY a.attnum) INTO cols
        FROM pg_attribute AS a
        WHERE a.attrelid = format('agent_loggy.%I', t)::regclass AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attgenerated = '' AND a.attidentity = '';
        EXECUTE format('REVOKE INSERT (%s) ON agent_loggy.%I FROM agent_loggy_writer', cols, t);
        EXECUTE format('GRANT INSERT ON agent_loggy.%I TO agent_loggy_writer', t);
    END LOOP;
END
$$;

DO $$
DECLARE
    fn regprocedure;
    replacements text[][] := ARRAY[
        ARRAY['agent_loggy.staged_document_problems(integer)',
              'WHEN vector_norm(s.embedding) = 0 THEN ''embedding is all zeros''
                WHEN NOT agent_loggy.is_searchable_vector(s.embedding) THEN
                    format(''embedding has norm %s: expected a norm between 1e-18 and 1e19'', vector_norm(s.embedding))
                WHEN NOT agent_loggy.is_readable_json(s.metadata) THEN ''metadata nests deeper than 64 levels or holds a number beyond double precision''',
              'WHEN vector_norm(s.embedding) = 0 THEN ''embedding is all zeros'''],
        ARRAY['agent_loggy.store_embeddings(text, bigint[], text[], vector[], bigint)',
              'WHERE e IS NULL OR vector_dims(e) <> 384 OR NOT agent_loggy.is_searchable_vector(e)) THEN
        RAISE EXCEPTION ''store_embeddings needs embeddings of 384 dimensions with a norm between 1e-18 and 1e19''',
              'WHERE e IS NULL OR vector_dims(e) <> 384 OR vector_norm(e) = 0) THEN
        RAISE EXCEPTION ''store_embeddings needs embeddings of 384 dimensions, not all zeros''']];
    body text;
BEGIN
    FOR i IN 1 .. array_length(replacements, 1) LOOP
        fn := replacements[i][1]::regprocedure;
        body := (SELECT p.prosrc FROM pg_proc AS p WHERE p.oid = fn);
        EXECUTE replace(pg_get_functiondef(fn), body, replace(body, replacements[i][2], replacements[i][3]));
    END LOOP;
END
$$;
CREATE OR REPLACE FUNCTION agent_loggy.checked_query_vector(p_query vector) RETURNS vector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_query IS NULL THEN
        RAISE EXCEPTION 'query vector is NULL: expected a vector of 384 dimensions'
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF vector_dims(p_query) <> 384 THEN
        RAISE EXCEPTION 'query vector has % dimensions: expected 384 (the dimension of the embedding columns)',
            vector_dims(p_query) USING ERRCODE = 'invalid_parameter_value';
    ELSIF vector_norm(p_query) = 0 THEN
        RAISE EXCEPTION 'query vector is all zeros: cosine similarity is undefined for it'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_query;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_query_vector(vector) IS
    'Returns p_query when it can be searched with (384 dimensions, not all zeros), else raises SQLSTATE 22023 naming what is wrong.';
CALL agent_loggy.use_vector_schema('agent_loggy.checked_query_vector(vector)');

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys',
                             'documents'] LOOP
        EXECUTE format('ALTER TABLE agent_loggy.%I DROP CONSTRAINT %I', t, t || '_times_check');
    END LOOP;
END
$$;
ALTER TABLE agent_loggy.documents DROP CONSTRAINT documents_embedding_check;
ALTER TABLE agent_loggy.documents ADD CONSTRAINT documents_embedding_check CHECK (vector_norm(embedding) > 0);
ALTER TABLE agent_loggy.context_rules DROP CONSTRAINT context_rules_embedding_check;
ALTER TABLE agent_loggy.prompts DROP CONSTRAINT prompts_embedding_check;
ALTER TABLE agent_loggy.config_changelog DROP CONSTRAINT config_changelog_data_json_check;
ALTER TABLE agent_loggy.documents DROP CONSTRAINT documents_metadata_json_check;
ALTER TABLE agent_loggy.embedding_configs DROP CONSTRAINT embedding_configs_parameters_json_check;
ALTER TABLE agent_loggy.model_configs DROP CONSTRAINT model_configs_parameters_json_check;
ALTER TABLE agent_loggy.prompts DROP CONSTRAINT prompts_parameters_json_check;
DROP FUNCTION agent_loggy.is_searchable_vector(vector);
DROP FUNCTION agent_loggy.is_readable_time(timestamptz);

DO $$
DECLARE
    body text := (SELECT p.prosrc FROM pg_proc AS p
                  WHERE p.oid = 'agent_loggy.load_staged_documents(text, text, bigint, boolean)'::regprocedure);
    new_lock text := 'PERFORM agent_loggy.lock_writes(''documents:'' || p_source, p_project);';
    old_lock text := 'PERFORM pg_advisory_xact_lock(hashtextextended(''agent_loggy.documents:'' || p_project || '':'' || p_source, 0));';
    old_drop text := E'            EXECUTE drops;\n';
    new_drop text := concat_ws(E'\n',
        '            BEGIN',
        '                PERFORM set_config(''lock_timeout'', ''10s'', true);',
        '                EXECUTE drops;',
        '            EXCEPTION WHEN lock_not_available THEN',
        '                RAISE EXCEPTION ''cannot rebuild the vector index of documents: another session kept the table for 10 s (the rebuild needs it alone)''',
        '                    USING ERRCODE = ''lock_not_available'', HINT = ''Retry when it is done, or load without a rebuild (--index keep).'';',
        '            END;', '');
BEGIN
    EXECUTE format('CREATE OR REPLACE FUNCTION agent_loggy.load_staged_documents(p_project text, p_source text, '
                   'p_embedding_config_id bigint DEFAULT NULL, p_rebuild_index boolean DEFAULT NULL) '
                   'RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, index_rebuilt boolean) '
                   'LANGUAGE plpgsql AS %L', replace(replace(body, new_lock, old_lock), new_drop, old_drop));
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.load_staged_documents(text, text, bigint, boolean)');

CREATE OR REPLACE FUNCTION agent_loggy.rollback_prompt_label(
    p_name text, p_label text DEFAULT 'production', p_project text DEFAULT 'default'
) RETURNS integer
    LANGUAGE plpgsql
AS $$
DECLARE
    last_move record;
    summary text := nullif(current_setting('agent_loggy.change_summary', true), '');
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, ARRAY[p_label]);
    PERFORM agent_loggy.lock_prompt_writes();
    SELECT h.from_version, h.to_version INTO last_move
    FROM agent_loggy.prompt_label_history(p_name, p_project) AS h
    WHERE h.label = p_label
    ORDER BY h.changelog_id DESC
    LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'label % of prompt % in project % has never been set: nothing to roll back',
            quote_literal(p_label), quote_literal(p_name), quote_literal(p_project) USING ERRCODE = 'no_data_found';
    END IF;
    IF last_move.from_version IS NULL THEN
        RAISE EXCEPTION 'label % of prompt % in project % was on no version before it went to version %: there is nothing to roll back to',
            quote_literal(p_label), quote_literal(p_name), quote_literal(p_project), last_move.to_version
            USING ERRCODE = 'no_data_found', HINT = 'Remove the label with remove_prompt_label() instead.';
    END IF;
    IF summary IS NULL THEN
        PERFORM set_config('agent_loggy.change_summary',
            format('rollback of label %s to version %s', p_label, last_move.from_version), true);
    END IF;
    PERFORM agent_loggy.set_prompt_label(p_name, last_move.from_version, p_label, p_project);
    IF summary IS NULL THEN
        PERFORM set_config('agent_loggy.change_summary', '', true);
    END IF;
    RETURN last_move.from_version;
END
$$;
COMMENT ON FUNCTION agent_loggy.rollback_prompt_label(text, text, text) IS
    'Puts a label back on the version that held it before its last move (read from the changelog) and returns that version; a second rollback undoes the first. The changelog summary defaults to "rollback of label L to version N".';
CALL agent_loggy.use_vector_schema('agent_loggy.rollback_prompt_label(text, text, text)');

CREATE OR REPLACE FUNCTION agent_loggy.prompt_label_history(p_name text, p_project text DEFAULT 'default')
RETURNS TABLE (
    changelog_id bigint, label text, from_version integer, to_version integer,
    changed_by text, changed_at timestamptz, change_summary text
)
    LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_column
DECLARE
    r record;
    holder jsonb := '{}';  -- label -> version holding it so far
    losses jsonb := '[]';  -- labels lost in the current transaction, judged when it ends
    loss jsonb;
    tx text;
    seen boolean := false;
    v integer;
    l text;
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name);
    FOR r IN
        SELECT c.id, coalesce(c.transaction_id::text, 'row ' || c.id) AS tx, c.changed_by, c.changed_at,
               c.change_summary, (coalesce(c.new_data, c.previous_data) ->> 'version')::integer AS version,
               ARRAY(SELECT jsonb_array_elements_text(c.previous_data -> 'labels')) AS before,
               ARRAY(SELECT jsonb_array_elements_text(c.new_data -> 'labels')) AS after
        FROM agent_loggy.config_changelog AS c
        WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name
        UNION ALL
        SELECT NULL, 'end', NULL, NULL, NULL, NULL, '{}', '{}'  -- flushes the last transaction
        ORDER BY 1 NULLS LAST
    LOOP
        IF r.tx IS DISTINCT FROM tx THEN
            -- A label lost in a transaction is a removal only if nothing in it took the label.
            FOR loss IN SELECT x FROM jsonb_array_elements(losses) AS x LOOP
                CONTINUE WHEN (holder ->> (loss ->> 'label'))::integer IS DISTINCT FROM (loss ->> 'version')::integer;
                changelog_id := (loss ->> 'id')::bigint;
                label := loss ->> 'label';
                from_version := (loss ->> 'version')::integer;
                to_version := NULL;
                changed_by := loss ->> 'changed_by';
                changed_at := (loss ->> 'changed_at')::timestamptz;
                change_summary := loss ->> 'change_summary';
                RETURN NEXT;
                holder := holder - label;
            END LOOP;
            losses := '[]';
            tx := r.tx;
        END IF;
        EXIT WHEN r.id IS NULL;
        seen := true;
        v := r.version;
        changelog_id := r.id;
        changed_by := r.changed_by;
        changed_at := r.changed_at;
        change_summary := r.change_summary;
        FOREACH l IN ARRAY r.after LOOP
            CONTINUE WHEN l = ANY (r.before);
            label := l;
            from_version := (holder ->> l)::integer;
            to_version := v;
            RETURN NEXT;
            holder := holder || jsonb_build_object(l, v);
        END LOOP;
        FOREACH l IN ARRAY r.before LOOP
            CONTINUE WHEN l = ANY (r.after);
            losses := losses || jsonb_build_object('id', r.id, 'label', l, 'version', v, 'changed_by', r.changed_by,
                                                   'changed_at', r.changed_at, 'change_summary', r.change_summary);
        END LOOP;
    END LOOP;
    IF NOT seen
       AND NOT EXISTS (SELECT 1 FROM agent_loggy.prompts AS t WHERE t.project = p_project AND t.name = p_name) THEN
        RAISE EXCEPTION 'no prompt named % in project %', quote_literal(p_name), quote_literal(p_project)
            USING ERRCODE = 'no_data_found';
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.prompt_label_history(text, text) IS
    'Every label move of a prompt, in the order they happened, rebuilt from the changelog: the label, the version it left (NULL when new) and the version it went to (NULL when removed), who, when and why. Within one transaction a label that one version lost and another gained is one move. A prompt renamed by a direct UPDATE starts a new history under its new name.';
CALL agent_loggy.use_vector_schema('agent_loggy.prompt_label_history(text, text)');

CREATE OR REPLACE FUNCTION agent_loggy.resolve_prompt(
    p_name text,
    p_label text DEFAULT 'production',
    p_project text DEFAULT 'default',
    p_version integer DEFAULT NULL,
    p_fallback_labels text[] DEFAULT '{}'
) RETURNS TABLE (
    id bigint, project text, name text, version integer, type text, template text,
    variables text[], labels text[], model text, parameters jsonb,
    model_provider text, model_name text, model_parameters jsonb, resolved_label text,
    model_config_version integer, description text, usage text, is_active boolean,
    created_by text, created_at timestamptz, updated_at timestamptz
)
    LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_column
DECLARE
    wanted text[] := ARRAY[p_label] || coalesce(p_fallback_labels, '{}');
    p agent_loggy.prompts;
    m agent_loggy.model_configs;
    got text;
    l text;
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name,
        CASE WHEN p_version IS NULL THEN wanted ELSE '{}' END, true);
    IF p_version IS NOT NULL THEN
        SELECT * INTO p FROM agent_loggy.prompts AS t
        WHERE t.project = p_project AND t.name = p_name AND t.version = p_version;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'prompt % in project % has no version %', quote_literal(p_name), quote_literal(p_project), p_version
                USING ERRCODE = 'no_data_found';
        END IF;
    ELSE
        FOREACH l IN ARRAY wanted LOOP
            SELECT * INTO p FROM agent_loggy.prompts AS t
            WHERE t.project = p_project AND t.name = p_name AND t.is_active
              AND (l = 'latest' OR t.labels @> ARRAY[l])
            ORDER BY t.version DESC
            LIMIT 1;
            IF FOUND THEN
                got := l;
                EXIT;
            END IF;
        END LOOP;
        IF got IS NULL THEN
            IF EXISTS (SELECT 1 FROM agent_loggy.prompts AS t WHERE t.project = p_project AND t.name = p_name) THEN
                RAISE EXCEPTION 'prompt % in project % has no active version labelled %',
                    quote_literal(p_name), quote_literal(p_project), array_to_string(wanted, ' or ')
                    USING ERRCODE = 'no_data_found',
                          HINT = 'Label a version with set_prompt_label(), or ask for label latest or an exact version.';
            END IF;
            RAISE EXCEPTION 'no prompt named % in project % (asked for label %)',
                quote_literal(p_name), quote_literal(p_project), array_to_string(wanted, ' or ')
                USING ERRCODE = 'no_data_found';
        END IF;
    END IF;

    IF p.model IS NOT NULL THEN
        SELECT * INTO m FROM agent_loggy.model_configs AS c
        WHERE c.project = p.project AND c.name = p.model AND c.is_active
        ORDER BY c.labels @> ARRAY[coalesce(got, p_label)] DESC, c.version DESC
        LIMIT 1;
    END IF;

    RETURN QUERY SELECT
        p.id, p.project, p.name, p.version, p.type, p.template, p.variables, p.labels, p.model, p.parameters,
        m.model_provider, coalesce(m.model_name, p.model), m.parameters, got, m.version,
        p.description, p.usage, p.is_active, p.created_by, p.created_at, p.updated_at;
END
$$;
COMMENT ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) IS
    'The one call agents make: the prompt version to use, with its model config. With p_version, exactly that version (even if inactive). Otherwise the active version carrying p_label, then each of p_fallback_labels in order; label latest means the highest active version. Model fields come from the active model_configs row named by the prompt''s model in the same project: the version carrying the resolved label if any, else the highest; without one, model_name is the prompt''s model and model_provider is NULL. Nothing found: SQLSTATE P0002 naming project, prompt and what was asked.';
CALL agent_loggy.use_vector_schema('agent_loggy.resolve_prompt(text, text, text, integer, text[])');

DROP TRIGGER move_labels_on_insert ON agent_loggy.model_configs;
DROP TRIGGER move_labels_on_update ON agent_loggy.model_configs;
DROP TRIGGER move_labels_on_insert ON agent_loggy.prompts;
DROP TRIGGER move_labels_on_update ON agent_loggy.prompts;
DROP FUNCTION agent_loggy.move_labels();
CREATE FUNCTION agent_loggy.move_prompt_labels() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    grants jsonb;
    clash record;
BEGIN
    -- A grant is a label a row carries after the statement but did not carry before (as that prompt).
    IF TG_OP = 'INSERT' THEN
        SELECT jsonb_agg(jsonb_build_object('id', n.id, 'project', n.project, 'name', n.name,
                                            'version', n.version, 'label', l))
        INTO grants
        FROM new_rows AS n CROSS JOIN unnest(n.labels) AS l;
    ELSE
        SELECT jsonb_agg(jsonb_build_object('id', n.id, 'project', n.project, 'name', n.name,
                                            'version', n.version, 'label', l))
        INTO grants
        FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id CROSS JOIN unnest(n.labels) AS l
        WHERE l <> ALL (o.labels) OR o.project <> n.project OR o.name <> n.name;
    END IF;
    IF grants IS NULL THEN
        RETURN NULL;
    END IF;

    SELECT g.project, g.name, g.label, string_agg(g.version::text, ', ' ORDER BY g.version) AS versions
    INTO clash
    FROM jsonb_to_recordset(grants) AS g(id bigint, project text, name text, version integer, label text)
    GROUP BY g.project, g.name, g.label
    HAVING count(*) > 1
    LIMIT 1;
    IF FOUND THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_one_version_per_label_check',
            format('label %s was given to versions %s of prompt %s in project %s at once: a label marks exactly one version of a prompt',
                   quote_literal(clash.label), clash.versions, quote_literal(clash.name), quote_literal(clash.project)),
            'Give the label to one version; it leaves the others by itself.');
    END IF;

    IF current_setting('transaction_isolation') <> 'read committed' THEN
        -- Fail with a serialization error if a sibling changed after this transaction's snapshot.
        PERFORM 1
        FROM agent_loggy.prompts AS p
        JOIN jsonb_to_recordset(grants) AS g(id bigint, project text, name text)
          ON p.project = g.project AND p.name = g.name AND p.id <> g.id
        FOR NO KEY UPDATE OF p;
    END IF;

    UPDATE agent_loggy.prompts AS p
    SET labels = ARRAY(
        SELECT l FROM unnest(p.labels) AS l
        WHERE NOT EXISTS (
            SELECT 1 FROM jsonb_to_recordset(grants) AS g(id bigint, project text, name text, label text)
            WHERE g.project = p.project AND g.name = p.name AND g.label = l AND g.id <> p.id))
    WHERE EXISTS (
        SELECT 1 FROM jsonb_to_recordset(grants) AS g(id bigint, project text, name text, label text)
        WHERE g.project = p.project AND g.name = p.name AND g.id <> p.id AND g.label = ANY (p.labels));
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.move_prompt_labels() IS
    'AFTER INSERT/UPDATE statement trigger of prompts: a label given to a version is removed from every other version of the same prompt in the same transaction (each removal is a changelog row of its own, written after the grant); giving one label to two versions in one statement is refused.';
CALL agent_loggy.use_vector_schema('agent_loggy.move_prompt_labels()');
REVOKE EXECUTE ON FUNCTION agent_loggy.move_prompt_labels() FROM PUBLIC;
CREATE TRIGGER move_prompt_labels_on_insert AFTER INSERT ON agent_loggy.prompts
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_prompt_labels();
CREATE TRIGGER move_prompt_labels_on_update AFTER UPDATE ON agent_loggy.prompts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_prompt_labels();

DROP TRIGGER t30_guard_row ON agent_loggy.documents;
CREATE FUNCTION agent_loggy.guard_admin_changes() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    config_type text := TG_ARGV[0];
    old_row jsonb;
    new_row jsonb;
    what text;
    touched text[];
    hit text;
BEGIN
    IF agent_loggy.is_admin() THEN
        RETURN NEW;
    END IF;
    old_row := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) - 'embedding' END;
    new_row := to_jsonb(NEW) - 'embedding';
    what := format('%s %s in project %s', replace(config_type, '_', ' '),
                   quote_literal(agent_loggy.config_name(config_type, coalesce(old_row, new_row))),
                   quote_literal(coalesce(old_row, new_row) ->> 'project'));
    IF old_row IS NOT NULL AND (old_row -> 'is_active') IS DISTINCT FROM (new_row -> 'is_active') THEN
        RAISE EXCEPTION 'permission denied to % version % of %: only agent_loggy_admin may switch versions on or off',
            CASE WHEN (new_row ->> 'is_active')::boolean THEN 'reactivate' ELSE 'deactivate' END,
            old_row ->> 'version', what
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT new_row ? 'labels' THEN
        RETURN NEW;
    END IF;
    -- Labels the row gains or loses; a row moved to another prompt or project loses all it had.
    IF old_row IS NULL THEN
        touched := ARRAY(SELECT jsonb_array_elements_text(new_row -> 'labels'));
    ELSIF (old_row -> 'project', old_row -> 'name') IS DISTINCT FROM (new_row -> 'project', new_row -> 'name') THEN
        touched := ARRAY(SELECT jsonb_array_elements_text(old_row -> 'labels')
                         UNION SELECT jsonb_array_elements_text(new_row -> 'labels'));
    ELSE
        touched := ARRAY(SELECT l FROM jsonb_array_elements_text(new_row -> 'labels') AS l
                         WHERE NOT (old_row -> 'labels') ? l
                         UNION SELECT l FROM jsonb_array_elements_text(old_row -> 'labels') AS l
                         WHERE NOT (new_row -> 'labels') ? l);
    END IF;
    SELECT p.label INTO hit
    FROM agent_loggy.protected_labels AS p
    WHERE p.project IN (old_row ->> 'project', new_row ->> 'project') AND p.label = ANY (touched)
    ORDER BY p.label COLLATE "C"
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'permission denied to change label % of %: it is protected, only agent_loggy_admin may give, move or remove it',
            quote_literal(hit), what
            USING ERRCODE = 'insufficient_privilege', HINT = 'Ask an admin, or use an unprotected label such as staging.';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.guard_admin_changes() IS
    'BEFORE INSERT/UPDATE row trigger of the five config tables (argument: the changelog config_type). Unless the caller is admin it refuses (42501) switching a row off or back on and, on prompts and model configs, giving or taking away a label listed in protected_labels for the row''s project. It fires for the functions and for direct INSERTs and UPDATEs alike.';
CALL agent_loggy.use_vector_schema('agent_loggy.guard_admin_changes()');
REVOKE EXECUTE ON FUNCTION agent_loggy.guard_admin_changes() FROM PUBLIC;
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('prompts', 'prompt'), ('model_configs', 'model_config'),
            ('embedding_configs', 'embedding_config'), ('context_rules', 'context_rule'), ('negate_keys', 'negate_key'))
            AS v(tab, config_type) LOOP
        EXECUTE format('DROP TRIGGER t30_guard_row ON agent_loggy.%I', t.tab);
        EXECUTE format('CREATE TRIGGER t30_guard_admin_changes BEFORE INSERT OR UPDATE ON agent_loggy.%I '
                       'FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_admin_changes(%L)', t.tab, t.config_type);
    END LOOP;
END
$$;
DROP FUNCTION agent_loggy.guard_row();
DROP FUNCTION agent_loggy.is_readable_json_row(jsonb);
DROP FUNCTION agent_loggy.is_readable_json(jsonb);
DROP FUNCTION agent_loggy.content_of(jsonb);
DROP FUNCTION agent_loggy.deleted_state(text, text, text, integer);
DROP FUNCTION agent_loggy.highest_recorded_version(text, text, text);
DROP INDEX agent_loggy.config_changelog_versions_idx;
CREATE INDEX config_changelog_name_idx ON agent_loggy.config_changelog (project, config_type, config_name);

CREATE OR REPLACE FUNCTION agent_loggy.begin_import(p_kind text, p_rows jsonb, p_project text) RETURNS void
    LANGUAGE plpgsql
AS $$
DECLARE
    problems text[];
BEGIN
    PERFORM agent_loggy.checked_project(p_project);
    problems := agent_loggy.import_problems(p_kind, p_rows);
    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'cannot import %: % problem(s) in % row(s), nothing was written',
            replace(p_kind, '_', ' '), cardinality(problems), jsonb_array_length(p_rows)
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = array_to_string(problems, E'\n'),
                  HINT = 'Correct every line listed in the detail and import the whole file again.';
    END IF;
    -- imports into one (table, project) queue here until the holder's transaction ends; in READ
    -- COMMITTED each later statement of the import then sees what the holder committed
    PERFORM pg_advisory_xact_lock(hashtext('agent_loggy.' || p_kind), hashtext(p_project));
END
$$;
COMMENT ON FUNCTION agent_loggy.begin_import(text, jsonb, text) IS
    'First step of import_context_rules / import_negate_keys: checks the project, then every row; when import_problems() finds anything raises SQLSTATE 22023 whose message counts the problems and whose DETAIL lists them, one "line N: reason" per line. Then takes the transaction-level advisory lock of (table, project), so concurrent imports run one after the other.';
CALL agent_loggy.use_vector_schema('agent_loggy.begin_import(text, jsonb, text)');

DROP TRIGGER serialize_writes ON agent_loggy.model_configs;
DROP TRIGGER serialize_writes ON agent_loggy.prompts;
DROP FUNCTION agent_loggy.serialize_writes();
CREATE FUNCTION agent_loggy.serialize_prompt_writes() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM agent_loggy.lock_prompt_writes();
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.serialize_prompt_writes() IS
    'BEFORE INSERT/UPDATE/DELETE statement trigger of prompts: takes the prompt write lock before the statement locks any row.';
CALL agent_loggy.use_vector_schema('agent_loggy.serialize_prompt_writes()');
REVOKE EXECUTE ON FUNCTION agent_loggy.serialize_prompt_writes() FROM PUBLIC;
CREATE TRIGGER serialize_prompt_writes BEFORE INSERT OR UPDATE OR DELETE ON agent_loggy.prompts
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.serialize_prompt_writes();

CREATE OR REPLACE FUNCTION agent_loggy.lock_prompt_writes() RETURNS void
    LANGUAGE sql VOLATILE
    RETURN pg_advisory_xact_lock(hashtextextended('agent_loggy.prompts', 0));
COMMENT ON FUNCTION agent_loggy.lock_prompt_writes() IS
    'Takes the transaction-level advisory lock that serialises every write to agent_loggy.prompts (key hashtextextended(''agent_loggy.prompts'', 0)); held until commit or rollback.';
CALL agent_loggy.use_vector_schema('agent_loggy.lock_prompt_writes()');

CREATE OR REPLACE FUNCTION agent_loggy.pinned_by_0012() RETURNS regprocedure[]
    LANGUAGE sql IMMUTABLE
    RETURN ARRAY[
        'agent_loggy.bound_project()', 'agent_loggy.is_admin()', 'agent_loggy.can_access_project(text)',
        'agent_loggy.check_project_access(text)', 'agent_loggy.checked_project(text)',
        'agent_loggy.check_prompt_args(text, text, text[], boolean)', 'agent_loggy.check_document_target(text, text)',
        'agent_loggy.check_labels(text, text, text[])', 'agent_loggy.checked_embedding_target(text)',
        'agent_loggy.checked_limit(integer)', 'agent_loggy.checked_query_text(text)', 'agent_loggy.checked_tags(text[])',
        'agent_loggy.raise_check_violation(text, text, text, text)', 'agent_loggy.lock_prompt_writes()',
        'agent_loggy.guard_admin_changes()', 'agent_loggy.validate_row()', 'agent_loggy.derive_variables()',
        'agent_loggy.touch_updated_at()', 'agent_loggy.clear_stale_embedding()', 'agent_loggy.move_prompt_labels()',
        'agent_loggy.serialize_prompt_writes()', 'agent_loggy.notify_config_change()',
        'agent_loggy.refuse_changelog_change()', 'agent_loggy.refuse_truncate()',
        'agent_loggy.begin_import(text, jsonb, text)', 'agent_loggy.import_problems(text, jsonb)',
        'agent_loggy.import_context_rules(jsonb, text, boolean)', 'agent_loggy.import_negate_keys(jsonb, text, boolean)',
        'agent_loggy.import_prompts(jsonb, text)',
        'agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text)',
        'agent_loggy.set_prompt_label(text, integer, text, text)', 'agent_loggy.remove_prompt_label(text, text, text)',
        'agent_loggy.rollback_prompt_label(text, text, text)', 'agent_loggy.prompt_label_history(text, text)',
        'agent_loggy.resolve_prompt(text, text, text, integer, text[])', 'agent_loggy.render_prompt(text, jsonb)',
        'agent_loggy.loki_negations(text)', 'agent_loggy.keyword_search_documents(text, text, integer, text[])',
        'agent_loggy.pending_embeddings(text, text, integer, bigint)', 'agent_loggy.pending_embedding_count(text, text)'
    ]::regprocedure[];

DO $$
DECLARE
    fn regprocedure;
    target text;
    body text;
BEGIN
    FOR fn, target IN SELECT * FROM (VALUES
            ('agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text)'::regprocedure, 'p_project'),
            ('agent_loggy.set_prompt_label(text, integer, text, text)'::regprocedure, 'p_project'),
            ('agent_loggy.remove_prompt_label(text, text, text)'::regprocedure, 'p_project'),
            ('agent_loggy.import_prompts(jsonb, text)'::regprocedure, 'target')) AS v LOOP
        body := (SELECT p.prosrc FROM pg_proc AS p WHERE p.oid = fn);
        EXECUTE replace(pg_get_functiondef(fn), body,
                        replace(body, format('PERFORM agent_loggy.lock_writes(''prompts'', %s);', target),
                                'PERFORM agent_loggy.lock_prompt_writes();'));
    END LOOP;
END
$$;

DROP FUNCTION agent_loggy.lock_writes(text, text);
DROP FUNCTION agent_loggy.login_may_write(text);
DROP TABLE agent_loggy.write_locks;
