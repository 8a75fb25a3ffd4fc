"""LangChain integrations (the optional extra langchain): a VectorStore over agent_loggy.documents and a
retriever with the database's hybrid search.

Import it as agent_loggy_db.langchain: nothing else in the package imports it (or LangChain).

AgentLoggyVectorStore keeps its documents in one project (and, with `user`, for one user of the
application), as source `name`: a LangChain id is the document's external_id, its page_content the
content, its metadata the metadata column. Its vectors live in an embedding config of the project
named `langchain:<name>` whose dimensions are the Embeddings' (made on the first write; a config of
that name with other dimensions is an error). Every call is one transaction bound to the project and
user, so row level security decides what it sees: the project's shared documents and the user's own.
Writing needs a login with a write grant for the project (agent_loggy_writer); deleting, like every
DELETE of documents, an admin login (agent_loggy_admin). Sync methods use `pool`, async ones
`async_pool` (without it, LangChain runs the sync method in a thread).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pgvector import Vector
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from agent_loggy_db.configs import DEFAULT_PROJECT
from agent_loggy_db.errors import AlreadyExists, ConfigurationError, MissingDependency, translated_errors
from agent_loggy_db.pool import (
    bind_transaction_async,
    bound_transaction,
    pipelined_statement,
    pipelined_statement_async,
)
from agent_loggy_db.search import as_vector

try:
    from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.embeddings import Embeddings
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.runnables.config import run_in_executor
    from langchain_core.vectorstores import VectorStore
    from pydantic import ConfigDict
except ImportError as exc:  # pragma: no cover - the extra is installed where this module is tested
    raise MissingDependency("agent_loggy_db.langchain needs langchain-core", extra="langchain") from exc

Row = dict[str, Any]
Statement = tuple[str, tuple[Any, ...]]

CONFIG_PREFIX = "langchain:"
"""An AgentLoggyVectorStore named N keeps its vectors in the embedding config `langchain:N`."""

_FIND_CONFIG = ("SELECT id, dimensions FROM agent_loggy.current_embedding_configs "
                "WHERE project = %s AND name = %s AND agent_loggy.checked_project(%s::text) IS NOT NULL")
_ADD_CONFIG = (
    "INSERT INTO agent_loggy.embedding_configs (project, name, version, embedding_model, dimensions, chunk_size, "
    "chunk_overlap, chunking_strategy, parameters) "
    "SELECT %s, %s, coalesce(max(version), 0) + 1, %s, %s, 1000000, 0, 'none', %s "
    "FROM agent_loggy.embedding_configs WHERE project = %s AND name = %s RETURNING id, dimensions")
_UPSERT = (
    "INSERT INTO agent_loggy.documents AS d (project, source, user_id, external_id, content, metadata, tags) "
    "SELECT %s, %s, %s, x.external_id, x.content, x.metadata, %s::text[] "
    "FROM unnest(%s::text[], %s::text[], %s::jsonb[]) AS x(external_id, content, metadata) "
    "ON CONFLICT (project, source, COALESCE(user_id, ''), external_id) DO UPDATE "
    "SET title = NULL, content = EXCLUDED.content, metadata = EXCLUDED.metadata, tags = EXCLUDED.tags "
    "RETURNING d.id, d.external_id, agent_loggy.embedding_input(d) AS input")
_STORE = ("SELECT agent_loggy.store_config_embeddings('documents', %s, %s::bigint[], %s::text[], %s::integer[], "
          "%s::integer[], %s::integer[], %s::integer[], %s::integer[], %s::vector[])")
_SCOPE = "d.source = %s AND (d.user_id IS NULL OR d.user_id = %s)"
"""The store's documents: its source, shared or its user's (an admin acting for no user sees every user's)."""
_SEARCH = (
    "SELECT d.external_id, d.content, d.metadata, s.similarity{vectors} "
    "FROM agent_loggy.search_documents(%s::vector, %s::text, %s::integer, %s::text[], %s::bigint) "
    "WITH ORDINALITY AS s JOIN agent_loggy.documents AS d ON d.id = s.id{join} "
    f"WHERE {_SCOPE} ORDER BY s.ordinality")
_HYBRID = (
    "SELECT d.id, d.source, d.external_id, d.content, d.metadata, s.score, s.keyword_rank, s.semantic_rank, "
    "s.similarity FROM agent_loggy.hybrid_search_documents(%s::text, %s::vector, %s::text, %s::integer, "
    "%s::text[], %s::float8, %s::float8, %s::integer, %s::float8, %s::bigint) WITH ORDINALITY AS s "
    "JOIN agent_loggy.documents AS d ON d.id = s.id "
    "WHERE d.user_id IS NULL OR d.user_id = %s ORDER BY s.ordinality")
_GET = ("SELECT DISTINCT ON (d.external_id) d.external_id, d.content, d.metadata FROM agent_loggy.documents AS d "
        f"WHERE d.project = %s AND d.external_id = ANY(%s::text[]) AND {_SCOPE} "
        "ORDER BY d.external_id, d.user_id NULLS LAST")
_DELETE = ("DELETE FROM agent_loggy.documents AS d "
           "WHERE d.project = %s AND d.source = %s AND d.external_id = ANY(%s::text[]) "
           "AND d.user_id IS NOT DISTINCT FROM %s")


class AgentLoggyVectorStore(VectorStore):
    """A LangChain VectorStore over the documents of one project (and user), as source `name`; see the module."""

    def __init__(self, embedding: Embeddings, pool: ConnectionPool | None = None, *,
                 async_pool: AsyncConnectionPool | None = None, project: str = DEFAULT_PROJECT,
                 user: str | None = None, name: str = "langchain") -> None:
        if pool is None and async_pool is None:
            raise ConfigurationError("AgentLoggyVectorStore needs a pool, an async_pool or both")
        self.embedding = embedding
        self.pool = pool
        self.async_pool = async_pool
        self.project = project
        self.user = user
        self.name = name
        self.config_name = CONFIG_PREFIX + name
        self._config: tuple[int, int] | None = None  # (id, dimensions), once read

    @property
    def embeddings(self) -> Embeddings:
        return self.embedding

    # The statements, shared by the sync and async methods ------------------------------------------------

    def _find_config(self) -> Statement:
        return _FIND_CONFIG, (self.project, self.config_name, self.project)

    def _add_config(self, dimensions: int) -> Statement:
        model = getattr(self.embedding, "model", None)
        model_name = model if isinstance(model, str) and model.strip() else type(self.embedding).__name__
        parameters = Jsonb({"langchain_store": self.name, "embeddings": type(self.embedding).__qualname__})
        return _ADD_CONFIG, (self.project, self.config_name, f"langchain:{model_name}", dimensions, parameters,
                             self.project, self.config_name)

    def _config_id(self, row: Row | None, dimensions: int | None) -> int | None:
        """The config of a row of _FIND_CONFIG / _ADD_CONFIG, remembered; ConfigurationError when its
        dimensions are not the Embeddings'."""
        if row is None:
            return None
        self._config = (int(row["id"]), int(row["dimensions"]))
        return self._known_config(dimensions)

    def _known_config(self, dimensions: int | None) -> int | None:
        """The config read before, if any; ConfigurationError when its dimensions are not `dimensions`."""
        if self._config is None:
            return None
        config, stored = self._config
        if dimensions is not None and stored != dimensions:
            raise ConfigurationError(
                f"embedding config {self.config_name} of project {self.project} holds {stored}-dimension "
                f"vectors, but the embeddings make {dimensions}: use another store name")
        return config

    def _upsert(self, ids: list[str], texts: list[str], metadatas: list[dict[str, Any]],
                tags: Sequence[str]) -> Statement:
        return _UPSERT, (self.project, self.name, self.user, _tag_list(tags), ids, texts,
                         [Jsonb(m) for m in metadatas])

    @staticmethod
    def _store(config: int, rows: list[Row], vectors: dict[str, Vector]) -> Statement:
        nulls: list[int | None] = [None] * len(rows)
        return _STORE, (config, [r["id"] for r in rows], [r["input"] for r in rows], [0] * len(rows),
                        nulls, nulls, nulls, nulls, [vectors[r["external_id"]] for r in rows])

    def _search(self, vector: Vector, config: int, k: int, tags: Sequence[str] | None,
                with_vectors: bool = False) -> Statement:
        sql = _SEARCH.format(
            vectors=", e.embedding" if with_vectors else "",
            join=(" LEFT JOIN agent_loggy.embeddings AS e ON e.config_id = %s AND e.kind = 'documents' "
                  "AND e.item_id = s.id AND e.chunk = s.chunk") if with_vectors else "")
        params: tuple[Any, ...] = (vector, self.project, k, _tag_list(tags), config)
        if with_vectors:
            params += (config,)
        return sql, (*params, self.name, self.user)

    def _get(self, ids: Sequence[str]) -> Statement:
        return _GET, (self.project, list(ids), self.name, self.user)

    def _delete(self, ids: Sequence[str]) -> Statement:
        return _DELETE, (self.project, self.name, list(ids), self.user)

    def _run(self, statement: Statement) -> list[Row]:
        """One statement bound to the project and user, in one round trip; its rows."""
        if self.pool is None:
            raise ConfigurationError("this AgentLoggyVectorStore has no pool: use its async methods")
        with translated_errors(), self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            pipelined_statement(cur, *statement, project=self.project, user=self.user)
            return cur.fetchall() if cur.description else []

    async def _arun(self, statement: Statement) -> list[Row]:
        """The async twin of _run, on async_pool (the caller checked it is there)."""
        assert self.async_pool is not None
        with translated_errors():
            async with self.async_pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
                await pipelined_statement_async(cur, *statement, project=self.project, user=self.user)
                return await cur.fetchall() if cur.description else []

    # Configs ------------------------------------------------------------------------------------------------

    def _ensure_config(self, dimensions: int | None) -> int | None:
        """The store's embedding config; with `dimensions`, made when there is none yet (a write)."""
        if self._config is not None:
            return self._known_config(dimensions)
        found = self._config_id(_first(self._run(self._find_config())), dimensions)
        if found is not None or dimensions is None:
            return found
        try:
            return self._config_id(_first(self._run(self._add_config(dimensions))), dimensions)
        except AlreadyExists:  # made meanwhile by another store of the same name
            return self._config_id(_first(self._run(self._find_config())), dimensions)

    async def _aensure_config(self, dimensions: int | None) -> int | None:
        """The async twin of _ensure_config."""
        if self._config is not None:
            return self._known_config(dimensions)
        found = self._config_id(_first(await self._arun(self._find_config())), dimensions)
        if found is not None or dimensions is None:
            return found
        try:
            return self._config_id(_first(await self._arun(self._add_config(dimensions))), dimensions)
        except AlreadyExists:
            return self._config_id(_first(await self._arun(self._find_config())), dimensions)

    # Writing -----------------------------------------------------------------------------------------------

    def add_texts(self, texts: Iterable[str], metadatas: list[dict[str, Any]] | None = None, *,
                  ids: list[str] | None = None, **kwargs: Any) -> list[str]:
        """Add or replace (by id) documents; ids default to new UUIDs. kwargs: tags, carried by every one."""
        batch = _Batch(texts, metadatas, ids)
        if not batch.texts:
            return batch.ids
        vectors = self.embedding.embed_documents(batch.texts)
        config = self._ensure_config(len(vectors[0]))
        assert config is not None
        if self.pool is None:
            raise ConfigurationError("this AgentLoggyVectorStore has no pool: use its async methods")
        with translated_errors(), self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur, \
                bound_transaction(conn, project=self.project, user=self.user):
            rows = cur.execute(*self._upsert(batch.texts_ids, batch.texts, batch.metadatas,
                                             kwargs.get("tags", ()))).fetchall()
            cur.execute(*self._store(config, rows, batch.vectors(vectors)))
        return batch.ids

    async def aadd_texts(self, texts: Iterable[str], metadatas: list[dict[str, Any]] | None = None, *,
                         ids: list[str] | None = None, **kwargs: Any) -> list[str]:
        """See add_texts."""
        if self.async_pool is None:
            return await super().aadd_texts(texts, metadatas, ids=ids, **kwargs)
        batch = _Batch(texts, metadatas, ids)
        if not batch.texts:
            return batch.ids
        vectors = await self.embedding.aembed_documents(batch.texts)
        config = await self._aensure_config(len(vectors[0]))
        assert config is not None
        with translated_errors():
            async with self.async_pool.connection() as conn, conn.transaction(), \
                    conn.cursor(row_factory=dict_row) as cur:
                await bind_transaction_async(conn, project=self.project, user=self.user)
                await cur.execute(*self._upsert(batch.texts_ids, batch.texts, batch.metadatas,
                                                kwargs.get("tags", ())))
                rows = await cur.fetchall()
                await cur.execute(*self._store(config, rows, batch.vectors(vectors)))
        return batch.ids

    def delete(self, ids: list[str] | None = None, **kwargs: Any) -> bool | None:
        """Delete the store's documents of these ids (of its user; none: the shared ones); missing ids are
        ignored. Needs a login that may DELETE documents (an admin: PermissionDenied otherwise)."""
        if ids is None:
            raise ValueError("delete() needs the ids to delete")
        self._run(self._delete(ids))
        return True

    async def adelete(self, ids: list[str] | None = None, **kwargs: Any) -> bool | None:
        """See delete."""
        if self.async_pool is None:
            return await super().adelete(ids, **kwargs)
        if ids is None:
            raise ValueError("adelete() needs the ids to delete")
        await self._arun(self._delete(ids))
        return True

    # Reading -----------------------------------------------------------------------------------------------

    def get_by_ids(self, ids: Sequence[str], /) -> list[Document]:
        """The store's documents of these ids (fewer when some are missing); the user's own before a shared one."""
        return [_document(row) for row in self._run(self._get(ids))]

    async def aget_by_ids(self, ids: Sequence[str], /) -> list[Document]:
        """See get_by_ids."""
        if self.async_pool is None:
            return await super().aget_by_ids(ids)
        return [_document(row) for row in await self._arun(self._get(ids))]

    def similarity_search(self, query: str, k: int = 4, **kwargs: Any) -> list[Document]:
        return [doc for doc, _ in self.similarity_search_with_score(query, k, **kwargs)]

    async def asimilarity_search(self, query: str, k: int = 4, **kwargs: Any) -> list[Document]:
        return [doc for doc, _ in await self.asimilarity_search_with_score(query, k, **kwargs)]

    def similarity_search_with_score(self, query: str, k: int = 4,
                                     **kwargs: Any) -> list[tuple[Document, float]]:
        """The k documents nearest to the query with their similarity (1 - cosine distance), nearest first.
        kwargs: tags, a list the documents must all carry."""
        return self.similarity_search_with_score_by_vector(self.embedding.embed_query(query), k, **kwargs)

    async def asimilarity_search_with_score(self, query: str, k: int = 4,
                                            **kwargs: Any) -> list[tuple[Document, float]]:
        """See similarity_search_with_score."""
        vector = await self.embedding.aembed_query(query)
        return await self.asimilarity_search_with_score_by_vector(vector, k, **kwargs)

    def similarity_search_by_vector(self, embedding: list[float], k: int = 4, **kwargs: Any) -> list[Document]:
        return [doc for doc, _ in self.similarity_search_with_score_by_vector(embedding, k, **kwargs)]

    async def asimilarity_search_by_vector(self, embedding: list[float], k: int = 4,
                                           **kwargs: Any) -> list[Document]:
        return [doc for doc, _ in await self.asimilarity_search_with_score_by_vector(embedding, k, **kwargs)]

    def similarity_search_with_score_by_vector(self, embedding: list[float], k: int = 4,
                                               **kwargs: Any) -> list[tuple[Document, float]]:
        """See similarity_search_with_score; an empty list before the store's first write."""
        config = self._ensure_config(None)
        if config is None:
            return []
        rows = self._run(self._search(as_vector(embedding), config, k, kwargs.get("tags")))
        return [(_document(row), float(row["similarity"])) for row in rows]

    async def asimilarity_search_with_score_by_vector(self, embedding: list[float], k: int = 4,
                                                      **kwargs: Any) -> list[tuple[Document, float]]:
        """See similarity_search_with_score_by_vector."""
        if self.async_pool is None:
            return await run_in_executor(None, self.similarity_search_with_score_by_vector, embedding, k, **kwargs)
        config = await self._aensure_config(None)
        if config is None:
            return []
        rows = await self._arun(self._search(as_vector(embedding), config, k, kwargs.get("tags")))
        return [(_document(row), float(row["similarity"])) for row in rows]

    def _select_relevance_score_fn(self) -> Callable[[float], float]:
        return _similarity  # the scores are similarities already: 1 - cosine distance

    def max_marginal_relevance_search(self, query: str, k: int = 4, fetch_k: int = 20, lambda_mult: float = 0.5,
                                      **kwargs: Any) -> list[Document]:
        return self.max_marginal_relevance_search_by_vector(self.embedding.embed_query(query), k, fetch_k,
                                                            lambda_mult, **kwargs)

    async def amax_marginal_relevance_search(self, query: str, k: int = 4, fetch_k: int = 20,
                                             lambda_mult: float = 0.5, **kwargs: Any) -> list[Document]:
        vector = await self.embedding.aembed_query(query)
        return await self.amax_marginal_relevance_search_by_vector(vector, k, fetch_k, lambda_mult, **kwargs)

    def max_marginal_relevance_search_by_vector(self, embedding: list[float], k: int = 4, fetch_k: int = 20,
                                                lambda_mult: float = 0.5, **kwargs: Any) -> list[Document]:
        """k of the fetch_k nearest documents chosen for relevance and diversity (maximal marginal relevance,
        lambda_mult 1: relevance only, 0: diversity only), with the vectors stored for them. Needs numpy."""
        config = self._ensure_config(None)
        if config is None:
            return []
        rows = self._run(self._search(as_vector(embedding), config, fetch_k, kwargs.get("tags"), with_vectors=True))
        return _mmr(embedding, rows, k, lambda_mult)

    async def amax_marginal_relevance_search_by_vector(self, embedding: list[float], k: int = 4, fetch_k: int = 20,
                                                       lambda_mult: float = 0.5, **kwargs: Any) -> list[Document]:
        """See max_marginal_relevance_search_by_vector."""
        if self.async_pool is None:
            return await super().amax_marginal_relevance_search_by_vector(embedding, k, fetch_k, lambda_mult,
                                                                          **kwargs)
        config = await self._aensure_config(None)
        if config is None:
            return []
        rows = await self._arun(self._search(as_vector(embedding), config, fetch_k, kwargs.get("tags"),
                                             with_vectors=True))
        return _mmr(embedding, rows, k, lambda_mult)

    @classmethod
    def from_texts(cls, texts: list[str], embedding: Embeddings, metadatas: list[dict[str, Any]] | None = None, *,
                   ids: list[str] | None = None, **kwargs: Any) -> AgentLoggyVectorStore:
        """A store (kwargs: pool, async_pool, project, user, name) with the texts added."""
        store = cls(embedding, **kwargs)
        store.add_texts(texts, metadatas, ids=ids)
        return store

    def as_hybrid_retriever(self, **kwargs: Any) -> AgentLoggyHybridRetriever:
        """An AgentLoggyHybridRetriever over this store (kwargs: its fields, k, keyword_weight ...)."""
        return AgentLoggyHybridRetriever(vectorstore=self, **kwargs)


class AgentLoggyHybridRetriever(BaseRetriever):
    """Hybrid search of the project's documents (hybrid_search_documents: BM25 keyword search and the store's
    vectors, fused by reciprocal rank fusion): documents of every source of the project (a keyword match
    needs no vector), as far as the store's project and user may read them, best first.

    A document of the store has its LangChain id; every one carries metadata["agent_loggy"]: its database
    id, source, score and the branches' ranks."""

    vectorstore: AgentLoggyVectorStore
    k: int = 4
    keyword_weight: float = 1.0
    semantic_weight: float = 1.0
    fuzzy_weight: float = 0.0
    rrf_k: int = 60
    tags: list[str] | None = None

    model_config = ConfigDict(arbitrary_types_allowed=True)

    def _hybrid(self, query: str, vector: list[float] | None, config: int | None) -> Statement:
        semantic = self.semantic_weight if config is not None else 0.0  # nothing stored yet: keywords alone
        store = self.vectorstore
        return _HYBRID, (query, as_vector(vector) if vector is not None and semantic > 0 else None, store.project,
                         self.k, _tag_list(self.tags), self.keyword_weight, semantic, self.rrf_k, self.fuzzy_weight,
                         config, store.user)

    def _documents(self, rows: list[Row]) -> list[Document]:
        found = []
        for row in rows:
            ours = row["source"] == self.vectorstore.name
            metadata = {**row["metadata"], "agent_loggy": {
                "id": row["id"], "source": row["source"], "score": row["score"],
                "keyword_rank": row["keyword_rank"], "semantic_rank": row["semantic_rank"]}}
            found.append(Document(page_content=row["content"], metadata=metadata,
                                  id=row["external_id"] if ours else None))
        return found

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        store = self.vectorstore
        config = store._ensure_config(None)
        vector = store.embedding.embed_query(query) if config is not None and self.semantic_weight > 0 else None
        if config is None and self.keyword_weight <= 0 and self.fuzzy_weight <= 0:
            return []
        return self._documents(store._run(self._hybrid(query, vector, config)))

    async def _aget_relevant_documents(self, query: str, *,
                                       run_manager: AsyncCallbackManagerForRetrieverRun) -> list[Document]:
        store = self.vectorstore
        if store.async_pool is None:
            return await super()._aget_relevant_documents(query, run_manager=run_manager)
        config = await store._aensure_config(None)
        vector = (await store.embedding.aembed_query(query)
                  if config is not None and self.semantic_weight > 0 else None)
        if config is None and self.keyword_weight <= 0 and self.fuzzy_weight <= 0:
            return []
        return self._documents(await store._arun(self._hybrid(query, vector, config)))


class _Batch:
    """The texts of an add, with their metadatas and ids (new UUIDs where none is given); a repeated id is
    written once, with its last text."""

    def __init__(self, texts: Iterable[str], metadatas: list[dict[str, Any]] | None, ids: list[str] | None) -> None:
        all_texts = list(texts)
        given = list(ids) if ids is not None else [None] * len(all_texts)
        all_metadatas = list(metadatas) if metadatas is not None else [{} for _ in all_texts]
        if len(given) != len(all_texts) or len(all_metadatas) != len(all_texts):
            raise ValueError(f"{len(all_texts)} texts, {len(all_metadatas)} metadatas and {len(given)} ids")
        self.ids = [i if i else str(uuid.uuid4()) for i in given]
        last = {external_id: n for n, external_id in enumerate(self.ids)}
        kept = sorted(last.values())
        self.texts_ids = [self.ids[n] for n in kept]
        self.texts = [all_texts[n] for n in kept]
        self.metadatas = [dict(all_metadatas[n] or {}) for n in kept]

    def vectors(self, embedded: list[list[float]]) -> dict[str, Vector]:
        return {external_id: as_vector(v) for external_id, v in zip(self.texts_ids, embedded, strict=True)}


def _document(row: Row) -> Document:
    return Document(page_content=row["content"], metadata=dict(row["metadata"]), id=row["external_id"])


def _first(rows: list[Row]) -> Row | None:
    return rows[0] if rows else None


def _tag_list(tags: Sequence[str] | None) -> list[str] | None:
    if isinstance(tags, str):
        raise TypeError(f"tags must be a list of strings, not the string {tags!r}")
    return None if tags is None else list(tags)


def _similarity(score: float) -> float:
    return score


def _mmr(query: list[float], rows: list[Row], k: int, lambda_mult: float) -> list[Document]:
    """Maximal marginal relevance among rows (with their stored vectors) for the query vector."""
    import numpy as np
    from langchain_core.vectorstores.utils import maximal_marginal_relevance

    rows = [row for row in rows if row["embedding"] is not None]
    if not rows:
        return []
    chosen = maximal_marginal_relevance(np.asarray(query, dtype=np.float32),
                                        [row["embedding"].to_list() for row in rows], lambda_mult=lambda_mult, k=k)
    return [_document(rows[n]) for n in chosen]
