"""Search and AsyncSearch: the SQL search functions with typed results.

Both classes build the same `_Query`s (SQL text, parameters, row type) and differ only in how
they run them. A query vector may be a list of floats or a 1-D numpy array; where a function
takes a vector, text is accepted too when the search was given an embedder, which embeds it
(in a worker thread for AsyncSearch).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pgvector import Vector
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from agent_loggy_db.configs import DEFAULT_PROJECT
from agent_loggy_db.errors import ConfigurationError, InvalidInput, translated_errors
from agent_loggy_db.importers.values import check_norm
from agent_loggy_db.pool import (
    pipelined_statement,
    pipelined_statement_async,
    read_on_replicas,
    read_on_replicas_async,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from agent_loggy_db.embedding import Embedder

    QueryVector = Sequence[float] | npt.NDArray[np.floating[Any]]

Row = dict[str, Any]


@dataclass(frozen=True)
class DocumentHit:
    """A document found by search: similarity (vector), rank (keyword, fuzzy), or score and the branches'
    ranks (hybrid); matched_terms (fuzzy) maps each query word to the word it matched in the document;
    chunk, chunk_start, chunk_end (vector search of an embedding config) its best chunk and where that
    lies in the document's embedding input (characters)."""

    id: int
    project: str
    source: str
    external_id: str | None
    title: str | None
    content: str
    tags: tuple[str, ...]
    metadata: Mapping[str, Any]
    similarity: float | None = None
    rank: float | None = None
    score: float | None = None
    keyword_rank: int | None = None
    semantic_rank: int | None = None
    fuzzy_rank: int | None = None
    matched_terms: Mapping[str, str] | None = None
    chunk: int | None = None
    chunk_start: int | None = None
    chunk_end: int | None = None


@dataclass(frozen=True)
class ContextRuleHit:
    """The current version of a context rule found by search."""

    id: int
    project: str
    context: str
    version: int
    important: str | None
    ignore: str | None
    description: str | None
    similarity: float | None = None
    score: float | None = None
    keyword_rank: int | None = None
    semantic_rank: int | None = None


@dataclass(frozen=True)
class PromptHit:
    """The newest active version of a prompt found by search; resolve it by name for its template."""

    id: int
    project: str
    name: str
    version: int
    type: str
    description: str | None
    usage: str | None
    labels: tuple[str, ...]
    similarity: float


Hit = TypeVar("Hit", DocumentHit, ContextRuleHit, PromptHit)


def _hit(cls: type[Hit], row: Row) -> Hit:
    """A hit from a row: arrays become tuples, JSON objects read-only mappings."""
    values: dict[str, Any] = {f.name: row.get(f.name) for f in fields(cls)}
    for key in ("tags", "labels"):
        if key in values:
            values[key] = tuple(values[key])
    for key in ("metadata", "matched_terms"):
        if values.get(key) is not None:
            values[key] = MappingProxyType(values[key])
    return cls(**values)


def as_vector(query: QueryVector) -> Vector:
    """A pgvector Vector from a list of numbers or a 1-D numpy array; InvalidInput otherwise (not
    numbers, or a norm the database would refuse: see importers.values.check_norm)."""
    try:
        if hasattr(query, "ndim"):
            vector = Vector(query)  # type: ignore[arg-type]
            floats = vector.to_numpy().astype("float64")
            norm = float(floats @ floats) ** 0.5  # numpy is there: query is one of its arrays
        else:
            values = [float(x) for x in query]
            vector = Vector(values)
            norm = math.hypot(*values)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidInput(f"query vector must be a list of numbers or a 1-D array of them: {exc}") from exc
    try:
        check_norm("query vector", norm)
    except ValueError as exc:
        raise InvalidInput(str(exc), sqlstate="22023") from exc
    return vector


@dataclass(frozen=True)
class _Query(Generic[Hit]):
    project: str
    sql: str
    params: tuple[Any, ...]
    hit: type[Hit]


_DOCUMENT_ARGS = "%s::text, %s::integer, %s::text[]"


class _Queries:
    """The search functions as _Querys; shared by Search and AsyncSearch. Vectors arrive embedded."""

    @staticmethod
    def documents(query: Vector, project: str, limit: int, tags: Sequence[str] | None,
                  config: int | None = None) -> _Query[DocumentHit]:
        sql = f"SELECT * FROM agent_loggy.search_documents(%s::vector, {_DOCUMENT_ARGS}, %s::bigint)"
        return _Query(project, sql, (query, project, limit, _tags(tags), config), DocumentHit)

    @staticmethod
    def keyword_documents(text: str, project: str, limit: int, tags: Sequence[str] | None) -> _Query[DocumentHit]:
        sql = f"SELECT * FROM agent_loggy.keyword_search_documents(%s::text, {_DOCUMENT_ARGS})"
        return _Query(project, sql, (text, project, limit, _tags(tags)), DocumentHit)

    @staticmethod
    def fuzzy_documents(text: str, project: str, limit: int, tags: Sequence[str] | None, min_similarity: float,
                        expansions: int) -> _Query[DocumentHit]:
        sql = f"SELECT * FROM agent_loggy.fuzzy_search_documents(%s::text, {_DOCUMENT_ARGS}, %s::float8, %s::integer)"
        return _Query(project, sql, (text, project, limit, _tags(tags), min_similarity, expansions), DocumentHit)

    @staticmethod
    def hybrid_documents(text: str | None, query: Vector | None, project: str, limit: int,
                         tags: Sequence[str] | None, keyword_weight: float, semantic_weight: float,
                         rrf_k: int, fuzzy_weight: float = 0.0, config: int | None = None) -> _Query[DocumentHit]:
        sql = ("SELECT * FROM agent_loggy.hybrid_search_documents(%s::text, %s::vector, "
               f"{_DOCUMENT_ARGS}, %s::float8, %s::float8, %s::integer, %s::float8, %s::bigint)")
        params = (text, query, project, limit, _tags(tags), keyword_weight, semantic_weight, rrf_k, fuzzy_weight,
                  config)
        return _Query(project, sql, params, DocumentHit)

    @staticmethod
    def context_rules(query: Vector, project: str, limit: int, config: int | None = None) -> _Query[ContextRuleHit]:
        sql = "SELECT * FROM agent_loggy.search_context_rules(%s::vector, %s::text, %s::integer, %s::bigint)"
        return _Query(project, sql, (query, project, limit, config), ContextRuleHit)

    @staticmethod
    def hybrid_context_rules(text: str | None, query: Vector | None, project: str,
                             limit: int) -> _Query[ContextRuleHit]:
        sql = "SELECT * FROM agent_loggy.hybrid_search_context_rules(%s::text, %s::vector, %s::text, %s::integer)"
        return _Query(project, sql, (text, query, project, limit), ContextRuleHit)

    @staticmethod
    def prompts(query: Vector, project: str, limit: int, config: int | None = None) -> _Query[PromptHit]:
        sql = "SELECT * FROM agent_loggy.search_prompts(%s::vector, %s::text, %s::integer, %s::bigint)"
        return _Query(project, sql, (query, project, limit, config), PromptHit)


def _tags(tags: Sequence[str] | None) -> list[str] | None:
    if isinstance(tags, str):
        raise InvalidInput(f"tags must be a sequence of strings, not the string {tags!r}")
    return None if tags is None else list(tags)


class QueryVectors:
    """Turns the text-or-vector arguments into Vectors, with the search's embedder if it has one."""

    def __init__(self, embedder: Embedder | None) -> None:
        self.embedder = embedder

    def vector(self, query: str | QueryVector) -> Vector:
        if not isinstance(query, str):
            return as_vector(query)
        if self.embedder is None:
            raise ConfigurationError("this search has no embedder: pass a query vector, or create it with embedder=")
        return as_vector(self.embedder.embed([query])[0])

    def optional(self, text: str | None, query: QueryVector | None) -> Vector | None:
        """The hybrid query vector: the one given, else the text embedded when there is an embedder."""
        if query is not None:
            return as_vector(query)
        if text is not None and self.embedder is not None:
            return self.vector(text)
        return None


class Search:
    """Vector, keyword, fuzzy and hybrid search over a ConnectionPool; each call is one SQL function call,
    on the pool's replicas when it has some (pool.readers)."""

    def __init__(self, pool: ConnectionPool, *, embedder: Embedder | None = None) -> None:
        self.pool = pool
        self._embedding = QueryVectors(embedder)

    def _run(self, query: _Query[Hit], user: str | None = None) -> list[Hit]:
        return read_on_replicas(self.pool, lambda pool: self._run_on(pool, query, user))

    @staticmethod
    def _run_on(pool: ConnectionPool, query: _Query[Hit], user: str | None) -> list[Hit]:
        with translated_errors(), pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            pipelined_statement(cur, query.sql, query.params, project=query.project, user=user)
            return [_hit(query.hit, row) for row in cur.fetchall()]

    def search_documents(self, query: str | QueryVector, *, project: str = DEFAULT_PROJECT, limit: int = 10,
                         tags: Sequence[str] | None = None, user: str | None = None,
                         embedding_config: int | None = None) -> list[DocumentHit]:
        """The `limit` documents nearest to the query (a vector, or text to embed), carrying all `tags`.

        `user`: act for this user of the application (agent_loggy.user): their documents and the
        shared ones; none: shared documents only (see SECURITY.md). `embedding_config`: the id of the
        embedding config whose vectors to search (default: the project's search config)."""
        return self._run(_Queries.documents(self._embedding.vector(query), project, limit, tags, embedding_config),
                         user)

    def keyword_search_documents(self, text: str, *, project: str = DEFAULT_PROJECT, limit: int = 10,
                                 tags: Sequence[str] | None = None, user: str | None = None) -> list[DocumentHit]:
        """Full-text matches of any word of `text`, best BM25 score (`rank`) first; `user` as in search_documents."""
        return self._run(_Queries.keyword_documents(text, project, limit, tags), user)

    def fuzzy_search_documents(self, text: str, *, project: str = DEFAULT_PROJECT, limit: int = 10,
                               tags: Sequence[str] | None = None, min_similarity: float = 0.3,
                               expansions: int = 3, user: str | None = None) -> list[DocumentHit]:
        """Keyword search tolerant to typos: each word of `text` also matches the `expansions` words of the
        project's documents most similar to it (trigram similarity >= `min_similarity`), best BM25 (`rank`)
        first; `matched_terms` says which word each query word matched; `user` as in search_documents."""
        return self._run(_Queries.fuzzy_documents(text, project, limit, tags, min_similarity, expansions), user)

    def hybrid_search_documents(self, text: str | None, query: QueryVector | None = None, *,
                                project: str = DEFAULT_PROJECT, limit: int = 10, tags: Sequence[str] | None = None,
                                keyword_weight: float = 1.0, semantic_weight: float = 1.0,
                                rrf_k: int = 60, fuzzy_weight: float = 0.0, user: str | None = None,
                                embedding_config: int | None = None) -> list[DocumentHit]:
        """Keyword and vector search (and fuzzy keyword search when `fuzzy_weight` > 0) fused by RRF; without
        `query` the text is embedded (with an embedder); `user`, `embedding_config` as in search_documents."""
        vector = self._embedding.optional(text, query)
        return self._run(_Queries.hybrid_documents(text, vector, project, limit, tags, keyword_weight,
                                                   semantic_weight, rrf_k, fuzzy_weight, embedding_config), user)

    def search_context_rules(self, query: str | QueryVector, *, project: str = DEFAULT_PROJECT,
                             limit: int = 5, embedding_config: int | None = None) -> list[ContextRuleHit]:
        """The current context rules most similar to the query; `embedding_config` as in search_documents."""
        return self._run(_Queries.context_rules(self._embedding.vector(query), project, limit, embedding_config))

    def hybrid_search_context_rules(self, text: str | None, query: QueryVector | None = None, *,
                                    project: str = DEFAULT_PROJECT, limit: int = 5) -> list[ContextRuleHit]:
        """Keyword and vector search of the current context rules, fused by RRF."""
        vector = self._embedding.optional(text, query)
        return self._run(_Queries.hybrid_context_rules(text, vector, project, limit))

    def search_prompts(self, query: str | QueryVector, *, project: str = DEFAULT_PROJECT,
                       limit: int = 5, embedding_config: int | None = None) -> list[PromptHit]:
        """The prompts (newest active version per name) most similar to the query; `embedding_config` as in
        search_documents."""
        return self._run(_Queries.prompts(self._embedding.vector(query), project, limit, embedding_config))


class AsyncSearch:
    """The asyncio twin of Search over an AsyncConnectionPool; embedding runs in a worker thread."""

    def __init__(self, pool: AsyncConnectionPool, *, embedder: Embedder | None = None) -> None:
        self.pool = pool
        self._embedding = QueryVectors(embedder)

    async def _run(self, query: _Query[Hit], user: str | None = None) -> list[Hit]:
        return await read_on_replicas_async(self.pool, lambda pool: self._run_on(pool, query, user))

    @staticmethod
    async def _run_on(pool: AsyncConnectionPool, query: _Query[Hit], user: str | None) -> list[Hit]:
        with translated_errors():
            async with pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
                await pipelined_statement_async(cur, query.sql, query.params, project=query.project, user=user)
                return [_hit(query.hit, row) for row in await cur.fetchall()]

    async def search_documents(self, query: str | QueryVector, *, project: str = DEFAULT_PROJECT, limit: int = 10,
                               tags: Sequence[str] | None = None, user: str | None = None,
                               embedding_config: int | None = None) -> list[DocumentHit]:
        """See Search.search_documents."""
        vector = await asyncio.to_thread(self._embedding.vector, query)
        return await self._run(_Queries.documents(vector, project, limit, tags, embedding_config), user)

    async def keyword_search_documents(self, text: str, *, project: str = DEFAULT_PROJECT, limit: int = 10,
                                       tags: Sequence[str] | None = None, user: str | None = None) -> list[DocumentHit]:
        """See Search.keyword_search_documents."""
        return await self._run(_Queries.keyword_documents(text, project, limit, tags), user)

    async def fuzzy_search_documents(self, text: str, *, project: str = DEFAULT_PROJECT, limit: int = 10,
                                     tags: Sequence[str] | None = None, min_similarity: float = 0.3,
                                     expansions: int = 3, user: str | None = None) -> list[DocumentHit]:
        """See Search.fuzzy_search_documents."""
        return await self._run(_Queries.fuzzy_documents(text, project, limit, tags, min_similarity, expansions),
                               user)

    async def hybrid_search_documents(self, text: str | None, query: QueryVector | None = None, *,
                                      project: str = DEFAULT_PROJECT, limit: int = 10,
                                      tags: Sequence[str] | None = None, keyword_weight: float = 1.0,
                                      semantic_weight: float = 1.0, rrf_k: int = 60,
                                      fuzzy_weight: float = 0.0, user: str | None = None,
                                      embedding_config: int | None = None) -> list[DocumentHit]:
        """See Search.hybrid_search_documents."""
        vector = await asyncio.to_thread(self._embedding.optional, text, query)
        return await self._run(_Queries.hybrid_documents(text, vector, project, limit, tags, keyword_weight,
                                                         semantic_weight, rrf_k, fuzzy_weight, embedding_config),
                               user)

    async def search_context_rules(self, query: str | QueryVector, *, project: str = DEFAULT_PROJECT,
                                   limit: int = 5, embedding_config: int | None = None) -> list[ContextRuleHit]:
        """See Search.search_context_rules."""
        vector = await asyncio.to_thread(self._embedding.vector, query)
        return await self._run(_Queries.context_rules(vector, project, limit, embedding_config))

    async def hybrid_search_context_rules(self, text: str | None, query: QueryVector | None = None, *,
                                          project: str = DEFAULT_PROJECT, limit: int = 5) -> list[ContextRuleHit]:
        """See Search.hybrid_search_context_rules."""
        vector = await asyncio.to_thread(self._embedding.optional, text, query)
        return await self._run(_Queries.hybrid_context_rules(text, vector, project, limit))

    async def search_prompts(self, query: str | QueryVector, *, project: str = DEFAULT_PROJECT,
                             limit: int = 5, embedding_config: int | None = None) -> list[PromptHit]:
        """See Search.search_prompts."""
        vector = await asyncio.to_thread(self._embedding.vector, query)
        return await self._run(_Queries.prompts(vector, project, limit, embedding_config))
