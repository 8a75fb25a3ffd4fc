"""The in-process prompt cache, kept fresh by NOTIFY agent_loggy_config.

The cache serves entries only while its listener holds a live LISTEN connection: until the
listener is connected, and from the moment it loses the connection until it is back, the cache
is empty and bypassed (every read goes to the database), so it is never silently stale.
A read that raced with an invalidation is not stored (generation check). An optional TTL is a
safety net on top.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
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


@dataclass
class CacheStats:
    """Counters for tests and diagnostics."""

    hits: int = 0
    misses: int = 0
    invalidations: int = 0


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

    def invalidate(self, payload: str) -> None:
        """Apply one agent_loggy_config notification: {"project", "type", "name"}."""
        try:
            change: Any = json.loads(payload)
            project, kind, name = change["project"], change["type"], change["name"]
        except (ValueError, TypeError, KeyError):
            log.warning("unreadable %s payload %r: clearing the prompt cache", CHANNEL, payload)
            self.clear()
            return
        self.forget(project, name if kind == "prompt" else None)

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
            for note in conn.notifies(timeout=min(0.25, self.ping_every)):
                self.cache.invalidate(note.payload)
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
            async for note in conn.notifies(timeout=self.ping_every):
                self.cache.invalidate(note.payload)
            await conn.execute("SELECT 1")
