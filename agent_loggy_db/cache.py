"""The in-process prompt cache, kept fresh by NOTIFY agent_loggy_config.

The cache serves entries only while its listener holds a live LISTEN connection: until the
listener is connected, and from the moment it loses the connection until it is back, the cache
is empty and bypassed (every read goes to the database), so it is never silently stale.
A read that raced with an invalidation is not stored (generation check). An optional TTL is a
safety net on top.

A notification carries only the id of the transaction that changed something (any login can
send one, and listeners must not learn other projects' names). The listener reads what that
transaction changed through its own row level security (CHANGES_SQL) and drops those entries; a
notification naming no recorded change is forged: counted, logged at most once a minute, and
otherwise ignored. A grant change empties the cache: the role's own access may have changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import psycopg

from agent_loggy_db.models import Prompt

CHANNEL = "agent_loggy_config"
APPLICATION_NAME = "agent_loggy_listener"
log = logging.getLogger(__name__)

CacheKey = tuple[Hashable, ...]
"""(project, name, *what was asked): invalidation matches on the first two items."""


CHANGES_SQL = (
    "SELECT true AS visible, c.project, c.config_type, c.config_name FROM agent_loggy.config_changelog AS c"
    " WHERE c.transaction_id = %(tx)s::xid8"
    " UNION ALL SELECT false, NULL, k, NULL FROM unnest(agent_loggy.change_kinds(%(tx)s::xid8)) AS k"
)
"""What one notification's transaction changed: the rows this role may read, then every kind of change."""

Change = tuple[bool, str | None, str, str | None]
"""A row of CHANGES_SQL: (visible, project, config_type, config_name)."""

_FORGED_LOG_EVERY = 60.0


@dataclass
class CacheStats:
    """Counters for tests and diagnostics; forged counts notifications that named no recorded change."""

    hits: int = 0
    misses: int = 0
    invalidations: int = 0
    forged: int = 0


class PromptCache:
    """Thread-safe map of resolved prompts, live only while a listener is connected."""

    def __init__(self, ttl: float | None = None) -> None:
        self.ttl = ttl
        self.stats = CacheStats()
        self._lock = threading.Lock()
        self._entries: dict[CacheKey, tuple[Prompt, float]] = {}
        self._generation = 0
        self._live = False

    @property
    def live(self) -> bool:
        """True while a listener is connected and entries may be served."""
        return self._live

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey) -> Prompt | None:
        """The cached prompt, or None (not cached, expired, or the cache is not live)."""
        with self._lock:
            entry = self._entries.get(key) if self._live else None
            if entry is not None and self.ttl is not None and time.monotonic() - entry[1] > self.ttl:
                del self._entries[key]
                entry = None
            if entry is None:
                self.stats.misses += 1
                return None
            self.stats.hits += 1
            return entry[0]

    def generation(self) -> int:
        """Take before reading the database; pass to put() so a raced read is dropped."""
        return self._generation

    def put(self, key: CacheKey, prompt: Prompt, generation: int) -> None:
        """Store unless the cache is not live or was invalidated since `generation`."""
        with self._lock:
            if self._live and generation == self._generation:
                self._entries[key] = (prompt, time.monotonic())

    def apply(self, changes: list[Change]) -> bool:
        """Apply what one notification's transaction changed (rows of CHANGES_SQL); False when it named no
        recorded change (a forged notification: nothing is dropped)."""
        kinds = {kind for visible, _, kind, _ in changes if not visible}
        if not kinds:
            return False
        if "grant" in kinds:
            self.clear()  # a grant or revocation: what this role may read can have changed
            return True
        for visible, project, kind, name in changes:
            if visible and project is not None:
                self.forget(project, name if kind == "prompt" else None)
        return True

    def forget(self, project: str, name: str | None) -> None:
        """Drop the entries of one prompt, or of every prompt of the project when name is None."""
        with self._lock:
            self._generation += 1
            self.stats.invalidations += 1
            for key in list(self._entries):
                if key[0] == project and (name is None or key[1] == name):
                    del self._entries[key]

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def set_live(self, live: bool) -> None:
        """Start or stop serving entries; both directions start from an empty cache."""
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._live = live


def transaction_of(payload: str) -> str | None:
    """The transaction id a notification carries (decimal text, as xid8 reads it), or None when the
    payload is not one."""
    text = payload.strip()
    return text if text.isascii() and text.isdigit() and len(text) <= 20 else None


class ForgeryLog:
    """Counts forged notifications in a cache's stats and logs them at most once a minute."""

    def __init__(self, cache: PromptCache) -> None:
        self.cache = cache
        self._last = -_FORGED_LOG_EVERY
        self._since = 0

    def record(self, payload: str) -> None:
        self.cache.stats.forged += 1
        self._since += 1
        now = time.monotonic()
        if now - self._last >= _FORGED_LOG_EVERY:
            log.warning("%d %s notification(s) named no recorded change (forged?), e.g. %r: ignored",
                        self._since, CHANNEL, payload[:80])
            self._last, self._since = now, 0


def listener_kwargs(pool_kwargs: dict[str, Any]) -> dict[str, Any]:
    """Connection arguments of a listener: the pool's, plus autocommit, a name, and TCP keepalives
    so that a silently dead connection is noticed within about 20 s (ignored on unix sockets)."""
    return {**pool_kwargs, "autocommit": True, "application_name": APPLICATION_NAME,
            "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 5, "keepalives_count": 3}


class Listener:
    """A daemon thread holding one LISTEN connection that feeds a PromptCache; reconnects on loss."""

    def __init__(self, conninfo: str, cache: PromptCache, pool_kwargs: dict[str, Any], *, retry_delay: float = 0.5,
                 ping_every: float = 5.0) -> None:
        self.conninfo = conninfo
        self.cache = cache
        self.retry_delay = retry_delay
        self.ping_every = ping_every
        self.connect_kwargs = listener_kwargs(pool_kwargs)
        self._forged = ForgeryLog(cache)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="agent_loggy_listener", daemon=True)

    def start(self) -> None:
        """Start listening in the background; the cache goes live once LISTEN has run."""
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and take the cache offline."""
        self._stop.set()
        self._thread.join(timeout)
        self.cache.set_live(False)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.conninfo, **self.connect_kwargs) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.cache.set_live(True)
                    self._serve(conn)
            except psycopg.Error as exc:
                log.warning("prompt cache listener lost its connection (%s); cache bypassed until it is back", exc)
            except Exception:
                log.exception("prompt cache listener failed; cache bypassed, retrying")
            finally:
                self.cache.set_live(False)
            self._stop.wait(self.retry_delay)

    def _serve(self, conn: psycopg.Connection[Any]) -> None:
        last_ping = time.monotonic()
        while not self._stop.is_set():
            # stop_after=1: back as soon as a notification arrives (the generator holds the connection)
            payloads = [note.payload for note in conn.notifies(timeout=min(0.25, self.ping_every), stop_after=1)]
            for payload in payloads:
                tx = transaction_of(payload)
                changes: list[Change] = conn.execute(CHANGES_SQL, {"tx": tx}).fetchall() if tx is not None else []
                if not self.cache.apply(changes):
                    self._forged.record(payload)
            if time.monotonic() - last_ping >= self.ping_every:
                conn.execute("SELECT 1")  # notices a silently dead connection
                last_ping = time.monotonic()


class AsyncListener:
    """The asyncio twin of Listener: one task, one LISTEN connection."""

    def __init__(self, conninfo: str, cache: PromptCache, pool_kwargs: dict[str, Any], *,
                 retry_delay: float = 0.5, ping_every: float = 5.0) -> None:
        self.conninfo = conninfo
        self.cache = cache
        self.retry_delay = retry_delay
        self.ping_every = ping_every
        self.connect_kwargs = listener_kwargs(pool_kwargs)
        self._forged = ForgeryLog(cache)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the listening task on the running loop (no-op if started)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="agent_loggy_listener")

    async def stop(self) -> None:
        """Cancel the task and take the cache offline."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.cache.set_live(False)

    async def _run(self) -> None:
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo, **self.connect_kwargs) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.cache.set_live(True)
                    await self._serve(conn)
            except psycopg.Error as exc:
                log.warning("prompt cache listener lost its connection (%s); cache bypassed until it is back", exc)
            except Exception:
                log.exception("prompt cache listener failed; cache bypassed, retrying")
            finally:
                self.cache.set_live(False)
            await asyncio.sleep(self.retry_delay)

    async def _serve(self, conn: psycopg.AsyncConnection[Any]) -> None:
        while True:
            payloads = [note.payload async for note in conn.notifies(timeout=self.ping_every, stop_after=1)]
            for payload in payloads:
                tx = transaction_of(payload)
                changes: list[Change] = []
                if tx is not None:
                    changes = await (await conn.execute(CHANGES_SQL, {"tx": tx})).fetchall()
                if not self.cache.apply(changes):
                    self._forged.record(payload)
            if not payloads:
                await conn.execute("SELECT 1")  # notices a silently dead connection
