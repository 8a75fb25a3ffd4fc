-- Rolls back 0029_facts. Refused while facts exist: their history would be lost.

DO $$
DECLARE
    held bigint := (SELECT count(*) FROM agent_loggy.facts);
BEGIN
    IF held > 0 THEN
        RAISE EXCEPTION 'cannot roll back 0029_facts: % fact version(s) would be lost', held
            USING HINT = 'Export them (SELECT * FROM agent_loggy.facts) and delete them, then roll back again.';
    END IF;
END
$$;

DROP FUNCTION agent_loggy.recall_facts(vector, integer, text, bigint);
DROP FUNCTION agent_loggy.recall_facts(text, integer, text);
DROP FUNCTION agent_loggy.fact_history(text, text, text);
DROP FUNCTION agent_loggy.recall_fact(text, text, text);
DROP VIEW agent_loggy.current_facts;
DROP FUNCTION agent_loggy.forget_fact(text, text, text);
DROP FUNCTION agent_loggy.remember_fact(text, text, text, text, vector, bigint, jsonb);
DROP FUNCTION agent_loggy.with_project_bound(text);
DROP FUNCTION agent_loggy.fact_embedding_config(text, integer, bigint);
DROP FUNCTION agent_loggy.checked_fact_key(text);
DROP FUNCTION agent_loggy.checked_any_vector(vector, text);
DROP FUNCTION agent_loggy.with_user_bound(text);
DROP TABLE agent_loggy.facts;
DROP FUNCTION agent_loggy.guard_fact();
