-- depends: 0005_seed_prompts
-- The prompt registry: one version per label enforced for every writer, resolution, version
-- creation, label moves / rollback / history, rendering, export / import, and NOTIFY on change.
--
-- Concurrency: every statement that writes agent_loggy.prompts first takes one transaction-level
-- advisory lock (lock_prompt_writes). Prompt writes are rare and human-paced; serialising them
-- makes "next version" and "a label leaves its siblings" exact under READ COMMITTED, and,
-- because the lock is taken before any row lock, prompt writers never deadlock each other (a
-- session that row-locks prompts with SELECT ... FOR UPDATE and then writes can deadlock with
-- them: write through the functions or plain UPDATEs instead). Under REPEATABLE READ /
-- SERIALIZABLE a concurrent writer makes these functions fail with a serialization error (retry),
-- never with two versions holding one label.
--
-- Version numbers are never reused: the next version is one above the highest ever recorded
-- for the prompt, deleted versions included, so a version number always means one template.

-- The changelog learns which transaction wrote each row, so that label history can tell a move
-- (one version loses a label while another gains it) from a removal followed by a new label.
ALTER TABLE agent_loggy.config_changelog ADD COLUMN transaction_id xid8;
ALTER TABLE agent_loggy.config_changelog ALTER COLUMN transaction_id SET DEFAULT pg_current_xact_id();
COMMENT ON COLUMN agent_loggy.config_changelog.transaction_id IS
    'Transaction that made the change (NULL for rows written before migration 0006); rows of one transaction form one change.';

-- Argument checks shared by the functions --------------------------------------------------

CREATE FUNCTION agent_loggy.check_prompt_args(
    p_project text, p_name text, p_labels text[] DEFAULT '{}', p_allow_latest boolean DEFAULT false
) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    bad text[];
BEGIN
    IF p_project IS NULL OR NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
            coalesce(quote_literal(p_project), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_name IS NULL OR NOT agent_loggy.is_valid_name(p_name) THEN
        RAISE EXCEPTION 'invalid prompt name %: expected 1-128 characters of letters, digits, _ . : / - starting with a letter or digit',
            coalesce(quote_literal(p_name), 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    bad := agent_loggy.invalid_labels(p_labels);
    IF p_allow_latest THEN
        bad := array_remove(bad, 'latest');
    END IF;
    IF cardinality(bad) > 0 THEN
        RAISE EXCEPTION 'invalid label % for prompt %: %', coalesce(quote_literal(bad[1]), 'NULL'), quote_literal(p_name),
            CASE WHEN bad[1] = 'latest' THEN 'latest is reserved for the highest active version and cannot be stored'
                 ELSE 'a label must match ^[a-z0-9_.-]{1,36}$' END
            USING ERRCODE = 'invalid_parameter_value', CONSTRAINT = 'prompts_labels_check';
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.check_prompt_args(text, text, text[], boolean) IS
    'Raises invalid_parameter_value (22023) naming the first invalid project, prompt name or label (latest allowed when p_allow_latest); label errors carry constraint prompts_labels_check.';

-- Serialised writes and one version per label -----------------------------------------------

CREATE FUNCTION agent_loggy.lock_prompt_writes() RETURNS void
    LANGUAGE sql VOLATILE
    RETURN pg_advisory_xact_lock(hashtextextended('agent_loggy.prompts', 0));
COMMENT ON FUNCTION agent_loggy.lock_prompt_writes() IS
    'Takes the transaction-level advisory lock that serialises every write to agent_loggy.prompts (key hashtextextended(''agent_loggy.prompts'', 0)); held until commit or rollback.';

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

CREATE TRIGGER serialize_prompt_writes BEFORE INSERT OR UPDATE OR DELETE ON agent_loggy.prompts
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.serialize_prompt_writes();
CREATE TRIGGER move_prompt_labels_on_insert AFTER INSERT ON agent_loggy.prompts
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_prompt_labels();
CREATE TRIGGER move_prompt_labels_on_update AFTER UPDATE ON agent_loggy.prompts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.move_prompt_labels();

-- NOTIFY on change ---------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.notify_config_change() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    -- Identical payloads within one transaction are folded into one by PostgreSQL.
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('agent_loggy_config',
            jsonb_build_object('project', OLD.project, 'type', TG_ARGV[0], 'name', OLD.name)::text);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('agent_loggy_config',
            jsonb_build_object('project', NEW.project, 'type', TG_ARGV[0], 'name', NEW.name)::text);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.notify_config_change() IS
    'AFTER row trigger of prompts and model_configs (argument: the config type): NOTIFY agent_loggy_config with {"project", "type", "name"}; listeners receive it only when the transaction commits.';

CREATE TRIGGER notify_config_change AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.prompts
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.notify_config_change('prompt');
CREATE TRIGGER notify_config_change AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.model_configs
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.notify_config_change('model_config');

-- Resolution -----------------------------------------------------------------------------------

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

-- Versions and labels ----------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.create_prompt_version(
    p_name text,
    p_template text,
    p_project text DEFAULT 'default',
    p_labels text[] DEFAULT '{}',
    p_type text DEFAULT NULL,
    p_description text DEFAULT NULL,
    p_usage text DEFAULT NULL,
    p_model text DEFAULT NULL,
    p_parameters jsonb DEFAULT NULL,
    p_created_by text DEFAULT NULL
) RETURNS agent_loggy.prompts
    LANGUAGE plpgsql
AS $$
DECLARE
    prev agent_loggy.prompts;
    created agent_loggy.prompts;
    next_version integer;
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, coalesce(p_labels, '{}'));
    PERFORM agent_loggy.lock_prompt_writes();
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
$$;
COMMENT ON FUNCTION agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text) IS
    'Publishes a new version of a prompt (one above the highest version it ever had, deleted ones included; exact under concurrency) and returns its row. p_type, p_description, p_usage, p_model and p_parameters left NULL keep the previous version''s values; a different p_type is refused. p_labels move to the new version. created_by defaults to agent_loggy.actor, else session_user.';

CREATE FUNCTION agent_loggy.set_prompt_label(
    p_name text, p_version integer, p_label text, p_project text DEFAULT 'default'
) RETURNS agent_loggy.prompts
    LANGUAGE plpgsql
AS $$
DECLARE
    target agent_loggy.prompts;
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, ARRAY[p_label]);
    PERFORM agent_loggy.lock_prompt_writes();
    SELECT * INTO target FROM agent_loggy.prompts AS t
    WHERE t.project = p_project AND t.name = p_name AND t.version = p_version;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'prompt % in project % has no version %', quote_literal(p_name), quote_literal(p_project),
            coalesce(p_version::text, 'NULL') USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT target.is_active THEN
        RAISE EXCEPTION 'version % of prompt % in project % is inactive: label % would resolve to nothing',
            p_version, quote_literal(p_name), quote_literal(p_project), quote_literal(p_label)
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Activate the version first.';
    END IF;
    UPDATE agent_loggy.prompts AS t SET labels = t.labels || p_label
    WHERE t.id = target.id AND NOT t.labels @> ARRAY[p_label]
    RETURNING * INTO target;
    IF NOT FOUND THEN
        SELECT * INTO target FROM agent_loggy.prompts AS t WHERE t.id = target.id;
    END IF;
    RETURN target;
END
$$;
COMMENT ON FUNCTION agent_loggy.set_prompt_label(text, integer, text, text) IS
    'Moves a label to an active version of a prompt (it leaves the version that carried it) and returns that version''s row; a no-op when the version already carries it.';

CREATE FUNCTION agent_loggy.remove_prompt_label(
    p_name text, p_label text, p_project text DEFAULT 'default'
) RETURNS integer
    LANGUAGE plpgsql
AS $$
DECLARE
    removed_from integer;
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, ARRAY[p_label]);
    PERFORM agent_loggy.lock_prompt_writes();  -- before the UPDATE takes its snapshot
    UPDATE agent_loggy.prompts AS t SET labels = array_remove(t.labels, p_label)
    WHERE t.project = p_project AND t.name = p_name AND t.labels @> ARRAY[p_label]
    RETURNING t.version INTO removed_from;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no version of prompt % in project % carries label %',
            quote_literal(p_name), quote_literal(p_project), quote_literal(p_label) USING ERRCODE = 'no_data_found';
    END IF;
    RETURN removed_from;
END
$$;
COMMENT ON FUNCTION agent_loggy.remove_prompt_label(text, text, text) IS
    'Takes a label off the version of a prompt that carries it and returns that version; P0002 when no version carries it.';

CREATE FUNCTION agent_loggy.prompt_label_history(p_name text, p_project text DEFAULT 'default')
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

CREATE FUNCTION agent_loggy.rollback_prompt_label(
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

-- Rendering ----------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.render_prompt(p_template text, p_variables jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
    vars jsonb := coalesce(p_variables, '{}');
    missing text[];
BEGIN
    IF jsonb_typeof(vars) <> 'object' THEN
        RAISE EXCEPTION 'variables must be a JSON object, not %', jsonb_typeof(vars)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    missing := ARRAY(SELECT v FROM unnest(agent_loggy.template_variables(p_template)) AS v WHERE NOT vars ? v);
    IF cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'missing template variables: %', array_to_string(missing, ', ')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The template uses %s; the variables given are %s.',
                                  array_to_string(agent_loggy.template_variables(p_template), ', '),
                                  coalesce((SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(vars) AS k), 'none'));
    END IF;
    -- n matches split the template into n + 1 pieces; piece i is followed by the value of match i.
    RETURN (
        SELECT string_agg(s.piece || coalesce(
                   CASE WHEN m.token[1] = '{{' THEN '{'
                        WHEN m.token[1] = '}}' THEN '}'
                        WHEN jsonb_typeof(vars -> m.token[2]) = 'string' THEN vars ->> m.token[2]
                        ELSE (vars -> m.token[2])::text END, ''),
               '' ORDER BY s.n)
        FROM unnest(regexp_split_to_array(p_template, '\{\{|\}\}|\{[A-Za-z_][A-Za-z0-9_]*\}')) WITH ORDINALITY AS s(piece, n)
        LEFT JOIN regexp_matches(p_template, '(\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\})', 'g') WITH ORDINALITY AS m(token, n)
          ON m.n = s.n);
END
$$;
COMMENT ON FUNCTION agent_loggy.render_prompt(text, jsonb) IS
    'Fills a template: each {identifier} is replaced by its variable (strings as they are, other JSON values as JSON text), {{ and }} become { and }, any other brace stays. Missing variables raise 22023 naming every one of them; extra variables are ignored. Python''s Prompt.compile() gives the same bytes.';

-- Listing, export and import -------------------------------------------------------------------

CREATE FUNCTION agent_loggy.list_prompts(p_project text DEFAULT 'default')
RETURNS TABLE (
    name text, type text, latest_version integer, active_versions integer, labels jsonb, model text,
    updated_at timestamptz
)
    LANGUAGE sql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION agent_loggy.list_prompts(text) IS
    'One row per prompt of a project: type and model of its highest version, highest version, number of active versions, labels as {"label": version}, last change.';

CREATE FUNCTION agent_loggy.export_prompts(p_project text DEFAULT 'default') RETURNS jsonb
    LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'format', 'agent_loggy.prompts',
        'format_version', 1,
        'project', p_project,
        'prompts', coalesce(jsonb_agg(p.doc ORDER BY p.name COLLATE "C"), '[]'))
    FROM (
        SELECT t.name, jsonb_build_object('name', t.name, 'versions', jsonb_agg(jsonb_build_object(
                   'version', t.version, 'type', t.type, 'template', t.template,
                   'description', t.description, 'usage', t.usage, 'model', t.model,
                   'parameters', t.parameters, 'labels', to_jsonb(t.labels), 'is_active', t.is_active,
                   'created_by', t.created_by, 'created_at', t.created_at) ORDER BY t.version)) AS doc
        FROM agent_loggy.prompts AS t
        WHERE t.project = p_project
        GROUP BY t.name
    ) AS p;
$$;
COMMENT ON FUNCTION agent_loggy.export_prompts(text) IS
    'Every version and label of every prompt of a project as one JSON document (format agent_loggy.prompts, format_version 1) that import_prompts() reads; embeddings are not included.';

CREATE FUNCTION agent_loggy.import_prompts(p_document jsonb, p_project text DEFAULT NULL)
RETURNS TABLE (created integer, unchanged integer, relabelled integer)
    LANGUAGE plpgsql
AS $$
#variable_conflict use_column
DECLARE
    target text := coalesce(p_project, p_document ->> 'project');
    problems text[];
    entries jsonb;
    n_created integer;
    n_relabelled integer;
BEGIN
    IF p_document IS NULL OR jsonb_typeof(p_document) <> 'object'
       OR p_document ->> 'format' IS DISTINCT FROM 'agent_loggy.prompts'
       OR p_document -> 'format_version' IS DISTINCT FROM '1'
       OR jsonb_typeof(p_document -> 'prompts') IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'not a prompt export: expected a JSON object with format "agent_loggy.prompts", format_version 1 and a prompts array'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM agent_loggy.check_prompt_args(target, 'x');

    -- The shape first, so that every later step reads well-typed values.
    problems := ARRAY(
        SELECT format('prompts[%s]: %s', e.n - 1, w.why)
        FROM jsonb_array_elements(p_document -> 'prompts') WITH ORDINALITY AS e(value, n)
        CROSS JOIN LATERAL (VALUES
            (CASE WHEN jsonb_typeof(e.value -> 'name') IS DISTINCT FROM 'string' THEN 'name must be a string' END),
            (CASE WHEN jsonb_typeof(e.value -> 'versions') IS DISTINCT FROM 'array'
                       OR jsonb_array_length(e.value -> 'versions') = 0 THEN 'versions must be a non-empty array'
                  WHEN EXISTS (
                      SELECT 1 FROM jsonb_array_elements(e.value -> 'versions') AS v
                      WHERE jsonb_typeof(v) <> 'object'
                         OR jsonb_typeof(v -> 'version') IS DISTINCT FROM 'number' OR (v ->> 'version') !~ '^[0-9]{1,9}$'
                         OR jsonb_typeof(v -> 'template') IS DISTINCT FROM 'string'
                         OR coalesce(jsonb_typeof(v -> 'labels'), 'array') NOT IN ('array', 'null')
                         OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(v -> 'labels') WHEN 'array'
                                                                        THEN v -> 'labels' ELSE '[]' END) AS l
                                    WHERE jsonb_typeof(l) <> 'string')
                         OR coalesce(jsonb_typeof(v -> 'parameters'), 'object') NOT IN ('object', 'null')
                         OR coalesce(jsonb_typeof(v -> 'is_active'), 'boolean') NOT IN ('boolean', 'null'))
                  THEN 'every version needs a whole-number version, a template string, labels as an array of strings, parameters as an object and is_active as a boolean' END)
        ) AS w(why)
        WHERE w.why IS NOT NULL);
    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'prompt import refused, nothing was written: %', array_to_string(problems, '; ')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    PERFORM agent_loggy.lock_prompt_writes();  -- before reading what is there
    SELECT jsonb_agg(v.value || jsonb_build_object('name', e.value -> 'name'))
    INTO entries
    FROM jsonb_array_elements(p_document -> 'prompts') AS e
    CROSS JOIN LATERAL jsonb_array_elements(e.value -> 'versions') AS v;

    problems := ARRAY(
        WITH i AS (
            SELECT r.name, r.version, coalesce(r.type, 'text') AS type, r.template, r.description, r.usage, r.model,
                   coalesce(r.parameters, '{}') AS parameters, coalesce(r.labels, '{}') AS labels,
                   coalesce(r.is_active, true) AS is_active
            FROM jsonb_to_recordset(entries) AS r(name text, version integer, type text, template text,
                description text, usage text, model text, parameters jsonb, labels text[], is_active boolean))
        SELECT format('prompt %s version %s: %s', quote_literal(i.name), i.version, w.why)
        FROM i
        CROSS JOIN LATERAL (VALUES
            (CASE WHEN NOT agent_loggy.is_valid_name(i.name) THEN 'invalid prompt name' END),
            (CASE WHEN i.version < 1 THEN 'version must be a number from 1' END),
            (CASE WHEN cardinality(agent_loggy.invalid_labels(i.labels)) > 0
                  THEN format('invalid labels %s', array_to_string(agent_loggy.invalid_labels(i.labels), ', ', 'NULL')) END),
            (CASE WHEN cardinality(i.labels) > 0 AND NOT i.is_active THEN 'an inactive version cannot carry labels' END),
            (CASE WHEN (SELECT count(*) FROM i AS d WHERE d.name = i.name AND d.version = i.version) > 1
                  THEN 'appears more than once' END),
            (CASE WHEN EXISTS (SELECT 1 FROM i AS d WHERE d.name = i.name AND d.type <> i.type)
                  THEN 'versions of one prompt must share one type' END),
            (CASE WHEN EXISTS (SELECT 1 FROM i AS d WHERE d.name = i.name AND d.version <> i.version
                                                     AND d.labels && i.labels)
                  THEN 'shares a label with another version of the same prompt' END),
            (CASE WHEN EXISTS (SELECT 1 FROM agent_loggy.prompts AS t
                               WHERE t.project = target AND t.name = i.name AND t.version = i.version
                                 AND (t.type, t.template, t.description, t.usage, t.model, t.parameters)
                                     IS DISTINCT FROM (i.type, i.template, i.description, i.usage, i.model, i.parameters))
                  THEN format('differs from version %s already in project %s', i.version, quote_literal(target))
                  WHEN EXISTS (SELECT 1 FROM agent_loggy.prompts AS t
                               WHERE t.project = target AND t.name = i.name AND t.type <> i.type)
                  THEN format('is of type %s but the prompt in project %s is not', i.type, quote_literal(target)) END)
        ) AS w(why)
        WHERE w.why IS NOT NULL
        ORDER BY i.name, i.version);
    IF cardinality(problems) > 0 THEN
        RAISE EXCEPTION 'prompt import refused, nothing was written: %', array_to_string(problems, '; ')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Labels are set on existing versions first, then new versions arrive with theirs; either way
    -- a label leaves the versions that had it.
    UPDATE agent_loggy.prompts AS t
    SET labels = coalesce(i.labels, '{}'), is_active = coalesce(i.is_active, true)
    FROM jsonb_to_recordset(entries) AS i(name text, version integer, labels text[], is_active boolean)
    WHERE t.project = target AND t.name = i.name AND t.version = i.version
      AND (t.labels IS DISTINCT FROM ARRAY(SELECT DISTINCT l COLLATE "C" FROM unnest(coalesce(i.labels, '{}')) AS l ORDER BY 1)
           OR t.is_active IS DISTINCT FROM coalesce(i.is_active, true));
    GET DIAGNOSTICS n_relabelled = ROW_COUNT;

    INSERT INTO agent_loggy.prompts (project, name, version, type, template, description, usage, model, parameters,
                                     labels, is_active, created_by, created_at)
    SELECT target, i.name, i.version, coalesce(i.type, 'text'), i.template, i.description, i.usage, i.model,
           coalesce(i.parameters, '{}'), coalesce(i.labels, '{}'), coalesce(i.is_active, true), i.created_by,
           coalesce(i.created_at, now())
    FROM jsonb_to_recordset(entries) AS i(name text, version integer, type text, template text, description text,
        usage text, model text, parameters jsonb, labels text[], is_active boolean, created_by text,
        created_at timestamptz)
    WHERE NOT EXISTS (SELECT 1 FROM agent_loggy.prompts AS t
                      WHERE t.project = target AND t.name = i.name AND t.version = i.version)
    ORDER BY i.name, i.version;
    GET DIAGNOSTICS n_created = ROW_COUNT;
    RETURN QUERY SELECT n_created, jsonb_array_length(entries) - n_created, n_relabelled;
END
$$;
COMMENT ON FUNCTION agent_loggy.import_prompts(jsonb, text) IS
    'Reads a document written by export_prompts() into project p_project (default: the document''s project): existing versions get the document''s labels and is_active, missing versions are created with their original number, author and time (labels leave other versions). Returns versions created, versions already there, and existing versions whose labels or activity changed. Idempotent. Any invalid entry, or a version that exists with different content, refuses the whole import naming each problem.';
