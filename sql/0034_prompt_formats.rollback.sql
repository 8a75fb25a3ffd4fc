-- Rollback of 0034_prompt_formats: prompts lose syntax, messages, tags and commit_message; every function
-- this migration replaced gets its 0033 definition, grants and comment back.
DO $$ BEGIN PERFORM '[1]'::vector <=> '[1]'::vector; END $$;  -- pgvector loaded (functions with its settings)

-- Refused while a prompt version uses what 0033 cannot render: it would serve those versions as brace text.
DO $$
DECLARE
    n bigint;
BEGIN
    SELECT count(*) INTO n FROM agent_loggy.prompts WHERE syntax <> 'brace' OR messages IS NOT NULL;
    IF n > 0 THEN
        RAISE EXCEPTION 'rollback of 0034_prompt_formats refused: % prompt versions use the mustache syntax or chat messages, which before 0034 would render as brace text', n
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Delete those versions first (agent_loggy_admin), or keep 0034.';
    END IF;
END
$$;

DO $$
DECLARE
    changes text[] := ARRAY[
        ['agent_loggy.export_prompts(text)',
         '''created_by'', t.created_by, ''created_at'', t.created_at) ORDER BY t.version)) AS doc',
         '''created_by'', t.created_by, ''created_at'', t.created_at, ''syntax'', t.syntax, ''messages'', t.messages, ''tags'', to_jsonb(t.tags), ''commit_message'', t.commit_message) ORDER BY t.version)) AS doc'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'OR coalesce(jsonb_typeof(v -> ''is_active''), ''boolean'') NOT IN (''boolean'', ''null''))',
         'OR coalesce(jsonb_typeof(v -> ''is_active''), ''boolean'') NOT IN (''boolean'', ''null'') OR coalesce(jsonb_typeof(v -> ''syntax''), ''null'') NOT IN (''string'', ''null'') OR coalesce(jsonb_typeof(v -> ''messages''), ''null'') NOT IN (''array'', ''null'') OR coalesce(jsonb_typeof(v -> ''commit_message''), ''null'') NOT IN (''string'', ''null'') OR coalesce(jsonb_typeof(v -> ''tags''), ''array'') NOT IN (''array'', ''null'') OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(v -> ''tags'') WHEN ''array'' THEN v -> ''tags'' ELSE ''[]'' END) AS g WHERE jsonb_typeof(g) <> ''string''))'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'labels as an array of strings, parameters as an object and is_active as a boolean',
         'labels and tags as arrays of strings, parameters as an object, is_active as a boolean, syntax and commit_message as strings and messages as an array'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'coalesce(r.is_active, true) AS is_active',
         'coalesce(r.is_active, true) AS is_active, coalesce(r.syntax, ''brace'') AS syntax, r.messages, coalesce(r.tags, ''{}'') AS tags, r.commit_message'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'description text, usage text, model text, parameters jsonb, labels text[], is_active boolean))',
         'description text, usage text, model text, parameters jsonb, labels text[], is_active boolean, syntax text, messages jsonb, tags text[], commit_message text))'],
        ['agent_loggy.import_prompts(jsonb, text)',
         '(CASE WHEN i.version < 1 THEN ''version must be a number from 1'' END),',
         '(CASE WHEN i.version < 1 THEN ''version must be a number from 1'' END), (CASE WHEN i.syntax NOT IN (''brace'', ''mustache'') THEN format(''invalid syntax %s: expected brace or mustache'', quote_literal(i.syntax)) END), (CASE WHEN i.messages IS NOT NULL AND i.type <> ''chat'' THEN format(''has messages but type %s: only chat prompts carry messages'', i.type) ELSE agent_loggy.chat_messages_problem(i.messages) END), (CASE WHEN cardinality(agent_loggy.invalid_tags(i.tags)) > 0 OR cardinality(i.tags) > 64 THEN format(''invalid tags %s (at most 64, each 1-64 characters without leading or trailing spaces, control or invisible characters)'', coalesce(agent_loggy.quoted_tags(agent_loggy.invalid_tags(i.tags)), ''beyond 64'')) END), (CASE WHEN length(i.commit_message) NOT BETWEEN 1 AND 10000 THEN format(''commit message of %s characters: expected 1 to 10000'', length(i.commit_message)) END),'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'AND (t.type, t.template, t.description, t.usage, t.model, t.parameters)',
         'AND (t.type, CASE WHEN t.messages IS NULL THEN t.template END, t.description, t.usage, t.model, t.parameters, t.syntax, t.messages)'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'IS DISTINCT FROM (i.type, i.template, i.description, i.usage, i.model, i.parameters))',
         'IS DISTINCT FROM (i.type, CASE WHEN i.messages IS NULL THEN i.template END, i.description, i.usage, i.model, i.parameters, i.syntax, i.messages))'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'SET labels = coalesce(i.labels, ''{}''), is_active = coalesce(i.is_active, true)',
         'SET labels = coalesce(i.labels, ''{}''), is_active = coalesce(i.is_active, true), tags = coalesce(i.tags, t.tags)'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'FROM jsonb_to_recordset(entries) AS i(name text, version integer, labels text[], is_active boolean)',
         'FROM jsonb_to_recordset(entries) AS i(name text, version integer, labels text[], is_active boolean, tags text[])'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'OR t.is_active IS DISTINCT FROM coalesce(i.is_active, true));',
         'OR t.is_active IS DISTINCT FROM coalesce(i.is_active, true) OR t.tags IS DISTINCT FROM ARRAY(SELECT DISTINCT g COLLATE "C" FROM unnest(coalesce(i.tags, t.tags)) AS g ORDER BY 1));'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'labels, is_active, created_by, created_at)',
         'labels, is_active, created_by, created_at, syntax, messages, tags, commit_message)'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'coalesce(i.created_at, now())',
         'coalesce(i.created_at, now()), coalesce(i.syntax, ''brace''), i.messages, coalesce(i.tags, ''{}''), i.commit_message'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'created_at timestamptz)',
         'created_at timestamptz, syntax text, messages jsonb, tags text[], commit_message text)']];
    fn regprocedure;
    body text;
BEGIN
    FOR i IN REVERSE array_length(changes, 1) .. 1 LOOP
        fn := to_regprocedure(changes[i][1]);
        body := (SELECT p.prosrc FROM pg_catalog.pg_proc AS p WHERE p.oid = fn);
        IF (length(body) - length(replace(body, changes[i][3], ''))) / length(changes[i][3]) <> 1 THEN
            RAISE EXCEPTION '% is not the function 0034 left: % not found exactly once', fn, changes[i][3];
        END IF;
        EXECUTE replace(pg_get_functiondef(fn), changes[i][3], changes[i][2]);
    END LOOP;
END
$$;
COMMENT ON FUNCTION agent_loggy.export_prompts(text) IS
    'Every version and label of every prompt of a project as one JSON document (format agent_loggy.prompts, format_version 1) that import_prompts() reads; embeddings are not included.';
COMMENT ON FUNCTION agent_loggy.import_prompts(jsonb, text) IS
    'Reads a document written by export_prompts() into project p_project (default: the document''s project): existing versions get the document''s labels and is_active, missing versions are created with their original number, author and time (labels leave other versions). Returns versions created, versions already there, and existing versions whose labels or activity changed. Idempotent. Any invalid entry, or a version that exists with different content, refuses the whole import naming each problem.';

DROP FUNCTION agent_loggy.prompt_history(text, text, boolean);
DROP FUNCTION agent_loggy.list_prompts(text, text[]);
DROP FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]);
DROP FUNCTION agent_loggy.resolve_prompt_checked(text, text, text, integer, text[]);
DROP FUNCTION agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text, text, jsonb, text[], text);
DO $$
DECLARE
    fn regprocedure := 'agent_loggy.write_changelog()';
    new text := 'IF changed IS NULL THEN  -- nothing but the embedding column (a fill):';
BEGIN
    IF position(new IN (SELECT p.prosrc FROM pg_catalog.pg_proc AS p WHERE p.oid = fn)) = 0 THEN
        RAISE EXCEPTION '% is not the function 0034 left', fn;
    END IF;
    EXECUTE replace(pg_get_functiondef(fn), new, 'IF changed IS NULL AND NOT embedding_changed THEN');
END
$$;
COMMENT ON FUNCTION agent_loggy.write_changelog() IS
    'AFTER INSERT/UPDATE/DELETE row trigger of the config tables (argument: the config_type). Writes one changelog row per real change: create, delete, label (only labels changed), activate / deactivate (only is_active changed) or update. changed_by is the transaction setting agent_loggy.actor when set and non-empty, else session_user; change_summary comes from agent_loggy.change_summary. SECURITY DEFINER so writers need no INSERT privilege on the changelog; refuses any table but the five config tables, and PUBLIC may not execute it (so nobody can attach it elsewhere).';

DROP FUNCTION agent_loggy.set_prompt_tags(text, integer, text[], text);

DO $$
DECLARE
    fn regprocedure := 'agent_loggy.derive_variables()';
    new text := 'NEW.variables := agent_loggy.prompt_variables(NEW.template, NEW.syntax, NEW.messages);';
BEGIN
    IF position(new IN (SELECT p.prosrc FROM pg_catalog.pg_proc AS p WHERE p.oid = fn)) = 0 THEN
        RAISE EXCEPTION '% is not the function 0034 left', fn;
    END IF;
    EXECUTE replace(pg_get_functiondef(fn), new, 'NEW.variables := agent_loggy.template_variables(NEW.template);');
END
$$;
COMMENT ON FUNCTION agent_loggy.derive_variables() IS
    'BEFORE INSERT/UPDATE trigger of prompts: variables is always derived from template, whatever the writer sent.';

DROP TRIGGER t05_check_prompt_format ON agent_loggy.prompts;
DROP FUNCTION agent_loggy.check_prompt_format();
ALTER TABLE agent_loggy.prompts
    DROP CONSTRAINT prompts_syntax_check, DROP CONSTRAINT prompts_messages_check,
    DROP CONSTRAINT prompts_tags_check, DROP CONSTRAINT prompts_commit_message_check,
    DROP COLUMN syntax, DROP COLUMN messages, DROP COLUMN tags, DROP COLUMN commit_message;
DROP FUNCTION agent_loggy.checked_prompt_tags(text[]);
DROP FUNCTION agent_loggy.quoted_tags(text[]);
DROP FUNCTION agent_loggy.invalid_tags(text[]);
DROP FUNCTION agent_loggy.render_chat(jsonb, jsonb, text);
DROP FUNCTION agent_loggy.prompt_variables(text, text, jsonb);
DROP FUNCTION agent_loggy.chat_template_text(jsonb);
DROP FUNCTION agent_loggy.chat_messages_problem(jsonb);
DROP FUNCTION agent_loggy.render_prompt(text, jsonb, text);
DROP FUNCTION agent_loggy.template_variables(text, text);
DROP FUNCTION agent_loggy.checked_syntax(text);
DROP FUNCTION agent_loggy.template_pattern(text);

-- the 0033 functions again, now that prompts has its 0033 columns (resolve_prompt's body expands prompts.*)
CREATE FUNCTION agent_loggy.list_prompts(p_project text DEFAULT 'default'::text)
 RETURNS TABLE(name text, type text, latest_version integer, active_versions integer, labels jsonb, model text, updated_at timestamp with time zone)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
    SELECT t.name,
           (array_agg(t.type ORDER BY t.version DESC))[1],
           max(t.version),
           (count(*) FILTER (WHERE t.is_active))::integer,
           coalesce((SELECT jsonb_object_agg(l, u.version ORDER BY l COLLATE "C")
                     FROM agent_loggy.prompts AS u CROSS JOIN unnest(u.labels) AS l
                     WHERE u.project = p_project AND u.name = t.name), '{}'),
           (array_agg(t.model ORDER BY t.version DESC))[1],
           max(t.updated_at)
    FROM agent_loggy.prompts AS t
    WHERE t.project = p_project
    GROUP BY t.name
    ORDER BY t.name COLLATE "C";
$function$;
COMMENT ON FUNCTION agent_loggy.list_prompts(text) IS
    'One row per prompt of a project: type and model of its highest version, highest version, number of active versions, labels as {"label": version}, last change.';
CALL agent_loggy.use_vector_schema('agent_loggy.list_prompts(text)');
REVOKE ALL ON FUNCTION agent_loggy.list_prompts(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.list_prompts(text) TO agent_loggy_reader;

CREATE FUNCTION agent_loggy.resolve_prompt_checked(p_name text, p_label text DEFAULT 'production'::text, p_project text DEFAULT 'default'::text, p_version integer DEFAULT NULL::integer, p_fallback_labels text[] DEFAULT '{}'::text[])
 RETURNS TABLE(id bigint, project text, name text, version integer, type text, template text, variables text[], labels text[], model text, parameters jsonb, model_provider text, model_name text, model_parameters jsonb, resolved_label text, model_config_version integer, description text, usage text, is_active boolean, created_by text, created_at timestamp with time zone, updated_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
#variable_conflict use_column
DECLARE
    wanted text[] := ARRAY[p_label] || coalesce(p_fallback_labels, '{}');
    p agent_loggy.prompts;
    m agent_loggy.model_configs;
    got text;
    l text;
BEGIN
    -- The usual call (one label, no version, no fallbacks; unbound, or bound to the project asked
    -- for; valid arguments, so that a bad one is 22023 before any grant is looked at) in one
    -- query. It returns a row only when a stored row matches that row level security lets the
    -- caller read (so the project, or the binding, is granted); otherwise the path below checks
    -- the arguments and the grants and explains.
    IF p_version IS NULL AND cardinality(p_fallback_labels) = 0
       AND p_project = coalesce(nullif(current_setting('agent_loggy.project', true), ''), p_project)
       AND agent_loggy.is_valid_project(p_project) AND agent_loggy.is_valid_name(p_name)
       AND (p_label = 'latest' OR cardinality(agent_loggy.invalid_labels(ARRAY[p_label])) = 0) THEN
        RETURN QUERY
        SELECT t.id, t.project, t.name, t.version, t.type, t.template, t.variables, t.labels, t.model, t.parameters,
               c.model_provider, coalesce(c.model_name, t.model), c.parameters, p_label, c.version,
               t.description, t.usage, t.is_active, t.created_by, t.created_at, t.updated_at
        FROM (SELECT * FROM agent_loggy.prompts AS t
              WHERE t.project = p_project AND t.name = p_name AND t.is_active
                AND (p_label = 'latest' OR t.labels @> ARRAY[p_label])
              ORDER BY t.version DESC
              LIMIT 1) AS t
        LEFT JOIN LATERAL (
            SELECT * FROM agent_loggy.model_configs AS c
            WHERE c.project = t.project AND c.name = t.model AND c.is_active
              AND (c.labels @> ARRAY[p_label] OR NOT EXISTS (  -- a protected label: only its own config
                  SELECT FROM agent_loggy.protected_labels AS pl WHERE pl.project = t.project AND pl.label = p_label))
            ORDER BY c.labels @> ARRAY[p_label] DESC, c.version DESC
            LIMIT 1) AS c ON true;
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;

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
$function$;
CALL agent_loggy.use_vector_schema('agent_loggy.resolve_prompt_checked(text, text, text, integer, text[])');
COMMENT ON FUNCTION agent_loggy.resolve_prompt_checked(text, text, text, integer, text[]) IS
    'resolve_prompt() for the calls its one query does not answer (a version, fallback labels, another project than the bound one, invalid arguments, nothing found): checks the arguments and the binding, then resolves as resolve_prompt() documents; raises 22023, 42501 or P0002 as resolve_prompt() does.';
REVOKE ALL ON FUNCTION agent_loggy.resolve_prompt_checked(text, text, text, integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.resolve_prompt_checked(text, text, text, integer, text[]) TO agent_loggy_reader;
-- pg_catalog alone while the body is parsed; the migration's own search_path back afterwards
DO $$ BEGIN
    PERFORM set_config('agent_loggy.migration_search_path', current_setting('search_path'), true);
    PERFORM set_config('search_path', 'pg_catalog, pg_temp', true);
END $$;
CREATE FUNCTION agent_loggy.resolve_prompt(
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
    LANGUAGE sql STABLE
BEGIN ATOMIC
    WITH usual AS MATERIALIZED (
        SELECT t.id, t.project, t.name, t.version, t.type, t.template, t.variables, t.labels, t.model, t.parameters,
               c.model_provider, coalesce(c.model_name, t.model) AS model_name, c.parameters AS model_parameters,
               p_label AS resolved_label, c.version AS model_config_version,
               t.description, t.usage, t.is_active, t.created_by, t.created_at, t.updated_at
        FROM (SELECT * FROM agent_loggy.prompts AS t
              WHERE p_version IS NULL AND cardinality(p_fallback_labels) = 0
                AND p_project = coalesce(nullif(current_setting('agent_loggy.project', true), ''), p_project)
                AND agent_loggy.is_valid_project(p_project) AND agent_loggy.is_valid_name(p_name)
                AND (p_label = 'latest' OR cardinality(agent_loggy.invalid_labels(ARRAY[p_label])) = 0)
                AND t.project = p_project AND t.name = p_name AND t.is_active
                AND (p_label = 'latest' OR t.labels @> ARRAY[p_label])
              ORDER BY t.version DESC
              LIMIT 1) AS t
        LEFT JOIN LATERAL (
            SELECT * FROM agent_loggy.model_configs AS c
            WHERE c.project = t.project AND c.name = t.model AND c.is_active
              AND (c.labels @> ARRAY[p_label] OR NOT EXISTS (  -- a protected label: only its own config
                  SELECT FROM agent_loggy.protected_labels AS pl WHERE pl.project = t.project AND pl.label = p_label))
            ORDER BY c.labels @> ARRAY[p_label] DESC, c.version DESC
            LIMIT 1) AS c ON true)
    SELECT * FROM usual
    UNION ALL
    SELECT * FROM agent_loggy.resolve_prompt_checked(p_name, p_label, p_project, p_version, p_fallback_labels)
    WHERE NOT EXISTS (SELECT FROM usual);
END;
DO $$ BEGIN
    PERFORM set_config('search_path', current_setting('agent_loggy.migration_search_path'), true);
END $$;
COMMENT ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) IS
    'The one call agents make: the prompt version to use, with its model config. With p_version, exactly that version (even if inactive). Otherwise the active version carrying p_label, then each of p_fallback_labels in order; label latest means the highest active version. Model fields come from the active model_configs row named by the prompt''s model in the same project: for a protected label (protected_labels) only the version carrying that label, so that only an admin changes what it serves; otherwise the version carrying the resolved label if any, else the highest. Without such a config, model_name is the prompt''s model and model_provider is NULL. The usual call (one label, no version, no fallbacks; unbound or bound to p_project) is one query the planner inlines into the caller''s, under row level security; any other call, or one that finds nothing, goes to resolve_prompt_checked(), which checks its arguments and the binding first. Nothing found: SQLSTATE P0002 naming project, prompt and what was asked.';

REVOKE ALL ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) TO agent_loggy_reader;

CREATE FUNCTION agent_loggy.create_prompt_version(p_name text, p_template text, p_project text DEFAULT 'default'::text, p_labels text[] DEFAULT '{}'::text[], p_type text DEFAULT NULL::text, p_description text DEFAULT NULL::text, p_usage text DEFAULT NULL::text, p_model text DEFAULT NULL::text, p_parameters jsonb DEFAULT NULL::jsonb, p_created_by text DEFAULT NULL::text)
 RETURNS agent_loggy.prompts
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $function$
DECLARE
    prev agent_loggy.prompts;
    created agent_loggy.prompts;
    next_version integer;
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, coalesce(p_labels, '{}'));
    PERFORM agent_loggy.lock_writes('prompts', p_project);
    SELECT * INTO prev FROM agent_loggy.prompts AS t
    WHERE t.project = p_project AND t.name = p_name
    ORDER BY t.version DESC
    LIMIT 1;
    next_version := greatest(
        coalesce(prev.version, 0),
        (SELECT max(greatest(c.previous_version, c.new_version)) FROM agent_loggy.config_changelog AS c
         WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name)) + 1;
    IF FOUND AND p_type IS DISTINCT FROM prev.type AND p_type IS NOT NULL THEN
        RAISE EXCEPTION 'prompt % in project % is of type %; version % cannot change it to %',
            quote_literal(p_name), quote_literal(p_project), prev.type, next_version, quote_literal(p_type)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Leave the type out to keep it, or publish under a new name.';
    END IF;
    BEGIN
        INSERT INTO agent_loggy.prompts
            (project, name, version, type, template, description, usage, model, parameters, labels, created_by)
        VALUES (
            p_project, p_name, next_version, coalesce(p_type, prev.type, 'text'), p_template,
            coalesce(p_description, prev.description), coalesce(p_usage, prev.usage), coalesce(p_model, prev.model),
            coalesce(p_parameters, prev.parameters, '{}'), coalesce(p_labels, '{}'),
            coalesce(p_created_by, nullif(current_setting('agent_loggy.actor', true), ''), session_user))
        RETURNING * INTO created;
    EXCEPTION WHEN unique_violation THEN
        IF current_setting('transaction_isolation') = 'read committed' THEN
            RAISE;
        END IF;
        RAISE EXCEPTION 'version % of prompt % in project % was created by a concurrent transaction',
            next_version, quote_literal(p_name), quote_literal(p_project)
            USING ERRCODE = 'serialization_failure', HINT = 'Retry the transaction.';
    END;
    RETURN created;
END
$function$;
CALL agent_loggy.use_vector_schema('agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text)');
COMMENT ON FUNCTION agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text) IS
    'Publishes a new version of a prompt (one above the highest version it ever had, deleted ones included; exact under concurrency) and returns its row. p_type, p_description, p_usage, p_model and p_parameters left NULL keep the previous version''s values; a different p_type is refused. p_labels move to the new version. created_by defaults to agent_loggy.actor, else session_user.';
REVOKE ALL ON FUNCTION agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text) TO agent_loggy_writer;
CREATE OR REPLACE FUNCTION agent_loggy.pinned_by_0012()
 RETURNS regprocedure[]
 LANGUAGE sql
 IMMUTABLE
RETURN ARRAY['agent_loggy.bound_project()'::regprocedure, 'agent_loggy.is_admin()'::regprocedure, 'agent_loggy.can_access_project(text)'::regprocedure, 'agent_loggy.check_project_access(text)'::regprocedure, 'agent_loggy.checked_project(text)'::regprocedure, 'agent_loggy.check_prompt_args(text,text,text[],boolean)'::regprocedure, 'agent_loggy.check_document_target(text,text)'::regprocedure, 'agent_loggy.check_labels(text,text,text[])'::regprocedure, 'agent_loggy.checked_embedding_target(text)'::regprocedure, 'agent_loggy.checked_limit(integer)'::regprocedure, 'agent_loggy.checked_query_text(text)'::regprocedure, 'agent_loggy.checked_tags(text[])'::regprocedure, 'agent_loggy.raise_check_violation(text,text,text,text)'::regprocedure, 'agent_loggy.lock_prompt_writes()'::regprocedure, 'agent_loggy.validate_row()'::regprocedure, 'agent_loggy.derive_variables()'::regprocedure, 'agent_loggy.touch_updated_at()'::regprocedure, 'agent_loggy.clear_stale_embedding()'::regprocedure, 'agent_loggy.refuse_changelog_change()'::regprocedure, 'agent_loggy.refuse_truncate()'::regprocedure, 'agent_loggy.begin_import(text,jsonb,text)'::regprocedure, 'agent_loggy.import_problems(text,jsonb)'::regprocedure, 'agent_loggy.import_context_rules(jsonb,text,boolean)'::regprocedure, 'agent_loggy.import_negate_keys(jsonb,text,boolean)'::regprocedure, 'agent_loggy.import_prompts(jsonb,text)'::regprocedure, 'agent_loggy.create_prompt_version(text,text,text,text[],text,text,text,text,jsonb,text)'::regprocedure, 'agent_loggy.set_prompt_label(text,integer,text,text)'::regprocedure, 'agent_loggy.remove_prompt_label(text,text,text)'::regprocedure, 'agent_loggy.rollback_prompt_label(text,text,text)'::regprocedure, 'agent_loggy.prompt_label_history(text,text)'::regprocedure, 'agent_loggy.resolve_prompt_checked(text,text,text,integer,text[])'::regprocedure, 'agent_loggy.render_prompt(text,jsonb)'::regprocedure, 'agent_loggy.loki_negations(text)'::regprocedure, 'agent_loggy.keyword_search_documents(text,text,integer,text[])'::regprocedure, 'agent_loggy.pending_embeddings(text,text,integer,bigint)'::regprocedure, 'agent_loggy.pending_embedding_count(text,text)'::regprocedure];

