"""Pools: pgvector registered on every connection, connections checked, bindings per transaction."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest
from pgvector import Vector
from psycopg.pq import TransactionStatus

from agent_loggy_db import (
    Settings,
    bind_transaction,
    bind_transaction_async,
    create_async_pool,
    create_pool,
    pipelined_statement,
    pipelined_statement_async,
    pipelined_transaction,
    pipelined_transaction_async,
)
from agent_loggy_db.pool import _autocommit_pipeline, _autocommit_pipeline_async


def test_pool_returns_vectors_and_binds_per_transaction(db_url: str) -> None:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool:
        assert isinstance(pool.kwargs, dict) and pool.kwargs["connect_timeout"] == 10
        with pool.connection() as conn:
            row = conn.execute("SELECT '[1,2,3]'::vector").fetchone()
            assert row is not None and isinstance(row[0], Vector)
            assert row[0].to_list() == [1.0, 2.0, 3.0]
            with conn.transaction():
                bind_transaction(conn, actor="carol", summary="why", project="default")
                got = conn.execute(
                    "SELECT current_setting('agent_loggy.actor'), current_setting('agent_loggy.change_summary'),"
                    " current_setting('agent_loggy.project')"
                ).fetchone()
                assert got == ("carol", "why", "default")
        with pool.connection() as conn:  # the same single connection, borrowed again
            got = conn.execute("SELECT nullif(current_setting('agent_loggy.actor', true), '')").fetchone()
            assert got == (None,)


def test_pool_replaces_a_connection_that_died(db_url: str) -> None:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool:
        with pool.connection() as conn:
            pid = conn.info.backend_pid
        with psycopg.connect(db_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pool.connection() as conn:  # check= notices the dead one and hands out a new one
            assert conn.execute("SELECT 1").fetchone() == (1,)
            assert conn.info.backend_pid != pid


def test_async_pool_returns_vectors_and_binds(db_url: str) -> None:
    async def run() -> tuple[object, object]:
        pool = await create_async_pool(db_url, Settings(pool_min_size=1, pool_max_size=1))
        async with pool, pool.connection() as conn:
            cur = await conn.execute("SELECT '[4,5]'::vector")
            vec = (await cur.fetchone() or [None])[0]
            async with conn.transaction():
                await bind_transaction_async(conn, actor="dave")
                cur = await conn.execute("SELECT current_setting('agent_loggy.actor')")
                actor = (await cur.fetchone() or [None])[0]
        return vec, actor

    vec, actor = asyncio.run(run())
    assert isinstance(vec, Vector) and actor == "dave"


def test_unknown_binding_is_refused(db_url: str) -> None:
    with (
        create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool,
        pool.connection() as conn,
        pytest.raises(TypeError, match="unknown transaction binding"),
    ):
        bind_transaction(conn, tenant="x")


def _bound_project(cur: psycopg.Cursor[Any]) -> None:
    cur.execute("SELECT nullif(current_setting('agent_loggy.project', true), '')")


def test_pipelined_transaction_binds_commits_and_leaves_nothing_behind(db_url: str) -> None:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool, pool.connection() as conn:
        with conn.cursor() as cur:
            with pipelined_transaction(conn, project="default", actor="erin"):
                cur.execute("INSERT INTO agent_loggy.negate_keys (project, label, operator, value, version) "
                            "VALUES ('default', 'pipelined', '=', 'x', 1)")
                cur.execute("SELECT current_setting('agent_loggy.project'), current_setting('agent_loggy.actor'), "
                            "pg_current_xact_id()::text = (SELECT transaction_id::text "
                            "FROM agent_loggy.config_changelog ORDER BY id DESC LIMIT 1)")
            assert cur.fetchone() == ("default", "erin", True)  # one transaction: the insert's changelog row is ours
        assert conn.autocommit is False and conn.info.transaction_status == TransactionStatus.IDLE
        with conn.cursor() as cur:
            _bound_project(cur)
            assert cur.fetchone() == (None,)
            cur.execute("SELECT changed_by FROM agent_loggy.config_changelog WHERE config_name = 'pipelined = x'")
            assert cur.fetchall() == [("erin",)]
        conn.rollback()


@pytest.mark.parametrize("failure", ["sql", "python"])
def test_pipelined_transaction_rolls_back_whole(db_url: str, failure: str) -> None:
    insert = ("INSERT INTO agent_loggy.negate_keys (project, label, operator, value, version) "
              "VALUES ('default', 'half', '=', 'written', 1)")
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool:
        with pool.connection() as conn, conn.cursor() as cur:
            with pytest.raises((psycopg.errors.NoDataFound, RuntimeError)), \
                    pipelined_transaction(conn, project="default"):
                cur.execute(insert)
                if failure == "sql":
                    cur.execute("SELECT * FROM agent_loggy.resolve_prompt('no-such-prompt')")
                    cur.execute(insert.replace("half", "after"))
                else:
                    raise RuntimeError("the caller failed")
            assert conn.autocommit is False and conn.info.transaction_status == TransactionStatus.IDLE
        with pool.connection() as conn:
            left = conn.execute("SELECT count(*) FROM agent_loggy.negate_keys WHERE label IN ('half', 'after')")
            assert left.fetchone() == (0,)


def test_pipelined_transaction_refuses_a_connection_in_a_transaction(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute("SELECT 1")
        with pytest.raises(psycopg.ProgrammingError, match="idle connection"), \
                pipelined_transaction(conn, project="default"):
            pass
        assert conn.autocommit is False


def test_pipelined_transaction_async(db_url: str) -> None:
    async def main() -> tuple[object, object, bool]:
        pool = await create_async_pool(db_url, Settings(pool_min_size=1, pool_max_size=1))
        async with pool, pool.connection() as conn:
            cur = conn.cursor()
            async with pipelined_transaction_async(conn, project="default"):
                await cur.execute("SELECT current_setting('agent_loggy.project')")
            inside = await cur.fetchone()
            await cur.execute("SELECT nullif(current_setting('agent_loggy.project', true), '')")
            after = await cur.fetchone()
            await conn.rollback()
            return inside, after, conn.autocommit

    assert asyncio.run(main()) == (("default",), (None,), False)


def test_pipelined_statement_binds_one_implicit_transaction(db_url: str) -> None:
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool, pool.connection() as conn:
        with conn.cursor() as cur:
            query = "SELECT current_setting('agent_loggy.project'), current_setting('agent_loggy.actor')"
            pipelined_statement(cur, query, (), project="default", actor="frank")
            # set_config(..., true) lasts one transaction: binding and statement shared one
            assert cur.fetchone() == ("default", "frank")
            assert conn.autocommit is False and conn.info.transaction_status == TransactionStatus.IDLE
            _bound_project(cur)
            assert cur.fetchone() == (None,)
            conn.rollback()
            with pytest.raises(psycopg.errors.NoDataFound):
                pipelined_statement(cur, "SELECT * FROM agent_loggy.resolve_prompt(%s)", ("nope",), project="default")
            assert conn.autocommit is False and conn.info.transaction_status == TransactionStatus.IDLE
        conn.rollback()


def test_pipelined_statement_async(db_url: str) -> None:
    async def main() -> tuple[object, bool]:
        pool = await create_async_pool(db_url, Settings(pool_min_size=1, pool_max_size=1))
        async with pool, pool.connection() as conn:
            cur = conn.cursor()
            await pipelined_statement_async(cur, "SELECT current_setting('agent_loggy.project')", (), project="beta")
            return await cur.fetchone(), conn.autocommit

    assert asyncio.run(main()) == (("beta",), False)


@pytest.mark.parametrize("transaction", ["explicit", "implicit"])
def test_a_failed_pipeline_leaves_prepared_statements_usable(db_url: str, transaction: str) -> None:
    """psycopg prepares a query on its 5th run; in a pipeline that fails before it, the server skips
    that Parse while psycopg records the name, so psycopg must forget its statements after a failure.
    Implicit: the transaction of pipelined_statement, over when its failure is raised (a failing
    statement stands in for a binding cancelled on the server)."""
    with create_pool(db_url, Settings(pool_min_size=1, pool_max_size=1)) as pool:
        for attempt in range(12):
            with pool.connection() as conn, conn.cursor() as cur:
                block = (pipelined_transaction(conn, project="default") if transaction == "explicit"
                         else _autocommit_pipeline(conn))
                try:
                    with block:
                        if attempt % 2:
                            cur.execute("SELECT 1 / 0")
                        cur.execute("SELECT version FROM agent_loggy.resolve_prompt('trace_analysis')")
                except psycopg.errors.DivisionByZero:
                    assert attempt % 2
                else:
                    assert cur.fetchall() == [(1,)]


def test_pipelined_calls_give_the_connection_back_as_they_found_it(db_url: str) -> None:
    with psycopg.connect(db_url, autocommit=True) as conn, conn.cursor() as cur:
        pipelined_statement(cur, "SELECT 1", (), project="default")
        with pytest.raises(psycopg.errors.NoDataFound):
            pipelined_statement(cur, "SELECT * FROM agent_loggy.resolve_prompt('nope')", (), project="default")
        with pipelined_transaction(conn, project="default"):
            cur.execute("SELECT 1")
        assert conn.autocommit is True and conn.info.transaction_status == TransactionStatus.IDLE


def test_a_failure_raised_inside_the_pipeline_logs_no_warning(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """psycopg warns that it ignored "pipeline aborted" when the block already raised the error
    (as happens when a result arrives while later statements are being queued): routine noise."""
    with psycopg.connect(db_url) as conn, conn.cursor() as cur:
        with pytest.raises(psycopg.errors.DivisionByZero), pipelined_transaction(conn, project="default"):
            cur.execute("SELECT 1 / 0")
            cur.execute("SELECT 2")
            with conn.pipeline() as pipeline:
                pipeline.sync()  # the error is raised here, inside the block
        assert conn.info.transaction_status == TransactionStatus.IDLE
    assert [r.getMessage() for r in caplog.records if r.name == "psycopg"] == []


def test_pipelined_statement_async_failure_leaves_a_usable_connection(db_url: str) -> None:
    async def main() -> list[object]:
        pool = await create_async_pool(db_url, Settings(pool_min_size=1, pool_max_size=1))
        seen: list[object] = []
        async with pool:
            for attempt in range(12):
                async with pool.connection() as conn:
                    cur = conn.cursor()
                    try:
                        async with _autocommit_pipeline_async(conn):
                            if attempt % 2:
                                await cur.execute("SELECT 1 / 0")
                            await cur.execute("SELECT version FROM agent_loggy.resolve_prompt('trace_analysis')")
                        seen.append(await cur.fetchone())
                    except psycopg.errors.DivisionByZero:
                        seen.append("failed")
                    seen.append((conn.autocommit, conn.info.transaction_status))
        return seen

    seen = asyncio.run(main())
    assert seen == [(1,), (False, TransactionStatus.IDLE), "failed", (False, TransactionStatus.IDLE)] * 6
