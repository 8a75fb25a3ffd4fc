-- depends: 0002_schema
-- Row triggers shared by the config tables:
--   t10_validate_row      BEFORE INSERT/UPDATE  reports a broken rule naming the offending value
--                                               and normalises labels (distinct, sorted)
--   t20_derive_variables  BEFORE INSERT/UPDATE  prompts.variables := placeholders of template
--   t90_touch_updated_at  BEFORE UPDATE         updated_at := now() unless the update is a no-op
-- BEFORE triggers fire in name order, so updated_at sees the row as it will be stored.

CREATE FUNCTION agent_loggy.template_variables(p_template text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT v.name
        FROM (
            SELECT m.match[1] AS name, min(m.n) AS first_at
            FROM regexp_matches(p_template, '\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}', 'g')
                 WITH ORDINALITY AS m(match, n)
            WHERE m.match[1] IS NOT NULL
            GROUP BY m.match[1]
        ) AS v
        ORDER BY v.first_at);
COMMENT ON FUNCTION agent_loggy.template_variables(text) IS
    'Distinct {identifier} placeholders of a template in order of first appearance. Scanning left to right, {{ and }} are literal braces and any other brace (a JSON example such as {"time_frame": ...}) is plain text.';

CREATE FUNCTION agent_loggy.raise_check_violation(
    p_table text, p_constraint text, p_message text, p_hint text
) RETURNS void
    LANGUAGE plpgsql
AS $$
BEGIN
    IF p_hint IS NULL THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation', MESSAGE = p_message,
            SCHEMA = 'agent_loggy', TABLE = p_table, CONSTRAINT = p_constraint;
    END IF;
    RAISE EXCEPTION USING
        ERRCODE = 'check_violation', MESSAGE = p_message, HINT = p_hint,
        SCHEMA = 'agent_loggy', TABLE = p_table, CONSTRAINT = p_constraint;
END
$$;
COMMENT ON FUNCTION agent_loggy.raise_check_violation(text, text, text, text) IS
    'Raises SQLSTATE 23514 with the constraint name set, so clients map it exactly as the CHECK constraint it explains.';

CREATE FUNCTION agent_loggy.check_labels(p_table text, p_what text, p_labels text[]) RETURNS text[]
    LANGUAGE plpgsql
AS $$
DECLARE
    bad text[] := agent_loggy.invalid_labels(p_labels);
BEGIN
    IF 'latest' = ANY (bad) THEN
        PERFORM agent_loggy.raise_check_violation(p_table, p_table || '_labels_check',
            format('label "latest" cannot be stored on %s: it is reserved and always means the highest active version', p_what),
            'Resolve with label latest instead of storing it.');
    ELSIF cardinality(bad) > 0 THEN
        PERFORM agent_loggy.raise_check_violation(p_table, p_table || '_labels_check',
            format('invalid label %L on %s: a label must match ^[a-z0-9_.-]{1,36}$', bad[1], p_what),
            'Labels are 1-36 characters of lower-case letters, digits, _ . and -, e.g. production or staging.');
    END IF;
    IF p_labels IS NULL THEN
        RETURN NULL;  -- left to the NOT NULL constraint
    END IF;
    RETURN ARRAY(SELECT DISTINCT l COLLATE "C" FROM unnest(p_labels) AS l ORDER BY 1);
END
$$;
COMMENT ON FUNCTION agent_loggy.check_labels(text, text, text[]) IS
    'Raises check_violation naming the first invalid or reserved label, else returns the labels distinct and sorted bytewise (the same order under every collation).';

CREATE FUNCTION agent_loggy.validate_row() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    t text := TG_TABLE_NAME;
BEGIN
    IF NOT agent_loggy.is_valid_project(NEW.project) THEN
        PERFORM agent_loggy.raise_check_violation(t, t || '_project_check',
            format('invalid project %s in %s: expected 1-63 characters of a-z, 0-9, _ . - starting with a letter or digit',
                   quote_literal(NEW.project), t), NULL);
    END IF;
    IF NEW.version < 1 THEN
        PERFORM agent_loggy.raise_check_violation(t, t || '_version_check',
            format('invalid version %s in %s: versions start at 1', NEW.version, t), NULL);
    END IF;

    IF t IN ('prompts', 'model_configs', 'embedding_configs') THEN
        IF NOT agent_loggy.is_valid_name(NEW.name) THEN
            PERFORM agent_loggy.raise_check_violation(t, t || '_name_check',
                format('invalid name %s in %s: expected 1-128 characters of letters, digits, _ . : / - starting with a letter or digit',
                       quote_literal(NEW.name), t), NULL);
        END IF;
        IF jsonb_typeof(NEW.parameters) <> 'object' THEN
            PERFORM agent_loggy.raise_check_violation(t, t || '_parameters_check',
                format('parameters of %s %s must be a JSON object, not %s', t, quote_literal(NEW.name),
                       jsonb_typeof(NEW.parameters)), NULL);
        END IF;
    END IF;

    IF t = 'prompts' THEN
        IF NEW.type NOT IN ('chat', 'text', 'system', 'user') THEN
            PERFORM agent_loggy.raise_check_violation(t, 'prompts_type_check',
                format('invalid prompt type %s for prompt %s: expected one of chat, text, system, user',
                       quote_literal(NEW.type), quote_literal(NEW.name)), NULL);
        END IF;
        IF NEW.template !~ '\S' THEN
            PERFORM agent_loggy.raise_check_violation(t, 'prompts_template_check',
                format('empty template for prompt %s: a template needs at least one non-blank character',
                       quote_literal(NEW.name)), NULL);
        END IF;
        NEW.labels := agent_loggy.check_labels(t, format('prompt %s', quote_literal(NEW.name)), NEW.labels);
    ELSIF t = 'model_configs' THEN
        IF NEW.model_provider !~ '\S' OR NEW.model_name !~ '\S' THEN
            PERFORM agent_loggy.raise_check_violation(t,
                CASE WHEN NEW.model_provider !~ '\S' THEN 'model_configs_model_provider_check'
                     ELSE 'model_configs_model_name_check' END,
                format('model config %s needs a non-blank model_provider and model_name', quote_literal(NEW.name)), NULL);
        END IF;
        NEW.labels := agent_loggy.check_labels(t, format('model config %s', quote_literal(NEW.name)), NEW.labels);
    ELSIF t = 'embedding_configs' THEN
        IF NEW.embedding_model !~ '\S' THEN
            PERFORM agent_loggy.raise_check_violation(t, 'embedding_configs_embedding_model_check',
                format('embedding config %s needs a non-blank embedding_model', quote_literal(NEW.name)), NULL);
        ELSIF NEW.dimensions < 1 THEN
            PERFORM agent_loggy.raise_check_violation(t, 'embedding_configs_dimensions_check',
                format('invalid dimensions %s for embedding config %s: expected a number greater than 0',
                       NEW.dimensions, quote_literal(NEW.name)), NULL);
        ELSIF NEW.chunk_size < 1 THEN
            PERFORM agent_loggy.raise_check_violation(t, 'embedding_configs_chunk_size_check',
                format('invalid chunk_size %s for embedding config %s: expected a number greater than 0',
                       NEW.chunk_size, quote_literal(NEW.name)), NULL);
        ELSIF NEW.chunk_overlap < 0 OR NEW.chunk_overlap >= NEW.chunk_size THEN
            PERFORM agent_loggy.raise_check_violation(t, 'embedding_configs_chunk_overlap_check',
                format('invalid chunk_overlap %s for embedding config %s: expected at least 0 and less than chunk_size %s',
                       NEW.chunk_overlap, quote_literal(NEW.name), NEW.chunk_size), NULL);
        ELSIF NEW.chunking_strategy !~ '\S' THEN
            PERFORM agent_loggy.raise_check_violation(t, 'embedding_configs_chunking_strategy_check',
                format('embedding config %s needs a non-blank chunking_strategy', quote_literal(NEW.name)), NULL);
        END IF;
    ELSIF t = 'context_rules' THEN
        IF NEW.context !~ '\S' OR length(NEW.context) > 200 THEN
            PERFORM agent_loggy.raise_check_violation(t, 'context_rules_context_check',
                format('invalid context %s: expected 1-200 characters, not all blank', quote_literal(NEW.context)), NULL);
        END IF;
    ELSIF t = 'negate_keys' THEN
        IF NOT agent_loggy.is_valid_loki_label(NEW.label) THEN
            PERFORM agent_loggy.raise_check_violation(t, 'negate_keys_label_check',
                format('invalid Loki label %s: expected a label name matching [A-Za-z_][A-Za-z0-9_]* (at most 128 characters)',
                       quote_literal(NEW.label)), NULL);
        END IF;
        IF octet_length(NEW.value) > 2000 THEN
            PERFORM agent_loggy.raise_check_violation(t, 'negate_keys_value_check',
                format('value of negate key %s is %s bytes long: expected at most 2000',
                       quote_literal(NEW.label), octet_length(NEW.value)), NULL);
        END IF;
        IF NEW.operator NOT IN ('=', '!=', '=~', '!~') THEN
            PERFORM agent_loggy.raise_check_violation(t, 'negate_keys_operator_check',
                format('invalid operator %s for negate key %s: expected one of =, !=, =~, !~',
                       quote_literal(NEW.operator), quote_literal(NEW.label)), NULL);
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.validate_row() IS
    'BEFORE INSERT/UPDATE trigger of the config tables: raises check_violation (with the constraint name) naming the offending value and what was expected, and normalises labels to distinct sorted values. The CHECK constraints enforce the same rules if this trigger is bypassed.';

CREATE FUNCTION agent_loggy.derive_variables() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.variables := agent_loggy.template_variables(NEW.template);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.derive_variables() IS
    'BEFORE INSERT/UPDATE trigger of prompts: variables is always derived from template, whatever the writer sent.';

CREATE FUNCTION agent_loggy.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := OLD.updated_at;  -- a write to updated_at alone is a no-op
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.touch_updated_at() IS
    'BEFORE UPDATE trigger: sets updated_at to the transaction time when the row really changes; a no-op UPDATE, or one that only writes updated_at, leaves it as it was.';

CREATE TRIGGER t10_validate_row BEFORE INSERT OR UPDATE ON agent_loggy.prompts
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.validate_row();
CREATE TRIGGER t20_derive_variables BEFORE INSERT OR UPDATE ON agent_loggy.prompts
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.derive_variables();
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.prompts
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();

CREATE TRIGGER t10_validate_row BEFORE INSERT OR UPDATE ON agent_loggy.model_configs
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.validate_row();
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.model_configs
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();

CREATE TRIGGER t10_validate_row BEFORE INSERT OR UPDATE ON agent_loggy.embedding_configs
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.validate_row();
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.embedding_configs
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();

CREATE TRIGGER t10_validate_row BEFORE INSERT OR UPDATE ON agent_loggy.context_rules
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.validate_row();
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.context_rules
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();

CREATE TRIGGER t10_validate_row BEFORE INSERT OR UPDATE ON agent_loggy.negate_keys
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.validate_row();
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.negate_keys
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();
