"""Pools: pgvector registered on every connection, connections checked, bindings per transaction."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from pgvector import Vector

from agent_loggy_db import Settings, bind_transaction, bind_transaction_async, create_async_pool, create_pool


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
