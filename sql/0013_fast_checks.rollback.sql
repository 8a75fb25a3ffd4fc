-- Back to 0012's checks: the validators with counted repetitions, check_labels always sorting,
-- touch_updated_at looking up the generated columns (pinned again, as 0012 left them).

CREATE OR REPLACE FUNCTION agent_loggy.is_valid_project(p_project text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_project ~ '^[a-z0-9][a-z0-9_.-]{0,62}$';

CREATE OR REPLACE FUNCTION agent_loggy.is_valid_name(p_name text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_name ~ '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$';

CREATE OR REPLACE FUNCTION agent_loggy.invalid_labels(p_labels text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT l
        FROM unnest(p_labels) AS l
        WHERE l IS NULL OR l !~ '^[a-z0-9_.-]{1,36}$' OR l = 'latest');

CREATE OR REPLACE FUNCTION agent_loggy.is_valid_loki_label(p_label text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_label ~ '^[A-Za-z_][A-Za-z0-9_]{0,127}$';

CREATE OR REPLACE FUNCTION agent_loggy.check_labels(p_table text, p_what text, p_labels text[]) RETURNS text[]
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
CALL agent_loggy.use_vector_schema('agent_loggy.check_labels(text, text, text[])');

CREATE OR REPLACE FUNCTION agent_loggy.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    generated text[] := ARRAY(
        SELECT a.attname::text FROM pg_catalog.pg_attribute AS a
        WHERE a.attrelid = TG_RELID AND a.attgenerated <> '' AND NOT a.attisdropped);
    changed boolean;
BEGIN
    NEW.updated_at := OLD.updated_at;  -- a write to updated_at alone is a no-op
    IF cardinality(generated) = 0 THEN
        changed := NEW IS DISTINCT FROM OLD;
    ELSE
        changed := to_jsonb(NEW) - generated IS DISTINCT FROM to_jsonb(OLD) - generated;
    END IF;
    IF changed THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.touch_updated_at()');
COMMENT ON FUNCTION agent_loggy.touch_updated_at() IS
    'BEFORE UPDATE trigger: sets updated_at to the transaction time when the row really changes; a no-op UPDATE, or one that only writes updated_at, leaves it as it was.';

DROP TRIGGER t90_touch_updated_at ON agent_loggy.documents;
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.documents
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();
DROP TRIGGER t90_touch_updated_at ON agent_loggy.context_rules;
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.context_rules
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at();
