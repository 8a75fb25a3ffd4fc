"""One exception hierarchy for agent_loggy_db, mapped from SQLSTATE in one place."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg


class AgentLoggyError(Exception):
    """Base class of every error agent_loggy_db raises on purpose."""


class ConfigurationError(AgentLoggyError):
    """An environment variable or argument has a value we cannot use."""


class MissingDependency(AgentLoggyError):
    """An optional dependency is not installed; .extra names the pip extra that brings it."""

    def __init__(self, message: str, *, extra: str):
        super().__init__(f"{message}: pip install 'agent-loggy-db[{extra}]'")
        self.extra = extra


class ServerError(AgentLoggyError):
    """The embedded PostgreSQL server could not be started, found or stopped."""


class MigrationError(AgentLoggyError):
    """A migration failed to apply or roll back; nothing of it was kept."""


class EmbedderUnavailable(MissingDependency):
    """Local embeddings need the optional extra embed (torch's CPU build installed first)."""

    def __init__(self, message: str):
        super().__init__(f"{message} (install torch==2.13.0 first, the CPU build)", extra="embed")


class DatabaseError(AgentLoggyError):
    """An error reported by PostgreSQL, with its SQLSTATE and constraint (if any)."""

    def __init__(self, message: str, *, sqlstate: str | None = None, constraint: str | None = None):
        super().__init__(message)
        self.sqlstate = sqlstate
        self.constraint = constraint


class ConnectionFailed(DatabaseError):
    """The server could not be reached or dropped the connection."""


class ReplicaBehind(DatabaseError):
    """A standby has not replayed a change it was asked to have (SQLSTATE AL001, check_replayed): read
    from the primary instead."""


class NotFound(DatabaseError):
    """What was asked for does not exist (SQLSTATE P0002 / 02000)."""


class InvalidInput(DatabaseError):
    """A value broke a rule of the schema (bad label, operator, dimension, ...)."""


class InvalidLabel(InvalidInput):
    """A label does not match ^[a-z0-9_.-]{1,36}$ or is the reserved label latest."""


class PromptNotFound(NotFound):
    """No prompt version matches the name, label(s) or version asked for."""


class MissingVariables(InvalidInput):
    """A template was rendered without some of its variables; .names lists every one."""

    def __init__(self, names: tuple[str, ...], *, sqlstate: str | None = "22023"):
        super().__init__(f"missing template variables: {', '.join(names)}", sqlstate=sqlstate)
        self.names = names


class UnexpectedVariables(InvalidInput):
    """A strict render was given variables the template does not use; .names lists them."""

    def __init__(self, names: tuple[str, ...]):
        super().__init__(f"variables not used by the template: {', '.join(names)}", sqlstate="22023")
        self.names = names


class UnreadableValue(DatabaseError):
    """A value read from the database could not be decoded here (JSON nested too deeply for Python's
    decoder, which the database's own limit of 64 levels prevents for rows it checked)."""


class AlreadyExists(DatabaseError):
    """A row with the same natural key exists (unique violation)."""


class PermissionDenied(DatabaseError):
    """The role may not do this, or the object refuses it (the append-only changelog)."""


class ImportFailed(InvalidInput):
    """An import file has problems; nothing of it was written.

    headline: what failed; problems: one "line N: reason" each; the message is the headline and
    every problem, one per line.
    """

    def __init__(self, message: str, problems: list[str], *, sqlstate: str | None = None):
        super().__init__("\n  ".join([message, *problems]), sqlstate=sqlstate)
        self.headline = message
        self.problems = tuple(problems)


class UnsafePickle(ImportFailed):
    """A pickle references a global (class or function) that is not on the allow-list; nothing ran.

    global_name: the refused global as "module.name", e.g. "posix.system".
    """

    def __init__(self, message: str, global_name: str):
        super().__init__(message, [])
        self.global_name = global_name


_PROBLEM_START = re.compile(r"\n(?=(?:line|row) \d+: )")


def import_error(exc: psycopg.Error) -> DatabaseError:
    """An import function's error: ImportFailed with one problem per "line N: reason" of its DETAIL
    when it has one (an invalid_parameter_value from the import functions), else map_error()."""
    detail = exc.diag.message_detail
    if exc.sqlstate != "22023" or not detail:
        return map_error(exc)
    return ImportFailed(exc.diag.message_primary or str(exc), _PROBLEM_START.split(detail), sqlstate=exc.sqlstate)


_MISSING = "missing template variables: "  # render_prompt's message; the names follow, ", "-separated


def map_error(exc: psycopg.Error) -> DatabaseError:
    """Translate a psycopg error into the matching DatabaseError subclass."""
    diag = exc.diag
    sqlstate = exc.sqlstate or ""
    constraint = diag.constraint_name
    message = diag.message_primary or str(exc).strip()
    if diag.message_hint:
        message = f"{message} (hint: {diag.message_hint})"
    if sqlstate == "22023" and message.startswith(_MISSING):
        names = diag.message_primary[len(_MISSING):] if diag.message_primary else ""
        return MissingVariables(tuple(names.split(", ")), sqlstate=sqlstate)
    cls: type[DatabaseError]
    lost = sqlstate.startswith("08") or sqlstate in {"57P01", "57P02", "57P03"}
    if lost or (isinstance(exc, psycopg.OperationalError) and not sqlstate):
        cls = ConnectionFailed
        message = "; ".join(line.strip() for line in message.splitlines() if line.strip())  # libpq's run over lines
    elif sqlstate == "AL001":
        cls = ReplicaBehind
    elif sqlstate in {"P0002", "02000"}:
        cls = NotFound
    elif constraint and constraint.endswith("_labels_check"):
        cls = InvalidLabel
    elif sqlstate == "23505":
        cls = AlreadyExists
    elif sqlstate.startswith("22") or sqlstate in {"23502", "23503", "23514"} or isinstance(exc, psycopg.DataError):
        cls = InvalidInput  # a DataError without SQLSTATE: psycopg refused a value (a NUL byte) before sending it
    elif sqlstate == "42501":
        cls = PermissionDenied
    else:
        cls = DatabaseError
    return cls(message, sqlstate=sqlstate or None, constraint=constraint)


@contextmanager
def translated_errors() -> Iterator[None]:
    """Re-raise any psycopg error inside the block as its DatabaseError subclass, a string psycopg
    cannot encode to send (a lone surrogate) as InvalidInput, and a value too deep to decode as
    UnreadableValue."""
    try:
        yield
    except psycopg.Error as exc:
        raise map_error(exc) from exc
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        raise InvalidInput(f"text PostgreSQL cannot hold: {bad!r} at position {exc.start} ({exc.reason})") from exc
    except RecursionError as exc:  # decoding a row's JSON that nests deeper than Python's recursion limit
        raise UnreadableValue("a value read from the database nests too deeply to decode") from exc
