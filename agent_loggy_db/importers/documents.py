"""Bulk loads of documents: JSONL files (and any iterable of documents) through binary COPY.

A load is one transaction: agent_loggy.stage_documents() creates a temporary staging table,
binary COPY fills it, agent_loggy.load_staged_documents() checks every row (reporting bad lines)
and upserts them on (project, source, external_id). The file is read once, line by line, so a
big file is never held in memory; a bad line stops the writing but not the reading, so every bad
line (up to MAX_PROBLEMS) is reported, and nothing is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from pgvector.psycopg import register_vector

from agent_loggy_db.errors import ImportFailed, import_error, translated_errors
from agent_loggy_db.importers.values import jsonb, pg_json, pg_text, pg_vector
from agent_loggy_db.pool import bound_transaction
from agent_loggy_db.search import as_vector

MAX_PROBLEMS = 50
FIELDS = ("external_id", "title", "content", "tags", "metadata", "embedding")

_COPY = ("COPY pg_temp.agent_loggy_staged_documents (line, external_id, title, content, tags, metadata, embedding) "
         "FROM STDIN (FORMAT binary)")
_COPY_TYPES = ["int8", "text", "text", "text", "text[]", "jsonb", "vector"]


@dataclass(frozen=True)
class DocumentRecord:
    """One document to load; `line` is where it came from (its position for other sources)."""

    line: int
    external_id: str
    content: str
    title: str | None = None
    tags: Sequence[str] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    embedding: Sequence[float] | Any | None = None  # a list of numbers or a 1-D numpy array


@dataclass(frozen=True)
class LoadResult:
    """What a load did: rows inserted, updated and left unchanged; whether the vector index was rebuilt."""

    inserted: int
    updated: int
    unchanged: int
    index_rebuilt: bool


def load_documents(
    conn: psycopg.Connection[Any],
    records: Iterable[DocumentRecord],
    *,
    project: str,
    source: str,
    embedding_config_id: int | None = None,
    rebuild_index: bool | None = None,
    on_row: Callable[[DocumentRecord], None] | None = None,
    on_merge: Callable[[], None] | None = None,
    read_problems: Callable[[], Sequence[str]] | None = None,
) -> LoadResult:
    """Stage `records` with binary COPY and merge them, in one transaction (a savepoint inside one).

    rebuild_index: None lets the database decide (a big load drops and rebuilds the vector index),
    True / False forces it. on_row follows the staging, on_merge announces the merge. read_problems
    gives the "line N: reason" problems the reader found (records it could not yield); ImportFailed
    lists those and the database's, by line, and nothing is written.
    """
    with translated_errors():
        if conn.adapters.types.get("vector") is None:  # binary COPY of embeddings needs the type's oid
            register_vector(conn)
        try:
            with bound_transaction(conn, project=project):
                conn.execute("SELECT agent_loggy.stage_documents()")
                with conn.cursor() as cur, cur.copy(_COPY) as copy:
                    copy.set_types(_COPY_TYPES)
                    for record in records:
                        copy.write_row(_copy_row(record))
                        if on_row is not None:
                            on_row(record)
                problems = list(read_problems()) if read_problems is not None else []
                if problems:
                    raise _failure(conn, problems)
                if on_merge is not None:
                    on_merge()
                row = conn.execute(
                    "SELECT * FROM agent_loggy.load_staged_documents(%s::text, %s::text, %s::bigint, %s::boolean)",
                    (project, source, embedding_config_id, rebuild_index),
                ).fetchone()
        except psycopg.errors.InvalidParameterValue as exc:
            raise import_error(exc) from exc
    if row is None:
        raise ImportFailed("agent_loggy.load_staged_documents returned no row", [])
    return LoadResult(*row)


def _failure(conn: psycopg.Connection[Any], problems: list[str]) -> ImportFailed:
    """ImportFailed with the reader's problems and the staged rows' problems, in line order."""
    row = conn.execute("SELECT agent_loggy.staged_document_problems(%s)", (MAX_PROBLEMS,)).fetchone()
    found = sorted({*problems, *(row[0] if row else [])}, key=_line_number)[:MAX_PROBLEMS]
    return ImportFailed(f"cannot import the documents: {len(found)} bad line(s) (nothing was written)", found)


def _line_number(problem: str) -> int:
    match = re.match(r"line (\d+):", problem)
    return int(match[1]) if match else 0


def _copy_row(r: DocumentRecord) -> tuple[Any, ...]:
    if not -(2**63) <= r.line < 2**63:  # binary COPY of an int8 would raise OverflowError
        raise ImportFailed("cannot import the documents: a line number must fit a bigint", [f"line {r.line}: too big"])
    embedding = None if r.embedding is None else as_vector(r.embedding)
    return (r.line, r.external_id, r.title, r.content, list(r.tags), jsonb(dict(r.metadata)), embedding)


class JsonlDocuments:
    """The documents of a JSONL file, one JSON object per line, checked as they are read.

    Iterating yields the good records and collects a "line N: reason" for each bad one (see
    `problems`, at most MAX_PROBLEMS); `bytes_read` follows the reading, for a progress bar.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []
        self.bytes_read = 0

    def __iter__(self) -> Iterator[DocumentRecord]:
        first_line: dict[str, int] = {}
        try:
            with self.path.open("rb") as f:
                for number, raw in enumerate(f, start=1):
                    self.bytes_read += len(raw)
                    record = self._record(number, raw, first_line)
                    if record is not None:
                        yield record
                    if len(self.problems) >= MAX_PROBLEMS:
                        return
        except OSError as exc:
            raise ImportFailed(f"cannot read {self.path}: {exc.strerror or exc}", []) from exc

    def _record(self, number: int, raw: bytes, first_line: dict[str, int]) -> DocumentRecord | None:
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            self.problems.append(f"line {number}: byte 0x{raw[exc.start]:02x} is not UTF-8: expected UTF-8 text")
            return None
        if not text.strip():
            return None
        try:
            record = parse_document(number, text)
        except ValueError as exc:
            self.problems.append(f"line {number}: {exc}")
            return None
        seen = first_line.setdefault(record.external_id, number)
        if seen != number:
            self.problems.append(f"line {number}: external_id {record.external_id!r} is also on line {seen}")
            return None
        return record


def parse_document(line: int, text: str) -> DocumentRecord:
    """One JSONL line as a DocumentRecord; ValueError says what is wrong and what was expected."""
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno}): expected a JSON object") from None
    except RecursionError:
        raise ValueError(f"JSON nested too deeply: expected an object with the fields {', '.join(FIELDS)}") from None
    if not isinstance(value, dict):
        raise ValueError(f"a JSON {_json_type(value)}: expected an object with the fields {', '.join(FIELDS)}")
    unknown = sorted(set(value) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(map(repr, unknown))}: expected only {', '.join(FIELDS)}")
    return DocumentRecord(
        line=line,
        external_id=_external_id(value.get("external_id")),
        content=_text("content", value.get("content"), required=True) or "",
        title=_text("title", value.get("title"), required=False),
        tags=_tags(value.get("tags")),
        metadata=_metadata(value.get("metadata")),
        embedding=_embedding(value.get("embedding")),
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"not valid JSON ({name} is not a JSON number): expected a JSON object")


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def _text(name: str, value: Any, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str):
        what = "missing" if value is None else f"a JSON {_json_type(value)}"
        raise ValueError(f"{name} is {what}: expected a string")
    return pg_text(name, value)


def _external_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text("external_id", value, required=True) or ""


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        raise ValueError(f"tags is {json.dumps(value)[:80]}: expected an array of strings")
    return [_text("tags", t, required=True) or "" for t in value]


def _metadata(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"metadata is a JSON {_json_type(value)}: expected an object")
    copied: dict[str, Any] = pg_json("metadata", value)
    return copied


def _embedding(value: Any) -> list[float] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError(f"embedding is a JSON {_json_type(value)}: expected an array of 384 numbers")
    return pg_vector("embedding", value)
