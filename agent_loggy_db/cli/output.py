"""Terminal output shared by the commands: one console, messages, tables and code, all printed as data.

Whatever the commands print may hold text that others wrote (templates, descriptions, actors,
change summaries, document titles and contents, model names, names the database returns, values
echoed in error messages). None of it reaches the terminal as it is:

- escape_controls() shows every character that would act on the terminal instead of being shown
  as a Python-style escape (`\\x1b`, `\\r`, `\\x9b`, `\\u202e`, `\\U000e0041`): the C0
  controls but newline and tab (ESC starts cursor moves, screen erases, OSC 52 clipboard writes and
  OSC 8 hyperlinks), DEL, the C1 controls U+0080-U+009F (0x9b is a one-byte CSI), every Unicode
  format character (category Cf: bidi embeddings, overrides and isolates U+202A-U+202E and
  U+2066-U+2069, marks, zero-width characters, tag characters U+E0000-U+E007F that hide text) and
  the line and paragraph separators U+2028 / U+2029. Everything else, any script or emoji, is
  printed as stored.
- safe() makes that a rich Text, which rich prints as it is: `[red]` or `[link=...]` in stored text
  is never read as markup (rich.markup.escape would do for text inside markup, but a string escaped
  with it and printed whole shows a trailing backslash doubled), and `:emoji:` codes are not
  replaced. say(), table() and code() print everything they are given this way.

Only `prompt get`, `prompt export -` and --json print data meant to be piped (write_data(),
print_json()): their exact bytes when stdout is not a terminal, escaped (JSON-compatibly for JSON)
when it is. print_json() turns plain data (dataclasses, mappings, sequences, datetimes, Decimals) into
one JSON document through to_plain(), so a field added to a model shows up in --json by itself.

When stdout is not a terminal, what is meant for reading is written plain and whole, never cut or
folded at a width: table() writes a `# title` line, then the header and one line per row, cells
separated by tabs (a cell's own tabs and newlines shown as \\t and \\n, so every row is one line);
code() writes the text as it is, line by line. Controls are escaped there as on a terminal: a file
written from `prompt show` cannot act on the terminal that later shows it; exact bytes come from
--json, `prompt get` and `prompt export`.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

errors = Console(stderr=True, highlight=False, emoji=False, soft_wrap=True)
console = Console(highlight=False, soft_wrap=True, emoji=False)

STATUS_STYLE = {"ok": "green", "warn": "yellow", "fail": "red", "applied": "green", "pending": "yellow"}

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
"""Unicode categories that act on a terminal instead of showing: controls, format characters, line and
paragraph separators."""

_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")  # only these characters need a closer look
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_unsafe(char: str) -> bool:
    """True for a character escape_controls() shows as an escape (newline and tab included)."""
    return unicodedata.category(char) in UNSAFE_CATEGORIES


def escaped(char: str) -> str:
    """One character as a Python-style escape: \\n, \\x1b, \\u202e, \\U000e0041."""
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_controls(text: str, *, keep: str = "\n\t") -> str:
    """text with every character that would act on a terminal shown as an escape, but those in keep.

    keep="\\n\\t" (the default) suits multi-line text; table cells keep only newlines, and the
    items of an error message nothing (a value then cannot start a line that looks like another item).
    """

    def replace(match: re.Match[str]) -> str:
        char = match[0]
        return escaped(char) if char not in keep and is_unsafe(char) else char

    return _NOT_PRINTABLE_ASCII.sub(replace, text)


def safe(text: str, *, keep: str = "\n\t", style: str = "") -> Text:
    """text as a rich Text that prints it literally: never markup, controls escaped (escape_controls)."""
    return Text(escape_controls(text, keep=keep), style=style)


def write_data(text: str, *, is_json: bool = False) -> None:
    """Write data meant for piping (a rendered prompt, an export) to stdout.

    When stdout is not a terminal: its exact UTF-8 bytes (click.echo would strip what looks like
    ANSI styles). On a terminal: escape_controls(text), or for JSON every character it would escape
    as a JSON \\u escape (a surrogate pair beyond U+FFFF), so what is shown is the same JSON
    document; json.dumps escapes C0 controls inside strings itself, but not DEL, C1 or format
    characters, and the newlines it writes between values are kept.
    """
    if not is_terminal():
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    sys.stdout.write(_NOT_PRINTABLE_ASCII.sub(_json_escape, text) if is_json else escape_controls(text))
    sys.stdout.flush()


def _json_escape(match: re.Match[str]) -> str:
    char = match[0]
    if char == "\n" or not is_unsafe(char):
        return char
    units = char.encode("utf-16-be")
    return "".join(f"\\u{int.from_bytes(units[i:i + 2], 'big'):04x}" for i in range(0, len(units), 2))


def is_terminal() -> bool:
    """True when stdout is a terminal: rich tables and wrapping; else plain, whole lines."""
    return sys.stdout.isatty()


def to_plain(value: Any) -> Any:
    """value as JSON-ready data: a dataclass as an object of all its fields (so new fields appear
    without listing them), mappings as objects, sequences and sets as arrays, datetimes and dates in
    ISO 8601, intervals in seconds, Decimals as numbers, paths and enums by value; anything else
    that JSON cannot hold as its str()."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, enum.Enum):
        return to_plain(value.value)
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays, pgvector's Vector through to_numpy()
        return to_plain(value.tolist())
    if hasattr(value, "to_list"):
        return to_plain(value.to_list())
    if isinstance(value, PurePath):
        return str(value)
    return str(value)


def print_json(value: Any) -> None:
    """value (see to_plain()) as one JSON document on stdout: exact bytes in a pipe, controls as \\u
    escapes on a terminal (write_data())."""
    write_data(json.dumps(to_plain(value), indent=2, ensure_ascii=False) + "\n", is_json=True)


def _tsv(cells: Sequence[object]) -> str:
    """One row as a line: cells separated by tabs, every control in them escaped (tabs and newlines too)."""
    return "\t".join(escape_controls("" if c is None else str(c), keep="") for c in cells)


def say(message: str) -> None:
    """Print a message on stdout, every character of it as text (no markup, controls escaped)."""
    console.print(safe(message))


def warn(message: str) -> None:
    """say() on stderr: notes and questions that must not mix with the data a command prints."""
    errors.print(safe(message))


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Print rows as a table; a cell that is a known status word is coloured.

    Title, headers and cells are printed as text (safe()); cells keep newlines but show tabs as \\t
    (rich would expand them into the next lines of a narrow column). Not on a terminal: plain lines,
    tab-separated, whole (see the module's docstring).
    """
    if not is_terminal():
        write_data("".join(f"{line}\n" for line in
                           [f"# {escape_controls(title, keep='')}", _tsv(columns), *(_tsv(row) for row in rows)]))
        return
    out = Table(title=safe(title), title_justify="left", header_style="bold")
    for column in columns:
        out.add_column(safe(column), overflow="fold")
    for row in rows:
        cells = [str(c) if c is not None else "" for c in row]
        out.add_row(*[safe(c, keep="\n", style=STATUS_STYLE.get(c, "")) for c in cells])
    console.print(out)


def code(text: str, lexer: str) -> None:
    """Print multi-line text (a template, a diff) with rich's Syntax, controls escaped; Syntax never
    reads markup. Long lines are wrapped (the console's soft wrapping would cut them at the
    terminal's width, hiding the rest). Not on a terminal: the escaped text as it is, whole."""
    if not is_terminal():
        shown = escape_controls(text)
        write_data(shown if shown.endswith("\n") else f"{shown}\n")
        return
    console.print(Syntax(escape_controls(text), lexer, word_wrap=True, line_numbers=False), soft_wrap=False)
