-- depends: 0001_extensions
-- The agent_loggy schema: the five versioned config tables and the changelog.
-- Rules that every row must satisfy are CHECK constraints built on the small IMMUTABLE
-- predicates below, so they hold for every writer; the validation trigger (0003) reports a
-- broken rule with the offending value before the constraint would.

CREATE SCHEMA agent_loggy;
COMMENT ON SCHEMA agent_loggy IS
    'agent-loggy configuration: versioned prompts, model and embedding configs, context rules, Loki negate keys, and their changelog.';

-- Predicates shared by constraints and validation -----------------------------------------

CREATE FUNCTION agent_loggy.is_valid_project(p_project text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_project ~ '^[a-z0-9][a-z0-9_.-]{0,62}$';
COMMENT ON FUNCTION agent_loggy.is_valid_project(text) IS
    'True when p_project is a valid project name: 1-63 characters of a-z, 0-9, _ . -, starting with a letter or digit.';

CREATE FUNCTION agent_loggy.is_valid_name(p_name text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_name ~ '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$';
COMMENT ON FUNCTION agent_loggy.is_valid_name(text) IS
    'True when p_name is a valid config name (prompts, model and embedding configs): 1-128 characters of letters, digits, _ . : / -, starting with a letter or digit.';

CREATE FUNCTION agent_loggy.invalid_labels(p_labels text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT l
        FROM unnest(p_labels) AS l
        WHERE l IS NULL OR l !~ '^[a-z0-9_.-]{1,36}$' OR l = 'latest');
COMMENT ON FUNCTION agent_loggy.invalid_labels(text[]) IS
    'The labels in p_labels that may not be stored: NULL, not matching ^[a-z0-9_.-]{1,36}$, or the reserved label latest. Empty when all are valid.';

CREATE FUNCTION agent_loggy.is_valid_loki_label(p_label text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_label ~ '^[A-Za-z_][A-Za-z0-9_]{0,127}$';
COMMENT ON FUNCTION agent_loggy.is_valid_loki_label(text) IS
    'True when p_label is a valid Loki / Prometheus label name: [A-Za-z_][A-Za-z0-9_]*, at most 128 characters.';

-- prompts ----------------------------------------------------------------------------------

CREATE TABLE agent_loggy.prompts (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    project     text NOT NULL DEFAULT 'default',
    name        text NOT NULL,
    version     integer NOT NULL,
    type        text NOT NULL DEFAULT 'text',
    template    text NOT NULL,
    description text,
    usage       text,
    model       text,
    parameters  jsonb NOT NULL DEFAULT '{}',
    embedding   vector(384),
    labels      text[] NOT NULL DEFAULT '{}',
    variables   text[] NOT NULL DEFAULT '{}',
    is_active   boolean NOT NULL DEFAULT true,
    created_by  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT prompts_pkey PRIMARY KEY (id),
    CONSTRAINT prompts_project_name_version_key UNIQUE (project, name, version),
    CONSTRAINT prompts_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT prompts_name_check CHECK (agent_loggy.is_valid_name(name)),
    CONSTRAINT prompts_version_check CHECK (version > 0),
    CONSTRAINT prompts_type_check CHECK (type IN ('chat', 'text', 'system', 'user')),
    CONSTRAINT prompts_template_check CHECK (template ~ '\S'),
    CONSTRAINT prompts_parameters_check CHECK (jsonb_typeof(parameters) = 'object'),
    CONSTRAINT prompts_labels_check CHECK (cardinality(agent_loggy.invalid_labels(labels)) = 0)
);
CREATE INDEX prompts_project_name_idx ON agent_loggy.prompts (project, name);
CREATE INDEX prompts_labels_idx ON agent_loggy.prompts USING gin (labels);
CREATE INDEX prompts_embedding_idx ON agent_loggy.prompts USING hnsw (embedding vector_cosine_ops);

COMMENT ON TABLE agent_loggy.prompts IS
    'Every version of every prompt template the agents use. A row is one immutable version; labels point agents at versions.';
COMMENT ON COLUMN agent_loggy.prompts.project IS 'Tenant / deployment the prompt belongs to; every lookup is scoped by it.';
COMMENT ON COLUMN agent_loggy.prompts.name IS 'Stable prompt name the agents ask for, e.g. parameter_extraction.';
COMMENT ON COLUMN agent_loggy.prompts.version IS 'Version number within (project, name), starting at 1.';
COMMENT ON COLUMN agent_loggy.prompts.type IS 'Message role the template is used as: chat, text, system or user.';
COMMENT ON COLUMN agent_loggy.prompts.template IS 'Template text; {identifier} is a placeholder, {{ and }} are literal braces, other braces (JSON examples) are kept as they are.';
COMMENT ON COLUMN agent_loggy.prompts.usage IS 'Where agent-loggy uses the prompt (class and method), for people reading the registry.';
COMMENT ON COLUMN agent_loggy.prompts.model IS 'Name of the model config (model_configs.name) this prompt is meant to run with, or a bare model name.';
COMMENT ON COLUMN agent_loggy.prompts.parameters IS 'Model call parameters for this version (temperature, max_tokens, ...), a JSON object.';
COMMENT ON COLUMN agent_loggy.prompts.embedding IS 'Embedding of the template (384 dimensions, cosine), used by prompt search; NULL until embedded.';
COMMENT ON COLUMN agent_loggy.prompts.labels IS 'Labels carried by this version (e.g. production, staging); each matches ^[a-z0-9_.-]{1,36}$, latest is reserved.';
COMMENT ON COLUMN agent_loggy.prompts.variables IS 'Placeholders of the template in order of first appearance; derived from template by a trigger, never written by hand.';
COMMENT ON COLUMN agent_loggy.prompts.is_active IS 'Inactive versions are never resolved by label or as latest, but stay readable by exact version.';
COMMENT ON COLUMN agent_loggy.prompts.created_by IS 'Who published this version (the actor), e.g. a user name or migration.';

-- model_configs ----------------------------------------------------------------------------

CREATE TABLE agent_loggy.model_configs (
    id             bigint GENERATED ALWAYS AS IDENTITY,
    project        text NOT NULL DEFAULT 'default',
    name           text NOT NULL,
    version        integer NOT NULL,
    model_provider text NOT NULL,
    model_name     text NOT NULL,
    parameters     jsonb NOT NULL DEFAULT '{}',
    labels         text[] NOT NULL DEFAULT '{}',
    is_active      boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT model_configs_pkey PRIMARY KEY (id),
    CONSTRAINT model_configs_project_name_version_key UNIQUE (project, name, version),
    CONSTRAINT model_configs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT model_configs_name_check CHECK (agent_loggy.is_valid_name(name)),
    CONSTRAINT model_configs_version_check CHECK (version > 0),
    CONSTRAINT model_configs_model_provider_check CHECK (model_provider ~ '\S'),
    CONSTRAINT model_configs_model_name_check CHECK (model_name ~ '\S'),
    CONSTRAINT model_configs_parameters_check CHECK (jsonb_typeof(parameters) = 'object'),
    CONSTRAINT model_configs_labels_check CHECK (cardinality(agent_loggy.invalid_labels(labels)) = 0)
);
CREATE INDEX model_configs_labels_idx ON agent_loggy.model_configs USING gin (labels);

COMMENT ON TABLE agent_loggy.model_configs IS
    'Versions of the LLM settings the agents call: provider, model and call parameters, addressed by name and label.';
COMMENT ON COLUMN agent_loggy.model_configs.project IS 'Tenant / deployment the config belongs to.';
COMMENT ON COLUMN agent_loggy.model_configs.name IS 'Config name; prompts refer to it through prompts.model.';
COMMENT ON COLUMN agent_loggy.model_configs.version IS 'Version number within (project, name), starting at 1.';
COMMENT ON COLUMN agent_loggy.model_configs.model_provider IS 'Provider that serves the model, e.g. ollama or openai.';
COMMENT ON COLUMN agent_loggy.model_configs.model_name IS 'Model identifier as the provider knows it, e.g. llama3.1:8b.';
COMMENT ON COLUMN agent_loggy.model_configs.parameters IS 'Default call parameters (temperature, max_tokens, ...), a JSON object.';
COMMENT ON COLUMN agent_loggy.model_configs.labels IS 'Labels carried by this version; same rules as prompts.labels.';
COMMENT ON COLUMN agent_loggy.model_configs.is_active IS 'Inactive versions are never chosen as current.';

-- embedding_configs ------------------------------------------------------------------------

CREATE TABLE agent_loggy.embedding_configs (
    id                bigint GENERATED ALWAYS AS IDENTITY,
    project           text NOT NULL DEFAULT 'default',
    name              text NOT NULL,
    version           integer NOT NULL,
    embedding_model   text NOT NULL,
    dimensions        integer NOT NULL DEFAULT 384,
    chunk_size        integer NOT NULL DEFAULT 512,
    chunk_overlap     integer NOT NULL DEFAULT 50,
    chunking_strategy text NOT NULL DEFAULT 'late_chunking',
    parameters        jsonb NOT NULL DEFAULT '{}',
    is_active         boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT embedding_configs_pkey PRIMARY KEY (id),
    CONSTRAINT embedding_configs_project_name_version_key UNIQUE (project, name, version),
    CONSTRAINT embedding_configs_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT embedding_configs_name_check CHECK (agent_loggy.is_valid_name(name)),
    CONSTRAINT embedding_configs_version_check CHECK (version > 0),
    CONSTRAINT embedding_configs_embedding_model_check CHECK (embedding_model ~ '\S'),
    CONSTRAINT embedding_configs_dimensions_check CHECK (dimensions > 0),
    CONSTRAINT embedding_configs_chunk_size_check CHECK (chunk_size > 0),
    CONSTRAINT embedding_configs_chunk_overlap_check CHECK (chunk_overlap >= 0 AND chunk_overlap < chunk_size),
    CONSTRAINT embedding_configs_chunking_strategy_check CHECK (chunking_strategy ~ '\S'),
    CONSTRAINT embedding_configs_parameters_check CHECK (jsonb_typeof(parameters) = 'object')
);

COMMENT ON TABLE agent_loggy.embedding_configs IS
    'Versions of the embedding settings: which model embeds documents, its dimensions, and how text is chunked.';
COMMENT ON COLUMN agent_loggy.embedding_configs.project IS 'Tenant / deployment the config belongs to.';
COMMENT ON COLUMN agent_loggy.embedding_configs.name IS 'Config name, e.g. default or runbooks.';
COMMENT ON COLUMN agent_loggy.embedding_configs.version IS 'Version number within (project, name), starting at 1.';
COMMENT ON COLUMN agent_loggy.embedding_configs.embedding_model IS 'Embedding model identifier, e.g. sentence-transformers/all-MiniLM-L6-v2.';
COMMENT ON COLUMN agent_loggy.embedding_configs.dimensions IS 'Length of the vectors the model produces (the vector columns hold 384).';
COMMENT ON COLUMN agent_loggy.embedding_configs.chunk_size IS 'Chunk length in tokens, greater than 0.';
COMMENT ON COLUMN agent_loggy.embedding_configs.chunk_overlap IS 'Tokens shared by consecutive chunks: at least 0 and less than chunk_size.';
COMMENT ON COLUMN agent_loggy.embedding_configs.chunking_strategy IS 'How documents are split before embedding, e.g. late_chunking or fixed.';
COMMENT ON COLUMN agent_loggy.embedding_configs.parameters IS 'Further model or chunker settings, a JSON object.';
COMMENT ON COLUMN agent_loggy.embedding_configs.is_active IS 'Inactive versions are never chosen as current.';

-- context_rules ----------------------------------------------------------------------------

CREATE TABLE agent_loggy.context_rules (
    id          bigint GENERATED ALWAYS AS IDENTITY,
    project     text NOT NULL DEFAULT 'default',
    context     text NOT NULL,
    version     integer NOT NULL,
    important   text,
    ignore      text,
    description text,
    embedding   vector(384),
    is_active   boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT context_rules_pkey PRIMARY KEY (id),
    CONSTRAINT context_rules_project_context_version_key UNIQUE (project, context, version),
    CONSTRAINT context_rules_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT context_rules_context_check CHECK (context ~ '\S' AND length(context) <= 200),
    CONSTRAINT context_rules_version_check CHECK (version > 0)
);
CREATE INDEX context_rules_embedding_idx ON agent_loggy.context_rules USING hnsw (embedding vector_cosine_ops);

COMMENT ON TABLE agent_loggy.context_rules IS
    'Versions of the relevance agent''s context rules: for a context (payments, health checks, ...) what in a trace matters and what to ignore.';
COMMENT ON COLUMN agent_loggy.context_rules.project IS 'Tenant / deployment the rule belongs to.';
COMMENT ON COLUMN agent_loggy.context_rules.context IS 'The situation the rule applies to, e.g. payments or mobile financial services; the natural key with project and version.';
COMMENT ON COLUMN agent_loggy.context_rules.version IS 'Version number within (project, context), starting at 1.';
COMMENT ON COLUMN agent_loggy.context_rules.important IS 'Patterns and signals that make a trace relevant in this context.';
COMMENT ON COLUMN agent_loggy.context_rules.ignore IS 'Patterns and noise to disregard in this context.';
COMMENT ON COLUMN agent_loggy.context_rules.embedding IS 'Embedding of the rule (384 dimensions, cosine), used to find rules by similarity; NULL until embedded.';
COMMENT ON COLUMN agent_loggy.context_rules.is_active IS 'Inactive versions are never chosen as current.';

-- negate_keys ------------------------------------------------------------------------------

CREATE TABLE agent_loggy.negate_keys (
    id         bigint GENERATED ALWAYS AS IDENTITY,
    project    text NOT NULL DEFAULT 'default',
    label      text NOT NULL,
    operator   text NOT NULL,
    value      text NOT NULL,
    version    integer NOT NULL,
    is_active  boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT negate_keys_pkey PRIMARY KEY (id),
    CONSTRAINT negate_keys_project_label_operator_value_version_key UNIQUE (project, label, operator, value, version),
    CONSTRAINT negate_keys_project_check CHECK (agent_loggy.is_valid_project(project)),
    CONSTRAINT negate_keys_label_check CHECK (agent_loggy.is_valid_loki_label(label)),
    CONSTRAINT negate_keys_operator_check CHECK (operator IN ('=', '!=', '=~', '!~')),
    CONSTRAINT negate_keys_value_check CHECK (octet_length(value) <= 2000),
    CONSTRAINT negate_keys_version_check CHECK (version > 0)
);

COMMENT ON TABLE agent_loggy.negate_keys IS
    'Versions of the Loki exclusions: label matchers added to every Loki query so that known noise (health checks, metrics scrapes) is never fetched.';
COMMENT ON COLUMN agent_loggy.negate_keys.project IS 'Tenant / deployment the exclusion belongs to.';
COMMENT ON COLUMN agent_loggy.negate_keys.label IS 'Loki stream label the matcher tests, e.g. service.';
COMMENT ON COLUMN agent_loggy.negate_keys.operator IS 'LogQL matcher operator: = , != , =~ or !~.';
COMMENT ON COLUMN agent_loggy.negate_keys.value IS 'Value or RE2 regular expression the label is matched against (unescaped; escaping happens when a query is built); at most 2000 bytes so it fits the unique index.';
COMMENT ON COLUMN agent_loggy.negate_keys.version IS 'Version number within (project, label, operator, value), starting at 1.';
COMMENT ON COLUMN agent_loggy.negate_keys.is_active IS 'Inactive exclusions are left out of Loki queries.';

-- config_changelog -------------------------------------------------------------------------

CREATE TABLE agent_loggy.config_changelog (
    id               bigint GENERATED ALWAYS AS IDENTITY,
    config_type      text NOT NULL,
    config_id        bigint NOT NULL,
    project          text NOT NULL,
    config_name      text NOT NULL,
    previous_version integer,
    new_version      integer,
    change_type      text NOT NULL,
    change_summary   text,
    previous_data    jsonb,
    new_data         jsonb,
    changed_by       text NOT NULL,
    changed_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT config_changelog_pkey PRIMARY KEY (id),
    CONSTRAINT config_changelog_config_type_check
        CHECK (config_type IN ('prompt', 'model_config', 'embedding_config', 'context_rule', 'negate_key')),
    CONSTRAINT config_changelog_change_type_check
        CHECK (change_type IN ('create', 'update', 'label', 'activate', 'deactivate', 'delete'))
);
CREATE INDEX config_changelog_config_idx ON agent_loggy.config_changelog (config_type, config_id);
CREATE INDEX config_changelog_changed_at_idx ON agent_loggy.config_changelog (changed_at);
CREATE INDEX config_changelog_name_idx ON agent_loggy.config_changelog (project, config_type, config_name);

COMMENT ON TABLE agent_loggy.config_changelog IS
    'Append-only audit trail: one row per INSERT, UPDATE or DELETE of a config row, written by triggers in the same transaction.';
COMMENT ON COLUMN agent_loggy.config_changelog.config_type IS 'Which table changed: prompt, model_config, embedding_config, context_rule or negate_key.';
COMMENT ON COLUMN agent_loggy.config_changelog.config_id IS 'id of the changed row in its table (the row may since have been deleted).';
COMMENT ON COLUMN agent_loggy.config_changelog.project IS 'Project of the changed row.';
COMMENT ON COLUMN agent_loggy.config_changelog.config_name IS 'Natural key of the changed row: name, context, or "label operator value" for negate keys.';
COMMENT ON COLUMN agent_loggy.config_changelog.previous_version IS 'version of the row before the change; NULL for create.';
COMMENT ON COLUMN agent_loggy.config_changelog.new_version IS 'version of the row after the change; NULL for delete.';
COMMENT ON COLUMN agent_loggy.config_changelog.change_type IS 'create, update, label (only labels changed), activate / deactivate (only is_active changed) or delete.';
COMMENT ON COLUMN agent_loggy.config_changelog.change_summary IS 'Why, from the transaction setting agent_loggy.change_summary when set.';
COMMENT ON COLUMN agent_loggy.config_changelog.previous_data IS 'The row before the change as JSON, without its embedding; NULL for create.';
COMMENT ON COLUMN agent_loggy.config_changelog.new_data IS 'The row after the change as JSON, without its embedding; NULL for delete.';
COMMENT ON COLUMN agent_loggy.config_changelog.changed_by IS 'The transaction setting agent_loggy.actor when set and non-empty, else the session user.';
COMMENT ON COLUMN agent_loggy.config_changelog.changed_at IS 'Start time of the transaction that made the change.';
