-- depends: 0025_policy_checks
-- resolve_prompt() inlined into the caller's query (issue: search at scale, item 5: within 1.2× of the
-- raw SQL under pgbench).
--
-- After 0025 halved row level security's checks, resolve_prompt() served twice the calls it did, but
-- the raw query under the same policy gained as much, and the function stayed at 1.34-1.44× its time:
-- the PL/pgSQL call, its pinned search_path and RETURN QUERY's tuple store are a fixed cost a call.
--
--   resolve_prompt()   a LANGUAGE sql function the planner inlines (no SET clause, not SECURITY
--                      DEFINER): the usual call's one query (0022's, unchanged: one label, no
--                      version, no fallbacks, unbound or bound to p_project, valid arguments),
--                      materialized once; when it finds no row, the checking path
--   resolve_prompt_checked()
--                      0022's PL/pgSQL resolve_prompt(), renamed: it checks the arguments and the
--                      binding and raises what resolve_prompt() always raised
--   list_prompts(), export_prompts(), rrf_fuse()
--                      the three string-bodied SQL functions left without a pinned search_path get
--                      the one every other function has (use_vector_schema)
-- The body is SQL-standard (BEGIN ATOMIC), parsed when the function is created, under
-- search_path = pg_catalog, pg_temp: its operators and functions are bound then, so a caller's
-- search_path cannot put its own `@>` or cardinality() in them (a string body without a SET clause
-- would resolve them at each call with the caller's path, and run a trojan operator with the
-- privileges of whoever calls; a SET clause would stop the planner from inlining it).

ALTER FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) RENAME TO resolve_prompt_checked;
COMMENT ON FUNCTION agent_loggy.resolve_prompt_checked(text, text, text, integer, text[]) IS
    'resolve_prompt() for the calls its one query does not answer (a version, fallback labels, another project than the bound one, invalid arguments, nothing found): checks the arguments and the binding, then resolves as resolve_prompt() documents; raises 22023, 42501 or P0002 as resolve_prompt() does.';

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

REVOKE EXECUTE ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) TO agent_loggy_reader;

CALL agent_loggy.use_vector_schema('agent_loggy.list_prompts(text)');
CALL agent_loggy.use_vector_schema('agent_loggy.export_prompts(text)');
CALL agent_loggy.use_vector_schema('agent_loggy.rrf_fuse(bigint[], bigint[], double precision, double precision, integer)');
