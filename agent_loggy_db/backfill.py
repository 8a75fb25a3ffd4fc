"""Filling missing embeddings with an Embedder, batch by batch, through the SQL functions.

agent_loggy.pending_embeddings() hands out rows without an embedding and the text to embed;
agent_loggy.store_embeddings() writes them back unless the row's text changed meanwhile. Each
batch is its own transaction, so an interrupted fill keeps what it finished and a rerun goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import psycopg
from pgvector import Vector
from psycopg.rows import dict_row

from agent_loggy_db import chunking
from agent_loggy_db.configs import DEFAULT_PROJECT, EmbeddingConfig
from agent_loggy_db.errors import InvalidInput, translated_errors
from agent_loggy_db.pool import bound_transaction

if TYPE_CHECKING:
    from agent_loggy_db.embedding import Embedder

TARGETS = {"documents": "documents", "context-rules": "context_rules", "prompts": "prompts"}
"""CLI name -> table name of what can be embedded into the vector(384) columns."""
CONFIG_TARGETS = {**TARGETS, "investigations": "investigations"}
"""CLI name -> table name of what can be embedded into an embedding config's store."""


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


@dataclass(frozen=True)
class ConfigFill:
    """What a fill of an embedding config did: items embedded, chunks stored, items left (text changed
    meanwhile), and the chunk window used (the config's, or the model's when that is smaller)."""

    embedded: int
    chunks: int
    skipped: int
    window: int


def embedding_config(conn: psycopg.Connection[Any], config: int | str,
                     project: str = DEFAULT_PROJECT) -> EmbeddingConfig:
    """An embedding config by id, or by name (its current version) in `project`; InvalidInput when there is none."""
    query = ("SELECT * FROM agent_loggy.embedding_configs WHERE id = %s" if isinstance(config, int) else
             "SELECT * FROM agent_loggy.current_embedding_configs WHERE project = %s AND name = %s")
    params = (config,) if isinstance(config, int) else (project, config)
    with translated_errors(), bound_transaction(conn, project=None if isinstance(config, int) else project), \
            conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(query, params).fetchone()
    if row is None:
        where = "" if isinstance(config, int) else f" in project {project}"
        raise InvalidInput(f"no embedding config {config!r}{where}", sqlstate="22023")
    return EmbeddingConfig(**{f.name: row[f.name] for f in fields(EmbeddingConfig)})


def fill_config_embeddings(
    conn: psycopg.Connection[Any],
    embedder: Embedder,
    config: EmbeddingConfig,
    what: str,
    *,
    batch_size: int = 64,
    actor: str | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> ConfigFill:
    """Embed, chunked as `config` says, every row of `what` (a table name of CONFIG_TARGETS) of the config's
    project that has no vectors of it yet, into the config's store; resumable (each batch of rows is
    its own transaction, and only rows still pending are read).

    `embedder` makes the config's vectors: its dimensions must be the config's and its name the
    config's model. Chunking needs its tokens (chunking.TokenizingEmbedder; late_chunking also
    chunking.LateChunkingEmbedder) unless the strategy is 'none'. on_batch gets the rows of each batch.
    """
    if embedder.dimensions != config.dimensions or embedder.name != config.embedding_model:
        raise InvalidInput(f"the embedder makes {embedder.dimensions}-dimension vectors of {embedder.name}: "
                           f"embedding config {config.id} ({config.name} v{config.version}) holds "
                           f"{config.dimensions}-dimension vectors of {config.embedding_model}", sqlstate="22023")
    try:
        plan = chunking.plan(config, embedder)
    except ValueError as exc:
        raise InvalidInput(str(exc), sqlstate="22023") from exc
    conn.commit()
    embedded = chunks_stored = skipped = 0
    after = 0
    with translated_errors():
        while True:
            with bound_transaction(conn, project=config.project, actor=actor):
                batch = conn.execute("SELECT id, input FROM agent_loggy.pending_config_embeddings(%s, %s, %s, %s)",
                                     (what, config.id, batch_size, after)).fetchall()
                if not batch:
                    break
                pieces = _chunks(embedder, plan, [text for _, text in batch])
                flat = [(item_id, text, c)
                        for (item_id, text), chunks in zip(batch, pieces, strict=True) for c in chunks]
                vectors = _embed_chunks(embedder, plan, [text for _, text in batch], pieces)
                row = conn.execute(
                    "SELECT agent_loggy.store_config_embeddings(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::vector[])",
                    (what, config.id, [i for i, _, _ in flat], [t for _, t, _ in flat],
                     [c.number for _, _, c in flat], [c.char_start for _, _, c in flat],
                     [c.char_end for _, _, c in flat], [c.token_start for _, _, c in flat],
                     [c.token_end for _, _, c in flat], [Vector(v) for v in vectors])).fetchone()
            stored = int(row[0]) if row else 0
            embedded, skipped, after = embedded + stored, skipped + len(batch) - stored, batch[-1][0]
            chunks_stored += len(flat)
            if on_batch is not None:
                on_batch(len(batch))
    return ConfigFill(embedded, chunks_stored, skipped, plan.size)


def _chunks(embedder: Embedder, plan: chunking.Plan, texts: list[str]) -> list[list[chunking.Chunk]]:
    """Each text's chunks: the whole text when the strategy is none."""
    if plan.strategy == "none":
        return [[chunking.Chunk(0, text, 0, len(text), 0, 0)] for text in texts]
    assert isinstance(embedder, chunking.TokenizingEmbedder)
    offsets = embedder.token_offsets(texts)
    return [chunking.split(text, spans, plan.size, plan.overlap) for text, spans in zip(texts, offsets, strict=True)]


def _embed_chunks(embedder: Embedder, plan: chunking.Plan, texts: list[str],
                  pieces: list[list[chunking.Chunk]]) -> Any:
    """The vectors of every chunk, in order: one embed() call for the batch, or late chunking per text."""
    if plan.strategy != "late_chunking":
        return embedder.embed([c.text for chunks in pieces for c in chunks])
    assert isinstance(embedder, chunking.LateChunkingEmbedder)
    import numpy as np

    return np.concatenate([embedder.embed_windows(text, [(c.char_start, c.char_end) for c in chunks])
                           for text, chunks in zip(texts, pieces, strict=True)])


def store_vectors(conn: psycopg.Connection[Any], config: EmbeddingConfig, what: str,
                  items: Sequence[tuple[int, str, Any]], *, batch_size: int = 1000) -> int:
    """Store one vector per item, for its whole text (chunk 0), in `config`'s store: (id, the item's
    embedding input, vector) each, e.g. vectors an import brought. Runs in the caller's transaction (or
    one of its own); returns how many items were stored (an item whose text differs is left pending)."""
    stored = 0
    with translated_errors(), bound_transaction(conn, project=config.project):
        for start in range(0, len(items), batch_size):
            batch = items[start:start + batch_size]
            n = len(batch)
            row = conn.execute(
                "SELECT agent_loggy.store_config_embeddings(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s::vector[])",
                (what, config.id, [i for i, _, _ in batch], [t for _, t, _ in batch], [0] * n, [None] * n, [None] * n,
                 [None] * n, [None] * n, [Vector(v) for _, _, v in batch])).fetchone()
            stored += int(row[0]) if row else 0
    return stored
