"""Routing reads to replicas, without servers: the writers' and readers' URLs, the replica list from the
environment, and the refusals (a replica reached otherwise than the primary, a host libpq cannot list)."""

from __future__ import annotations

import pytest

from agent_loggy_db import ConfigurationError, Settings, create_pool
from agent_loggy_db.pool import readers
from agent_loggy_db.urls import parse, routed, split_urls


def test_one_host_and_no_replica_is_not_routed() -> None:
    assert routed("postgresql://u@db/agent_loggy") == ("postgresql://u@db/agent_loggy", None)
    with create_pool("postgresql://u@db/agent_loggy", open=False, replica_urls=[]) as pool:
        assert readers(pool) is pool and pool.replicas is None


def test_writers_reach_every_host_read_write_and_readers_prefer_the_replicas() -> None:
    writes, reads = routed("postgresql://u:pw@p:5432/agent_loggy?sslmode=require",
                           ["postgresql://u:pw@r1:5433/agent_loggy?sslmode=require",
                            "postgresql://u:pw@r2/agent_loggy?sslmode=require"])
    w, r = parse(writes), parse(reads or "")
    assert (w["host"], w["port"], w["target_session_attrs"]) == ("p,r1,r2", "5432,5433,", "read-write")
    assert (r["host"], r["port"], r["target_session_attrs"]) == ("r1,r2,p", "5433,,5432", "prefer-standby")
    assert r["load_balance_hosts"] == "random" and w["sslmode"] == r["sslmode"] == "require"
    assert "load_balance_hosts" not in parse(routed("postgresql://u@p/d", ["postgresql://u@r/d"])[1] or "")


def test_a_multi_host_url_alone_is_routed() -> None:
    writes, reads = routed("postgresql://u@/agent_loggy?host=/run/a,/run/b")
    assert parse(writes)["target_session_attrs"] == "read-write"
    assert parse(reads or "")["host"] == "/run/a,/run/b"


@pytest.mark.parametrize(("primary", "replica", "message"), [
    ("postgresql://u@p/d", "postgresql://u@r/d?sslmode=verify-full", "sets sslmode otherwise than the primary's"),
    ("postgresql://u@p/d", "postgresql://u:secret@r/d", "sets password otherwise"),
    ("postgresql://u@p/d", "postgresql://v@r/d", "sets user otherwise"),
    ("postgresql://u@p/d", "postgresql://u@r/other", "sets dbname otherwise"),
    ("postgresql://u@/d?hostaddr=10.0.0.1", "postgresql://u@r/d", "names no host= \\(or uses hostaddr=\\)"),
    ("postgresql:///d?service=prod", "postgresql://u@r/d", "names no host="),
    ("postgresql://u@p1,p2/d?port=1,2,3", "postgresql://u@r/d", "names 2 hosts and 3 ports"),
])
def test_a_replica_reached_otherwise_than_the_primary_is_refused(primary: str, replica: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        routed(primary, [replica])
    assert "secret" not in str(caught.value)


def test_replica_urls_come_from_the_environment_split_before_each_scheme() -> None:
    assert split_urls("postgresql://u@h1,h2/d, postgres://u@r/d,") == ["postgresql://u@h1,h2/d", "postgres://u@r/d"]
    settings = Settings.from_env({"AGENT_LOGGY_REPLICA_URLS": "postgresql://u@r1/d,postgresql://u@r2/d",
                                  "AGENT_LOGGY_REPLICA_WAIT": "0.25"})
    assert settings.replica_urls == ("postgresql://u@r1/d", "postgresql://u@r2/d") and settings.replica_wait == 0.25
    with pytest.raises(ConfigurationError, match="AGENT_LOGGY_REPLICA_WAIT='-1' is too small"):
        Settings.from_env({"AGENT_LOGGY_REPLICA_WAIT": "-1"})


def test_create_pool_reads_the_replicas_from_the_environment_without_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_LOGGY_REPLICA_URLS", "postgresql://u@r/d")
    with create_pool("postgresql://u@p/d", open=False) as pool:
        assert pool.replicas is not None and parse(str(readers(pool).conninfo))["host"] == "r,p"
        assert parse(str(pool.conninfo))["target_session_attrs"] == "read-write"
