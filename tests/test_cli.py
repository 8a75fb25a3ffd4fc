"""The agent-loggy-db command, run as a user runs it: a separate process."""

from __future__ import annotations

import os
import pty
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from agent_loggy_db import migrations, server
from agent_loggy_db.urls import redact, to_yoyo
from tests.conftest import TestServer, new_database, owned_by_owner

PROGRAM = [sys.executable, "-m", "agent_loggy_db.cli"]
SETTINGS_VARIABLES = {"DATABASE_URL", "AGENT_LOGGY_DATABASE_URL", "AGENT_LOGGY_DATA_DIR"}
TRACE_VARS = ("--var", "dispute_text=refund", "--var", "trace_id=t-1", "--var", "source_files=a.log",
              "--var", "log_samples=x", "--var", "timeline=y")
"""Every variable of the seeded trace_analysis prompt."""


def cli(*args: str, env: dict[str, str], input: str | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PROGRAM, *args], env=env, cwd=cwd, capture_output=True, text=True, input=input, check=False, timeout=120,
    )


def cli_at_terminal(*args: str, env: dict[str, str], answer: str) -> subprocess.CompletedProcess[str]:
    """The command with a terminal as its standard input, typing answer into it."""
    terminal, their_end = pty.openpty()
    try:
        proc = subprocess.Popen([*PROGRAM, *args], env=env, stdin=their_end, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        os.close(their_end)
        os.write(terminal, answer.encode())
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(terminal)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["COLUMNS"] = "200"
    return {**env, **extra}


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command printed on stderr (asserting it is one line, without a traceback)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="alc-"))
    yield path
    server.stop(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A directory of our own for servers' data dirs (not tmp_path, which a concurrent pytest may prune)."""
    path = Path(tempfile.mkdtemp(prefix="alc-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_up_is_idempotent_and_down_stops_the_embedded_server(data_dir: Path) -> None:
    env = base_env(AGENT_LOGGY_DATA_DIR=str(data_dir))
    first = cli("up", env=env)
    assert first.returncode == 0, first.stderr
    assert f"applied {len(migrations.migration_ids())}:" in first.stdout
    info = server.running(data_dir)
    assert info is not None
    second = cli("up", env=env)
    assert second.returncode == 0, second.stderr
    assert "nothing to apply" in second.stdout
    assert server.running(data_dir) == info, "the second up reused the same server"
    with psycopg.connect(info.url) as conn:
        assert conn.execute("SELECT count(*) FROM agent_loggy.prompts").fetchone() == (5,)

    url = cli("url", "--libpq", env=env)
    assert url.stdout.strip() == info.url
    assert cli("url", "--yoyo", env=env).stdout.strip() == to_yoyo(info.url)
    status = cli("status", env=env)
    assert status.returncode == 0 and "pgvector" in status.stdout and "0 pending" in status.stdout
    assert cli("doctor", env=env).returncode == 0

    down = cli("down", env=env)
    assert down.returncode == 0 and "stopped" in down.stdout
    assert server.running(data_dir) is None
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(info.url, connect_timeout=2)
    assert "not running" in cli("down", env=env).stdout
    after = cli("status", env=env)
    assert after.returncode == 5 and "not running" in after.stderr and "agent-loggy-db up" in after.stderr
    for args in (("doctor",), ("url",), ("prompt", "get", "trace_analysis", *TRACE_VARS)):
        stopped = cli(*args, env=env)
        assert stopped.returncode == 5 and "is not running" in error_line(stopped), args


def test_the_default_data_dir_is_found_from_every_directory(scratch: Path) -> None:
    """No AGENT_LOGGY_DATA_DIR: the user's data directory, whichever the current directory is."""
    tmp_path = scratch
    env = base_env(XDG_DATA_HOME=str(tmp_path / "xdg"))
    here, there, elsewhere, project = (tmp_path / name for name in ("here", "there", "elsewhere", "project"))
    for folder in (here, there, elsewhere, project):
        folder.mkdir()
    data_dir = tmp_path / "xdg" / "agent-loggy-db"
    try:
        first = cli("up", env=env, cwd=here)
        assert first.returncode == 0, first.stderr
        info = server.running(data_dir)
        assert info is not None and str(data_dir) in first.stdout
        status = cli("status", env=env, cwd=there)
        assert status.returncode == 0 and "0 pending" in status.stdout, status.stderr
        again = cli("up", env=env, cwd=elsewhere)
        assert again.returncode == 0 and "nothing to apply" in again.stdout, again.stderr
        assert server.running(data_dir) == info, "up from another directory reused the running server"

        local = cli("up", env={**env, "AGENT_LOGGY_DATA_DIR": ".agent_loggy"}, cwd=project)
        assert local.returncode == 0, local.stderr
        assert server.running(project / ".agent_loggy") is not None, "asked for, the project-local data dir is kept"
        hinted = cli("status", env=env, cwd=project)
        assert hinted.returncode == 0 and "AGENT_LOGGY_DATA_DIR=.agent_loggy" in hinted.stderr
    finally:
        server.stop(project / ".agent_loggy")
        server.stop(data_dir)


def test_concurrent_up_runs_all_succeed_on_one_server(data_dir: Path) -> None:
    env = base_env(AGENT_LOGGY_DATA_DIR=str(data_dir))
    procs = [subprocess.Popen([*PROGRAM, "up"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        outcomes.append((p.returncode, out, err))
    assert [(rc, err) for rc, _, err in outcomes] == [(0, "")] * 4, "every run succeeded without a word on stderr"
    applied = [out for _, out, _ in outcomes if f"applied {len(migrations.migration_ids())}:" in out]
    assert len(applied) == 1 and sum("nothing to apply" in out for _, out, _ in outcomes) == 3
    info = server.running(data_dir)
    assert info is not None and all(str(info.pgdata.parent) in out for _, out, _ in outcomes)


def test_commands_against_database_url(empty_db_url: str) -> None:
    env = base_env(DATABASE_URL=to_yoyo(empty_db_url))  # the yoyo form DBAs export works here too
    ids = migrations.migration_ids()
    doctor = cli("doctor", env=env)
    assert doctor.returncode == 1 and f"{len(ids)} pending" in doctor.stdout
    assert cli("migrate", "--to", ids[1], env=env).returncode == 0
    assert migrations.pending(empty_db_url) == ids[2:]
    up = cli("up", env=env)
    assert up.returncode == 0 and f"applied {len(ids) - 2}:" in up.stdout
    assert cli("doctor", env=env).returncode == 0

    refused = cli("rollback", env=env, input="n\n")
    assert refused.returncode != 0 and migrations.pending(empty_db_url) == []
    two = cli("rollback", "--count", "2", "--yes", env=env)
    assert two.returncode == 0, two.stderr
    assert migrations.pending(empty_db_url) == ids[-2:]
    both = cli("rollback", "--count", "1", "--all", "--yes", env=env)
    assert both.returncode == 2 and "not both" in both.stderr
    everything = cli("rollback", "--all", "--yes", env=env)
    assert everything.returncode == 0 and migrations.pending(empty_db_url) == ids


def test_doctor_reports_invalid_indexes(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn, pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute("CREATE UNIQUE INDEX CONCURRENTLY prompts_broken ON agent_loggy.prompts (project)")
    result = cli("doctor", env=base_env(DATABASE_URL=db_url))
    assert result.returncode == 1
    assert "agent_loggy.prompts_broken" in result.stdout


def test_bad_configuration_is_one_clear_line(empty_db_url: str) -> None:
    bad_scheme = cli("status", env=base_env(DATABASE_URL="mysql://x@y/z"))
    assert bad_scheme.returncode == 1 and "unsupported database URL scheme 'mysql'" in bad_scheme.stderr
    bad_pool = cli("status", env=base_env(DATABASE_URL=empty_db_url, AGENT_LOGGY_POOL_MAX_SIZE="lots"))
    assert bad_pool.returncode == 1 and "AGENT_LOGGY_POOL_MAX_SIZE='lots'" in bad_pool.stderr
    assert "Traceback" not in bad_scheme.stderr + bad_pool.stderr


@pytest.fixture
def foreign_db_url(empty_db_url: str) -> str:
    """The owner's URL of a database that holds an app's objects (and pgvector), not agent_loggy."""
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.customers (id int PRIMARY KEY, name text)")
        conn.execute("CREATE SCHEMA billing")
    return empty_db_url


def created_anything(url: str) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT to_regnamespace('agent_loggy') IS NOT NULL OR to_regclass('public.yoyo_lock') "
                           "IS NOT NULL OR to_regclass('public._yoyo_migration') IS NOT NULL").fetchone()
    return bool(row and row[0])


def test_migrating_a_database_that_holds_something_else_asks_first(foreign_db_url: str) -> None:
    env = base_env(DATABASE_URL=foreign_db_url)
    for command in ("up", "migrate"):
        refused = cli(command, env=env)  # standard input is not a terminal
        line = error_line(refused)
        assert refused.returncode == 1, refused.stderr
        assert line.startswith(f"Error: refusing to migrate {redact(foreign_db_url)} (DATABASE_URL): "), line
        yoyo_tables = "yoyo's bookkeeping tables _yoyo_migration, _yoyo_log, _yoyo_version, yoyo_lock in schema public"
        for named in ("table public.customers", "schema billing", "no schema agent_loggy", "nothing was created",
                      "--yes", "schema agent_loggy (", yoyo_tables):
            assert named in line, (named, line)
        assert not created_anything(foreign_db_url)

    declined = cli_at_terminal("up", env=env, answer="n\n")
    assert declined.returncode == 1 and "Create them in this database?" in declined.stderr
    assert "table public.customers" in declined.stderr and "- schema agent_loggy" in declined.stderr
    assert not created_anything(foreign_db_url)

    accepted = cli_at_terminal("migrate", env=env, answer="y\n")
    assert accepted.returncode == 0, accepted.stderr
    assert migrations.pending(foreign_db_url) == []
    again = cli("up", env=env)  # the schema is there now: ours, no question
    assert again.returncode == 0 and "nothing to apply" in again.stdout, again.stderr


def test_yes_migrates_a_database_that_holds_something_else_saying_what_it_creates(foreign_db_url: str) -> None:
    result = cli("up", "--yes", env=base_env(DATABASE_URL=foreign_db_url))
    assert result.returncode == 0, result.stderr
    assert "holds 2 objects of something else (schema billing, table public.customers)" in result.stdout
    assert "creating there anyway (--yes): schema agent_loggy (" in result.stdout
    assert migrations.pending(foreign_db_url) == []


def test_agent_loggy_database_url_wins_over_a_stray_database_url(foreign_db_url: str, pg_server: TestServer) -> None:
    with new_database(pg_server) as ours_superuser:
        ours = owned_by_owner(ours_superuser)
        env = base_env(DATABASE_URL=foreign_db_url, AGENT_LOGGY_DATABASE_URL=ours)
        result = cli("up", env=env)
        assert result.returncode == 0, result.stderr
        assert "server: AGENT_LOGGY_DATABASE_URL" in result.stdout
        assert migrations.pending(ours) == []
    assert not created_anything(foreign_db_url)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A URL of a TCP port that accepts connections and never answers (a server hung or far away)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"postgresql://agent@127.0.0.1:{listener.getsockname()[1]}/agent_loggy"


CONNECTING_COMMANDS = (("status",), ("prompt", "get", "trace_analysis", *TRACE_VARS), ("prompt", "list"),
                       ("migrate",), ("up",))


def test_commands_fail_within_the_connect_timeout_with_one_line(silent_server: str) -> None:
    env = base_env(DATABASE_URL=silent_server, AGENT_LOGGY_CONNECT_TIMEOUT="2", AGENT_LOGGY_POOL_TIMEOUT="30")
    for args in CONNECTING_COMMANDS:
        started = time.monotonic()
        result = cli(*args, env=env)
        elapsed = time.monotonic() - started
        assert result.returncode == 5, (args, result.stdout, result.stderr)
        line = error_line(result)
        assert f"cannot connect to {silent_server}: connection timeout expired" in line, (args, line)
        assert 2 <= elapsed < 2 + 8, f"{args}: {elapsed:.1f} s: expected the connect timeout (2 s), not the pool's"
    started = time.monotonic()
    doctor = cli("doctor", env=env)
    assert time.monotonic() - started < 2 + 8
    assert doctor.returncode == 1 and "connection timeout expired" in doctor.stdout and "Traceback" not in doctor.stderr
    printed = cli("url", "--libpq", env=env)  # url only prints: it needs no connection
    assert printed.returncode == 0 and printed.stdout.strip() == silent_server


def test_a_refused_connection_names_its_cause_in_one_line() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        refused_url = f"postgresql://agent@127.0.0.1:{probe.getsockname()[1]}/agent_loggy"
    env = base_env(DATABASE_URL=refused_url)
    for args in CONNECTING_COMMANDS:
        result = cli(*args, env=env)
        assert result.returncode == 5
        assert f"cannot connect to {refused_url}: connection failed:" in error_line(result), args
        assert "Connection refused" in result.stderr
    doctor = cli("doctor", env=env)
    assert doctor.returncode == 1 and "Connection refused" in doctor.stdout
