"""PromptRegistry and AsyncPromptRegistry: one SQL function per call, typed rows, a cache.

Both registries build the same `_Call`s (SQL text, parameters, row mapping) and differ only in
how they run them. Every call runs in one transaction on a pooled connection whose first
statement binds the project (row level security lets the transaction see only its rows) and, for
writes, the actor and summary the changelog records, with set_config(..., true); the whole
transaction goes to the server in one round trip (pool.pipelined_statement, or
pool.pipelined_transaction for a call of several statements).
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from agent_loggy_db.cache import MAX_ENTRIES, POSITION_SQL, AsyncListener, CacheKey, Listener, PromptCache
from agent_loggy_db.errors import (
    ConfigurationError,
    ConnectionFailed,
    InvalidInput,
    NotFound,
    PromptNotFound,
    ReplicaBehind,
    UnreadableValue,
    translated_errors,
)
from agent_loggy_db.importers.values import jsonb
from agent_loggy_db.models import ImportSummary, LabelMove, Prompt, PromptChange, PromptDiff, PromptSummary
from agent_loggy_db.pool import (
    pipelined_statement,
    pipelined_statement_async,
    pipelined_transaction,
    pipelined_transaction_async,
    read_on_replicas,
    read_on_replicas_async,
    wait_replayed,
    wait_replayed_async,
)
from agent_loggy_db.rendering import TemplateSyntaxWarning, double_brace_notice
from agent_loggy_db.settings import Settings
from agent_loggy_db.urls import to_libpq

T = TypeVar("T")
Row = dict[str, Any]

_RESOLVE = ("SELECT * FROM agent_loggy.resolve_prompt(%s::text, %s::text, %s::text, %s::integer, %s::text[])")


@dataclass(frozen=True)
class PublishedVersion:
    """What a new version says besides its template: syntax (None: the previous version's, brace at
    first), chat messages (instead of a template), tags, commit message (None: the summary)."""

    syntax: str | None = None
    messages: Sequence[Mapping[str, Any]] | None = None
    tags: Sequence[str] = ()
    commit_message: str | None = None


@dataclass(frozen=True)
class _Call(Generic[T]):
    """Statements run in one transaction bound to `project`; `result` maps the rows of the last one.

    A write names what it changes, (project, name) or (project, None) for anything, so the
    writer's own cache drops it at once instead of waiting for its NOTIFY.
    """

    project: str | None
    statements: tuple[tuple[str, tuple[Any, ...]], ...]
    result: Callable[[list[Row]], T]
    writes: tuple[str, str | None] | None = None


def _resolve(name: str, label: str, project: str, version: int | None, fallback_labels: Sequence[str]) -> _Call[Prompt]:
    return _Call(project, ((_RESOLVE, (name, label, project, version, list(fallback_labels))),),
                 lambda rows: Prompt.from_row(rows[0]))


def _write_then_resolve(sql: str, params: tuple[Any, ...], name: str, project: str,
                        version: int | None = None, label: str = "latest") -> _Call[Prompt]:
    """A write, then the version it touched (version None: the highest active, i.e. the new one)."""
    return _Call(project, ((sql, params), (_RESOLVE, (name, label, project, version, []))),
                 lambda rows: Prompt.from_row(rows[0]), writes=(project, name))


def _fenced(call: _Call[T], fence: str) -> _Call[T]:
    """A read from a replica that first checks that the replica has replayed the primary's WAL up to `fence`,
    the position of the last change the cache heard of, so that it never reads the version before that
    change: AL001 (ReplicaBehind) when it has not yet."""
    return _Call(call.project, (("SELECT agent_loggy.check_replayed(%s::pg_lsn)", (fence,)), *call.statements),
                 call.result, call.writes)


def _json(value: Any) -> Jsonb:
    """jsonb of a mapping (read-only ones too) or of any other JSON value (SQL then names what is wrong);
    text PostgreSQL cannot hold and values json cannot write become InvalidInput (see values.jsonb)."""
    return jsonb(dict(value) if isinstance(value, Mapping) else value)


def _tags(tags: Sequence[str]) -> list[str]:
    """Tags as a list; a lone string is refused (list("prod") would be four tags)."""
    if isinstance(tags, str):
        raise InvalidInput(f"tags must be a sequence of strings, not the string {tags!r}")
    return list(tags)


def _warn_double_braces(prompt: Prompt) -> None:
    """The WARNING SQL sent for a brace template holding {{identifier}}, as a Python warning."""
    notice = double_brace_notice(prompt)
    if notice:
        warnings.warn(notice, TemplateSyntaxWarning, stacklevel=3)


def _plain(messages: Any) -> Any:
    """Messages as JSON-ready values (read-only mappings of a resolved Prompt become dicts); anything
    else goes as it is, for SQL to name what is wrong."""
    if isinstance(messages, list | tuple):
        return [dict(m) if isinstance(m, Mapping) else m for m in messages]
    return dict(messages) if isinstance(messages, Mapping) else messages


def _diff(rows: list[Row], v1: int, v2: int) -> PromptDiff:
    by_version = {r["version"]: Prompt.from_row(r) for r in rows}
    return PromptDiff.between(by_version[v1], by_version[v2])


_UNDECODABLE = (psycopg.DataError, ValueError, RecursionError)
"""What decoding a row can raise: a time beyond Python's datetime, an integer of over 4300 digits, JSON
nested too deep. The database refuses such values since migration 0015; a row from before may hold one."""


def _unreadable(exc: BaseException) -> UnreadableValue:
    cause = str(exc).strip() or type(exc).__name__
    return UnreadableValue(f"a row read from the database cannot be decoded here: {cause}")


def _fetch(fetchall: Callable[[], list[Row]]) -> list[Row]:
    """fetchall(), an undecodable row raised as UnreadableValue (which get_prompt's fallback covers)."""
    try:
        return fetchall()
    except _UNDECODABLE as exc:
        raise _unreadable(exc) from exc


def _scalar(rows: list[Row]) -> Any:
    return next(iter(rows[0].values()))


@contextmanager
def _errors() -> Iterator[None]:
    """Map psycopg errors; every "not found" of the registry is a PromptNotFound."""
    try:
        with translated_errors():
            yield
    except NotFound as exc:
        if isinstance(exc, PromptNotFound):
            raise
        raise PromptNotFound(str(exc), sqlstate=exc.sqlstate, constraint=exc.constraint) from exc.__cause__


class _Calls:
    """The registry's operations as _Calls; shared by the sync and async registries."""

    @staticmethod
    def publish(name: str, template: str | None, *, actor: str, project: str, labels: Sequence[str],
                type: str | None, description: str | None, usage: str | None, model: str | None,
                parameters: Mapping[str, Any] | None, version: PublishedVersion) -> _Call[Prompt]:
        sql = ("SELECT version FROM agent_loggy.create_prompt_version(%s::text, %s::text, %s::text, %s::text[], "
               "%s::text, %s::text, %s::text, %s::text, %s::jsonb, %s::text, %s::text, %s::jsonb, %s::text[], "
               "%s::text)")
        messages = None if version.messages is None else _json(_plain(version.messages))
        params: tuple[Any, ...] = (name, template, project, list(labels), type, description, usage, model,
                                   None if parameters is None else _json(parameters), actor, version.syntax,
                                   messages, _tags(version.tags), version.commit_message)
        return _write_then_resolve(sql, params, name, project)

    @staticmethod
    def set_tags(name: str, version: int, tags: Sequence[str], project: str) -> _Call[tuple[str, ...]]:
        sql = "SELECT agent_loggy.set_prompt_tags(%s::text, %s::integer, %s::text[], %s::text)"
        return _Call(project, ((sql, (name, version, _tags(tags), project)),), lambda rows: tuple(_scalar(rows)),
                     writes=(project, name))

    @staticmethod
    def changes(name: str, project: str, embeds: bool) -> _Call[list[PromptChange]]:
        sql = "SELECT * FROM agent_loggy.prompt_history(%s::text, %s::text, %s::boolean)"
        return _Call(project, ((sql, (name, project, embeds)),), lambda rows: [PromptChange.from_row(r) for r in rows])

    @staticmethod
    def set_label(name: str, version: int, label: str, project: str) -> _Call[Prompt]:
        sql = "SELECT 1 FROM agent_loggy.set_prompt_label(%s::text, %s::integer, %s::text, %s::text)"
        return _write_then_resolve(sql, (name, version, label, project), name, project, version, label)

    @staticmethod
    def remove_label(name: str, label: str, project: str) -> _Call[int]:
        sql = "SELECT agent_loggy.remove_prompt_label(%s::text, %s::text, %s::text)"
        return _Call(project, ((sql, (name, label, project)),), _scalar, writes=(project, name))

    @staticmethod
    def rollback_label(name: str, label: str, project: str) -> _Call[int]:
        sql = "SELECT agent_loggy.rollback_prompt_label(%s::text, %s::text, %s::text)"
        return _Call(project, ((sql, (name, label, project)),), _scalar, writes=(project, name))

    @staticmethod
    def history(name: str, project: str) -> _Call[list[LabelMove]]:
        sql = "SELECT * FROM agent_loggy.prompt_label_history(%s::text, %s::text) ORDER BY changelog_id"
        return _Call(project, ((sql, (name, project)),), lambda rows: [LabelMove(**r) for r in rows])

    @staticmethod
    def diff(name: str, v1: int, v2: int, project: str) -> _Call[PromptDiff]:
        sql = f"{_RESOLVE} UNION ALL {_RESOLVE}"
        params: tuple[Any, ...] = (name, "production", project, v1, [], name, "production", project, v2, [])
        return _Call(project, ((sql, params),), lambda rows: _diff(rows, v1, v2))

    @staticmethod
    def list_prompts(project: str, tags: Sequence[str] | None) -> _Call[list[PromptSummary]]:
        sql = "SELECT * FROM agent_loggy.list_prompts(%s::text, %s::text[])"
        params = (project, None if tags is None else _tags(tags))
        return _Call(project, ((sql, params),), lambda rows: [PromptSummary(**r) for r in rows])

    @staticmethod
    def export_prompts(project: str) -> _Call[dict[str, Any]]:
        return _Call(project, (("SELECT agent_loggy.export_prompts(%s::text)", (project,)),), _scalar)

    @staticmethod
    def import_prompts(document: Mapping[str, Any], project: str | None) -> _Call[ImportSummary]:
        sql = "SELECT * FROM agent_loggy.import_prompts(%s::jsonb, %s::text)"
        target = project or str(document.get("project"))
        return _Call(target, ((sql, (_json(document), project)),), lambda rows: ImportSummary(**rows[0]),
                     writes=(target, None))


def _listen_target(pool: ConnectionPool | AsyncConnectionPool, listen_url: str | None) -> tuple[str, dict[str, Any]]:
    """Where the listener connects, and how: listen_url (or AGENT_LOGGY_LISTEN_URL) when given, as LISTEN
    cannot go through a transaction pooler, else the pool's conninfo; the pool's connect kwargs."""
    conninfo, kwargs = pool.conninfo, pool.kwargs
    if not isinstance(conninfo, str) or not (kwargs is None or isinstance(kwargs, dict)):
        raise ConfigurationError("the prompt cache needs a pool with a fixed conninfo and kwargs: pass cache=False")
    target = listen_url or Settings.from_env().listen_url
    return (to_libpq(target) if target else conninfo), dict(kwargs or {})


def _replica_timeout(replicas: ConnectionPool | AsyncConnectionPool, timeout: float | None) -> float:
    """How long a read waits for a replica's connection: at most the replicas' pool's own timeout (a connect
    timeout), so that a replica that does not answer sends the read to the primary in time."""
    return replicas.timeout if timeout is None else min(timeout, replicas.timeout)


def _routed(pool: ConnectionPool | AsyncConnectionPool) -> bool:
    return getattr(pool, "replicas", None) is not None


def _replica_wait(pool: ConnectionPool | AsyncConnectionPool) -> float:
    wait = getattr(pool, "replica_wait", None)
    return float(wait) if isinstance(wait, int | float) else Settings().replica_wait


def _position(row: Row | tuple[Any, ...] | None) -> str:
    assert row is not None
    return str(next(iter(row.values())) if isinstance(row, dict) else row[0])


def _fetch_timeout(value: float | None) -> float:
    timeout = Settings.from_env().fetch_timeout if value is None else value
    if not timeout > 0:
        raise ConfigurationError(f"fetch_timeout={value!r}: expected a number of seconds above 0")
    return float(timeout)


def _cache_key(name: str, label: str, project: str, version: int | None, fallback_labels: Sequence[str]) -> CacheKey:
    return (project, name, label, version, tuple(fallback_labels))


class PromptRegistry:
    """Prompts over a ConnectionPool. With cache=True (default) resolved prompts are cached and
    invalidated by NOTIFY on a dedicated listener thread (connected to listen_url, default
    AGENT_LOGGY_LISTEN_URL, else the pool's server); call close() (or use `with`) to stop it. In an
    outage cached prompts are served marked stale; an uncached get_prompt waits at most fetch_timeout
    seconds (default AGENT_LOGGY_FETCH_TIMEOUT, else 5) for the database."""

    def __init__(self, pool: ConnectionPool, *, cache: bool = True, cache_ttl: float | None = None,
                 reconnect_delay: float = 0.5, listen_url: str | None = None,
                 fetch_timeout: float | None = None, cache_size: int = MAX_ENTRIES) -> None:
        self.pool = pool
        self.cache = PromptCache(cache_ttl, maxsize=cache_size)
        self.fetch_timeout = _fetch_timeout(fetch_timeout)
        self._listener = None
        if cache:
            conninfo, kwargs = _listen_target(pool, listen_url)
            self._listener = Listener(conninfo, self.cache, kwargs, retry_delay=reconnect_delay)
        if self._listener is not None:
            self._listener.start()

    def __enter__(self) -> PromptRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the listener (the pool is the caller's and stays open)."""
        if self._listener is not None:
            self._listener.stop()

    def _run(self, call: _Call[T], *, actor: str | None = None, summary: str | None = None,
             timeout: float | None = None) -> T:
        """Writes on the pool (the primary); reads on its replicas when it has some (read_on_replicas)."""
        if call.writes is not None:
            return self._run_on(self.pool, call, timeout, actor=actor, summary=summary)
        return read_on_replicas(self.pool, lambda pool: self._read(pool, call, timeout))

    def _read(self, pool: ConnectionPool, call: _Call[T], timeout: float | None) -> T:
        """On a replica, once it has replayed the cache's fence: at once, or after polling it for at most
        replica_wait seconds; else on the primary, which has the change."""
        if pool is self.pool:
            return self._run_on(pool, call, timeout)
        fence, waited = self.cache.fence, _replica_timeout(pool, timeout)
        if fence is None:
            return self._run_on(pool, call, waited)
        with contextlib.suppress(ReplicaBehind):
            return self._run_on(pool, _fenced(call, fence), waited)
        if wait_replayed(pool, fence, _replica_wait(self.pool)):
            with contextlib.suppress(ReplicaBehind):  # another replica of the pool may answer this time
                return self._run_on(pool, _fenced(call, fence), waited)
        return self._run_on(self.pool, call, timeout)

    def _run_on(self, pool: ConnectionPool, call: _Call[T], timeout: float | None, *, actor: str | None = None,
                summary: str | None = None) -> T:
        try:
            with _errors(), pool.connection(timeout) as conn, conn.cursor(row_factory=dict_row) as cur:
                if len(call.statements) == 1:
                    pipelined_statement(cur, *call.statements[0], project=call.project, actor=actor,
                                        summary=summary)
                else:
                    with pipelined_transaction(conn, project=call.project, actor=actor, summary=summary):
                        for sql, params in call.statements:
                            cur.execute(sql, params)
                rows = _fetch(cur.fetchall)  # every statement of a _Call is a SELECT
                if call.writes and _routed(pool):  # reads of this process see the write
                    self.cache.raise_fence(_position(conn.execute(POSITION_SQL).fetchone()))
                    conn.rollback()
        finally:  # a write may have committed even when reading its result failed
            if call.writes:
                self.cache.forget(*call.writes)
        return call.result(rows)

    def get_prompt(self, name: str, *, label: str = "production", version: int | None = None,
                   project: str = "default", fallback_labels: Sequence[str] = (),
                   fallback: str | None = None, fallback_syntax: str = "brace") -> Prompt:
        """The version carrying `label` (then each fallback label; "latest" = highest active), or exactly
        `version`. With `fallback` (a template, of `fallback_syntax`), a failure to resolve (not found,
        database unreachable, a row that cannot be decoded) returns Prompt(is_fallback=True)."""
        key = _cache_key(name, label, project, version, fallback_labels)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        generation = self.cache.generation()
        try:
            prompt = self._run(_resolve(name, label, project, version, fallback_labels), timeout=self.fetch_timeout)
        except (PromptNotFound, ConnectionFailed, UnreadableValue):
            if fallback is None:
                raise
            return Prompt.fallback(name, fallback, project=project, syntax=fallback_syntax)
        self.cache.put(key, prompt, generation)
        return prompt

    def publish(self, name: str, template: str | None = None, *, actor: str, summary: str | None = None,
                project: str = "default", labels: Sequence[str] = (), type: str | None = None,
                description: str | None = None, usage: str | None = None, model: str | None = None,
                parameters: Mapping[str, Any] | None = None, messages: Sequence[Mapping[str, Any]] | None = None,
                syntax: str | None = None, tags: Sequence[str] = (), commit_message: str | None = None) -> Prompt:
        """Create the next version (fields left None keep the previous version's); labels move to it.
        Give a template (text prompt) or messages (chat prompt); commit_message defaults to summary."""
        call = _Calls.publish(name, template, actor=actor, project=project, labels=labels, type=type,
                              description=description, usage=usage, model=model, parameters=parameters,
                              version=PublishedVersion(syntax, messages, tags, commit_message))
        published = self._run(call, actor=actor, summary=summary)
        _warn_double_braces(published)
        return published

    def set_tags(self, name: str, version: int, tags: Sequence[str], *, actor: str, summary: str | None = None,
                 project: str = "default") -> tuple[str, ...]:
        """Replace the tags of one version; returns them as stored (distinct, sorted)."""
        return self._run(_Calls.set_tags(name, version, tags, project), actor=actor, summary=summary)

    def changes(self, name: str, *, project: str = "default", embeds: bool = False) -> list[PromptChange]:
        """Every change of a prompt, oldest first: publishes, label moves, activations, tags, edits."""
        return self._run(_Calls.changes(name, project, embeds))

    def set_label(self, name: str, version: int, label: str, *, actor: str, summary: str | None = None,
                  project: str = "default") -> Prompt:
        """Move `label` to `version`; returns that version."""
        return self._run(_Calls.set_label(name, version, label, project), actor=actor, summary=summary)

    def remove_label(self, name: str, label: str, *, actor: str, summary: str | None = None,
                     project: str = "default") -> int:
        """Take `label` off the version carrying it; returns that version."""
        return self._run(_Calls.remove_label(name, label, project), actor=actor, summary=summary)

    def rollback_label(self, name: str, label: str = "production", *, actor: str, summary: str | None = None,
                       project: str = "default") -> int:
        """Put `label` back where it was before its last move; returns that version."""
        return self._run(_Calls.rollback_label(name, label, project), actor=actor, summary=summary)

    def history(self, name: str, *, project: str = "default") -> list[LabelMove]:
        """Every label move of a prompt, oldest first."""
        return self._run(_Calls.history(name, project))

    def diff(self, name: str, v1: int, v2: int, *, project: str = "default") -> PromptDiff:
        """Unified diffs of template and parameters from version v1 to v2."""
        return self._run(_Calls.diff(name, v1, v2, project))

    def list_prompts(self, *, project: str = "default", tags: Sequence[str] | None = None) -> list[PromptSummary]:
        """Every prompt of a project with its highest version and labels (with tags: only prompts a
        version of which carries all of them)."""
        return self._run(_Calls.list_prompts(project, tags))

    def export_prompts(self, *, project: str = "default") -> dict[str, Any]:
        """Every version and label of a project as one JSON-ready document."""
        return self._run(_Calls.export_prompts(project))

    def import_prompts(self, document: Mapping[str, Any], *, actor: str, summary: str | None = None,
                       project: str | None = None) -> ImportSummary:
        """Load an export (into `project`, default the document's); idempotent, all or nothing."""
        return self._run(_Calls.import_prompts(document, project), actor=actor, summary=summary)


class AsyncPromptRegistry:
    """The asyncio twin of PromptRegistry over an AsyncConnectionPool; the listener task starts on
    first use (or `async with`) and stops with aclose()."""

    def __init__(self, pool: AsyncConnectionPool, *, cache: bool = True, cache_ttl: float | None = None,
                 reconnect_delay: float = 0.5, listen_url: str | None = None,
                 fetch_timeout: float | None = None, cache_size: int = MAX_ENTRIES) -> None:
        self.pool = pool
        self.cache = PromptCache(cache_ttl, maxsize=cache_size)
        self.fetch_timeout = _fetch_timeout(fetch_timeout)
        self._listener = None
        if cache:
            conninfo, kwargs = _listen_target(pool, listen_url)
            self._listener = AsyncListener(conninfo, self.cache, kwargs, retry_delay=reconnect_delay)

    async def __aenter__(self) -> AsyncPromptRegistry:
        if self._listener is not None:
            self._listener.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop the listener task (the pool is the caller's and stays open)."""
        if self._listener is not None:
            await self._listener.stop()
            self._listener = None

    async def _run(self, call: _Call[T], *, actor: str | None = None, summary: str | None = None,
                   timeout: float | None = None) -> T:
        """See PromptRegistry._run."""
        if call.writes is not None:
            return await self._run_on(self.pool, call, timeout, actor=actor, summary=summary)
        return await read_on_replicas_async(self.pool, lambda pool: self._read(pool, call, timeout))

    async def _read(self, pool: AsyncConnectionPool, call: _Call[T], timeout: float | None) -> T:
        """See PromptRegistry._read."""
        if pool is self.pool:
            return await self._run_on(pool, call, timeout)
        fence, waited = self.cache.fence, _replica_timeout(pool, timeout)
        if fence is None:
            return await self._run_on(pool, call, waited)
        with contextlib.suppress(ReplicaBehind):
            return await self._run_on(pool, _fenced(call, fence), waited)
        if await wait_replayed_async(pool, fence, _replica_wait(self.pool)):
            with contextlib.suppress(ReplicaBehind):
                return await self._run_on(pool, _fenced(call, fence), waited)
        return await self._run_on(self.pool, call, timeout)

    async def _run_on(self, pool: AsyncConnectionPool, call: _Call[T], timeout: float | None, *,
                      actor: str | None = None, summary: str | None = None) -> T:
        try:
            with _errors():
                async with pool.connection(timeout) as conn, conn.cursor(row_factory=dict_row) as cur:
                    if len(call.statements) == 1:
                        await pipelined_statement_async(cur, *call.statements[0], project=call.project,
                                                        actor=actor, summary=summary)
                    else:
                        async with pipelined_transaction_async(conn, project=call.project, actor=actor,
                                                               summary=summary):
                            for sql, params in call.statements:
                                await cur.execute(sql, params)
                    try:
                        rows = await cur.fetchall()  # every statement of a _Call is a SELECT
                    except _UNDECODABLE as exc:
                        raise _unreadable(exc) from exc
                    if call.writes and _routed(pool):
                        self.cache.raise_fence(_position(await (await conn.execute(POSITION_SQL)).fetchone()))
                        await conn.rollback()
        finally:  # a write may have committed even when reading its result failed
            if call.writes:
                self.cache.forget(*call.writes)
        return call.result(rows)

    async def get_prompt(self, name: str, *, label: str = "production", version: int | None = None,
                         project: str = "default", fallback_labels: Sequence[str] = (),
                         fallback: str | None = None, fallback_syntax: str = "brace") -> Prompt:
        """See PromptRegistry.get_prompt."""
        if self._listener is not None:
            self._listener.start()
        key = _cache_key(name, label, project, version, fallback_labels)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        generation = self.cache.generation()
        try:
            prompt = await self._run(_resolve(name, label, project, version, fallback_labels),
                                     timeout=self.fetch_timeout)
        except (PromptNotFound, ConnectionFailed, UnreadableValue):
            if fallback is None:
                raise
            return Prompt.fallback(name, fallback, project=project, syntax=fallback_syntax)
        self.cache.put(key, prompt, generation)
        return prompt

    async def publish(self, name: str, template: str | None = None, *, actor: str, summary: str | None = None,
                      project: str = "default", labels: Sequence[str] = (), type: str | None = None,
                      description: str | None = None, usage: str | None = None, model: str | None = None,
                      parameters: Mapping[str, Any] | None = None,
                      messages: Sequence[Mapping[str, Any]] | None = None, syntax: str | None = None,
                      tags: Sequence[str] = (), commit_message: str | None = None) -> Prompt:
        """See PromptRegistry.publish."""
        call = _Calls.publish(name, template, actor=actor, project=project, labels=labels, type=type,
                              description=description, usage=usage, model=model, parameters=parameters,
                              version=PublishedVersion(syntax, messages, tags, commit_message))
        published = await self._run(call, actor=actor, summary=summary)
        _warn_double_braces(published)
        return published

    async def set_tags(self, name: str, version: int, tags: Sequence[str], *, actor: str,
                       summary: str | None = None, project: str = "default") -> tuple[str, ...]:
        """See PromptRegistry.set_tags."""
        return await self._run(_Calls.set_tags(name, version, tags, project), actor=actor, summary=summary)

    async def changes(self, name: str, *, project: str = "default", embeds: bool = False) -> list[PromptChange]:
        """See PromptRegistry.changes."""
        return await self._run(_Calls.changes(name, project, embeds))

    async def set_label(self, name: str, version: int, label: str, *, actor: str, summary: str | None = None,
                        project: str = "default") -> Prompt:
        """See PromptRegistry.set_label."""
        return await self._run(_Calls.set_label(name, version, label, project), actor=actor, summary=summary)

    async def remove_label(self, name: str, label: str, *, actor: str, summary: str | None = None,
                           project: str = "default") -> int:
        """See PromptRegistry.remove_label."""
        return await self._run(_Calls.remove_label(name, label, project), actor=actor, summary=summary)

    async def rollback_label(self, name: str, label: str = "production", *, actor: str,
                             summary: str | None = None, project: str = "default") -> int:
        """See PromptRegistry.rollback_label."""
        return await self._run(_Calls.rollback_label(name, label, project), actor=actor, summary=summary)

    async def history(self, name: str, *, project: str = "default") -> list[LabelMove]:
        """See PromptRegistry.history."""
        return await self._run(_Calls.history(name, project))

    async def diff(self, name: str, v1: int, v2: int, *, project: str = "default") -> PromptDiff:
        """See PromptRegistry.diff."""
        return await self._run(_Calls.diff(name, v1, v2, project))

    async def list_prompts(self, *, project: str = "default",
                           tags: Sequence[str] | None = None) -> list[PromptSummary]:
        """See PromptRegistry.list_prompts."""
        return await self._run(_Calls.list_prompts(project, tags))

    async def export_prompts(self, *, project: str = "default") -> dict[str, Any]:
        """See PromptRegistry.export_prompts."""
        return await self._run(_Calls.export_prompts(project))

    async def import_prompts(self, document: Mapping[str, Any], *, actor: str, summary: str | None = None,
                             project: str | None = None) -> ImportSummary:
        """See PromptRegistry.import_prompts."""
        return await self._run(_Calls.import_prompts(document, project), actor=actor, summary=summary)
