-- Drop the agent_loggy schema. Objects are dropped by name (no CASCADE), so anything a later
-- migration forgot to remove, or that someone added by hand, stops the rollback visibly.

DROP TABLE agent_loggy.config_changelog;
DROP TABLE agent_loggy.negate_keys;
DROP TABLE agent_loggy.context_rules;
DROP TABLE agent_loggy.embedding_configs;
DROP TABLE agent_loggy.model_configs;
DROP TABLE agent_loggy.prompts;
DROP FUNCTION agent_loggy.is_valid_loki_label(text);
DROP FUNCTION agent_loggy.invalid_labels(text[]);
DROP FUNCTION agent_loggy.is_valid_name(text);
DROP FUNCTION agent_loggy.is_valid_project(text);
DROP SCHEMA agent_loggy;
