"""Connection pools (sync and async) with pgvector registered, and per-transaction bindings."""

from __future__ import annotations

from typing import Any

import psycopg
from pgvector.psycopg import register_vector, register_vector_async
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from agent_loggy_db.settings import Settings
from agent_loggy_db.urls import to_libpq

BINDINGS = {
    "actor": "agent_loggy.actor",
    "summary": "agent_loggy.change_summary",
    "project": "agent_loggy.project",
}
"""Python name -> transaction setting read by the triggers and functions."""

_BIND_SQL = "SELECT set_config(%s, %s, true)"


def create_pool(url: str, settings: Settings | None = None, *, open: bool = True) -> ConnectionPool:
    """A ConnectionPool over a migrated database: pgvector types registered, checked on checkout."""
    return ConnectionPool(
        to_libpq(url),
        configure=_configure,
        check=ConnectionPool.check_connection,
        name="agent_loggy",
        open=open,
        **_sizes(settings or Settings()),
    )


async def create_async_pool(url: str, settings: Settings | None = None) -> AsyncConnectionPool:
    """The async twin of create_pool, opened before it is returned."""
    pool: AsyncConnectionPool = AsyncConnectionPool(
        to_libpq(url),
        configure=_configure_async,
        check=AsyncConnectionPool.check_connection,
        name="agent_loggy_async",
        open=False,
        **_sizes(settings or Settings()),
    )
    await pool.open()
    return pool


def _sizes(s: Settings) -> dict[str, Any]:
    return {
        "min_size": s.pool_min_size,
        "max_size": s.pool_max_size,
        "timeout": s.pool_timeout,
        "kwargs": {"connect_timeout": s.connect_timeout},
    }


def bind_transaction(conn: psycopg.Connection[Any], **values: str | None) -> None:
    """Set actor / summary / project for the current transaction only (set_config(..., true)).

    Call it as the first statement of a transaction; the values vanish at commit or rollback, so
    a pooled connection never carries them into the next borrower's work.
    """
    for key, value in _binding_params(values):
        conn.execute(_BIND_SQL, (key, value))


async def bind_transaction_async(conn: psycopg.AsyncConnection[Any], **values: str | None) -> None:
    """The async twin of bind_transaction."""
    for key, value in _binding_params(values):
        await conn.execute(_BIND_SQL, (key, value))


def _binding_params(values: dict[str, str | None]) -> list[tuple[str, str]]:
    unknown = sorted(set(values) - set(BINDINGS))
    if unknown:
        raise TypeError(f"unknown transaction binding(s) {unknown}: expected {sorted(BINDINGS)}")
    return [(BINDINGS[k], v) for k, v in values.items() if v is not None]


def _configure(conn: psycopg.Connection[Any]) -> None:
    register_vector(conn)
    conn.commit()


async def _configure_async(conn: psycopg.AsyncConnection[Any]) -> None:
    await register_vector_async(conn)
    await conn.commit()
