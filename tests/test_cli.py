"""The agent-loggy-db command, run as a user runs it: a separate process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from agent_loggy_db import migrations, server
from agent_loggy_db.urls import to_yoyo


def cli(*args: str, env: dict[str, str], input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_loggy_db.cli", *args],
        env=env, capture_output=True, text=True, input=input, check=False, timeout=120,
    )


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "AGENT_LOGGY_DATA_DIR"}}
    env["COLUMNS"] = "200"
    return {**env, **extra}


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="alc-"))
    yield path
    server.stop(path)
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
    assert after.returncode == 1 and "not running" in after.stderr and "agent-loggy-db up" in after.stderr


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
