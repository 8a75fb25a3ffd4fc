"""CSV imports of context rules and negate keys (Loki exclusions).

The file's shape (UTF-8, CSV syntax, header, number of columns, text PostgreSQL can hold) is
checked here, with line numbers; every value is checked by the database
(agent_loggy.import_problems), except the RE2 syntax of `=~` / `!~` negate keys, which only Python
can check (loki_regex). All of it is reported in one pass: a file with problems of every kind gets
one error listing every bad line. The rows are then written by one SQL function call in one
transaction: the whole file or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from agent_loggy_db.configs import DEFAULT_PROJECT, ImportResult
from agent_loggy_db.errors import ImportFailed, import_error, translated_errors
from agent_loggy_db.importers.loki_regex import PROBLEM as REGEX_PROBLEM
from agent_loggy_db.importers.loki_regex import regex_problems
from agent_loggy_db.importers.values import jsonb, pg_text
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


@dataclass(frozen=True)
class CsvFile:
    """A CSV file read for import: its well-formed rows, and the problems of its other lines."""

    fmt: CsvFormat
    rows: list[CsvRow]
    problems: tuple[str, ...]
    records: int
    """Data records in the file, well-formed or not."""

def read_file(path: Path, fmt: CsvFormat) -> CsvFile:
    """Read a CSV file with a header in one pass: its well-formed rows and every problem of the others
    (bytes that are not UTF-8, CSV syntax, a wrong number of values, text PostgreSQL cannot hold).

    Raises ImportFailed, listing every problem found, only when the file cannot be read as fmt at
    all: unreadable, empty, or with another header (its columns would mean something else).
    Blank lines are skipped; a UTF-8 byte order mark is allowed; values are kept as written (an
    empty optional context-rule column becomes NULL in the database).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}", []) from exc
    text, problems = _decode(data)
    header_problem, rows, more, records = _parse(text, fmt)
    problems = sorted([*problems, *more], key=_line_number)
    if header_problem is not None:
        raise ImportFailed(f"cannot import {fmt.what} from {path}: the file is not a valid {fmt.what} CSV",
                           [header_problem, *problems])
    return CsvFile(fmt, rows, tuple(problems), records)


def read_rows(path: Path, fmt: CsvFormat) -> list[CsvRow]:
    """The data rows of a CSV file with a header; ImportFailed lists every problem of the file
    (read_file's, all at once).
    """
    file = read_file(path, fmt)
    if file.problems:
        raise ImportFailed(f"cannot import {fmt.what} from {path}: the file is not a valid {fmt.what} CSV",
                           list(file.problems))
    return file.rows


def import_file(
    conn: psycopg.Connection[Any],
    file: CsvFile,
    *,
    project: str = DEFAULT_PROJECT,
    deactivate_missing: bool = False,
    actor: str | None = None,
    summary: str | None = None,
) -> ImportResult:
    """import_rows() of a file read by read_file(): its problems are reported together with the
    rows' (the database's and RE2's), in line order, in one ImportFailed."""
    return _import(conn, file.fmt, file.rows, file.problems, file.records, project=project,
                   deactivate_missing=deactivate_missing, actor=actor, summary=summary)


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
    raise ImportFailed with one problem per bad line, and nothing is written: the database's
    problems (agent_loggy.import_problems) and, for negate keys, every `=~` / `!~` value RE2 refuses.
    """
    return _import(conn, fmt, rows, (), len(rows), project=project, deactivate_missing=deactivate_missing,
                   actor=actor, summary=summary)


def _import(
    conn: psycopg.Connection[Any],
    fmt: CsvFormat,
    rows: list[CsvRow],
    found: Sequence[str],
    records: int,
    *,
    project: str,
    deactivate_missing: bool,
    actor: str | None,
    summary: str | None,
) -> ImportResult:
    regex = regex_problems(rows) if fmt is NEGATE_KEYS else []
    if found or regex:
        raise _failure(conn, fmt, rows, found, regex, records)
    query = sql.SQL("SELECT * FROM agent_loggy.{}(%s::jsonb, %s::text, %s::boolean)").format(
        sql.Identifier(fmt.function)
    )
    with translated_errors():
        try:
            with bound_transaction(conn, actor=actor, summary=summary, project=project):
                row = conn.execute(query, (jsonb(rows), project, deactivate_missing)).fetchone()
        except psycopg.errors.InvalidParameterValue as exc:
            error = import_error(exc)
            if isinstance(error, ImportFailed):  # the problems exactly: a value may hold a newline
                error = ImportFailed(error.headline, _database_problems(conn, fmt, rows), sqlstate=error.sqlstate)
            raise error from exc
    if row is None:
        raise ImportFailed(f"agent_loggy.{fmt.function} returned no row", [])
    return ImportResult(*row)


def _failure(conn: psycopg.Connection[Any], fmt: CsvFormat, rows: list[CsvRow], found: Sequence[str],
             regex: list[str], records: int) -> ImportFailed:
    """ImportFailed listing the file's problems, the database's for the well-formed rows and RE2's,
    by line; RE2's reason replaces the database's for a regex both refuse."""
    refused = {m[1] for p in regex if (m := REGEX_PROBLEM.match(p))}
    database = [p for p in _database_problems(conn, fmt, rows)
                if not ((m := REGEX_PROBLEM.match(p)) and m[1] in refused)]
    problems = sorted([*found, *database, *regex], key=_line_number)
    return ImportFailed(
        f"cannot import {fmt.what}: {len(problems)} problem(s) in {records} row(s), nothing was written", problems)


def _database_problems(conn: psycopg.Connection[Any], fmt: CsvFormat, rows: list[CsvRow]) -> list[str]:
    """agent_loggy.import_problems() of the rows: the database's checks as a dry run, nothing written."""
    with translated_errors(), conn.transaction():
        row = conn.execute("SELECT agent_loggy.import_problems(%s, %s::jsonb)",
                           (fmt.function.removeprefix("import_"), jsonb(rows))).fetchone()
    return list(row[0]) if row and row[0] else []


def _line_number(problem: str) -> int:
    match = re.match(r"(?:line|row) (\d+):", problem)
    return int(match[1]) if match else 0


def _decode(data: bytes) -> tuple[str, list[str]]:
    """The text, and a problem for each line holding bytes that are not UTF-8 (kept as lone
    surrogates in the text, so the rest of the file can still be read; such records are skipped)."""
    text = data.decode("utf-8-sig", errors="surrogateescape")
    problems = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            column = len(line[: exc.start].decode("utf-8")) + 1
            problems.append(f"line {number}: byte 0x{line[exc.start]:02x} at column {column} is not UTF-8:"
                            " expected UTF-8 text")
    return text, problems


_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes surrogateescape kept


def _parse(text: str, fmt: CsvFormat) -> tuple[str | None, list[CsvRow], list[str], int]:
    """(header problem, rows, problems of the other records, data records) of the whole file."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    problems: list[str] = []
    header: str | None = None
    header_problem: str | None = None
    records = 0
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # the reader goes on with the next line
            problems.append(f"line {reader.line_num}: {exc}: expected CSV with double-quoted values")
            if header is not None:
                records += 1
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1  # a quoted value may span lines
        if not record or record == [""]:
            continue
        if header is None:
            header = ",".join(record)
            if tuple(name.strip().lower() for name in record) != fmt.columns:
                header_problem = f"line {line}: header {header!r}: expected {fmt.header!r}"
            continue
        records += 1
        if any(_UNDECODED.search(value) for value in record):
            continue  # reported by _decode, on the line the bytes are on
        problem = _width_problem(record, fmt) or _text_problem(record, fmt)
        if problem:
            problems.append(f"line {line}: {problem}")
        else:
            rows.append({"line": line, **dict(zip(fmt.columns, record, strict=True))})
    if header is None:
        header_problem = f"line 1: the file is empty: expected the header {fmt.header!r}"
    return header_problem, rows, problems, records


def _width_problem(record: list[str], fmt: CsvFormat) -> str | None:
    expected = f"expected {len(fmt.columns)} ({', '.join(fmt.columns)})"
    if len(record) < len(fmt.columns):
        missing = ", ".join(fmt.columns[len(record):])
        return f"{len(record)} value(s), missing {missing}: {expected}"
    if len(record) > len(fmt.columns):
        extra = ", ".join(repr(v) for v in record[len(fmt.columns):])
        return f"{len(record)} values, extra {extra}: {expected}"
    return None


def _text_problem(record: list[str], fmt: CsvFormat) -> str | None:
    for column, value in zip(fmt.columns, record, strict=True):
        try:
            pg_text(column, value)
        except ValueError as exc:
            return str(exc)
    return None
