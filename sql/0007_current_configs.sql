-- depends: 0006_prompt_registry
-- Current configs and CSV imports.
--   current_model_configs, current_embedding_configs, current_context_rules,
--   current_negate_keys   views: per project and natural key, the highest ACTIVE version
--   loki_negations()      the current negate keys as a LogQL label-matcher list
--   import_problems()     what is wrong with a batch of imported rows (a dry run)
--   import_context_rules(), import_negate_keys()
--                         all-or-nothing imports: validate every row first, then write new
--                         versions under a per (table, project) advisory lock
-- Every function runs in the caller's transaction and as the caller (no SECURITY DEFINER);
-- the views are security_invoker so row level security will apply to whoever reads them.

-- Current versions -------------------------------------------------------------------------

CREATE VIEW agent_loggy.current_model_configs WITH (security_invoker = true) AS
SELECT DISTINCT ON (project, name)
       id, project, name, version, model_provider, model_name, parameters, labels, created_at, updated_at
FROM agent_loggy.model_configs
WHERE is_active
ORDER BY project, name, version DESC;
COMMENT ON VIEW agent_loggy.current_model_configs IS
    'The current version of every model config: per (project, name) the highest active version. An inactive highest version is passed over in favour of the highest active one below it.';

CREATE VIEW agent_loggy.current_embedding_configs WITH (security_invoker = true) AS
SELECT DISTINCT ON (project, name)
       id, project, name, version, embedding_model, dimensions, chunk_size, chunk_overlap, chunking_strategy,
       parameters, created_at, updated_at
FROM agent_loggy.embedding_configs
WHERE is_active
ORDER BY project, name, version DESC;
COMMENT ON VIEW agent_loggy.current_embedding_configs IS
    'The current version of every embedding config: per (project, name) the highest active version.';

CREATE VIEW agent_loggy.current_context_rules WITH (security_invoker = true) AS
SELECT DISTINCT ON (project, context)
       id, project, context, version, important, ignore, description, embedding, created_at, updated_at
FROM agent_loggy.context_rules
WHERE is_active
ORDER BY project, context, version DESC;
COMMENT ON VIEW agent_loggy.current_context_rules IS
    'The current version of every context rule: per (project, context) the highest active version.';

CREATE VIEW agent_loggy.current_negate_keys WITH (security_invoker = true) AS
SELECT DISTINCT ON (project, label, operator, value)
       id, project, label, operator, value, version, created_at, updated_at
FROM agent_loggy.negate_keys
WHERE is_active
ORDER BY project, label, operator, value, version DESC;
COMMENT ON VIEW agent_loggy.current_negate_keys IS
    'The Loki exclusions in force: per (project, label, operator, value) the highest active version. A key with no active version is not in force.';

-- Loki exclusions as LogQL ------------------------------------------------------------------

CREATE FUNCTION agent_loggy.checked_project(p_project text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
BEGIN
    IF p_project IS NULL OR NOT agent_loggy.is_valid_project(p_project) THEN
        RAISE EXCEPTION 'invalid project %: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
            quote_nullable(p_project)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_project;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_project(text) IS
    'Returns p_project when it is a valid project name, else raises SQLSTATE 22023 naming the value and what was expected. Functions taking a project argument call it first.';

CREATE FUNCTION agent_loggy.logql_string(p_value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN '"' || replace(replace(replace(replace(replace(
               p_value, '\', '\\'), '"', '\"'), E'\n', '\n'), E'\r', '\r'), E'\t', '\t') || '"';
COMMENT ON FUNCTION agent_loggy.logql_string(text) IS
    'p_value as a double-quoted LogQL string (a Go string literal): backslash and double quote are escaped with a backslash, newline, carriage return and tab become \n, \r and \t.';

CREATE FUNCTION agent_loggy.loki_negations(p_project text DEFAULT 'default') RETURNS text
    LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
    PERFORM agent_loggy.checked_project(p_project);
    RETURN (
        SELECT coalesce(string_agg(k.label || k.operator || agent_loggy.logql_string(k.value), ', '
                                   ORDER BY k.label COLLATE "C", k.operator COLLATE "C", k.value COLLATE "C"), '')
        FROM agent_loggy.current_negate_keys AS k
        WHERE k.project = p_project);
END
$$;
COMMENT ON FUNCTION agent_loggy.loki_negations(text) IS
    'The current negate keys of a project as a LogQL label-matcher list to add to a stream selector, e.g. service!="healthcheck", path!~"/metrics.*"; sorted bytewise by label, operator, value; values quoted by logql_string(). Empty string when the project has none; an invalid project name raises SQLSTATE 22023.';

-- Imports -----------------------------------------------------------------------------------

CREATE TYPE agent_loggy.import_summary AS (
    created     integer,
    updated     integer,
    unchanged   integer,
    deactivated integer
);
COMMENT ON TYPE agent_loggy.import_summary IS
    'What an import did: created = keys seen for the first time (version 1); updated = new versions of keys that had versions already (changed content, or no active version left); unchanged = rows identical to the current version; deactivated = active rows switched off because their key was absent from the file.';

CREATE FUNCTION agent_loggy.import_problems(p_kind text, p_rows jsonb) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    columns text[] := CASE p_kind
        WHEN 'context_rules' THEN ARRAY['context', 'important', 'ignore', 'description']
        WHEN 'negate_keys' THEN ARRAY['label', 'operator', 'value'] END;
    optional text[] := CASE p_kind WHEN 'context_rules' THEN ARRAY['important', 'ignore', 'description'] END;
    expected text := array_to_string(columns, ', ');
    problems text[] := '{}';
    first_seen jsonb := '{}';  -- natural key -> where it first appeared
    r jsonb;
    pos bigint;
    place text;
    missing text[];
    extra text[];
    col text;
    wrong_type boolean;
    natural_key text;
    shown text;
BEGIN
    IF columns IS NULL THEN
        RAISE EXCEPTION 'unknown import kind %: expected context_rules or negate_keys', quote_nullable(p_kind)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_rows IS NULL OR jsonb_typeof(p_rows) <> 'array' THEN
        RAISE EXCEPTION 'cannot import %: the rows are %: expected a JSON array of objects with keys line, %',
            replace(p_kind, '_', ' '), coalesce('a JSON ' || jsonb_typeof(p_rows), 'NULL'), expected
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    FOR r, pos IN SELECT e, n FROM jsonb_array_elements(p_rows) WITH ORDINALITY AS t(e, n) LOOP
        IF jsonb_typeof(r) <> 'object' THEN
            problems := problems || format('row %s: a JSON %s: expected an object with keys line, %s',
                                           pos, jsonb_typeof(r), expected);
            CONTINUE;
        END IF;
        IF jsonb_typeof(r -> 'line') = 'number' AND (r ->> 'line') ~ '^[1-9][0-9]{0,8}$' THEN
            place := 'line ' || (r ->> 'line');
        ELSE
            place := 'row ' || pos;
            problems := problems || format('%s: line is %s: expected the positive whole line number the row came from',
                                           place, coalesce((r -> 'line')::text, 'missing'));
        END IF;

        missing := ARRAY(SELECT c FROM unnest(columns) AS c WHERE NOT r ? c);
        extra := ARRAY(SELECT k FROM jsonb_object_keys(r - 'line') AS k WHERE k <> ALL (columns) ORDER BY k COLLATE "C");
        IF cardinality(missing) > 0 THEN
            problems := problems || format('%s: missing column(s) %s: expected %s',
                                           place, array_to_string(missing, ', '), expected);
        END IF;
        IF cardinality(extra) > 0 THEN
            problems := problems || format('%s: unexpected column(s) %s: expected only %s',
                                           place, array_to_string(extra, ', '), expected);
        END IF;
        wrong_type := false;
        FOREACH col IN ARRAY columns LOOP
            IF r ? col AND jsonb_typeof(r -> col) <> 'string'
                    AND NOT (jsonb_typeof(r -> col) = 'null' AND col = ANY (optional)) THEN
                problems := problems || format('%s: %s is the JSON %s %s: expected a string%s',
                                               place, col, jsonb_typeof(r -> col), r -> col,
                                               CASE WHEN col = ANY (optional) THEN ' or null' ELSE '' END);
                wrong_type := true;
            END IF;
        END LOOP;
        IF cardinality(missing) > 0 OR wrong_type THEN
            CONTINUE;  -- the value checks below need every column, as a string
        END IF;

        IF p_kind = 'context_rules' THEN
            natural_key := r ->> 'context';
            shown := quote_literal(natural_key);
            IF natural_key !~ '\S' OR length(natural_key) > 200 THEN
                problems := problems || format('%s: invalid context %s: expected 1-200 characters, not all blank', place,
                    CASE WHEN length(natural_key) > 200
                         THEN format('%s... (%s characters)', quote_literal(left(natural_key, 40)), length(natural_key))
                         ELSE shown END);
                CONTINUE;
            END IF;
            shown := 'context ' || shown;
        ELSE
            natural_key := jsonb_build_array(r -> 'label', r -> 'operator', r -> 'value')::text;
            IF NOT agent_loggy.is_valid_loki_label(r ->> 'label') THEN
                problems := problems || format(
                    '%s: invalid Loki label %s: expected a label name matching [A-Za-z_][A-Za-z0-9_]* (at most 128 characters)',
                    place, quote_literal(r ->> 'label'));
                natural_key := NULL;
            END IF;
            IF (r ->> 'operator') NOT IN ('=', '!=', '=~', '!~') THEN
                problems := problems || format('%s: invalid operator %s for label %s: expected one of =, !=, =~, !~',
                                               place, quote_literal(r ->> 'operator'), quote_literal(r ->> 'label'));
                natural_key := NULL;
            END IF;
            IF octet_length(r ->> 'value') > 2000 THEN
                problems := problems || format('%s: value for label %s is %s bytes long: expected at most 2000',
                                               place, quote_literal(r ->> 'label'), octet_length(r ->> 'value'));
                natural_key := NULL;
            END IF;
            IF natural_key IS NULL THEN
                CONTINUE;
            END IF;
            shown := format('negate key %s %s %s', r ->> 'label', r ->> 'operator', quote_literal(r ->> 'value'));
        END IF;

        IF first_seen ? natural_key THEN
            problems := problems || format('%s: duplicate %s (already on %s): expected each key once per file',
                                           place, shown, first_seen ->> natural_key);
        ELSE
            first_seen := first_seen || jsonb_build_object(natural_key, place);
        END IF;
    END LOOP;
    RETURN problems;
END
$$;
COMMENT ON FUNCTION agent_loggy.import_problems(text, jsonb) IS
    'Checks a batch of rows for import_context_rules (p_kind context_rules) or import_negate_keys (negate_keys) without writing anything: returns one "line N: reason" per problem (shape, missing or extra columns, invalid values by the same rules as the table constraints, a key repeated in the batch), empty when the batch would import. A dry run for any client.';

CREATE FUNCTION agent_loggy.begin_import(p_kind text, p_rows jsonb, p_project text) RETURNS void
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

CREATE FUNCTION agent_loggy.import_context_rules(
    p_rows jsonb, p_project text DEFAULT 'default', p_deactivate_missing boolean DEFAULT false
) RETURNS agent_loggy.import_summary
    LANGUAGE plpgsql
AS $$
DECLARE
    result agent_loggy.import_summary := ROW(0, 0, 0, 0);
BEGIN
    PERFORM agent_loggy.begin_import('context_rules', p_rows, p_project);

    WITH incoming AS (
        SELECT r ->> 'context' AS context,
               nullif(r ->> 'important', '') AS important,
               nullif(r ->> 'ignore', '') AS ignore,
               nullif(r ->> 'description', '') AS description
        FROM jsonb_array_elements(p_rows) AS r
    ), compared AS (
        SELECT i.*,
               c.id IS NOT NULL AND (c.important, c.ignore, c.description)
                   IS NOT DISTINCT FROM (i.important, i.ignore, i.description) AS same,
               (SELECT max(t.version) FROM agent_loggy.context_rules AS t
                WHERE t.project = p_project AND t.context = i.context) AS last_version
        FROM incoming AS i
        LEFT JOIN agent_loggy.current_context_rules AS c ON c.project = p_project AND c.context = i.context
    ), inserted AS (
        INSERT INTO agent_loggy.context_rules (project, context, version, important, ignore, description)
        SELECT p_project, context, coalesce(last_version, 0) + 1, important, ignore, description
        FROM compared
        WHERE NOT same
        RETURNING version
    )
    SELECT (SELECT count(*) FROM inserted WHERE version = 1),
           (SELECT count(*) FROM inserted WHERE version > 1),
           (SELECT count(*) FROM compared WHERE same)
    INTO result.created, result.updated, result.unchanged;

    IF p_deactivate_missing THEN
        WITH gone AS (
            UPDATE agent_loggy.context_rules AS t SET is_active = false
            WHERE t.project = p_project AND t.is_active
              AND NOT EXISTS (SELECT FROM jsonb_array_elements(p_rows) AS r WHERE r ->> 'context' = t.context)
            RETURNING 1
        )
        SELECT count(*) INTO result.deactivated FROM gone;
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION agent_loggy.import_context_rules(jsonb, text, boolean) IS
    'Imports context rules, all or nothing, in the caller''s transaction. p_rows: a JSON array of {"line": N, "context", "important", "ignore", "description"} (empty string or null = NULL). Every row is checked first (begin_import); any problem raises SQLSTATE 22023 listing every bad line in the DETAIL and nothing is written. Then, under an advisory lock per (table, project): a row identical to the current version is left alone, any other becomes a new active version (highest version + 1); with p_deactivate_missing every active row of the project whose context is absent from p_rows is deactivated. Returns the counts (import_summary); the changelog trigger records each write.';

CREATE FUNCTION agent_loggy.import_negate_keys(
    p_rows jsonb, p_project text DEFAULT 'default', p_deactivate_missing boolean DEFAULT false
) RETURNS agent_loggy.import_summary
    LANGUAGE plpgsql
AS $$
DECLARE
    result agent_loggy.import_summary := ROW(0, 0, 0, 0);
BEGIN
    PERFORM agent_loggy.begin_import('negate_keys', p_rows, p_project);

    WITH incoming AS (
        SELECT r ->> 'label' AS label, r ->> 'operator' AS operator, r ->> 'value' AS value
        FROM jsonb_array_elements(p_rows) AS r
    ), compared AS (
        SELECT i.*,
               EXISTS (SELECT FROM agent_loggy.current_negate_keys AS c
                       WHERE c.project = p_project AND (c.label, c.operator, c.value) = (i.label, i.operator, i.value))
                   AS in_force,
               (SELECT max(t.version) FROM agent_loggy.negate_keys AS t
                WHERE t.project = p_project AND (t.label, t.operator, t.value) = (i.label, i.operator, i.value))
                   AS last_version
        FROM incoming AS i
    ), inserted AS (
        INSERT INTO agent_loggy.negate_keys (project, label, operator, value, version)
        SELECT p_project, label, operator, value, coalesce(last_version, 0) + 1
        FROM compared
        WHERE NOT in_force
        RETURNING version
    )
    SELECT (SELECT count(*) FROM inserted WHERE version = 1),
           (SELECT count(*) FROM inserted WHERE version > 1),
           (SELECT count(*) FROM compared WHERE in_force)
    INTO result.created, result.updated, result.unchanged;

    IF p_deactivate_missing THEN
        WITH gone AS (
            UPDATE agent_loggy.negate_keys AS t SET is_active = false
            WHERE t.project = p_project AND t.is_active
              AND NOT EXISTS (SELECT FROM jsonb_array_elements(p_rows) AS r
                              WHERE (r ->> 'label', r ->> 'operator', r ->> 'value') = (t.label, t.operator, t.value))
            RETURNING 1
        )
        SELECT count(*) INTO result.deactivated FROM gone;
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION agent_loggy.import_negate_keys(jsonb, text, boolean) IS
    'Imports Loki exclusions, all or nothing, in the caller''s transaction. p_rows: a JSON array of {"line": N, "label", "operator", "value"}. Every row is checked first (begin_import); any problem raises SQLSTATE 22023 listing every bad line in the DETAIL and nothing is written. Then, under an advisory lock per (table, project): a key with an active version is left alone, any other gets a new active version (highest version + 1, or 1); with p_deactivate_missing every active row of the project whose (label, operator, value) is absent from p_rows is deactivated. Returns the counts (import_summary); the changelog trigger records each write.';
