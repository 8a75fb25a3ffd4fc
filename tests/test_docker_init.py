"""docker/initdb/10-agent-loggy-migrations.sh, run as the postgres image's entrypoint runs it.

No Docker engine here, so the script runs with bash and the embedded server's psql, against a
fresh database on the test server, in the entrypoint's environment: POSTGRES_USER / _DB /
_PASSWORD set, PGHOSTADDR unset, a unix socket only (PGHOST points at the test server's socket
directory, where the container's libpq default socket would be). The result must be the database
yoyo builds, and yoyo must carry on from it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from yoyo.migrations import get_migration_hash

from agent_loggy_db import migrations, server
from agent_loggy_db.schema_snapshot import dump_schema
from agent_loggy_db.urls import parse, to_yoyo
from tests.catalog import snapshot_of
from tests.conftest import TestServer, new_database
from tests.yoyo_dba import PUBLIC_BOOKKEEPING, ROLE, database_of_agent_loggy, dba_yoyo, yoyo_tables

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "docker" / "initdb" / "10-agent-loggy-migrations.sh"
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
YOYO = str(Path(sys.executable).with_name("yoyo"))


def run_init(pg_server: TestServer, url: str, sql_dir: Path, *,
             sourced: bool = True, user: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the init script like docker-entrypoint.sh: sourced (under its `set -Eeuo pipefail`) or executed,
    as POSTGRES_USER user (default: the test server's superuser)."""
    env = {
        "PATH": str(server.bin_dir()),  # psql, and no Python: the image has bash and psql
        "HOME": os.environ.get("HOME", "/root"),
        "POSTGRES_USER": user or pg_server.user,
        "POSTGRES_PASSWORD": "unused-over-the-socket",
        "POSTGRES_DB": parse(url)["dbname"],
        "PGHOST": pg_server.host,
        "PGPORT": str(pg_server.port),
        "AGENT_LOGGY_SQL_DIR": str(sql_dir),
    }
    if pg_server.password:
        env["PGPASSWORD"] = pg_server.password
    bash = shutil.which("bash") or "/bin/bash"
    command = [bash, "-c", 'set -Eeuo pipefail; . "$1"; echo entrypoint-continues', "bash", str(SCRIPT)]
    if not sourced:
        command = [bash, str(SCRIPT)]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


def yoyo_cli(url: str, sql_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([YOYO, *args, "--no-config-file", "--batch", "-d", to_yoyo(url), str(sql_dir)],
                          capture_output=True, text=True, check=False)


_VARYING = {"prev_hash", "row_hash", "last_hash", "transaction_id"}  # per server: xids, and hashes of times


def _without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items()
                if not (isinstance(v, str) and _TIME.match(v)) and k not in _VARYING}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def rows_of(url: str) -> set[str]:
    """Every row of every agent_loggy table as JSON, without timestamps (also those nested in JSON) and the
    changelog hashes made of them."""
    tables = "SELECT relname FROM pg_class WHERE relnamespace = 'agent_loggy'::regnamespace AND relkind = 'r'"
    out: set[str] = set()
    with psycopg.connect(url, autocommit=True) as conn:
        for (table,) in conn.execute(tables).fetchall():
            for (row,) in conn.execute(f"SELECT to_jsonb(t) FROM agent_loggy.{table} t").fetchall():
                out.add(f"{table} {json.dumps(_without_times(row), sort_keys=True)}")
    return out


def bookkeeping(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT m.migration_id, m.migration_hash, l.operation, l.id IS NOT NULL AND length(l.id) = 36"
            " FROM _yoyo_migration m LEFT JOIN _yoyo_log l USING (migration_hash) ORDER BY m.migration_id"
        ).fetchall()


@pytest.fixture
def sql_copy(tmp_path: Path) -> Path:
    target = tmp_path / "sql"
    shutil.copytree(ROOT / "sql", target)
    return target


@pytest.fixture
def empty_db_url(superuser_empty_db_url: str) -> str:
    """In the container, POSTGRES_USER is a superuser: the init script runs as one, without pgvector."""
    return superuser_empty_db_url


@pytest.fixture
def yoyo_built_url(pg_server: TestServer) -> Iterator[str]:
    """A database migrated through yoyo by the image's user (a superuser in the container)."""
    with new_database(pg_server) as url:
        migrations.apply(url)
        yield url


def test_init_as_a_role_named_agent_loggy_then_yoyo_carries_on(pg_server: TestServer, postgresql_noproc: Any,
                                                              yoyo_built_url: str) -> None:
    """The compose defaults: POSTGRES_USER=agent_loggy (a superuser), named like the schema 0002 creates.
    Init and yoyo (the shipped yoyo.ini and --no-config-file alike) share one set of bookkeeping in public."""
    ids = migrations.migration_ids()
    with database_of_agent_loggy(pg_server, superuser=True) as url:
        result = run_init(pg_server, url, ROOT / "sql", user=ROLE)
        assert result.returncode == 0, result.stderr
        assert yoyo_tables(url) == PUBLIC_BOOKKEEPING
        for listed in (dba_yoyo(url, "list"), yoyo_cli(url, ROOT / "sql", "list")):
            assert listed.returncode == 0, listed.stderr
            for mid in ids:
                assert f"A         {mid}" in listed.stdout
        for args in (("apply",), ("apply", "--batch")):
            again = dba_yoyo(url, *args)
            assert again.returncode == 0, again.stderr
        assert yoyo_cli(url, ROOT / "sql", "apply").returncode == 0
        assert migrations.apply(url) == []
        assert [(s.id, s.applied) for s in migrations.status(url)] == [(i, True) for i in ids]
        assert bookkeeping(url) == [(i, get_migration_hash(i), "apply", True) for i in ids]
        assert yoyo_tables(url) == PUBLIC_BOOKKEEPING
        assert dump_schema(url) == dump_schema(yoyo_built_url)
        back = dba_yoyo(url, "rollback", "--all", "--batch")
        assert back.returncode == 0, back.stderr
        assert migrations.pending(url) == ids


def test_init_builds_the_database_yoyo_builds(pg_server: TestServer, empty_db_url: str,
                                              yoyo_built_url: str) -> None:
    result = run_init(pg_server, empty_db_url, ROOT / "sql")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("entrypoint-continues")
    assert "rollback" not in result.stderr
    assert snapshot_of(empty_db_url) == snapshot_of(yoyo_built_url)
    assert dump_schema(empty_db_url) == dump_schema(yoyo_built_url)
    assert rows_of(empty_db_url) == rows_of(yoyo_built_url)
    with psycopg.connect(empty_db_url) as init_conn, psycopg.connect(yoyo_built_url) as yoyo_conn:
        for table in ("_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock"):
            query = ("SELECT column_name, data_type, character_maximum_length, is_nullable, column_default"
                     " FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s"
                     " ORDER BY ordinal_position")
            assert init_conn.execute(query, (table,)).fetchall() == yoyo_conn.execute(query, (table,)).fetchall()
        assert init_conn.execute("SELECT version FROM _yoyo_version").fetchall() == [(2,)]


def test_yoyo_carries_on_from_an_initialised_database(pg_server: TestServer, empty_db_url: str) -> None:
    ids = migrations.migration_ids()
    assert run_init(pg_server, empty_db_url, ROOT / "sql").returncode == 0
    assert [(s.id, s.applied, s.known) for s in migrations.status(empty_db_url)] == [(i, True, True) for i in ids]
    assert bookkeeping(empty_db_url) == [(i, get_migration_hash(i), "apply", True) for i in ids]
    assert migrations.apply(empty_db_url) == []
    listed = yoyo_cli(empty_db_url, ROOT / "sql", "list")
    assert listed.returncode == 0, listed.stderr
    for mid in ids:
        assert f"A         {mid}" in listed.stdout
    assert yoyo_cli(empty_db_url, ROOT / "sql", "apply").returncode == 0
    assert migrations.pending(empty_db_url) == []


def test_a_later_migration_applies_on_top_and_rolls_back(pg_server: TestServer, empty_db_url: str,
                                                         sql_copy: Path) -> None:
    assert run_init(pg_server, empty_db_url, ROOT / "sql").returncode == 0
    before = snapshot_of(empty_db_url)
    last = migrations.migration_ids()[-1]
    (sql_copy / "9000_later.sql").write_text(f"-- depends: {last}\nCREATE TABLE agent_loggy.later (id int);\n")
    (sql_copy / "9000_later.rollback.sql").write_text("DROP TABLE agent_loggy.later;\n")
    applied = yoyo_cli(empty_db_url, sql_copy, "apply")
    assert applied.returncode == 0, applied.stderr
    assert "relation agent_loggy.later kind=r comment=" in snapshot_of(empty_db_url)
    back = yoyo_cli(empty_db_url, sql_copy, "rollback", "-r", "9000_later")
    assert back.returncode == 0, back.stderr
    assert snapshot_of(empty_db_url) == before
    assert migrations.pending(empty_db_url) == []


def test_rollback_of_everything_leaves_nothing(pg_server: TestServer, empty_db_url: str) -> None:
    empty = snapshot_of(empty_db_url)
    assert run_init(pg_server, empty_db_url, ROOT / "sql", sourced=False).returncode == 0
    back = yoyo_cli(empty_db_url, ROOT / "sql", "rollback", "--all")
    assert back.returncode == 0, back.stderr
    assert snapshot_of(empty_db_url) == empty
    assert migrations.pending(empty_db_url) == migrations.migration_ids()


@pytest.mark.parametrize("sourced", [True, False], ids=["sourced", "executed"])
def test_a_broken_migration_stops_init_naming_the_file(pg_server: TestServer, empty_db_url: str, sql_copy: Path,
                                                       sourced: bool) -> None:
    ids = migrations.migration_ids()
    (sql_copy / "9000_broken.sql").write_text(
        f"-- depends: {ids[-1]}\nCREATE TABLE agent_loggy.half_done (id int);\nSELECT no_such_column FROM nowhere;\n"
    )
    (sql_copy / "9001_after.sql").write_text("-- depends: 9000_broken\nCREATE TABLE agent_loggy.after (id int);\n")
    result = run_init(pg_server, empty_db_url, sql_copy, sourced=sourced)
    assert result.returncode != 0
    assert "entrypoint-continues" not in result.stdout
    assert "9000_broken.sql" in result.stderr
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("SELECT to_regclass('agent_loggy.half_done'), to_regclass('agent_loggy.after')"
                            ).fetchone() == (None, None)
    assert [row[0] for row in bookkeeping(empty_db_url)] == ids


def test_a_non_transactional_migration_runs_outside_a_transaction(pg_server: TestServer, empty_db_url: str,
                                                                  sql_copy: Path) -> None:
    ids = migrations.migration_ids()
    (sql_copy / "9000_concurrently.sql").write_text(
        f"-- depends: {ids[-1]}\n-- transactional: false\n"
        "CREATE INDEX CONCURRENTLY later_idx ON agent_loggy.documents (title);\n"
    )
    (sql_copy / "9000_concurrently.rollback.sql").write_text(
        "-- transactional: false\nDROP INDEX CONCURRENTLY agent_loggy.later_idx;\n"
    )
    result = run_init(pg_server, empty_db_url, sql_copy)
    assert result.returncode == 0, result.stderr
    assert "9000_concurrently.sql (non-transactional)" in result.stderr
    assert [row[0] for row in bookkeeping(empty_db_url)] == [*ids, "9000_concurrently"]
    back = yoyo_cli(empty_db_url, sql_copy, "rollback", "-r", "9000_concurrently")
    assert back.returncode == 0, back.stderr
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("SELECT to_regclass('agent_loggy.later_idx')").fetchone() == (None,)


def test_running_init_again_applies_nothing(pg_server: TestServer, empty_db_url: str) -> None:
    assert run_init(pg_server, empty_db_url, ROOT / "sql").returncode == 0
    before = (snapshot_of(empty_db_url), bookkeeping(empty_db_url))
    again = run_init(pg_server, empty_db_url, ROOT / "sql", sourced=False)
    assert again.returncode == 0, again.stderr
    assert "0 migration(s) applied" in again.stderr
    assert (snapshot_of(empty_db_url), bookkeeping(empty_db_url)) == before


def test_a_dependency_that_sorts_later_is_refused(pg_server: TestServer, empty_db_url: str, sql_copy: Path) -> None:
    ids = migrations.migration_ids()
    (sql_copy / "9000_early.sql").write_text("-- depends: 9001_late\nCREATE TABLE agent_loggy.early (id int);\n")
    (sql_copy / "9001_late.sql").write_text(f"-- depends: {ids[-1]}\nCREATE TABLE agent_loggy.late (id int);\n")
    result = run_init(pg_server, empty_db_url, sql_copy)
    assert result.returncode != 0
    assert "9000_early.sql depends on 9001_late" in result.stderr
    assert [row[0] for row in bookkeeping(empty_db_url)] == ids


@pytest.mark.parametrize("extra", ["9000_python.py", "post-apply.sql"])
def test_migrations_only_yoyo_can_run_are_refused_before_anything_is_applied(
    pg_server: TestServer, empty_db_url: str, sql_copy: Path, extra: str
) -> None:
    (sql_copy / extra).write_text("SELECT 1;\n" if extra.endswith(".sql") else "steps = []\n")
    result = run_init(pg_server, empty_db_url, sql_copy)
    assert result.returncode != 0
    assert "use yoyo" in result.stderr
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("SELECT to_regnamespace('agent_loggy')").fetchone() == (None,)
