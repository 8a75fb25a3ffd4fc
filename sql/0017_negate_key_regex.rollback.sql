DROP TRIGGER t15_check_negate_key_regex ON agent_loggy.negate_keys;
DROP FUNCTION agent_loggy.check_negate_key_regex();

-- Back to 0007's import_problems() (pinned again, as 0012 left it), without the regex check.

CREATE OR REPLACE FUNCTION agent_loggy.import_problems(p_kind text, p_rows jsonb) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp  -- re-pinned below, as 0012 pinned it
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
CALL agent_loggy.use_vector_schema('agent_loggy.import_problems(text, jsonb)');

DROP FUNCTION agent_loggy.loki_regex_problem(text);
