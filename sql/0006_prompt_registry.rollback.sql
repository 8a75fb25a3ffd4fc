-- Remove the prompt registry's functions and triggers; the rows and labels they wrote stay.

DROP FUNCTION agent_loggy.import_prompts(jsonb, text);
DROP FUNCTION agent_loggy.export_prompts(text);
DROP FUNCTION agent_loggy.list_prompts(text);
DROP FUNCTION agent_loggy.render_prompt(text, jsonb);
DROP FUNCTION agent_loggy.rollback_prompt_label(text, text, text);
DROP FUNCTION agent_loggy.prompt_label_history(text, text);
DROP FUNCTION agent_loggy.remove_prompt_label(text, text, text);
DROP FUNCTION agent_loggy.set_prompt_label(text, integer, text, text);
DROP FUNCTION agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text);
DROP FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]);
DROP TRIGGER notify_config_change ON agent_loggy.model_configs;
DROP TRIGGER notify_config_change ON agent_loggy.prompts;
DROP FUNCTION agent_loggy.notify_config_change();
DROP TRIGGER move_prompt_labels_on_update ON agent_loggy.prompts;
DROP TRIGGER move_prompt_labels_on_insert ON agent_loggy.prompts;
DROP TRIGGER serialize_prompt_writes ON agent_loggy.prompts;
DROP FUNCTION agent_loggy.move_prompt_labels();
DROP FUNCTION agent_loggy.serialize_prompt_writes();
DROP FUNCTION agent_loggy.lock_prompt_writes();
DROP FUNCTION agent_loggy.check_prompt_args(text, text, text[], boolean);
ALTER TABLE agent_loggy.config_changelog DROP COLUMN transaction_id;
