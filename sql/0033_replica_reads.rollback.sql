-- Rolls back 0033_replica_reads.
DROP FUNCTION agent_loggy.wait_for_replay(pg_lsn, integer);
