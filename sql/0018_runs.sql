-- depends: 0017_negate_key_regex
-- Agent runs: what every agent call produced and how good it was, per prompt version.
--
--   investigations   one dispute or query under analysis; status moves only forward
--                    (queued -> running -> succeeded | failed | cancelled)
--   runs             one LLM call, against the prompt version row it used (name and version
--                    copied, so a deleted version keeps its runs); append-only once finished;
--                    partitioned by month of started_at (runs_default catches months without a
--                    partition); ensure_run_partitions() adds months, drop_runs_before() retires them
--   scores           a named score on a run or an investigation: numeric on a stated scale
--                    (0-100 unless given) or categorical; source human | llm | code
--   trace_findings   per investigation and trace: relevance, outcome, confidence, stance with
--                    its three probabilities (summing to 1), evidence, the run that produced it
--   verdicts         per investigation; the counts of supporting / refuting / neutral findings are
--                    computed here from the findings it rests on, never taken from the caller
--   output_schema    a prompt version may declare the JSON Schema its output must meet (the five
--                    seeded versions get the schema their text describes); fixed once runs exist
--   metrics          prompt_version_metrics(), compare_prompt_versions()
--   promotions       promotion_policies per project and label; moving a label onto a version
--                    that fails its policy is refused (23514, constraint promotion_policy_check),
--                    unless an admin overrides with a reason, recorded in the changelog
--
-- Who writes: recording is what agents do, so a read grant on a project suffices to add runs,
-- scores, findings and verdicts in it (bound, as for every write); only admins delete.

-- Types --------------------------------------------------------------------------------------------------

CREATE TYPE agent_loggy.investigation_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');
COMMENT ON TYPE agent_loggy.investigation_status IS
    'Lifecycle of an investigation: queued -> running -> succeeded | failed | cancelled; a queued one may also end directly. Only forward transitions.';
CREATE TYPE agent_loggy.run_status AS ENUM ('running', 'succeeded', 'failed');
COMMENT ON TYPE agent_loggy.run_status IS 'A run is running until it ends succeeded or failed; then it is append-only.';
CREATE TYPE agent_loggy.score_source AS ENUM ('human', 'llm', 'code');
COMMENT ON TYPE agent_loggy.score_source IS 'Who produced a score: a person, an LLM judge, or code.';
CREATE TYPE agent_loggy.trace_outcome AS ENUM ('successful', 'failed', 'partial', 'unknown');
COMMENT ON TYPE agent_loggy.trace_outcome IS 'Outcome of the transaction a trace shows, as trace_analysis reports it.';
CREATE TYPE agent_loggy.confidence_level AS ENUM ('HIGH', 'MEDIUM', 'LOW');
COMMENT ON TYPE agent_loggy.confidence_level IS 'Confidence level, as trace_analysis reports it.';
CREATE TYPE agent_loggy.stance AS ENUM ('supports', 'refutes', 'neutral');
COMMENT ON TYPE agent_loggy.stance IS 'A finding''s stance toward the dispute (entailment label).';

-- Prompt output schemas ----------------------------------------------------------------------------------

ALTER TABLE agent_loggy.prompts ADD COLUMN output_schema jsonb;
ALTER TABLE agent_loggy.prompts ADD CONSTRAINT prompts_output_schema_check
    CHECK (output_schema IS NULL OR jsonb_typeof(output_schema) = 'object');
COMMENT ON COLUMN agent_loggy.prompts.output_schema IS
    'JSON Schema (an object) the output of this version must meet; runs record whether theirs did. NULL: no schema. A new version inherits the schema of the version before it; fixed once the version has runs.';

-- A version's content, which a deleted version number must be re-created with, leaves the schema out:
-- versions deleted before this migration have none recorded, and a new version inherits one.
CREATE OR REPLACE FUNCTION agent_loggy.content_of(p_row jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_row - ARRAY['id', 'labels', 'is_active', 'created_at', 'updated_at', 'created_by', 'embedding',
                         'embedding_config_id', 'search_vector', 'variables', 'output_schema'];
COMMENT ON FUNCTION agent_loggy.content_of(jsonb) IS
    'What makes a version the version it is: its row without identity, labels, activity, times, author, derived columns and output schema.';

-- Investigations -----------------------------------------------------------------------------------------

CREATE TABLE agent_loggy.investigations (
    id            bigint GENERATED ALWAYS AS IDENTITY,
    project       text NOT NULL DEFAULT 'default',
    external_ref  text,
    requested_by  text,
    query         text NOT NULL,
    parameters    jsonb NOT NULL DEFAULT '{}',
    status        agent_loggy.investigation_status NOT NULL DEFAULT 'queued',
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    embedding     vector(384),
    recorded_by   text NOT NULL DEFAULT session_user,
    CONSTRAINT investigations_pkey PRIMARY KEY (id),
    CONSTRAINT investigations_id_project_key UNIQUE (id, project),
    CONSTRAINT investigations_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT investigations_external_ref_check CHECK (length(external_ref) BETWEEN 1 AND 200),
    CONSTRAINT investigations_requested_by_check CHECK (length(requested_by) BETWEEN 1 AND 200),
    CONSTRAINT investigations_query_check CHECK (query ~ '\S' AND length(query) <= 100000),
    CONSTRAINT investigations_parameters_check CHECK (jsonb_typeof(parameters) = 'object'
                                                      AND octet_length(parameters::text) <= 1000000),
    CONSTRAINT investigations_times_check CHECK ((started_at IS NULL OR finished_at IS NULL OR finished_at >= started_at)
                                                 AND agent_loggy.is_readable_time(started_at)
                                                 AND agent_loggy.is_readable_time(finished_at))
);
CREATE INDEX investigations_project_created_idx ON agent_loggy.investigations (project, created_at);
CREATE INDEX investigations_project_ref_idx ON agent_loggy.investigations (project, external_ref);
CREATE INDEX investigations_embedding_idx ON agent_loggy.investigations USING hnsw (embedding vector_cosine_ops);
COMMENT ON TABLE agent_loggy.investigations IS
    'One dispute or query under analysis: the runs, scores, findings and verdicts of one agent-loggy investigation hang off it.';
COMMENT ON COLUMN agent_loggy.investigations.id IS 'Identity of the investigation.';
COMMENT ON COLUMN agent_loggy.investigations.project IS 'Tenant / deployment the investigation belongs to.';
COMMENT ON COLUMN agent_loggy.investigations.external_ref IS 'The caller''s reference, e.g. the dispute id (1-200 characters).';
COMMENT ON COLUMN agent_loggy.investigations.requested_by IS 'The user who asked (the application''s user, not the database role).';
COMMENT ON COLUMN agent_loggy.investigations.query IS 'The query text under analysis.';
COMMENT ON COLUMN agent_loggy.investigations.parameters IS 'Parameters extracted from the query (parameter_extraction''s output), a JSON object.';
COMMENT ON COLUMN agent_loggy.investigations.status IS 'queued, running, succeeded, failed or cancelled; moves only forward.';
COMMENT ON COLUMN agent_loggy.investigations.created_at IS 'When the investigation was recorded.';
COMMENT ON COLUMN agent_loggy.investigations.started_at IS 'When it began running (set on the move to running, unless given).';
COMMENT ON COLUMN agent_loggy.investigations.finished_at IS 'When it ended (set on the move to an end state, unless given).';
COMMENT ON COLUMN agent_loggy.investigations.embedding IS 'Embedding of the query, for similar_investigations().';
COMMENT ON COLUMN agent_loggy.investigations.recorded_by IS 'The login role that recorded it (session_user; not the caller''s choice).';

-- Runs -----------------------------------------------------------------------------------------------------

CREATE TABLE agent_loggy.runs (
    id                   bigint GENERATED ALWAYS AS IDENTITY,
    project              text NOT NULL DEFAULT 'default',
    investigation_id     bigint,
    prompt_id            bigint,
    prompt_name          text NOT NULL,
    prompt_version       integer NOT NULL,
    label                text,
    model_config_version integer,
    model_provider       text,
    model_name           text,
    variables            jsonb NOT NULL DEFAULT '{}',
    rendered_hash        text,
    output               text,
    parsed_output        jsonb,
    output_valid         boolean,
    output_errors        text[],
    status               agent_loggy.run_status NOT NULL DEFAULT 'succeeded',
    error                text,
    latency_ms           double precision,
    input_tokens         integer,
    output_tokens        integer,
    cost                 numeric(16, 8),
    started_at           timestamptz NOT NULL DEFAULT now(),
    finished_at          timestamptz,
    trace_id             text,
    span_id              text,
    recorded_by          text NOT NULL DEFAULT session_user,
    recorded_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT runs_pkey PRIMARY KEY (id, started_at),
    CONSTRAINT runs_id_started_at_project_key UNIQUE (id, started_at, project),
    CONSTRAINT runs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT runs_investigation_fkey FOREIGN KEY (investigation_id, project)
        REFERENCES agent_loggy.investigations (id, project) ON DELETE SET NULL (investigation_id),
    CONSTRAINT runs_prompt_fkey FOREIGN KEY (prompt_id) REFERENCES agent_loggy.prompts (id) ON DELETE SET NULL,
    CONSTRAINT runs_prompt_name_check CHECK (agent_loggy.is_valid_name(prompt_name)),
    CONSTRAINT runs_prompt_version_check CHECK (prompt_version BETWEEN 1 AND 1000000000),
    CONSTRAINT runs_label_check CHECK (label ~ '^[a-z0-9_.-]{1,36}$'),
    CONSTRAINT runs_model_config_version_check CHECK (model_config_version > 0),
    CONSTRAINT runs_model_check CHECK (length(model_provider) <= 200 AND length(model_name) <= 200),
    CONSTRAINT runs_variables_check CHECK (jsonb_typeof(variables) = 'object' AND octet_length(variables::text) <= 1000000),
    CONSTRAINT runs_parsed_output_check CHECK (octet_length(parsed_output::text) <= 2000000),
    CONSTRAINT runs_rendered_hash_check CHECK (rendered_hash ~ '^[0-9a-f]{64}$'),
    CONSTRAINT runs_output_check CHECK (length(output) <= 1000000),
    CONSTRAINT runs_output_errors_check CHECK (cardinality(output_errors) <= 100
                                               AND octet_length(array_to_string(output_errors, '')) <= 200000),
    CONSTRAINT runs_error_check CHECK (length(error) <= 10000),
    CONSTRAINT runs_status_error_check CHECK (status = 'failed' OR error IS NULL),
    CONSTRAINT runs_latency_check CHECK (latency_ms >= 0 AND latency_ms <= 86400000),
    CONSTRAINT runs_tokens_check CHECK (input_tokens >= 0 AND output_tokens >= 0),
    CONSTRAINT runs_cost_check CHECK (cost >= 0),
    CONSTRAINT runs_times_check CHECK (finished_at >= started_at
                                       AND started_at >= '2000-01-01' AND started_at < '3000-01-01'
                                       AND finished_at < '3000-01-01'),
    CONSTRAINT runs_trace_id_check CHECK (trace_id ~ '^[0-9a-f]{32}$' AND trace_id <> repeat('0', 32)),
    CONSTRAINT runs_span_id_check CHECK (span_id ~ '^[0-9a-f]{16}$' AND span_id <> repeat('0', 16))
) PARTITION BY RANGE (started_at);
CREATE TABLE agent_loggy.runs_default PARTITION OF agent_loggy.runs DEFAULT;
COMMENT ON TABLE agent_loggy.runs_default IS
    'Runs whose month has no partition of its own (see ensure_run_partitions); read them through runs.';
CREATE INDEX runs_prompt_idx ON agent_loggy.runs (project, prompt_name, started_at)
    INCLUDE (prompt_version, status, output_valid, latency_ms, input_tokens, output_tokens, cost);
CREATE INDEX runs_investigation_idx ON agent_loggy.runs (investigation_id) WHERE investigation_id IS NOT NULL;
CREATE INDEX runs_prompt_id_idx ON agent_loggy.runs (prompt_id) WHERE prompt_id IS NOT NULL;
CREATE INDEX runs_trace_idx ON agent_loggy.runs (trace_id) WHERE trace_id IS NOT NULL;
COMMENT ON TABLE agent_loggy.runs IS
    'One LLM call of an agent: the prompt version it used, the model, the input variables, the output and whether it met the version''s output schema, status, latency, tokens, cost, and OpenTelemetry ids. Append-only once finished. Partitioned by month of started_at.';
COMMENT ON COLUMN agent_loggy.runs.id IS 'Identity of the run (with started_at, the key: runs are partitioned by it).';
COMMENT ON COLUMN agent_loggy.runs.project IS 'Tenant / deployment the run belongs to.';
COMMENT ON COLUMN agent_loggy.runs.investigation_id IS 'The investigation the call served, of the same project; NULL when none (or deleted).';
COMMENT ON COLUMN agent_loggy.runs.prompt_id IS 'The prompt version row used, found by the database from prompt_name and prompt_version; NULL once that version is deleted.';
COMMENT ON COLUMN agent_loggy.runs.prompt_name IS 'Name of the prompt used (kept when the version is deleted).';
COMMENT ON COLUMN agent_loggy.runs.prompt_version IS 'Version of the prompt used (kept when the version is deleted).';
COMMENT ON COLUMN agent_loggy.runs.label IS 'The label that resolved the version (production, staging, ...); NULL when asked by version or latest.';
COMMENT ON COLUMN agent_loggy.runs.model_config_version IS 'Version of the model config that came with the prompt.';
COMMENT ON COLUMN agent_loggy.runs.model_provider IS 'Provider of the model called (openai, ollama, ...).';
COMMENT ON COLUMN agent_loggy.runs.model_name IS 'Name of the model called.';
COMMENT ON COLUMN agent_loggy.runs.variables IS 'The template variables the prompt was rendered with, a JSON object.';
COMMENT ON COLUMN agent_loggy.runs.rendered_hash IS 'SHA-256 (hex) of the rendered prompt text.';
COMMENT ON COLUMN agent_loggy.runs.output IS 'The model''s output text (at most 1,000,000 characters).';
COMMENT ON COLUMN agent_loggy.runs.parsed_output IS 'The output parsed as JSON; NULL when it is not JSON.';
COMMENT ON COLUMN agent_loggy.runs.output_valid IS 'Whether the output met the version''s output_schema; NULL when the version has none or the run failed.';
COMMENT ON COLUMN agent_loggy.runs.output_errors IS 'Why the output did not meet the schema (parse error or schema errors), at most 100.';
COMMENT ON COLUMN agent_loggy.runs.status IS 'running, succeeded or failed.';
COMMENT ON COLUMN agent_loggy.runs.error IS 'What failed (the exception), only for failed runs.';
COMMENT ON COLUMN agent_loggy.runs.latency_ms IS 'Duration of the call in milliseconds.';
COMMENT ON COLUMN agent_loggy.runs.input_tokens IS 'Prompt tokens the model counted.';
COMMENT ON COLUMN agent_loggy.runs.output_tokens IS 'Completion tokens the model counted.';
COMMENT ON COLUMN agent_loggy.runs.cost IS 'Cost of the call, in the currency the project uses.';
COMMENT ON COLUMN agent_loggy.runs.started_at IS 'When the call started (the partition key).';
COMMENT ON COLUMN agent_loggy.runs.finished_at IS 'When the call ended.';
COMMENT ON COLUMN agent_loggy.runs.trace_id IS 'OpenTelemetry trace id (32 lowercase hex digits), to join the agents'' tracing.';
COMMENT ON COLUMN agent_loggy.runs.span_id IS 'OpenTelemetry span id (16 lowercase hex digits).';
COMMENT ON COLUMN agent_loggy.runs.recorded_by IS 'The login role that recorded the run (session_user).';
COMMENT ON COLUMN agent_loggy.runs.recorded_at IS 'When the run was recorded.';

-- Scores, findings, verdicts ---------------------------------------------------------------------------------

CREATE TABLE agent_loggy.scores (
    id               bigint GENERATED ALWAYS AS IDENTITY,
    project          text NOT NULL DEFAULT 'default',
    run_id           bigint,
    run_started_at   timestamptz,
    investigation_id bigint,
    name             text NOT NULL,
    value            double precision,
    scale_min        double precision,
    scale_max        double precision,
    category         text,
    source           agent_loggy.score_source NOT NULL,
    comment          text,
    given_by         text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    recorded_by      text NOT NULL DEFAULT session_user,
    CONSTRAINT scores_pkey PRIMARY KEY (id),
    CONSTRAINT scores_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT scores_run_fkey FOREIGN KEY (run_id, run_started_at, project)
        REFERENCES agent_loggy.runs (id, started_at, project) ON DELETE CASCADE,
    CONSTRAINT scores_investigation_fkey FOREIGN KEY (investigation_id, project)
        REFERENCES agent_loggy.investigations (id, project) ON DELETE CASCADE,
    CONSTRAINT scores_target_check CHECK ((run_id IS NULL) <> (investigation_id IS NULL)
                                         AND (run_id IS NULL) = (run_started_at IS NULL)),
    CONSTRAINT scores_name_check CHECK (name ~ '^[a-z][a-z0-9_.-]{0,62}$'),
    CONSTRAINT scores_kind_check CHECK ((value IS NULL) <> (category IS NULL)),
    CONSTRAINT scores_scale_check CHECK ((value IS NULL AND scale_min IS NULL AND scale_max IS NULL)
                                         OR (value IS NOT NULL AND scale_min < scale_max
                                             AND value BETWEEN scale_min AND scale_max)),
    CONSTRAINT scores_value_check CHECK (value <> 'NaN' AND value > '-Infinity' AND value < 'Infinity'
                                         AND scale_min > '-Infinity' AND scale_max < 'Infinity'),
    CONSTRAINT scores_category_check CHECK (category ~ '\S' AND length(category) <= 100),
    CONSTRAINT scores_comment_check CHECK (length(comment) <= 10000),
    CONSTRAINT scores_given_by_check CHECK (length(given_by) <= 200),
    CONSTRAINT scores_created_at_check CHECK (agent_loggy.is_readable_time(created_at))
);
CREATE INDEX scores_run_idx ON agent_loggy.scores (run_id, run_started_at) INCLUDE (name, value) WHERE run_id IS NOT NULL;
CREATE INDEX scores_investigation_idx ON agent_loggy.scores (investigation_id, name, created_at)
    WHERE investigation_id IS NOT NULL;
COMMENT ON TABLE agent_loggy.scores IS
    'A named score on a run or on an investigation: numeric on the scale it was given on (0-100 unless stated) or categorical; from a human, an LLM or code. Scores on an investigation over time form its quality time series.';
COMMENT ON COLUMN agent_loggy.scores.id IS 'Identity of the score.';
COMMENT ON COLUMN agent_loggy.scores.project IS 'Project of the run or investigation scored.';
COMMENT ON COLUMN agent_loggy.scores.run_id IS 'The run scored (with run_started_at); NULL for a score on an investigation.';
COMMENT ON COLUMN agent_loggy.scores.run_started_at IS 'started_at of the run scored (runs are keyed by id and started_at).';
COMMENT ON COLUMN agent_loggy.scores.investigation_id IS 'The investigation scored; NULL for a score on a run.';
COMMENT ON COLUMN agent_loggy.scores.name IS 'Score name, e.g. relevance or completeness (lowercase, 1-63 characters).';
COMMENT ON COLUMN agent_loggy.scores.value IS 'Numeric value, within [scale_min, scale_max]; NULL for a categorical score.';
COMMENT ON COLUMN agent_loggy.scores.scale_min IS 'Lower end of the scale the value was given on (0 unless stated).';
COMMENT ON COLUMN agent_loggy.scores.scale_max IS 'Upper end of the scale the value was given on (100 unless stated).';
COMMENT ON COLUMN agent_loggy.scores.category IS 'Categorical value, e.g. INCLUDE; NULL for a numeric score.';
COMMENT ON COLUMN agent_loggy.scores.source IS 'human, llm or code.';
COMMENT ON COLUMN agent_loggy.scores.comment IS 'Free-text comment.';
COMMENT ON COLUMN agent_loggy.scores.given_by IS 'Who gave it (a person or a judge model), as the caller names it.';
COMMENT ON COLUMN agent_loggy.scores.created_at IS 'When the score was given.';
COMMENT ON COLUMN agent_loggy.scores.recorded_by IS 'The login role that recorded it (session_user).';

CREATE TABLE agent_loggy.trace_findings (
    id               bigint GENERATED ALWAYS AS IDENTITY,
    project          text NOT NULL DEFAULT 'default',
    investigation_id bigint NOT NULL,
    trace_id         text NOT NULL,
    relevance        double precision,
    outcome          agent_loggy.trace_outcome NOT NULL DEFAULT 'unknown',
    confidence       agent_loggy.confidence_level,
    stance           agent_loggy.stance NOT NULL,
    p_supports       double precision,
    p_refutes        double precision,
    p_neutral        double precision,
    evidence         jsonb NOT NULL DEFAULT '[]',
    run_id           bigint,
    run_started_at   timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    recorded_by      text NOT NULL DEFAULT session_user,
    CONSTRAINT trace_findings_pkey PRIMARY KEY (id),
    CONSTRAINT trace_findings_id_investigation_key UNIQUE (id, investigation_id),
    CONSTRAINT trace_findings_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT trace_findings_investigation_fkey FOREIGN KEY (investigation_id, project)
        REFERENCES agent_loggy.investigations (id, project) ON DELETE CASCADE,
    CONSTRAINT trace_findings_run_fkey FOREIGN KEY (run_id, run_started_at, project)
        REFERENCES agent_loggy.runs (id, started_at, project) ON DELETE SET NULL (run_id, run_started_at),
    CONSTRAINT trace_findings_trace_id_check CHECK (trace_id ~ '^[0-9A-Za-z_.:-]{1,128}$'),
    CONSTRAINT trace_findings_relevance_check CHECK (relevance BETWEEN 0 AND 100),
    CONSTRAINT trace_findings_probabilities_check CHECK (
        (p_supports IS NULL AND p_refutes IS NULL AND p_neutral IS NULL)
        OR (p_supports BETWEEN 0 AND 1 AND p_refutes BETWEEN 0 AND 1 AND p_neutral BETWEEN 0 AND 1
            AND abs(p_supports + p_refutes + p_neutral - 1) <= 0.001)),
    CONSTRAINT trace_findings_evidence_check CHECK (jsonb_typeof(evidence) IN ('array', 'object')
                                                    AND octet_length(evidence::text) <= 1000000),
    CONSTRAINT trace_findings_run_check CHECK ((run_id IS NULL) = (run_started_at IS NULL))
);
CREATE INDEX trace_findings_investigation_idx ON agent_loggy.trace_findings (investigation_id, trace_id);
CREATE INDEX trace_findings_run_idx ON agent_loggy.trace_findings (run_id, run_started_at) WHERE run_id IS NOT NULL;
COMMENT ON TABLE agent_loggy.trace_findings IS
    'What the analysis of one trace found for an investigation: relevance, outcome, confidence, stance toward the dispute with its probabilities, evidence, and the run that produced it.';
COMMENT ON COLUMN agent_loggy.trace_findings.id IS 'Identity of the finding.';
COMMENT ON COLUMN agent_loggy.trace_findings.project IS 'Project of the investigation.';
COMMENT ON COLUMN agent_loggy.trace_findings.investigation_id IS 'The investigation it belongs to (same project).';
COMMENT ON COLUMN agent_loggy.trace_findings.trace_id IS 'The trace analysed (1-128 characters of letters, digits, _ . : -).';
COMMENT ON COLUMN agent_loggy.trace_findings.relevance IS 'Relevance to the dispute, 0-100.';
COMMENT ON COLUMN agent_loggy.trace_findings.outcome IS 'successful, failed, partial or unknown.';
COMMENT ON COLUMN agent_loggy.trace_findings.confidence IS 'HIGH, MEDIUM or LOW.';
COMMENT ON COLUMN agent_loggy.trace_findings.stance IS 'supports, refutes or neutral: toward the dispute.';
COMMENT ON COLUMN agent_loggy.trace_findings.p_supports IS 'Probability of supports (the three sum to 1 within 0.001, or are all NULL).';
COMMENT ON COLUMN agent_loggy.trace_findings.p_refutes IS 'Probability of refutes.';
COMMENT ON COLUMN agent_loggy.trace_findings.p_neutral IS 'Probability of neutral.';
COMMENT ON COLUMN agent_loggy.trace_findings.evidence IS 'Evidence points, a JSON array (or object).';
COMMENT ON COLUMN agent_loggy.trace_findings.run_id IS 'The run that produced the finding; NULL when none or deleted.';
COMMENT ON COLUMN agent_loggy.trace_findings.run_started_at IS 'started_at of that run.';
COMMENT ON COLUMN agent_loggy.trace_findings.created_at IS 'When the finding was recorded.';
COMMENT ON COLUMN agent_loggy.trace_findings.recorded_by IS 'The login role that recorded it (session_user).';

CREATE TABLE agent_loggy.verdicts (
    id               bigint GENERATED ALWAYS AS IDENTITY,
    project          text NOT NULL DEFAULT 'default',
    investigation_id bigint NOT NULL,
    verdict          text NOT NULL,
    finding_ids      bigint[] NOT NULL DEFAULT '{}',
    supporting       integer NOT NULL DEFAULT 0,
    refuting         integer NOT NULL DEFAULT 0,
    neutral          integer NOT NULL DEFAULT 0,
    confidence       double precision,
    reasoning        text,
    pipeline_version text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    recorded_by      text NOT NULL DEFAULT session_user,
    CONSTRAINT verdicts_pkey PRIMARY KEY (id),
    CONSTRAINT verdicts_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT verdicts_investigation_fkey FOREIGN KEY (investigation_id, project)
        REFERENCES agent_loggy.investigations (id, project) ON DELETE CASCADE,
    CONSTRAINT verdicts_verdict_check CHECK (verdict ~ '^[A-Za-z][A-Za-z0-9_ -]{0,62}$'),
    CONSTRAINT verdicts_finding_ids_check CHECK (cardinality(finding_ids) <= 10000),
    CONSTRAINT verdicts_confidence_check CHECK (confidence BETWEEN 0 AND 1),
    CONSTRAINT verdicts_reasoning_check CHECK (length(reasoning) <= 100000),
    CONSTRAINT verdicts_pipeline_version_check CHECK (length(pipeline_version) BETWEEN 1 AND 100)
);
CREATE INDEX verdicts_investigation_idx ON agent_loggy.verdicts (investigation_id, created_at);
COMMENT ON TABLE agent_loggy.verdicts IS
    'The conclusion of an investigation: verdict, counts of supporting / refuting / neutral findings (computed by the database from finding_ids), confidence, reasoning, pipeline version.';
COMMENT ON COLUMN agent_loggy.verdicts.id IS 'Identity of the verdict.';
COMMENT ON COLUMN agent_loggy.verdicts.project IS 'Project of the investigation.';
COMMENT ON COLUMN agent_loggy.verdicts.investigation_id IS 'The investigation concluded (same project).';
COMMENT ON COLUMN agent_loggy.verdicts.verdict IS 'The verdict, e.g. supports_dispute (a word or short phrase).';
COMMENT ON COLUMN agent_loggy.verdicts.finding_ids IS 'The trace findings (of the same investigation) the verdict rests on.';
COMMENT ON COLUMN agent_loggy.verdicts.supporting IS 'How many of those findings support the dispute (computed, never the caller''s).';
COMMENT ON COLUMN agent_loggy.verdicts.refuting IS 'How many refute it (computed).';
COMMENT ON COLUMN agent_loggy.verdicts.neutral IS 'How many are neutral (computed).';
COMMENT ON COLUMN agent_loggy.verdicts.confidence IS 'Confidence in the verdict, 0-1.';
COMMENT ON COLUMN agent_loggy.verdicts.reasoning IS 'Why, in words.';
COMMENT ON COLUMN agent_loggy.verdicts.pipeline_version IS 'Version of the pipeline that reached it.';
COMMENT ON COLUMN agent_loggy.verdicts.created_at IS 'When the verdict was recorded.';
COMMENT ON COLUMN agent_loggy.verdicts.recorded_by IS 'The login role that recorded it (session_user).';

-- Promotion policies ---------------------------------------------------------------------------------------

CREATE TABLE agent_loggy.promotion_policies (
    id               bigint GENERATED ALWAYS AS IDENTITY,
    project          text NOT NULL DEFAULT 'default',
    label            text NOT NULL,
    min_runs         integer NOT NULL DEFAULT 0,
    max_error_rate   double precision,
    min_valid_rate   double precision,
    score_name       text,
    score_tolerance  double precision,
    window_length    interval NOT NULL DEFAULT '30 days',
    updated_by       text NOT NULL DEFAULT session_user,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT promotion_policies_pkey PRIMARY KEY (id),
    CONSTRAINT promotion_policies_project_label_key UNIQUE (project, label),
    CONSTRAINT promotion_policies_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT promotion_policies_label_check CHECK (label ~ '^[a-z0-9_.-]{1,36}$' AND label <> 'latest'),
    CONSTRAINT promotion_policies_min_runs_check CHECK (min_runs BETWEEN 0 AND 1000000000),
    CONSTRAINT promotion_policies_max_error_rate_check CHECK (max_error_rate BETWEEN 0 AND 1),
    CONSTRAINT promotion_policies_min_valid_rate_check CHECK (min_valid_rate BETWEEN 0 AND 1),
    CONSTRAINT promotion_policies_score_check CHECK ((score_name IS NULL) = (score_tolerance IS NULL)
                                                    AND score_name ~ '^[a-z][a-z0-9_.-]{0,62}$'
                                                    AND score_tolerance >= 0 AND score_tolerance < 'Infinity'),
    CONSTRAINT promotion_policies_window_check CHECK (window_length > '0' AND window_length <= '10 years')
);
COMMENT ON TABLE agent_loggy.promotion_policies IS
    'What a prompt version must have shown before a label moves onto it, per project and label: at least min_runs runs, an error rate of at most max_error_rate, a valid-output rate of at least min_valid_rate, and a mean score_name no more than score_tolerance below the current holder''s, all over the last window_length. Set by admins (set_promotion_policy).';
COMMENT ON COLUMN agent_loggy.promotion_policies.id IS 'Identity of the policy.';
COMMENT ON COLUMN agent_loggy.promotion_policies.project IS 'Project whose label it guards.';
COMMENT ON COLUMN agent_loggy.promotion_policies.label IS 'The label it guards (e.g. production).';
COMMENT ON COLUMN agent_loggy.promotion_policies.min_runs IS 'Runs the candidate version needs in the window.';
COMMENT ON COLUMN agent_loggy.promotion_policies.max_error_rate IS 'Highest error rate (failed / runs) allowed; NULL: no rule.';
COMMENT ON COLUMN agent_loggy.promotion_policies.min_valid_rate IS 'Lowest valid-output rate (valid / runs validated) allowed; NULL: no rule.';
COMMENT ON COLUMN agent_loggy.promotion_policies.score_name IS 'Run score compared with the current holder''s; NULL: no rule.';
COMMENT ON COLUMN agent_loggy.promotion_policies.score_tolerance IS 'How far the candidate''s mean score may fall below the holder''s.';
COMMENT ON COLUMN agent_loggy.promotion_policies.window_length IS 'How far back the runs counted go.';
COMMENT ON COLUMN agent_loggy.promotion_policies.updated_by IS 'Login role that last set the policy.';
COMMENT ON COLUMN agent_loggy.promotion_policies.updated_at IS 'When the policy was last set.';

-- The guard of every record ----------------------------------------------------------------------------------


CREATE FUNCTION agent_loggy.guard_record() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tab text := TG_ARGV[0];  -- the table; TG_TABLE_NAME names the partition of a run
    bound text := nullif(current_setting('agent_loggy.project', true), '');
    counts record;
    order_of text[] := ARRAY['queued', 'running', 'succeeded', 'failed', 'cancelled'];
BEGIN
    -- the binding when this row is written, whatever it was when the statement began
    IF (bound IS DISTINCT FROM NEW.project OR (TG_OP = 'UPDATE' AND bound IS DISTINCT FROM OLD.project))
       AND NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to write % of project %: a transaction writes only the project bound to it when the row is written, and it is bound to %',
            tab, quote_literal(CASE WHEN bound IS DISTINCT FROM NEW.project THEN NEW.project ELSE OLD.project END),
            coalesce(quote_literal(bound), 'none')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.project IS DISTINCT FROM OLD.project THEN
        RAISE EXCEPTION 'a % row stays in its project (% -> %)', tab, quote_literal(OLD.project),
            quote_literal(NEW.project) USING ERRCODE = 'insufficient_privilege';
    END IF;

    IF tab = 'investigations' THEN
        IF NOT agent_loggy.is_readable_json(NEW.parameters) THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'investigations_parameters_json_check',
                'parameters nest deeper than 64 levels or hold a number beyond double precision', NULL);
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.status <> OLD.status THEN
            IF OLD.status IN ('succeeded', 'failed', 'cancelled')
               OR array_position(order_of, NEW.status::text) < array_position(order_of, OLD.status::text) THEN
                PERFORM agent_loggy.raise_check_violation(tab, 'investigations_status_transition_check',
                    format('investigation %s cannot go from %s to %s: a status moves only forward (queued -> running -> succeeded | failed | cancelled)',
                           OLD.id, OLD.status, NEW.status), NULL);
            END IF;
        ELSIF TG_OP = 'UPDATE' AND OLD.status IN ('succeeded', 'failed', 'cancelled')
              AND (NEW.query, NEW.parameters, NEW.external_ref, NEW.requested_by, NEW.started_at, NEW.finished_at)
                  IS DISTINCT FROM (OLD.query, OLD.parameters, OLD.external_ref, OLD.requested_by, OLD.started_at, OLD.finished_at) THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'investigations_finished_check',
                format('investigation %s has ended (%s): only its embedding may still change', OLD.id, OLD.status), NULL);
        END IF;
        IF NEW.status <> 'queued' AND NEW.started_at IS NULL THEN
            NEW.started_at := CASE WHEN NEW.status = 'running' THEN now() ELSE NULL END;
        END IF;
        IF NEW.status IN ('succeeded', 'failed', 'cancelled') AND NEW.finished_at IS NULL THEN
            NEW.finished_at := now();
        END IF;
        IF TG_OP = 'UPDATE' THEN
            NEW.created_at := OLD.created_at;
            NEW.recorded_by := OLD.recorded_by;
        END IF;
        RETURN NEW;
    ELSIF tab = 'runs' THEN
        IF TG_OP = 'UPDATE' THEN
            IF (NEW.prompt_id IS NULL OR NEW.prompt_id = OLD.prompt_id)
               AND (NEW.investigation_id IS NULL OR NEW.investigation_id = OLD.investigation_id)
               AND to_jsonb(NEW) - ARRAY['prompt_id', 'investigation_id'] = to_jsonb(OLD) - ARRAY['prompt_id', 'investigation_id'] THEN
                RETURN NEW;  -- a foreign key letting go of a deleted prompt version or investigation
            END IF;
            IF OLD.status <> 'running' THEN
                PERFORM agent_loggy.raise_check_violation(tab, 'runs_append_only_check',
                    format('run %s has finished (%s): finished runs are append-only', OLD.id, OLD.status), NULL);
            END IF;
            IF (NEW.prompt_name, NEW.prompt_version, NEW.investigation_id, NEW.started_at)
               IS DISTINCT FROM (OLD.prompt_name, OLD.prompt_version, OLD.investigation_id, OLD.started_at) THEN
                PERFORM agent_loggy.raise_check_violation(tab, 'runs_append_only_check',
                    format('run %s keeps its prompt version, investigation and start: only its outcome may be filled in', OLD.id), NULL);
            END IF;
            NEW.prompt_id := OLD.prompt_id;
            NEW.recorded_by := OLD.recorded_by;
            NEW.recorded_at := OLD.recorded_at;
        ELSE
            -- the version used, found here (a caller cannot point a run at another project's prompt, nor
            -- record runs of a version that does not exist yet, to be counted once it does)
            NEW.prompt_id := (SELECT p.id FROM agent_loggy.prompts AS p
                              WHERE p.project = NEW.project AND p.name = NEW.prompt_name AND p.version = NEW.prompt_version);
            IF NEW.prompt_id IS NULL THEN
                PERFORM agent_loggy.bound_project();  -- a binding without a grant: 42501, not "no version"
                PERFORM agent_loggy.raise_check_violation(tab, 'runs_prompt_version_check',
                    format('prompt %s in project %s has no version %s: a run is recorded against the version it used',
                           quote_literal(NEW.prompt_name), quote_literal(NEW.project), NEW.prompt_version), NULL);
            END IF;
            IF NEW.started_at > clock_timestamp() + interval '5 minutes' THEN
                PERFORM agent_loggy.raise_check_violation(tab, 'runs_times_check',
                    format('run of %s v%s starts in the future (%s): at most 5 minutes of clock skew are allowed',
                           NEW.prompt_name, NEW.prompt_version, NEW.started_at), NULL);
            END IF;
        END IF;
        IF NOT (agent_loggy.is_readable_json(NEW.variables) AND coalesce(agent_loggy.is_readable_json(NEW.parsed_output), true)) THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'runs_json_check',
                'variables or parsed_output nest deeper than 64 levels or hold a number beyond double precision', NULL);
        END IF;
        IF NEW.status <> 'running' AND NEW.finished_at IS NULL THEN
            NEW.finished_at := greatest(NEW.started_at, clock_timestamp());
        END IF;
        RETURN NEW;
    ELSIF tab = 'trace_findings' THEN
        IF NOT agent_loggy.is_readable_json(NEW.evidence) THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'trace_findings_evidence_json_check',
                'evidence nests deeper than 64 levels or holds a number beyond double precision', NULL);
        END IF;
        RETURN NEW;
    ELSIF tab = 'verdicts' THEN
        IF cardinality(NEW.finding_ids) > 10000 THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'verdicts_finding_ids_check',
                format('a verdict rests on at most 10000 findings, not %s', cardinality(NEW.finding_ids)), NULL);
        END IF;
        -- the counts come from the findings, never from the caller
        SELECT count(*) AS found,
               count(*) FILTER (WHERE f.stance = 'supports') AS supporting,
               count(*) FILTER (WHERE f.stance = 'refutes') AS refuting,
               count(*) FILTER (WHERE f.stance = 'neutral') AS neutral
        INTO counts
        FROM agent_loggy.trace_findings AS f
        WHERE f.id = ANY (NEW.finding_ids) AND f.investigation_id = NEW.investigation_id AND f.project = NEW.project;
        IF counts.found <> (SELECT count(DISTINCT i) FROM unnest(NEW.finding_ids) AS i) THEN
            PERFORM agent_loggy.raise_check_violation(tab, 'verdicts_finding_ids_check',
                format('finding ids %s are not findings of investigation %s',
                       (SELECT string_agg(i::text, ', ' ORDER BY i) FROM unnest(NEW.finding_ids) AS i
                        WHERE NOT EXISTS (SELECT FROM agent_loggy.trace_findings AS f
                                          WHERE f.id = i AND f.investigation_id = NEW.investigation_id
                                            AND f.project = NEW.project)),
                       NEW.investigation_id), NULL);
        END IF;
        NEW.finding_ids := ARRAY(SELECT DISTINCT i FROM unnest(NEW.finding_ids) AS i ORDER BY i);
        NEW.supporting := counts.supporting;
        NEW.refuting := counts.refuting;
        NEW.neutral := counts.neutral;
        RETURN NEW;
    END IF;
    -- scores: a numeric value given without its scale is on 0-100
    IF NEW.value IS NOT NULL AND NEW.scale_min IS NULL AND NEW.scale_max IS NULL THEN
        NEW.scale_min := 0;
        NEW.scale_max := 100;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.guard_record() IS
    'BEFORE INSERT/UPDATE row trigger of investigations, runs, scores, trace_findings and verdicts (argument: the table). For a non-admin the row must belong to the project bound when it is written; rows never change project. Investigations: status only forward, ended ones frozen, start and end times filled in. Runs: prompt_id found from (project, prompt_name, prompt_version); finished runs are append-only (their foreign keys may still let go of a deleted version or investigation). Verdicts: counts computed from the findings of the same investigation. Stored JSON nests at most 64 levels.';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['investigations', 'runs', 'scores', 'trace_findings', 'verdicts'] LOOP
        EXECUTE format('CREATE TRIGGER t30_guard_record BEFORE INSERT OR UPDATE ON agent_loggy.%I '
                       'FOR EACH ROW EXECUTE FUNCTION agent_loggy.guard_record(%L)', t, t);
    END LOOP;
END
$$;

-- Row level security ------------------------------------------------------------------------------------------

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['investigations', 'runs', 'scores', 'trace_findings', 'verdicts', 'promotion_policies'] LOOP
        EXECUTE format('ALTER TABLE agent_loggy.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format($policy$
            CREATE POLICY project_isolation ON agent_loggy.%I
                USING ((SELECT agent_loggy.sees_every_project()) OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]))
                WITH CHECK ((SELECT agent_loggy.sees_every_project())
                            OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]))$policy$, t);
        EXECUTE format('COMMENT ON POLICY project_isolation ON agent_loggy.%I IS %L', t,
            'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin).');
        EXECUTE format($policy$
            CREATE POLICY project_records ON agent_loggy.%I AS RESTRICTIVE FOR INSERT
                WITH CHECK ((SELECT agent_loggy.writes_every_project()) OR project = (SELECT agent_loggy.bound_project()))$policy$, t);
        EXECUTE format($policy$
            CREATE POLICY project_record_updates ON agent_loggy.%I AS RESTRICTIVE FOR UPDATE
                USING ((SELECT agent_loggy.writes_every_project()) OR project = (SELECT agent_loggy.bound_project()))
                WITH CHECK ((SELECT agent_loggy.writes_every_project()) OR project = (SELECT agent_loggy.bound_project()))$policy$, t);
        EXECUTE format($policy$
            CREATE POLICY project_record_deletes ON agent_loggy.%I AS RESTRICTIVE FOR DELETE
                USING ((SELECT agent_loggy.writes_every_project()) OR project = (SELECT agent_loggy.bound_project()))$policy$, t);
        EXECUTE format('COMMENT ON POLICY project_records ON agent_loggy.%I IS %L', t,
            'New rows only in the bound project (a read grant suffices: recording is what agents do); admin: every project with none bound.');
        EXECUTE format('COMMENT ON POLICY project_record_updates ON agent_loggy.%I IS %L', t,
            'Updates only of rows of the bound project; admin: every project with none bound.');
        EXECUTE format('COMMENT ON POLICY project_record_deletes ON agent_loggy.%I IS %L', t,
            'Deletes (admin only by privileges) only of rows of the bound project, or of any project with none bound.');
    END LOOP;
END
$$;

CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.promotion_policies
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

-- Output schemas ------------------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.check_output_schema() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF TG_TABLE_SCHEMA <> 'agent_loggy' OR TG_TABLE_NAME <> 'prompts' THEN
        RAISE EXCEPTION 'check_output_schema() only serves agent_loggy.prompts, not %.%', TG_TABLE_SCHEMA, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'INSERT' AND NEW.output_schema IS NULL THEN
        -- a new version keeps the output contract of the version before it
        NEW.output_schema := (SELECT p.output_schema FROM agent_loggy.prompts AS p
                              WHERE p.project = NEW.project AND p.name = NEW.name AND p.version < NEW.version
                              ORDER BY p.version DESC LIMIT 1);
    END IF;
    IF NOT agent_loggy.is_readable_json(NEW.output_schema) THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_output_schema_check',
            format('output schema of version %s of prompt %s nests deeper than 64 levels or holds a number beyond double precision',
                   NEW.version, quote_literal(NEW.name)), NULL);
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.output_schema IS DISTINCT FROM OLD.output_schema
       AND EXISTS (SELECT FROM agent_loggy.runs AS r WHERE r.prompt_id = OLD.id) THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_output_schema_check',
            format('version %s of prompt %s in project %s has runs: its output schema is fixed, so its valid-output rate means one thing',
                   OLD.version, quote_literal(OLD.name), quote_literal(OLD.project)),
            'Publish a new version with the new schema.');
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.check_output_schema() IS
    'BEFORE INSERT / UPDATE OF output_schema row trigger of prompts: a new version without a schema takes the schema of the version before it (set_prompt_output_schema(..., NULL) removes it); the schema nests at most 64 levels, and a version that has runs keeps its schema. Runs as the owner, so it sees every run of the version whatever the caller''s binding.';
CREATE TRIGGER t31_check_output_schema BEFORE INSERT OR UPDATE OF output_schema ON agent_loggy.prompts
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.check_output_schema();

CREATE FUNCTION agent_loggy.set_prompt_output_schema(
    p_name text, p_version integer, p_schema jsonb, p_project text DEFAULT 'default'
) RETURNS agent_loggy.prompts
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    target agent_loggy.prompts;
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    UPDATE agent_loggy.prompts AS t SET output_schema = p_schema
    WHERE t.project = p_project AND t.name = p_name AND t.version = p_version
    RETURNING * INTO target;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'prompt % in project % has no version %', quote_literal(p_name), quote_literal(p_project),
            coalesce(p_version::text, 'NULL') USING ERRCODE = 'no_data_found';
    END IF;
    RETURN target;
END
$$;
COMMENT ON FUNCTION agent_loggy.set_prompt_output_schema(text, integer, jsonb, text) IS
    'Writers: declares the JSON Schema (an object; NULL removes it) the output of a prompt version must meet; refused once the version has runs. Recorded in the changelog as an update.';

CREATE FUNCTION agent_loggy.prompt_output_schema(p_name text, p_version integer, p_project text DEFAULT 'default')
    RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    RETURN (SELECT p.output_schema FROM agent_loggy.prompts AS p
            WHERE p.project = p_project AND p.name = p_name AND p.version = p_version);
COMMENT ON FUNCTION agent_loggy.prompt_output_schema(text, integer, text) IS
    'The output schema of a prompt version (NULL: none, or no such version visible to the caller).';

-- The seeded versions demand JSON: each gets the schema its text describes, recorded in the changelog
-- once: applied again after a rollback, the migration finds its rows there and writes no second set
-- (the changelog keeps every row, so the trigger that would write them is off for this update). The
-- write-lock rows the update needs are removed again, so the rollback leaves the tables as they were.
ALTER TABLE agent_loggy.prompts DISABLE TRIGGER write_changelog, DISABLE TRIGGER t90_touch_updated_at;
DO $$
DECLARE
    locks text[] := ARRAY(SELECT w.kind || '/' || w.project FROM agent_loggy.write_locks AS w);
    updated bigint[];
BEGIN
    WITH changed AS (
    UPDATE agent_loggy.prompts AS p SET output_schema = s.schema
    FROM (VALUES
        ('parameter_extraction', $schema${
            "type": "object",
            "required": ["time_frame", "domain", "query_keys"],
            "properties": {
                "time_frame": {"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                "domain": {"type": "string", "minLength": 1},
                "query_keys": {"type": "array", "items": {"type": "string"}}
            }
        }$schema$::jsonb),
        ('relevance_analysis', $schema${
            "type": "object",
            "required": ["relevance_score", "confidence_score", "recommendation", "reasoning"],
            "properties": {
                "relevance_score": {"type": "number", "minimum": 0, "maximum": 100},
                "confidence_score": {"type": "number", "minimum": 0, "maximum": 100},
                "matching_elements": {"type": "array", "items": {"type": "string"}},
                "non_matching_elements": {"type": "array", "items": {"type": "string"}},
                "key_findings": {"type": "array", "items": {"type": "string"}},
                "domain_match": {"type": "boolean"},
                "time_match": {"type": "boolean"},
                "keyword_matches": {"type": "array", "items": {"type": "string"}},
                "important_pattern_matches": {"type": "array", "items": {"type": "string"}},
                "recommendation": {"type": "string", "pattern": "^(INCLUDE|EXCLUDE|REVIEW)\\b"},
                "reasoning": {"type": "string"}
            }
        }$schema$::jsonb),
        ('trace_analysis', $schema${
            "type": "object",
            "required": ["relevance_score", "transaction_outcome", "confidence_level", "evidence_found", "recommendation"],
            "properties": {
                "relevance_score": {"type": "number", "minimum": 0, "maximum": 100},
                "request_summary": {"type": "string"},
                "transaction_outcome": {"enum": ["successful", "failed", "partial", "unknown"]},
                "key_finding": {"type": "string"},
                "primary_issue": {"type": ["string", "null"]},
                "confidence_level": {"enum": ["HIGH", "MEDIUM", "LOW"]},
                "evidence_found": {"type": "array", "items": {"type": "string"}},
                "root_cause_analysis": {"type": ["string", "null"]},
                "recommendation": {"type": "string"}
            }
        }$schema$::jsonb),
        ('quality_assessment', $schema${
            "type": "object",
            "required": ["completeness_score", "relevance_score", "coverage_score", "overall_confidence"],
            "properties": {
                "completeness_score": {"type": "number", "minimum": 0, "maximum": 100},
                "relevance_score": {"type": "number", "minimum": 0, "maximum": 100},
                "coverage_score": {"type": "number", "minimum": 0, "maximum": 100},
                "overall_confidence": {"type": "number", "minimum": 0, "maximum": 100},
                "key_gaps": {"type": "array", "items": {"type": "string"}},
                "recommendations": {"type": "array", "items": {"type": "string"}}
            }
        }$schema$::jsonb),
        ('trace_entry_analysis', $schema${
            "type": "object",
            "required": ["relevance_score", "event_type", "is_error", "explanation"],
            "properties": {
                "relevance_score": {"type": "number", "minimum": 0, "maximum": 100},
                "event_type": {"enum": ["request", "response", "validation", "authorization", "debit", "credit",
                                        "reversal", "notification", "error", "other"]},
                "is_error": {"type": "boolean"},
                "error_code": {"type": ["string", "null"]},
                "explanation": {"type": "string"}
            }
        }$schema$::jsonb)) AS s(name, schema)
    -- later versions of a seeded prompt keep its schema, as every new version keeps its predecessor's
    WHERE p.project = 'default' AND p.name = s.name AND p.output_schema IS NULL
    RETURNING p.id)
    SELECT array_agg(c.id) INTO updated FROM changed AS c;
    DELETE FROM agent_loggy.write_locks AS w WHERE w.kind || '/' || w.project <> ALL (locks);
    INSERT INTO agent_loggy.config_changelog (config_type, config_id, project, config_name, previous_version,
                                              new_version, change_type, change_summary, previous_data, new_data,
                                              changed_by)
    SELECT 'prompt', p.id, p.project, p.name, p.version, p.version, 'update',
           'output schema from the JSON the prompt text demands',
           jsonb_set(to_jsonb(p) - ARRAY['embedding', 'search_vector'], '{output_schema}', 'null'),
           to_jsonb(p) - ARRAY['embedding', 'search_vector'], 'migration 0018_runs'
    FROM agent_loggy.prompts AS p
    WHERE p.id = ANY (updated)
      AND NOT EXISTS (SELECT FROM agent_loggy.config_changelog AS c
                      WHERE c.config_type = 'prompt' AND c.config_id = p.id
                        AND c.new_data -> 'output_schema' = p.output_schema)
    ORDER BY p.id;
END
$$;
ALTER TABLE agent_loggy.prompts ENABLE TRIGGER write_changelog, ENABLE TRIGGER t90_touch_updated_at;

-- Batches: COPY is refused on a table with row level security, so batches are COPYed into a staging
-- table and moved with one INSERT (policies, guards and constraints apply to every row).

CREATE FUNCTION agent_loggy.stage_runs() RETURNS regclass
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF to_regclass('pg_temp.agent_loggy_staged_runs') IS NOT NULL THEN
        DROP TABLE pg_temp.agent_loggy_staged_runs;
    END IF;
    CREATE TEMP TABLE agent_loggy_staged_runs (
        project text, investigation_id bigint, prompt_name text, prompt_version integer, label text,
        model_config_version integer, model_provider text, model_name text, variables jsonb, rendered_hash text,
        output text, parsed_output jsonb, output_valid boolean, output_errors text[], status agent_loggy.run_status,
        error text, latency_ms double precision, input_tokens integer, output_tokens integer, cost numeric,
        started_at timestamptz, finished_at timestamptz, trace_id text, span_id text
    ) ON COMMIT DROP;
    RETURN 'pg_temp.agent_loggy_staged_runs'::regclass;
END
$$;
COMMENT ON FUNCTION agent_loggy.stage_runs() IS
    'Creates (or empties) pg_temp.agent_loggy_staged_runs, with the columns a caller gives a run, dropped at commit, and returns it: COPY a batch of runs into it, then call record_staged_runs() in the same transaction.';

CREATE FUNCTION agent_loggy.record_staged_runs() RETURNS bigint
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    moved bigint;
BEGIN
    IF to_regclass('pg_temp.agent_loggy_staged_runs') IS NULL THEN
        RAISE EXCEPTION 'no runs are staged: call agent_loggy.stage_runs() first, in the same transaction'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    INSERT INTO agent_loggy.runs (project, investigation_id, prompt_name, prompt_version, label, model_config_version,
        model_provider, model_name, variables, rendered_hash, output, parsed_output, output_valid, output_errors,
        status, error, latency_ms, input_tokens, output_tokens, cost, started_at, finished_at, trace_id, span_id)
    SELECT coalesce(s.project, 'default'), s.investigation_id, s.prompt_name, s.prompt_version, s.label,
           s.model_config_version, s.model_provider, s.model_name, coalesce(s.variables, '{}'), s.rendered_hash,
           s.output, s.parsed_output, s.output_valid, s.output_errors, coalesce(s.status, 'succeeded'), s.error,
           s.latency_ms, s.input_tokens, s.output_tokens, s.cost, coalesce(s.started_at, now()), s.finished_at,
           s.trace_id, s.span_id
    FROM pg_temp.agent_loggy_staged_runs AS s;
    GET DIAGNOSTICS moved = ROW_COUNT;
    TRUNCATE pg_temp.agent_loggy_staged_runs;
    RETURN moved;
END
$$;
COMMENT ON FUNCTION agent_loggy.record_staged_runs() IS
    'Moves the staged runs into runs with one INSERT, as the caller (its binding, policies and every rule apply; one bad row fails the batch) and returns how many.';

-- Partitions ---------------------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.session_is_admin() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
    RETURN pg_has_role(session_user, 'agent_loggy_admin', 'USAGE')
        OR pg_has_role(session_user, (SELECT n.nspowner FROM pg_catalog.pg_namespace AS n WHERE n.nspname = 'agent_loggy'),
                       'USAGE');
COMMENT ON FUNCTION agent_loggy.session_is_admin() IS
    'is_admin() for the login (session_user), which a SECURITY DEFINER function must ask: inside one, current_user is the owner.';

CREATE FUNCTION agent_loggy.ensure_run_partitions(p_from timestamptz, p_to timestamptz) RETURNS text[]
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET timezone = 'UTC'
    SET lock_timeout = '5s'
AS $$
DECLARE
    month timestamptz := date_trunc('month', p_from);
    made text[] := '{}';
    part text;
BEGIN
    IF NOT agent_loggy.session_is_admin() THEN
        RAISE EXCEPTION 'permission denied to add run partitions: only agent_loggy_admin manages partitions'
            USING ERRCODE = 'insufficient_privilege';
    ELSIF p_from IS NULL OR p_to IS NULL OR p_to < p_from OR p_from < '2000-01-01' OR p_to > '3000-01-01'
          OR p_to > p_from + interval '10 years' THEN
        RAISE EXCEPTION 'invalid partition range % to %: expected from <= to, within 2000-3000 and 10 years',
            quote_nullable(p_from), quote_nullable(p_to) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    WHILE month <= p_to LOOP
        part := 'runs_' || to_char(month, 'YYYY_MM');
        IF to_regclass('agent_loggy.' || part) IS NULL THEN
            IF EXISTS (SELECT FROM agent_loggy.runs_default AS d
                       WHERE d.started_at >= month AND d.started_at < month + interval '1 month') THEN
                RAISE EXCEPTION 'runs of % are in runs_default: a partition for that month cannot be added while they are',
                    to_char(month, 'YYYY-MM') USING ERRCODE = 'object_not_in_prerequisite_state',
                    HINT = 'Leave the month in runs_default, or ask for months that have no runs yet.';
            END IF;
            EXECUTE format('CREATE TABLE agent_loggy.%I PARTITION OF agent_loggy.runs FOR VALUES FROM (%L) TO (%L)',
                           part, month, month + interval '1 month');
            EXECUTE format('COMMENT ON TABLE agent_loggy.%I IS %L', part,
                           format('Runs started in %s (UTC); read them through runs.', to_char(month, 'YYYY-MM')));
            made := made || part;
        END IF;
        month := month + interval '1 month';
    END LOOP;
    RETURN made;
END
$$;
COMMENT ON FUNCTION agent_loggy.ensure_run_partitions(timestamptz, timestamptz) IS
    'Admin only: adds the monthly partitions (runs_YYYY_MM, UTC months) of runs from p_from to p_to that do not exist yet (at most 10 years at once) and returns their names. A month that already has runs in runs_default is refused (55000).';

CREATE FUNCTION agent_loggy.drop_runs_before(p_before timestamptz, p_detach_only boolean DEFAULT false) RETURNS text[]
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET timezone = 'UTC'
    SET lock_timeout = '5s'
AS $$
DECLARE
    part record;
    fk record;
    archive text;
    done text[] := '{}';
    gone bigint;
BEGIN
    IF NOT agent_loggy.session_is_admin() THEN
        RAISE EXCEPTION 'permission denied to retire runs: only agent_loggy_admin does' USING ERRCODE = 'insufficient_privilege';
    ELSIF p_before IS NULL OR p_before > now() THEN
        RAISE EXCEPTION 'invalid cut-off %: expected a time in the past', quote_nullable(p_before)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR part IN
        SELECT c.relname, pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_catalog.pg_inherits AS i JOIN pg_catalog.pg_class AS c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'agent_loggy.runs'::regclass AND c.relname ~ '^runs_[0-9]{4}_[0-9]{2}$'
          AND make_timestamptz(substr(c.relname, 6, 4)::integer, substr(c.relname, 11, 2)::integer, 1, 0, 0, 0, 'UTC')
              + interval '1 month' <= p_before
        ORDER BY c.relname
    LOOP
        -- a partition referenced by scores or findings cannot be detached: their scores go with the
        -- runs (ON DELETE CASCADE), findings keep their content and lose the link (SET NULL)
        EXECUTE format('DELETE FROM agent_loggy.scores AS s USING agent_loggy.%I AS r '
                       'WHERE s.run_id = r.id AND s.run_started_at = r.started_at', part.relname);
        EXECUTE format('UPDATE agent_loggy.trace_findings AS f SET run_id = NULL, run_started_at = NULL FROM agent_loggy.%I AS r '
                       'WHERE f.run_id = r.id AND f.run_started_at = r.started_at', part.relname);
        EXECUTE format('ALTER TABLE agent_loggy.runs DETACH PARTITION agent_loggy.%I', part.relname);
        IF p_detach_only THEN
            -- an archive stands alone: no foreign keys into live tables, no enum of this schema, and a
            -- name that does not look like a month's partition
            FOR fk IN SELECT c.conname FROM pg_catalog.pg_constraint AS c
                      WHERE c.conrelid = format('agent_loggy.%I', part.relname)::regclass AND c.contype = 'f' LOOP
                EXECUTE format('ALTER TABLE agent_loggy.%I DROP CONSTRAINT %I', part.relname, fk.conname);
            END LOOP;
            EXECUTE format('ALTER TABLE agent_loggy.%1$I ALTER COLUMN status DROP DEFAULT, '
                           'DROP CONSTRAINT runs_status_error_check', part.relname);
            EXECUTE format('ALTER TABLE agent_loggy.%1$I ALTER COLUMN status TYPE text USING status::text, '
                           'ADD CONSTRAINT runs_status_error_check CHECK (status = ''failed'' OR error IS NULL)',
                           part.relname);
            archive := 'runs_archive_' || substr(part.relname, 6);
            EXECUTE format('ALTER TABLE agent_loggy.%I RENAME TO %I', part.relname, archive);
            EXECUTE format('COMMENT ON TABLE agent_loggy.%I IS %L', archive,
                           format('Runs of %s, retired by drop_runs_before(..., true) and kept as an archive (no longer part of runs).',
                                  replace(substr(part.relname, 6), '_', '-')));
            done := done || archive;
        ELSE
            EXECUTE format('DROP TABLE agent_loggy.%I', part.relname);
            done := done || part.relname::text;
        END IF;
    END LOOP;
    DELETE FROM agent_loggy.runs_default AS d WHERE d.started_at < p_before;
    GET DIAGNOSTICS gone = ROW_COUNT;
    IF gone > 0 THEN
        done := done || format('runs_default (%s rows)', gone);
    END IF;
    RETURN done;
END
$$;
COMMENT ON FUNCTION agent_loggy.drop_runs_before(timestamptz, boolean) IS
    'Admin only: retires the runs that started before p_before: every monthly partition wholly before it is detached and dropped (p_detach_only: detached and kept as agent_loggy.runs_archive_YYYY_MM, without foreign keys, for archiving), with the scores of its runs; findings keep their content and lose the link to the run. Older runs in runs_default are deleted. Returns what was retired.';

DO $$
BEGIN
    PERFORM agent_loggy.ensure_run_partitions(date_trunc('month', now()) - interval '1 month',
                                              date_trunc('month', now()) + interval '12 months');
END
$$;

-- Metrics ---------------------------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.prompt_version_metrics(
    p_name text, p_project text DEFAULT 'default', p_since timestamptz DEFAULT NULL, p_until timestamptz DEFAULT NULL,
    p_bucket interval DEFAULT NULL
) RETURNS TABLE (
    version integer, bucket timestamptz, runs bigint, errors bigint, error_rate double precision,
    validated bigint, valid_rate double precision, latency_p50_ms double precision, latency_p95_ms double precision,
    input_tokens bigint, output_tokens bigint, cost numeric, scores jsonb
)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    IF p_bucket IS NOT NULL AND (p_bucket < interval '1 minute' OR p_bucket > interval '366 days'
                                 OR date_part('month', p_bucket) <> 0 OR date_part('year', p_bucket) <> 0) THEN
        RAISE EXCEPTION 'invalid bucket %: expected an interval between 1 minute and 366 days, in days, hours or minutes (not months)', p_bucket
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    WITH chosen AS (
        SELECT r.id, r.started_at, r.prompt_version,
               CASE WHEN p_bucket IS NULL THEN NULL::timestamptz
                    ELSE date_bin(p_bucket, r.started_at, '2000-01-01 00:00:00+00') END AS bucket,
               r.status, r.output_valid, r.latency_ms, r.input_tokens, r.output_tokens, r.cost
        FROM agent_loggy.runs AS r
        WHERE r.project = p_project AND r.prompt_name = p_name
          AND r.started_at >= coalesce(p_since, '-infinity') AND r.started_at < coalesce(p_until, 'infinity')
    ), per_version AS (
        SELECT c.prompt_version, c.bucket, count(*) AS runs,
               count(*) FILTER (WHERE c.status = 'failed') AS errors,
               count(c.output_valid) AS validated,
               count(*) FILTER (WHERE c.output_valid) AS valid,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY c.latency_ms) AS p50,
               percentile_cont(0.95) WITHIN GROUP (ORDER BY c.latency_ms) AS p95,
               sum(c.input_tokens)::bigint AS input_tokens, sum(c.output_tokens)::bigint AS output_tokens,
               sum(c.cost) AS cost
        FROM chosen AS c
        GROUP BY c.prompt_version, c.bucket
    ), per_score AS (
        SELECT c.prompt_version, c.bucket, s.name,
               jsonb_build_object('count', count(*), 'mean', avg(s.value),
                                  'p50', percentile_cont(0.5) WITHIN GROUP (ORDER BY s.value)) AS summary
        FROM chosen AS c
        JOIN agent_loggy.scores AS s ON s.run_id = c.id AND s.run_started_at = c.started_at AND s.project = p_project
        WHERE s.value IS NOT NULL
        GROUP BY c.prompt_version, c.bucket, s.name
    )
    SELECT v.prompt_version, v.bucket, v.runs, v.errors, v.errors::double precision / v.runs,
           v.validated, CASE WHEN v.validated > 0 THEN v.valid::double precision / v.validated END,
           v.p50, v.p95, v.input_tokens, v.output_tokens, v.cost,
           coalesce((SELECT jsonb_object_agg(ps.name, ps.summary) FROM per_score AS ps
                     WHERE ps.prompt_version = v.prompt_version AND ps.bucket IS NOT DISTINCT FROM v.bucket), '{}')
    FROM per_version AS v
    ORDER BY v.prompt_version, v.bucket;
END
$$;
COMMENT ON FUNCTION agent_loggy.prompt_version_metrics(text, text, timestamptz, timestamptz, interval) IS
    'Per version of prompt p_name in p_project (and per p_bucket of started_at when given, binned from 2000-01-01 UTC), over runs that started in [p_since, p_until): runs, errors and error rate, runs validated against the output schema and the valid rate among them, p50 / p95 latency, token and cost totals, and per numeric run score {count, mean, p50}. Exact: reads the runs of the window (partitions outside it are skipped), as the caller (row level security applies).';

CREATE FUNCTION agent_loggy.t_quantile_975(p_df double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN CASE
        WHEN p_df IS NULL OR p_df < 1 THEN NULL
        WHEN p_df < 5 THEN  -- the exact quantiles at 1-5, linearly between (on the safe side: the lower df's)
            (ARRAY[12.7062, 4.3027, 3.1824, 2.7764, 2.5706])[floor(p_df)::integer]
        ELSE 1.959964 + (1.959964 ^ 3 + 1.959964) / (4 * p_df)
                      + (5 * 1.959964 ^ 5 + 16 * 1.959964 ^ 3 + 3 * 1.959964) / (96 * p_df ^ 2)
                      + (3 * 1.959964 ^ 7 + 19 * 1.959964 ^ 5 + 17 * 1.959964 ^ 3 - 15 * 1.959964) / (384 * p_df ^ 3)
    END;
COMMENT ON FUNCTION agent_loggy.t_quantile_975(double precision) IS
    'The 97.5% quantile of Student''s t with p_df degrees of freedom: below 5, the exact quantile at the integer below p_df (a little wider than exact); from 5, the Cornish-Fisher expansion to third order (within 0.003 of exact, 0.001 from 8).';

CREATE FUNCTION agent_loggy.wilson_interval(p_successes bigint, p_total bigint) RETURNS double precision[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN CASE WHEN p_total > 0 THEN ARRAY[
        (p_successes::double precision / p_total + 1.959964 ^ 2 / (2 * p_total)
         - 1.959964 * sqrt(p_successes::double precision / p_total * (1 - p_successes::double precision / p_total) / p_total
                            + 1.959964 ^ 2 / (4 * p_total ^ 2))) / (1 + 1.959964 ^ 2 / p_total),
        (p_successes::double precision / p_total + 1.959964 ^ 2 / (2 * p_total)
         + 1.959964 * sqrt(p_successes::double precision / p_total * (1 - p_successes::double precision / p_total) / p_total
                            + 1.959964 ^ 2 / (4 * p_total ^ 2))) / (1 + 1.959964 ^ 2 / p_total)] END;
COMMENT ON FUNCTION agent_loggy.wilson_interval(bigint, bigint) IS
    'The 95% Wilson score interval {low, high} of a proportion p_successes / p_total (NULL when p_total is 0).';

CREATE FUNCTION agent_loggy.resolve_version_ref(p_name text, p_ref text, p_project text) RETURNS integer
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    held integer;
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    IF p_ref ~ '^[0-9]{1,10}$' THEN
        RETURN p_ref::integer;
    END IF;
    SELECT p.version INTO held FROM agent_loggy.prompts AS p
    WHERE p.project = p_project AND p.name = p_name AND p.labels @> ARRAY[p_ref];
    IF NOT FOUND THEN
        RAISE EXCEPTION 'prompt % in project % has no version % and no version labelled %', quote_literal(p_name),
            quote_literal(p_project), quote_nullable(p_ref), quote_nullable(p_ref) USING ERRCODE = 'no_data_found';
    END IF;
    RETURN held;
END
$$;
COMMENT ON FUNCTION agent_loggy.resolve_version_ref(text, text, text) IS
    'A version of prompt p_name in p_project given as a number, or the version a label marks now (P0002 when there is none).';

CREATE FUNCTION agent_loggy.compare_prompt_versions(
    p_name text, p_a text, p_b text, p_score text, p_since timestamptz DEFAULT NULL, p_project text DEFAULT 'default'
) RETURNS TABLE (
    metric text, version_a integer, version_b integer, n_a bigint, n_b bigint,
    value_a double precision, value_b double precision, difference double precision,
    ci_low double precision, ci_high double precision, method text
)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    va integer;
    vb integer;
    a record;
    b record;
    se double precision;
    df double precision;
    t double precision;
    na bigint;
    ka bigint;
    nb bigint;
    kb bigint;
    wa double precision[];
    wb double precision[];
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    va := agent_loggy.resolve_version_ref(p_name, p_a, p_project);
    vb := agent_loggy.resolve_version_ref(p_name, p_b, p_project);

    -- the score: Welch's t interval of the difference of means (Satterthwaite degrees of freedom), each
    -- run counting once (the mean of its scores of that name, on the 0-100 scale)
    SELECT count(*) AS n, avg(per_run.score) AS mean, var_samp(per_run.score) AS var INTO a
    FROM (SELECT avg(agent_loggy.run_score(s.value, s.scale_min, s.scale_max)) AS score
          FROM agent_loggy.runs AS r JOIN agent_loggy.scores AS s ON s.run_id = r.id AND s.run_started_at = r.started_at
          WHERE r.project = p_project AND r.prompt_name = p_name AND r.prompt_version = va AND s.name = p_score
            AND r.started_at >= coalesce(p_since, '-infinity') AND s.value IS NOT NULL
          GROUP BY r.id, r.started_at) AS per_run;
    SELECT count(*) AS n, avg(per_run.score) AS mean, var_samp(per_run.score) AS var INTO b
    FROM (SELECT avg(agent_loggy.run_score(s.value, s.scale_min, s.scale_max)) AS score
          FROM agent_loggy.runs AS r JOIN agent_loggy.scores AS s ON s.run_id = r.id AND s.run_started_at = r.started_at
          WHERE r.project = p_project AND r.prompt_name = p_name AND r.prompt_version = vb AND s.name = p_score
            AND r.started_at >= coalesce(p_since, '-infinity') AND s.value IS NOT NULL
          GROUP BY r.id, r.started_at) AS per_run;
    IF a.n >= 2 AND b.n >= 2 THEN
        se := sqrt(a.var / a.n + b.var / b.n);
        IF se > 0 THEN
            df := (a.var / a.n + b.var / b.n) ^ 2
                  / ((a.var / a.n) ^ 2 / (a.n - 1) + (b.var / b.n) ^ 2 / (b.n - 1));
            t := agent_loggy.t_quantile_975(df);
        ELSE
            t := 0;
        END IF;
    END IF;
    metric := 'score:' || p_score; version_a := va; version_b := vb; n_a := a.n; n_b := b.n;
    value_a := a.mean; value_b := b.mean; difference := b.mean - a.mean;
    ci_low := difference - t * se; ci_high := difference + t * se;
    method := 'Welch t interval (95%, Satterthwaite df) of mean(b) - mean(a), one value per run (its mean score, 0-100 scale); NULL with fewer than 2 runs a side';
    RETURN NEXT;

    -- error rate and valid-output rate: Newcombe's hybrid score interval (method 10) of p(b) - p(a)
    FOR metric, na, ka, nb, kb IN
        SELECT m.metric,
               count(*) FILTER (WHERE r.prompt_version = va AND (m.metric = 'error_rate' OR r.output_valid IS NOT NULL)),
               count(*) FILTER (WHERE r.prompt_version = va AND CASE m.metric WHEN 'error_rate' THEN r.status = 'failed'
                                                                 ELSE r.output_valid END),
               count(*) FILTER (WHERE r.prompt_version = vb AND (m.metric = 'error_rate' OR r.output_valid IS NOT NULL)),
               count(*) FILTER (WHERE r.prompt_version = vb AND CASE m.metric WHEN 'error_rate' THEN r.status = 'failed'
                                                                 ELSE r.output_valid END)
        FROM (VALUES (1, 'error_rate'), (2, 'valid_rate')) AS m(i, metric)
        LEFT JOIN agent_loggy.runs AS r ON r.project = p_project AND r.prompt_name = p_name
             AND r.prompt_version IN (va, vb) AND r.started_at >= coalesce(p_since, '-infinity') AND r.status <> 'running'
        GROUP BY m.i, m.metric
        ORDER BY m.i
    LOOP
        n_a := na; n_b := nb;
        value_a := CASE WHEN na > 0 THEN ka::double precision / na END;
        value_b := CASE WHEN nb > 0 THEN kb::double precision / nb END;
        difference := value_b - value_a;
        wa := agent_loggy.wilson_interval(ka, na);
        wb := agent_loggy.wilson_interval(kb, nb);
        ci_low := difference - sqrt((value_b - wb[1]) ^ 2 + (wa[2] - value_a) ^ 2);
        ci_high := difference + sqrt((wb[2] - value_b) ^ 2 + (value_a - wa[1]) ^ 2);
        method := 'Newcombe hybrid score interval (95%, from Wilson intervals) of rate(b) - rate(a)';
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION agent_loggy.compare_prompt_versions(text, text, text, text, timestamptz, text) IS
    'Versions p_a and p_b of prompt p_name (each a version number or a label, resolved now) side by side over finished runs since p_since: one row for the mean of run score p_score (per run, on the 0-100 scale; Welch t interval of the difference), one for the error rate and one for the valid-output rate (Newcombe intervals). difference is b - a; when the 95% interval [ci_low, ci_high] holds 0 the data cannot tell the versions apart.';

-- Promotions ---------------------------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.run_score(p_value double precision, p_min double precision, p_max double precision)
    RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN 100 * (p_value - p_min) / (p_max - p_min);
COMMENT ON FUNCTION agent_loggy.run_score(double precision, double precision, double precision) IS
    'A score on the 0-100 scale whatever scale it was given on, for comparisons: a value on a scale of 1-5 or 0-1e300 weighs what a value on 0-100 does.';

CREATE FUNCTION agent_loggy.promotion_failures(p_project text, p_name text, p_version integer, p_label text)
    RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    policy agent_loggy.promotion_policies;
    candidate bigint;
    cand record;
    holder integer;
    held record;
    failures text[] := '{}';
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    SELECT * INTO policy FROM agent_loggy.promotion_policies AS p WHERE p.project = p_project AND p.label = p_label;
    IF NOT FOUND THEN
        RETURN failures;
    END IF;
    candidate := (SELECT p.id FROM agent_loggy.prompts AS p
                  WHERE p.project = p_project AND p.name = p_name AND p.version = p_version);
    -- finished runs of this very version row, started in the window (a running run proves nothing yet)
    SELECT count(*) AS runs, count(*) FILTER (WHERE r.status = 'failed') AS failed,
           count(r.output_valid) AS validated, count(*) FILTER (WHERE r.output_valid) AS valid
    INTO cand
    FROM agent_loggy.runs AS r
    WHERE r.project = p_project AND r.prompt_name = p_name AND r.prompt_id = candidate AND r.status <> 'running'
      AND r.started_at >= now() - policy.window_length AND r.started_at <= now();
    IF cand.runs < policy.min_runs THEN
        failures := failures || format('min_runs: %s runs in the last %s, at least %s needed',
                                       cand.runs, policy.window_length, policy.min_runs);
    END IF;
    IF policy.max_error_rate IS NOT NULL AND (cand.runs = 0 OR cand.failed::double precision / cand.runs > policy.max_error_rate) THEN
        failures := failures || format('max_error_rate: error rate %s (%s of %s runs), at most %s allowed',
            CASE WHEN cand.runs > 0 THEN round((cand.failed::numeric / cand.runs), 4)::text ELSE 'unknown' END,
            cand.failed, cand.runs, policy.max_error_rate);
    END IF;
    IF policy.min_valid_rate IS NOT NULL
       AND (cand.validated = 0 OR cand.valid::double precision / cand.validated < policy.min_valid_rate) THEN
        failures := failures || format('min_valid_rate: valid-output rate %s (%s of %s validated runs), at least %s needed',
            CASE WHEN cand.validated > 0 THEN round((cand.valid::numeric / cand.validated), 4)::text ELSE 'unknown' END,
            cand.valid, cand.validated, policy.min_valid_rate);
    END IF;
    IF policy.score_name IS NOT NULL THEN
        -- the version holding the label now; when none does, the one it last left (taking a label off
        -- first does not skip the rule)
        holder := coalesce(
            (SELECT p.version FROM agent_loggy.prompts AS p
             WHERE p.project = p_project AND p.name = p_name AND p.labels @> ARRAY[p_label] AND p.version <> p_version),
            (SELECT h.from_version FROM agent_loggy.prompt_label_history(p_name, p_project) AS h
             WHERE h.label = p_label AND h.from_version IS DISTINCT FROM p_version
             ORDER BY h.changelog_id DESC LIMIT 1));
        IF holder IS NOT NULL THEN
            -- each run counts once: the mean of its scores of that name, each on the 0-100 scale
            SELECT avg(per_run.score) FILTER (WHERE per_run.version = p_version) AS cand_mean,
                   count(*) FILTER (WHERE per_run.version = p_version) AS cand_n,
                   avg(per_run.score) FILTER (WHERE per_run.version = holder) AS held_mean,
                   count(*) FILTER (WHERE per_run.version = holder) AS held_n
            INTO held
            FROM (SELECT r.prompt_version AS version, avg(agent_loggy.run_score(s.value, s.scale_min, s.scale_max)) AS score
                  FROM agent_loggy.runs AS r
                  JOIN agent_loggy.scores AS s ON s.run_id = r.id AND s.run_started_at = r.started_at
                  WHERE r.project = p_project AND r.prompt_name = p_name AND r.prompt_version IN (p_version, holder)
                    AND r.prompt_id IS NOT NULL AND r.status <> 'running'
                    AND r.started_at >= now() - policy.window_length AND r.started_at <= now()
                    AND s.name = policy.score_name AND s.value IS NOT NULL
                  GROUP BY r.id, r.started_at, r.prompt_version) AS per_run;
            IF held.cand_n = 0 OR (held.held_n > 0 AND held.cand_mean < held.held_mean - policy.score_tolerance) THEN
                failures := failures || format('score %s: mean %s over %s runs against %s over %s runs of version %s (holder of %s), at most %s below allowed',
                    policy.score_name, coalesce(round(held.cand_mean::numeric, 3)::text, 'none'), held.cand_n,
                    coalesce(round(held.held_mean::numeric, 3)::text, 'none'), held.held_n, holder, p_label,
                    policy.score_tolerance);
            END IF;
        END IF;
    END IF;
    RETURN failures;
END
$$;
COMMENT ON FUNCTION agent_loggy.promotion_failures(text, text, integer, text) IS
    'The rules of the promotion policy of (p_project, p_label) that version p_version of prompt p_name fails now, each with its numbers; empty when it passes or no policy guards the label. Counts the finished runs of that version row that started in the policy''s window (not after now). The score rule compares per-run means on the 0-100 scale with the version holding the label now, or the one it last left; with neither, it passes.';

CREATE FUNCTION agent_loggy.check_promotion() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    gained text[];
    l text;
    failures text[];
    reason text := nullif(current_setting('agent_loggy.promotion_override', true), '');
    overridden text[] := '{}';
BEGIN
    gained := ARRAY(SELECT x FROM unnest(NEW.labels) AS x
                    WHERE TG_OP = 'INSERT' OR NOT x = ANY (OLD.labels) OR OLD.name <> NEW.name OR OLD.project <> NEW.project);
    IF cardinality(gained) = 0 THEN
        RETURN NEW;
    END IF;
    FOREACH l IN ARRAY gained LOOP
        failures := agent_loggy.promotion_failures(NEW.project, NEW.name, NEW.version, l);
        CONTINUE WHEN cardinality(failures) = 0;
        IF reason IS NOT NULL AND agent_loggy.is_admin() THEN
            overridden := overridden || format('%s (%s)', l, array_to_string(failures, '; '));
            CONTINUE;
        END IF;
        PERFORM agent_loggy.raise_check_violation('prompts', 'promotion_policy_check',
            format('label %s cannot move to version %s of prompt %s in project %s: its promotion policy is not met: %s',
                   quote_literal(l), NEW.version, quote_literal(NEW.name), quote_literal(NEW.project),
                   array_to_string(failures, '; ')),
            'Record more runs of the version, or ask an agent_loggy_admin to override with a reason (promote_prompt(..., p_override_reason)).');
    END LOOP;
    IF cardinality(overridden) > 0 THEN
        PERFORM set_config('agent_loggy.change_summary',
            concat_ws('; ', nullif(current_setting('agent_loggy.change_summary', true), ''),
                      format('promotion override of %s by %s: %s', array_to_string(overridden, ', '), session_user, reason)),
            true);
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.check_promotion() IS
    'BEFORE INSERT / UPDATE OF labels row trigger of prompts: a label a version gains whose promotion policy the version fails is refused (23514, constraint promotion_policy_check, each failed rule and its numbers in the message), on every path (functions, INSERT, UPDATE, MERGE). An admin whose transaction sets agent_loggy.promotion_override to a reason passes, and the changelog row of the move records the override, the failed rules and the reason.';
CREATE TRIGGER t32_check_promotion BEFORE INSERT OR UPDATE OF labels, name, project ON agent_loggy.prompts
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.check_promotion();

CREATE FUNCTION agent_loggy.promote_prompt(
    p_name text, p_version integer, p_label text, p_project text DEFAULT 'default', p_override_reason text DEFAULT NULL
) RETURNS agent_loggy.prompts
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result agent_loggy.prompts;
    summary text := current_setting('agent_loggy.change_summary', true);
BEGIN
    IF p_override_reason IS NOT NULL THEN
        IF NOT agent_loggy.is_admin() THEN
            RAISE EXCEPTION 'permission denied to override the promotion policy of label %: only agent_loggy_admin overrides',
                quote_nullable(p_label) USING ERRCODE = 'insufficient_privilege';
        ELSIF p_override_reason !~ '\S' OR length(p_override_reason) > 1000 THEN
            RAISE EXCEPTION 'invalid override reason %: expected 1-1000 characters, not only blanks',
                quote_literal(p_override_reason) USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM set_config('agent_loggy.promotion_override', p_override_reason, true);
    END IF;
    result := agent_loggy.set_prompt_label(p_name, p_version, p_label, p_project);
    -- the override and its note end with this call: later changes of the transaction are the caller's
    PERFORM set_config('agent_loggy.promotion_override', '', true),
            set_config('agent_loggy.change_summary', coalesce(summary, ''), true);
    RETURN result;
END
$$;
COMMENT ON FUNCTION agent_loggy.promote_prompt(text, integer, text, text, text) IS
    'set_prompt_label() under the label''s promotion policy: refused (23514, promotion_policy_check) when the version fails it, unless an admin gives p_override_reason, which the changelog row of the move records with the rules overridden.';

CREATE FUNCTION agent_loggy.set_promotion_policy(
    p_label text, p_project text DEFAULT 'default', p_min_runs integer DEFAULT 0,
    p_max_error_rate double precision DEFAULT NULL, p_min_valid_rate double precision DEFAULT NULL,
    p_score_name text DEFAULT NULL, p_score_tolerance double precision DEFAULT NULL,
    p_window interval DEFAULT '30 days'
) RETURNS agent_loggy.promotion_policies
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result agent_loggy.promotion_policies;
BEGIN
    IF NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to set the promotion policy of label %: only agent_loggy_admin sets policies',
            quote_nullable(p_label) USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO agent_loggy.promotion_policies AS p (project, label, min_runs, max_error_rate, min_valid_rate,
                                                     score_name, score_tolerance, window_length)
    VALUES (p_project, p_label, coalesce(p_min_runs, 0), p_max_error_rate, p_min_valid_rate, p_score_name,
            CASE WHEN p_score_name IS NOT NULL THEN coalesce(p_score_tolerance, 0) ELSE p_score_tolerance END,
            coalesce(p_window, '30 days'))
    ON CONFLICT (project, label) DO UPDATE
        SET min_runs = EXCLUDED.min_runs, max_error_rate = EXCLUDED.max_error_rate,
            min_valid_rate = EXCLUDED.min_valid_rate, score_name = EXCLUDED.score_name,
            score_tolerance = EXCLUDED.score_tolerance, window_length = EXCLUDED.window_length,
            updated_by = session_user, updated_at = now()
    RETURNING * INTO result;
    RETURN result;
END
$$;
COMMENT ON FUNCTION agent_loggy.set_promotion_policy(text, text, integer, double precision, double precision, text, double precision, interval) IS
    'Admin only: sets (creates or replaces) the promotion policy of label p_label in p_project and returns it. A score rule needs a score name; its tolerance defaults to 0.';

CREATE FUNCTION agent_loggy.remove_promotion_policy(p_label text, p_project text DEFAULT 'default') RETURNS boolean
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT agent_loggy.is_admin() THEN
        RAISE EXCEPTION 'permission denied to remove the promotion policy of label %: only agent_loggy_admin does',
            quote_nullable(p_label) USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM agent_loggy.promotion_policies AS p WHERE p.project = p_project AND p.label = p_label;
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION agent_loggy.remove_promotion_policy(text, text) IS
    'Admin only: removes the promotion policy of label p_label in p_project; false when there was none.';

-- Similar past investigations -------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.similar_investigations(
    p_query vector, p_project text DEFAULT 'default', p_limit integer DEFAULT 5, p_requested_by text DEFAULT NULL
) RETURNS TABLE (id bigint, external_ref text, requested_by text, query text, status agent_loggy.investigation_status,
                 created_at timestamptz, similarity double precision)
    LANGUAGE plpgsql STABLE
AS $$
DECLARE
    q vector := agent_loggy.checked_query_vector(p_query);
BEGIN
    PERFORM agent_loggy.check_project_access(p_project);
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION 'invalid limit %: expected 1-1000', coalesce(p_limit::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY
    SELECT i.id, i.external_ref, i.requested_by, i.query, i.status, i.created_at,
           1 - (i.embedding <=> q)
    FROM agent_loggy.investigations AS i
    WHERE i.project = p_project AND i.embedding IS NOT NULL
      AND (p_requested_by IS NULL OR i.requested_by = p_requested_by)
    ORDER BY (i.embedding <=> q) + 0  -- exact: an HNSW scan filtered by project could return fewer rows
    LIMIT p_limit;
END
$$;
COMMENT ON FUNCTION agent_loggy.similar_investigations(vector, text, integer, text) IS
    'The p_limit past investigations of p_project whose query embeddings are nearest p_query (cosine; similarity 1 - distance), optionally only those asked by p_requested_by. Exact order (a scan of the project''s investigations with embeddings).';
CALL agent_loggy.use_vector_schema('agent_loggy.similar_investigations(vector, text, integer, text)');

-- Privileges ------------------------------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    agent_loggy.guard_record(), agent_loggy.check_output_schema(), agent_loggy.session_is_admin(),
    agent_loggy.run_score(double precision, double precision, double precision),
    agent_loggy.set_prompt_output_schema(text, integer, jsonb, text), agent_loggy.prompt_output_schema(text, integer, text),
    agent_loggy.ensure_run_partitions(timestamptz, timestamptz), agent_loggy.drop_runs_before(timestamptz, boolean),
    agent_loggy.prompt_version_metrics(text, text, timestamptz, timestamptz, interval),
    agent_loggy.t_quantile_975(double precision), agent_loggy.wilson_interval(bigint, bigint),
    agent_loggy.run_score(double precision, double precision, double precision),
    agent_loggy.resolve_version_ref(text, text, text),
    agent_loggy.compare_prompt_versions(text, text, text, text, timestamptz, text),
    agent_loggy.promotion_failures(text, text, integer, text), agent_loggy.check_promotion(),
    agent_loggy.promote_prompt(text, integer, text, text, text),
    agent_loggy.set_promotion_policy(text, text, integer, double precision, double precision, text, double precision, interval),
    agent_loggy.remove_promotion_policy(text, text),
    agent_loggy.similar_investigations(vector, text, integer, text),
    agent_loggy.stage_runs(), agent_loggy.record_staged_runs()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    agent_loggy.prompt_output_schema(text, integer, text),
    agent_loggy.prompt_version_metrics(text, text, timestamptz, timestamptz, interval),
    agent_loggy.t_quantile_975(double precision), agent_loggy.wilson_interval(bigint, bigint),
    agent_loggy.run_score(double precision, double precision, double precision),
    agent_loggy.resolve_version_ref(text, text, text),
    agent_loggy.compare_prompt_versions(text, text, text, text, timestamptz, text),
    agent_loggy.promotion_failures(text, text, integer, text),
    agent_loggy.similar_investigations(vector, text, integer, text),
    agent_loggy.stage_runs(), agent_loggy.record_staged_runs()
    TO agent_loggy_reader;
GRANT EXECUTE ON FUNCTION
    agent_loggy.set_prompt_output_schema(text, integer, jsonb, text),
    agent_loggy.promote_prompt(text, integer, text, text, text)
    TO agent_loggy_writer;
GRANT EXECUTE ON FUNCTION
    agent_loggy.ensure_run_partitions(timestamptz, timestamptz), agent_loggy.drop_runs_before(timestamptz, boolean),
    agent_loggy.set_promotion_policy(text, text, integer, double precision, double precision, text, double precision, interval),
    agent_loggy.remove_promotion_policy(text, text)
    TO agent_loggy_admin;

GRANT SELECT ON agent_loggy.investigations, agent_loggy.runs, agent_loggy.scores, agent_loggy.trace_findings,
    agent_loggy.verdicts, agent_loggy.promotion_policies TO agent_loggy_reader;
GRANT INSERT (project, external_ref, requested_by, query, parameters, status, started_at, finished_at, embedding)
    ON agent_loggy.investigations TO agent_loggy_reader;
GRANT UPDATE (status, started_at, finished_at, parameters, embedding) ON agent_loggy.investigations TO agent_loggy_reader;
GRANT INSERT (project, investigation_id, prompt_name, prompt_version, label, model_config_version, model_provider,
              model_name, variables, rendered_hash, output, parsed_output, output_valid, output_errors, status, error,
              latency_ms, input_tokens, output_tokens, cost, started_at, finished_at, trace_id, span_id)
    ON agent_loggy.runs TO agent_loggy_reader;
GRANT UPDATE (label, model_config_version, model_provider, model_name, rendered_hash, output, parsed_output,
              output_valid, output_errors, status, error, latency_ms, input_tokens, output_tokens, cost, finished_at,
              trace_id, span_id)
    ON agent_loggy.runs TO agent_loggy_reader;
GRANT INSERT (project, run_id, run_started_at, investigation_id, name, value, scale_min, scale_max, category, source,
              comment, given_by, created_at)
    ON agent_loggy.scores TO agent_loggy_reader;
GRANT INSERT (project, investigation_id, trace_id, relevance, outcome, confidence, stance, p_supports, p_refutes,
              p_neutral, evidence, run_id, run_started_at)
    ON agent_loggy.trace_findings TO agent_loggy_reader;
GRANT INSERT (project, investigation_id, verdict, finding_ids, confidence, reasoning, pipeline_version)
    ON agent_loggy.verdicts TO agent_loggy_reader;
GRANT INSERT (project, label, min_runs, max_error_rate, min_valid_rate, score_name, score_tolerance, window_length),
    UPDATE (min_runs, max_error_rate, min_valid_rate, score_name, score_tolerance, window_length, updated_by, updated_at),
    DELETE ON agent_loggy.promotion_policies TO agent_loggy_admin;
GRANT INSERT (output_schema) ON agent_loggy.prompts TO agent_loggy_writer;
GRANT UPDATE (output_schema) ON agent_loggy.prompts TO agent_loggy_writer;
GRANT DELETE ON agent_loggy.investigations, agent_loggy.runs, agent_loggy.scores, agent_loggy.trace_findings,
    agent_loggy.verdicts TO agent_loggy_admin;
