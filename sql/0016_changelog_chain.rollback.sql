-- Back to 0015: no hash chain, NOTIFY with project, type and name again.

DROP TRIGGER notify_change ON agent_loggy.config_changelog;
DROP FUNCTION agent_loggy.notify_change();
CREATE FUNCTION agent_loggy.notify_config_change() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    -- Identical payloads within one transaction are folded into one by PostgreSQL.
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_notify('agent_loggy_config',
            jsonb_build_object('project', OLD.project, 'type', TG_ARGV[0], 'name', OLD.name)::text);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('agent_loggy_config',
            jsonb_build_object('project', NEW.project, 'type', TG_ARGV[0], 'name', NEW.name)::text);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.notify_config_change() IS
    'AFTER row trigger of prompts and model_configs (argument: the config type): NOTIFY agent_loggy_config with {"project", "type", "name"}; listeners receive it only when the transaction commits.';
CALL agent_loggy.use_vector_schema('agent_loggy.notify_config_change()');
REVOKE EXECUTE ON FUNCTION agent_loggy.notify_config_change() FROM PUBLIC;
CREATE TRIGGER notify_config_change AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.prompts
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.notify_config_change('prompt');
CREATE TRIGGER notify_config_change AFTER INSERT OR UPDATE OR DELETE ON agent_loggy.model_configs
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.notify_config_change('model_config');
CREATE OR REPLACE FUNCTION agent_loggy.pinned_by_0012() RETURNS regprocedure[]
    LANGUAGE sql IMMUTABLE
    RETURN ARRAY[
        'agent_loggy.bound_project()', 'agent_loggy.is_admin()', 'agent_loggy.can_access_project(text)',
        'agent_loggy.check_project_access(text)', 'agent_loggy.checked_project(text)',
        'agent_loggy.check_prompt_args(text, text, text[], boolean)', 'agent_loggy.check_document_target(text, text)',
        'agent_loggy.check_labels(text, text, text[])', 'agent_loggy.checked_embedding_target(text)',
        'agent_loggy.checked_limit(integer)', 'agent_loggy.checked_query_text(text)', 'agent_loggy.checked_tags(text[])',
        'agent_loggy.raise_check_violation(text, text, text, text)', 'agent_loggy.lock_prompt_writes()',
        'agent_loggy.validate_row()', 'agent_loggy.derive_variables()',
        'agent_loggy.touch_updated_at()', 'agent_loggy.clear_stale_embedding()', 'agent_loggy.notify_config_change()',
        'agent_loggy.refuse_changelog_change()', 'agent_loggy.refuse_truncate()',
        'agent_loggy.begin_import(text, jsonb, text)', 'agent_loggy.import_problems(text, jsonb)',
        'agent_loggy.import_context_rules(jsonb, text, boolean)', 'agent_loggy.import_negate_keys(jsonb, text, boolean)',
        'agent_loggy.import_prompts(jsonb, text)',
        'agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text)',
        'agent_loggy.set_prompt_label(text, integer, text, text)', 'agent_loggy.remove_prompt_label(text, text, text)',
        'agent_loggy.rollback_prompt_label(text, text, text)', 'agent_loggy.prompt_label_history(text, text)',
        'agent_loggy.resolve_prompt(text, text, text, integer, text[])', 'agent_loggy.render_prompt(text, jsonb)',
        'agent_loggy.loki_negations(text)', 'agent_loggy.keyword_search_documents(text, text, integer, text[])',
        'agent_loggy.pending_embeddings(text, text, integer, bigint)', 'agent_loggy.pending_embedding_count(text, text)'
    ]::regprocedure[];

DROP FUNCTION agent_loggy.change_kinds(xid8);
DROP INDEX agent_loggy.config_changelog_transaction_idx;
DROP FUNCTION agent_loggy.changelog_trigger_problems();
DROP FUNCTION agent_loggy.verify_changelog(text);
DROP TRIGGER t10_chain ON agent_loggy.config_changelog;
DROP FUNCTION agent_loggy.chain_changelog_row();
DROP TABLE agent_loggy.changelog_heads;
ALTER TABLE agent_loggy.config_changelog DROP CONSTRAINT config_changelog_project_chain_seq_key;
DROP FUNCTION agent_loggy.changelog_row_digest(agent_loggy.config_changelog, bytea);
ALTER TABLE agent_loggy.config_changelog DROP COLUMN row_hash;
ALTER TABLE agent_loggy.config_changelog DROP COLUMN prev_hash;
ALTER TABLE agent_loggy.config_changelog DROP COLUMN chain_seq;
