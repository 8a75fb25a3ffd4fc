-- Remove the current-config views, loki_negations() and the import functions. Rows the
-- imports wrote stay in the tables (they belong to 0002's tables, with their changelog).

DROP FUNCTION agent_loggy.import_negate_keys(jsonb, text, boolean);
DROP FUNCTION agent_loggy.import_context_rules(jsonb, text, boolean);
DROP FUNCTION agent_loggy.begin_import(text, jsonb, text);
DROP FUNCTION agent_loggy.import_problems(text, jsonb);
DROP TYPE agent_loggy.import_summary;
DROP FUNCTION agent_loggy.loki_negations(text);
DROP FUNCTION agent_loggy.logql_string(text);
DROP FUNCTION agent_loggy.checked_project(text);
DROP VIEW agent_loggy.current_negate_keys;
DROP VIEW agent_loggy.current_context_rules;
DROP VIEW agent_loggy.current_embedding_configs;
DROP VIEW agent_loggy.current_model_configs;
