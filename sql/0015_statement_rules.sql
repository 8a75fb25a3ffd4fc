-- depends: 0014_project_grants
-- Rules that hold within a single statement, whatever the caller does to its binding meanwhile,
-- and the holes an attack review found (issue: security, second pass).
--
--   write locks       prompt, model-config, import and document-load writes queue on a row lock
--                     in write_locks, taken only through lock_writes() (writers and admins, for
--                     projects their login may write): pg_advisory_lock, which any login can hold
--                     idle forever, no longer blocks anyone; per project
--   binding per row   guard_row() refuses a non-admin row whose project is not the project bound
--                     at the moment the row is written (a set_config() in RETURNING or WHERE
--                     cannot carry a statement into another project), and every rule's lookups
--                     run on rows of that project
--   labels            one version per label for model configs too; moving labels off sibling
--                     versions runs as the schema owner (move_labels), so it sees every sibling
--                     whatever the binding became
--   protected labels  resolve_prompt() serves a protected label only with the model config that
--                     carries that label (else the bare model name): an unlabelled config a
--                     writer adds cannot change what production serves
--   versions          a version number means one content: a non-admin adds only the next version
--                     (one above the highest ever recorded), nobody re-creates a deleted number
--                     with other content
--   ids               writers cannot choose ids (column INSERT grants without id)
--   JSON              stored JSON nests at most 64 levels below its top
--   vectors           stored and query vectors have a norm between 1e-18 and 1e19, so that
--                     pgvector's single-precision cosine never overflows to NaN
--   history           prompt_label_history() is one set-based query (O(n log n));
--                     rollback_prompt_label() reads it before taking the write lock

-- pinned_by_0012() names the functions 0012 pinned (its rollback unpins them): it stops naming the
-- three this migration replaces, and its rollback names them again.
CREATE OR REPLACE FUNCTION agent_loggy.pinned_by_0012() RETURNS regprocedure[]
    LANGUAGE sql IMMUTABLE
    RETURN ARRAY[
        'agent_loggy.bound_project()', 'agent_loggy.is_admin()', 'agent_loggy.can_access_project(text)',
        'agent_loggy.check_project_access(text)', 'agent_loggy.checked_project(text)',
        'agent_loggy.check_prompt_args(text, text, text[], boolean)', 'agent_loggy.check_document_target(text, text)',
        'agent_loggy.check_labels(text, text, text[])', 'agent_loggy.checked_embedding_target(text)',
        'agent_loggy.checked_limit(integer)', 'agent_loggy.checked_query_text(text)', 'agent_loggy.checked_tags(text[])',
        'agent_loggy.raise_check_violation(text, text, text, text)', 'agent_loggy.lock_prompt_writes()',
        'agent_loggy.validate_row()', 'agent_loggy.derive_variables()',
        'agent_loggy.touch_updated_at()', 'agent_loggy.clear_stale_embedding()', 'agent_loggy.notify_config_change()',
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

-- Write locks --------------------------------------------------------------------------------------------

CREATE TABLE agent_loggy.write_locks (
    kind    text NOT NULL,
    project text NOT NULL,
    CONSTRAINT write_locks_pkey PRIMARY KEY (kind, project)
);
COMMENT ON TABLE agent_loggy.write_locks IS
    'One row per (kind of write, project) whose row lock serialises those writes; locked only through lock_writes(), nobody else has privileges on it.';
COMMENT ON COLUMN agent_loggy.write_locks.kind IS 'What is serialised: prompts, model_configs, context_rules, negate_keys or documents:<source>.';
COMMENT ON COLUMN agent_loggy.write_locks.project IS 'The project whose writes of that kind queue on the row; ''*'' (not a project name) is the queue of unbound admin statements.';

CREATE FUNCTION agent_loggy.login_may_write(p_project text) RETURNS boolean
    LANGUAGE sql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    RETURN pg_catalog.pg_has_role(session_user, 'agent_loggy_admin', 'MEMBER')
        OR pg_catalog.pg_has_role(session_user,
                                  (SELECT n.nspowner FROM pg_catalog.pg_namespace AS n WHERE n.nspname = 'agent_loggy'),
                                  'MEMBER')
        OR (p_project IS NOT NULL AND EXISTS (
            SELECT FROM agent_loggy.project_grants AS g JOIN pg_catalog.pg_roles AS r ON r.rolname = g.grantee
            WHERE g.project = p_project AND g.level = 'write'
              AND pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER')));
COMMENT ON FUNCTION agent_loggy.login_may_write(text) IS
    'True when the login role of this session (session_user) is an admin or the schema owner, or may act as a role granted write on p_project. Used where a function runs as the owner and must still know who logged in.';

CREATE FUNCTION agent_loggy.lock_writes(p_kind text, p_project text) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    queue text := p_project;
BEGIN
    IF p_kind IS NULL OR p_kind !~ '^(prompts|model_configs|context_rules|negate_keys|documents:[A-Za-z0-9][A-Za-z0-9_.:/-]*)$'
       OR length(p_kind) > 140 THEN
        RAISE EXCEPTION 'invalid write lock kind %', quote_nullable(p_kind) USING ERRCODE = 'invalid_parameter_value';
    ELSIF p_project IS NULL THEN
        IF NOT agent_loggy.login_may_write(NULL) THEN
            RAISE EXCEPTION 'writes of % need a bound project', replace(p_kind, '_', ' ')
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'Bind the project first, in the same transaction: SELECT set_config(''agent_loggy.project'', <project>, true).';
        END IF;
        -- an unbound admin statement: unbound admin statements queue on '*' (not a project name), one
        -- at a time, and each row then takes its own project's lock (guard_row)
        queue := '*';
    ELSIF NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %', quote_literal(p_project) USING ERRCODE = 'invalid_parameter_value';
    ELSIF NOT agent_loggy.login_may_write(p_project) THEN
        RAISE EXCEPTION 'permission denied to write project %: login role % holds no write grant for it',
            quote_literal(p_project), quote_ident(session_user::text) USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM FROM agent_loggy.write_locks AS w WHERE w.kind = p_kind AND w.project = queue FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO agent_loggy.write_locks (kind, project) VALUES (p_kind, queue) ON CONFLICT DO NOTHING;
        PERFORM FROM agent_loggy.write_locks AS w WHERE w.kind = p_kind AND w.project = queue FOR UPDATE;
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.lock_writes(text, text) IS
    'Serialises writes of one kind (prompts, model_configs, context_rules, negate_keys, documents:<source>) in project p_project until the transaction ends, with a row lock on write_locks that only this function takes: the login must be an admin or hold a write grant for the project. p_project NULL (an unbound statement) is refused to anyone but an admin; unbound admin statements queue on their own row (project ''*'') and their rows then lock their own projects one by one (guard_row), so an admin never waits for a project the statement does not touch. A login in no group cannot take it at all.';

CREATE OR REPLACE FUNCTION agent_loggy.lock_prompt_writes() RETURNS void
    LANGUAGE sql VOLATILE
    RETURN agent_loggy.lock_writes('prompts', agent_loggy.bound_project());
COMMENT ON FUNCTION agent_loggy.lock_prompt_writes() IS
    'Takes the prompt write lock of the bound project (an unbound admin''s rows lock their own projects; a non-admin must be bound), held until commit or rollback; see lock_writes().';

CREATE FUNCTION agent_loggy.serialize_writes() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM agent_loggy.lock_writes(TG_TABLE_NAME, agent_loggy.bound_project());
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.serialize_writes() IS
    'BEFORE INSERT/UPDATE/DELETE statement trigger of prompts and model_configs: takes the write lock of the bound project (lock_writes) before the statement locks any row.';

DROP TRIGGER serialize_prompt_writes ON agent_loggy.prompts;
DROP FUNCTION agent_loggy.serialize_prompt_writes();
CREATE TRIGGER serialize_writes BEFORE INSERT OR UPDATE OR DELETE ON agent_loggy.prompts
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.serialize_writes();
CREATE TRIGGER serialize_writes BEFORE INSERT OR UPDATE OR DELETE ON agent_loggy.model_configs
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.serialize_writes();

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
    PERFORM agent_loggy.lock_writes(p_kind, p_project);
END
$$;
COMMENT ON FUNCTION agent_loggy.begin_import(text, jsonb, text) IS
    'First step of import_context_rules / import_negate_keys: checks the project, then every row; when import_problems() finds anything raises SQLSTATE 22023 whose message counts the problems and whose DETAIL lists them, one "line N: reason" per line. Then takes the write lock of (table, project) (lock_writes), so concurrent imports run one after the other.';

-- The prompt functions lock the project they write, bound or not (an unbound admin's call of
-- create_prompt_version('x', ..., 'acme') locks acme, even before acme has a lock row).
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
        IF position('PERFORM agent_loggy.lock_prompt_writes();' IN body) = 0 THEN
            RAISE EXCEPTION '% is not the function this migration expects', fn;
        END IF;
        EXECUTE replace(pg_get_functiondef(fn), body,
                        replace(body, 'PERFORM agent_loggy.lock_prompt_writes();',
                                format('PERFORM agent_loggy.lock_writes(''prompts'', %s);', target)));
    END LOOP;
END
$$;

-- Versions -----------------------------------------------------------------------------------------------

DROP INDEX agent_loggy.config_changelog_name_idx;
CREATE INDEX config_changelog_versions_idx ON agent_loggy.config_changelog
    (project, config_type, config_name, (greatest(previous_version, new_version)));

CREATE FUNCTION agent_loggy.highest_recorded_version(p_project text, p_config_type text, p_name text) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT max(greatest(c.previous_version, c.new_version)) FROM agent_loggy.config_changelog AS c
            WHERE c.project = p_project AND c.config_type = p_config_type AND c.config_name = p_name);
COMMENT ON FUNCTION agent_loggy.highest_recorded_version(text, text, text) IS
    'The highest version the changelog ever recorded for a config (deleted versions included); NULL when it has none. Index config_changelog_versions_idx answers it without reading the history.';

CREATE FUNCTION agent_loggy.deleted_state(p_project text, p_config_type text, p_name text, p_version integer) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT CASE WHEN c.change_type = 'delete' THEN c.previous_data END
            FROM agent_loggy.config_changelog AS c
            WHERE c.project = p_project AND c.config_type = p_config_type AND c.config_name = p_name
              AND greatest(c.previous_version, c.new_version) = p_version
            ORDER BY c.id DESC LIMIT 1);
COMMENT ON FUNCTION agent_loggy.deleted_state(text, text, text, integer) IS
    'The row a deleted version of a config had when it was deleted, as the changelog recorded it; NULL when the version exists or never did.';

CREATE FUNCTION agent_loggy.content_of(p_row jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_row - ARRAY['id', 'labels', 'is_active', 'created_at', 'updated_at', 'created_by', 'embedding',
                         'embedding_config_id', 'search_vector', 'variables'];
COMMENT ON FUNCTION agent_loggy.content_of(jsonb) IS
    'What makes a version the version it is: its row without identity, labels, activity, times, author and derived columns.';

-- The guard of every row ---------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.is_readable_json(p_value jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN NOT jsonb_path_exists(p_value, 'strict $.**{65}')
       AND NOT jsonb_path_exists(p_value, 'strict $.** ? (@.type() == "number" && (@ > 1.7976931348623157e308 || @ < -1.7976931348623157e308))');
COMMENT ON FUNCTION agent_loggy.is_readable_json(jsonb) IS
    'True when every client''s decoder can read p_value back (NULL for NULL): no value lies more than 64 levels below its top (Python''s json module gives up near 1000) and every number fits a double (Python refuses integers of over 4300 digits).';

CREATE FUNCTION agent_loggy.is_readable_json_row(p_value jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN NOT jsonb_path_exists(p_value, 'strict $.**{66}')
       AND NOT jsonb_path_exists(p_value, 'strict $.** ? (@.type() == "number" && (@ > 1.7976931348623157e308 || @ < -1.7976931348623157e308))');
COMMENT ON FUNCTION agent_loggy.is_readable_json_row(jsonb) IS
    'is_readable_json for a row as JSON (the changelog''s previous_data / new_data): its columns may hold JSON of 64 levels, one level further down.';

CREATE FUNCTION agent_loggy.is_readable_time(p_time timestamptz) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_time >= '0001-01-01 00:00:00+00' AND p_time < '10000-01-01 00:00:00+00';
COMMENT ON FUNCTION agent_loggy.is_readable_time(timestamptz) IS
    'True when p_time lies in years 1-9999 (NULL for NULL): finite, and within what Python''s datetime and most client libraries read.';

CREATE FUNCTION agent_loggy.guard_row() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    config_type text := TG_ARGV[0];  -- NULL for documents
    admin boolean;  -- asked only when needed: is_admin() costs more than the rest of a document's checks
    bound text := nullif(current_setting('agent_loggy.project', true), '');
    old_row jsonb;
    new_row jsonb;  -- the row without its vector, made only for config tables (a document's costs ~50 µs)
    what text;
    touched text[];
    hit text;
    highest integer;
    earlier jsonb;
BEGIN
    -- the binding when this row is written, whatever it was when the statement began
    IF bound IS DISTINCT FROM NEW.project OR (TG_OP = 'UPDATE' AND bound IS DISTINCT FROM OLD.project) THEN
        admin := agent_loggy.is_admin();
        IF NOT admin THEN
            RAISE EXCEPTION 'permission denied to write % of project %: a transaction writes only the project bound to it when the row is written, and it is bound to %',
                TG_TABLE_NAME, quote_literal(CASE WHEN bound IS DISTINCT FROM NEW.project THEN NEW.project ELSE OLD.project END),
                coalesce(quote_literal(bound), 'none')
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'documents' THEN
        IF NOT agent_loggy.is_readable_json(NEW.metadata) THEN
            PERFORM agent_loggy.raise_check_violation(TG_TABLE_NAME, 'documents_metadata_json_check',
                format('metadata of document %s nests deeper than 64 levels or holds a number beyond double precision', quote_nullable(NEW.external_id)), NULL);
        END IF;
        RETURN NEW;
    END IF;
    admin := coalesce(admin, agent_loggy.is_admin());
    new_row := to_jsonb(NEW) - ARRAY['embedding', 'search_vector'];
    what := format('%s %s in project %s', replace(config_type, '_', ' '),
                   quote_literal(agent_loggy.config_name(config_type, new_row)), quote_literal(NEW.project));
    IF TG_TABLE_NAME IN ('prompts', 'model_configs', 'embedding_configs')
       AND NOT agent_loggy.is_readable_json(new_row -> 'parameters') THEN
        PERFORM agent_loggy.raise_check_violation(TG_TABLE_NAME, TG_TABLE_NAME || '_parameters_json_check',
            format('parameters of %s nest deeper than 64 levels or hold a number beyond double precision', what), NULL);
    END IF;
    IF TG_TABLE_NAME IN ('prompts', 'model_configs') AND agent_loggy.is_valid_project(NEW.project) THEN
        -- the write lock of the row's project, even if the statement started bound elsewhere
        PERFORM agent_loggy.lock_writes(TG_TABLE_NAME, NEW.project);
    END IF;

    IF TG_OP = 'INSERT' THEN
        IF NEW.version > 1000000000 THEN
            PERFORM agent_loggy.raise_check_violation(TG_TABLE_NAME, TG_TABLE_NAME || '_version_check',
                format('invalid version %s of %s: versions stop at 1000000000', NEW.version, what), NULL);
        END IF;
        -- the changelog knows every number ever used; the table also knows the rows this statement
        -- inserted before this one (their changelog rows come at its end)
        IF TG_TABLE_NAME = 'context_rules' THEN
            highest := (SELECT max(t.version) FROM agent_loggy.context_rules AS t
                        WHERE t.project = NEW.project AND t.context = NEW.context);
        ELSIF TG_TABLE_NAME = 'negate_keys' THEN
            highest := (SELECT max(t.version) FROM agent_loggy.negate_keys AS t
                        WHERE t.project = NEW.project AND (t.label, t.operator, t.value) = (NEW.label, NEW.operator, NEW.value));
        ELSIF TG_TABLE_NAME = 'prompts' THEN
            highest := (SELECT max(t.version) FROM agent_loggy.prompts AS t WHERE t.project = NEW.project AND t.name = NEW.name);
        ELSIF TG_TABLE_NAME = 'model_configs' THEN
            highest := (SELECT max(t.version) FROM agent_loggy.model_configs AS t
                        WHERE t.project = NEW.project AND t.name = NEW.name);
        ELSE
            highest := (SELECT max(t.version) FROM agent_loggy.embedding_configs AS t
                        WHERE t.project = NEW.project AND t.name = NEW.name);
        END IF;
        highest := greatest(coalesce(highest, 0), coalesce(agent_loggy.highest_recorded_version(NEW.project,
                            config_type, agent_loggy.config_name(config_type, new_row)), 0));
        IF NEW.version <> highest + 1 AND NOT admin THEN
            -- not a number used before (existing, deleted, renamed away), not a gap: only the next one
            RAISE EXCEPTION 'permission denied to add version % of %: the next version is %; only agent_loggy_admin chooses version numbers',
                NEW.version, what, highest + 1 USING ERRCODE = 'insufficient_privilege',
                HINT = 'A version number always means one content; writers add the next version.';
        ELSIF NEW.version <= highest THEN
            -- a version that exists fails on the unique key; one that was deleted is checked here
            earlier := agent_loggy.deleted_state(NEW.project, config_type, agent_loggy.config_name(config_type, new_row),
                                                 NEW.version);
            IF earlier IS NOT NULL AND agent_loggy.content_of(earlier) IS DISTINCT FROM agent_loggy.content_of(new_row) THEN
                PERFORM agent_loggy.raise_check_violation(TG_TABLE_NAME, TG_TABLE_NAME || '_version_check',
                    format('version %s of %s was deleted with other content: a version number always means one content (the next version is %s)',
                           NEW.version, what, highest + 1),
                    'Publish the new content as a new version.');
            END IF;
        END IF;
    END IF;
    IF admin THEN
        RETURN NEW;
    END IF;

    old_row := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) - ARRAY['embedding', 'search_vector'] END;
    IF old_row IS NOT NULL AND (old_row -> 'is_active') IS DISTINCT FROM (new_row -> 'is_active') THEN
        RAISE EXCEPTION 'permission denied to % version % of %: only agent_loggy_admin may switch versions on or off',
            CASE WHEN (new_row ->> 'is_active')::boolean THEN 'reactivate' ELSE 'deactivate' END,
            old_row ->> 'version', what
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT new_row ? 'labels' THEN
        RETURN NEW;
    END IF;
    -- Labels the row gains or loses; a row moved to another prompt loses all it had. The lookup
    -- reads protected_labels as the caller, bound (checked above) to the row's project.
    IF old_row IS NULL THEN
        touched := ARRAY(SELECT jsonb_array_elements_text(new_row -> 'labels'));
    ELSIF (old_row -> 'name') IS DISTINCT FROM (new_row -> 'name') THEN
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
    WHERE p.project = NEW.project AND p.label = ANY (touched)
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
COMMENT ON FUNCTION agent_loggy.guard_row() IS
    'BEFORE INSERT/UPDATE row trigger of the five config tables (argument: the changelog config_type) and of documents (no argument). For a non-admin, the row (before and after) must belong to the project bound to the transaction at the moment it is written. Everyone: parameters / metadata nest at most 64 levels; prompts and model configs take their project''s write lock; a new version re-using a recorded number must have the recorded content. Non-admins also: only the next version number, no switching on or off, no protected label given, moved or removed. Fires for the functions and for direct INSERT, UPDATE, ON CONFLICT and MERGE alike.';

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('prompts', 'prompt'), ('model_configs', 'model_config'),
            ('embedding_configs', 'embedding_config'), ('context_rules', 'context_rule'), ('negate_keys', 'negate_key'))
            AS v(tab, config_type) LOOP
        EXECUTE format('DROP TRIGGER t30_guard_admin_changes ON agent_loggy.%I', t.tab);
        EXECUTE format('CREATE TRIGGER t30_guard_row BEFORE INSERT OR UPDATE ON agent_loggy.%I '
                       'FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_row(%L)', t.tab, t.config_type);
    END LOOP;
END
$$;
CREATE TRIGGER t30_guard_row BEFORE INSERT OR UPDATE ON agent_loggy.documents
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_row();
DROP FUNCTION agent_loggy.guard_admin_changes();

-- One version per label, prompts and model configs, as the owner ----------------------------------------

CREATE FUNCTION agent_loggy.move_labels() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    grants jsonb;
    clash record;
    what text;
BEGIN
    IF TG_TABLE_SCHEMA <> 'agent_loggy' OR TG_TABLE_NAME NOT IN ('prompts', 'model_configs') THEN
        RAISE EXCEPTION 'move_labels() only serves agent_loggy.prompts and agent_loggy.model_configs, not %.%',
            TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END IF;
    what := CASE TG_TABLE_NAME WHEN 'prompts' THEN 'prompt' ELSE 'model config' END;
    -- A grant is a label a row carries after the statement but did not carry before (as that config).
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
        PERFORM agent_loggy.raise_check_violation(TG_TABLE_NAME, TG_TABLE_NAME || '_one_version_per_label_check',
            format('label %s was given to versions %s of %s %s in project %s at once: a label marks exactly one version',
                   quote_literal(clash.label), clash.versions, what, quote_literal(clash.name), quote_literal(clash.project)),
            'Give the label to one version; it leaves the others by itself.');
    END IF;

    IF current_setting('transaction_isolation') <> 'read committed' THEN
        -- Fail with a serialization error if a sibling changed after this transaction's snapshot.
        EXECUTE format('SELECT 1 FROM agent_loggy.%I AS p JOIN jsonb_to_recordset($1) AS g(id bigint, project text, name text) '
                       'ON p.project = g.project AND p.name = g.name AND p.id <> g.id FOR NO KEY UPDATE OF p', TG_TABLE_NAME)
            USING grants;
    END IF;

    EXECUTE format($update$
        UPDATE agent_loggy.%1$I AS p
        SET labels = ARRAY(
            SELECT l FROM unnest(p.labels) AS l
            WHERE NOT EXISTS (
                SELECT 1 FROM jsonb_to_recordset($1) AS g(id bigint, project text, name text, label text)
                WHERE g.project = p.project AND g.name = p.name AND g.label = l AND g.id <> p.id
                  AND EXISTS (SELECT 1 FROM agent_loggy.%1$I AS giver WHERE giver.id = g.id AND g.label = ANY (giver.labels))))
        WHERE EXISTS (
            SELECT 1 FROM jsonb_to_recordset($1) AS g(id bigint, project text, name text, label text)
            WHERE g.project = p.project AND g.name = p.name AND g.id <> p.id AND g.label = ANY (p.labels)
              -- a grant an earlier trigger of the same statement took back (MERGE: its INSERT
              -- and UPDATE parts each fire this trigger) moves nothing: the label stays where it is
              AND EXISTS (SELECT 1 FROM agent_loggy.%1$I AS giver WHERE giver.id = g.id AND g.label = ANY (giver.labels)))$update$,
        TG_TABLE_NAME) USING grants;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.move_labels() IS
    'AFTER INSERT/UPDATE statement trigger of prompts and model_configs: a label given to a version is removed from every other version of the same config in the same transaction (each removal is a changelog row of its own, written after the grant); giving one label to two versions in one statement is refused. Runs as the schema owner, so it sees every sibling whatever the caller''s binding is by then; it refuses to serve any other table, and nobody may execute it directly.';

DROP TRIGGER move_prompt_labels_on_insert ON agent_loggy.prompts;
DROP TRIGGER move_prompt_labels_on_update ON agent_loggy.prompts;
DROP FUNCTION agent_loggy.move_prompt_labels();
CREATE TRIGGER move_labels_on_insert AFTER INSERT ON agent_loggy.prompts
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_labels();
CREATE TRIGGER move_labels_on_update AFTER UPDATE ON agent_loggy.prompts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_labels();
CREATE TRIGGER move_labels_on_insert AFTER INSERT ON agent_loggy.model_configs
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_labels();
CREATE TRIGGER move_labels_on_update AFTER UPDATE ON agent_loggy.model_configs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_labels();

-- Model configs already carrying one label on several versions keep it on the highest, which is
-- the version resolve_prompt() served; and a protected label that served a model config without
-- carrying it goes onto the config it served, so the migration changes nothing that is served.
DO $$
BEGIN
    PERFORM set_config('agent_loggy.actor', 'migration 0015_statement_rules', true),
            set_config('agent_loggy.change_summary',
                       'one version per label for model configs; protected labels name their model config', true);
END
$$;

UPDATE agent_loggy.model_configs AS c
SET labels = ARRAY(SELECT l FROM unnest(c.labels) AS l
                   WHERE NOT EXISTS (SELECT FROM agent_loggy.model_configs AS h
                                     WHERE h.project = c.project AND h.name = c.name AND h.version > c.version
                                       AND h.labels @> ARRAY[l]))
WHERE EXISTS (SELECT FROM agent_loggy.model_configs AS h, unnest(c.labels) AS l
              WHERE h.project = c.project AND h.name = c.name AND h.version > c.version AND h.labels @> ARRAY[l]);

UPDATE agent_loggy.model_configs AS c
SET labels = c.labels || s.label
FROM (
    SELECT DISTINCT ON (m.project, m.name, pl.label) m.id, pl.label
    FROM agent_loggy.protected_labels AS pl
    JOIN agent_loggy.prompts AS p ON p.project = pl.project AND p.is_active AND p.labels @> ARRAY[pl.label]
    JOIN agent_loggy.model_configs AS m ON m.project = p.project AND m.name = p.model AND m.is_active
    WHERE NOT EXISTS (SELECT FROM agent_loggy.model_configs AS x
                      WHERE x.project = m.project AND x.name = m.name AND x.is_active AND x.labels @> ARRAY[pl.label])
    ORDER BY m.project, m.name, pl.label, m.version DESC
) AS s
WHERE c.id = s.id;

DO $$
BEGIN
    PERFORM set_config('agent_loggy.actor', '', true), set_config('agent_loggy.change_summary', '', true);
END
$$;

-- Resolution: what a protected label serves -------------------------------------------------------------

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
        IF EXISTS (SELECT FROM agent_loggy.protected_labels AS pl WHERE pl.project = p.project AND pl.label = got) THEN
            -- only an admin can put a protected label on a model config: nothing else is served with it
            SELECT * INTO m FROM agent_loggy.model_configs AS c
            WHERE c.project = p.project AND c.name = p.model AND c.is_active AND c.labels @> ARRAY[got];
        ELSE
            SELECT * INTO m FROM agent_loggy.model_configs AS c
            WHERE c.project = p.project AND c.name = p.model AND c.is_active
            ORDER BY c.labels @> ARRAY[coalesce(got, p_label)] DESC, c.version DESC
            LIMIT 1;
        END IF;
    END IF;

    RETURN QUERY SELECT
        p.id, p.project, p.name, p.version, p.type, p.template, p.variables, p.labels, p.model, p.parameters,
        m.model_provider, coalesce(m.model_name, p.model), m.parameters, got, m.version,
        p.description, p.usage, p.is_active, p.created_by, p.created_at, p.updated_at;
END
$$;
COMMENT ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) IS
    'The one call agents make: the prompt version to use, with its model config. With p_version, exactly that version (even if inactive). Otherwise the active version carrying p_label, then each of p_fallback_labels in order; label latest means the highest active version. Model fields come from the active model_configs row named by the prompt''s model in the same project: for a protected label (protected_labels) only the version carrying that label, so that only an admin changes what it serves; otherwise the version carrying the resolved label if any, else the highest. Without such a config, model_name is the prompt''s model and model_provider is NULL. Nothing found: SQLSTATE P0002 naming project, prompt and what was asked.';

-- Label history in one query, and a rollback that reads it outside the lock --------------------------------

CREATE OR REPLACE FUNCTION agent_loggy.prompt_label_history(p_name text, p_project text DEFAULT 'default')
RETURNS TABLE (
    changelog_id bigint, label text, from_version integer, to_version integer,
    changed_by text, changed_at timestamptz, change_summary text
)
    LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_column
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name);
    RETURN QUERY
    WITH c AS (
        SELECT c.id, coalesce(c.transaction_id::text, 'row ' || c.id) AS tx, c.changed_by, c.changed_at,
               c.change_summary, (coalesce(c.new_data, c.previous_data) ->> 'version')::integer AS version,
               coalesce(c.previous_data -> 'labels', '[]') AS before, coalesce(c.new_data -> 'labels', '[]') AS after
        FROM agent_loggy.config_changelog AS c
        WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name
    ), gains AS (
        SELECT c.id, c.tx, l.label, c.version, c.changed_by, c.changed_at, c.change_summary
        FROM c CROSS JOIN jsonb_array_elements_text(c.after) AS l(label)
        WHERE NOT c.before ? l.label
    ), events AS (
        -- a label is gained: it holds the gaining version from now on
        SELECT g.id, g.label, g.version AS holder, g.version AS to_version, NULL::integer AS lost_by,
               g.changed_by, g.changed_at, g.change_summary
        FROM gains AS g
        UNION ALL
        -- a label is lost in a transaction that gave it to no other version: a removal
        SELECT c.id, l.label, NULL, NULL, c.version, c.changed_by, c.changed_at, c.change_summary
        FROM c CROSS JOIN jsonb_array_elements_text(c.before) AS l(label)
        WHERE NOT c.after ? l.label
          AND NOT EXISTS (SELECT FROM gains AS g WHERE g.tx = c.tx AND g.label = l.label)
    )
    SELECT e.id, e.label, coalesce(e.lost_by, lag(e.holder) OVER (PARTITION BY e.label ORDER BY e.id)),
           e.to_version, e.changed_by, e.changed_at, e.change_summary
    FROM events AS e
    ORDER BY e.id, e.label COLLATE "C";
    IF NOT FOUND
       AND NOT EXISTS (SELECT 1 FROM agent_loggy.prompts AS t WHERE t.project = p_project AND t.name = p_name) THEN
        RAISE EXCEPTION 'no prompt named % in project %', quote_literal(p_name), quote_literal(p_project)
            USING ERRCODE = 'no_data_found';
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.prompt_label_history(text, text) IS
    'Every label move of a prompt, in the order they happened, rebuilt from the changelog in one query (window functions: O(n log n) in the changelog rows of the prompt): the label, the version it left (NULL when new) and the version it went to (NULL when removed), who, when and why. Within one transaction a label that one version lost and another gained is one move. A prompt renamed by a direct UPDATE starts a new history under its new name.';

CREATE OR REPLACE FUNCTION agent_loggy.rollback_prompt_label(
    p_name text, p_label text DEFAULT 'production', p_project text DEFAULT 'default'
) RETURNS integer
    LANGUAGE plpgsql
AS $$
DECLARE
    last_move record;
    seen bigint;
    newest bigint;
    locked boolean := false;
    summary text := nullif(current_setting('agent_loggy.change_summary', true), '');
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, ARRAY[p_label]);
    -- The history is read before the write lock is taken, so a long one never holds up other
    -- writers; under the lock, it is read again only if the prompt changed in between.
    LOOP
        seen := (SELECT max(c.id) FROM agent_loggy.config_changelog AS c
                 WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name);
        SELECT h.from_version, h.to_version INTO last_move
        FROM agent_loggy.prompt_label_history(p_name, p_project) AS h
        WHERE h.label = p_label
        ORDER BY h.changelog_id DESC
        LIMIT 1;
        EXIT WHEN locked;
        PERFORM agent_loggy.lock_writes('prompts', p_project);
        locked := true;
        newest := (SELECT max(c.id) FROM agent_loggy.config_changelog AS c
                   WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name);
        EXIT WHEN newest IS NOT DISTINCT FROM seen;
    END LOOP;
    IF last_move IS NULL THEN
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
    'Puts a label back on the version that held it before its last move (read from the changelog, before the write lock is taken) and returns that version; a second rollback undoes the first. The changelog summary defaults to "rollback of label L to version N".';

-- Document loads queue on write locks ---------------------------------------------------------------------

-- A rebuild waits at most 10 s for documents to itself (DROP INDEX): an idle reader's transaction
-- would otherwise hold it up for ever, and every search queued behind it.
DO $$
DECLARE
    body text := (SELECT p.prosrc FROM pg_proc AS p
                  WHERE p.oid = 'agent_loggy.load_staged_documents(text, text, bigint, boolean)'::regprocedure);
    old_lock text := 'PERFORM pg_advisory_xact_lock(hashtextextended(''agent_loggy.documents:'' || p_project || '':'' || p_source, 0));';
    new_lock text := 'PERFORM agent_loggy.lock_writes(''documents:'' || p_source, p_project);';
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
    IF position(old_lock IN body) = 0 OR position(old_drop IN body) = 0 THEN
        RAISE EXCEPTION 'load_staged_documents() is not the function 0010 created: its locks cannot be replaced';
    END IF;
    EXECUTE format('CREATE OR REPLACE FUNCTION agent_loggy.load_staged_documents(p_project text, p_source text, '
                   'p_embedding_config_id bigint DEFAULT NULL, p_rebuild_index boolean DEFAULT NULL) '
                   'RETURNS TABLE (inserted bigint, updated bigint, unchanged bigint, index_rebuilt boolean) '
                   'LANGUAGE plpgsql AS %L', replace(replace(body, old_lock, new_lock), old_drop, new_drop));
END
$$;

-- Stored JSON and vectors ------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.is_searchable_vector(p_vector vector) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN vector_norm(p_vector) BETWEEN 1e-18 AND 1e19;
COMMENT ON FUNCTION agent_loggy.is_searchable_vector(vector) IS
    'True when p_vector''s norm lies between 1e-18 and 1e19: pgvector computes cosine distance in single precision, where larger vectors overflow and smaller ones underflow to a zero norm, and the distance becomes NaN. NULL for NULL.';

DO $$
DECLARE
    bad text;
BEGIN
    SELECT string_agg(format('%s: %s row(s)', t.what, t.n), ', ') INTO bad
    FROM (
        SELECT 'prompts.parameters' AS what, count(*) AS n FROM agent_loggy.prompts WHERE NOT agent_loggy.is_readable_json(parameters)
        UNION ALL SELECT 'model_configs.parameters', count(*) FROM agent_loggy.model_configs WHERE NOT agent_loggy.is_readable_json(parameters)
        UNION ALL SELECT 'embedding_configs.parameters', count(*) FROM agent_loggy.embedding_configs WHERE NOT agent_loggy.is_readable_json(parameters)
        UNION ALL SELECT 'documents.metadata', count(*) FROM agent_loggy.documents WHERE NOT agent_loggy.is_readable_json(metadata)
        UNION ALL SELECT 'prompts.embedding', count(*) FROM agent_loggy.prompts WHERE NOT agent_loggy.is_searchable_vector(embedding)
        UNION ALL SELECT 'context_rules.embedding', count(*) FROM agent_loggy.context_rules WHERE NOT agent_loggy.is_searchable_vector(embedding)
        UNION ALL SELECT 'documents.embedding', count(*) FROM agent_loggy.documents WHERE NOT agent_loggy.is_searchable_vector(embedding)
        UNION ALL SELECT format('%s.created_at / updated_at', t.tab), t.n FROM (
            SELECT 'prompts' AS tab, count(*) AS n FROM agent_loggy.prompts
            WHERE NOT (agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))
            UNION ALL SELECT 'model_configs', count(*) FROM agent_loggy.model_configs
            WHERE NOT (agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))
            UNION ALL SELECT 'embedding_configs', count(*) FROM agent_loggy.embedding_configs
            WHERE NOT (agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))
            UNION ALL SELECT 'context_rules', count(*) FROM agent_loggy.context_rules
            WHERE NOT (agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))
            UNION ALL SELECT 'negate_keys', count(*) FROM agent_loggy.negate_keys
            WHERE NOT (agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))
            UNION ALL SELECT 'documents', count(*) FROM agent_loggy.documents
            WHERE NOT (agent_loggy.is_readable_time(created_at) AND agent_loggy.is_readable_time(updated_at))) AS t
    ) AS t
    WHERE t.n > 0;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'stored values break the new limits (JSON deeper than 64 levels or with numbers beyond double precision, times outside years 1-9999, vector norms outside 1e-18 .. 1e19): %', bad
            USING ERRCODE = 'check_violation',
                  HINT = 'Flatten the JSON and set such embeddings to NULL (embed recomputes them), then migrate again.';
    END IF;
END
$$;

ALTER TABLE agent_loggy.prompts ADD CONSTRAINT prompts_parameters_json_check
    CHECK (agent_loggy.is_readable_json(parameters));
ALTER TABLE agent_loggy.model_configs ADD CONSTRAINT model_configs_parameters_json_check
    CHECK (agent_loggy.is_readable_json(parameters));
ALTER TABLE agent_loggy.embedding_configs ADD CONSTRAINT embedding_configs_parameters_json_check
    CHECK (agent_loggy.is_readable_json(parameters));
ALTER TABLE agent_loggy.documents ADD CONSTRAINT documents_metadata_json_check
    CHECK (agent_loggy.is_readable_json(metadata));
ALTER TABLE agent_loggy.config_changelog ADD CONSTRAINT config_changelog_data_json_check
    CHECK (agent_loggy.is_readable_json_row(previous_data) AND agent_loggy.is_readable_json_row(new_data));
ALTER TABLE agent_loggy.prompts ADD CONSTRAINT prompts_embedding_check
    CHECK (agent_loggy.is_searchable_vector(embedding));
ALTER TABLE agent_loggy.context_rules ADD CONSTRAINT context_rules_embedding_check
    CHECK (agent_loggy.is_searchable_vector(embedding));
ALTER TABLE agent_loggy.documents DROP CONSTRAINT documents_embedding_check;
ALTER TABLE agent_loggy.documents ADD CONSTRAINT documents_embedding_check
    CHECK (agent_loggy.is_searchable_vector(embedding));
DO $$
DECLARE
    t text;
BEGIN
    -- writers may set created_at (import_prompts keeps a version's original time): a time no client
    -- can read back ('infinity', year 20000) would break every later read of the row
    FOREACH t IN ARRAY ARRAY['prompts', 'model_configs', 'embedding_configs', 'context_rules', 'negate_keys',
                             'documents'] LOOP
        EXECUTE format('ALTER TABLE agent_loggy.%I ADD CONSTRAINT %I CHECK (agent_loggy.is_readable_time(created_at) '
                       'AND agent_loggy.is_readable_time(updated_at))', t, t || '_times_check');
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
    ELSIF NOT agent_loggy.is_searchable_vector(p_query) THEN
        RAISE EXCEPTION 'query vector has norm %: expected a norm between 1e-18 and 1e19 (single-precision cosine overflows beyond)',
            vector_norm(p_query) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_query;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_query_vector(vector) IS
    'Returns p_query when it can be searched with (384 dimensions, a norm between 1e-18 and 1e19: not all zeros, no single-precision overflow), else raises SQLSTATE 22023 naming what is wrong.';

DO $$
DECLARE
    fn regprocedure;
    replacements text[][] := ARRAY[
        -- staged documents: the same bounds, reported by line
        ARRAY['agent_loggy.staged_document_problems(integer)',
              'WHEN vector_norm(s.embedding) = 0 THEN ''embedding is all zeros''',
              'WHEN vector_norm(s.embedding) = 0 THEN ''embedding is all zeros''
                WHEN NOT agent_loggy.is_searchable_vector(s.embedding) THEN
                    format(''embedding has norm %s: expected a norm between 1e-18 and 1e19'', vector_norm(s.embedding))
                WHEN NOT agent_loggy.is_readable_json(s.metadata) THEN ''metadata nests deeper than 64 levels or holds a number beyond double precision'''],
        ARRAY['agent_loggy.store_embeddings(text, bigint[], text[], vector[], bigint)',
              'WHERE e IS NULL OR vector_dims(e) <> 384 OR vector_norm(e) = 0) THEN
        RAISE EXCEPTION ''store_embeddings needs embeddings of 384 dimensions, not all zeros''',
              'WHERE e IS NULL OR vector_dims(e) <> 384 OR NOT agent_loggy.is_searchable_vector(e)) THEN
        RAISE EXCEPTION ''store_embeddings needs embeddings of 384 dimensions with a norm between 1e-18 and 1e19''']];
    body text;
    def text;
BEGIN
    FOR i IN 1 .. array_length(replacements, 1) LOOP
        fn := replacements[i][1]::regprocedure;
        body := (SELECT p.prosrc FROM pg_proc AS p WHERE p.oid = fn);
        IF position(replacements[i][2] IN body) = 0 THEN
            RAISE EXCEPTION '% is not the function this migration expects', fn;
        END IF;
        def := pg_get_functiondef(fn);
        -- the definition with the new body; its SET search_path clause stays as it was
        EXECUTE replace(def, body, replace(body, replacements[i][2], replacements[i][3]));
    END LOOP;
END
$$;

-- Writers cannot choose ids ------------------------------------------------------------------------------------

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
        EXECUTE format('REVOKE INSERT ON agent_loggy.%I FROM agent_loggy_writer', t);
        EXECUTE format('GRANT INSERT (%s) ON agent_loggy.%I TO agent_loggy_writer', cols, t);
    END LOOP;
END
$$;

-- Privileges and search_path ---------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    agent_loggy.login_may_write(text), agent_loggy.lock_writes(text, text), agent_loggy.serialize_writes(),
    agent_loggy.highest_recorded_version(text, text, text), agent_loggy.deleted_state(text, text, text, integer),
    agent_loggy.content_of(jsonb), agent_loggy.is_readable_json(jsonb), agent_loggy.is_readable_json_row(jsonb),
    agent_loggy.is_readable_time(timestamptz), agent_loggy.guard_row(), agent_loggy.move_labels(),
    agent_loggy.is_searchable_vector(vector)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    agent_loggy.highest_recorded_version(text, text, text), agent_loggy.deleted_state(text, text, text, integer),
    agent_loggy.content_of(jsonb), agent_loggy.is_readable_json(jsonb), agent_loggy.is_readable_json_row(jsonb),
    agent_loggy.is_readable_time(timestamptz), agent_loggy.is_searchable_vector(vector)
    TO agent_loggy_reader;
GRANT EXECUTE ON FUNCTION agent_loggy.login_may_write(text), agent_loggy.lock_writes(text, text)
    TO agent_loggy_writer;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY[
            'agent_loggy.lock_prompt_writes()', 'agent_loggy.serialize_writes()', 'agent_loggy.begin_import(text, jsonb, text)',
            'agent_loggy.highest_recorded_version(text, text, text)', 'agent_loggy.deleted_state(text, text, text, integer)',
            'agent_loggy.guard_row()', 'agent_loggy.resolve_prompt(text, text, text, integer, text[])',
            'agent_loggy.prompt_label_history(text, text)', 'agent_loggy.rollback_prompt_label(text, text, text)',
            'agent_loggy.load_staged_documents(text, text, bigint, boolean)',
            'agent_loggy.checked_query_vector(vector)']::regprocedure[] LOOP
        CALL agent_loggy.use_vector_schema(f);
    END LOOP;
END
$$;
