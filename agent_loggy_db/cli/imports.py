"""`agent-loggy-db import`: context rules, Loki exclusions, documents and FAISS stores, all or nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import psycopg
from pgvector.psycopg import register_vector

from agent_loggy_db.backfill import embedding_config, store_vectors
from agent_loggy_db.cli.db import target_url
from agent_loggy_db.cli.options import audit_options, json_option, project_option
from agent_loggy_db.cli.output import print_json, say, table, warn
from agent_loggy_db.cli.progress import progress_bar
from agent_loggy_db.configs import EmbeddingConfig
from agent_loggy_db.embedding import Embedder, load_embedder
from agent_loggy_db.errors import ImportFailed, InvalidInput, MissingDependency, translated_errors
from agent_loggy_db.importers import FORMATS, FaissStore, import_file, read_file, read_langchain_faiss
from agent_loggy_db.importers.documents import DocumentRecord, JsonlDocuments, LoadResult, load_documents
from agent_loggy_db.importers.faiss import faiss_documents, normalised
from agent_loggy_db.pool import bound_transaction
from agent_loggy_db.settings import Settings


def _import_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        project_option,
        click.option("--deactivate-missing", is_flag=True,
                     help="Deactivate every active row of the project whose key is not in the file."),
        audit_options,
        json_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.group("import")
def import_group() -> None:
    """Import context rules and Loki exclusions (CSV), documents (JSONL) and LangChain FAISS stores.

    Every row is checked; one bad row refuses the whole file, listing every bad line, and nothing
    is written. Importing the same file again changes nothing.
    """


@import_group.command("context-rules")
@_import_options
def context_rules(file: Path, project: str, deactivate_missing: bool, actor: str | None, summary: str | None,
                  as_json: bool) -> None:
    """Import FILE.csv with the header context,important,ignore,description."""
    _import("context-rules", file, project, deactivate_missing, actor, summary, as_json)


@import_group.command("negate-keys")
@_import_options
def negate_keys(file: Path, project: str, deactivate_missing: bool, actor: str | None, summary: str | None,
                as_json: bool) -> None:
    """Import FILE.csv with the header label,operator,value (operators =, !=, =~, !~)."""
    _import("negate-keys", file, project, deactivate_missing, actor, summary, as_json)


def _import(
    kind: str, file: Path, project: str, deactivate_missing: bool, actor: str | None, summary: str | None,
    as_json: bool,
) -> None:
    fmt = FORMATS[kind]
    csv_file = read_file(file, fmt)  # a file without the right header is reported before connecting
    settings = Settings.from_env()
    with translated_errors(), psycopg.connect(target_url(settings), connect_timeout=settings.connect_timeout) as conn:
        result = import_file(
            conn, csv_file, project=project, deactivate_missing=deactivate_missing,
            actor=actor, summary=summary or f"import {file.name}",
        )
    if as_json:
        print_json(result)
        return
    table(
        f"Imported {fmt.what} from {file} into project {project}",
        ["result", "rows"],
        [
            ("created", result.created),
            ("updated", result.updated),
            ("unchanged", result.unchanged),
            ("deactivated", result.deactivated),
        ],
    )


_INDEX_CHOICES = {"auto": None, "rebuild": True, "keep": False}

index_option = click.option(
    "--index", "index_mode", type=click.Choice(list(_INDEX_CHOICES)), default="auto", show_default=True,
    help="Vector index during the load: auto rebuilds it after big loads of embedded rows (faster than "
         "inserting into it), rebuild / keep force the choice.")


@import_group.command("documents")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@project_option
@click.option("--source", "-s", default="manual", show_default=True,
              help="Source name: with external_id the identity documents are upserted on.")
@index_option
@json_option
def documents(file: Path, project: str, source: str, index_mode: str, as_json: bool) -> None:
    """Import FILE.jsonl: one JSON object per line with external_id, content and optionally title,
    tags, metadata and embedding (384 numbers).

    Binary COPY in one transaction; documents are upserted on (project, source, external_id), so
    importing the same file again changes nothing. One bad line refuses the file, listing the bad lines.
    """
    records = JsonlDocuments(file)
    with translated_errors(), _connect(project, source) as conn, progress_bar(in_bytes=True) as bar:
        task = bar.add_task(f"staging {file.name}", total=file.stat().st_size)
        result = load_documents(
            conn, records, project=project, source=source, rebuild_index=_INDEX_CHOICES[index_mode],
            on_row=lambda _: bar.update(task, completed=records.bytes_read),
            on_merge=lambda: bar.update(task, completed=records.bytes_read, description="merging into documents"),
            read_problems=lambda: records.problems,
        )
    if as_json:
        print_json(result)
        return
    load_table(f"Imported documents from {file} into project {project} (source {source})", result)


def _connect(project: str, source: str) -> psycopg.Connection[Any]:
    """A connection to the target database with pgvector's types registered, after the database
    has checked the project and source names (before any long reading)."""
    settings = Settings.from_env()
    conn = psycopg.connect(target_url(settings), connect_timeout=settings.connect_timeout)
    try:
        with bound_transaction(conn, project=project):
            conn.execute("SELECT agent_loggy.check_document_target(%s, %s)", (project, source))
        register_vector(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def load_table(title: str, result: LoadResult, *extra: tuple[str, object]) -> None:
    """The result table of a document load."""
    table(title, ["result", "documents"], [
        ("inserted", result.inserted), ("updated", result.updated), ("unchanged", result.unchanged), *extra,
        ("vector index", "rebuilt" if result.index_rebuilt else "kept"),
    ])


@import_group.command("faiss")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--project", "-p", required=True, help="Project (tenant) the documents go to.")
@click.option("--source", "-s", default="faiss", show_default=True,
              help="Source name: with the docstore id the identity documents are upserted on.")
@click.option("--embed/--no-embed", "embed", default=None,
              help="Re-embed vectors that cannot be kept (not 384 dimensions) with the local model; "
                   "default: when the extra embed is installed.")
@click.option("--config", "config", default=None, metavar="NAME|ID",
              help="Keep the store's vectors, of any dimensions, in this embedding config's store (the config of "
                   "the model that made them: its current version by name, or an id).")
@index_option
@json_option
def faiss_store(directory: Path, project: str, source: str, embed: bool | None, config: str | None,
                index_mode: str, as_json: bool) -> None:
    """Import a LangChain FAISS.save_local DIRECTORY (index.faiss + index.pkl).

    The pickle is read by a restricted unpickler that admits only LangChain's docstore and
    document classes. Vectors are kept normalised to unit length (the database ranks by cosine;
    FAISS L2 over unnormalised vectors ranks differently). With --config they go to that embedding
    config's store, whatever their dimensions (1536 for text-embedding-3-small), in the same
    transaction as the documents. Without, 384-dimension vectors go to the vector(384) column and
    other dimensions are re-embedded from the text, or imported without embeddings when no embedder
    is installed.
    """
    with translated_errors(), _connect(project, source) as conn:
        store = read_langchain_faiss(directory)
        if config is not None:
            chosen = embedding_config(conn, int(config) if config.isdigit() else config, project)
            if chosen.project != project or chosen.dimensions != store.dimensions:
                raise InvalidInput(f"the FAISS store holds {store.dimensions}-dimension vectors: embedding config "
                                   f"{chosen.id} ({chosen.name} v{chosen.version}, project {chosen.project}) holds "
                                   f"{chosen.dimensions}-dimension vectors of project {chosen.project}, "
                                   f"and the import is into {project}", sqlstate="22023")
            _faiss_into_config(conn, store, directory, chosen, project, source, index_mode, as_json)
            return
        embedder = _faiss_embedder(store, embed)
        with progress_bar() as bar:
            embedding = bar.add_task("re-embedding", total=len(store.records), visible=False)
            plan = faiss_documents(store, embedder,
                                   on_embedded=lambda n: bar.update(embedding, advance=n, visible=True))
            staging = bar.add_task(f"staging {directory.name}", total=len(plan.documents))
            result = _load_faiss(conn, directory, plan.documents, project, source, index_mode, bar, staging)
    if as_json:
        print_json({**faiss_facts(store), "result": result, "kept": plan.kept, "embedded": plan.embedded,
                    "without": plan.without})
        return
    say(f"FAISS {store.index_type}, {store.metric.replace('_', ' ')}, {store.dimensions} dimensions")
    load_table(f"Imported the FAISS store {directory} into project {project} (source {source})", result,
               ("vectors kept (normalised)", plan.kept), ("re-embedded", plan.embedded),
               ("without embedding", plan.without))


def _load_faiss(conn: psycopg.Connection[Any], directory: Path, documents: list[DocumentRecord], project: str,
                source: str, index_mode: str, bar: Any, staging: Any) -> LoadResult:
    """load_documents for a FAISS store: its problems name index positions."""
    try:
        return load_documents(
            conn, documents, project=project, source=source, rebuild_index=_INDEX_CHOICES[index_mode],
            on_row=lambda _: bar.advance(staging),
            on_merge=lambda: bar.update(staging, description="merging into documents"),
        )
    except ImportFailed as exc:  # the store's "lines" are index positions + 1
        raise ImportFailed(f"cannot import the FAISS store in {directory}",
                           [_as_position(p) for p in exc.problems]) from exc


def _faiss_into_config(conn: psycopg.Connection[Any], store: FaissStore, directory: Path, config: EmbeddingConfig,
                       project: str, source: str, index_mode: str, as_json: bool) -> None:
    """The store's documents, and their vectors in the config's store, in one transaction."""
    vectors = {r.docstore_id: normalised(r.vector) if r.vector is not None else None for r in store.records}
    documents = [DocumentRecord(line=n, external_id=r.docstore_id, content=r.content, metadata=r.metadata)
                 for n, r in enumerate(store.records, start=1)]
    with progress_bar() as bar, conn.transaction():
        staging = bar.add_task(f"staging {directory.name}", total=len(documents))
        result = _load_faiss(conn, directory, documents, project, source, index_mode, bar, staging)
        with bound_transaction(conn, project=project):
            rows = conn.execute(
                "SELECT d.id, d.external_id, agent_loggy.embedding_input(d) FROM agent_loggy.documents AS d "
                "WHERE d.project = %s AND d.source = %s AND d.external_id = ANY (%s) AND d.user_id IS NOT DISTINCT "
                "FROM agent_loggy.acting_user()", (project, source, list(vectors))).fetchall()
        items = [(i, text, vectors[external]) for i, external, text in rows if vectors.get(external) is not None]
        kept = store_vectors(conn, config, "documents", items)
    if as_json:
        print_json({**faiss_facts(store), "result": result, "config": config, "kept": kept,
                    "without": len(documents) - kept})
        return
    say(f"FAISS {store.index_type}, {store.metric.replace('_', ' ')}, {store.dimensions} dimensions")
    load_table(f"Imported the FAISS store {directory} into project {project} (source {source}), its vectors into "
               f"embedding config {config.id} ({config.name} v{config.version})", result,
               ("vectors kept (normalised)", kept), ("without embedding", len(documents) - kept))


def faiss_facts(store: FaissStore) -> dict[str, object]:
    """What --json says of a FAISS store: index type, metric, dimensions."""
    return {"index_type": store.index_type, "metric": store.metric, "dimensions": store.dimensions}


def _faiss_embedder(store: FaissStore, embed: bool | None) -> Embedder | None:
    """The embedder when some vectors cannot be kept and embedding is wanted (or possible)."""
    if embed is False or (store.dimensions == 384 and all(r.vector is not None and r.vector.any()
                                                          for r in store.records)):
        return None
    try:
        return load_embedder()
    except MissingDependency:
        if embed:
            raise
        warn(f"note: the store has {store.dimensions}-dimension vectors and the extra embed is not installed: "
             "importing without embeddings (run `agent-loggy-db embed` later)")
        return None


def _as_position(problem: str) -> str:
    match = re.match(r"line (\d+): (.*)", problem, re.DOTALL)
    return f"index position {int(match[1]) - 1}: {match[2]}" if match else problem
