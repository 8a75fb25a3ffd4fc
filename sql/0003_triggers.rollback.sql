-- Remove the validation, variables and updated_at triggers and their functions.

DROP TRIGGER t90_touch_updated_at ON agent_loggy.negate_keys;
DROP TRIGGER t10_validate_row ON agent_loggy.negate_keys;
DROP TRIGGER t90_touch_updated_at ON agent_loggy.context_rules;
DROP TRIGGER t10_validate_row ON agent_loggy.context_rules;
DROP TRIGGER t90_touch_updated_at ON agent_loggy.embedding_configs;
DROP TRIGGER t10_validate_row ON agent_loggy.embedding_configs;
DROP TRIGGER t90_touch_updated_at ON agent_loggy.model_configs;
DROP TRIGGER t10_validate_row ON agent_loggy.model_configs;
DROP TRIGGER t90_touch_updated_at ON agent_loggy.prompts;
DROP TRIGGER t20_derive_variables ON agent_loggy.prompts;
DROP TRIGGER t10_validate_row ON agent_loggy.prompts;
DROP FUNCTION agent_loggy.touch_updated_at();
DROP FUNCTION agent_loggy.derive_variables();
DROP FUNCTION agent_loggy.validate_row();
DROP FUNCTION agent_loggy.check_labels(text, text, text[]);
DROP FUNCTION agent_loggy.raise_check_violation(text, text, text, text);
DROP FUNCTION agent_loggy.template_variables(text);
