"""Migrations: each goes up, down and up again; a full rollback leaves nothing of ours."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from agent_loggy_db import MigrationError, migrations, server
from agent_loggy_db.urls import to_yoyo, with_dbname, with_params
from tests.catalog import snapshot_of
from tests.conftest import OWNER, owned_by_owner

ROOT = Path(__file__).resolve().parent.parent


def test_every_migration_has_a_rollback_and_a_four_digit_number() -> None:
    forward = sorted(p for p in (ROOT / "sql").glob("*.sql") if not p.name.endswith(".rollback.sql"))
    assert forward, "no migrations found"
    for path in forward:
        assert path.name[:4].isdigit() and path.name[4] == "_", path.name
        assert path.with_name(path.name[:-4] + ".rollback.sql").exists(), f"{path.name} has no rollback"
    assert [p.name[:-4] for p in forward] == migrations.migration_ids()


@pytest.mark.parametrize("migrator", ["owner", "superuser"])
def test_stairway_each_migration_up_down_up(migrator: str, request: pytest.FixtureRequest) -> None:
    """Works for any number of migrations: apply one, roll it back, apply it again; as the database's
    non-superuser owner with pgvector installed beforehand (0001 then only checks its version), and
    as a superuser (0001 installs pgvector)."""
    url: str = request.getfixturevalue("empty_db_url" if migrator == "owner" else "superuser_empty_db_url")
    states = [snapshot_of(url)]
    for mid in migrations.migration_ids():
        assert migrations.apply(url, up_to=mid) == [mid]
        after_up = snapshot_of(url)
        assert after_up != states[-1] or (mid == "0001_extensions" and migrator == "owner"), f"{mid} changed nothing"
        assert migrations.rollback(url, count=1) == [mid]
        diff = snapshot_of(url) ^ states[-1]
        assert not diff, f"rolling back {mid} did not restore the previous state: {sorted(diff)[:10]}"
        assert migrations.apply(url, up_to=mid) == [mid]
        assert snapshot_of(url) == after_up, f"re-applying {mid} gave a different schema"
        states.append(after_up)


def test_full_rollback_as_the_owner_leaves_nothing_of_ours_and_keeps_pgvector(empty_db_url: str) -> None:
    before = snapshot_of(empty_db_url)
    migrations.apply(empty_db_url)
    assert migrations.rollback(empty_db_url, count=None) == list(reversed(migrations.migration_ids()))
    assert snapshot_of(empty_db_url) == before
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("SELECT to_regnamespace('agent_loggy')").fetchone() == (None,)
        assert conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").fetchone() == (1,)


def test_full_rollback_leaves_nothing_of_ours(superuser_empty_db_url: str) -> None:
    empty_db_url = superuser_empty_db_url
    before = snapshot_of(empty_db_url)
    migrations.apply(empty_db_url)
    rolled = migrations.rollback(empty_db_url, count=None)
    assert rolled == list(reversed(migrations.migration_ids()))
    assert snapshot_of(empty_db_url) == before
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("SELECT to_regnamespace('agent_loggy')").fetchone() == (None,)
        assert conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").fetchone() == (0,)


def test_full_rollback_keeps_pgvector_when_something_else_uses_it(superuser_empty_db_url: str) -> None:
    empty_db_url = superuser_empty_db_url
    migrations.apply(empty_db_url)
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE public.other_app (v vector(3))")
    migrations.rollback(empty_db_url, count=None)
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").fetchone() == (1,)
        assert conn.execute("SELECT to_regnamespace('agent_loggy')").fetchone() == (None,)


def test_full_rollback_keeps_a_pgvector_that_was_there_before(superuser_empty_db_url: str) -> None:
    empty_db_url = superuser_empty_db_url
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION vector")
    migrations.apply(empty_db_url)
    migrations.rollback(empty_db_url, count=None)
    with psycopg.connect(empty_db_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").fetchone() == (1,)


def test_apply_twice_applies_nothing_the_second_time(empty_db_url: str) -> None:
    assert migrations.apply(empty_db_url) == migrations.migration_ids()
    assert migrations.apply(empty_db_url) == []
    assert migrations.pending(empty_db_url) == []


def test_status_lists_applied_and_pending(empty_db_url: str) -> None:
    ids = migrations.migration_ids()
    migrations.apply(empty_db_url, up_to=ids[1])
    states = migrations.status(empty_db_url)
    assert [s.id for s in states] == ids
    assert [s.applied for s in states] == [True, True] + [False] * (len(ids) - 2)
    assert migrations.pending(empty_db_url) == ids[2:]


def test_unknown_target_and_bad_count_are_clear_errors(empty_db_url: str) -> None:
    with pytest.raises(MigrationError, match="unknown migration '9999_nope'"):
        migrations.apply(empty_db_url, up_to="9999_nope")
    with pytest.raises(MigrationError, match="expected a count of at least 1"):
        migrations.rollback(empty_db_url, count=0)
    assert migrations.pending(empty_db_url) == migrations.migration_ids()


def test_dba_yoyo_cli_uses_yoyo_ini_from_repo_root(empty_db_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": to_yoyo(empty_db_url)}
    yoyo = str(Path(sys.executable).with_name("yoyo"))
    applied = subprocess.run([yoyo, "apply", "--batch"], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=False)
    assert applied.returncode == 0, applied.stderr
    listed = subprocess.run([yoyo, "list"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    for mid in migrations.migration_ids():
        assert f"A         {mid}" in listed.stdout
    assert migrations.pending(empty_db_url) == []
    back = subprocess.run([yoyo, "rollback", "--all", "--batch"], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    assert back.returncode == 0, back.stderr
    assert migrations.pending(empty_db_url) == migrations.migration_ids()


GROUPS = ("agent_loggy_admin", "agent_loggy_reader", "agent_loggy_writer")


def _group_roles(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s) ORDER BY 1", (list(GROUPS),))
        return [r[0] for r in rows.fetchall()]


def test_roles_outlive_a_rollback_while_another_database_uses_them(tmp_path: Path) -> None:
    """On a server of its own: the group roles are shared by every database, so rolling 0012 back
    in one keeps them for the other; the last rollback drops them, but never a role 0012 did not create."""
    ids = migrations.migration_ids()
    from_0012 = ids[ids.index("0012_security"):]  # rolled back newest first, 0012 last
    info = server.start(tmp_path)
    try:
        first, second = info.url, with_dbname(info.url, "second")
        with psycopg.connect(with_dbname(info.url, "postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE second")
        migrations.apply(first)
        migrations.apply(second)
        with psycopg.connect(second, autocommit=True) as conn:
            conn.execute("CREATE ROLE app_agent LOGIN IN ROLE agent_loggy_reader")
            conn.execute("SELECT agent_loggy.grant_project('app_agent', 'default')")
        assert migrations.rollback(first, count=len(from_0012)) == from_0012[::-1]
        assert _group_roles(first) == list(GROUPS)
        with psycopg.connect(with_params(second, user="app_agent")) as conn:  # the other database still works
            conn.execute("SELECT set_config('agent_loggy.project', 'default', true)")
            row = conn.execute("SELECT version FROM agent_loggy.resolve_prompt('trace_analysis')").fetchone()
            assert row == (1,)
        with psycopg.connect(first) as conn:  # and the rolled-back one kept no grant to them
            row = conn.execute("SELECT has_schema_privilege('agent_loggy_reader', 'agent_loggy', 'USAGE')").fetchone()
            assert row == (False,)

        assert migrations.rollback(second, count=len(from_0012)) == from_0012[::-1]
        assert _group_roles(first) == []  # the last database gave them up: dropped

        with psycopg.connect(first, autocommit=True) as conn:  # a reader role that was there before 0012
            conn.execute("CREATE ROLE agent_loggy_reader NOLOGIN")
        migrations.apply(first)
        assert _group_roles(first) == list(GROUPS)
        migrations.rollback(first, count=len(from_0012))
        assert _group_roles(first) == ["agent_loggy_reader"]
    finally:
        server.stop(tmp_path)


def test_security_migration_refuses_documents_using_another_projects_embedding_config(empty_db_url: str) -> None:
    migrations.apply(empty_db_url, up_to="0011_embeddings")
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        row = conn.execute("INSERT INTO agent_loggy.embedding_configs (project, name, version, embedding_model) "
                           "VALUES ('beta', 'm', 1, 'all-MiniLM-L6-v2') RETURNING id").fetchone()
        assert row is not None
        conn.execute("INSERT INTO agent_loggy.documents (project, external_id, content, embedding_config_id) "
                     "VALUES ('default', 'd', 'x', %s)", (row[0],))
    with pytest.raises(MigrationError, match=r"1 document.* point at an embedding config of another project"):
        migrations.apply(empty_db_url)
    assert migrations.pending(empty_db_url)[0] == "0012_security"


def test_an_owner_without_pgvector_is_told_the_statement_an_administrator_runs(superuser_empty_db_url: str) -> None:
    owner_url = owned_by_owner(superuser_empty_db_url)  # the owner's database, pgvector installed ...
    with psycopg.connect(superuser_empty_db_url, autocommit=True) as c:
        c.execute("DROP EXTENSION vector")  # ... and taken away again
        assert c.execute(sql.SQL("SELECT pg_has_role({}, 'pg_database_owner', 'MEMBER')").format(
            sql.Literal(OWNER))).fetchone() == (True,)
    with pytest.raises(MigrationError, match=r"pgvector is not installed .* may not install it.*"
                                             r"CREATE EXTENSION IF NOT EXISTS vector"):
        migrations.apply(owner_url)
    assert migrations.pending(owner_url) == migrations.migration_ids()
