"""Loki regular expressions: the values of `=~` / `!~` negate keys, checked with RE2 before an import.

Loki compiles label matcher regexes with Go's regexp package, which implements RE2's syntax; a
pattern it refuses makes every Loki query the agent builds fail. RE2 itself (the google-re2
bindings) checks them here, with the options Go uses (Perl syntax: \\d, \\b, (?i), non-greedy
repeats, named groups), so the error is the one RE2 gives. Known differences from Go: RE2 accepts
\\C (any byte), which Go refuses.

PostgreSQL cannot run RE2, so RE2's full syntax is the one rule of an import that lives only in
Python. The database (migration 0017: agent_loggy.loki_regex_problem(), used by import_problems()
and by a row trigger on negate_keys, so every client) refuses the plainly broken patterns
(unbalanced parentheses or brackets, a trailing backslash, a repetition of nothing or of a
repetition, backreferences, look-around), each of which RE2 refuses too; when both report a row,
the import reports RE2's reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import re2

REGEX_OPERATORS = ("=~", "!~")
PROBLEM = re.compile(r"(?:line|row) (\d+): invalid regular expression ")
"""Matches the problems of both checks (Python's and import_problems()'), with the row's number."""

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would log every refused pattern to stderr


def re2_error(pattern: str) -> str | None:
    """Why RE2 refuses pattern (its own words, e.g. "missing ): (a"), or None when it compiles."""
    try:
        re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return None


def quote_literal(text: str) -> str:
    """text quoted as PostgreSQL's quote_literal() does, so both checks name values alike."""
    if "\\" in text:
        return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
    return "'" + text.replace("'", "''") + "'"


def regex_problem(place: str, label: str, pattern: str, reason: str) -> str:
    """The problem line both checks write: the value with only quotes doubled, as it would be typed."""
    typed = "'" + pattern.replace("'", "''") + "'"
    return (f"{place}: invalid regular expression {typed} for label {quote_literal(label)}: {reason}:"
            " expected RE2 syntax, as Loki uses")


def regex_problems(rows: Sequence[Any]) -> list[str]:
    """One problem per `=~` / `!~` row whose value RE2 refuses, named by its line (or row position).

    Rows of another shape are left to import_problems(), which reports them.
    """
    problems = []
    for position, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or row.get("operator") not in REGEX_OPERATORS:
            continue
        label, value, line = row.get("label"), row.get("value"), row.get("line")
        if not isinstance(label, str) or not isinstance(value, str):
            continue
        reason = re2_error(value)
        if reason is not None:
            problems.append(regex_problem(_place(line, position), label, value, reason))
    return problems


def _place(line: object, position: int) -> str:
    """import_problems()' name for a row: its line when that is a whole number of at most 9 digits."""
    if isinstance(line, int) and not isinstance(line, bool) and 0 < line < 10**9:
        return f"line {line}"
    return f"row {position}"
