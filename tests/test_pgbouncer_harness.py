"""The PgBouncer harness (tests/pgbouncer.py): a real PgBouncer in transaction pooling mode.

Each test gets its own database (db_url), so its (database, user) pool starts empty; two clients
of the same pool then share server connections, which these tests use to show transaction pooling
and its traps. PgBouncer reuses idle server connections last-in first-out, so a client that opens
a transaction right after another client's statement gets that client's server connection.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from packaging.version import Version
from psycopg.conninfo import conninfo_to_dict

from agent_loggy_db.urls import with_params
from tests.conftest import TestServer
from tests.pgbouncer import (
    CLIENT_KWARGS,
    Bouncer,
    PgBouncerError,
    PgBouncerNotInstalled,
    pgbouncer_binary,
    running_pgbouncer,
)

BACKEND_PID = "SELECT pg_backend_pid()"


@pytest.fixture(scope="module")
def bouncer(pg_server: TestServer) -> Iterator[Bouncer]:
    with running_pgbouncer(pg_server.host, pg_server.port, admin_user=pg_server.user,
                           admin_password=pg_server.password, pool_size=4) as b:
        yield b


def _pid(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute(BACKEND_PID).fetchone()
    assert row is not None
    return int(row[0])


def test_runs_in_transaction_pooling_mode(bouncer: Bouncer, db_url: str) -> None:
    config = {row[0]: row[1] for row in bouncer.admin("SHOW CONFIG")}
    assert config["pool_mode"] == "transaction"
    assert Version(bouncer.version) >= Version("1.18")
    url = bouncer.via(db_url)
    with psycopg.connect(url, autocommit=True, **CLIENT_KWARGS) as a, psycopg.connect(url, **CLIENT_KWARGS) as b:
        first = _pid(a)
        assert _pid(b) == first  # b's transaction got the server connection a used a moment ago
        second = _pid(a)  # a, between transactions, moved to another one
        assert second != first
        assert _pid(b) == first  # b keeps its server connection to the end of its transaction
        b.rollback()


def test_default_prepare_threshold_fails_on_another_server_connection(bouncer: Bouncer, db_url: str) -> None:
    """psycopg prepares a query on its 6th run (prepare_threshold=5, the default) on one server
    connection and then runs it by name: on another connection the statement does not exist."""
    url = bouncer.via(db_url)
    with psycopg.connect(url, autocommit=True) as a, psycopg.connect(url, **CLIENT_KWARGS) as b:
        assert a.prepare_threshold == 5
        for i in range(6):
            assert a.execute("SELECT %s::int + 1", (i,)).fetchone() == (i + 1,)
        b.execute(BACKEND_PID)  # b holds the server connection where a's statement is prepared
        with pytest.raises(psycopg.errors.InvalidSqlStatementName, match="_pg3_"):
            a.execute("SELECT %s::int + 1", (6,))
        b.rollback()


def test_prepare_threshold_none_survives_server_connection_changes(bouncer: Bouncer, db_url: str) -> None:
    url = bouncer.via(db_url)
    with psycopg.connect(url, autocommit=True, **CLIENT_KWARGS) as a, psycopg.connect(url, **CLIENT_KWARGS) as b:
        pids = set()
        for i in range(12):
            hold = i % 2 == 1
            if hold:
                b.execute(BACKEND_PID)  # b takes a's last server connection: a moves to the other one
            row = a.execute("SELECT %s::int + 1, pg_backend_pid()", (i,)).fetchone()
            assert row is not None and row[0] == i + 1
            pids.add(row[1])
            if hold:
                b.rollback()
        assert len(pids) == 2


def test_transaction_local_set_config(bouncer: Bouncer, db_url: str) -> None:
    with psycopg.connect(bouncer.via(db_url), **CLIENT_KWARGS) as conn:
        for value in ("p1", "p2", "p3"):
            with conn.transaction():
                conn.execute("SELECT set_config('x.y', %s, true)", (value,))
                assert conn.execute("SELECT current_setting('x.y')").fetchone() == (value,)
            row = conn.execute("SELECT nullif(current_setting('x.y', true), '')").fetchone()
            conn.rollback()
            assert row == (None,)


def test_session_settings_leak_to_other_clients(bouncer: Bouncer, db_url: str) -> None:
    """The trap: a session-level SET stays on the server connection, which the next client gets."""
    url = bouncer.via(db_url)
    with psycopg.connect(url, autocommit=True, **CLIENT_KWARGS) as a, psycopg.connect(url, **CLIENT_KWARGS) as b:
        a.execute("SELECT set_config('x.leak', 'set by a', false)")
        assert b.execute("SELECT current_setting('x.leak', true)").fetchone() == ("set by a",)
        b.rollback()


def test_login_role_connects_with_its_password(bouncer: Bouncer, role_url: Callable[[str], str]) -> None:
    url = role_url("agent_loggy_reader")
    user = conninfo_to_dict(url)["user"]
    with psycopg.connect(bouncer.via(url), **CLIENT_KWARGS) as conn:
        row = conn.execute("SELECT current_user, pg_has_role('agent_loggy_reader', 'MEMBER')").fetchone()
        assert row == (user, True)
    with pytest.raises(psycopg.OperationalError, match="authentication failed"):
        psycopg.connect(with_params(bouncer.via(url), password="wrong"), connect_timeout=5)


def test_startup_options_are_refused(bouncer: Bouncer, db_url: str) -> None:
    """libpq's `options` (-c name=value) is not a parameter PgBouncer 1.18 passes on."""
    with pytest.raises(psycopg.OperationalError, match="unsupported startup parameter: options"):
        psycopg.connect(bouncer.via(db_url), options="-c search_path=public", connect_timeout=5)


def test_pipeline_mode(bouncer: Bouncer, db_url: str) -> None:
    url = bouncer.via(db_url)
    with psycopg.connect(url, **CLIENT_KWARGS) as conn, psycopg.connect(url, **CLIENT_KWARGS) as other:
        for i in range(8):
            with conn.transaction(), conn.pipeline():
                conn.execute("SELECT set_config('x.y', %s, true)", (f"v{i}",))
                cur = conn.execute("SELECT current_setting('x.y'), %s::int * 2", (i,))
                pid = conn.execute(BACKEND_PID)
            assert cur.fetchone() == (f"v{i}", 2 * i)
            assert pid.fetchone() is not None
            other.execute(BACKEND_PID)  # takes conn's last server connection: the next block gets another
            other.rollback()
        conn.autocommit = True
        with conn.pipeline() as p:  # several Syncs in flight, each an implicit transaction
            curs = [conn.execute("SELECT %s::int", (k,)) for k in range(10)]
            p.sync()
            curs += [conn.execute("SELECT %s::int", (k,)) for k in range(10, 20)]
        assert [c.fetchone() for c in curs] == [(k,) for k in range(20)]


def test_startup_failure_reports_the_log(pg_server: TestServer) -> None:
    bogus = running_pgbouncer(pg_server.host, pg_server.port, admin_user=pg_server.user, pool_mode="bogus",
                              start_timeout=5)
    with pytest.raises(PgBouncerError, match=r"did not start(.|\n)*pool_mode"), bogus:
        pass


def test_missing_pgbouncer_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda *_a, **_k: None)
    monkeypatch.setattr(os, "access", lambda *_a, **_k: False)
    with pytest.raises(PgBouncerNotInstalled, match="apt-get install -y pgbouncer"):
        pgbouncer_binary()
