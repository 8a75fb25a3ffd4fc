"""LangChain's PGVector store (langchain-postgres) on the benchmark's vectors, for figure 6.

With the `langchain_postgres` package importable, its real `PGVector` creates the tables and the
collection and answers the searches (`similarity_search_with_score_by_vector`). It is not part of
the `bench` extra: langchain-postgres 0.0.19 requires pgvector < 0.4 while agent_loggy_db needs
>= 0.4 (it does run with pgvector 0.5: `pip install --no-deps langchain-postgres==0.0.19
sqlalchemy[asyncio] langchain-core asyncpg`). Without it, the same tables and the same two
statements per search are run through psycopg, reproduced exactly from the SQL that
langchain_postgres/vectorstores.py (0.0.19) emits through SQLAlchemy (captured with echo).

Either way the rows are loaded with binary COPY straight into its embedding table (its own
`add_embeddings` would send one multi-row INSERT per batch, far slower to set up and beside the
point: the figure is about searching). Its store has no vector index (PGVector never creates one)
and filters metadata with jsonb_path_match(), which no index serves.
"""

from __future__ import annotations

import importlib.util
import json
import uuid
from typing import Any, cast

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg.types.json import Jsonb

from agent_loggy_db.urls import to_yoyo
from scripts.bench.data import Corpus

COLLECTION = "bench"
VERSION = "0.0.19"

# The DDL of PGVector(embedding_length=384).create_tables_if_not_exists(), as SQLAlchemy emits it.
DDL = (
    """CREATE TABLE langchain_pg_collection (
	uuid UUID NOT NULL,
	name VARCHAR NOT NULL,
	cmetadata JSON,
	PRIMARY KEY (uuid),
	UNIQUE (name)
)""",
    """CREATE TABLE langchain_pg_embedding (
	id VARCHAR NOT NULL,
	collection_id UUID,
	embedding VECTOR(384),
	document VARCHAR,
	cmetadata JSONB,
	PRIMARY KEY (id),
	FOREIGN KEY(collection_id) REFERENCES langchain_pg_collection (uuid) ON DELETE CASCADE
)""",
    "CREATE INDEX ix_cmetadata_gin ON langchain_pg_embedding USING gin (cmetadata jsonb_path_ops)",
)

# PGVector.similarity_search_with_score_by_vector(embedding, k, filter={"project": p}): one session,
# the collection looked up by name, then the search (the vector bound as pgvector's text form).
GET_COLLECTION = """SELECT langchain_pg_collection.uuid AS langchain_pg_collection_uuid, langchain_pg_collection.name AS langchain_pg_collection_name, langchain_pg_collection.cmetadata AS langchain_pg_collection_cmetadata 
FROM langchain_pg_collection 
WHERE langchain_pg_collection.name = %(name_1)s::VARCHAR 
 LIMIT %(param_1)s::INTEGER"""  # noqa: E501, W291 - SQLAlchemy's text as is
QUERY = """SELECT langchain_pg_embedding.id AS langchain_pg_embedding_id, langchain_pg_embedding.collection_id AS langchain_pg_embedding_collection_id, langchain_pg_embedding.embedding AS langchain_pg_embedding_embedding, langchain_pg_embedding.document AS langchain_pg_embedding_document, langchain_pg_embedding.cmetadata AS langchain_pg_embedding_cmetadata, langchain_pg_embedding.embedding <=> %(embedding_1)s AS distance 
FROM langchain_pg_embedding JOIN langchain_pg_collection ON langchain_pg_embedding.collection_id = langchain_pg_collection.uuid 
WHERE langchain_pg_embedding.collection_id = %(collection_id_1)s::UUID AND jsonb_path_match(langchain_pg_embedding.cmetadata, CAST(%(param_1)s AS JSONPATH), CAST(%(param_2)s::JSONB AS JSONB)) ORDER BY distance ASC 
 LIMIT %(param_3)s::INTEGER"""  # noqa: E501, W291


def real_package_available() -> bool:
    return importlib.util.find_spec("langchain_postgres") is not None


class LangChainStore:
    """The store over the benchmark database at url; `search` returns row numbers (its ids)."""

    def __init__(self, url: str, *, use_package: bool | None = None) -> None:
        self.url = url
        self.real = real_package_available() if use_package is None else use_package
        self.kind = (f"the real langchain-postgres {_installed_version()} package" if self.real else
                     f"langchain-postgres {VERSION}'s tables and queries reproduced through psycopg")
        self._store: Any = None
        self._conn: psycopg.Connection[Any] | None = None
        self._collection: Any = None

    def load(self, corpus: Corpus) -> None:
        """Create the store's tables and collection, then COPY every vector in with metadata {"project": p}."""
        if self.real:
            self._store = _package_store(self.url)
        with psycopg.connect(self.url) as conn:
            register_vector(conn)
            if not self.real:
                for statement in DDL:
                    conn.execute(statement)
                conn.execute("INSERT INTO langchain_pg_collection (uuid, name, cmetadata) VALUES (%s, %s, NULL)",
                             (uuid.uuid4(), COLLECTION))
            row = conn.execute("SELECT uuid FROM langchain_pg_collection WHERE name = %s", (COLLECTION,)).fetchone()
            assert row is not None
            with conn.cursor() as cur, cur.copy("COPY langchain_pg_embedding (id, collection_id, embedding, document, "
                                                "cmetadata) FROM STDIN (FORMAT binary)") as copy:
                copy.set_types(["varchar", "uuid", "vector", "varchar", "jsonb"])
                for i, vector in enumerate(corpus.vectors):
                    copy.write_row((str(i), row[0], vector, corpus.content(i), Jsonb({"project": corpus.project(i)})))
            conn.commit()
            conn.autocommit = True
            conn.execute("ANALYZE langchain_pg_embedding")
            conn.execute("ANALYZE langchain_pg_collection")

    def open(self) -> None:
        if not self.real:
            self._conn = psycopg.connect(self.url)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._store is not None:
            self._store.session_maker.remove()
            self._store._engine.dispose()

    def search(self, vector: np.ndarray[Any, Any], k: int, project: str) -> list[int]:
        if self.real:
            hits = self._store.similarity_search_with_score_by_vector([float(x) for x in vector], k=k,
                                                                     filter={"project": project})
            return [int(doc.id) for doc, _ in hits]
        conn = self._conn
        assert conn is not None
        text = "[" + ",".join(str(float(x)) for x in vector) + "]"
        collection = conn.execute(GET_COLLECTION, {"name_1": COLLECTION, "param_1": 1}).fetchone()
        assert collection is not None
        rows = conn.execute(QUERY, {"embedding_1": text, "collection_id_1": collection[0],
                                    "param_1": "$.project == $value", "param_2": json.dumps({"value": project}),
                                    "param_3": k}).fetchall()
        conn.rollback()  # the session ends: SQLAlchemy rolls back the implicit transaction
        return [int(r[0]) for r in rows]


def _installed_version() -> str:
    from importlib.metadata import version

    return version("langchain-postgres")


def _package_store(url: str) -> Any:
    from langchain_postgres import PGVector

    class _Unused:
        """The benchmark passes vectors; nothing is ever embedded (PGVector only keeps the object)."""

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            raise NotImplementedError

        def embed_query(self, text: str) -> list[float]:
            raise NotImplementedError

    return PGVector(cast(Any, _Unused()), connection=to_yoyo(url), embedding_length=384, collection_name=COLLECTION,
                    create_extension=False)
