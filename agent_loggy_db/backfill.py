"""Filling missing embeddings with an Embedder, batch by batch, through the SQL functions.

agent_loggy.pending_embeddings() hands out rows without an embedding and the text to embed;
agent_loggy.store_embeddings() writes them back unless the row's text changed meanwhile. Each
batch is its own transaction, so an interrupted fill keeps what it finished and a rerun goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import psycopg
from pgvector import Vector

from agent_loggy_db.configs import DEFAULT_PROJECT
from agent_loggy_db.errors import translated_errors
from agent_loggy_db.pool import bound_transaction

if TYPE_CHECKING:
    from agent_loggy_db.embedding import Embedder

TARGETS = {"documents": "documents", "context-rules": "context_rules", "prompts": "prompts"}
"""CLI name -> table name of what can be embedded."""


@dataclass(frozen=True)
class FillResult:
    """What a fill did: rows embedded, and rows left waiting because their text changed meanwhile."""

    embedded: int
    skipped: int


def pending_count(conn: psycopg.Connection[Any], what: str, project: str = DEFAULT_PROJECT) -> int:
    """How many rows of `what` (a table name of TARGETS) in `project` have no embedding yet."""
    with translated_errors(), bound_transaction(conn, project=project):
        row = conn.execute("SELECT agent_loggy.pending_embedding_count(%s, %s)", (what, project)).fetchone()
    return int(row[0]) if row else 0


def embedding_config_id(conn: psycopg.Connection[Any], embedder: Embedder, project: str) -> int | None:
    """The project's current embedding config for this embedder's model (first by name), if any."""
    with translated_errors(), bound_transaction(conn, project=project):
        row = conn.execute(
            "SELECT id FROM agent_loggy.current_embedding_configs WHERE project = %s AND embedding_model = %s "
            "AND dimensions = %s ORDER BY name LIMIT 1", (project, embedder.name, embedder.dimensions)).fetchone()
    return int(row[0]) if row else None


def fill_embeddings(
    conn: psycopg.Connection[Any],
    embedder: Embedder,
    what: str,
    *,
    project: str = DEFAULT_PROJECT,
    batch_size: int = 64,
    actor: str | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> FillResult:
    """Embed every row of `what` in `project` that has none, walking the table once by id.

    actor is recorded in the changelog for prompts and context rules; on_batch gets the number
    of rows each batch handled, for a progress bar.
    """
    config_id = embedding_config_id(conn, embedder, project) if what == "documents" else None
    conn.commit()
    embedded = skipped = 0
    after = 0
    with translated_errors():
        while True:
            with bound_transaction(conn, project=project, actor=actor,
                                   summary=f"embeddings computed with {embedder.name}"):
                batch = conn.execute("SELECT id, input FROM agent_loggy.pending_embeddings(%s, %s, %s, %s)",
                                     (what, project, batch_size, after)).fetchall()
                if not batch:
                    break
                vectors = embedder.embed([text for _, text in batch])
                row = conn.execute(
                    "SELECT agent_loggy.store_embeddings(%s, %s, %s, %s::vector[], %s)",
                    (what, [i for i, _ in batch], [t for _, t in batch], [Vector(v) for v in vectors], config_id),
                ).fetchone()
            stored = int(row[0]) if row else 0
            embedded, skipped, after = embedded + stored, skipped + len(batch) - stored, batch[-1][0]
            if on_batch is not None:
                on_batch(len(batch))
    return FillResult(embedded, skipped)
