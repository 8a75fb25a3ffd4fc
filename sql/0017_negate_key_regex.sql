-- depends: 0016_changelog_chain
-- Negate keys: import_problems() and a row trigger refuse =~ / !~ values that are not regular expressions.
--
-- Loki compiles these values with Go's regexp package, which has RE2's syntax; a value it refuses
-- makes every Loki query built from the negate keys fail. PostgreSQL cannot run RE2, and its own
-- regular expressions are another dialect (it refuses valid RE2 such as \pL or (?P<name>...)),
-- so the database checks the structure every RE2 pattern must have:
--
--   loki_regex_problem()  why a pattern is refused, in RE2's words, or NULL: an unbalanced ( or ),
--                         an unclosed [ class, a trailing \, a repetition of nothing (*a, (+, a|?)
--                         or of a repetition (a**, a*?*), a backreference (\1, \8, \9), look-around
--                         ((?=, (?!, (?<=, (?<!). Every pattern it refuses RE2 refuses too; RE2
--                         refuses more (bad repeat counts, unknown escapes and classes, ...).
--   import_problems()     reports such a value like any other bad value, so imports refuse it.
--
-- The Python importer checks every such value with RE2 itself (agent_loggy_db/importers/loki_regex.py)
-- and reports RE2's reason instead.

CREATE FUNCTION agent_loggy.loki_regex_problem(p_pattern text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c text[] := string_to_array(p_pattern, NULL);  -- one element per character
    n integer := coalesce(cardinality(c), 0);
    i integer := 1;
    j integer;
    depth integer := 0;
    last text := 'none';  -- none (start, after ( or |), atom, rep (after * + ?), lazy (after a non-greedy ?)
    rep text := '';       -- the repetition operators just read
BEGIN
    WHILE i <= n LOOP
        IF c[i] = '\' THEN
            IF i = n THEN
                RETURN 'trailing \';
            END IF;
            IF c[i + 1] = 'Q' THEN  -- \Q...\E: literal text, up to the next \E or the end
                j := i + 2;
                WHILE j < n AND NOT (c[j] = '\' AND c[j + 1] = 'E') LOOP
                    j := j + 1;
                END LOOP;
                IF j >= n THEN
                    EXIT;
                END IF;
                IF j > i + 2 THEN
                    last := 'atom';
                END IF;
                i := j + 2;
                CONTINUE;
            END IF;
            -- a single digit 1-7 is a backreference (two or three are an octal code); 8 and 9 always are
            IF c[i + 1] IN ('8', '9') OR (c[i + 1] IN ('1', '2', '3', '4', '5', '6', '7')
                    AND (i + 2 > n OR c[i + 2] NOT IN ('0', '1', '2', '3', '4', '5', '6', '7'))) THEN
                RETURN 'invalid escape sequence: \' || c[i + 1];
            END IF;
            last := 'atom';
            i := i + 2;
        ELSIF c[i] = '[' THEN
            j := i + 1;
            IF j <= n AND c[j] = '^' THEN
                j := j + 1;
            END IF;
            IF j <= n AND c[j] = ']' THEN  -- a ] first in the class is a literal
                j := j + 1;
            END IF;
            WHILE j <= n AND c[j] <> ']' LOOP
                IF c[j] = '\' THEN
                    j := j + 2;
                ELSIF c[j] = '[' AND j < n AND c[j + 1] = ':'
                        AND position(':]' IN array_to_string(c[j + 2:n], '')) > 0 THEN  -- [:alpha:]
                    j := j + 2 + position(':]' IN array_to_string(c[j + 2:n], '')) + 1;
                ELSE
                    j := j + 1;
                END IF;
            END LOOP;
            IF j > n THEN
                RETURN 'missing ]';
            END IF;
            last := 'atom';
            i := j + 1;
        ELSIF c[i] = '(' THEN
            depth := depth + 1;
            IF i < n AND c[i + 1] = '?' THEN
                IF c[i + 2] IN ('=', '!') THEN
                    RETURN 'invalid perl operator: (?' || c[i + 2];
                ELSIF c[i + 2] = '<' AND c[i + 3] IN ('=', '!') THEN
                    RETURN 'invalid perl operator: (?<' || c[i + 3];
                END IF;
                last := 'atom';  -- flags and group names follow: not checked here
                i := i + 2;
            ELSE
                last := 'none';
                i := i + 1;
            END IF;
        ELSIF c[i] = ')' THEN
            depth := depth - 1;
            IF depth < 0 THEN
                RETURN 'unexpected )';
            END IF;
            last := 'atom';
            i := i + 1;
        ELSIF c[i] = '|' THEN
            last := 'none';
            i := i + 1;
        ELSIF c[i] IN ('*', '+', '?') THEN
            IF last = 'none' THEN
                RETURN 'no argument for repetition operator: ' || c[i];
            ELSIF last = 'rep' AND c[i] = '?' THEN
                last := 'lazy';
                rep := rep || c[i];
            ELSIF last IN ('rep', 'lazy') THEN
                RETURN 'bad repetition operator: ' || rep || c[i];
            ELSE
                last := 'rep';
                rep := c[i];
            END IF;
            i := i + 1;
        ELSE
            last := 'atom';
            i := i + 1;
        END IF;
    END LOOP;
    IF depth > 0 THEN
        RETURN 'missing )';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.loki_regex_problem(text) IS
    'Why RE2 (Loki''s regular expressions, Go regexp) refuses p_pattern, in RE2''s words, as far as PostgreSQL can tell: an unbalanced ( or ), an unclosed [ class, a trailing \, a repetition of nothing or of a repetition, a backreference, look-around; NULL otherwise. Every pattern it refuses RE2 refuses; RE2 refuses more, which the Python importer checks with RE2 itself.';
REVOKE EXECUTE ON FUNCTION agent_loggy.loki_regex_problem(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.loki_regex_problem(text) TO agent_loggy_reader;

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
    reason text;
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
            IF (r ->> 'operator') IN ('=~', '!~') THEN
                reason := agent_loggy.loki_regex_problem(r ->> 'value');
                IF reason IS NOT NULL THEN  -- the value as typed: only its quotes doubled
                    problems := problems || format(
                        '%s: invalid regular expression %s for label %s: %s: expected RE2 syntax, as Loki uses',
                        place, format('''%s''', replace(r ->> 'value', '''', '''''')),
                        quote_literal(r ->> 'label'), reason);
                    natural_key := NULL;
                END IF;
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
    'Checks a batch of rows for import_context_rules (p_kind context_rules) or import_negate_keys (negate_keys) without writing anything: returns one "line N: reason" per problem (shape, missing or extra columns, invalid values by the same rules as the table constraints, a =~ / !~ value loki_regex_problem() refuses, a key repeated in the batch), empty when the batch would import. A dry run for any client.';
CALL agent_loggy.use_vector_schema('agent_loggy.import_problems(text, jsonb)');

-- Every client, not only imports: a =~ / !~ negate key written any way (INSERT, UPDATE, COPY) is
-- checked the same way, by a trigger that names the reason.
CREATE FUNCTION agent_loggy.check_negate_key_regex() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    problem text;
BEGIN
    IF NEW.operator IN ('=~', '!~') THEN
        problem := agent_loggy.loki_regex_problem(NEW.value);
        IF problem IS NOT NULL THEN
            PERFORM agent_loggy.raise_check_violation('negate_keys', 'negate_keys_regex_check',
                format('value %s of negate key %s %s is not a regular expression Loki accepts: %s',
                       quote_literal(NEW.value), NEW.label, NEW.operator, problem),
                'Loki uses RE2 syntax; escape a literal ( [ * + ? with \, or use = / != for plain values.');
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.check_negate_key_regex() IS
    'BEFORE INSERT/UPDATE row trigger of negate_keys: refuses a =~ / !~ value that loki_regex_problem() refuses (SQLSTATE 23514, constraint negate_keys_regex_check, the reason in the message), whatever client writes it.';
REVOKE EXECUTE ON FUNCTION agent_loggy.check_negate_key_regex() FROM PUBLIC;
CREATE TRIGGER t15_check_negate_key_regex BEFORE INSERT OR UPDATE OF operator, value ON agent_loggy.negate_keys
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.check_negate_key_regex();
