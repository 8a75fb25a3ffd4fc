-- depends: 0032_investigation_vectors
-- Reads from streaming replicas (issue: past one machine): a reader that has been told of a change
-- (its cache's notification, at the primary's WAL position then) reads from a standby only once the
-- standby has replayed that position, so it never reads, and caches again, the version before the change.
--
-- These functions check and never wait: a statement that waited on a standby would hold its snapshot,
-- and replay of a change that conflicts with the snapshot (a vacuum's cleanup) waits for it, up to
-- max_standby_streaming_delay; a client polls with short statements instead, holding nothing between.

CREATE FUNCTION agent_loggy.replayed(p_lsn pg_lsn) RETURNS boolean
    LANGUAGE sql VOLATILE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    RETURN p_lsn IS NULL OR NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= (
        -- an insert position just past a WAL page's header (40 bytes at most) follows a record that ended at
        -- the page's start: no record ends inside a header, and none may follow for long on an idle primary
        SELECT CASE WHEN o.in_page <= 40 THEN p_lsn - o.in_page ELSE p_lsn END
        FROM (SELECT (p_lsn - '0/0'::pg_lsn) % current_setting('wal_block_size')::numeric AS in_page) AS o);
COMMENT ON FUNCTION agent_loggy.replayed(pg_lsn) IS
    'True when this server has every change up to p_lsn, a WAL position of the primary''s (pg_current_wal_insert_lsn(); one just past a page''s header counts from the page''s start): always on a primary, and for NULL; on a standby once it has replayed that far. Poll it (short statements hold no snapshot between them); statements after a true answer, in a new snapshot, see those changes.';

CREATE FUNCTION agent_loggy.check_replayed(p_lsn pg_lsn) RETURNS void
    LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT agent_loggy.replayed(p_lsn) THEN
        RAISE EXCEPTION 'this standby has replayed the WAL up to %, not yet up to %',
            coalesce(pg_last_wal_replay_lsn()::text, 'nothing'), p_lsn
            USING ERRCODE = 'AL001', HINT = 'Poll agent_loggy.replayed(), or read from the primary.';
    END IF;
END
$$;
COMMENT ON FUNCTION agent_loggy.check_replayed(pg_lsn) IS
    'Raises SQLSTATE AL001 unless replayed(p_lsn): the first statement of a read transaction on a standby, so that the read either sees every change up to p_lsn or fails at once, in the same round trip.';

REVOKE EXECUTE ON FUNCTION agent_loggy.replayed(pg_lsn), agent_loggy.check_replayed(pg_lsn) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agent_loggy.replayed(pg_lsn), agent_loggy.check_replayed(pg_lsn) TO agent_loggy_reader;
