"""The attacks of the second security review, each as a test that failed before migrations 0014-0016:
every rule holds whatever a caller does to its binding within a statement, with chosen ids and
version numbers, hostile JSON and vectors, lock hogs, and a binding that is now an authorization.
Every attack runs as a LOGIN role (never the owner or a superuser) against a database owned by a
non-superuser owner."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from agent_loggy_db import PromptNotFound, PromptRegistry, Settings, UnreadableValue, create_pool
from agent_loggy_db.errors import InvalidInput
from agent_loggy_db.importers.values import pg_vector
from agent_loggy_db.search import as_vector
from agent_loggy_db.urls import parse
from tests.catalog import fingerprint
from tests.conftest import RoleUrl

Conn = psycopg.Connection[Any]
READER, WRITER, ADMIN = "agent_loggy_reader", "agent_loggy_writer", "agent_loggy_admin"
DEEP = "[" * 5000 + "]" * 5000  # 10 kB of JSON, 5000 levels deep


@pytest.fixture
def world(conn: Conn) -> Conn:
    """default: prompt shared (v1 staging, v2, v3 qa) with model analyst, whose config v1 carries production
    (protected there); beta: the same prompt. Set up by the owner."""
    for project in ("default", "beta"):
        for version, labels in ((1, "{staging}"), (2, "{}"), (3, "{qa}")):
            conn.execute("INSERT INTO agent_loggy.prompts (project, name, version, template, model, labels) "
                         "VALUES (%s, 'shared', %s, %s, 'analyst', %s)",
                         (project, version, f"{project} v{version}", labels))
        conn.execute("INSERT INTO agent_loggy.model_configs (project, name, version, model_provider, model_name,"
                     " labels) VALUES (%s, 'analyst', 1, 'ollama', 'llama3', '{production,staging}')", (project,))
    conn.execute("SELECT agent_loggy.set_prompt_label('shared', 1, 'production', 'default')")
    return conn


def refused(c: Conn, query: str, *params: Any) -> psycopg.Error:
    """Run query, expect a database error; roll back and return it."""
    with pytest.raises(psycopg.Error) as info:
        c.execute(query, params or None)
    c.rollback()
    return info.value


def holders(conn: Conn, table: str, label: str, project: str = "default") -> list[int]:
    """The versions of prompt shared (model config analyst) carrying label."""
    name = "shared" if table == "prompts" else "analyst"
    rows = conn.execute(f"SELECT version FROM agent_loggy.{table} WHERE project = %s AND name = %s "
                        "AND labels @> ARRAY[%s] ORDER BY version", (project, name, label)).fetchall()
    return [r[0] for r in rows]


@contextmanager
def bound(url: str, project: str | None) -> Iterator[Conn]:
    """A connection whose first transaction binds `project`."""
    with psycopg.connect(url) as c:
        if project is not None:
            c.execute("SELECT set_config('agent_loggy.project', %s, true)", (project,))
        yield c


# 1. A binding that changes in the middle of a statement ----------------------------------------------------

CLEAR = "set_config('agent_loggy.project', '', true)"
TO_BETA = "set_config('agent_loggy.project', 'beta', true)"

MID_STATEMENT = {
    "insert on conflict, binding cleared in RETURNING, second row takes production": (
        "INSERT INTO agent_loggy.prompts AS p (project, name, version, template, labels) VALUES "
        "('default', 'shared', 4, 'v4', '{}'), ('default', 'shared', 3, 'v3', '{production}') "
        f"ON CONFLICT (project, name, version) DO UPDATE SET labels = EXCLUDED.labels RETURNING {CLEAR}"),
    "update, binding cleared in RETURNING, a label left on two versions": (
        "UPDATE agent_loggy.prompts SET labels = '{staging}' WHERE project = 'default' AND name = 'shared' "
        f"AND version = 2 RETURNING {CLEAR}"),
    "update, binding moved to beta in WHERE": (
        "UPDATE agent_loggy.prompts SET labels = '{production}' "
        f"WHERE {TO_BETA} IS NOT NULL AND project = 'default' AND name = 'shared' AND version = 3"),
    "merge, binding cleared in RETURNING": (
        "MERGE INTO agent_loggy.prompts AS p USING (VALUES (4, '{}'::text[]), (3, '{production}')) AS s (v, l) "
        "ON p.project = 'default' AND p.name = 'shared' AND p.version = s.v "
        "WHEN MATCHED THEN UPDATE SET labels = s.l "
        "WHEN NOT MATCHED THEN INSERT (project, name, version, template, labels) "
        "VALUES ('default', 'shared', s.v, 'x', s.l) "
        f"RETURNING {CLEAR}"),
    "insert select, binding moved to read-only beta before the rows": (
        "INSERT INTO agent_loggy.prompts (project, name, version, template, labels) "
        f"SELECT 'beta', 'shared', 4, 'planted', '{{production}}' FROM (SELECT {TO_BETA}) AS s"),
    "model config: insert on conflict, binding cleared in RETURNING, second row takes production": (
        "INSERT INTO agent_loggy.model_configs AS m (project, name, version, model_provider, model_name, labels) "
        "VALUES "
        "('default', 'analyst', 2, 'evil', 'm', '{}'), ('default', 'analyst', 1, 'ollama', 'llama3', '{}') "
        f"ON CONFLICT (project, name, version) DO UPDATE SET labels = '{{production}}' RETURNING {CLEAR}"),
    "model config: insert, binding cleared in RETURNING, staging left on two versions": (
        "INSERT INTO agent_loggy.model_configs (project, name, version, model_provider, model_name, labels) "
        f"VALUES ('default', 'analyst', 2, 'evil', 'm', '{{staging}}') RETURNING {CLEAR}"),
    "model config: merge, binding moved to beta in the source": (
        "MERGE INTO agent_loggy.model_configs AS m "
        f"USING (SELECT 1 AS v, {TO_BETA} AS b) AS s "
        "ON m.project = 'default' AND m.name = 'analyst' AND m.version = s.v "
        "WHEN MATCHED THEN UPDATE SET labels = '{}' RETURNING m.version"),
}


@pytest.mark.parametrize("attack", list(MID_STATEMENT), ids=list(MID_STATEMENT))
def test_a_binding_changed_within_a_statement_moves_no_protected_label_and_splits_no_label(
        world: Conn, role_url: RoleUrl, attack: str) -> None:
    url = role_url(WRITER, "default")
    world.execute("SELECT agent_loggy.grant_project(%s, 'beta', 'read')", (parse(url)["user"],))
    before = fingerprint(world)
    with bound(url, "default") as c:
        error = refused(c, MID_STATEMENT[attack])
    assert error.sqlstate in {"42501", "23514"}, error
    assert fingerprint(world) == before, "the statement changed nothing"
    for table in ("prompts", "model_configs"):
        for label in ("production", "staging", "qa"):
            assert len(holders(world, table, label)) <= 1, (table, label)
    assert holders(world, "prompts", "production") == [1]
    assert holders(world, "model_configs", "production") == [1]


def test_one_version_per_label_holds_for_model_configs(world: Conn) -> None:
    world.execute("INSERT INTO agent_loggy.model_configs (name, version, model_provider, model_name, labels) "
                  "VALUES ('analyst', 2, 'openai', 'gpt', '{staging}')")
    assert holders(world, "model_configs", "staging") == [2], "the label left version 1"
    error = refused(world, "INSERT INTO agent_loggy.model_configs (name, version, model_provider, model_name, labels) "
                           "VALUES ('analyst', 3, 'a', 'b', '{qa}'), ('analyst', 4, 'c', 'd', '{qa}')")
    assert error.sqlstate == "23514" and "model_configs_one_version_per_label_check" in str(error.diag.constraint_name)


# 2. Writers choose no ids ------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "INSERT INTO agent_loggy.prompts (id, project, name, version, template) OVERRIDING SYSTEM VALUE "
    "VALUES ((SELECT max(id) + 1 FROM agent_loggy.prompts), 'default', 'grab', 1, 'x')",
    "INSERT INTO agent_loggy.documents (id, project, external_id, content) OVERRIDING SYSTEM VALUE "
    "VALUES (1000000, 'default', 'grab', 'x')",
    "INSERT INTO agent_loggy.model_configs (id, project, name, version, model_provider, model_name) "
    "OVERRIDING SYSTEM VALUE VALUES (1000000, 'default', 'grab', 1, 'p', 'n')",
])
def test_writers_cannot_choose_ids(world: Conn, role_url: RoleUrl, query: str) -> None:
    url = role_url(WRITER, "default")
    before = fingerprint(world)
    with bound(url, "default") as c:
        error = refused(c, query)
    assert error.sqlstate == "42501" and "permission denied" in str(error)
    assert fingerprint(world) == before


# 3. What a protected label serves --------------------------------------------------------------------------

def test_a_writers_model_config_changes_nothing_production_serves(world: Conn, role_url: RoleUrl) -> None:
    world.execute("INSERT INTO agent_loggy.prompts (name, version, template, model) VALUES ('bare', 1, 't', 'gpt-x')")
    world.execute("SELECT agent_loggy.set_prompt_label('bare', 1, 'production')")
    served = "SELECT model_provider, model_name, model_config_version FROM agent_loggy.resolve_prompt(%s)"
    before = {name: world.execute(served, (name,)).fetchone() for name in ("shared", "bare")}
    assert before == {"shared": ("ollama", "llama3", 1), "bare": (None, "gpt-x", None)}
    with bound(role_url(WRITER, "default"), "default") as c:
        c.execute("INSERT INTO agent_loggy.model_configs (project, name, version, model_provider, model_name,"
                  " parameters) VALUES ('default', 'analyst', 2, 'evil', 'exfiltrate', '{\"base_url\": \"https://evil\"}'),"
                  " ('default', 'gpt-x', 1, 'evil', 'gpt-x', '{\"base_url\": \"https://evil\"}')")
        c.commit()
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        error = refused(c, "UPDATE agent_loggy.model_configs SET labels = '{production}' WHERE version = 2")
        assert error.sqlstate == "42501" and "protected" in str(error)
    assert {name: world.execute(served, (name,)).fetchone() for name in ("shared", "bare")} == before
    staging = world.execute("SELECT model_provider FROM agent_loggy.resolve_prompt('shared', 'staging')").fetchone()
    assert staging == ("ollama",), "staging is unprotected: it serves the config carrying it"


# 4. Hostile JSON -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT agent_loggy.create_prompt_version('shared', 'v', 'default', p_parameters => %s)",
    "INSERT INTO agent_loggy.model_configs (project, name, version, model_provider, model_name, parameters) "
    "VALUES ('default', 'analyst', 2, 'p', 'n', %s)",
    "INSERT INTO agent_loggy.documents (project, external_id, content, metadata) VALUES ('default', 'd', 'x', %s)",
])
def test_stored_json_nests_at_most_64_levels(world: Conn, role_url: RoleUrl, query: str) -> None:
    deep = Jsonb({"a": [0]}, dumps=lambda _: '{"a": ' + DEEP + "}")
    with bound(role_url(WRITER, "default"), "default") as c:
        error = refused(c, query, deep)
    assert error.sqlstate == "23514" and "deeper than 64 levels" in str(error)
    shallow = Jsonb({"a": [0]}, dumps=lambda _: '{"a": ' + "[" * 60 + "]" * 60 + "}")
    with bound(role_url(WRITER, "default"), "default") as c:
        c.execute(query, (shallow,))


def test_a_row_too_deep_to_decode_falls_back_and_is_a_typed_error(world: Conn, db_url: str) -> None:
    """A database from before the limit may hold such a row: the registry's fallback still applies."""
    world.execute("ALTER TABLE agent_loggy.prompts DROP CONSTRAINT prompts_parameters_json_check")
    world.execute("ALTER TABLE agent_loggy.prompts DISABLE TRIGGER t30_guard_row")
    world.execute("ALTER TABLE agent_loggy.prompts DISABLE TRIGGER write_changelog")
    world.execute("UPDATE agent_loggy.prompts SET parameters = %s::jsonb WHERE project = 'default' AND version = 1",
                  ('{"a": ' + DEEP + "}",))
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool:
        registry = PromptRegistry(pool, cache=False)
        fallback = registry.get_prompt("shared", fallback="Analyse {trace_id}")
        assert fallback.is_fallback and fallback.template == "Analyse {trace_id}"
        with pytest.raises(UnreadableValue):
            registry.get_prompt("shared")
        assert registry.get_prompt("shared", label="qa").version == 3, "the pool's connection still works"


# 5. A version number always means one template ----------------------------------------------------------------

INSERT = "INSERT INTO agent_loggy.prompts (project, name, version, template)"


def test_writers_add_only_the_next_version_and_nobody_reuses_a_deleted_one(world: Conn, role_url: RoleUrl) -> None:
    world.execute("SELECT set_config('agent_loggy.project', 'default', false)")
    world.execute("DELETE FROM agent_loggy.prompts WHERE project = 'default' AND name = 'shared' AND version = 3")
    world.execute("SELECT set_config('agent_loggy.project', '', false)")
    url = role_url(WRITER, "default")
    before = fingerprint(world)
    for query in [
        f"{INSERT} VALUES ('default', 'shared', 3, 'mine')",
        f"{INSERT} VALUES ('default', 'shared', 2147483647, 'x')",
        f"{INSERT} VALUES ('default', 'shared', 9, 'x')",
        "SELECT * FROM agent_loggy.import_prompts('{\"format\": \"agent_loggy.prompts\", \"format_version\": 1, "
        "\"prompts\": [{\"name\": \"shared\", \"versions\": [{\"version\": 3, \"template\": \"mine\"}]}]}', 'default')",
    ]:
        with bound(url, "default") as c:
            error = refused(c, query)
        assert error.sqlstate in {"42501", "23514"}, (query, error)  # 23514: beyond 1000000000 for everyone
    assert fingerprint(world) == before
    with bound(url, "default") as c:
        row = c.execute("SELECT version FROM agent_loggy.create_prompt_version('shared', 'next', 'default')").fetchone()
        assert row == (4,), "the next version skips the deleted number"
    error = refused(world, "INSERT INTO agent_loggy.prompts (project, name, version, template, model) "
                           "VALUES ('default', 'shared', 3, 'other text', 'analyst')")
    assert error.sqlstate == "23514" and "was deleted with other content" in str(error)
    world.execute("INSERT INTO agent_loggy.prompts (project, name, version, template, model) "
                  "VALUES ('default', 'shared', 3, 'default v3', 'analyst')")  # an admin restores it exactly


# 6. The write lock is no lock anyone can hold --------------------------------------------------------------------

def test_no_login_blocks_prompt_writes_of_a_project_it_may_not_write(world: Conn, role_url: RoleUrl) -> None:
    hogs = [role_url(None), role_url(READER, "default"), role_url(WRITER, "beta")]
    writer = role_url(WRITER, "default")
    with psycopg.connect(hogs[0], autocommit=True) as nobody, psycopg.connect(hogs[1]) as reader, \
            psycopg.connect(hogs[2]) as other:
        nobody.execute("SELECT pg_advisory_lock(hashtextextended('agent_loggy.prompts', 0))")  # the old lock
        assert refused(nobody, "SELECT agent_loggy.lock_writes('prompts', 'default')").sqlstate == "42501"
        reader.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        assert refused(reader, "SELECT agent_loggy.lock_writes('prompts', 'default')").sqlstate == "42501"
        assert refused(reader, "SELECT * FROM agent_loggy.write_locks FOR UPDATE").sqlstate == "42501"
        other.execute("SELECT set_config('agent_loggy.project', 'beta', true)")
        other.execute("SELECT agent_loggy.lock_writes('prompts', 'beta')")  # held: beta's writes wait, default's not
        assert refused(other, "SELECT agent_loggy.lock_writes('prompts', 'default')").sqlstate == "42501"
        other.execute("SELECT set_config('agent_loggy.project', 'beta', true)")
        other.execute("SELECT agent_loggy.lock_writes('prompts', 'beta')")
        with bound(writer, "default") as c:
            c.execute("SET LOCAL statement_timeout = '5s'")
            assert c.execute("SELECT version FROM agent_loggy.create_prompt_version('shared', 'v', 'default')"
                             ).fetchone() == (4,)
            c.commit()
        other.rollback()


# 7. Label history in one query; a rollback reads it before it takes the lock --------------------------------------

def test_a_rollback_that_waited_for_the_lock_rolls_back_the_move_made_meanwhile(world: Conn, role_url: RoleUrl) -> None:
    world.execute("SELECT agent_loggy.set_prompt_label('shared', 2, 'qa', 'default')")  # qa: 3 -> 2
    admin = role_url(ADMIN)
    result: list[Any] = []
    with bound(admin, "default") as holder:
        holder.execute("SELECT agent_loggy.set_prompt_label('shared', 1, 'qa', 'default')")  # qa: 2 -> 1, uncommitted

        def roll_back() -> None:
            with bound(admin, "default") as c:
                result.append(c.execute("SELECT agent_loggy.rollback_prompt_label('shared', 'qa', 'default')"
                                        ).fetchone())
                c.commit()

        thread = threading.Thread(target=roll_back)
        thread.start()
        waiting = ("SELECT count(*) FROM pg_stat_activity"
                   " WHERE wait_event_type = 'Lock' AND datname = current_database()")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and world.execute(waiting).fetchone() != (1,):
            time.sleep(0.02)
        holder.commit()
        thread.join(10)
    assert result == [(2,)], "the rollback undid the move committed while it waited (1 back to 2)"
    assert holders(world, "prompts", "qa") == [2]
    moves = world.execute("SELECT label, from_version, to_version FROM agent_loggy.prompt_label_history('shared') "
                          "WHERE label = 'qa'").fetchall()
    assert moves == [("qa", None, 3), ("qa", 3, 2), ("qa", 2, 1), ("qa", 1, 2)]


# 9. Vectors whose single-precision norm overflows ------------------------------------------------------------------

HUGE = "[" + ",".join(["3e38"] * 384) + "]"
TINY = "[" + ",".join(["1e-30"] * 384) + "]"


@pytest.mark.parametrize("vector", [HUGE, TINY], ids=["3e38", "1e-30"])
@pytest.mark.parametrize("query", [
    "INSERT INTO agent_loggy.documents (project, external_id, content, embedding) VALUES ('default', 'd', 'x', %s)",
    "SELECT * FROM agent_loggy.search_documents(%s::vector, 'default')",
    "SELECT agent_loggy.store_embeddings('documents', ARRAY[1::bigint], ARRAY['x'], ARRAY[%s::vector])",
])
def test_vectors_whose_float32_norm_overflows_or_vanishes_are_refused(
        world: Conn, role_url: RoleUrl, vector: str, query: str) -> None:
    with bound(role_url(WRITER, "default"), "default") as c:
        error = refused(c, query, vector)
    assert error.sqlstate in {"22023", "23514"} and ("norm" in str(error) or "embedding_check" in str(error)), error


def test_python_refuses_the_same_vectors() -> None:
    for values in ([3e38] * 384, [1e-30] * 384):
        with pytest.raises(InvalidInput, match="norm"):
            as_vector(values)
        with pytest.raises(ValueError, match="norm"):
            pg_vector("embedding", values)
    assert len(pg_vector("embedding", [1e17] * 384)) == 384


# 7. The set-based label history agrees with the moves as they were made ---------------------------------------

LABELS = ("a", "b", "c")
_ops = st.lists(st.one_of(
    st.tuples(st.just("publish"), st.sets(st.sampled_from(LABELS))),
    st.tuples(st.just("set"), st.integers(1, 8), st.sampled_from(LABELS)),
    st.tuples(st.just("remove"), st.sampled_from(LABELS)),
), min_size=1, max_size=12)
_names = iter(range(10**6))


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_ops)
def test_label_history_is_every_move_in_the_order_it_was_made(conn: Conn, ops: list[tuple[Any, ...]]) -> None:
    name = f"h{next(_names)}"
    holder: dict[str, int | None] = dict.fromkeys(LABELS)
    expected: list[tuple[str, int | None, int | None]] = []
    versions = 0
    for op in ops:
        if op[0] == "publish":
            versions += 1
            conn.execute("SELECT agent_loggy.create_prompt_version(%s, 't', 'default', %s)", (name, sorted(op[1])))
            for label in sorted(op[1]):
                expected.append((label, holder[label], versions))
                holder[label] = versions
        elif op[0] == "set" and op[1] <= versions and holder[op[2]] != op[1]:
            conn.execute("SELECT agent_loggy.set_prompt_label(%s, %s, %s)", (name, op[1], op[2]))
            expected.append((op[2], holder[op[2]], op[1]))
            holder[op[2]] = op[1]
        elif op[0] == "remove" and holder[op[1]] is not None:
            conn.execute("SELECT agent_loggy.remove_prompt_label(%s, %s)", (name, op[1]))
            expected.append((op[1], holder[op[1]], None))
            holder[op[1]] = None
    if versions == 0:
        return
    moves = conn.execute("SELECT label, from_version, to_version FROM agent_loggy.prompt_label_history(%s)",
                         (name,)).fetchall()
    assert moves == expected


# Found by the attack review of this change ---------------------------------------------------------------------

def test_one_statement_giving_a_label_by_insert_and_by_update_leaves_it_on_exactly_one_version(world: Conn) -> None:
    world.execute("MERGE INTO agent_loggy.prompts AS p USING (VALUES (2), (4)) AS s (v) "
                  "ON p.project = 'default' AND p.name = 'shared' AND p.version = s.v "
                  "WHEN MATCHED THEN UPDATE SET labels = '{qa}' "
                  "WHEN NOT MATCHED THEN INSERT (project, name, version, template, labels) "
                  "VALUES ('default', 'shared', s.v, 'v4', '{qa}')")
    assert len(holders(world, "prompts", "qa")) == 1


def test_the_changelog_digest_is_the_same_whatever_the_writers_time_zone(world: Conn, role_url: RoleUrl,
                                                                          db_url: str) -> None:
    with bound(role_url(WRITER, "default"), "default") as c:
        c.execute("SET TimeZone = 'UTC5'")
        c.execute("SET DateStyle = 'SQL, DMY'")
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        c.execute("SELECT agent_loggy.create_prompt_version('shared', 'v4', 'default')")
    world.execute("SET TimeZone = 'Pacific/Chatham'")
    bad = world.execute("SELECT project, problem FROM agent_loggy.verify_changelog() WHERE problem IS NOT NULL")
    assert bad.fetchall() == []


def test_no_number_or_time_a_client_cannot_read_is_stored(world: Conn, role_url: RoleUrl) -> None:
    huge = Jsonb({"t": 0}, dumps=lambda _: '{"temperature": ' + "9" * 5000 + "}")
    with bound(role_url(WRITER, "default"), "default") as c:
        error = refused(c, "SELECT agent_loggy.create_prompt_version('shared', 'v', 'default', p_parameters => %s)",
                        huge)
        assert error.sqlstate == "23514" and "double precision" in str(error)
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        error = refused(c, "INSERT INTO agent_loggy.prompts (project, name, version, template, created_at) "
                           "VALUES ('default', 'y', 1, 'y', 'infinity')")
        assert error.sqlstate == "23514" and "prompts_times_check" in str(error)


def test_a_writer_cannot_slip_a_version_in_while_an_admin_deletes_it(world: Conn, role_url: RoleUrl) -> None:
    world.execute("INSERT INTO agent_loggy.context_rules (context, version, important) "
                  "VALUES ('race', 1, 'v1'), ('race', 2, 'admin v2')")
    url = role_url(WRITER, "default")
    with psycopg.connect(role_url(ADMIN)) as admin:
        admin.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        admin.execute("DELETE FROM agent_loggy.context_rules WHERE context = 'race' AND version = 2")
        with bound(url, "default") as c:  # the delete is not committed: the writer still sees version 2
            error = refused(c, "INSERT INTO agent_loggy.context_rules (project, context, version, important) "
                               "VALUES ('default', 'race', 2, 'WRITER v2')")
            assert error.sqlstate == "42501" and "the next version is 3" in str(error)
        admin.commit()
    rows = world.execute("SELECT version, important FROM agent_loggy.context_rules WHERE context = 'race'").fetchall()
    assert rows == [(1, "v1")]


def test_an_unbound_admin_is_not_held_up_by_another_projects_writer(world: Conn, role_url: RoleUrl) -> None:
    with bound(role_url(WRITER, "beta"), "beta") as other:
        other.execute("SELECT agent_loggy.lock_writes('prompts', 'beta')")  # held to the end of the block
        with psycopg.connect(role_url(ADMIN)) as admin:
            admin.execute("SET statement_timeout = '5s'")
            assert admin.execute("SELECT version FROM agent_loggy.create_prompt_version('shared', 'v4', 'default')"
                                 ).fetchone() == (4,)
            admin.execute("SELECT agent_loggy.set_prompt_label('shared', 4, 'production', 'default')")
            admin.commit()
    assert holders(world, "prompts", "production") == [4]


def test_an_unbound_admin_and_a_writer_of_the_same_project_end_in_one_deadlock_error(
        world: Conn, role_url: RoleUrl) -> None:
    """The case SECURITY.md names: the admin's UPDATE holds version 1 and waits for the project's lock, the
    writer holds the lock and moves a label off version 1. PostgreSQL ends one of them (40P01, nothing of
    it written); the other commits, and every label keeps one holder."""
    outcome: dict[str, str] = {}

    def admin_update() -> None:
        with psycopg.connect(role_url(ADMIN)) as admin:
            try:
                admin.execute("UPDATE agent_loggy.prompts SET labels = labels || '{qa}' "
                              "WHERE project = 'default' AND name = 'shared' AND version = 1")
                admin.commit()
                outcome["admin"] = "committed"
            except psycopg.Error as exc:
                outcome["admin"] = str(exc.sqlstate)

    with bound(role_url(WRITER, "default"), "default") as writer:
        writer.execute("SELECT agent_loggy.lock_prompt_writes()")
        thread = threading.Thread(target=admin_update)
        thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and world.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND query LIKE 'UPDATE agent_loggy.prompts%'").fetchone() != (1,):
            time.sleep(0.02)
        try:
            writer.execute("SELECT agent_loggy.set_prompt_label('shared', 2, 'staging', 'default')")
            writer.commit()
            outcome["writer"] = "committed"
        except psycopg.Error as exc:
            outcome["writer"] = str(exc.sqlstate)
            writer.rollback()
        thread.join(10)
    assert sorted(outcome.values()) == ["40P01", "committed"], outcome
    qa, staging = holders(world, "prompts", "qa"), holders(world, "prompts", "staging")
    if outcome["admin"] == "committed":
        assert (qa, staging) == ([1], [1])
    else:
        assert (qa, staging) == ([3], [2])


def test_the_listener_ignores_forged_replayed_and_out_of_range_transaction_ids(
        world: Conn, role_url: RoleUrl) -> None:
    url = role_url(READER, "default")
    with create_pool(url, Settings(pool_min_size=1, pool_max_size=1)) as pool, PromptRegistry(pool) as reg:
        deadline = time.monotonic() + 10
        while not reg.cache.live and time.monotonic() < deadline:
            time.sleep(0.01)
        reg.get_prompt("shared", label="qa")
        assert len(reg.cache) == 1
        with bound(role_url(ADMIN), "default") as admin:
            admin.execute("SELECT agent_loggy.grant_project('agent_loggy_reader', 'gamma')")
            grant_tx = admin.execute("SELECT pg_current_xact_id()::text").fetchone()
        assert grant_tx is not None
        deadline = time.monotonic() + 5
        while len(reg.cache) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(reg.cache) == 0, "a grant change empties the cache: what the role may read can have changed"
        assert reg.get_prompt("shared", label="qa").version == 3
        misses = reg.cache.stats.misses
        for payload in ("99999999999999999999", "18446744073709551616", grant_tx[0], grant_tx[0], "1"):
            world.execute("SELECT pg_notify('agent_loggy_config', %s)", (payload,))
        deadline = time.monotonic() + 5
        while reg.cache.stats.forged < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert reg.cache.stats.forged == 5, "out of range, replayed and ancient ids are all forged"
        assert reg.cache.live and reg.get_prompt("shared", label="qa").version == 3
        assert reg.cache.stats.misses == misses, "nothing was dropped"


def test_a_forged_note_naming_a_transaction_still_open_does_not_mute_its_real_one(
        world: Conn, role_url: RoleUrl) -> None:
    url = role_url(READER, "default")
    with create_pool(url, Settings(pool_min_size=1, pool_max_size=1)) as pool, PromptRegistry(pool) as reg:
        deadline = time.monotonic() + 10
        while not reg.cache.live and time.monotonic() < deadline:
            time.sleep(0.01)
        assert reg.get_prompt("shared", label="qa").version == 3
        with bound(role_url(WRITER, "default"), "default") as writer:
            writer.execute("SELECT agent_loggy.set_prompt_label('shared', 2, 'qa', 'default')")
            open_tx = writer.execute("SELECT pg_current_xact_id()::text").fetchone()
            assert open_tx is not None
            world.execute("SELECT pg_notify('agent_loggy_config', %s)", (open_tx[0],))  # ids are guessable
            deadline = time.monotonic() + 5
            while reg.cache.stats.forged < 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert reg.cache.stats.forged == 1, "nothing committed yet: the early note names no change"
            writer.commit()
        deadline = time.monotonic() + 5
        while reg.get_prompt("shared", label="qa").version != 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert reg.get_prompt("shared", label="qa").version == 2, "the real notification was still heard"


def test_a_login_roles_default_binding_does_not_deafen_its_listener(world: Conn, superuser_conn: Conn,
                                                                     role_url: RoleUrl) -> None:
    url = role_url(READER, "default", "beta")
    superuser_conn.execute(f'ALTER ROLE "{parse(url)["user"]}" SET agent_loggy.project = \'beta\'')
    with create_pool(url, Settings(pool_min_size=1, pool_max_size=1)) as pool, PromptRegistry(pool) as reg:
        deadline = time.monotonic() + 10
        while not reg.cache.live and time.monotonic() < deadline:
            time.sleep(0.01)
        assert reg.get_prompt("shared", label="qa").version == 3
        world.execute("SELECT agent_loggy.set_prompt_label('shared', 2, 'qa', 'default')")
        deadline = time.monotonic() + 5
        while reg.get_prompt("shared", label="qa").version != 2:
            assert time.monotonic() < deadline, "the change in default was never heard"
            time.sleep(0.01)


def test_a_renamed_prompt_leaves_no_stale_entry_under_its_old_name(world: Conn, role_url: RoleUrl) -> None:
    with create_pool(role_url(READER, "default"), Settings(pool_min_size=1, pool_max_size=1)) as pool, \
            PromptRegistry(pool) as reg:
        deadline = time.monotonic() + 10
        while not reg.cache.live and time.monotonic() < deadline:
            time.sleep(0.01)
        assert reg.get_prompt("shared", label="qa").version == 3
        world.execute("UPDATE agent_loggy.prompts SET name = 'renamed' WHERE project = 'default' AND name = 'shared'")
        deadline = time.monotonic() + 5
        while True:
            try:
                reg.get_prompt("shared", label="qa")
            except PromptNotFound:
                break
            assert time.monotonic() < deadline, "the old name kept serving the renamed prompt"
            time.sleep(0.01)


def test_a_writer_imports_several_versions_of_a_new_prompt_in_one_statement(world: Conn, role_url: RoleUrl) -> None:
    document = Jsonb({"format": "agent_loggy.prompts", "format_version": 1, "prompts": [
        {"name": "fresh", "versions": [{"version": v, "template": f"t{v}"} for v in (1, 2, 3)]}]})
    with bound(role_url(WRITER, "default"), "default") as c:
        assert c.execute("SELECT created FROM agent_loggy.import_prompts(%s, 'default')", (document,)).fetchone() \
            == (3,)
