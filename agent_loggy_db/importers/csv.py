"""CSV imports of context rules and negate keys (Loki exclusions).

The file's shape (UTF-8, CSV syntax, header, number of columns) is checked here, with line
numbers; every value is checked by the database (agent_loggy.import_problems), which reports all
bad lines at once. The rows are then written by one SQL function call in one transaction: the
whole file or nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from agent_loggy_db.configs import DEFAULT_PROJECT, ImportResult
from agent_loggy_db.errors import ImportFailed, import_error, translated_errors
from agent_loggy_db.importers.values import jsonb
from agent_loggy_db.pool import bound_transaction

CsvRow = dict[str, str | int]
"""One data row for the SQL import functions: its source line number and its columns."""


@dataclass(frozen=True)
class CsvFormat:
    """A CSV file kind: what it holds, the SQL function importing it, its header columns."""

    what: str
    function: str
    columns: tuple[str, ...]

    @property
    def header(self) -> str:
        return ",".join(self.columns)


CONTEXT_RULES = CsvFormat("context rules", "import_context_rules", ("context", "important", "ignore", "description"))
NEGATE_KEYS = CsvFormat("negate keys", "import_negate_keys", ("label", "operator", "value"))
FORMATS = {"context-rules": CONTEXT_RULES, "negate-keys": NEGATE_KEYS}

def read_rows(path: Path, fmt: CsvFormat) -> list[CsvRow]:
    """The data rows of a CSV file with a header; ImportFailed lists every structural problem.

    Blank lines are skipped; a UTF-8 byte order mark is allowed; values are kept as written
    (an empty optional context-rule column becomes NULL in the database).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}", []) from exc
    text, problems = _decode(data)
    rows: list[CsvRow] = []
    if not problems:
        rows, problems = _parse(text, fmt)
    if problems:
        raise ImportFailed(f"cannot import {fmt.what} from {path}: the file is not a valid {fmt.what} CSV", problems)
    return rows


def import_rows(
    conn: psycopg.Connection[Any],
    fmt: CsvFormat,
    rows: list[CsvRow],
    *,
    project: str = DEFAULT_PROJECT,
    deactivate_missing: bool = False,
    actor: str | None = None,
    summary: str | None = None,
) -> ImportResult:
    """Import rows with one call of the format's SQL function, in one transaction.

    actor / summary / project are bound to the transaction first, so the changelog records who
    and why. Inside a transaction the caller holds, this becomes a savepoint of it. Invalid rows
    raise ImportFailed with one problem per bad line, and nothing is written.
    """
    query = sql.SQL("SELECT * FROM agent_loggy.{}(%s::jsonb, %s::text, %s::boolean)").format(
        sql.Identifier(fmt.function)
    )
    with translated_errors():
        try:
            with bound_transaction(conn, actor=actor, summary=summary, project=project):
                row = conn.execute(query, (jsonb(rows), project, deactivate_missing)).fetchone()
        except psycopg.errors.InvalidParameterValue as exc:
            raise import_error(exc) from exc
    if row is None:
        raise ImportFailed(f"agent_loggy.{fmt.function} returned no row", [])
    return ImportResult(*row)


def _decode(data: bytes) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    problems = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = len(line[: exc.start].decode("utf-8")) + 1
            problems.append(f"line {number}: byte 0x{line[exc.start]:02x} at column {column} is not UTF-8:"
                            " expected UTF-8 text")
    return "", problems


def _parse(text: str, fmt: CsvFormat) -> tuple[list[CsvRow], list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    problems: list[str] = []
    header: list[str] | None = None
    start = 1
    try:
        for record in reader:
            line, start = start, reader.line_num + 1  # a quoted value may span lines
            if not record or record == [""]:
                continue
            if header is None:
                header = [name.strip().lower() for name in record]
                if tuple(header) != fmt.columns:
                    return [], [f"line {line}: header {','.join(record)!r}: expected {fmt.header!r}"]
                continue
            problem = _width_problem(record, fmt)
            if problem:
                problems.append(f"line {line}: {problem}")
            else:
                rows.append({"line": line, **dict(zip(fmt.columns, record, strict=True))})
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}: expected CSV with double-quoted values")
    if header is None:
        problems.append(f"line 1: the file is empty: expected the header {fmt.header!r}")
    return rows, problems


def _width_problem(record: list[str], fmt: CsvFormat) -> str | None:
    expected = f"expected {len(fmt.columns)} ({', '.join(fmt.columns)})"
    if len(record) < len(fmt.columns):
        missing = ", ".join(fmt.columns[len(record):])
        return f"{len(record)} value(s), missing {missing}: {expected}"
    if len(record) > len(fmt.columns):
        extra = ", ".join(repr(v) for v in record[len(fmt.columns):])
        return f"{len(record)} values, extra {extra}: {expected}"
    return None
