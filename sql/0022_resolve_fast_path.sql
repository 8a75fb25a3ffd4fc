-- depends: 0021_vector_recall
-- resolve_prompt() as cheap as the raw SQL (issue: search at scale, item 5).
--
-- The usual call (one label, no version, no fallback labels; unbound, or bound to the project it
-- asks for) runs as one query: the prompt version and its model config in one plan, with the
-- protected-label rule inside it. It checked its arguments and the binding, looked for the label,
-- then for a protected label, then for the model config, as four statements and three nested
-- functions. A row comes back only for arguments that match a stored row, which row level security
-- lets the caller read; any other call, or one that finds nothing, takes the old path, which checks
-- the arguments and the grants and raises what it always raised.

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
$$;
CALL agent_loggy.use_vector_schema('agent_loggy.resolve_prompt(text, text, text, integer, text[])');
COMMENT ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) IS
    'The one call agents make: the prompt version to use, with its model config. With p_version, exactly that version (even if inactive). Otherwise the active version carrying p_label, then each of p_fallback_labels in order; label latest means the highest active version. Model fields come from the active model_configs row named by the prompt''s model in the same project: for a protected label (protected_labels) only the version carrying that label, so that only an admin changes what it serves; otherwise the version carrying the resolved label if any, else the highest. Without such a config, model_name is the prompt''s model and model_provider is NULL. The usual call (one label, no version, no fallbacks; unbound or bound to p_project) runs as one query, under row level security; any other call, or one that finds nothing, checks its arguments and the binding first. Nothing found: SQLSTATE P0002 naming project, prompt and what was asked.';
