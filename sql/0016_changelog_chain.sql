-- depends: 0015_statement_rules
-- A tamper-evident changelog, and notifications that reveal nothing.
--
--   hash chain      every changelog row carries its place in its project's chain (chain_seq), the
--                   hash of the row before it (prev_hash) and its own hash (row_hash = sha256 of
--                   prev_hash and the row's content); changelog_heads holds each chain's newest
--                   place and hash. Deleting, editing or inserting a row out of band (with the
--                   triggers disabled, as the schema owner can) breaks the chain at that row;
--                   verify_changelog() names the first broken row of each project. An owner who
--                   recomputes the whole chain can only be caught against a head hash recorded
--                   elsewhere beforehand (agent-loggy-db audit verify prints it; --anchor checks it).
--   notifications   NOTIFY agent_loggy_config carries only the id of the committed transaction;
--                   a listener reads what changed through its own row level security
--                   (config_changelog.transaction_id), and change_kinds() tells it whether a
--                   transaction changed anything at all (a forged id names nothing).

ALTER TABLE agent_loggy.config_changelog ADD COLUMN chain_seq bigint;
ALTER TABLE agent_loggy.config_changelog ADD COLUMN prev_hash bytea;
ALTER TABLE agent_loggy.config_changelog ADD COLUMN row_hash bytea;
COMMENT ON COLUMN agent_loggy.config_changelog.chain_seq IS
    'Place of the row in its project''s hash chain: 1, 2, 3 ... without gaps.';
COMMENT ON COLUMN agent_loggy.config_changelog.prev_hash IS
    'row_hash of the row before it in its project''s chain; NULL for the first.';
COMMENT ON COLUMN agent_loggy.config_changelog.row_hash IS
    'sha256 of prev_hash and the row''s content (changelog_row_digest): any later edit of the row, or of one before it, shows.';

CREATE TABLE agent_loggy.changelog_heads (
    project   text NOT NULL,
    last_seq  bigint NOT NULL,
    last_hash bytea NOT NULL,
    CONSTRAINT changelog_heads_pkey PRIMARY KEY (project)
);
COMMENT ON TABLE agent_loggy.changelog_heads IS
    'The newest place and hash of every project''s changelog chain, updated with each changelog row (its row lock orders one project''s changelog writers); a chain whose newest rows were deleted no longer reaches its head.';
COMMENT ON COLUMN agent_loggy.changelog_heads.project IS 'The project whose chain this is.';
COMMENT ON COLUMN agent_loggy.changelog_heads.last_seq IS 'chain_seq of the project''s newest changelog row.';
COMMENT ON COLUMN agent_loggy.changelog_heads.last_hash IS 'row_hash of the project''s newest changelog row.';

CREATE FUNCTION agent_loggy.changelog_row_digest(p_row agent_loggy.config_changelog, p_prev_hash bytea) RETURNS bytea
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN sha256(coalesce(p_prev_hash, '\x'::bytea) || convert_to(jsonb_build_array(
        p_row.chain_seq, p_row.id, p_row.config_type, p_row.config_id, p_row.project, p_row.config_name,
        p_row.previous_version, p_row.new_version, p_row.change_type, p_row.change_summary, p_row.previous_data,
        p_row.new_data, p_row.changed_by, extract(epoch FROM p_row.changed_at)::text,
        p_row.transaction_id::text, p_row.session_role)::text, 'UTF8'));
COMMENT ON FUNCTION agent_loggy.changelog_row_digest(agent_loggy.config_changelog, bytea) IS
    'The hash a changelog row must carry: sha256 of the previous row''s hash followed by the row''s columns as a JSON array (changed_at as exact epoch seconds), the same whatever the session''s time zone, date style or other settings.';

-- Existing rows are chained in id order, per project.
ALTER TABLE agent_loggy.config_changelog DISABLE TRIGGER append_only;
DO $$
DECLARE
    r agent_loggy.config_changelog;
    last_project text;
    seq bigint;
    prev bytea;
BEGIN
    FOR r IN SELECT * FROM agent_loggy.config_changelog AS c ORDER BY c.project, c.id LOOP
        IF r.project IS DISTINCT FROM last_project THEN
            IF last_project IS NOT NULL THEN
                INSERT INTO agent_loggy.changelog_heads (project, last_seq, last_hash) VALUES (last_project, seq, prev);
            END IF;
            last_project := r.project;
            seq := 0;
            prev := NULL;
        END IF;
        seq := seq + 1;
        r.chain_seq := seq;
        r.prev_hash := prev;
        prev := agent_loggy.changelog_row_digest(r, r.prev_hash);
        UPDATE agent_loggy.config_changelog AS c SET chain_seq = seq, prev_hash = r.prev_hash, row_hash = prev
        WHERE c.id = r.id;
    END LOOP;
    IF last_project IS NOT NULL THEN
        INSERT INTO agent_loggy.changelog_heads (project, last_seq, last_hash) VALUES (last_project, seq, prev);
    END IF;
END
$$;
ALTER TABLE agent_loggy.config_changelog ENABLE TRIGGER append_only;
ALTER TABLE agent_loggy.config_changelog ALTER COLUMN chain_seq SET NOT NULL;
ALTER TABLE agent_loggy.config_changelog ALTER COLUMN row_hash SET NOT NULL;
ALTER TABLE agent_loggy.config_changelog ADD CONSTRAINT config_changelog_project_chain_seq_key UNIQUE (project, chain_seq);

CREATE FUNCTION agent_loggy.chain_changelog_row() RETURNS trigger
    LANGUAGE plpgsql
AS $$
DECLARE
    head agent_loggy.changelog_heads;
BEGIN
    SELECT * INTO head FROM agent_loggy.changelog_heads AS h WHERE h.project = NEW.project FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO agent_loggy.changelog_heads (project, last_seq, last_hash) VALUES (NEW.project, 0, '\x')
        ON CONFLICT DO NOTHING;
        SELECT * INTO head FROM agent_loggy.changelog_heads AS h WHERE h.project = NEW.project FOR UPDATE;
    END IF;
    NEW.chain_seq := head.last_seq + 1;
    NEW.prev_hash := nullif(head.last_hash, '\x');
    NEW.row_hash := agent_loggy.changelog_row_digest(NEW, NEW.prev_hash);
    UPDATE agent_loggy.changelog_heads AS h SET last_seq = NEW.chain_seq, last_hash = NEW.row_hash
    WHERE h.project = NEW.project;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION agent_loggy.chain_changelog_row() IS
    'BEFORE INSERT row trigger of config_changelog: gives the row the next place in its project''s chain, links it to the previous row''s hash and computes its own, under the row lock of the project''s changelog_heads row (so one project''s changelog writers queue here until commit).';
CREATE TRIGGER t10_chain BEFORE INSERT ON agent_loggy.config_changelog
    FOR EACH ROW EXECUTE FUNCTION agent_loggy.chain_changelog_row();

ALTER TABLE agent_loggy.changelog_heads ENABLE ROW LEVEL SECURITY;
CREATE POLICY project_isolation ON agent_loggy.changelog_heads
    USING ((SELECT agent_loggy.sees_every_project()) OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]))
    WITH CHECK ((SELECT agent_loggy.sees_every_project())
                OR project = ANY ((SELECT agent_loggy.visible_projects())::text[]));
COMMENT ON POLICY project_isolation ON agent_loggy.changelog_heads IS
    'Rows of the project bound to the transaction; with none bound, of every project the role is granted (every project for admin). Same rule as can_access_project().';
CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON agent_loggy.changelog_heads
    FOR EACH STATEMENT EXECUTE FUNCTION agent_loggy.refuse_truncate();

CREATE FUNCTION agent_loggy.verify_changelog(p_project text DEFAULT NULL)
RETURNS TABLE (project text, rows_checked bigint, head_seq bigint, head_hash text, first_bad_id bigint,
               first_bad_seq bigint, problem text)
    LANGUAGE sql STABLE
AS $$
    WITH c AS (
        SELECT c.id, c.project, c.chain_seq, c.prev_hash, c.row_hash,
               agent_loggy.changelog_row_digest(c, c.prev_hash) AS recomputed,
               lag(c.row_hash) OVER w AS expected_prev, lag(c.chain_seq) OVER w AS prev_seq
        FROM agent_loggy.config_changelog AS c
        WHERE p_project IS NULL OR c.project = p_project
        WINDOW w AS (PARTITION BY c.project ORDER BY c.chain_seq, c.id)
    ), judged AS (
        SELECT c.*, CASE
            WHEN c.chain_seq <> coalesce(c.prev_seq, 0) + 1 THEN
                format('the chain jumps from place %s to %s: rows were deleted or inserted there', coalesce(c.prev_seq, 0), c.chain_seq)
            WHEN c.prev_hash IS DISTINCT FROM c.expected_prev THEN 'it does not link to the row before it: rows were deleted or inserted there'
            WHEN c.row_hash IS DISTINCT FROM c.recomputed THEN 'its content does not match its hash: it was edited'
        END AS problem
        FROM c
    ), per_project AS (
        SELECT j.project, count(*) AS rows_checked, max(j.chain_seq) AS last_seq,
               (array_agg(j.row_hash ORDER BY j.chain_seq DESC, j.id DESC))[1] AS last_hash,
               (array_agg(j.id ORDER BY j.chain_seq, j.id) FILTER (WHERE j.problem IS NOT NULL))[1] AS bad_id,
               (array_agg(j.chain_seq ORDER BY j.chain_seq, j.id) FILTER (WHERE j.problem IS NOT NULL))[1] AS bad_seq,
               (array_agg(j.problem ORDER BY j.chain_seq, j.id) FILTER (WHERE j.problem IS NOT NULL))[1] AS problem
        FROM judged AS j
        GROUP BY j.project
    )
    SELECT coalesce(p.project, h.project), coalesce(p.rows_checked, 0), h.last_seq, encode(h.last_hash, 'hex'),
           p.bad_id, p.bad_seq,
           coalesce(p.problem, CASE
               WHEN h.project IS NULL THEN 'the chain has no head: changelog_heads lost its row'
               WHEN p.project IS NULL THEN format('the head is at place %s but the chain has no rows: they were deleted', h.last_seq)
               WHEN h.last_seq <> p.last_seq OR h.last_hash <> p.last_hash THEN
                   format('the chain ends at place %s but its head says %s: the newest rows were deleted, or the head edited',
                          p.last_seq, h.last_seq)
           END)
    FROM per_project AS p
    FULL JOIN (SELECT * FROM agent_loggy.changelog_heads AS h WHERE p_project IS NULL OR h.project = p_project) AS h
           ON h.project = p.project
    ORDER BY coalesce(p.project, h.project) COLLATE "C";
$$;
COMMENT ON FUNCTION agent_loggy.verify_changelog(text) IS
    'Checks the hash chain of every project the caller can see (or of p_project): one row per project with the rows checked, the head (place and hash, hex) and, when the chain is broken, the first broken row (id and place) and what is wrong with it (a gap or extra row, a broken link, an edited row, a head the chain does not reach). problem is NULL for an intact chain. Record head_hash somewhere else to catch, later, an owner who rewrites the whole chain.';

CREATE FUNCTION agent_loggy.changelog_trigger_problems() RETURNS text[]
    LANGUAGE sql STABLE
    RETURN ARRAY(
        SELECT format('trigger %s on %s is %s', t.tgname, t.tgrelid::regclass,
                      CASE t.tgenabled WHEN 'D' THEN 'disabled' WHEN 'R' THEN 'set to fire only on replicas' END)
        FROM pg_catalog.pg_trigger AS t
        WHERE t.tgrelid IN ('agent_loggy.config_changelog'::regclass, 'agent_loggy.prompts'::regclass,
                            'agent_loggy.model_configs'::regclass, 'agent_loggy.embedding_configs'::regclass,
                            'agent_loggy.context_rules'::regclass, 'agent_loggy.negate_keys'::regclass,
                            'agent_loggy.protected_labels'::regclass, 'agent_loggy.project_grants'::regclass)
          AND NOT t.tgisinternal AND t.tgenabled IN ('D', 'R')
          AND (t.tgname IN ('append_only', 't10_chain', 'write_changelog', 'refuse_truncate'))
        ORDER BY t.tgrelid::regclass::text, t.tgname);
COMMENT ON FUNCTION agent_loggy.changelog_trigger_problems() IS
    'The changelog''s own triggers (append_only, t10_chain, and write_changelog / refuse_truncate of the config tables) that are disabled or set to fire on replicas only, as "trigger T on TABLE is disabled"; empty when the changelog is being written and guarded.';

-- Notifications carry a transaction id ---------------------------------------------------------------------

CREATE INDEX config_changelog_transaction_idx ON agent_loggy.config_changelog (transaction_id);

CREATE FUNCTION agent_loggy.change_kinds(p_transaction xid8) RETURNS text[]
    LANGUAGE sql STABLE
    SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    RETURN ARRAY(SELECT DISTINCT c.config_type FROM agent_loggy.config_changelog AS c
                 WHERE c.transaction_id = p_transaction ORDER BY 1);
COMMENT ON FUNCTION agent_loggy.change_kinds(xid8) IS
    'The kinds of config change (prompt, model_config, protected_label, grant, ...) transaction p_transaction recorded, in every project, without saying which projects or names: what a cache listener needs to tell a notification about another project''s change (ignore it) from a forged one (empty) and from a grant change (its own access may have changed).';

CREATE FUNCTION agent_loggy.notify_change() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    -- One payload per transaction: PostgreSQL folds identical notifications of one transaction.
    PERFORM pg_notify('agent_loggy_config', pg_current_xact_id()::text);
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION agent_loggy.notify_change() IS
    'AFTER INSERT row trigger of config_changelog for the changes caches hold (prompts, model configs, protected labels, grants): NOTIFY agent_loggy_config with the id of the transaction only. Listeners receive it when the transaction commits and read what changed from config_changelog (transaction_id) through their own row level security.';
CREATE TRIGGER notify_change AFTER INSERT ON agent_loggy.config_changelog
    FOR EACH ROW WHEN (NEW.config_type IN ('prompt', 'model_config', 'protected_label', 'grant'))
    EXECUTE FUNCTION agent_loggy.notify_change();

DROP TRIGGER notify_config_change ON agent_loggy.prompts;
DROP TRIGGER notify_config_change ON agent_loggy.model_configs;
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
        'agent_loggy.touch_updated_at()', 'agent_loggy.clear_stale_embedding()',
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
DROP FUNCTION agent_loggy.notify_config_change();

-- Privileges and search_path ---------------------------------------------------------------------------------

REVOKE EXECUTE ON FUNCTION
    agent_loggy.changelog_row_digest(agent_loggy.config_changelog, bytea), agent_loggy.chain_changelog_row(),
    agent_loggy.verify_changelog(text), agent_loggy.changelog_trigger_problems(), agent_loggy.change_kinds(xid8),
    agent_loggy.notify_change()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    agent_loggy.changelog_row_digest(agent_loggy.config_changelog, bytea), agent_loggy.verify_changelog(text),
    agent_loggy.changelog_trigger_problems(), agent_loggy.change_kinds(xid8)
    TO agent_loggy_reader;
GRANT SELECT ON agent_loggy.changelog_heads TO agent_loggy_reader;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY[
            'agent_loggy.changelog_row_digest(agent_loggy.config_changelog, bytea)', 'agent_loggy.chain_changelog_row()',
            'agent_loggy.verify_changelog(text)', 'agent_loggy.changelog_trigger_problems()',
            'agent_loggy.notify_change()']::regprocedure[] LOOP
        CALL agent_loggy.use_vector_schema(f);
    END LOOP;
END
$$;
