-- depends: 0033_replica_reads
-- Prompts in the shapes other registries use (issue: fit the ecosystem, items 2-4):
--
--   prompts.syntax           brace ({name}, {{ and }} literal braces: today's) or mustache ({{name}},
--                            {{ name }}: Langfuse's and MLflow's; every single brace is literal)
--   prompts.messages         a chat prompt's messages: [{role, content}] with content templated, and
--                            Langfuse's placeholders {type: placeholder, name} for message lists;
--                            template is derived from them (the text shown, diffed, searched, embedded)
--   prompts.tags             free tags on a version (set when published, changed by set_prompt_tags())
--   prompts.commit_message   why the version was published (the change summary, kept on the row)
--   template_variables(t, syntax) / render_prompt(t, vars, syntax) / render_chat(messages, vars, syntax)
--                            the placeholders and the rendering of either syntax; render_chat fills each
--                            message's content and puts a placeholder's message list in its place
--   create_prompt_version()  takes p_syntax, p_messages, p_tags, p_commit_message; warns when a brace
--                            template holds {{identifier}} (it renders as a literal {identifier})
--   resolve_prompt()         returns syntax, messages, tags and commit_message too
--   list_prompts()           tags of every version, and a filter by tags
--   prompt_history()         every change of a prompt: publishes, label moves, activations, tag changes,
--                            edits, deletions; embedding fills only when asked for
--   write_changelog()        an update that only fills an embedding writes no changelog row
--   export_prompts() / import_prompts()
--                            carry syntax, messages, tags and commit_message (format_version 1 still:
--                            every new key is optional)

ALTER TABLE agent_loggy.prompts
    ADD COLUMN syntax text NOT NULL DEFAULT 'brace',
    ADD COLUMN messages jsonb,
    ADD COLUMN tags text[] NOT NULL DEFAULT '{}',
    ADD COLUMN commit_message text;
-- no default from now on: a new version without a syntax takes its previous version's (check_prompt_format)
ALTER TABLE agent_loggy.prompts ALTER COLUMN syntax DROP DEFAULT;
COMMENT ON COLUMN agent_loggy.prompts.syntax IS
    'Placeholder syntax of the template (or of the messages'' contents): brace ({name}; {{ and }} are literal braces) or mustache ({{name}} or {{ name }}; every other brace is literal). A new version inserted without one takes the previous version''s (brace for a first version).';
COMMENT ON COLUMN agent_loggy.prompts.messages IS
    'A chat prompt''s messages (type chat): a JSON array of {"role": system|developer|user|assistant|tool, "content": templated text} and {"type": "placeholder", "name": identifier} standing for a list of messages given at render time. NULL for text prompts. template is then derived from it.';
COMMENT ON COLUMN agent_loggy.prompts.tags IS
    'Free tags of this version (1-64 characters each, no control characters, at most 64; distinct, sorted). Changed with set_prompt_tags().';
COMMENT ON COLUMN agent_loggy.prompts.commit_message IS
    'Why this version was published: p_commit_message of create_prompt_version(), else the transaction''s agent_loggy.change_summary.';
GRANT INSERT (syntax, messages, tags, commit_message) ON agent_loggy.prompts TO agent_loggy_writer;
GRANT UPDATE (tags) ON agent_loggy.prompts TO agent_loggy_writer;

-- Placeholders and rendering -------------------------------------------------------------------

CREATE FUNCTION agent_loggy.template_pattern(p_syntax text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE p_syntax
        WHEN 'brace' THEN '(\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\})'
        WHEN 'mustache' THEN '(\{\{[ \t\n\r]*([A-Za-z_][A-Za-z0-9_]*)[ \t\n\r]*\}\})'
    END;
COMMENT ON FUNCTION agent_loggy.template_pattern(text) IS
    'The regular expression of a syntax''s tokens (group 1: the token, group 2: the variable name), NULL for an unknown syntax. brace: {{, }} and {identifier}; mustache: {{identifier}} with spaces, tabs or newlines allowed inside the braces.';

CREATE FUNCTION agent_loggy.checked_syntax(p_syntax text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF p_syntax IS NULL OR p_syntax NOT IN ('brace', 'mustache') THEN
        RAISE EXCEPTION 'invalid template syntax %: expected brace ({name}) or mustache ({{name}})',
            quote_nullable(p_syntax) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_syntax;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_syntax(text) IS
    'Returns p_syntax when it is brace or mustache, else raises 22023 naming it.';

CREATE FUNCTION agent_loggy.template_variables(p_template text, p_syntax text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT v.name
        FROM (
            SELECT m.match[2] AS name, min(m.n) AS first_at
            FROM regexp_matches(p_template, agent_loggy.template_pattern(agent_loggy.checked_syntax(p_syntax)), 'g')
                 WITH ORDINALITY AS m(match, n)
            WHERE m.match[2] IS NOT NULL
            GROUP BY m.match[2]
        ) AS v
        ORDER BY v.first_at);
COMMENT ON FUNCTION agent_loggy.template_variables(text, text) IS
    'Distinct placeholders of a template of syntax p_syntax (brace or mustache) in order of first appearance. brace: as template_variables(text); mustache: {{identifier}}, every other brace is text.';

CREATE FUNCTION agent_loggy.render_prompt(p_template text, p_variables jsonb, p_syntax text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    vars jsonb := coalesce(p_variables, '{}');
    pattern text := agent_loggy.template_pattern(agent_loggy.checked_syntax(p_syntax));
    needed text[] := agent_loggy.template_variables(p_template, p_syntax);
    missing text[];
BEGIN
    IF jsonb_typeof(vars) <> 'object' THEN
        RAISE EXCEPTION 'variables must be a JSON object, not %', jsonb_typeof(vars)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    missing := ARRAY(SELECT v FROM unnest(needed) AS v WHERE NOT vars ? v);
    IF cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'missing template variables: %', array_to_string(missing, ', ')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The template uses %s; the variables given are %s.', array_to_string(needed, ', '),
                                  coalesce((SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(vars) AS k), 'none'));
    END IF;
    -- n matches split the template into n + 1 pieces; piece i is followed by the value of match i.
    RETURN (
        SELECT string_agg(s.piece || coalesce(
                   CASE WHEN m.token[2] IS NOT NULL AND jsonb_typeof(vars -> m.token[2]) = 'string' THEN vars ->> m.token[2]
                        WHEN m.token[2] IS NOT NULL THEN (vars -> m.token[2])::text
                        WHEN m.token[1] = '{{' THEN '{'
                        WHEN m.token[1] = '}}' THEN '}' END, ''),
               '' ORDER BY s.n)
        FROM unnest(regexp_split_to_array(p_template, pattern)) WITH ORDINALITY AS s(piece, n)
        LEFT JOIN regexp_matches(p_template, pattern, 'g') WITH ORDINALITY AS m(token, n) ON m.n = s.n);
END
$$;
COMMENT ON FUNCTION agent_loggy.render_prompt(text, jsonb, text) IS
    'Fills a template of syntax p_syntax: brace as render_prompt(text, jsonb); mustache replaces each {{identifier}} (spaces allowed inside) by its variable and keeps every other brace. Strings are inserted as they are, other JSON values as JSON text. Missing variables raise 22023 naming every one; extra ones are ignored. Python''s rendering gives the same bytes.';

-- Chat messages ----------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.chat_messages_problem(p_messages jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE
        WHEN p_messages IS NULL THEN NULL
        WHEN jsonb_typeof(p_messages) <> 'array' THEN format('messages must be a JSON array, not %s', jsonb_typeof(p_messages))
        WHEN jsonb_array_length(p_messages) > 1000 THEN format('%s messages: at most 1000 are allowed', jsonb_array_length(p_messages))
        ELSE coalesce((
            SELECT format('messages[%s] %s', e.n - 1, w.why)
            FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS e(m, n)
            CROSS JOIN LATERAL (SELECT CASE
                WHEN jsonb_typeof(e.m) <> 'object' THEN format('is a JSON %s: expected {"role": ..., "content": ...} or {"type": "placeholder", "name": ...}', jsonb_typeof(e.m))
                WHEN e.m ? 'type' THEN CASE
                    WHEN e.m -> 'type' <> '"placeholder"' THEN format('has type %s: the only message type is "placeholder" (a message has role and content)', e.m -> 'type')
                    WHEN EXISTS (SELECT FROM jsonb_object_keys(e.m) AS k WHERE k NOT IN ('type', 'name'))
                        THEN format('has keys %s: a placeholder has only type and name', (SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(e.m) AS k))
                    WHEN jsonb_typeof(e.m -> 'name') IS DISTINCT FROM 'string' OR e.m ->> 'name' !~ '^[A-Za-z_][A-Za-z0-9_]{0,127}$'
                        THEN format('has name %s: a placeholder''s name is an identifier ([A-Za-z_][A-Za-z0-9_]*, at most 128 characters)', coalesce(e.m -> 'name', 'null'))
                    END
                WHEN EXISTS (SELECT FROM jsonb_object_keys(e.m) AS k WHERE k NOT IN ('role', 'content'))
                    THEN format('has keys %s: a message has only role and content', (SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(e.m) AS k))
                WHEN jsonb_typeof(e.m -> 'role') IS DISTINCT FROM 'string'
                     OR e.m ->> 'role' NOT IN ('system', 'developer', 'user', 'assistant', 'tool')
                    THEN format('has role %s: expected system, developer, user, assistant or tool', coalesce(e.m -> 'role', 'null'))
                WHEN jsonb_typeof(e.m -> 'content') IS DISTINCT FROM 'string'
                    THEN format('has content %s: expected a string', coalesce(jsonb_typeof(e.m -> 'content'), 'missing'))
                END) AS w(why)
            WHERE w.why IS NOT NULL
            ORDER BY e.n
            LIMIT 1),
            CASE WHEN NOT EXISTS (SELECT FROM jsonb_array_elements(p_messages) AS m WHERE m ? 'role')
                 THEN 'messages hold no message: a chat prompt needs at least one {"role": ..., "content": ...}' END)
    END;
END;
COMMENT ON FUNCTION agent_loggy.chat_messages_problem(jsonb) IS
    'What is wrong with a chat prompt''s messages, naming the first offending element and what was expected; NULL when they are valid (or NULL). Valid: a JSON array of at most 1000 elements, each {"role": system|developer|user|assistant|tool, "content": string} or {"type": "placeholder", "name": identifier}, with at least one message.';

CREATE FUNCTION agent_loggy.chat_template_text(p_messages jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT string_agg(CASE WHEN e.m ? 'role' THEN format('[%s]%s%s', e.m ->> 'role', chr(10), e.m ->> 'content')
                           ELSE format('[placeholder %s]', e.m ->> 'name') END,
                      chr(10) || chr(10) ORDER BY e.n)
    FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS e(m, n);
END;
COMMENT ON FUNCTION agent_loggy.chat_template_text(jsonb) IS
    'The text of a chat prompt''s messages as its template column holds it (shown, diffed, searched and embedded): each message as "[role]" and its content on the next lines, a placeholder as "[placeholder name]", separated by blank lines.';

CREATE FUNCTION agent_loggy.prompt_variables(p_template text, p_syntax text, p_messages jsonb) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT CASE WHEN p_messages IS NULL THEN agent_loggy.template_variables(p_template, p_syntax)
        ELSE ARRAY(
            SELECT v.name FROM (
                SELECT x.name, min(e.n * 1000000 + x.k) AS first_at
                FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS e(m, n)
                CROSS JOIN LATERAL unnest(CASE WHEN e.m ? 'role'
                                               THEN agent_loggy.template_variables(e.m ->> 'content', p_syntax)
                                               ELSE ARRAY[e.m ->> 'name'] END) WITH ORDINALITY AS x(name, k)
                GROUP BY x.name) AS v
            ORDER BY v.first_at)
    END;
END;
COMMENT ON FUNCTION agent_loggy.prompt_variables(text, text, jsonb) IS
    'What rendering a prompt needs, in order of first appearance: the template''s placeholders (text prompts), or for a chat prompt each message''s placeholders and each placeholder message''s name (a list of messages).';

CREATE FUNCTION agent_loggy.render_chat(p_messages jsonb, p_variables jsonb, p_syntax text) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    vars jsonb := coalesce(p_variables, '{}');
    problem text := agent_loggy.chat_messages_problem(p_messages);
    needed text[];
    missing text[];
    bad record;
BEGIN
    IF p_messages IS NULL OR problem IS NOT NULL THEN
        RAISE EXCEPTION 'not chat messages: %', coalesce(problem, 'NULL') USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF jsonb_typeof(vars) <> 'object' THEN
        RAISE EXCEPTION 'variables must be a JSON object, not %', jsonb_typeof(vars)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    needed := agent_loggy.prompt_variables(NULL, agent_loggy.checked_syntax(p_syntax), p_messages);
    missing := ARRAY(SELECT v FROM unnest(needed) AS v WHERE NOT vars ? v);
    IF cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'missing template variables: %', array_to_string(missing, ', ')
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('The messages use %s; the variables given are %s.', array_to_string(needed, ', '),
                                  coalesce((SELECT string_agg(k, ', ' ORDER BY k) FROM jsonb_object_keys(vars) AS k), 'none'));
    END IF;
    SELECT e.m ->> 'name' AS name, jsonb_typeof(vars -> (e.m ->> 'name')) AS got INTO bad
    FROM jsonb_array_elements(p_messages) AS e(m)
    WHERE NOT e.m ? 'role'
      AND (jsonb_typeof(vars -> (e.m ->> 'name')) <> 'array'
           OR EXISTS (SELECT FROM jsonb_array_elements(vars -> (e.m ->> 'name')) AS x WHERE jsonb_typeof(x) <> 'object'))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'placeholder % must be given a JSON array of message objects, not %', bad.name,
            CASE bad.got WHEN 'array' THEN 'an array holding other values' ELSE 'a ' || bad.got END
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN coalesce((
        SELECT jsonb_agg(x.m ORDER BY e.n, x.k)
        FROM jsonb_array_elements(p_messages) WITH ORDINALITY AS e(m, n)
        CROSS JOIN LATERAL (
            SELECT jsonb_build_object('role', e.m ->> 'role',
                                      'content', agent_loggy.render_prompt(e.m ->> 'content', vars, p_syntax)), 1::bigint
            WHERE e.m ? 'role'
            UNION ALL
            SELECT p.m, p.k FROM jsonb_array_elements(vars -> (e.m ->> 'name')) WITH ORDINALITY AS p(m, k)
            WHERE NOT e.m ? 'role') AS x(m, k)), '[]');
END
$$;
COMMENT ON FUNCTION agent_loggy.render_chat(jsonb, jsonb, text) IS
    'Renders a chat prompt''s messages: each message becomes {"role", "content"} with its content filled as render_prompt(content, p_variables, p_syntax) does; each placeholder is replaced by the messages of its variable (a JSON array of objects, inserted as they are). Missing variables or placeholders raise 22023 naming every one. Python''s Prompt.compile() gives the same list.';

CREATE FUNCTION agent_loggy.invalid_tags(p_tags text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ARRAY(
        SELECT t
        FROM unnest(p_tags) AS t
        WHERE t IS NULL OR length(t) NOT BETWEEN 1 AND 64 OR t <> btrim(t)
           OR t ~ '[[:cntrl:]\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]');
COMMENT ON FUNCTION agent_loggy.invalid_tags(text[]) IS
    'The tags in p_tags that may not be stored: NULL, empty, longer than 64 characters, with leading or trailing spaces, or holding a control character, an invisible format character (zero-width, bidi) or a space other than U+0020 (so that no tag looks like another). Empty when all are valid.';

CREATE FUNCTION agent_loggy.checked_prompt_tags(p_tags text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad text[] := agent_loggy.invalid_tags(p_tags);
BEGIN
    IF p_tags IS NULL OR cardinality(bad) > 0 THEN
        RAISE EXCEPTION 'invalid tags %: %', coalesce(agent_loggy.quoted_tags(bad), 'NULL'),
            'a tag is 1-64 characters, without leading or trailing spaces, control or invisible characters'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p_tags;
END
$$;
COMMENT ON FUNCTION agent_loggy.checked_prompt_tags(text[]) IS
    'Returns p_tags when every tag is valid (invalid_tags()), else raises 22023 naming each invalid one, quoted.';

CREATE FUNCTION agent_loggy.quoted_tags(p_tags text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT string_agg(quote_nullable(t), ', ' ORDER BY n) FROM unnest(p_tags) WITH ORDINALITY AS u(t, n));
COMMENT ON FUNCTION agent_loggy.quoted_tags(text[]) IS
    'Tags as a list of quoted literals for a message (so that an empty or blank tag shows), NULL for none.';

ALTER TABLE agent_loggy.prompts
    ADD CONSTRAINT prompts_syntax_check CHECK (syntax IN ('brace', 'mustache')),
    ADD CONSTRAINT prompts_messages_check
        CHECK (messages IS NULL OR type = 'chat' AND agent_loggy.chat_messages_problem(messages) IS NULL),
    ADD CONSTRAINT prompts_tags_check CHECK (cardinality(agent_loggy.invalid_tags(tags)) = 0 AND cardinality(tags) <= 64),
    ADD CONSTRAINT prompts_commit_message_check CHECK (length(commit_message) BETWEEN 1 AND 10000);

CREATE FUNCTION agent_loggy.check_prompt_format() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    what text := format('prompt %s version %s', quote_literal(NEW.name), NEW.version);
    problem text;
    bad text[];
    mustache text := agent_loggy.template_pattern('mustache');
    literal text;
    prev_syntax text;
    prev_version integer;
    prev_chat boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT t.syntax, t.version, t.messages IS NOT NULL INTO prev_syntax, prev_version, prev_chat
        FROM agent_loggy.prompts AS t
        WHERE t.project = NEW.project AND t.name = NEW.name AND t.version < NEW.version
        ORDER BY t.version DESC
        LIMIT 1;
        NEW.syntax := coalesce(NEW.syntax, prev_syntax, 'brace');
        IF prev_chat AND NEW.messages IS NULL THEN
            PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_messages_check',
                format('%s has no messages, but version %s has: every version of a chat prompt carries messages',
                       what, prev_version), 'Publish messages, or publish under a new name.');
        END IF;
    END IF;
    IF NEW.syntax IS NULL OR NEW.syntax NOT IN ('brace', 'mustache') THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_syntax_check',
            format('invalid template syntax %s for %s', quote_nullable(NEW.syntax), what),
            'Use brace ({name}) or mustache ({{name}}).');
    END IF;
    IF NEW.messages IS NOT NULL THEN
        IF NEW.type IS DISTINCT FROM 'chat' THEN
            PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_messages_check',
                format('%s has messages but type %s: only chat prompts carry messages', what, quote_nullable(NEW.type)),
                NULL);
        END IF;
        problem := agent_loggy.chat_messages_problem(NEW.messages);
        IF problem IS NOT NULL THEN
            PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_messages_check',
                format('invalid chat messages for %s: %s', what, problem), NULL);
        END IF;
        NEW.template := agent_loggy.chat_template_text(NEW.messages);
    END IF;
    bad := agent_loggy.invalid_tags(NEW.tags);
    IF NEW.tags IS NULL OR cardinality(bad) > 0 THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_tags_check',
            format('invalid tags %s for %s', coalesce(agent_loggy.quoted_tags(bad), 'NULL'), what),
            'A tag is 1-64 characters, without leading or trailing spaces, control or invisible characters.');
    END IF;
    NEW.tags := ARRAY(SELECT DISTINCT t COLLATE "C" FROM unnest(NEW.tags) AS t ORDER BY 1);
    IF cardinality(NEW.tags) > 64 THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_tags_check',
            format('%s tags for %s: at most 64 are allowed', cardinality(NEW.tags), what), NULL);
    END IF;
    IF length(NEW.commit_message) NOT BETWEEN 1 AND 10000 THEN
        PERFORM agent_loggy.raise_check_violation('prompts', 'prompts_commit_message_check',
            format('commit message of %s characters for %s: expected 1 to 10000', length(NEW.commit_message), what),
            NULL);
    END IF;
    IF TG_OP = 'INSERT' AND NEW.syntax = 'brace' THEN
        SELECT m[1] INTO literal
        FROM regexp_matches(coalesce(NEW.messages::text, NEW.template), mustache) AS m;
        IF literal IS NOT NULL THEN
            RAISE WARNING '% uses brace syntax, where % is the literal text %, not a variable', what, literal,
                          agent_loggy.render_prompt(literal, '{}', 'brace')
                USING HINT = 'Publish it with syntax mustache ({{name}} placeholders) if that is meant as a variable.';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.check_prompt_format() IS
    'BEFORE INSERT/UPDATE trigger of prompts (t05, before the other checks): a new version without a syntax takes the previous version''s (brace for a first one), and one without messages after a version with messages is refused; raises check_violation naming an invalid syntax, chat messages (only type chat carries them; see chat_messages_problem()), tags or commit message; derives template from messages (chat_template_text()); normalises tags to distinct sorted values. A new brace version that holds {{identifier}} gets a WARNING: that renders as a literal {identifier}.';
CREATE TRIGGER t05_check_prompt_format BEFORE INSERT OR UPDATE ON agent_loggy.prompts
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.check_prompt_format();

-- Privileges: the validators and renderers are readers' (agents render in SQL; the CHECK constraints
-- call them as the writer); the trigger function is the owner's alone.
REVOKE ALL ON FUNCTION agent_loggy.template_pattern(text), agent_loggy.checked_syntax(text),
    agent_loggy.template_variables(text, text), agent_loggy.render_prompt(text, jsonb, text),
    agent_loggy.chat_messages_problem(jsonb), agent_loggy.chat_template_text(jsonb),
    agent_loggy.prompt_variables(text, text, jsonb), agent_loggy.render_chat(jsonb, jsonb, text),
    agent_loggy.invalid_tags(text[]), agent_loggy.checked_prompt_tags(text[]), agent_loggy.quoted_tags(text[]),
    agent_loggy.check_prompt_format() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.template_pattern(text), agent_loggy.checked_syntax(text),
    agent_loggy.template_variables(text, text), agent_loggy.render_prompt(text, jsonb, text),
    agent_loggy.chat_messages_problem(jsonb), agent_loggy.chat_template_text(jsonb),
    agent_loggy.prompt_variables(text, text, jsonb), agent_loggy.render_chat(jsonb, jsonb, text),
    agent_loggy.invalid_tags(text[]), agent_loggy.checked_prompt_tags(text[]), agent_loggy.quoted_tags(text[])
    TO agent_loggy_reader;

-- variables follow the syntax and the messages (the trigger function keeps its name and grants)
DO $$
DECLARE
    fn regprocedure := 'agent_loggy.derive_variables()';
    old text := 'NEW.variables := agent_loggy.template_variables(NEW.template);';
BEGIN
    IF position(old IN (SELECT p.prosrc FROM pg_catalog.pg_proc AS p WHERE p.oid = fn)) = 0 THEN
        RAISE EXCEPTION '% is not the function this migration expects', fn;
    END IF;
    EXECUTE replace(pg_get_functiondef(fn), old,
                    'NEW.variables := agent_loggy.prompt_variables(NEW.template, NEW.syntax, NEW.messages);');
END
$$;
COMMENT ON FUNCTION agent_loggy.derive_variables() IS
    'BEFORE INSERT/UPDATE trigger of prompts: variables is always derived from template, syntax and messages (prompt_variables()), whatever the writer sent.';

-- Tags --------------------------------------------------------------------------------------------

CREATE FUNCTION agent_loggy.set_prompt_tags(p_name text, p_version integer, p_tags text[],
                                            p_project text DEFAULT 'default') RETURNS text[]
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    stored text[];
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name);
    IF p_tags IS NULL THEN
        RAISE EXCEPTION 'tags must be an array (empty to remove every tag), not NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_version IS NULL THEN
        RAISE EXCEPTION 'a version number is needed, not NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM agent_loggy.checked_prompt_tags(p_tags);
    UPDATE agent_loggy.prompts AS t SET tags = p_tags
    WHERE t.project = p_project AND t.name = p_name AND t.version = p_version
    RETURNING t.tags INTO stored;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'prompt % in project % has no version %', quote_literal(p_name), quote_literal(p_project),
            p_version USING ERRCODE = 'no_data_found';
    END IF;
    RETURN stored;
END
$$;
COMMENT ON FUNCTION agent_loggy.set_prompt_tags(text, integer, text[], text) IS
    'Replaces the tags of one prompt version and returns them as stored (distinct, sorted); the changelog records an update of tags (prompt_history() shows it as tag). Writers. 22023 naming an invalid tag, P0002 when the version does not exist.';
REVOKE ALL ON FUNCTION agent_loggy.set_prompt_tags(text, integer, text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.set_prompt_tags(text, integer, text[], text) TO agent_loggy_writer;

-- The changelog: an embedding fill leaves no trace ------------------------------------------------
-- (it changes nothing resolve_prompt() returns: one row per filled prompt buried the real changes)

DO $$
DECLARE
    fn regprocedure := 'agent_loggy.write_changelog()';
    old text := 'IF changed IS NULL AND NOT embedding_changed THEN';
BEGIN
    IF position(old IN (SELECT p.prosrc FROM pg_catalog.pg_proc AS p WHERE p.oid = fn)) = 0 THEN
        RAISE EXCEPTION '% is not the function this migration expects', fn;
    END IF;
    EXECUTE replace(pg_get_functiondef(fn), old, 'IF changed IS NULL THEN  -- nothing but the embedding column (a fill):');
END
$$;
COMMENT ON FUNCTION agent_loggy.write_changelog() IS
    'AFTER INSERT/UPDATE/DELETE row trigger of the config tables (argument: the config_type). Writes one changelog row per real change: create, delete, label (only labels changed), activate / deactivate (only is_active changed) or update. An update of nothing but the embedding column (an embedding fill) is not a change. changed_by is the transaction setting agent_loggy.actor when set and non-empty, else session_user; change_summary comes from agent_loggy.change_summary. SECURITY DEFINER so writers need no INSERT privilege on the changelog; refuses any table but the five config tables, and PUBLIC may not execute it (so nobody can attach it elsewhere).';

-- Publishing --------------------------------------------------------------------------------------

-- pinned_by_0012() names the functions 0012 pinned (its rollback unpins them): it stops naming the
-- two this migration replaces (create_prompt_version, resolve_prompt_checked), and its rollback names them again.
CREATE OR REPLACE FUNCTION agent_loggy.pinned_by_0012() RETURNS regprocedure[]
    LANGUAGE sql IMMUTABLE
    RETURN ARRAY['agent_loggy.bound_project()'::regprocedure, 'agent_loggy.is_admin()'::regprocedure, 'agent_loggy.can_access_project(text)'::regprocedure, 'agent_loggy.check_project_access(text)'::regprocedure, 'agent_loggy.checked_project(text)'::regprocedure, 'agent_loggy.check_prompt_args(text,text,text[],boolean)'::regprocedure, 'agent_loggy.check_document_target(text,text)'::regprocedure, 'agent_loggy.check_labels(text,text,text[])'::regprocedure, 'agent_loggy.checked_embedding_target(text)'::regprocedure, 'agent_loggy.checked_limit(integer)'::regprocedure, 'agent_loggy.checked_query_text(text)'::regprocedure, 'agent_loggy.checked_tags(text[])'::regprocedure, 'agent_loggy.raise_check_violation(text,text,text,text)'::regprocedure, 'agent_loggy.lock_prompt_writes()'::regprocedure, 'agent_loggy.validate_row()'::regprocedure, 'agent_loggy.derive_variables()'::regprocedure, 'agent_loggy.touch_updated_at()'::regprocedure, 'agent_loggy.clear_stale_embedding()'::regprocedure, 'agent_loggy.refuse_changelog_change()'::regprocedure, 'agent_loggy.refuse_truncate()'::regprocedure, 'agent_loggy.begin_import(text,jsonb,text)'::regprocedure, 'agent_loggy.import_problems(text,jsonb)'::regprocedure, 'agent_loggy.import_context_rules(jsonb,text,boolean)'::regprocedure, 'agent_loggy.import_negate_keys(jsonb,text,boolean)'::regprocedure, 'agent_loggy.import_prompts(jsonb,text)'::regprocedure, 'agent_loggy.set_prompt_label(text,integer,text,text)'::regprocedure, 'agent_loggy.remove_prompt_label(text,text,text)'::regprocedure, 'agent_loggy.rollback_prompt_label(text,text,text)'::regprocedure, 'agent_loggy.prompt_label_history(text,text)'::regprocedure, 'agent_loggy.render_prompt(text,jsonb)'::regprocedure, 'agent_loggy.loki_negations(text)'::regprocedure, 'agent_loggy.keyword_search_documents(text,text,integer,text[])'::regprocedure, 'agent_loggy.pending_embeddings(text,text,integer,bigint)'::regprocedure, 'agent_loggy.pending_embedding_count(text,text)'::regprocedure];

DROP FUNCTION agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text);
CREATE FUNCTION agent_loggy.create_prompt_version(
    p_name text,
    p_template text,
    p_project text DEFAULT 'default',
    p_labels text[] DEFAULT '{}',
    p_type text DEFAULT NULL,
    p_description text DEFAULT NULL,
    p_usage text DEFAULT NULL,
    p_model text DEFAULT NULL,
    p_parameters jsonb DEFAULT NULL,
    p_created_by text DEFAULT NULL,
    p_syntax text DEFAULT NULL,
    p_messages jsonb DEFAULT NULL,
    p_tags text[] DEFAULT '{}',
    p_commit_message text DEFAULT NULL
) RETURNS agent_loggy.prompts
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    prev agent_loggy.prompts;
    created agent_loggy.prompts;
    next_version integer;
    wanted_type text := coalesce(p_type, CASE WHEN p_messages IS NOT NULL THEN 'chat' END);
BEGIN
    PERFORM agent_loggy.check_prompt_args(p_project, p_name, coalesce(p_labels, '{}'));
    IF (p_template IS NULL) = (p_messages IS NULL) THEN
        RAISE EXCEPTION 'a prompt version needs a template or chat messages, not %',
            CASE WHEN p_template IS NULL THEN 'neither' ELSE 'both' END
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_syntax IS NOT NULL THEN
        PERFORM agent_loggy.checked_syntax(p_syntax);
    END IF;
    PERFORM agent_loggy.lock_writes('prompts', p_project);
    SELECT * INTO prev FROM agent_loggy.prompts AS t
    WHERE t.project = p_project AND t.name = p_name
    ORDER BY t.version DESC
    LIMIT 1;
    next_version := greatest(
        coalesce(prev.version, 0),
        (SELECT max(greatest(c.previous_version, c.new_version)) FROM agent_loggy.config_changelog AS c
         WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name)) + 1;
    IF FOUND AND wanted_type IS DISTINCT FROM prev.type AND wanted_type IS NOT NULL THEN
        RAISE EXCEPTION 'prompt % in project % is of type %; version % cannot change it to %',
            quote_literal(p_name), quote_literal(p_project), prev.type, next_version, quote_literal(wanted_type)
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Leave the type out to keep it, or publish under a new name.';
    END IF;
    IF FOUND AND prev.messages IS NOT NULL AND p_messages IS NULL THEN
        RAISE EXCEPTION 'prompt % in project % is a chat prompt with messages; version % needs messages too, not a template',
            quote_literal(p_name), quote_literal(p_project), next_version
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    BEGIN
        INSERT INTO agent_loggy.prompts
            (project, name, version, type, template, description, usage, model, parameters, labels, created_by,
             syntax, messages, tags, commit_message)
        VALUES (
            p_project, p_name, next_version, coalesce(wanted_type, prev.type, 'text'), p_template,
            coalesce(p_description, prev.description), coalesce(p_usage, prev.usage), coalesce(p_model, prev.model),
            coalesce(p_parameters, prev.parameters, '{}'), coalesce(p_labels, '{}'),
            coalesce(p_created_by, nullif(current_setting('agent_loggy.actor', true), ''), session_user),
            coalesce(p_syntax, prev.syntax, 'brace'), p_messages, coalesce(p_tags, '{}'),
            coalesce(p_commit_message, nullif(current_setting('agent_loggy.change_summary', true), '')))
        RETURNING * INTO created;
    EXCEPTION WHEN unique_violation THEN
        IF current_setting('transaction_isolation') = 'read committed' THEN
            RAISE;
        END IF;
        RAISE EXCEPTION 'version % of prompt % in project % was created by a concurrent transaction',
            next_version, quote_literal(p_name), quote_literal(p_project)
            USING ERRCODE = 'serialization_failure', HINT = 'Retry the transaction.';
    END;
    RETURN created;
END
$$;
COMMENT ON FUNCTION agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text, text, jsonb, text[], text) IS
    'Publishes a new version of a prompt (one above the highest version it ever had, deleted ones included; exact under concurrency) and returns its row. Give p_template (a text prompt) or p_messages (a chat prompt: type chat, see chat_messages_problem()), not both. p_type, p_description, p_usage, p_model, p_parameters and p_syntax left NULL keep the previous version''s values (syntax: brace at first); a different p_type is refused, and so is a template after messages. p_labels move to the new version; p_tags stay on it. p_commit_message defaults to the transaction''s agent_loggy.change_summary; created_by to agent_loggy.actor, else session_user. A brace template holding {{identifier}} is published with a WARNING.';
REVOKE ALL ON FUNCTION agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text, text, jsonb, text[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.create_prompt_version(text, text, text, text[], text, text, text, text, jsonb, text, text, jsonb, text[], text) TO agent_loggy_writer;

-- Resolving: the new columns come with the prompt --------------------------------------------------

DROP FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]);
DROP FUNCTION agent_loggy.resolve_prompt_checked(text, text, text, integer, text[]);
CREATE FUNCTION agent_loggy.resolve_prompt_checked(p_name text, p_label text DEFAULT 'production'::text, p_project text DEFAULT 'default'::text, p_version integer DEFAULT NULL::integer, p_fallback_labels text[] DEFAULT '{}'::text[])
 RETURNS TABLE(id bigint, project text, name text, version integer, type text, template text, variables text[], labels text[], model text, parameters jsonb, model_provider text, model_name text, model_parameters jsonb, resolved_label text, model_config_version integer, description text, usage text, is_active boolean, created_by text, created_at timestamp with time zone, updated_at timestamp with time zone, syntax text, messages jsonb, tags text[], commit_message text)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'pg_temp'
AS $$
#variable_conflict use_column
DECLARE
    wanted text[] := ARRAY[p_label] || coalesce(p_fallback_labels, '{}');
    p agent_loggy.prompts;
    m agent_loggy.model_configs;
    got text;
    l text;
BEGIN
    -- The usual call (one label, no version, no fallbacks; unbound, or bound to the project asked
    -- for; valid arguments, so that a bad one is 22023 before any grant is looked at) in one
    -- query. It returns a row only when a stored row matches that row level security lets the
    -- caller read (so the project, or the binding, is granted); otherwise the path below checks
    -- the arguments and the grants and explains.
    IF p_version IS NULL AND cardinality(p_fallback_labels) = 0
       AND p_project = coalesce(nullif(current_setting('agent_loggy.project', true), ''), p_project)
       AND agent_loggy.is_valid_project(p_project) AND agent_loggy.is_valid_name(p_name)
       AND (p_label = 'latest' OR cardinality(agent_loggy.invalid_labels(ARRAY[p_label])) = 0) THEN
        RETURN QUERY
        SELECT t.id, t.project, t.name, t.version, t.type, t.template, t.variables, t.labels, t.model, t.parameters,
               c.model_provider, coalesce(c.model_name, t.model), c.parameters, p_label, c.version,
               t.description, t.usage, t.is_active, t.created_by, t.created_at, t.updated_at,
               t.syntax, t.messages, t.tags, t.commit_message
        FROM (SELECT * FROM agent_loggy.prompts AS t
              WHERE t.project = p_project AND t.name = p_name AND t.is_active
                AND (p_label = 'latest' OR t.labels @> ARRAY[p_label])
              ORDER BY t.version DESC
              LIMIT 1) AS t
        LEFT JOIN LATERAL (
            SELECT * FROM agent_loggy.model_configs AS c
            WHERE c.project = t.project AND c.name = t.model AND c.is_active
              AND (c.labels @> ARRAY[p_label] OR NOT EXISTS (  -- a protected label: only its own config
                  SELECT FROM agent_loggy.protected_labels AS pl WHERE pl.project = t.project AND pl.label = p_label))
            ORDER BY c.labels @> ARRAY[p_label] DESC, c.version DESC
            LIMIT 1) AS c ON true;
        IF FOUND THEN
            RETURN;
        END IF;
    END IF;

    PERFORM agent_loggy.check_prompt_args(p_project, p_name,
        CASE WHEN p_version IS NULL THEN wanted ELSE '{}' END, true);
    IF p_version IS NOT NULL THEN
        SELECT * INTO p FROM agent_loggy.prompts AS t
        WHERE t.project = p_project AND t.name = p_name AND t.version = p_version;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'prompt % in project % has no version %', quote_literal(p_name), quote_literal(p_project), p_version
                USING ERRCODE = 'no_data_found';
        END IF;
    ELSE
        FOREACH l IN ARRAY wanted LOOP
            SELECT * INTO p FROM agent_loggy.prompts AS t
            WHERE t.project = p_project AND t.name = p_name AND t.is_active
              AND (l = 'latest' OR t.labels @> ARRAY[l])
            ORDER BY t.version DESC
            LIMIT 1;
            IF FOUND THEN
                got := l;
                EXIT;
            END IF;
        END LOOP;
        IF got IS NULL THEN
            IF EXISTS (SELECT 1 FROM agent_loggy.prompts AS t WHERE t.project = p_project AND t.name = p_name) THEN
                RAISE EXCEPTION 'prompt % in project % has no active version labelled %',
                    quote_literal(p_name), quote_literal(p_project), array_to_string(wanted, ' or ')
                    USING ERRCODE = 'no_data_found',
                          HINT = 'Label a version with set_prompt_label(), or ask for label latest or an exact version.';
            END IF;
            RAISE EXCEPTION 'no prompt named % in project % (asked for label %)',
                quote_literal(p_name), quote_literal(p_project), array_to_string(wanted, ' or ')
                USING ERRCODE = 'no_data_found';
        END IF;
    END IF;

    IF p.model IS NOT NULL THEN
        IF EXISTS (SELECT FROM agent_loggy.protected_labels AS pl WHERE pl.project = p.project AND pl.label = got) THEN
            -- only an admin can put a protected label on a model config: nothing else is served with it
            SELECT * INTO m FROM agent_loggy.model_configs AS c
            WHERE c.project = p.project AND c.name = p.model AND c.is_active AND c.labels @> ARRAY[got];
        ELSE
            SELECT * INTO m FROM agent_loggy.model_configs AS c
            WHERE c.project = p.project AND c.name = p.model AND c.is_active
            ORDER BY c.labels @> ARRAY[coalesce(got, p_label)] DESC, c.version DESC
            LIMIT 1;
        END IF;
    END IF;

    RETURN QUERY SELECT
        p.id, p.project, p.name, p.version, p.type, p.template, p.variables, p.labels, p.model, p.parameters,
        m.model_provider, coalesce(m.model_name, p.model), m.parameters, got, m.version,
        p.description, p.usage, p.is_active, p.created_by, p.created_at, p.updated_at,
        p.syntax, p.messages, p.tags, p.commit_message;
END
$$;
COMMENT ON FUNCTION agent_loggy.resolve_prompt_checked(text, text, text, integer, text[]) IS
    'resolve_prompt() for the calls its one query does not answer (a version, fallback labels, another project than the bound one, invalid arguments, nothing found): checks the arguments and the binding, then resolves as resolve_prompt() documents; raises 22023, 42501 or P0002 as resolve_prompt() does.';
REVOKE ALL ON FUNCTION agent_loggy.resolve_prompt_checked(text, text, text, integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.resolve_prompt_checked(text, text, text, integer, text[]) TO agent_loggy_reader;

-- pg_catalog alone while the body is parsed; the migration's own search_path back afterwards
DO $$ BEGIN
    PERFORM set_config('agent_loggy.migration_search_path', current_setting('search_path'), true);
    PERFORM set_config('search_path', 'pg_catalog, pg_temp', true);
END $$;
CREATE FUNCTION agent_loggy.resolve_prompt(
    p_name text,
    p_label text DEFAULT 'production',
    p_project text DEFAULT 'default',
    p_version integer DEFAULT NULL,
    p_fallback_labels text[] DEFAULT '{}'
) RETURNS TABLE (
    id bigint, project text, name text, version integer, type text, template text,
    variables text[], labels text[], model text, parameters jsonb,
    model_provider text, model_name text, model_parameters jsonb, resolved_label text,
    model_config_version integer, description text, usage text, is_active boolean,
    created_by text, created_at timestamptz, updated_at timestamptz,
    syntax text, messages jsonb, tags text[], commit_message text
)
    LANGUAGE sql STABLE
BEGIN ATOMIC
    WITH usual AS MATERIALIZED (
        SELECT t.id, t.project, t.name, t.version, t.type, t.template, t.variables, t.labels, t.model, t.parameters,
               c.model_provider, coalesce(c.model_name, t.model) AS model_name, c.parameters AS model_parameters,
               p_label AS resolved_label, c.version AS model_config_version,
               t.description, t.usage, t.is_active, t.created_by, t.created_at, t.updated_at,
               t.syntax, t.messages, t.tags, t.commit_message
        FROM (SELECT * FROM agent_loggy.prompts AS t
              WHERE p_version IS NULL AND cardinality(p_fallback_labels) = 0
                AND p_project = coalesce(nullif(current_setting('agent_loggy.project', true), ''), p_project)
                AND agent_loggy.is_valid_project(p_project) AND agent_loggy.is_valid_name(p_name)
                AND (p_label = 'latest' OR cardinality(agent_loggy.invalid_labels(ARRAY[p_label])) = 0)
                AND t.project = p_project AND t.name = p_name AND t.is_active
                AND (p_label = 'latest' OR t.labels @> ARRAY[p_label])
              ORDER BY t.version DESC
              LIMIT 1) AS t
        LEFT JOIN LATERAL (
            SELECT * FROM agent_loggy.model_configs AS c
            WHERE c.project = t.project AND c.name = t.model AND c.is_active
              AND (c.labels @> ARRAY[p_label] OR NOT EXISTS (  -- a protected label: only its own config
                  SELECT FROM agent_loggy.protected_labels AS pl WHERE pl.project = t.project AND pl.label = p_label))
            ORDER BY c.labels @> ARRAY[p_label] DESC, c.version DESC
            LIMIT 1) AS c ON true)
    SELECT * FROM usual
    UNION ALL
    SELECT * FROM agent_loggy.resolve_prompt_checked(p_name, p_label, p_project, p_version, p_fallback_labels)
    WHERE NOT EXISTS (SELECT FROM usual);
END;
DO $$ BEGIN
    PERFORM set_config('search_path', current_setting('agent_loggy.migration_search_path'), true);
END $$;
COMMENT ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) IS
    'The one call agents make: the prompt version to use, with its model config. With p_version, exactly that version (even if inactive). Otherwise the active version carrying p_label, then each of p_fallback_labels in order; label latest means the highest active version. Model fields come from the active model_configs row named by the prompt''s model in the same project: for a protected label (protected_labels) only the version carrying that label, so that only an admin changes what it serves; otherwise the version carrying the resolved label if any, else the highest. Without such a config, model_name is the prompt''s model and model_provider is NULL. The usual call (one label, no version, no fallbacks; unbound or bound to p_project) is one query the planner inlines into the caller''s, under row level security; any other call, or one that finds nothing, goes to resolve_prompt_checked(), which checks its arguments and the binding first. Chat prompts carry their messages (render them with render_chat()), every prompt its syntax (render_prompt(template, variables, syntax)), tags and commit_message. Nothing found: SQLSTATE P0002 naming project, prompt and what was asked.';

REVOKE ALL ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.resolve_prompt(text, text, text, integer, text[]) TO agent_loggy_reader;

-- Listing and history ------------------------------------------------------------------------------

DROP FUNCTION agent_loggy.list_prompts(text);
CREATE FUNCTION agent_loggy.list_prompts(p_project text DEFAULT 'default', p_tags text[] DEFAULT NULL)
RETURNS TABLE (
    name text, type text, latest_version integer, active_versions integer, labels jsonb, model text,
    updated_at timestamptz, tags text[]
)
    LANGUAGE sql STABLE
AS $$
    SELECT t.name,
           (array_agg(t.type ORDER BY t.version DESC))[1],
           max(t.version),
           (count(*) FILTER (WHERE t.is_active))::integer,
           coalesce((SELECT jsonb_object_agg(l, u.version ORDER BY l COLLATE "C")
                     FROM agent_loggy.prompts AS u CROSS JOIN unnest(u.labels) AS l
                     WHERE u.project = p_project AND u.name = t.name), '{}'),
           (array_agg(t.model ORDER BY t.version DESC))[1],
           max(t.updated_at),
           ARRAY(SELECT DISTINCT g COLLATE "C" FROM agent_loggy.prompts AS u CROSS JOIN unnest(u.tags) AS g
                 WHERE u.project = p_project AND u.name = t.name ORDER BY 1)
    FROM agent_loggy.prompts AS t
    WHERE t.project = p_project
    GROUP BY t.name
    HAVING p_tags IS NULL OR bool_or(t.tags @> agent_loggy.checked_prompt_tags(p_tags))
    ORDER BY t.name COLLATE "C";
$$;
COMMENT ON FUNCTION agent_loggy.list_prompts(text, text[]) IS
    'One row per prompt of a project: type and model of its highest version, highest version, number of active versions, labels as {"label": version}, last change, and the tags of all its versions. With p_tags, only prompts one of whose versions carries every one of them (an invalid tag: 22023).';
CALL agent_loggy.use_vector_schema('agent_loggy.list_prompts(text, text[])');
REVOKE ALL ON FUNCTION agent_loggy.list_prompts(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.list_prompts(text, text[]) TO agent_loggy_reader;

CREATE FUNCTION agent_loggy.prompt_history(p_name text, p_project text DEFAULT 'default',
                                           p_embeds boolean DEFAULT false)
RETURNS TABLE (
    changelog_id bigint, change text, version integer, label text, from_version integer, to_version integer,
    tags text[], changed text[], changed_by text, changed_at timestamptz, summary text
)
    LANGUAGE sql STABLE
AS $$
    SELECT h.* FROM (
        SELECT c.id, k.change, coalesce(c.new_version, c.previous_version), NULL::text, NULL::integer, NULL::integer,
               ARRAY(SELECT jsonb_array_elements_text(coalesce(c.new_data, c.previous_data) -> 'tags')),
               CASE WHEN k.change = 'update' THEN d.changed END, c.changed_by, c.changed_at,
               coalesce(c.change_summary, CASE WHEN k.change = 'publish' THEN c.new_data ->> 'commit_message' END)
        FROM agent_loggy.config_changelog AS c
        CROSS JOIN LATERAL (SELECT ARRAY(
            SELECT n.key FROM jsonb_each(c.new_data) AS n
            WHERE n.key NOT IN ('updated_at', 'labels') AND n.value IS DISTINCT FROM c.previous_data -> n.key
            ORDER BY n.key COLLATE "C")) AS d (changed)
        CROSS JOIN LATERAL (SELECT CASE
            WHEN c.change_type = 'create' THEN 'publish'
            WHEN c.change_type = 'update' AND d.changed = ARRAY['tags'] THEN 'tag'
            WHEN c.change_type = 'update' AND d.changed = '{}' THEN 'embed'  -- a fill, logged before 0034
            ELSE c.change_type END) AS k (change)
        WHERE c.project = p_project AND c.config_type = 'prompt' AND c.config_name = p_name
          AND c.change_type <> 'label' AND (p_embeds OR k.change <> 'embed')
        UNION ALL
        SELECT l.changelog_id, 'label', coalesce(l.to_version, l.from_version), l.label, l.from_version, l.to_version,
               NULL, NULL, l.changed_by, l.changed_at, l.change_summary
        FROM agent_loggy.prompt_label_history(p_name, p_project) AS l
    ) AS h (changelog_id, change, version, label, from_version, to_version, tags, changed, changed_by, changed_at, summary)
    ORDER BY h.changelog_id, h.change = 'label', h.label COLLATE "C";
$$;
COMMENT ON FUNCTION agent_loggy.prompt_history(text, text, boolean) IS
    'Every change of a prompt in the order it happened, from the changelog: publish (with the version''s tags; summary: the change summary, else its commit message), label (a move, as prompt_label_history() rebuilds it: from_version NULL when new, to_version NULL when removed), activate, deactivate, tag (the new tags), update (changed: the columns that changed), delete; embed (an embedding fill, logged before migration 0034) only when p_embeds. Who, when and why (summary) on each. 22023 / P0002 as prompt_label_history().';
CALL agent_loggy.use_vector_schema('agent_loggy.prompt_history(text, text, boolean)');
REVOKE ALL ON FUNCTION agent_loggy.prompt_history(text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.prompt_history(text, text, boolean) TO agent_loggy_reader;

-- Export and import carry the new columns ----------------------------------------------------------

DO $$
DECLARE
    changes text[] := ARRAY[
        ['agent_loggy.export_prompts(text)',
         '''created_by'', t.created_by, ''created_at'', t.created_at) ORDER BY t.version)) AS doc',
         '''created_by'', t.created_by, ''created_at'', t.created_at, ''syntax'', t.syntax, ''messages'', t.messages, ''tags'', to_jsonb(t.tags), ''commit_message'', t.commit_message) ORDER BY t.version)) AS doc'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'OR coalesce(jsonb_typeof(v -> ''is_active''), ''boolean'') NOT IN (''boolean'', ''null''))',
         'OR coalesce(jsonb_typeof(v -> ''is_active''), ''boolean'') NOT IN (''boolean'', ''null'') OR coalesce(jsonb_typeof(v -> ''syntax''), ''null'') NOT IN (''string'', ''null'') OR coalesce(jsonb_typeof(v -> ''messages''), ''null'') NOT IN (''array'', ''null'') OR coalesce(jsonb_typeof(v -> ''commit_message''), ''null'') NOT IN (''string'', ''null'') OR coalesce(jsonb_typeof(v -> ''tags''), ''array'') NOT IN (''array'', ''null'') OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(v -> ''tags'') WHEN ''array'' THEN v -> ''tags'' ELSE ''[]'' END) AS g WHERE jsonb_typeof(g) <> ''string''))'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'labels as an array of strings, parameters as an object and is_active as a boolean',
         'labels and tags as arrays of strings, parameters as an object, is_active as a boolean, syntax and commit_message as strings and messages as an array'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'coalesce(r.is_active, true) AS is_active',
         'coalesce(r.is_active, true) AS is_active, coalesce(r.syntax, ''brace'') AS syntax, r.messages, coalesce(r.tags, ''{}'') AS tags, r.commit_message'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'description text, usage text, model text, parameters jsonb, labels text[], is_active boolean))',
         'description text, usage text, model text, parameters jsonb, labels text[], is_active boolean, syntax text, messages jsonb, tags text[], commit_message text))'],
        ['agent_loggy.import_prompts(jsonb, text)',
         '(CASE WHEN i.version < 1 THEN ''version must be a number from 1'' END),',
         '(CASE WHEN i.version < 1 THEN ''version must be a number from 1'' END), (CASE WHEN i.syntax NOT IN (''brace'', ''mustache'') THEN format(''invalid syntax %s: expected brace or mustache'', quote_literal(i.syntax)) END), (CASE WHEN i.messages IS NOT NULL AND i.type <> ''chat'' THEN format(''has messages but type %s: only chat prompts carry messages'', i.type) ELSE agent_loggy.chat_messages_problem(i.messages) END), (CASE WHEN cardinality(agent_loggy.invalid_tags(i.tags)) > 0 OR cardinality(i.tags) > 64 THEN format(''invalid tags %s (at most 64, each 1-64 characters without leading or trailing spaces, control or invisible characters)'', coalesce(agent_loggy.quoted_tags(agent_loggy.invalid_tags(i.tags)), ''beyond 64'')) END), (CASE WHEN length(i.commit_message) NOT BETWEEN 1 AND 10000 THEN format(''commit message of %s characters: expected 1 to 10000'', length(i.commit_message)) END),'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'AND (t.type, t.template, t.description, t.usage, t.model, t.parameters)',
         'AND (t.type, CASE WHEN t.messages IS NULL THEN t.template END, t.description, t.usage, t.model, t.parameters, t.syntax, t.messages)'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'IS DISTINCT FROM (i.type, i.template, i.description, i.usage, i.model, i.parameters))',
         'IS DISTINCT FROM (i.type, CASE WHEN i.messages IS NULL THEN i.template END, i.description, i.usage, i.model, i.parameters, i.syntax, i.messages))'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'SET labels = coalesce(i.labels, ''{}''), is_active = coalesce(i.is_active, true)',
         'SET labels = coalesce(i.labels, ''{}''), is_active = coalesce(i.is_active, true), tags = coalesce(i.tags, t.tags)'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'FROM jsonb_to_recordset(entries) AS i(name text, version integer, labels text[], is_active boolean)',
         'FROM jsonb_to_recordset(entries) AS i(name text, version integer, labels text[], is_active boolean, tags text[])'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'OR t.is_active IS DISTINCT FROM coalesce(i.is_active, true));',
         'OR t.is_active IS DISTINCT FROM coalesce(i.is_active, true) OR t.tags IS DISTINCT FROM ARRAY(SELECT DISTINCT g COLLATE "C" FROM unnest(coalesce(i.tags, t.tags)) AS g ORDER BY 1));'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'labels, is_active, created_by, created_at)',
         'labels, is_active, created_by, created_at, syntax, messages, tags, commit_message)'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'coalesce(i.created_at, now())',
         'coalesce(i.created_at, now()), coalesce(i.syntax, ''brace''), i.messages, coalesce(i.tags, ''{}''), i.commit_message'],
        ['agent_loggy.import_prompts(jsonb, text)',
         'created_at timestamptz)',
         'created_at timestamptz, syntax text, messages jsonb, tags text[], commit_message text)']];
    fn regprocedure;
    body text;
BEGIN
    FOR i IN 1 .. array_length(changes, 1) LOOP
        fn := to_regprocedure(changes[i][1]);
        body := (SELECT p.prosrc FROM pg_catalog.pg_proc AS p WHERE p.oid = fn);
        IF (length(body) - length(replace(body, changes[i][2], ''))) / length(changes[i][2]) <> 1 THEN
            RAISE EXCEPTION '% is not the function this migration expects: % not found exactly once', fn, changes[i][2];
        END IF;
        EXECUTE replace(pg_get_functiondef(fn), changes[i][2], changes[i][3]);
    END LOOP;
END
$$;
COMMENT ON FUNCTION agent_loggy.export_prompts(text) IS
    'Every version and label of every prompt of a project as one JSON document (format agent_loggy.prompts, format_version 1) that import_prompts() reads; each version carries its syntax, messages, tags and commit_message; embeddings are not included.';
COMMENT ON FUNCTION agent_loggy.import_prompts(jsonb, text) IS
    'Reads a document written by export_prompts() into project p_project (default: the document''s project): existing versions get the document''s labels, tags and is_active, missing versions are created with their original number, author and time (labels leave other versions). Versions may carry syntax (brace when absent), messages (chat prompts), tags and commit_message. Returns versions created, versions already there, and existing versions whose labels, tags or activity changed. Idempotent. Any invalid entry, or a version that exists with different content (syntax and messages included), refuses the whole import naming each problem.';
