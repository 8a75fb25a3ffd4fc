"""PromptRegistry and AsyncPromptRegistry against the real database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from agent_loggy_db import (
    AsyncPromptRegistry,
    InvalidInput,
    InvalidLabel,
    MissingVariables,
    PromptNotFound,
    PromptRegistry,
    Settings,
    create_async_pool,
    create_pool,
    migrations,
)
from tests.test_prompt_sql import Conn


@pytest.fixture
def pool(db_url: str) -> Iterator[ConnectionPool]:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=4)) as p:
        yield p


@pytest.fixture
def reg(pool: ConnectionPool) -> Iterator[PromptRegistry]:
    with PromptRegistry(pool, cache=False) as r:
        yield r


def last_changelog(conn: Conn, n: int = 1) -> list[tuple[Any, ...]]:
    """The last n changelog rows, oldest first."""
    rows = conn.execute("SELECT config_name, new_version, change_type, changed_by, change_summary "
                        "FROM agent_loggy.config_changelog ORDER BY id DESC LIMIT %s", (n,)).fetchall()
    return [tuple(r) for r in reversed(rows)]


def test_get_prompt_returns_a_typed_frozen_prompt(reg: PromptRegistry) -> None:
    p = reg.get_prompt("parameter_extraction")
    assert (p.name, p.version, p.resolved_label, p.type, p.is_fallback) == (
        "parameter_extraction", 1, "production", "system", False)
    assert p.variables == ("allowed_query_keys", "excluded_query_keys", "allowed_domains", "excluded_domains")
    with pytest.raises(AttributeError):
        p.version = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        p.parameters["x"] = 1  # type: ignore[index]
    text = p.compile(allowed_query_keys="a", excluded_query_keys="b", allowed_domains="c", excluded_domains="d")
    assert "ALLOWED query_keys: a" in text and '{"time_frame": "YYYY-MM-DD or null"' in text


def test_publish_label_rollback_history_and_diff_record_actor_and_summary(reg: PromptRegistry, conn: Conn) -> None:
    p2 = reg.publish("trace_analysis", "v2 {x}", actor="alice", summary="first try", labels=["staging"],
                     parameters={"temperature": 0.2})
    assert (p2.version, p2.labels, p2.type, p2.created_by) == (2, ("staging",), "user", "alice")
    assert last_changelog(conn) == [("trace_analysis", 2, "create", "alice", "first try")]
    moved = reg.set_label("trace_analysis", 2, "production", actor="bob", summary="ship it")
    assert moved.labels == ("production", "staging")
    assert reg.get_prompt("trace_analysis").version == 2
    assert reg.rollback_label("trace_analysis", actor="carol", summary="bad answers") == 1
    assert last_changelog(conn, 2) == [("trace_analysis", 1, "label", "carol", "bad answers"),
                                       ("trace_analysis", 2, "label", "carol", "bad answers")]
    assert reg.remove_label("trace_analysis", "staging", actor="dave") == 2
    moves = [(m.label, m.from_version, m.to_version, m.changed_by) for m in reg.history("trace_analysis")]
    assert moves[1:] == [("staging", None, 2, "alice"), ("production", 1, 2, "bob"), ("production", 2, 1, "carol"),
                         ("staging", 2, None, "dave")]
    d = reg.diff("trace_analysis", 1, 2)
    assert "+v2 {x}" in d.template and '+  "temperature": 0.2' in d.parameters and not d.is_empty
    assert reg.diff("trace_analysis", 2, 2).is_empty


def test_errors_are_typed(reg: PromptRegistry) -> None:
    with pytest.raises(PromptNotFound, match="'ghost'"):
        reg.get_prompt("ghost")
    with pytest.raises(PromptNotFound, match="no version 9"):
        reg.set_label("trace_analysis", 9, "staging", actor="a")
    with pytest.raises(InvalidLabel, match="'Prod'"):
        reg.get_prompt("trace_analysis", label="Prod")
    with pytest.raises(InvalidLabel, match="latest"):
        reg.publish("trace_analysis", "x", actor="a", labels=["latest"])
    with pytest.raises(InvalidInput, match="type"):
        reg.publish("trace_analysis", "x", actor="a", type="chat")
    with pytest.raises(MissingVariables):
        reg.get_prompt("trace_analysis").compile()


@pytest.mark.parametrize("parameters", [
    {"pair": "\ud83d\ude00"},  # two lone surrogates: must not be stored as one other character
    {"bytes": b"x"}, {"huge": 10**5000}, {"self": None},
])
def test_parameters_json_cannot_hold_are_invalid_input_and_nothing_is_written(
        reg: PromptRegistry, conn: Conn, parameters: dict[str, Any]) -> None:
    if "self" in parameters:
        parameters["self"] = parameters
    before = conn.execute("SELECT count(*) FROM agent_loggy.prompts").fetchone()
    with pytest.raises(InvalidInput):
        reg.publish("trace_analysis", "x", actor="a", parameters=parameters)
    assert conn.execute("SELECT count(*) FROM agent_loggy.prompts").fetchone() == before


def test_fallback_template_when_nothing_resolves_or_the_database_is_down(reg: PromptRegistry) -> None:
    p = reg.get_prompt("ghost", fallback="Analyse {trace}")
    assert (p.is_fallback, p.version, p.variables, p.compile(trace="t")) == (True, None, ("trace",), "Analyse t")
    with create_pool("postgresql:///nowhere?host=/nonexistent", Settings(pool_min_size=0, pool_timeout=0.5,
                                                                          connect_timeout=1)) as dead:
        down = PromptRegistry(dead, cache=False)
        assert down.get_prompt("trace_analysis", fallback="local copy").is_fallback
    with pytest.raises(InvalidLabel):  # bad input is still an error, not a fallback
        reg.get_prompt("trace_analysis", label="Bad", fallback="x")


def test_list_prompts(reg: PromptRegistry) -> None:
    reg.publish("new_one", "hi", actor="a", labels=["staging"], type="chat", model="analyst")
    rows = {p.name: p for p in reg.list_prompts()}
    assert len(rows) == 6
    assert (rows["new_one"].type, rows["new_one"].labels, rows["new_one"].model) == ("chat", {"staging": 1}, "analyst")


def test_export_import_into_an_empty_database_gives_identical_prompts(
        reg: PromptRegistry, empty_db_url: str, conn: Conn) -> None:
    reg.publish("trace_analysis", "v2", actor="a", labels=["production"])
    reg.publish("trace_analysis", "v3", actor="a", labels=["staging"], parameters={"t": 1})
    reg.publish("brand_new", "hello {who}", actor="b", labels=["production"], type="chat", project="acme")
    conn.execute("UPDATE agent_loggy.prompts SET is_active = false WHERE name = 'trace_analysis' AND version = 1")
    document = reg.export_prompts()
    migrations.apply(empty_db_url)
    with create_pool(empty_db_url, Settings(pool_min_size=1, pool_max_size=2)) as other_pool:
        other = PromptRegistry(other_pool, cache=False)
        first = other.import_prompts(document, actor="importer")
        assert (first.created, first.unchanged) == (2, 5)
        again = other.import_prompts(document, actor="importer")
        assert (again.created, again.unchanged, again.relabelled) == (0, 7, 0)
        copied = other.export_prompts()
        into_acme = other.import_prompts(reg.export_prompts(project="acme"), actor="importer", project="acme")
        assert into_acme.created == 1
        assert other.get_prompt("brand_new", project="acme").template == "hello {who}"

    def comparable(doc: dict[str, Any]) -> list[Any]:
        return [(p["name"], [{k: v for k, v in version.items() if k != "created_at"} for version in p["versions"]])
                for p in doc["prompts"]]

    assert comparable(copied) == comparable(document)
    new_versions = {(p["name"], v["version"]): v["created_at"] for p in document["prompts"] for v in p["versions"]
                    if v["created_by"] != "migration"}
    assert new_versions == {(p["name"], v["version"]): v["created_at"] for p in copied["prompts"]
                            for v in p["versions"] if v["created_by"] != "migration"}


def test_async_registry_resolves_writes_and_caches(db_url: str, conn: Conn) -> None:
    async def scenario() -> None:
        pool = await create_async_pool(db_url, Settings(pool_min_size=1, pool_max_size=2))
        async with pool, AsyncPromptRegistry(pool) as reg:
            for _ in range(200):
                if reg.cache.live:
                    break
                await asyncio.sleep(0.01)
            assert reg.cache.live
            assert (await reg.get_prompt("trace_analysis")).version == 1
            assert (await reg.get_prompt("trace_analysis")).version == 1
            assert reg.cache.stats.hits == 1
            conn.execute("SELECT agent_loggy.create_prompt_version('trace_analysis', 'v2', p_labels => '{production}')")
            for _ in range(200):
                if (await reg.get_prompt("trace_analysis")).version == 2:
                    break
                await asyncio.sleep(0.005)
            assert (await reg.get_prompt("trace_analysis")).version == 2
            p = await reg.publish("trace_analysis", "v3 {x}", actor="async", labels=["staging"])
            assert p.version == 3
            assert await reg.rollback_label("trace_analysis", "production", actor="async") == 1
            assert [m.to_version for m in await reg.history("trace_analysis")][-1] == 1
            assert (await reg.get_prompt("ghost", fallback="x")).is_fallback
            with pytest.raises(PromptNotFound):
                await reg.get_prompt("ghost")
        assert not reg.cache.live

    asyncio.run(scenario())
