"""Facts (migration 0029): versions never overwritten, forgetting that keeps history, exact and semantic
recall per user, any embedding dimension, and the Python Memory / AsyncMemory and CLI `memory`. As the
roles agents run: a reader login remembers (recording is what agents do), an admin erases."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
import pytest

from agent_loggy_db import AsyncMemory, Memory, create_async_pool, create_pool
from agent_loggy_db.errors import InvalidInput, PermissionDenied
from agent_loggy_db.settings import Settings
from tests.conftest import RoleUrl
from tests.test_cli import base_env, cli
from tests.test_embedding_stores import add_config

Conn = psycopg.Connection[Any]
ONE = Settings(pool_min_size=1, pool_max_size=1)


def unit(*values: float, dims: int = 3) -> str:
    padded = list(values) + [0.0] * (dims - len(values))
    return "[" + ",".join(str(v) for v in padded) + "]"


@pytest.fixture
def configs(conn: Conn) -> dict[int, int]:
    """Two current embedding configs of default: 3 and 1536 dimensions -> their ids."""
    return {dims: add_config(conn, name, f"model-{name}", dims) for name, dims in (("tiny", 3), ("openai", 1536))}


@pytest.fixture
def agent(role_url: RoleUrl) -> str:
    return role_url("agent_loggy_reader", "default")


def one(c: Conn, statement: str, *params: Any) -> Any:
    row = c.execute(statement, params).fetchone()
    assert row is not None
    return row[0]


def test_a_new_value_is_a_new_version_and_nothing_is_overwritten(agent: str) -> None:
    with psycopg.connect(agent, autocommit=True) as c:
        versions = [one(c, "SELECT (agent_loggy.remember_fact('currency', %s, 'alice')).version", v)
                    for v in ("EUR", "EUR", "USD", "EUR")]
        assert versions == [1, 1, 2, 3], "the same value again is no new version"
        assert one(c, "SELECT agent_loggy.recall_fact('currency', 'alice')") == "EUR"
        assert one(c, "SELECT agent_loggy.forget_fact('currency', 'alice')") is True
        assert one(c, "SELECT agent_loggy.forget_fact('currency', 'alice')") is False
        assert one(c, "SELECT agent_loggy.recall_fact('currency', 'alice')") is None
        history = c.execute("SELECT version, value FROM agent_loggy.fact_history('currency', 'alice')").fetchall()
        assert history == [(1, "EUR"), (2, "USD"), (3, "EUR"), (4, None)]
        assert one(c, "SELECT (agent_loggy.remember_fact('currency', 'GBP', 'alice')).version") == 5
        # one statement, no binding left behind
        assert one(c, "SELECT current_setting('agent_loggy.user', true) IS NOT DISTINCT FROM ''"
                      " OR current_setting('agent_loggy.user', true) IS NULL") is True
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("UPDATE agent_loggy.facts SET value = 'forged'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("DELETE FROM agent_loggy.facts")


def test_a_users_facts_stay_theirs_and_shared_facts_are_everyones(agent: str) -> None:
    with psycopg.connect(agent, autocommit=True) as c:
        c.execute("SELECT agent_loggy.remember_fact('refund_window', '30 days')")  # acting for nobody: shared
        c.execute("SELECT agent_loggy.remember_fact('refund_window', '60 days', 'vip')")
        c.execute("SELECT agent_loggy.remember_fact('card', 'visa ending 4242', 'alice')")
        assert one(c, "SELECT agent_loggy.recall_fact('refund_window', 'bob')") == "30 days"
        assert one(c, "SELECT agent_loggy.recall_fact('refund_window', 'vip')") == "60 days"
        assert one(c, "SELECT agent_loggy.recall_fact('card', 'bob')") is None
        c.execute("BEGIN")
        c.execute("SELECT set_config('agent_loggy.user', 'bob', true)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="acts for user 'bob'"):
            c.execute("SELECT agent_loggy.recall_fact('card', 'alice')")
        c.execute("ROLLBACK")
        c.execute("BEGIN")
        c.execute("SELECT set_config('agent_loggy.user', 'bob', true)")
        assert c.execute("SELECT count(*) FROM agent_loggy.facts WHERE user_id = 'alice'").fetchone() == (0,)
        assert [r[0] for r in c.execute("SELECT key FROM agent_loggy.recall_facts('visa card refund', 10)")] == [
            "refund_window"]
        c.execute("ROLLBACK")
        found = c.execute("SELECT key, user_id FROM agent_loggy.recall_facts('visa card', 10)").fetchall()
        assert found == [], "acting for nobody: shared facts only"


def test_a_limited_login_remembers_only_for_its_user(agent: str, role_url: RoleUrl) -> None:
    login = psycopg.conninfo.conninfo_to_dict(agent)["user"]
    with psycopg.connect(role_url("agent_loggy_admin"), autocommit=True) as a:
        a.execute("SELECT agent_loggy.limit_login_to_user(%s, 'bob')", (login,))
    with psycopg.connect(agent, autocommit=True) as c:
        assert one(c, "SELECT (agent_loggy.remember_fact('tz', 'UTC')).user_id") == "bob"
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="acts for user 'bob'"):
            c.execute("SELECT agent_loggy.remember_fact('tz', 'CET', 'alice')")
        c.execute("BEGIN")
        c.execute("SELECT set_config('agent_loggy.project', 'default', true)")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="user_scope"):
            c.execute("INSERT INTO agent_loggy.facts (project, user_id, key, value) "
                      "VALUES ('default', 'alice', 'k', 'v')")
        c.execute("ROLLBACK")


@pytest.mark.parametrize(("call", "error", "message"), [
    ("remember_fact('', 'v')", psycopg.errors.InvalidParameterValue, "invalid fact key ''"),
    ("remember_fact(E'k\\x1b[2J', 'v')", psycopg.errors.InvalidParameterValue, "invalid fact key"),
    ("remember_fact(repeat('k', 501), 'v')", psycopg.errors.InvalidParameterValue, "invalid fact key"),
    ("remember_fact('k', NULL)", psycopg.errors.NullValueNotAllowed, "forget_fact"),
    ("remember_fact('k', repeat('v', 100001))", psycopg.errors.InvalidParameterValue, "100001 bytes"),
    ("remember_fact('k', 'v', p_metadata => '[1]')", psycopg.errors.InvalidParameterValue, "JSON object"),
    ("remember_fact('k', 'v', p_metadata => (repeat('{\"a\":', 70) || '1' || repeat('}', 70))::jsonb)",
     psycopg.errors.CheckViolation, "facts_metadata_check"),
    ("remember_fact('k', 'v', E'eve\\n')", psycopg.errors.InvalidParameterValue, "invalid user"),
    ("remember_fact('k', 'v', p_project => 'other')", psycopg.errors.InsufficientPrivilege, "'other'"),
    ("remember_fact('k', 'v', p_embedding => '[0,0,0]')", psycopg.errors.InvalidParameterValue, "all zeros"),
    ("remember_fact('k', 'v', p_embedding => '[1,2]')", psycopg.errors.InvalidParameterValue,
     "2 dimensions, and no current embedding config of project 'default' has 2"),
    ("recall_facts('[1,2]'::vector)", psycopg.errors.InvalidParameterValue, "2 dimensions"),
    ("recall_facts('', 5)", psycopg.errors.InvalidParameterValue, "query text"),
    ("recall_facts('x', 0)", psycopg.errors.InvalidParameterValue, "limit"),
])
def test_bad_input_is_refused_naming_it_and_writes_nothing(agent: str, configs: dict[int, int], conn: Conn,
                                                         call: str, error: type[Exception], message: str) -> None:
    with psycopg.connect(agent, autocommit=True) as c, pytest.raises(error, match=message):
        c.execute(f"SELECT * FROM agent_loggy.{call}")
    assert conn.execute("SELECT count(*) FROM agent_loggy.facts").fetchone() == (0,)


def test_a_vector_of_the_wrong_config_names_the_config_and_its_dimension(agent: str, configs: dict[int, int]) -> None:
    with psycopg.connect(agent, autocommit=True) as c, pytest.raises(
            psycopg.errors.InvalidParameterValue,
            match=f"the vector has 3 dimensions: embedding config {configs[1536]} of project 'default' has 1536"):
        c.execute("SELECT agent_loggy.remember_fact('k', 'v', p_embedding => %s, p_embedding_config_id => %s)",
                  (unit(1), configs[1536]))


def test_semantic_recall_per_config_of_any_dimension(agent: str, configs: dict[int, int]) -> None:
    with psycopg.connect(agent, autocommit=True) as c:
        c.execute("BEGIN")
        c.execute("SELECT set_config('agent_loggy.user', 'alice', true)")
        for key, vector in (("north", unit(1)), ("east", unit(0, 1)), ("up", unit(0, 0, 1))):
            c.execute("SELECT agent_loggy.remember_fact(%s, %s, p_embedding => %s::vector)", (key, key, vector))
        big = [0.0] * 1536
        big[1000] = 1.0
        c.execute("SELECT agent_loggy.remember_fact('wide', 'wide', p_embedding => %s::vector)", (str(big),))
        rows = c.execute("SELECT key, round(score::numeric, 3)::float8 FROM agent_loggy.recall_facts(%s::vector, 2)",
                         (unit(1, 0.2),)).fetchall()
        assert rows == [("north", 0.981), ("east", 0.196)]
        assert c.execute("SELECT key FROM agent_loggy.recall_facts(%s::vector)", (str(big),)).fetchall() == [("wide",)]
        c.execute("COMMIT")
        # another user sees none of them
        c.execute("BEGIN")
        c.execute("SELECT set_config('agent_loggy.user', 'bob', true)")
        assert c.execute("SELECT key FROM agent_loggy.recall_facts(%s::vector)", (unit(1),)).fetchall() == []
        c.execute("COMMIT")


def test_concurrent_writers_of_one_key_each_get_a_version(agent: str) -> None:
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            with psycopg.connect(agent, autocommit=True) as c:
                for i in range(10):
                    c.execute("SELECT agent_loggy.remember_fact('counter', %s, 'alice')", (f"{n}-{i}",))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(agent, autocommit=True) as c:
        versions = [r[0] for r in c.execute("SELECT version FROM agent_loggy.fact_history('counter', 'alice')")]
    assert versions == list(range(1, 41))


class Compass:
    """A 3-dimension embedder for the `tiny` config: north, east, up by keyword."""

    name = "model-tiny"
    dimensions = 3

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        axes = {"north": 0, "east": 1, "up": 2}
        out = np.full((len(texts), 3), 0.01, dtype=np.float32)
        for row, text in enumerate(texts):
            for word, axis in axes.items():
                if word in text:
                    out[row, axis] = 1.0
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out


def test_memory_remembers_recalls_by_meaning_and_forgets(agent: str, configs: dict[int, int]) -> None:
    with create_pool(agent, ONE) as pool:
        alice = Memory(pool, user="alice", embedder=Compass())
        fact = alice.remember_fact("home", "far north", metadata={"source": "chat"})
        assert (fact.version, fact.user_id, dict(fact.metadata)) == (1, "alice", {"source": "chat"})
        alice.remember_fact("work", "east wing")
        assert alice.recall_fact("home") == "far north"
        assert [f.key for f in alice.recall_facts("which way is north", k=1)] == ["home"]
        assert alice.forget_fact("home") and alice.recall_fact("home") is None
        assert [(f.version, f.value) for f in alice.fact_history("home")] == [(1, "far north"), (2, None)]
        assert [f.key for f in alice.list_facts()] == ["work"]
        bob = Memory(pool, user="bob")
        assert bob.recall_fact("work") is None and bob.list_facts() == []
        assert bob.recall_facts("east wing") == []
        with pytest.raises(InvalidInput, match="invalid fact key"):
            bob.remember_fact("", "x")
        with pytest.raises(PermissionDenied):
            Memory(pool, project="other").recall_fact("x")


def test_async_memory_is_the_same(agent: str) -> None:
    async def run() -> None:
        async with await create_async_pool(agent, ONE) as pool:
            memory = AsyncMemory(pool, user="alice")
            await memory.remember_fact("lang", "de")
            assert await memory.recall_fact("lang") == "de"
            assert [f.key for f in await memory.recall_facts("lang")] == ["lang"]
            assert await memory.forget_fact("lang") is True
            assert [f.value for f in await memory.fact_history("lang")] == ["de", None]
            assert await memory.list_facts() == []

    asyncio.run(run())


def test_cli_memory_remember_recall_forget_list(agent: str) -> None:
    env = base_env(DATABASE_URL=agent, AGENT_LOGGY_USER="alice")
    assert cli("memory", "remember", "currency", "EUR", env=env).returncode == 0
    stored = cli("memory", "remember", "currency", "USD", "--json", env=env)
    assert stored.returncode == 0, stored.stderr
    assert json.loads(stored.stdout)["version"] == 2
    recalled = cli("memory", "recall", "currency", env=env)
    assert (recalled.returncode, recalled.stdout) == (0, "USD\n")
    other = cli("memory", "recall", "currency", "--user", "bob", env=env)
    assert other.returncode == 3 and "no fact 'currency' for bob" in other.stderr
    listed = cli("memory", "list", "--key", "currency", "--json", env=env)
    assert [f["value"] for f in json.loads(listed.stdout)] == ["EUR", "USD"]
    assert cli("memory", "forget", "currency", env=env).returncode == 0
    again = cli("memory", "forget", "currency", env=env)
    assert again.returncode == 3 and "no fact 'currency' to forget" in again.stderr
    table = cli("memory", "list", env=env)
    assert table.returncode == 0 and "no facts for alice" in table.stdout
