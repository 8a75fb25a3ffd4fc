-- Remove the changelog triggers and their functions (the table itself belongs to 0002).

DROP TRIGGER refuse_truncate ON agent_loggy.negate_keys;
DROP TRIGGER refuse_truncate ON agent_loggy.context_rules;
DROP TRIGGER refuse_truncate ON agent_loggy.embedding_configs;
DROP TRIGGER refuse_truncate ON agent_loggy.model_configs;
DROP TRIGGER refuse_truncate ON agent_loggy.prompts;
DROP TRIGGER write_changelog ON agent_loggy.negate_keys;
DROP TRIGGER write_changelog ON agent_loggy.context_rules;
DROP TRIGGER write_changelog ON agent_loggy.embedding_configs;
DROP TRIGGER write_changelog ON agent_loggy.model_configs;
DROP TRIGGER write_changelog ON agent_loggy.prompts;
DROP TRIGGER append_only ON agent_loggy.config_changelog;
DROP FUNCTION agent_loggy.refuse_truncate();
DROP FUNCTION agent_loggy.refuse_changelog_change();
DROP FUNCTION agent_loggy.write_changelog();
DROP FUNCTION agent_loggy.config_name(text, jsonb);
