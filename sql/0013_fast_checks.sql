-- depends: 0012_security
-- Cheaper checks on the hot paths (found while working on the benchmark's figures 1 and 9; same
-- rules, same errors).
--
--   validators       a counted repetition such as [a-z0-9_.-]{0,62} makes PostgreSQL's regular
--                    expression engine 5-10 µs slower per call than the same class with * and a
--                    char_length() bound; is_valid_project, is_valid_name, invalid_labels and
--                    is_valid_loki_label accept exactly what they accepted before
--   check_labels     no label or one valid label: returned as it is, without the sorting query
--   touch_updated_at the generated columns to leave out of the comparison come as trigger
--                    arguments instead of a catalog query on every UPDATE

CREATE OR REPLACE FUNCTION agent_loggy.is_valid_project(p_project text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_project ~ '^[a-z0-9][a-z0-9_.-]*$' AND char_length(p_project) <= 63;

CREATE OR REPLACE FUNCTION agent_loggy.is_valid_name(p_name text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_name ~ '^[A-Za-z0-9][A-Za-z0-9_.:/-]*$' AND char_length(p_name) <= 128;

CREATE OR REPLACE FUNCTION agent_loggy.invalid_labels(p_labels text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT l
        FROM unnest(p_labels) AS l
        WHERE l IS NULL OR l !~ '^[a-z0-9_.-]+$' OR char_length(l) > 36 OR l = 'latest');

CREATE OR REPLACE FUNCTION agent_loggy.is_valid_loki_label(p_label text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_label ~ '^[A-Za-z_][A-Za-z0-9_]*$' AND char_length(p_label) <= 128;

CREATE OR REPLACE FUNCTION agent_loggy.check_labels(p_table text, p_what text, p_labels text[]) RETURNS text[]
    LANGUAGE plpgsql
AS $$
DECLARE
    bad text[];
BEGIN
    IF cardinality(p_labels) = 0
       OR (cardinality(p_labels) = 1 AND array_ndims(p_labels) = 1 AND array_lower(p_labels, 1) = 1
           AND p_labels[1] <> 'latest' AND p_labels[1] ~ '^[a-z0-9_.-]+$' AND char_length(p_labels[1]) <= 36) THEN
        RETURN p_labels;  -- nothing to sort: the usual case, without a query
    END IF;
    bad := agent_loggy.invalid_labels(p_labels);
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

-- Generated columns are not computed yet in BEFORE triggers (NULL in NEW): the trigger's
-- arguments name them, and the comparison leaves them out, so a no-op UPDATE leaves updated_at alone.
CREATE OR REPLACE FUNCTION agent_loggy.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    changed boolean;
BEGIN
    NEW.updated_at := OLD.updated_at;  -- a write to updated_at alone is a no-op
    IF TG_NARGS = 0 THEN
        changed := NEW IS DISTINCT FROM OLD;
    ELSE
        changed := to_jsonb(NEW) - TG_ARGV IS DISTINCT FROM to_jsonb(OLD) - TG_ARGV;
    END IF;
    IF changed THEN
        NEW.updated_at := now();
    END IF;
    RETURN NEW;
END
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.touch_updated_at()');
COMMENT ON FUNCTION agent_loggy.touch_updated_at() IS
    'BEFORE UPDATE trigger: sets updated_at to the transaction time when the row really changes; a no-op UPDATE, or one that only writes updated_at, leaves it as it was. Arguments: the generated columns of the table (left out of the comparison).';

DROP TRIGGER t90_touch_updated_at ON agent_loggy.documents;
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.documents
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at('search_vector');
DROP TRIGGER t90_touch_updated_at ON agent_loggy.context_rules;
CREATE TRIGGER t90_touch_updated_at BEFORE UPDATE ON agent_loggy.context_rules
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.touch_updated_at('search_vector');

