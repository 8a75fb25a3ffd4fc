"""Memory and AsyncMemory: the facts agents keep per project and user, through the SQL functions.

Each call is one statement bound to the memory's project and user (agent_loggy.user): a user sees
the project's shared facts and their own, never another user's. With an embedder, remembered values
are embedded and recall_facts(text) searches by meaning; without one it matches words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from psycopg.abc import Params
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from agent_loggy_db.configs import DEFAULT_PROJECT
from agent_loggy_db.errors import translated_errors
from agent_loggy_db.pool import pipelined_statement, pipelined_statement_async
from agent_loggy_db.search import QueryVectors

if TYPE_CHECKING:
    from pgvector import Vector

    from agent_loggy_db.embedding import Embedder
    from agent_loggy_db.search import QueryVector


@dataclass(frozen=True)
class Fact:
    """A version of a fact; `score` is set by recall_facts (similarity, or text rank)."""

    key: str
    value: str | None
    user_id: str | None
    version: int
    metadata: Mapping[str, Any]
    created_at: datetime
    score: float | None = None


def _fact(row: Mapping[str, Any]) -> Fact:
    return Fact(key=row["key"], value=row["value"], user_id=row["user_id"], version=row["version"],
                metadata=MappingProxyType(dict(row["metadata"])), created_at=row["created_at"], score=row.get("score"))


_COLUMNS = "key, value, user_id, version, metadata, created_at"


class _Calls:
    """The statements of both classes: (sql, params) pairs."""

    def __init__(self, project: str, user: str | None) -> None:
        self.project, self.user = project, user

    def remember(self, key: str, value: str, vector: Vector | None,
                 metadata: Mapping[str, Any] | None) -> tuple[str, Params]:
        return (f"SELECT {_COLUMNS} FROM agent_loggy.remember_fact(%s, %s, %s, %s, %s::vector, NULL, %s)",
                (key, value, self.user, self.project, vector, Jsonb(dict(metadata or {}))))

    def recall(self, key: str) -> tuple[str, Params]:
        return "SELECT agent_loggy.recall_fact(%s, %s, %s) AS value", (key, self.user, self.project)

    def forget(self, key: str) -> tuple[str, Params]:
        return "SELECT agent_loggy.forget_fact(%s, %s, %s) AS forgotten", (key, self.user, self.project)

    def history(self, key: str) -> tuple[str, Params]:
        return (f"SELECT {_COLUMNS} FROM agent_loggy.fact_history(%s, %s, %s)", (key, self.user, self.project))

    def search(self, text: str | None, vector: Vector | None, k: int) -> tuple[str, Params]:
        if vector is not None:
            return ("SELECT * FROM agent_loggy.recall_facts(%s::vector, %s, %s)", (vector, k, self.project))
        return "SELECT * FROM agent_loggy.recall_facts(%s::text, %s, %s)", (text, k, self.project)

    def listing(self) -> tuple[str, Params]:
        return (f"SELECT {_COLUMNS} FROM agent_loggy.current_facts WHERE project = %s "
                "ORDER BY user_id NULLS FIRST, key", (self.project,))


class Memory:
    """Facts of one project, acting for one user (None: the project's shared facts) over a ConnectionPool."""

    def __init__(self, pool: ConnectionPool, *, project: str = DEFAULT_PROJECT, user: str | None = None,
                 embedder: Embedder | None = None) -> None:
        self.pool, self.project, self.user = pool, project, user
        self._calls = _Calls(project, user)
        self._vectors = QueryVectors(embedder)

    def _rows(self, statement: tuple[str, Params]) -> list[dict[str, Any]]:
        with translated_errors(), self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            pipelined_statement(cur, *statement, project=self.project, user=self.user)
            return cur.fetchall()

    def remember_fact(self, key: str, value: str, *, metadata: Mapping[str, Any] | None = None) -> Fact:
        """Remember `value` for `key` as a new version (the current one, unchanged, when it is the same)."""
        vector = self._vectors.vector(value) if self._vectors.embedder is not None else None
        return _fact(self._rows(self._calls.remember(key, value, vector, metadata))[0])

    def recall_fact(self, key: str) -> str | None:
        """The current value of `key` (the user's own, else the shared one); None when unknown or forgotten."""
        value: str | None = self._rows(self._calls.recall(key))[0]["value"]
        return value

    def forget_fact(self, key: str) -> bool:
        """Forget `key` (history stays); False when it had no value."""
        return bool(self._rows(self._calls.forget(key))[0]["forgotten"])

    def fact_history(self, key: str) -> list[Fact]:
        """Every version of `key`, oldest first; a version whose value is None is a forgetting."""
        return [_fact(row) for row in self._rows(self._calls.history(key))]

    def recall_facts(self, query: str | QueryVector, k: int = 5) -> list[Fact]:
        """The `k` current facts best matching `query`: by meaning with an embedder (or a vector), else by words."""
        if isinstance(query, str) and self._vectors.embedder is None:
            return [_fact(row) for row in self._rows(self._calls.search(query, None, k))]
        return [_fact(row) for row in self._rows(self._calls.search(None, self._vectors.vector(query), k))]

    def list_facts(self) -> list[Fact]:
        """Every current fact this memory sees: the project's shared ones, then the user's."""
        return [_fact(row) for row in self._rows(self._calls.listing())]


class AsyncMemory:
    """The asyncio twin of Memory over an AsyncConnectionPool; embedding runs in a worker thread."""

    def __init__(self, pool: AsyncConnectionPool, *, project: str = DEFAULT_PROJECT, user: str | None = None,
                 embedder: Embedder | None = None) -> None:
        self.pool, self.project, self.user = pool, project, user
        self._calls = _Calls(project, user)
        self._vectors = QueryVectors(embedder)

    async def _rows(self, statement: tuple[str, Params]) -> list[dict[str, Any]]:
        with translated_errors():
            async with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
                await pipelined_statement_async(cur, *statement, project=self.project, user=self.user)
                return await cur.fetchall()

    async def remember_fact(self, key: str, value: str, *, metadata: Mapping[str, Any] | None = None) -> Fact:
        """See Memory.remember_fact."""
        vector = (await asyncio.to_thread(self._vectors.vector, value)) if self._vectors.embedder is not None else None
        return _fact((await self._rows(self._calls.remember(key, value, vector, metadata)))[0])

    async def recall_fact(self, key: str) -> str | None:
        """See Memory.recall_fact."""
        value: str | None = (await self._rows(self._calls.recall(key)))[0]["value"]
        return value

    async def forget_fact(self, key: str) -> bool:
        """See Memory.forget_fact."""
        return bool((await self._rows(self._calls.forget(key)))[0]["forgotten"])

    async def fact_history(self, key: str) -> list[Fact]:
        """See Memory.fact_history."""
        return [_fact(row) for row in await self._rows(self._calls.history(key))]

    async def recall_facts(self, query: str | QueryVector, k: int = 5) -> list[Fact]:
        """See Memory.recall_facts."""
        if isinstance(query, str) and self._vectors.embedder is None:
            return [_fact(row) for row in await self._rows(self._calls.search(query, None, k))]
        vector = await asyncio.to_thread(self._vectors.vector, query)
        return [_fact(row) for row in await self._rows(self._calls.search(None, vector, k))]

    async def list_facts(self) -> list[Fact]:
        """See Memory.list_facts."""
        return [_fact(row) for row in await self._rows(self._calls.listing())]
