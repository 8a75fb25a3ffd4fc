"""The in-process prompt cache, kept fresh by NOTIFY agent_loggy_config, and what it does in an outage.

The cache serves entries as fresh only while its listener holds a live LISTEN connection. When the
listener loses its connection it tries once more at once: if the database answers, the cache is
emptied (what changed meanwhile was not heard) and goes on; if not, the database is away (an
outage): entries are served as they were, marked stale (Prompt.is_stale, Prompt.confirmed_at =
when the connection was lost), and nothing new is stored. The listener then retries with a
backoff (0.5 s doubling to 2 s), logging once when the outage starts and once when it ends; when
it is back the cache is emptied again, so every prompt is read afresh. Until the listener first
connects nothing is cached. A read that raced with an invalidation is not stored (generation
check). An optional TTL is a safety net on top (not applied to stale entries in an outage). The cache
holds at most MAX_ENTRIES prompts (cachetools' LRUCache: the least recently read goes first).

A notification carries only the id of the transaction that changed something (any login can
send one, and listeners must not learn other projects' names). The listener reads what that
transaction changed through its own row level security (CHANGES_SQL) and drops those entries; a
notification naming no recorded change, one heard already, or one older than the listener's
connection is forged: counted, logged at most once a minute, and otherwise ignored. A grant change
empties the cache: the role's own access may have changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Hashable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import psycopg
from cachetools import FIFOCache, LRUCache

from agent_loggy_db.models import Prompt

CHANNEL = "agent_loggy_config"
LISTEN_SQL = f"SET agent_loggy.project = ''; LISTEN {CHANNEL}"
"""The listener's own session: no project bound (a login role's default binding would hide the other
projects it may read, whose changes it must hear), then LISTEN."""
APPLICATION_NAME = "agent_loggy_listener"
log = logging.getLogger(__name__)

CacheKey = tuple[Hashable, ...]
"""(project, name, *what was asked): invalidation matches on the first two items."""


CHANGES_SQL = (
    "SELECT true AS visible, c.project, c.config_type, c.config_name FROM agent_loggy.config_changelog AS c"
    " WHERE c.transaction_id = %(tx)s::xid8"
    " UNION ALL SELECT true, c.previous_data ->> 'project', c.config_type, c.previous_data ->> 'name'"
    " FROM agent_loggy.config_changelog AS c WHERE c.transaction_id = %(tx)s::xid8 AND c.previous_data IS NOT NULL"
    " UNION ALL SELECT false, NULL, k, NULL FROM unnest(agent_loggy.change_kinds(%(tx)s::xid8)) AS k"
)
"""What one notification's transaction changed: the configs this role may read, each under its name and
project after and before the change (a rename or a move to another project leaves both stale), then
every kind of change the transaction made in any project."""

HORIZON_SQL = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, pg_current_wal_insert_lsn()::text"
"""The oldest transaction still running when the listener connected: every older one is reflected in
what the cache reads from then on, so a notification naming one is a replay; and the primary's WAL
position then, which a replica must have replayed before the emptied cache is filled from it."""

POSITION_SQL = "SELECT pg_current_wal_insert_lsn()::text"
"""The primary's WAL position when a notification is read: past the commit of the change it announces."""

XID8_MAX = 2**64 - 1

Change = tuple[bool, str | None, str, str | None]
"""A row of CHANGES_SQL: (visible, project, config_type, config_name)."""

_FORGED_LOG_EVERY = 60.0

MAX_ENTRIES = 10_000
"""How many resolved prompts a PromptCache holds: every (project, name, label, version, fallbacks) asked
for is an entry, so an agent that walks many versions or projects would otherwise grow it without end."""


@dataclass
class CacheStats:
    """Counters for tests and diagnostics: notifications counts those that named a recorded change (applied),
    forged those that did not (ignored)."""

    hits: int = 0
    misses: int = 0
    invalidations: int = 0
    notifications: int = 0
    forged: int = 0


class PromptCache:
    """Thread-safe map of resolved prompts: fresh while a listener is connected, stale in an outage; at
    most maxsize entries, the least recently read evicted first."""

    def __init__(self, ttl: float | None = None, maxsize: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.stats = CacheStats()
        self._lock = threading.Lock()
        # the TTL is checked by hand in get(): cachetools' TTLCache would also expire entries served stale in an outage
        self._entries: LRUCache[CacheKey, tuple[Prompt, float]] = LRUCache(maxsize)
        self._generation = 0
        self._live = False
        self._outage_since: datetime | None = None
        self._fence = 0

    @property
    def live(self) -> bool:
        """True while a listener is connected and entries are served as fresh."""
        return self._live

    @property
    def outage_since(self) -> datetime | None:
        """When the listener lost a connection it could not get back (entries are served stale); None otherwise."""
        return self._outage_since

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey) -> Prompt | None:
        """The cached prompt (marked stale in an outage), or None (not cached, expired, or not live)."""
        with self._lock:
            try:  # not .get(): on an LRUCache that is a second lookup, on the path that makes a cache worth having
                entry = self._entries[key] if self._live or self._outage_since else None
            except KeyError:
                entry = None
            if entry is not None and self._outage_since is not None:
                self.stats.hits += 1
                return replace(entry[0], is_stale=True, confirmed_at=self._outage_since)
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

    @property
    def fence(self) -> str | None:
        """The primary's WAL position at the last change heard (or at the listener's connection): a read
        from a replica must wait until the replica has replayed it (agent_loggy.replayed), else it
        could store the version before the change. None until the listener has connected."""
        return lsn_text(self._fence) if self._fence else None

    def raise_fence(self, lsn: str) -> None:
        """Move the fence up to `lsn` (pg_lsn text); never down."""
        with self._lock:
            self._fence = max(self._fence, lsn_number(lsn))

    def put(self, key: CacheKey, prompt: Prompt, generation: int) -> None:
        """Store unless the cache is not live or was invalidated since `generation`."""
        with self._lock:
            if self._live and generation == self._generation:
                self._entries[key] = (prompt, time.monotonic())

    def apply(self, changes: list[Change], position: str | None = None) -> bool:
        """Apply what one notification's transaction changed (rows of CHANGES_SQL), the fence first moved
        up to `position` (the primary's WAL position after it); False when it named no recorded change (a
        forged notification: nothing is dropped, the fence stays)."""
        kinds = {kind for visible, _, kind, _ in changes if not visible}
        if not kinds:
            return False
        if position is not None:
            self.raise_fence(position)  # before the entries go: a read that misses them waits for it
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
        """Start serving fresh entries (from an empty cache: nothing heard while offline is trusted), or stop
        serving entries at all (kept, in case an outage is declared next)."""
        with self._lock:
            self._generation += 1
            if live:
                self._entries.clear()
            self._live = live
            self._outage_since = None

    def declare_outage(self, since: datetime) -> None:
        """The database is away: serve the entries as they were, marked stale, confirmed at `since`."""
        with self._lock:
            self._generation += 1
            self._live = False
            self._outage_since = since


def lsn_number(text: str) -> int:
    """A pg_lsn's text (`16/B374D848`) as a number."""
    high, _, low = text.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


def lsn_text(number: int) -> str:
    """The pg_lsn text of a number."""
    return f"{number >> 32:X}/{number & 0xFFFFFFFF:X}"


def transaction_of(payload: str) -> int | None:
    """The transaction id a notification carries (decimal text of an xid8), or None when the payload is not one."""
    text = payload.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 20):
        return None
    value = int(text)
    return value if value <= XID8_MAX else None


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


class Notifications:
    """Turns notification payloads into the changes to apply: forged ones (no transaction id, a transaction
    that recorded no change, one the listener heard already, or one older than its connection) come back
    as None. One per listener connection: start() on each (re)connect."""

    SEEN_LIMIT = 10_000

    def __init__(self, cache: PromptCache) -> None:
        self.cache = cache
        self.forged = ForgeryLog(cache)
        self.horizon = 0
        self.seen: FIFOCache[int, None] = FIFOCache(self.SEEN_LIMIT)  # the oldest forgotten past the limit

    def start(self, horizon: str, position: str) -> None:
        self.horizon = int(horizon)
        self.seen.clear()
        self.cache.raise_fence(position)

    def accept(self, payload: str) -> int | None:
        """The transaction to read, or None for a payload to count as forged."""
        tx = transaction_of(payload)
        if tx is None or tx < self.horizon or tx in self.seen:
            return None
        return tx

    def heard(self, tx: int) -> None:
        """Record a transaction whose changes were applied, so a replay of it is forged. Only then: a
        forged note naming a transaction still open (no changes yet) must not mute its real one."""
        self.seen[tx] = None

    def settle(self, tx: int | None, payload: str, changes: list[Change], position: str | None) -> None:
        """Apply what transaction tx changed (the primary at WAL position `position` after it), or count the
        payload as forged when it named nothing."""
        if tx is not None and self.cache.apply(changes, position):
            self.heard(tx)
            self.cache.stats.notifications += 1
        else:
            self.forged.record(payload)


def _first(row: tuple[Any, ...] | None) -> str | None:
    return None if row is None else str(row[0])


def listener_kwargs(pool_kwargs: dict[str, Any]) -> dict[str, Any]:
    """Connection arguments of a listener: the pool's, plus autocommit, a name, and TCP keepalives
    so that a silently dead connection is noticed within about 20 s (ignored on unix sockets)."""
    return {**pool_kwargs, "autocommit": True, "application_name": APPLICATION_NAME,
            "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 5, "keepalives_count": 3}


class _Outages:
    """What a listener does when it loses its connection: retry once at once (only the listener's own
    connection went), else declare an outage and back off; log once when it starts and once at its end."""

    def __init__(self, cache: PromptCache, retry_delay: float, max_delay: float) -> None:
        self.cache = cache
        self.retry_delay = retry_delay
        self.max_delay = max_delay
        self.failures = 0
        self.lost_at: datetime | None = None
        self.ever_connected = False

    def connected(self) -> None:
        if self.cache.outage_since is not None:
            log.warning("prompt cache listener is back after %.1f s; cache emptied, prompts read afresh",
                        (datetime.now(UTC) - self.cache.outage_since).total_seconds())
        self.failures = 0
        self.lost_at = None
        self.ever_connected = True
        self.cache.set_live(True)

    def failed(self, exc: BaseException | None) -> float:
        """Record a lost or refused connection; returns how long to wait before the next attempt."""
        self.failures += 1
        if self.lost_at is None:
            self.lost_at = datetime.now(UTC)
            self.cache.set_live(False)
            return 0.0  # only this connection may have gone: try once more at once
        if self.cache.outage_since is None:
            cause = str(exc).strip() if exc else "closed"
            if self.ever_connected:
                log.warning("prompt cache listener lost its connection (%s); serving cached prompts as stale "
                            "until the database is back", cause)
            else:
                log.warning("prompt cache listener cannot connect (%s); nothing is cached until it can", cause)
            self.cache.declare_outage(self.lost_at)
        return float(min(self.max_delay, self.retry_delay * 2 ** max(0, self.failures - 2)))


class Listener:
    """A daemon thread holding one LISTEN connection that feeds a PromptCache; reconnects on loss."""

    def __init__(self, conninfo: str, cache: PromptCache, pool_kwargs: dict[str, Any], *, retry_delay: float = 0.5,
                 max_delay: float = 2.0, ping_every: float = 5.0) -> None:
        self.conninfo = conninfo
        self.cache = cache
        self.ping_every = ping_every
        self.connect_kwargs = listener_kwargs(pool_kwargs)
        self._notes = Notifications(cache)
        self._outages = _Outages(cache, retry_delay, max_delay)
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
            error: BaseException | None = None
            try:
                with psycopg.connect(self.conninfo, **self.connect_kwargs) as conn:
                    conn.execute(LISTEN_SQL)
                    row = conn.execute(HORIZON_SQL).fetchone()
                    assert row is not None
                    self._notes.start(row[0], row[1])
                    self._outages.connected()
                    self._serve(conn)
            except psycopg.Error as exc:
                error = exc
            except Exception as exc:
                log.exception("prompt cache listener failed; retrying")
                error = exc
            if not self._stop.is_set():
                self._stop.wait(self._outages.failed(error))
        self.cache.set_live(False)  # again: a connect that outlived stop()'s join may have set it live

    def _serve(self, conn: psycopg.Connection[Any]) -> None:
        last_ping = time.monotonic()
        while not self._stop.is_set():
            # stop_after=1: back as soon as a notification arrives (the generator holds the connection)
            payloads = [note.payload for note in conn.notifies(timeout=min(0.25, self.ping_every), stop_after=1)]
            for payload in payloads:
                tx = self._notes.accept(payload)
                changes: list[Change] = []
                position = None
                if tx is not None:
                    changes = conn.execute(CHANGES_SQL, {"tx": str(tx)}).fetchall()
                    position = _first(conn.execute(POSITION_SQL).fetchone())
                self._notes.settle(tx, payload, changes, position)
            if time.monotonic() - last_ping >= self.ping_every:
                conn.execute("SELECT 1")  # notices a silently dead connection
                last_ping = time.monotonic()


class AsyncListener:
    """The asyncio twin of Listener: one task, one LISTEN connection."""

    def __init__(self, conninfo: str, cache: PromptCache, pool_kwargs: dict[str, Any], *,
                 retry_delay: float = 0.5, max_delay: float = 2.0, ping_every: float = 5.0) -> None:
        self.conninfo = conninfo
        self.cache = cache
        self.ping_every = ping_every
        self.connect_kwargs = listener_kwargs(pool_kwargs)
        self._notes = Notifications(cache)
        self._outages = _Outages(cache, retry_delay, max_delay)
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
            error: BaseException | None = None
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo, **self.connect_kwargs) as conn:
                    await conn.execute(LISTEN_SQL)
                    row = await (await conn.execute(HORIZON_SQL)).fetchone()
                    assert row is not None
                    self._notes.start(row[0], row[1])
                    self._outages.connected()
                    await self._serve(conn)
            except psycopg.Error as exc:
                error = exc
            except Exception as exc:
                log.exception("prompt cache listener failed; retrying")
                error = exc
            await asyncio.sleep(self._outages.failed(error))

    async def _serve(self, conn: psycopg.AsyncConnection[Any]) -> None:
        while True:
            payloads = [note.payload async for note in conn.notifies(timeout=self.ping_every, stop_after=1)]
            for payload in payloads:
                tx = self._notes.accept(payload)
                changes: list[Change] = []
                position = None
                if tx is not None:
                    changes = await (await conn.execute(CHANGES_SQL, {"tx": str(tx)})).fetchall()
                    position = _first(await (await conn.execute(POSITION_SQL)).fetchone())
                self._notes.settle(tx, payload, changes, position)
            if not payloads:
                await conn.execute("SELECT 1")  # notices a silently dead connection
