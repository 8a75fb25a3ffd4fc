"""Connection pools (sync and async) with pgvector registered, and per-transaction bindings."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import psycopg
from pgvector.psycopg import register_vector, register_vector_async
from psycopg.abc import Params
from psycopg.pq import TransactionStatus
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from agent_loggy_db.errors import ConnectionFailed, translated_errors
from agent_loggy_db.settings import Settings
from agent_loggy_db.urls import routed, split_urls, to_libpq

BINDINGS = {
    "actor": "agent_loggy.actor",
    "summary": "agent_loggy.change_summary",
    "project": "agent_loggy.project",
    "user": "agent_loggy.user",
}
"""Python name -> transaction setting read by the triggers and functions."""

REPLICA_PAUSE = 5.0
"""Seconds reads stay on the primary after the replicas could not be reached."""

T = TypeVar("T")
log = logging.getLogger(__name__)


class RoutedPool(ConnectionPool):
    """A pool of connections to the primary (writes, and reads when there is no replica) with, when the
    database has streaming replicas, a second pool, `replicas`, that reads go to (see readers()).
    Opening and closing it opens and closes both."""

    def __init__(self, conninfo: str, *, replicas: ConnectionPool | None, replica_wait: float,
                 **kwargs: Any) -> None:
        self.replicas = replicas
        self.replica_wait = replica_wait
        self.replicas_failed_at = -REPLICA_PAUSE
        super().__init__(conninfo, **kwargs)

    def open(self, wait: bool = False, timeout: float = 30.0) -> None:
        super().open(wait, timeout)
        if self.replicas is not None:
            self.replicas.open(wait, timeout)

    def close(self, timeout: float = 5.0) -> None:
        if self.replicas is not None:
            self.replicas.close(timeout)
        super().close(timeout)


class AsyncRoutedPool(AsyncConnectionPool):
    """The async twin of RoutedPool."""

    def __init__(self, conninfo: str, *, replicas: AsyncConnectionPool | None, replica_wait: float,
                 **kwargs: Any) -> None:
        self.replicas = replicas
        self.replica_wait = replica_wait
        self.replicas_failed_at = -REPLICA_PAUSE
        super().__init__(conninfo, **kwargs)

    async def open(self, wait: bool = False, timeout: float = 30.0) -> None:
        await super().open(wait, timeout)
        if self.replicas is not None:
            await self.replicas.open(wait, timeout)

    async def close(self, timeout: float = 5.0) -> None:
        if self.replicas is not None:
            await self.replicas.close(timeout)
        await super().close(timeout)


def readers(pool: ConnectionPool) -> ConnectionPool:
    """Where reads go now: the replicas of a RoutedPool that has some, unless they could not be reached
    in the last REPLICA_PAUSE seconds; else the pool itself."""
    replicas = getattr(pool, "replicas", None)
    if isinstance(replicas, ConnectionPool) and _replicas_up(pool):
        return replicas
    return pool


def async_readers(pool: AsyncConnectionPool) -> AsyncConnectionPool:
    """The async twin of readers()."""
    replicas = getattr(pool, "replicas", None)
    if isinstance(replicas, AsyncConnectionPool) and _replicas_up(pool):
        return replicas
    return pool


def _replicas_up(pool: Any) -> bool:
    return bool(time.monotonic() - getattr(pool, "replicas_failed_at", -REPLICA_PAUSE) >= REPLICA_PAUSE)


def _replicas_down(pool: Any, exc: BaseException) -> None:
    if _replicas_up(pool):
        log.warning("the replicas could not be reached (%s); reading from the primary for %g s", exc, REPLICA_PAUSE)
    pool.replicas_failed_at = time.monotonic()


def read_on_replicas(pool: ConnectionPool, read: Callable[[ConnectionPool], T]) -> T:
    """read(readers(pool)); when that is the replicas and they cannot be reached (ConnectionFailed), read(pool),
    and reads stay on the pool for REPLICA_PAUSE seconds."""
    target = readers(pool)
    if target is pool:
        return read(pool)
    try:
        return read(target)
    except ConnectionFailed as exc:
        _replicas_down(pool, exc)
    return read(pool)


async def read_on_replicas_async(pool: AsyncConnectionPool, read: Callable[[AsyncConnectionPool], Awaitable[T]]) -> T:
    """The async twin of read_on_replicas."""
    target = async_readers(pool)
    if target is pool:
        return await read(pool)
    try:
        return await read(target)
    except ConnectionFailed as exc:
        _replicas_down(pool, exc)
    return await read(pool)


REPLAYED_SQL = "SELECT agent_loggy.replayed(%s::pg_lsn)"


def wait_replayed(pool: ConnectionPool, lsn: str, wait: float) -> bool:
    """Poll a connection of pool (autocommit: no snapshot held between polls, which would hold up the
    standby's replay) until its server has replayed the primary's WAL up to lsn; False after `wait` s."""
    deadline = time.monotonic() + wait
    with translated_errors(), pool.connection() as conn:
        was, conn.autocommit = conn.autocommit, True
        try:
            while conn.execute(REPLAYED_SQL, (lsn,)).fetchone() != (True,):
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.001)
        finally:
            conn.autocommit = was
    return True


async def wait_replayed_async(pool: AsyncConnectionPool, lsn: str, wait: float) -> bool:
    """The async twin of wait_replayed."""
    deadline = time.monotonic() + wait
    with translated_errors():
        async with pool.connection() as conn:
            was = conn.autocommit
            await conn.set_autocommit(True)
            try:
                while await (await conn.execute(REPLAYED_SQL, (lsn,))).fetchone() != (True,):
                    if time.monotonic() >= deadline:
                        return False
                    await asyncio.sleep(0.001)
            finally:
                await conn.set_autocommit(was)
    return True


def create_pool(url: str, settings: Settings | None = None, *, open: bool = True,
                replica_urls: Sequence[str] | None = None) -> RoutedPool:
    """A pool over a migrated database: pgvector types registered, checked on checkout (a dead
    connection found there gets every idle one checked at once, see _check_or_sweep).

    With streaming replicas (replica_urls; default: settings.replica_urls, without settings
    AGENT_LOGGY_REPLICA_URLS) or a
    multi-host url, reads go to a second pool preferring a standby and writes to the host that accepts
    them (urls.routed); with neither, one pool as before."""
    s = settings or Settings()
    writes, reads = routed(to_libpq(url), _replica_urls(settings, replica_urls))
    pool: RoutedPool

    def check(conn: psycopg.Connection[Any]) -> None:
        _check_or_sweep(pool, conn)

    def check_replica(conn: psycopg.Connection[Any]) -> None:
        assert pool.replicas is not None
        _check_or_sweep(pool.replicas, conn)

    # opened here when asked: ConnectionPool.__init__ opens itself without calling open()
    replicas = None if reads is None else ConnectionPool(
        reads, configure=_configure, check=check_replica, name="agent_loggy_replicas", open=open, **_sizes(s, True))
    pool = RoutedPool(writes, replicas=replicas, replica_wait=s.replica_wait, configure=_configure, check=check,
                      name="agent_loggy", open=open, **_sizes(s))
    return pool


async def create_async_pool(url: str, settings: Settings | None = None, *,
                            replica_urls: Sequence[str] | None = None) -> AsyncRoutedPool:
    """The async twin of create_pool, opened before it is returned."""
    s = settings or Settings()
    writes, reads = routed(to_libpq(url), _replica_urls(settings, replica_urls))
    pool: AsyncRoutedPool

    async def check(conn: psycopg.AsyncConnection[Any]) -> None:
        await _check_or_sweep_async(pool, conn)

    async def check_replica(conn: psycopg.AsyncConnection[Any]) -> None:
        assert pool.replicas is not None
        await _check_or_sweep_async(pool.replicas, conn)

    replicas = None if reads is None else AsyncConnectionPool(
        reads, configure=_configure_async, check=check_replica, name="agent_loggy_async_replicas", open=False,
        **_sizes(s, True))
    pool = AsyncRoutedPool(writes, replicas=replicas, replica_wait=s.replica_wait, configure=_configure_async,
                           check=check, name="agent_loggy_async", open=False, **_sizes(s))
    await pool.open()
    return pool


def _replica_urls(settings: Settings | None, replica_urls: Sequence[str] | None) -> list[str]:
    """The replicas asked for: replica_urls, else the settings', else AGENT_LOGGY_REPLICA_URLS."""
    if replica_urls is not None:
        return list(replica_urls)
    if settings is not None:
        return list(settings.replica_urls)
    return split_urls(os.environ.get("AGENT_LOGGY_REPLICA_URLS", ""))


def _sizes(s: Settings, replicas: bool = False) -> dict[str, Any]:
    """The pool's arguments; the replicas' pool waits for a connection no longer than a connection takes
    to make (then reads go to the primary, see read_on_replicas)."""
    kwargs: dict[str, Any] = {"connect_timeout": s.connect_timeout}
    if not s.prepared_statements:
        kwargs["prepare_threshold"] = None  # a pooler may hand each transaction another server connection
    return {
        "min_size": s.pool_min_size,
        "max_size": s.pool_max_size,
        "timeout": min(s.pool_timeout, s.connect_timeout) if replicas else s.pool_timeout,
        "kwargs": kwargs,
    }


def bind_transaction(conn: psycopg.Connection[Any], **values: str | None) -> None:
    """Bind project / actor / summary to the current transaction only (set_config(..., true)).

    Call it as the first statement of a transaction: the project decides which rows row level
    security lets the transaction see. The values vanish at commit or rollback, so a pooled
    connection never carries them into the next borrower's work. One round trip for all values.
    """
    statement = _binding_statement(values)
    if statement is not None:
        conn.execute(*statement)


async def bind_transaction_async(conn: psycopg.AsyncConnection[Any], **values: str | None) -> None:
    """The async twin of bind_transaction."""
    statement = _binding_statement(values)
    if statement is not None:
        await conn.execute(*statement)


@contextmanager
def bound_transaction(conn: psycopg.Connection[Any], **values: str | None) -> Iterator[None]:
    """conn.transaction() whose first statement binds `values` (see bind_transaction).

    Inside a transaction the caller holds it is a savepoint, and the caller's own bindings are
    put back when it ends: a set_config(..., true) made in a savepoint outlives its release.
    """
    statement = _binding_statement(values)
    saved: tuple[tuple[str, str], ...] = ()
    if statement is not None and conn.info.transaction_status == TransactionStatus.INTRANS:
        settings = [BINDINGS[k] for k, v in values.items() if v is not None]
        reads = ", ".join("coalesce(current_setting(%s, true), '')" for _ in settings)
        row = conn.execute(f"SELECT {reads}", settings).fetchone()
        saved = tuple(zip(settings, row or (), strict=True))
    with conn.transaction():
        if statement is not None:
            conn.execute(*statement)
        yield
    if saved:
        conn.execute(*_set_config_statement(saved))


@contextmanager
def pipelined_transaction(conn: psycopg.Connection[Any], **values: str | None) -> Iterator[None]:
    """One transaction bound to `values`, sent to the server in one round trip.

    For a connection fresh from the pool (idle, no transaction). Statements executed inside the
    block are queued in a pipeline between a BEGIN (with the binding) and a COMMIT, and sent with
    one Sync when the block ends; read their results after the block. The first failing statement
    is raised there and the transaction is rolled back whole; so is it when the block raises.
    psycopg would send its own BEGIN and COMMIT as two more round trips, so the connection is in
    autocommit mode (and the transaction explicit) for the duration of the block.
    """
    with _autocommit_pipeline(conn):
        conn.execute("BEGIN")
        bind_transaction(conn, **values)
        yield
        conn.execute("COMMIT")


def pipelined_statement(cur: psycopg.Cursor[Any], query: str, params: Params, **values: str | None) -> None:
    """Run one statement bound to `values` in one round trip; read its results from `cur` after.

    The binding and the statement go in one pipeline with one Sync and no BEGIN or COMMIT:
    PostgreSQL runs what comes before a Sync as one implicit transaction, so the statement sees
    the binding, commits or fails alone, and the binding ends with it. When this returns, the
    statement has committed: an error while reading its results afterwards does not undo it.
    Several statements that must stand or fall together need pipelined_transaction. For an idle
    connection, like pipelined_transaction.
    """
    with _autocommit_pipeline(cur.connection):
        bind_transaction(cur.connection, **values)
        cur.execute(query, params)


@contextmanager
def _autocommit_pipeline(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """An idle connection in autocommit and pipeline mode for the block, then as it was.

    After a failure, psycopg must forget its prepared statements (see _forget_prepared); a
    connection that cannot be cleaned up is closed, so that a pool replaces it.
    """
    if conn.info.transaction_status != TransactionStatus.IDLE:
        raise psycopg.ProgrammingError("a pipelined call needs an idle connection, not one in a transaction")
    was = conn.autocommit
    conn.autocommit = True
    try:
        with _quiet_pipeline_abort(), conn.pipeline():
            yield
    except BaseException:
        _forget_prepared(conn)
        raise
    finally:
        if not conn.closed:
            conn.autocommit = was


def _forget_prepared(conn: psycopg.Connection[Any]) -> None:
    """Roll back what a failed pipeline left open, so psycopg forgets its prepared statements.

    psycopg prepares a query on its fifth run; in a pipeline that fails before it, the server
    skips that Parse while psycopg records the name, and every later run of the query would fail
    with "prepared statement does not exist". Only rollback() makes psycopg forget (and
    deallocate) them, so an implicit transaction the Sync already ended gets one to roll back.
    """
    if conn.closed:
        return
    try:
        if conn.info.transaction_status == TransactionStatus.IDLE:
            conn.autocommit = False
            conn.execute("SELECT 1")  # a transaction for rollback() to end
        conn.rollback()
    except psycopg.Error:
        conn.close()


@asynccontextmanager
async def pipelined_transaction_async(conn: psycopg.AsyncConnection[Any], **values: str | None) -> AsyncIterator[None]:
    """The async twin of pipelined_transaction."""
    async with _autocommit_pipeline_async(conn):
        await conn.execute("BEGIN")
        await bind_transaction_async(conn, **values)
        yield
        await conn.execute("COMMIT")


async def pipelined_statement_async(cur: psycopg.AsyncCursor[Any], query: str, params: Params,
                                    **values: str | None) -> None:
    """The async twin of pipelined_statement."""
    async with _autocommit_pipeline_async(cur.connection):
        await bind_transaction_async(cur.connection, **values)
        await cur.execute(query, params)


@asynccontextmanager
async def _autocommit_pipeline_async(conn: psycopg.AsyncConnection[Any]) -> AsyncIterator[None]:
    """The async twin of _autocommit_pipeline."""
    if conn.info.transaction_status != TransactionStatus.IDLE:
        raise psycopg.ProgrammingError("a pipelined call needs an idle connection, not one in a transaction")
    was = conn.autocommit
    await conn.set_autocommit(True)
    try:
        with _quiet_pipeline_abort():
            async with conn.pipeline():
                yield
    except BaseException:
        await _forget_prepared_async(conn)
        raise
    finally:
        if not conn.closed:
            await conn.set_autocommit(was)


async def _forget_prepared_async(conn: psycopg.AsyncConnection[Any]) -> None:
    """The async twin of _forget_prepared."""
    if conn.closed:
        return
    try:
        if conn.info.transaction_status == TransactionStatus.IDLE:
            await conn.set_autocommit(False)
            await conn.execute("SELECT 1")
        await conn.rollback()
    except psycopg.Error:
        await conn.close()


class _PipelineAbortNoise(logging.Filter):
    """Drops psycopg's warning that it ignored "pipeline aborted" while leaving a pipeline whose
    block already raised the error that aborted it (a routine failure, raised to the caller)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.msg == "error ignored terminating %r: %s"
                    and any(str(arg) == "pipeline aborted" for arg in record.args or ()))


@contextmanager
def _quiet_pipeline_abort() -> Iterator[None]:
    """_PipelineAbortNoise on the logger psycopg's pipelines use, for the block."""
    noise = _PipelineAbortNoise()
    _PSYCOPG_LOG.addFilter(noise)
    try:
        yield
    finally:
        _PSYCOPG_LOG.removeFilter(noise)


_PSYCOPG_LOG = logging.getLogger("psycopg")


def _set_config_statement(pairs: tuple[tuple[str, str], ...]) -> tuple[str, tuple[str, ...]]:
    """One SELECT of set_config(setting, value, true) per (setting, value)."""
    calls = ", ".join("set_config(%s, %s, true)" for _ in pairs)
    return f"SELECT {calls}", tuple(x for pair in pairs for x in pair)


def _binding_statement(values: dict[str, str | None]) -> tuple[str, tuple[str, ...]] | None:
    """The binding of the values given (None values are skipped), or None when there are none."""
    unknown = sorted(set(values) - set(BINDINGS))
    if unknown:
        raise TypeError(f"unknown transaction binding(s) {unknown}: expected {sorted(BINDINGS)}")
    pairs = [(BINDINGS[k], v) for k, v in values.items() if v is not None]
    if not pairs:
        return None
    return _set_config_statement(tuple(pairs))


def _check_or_sweep(pool: ConnectionPool, conn: psycopg.Connection[Any]) -> None:
    """The pool's check on checkout: ConnectionPool.check_connection; when it fails, every idle
    connection is checked at once (pool.check(): the dead ones are replaced) before it re-raises.

    After a server restart every idle connection is dead. psycopg_pool discards a connection that
    fails the check and sleeps before taking the next (1 s, then 2, 4, 8 ...), so a pool holding
    five dead connections took 15 s to serve the next call, and ten outlasted its timeout. With the
    sweep the next call costs one such sleep.
    """
    try:
        ConnectionPool.check_connection(conn)
    except Exception:
        pool.check()
        raise


async def _check_or_sweep_async(pool: AsyncConnectionPool, conn: psycopg.AsyncConnection[Any]) -> None:
    """The async twin of _check_or_sweep."""
    try:
        await AsyncConnectionPool.check_connection(conn)
    except Exception:
        await pool.check()
        raise


def _configure(conn: psycopg.Connection[Any]) -> None:
    register_vector(conn)
    conn.commit()


async def _configure_async(conn: psycopg.AsyncConnection[Any]) -> None:
    await register_vector_async(conn)
    await conn.commit()
