"""yoyo as DBAs use it: the real CLI, from the repository root, with the shipped yoyo.ini and
DATABASE_URL in yoyo's form, as a role named exactly like the schema (agent_loggy).

What must hold: one set of bookkeeping tables (schema public) whatever the role is called; every
migration depends on the one before it, so yoyo's orders (apply, reapply, rollback -r) are the
name order; no destructive command is confirmed silently (batch_mode is off: yoyo asks at a
terminal and refuses without one, --batch says yes); break-lock clears a crashed migrator's lock.
Written for any number of migrations.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
import pytest
from yoyo import read_migrations
from yoyo.migrations import descendants, topological_sort

from agent_loggy_db import MigrationError, health, migrations
from agent_loggy_db.schema_snapshot import dump_schema
from agent_loggy_db.urls import to_yoyo
from tests.catalog import snapshot_of
from tests.conftest import TestServer
from tests.test_docker_init import rows_of
from tests.yoyo_dba import (
    PUBLIC_BOOKKEEPING,
    YOYO,
    database_of_agent_loggy,
    dba_env,
    dba_yoyo,
    yoyo_at_a_terminal,
    yoyo_tables,
)


@pytest.fixture(params=["superuser", "owner"])
def any_agent_loggy_url(request: pytest.FixtureRequest, pg_server: TestServer, postgresql_noproc: Any) -> Iterator[str]:
    """An empty database of a role named agent_loggy: a superuser (compose) or a managed service's owner."""
    with database_of_agent_loggy(pg_server, superuser=request.param == "superuser") as url:
        yield url


@pytest.fixture
def agent_loggy_url(pg_server: TestServer, postgresql_noproc: Any) -> Iterator[str]:
    """An empty database of a non-superuser owner named agent_loggy (pgvector installed beforehand)."""
    with database_of_agent_loggy(pg_server, superuser=False) as url:
        yield url


@pytest.fixture
def migrated_url(agent_loggy_url: str) -> str:
    """agent_loggy's database migrated with `yoyo apply --batch`, plus rows of its users."""
    applied = dba_yoyo(agent_loggy_url, "apply", "--batch")
    assert applied.returncode == 0, applied.stderr
    with psycopg.connect(agent_loggy_url, autocommit=True) as conn:
        conn.execute("SELECT agent_loggy.create_prompt_version('trace_analysis', 'Look at {trace_id} again.')")
        conn.execute("INSERT INTO agent_loggy.documents (project, external_id, content) "
                     "VALUES ('default', 'runbook-1', 'Restart the payment worker.')")
    return agent_loggy_url


def user_rows(url: str) -> tuple[int, int]:
    """(prompt versions above 1, documents): what users added on top of the seed."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT (SELECT count(*) FROM agent_loggy.prompts WHERE version > 1),"
                           " (SELECT count(*) FROM agent_loggy.documents)").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def log_of(url: str) -> list[tuple[str, str]]:
    """yoyo's log: (operation, migration) in the order they happened."""
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT operation, migration_id FROM public._yoyo_log ORDER BY created_at_utc").fetchall()
    return [(r[0], r[1]) for r in rows]


def lock_rows(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM public.yoyo_lock").fetchone()
    return int(row[0]) if row else 0


def without_schema(yoyo_url: str) -> str:
    """A yoyo URL as DBAs wrote them before ?schema=public."""
    parts = urlsplit(yoyo_url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "schema"], safe="/")
    return urlunsplit(parts._replace(query=query))


def test_every_migration_depends_on_the_one_before_so_every_yoyo_order_is_the_name_order() -> None:
    ids = migrations.migration_ids()
    assert ids == sorted(ids)
    found = read_migrations(str(migrations.sql_dir()))  # last: yoyo resolves depends by id to the newest read
    assert [m.id for m in found] == ids
    for before, migration in itertools.pairwise(found):
        assert before in migration.depends, f"{migration.id} must say `-- depends: {before.id}`"
    # reapply hands yoyo the applied migrations newest first; a chain sorts back to name order
    assert [m.id for m in topological_sort(reversed(list(found)))] == ids
    for position, migration in enumerate(found):  # rollback -r ID takes ID and everything after it
        assert {m.id for m in descendants(migration, found)} == set(ids[position + 1:])


def test_a_role_named_agent_loggy_keeps_one_set_of_bookkeeping_for_yoyo_and_the_module(
    any_agent_loggy_url: str,
) -> None:
    url, ids = any_agent_loggy_url, migrations.migration_ids()
    first = dba_yoyo(url, "apply", "--batch", "-r", ids[2])  # the first three (with their dependencies)
    assert first.returncode == 0, first.stderr
    assert migrations.pending(url) == ids[3:]
    assert migrations.apply(url) == ids[3:]
    assert migrations.apply(url) == []
    listed = dba_yoyo(url, "list")
    assert listed.returncode == 0, listed.stderr
    for mid in ids:
        assert f"A         {mid}" in listed.stdout
    for args in (("apply",), ("apply", "--batch")):  # nothing pending: no question, nothing applied
        again = dba_yoyo(url, *args)
        assert again.returncode == 0, again.stderr
    assert [op for op, _ in log_of(url)] == ["apply"] * len(ids)
    assert [(s.id, s.applied) for s in migrations.status(url)] == [(i, True) for i in ids]
    assert yoyo_tables(url) == PUBLIC_BOOKKEEPING


def test_yoyo_apply_asks_at_a_terminal_and_wants_batch_without_one(agent_loggy_url: str) -> None:
    ids = migrations.migration_ids()
    migrations.apply(agent_loggy_url, up_to=ids[-2])
    refused = dba_yoyo(agent_loggy_url, "apply")
    assert refused.returncode != 0
    assert migrations.pending(agent_loggy_url) == ids[-1:]
    status, output = yoyo_at_a_terminal(agent_loggy_url, "apply", dialogue=[
        ("Shall I apply this migration?", "y"), ("Apply this migration to", "y")])
    assert status == 0, output
    assert f"[{ids[-1]}]" in output
    assert migrations.pending(agent_loggy_url) == []
    assert lock_rows(agent_loggy_url) == 0


@pytest.mark.parametrize("command", [
    ["reapply"], ["reapply", "-r", "SECOND"], ["rollback"], ["rollback", "--all"], ["rollback", "-r", "SECOND"],
], ids=lambda c: " ".join(c))
def test_destructive_commands_without_a_terminal_are_refused_before_touching_anything(
    migrated_url: str, command: list[str]
) -> None:
    ids = migrations.migration_ids()
    args = [ids[1] if a == "SECOND" else a for a in command]
    before = (rows_of(migrated_url), snapshot_of(migrated_url), log_of(migrated_url))
    refused = dba_yoyo(migrated_url, *args)
    assert refused.returncode != 0, refused.stdout
    assert (rows_of(migrated_url), snapshot_of(migrated_url), log_of(migrated_url)) == before
    assert user_rows(migrated_url) == (1, 1)
    assert migrations.pending(migrated_url) == []
    assert lock_rows(migrated_url) == 0


def test_reapply_at_a_terminal_asks_first_and_q_changes_nothing(migrated_url: str) -> None:
    before = (rows_of(migrated_url), snapshot_of(migrated_url), log_of(migrated_url))
    status, output = yoyo_at_a_terminal(migrated_url, "reapply", dialogue=[("Shall I reapply this migration?", "q")])
    assert status == 0, output
    assert f"[{migrations.migration_ids()[-1]}]" in output, "it asks about the newest migration first"
    assert (rows_of(migrated_url), snapshot_of(migrated_url), log_of(migrated_url)) == before
    assert lock_rows(migrated_url) == 0


def test_reapply_of_everything_with_batch_rolls_all_back_then_applies_in_name_order(migrated_url: str) -> None:
    """What README warns about: the seed comes back, every row users added is gone."""
    ids = migrations.migration_ids()
    schema = dump_schema(migrated_url)
    done = dba_yoyo(migrated_url, "reapply", "--batch")
    assert done.returncode == 0, done.stderr
    assert log_of(migrated_url)[len(ids):] == [("rollback", i) for i in reversed(ids)] + [("apply", i) for i in ids]
    assert migrations.pending(migrated_url) == []
    assert dump_schema(migrated_url) == schema
    assert user_rows(migrated_url) == (0, 0)
    with psycopg.connect(migrated_url) as conn:
        seeded = conn.execute("SELECT count(*) FROM agent_loggy.prompts WHERE 'production' = ANY(labels)").fetchone()
    assert seeded == (5,)


def test_reapply_r_of_the_newest_migration_with_batch_leaves_every_row(migrated_url: str) -> None:
    newest = migrations.migration_ids()[-1]
    before = (rows_of(migrated_url), snapshot_of(migrated_url))
    done = dba_yoyo(migrated_url, "reapply", "--batch", "-r", newest)
    assert done.returncode == 0, done.stderr
    assert log_of(migrated_url)[-2:] == [("rollback", newest), ("apply", newest)]
    assert (rows_of(migrated_url), snapshot_of(migrated_url)) == before


def test_rollback_all_then_apply_brings_the_database_back_with_the_seed(agent_loggy_url: str) -> None:
    ids = migrations.migration_ids()
    empty = snapshot_of(agent_loggy_url)
    assert dba_yoyo(agent_loggy_url, "apply", "--batch").returncode == 0
    fresh = (rows_of(agent_loggy_url), snapshot_of(agent_loggy_url))
    with psycopg.connect(agent_loggy_url, autocommit=True) as conn:
        conn.execute("SELECT agent_loggy.create_prompt_version('trace_analysis', 'Look at {trace_id} again.')")
    back = dba_yoyo(agent_loggy_url, "rollback", "--all", "--batch")
    assert back.returncode == 0, back.stderr
    assert snapshot_of(agent_loggy_url) == empty
    assert migrations.pending(agent_loggy_url) == ids
    again = dba_yoyo(agent_loggy_url, "apply", "--batch")
    assert again.returncode == 0, again.stderr
    assert (rows_of(agent_loggy_url), snapshot_of(agent_loggy_url)) == fresh
    assert yoyo_tables(agent_loggy_url) == PUBLIC_BOOKKEEPING


def test_rollback_batch_without_r_rolls_back_only_the_newest(migrated_url: str) -> None:
    ids = migrations.migration_ids()
    back = dba_yoyo(migrated_url, "rollback", "--batch")
    assert back.returncode == 0, back.stderr
    assert migrations.pending(migrated_url) == ids[-1:]


@pytest.mark.parametrize("position", [1, 5])
def test_rollback_r_rolls_back_that_migration_and_every_one_depending_on_it(migrated_url: str,
                                                                            position: int) -> None:
    ids = migrations.migration_ids()
    schema = dump_schema(migrated_url)
    back = dba_yoyo(migrated_url, "rollback", "--batch", "-r", ids[position])
    assert back.returncode == 0, back.stderr
    assert migrations.pending(migrated_url) == ids[position:]
    assert log_of(migrated_url)[len(ids):] == [("rollback", i) for i in reversed(ids[position:])]
    again = dba_yoyo(migrated_url, "apply", "--batch")
    assert again.returncode == 0, again.stderr
    assert migrations.pending(migrated_url) == []
    assert dump_schema(migrated_url) == schema


def agent_loggy_db(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**dba_env(url), "COLUMNS": "200"}  # DATABASE_URL in yoyo's form, as a DBA exports it
    return subprocess.run([sys.executable, "-m", "agent_loggy_db.cli", *args], env=env, capture_output=True,
                          text=True, check=False, timeout=120)


def test_break_lock_clears_the_lock_of_a_crashed_migrator(agent_loggy_url: str) -> None:
    ids = migrations.migration_ids()
    migrations.apply(agent_loggy_url, up_to=ids[-2])
    with psycopg.connect(agent_loggy_url, autocommit=True) as conn:  # the row yoyo's lock() inserts, never deleted
        conn.execute("INSERT INTO public.yoyo_lock (locked, ctime, pid) VALUES (1, now() AT TIME ZONE 'UTC', 4242)")
    blocked = agent_loggy_db(agent_loggy_url, "migrate", "--lock-timeout", "1")
    assert blocked.returncode == 1
    assert "Process 4242 has locked this database" in blocked.stderr
    assert "`yoyo break-lock`" in blocked.stderr and "Traceback" not in blocked.stderr
    assert migrations.pending(agent_loggy_url) == ids[-1:]
    broken = dba_yoyo(agent_loggy_url, "break-lock")
    assert broken.returncode == 0, broken.stderr
    assert lock_rows(agent_loggy_url) == 0
    migrated = agent_loggy_db(agent_loggy_url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert migrations.pending(agent_loggy_url) == []


def test_a_database_yoyo_migrated_before_schema_public_carries_on(superuser_empty_db_url: str) -> None:
    """Deployments whose bookkeeping is in public (any role not named like a schema) keep working."""
    url = superuser_empty_db_url
    old = subprocess.run([YOYO, "apply", "--no-config-file", "--batch", "-d", without_schema(to_yoyo(url)),
                          str(migrations.sql_dir())], capture_output=True, text=True, check=False, timeout=300)
    assert old.returncode == 0, old.stderr
    assert migrations.pending(url) == []
    listed = dba_yoyo(url, "list")
    assert listed.returncode == 0 and "U  " not in listed.stdout, listed.stdout
    assert dba_yoyo(url, "apply", "--batch").returncode == 0
    assert yoyo_tables(url) == PUBLIC_BOOKKEEPING


def test_a_second_set_left_in_schema_agent_loggy_is_ignored_and_doctor_says_how_to_remove_it(
    migrated_url: str,
) -> None:
    """What the compose default did before ?schema=public: yoyo, as agent_loggy, made its own set
    in schema agent_loggy. The set in public still counts; doctor names the leftover."""
    stray = subprocess.run([YOYO, "list", "--no-config-file", "--batch", "-d", without_schema(to_yoyo(migrated_url)),
                            str(migrations.sql_dir())], capture_output=True, text=True, check=False, timeout=300)
    assert stray.returncode == 0, stray.stderr
    assert "U         " in stray.stdout, "without schema=public yoyo looks in schema agent_loggy"
    assert "agent_loggy._yoyo_migration" in yoyo_tables(migrated_url)
    assert migrations.pending(migrated_url) == []
    check = next(c for c in health.run_checks(migrated_url) if c.name == "yoyo bookkeeping")
    assert check.status == "warn"
    drop = check.detail[check.detail.index("DROP TABLE"):]
    with psycopg.connect(migrated_url, autocommit=True) as conn:
        conn.execute(drop.encode())
    assert yoyo_tables(migrated_url) == PUBLIC_BOOKKEEPING
    assert next(c for c in health.run_checks(migrated_url) if c.name == "yoyo bookkeeping").status == "ok"


def test_migrations_recorded_only_in_another_schema_are_a_clear_error(empty_db_url: str) -> None:
    """Not every migration again: the module refuses, saying where the record is and what to move."""
    ids = migrations.migration_ids()
    migrations.apply(empty_db_url, up_to=ids[1])
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA legacy")
        for table in ("_yoyo_migration", "_yoyo_log", "_yoyo_version"):
            conn.execute(f"ALTER TABLE public.{table} SET SCHEMA legacy")
    for call in (migrations.pending, migrations.apply):
        with pytest.raises(MigrationError, match=r"in schema legacy \(2 recorded\), not in public.*SET SCHEMA public"):
            call(empty_db_url)
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("SELECT to_regclass('public._yoyo_migration')").fetchone() == (None,)
