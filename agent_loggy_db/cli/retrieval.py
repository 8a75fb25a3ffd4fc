"""`agent-loggy-db embed` and `agent-loggy-db search`: the retrieval side from the terminal."""

from __future__ import annotations

from functools import partial

import click
import psycopg
from pgvector.psycopg import register_vector

from agent_loggy_db.backfill import (
    CONFIG_TARGETS,
    TARGETS,
    embedding_config,
    fill_config_embeddings,
    fill_embeddings,
    pending_count,
)
from agent_loggy_db.cli.db import command_pool, target_url
from agent_loggy_db.cli.options import json_option, os_user, project_option
from agent_loggy_db.cli.output import print_json, say, table, warn
from agent_loggy_db.cli.progress import progress_bar
from agent_loggy_db.embedding import load_embedder
from agent_loggy_db.errors import translated_errors
from agent_loggy_db.search import DocumentHit, Search
from agent_loggy_db.settings import Settings


@click.command()
@click.option("--what", "what", type=click.Choice(list(CONFIG_TARGETS)), multiple=True,
              help="What to embed (repeatable); default: all three, and investigations with --config.")
@project_option
@click.option("--batch-size", type=click.IntRange(1, 1000), default=64, show_default=True)
@click.option("--config", "config", default=None, metavar="NAME|ID",
              help="Fill the store of this embedding config (its current version by name, or an id), chunked as it "
                   "says; default: the vector(384) columns.")
@json_option
def embed(what: tuple[str, ...], project: str, batch_size: int, config: str | None, as_json: bool) -> None:
    """Compute the missing embeddings of prompts, context rules and documents with the local model.

    Walks each table once in batches (each batch committed, so a rerun goes on where one stopped);
    rows whose text changes meanwhile are left for the next run. With --config, into that embedding
    config's store, each text split into token windows as the config says (chunk_size, chunk_overlap,
    chunking_strategy fixed, late_chunking or none), investigations' queries too. Needs the extra:
    pip install 'agent-loggy-db[embed]'.
    """
    if config is None and "investigations" in what:
        raise click.UsageError("investigations are embedded into an embedding config's store only: add --config")
    embedder = load_embedder()
    settings = Settings.from_env()
    rows: list[tuple[str, int, int | str, int]] = []
    windows: list[int] = []  # the chunk window each fill used
    actor = os_user() or "agent-loggy-db embed"
    with translated_errors(), psycopg.connect(target_url(settings), connect_timeout=settings.connect_timeout) as conn:
        register_vector(conn)
        chosen = None if config is None else embedding_config(conn, int(config) if config.isdigit() else config,
                                                              project)
        for name in what or tuple(TARGETS if chosen is None else CONFIG_TARGETS):
            table_name = CONFIG_TARGETS[name]
            if chosen is None:
                total = pending_count(conn, table_name, project)
            else:
                row = conn.execute("SELECT agent_loggy.pending_config_embedding_count(%s, %s)",
                                   (table_name, chosen.id)).fetchone()
                total = int(row[0]) if row else 0
            with progress_bar() as bar:
                task = bar.add_task(f"embedding {name}", total=total)
                advance = partial(bar.advance, task)
                if chosen is None:
                    result = fill_embeddings(conn, embedder, table_name, project=project, batch_size=batch_size,
                                             actor=actor, on_batch=advance)
                    rows.append((name, result.embedded, "", result.skipped))
                else:
                    filled = fill_config_embeddings(conn, embedder, chosen, table_name, batch_size=batch_size,
                                                    actor=actor, on_batch=advance)
                    rows.append((name, filled.embedded, filled.chunks, filled.skipped))
                    windows.append(filled.window)
    if as_json:
        print_json({"embedder": embedder.name, "config": chosen, "windows": windows,
                    "results": [{"what": name, "embedded": done, "chunks": chunks if chosen else None, "left": left}
                                for name, done, chunks, left in rows]})
        return
    if chosen is None:
        table(f"Embeddings computed with {embedder.name} in project {project}",
              ["what", "embedded", "left (text changed)"], [(name, done, left) for name, done, _, left in rows])
        return
    table(f"Embedding config {chosen.id} ({chosen.name} v{chosen.version}, {chosen.chunking_strategy}) filled with "
          f"{embedder.name} in project {chosen.project}", ["what", "embedded", "chunks", "left (text changed)"], rows)
    if windows and min(windows) < chosen.chunk_size and chosen.chunking_strategy != "none":
        warn(f"note: chunks of {min(windows)} tokens, not the config's {chosen.chunk_size}: {embedder.name} reads no "
             "more")


MODES = ("hybrid", "vector", "keyword", "fuzzy")


@click.command()
@click.argument("text")
@project_option
@click.option("--tags", default=None, help="Comma-separated tags; documents must carry all of them.")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True)
@click.option("--limit", "-k", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--config", "config", default=None, metavar="NAME|ID",
              help="Vector and hybrid: search this embedding config's store (default: the project's search config).")
@click.option("--user", "-u", envvar="AGENT_LOGGY_USER", default=None,
              help="Act for this user of the application: their documents and the shared ones (env AGENT_LOGGY_USER).")
@json_option
def search(text: str, project: str, tags: str | None, mode: str, limit: int, config: str | None,
           user: str | None, as_json: bool) -> None:
    """Search the documents of a project for TEXT and print the best matches as a table.

    vector and hybrid embed TEXT with the local model (the extra embed); keyword and fuzzy need no
    model. fuzzy is keyword search tolerant to typos (paymnet-gatway finds payment-gateway): the
    "matched" column says which word each query word matched. A document found through its best
    chunk (an embedding config's store) shows that chunk.
    """
    if not text.strip():
        raise click.BadParameter("expected some words to search for", param_hint="TEXT")
    tag_list = None if tags is None else [t.strip() for t in tags.split(",") if t.strip()]
    if tag_list == []:
        raise click.BadParameter(f"{tags!r} names no tag: expected comma-separated tags", param_hint="--tags")
    embedder = None if mode in ("keyword", "fuzzy") else load_embedder()
    settings = Settings.from_env()
    with command_pool(settings, max_size=settings.pool_max_size) as pool:
        chosen = None
        if config is not None:
            with translated_errors(), pool.connection() as conn:
                chosen = embedding_config(conn, int(config) if config.isdigit() else config, project).id
        finder = Search(pool, embedder=embedder)
        if mode == "keyword":
            hits = finder.keyword_search_documents(text, project=project, limit=limit, tags=tag_list, user=user)
        elif mode == "fuzzy":
            hits = finder.fuzzy_search_documents(text, project=project, limit=limit, tags=tag_list, user=user)
        elif mode == "vector":
            hits = finder.search_documents(text, project=project, limit=limit, tags=tag_list, user=user,
                                           embedding_config=chosen)
        else:
            hits = finder.hybrid_search_documents(text, project=project, limit=limit, tags=tag_list, user=user,
                                                  embedding_config=chosen)
    if as_json:
        print_json(hits)
        return
    if not hits:
        say(f"no documents of project {project} match {text!r}" + (f" with tags {tags}" if tags else ""))
        return
    columns = ["#", "score", *(("keyword", "semantic") if mode == "hybrid" else ()), "source / id", "title", "tags",
               *(("matched",) if mode == "fuzzy" else ()), "content"]
    table(f"{mode} search of project {project} for {text!r}", columns,
          [(n, *_scores(hit, mode), f"{hit.source}/{hit.external_id or hit.id}", hit.title or "", ",".join(hit.tags),
            *((_matched(hit),) if mode == "fuzzy" else ()), _snippet(_best_text(hit)))
           for n, hit in enumerate(hits, start=1)])


def _best_text(hit: DocumentHit) -> str:
    """The document's best chunk when the search says where it lies (in title and content), else its content."""
    if hit.chunk_start is None or hit.chunk_end is None:
        return hit.content
    embedded = "\n\n".join(part for part in (hit.title, hit.content) if part is not None)
    return embedded[hit.chunk_start:hit.chunk_end]


def _matched(hit: DocumentHit) -> str:
    """What each query word matched: `paymnet→payment`, or the word alone when it matched as typed."""
    terms = hit.matched_terms or {}
    return ", ".join(word if word == lexeme else f"{word}→{lexeme}" for word, lexeme in sorted(terms.items()))


def _scores(hit: DocumentHit, mode: str) -> tuple[str, ...]:
    if mode == "hybrid":
        return f"{hit.score:.4f}", str(hit.keyword_rank or "-"), str(hit.semantic_rank or "-")
    return (f"{hit.similarity if mode == 'vector' else hit.rank:.4f}",)


def _snippet(content: str, width: int = 80) -> str:
    flat = " ".join(content.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


COMMANDS = (embed, search)
