-- Rolls back 0033_replica_reads.
DROP FUNCTION agent_loggy.check_replayed(pg_lsn);
DROP FUNCTION agent_loggy.replayed(pg_lsn);
