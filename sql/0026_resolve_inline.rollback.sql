-- Rolls back 0026_resolve_inline: resolve_prompt() is the PL/pgSQL function of 0022 again, and
-- list_prompts(), export_prompts() and rrf_fuse() run with the caller's search_path again.
ALTER FUNCTION agent_loggy.list_prompts(text) RESET search_path;
ALTER FUNCTION agent_loggy.export_prompts(text) RESET search_path;
ALTER FUNCTION agent_loggy.rrf_fuse(bigint[], bigint[], double precision, double precision, integer) RESET search_path;
DROP FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]);
ALTER FUNCTION agent_loggy.resolve_prompt_checked(text, text, text, integer, text[]) RENAME TO resolve_prompt;
COMMENT ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) IS
    'The one call agents make: the prompt version to use, with its model config. With p_version, exactly that version (even if inactive). Otherwise the active version carrying p_label, then each of p_fallback_labels in order; label latest means the highest active version. Model fields come from the active model_configs row named by the prompt''s model in the same project: for a protected label (protected_labels) only the version carrying that label, so that only an admin changes what it serves; otherwise the version carrying the resolved label if any, else the highest. Without such a config, model_name is the prompt''s model and model_provider is NULL. The usual call (one label, no version, no fallbacks; unbound or bound to p_project) runs as one query, under row level security; any other call, or one that finds nothing, checks its arguments and the binding first. Nothing found: SQLSTATE P0002 naming project, prompt and what was asked.';
