-- Rolls back 0018_runs: the run tables and everything recorded in them, the promotion policies, the
-- prompts' output schemas (the changelog keeps the rows that recorded them) and the functions.
DROP TRIGGER t32_check_promotion ON agent_loggy.prompts;
DROP TRIGGER t31_check_output_schema ON agent_loggy.prompts;
DROP FUNCTION agent_loggy.similar_investigations(vector, text, integer, text);
DROP FUNCTION agent_loggy.remove_promotion_policy(text, text);
DROP FUNCTION agent_loggy.set_promotion_policy(text, text, integer, double precision, double precision, text, double precision, interval);
DROP FUNCTION agent_loggy.promote_prompt(text, integer, text, text, text);
DROP FUNCTION agent_loggy.check_promotion();
DROP FUNCTION agent_loggy.promotion_failures(text, text, integer, text);
DROP FUNCTION agent_loggy.run_score(double precision, double precision, double precision);
DROP FUNCTION agent_loggy.compare_prompt_versions(text, text, text, text, timestamptz, text);
DROP FUNCTION agent_loggy.resolve_version_ref(text, text, text);
DROP FUNCTION agent_loggy.wilson_interval(bigint, bigint);
DROP FUNCTION agent_loggy.t_quantile_975(double precision);
DROP FUNCTION agent_loggy.prompt_version_metrics(text, text, timestamptz, timestamptz, interval);
DROP FUNCTION agent_loggy.record_staged_runs();
DROP FUNCTION agent_loggy.stage_runs();
DROP FUNCTION agent_loggy.drop_runs_before(timestamptz, boolean);
DROP FUNCTION agent_loggy.ensure_run_partitions(timestamptz, timestamptz);
DROP FUNCTION agent_loggy.session_is_admin();
DROP FUNCTION agent_loggy.prompt_output_schema(text, integer, text);
DROP FUNCTION agent_loggy.set_prompt_output_schema(text, integer, jsonb, text);
DROP FUNCTION agent_loggy.check_output_schema();
DROP TABLE agent_loggy.promotion_policies;
DROP TABLE agent_loggy.verdicts;
DROP TABLE agent_loggy.trace_findings;
DROP TABLE agent_loggy.scores;
DROP TABLE agent_loggy.runs;
DROP TABLE agent_loggy.investigations;
DROP FUNCTION agent_loggy.guard_record();
DROP TYPE agent_loggy.stance;
DROP TYPE agent_loggy.confidence_level;
DROP TYPE agent_loggy.trace_outcome;
DROP TYPE agent_loggy.score_source;
DROP TYPE agent_loggy.run_status;
DROP TYPE agent_loggy.investigation_status;
ALTER TABLE agent_loggy.prompts DROP COLUMN output_schema;
CREATE OR REPLACE FUNCTION agent_loggy.content_of(p_row jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_row - ARRAY['id', 'labels', 'is_active', 'created_at', 'updated_at', 'created_by', 'embedding',
                         'embedding_config_id', 'search_vector', 'variables'];
COMMENT ON FUNCTION agent_loggy.content_of(jsonb) IS
    'What makes a version the version it is: its row without identity, labels, activity, times, author and derived columns.';
