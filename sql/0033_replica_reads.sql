-- depends: 0032_investigation_vectors
-- Reads from streaming replicas (issue: past one machine): a reader that has been told of a change
-- (its cache's notification, at the primary's WAL position then) first waits for its standby to have
-- replayed that position, so it never reads, and caches again, the version before the change.

CREATE FUNCTION agent_loggy.wait_for_replay(p_lsn pg_lsn, p_timeout_ms integer DEFAULT 100) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    deadline timestamptz := clock_timestamp() + make_interval(secs => least(greatest(coalesce(p_timeout_ms, 0), 0), 60000) / 1000.0);
    in_page numeric := (p_lsn - '0/0'::pg_lsn) % current_setting('wal_block_size')::numeric;
    -- an insert position just past a WAL page's header (40 bytes at most) follows a record that ended at
    -- the page's start: no record ends inside a header, and none may follow for long on an idle primary
    target pg_lsn := CASE WHEN in_page <= 40 THEN p_lsn - in_page ELSE p_lsn END;
BEGIN
    IF p_lsn IS NULL OR NOT pg_is_in_recovery() THEN
        RETURN;  -- nothing to wait for, or a primary: it has everything
    END IF;
    WHILE pg_last_wal_replay_lsn() IS NULL OR pg_last_wal_replay_lsn() < target LOOP
        IF clock_timestamp() >= deadline THEN
            RAISE EXCEPTION 'this standby has replayed the WAL up to %, not yet up to % (waited % ms)',
                coalesce(pg_last_wal_replay_lsn()::text, 'nothing'), p_lsn, p_timeout_ms
                USING ERRCODE = 'AL001', HINT = 'Read from the primary instead.';
        END IF;
        PERFORM pg_sleep(0.001);
    END LOOP;
END
$$;
COMMENT ON FUNCTION agent_loggy.wait_for_replay(pg_lsn, integer) IS
    'Returns once the server has replayed the WAL up to p_lsn, a position of the primary''s (pg_current_wal_insert_lsn(): one just past a WAL page''s header counts from the page''s start), at once on a primary or for NULL, polling every millisecond; after p_timeout_ms (0-60,000; default 100) raises SQLSTATE AL001 (a standby that lags: read from the primary instead). Statements after it in the same read-committed transaction see every change committed up to p_lsn.';

REVOKE EXECUTE ON FUNCTION agent_loggy.wait_for_replay(pg_lsn, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.wait_for_replay(pg_lsn, integer) TO agent_loggy_reader;
